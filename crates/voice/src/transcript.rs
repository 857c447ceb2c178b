//! The timed transcript and chapters as files: WebVTT (with `<v Speaker>` voice tags),
//! SRT, and Podcasting 2.0 JSON chapters.

use std::fmt::Write as _;

use serde::Serialize;

/// One timed piece of transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue<'a> {
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Who speaks.
    pub speaker: &'a str,
    /// What is said, as displayed.
    pub text: &'a str,
}

/// A chapter as the files record it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ChapterMark {
    /// The segment id it was made from.
    pub segment: String,
    /// Its title.
    pub title: String,
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
}

fn milliseconds(seconds: f64) -> u64 {
    (seconds.max(0.0) * 1000.0).round() as u64
}

fn timestamp(seconds: f64, separator: char) -> String {
    let ms = milliseconds(seconds);
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `HH:MM:SS.mmm`.
pub fn vtt_timestamp(seconds: f64) -> String {
    timestamp(seconds, '.')
}

/// `HH:MM:SS,mmm`.
pub fn srt_timestamp(seconds: f64) -> String {
    timestamp(seconds, ',')
}

/// WebVTT text escaping: `&`, `<`, `>` as character references, one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A WebVTT file: one cue per line, `<v Name>` naming the speaker.
pub fn webvtt(cues: &[Cue<'_>]) -> String {
    let mut out = String::from("WEBVTT\n");
    for (i, cue) in cues.iter().enumerate() {
        let _ = write!(
            out,
            "\n{}\n{} --> {}\n<v {}>{}\n",
            i + 1,
            vtt_timestamp(cue.start_s),
            vtt_timestamp(cue.end_s),
            escape(cue.speaker),
            escape(cue.text)
        );
    }
    out
}

/// An SRT file: one numbered cue per line, `Name: text`.
pub fn srt(cues: &[Cue<'_>]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        let text = cue.text.replace(['\n', '\r'], " ");
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}: {}\n\n",
            i + 1,
            srt_timestamp(cue.start_s),
            srt_timestamp(cue.end_s),
            cue.speaker,
            text
        );
    }
    out
}

#[derive(Serialize)]
struct JsonChapters<'a> {
    version: &'static str,
    chapters: Vec<JsonChapter<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonChapter<'a> {
    start_time: f64,
    end_time: f64,
    title: &'a str,
}

/// Podcasting 2.0 JSON chapters (`application/json+chapters`, version 1.2.0).
pub fn chapters_json(chapters: &[ChapterMark]) -> String {
    let doc = JsonChapters {
        version: "1.2.0",
        chapters: chapters
            .iter()
            .map(|c| JsonChapter {
                start_time: milliseconds(c.start_s) as f64 / 1000.0,
                end_time: milliseconds(c.end_s) as f64 / 1000.0,
                title: &c.title,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&doc).expect("chapters serialise");
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues() -> Vec<Cue<'static>> {
        vec![
            Cue {
                start_s: 0.3,
                end_s: 2.5,
                speaker: "雷总",
                text: "大家好，今天聊 OpenAI。",
            },
            Cue {
                start_s: 2.68,
                end_s: 3661.0015,
                speaker: "A&B <x>",
                text: "a < b --> c & d",
            },
        ]
    }

    #[test]
    fn timestamps() {
        assert_eq!(vtt_timestamp(0.0), "00:00:00.000");
        assert_eq!(vtt_timestamp(3661.0015), "01:01:01.002");
        assert_eq!(srt_timestamp(59.9996), "00:01:00,000");
    }

    #[test]
    fn writes_webvtt() {
        assert_eq!(
            webvtt(&cues()),
            "WEBVTT\n\n1\n00:00:00.300 --> 00:00:02.500\n<v 雷总>大家好，今天聊 OpenAI。\n\n\
             2\n00:00:02.680 --> 01:01:01.002\n<v A&amp;B &lt;x&gt;>a &lt; b --&gt; c &amp; d\n"
        );
    }

    #[test]
    fn writes_srt() {
        assert_eq!(
            srt(&cues()[..1]),
            "1\n00:00:00,300 --> 00:00:02,500\n雷总: 大家好，今天聊 OpenAI。\n\n"
        );
    }

    #[test]
    fn writes_json_chapters() {
        let json = chapters_json(&[
            ChapterMark {
                segment: "opening".into(),
                title: "开场".into(),
                start_s: 0.0,
                end_s: 12.3456,
            },
            ChapterMark {
                segment: "core".into(),
                title: "Core Event".into(),
                start_s: 12.3456,
                end_s: 30.0,
            },
        ]);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["version"], "1.2.0");
        assert_eq!(value["chapters"][0]["startTime"], 0.0);
        assert_eq!(value["chapters"][0]["title"], "开场");
        assert_eq!(value["chapters"][1]["startTime"], 12.346);
        assert_eq!(value["chapters"][1]["endTime"], 30.0);
    }
}
