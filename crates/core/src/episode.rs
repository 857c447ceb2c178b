//! An episode: the script, what it was made from and for whom — `episode.json`.
//!
//! This is the hand-off between stages (write → voice → publish) and the shape of the
//! JSON API. It is versioned by [`SCHEMA_VERSION`] and checked on load:
//! [`Episode::from_json`] rejects anything [`Episode::validate`] would.
//!
//! ```json
//! {
//!   "schema": 1,
//!   "title": "OpenAI 陷入困境", "summary": "…", "tags": ["OpenAI"], "language": "zh-CN",
//!   "generated_at": "2025-12-15T18:14:00Z",
//!   "listener": { "name": "Norris", "language": "zh-CN", "timezone": "Asia/Shanghai" },
//!   "hosts": [ { "id": "a", "name": "程远", "persona": "…", "voice": "cmn" }, { "id": "b", … } ],
//!   "source": { "url": "…", "title": "…", "publisher": "The Atlantic", "byline": null,
//!               "published": "2025-12-09T22:04:00Z", "text": "…" },
//!   "analysis": [ { "section": "core_event", "title": "核心事件", "text": "…" }, … ],
//!   "lines": [ { "speaker": "a", "segment": "greeting", "text": "…", "personal": true,
//!                "start": 0.0, "end": 9.4 }, … ],
//!   "writer": { "kind": "offline", "notes": [] },
//!   "audio": { "file": "episode.mp3", "mime_type": "audio/mpeg", "duration_s": 301.2,
//!              "bytes": 2411520, "loudness_lufs": -16.0, "true_peak_dbtp": -1.2 }
//! }
//! ```
//!
//! `start`/`end` (seconds from the start of the audio) and `audio` are added by the voice
//! stage and omitted until then; `writer.model` is omitted for the offline writer.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::hosts::{Host, HostId};
use crate::language::Language;
use crate::listener::Listener;
use crate::timezone::{self, UnknownTimeZone};

/// The `episode.json` schema version this build reads and writes.
pub const SCHEMA_VERSION: u64 = 1;

/// How far (seconds) the last line may end past `audio.duration_s`, for encoder rounding.
pub const AUDIO_END_TOLERANCE_S: f64 = 0.1;

/// One episode of the show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Episode {
    /// Always [`SCHEMA_VERSION`].
    pub schema: u64,
    /// The episode's title, in the episode's language (not a copy of the headline).
    pub title: String,
    /// Two to four sentences on what the episode covers.
    pub summary: String,
    /// One to three topic tags (`OpenAI`).
    pub tags: Vec<String>,
    /// The language the hosts speak in this episode.
    pub language: Language,
    /// When the script was made; the greeting's date and time are this instant on the
    /// listener's clock.
    pub generated_at: Timestamp,
    /// Who the episode is for.
    pub listener: EpisodeListener,
    /// The two hosts, `a` then `b`.
    pub hosts: Vec<EpisodeHost>,
    /// The article the episode is made from.
    pub source: Source,
    /// The structured analysis, in [`Section::ALL`] order, each section at most once.
    pub analysis: Vec<Analysis>,
    /// The script, in [`Segment::ARC`] order, every segment present.
    pub lines: Vec<Line>,
    /// Which writer made the script, and what it wants the reader to know.
    pub writer: Writer,
    /// The spoken episode, once the voice stage has made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<Audio>,
}

/// The listener facts an episode depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeListener {
    /// What the hosts call the listener.
    pub name: String,
    /// The listener's language (the episode's may differ when no translation was made).
    pub language: Language,
    /// The listener's IANA time zone.
    pub timezone: String,
}

impl From<&Listener> for EpisodeListener {
    fn from(listener: &Listener) -> Self {
        EpisodeListener {
            name: listener.name.clone(),
            language: listener.language,
            timezone: listener.timezone.clone(),
        }
    }
}

/// One host as they appear in an episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeHost {
    /// `a` or `b`.
    pub id: HostId,
    /// The host's on-air name.
    pub name: String,
    /// Who the host is.
    pub persona: String,
    /// The voice that speaks this host (as the voice stage names it, e.g. `cmn+f3`);
    /// empty until a voice is chosen.
    #[serde(default)]
    pub voice: String,
}

impl EpisodeHost {
    /// The episode's view of `host`, spoken by `voice`.
    pub fn new(host: &Host, voice: impl Into<String>) -> EpisodeHost {
        EpisodeHost {
            id: host.id,
            name: host.name.clone(),
            persona: host.persona.clone(),
            voice: voice.into(),
        }
    }
}

/// The article an episode is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The article's address (`null` for a local file without one).
    pub url: Option<String>,
    /// The article's headline.
    pub title: Option<String>,
    /// Publisher or site name (`The Atlantic`).
    pub publisher: Option<String>,
    /// Author line.
    pub byline: Option<String>,
    /// When the article was published.
    pub published: Option<Timestamp>,
    /// The article's plain text, paragraphs separated by a blank line.
    pub text: String,
    /// The article's body as marked up by its page, unsanitised (see [`Article::html`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

impl From<&Article> for Source {
    fn from(article: &Article) -> Self {
        Source {
            url: article.url.clone(),
            title: article.title.clone(),
            publisher: article.site_name.clone(),
            byline: article.byline.clone(),
            published: article.published,
            text: article.text.clone(),
            html: article.html.clone(),
        }
    }
}

/// One section of the analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    /// Which section.
    pub section: Section,
    /// The section's heading (usually [`Section::title`]).
    pub title: String,
    /// The section's text.
    pub text: String,
}

/// One line of the script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Who says it.
    pub speaker: HostId,
    /// Which part of the arc it belongs to.
    pub segment: Segment,
    /// What is said.
    pub text: String,
    /// Whether the line depends on the listener (name, local time): such lines are made
    /// per listener, all others may be shared by every listener of the story.
    pub personal: bool,
    /// When the line starts in the audio, seconds from its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// When the line ends in the audio, seconds from its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
}

impl Line {
    /// An untimed line.
    pub fn new(speaker: HostId, segment: Segment, text: impl Into<String>, personal: bool) -> Line {
        Line {
            speaker,
            segment,
            text: text.into(),
            personal,
            start: None,
            end: None,
        }
    }
}

/// Which writer made the script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Writer {
    /// Offline (no model) or a language model.
    pub kind: WriterKind,
    /// The model's name, for [`WriterKind::Llm`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Things the reader should know, e.g. that the script is in the article's language
    /// because no translation was possible.
    #[serde(default)]
    pub notes: Vec<String>,
    /// What the model calls cost, when a model was asked (also when its draft was not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<WriterUsage>,
}

/// Calls to a language model for one episode, and what they cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriterUsage {
    /// Chat calls made (condensing, drafts, revisions).
    pub calls: u32,
    /// Tokens sent, as the server counted them.
    pub prompt_tokens: u64,
    /// Tokens received.
    pub completion_tokens: u64,
    /// Wall time of all calls, seconds.
    pub seconds: f64,
}

/// The kind of writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriterKind {
    /// The deterministic writer that needs no model.
    Offline,
    /// A large language model through a chat API.
    Llm,
}

/// The files of an episode's directory, relative to it.
pub mod files {
    /// The episode itself (this module's [`super::Episode`]).
    pub const EPISODE_JSON: &str = "episode.json";
    /// The audio, as MP3.
    pub const MP3: &str = "episode.mp3";
    /// The audio, as Opus in Ogg.
    pub const OPUS: &str = "episode.opus";
    /// WebVTT transcript with `<v Speaker>` tags.
    pub const VTT: &str = "transcript.vtt";
    /// SRT transcript.
    pub const SRT: &str = "transcript.srt";
    /// Podcasting 2.0 JSON chapters.
    pub const CHAPTERS: &str = "chapters.json";
    /// The episode page.
    pub const PAGE: &str = "index.html";
    /// The cover image.
    pub const COVER: &str = "cover.png";
    /// The names an episode's audio file may have; a directory holds one of them.
    pub const AUDIO: &[&str] = &[MP3, OPUS];
    /// Every name a finished episode directory may hold: its files are among these, with
    /// one of the [`AUDIO`] names. (A directory holding only these is an episode's, and
    /// may be replaced by a new one; a server serves only these.)
    pub const ALL: &[&str] = &[EPISODE_JSON, MP3, OPUS, VTT, SRT, CHAPTERS, PAGE, COVER];

    /// The files of a finished episode directory whose audio file is `audio`
    /// ([`MP3`] or [`OPUS`]), in [`ALL`] order.
    pub fn with_audio(audio: &str) -> [&str; 7] {
        [EPISODE_JSON, audio, VTT, SRT, CHAPTERS, PAGE, COVER]
    }
}

/// The MIME type `audio.mime_type` has in an `episode.json` written before it was
/// recorded: every such episode is MP3.
pub const DEFAULT_AUDIO_MIME_TYPE: &str = "audio/mpeg";

fn default_audio_mime_type() -> String {
    DEFAULT_AUDIO_MIME_TYPE.to_string()
}

/// The spoken episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audio {
    /// The audio file, relative to the episode's directory (`episode.mp3`,
    /// `episode.opus`).
    pub file: String,
    /// The file's MIME type (`audio/mpeg`, `audio/ogg; codecs=opus`); `audio/mpeg` when
    /// an older `episode.json` does not say.
    #[serde(default = "default_audio_mime_type")]
    pub mime_type: String,
    /// Length in seconds.
    pub duration_s: f64,
    /// File size in bytes.
    pub bytes: u64,
    /// Integrated loudness, LUFS (the podcast norm is -16).
    pub loudness_lufs: f64,
    /// True peak, dBTP (at most -1 for the podcast norm).
    pub true_peak_dbtp: f64,
}

/// A part of the script's arc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Host A greets the listener, names the show, says the local time; B hooks.
    Greeting,
    /// What happened.
    CoreEvent,
    /// Background and timeline.
    Background,
    /// The key conflict.
    Conflict,
    /// Who and what is affected.
    Impact,
    /// What comes next.
    Outlook,
    /// Host A closes and names the show; B says goodbye to the listener.
    SignOff,
}

impl Segment {
    /// The arc, in the order a script follows it.
    pub const ARC: [Segment; 7] = [
        Segment::Greeting,
        Segment::CoreEvent,
        Segment::Background,
        Segment::Conflict,
        Segment::Impact,
        Segment::Outlook,
        Segment::SignOff,
    ];

    /// The segment's position in [`Segment::ARC`], 0–6.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The segment after this one in the arc (`None` after the sign-off).
    pub fn next(self) -> Option<Segment> {
        Segment::ARC.get(self.index() + 1).copied()
    }

    /// The name used in `episode.json`: `core_event`, `sign_off` …
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Greeting => "greeting",
            Segment::CoreEvent => "core_event",
            Segment::Background => "background",
            Segment::Conflict => "conflict",
            Segment::Impact => "impact",
            Segment::Outlook => "outlook",
            Segment::SignOff => "sign_off",
        }
    }

    /// Whether this is the story's body (not the greeting or sign-off).
    pub fn is_body(self) -> bool {
        self.section().is_some()
    }

    /// The analysis section a body segment covers (`None` for greeting and sign-off).
    pub fn section(self) -> Option<Section> {
        match self {
            Segment::Greeting | Segment::SignOff => None,
            Segment::CoreEvent => Some(Section::CoreEvent),
            Segment::Background => Some(Section::Background),
            Segment::Conflict => Some(Section::Conflict),
            Segment::Impact => Some(Section::Impact),
            Segment::Outlook => Some(Section::Outlook),
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Segment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Segment::ARC
            .into_iter()
            .find(|segment| segment.as_str() == s)
            .ok_or_else(|| format!("unknown segment `{s}`"))
    }
}

/// A section of the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// What happened.
    CoreEvent,
    /// Background and timeline.
    Background,
    /// The key conflict.
    Conflict,
    /// Who and what is affected.
    Impact,
    /// What comes next.
    Outlook,
}

impl Section {
    /// Every section, in the order an analysis lists them.
    pub const ALL: [Section; 5] = [
        Section::CoreEvent,
        Section::Background,
        Section::Conflict,
        Section::Impact,
        Section::Outlook,
    ];

    /// The section's position in [`Section::ALL`], 0–4.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in `episode.json`: `core_event` …
    pub fn as_str(self) -> &'static str {
        self.segment().as_str()
    }

    /// The script segment that tells this part of the story.
    pub fn segment(self) -> Segment {
        match self {
            Section::CoreEvent => Segment::CoreEvent,
            Section::Background => Segment::Background,
            Section::Conflict => Segment::Conflict,
            Section::Impact => Segment::Impact,
            Section::Outlook => Segment::Outlook,
        }
    }

    /// The section's usual heading: `Core Event`, `Key Conflict` … or `核心事件` ….
    pub fn title(self, language: Language) -> &'static str {
        let (zh, en) = match self {
            Section::CoreEvent => ("核心事件", "Core Event"),
            Section::Background => ("背景与脉络", "Background"),
            Section::Conflict => ("关键冲突", "Key Conflict"),
            Section::Impact => ("影响", "Impact"),
            Section::Outlook => ("展望", "Outlook"),
        };
        match language {
            Language::ZhCn => zh,
            Language::EnUs => en,
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `episode.json` that cannot be read, or an episode that breaks a rule.
///
/// Positions are 0-based, as in the JSON arrays: `lines[3]` is the fourth line.
#[derive(Debug, thiserror::Error)]
pub enum EpisodeError {
    /// The text is not JSON.
    #[error("episode.json is not valid JSON: {0}")]
    Syntax(#[source] serde_json::Error),
    /// The document has no `schema` field.
    #[error("episode.json has no `schema` version (this build reads schema {SCHEMA_VERSION})")]
    MissingSchema,
    /// The document is of another schema version.
    #[error("episode.json has schema version {found}; this build reads schema {SCHEMA_VERSION}")]
    UnsupportedSchema {
        /// The `schema` value found, as JSON.
        found: String,
    },
    /// A field is missing, unknown or of the wrong type, or a value is not one of the
    /// allowed ones (an unknown speaker or segment, a bad timestamp …).
    #[error("episode.json: {path}: {message}")]
    Shape {
        /// Where, as a JSON path (`lines[3].speaker`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A text field that must say something is empty.
    #[error("episode {field} is empty")]
    Empty {
        /// Which field (`title`, `lines[3].text`, `tags[0]` …).
        field: String,
    },
    /// The same tag twice.
    #[error("episode tags[{index}] `{tag}` repeats an earlier tag")]
    DuplicateTag {
        /// Position of the repeat.
        index: usize,
        /// The tag.
        tag: String,
    },
    /// The listener's time zone is unknown.
    #[error("episode listener.timezone: {0}")]
    TimeZone(#[from] UnknownTimeZone),
    /// The hosts are not exactly `a` and `b`.
    #[error("episode hosts must be exactly `a` then `b`; found [{found}]")]
    Hosts {
        /// The ids found, comma-separated.
        found: String,
    },
    /// The same host listed twice.
    #[error("episode hosts[{index}] repeats host `{id}`")]
    DuplicateHost {
        /// Position of the repeat.
        index: usize,
        /// The repeated id.
        id: HostId,
    },
    /// An analysis section is out of order or repeated.
    #[error(
        "episode analysis[{index}] is `{section}` after `{previous}`; sections go \
         core_event, background, conflict, impact, outlook, each at most once"
    )]
    AnalysisOrder {
        /// Position of the offending section.
        index: usize,
        /// The section found there.
        section: Section,
        /// The section before it.
        previous: Section,
    },
    /// The script has no lines.
    #[error("episode has no lines")]
    NoLines,
    /// A line's segment comes before the previous line's in the arc.
    #[error(
        "episode lines[{index}] is in segment `{segment}` after a line in `{previous}`; \
         segments go greeting, core_event, background, conflict, impact, outlook, sign_off"
    )]
    SegmentOrder {
        /// Position of the line.
        index: usize,
        /// The line's segment.
        segment: Segment,
        /// The previous line's segment.
        previous: Segment,
    },
    /// No line is in this segment.
    #[error("episode has no `{segment}` lines; every segment of the arc needs at least one")]
    MissingSegment {
        /// The missing segment.
        segment: Segment,
    },
    /// A line has only one of `start` and `end`.
    #[error("episode lines[{index}] has {has} but not {missing}")]
    HalfTimed {
        /// Position of the line.
        index: usize,
        /// The field present.
        has: &'static str,
        /// The field absent.
        missing: &'static str,
    },
    /// Some lines are timed and others are not.
    #[error(
        "episode lines[{index}] is {what} but lines[0] is not; either every line has \
         start/end or none has"
    )]
    MixedTimings {
        /// Position of the first line that differs from the first.
        index: usize,
        /// `timed` or `untimed`.
        what: &'static str,
    },
    /// A time is negative or not a number.
    #[error("episode {field} is {value}; times are finite, non-negative seconds")]
    BadTime {
        /// Which field (`lines[3].start`).
        field: String,
        /// The value.
        value: f64,
    },
    /// A line ends before it starts.
    #[error("episode lines[{index}] starts at {start} s but ends at {end} s")]
    StartAfterEnd {
        /// Position of the line.
        index: usize,
        /// Its start.
        start: f64,
        /// Its end.
        end: f64,
    },
    /// A line starts before the previous one ends.
    #[error("episode lines[{index}] starts at {start} s, before lines[{}] ends at {previous_end} s", index - 1)]
    Overlap {
        /// Position of the line.
        index: usize,
        /// Its start.
        start: f64,
        /// The previous line's end.
        previous_end: f64,
    },
    /// An `audio` field is out of range.
    #[error("episode audio.{field} {problem}")]
    BadAudio {
        /// Which field (`duration_s`).
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// There is audio but the lines are not timed.
    #[error("episode has audio but its lines have no start/end times")]
    AudioWithoutTimings,
    /// The last line ends after the audio does.
    #[error("episode lines[{index}] ends at {end} s, after the audio's {duration} s")]
    LinesPastAudio {
        /// Position of the last line.
        index: usize,
        /// Its end.
        end: f64,
        /// The audio's duration.
        duration: f64,
    },
}

impl Episode {
    /// Reads `episode.json` and checks it: the schema version first (so a newer file gets
    /// a version error, not a field error), then its shape, then [`Episode::validate`].
    pub fn from_json(json: &str) -> Result<Episode, EpisodeError> {
        let document: serde_json::Value =
            serde_json::from_str(json).map_err(EpisodeError::Syntax)?;
        let Some(object) = document.as_object() else {
            return Err(EpisodeError::Shape {
                path: ".".into(),
                message: "the document must be a JSON object".into(),
            });
        };
        match object.get("schema") {
            None => return Err(EpisodeError::MissingSchema),
            Some(found) if found.as_u64() != Some(SCHEMA_VERSION) => {
                return Err(EpisodeError::UnsupportedSchema {
                    found: found.to_string(),
                });
            }
            Some(_) => {}
        }
        let deserializer = &mut serde_json::Deserializer::from_str(json);
        let episode: Episode = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            EpisodeError::Shape {
                path,
                message: err.into_inner().to_string(),
            }
        })?;
        episode.validate()?;
        Ok(episode)
    }

    /// The episode as pretty-printed JSON (two-space indent, UTF-8, fields in schema order).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("an episode always serialises to JSON")
    }

    /// Checks every rule of the schema:
    ///
    /// - `schema` is [`SCHEMA_VERSION`]; title, summary, every tag (no repeats), the
    ///   listener's name, every host's name and every line's text are non-empty; the
    ///   listener's time zone is a known IANA name;
    /// - `hosts` is exactly host `a` then host `b`;
    /// - `analysis` follows [`Section::ALL`] order, each section at most once, with text;
    /// - `lines` follow [`Segment::ARC`] order and every segment has a line;
    /// - timings: either every line has `start` and `end` or none has; times are finite
    ///   and non-negative, `start <= end`, and a line starts no earlier than the previous
    ///   one ends;
    /// - `audio`, when present: a file name (no directories), an `audio/…` MIME type, a
    ///   positive duration and size, finite loudness and peak, timed lines, the last
    ///   ending by the audio's end (within [`AUDIO_END_TOLERANCE_S`]).
    pub fn validate(&self) -> Result<(), EpisodeError> {
        if self.schema != SCHEMA_VERSION {
            return Err(EpisodeError::UnsupportedSchema {
                found: self.schema.to_string(),
            });
        }
        non_empty("title", &self.title)?;
        non_empty("summary", &self.summary)?;
        self.validate_tags()?;
        non_empty("listener.name", &self.listener.name)?;
        timezone::resolve(&self.listener.timezone)?;
        self.validate_hosts()?;
        self.validate_analysis()?;
        self.validate_lines()?;
        self.validate_timings()?;
        self.validate_audio()
    }

    /// The host with `id`, if the episode lists it.
    pub fn host(&self, id: HostId) -> Option<&EpisodeHost> {
        self.hosts.iter().find(|host| host.id == id)
    }

    /// The lines of one segment, in order.
    pub fn lines_in(&self, segment: Segment) -> impl Iterator<Item = &Line> {
        self.lines
            .iter()
            .filter(move |line| line.segment == segment)
    }

    /// Whether the lines carry `start`/`end` times.
    pub fn is_timed(&self) -> bool {
        self.lines.first().is_some_and(|line| line.start.is_some())
    }

    fn validate_tags(&self) -> Result<(), EpisodeError> {
        for (index, tag) in self.tags.iter().enumerate() {
            non_empty(&format!("tags[{index}]"), tag)?;
            if self.tags[..index].contains(tag) {
                return Err(EpisodeError::DuplicateTag {
                    index,
                    tag: tag.clone(),
                });
            }
        }
        Ok(())
    }

    fn validate_hosts(&self) -> Result<(), EpisodeError> {
        for (index, host) in self.hosts.iter().enumerate() {
            if self.hosts[..index].iter().any(|h| h.id == host.id) {
                return Err(EpisodeError::DuplicateHost { index, id: host.id });
            }
        }
        let ids: Vec<HostId> = self.hosts.iter().map(|h| h.id).collect();
        if ids != HostId::BOTH {
            return Err(EpisodeError::Hosts {
                found: ids
                    .iter()
                    .map(|id| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        for (index, host) in self.hosts.iter().enumerate() {
            non_empty(&format!("hosts[{index}].name"), &host.name)?;
        }
        Ok(())
    }

    fn validate_analysis(&self) -> Result<(), EpisodeError> {
        for (index, analysis) in self.analysis.iter().enumerate() {
            if index > 0 {
                let previous = self.analysis[index - 1].section;
                if analysis.section <= previous {
                    return Err(EpisodeError::AnalysisOrder {
                        index,
                        section: analysis.section,
                        previous,
                    });
                }
            }
            non_empty(&format!("analysis[{index}].title"), &analysis.title)?;
            non_empty(&format!("analysis[{index}].text"), &analysis.text)?;
        }
        Ok(())
    }

    fn validate_lines(&self) -> Result<(), EpisodeError> {
        if self.lines.is_empty() {
            return Err(EpisodeError::NoLines);
        }
        for (index, line) in self.lines.iter().enumerate() {
            non_empty(&format!("lines[{index}].text"), &line.text)?;
            if index > 0 {
                let previous = self.lines[index - 1].segment;
                if line.segment < previous {
                    return Err(EpisodeError::SegmentOrder {
                        index,
                        segment: line.segment,
                        previous,
                    });
                }
            }
        }
        for segment in Segment::ARC {
            if !self.lines.iter().any(|line| line.segment == segment) {
                return Err(EpisodeError::MissingSegment { segment });
            }
        }
        Ok(())
    }

    fn validate_timings(&self) -> Result<(), EpisodeError> {
        let timed = self.is_timed();
        let mut previous_end: Option<f64> = None;
        for (index, line) in self.lines.iter().enumerate() {
            let (start, end) = match (line.start, line.end) {
                (Some(start), Some(end)) => (start, end),
                (None, None) => {
                    if timed {
                        return Err(EpisodeError::MixedTimings {
                            index,
                            what: "untimed",
                        });
                    }
                    continue;
                }
                (Some(_), None) => {
                    return Err(EpisodeError::HalfTimed {
                        index,
                        has: "start",
                        missing: "end",
                    });
                }
                (None, Some(_)) => {
                    return Err(EpisodeError::HalfTimed {
                        index,
                        has: "end",
                        missing: "start",
                    });
                }
            };
            if !timed {
                return Err(EpisodeError::MixedTimings {
                    index,
                    what: "timed",
                });
            }
            for (name, value) in [("start", start), ("end", end)] {
                if !value.is_finite() || value < 0.0 {
                    return Err(EpisodeError::BadTime {
                        field: format!("lines[{index}].{name}"),
                        value,
                    });
                }
            }
            if start > end {
                return Err(EpisodeError::StartAfterEnd { index, start, end });
            }
            if let Some(previous_end) = previous_end
                && start < previous_end
            {
                return Err(EpisodeError::Overlap {
                    index,
                    start,
                    previous_end,
                });
            }
            previous_end = Some(end);
        }
        Ok(())
    }

    fn validate_audio(&self) -> Result<(), EpisodeError> {
        let Some(audio) = &self.audio else {
            return Ok(());
        };
        let bad = |field, problem: String| Err(EpisodeError::BadAudio { field, problem });
        if audio.file.trim().is_empty() {
            return bad("file", "is empty".into());
        }
        if audio.file.contains(['/', '\\']) || audio.file == "." || audio.file == ".." {
            return bad(
                "file",
                format!(
                    "`{}` is not a file name in the episode's directory",
                    audio.file
                ),
            );
        }
        let essence = audio.mime_type.split(';').next().unwrap_or_default().trim();
        let shaped = essence
            .strip_prefix("audio/")
            .is_some_and(|subtype| !subtype.is_empty() && !subtype.contains(char::is_whitespace));
        if !shaped {
            return bad(
                "mime_type",
                format!("`{}` is not an audio MIME type", audio.mime_type),
            );
        }
        if !(audio.duration_s.is_finite() && audio.duration_s > 0.0) {
            return bad(
                "duration_s",
                format!(
                    "is {}; it must be a positive number of seconds",
                    audio.duration_s
                ),
            );
        }
        if audio.bytes == 0 {
            return bad("bytes", "is 0".into());
        }
        for (field, value) in [
            ("loudness_lufs", audio.loudness_lufs),
            ("true_peak_dbtp", audio.true_peak_dbtp),
        ] {
            if !value.is_finite() {
                return bad(field, format!("is {value}; it must be a finite number"));
            }
        }
        if !self.is_timed() {
            return Err(EpisodeError::AudioWithoutTimings);
        }
        let index = self.lines.len() - 1;
        let end = self.lines[index].end.unwrap_or_default();
        if end > audio.duration_s + AUDIO_END_TOLERANCE_S {
            return Err(EpisodeError::LinesPastAudio {
                index,
                end,
                duration: audio.duration_s,
            });
        }
        Ok(())
    }
}

fn non_empty(field: &str, value: &str) -> Result<(), EpisodeError> {
    if value.trim().is_empty() {
        Err(EpisodeError::Empty {
            field: field.to_string(),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
