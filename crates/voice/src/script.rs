//! What the voice stage is given: a small, self-contained description of one episode's
//! spoken part (title, show, hosts, lines). The CLI builds it from `episode.json`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::engine::VoiceSpec;
use crate::error::VoiceError;

/// The spoken language of a script. Text normalisation (numbers, money, dates…) has
/// rules for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Mandarin Chinese (`zh`, `zh-CN`, `zh-Hans`, `cmn`…).
    Zh,
    /// English (`en`, `en-US`, `en-GB`…).
    En,
}

impl Language {
    /// Reads a BCP 47 tag: the primary subtag decides (`zh-Hans-CN` → `Zh`).
    pub fn from_bcp47(tag: &str) -> Option<Language> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "cmn" => Some(Language::Zh),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// The BCP 47 tag written into files (`zh`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }

    /// The ISO 639-2 code ID3 frames use (`zho`, `eng`).
    pub fn iso639_2(self) -> &'static str {
        match self {
            Language::Zh => "zho",
            Language::En => "eng",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Language {
    type Err = VoiceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::from_bcp47(s).ok_or_else(|| VoiceError::UnsupportedLanguage(s.to_string()))
    }
}

/// Which of the two hosts speaks a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// Host A (opens and closes the show).
    A,
    /// Host B.
    B,
}

impl Speaker {
    /// 0 for A, 1 for B.
    pub fn index(self) -> usize {
        match self {
            Speaker::A => 0,
            Speaker::B => 1,
        }
    }
}

impl fmt::Display for Speaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Speaker::A => "a",
            Speaker::B => "b",
        })
    }
}

/// One host as the transcript names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptHost {
    /// Display name (`雷总`), used in `<v …>` tags and SRT speaker labels.
    pub name: String,
    /// The voice this host speaks with, if the episode chooses one (the voice
    /// settings' own choice wins over it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceSpec>,
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptLine {
    /// Who speaks it.
    pub speaker: Speaker,
    /// The segment (chapter) it belongs to, e.g. `opening`, `core_event`.
    pub segment: String,
    /// What is said, as written (may contain digits, `%`, stray Markdown…).
    pub text: String,
}

/// A segment's display title, for chapters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptSegment {
    /// The id lines refer to.
    pub id: String,
    /// The chapter title shown to listeners.
    pub title: String,
}

/// Cover art embedded in the MP3 (ID3 `APIC`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverArt {
    /// `image/jpeg` or `image/png`.
    pub mime_type: String,
    /// The image file's bytes.
    pub data: Vec<u8>,
}

impl CoverArt {
    /// Wraps image bytes, recognising JPEG and PNG by their signature.
    pub fn from_bytes(data: Vec<u8>) -> Result<CoverArt, VoiceError> {
        let mime_type = if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            return Err(VoiceError::CoverArt("not a JPEG or PNG image".to_string()));
        };
        Ok(CoverArt {
            mime_type: mime_type.to_string(),
            data,
        })
    }
}

/// Everything the voice stage needs from an episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeechScript {
    /// Episode title (ID3 `TIT2`).
    pub title: String,
    /// Show name (ID3 `TPE1`/`TALB`).
    pub show: String,
    /// Episode summary (ID3 `COMM`).
    #[serde(default)]
    pub summary: String,
    /// Publication date (ID3 `TDRC`).
    #[serde(default)]
    pub date: Option<jiff::civil::Date>,
    /// BCP 47 language tag of the spoken text.
    pub language: String,
    /// Host A and host B.
    pub hosts: [ScriptHost; 2],
    /// Segment titles for chapters; a segment without one is titled by its id.
    #[serde(default)]
    pub segments: Vec<ScriptSegment>,
    /// The conversation, in order.
    pub lines: Vec<ScriptLine>,
}

impl SpeechScript {
    /// The host who speaks as `speaker`.
    pub fn host(&self, speaker: Speaker) -> &ScriptHost {
        &self.hosts[speaker.index()]
    }

    /// The chapter title for a segment id.
    pub fn segment_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.segments
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.as_str())
            .unwrap_or(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_tags() {
        for (tag, want) in [
            ("zh", Some(Language::Zh)),
            ("zh-CN", Some(Language::Zh)),
            ("zh-Hans-CN", Some(Language::Zh)),
            ("cmn", Some(Language::Zh)),
            ("en", Some(Language::En)),
            ("EN-us", Some(Language::En)),
            ("en_GB", Some(Language::En)),
            ("de", None),
            ("", None),
        ] {
            assert_eq!(Language::from_bcp47(tag), want, "{tag}");
        }
        assert!(matches!(
            "fr".parse::<Language>(),
            Err(VoiceError::UnsupportedLanguage(t)) if t == "fr"
        ));
    }

    #[test]
    fn cover_art_is_sniffed() {
        assert_eq!(
            CoverArt::from_bytes(vec![0xFF, 0xD8, 0xFF, 0xE0])
                .unwrap()
                .mime_type,
            "image/jpeg"
        );
        assert_eq!(
            CoverArt::from_bytes(b"\x89PNG\r\n\x1a\n....".to_vec())
                .unwrap()
                .mime_type,
            "image/png"
        );
        assert!(CoverArt::from_bytes(b"GIF89a".to_vec()).is_err());
    }

    #[test]
    fn script_reads_from_json() {
        let script: SpeechScript = serde_json::from_str(
            r#"{"title":"T","show":"S","date":"2025-12-15","language":"zh-CN",
                "hosts":[{"name":"雷总"},{"name":"小撒"}],
                "segments":[{"id":"opening","title":"开场"}],
                "lines":[{"speaker":"a","segment":"opening","text":"你好"},
                         {"speaker":"b","segment":"outlook","text":"再见"}]}"#,
        )
        .unwrap();
        assert_eq!(script.host(Speaker::B).name, "小撒");
        assert_eq!(script.segment_title("opening"), "开场");
        assert_eq!(script.segment_title("outlook"), "outlook");
        assert_eq!(script.date.unwrap().to_string(), "2025-12-15");
    }
}
