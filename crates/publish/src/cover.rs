//! The episode's cover image: generated, so every episode has one without a designer or
//! a network. A two-colour gradient and a waveform, both drawn from a hash of the title,
//! so episodes look different from each other and the same episode always looks the same.

use crate::PublishError;

/// Side of the cover in pixels: podcast directories ask for 1400–3000.
pub const COVER_SIZE: u32 = 1400;
/// Side of the copy embedded in the MP3's tag (players show it small).
pub const TAG_COVER_SIZE: u32 = 600;

/// A square PNG cover, `size` pixels wide, for the episode titled `title`.
pub fn cover_png(title: &str, size: u32) -> Result<Vec<u8>, PublishError> {
    let pixels = draw(title, size);
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, size, size);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder
        .write_header()
        .map_err(|e| PublishError::Cover(e.to_string()))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| PublishError::Cover(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| PublishError::Cover(e.to_string()))?;
    Ok(png)
}

/// RGB pixels, row by row.
fn draw(title: &str, size: u32) -> Vec<u8> {
    let mut random = SplitMix(fnv1a(title.as_bytes()));
    let hue = (random.next() % 360) as f32;
    let from = hsl(hue, 0.55, 0.20);
    let to = hsl((hue + 55.0) % 360.0, 0.62, 0.42);
    let bar_colour = hsl((hue + 25.0) % 360.0, 0.85, 0.86);

    // The waveform: bars whose heights follow a smoothed random walk, tallest mid-way.
    let bars = 36usize;
    let mut level = 0.5f32;
    let heights: Vec<f32> = (0..bars)
        .map(|i| {
            level = (level + (random.unit() - 0.5) * 0.6).clamp(0.15, 1.0);
            let envelope = (std::f32::consts::PI * (i as f32 + 0.5) / bars as f32).sin();
            0.08 + 0.30 * level * (0.35 + 0.65 * envelope)
        })
        .collect();

    let side = size as f32;
    let left = 0.12 * side;
    let pitch = (0.76 * side) / bars as f32;
    let bar_width = pitch * 0.56;
    let middle = 0.5 * side;
    let mut pixels = Vec::with_capacity((size * size * 3) as usize);
    for y in 0..size {
        let fy = y as f32 + 0.5;
        for x in 0..size {
            let fx = x as f32 + 0.5;
            let t = ((fx + fy) / (2.0 * side)).clamp(0.0, 1.0);
            let mut colour = mix(from, to, t);
            let slot = (fx - left) / pitch;
            if slot >= 0.0 && (slot as usize) < bars {
                let index = slot as usize;
                let within = fx - left - index as f32 * pitch;
                let half_height = heights[index] * side / 2.0;
                let radius = bar_width / 2.0;
                // A bar with rounded ends: inside the rectangle or its end caps.
                let dx = (within - radius).abs();
                let dy = ((fy - middle).abs() - (half_height - radius)).max(0.0);
                if within <= bar_width && dx * dx + dy * dy <= radius * radius {
                    colour = mix(colour, bar_colour, 0.92);
                }
            }
            pixels.extend_from_slice(&colour.map(|c| (c * 255.0).round() as u8));
        }
    }
    pixels
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

/// HSL (hue in degrees) to RGB in `[0, 1]`.
fn hsl(hue: f32, saturation: f32, lightness: f32) -> [f32; 3] {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = chroma * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    [r + m, g + m, b + m]
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A small deterministic generator (SplitMix64): the same title, the same cover.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        (info, pixels)
    }

    #[test]
    fn cover_is_a_square_rgb_png_of_the_asked_size() {
        let png = cover_png("Harbor batteries", 200).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let (info, pixels) = decode(&png);
        assert_eq!((info.width, info.height), (200, 200));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        // Not a flat fill: the gradient and the bars make many colours.
        let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
        assert!(distinct.len() > 100, "{} colours", distinct.len());
    }

    #[test]
    fn same_title_same_cover_other_title_other_cover() {
        let a = cover_png("Harbor batteries", 64).unwrap();
        assert_eq!(a, cover_png("Harbor batteries", 64).unwrap());
        assert_ne!(a, cover_png("新线路开通", 64).unwrap());
    }
}
