//! Helpers for the integration tests: example scripts, MP3 and Ogg Opus decoding,
//! loudness, a strict WebVTT reader.

#![allow(dead_code)]

pub mod fixtures;

use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::errors::Error;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Decoded audio.
pub struct Decoded {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub channels: usize,
}

impl Decoded {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate)
    }

    /// The samples between two times.
    pub fn between(&self, start: f64, end: f64) -> &[f32] {
        let at =
            |t: f64| ((t * f64::from(self.sample_rate)).round() as usize).min(self.samples.len());
        &self.samples[at(start)..at(end)]
    }
}

/// Decodes an MP3 file with gapless trimming (encoder delay and padding from the LAME
/// Info frame), as a careful player would.
pub fn decode_mp3(path: &Path) -> Decoded {
    let file = std::fs::File::open(path).expect("MP3 exists");
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
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
        .expect("a readable MP3");
    let mut format = probed.format;
    let track = format.default_track().expect("one track").clone();
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .expect("an MP3 decoder");
    let sample_rate = track.codec_params.sample_rate.expect("a sample rate");
    let channels = track.codec_params.channels.expect("channels").count();
    let mut samples = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => panic!("reading MP3: {e}"),
        };
        if packet.track_id() != track.id {
            continue;
        }
        let decoded = decoder.decode(&packet).expect("a decodable frame");
        let mut buffer = SampleBuffer::<f32>::new(decoded.capacity() as u64, *decoded.spec());
        buffer.copy_interleaved_ref(decoded);
        samples.extend_from_slice(buffer.samples());
    }
    Decoded {
        samples,
        sample_rate,
        channels,
    }
}

/// An Ogg Opus file as a player reads it: the headers, every page's granule position and
/// the decoded audio with pre-skip and end trimming applied.
pub struct OpusFile {
    pub version: u8,
    pub channels: u8,
    pub pre_skip: u16,
    pub input_rate: u32,
    pub output_gain: i16,
    pub vendor: String,
    pub comments: Vec<(String, String)>,
    /// Granule positions of the pages holding audio, in order (-1 as u64 for a page on
    /// which no packet ends).
    pub granules: Vec<u64>,
    /// Decoded samples before trimming.
    pub untrimmed: usize,
    pub decoded: Decoded,
}

impl OpusFile {
    pub fn comment(&self, key: &str) -> Option<&str> {
        self.comments
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// Reads and decodes an Ogg Opus file with the `ogg` reader and libopus (RFC 7845
/// rules: pre-skip dropped at the start, the last granule position ends the audio).
pub fn decode_opus(path: &Path) -> OpusFile {
    let file = std::fs::File::open(path).expect("the Opus file exists");
    let mut reader = ogg::PacketReader::new(std::io::BufReader::new(file));
    let head = reader.read_packet_expected().expect("an OpusHead packet");
    let h = &head.data;
    assert_eq!(&h[..8], b"OpusHead");
    assert!(
        head.first_in_stream() && head.last_in_page(),
        "OpusHead alone on its page"
    );
    assert_eq!(head.absgp_page(), 0);
    let tags = reader.read_packet_expected().expect("an OpusTags packet");
    let t = &tags.data;
    assert_eq!(&t[..8], b"OpusTags");
    assert!(tags.last_in_page(), "OpusTags ends its page");
    assert_eq!(tags.absgp_page(), 0);
    let vendor_len = le_u32(t, 8) as usize;
    let vendor = String::from_utf8(t[12..12 + vendor_len].to_vec()).unwrap();
    let mut at = 12 + vendor_len;
    let count = le_u32(t, at);
    at += 4;
    let mut comments = Vec::new();
    for _ in 0..count {
        let len = le_u32(t, at) as usize;
        let comment = std::str::from_utf8(&t[at + 4..at + 4 + len]).expect("UTF-8 comment");
        let (key, value) = comment.split_once('=').expect("KEY=value");
        comments.push((key.to_string(), value.to_string()));
        at += 4 + len;
    }

    let pre_skip = u16::from_le_bytes([h[10], h[11]]);
    let mut decoder = opus::Decoder::new(48_000, opus::Channels::Mono).unwrap();
    let mut samples = Vec::new();
    let mut buffer = vec![0.0f32; 5760];
    let mut granules = Vec::new();
    let mut last_granule = 0;
    while let Some(packet) = reader.read_packet().expect("readable pages") {
        let n = decoder
            .decode_float(&packet.data, &mut buffer, false)
            .expect("a decodable packet");
        samples.extend_from_slice(&buffer[..n]);
        if packet.last_in_page() {
            granules.push(packet.absgp_page());
        }
        last_granule = packet.absgp_page();
        if packet.last_in_stream() {
            break;
        }
    }
    let untrimmed = samples.len();
    let end = usize::try_from(last_granule).unwrap();
    assert!(
        end <= untrimmed,
        "end granule {end} past {untrimmed} decoded samples"
    );
    samples.truncate(end);
    samples.drain(..usize::from(pre_skip));
    OpusFile {
        version: h[8],
        channels: h[9],
        pre_skip,
        input_rate: le_u32(h, 12),
        output_gain: i16::from_le_bytes([h[16], h[17]]),
        vendor,
        comments,
        granules,
        untrimmed,
        decoded: Decoded {
            samples,
            sample_rate: 48_000,
            channels: 1,
        },
    }
}

/// Integrated loudness (LUFS) and true peak (dBTP) of mono audio, by ebur128.
pub fn loudness(samples: &[f32], sample_rate: u32) -> (f64, f64) {
    use ebur128::{EbuR128, Mode};
    let mut meter = EbuR128::new(1, sample_rate, Mode::I | Mode::TRUE_PEAK).unwrap();
    meter.add_frames_f32(samples).unwrap();
    let peak = meter.true_peak(0).unwrap();
    (meter.loudness_global().unwrap(), 20.0 * peak.log10())
}

/// A cue as read back from a WebVTT file.
#[derive(Debug, Clone, PartialEq)]
pub struct VttCue {
    pub id: String,
    pub start: f64,
    pub end: f64,
    pub voice: String,
    pub text: String,
}

fn parse_timestamp(t: &str) -> Result<f64, String> {
    // hh:mm:ss.ttt (hours may be longer than two digits) or mm:ss.ttt
    let (clock, millis) = t
        .split_once('.')
        .ok_or(format!("no milliseconds in {t:?}"))?;
    if millis.len() != 3 || !millis.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("bad milliseconds in {t:?}"));
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| {
            if p.len() >= 2 && p.chars().all(|c| c.is_ascii_digit()) {
                p.parse().map_err(|_| format!("bad field in {t:?}"))
            } else {
                Err(format!("bad field in {t:?}"))
            }
        })
        .collect::<Result<_, _>>()?;
    let (h, m, s) = match numbers.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] => (0, *m, *s),
        _ => return Err(format!("bad timestamp {t:?}")),
    };
    if m > 59 || s > 59 {
        return Err(format!("minutes or seconds over 59 in {t:?}"));
    }
    Ok((h * 3600 + m * 60 + s) as f64 + millis.parse::<f64>().unwrap() / 1000.0)
}

/// Reads a WebVTT file strictly (the subset we write: header, cues with an id, a
/// timing line and one `<v Name>text` line), checking the rules players rely on.
pub fn parse_webvtt(text: &str) -> Result<Vec<VttCue>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut blocks = text.split("\n\n");
    let header = blocks.next().ok_or("empty file")?;
    if header != "WEBVTT" && !header.starts_with("WEBVTT ") && !header.starts_with("WEBVTT\t") {
        return Err(format!("bad header {header:?}"));
    }
    if text.contains('\r') {
        return Err("carriage returns".into());
    }
    let mut cues = Vec::new();
    let mut previous_start = 0.0;
    for block in blocks {
        let block = block.trim_end_matches('\n');
        if block.is_empty() {
            continue;
        }
        let lines: Vec<&str> = block.split('\n').collect();
        let [id, timing, payload] = lines.as_slice() else {
            return Err(format!("cue is not id, timing, text: {block:?}"));
        };
        if id.contains("-->") {
            return Err(format!("cue id contains -->: {id:?}"));
        }
        let (start, end) = timing
            .split_once(" --> ")
            .ok_or(format!("bad timing line {timing:?}"))?;
        let (start, end) = (parse_timestamp(start)?, parse_timestamp(end)?);
        if end <= start {
            return Err(format!("cue {id} ends before it starts"));
        }
        if start < previous_start {
            return Err(format!("cue {id} starts before the previous cue"));
        }
        previous_start = start;
        if payload.contains("-->") {
            return Err(format!("cue text contains -->: {payload:?}"));
        }
        let rest = payload
            .strip_prefix("<v ")
            .ok_or(format!("no voice tag in {payload:?}"))?;
        let (voice, body) = rest
            .split_once('>')
            .ok_or(format!("unclosed voice tag in {payload:?}"))?;
        if voice.is_empty() || body.contains('<') || body.contains('>') {
            return Err(format!("bad voice span in {payload:?}"));
        }
        // Only character references are allowed for & in text.
        for (i, _) in body.match_indices('&') {
            let tail = &body[i..];
            if !["&amp;", "&lt;", "&gt;", "&nbsp;", "&lrm;", "&rlm;"]
                .iter()
                .any(|r| tail.starts_with(r))
            {
                return Err(format!("bare & in {payload:?}"));
            }
        }
        let unescape = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        };
        cues.push(VttCue {
            id: id.to_string(),
            start,
            end,
            voice: unescape(voice),
            text: unescape(body),
        });
    }
    Ok(cues)
}
