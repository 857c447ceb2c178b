//! Helpers for the integration tests: example scripts, MP3 decoding, a strict WebVTT
//! reader.

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
