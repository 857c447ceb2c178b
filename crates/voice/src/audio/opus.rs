//! Opus in an Ogg container (RFC 7845): libopus encoding, the `OpusHead` and `OpusTags`
//! headers, pages with exact granule positions, and reading a file back.
//!
//! Opus runs at 48 kHz. The encoder's look-ahead becomes the header's pre-skip (the
//! decoder drops that many samples at the start), and the last page's granule position
//! says where the audio ends, so a player shows, and decodes, exactly the samples
//! encoded. Chapters follow the Vorbis-comment convention (`CHAPTER001=00:00:00.000`,
//! `CHAPTER001NAME=…`), cover art is a `METADATA_BLOCK_PICTURE`.

use std::borrow::Cow;
use std::io::Cursor;

use base64::Engine as _;
use ogg::{PacketReader, PacketWriteEndInfo, PacketWriter};
use opus::{Application, Bitrate, Channels, Decoder, Encoder, Signal};

use super::mp3::TagInfo;
use crate::script::CoverArt;

/// Opus in Ogg always counts time in 48 kHz samples.
pub const RATE: u32 = 48_000;
/// Samples per packet: 20 ms, the usual frame for speech.
const FRAME: usize = 960;
/// Room for one encoded packet (libopus's recommended maximum).
const MAX_PACKET: usize = 4000;
/// Room for one decoded packet: the longest Opus packet lasts 120 ms.
const MAX_DECODED: usize = 5760;
/// Audio pages end after this many packets (one second), so players seek finely.
const PACKETS_PER_PAGE: usize = 50;
/// Bit rates libopus accepts, kb/s.
const BITRATES: std::ops::RangeInclusive<u32> = 6..=510;

/// Why Opus encoding, muxing or reading failed.
#[derive(Debug, thiserror::Error)]
pub enum OpusError {
    /// The bit rate is outside what libopus accepts.
    #[error("unsupported Opus bit rate {0} kb/s (use 6–510, e.g. 32, 48 or 64)")]
    Bitrate(u32),
    /// libopus refused a setting or failed.
    #[error("libopus, {what}: {message}")]
    Codec {
        /// What was being done.
        what: &'static str,
        /// libopus's message.
        message: String,
    },
    /// The Ogg container could not be written or read.
    #[error("Ogg container: {0}")]
    Ogg(String),
    /// The stream is not Opus in Ogg as RFC 7845 lays it out.
    #[error("not an Ogg Opus stream: {0}")]
    Format(String),
}

fn codec(what: &'static str) -> impl Fn(opus::Error) -> OpusError {
    move |e| OpusError::Codec {
        what,
        message: e.to_string(),
    }
}

/// Checks a bit rate without encoding anything.
pub fn check_bitrate(kbps: u32) -> Result<(), OpusError> {
    if BITRATES.contains(&kbps) {
        Ok(())
    } else {
        Err(OpusError::Bitrate(kbps))
    }
}

/// Encoded Opus packets, before they are put into pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpusStream {
    /// One packet per 20 ms.
    pub packets: Vec<Vec<u8>>,
    /// Samples the decoder drops at the start (the encoder's look-ahead).
    pub pre_skip: u16,
    /// The audio's length, samples at 48 kHz (without the pre-skip).
    pub samples: u64,
}

impl OpusStream {
    /// The granule position of the stream's end: pre-skip plus the audio's samples.
    pub fn end_granule(&self) -> u64 {
        u64::from(self.pre_skip) + self.samples
    }

    /// Decodes the packets and trims the pre-skip and the end padding: the samples a
    /// player plays.
    pub fn decode(&self) -> Result<Vec<f32>, OpusError> {
        decode_packets(&self.packets, self.pre_skip, self.end_granule())
    }
}

/// Encodes mono 48 kHz samples (`[-1, 1]`) at `kbps` (variable bit rate, tuned for
/// speech).
pub fn encode(samples: &[f32], kbps: u32) -> Result<OpusStream, OpusError> {
    check_bitrate(kbps)?;
    let mut encoder = Encoder::new(RATE, Channels::Mono, Application::Audio)
        .map_err(codec("creating the encoder"))?;
    encoder
        .set_bitrate(Bitrate::Bits(kbps as i32 * 1000))
        .map_err(codec("setting the bit rate"))?;
    encoder
        .set_signal(Signal::Voice)
        .map_err(codec("setting the signal type"))?;
    encoder
        .set_complexity(10)
        .map_err(codec("setting the complexity"))?;
    let lookahead = encoder
        .get_lookahead()
        .map_err(codec("reading the look-ahead"))?;
    let pre_skip = u16::try_from(lookahead).map_err(|_| OpusError::Codec {
        what: "reading the look-ahead",
        message: format!("{lookahead} samples"),
    })?;

    // The decoder's output lags the input by the look-ahead: encode enough frames that
    // the last input sample comes out, zeros after the end.
    let frames = (samples.len() + usize::from(pre_skip))
        .div_ceil(FRAME)
        .max(1);
    let mut packets = Vec::with_capacity(frames);
    let mut frame = [0.0f32; FRAME];
    let mut out = [0u8; MAX_PACKET];
    for k in 0..frames {
        let start = (k * FRAME).min(samples.len());
        let end = ((k + 1) * FRAME).min(samples.len());
        frame[..end - start].copy_from_slice(&samples[start..end]);
        frame[end - start..].fill(0.0);
        let n = encoder
            .encode_float(&frame, &mut out)
            .map_err(codec("encoding"))?;
        packets.push(out[..n].to_vec());
    }
    Ok(OpusStream {
        packets,
        pre_skip,
        samples: samples.len() as u64,
    })
}

fn decode_packets(
    packets: &[Vec<u8>],
    pre_skip: u16,
    end_granule: u64,
) -> Result<Vec<f32>, OpusError> {
    let mut decoder = Decoder::new(RATE, Channels::Mono).map_err(codec("creating the decoder"))?;
    let mut out = Vec::with_capacity(packets.len() * FRAME);
    let mut buffer = [0.0f32; MAX_DECODED];
    for packet in packets {
        let n = decoder
            .decode_float(packet, &mut buffer, false)
            .map_err(codec("decoding"))?;
        out.extend_from_slice(&buffer[..n]);
    }
    let end = usize::try_from(end_granule).unwrap_or(usize::MAX);
    if end > out.len() || end < usize::from(pre_skip) {
        return Err(OpusError::Format(format!(
            "the end granule {end_granule} is outside the {} samples decoded (pre-skip {pre_skip})",
            out.len()
        )));
    }
    out.truncate(end);
    out.drain(..usize::from(pre_skip));
    Ok(out)
}

/// The `OpusHead` packet: version 1, mono, pre-skip, 48 kHz input, no output gain,
/// channel mapping family 0.
pub fn opus_head(pre_skip: u16) -> Vec<u8> {
    let mut head = Vec::with_capacity(19);
    head.extend_from_slice(b"OpusHead");
    head.push(1);
    head.push(1);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&RATE.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

/// `HH:MM:SS.mmm`, the chapter time format.
fn clock(ms: u32) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    format!("{h:02}:{m:02}:{:02}.{:03}", rest / 1000, rest % 1000)
}

/// The Vorbis comments for an episode: title, show (artist and album), genre, date,
/// language, summary, chapters and cover art.
pub fn comments(info: &TagInfo<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        ("TITLE".into(), info.title.into()),
        ("ARTIST".into(), info.show.into()),
        ("ALBUM".into(), info.show.into()),
        ("GENRE".into(), "Podcast".into()),
        ("LANGUAGE".into(), info.language.iso639_2().into()),
    ];
    if let Some(date) = info.date {
        out.push(("DATE".into(), date.to_string()));
    }
    if !info.summary.is_empty() {
        out.push(("COMMENT".into(), info.summary.into()));
    }
    for (i, chapter) in info.chapters.iter().enumerate() {
        let key = format!("CHAPTER{:03}", i + 1);
        out.push((key.clone(), clock(chapter.start_ms)));
        out.push((format!("{key}NAME"), chapter.title.clone()));
    }
    if let Some(cover) = info.cover {
        out.push((
            "METADATA_BLOCK_PICTURE".into(),
            base64::engine::general_purpose::STANDARD.encode(picture_block(cover)),
        ));
    }
    out
}

/// The `OpusTags` packet: vendor string and `KEY=value` comments.
pub fn opus_tags(vendor: &str, comments: &[(String, String)]) -> Vec<u8> {
    let mut tags = Vec::new();
    let mut field = |bytes: &[u8]| {
        tags.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        tags.extend_from_slice(bytes);
    };
    field(vendor.as_bytes());
    let mut packet = b"OpusTags".to_vec();
    packet.append(&mut tags);
    packet.extend_from_slice(&(comments.len() as u32).to_le_bytes());
    for (key, value) in comments {
        let comment = format!("{key}={value}");
        packet.extend_from_slice(&(comment.len() as u32).to_le_bytes());
        packet.extend_from_slice(comment.as_bytes());
    }
    packet
}

/// A FLAC picture block (front cover) for `METADATA_BLOCK_PICTURE`.
fn picture_block(cover: &CoverArt) -> Vec<u8> {
    let (width, height, depth) = image_size(&cover.data).unwrap_or((0, 0, 0));
    let mut block = Vec::with_capacity(cover.data.len() + 64);
    let mut push = |n: u32| block.extend_from_slice(&n.to_be_bytes());
    push(3);
    push(cover.mime_type.len() as u32);
    block.extend_from_slice(cover.mime_type.as_bytes());
    let mut push = |n: u32| block.extend_from_slice(&n.to_be_bytes());
    push(0);
    push(width);
    push(height);
    push(depth);
    push(0);
    push(cover.data.len() as u32);
    block.extend_from_slice(&cover.data);
    block
}

/// Width, height and bits per pixel of a PNG (from `IHDR`) or JPEG (from its first
/// start-of-frame marker).
fn image_size(data: &[u8]) -> Option<(u32, u32, u32)> {
    let be32 = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    let be16 = |at: usize| {
        Some(u32::from(u16::from_be_bytes(
            data.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.get(12..16) == Some(b"IHDR") {
        let channels = match data.get(25)? {
            0 | 3 => 1,
            4 => 2,
            2 => 3,
            6 => 4,
            _ => return None,
        };
        return Some((be32(16)?, be32(20)?, u32::from(*data.get(24)?) * channels));
    }
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= data.len() {
        if data[at] != 0xFF {
            return None;
        }
        let marker = data[at + 1];
        let length = be16(at + 2)? as usize;
        let start_of_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if start_of_frame {
            let bits = u32::from(*data.get(at + 4)?);
            let components = u32::from(*data.get(at + 9)?);
            return Some((be16(at + 7)?, be16(at + 5)?, bits * components));
        }
        at += 2 + length;
    }
    None
}

/// The vendor string: the libopus version that encoded the audio.
pub fn vendor() -> String {
    opus::version().to_string()
}

/// The whole `.opus` file: `OpusHead` and `OpusTags` each on their own pages, then the
/// audio, a page per second, each page's granule position the samples (at 48 kHz,
/// pre-skip included) of the packets that end on it; the last page's says where the
/// audio ends.
pub fn write_ogg(
    stream: &OpusStream,
    comments: &[(String, String)],
    serial: u32,
) -> Result<Vec<u8>, OpusError> {
    let ogg = |e: std::io::Error| OpusError::Ogg(e.to_string());
    let end = stream.end_granule();
    let mut writer = PacketWriter::new(Vec::new());
    writer
        .write_packet(
            opus_head(stream.pre_skip),
            serial,
            PacketWriteEndInfo::EndPage,
            0,
        )
        .map_err(ogg)?;
    writer
        .write_packet(
            opus_tags(&vendor(), comments),
            serial,
            PacketWriteEndInfo::EndPage,
            0,
        )
        .map_err(ogg)?;
    let count = stream.packets.len();
    for (i, packet) in stream.packets.iter().enumerate() {
        let done = i + 1;
        let (info, granule) = if done == count {
            (PacketWriteEndInfo::EndStream, end)
        } else if done % PACKETS_PER_PAGE == 0 {
            (PacketWriteEndInfo::EndPage, (done * FRAME) as u64)
        } else {
            (PacketWriteEndInfo::NormalPacket, (done * FRAME) as u64)
        };
        writer
            .write_packet(Cow::Borrowed(packet.as_slice()), serial, info, granule)
            .map_err(ogg)?;
    }
    Ok(writer.into_inner())
}

/// An Ogg Opus file read back.
#[derive(Debug, Clone, PartialEq)]
pub struct OggOpus {
    /// Channels in `OpusHead`.
    pub channels: u8,
    /// Pre-skip in `OpusHead`.
    pub pre_skip: u16,
    /// Output gain in `OpusHead` (Q7.8 dB).
    pub output_gain: i16,
    /// Vendor string in `OpusTags`.
    pub vendor: String,
    /// The comments in `OpusTags`, in order.
    pub comments: Vec<(String, String)>,
    /// The audio packets.
    pub packets: Vec<Vec<u8>>,
    /// The last page's granule position.
    pub end_granule: u64,
}

impl OggOpus {
    /// The first value of a comment (keys compare case-insensitively).
    pub fn comment(&self, key: &str) -> Option<&str> {
        self.comments
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Length, seconds, as a player computes it from the granule positions.
    pub fn duration_s(&self) -> f64 {
        self.end_granule.saturating_sub(u64::from(self.pre_skip)) as f64 / f64::from(RATE)
    }

    /// The samples a player plays (48 kHz).
    pub fn decode(&self) -> Result<Vec<f32>, OpusError> {
        decode_packets(&self.packets, self.pre_skip, self.end_granule)
    }
}

/// Reads an Ogg Opus file (one mono logical stream).
pub fn read(bytes: &[u8]) -> Result<OggOpus, OpusError> {
    let format = |m: String| OpusError::Format(m);
    let mut reader = PacketReader::new(Cursor::new(bytes));
    let mut next = || {
        reader
            .read_packet()
            .map_err(|e| OpusError::Ogg(e.to_string()))
    };
    let head = next()?.ok_or_else(|| format("empty stream".into()))?;
    let h = &head.data;
    if h.len() < 19 || &h[..8] != b"OpusHead" || h[8] & 0xF0 != 0 {
        return Err(format("the first packet is not an OpusHead".into()));
    }
    if !head.last_in_page() {
        return Err(format("OpusHead does not end its page".into()));
    }
    let channels = h[9];
    let pre_skip = u16::from_le_bytes([h[10], h[11]]);
    let output_gain = i16::from_le_bytes([h[16], h[17]]);

    let tags = next()?.ok_or_else(|| format("no OpusTags".into()))?;
    if !tags.data.starts_with(b"OpusTags") {
        return Err(format("the second packet is not OpusTags".into()));
    }
    if !tags.last_in_page() {
        return Err(format("OpusTags does not end its page".into()));
    }
    let (vendor, comments) =
        parse_tags(&tags.data[8..]).ok_or_else(|| format("OpusTags is cut short".into()))?;

    let mut packets = Vec::new();
    let mut end_granule = 0;
    while let Some(packet) = next()? {
        end_granule = packet.absgp_page();
        let last = packet.last_in_stream();
        packets.push(packet.data);
        if last {
            break;
        }
    }
    Ok(OggOpus {
        channels,
        pre_skip,
        output_gain,
        vendor,
        comments,
        packets,
        end_granule,
    })
}

type Comments = (String, Vec<(String, String)>);

fn parse_tags(data: &[u8]) -> Option<Comments> {
    let mut at = 0;
    let vendor = string_at(data, &mut at)?;
    let count = u32_at(data, &mut at)?;
    let mut comments = Vec::with_capacity(count.min(1024) as usize);
    for _ in 0..count {
        let comment = string_at(data, &mut at)?;
        let (key, value) = comment.split_once('=').unwrap_or((&comment, ""));
        comments.push((key.to_string(), value.to_string()));
    }
    Some((vendor, comments))
}

fn u32_at(data: &[u8], at: &mut usize) -> Option<u32> {
    let value = u32::from_le_bytes(data.get(*at..*at + 4)?.try_into().ok()?);
    *at += 4;
    Some(value)
}

fn string_at(data: &[u8], at: &mut usize) -> Option<String> {
    let len = u32_at(data, at)? as usize;
    let bytes = data.get(*at..at.checked_add(len)?)?;
    *at += len;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::mp3::TagChapter;
    use crate::script::Language;

    fn tone(seconds: f32) -> Vec<f32> {
        (0..(seconds * RATE as f32) as usize)
            .map(|i| 0.3 * (std::f32::consts::TAU * 220.0 * i as f32 / RATE as f32).sin())
            .collect()
    }

    #[test]
    fn decodes_to_exactly_the_input_length_and_lines_up() {
        for len in [1, 959, 960, 961, 48_000, 100_001] {
            let mut x = vec![0.0f32; len];
            // A click in the middle stays where it was.
            x[len / 2] = 0.9;
            let stream = encode(&x, 48).unwrap();
            assert_eq!(stream.samples, len as u64);
            assert!(stream.pre_skip > 0);
            let y = stream.decode().unwrap();
            assert_eq!(y.len(), len);
            if len > 2000 {
                let peak = y
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                    .unwrap()
                    .0;
                assert!(peak.abs_diff(len / 2) <= 2, "click at {peak} of {len}");
            }
        }
    }

    #[test]
    fn bit_rate_is_honoured_and_checked() {
        let x = tone(4.0);
        let size = |kbps| {
            let s = encode(&x, kbps).unwrap();
            s.packets.iter().map(Vec::len).sum::<usize>() as f64 * 8.0 / 4.0 / 1000.0
        };
        let (low, high) = (size(24), size(96));
        assert!(low < high, "{low} kb/s vs {high} kb/s");
        assert!(low < 32.0, "{low} kb/s");
        assert!(matches!(encode(&x, 5), Err(OpusError::Bitrate(5))));
        assert!(check_bitrate(48).is_ok() && check_bitrate(511).is_err());
    }

    #[test]
    fn file_round_trips_with_headers_granules_and_tags() {
        let x = tone(2.5);
        let stream = encode(&x, 48).unwrap();
        let chapters = [
            TagChapter {
                title: "Opening".into(),
                start_ms: 0,
                end_ms: 1200,
            },
            TagChapter {
                title: "核心事件".into(),
                start_ms: 1200,
                end_ms: 3_723_456,
            },
        ];
        let cover = CoverArt::from_bytes(
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\x58\0\0\x02\x58\x08\x02\0\0\0".to_vec(),
        )
        .unwrap();
        let info = TagInfo {
            title: "A title",
            show: "Goose Pod",
            summary: "What happened.",
            date: Some(jiff::civil::date(2025, 12, 15)),
            language: Language::En,
            duration_ms: 2500,
            chapters: &chapters,
            cover: Some(&cover),
        };
        let bytes = write_ogg(&stream, &comments(&info), 7).unwrap();
        assert!(bytes.starts_with(b"OggS"));
        let file = read(&bytes).unwrap();
        assert_eq!(file.channels, 1);
        assert_eq!(file.output_gain, 0);
        assert_eq!(file.pre_skip, stream.pre_skip);
        assert_eq!(
            file.end_granule,
            u64::from(stream.pre_skip) + x.len() as u64
        );
        assert!((file.duration_s() - 2.5).abs() < 1e-9);
        assert_eq!(file.packets, stream.packets);
        assert_eq!(file.decode().unwrap().len(), x.len());
        assert!(file.vendor.contains("libopus"), "{}", file.vendor);
        assert_eq!(file.comment("title"), Some("A title"));
        assert_eq!(file.comment("ARTIST"), Some("Goose Pod"));
        assert_eq!(file.comment("DATE"), Some("2025-12-15"));
        assert_eq!(file.comment("COMMENT"), Some("What happened."));
        assert_eq!(file.comment("CHAPTER001"), Some("00:00:00.000"));
        assert_eq!(file.comment("CHAPTER001NAME"), Some("Opening"));
        assert_eq!(file.comment("CHAPTER002"), Some("00:00:01.200"));
        assert_eq!(file.comment("CHAPTER002NAME"), Some("核心事件"));
        let picture = base64::engine::general_purpose::STANDARD
            .decode(file.comment("METADATA_BLOCK_PICTURE").unwrap())
            .unwrap();
        assert_eq!(&picture[..4], &3u32.to_be_bytes());
        assert_eq!(&picture[8..17], b"image/png");
        // Width, height, 24 bits per pixel.
        assert_eq!(
            &picture[21..33],
            &[0, 0, 2, 0x58, 0, 0, 2, 0x58, 0, 0, 0, 24]
        );
        assert!(picture.ends_with(&cover.data));
    }

    #[test]
    fn clock_and_image_sizes() {
        assert_eq!(clock(0), "00:00:00.000");
        assert_eq!(clock(3_723_456), "01:02:03.456");
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0, 100, 1, 44, 3,
        ];
        assert_eq!(image_size(&jpeg), Some((300, 100, 24)));
        assert_eq!(image_size(b"GIF89a"), None);
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(read(b"not ogg at all").is_err());
        let stream = encode(&tone(0.1), 48).unwrap();
        let mut bytes = write_ogg(&stream, &[], 1).unwrap();
        // Break "OpusHead" (and the page's checksum with it).
        bytes[28] = b'X';
        assert!(read(&bytes).is_err());
    }
}
