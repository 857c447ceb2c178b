//! MP3 encoding (LAME) and the ID3v2 tag written in front of it.
//!
//! The stream is constant bit rate with a LAME "Info" frame first: it records the exact
//! number of samples, encoder delay and padding, so players show the right duration and
//! decoders that honour it (gapless) give back exactly the samples encoded.

use std::io::Cursor;
use std::mem::MaybeUninit;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::errors::Error;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use id3::frame::{Chapter, Comment, Picture, PictureType, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};
use mp3lame_encoder::{Bitrate, Builder, FlushGap, MonoPcm, Quality};

use crate::analysis::{self, Loudness};
use crate::script::{CoverArt, Language};

/// Why encoding failed.
#[derive(Debug, thiserror::Error)]
pub enum Mp3Error {
    /// The bit rate is not one LAME offers.
    #[error("unsupported MP3 bit rate {0} kb/s (use 32–320, e.g. 64, 80 or 96)")]
    Bitrate(u32),
    /// The quality setting is not 0–9.
    #[error("unsupported LAME quality {0} (use 0 best … 9 fastest)")]
    Quality(u8),
    /// LAME refused the settings or failed.
    #[error("LAME: {0}")]
    Lame(String),
    /// The encoded file could not be read back for its check.
    #[error("checking the encoded MP3: {0}")]
    Check(String),
    /// The ID3 tag could not be built.
    #[error("ID3 tag: {0}")]
    Tag(String),
}

fn bitrate(kbps: u32) -> Result<Bitrate, Mp3Error> {
    Ok(match kbps {
        32 => Bitrate::Kbps32,
        40 => Bitrate::Kbps40,
        48 => Bitrate::Kbps48,
        64 => Bitrate::Kbps64,
        80 => Bitrate::Kbps80,
        96 => Bitrate::Kbps96,
        112 => Bitrate::Kbps112,
        128 => Bitrate::Kbps128,
        160 => Bitrate::Kbps160,
        192 => Bitrate::Kbps192,
        224 => Bitrate::Kbps224,
        256 => Bitrate::Kbps256,
        320 => Bitrate::Kbps320,
        other => return Err(Mp3Error::Bitrate(other)),
    })
}

/// Checks a bit rate without encoding anything.
pub fn check_bitrate(kbps: u32) -> Result<(), Mp3Error> {
    bitrate(kbps).map(|_| ())
}

/// LAME's quality (algorithm) setting, 0 best/slowest … 9 worst/fastest.
fn quality(q: u8) -> Result<Quality, Mp3Error> {
    Ok(match q {
        0 => Quality::Best,
        1 => Quality::SecondBest,
        2 => Quality::NearBest,
        3 => Quality::VeryNice,
        4 => Quality::Nice,
        5 => Quality::Good,
        6 => Quality::Decent,
        7 => Quality::Ok,
        8 => Quality::SecondWorst,
        9 => Quality::Worst,
        other => return Err(Mp3Error::Quality(other)),
    })
}

/// Checks a LAME quality setting without encoding anything.
pub fn check_quality(q: u8) -> Result<(), Mp3Error> {
    quality(q).map(|_| ())
}

/// Samples in one MPEG-1 Layer III frame.
const FRAME: usize = 1152;
/// LAME's encoder delay (`ENCDELAY`): silence it puts before the first sample.
const ENCODER_DELAY: usize = 576;

/// LAME's end padding for a stream of `samples` samples (lame_encode_flush).
fn end_padding(samples: usize) -> usize {
    let padding = FRAME - (ENCODER_DELAY + samples) % FRAME;
    if padding < 576 {
        padding + FRAME
    } else {
        padding
    }
}

/// Encodes mono samples (`[-1, 1]`) as a CBR MP3 stream whose first frame is a LAME
/// Info frame (exact length, encoder delay and padding for gapless decoding).
///
/// Long audio is cut into one piece per core at silent points and the pieces are
/// encoded in parallel, then joined; see [`encode_pieces`].
pub fn encode(samples: &[f32], sample_rate: u32, kbps: u32, q: u8) -> Result<Vec<u8>, Mp3Error> {
    Ok(encode_inner(samples, sample_rate, kbps, q, false)?.0)
}

/// An encoded stream and what it measures when decoded.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The MP3 stream.
    pub bytes: Vec<u8>,
    /// Loudness and true peak of the decoded stream.
    pub loudness: Loudness,
}

/// [`encode`], then decode what was made and measure it, each piece on its own core
/// right after it is encoded: the loudness and peak a player will see.
pub fn encode_checked(
    samples: &[f32],
    sample_rate: u32,
    kbps: u32,
    q: u8,
) -> Result<Checked, Mp3Error> {
    let (bytes, decoded) = encode_inner(samples, sample_rate, kbps, q, true)?;
    let parts: Vec<&[f32]> = decoded.iter().map(Vec::as_slice).collect();
    Ok(Checked {
        bytes,
        loudness: analysis::loudness_of_parts(&parts, sample_rate),
    })
}

type Pieces = (Vec<u8>, Vec<Vec<f32>>);

fn encode_inner(
    samples: &[f32],
    sample_rate: u32,
    kbps: u32,
    q: u8,
    check: bool,
) -> Result<Pieces, Mp3Error> {
    let cuts = find_cuts(samples, sample_rate, rayon::current_num_threads());
    if !cuts.is_empty() {
        match encode_parallel(samples, sample_rate, kbps, q, &cuts, check)? {
            Some(joined) => return Ok(joined),
            None => tracing::debug!("LAME Info frame not as expected; encoding in one piece"),
        }
    }
    let bytes = encode_stream(samples, sample_rate, kbps, q, true)?;
    let decoded = if check {
        vec![decode(bytes.clone()).map_err(Mp3Error::Check)?]
    } else {
        Vec::new()
    };
    Ok((bytes, decoded))
}

/// One LAME stream; with `info`, its first frame is the filled-in Info frame.
fn encode_stream(
    samples: &[f32],
    sample_rate: u32,
    kbps: u32,
    q: u8,
    info: bool,
) -> Result<Vec<u8>, Mp3Error> {
    let lame = |e: &dyn std::fmt::Debug| Mp3Error::Lame(format!("{e:?}"));
    let mut builder = Builder::new().ok_or_else(|| Mp3Error::Lame("out of memory".into()))?;
    builder.set_num_channels(1).map_err(|e| lame(&e))?;
    builder.set_sample_rate(sample_rate).map_err(|e| lame(&e))?;
    builder.set_brate(bitrate(kbps)?).map_err(|e| lame(&e))?;
    builder
        .set_mode(mp3lame_encoder::Mode::Mono)
        .map_err(|e| lame(&e))?;
    builder.set_quality(quality(q)?).map_err(|e| lame(&e))?;
    builder.set_to_write_vbr_tag(info).map_err(|e| lame(&e))?;
    let mut encoder = builder.build().map_err(|e| lame(&e))?;

    let seconds = samples.len() / sample_rate.max(1) as usize + 1;
    let mut out: Vec<u8> = Vec::with_capacity(seconds * kbps as usize * 125 + 8192);
    for chunk in samples.chunks(1 << 16) {
        out.reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
        encoder
            .encode_to_vec(MonoPcm(chunk), &mut out)
            .map_err(|e| lame(&e))?;
    }
    out.reserve(7200);
    encoder
        .flush_to_vec::<FlushGap>(&mut out)
        .map_err(|e| lame(&e))?;

    if info {
        // LAME left a placeholder frame at the start; fill it in now that the totals are
        // known.
        let size = encoder.lame_tag_size();
        if size > 0 && size <= out.len() {
            let mut frame = vec![MaybeUninit::<u8>::uninit(); size];
            if let Some(written) = encoder.lame_tag_encode(&mut frame) {
                let written = written.get().min(size);
                for (dst, src) in out[..written].iter_mut().zip(&frame[..written]) {
                    // SAFETY: LAME initialised the first `written` bytes.
                    *dst = unsafe { src.assume_init() };
                }
            }
        }
    }
    Ok(out)
}

/// Where to cut `samples` for parallel encoding: one cut per extra piece, each at a
/// multiple of the frame size where the 2 304 samples before it (and a few after) are
/// digital silence — the pauses between lines. Empty when the audio is short or no
/// such place is near the ideal cut.
pub fn find_cuts(samples: &[f32], sample_rate: u32, pieces: usize) -> Vec<usize> {
    let n = samples.len();
    let min_piece = sample_rate as usize * 10;
    if pieces < 2 || n < min_piece * pieces {
        return Vec::new();
    }
    let silent = |p: usize| {
        p > 2 * FRAME
            && p + 64 <= n
            && samples[p - 2 * FRAME..p + 64]
                .iter()
                .all(|s| s.abs() <= 1e-6)
    };
    let search = sample_rate as usize * 30 / FRAME;
    let mut cuts = Vec::with_capacity(pieces - 1);
    for j in 1..pieces {
        let ideal = n * j / pieces / FRAME;
        let found = (0..search).find_map(|k| {
            [ideal + k, ideal.saturating_sub(k)]
                .into_iter()
                .map(|f| f * FRAME)
                .find(|&p| silent(p))
        });
        match found {
            Some(p) if cuts.last().is_none_or(|&last| p > last + min_piece) => cuts.push(p),
            _ => return Vec::new(),
        }
    }
    cuts
}

/// Encodes the pieces between `cuts` in parallel and joins them into one stream.
///
/// Piece *j* covers `[cut_j, cut_{j+1} − 1152)`: with the encoder delay (576) and the
/// end padding that length then gets (576), it encodes to exactly
/// `(cut_{j+1} − cut_j) / 1152` frames, so every piece starts in the joined stream at
/// the same sample as in the input. The 1 152 silent samples left out at each cut are
/// replaced by the codec's own padding, which is silence too. The first piece's Info
/// frame is then rewritten for the whole stream: frame and byte counts, the last
/// piece's padding, music length and both CRCs. None if that frame is not laid out as
/// expected (the caller encodes in one piece instead).
pub fn encode_pieces(
    samples: &[f32],
    sample_rate: u32,
    kbps: u32,
    q: u8,
    cuts: &[usize],
) -> Result<Option<Vec<u8>>, Mp3Error> {
    Ok(encode_parallel(samples, sample_rate, kbps, q, cuts, false)?.map(|(bytes, _)| bytes))
}

fn encode_parallel(
    samples: &[f32],
    sample_rate: u32,
    kbps: u32,
    q: u8,
    cuts: &[usize],
    check: bool,
) -> Result<Option<Pieces>, Mp3Error> {
    let mut ranges = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &cut in cuts {
        ranges.push(start..cut - FRAME);
        start = cut;
    }
    ranges.push(start..samples.len());
    use rayon::prelude::*;
    let pieces: Vec<(Vec<u8>, Option<Vec<f32>>)> = ranges
        .par_iter()
        .enumerate()
        .map(|(i, range)| {
            let stream = encode_stream(&samples[range.clone()], sample_rate, kbps, q, i == 0)?;
            // A piece decodes on its own (the later ones with the codec's delay and
            // padding as silence at their ends: nothing that counts in a measurement).
            let decoded = if check {
                Some(decode(stream.clone()).map_err(Mp3Error::Check)?)
            } else {
                None
            };
            Ok((stream, decoded))
        })
        .collect::<Result<_, Mp3Error>>()?;
    let (streams, decoded): (Vec<Vec<u8>>, Vec<Option<Vec<f32>>>) = pieces.into_iter().unzip();

    let last_padding = end_padding(ranges.last().map_or(0, |r| r.len()));
    let mut rest_frames = 0u32;
    let mut rest_bytes = 0u32;
    for stream in &streams[1..] {
        let Some(frames) = count_frames(stream) else {
            return Ok(None);
        };
        rest_frames += frames;
        rest_bytes += stream.len() as u32;
    }
    let mut joined = Vec::with_capacity(streams.iter().map(Vec::len).sum());
    for stream in &streams {
        joined.extend_from_slice(stream);
    }
    let ok = patch_info_frame(
        &mut joined,
        streams[0].len(),
        rest_frames,
        rest_bytes,
        last_padding,
    );
    Ok(ok.then(|| (joined, decoded.into_iter().flatten().collect())))
}

/// Decodes an MP3 stream (gapless) to mono samples.
pub fn decode(bytes: Vec<u8>) -> Result<Vec<f32>, String> {
    let stream = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            stream,
            &FormatOptions {
                enable_gapless: true,
                ..Default::default()
            },
            &MetadataOptions::default(),
        )
        .map_err(|e| format!("reading MP3: {e}"))?;
    let mut format = probed.format;
    let track = format.default_track().ok_or("no track in MP3")?.clone();
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| format!("MP3 decoder: {e}"))?;
    let mut samples = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(format!("reading MP3: {e}")),
        };
        if packet.track_id() != track.id {
            continue;
        }
        let decoded = decoder
            .decode(&packet)
            .map_err(|e| format!("decoding MP3: {e}"))?;
        let mut buffer = SampleBuffer::<f32>::new(decoded.capacity() as u64, *decoded.spec());
        buffer.copy_interleaved_ref(decoded);
        samples.extend_from_slice(buffer.samples());
    }
    Ok(samples)
}

/// CRC-16/ARC as LAME computes it for the Info frame.
fn crc16(mut crc: u16, bytes: &[u8]) -> u16 {
    for &b in bytes {
        crc ^= u16::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Updates the Info frame at the start of `stream` (whose first `first_len` bytes came
/// from the first piece) for `more_frames`/`more_bytes` appended after it. False if the
/// frame is not a LAME Info frame with the fields where expected.
fn patch_info_frame(
    stream: &mut [u8],
    first_len: usize,
    more_frames: u32,
    more_bytes: u32,
    padding: usize,
) -> bool {
    let Some(info) = stream
        .get(..64)
        .and_then(|head| head.windows(4).position(|w| w == b"Info"))
    else {
        return false;
    };
    let lame = info + 120;
    let crc_at = info + 154;
    if stream.len() < crc_at + 2
        || read_u32(stream, info + 4) != 0x0F
        || &stream[lame..lame + 4] != b"LAME"
        || padding >= 4096
    {
        return false;
    }
    let stored = u16::from_be_bytes([stream[crc_at], stream[crc_at + 1]]);
    if crc16(0, &stream[..crc_at]) != stored {
        return false;
    }
    let add = |stream: &mut [u8], at: usize, more: u32| {
        let value = read_u32(stream, at).wrapping_add(more);
        stream[at..at + 4].copy_from_slice(&value.to_be_bytes());
    };
    add(stream, info + 8, more_frames); // Xing: frames
    add(stream, info + 12, more_bytes); // Xing: bytes
    add(stream, lame + 28, more_bytes); // LAME: music length
    let delay_padding = lame + 21;
    stream[delay_padding + 1] = (stream[delay_padding + 1] & 0xF0) | ((padding >> 8) as u8 & 0x0F);
    stream[delay_padding + 2] = padding as u8;
    let music_crc_at = lame + 32;
    let music_crc = u16::from_be_bytes([stream[music_crc_at], stream[music_crc_at + 1]]);
    let music_crc = crc16(music_crc, &stream[first_len..]);
    stream[music_crc_at..music_crc_at + 2].copy_from_slice(&music_crc.to_be_bytes());
    let tag_crc = crc16(0, &stream[..crc_at]);
    stream[crc_at..crc_at + 2].copy_from_slice(&tag_crc.to_be_bytes());
    true
}

/// Number of MPEG-1 Layer III frames in a stream, None if it is not a clean sequence.
fn count_frames(stream: &[u8]) -> Option<u32> {
    const BITRATES: [u32; 16] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0,
    ];
    const RATES: [u32; 4] = [44_100, 48_000, 32_000, 0];
    let mut at = 0;
    let mut frames = 0;
    while at < stream.len() {
        let h = stream.get(at..at + 4)?;
        // Sync, MPEG-1, Layer III.
        if h[0] != 0xFF || h[1] & 0xFE != 0xFA {
            return None;
        }
        let kbps = BITRATES[usize::from(h[2] >> 4)];
        let rate = RATES[usize::from((h[2] >> 2) & 3)];
        if kbps == 0 || rate == 0 {
            return None;
        }
        let padding = u32::from((h[2] >> 1) & 1);
        at += (144 * kbps * 1000 / rate + padding) as usize;
        frames += 1;
    }
    (at == stream.len()).then_some(frames)
}

/// A chapter as the ID3 tag records it.
#[derive(Debug, Clone, PartialEq)]
pub struct TagChapter {
    /// Title (`TIT2` inside the `CHAP` frame).
    pub title: String,
    /// Start, milliseconds.
    pub start_ms: u32,
    /// End, milliseconds.
    pub end_ms: u32,
}

/// What goes into the ID3v2 tag.
#[derive(Debug, Clone)]
pub struct TagInfo<'a> {
    /// Episode title.
    pub title: &'a str,
    /// Show name (artist and album).
    pub show: &'a str,
    /// Summary (comment).
    pub summary: &'a str,
    /// Publication date.
    pub date: Option<jiff::civil::Date>,
    /// Spoken language.
    pub language: Language,
    /// Length, milliseconds (`TLEN`).
    pub duration_ms: u32,
    /// Chapters (`CHAP` frames under one `CTOC`).
    pub chapters: &'a [TagChapter],
    /// Cover art (`APIC`).
    pub cover: Option<&'a CoverArt>,
}

/// Element ids of the chapter frames: `chp0`, `chp1`…
pub fn chapter_element_id(index: usize) -> String {
    format!("chp{index}")
}

/// The ID3v2.3 tag bytes (v2.3: what most podcast apps read best).
pub fn id3_tag(info: &TagInfo<'_>) -> Result<Vec<u8>, Mp3Error> {
    let mut tag = Tag::new();
    tag.set_title(info.title);
    tag.set_artist(info.show);
    tag.set_album(info.show);
    tag.set_genre("Podcast");
    tag.set_text("TLAN", info.language.iso639_2());
    tag.set_text("TLEN", info.duration_ms.to_string());
    if let Some(date) = info.date {
        tag.set_year(i32::from(date.year()));
        tag.set_date_recorded(id3::Timestamp {
            year: i32::from(date.year()),
            month: Some(date.month() as u8),
            day: Some(date.day() as u8),
            hour: None,
            minute: None,
            second: None,
        });
    }
    if !info.summary.is_empty() {
        tag.add_frame(Comment {
            lang: info.language.iso639_2().to_string(),
            description: String::new(),
            text: info.summary.to_string(),
        });
    }
    if let Some(cover) = info.cover {
        tag.add_frame(Picture {
            mime_type: cover.mime_type.clone(),
            picture_type: PictureType::CoverFront,
            description: String::new(),
            data: cover.data.clone(),
        });
    }
    if !info.chapters.is_empty() {
        tag.add_frame(TableOfContents {
            element_id: "toc".to_string(),
            top_level: true,
            ordered: true,
            elements: (0..info.chapters.len()).map(chapter_element_id).collect(),
            frames: Vec::new(),
        });
        for (i, chapter) in info.chapters.iter().enumerate() {
            tag.add_frame(Chapter {
                element_id: chapter_element_id(i),
                start_time: chapter.start_ms,
                end_time: chapter.end_ms,
                start_offset: u32::MAX,
                end_offset: u32::MAX,
                frames: vec![Frame::text("TIT2", chapter.title.clone())],
            });
        }
    }
    let mut bytes = Vec::new();
    tag.write_to(&mut bytes, Version::Id3v23)
        .map_err(|e| Mp3Error::Tag(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_tone_with_an_info_frame() {
        let rate = 44_100;
        let x: Vec<f32> = (0..rate * 2)
            .map(|i| 0.3 * (i as f32 * 0.06).sin())
            .collect();
        let mp3 = encode(&x, rate, 64, 5).unwrap();
        // MPEG-1 Layer III sync, and the Info tag in the first frame.
        assert_eq!(mp3[0], 0xFF);
        assert_eq!(mp3[1] & 0xE0, 0xE0);
        let head = &mp3[..400];
        assert!(head.windows(4).any(|w| w == b"Info"), "no Info frame");
        assert!(head.windows(4).any(|w| w == b"LAME"), "no LAME extension");
        // About 64 kb/s × 2 s.
        assert!((14_000..19_000).contains(&mp3.len()), "{}", mp3.len());
        assert!(matches!(
            encode(&x, rate, 65, 5),
            Err(Mp3Error::Bitrate(65))
        ));
        assert!(matches!(
            encode(&x, rate, 64, 10),
            Err(Mp3Error::Quality(10))
        ));
        // The Info frame plus (576 + 88 200 + 1 080 padding) / 1152 audio frames.
        assert_eq!(end_padding(88_200), 1080);
        assert_eq!(count_frames(&mp3), Some(1 + 78));
    }

    #[test]
    fn tag_has_chapters_and_reads_back() {
        let chapters = vec![
            TagChapter {
                title: "开场".into(),
                start_ms: 0,
                end_ms: 1500,
            },
            TagChapter {
                title: "Outlook".into(),
                start_ms: 1500,
                end_ms: 4000,
            },
        ];
        let cover = CoverArt::from_bytes(b"\x89PNG\r\n\x1a\nrest".to_vec()).unwrap();
        let bytes = id3_tag(&TagInfo {
            title: "OpenAI 陷入困境",
            show: "Goose Pod",
            summary: "一段摘要。",
            date: Some(jiff::civil::date(2025, 12, 15)),
            language: Language::Zh,
            duration_ms: 4000,
            chapters: &chapters,
            cover: Some(&cover),
        })
        .unwrap();
        let tag = Tag::read_from2(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(tag.title(), Some("OpenAI 陷入困境"));
        assert_eq!(tag.artist(), Some("Goose Pod"));
        assert_eq!(tag.comments().next().unwrap().text, "一段摘要。");
        assert_eq!(tag.date_recorded().unwrap().to_string(), "2025-12-15");
        assert_eq!(tag.pictures().next().unwrap().mime_type, "image/png");
        let toc = tag.tables_of_contents().next().unwrap();
        assert_eq!(toc.elements, vec!["chp0", "chp1"]);
        let read: Vec<(u32, u32, String)> = tag
            .chapters()
            .map(|c| {
                (
                    c.start_time,
                    c.end_time,
                    c.frames[0].content().text().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                (0, 1500, "开场".to_string()),
                (1500, 4000, "Outlook".to_string())
            ]
        );
    }
}
