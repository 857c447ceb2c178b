//! What the model writes: one JSON object, its schema, and its conversion into a
//! [`Body`].

use goosepod_core::{Analysis, Article, HostId, HostPair, Language, Section, Segment, Source};
use goosepod_write::{Body, BodyLine};
use serde::Deserialize;
use serde_json::{Value, json};

/// Where the model writes the listener's name.
pub const LISTENER: &str = "{listener}";

/// Segments the model writes lines for: the body, from the core event to host A's
/// closing line (the greeting and host B's goodbye are made per listener).
pub const SEGMENTS: [Segment; 6] = [
    Segment::CoreEvent,
    Segment::Background,
    Segment::Conflict,
    Segment::Impact,
    Segment::Outlook,
    Segment::SignOff,
];

/// The model's draft.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// The episode title, in the show's language.
    pub title: String,
    /// Two to four sentences.
    pub summary: String,
    /// One to three topic tags.
    pub tags: Vec<String>,
    /// Host B's hook after the greeting.
    pub hook: String,
    /// The five analysis sections.
    pub analysis: DraftAnalysis,
    /// The body's lines.
    pub lines: Vec<DraftLine>,
}

/// The analysis, one text per section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftAnalysis {
    /// What happened.
    pub core_event: String,
    /// Background and timeline.
    pub background: String,
    /// The key conflict.
    pub key_conflict: String,
    /// Who and what is affected.
    pub impact: String,
    /// What comes next.
    pub outlook: String,
}

/// One line of the draft.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftLine {
    /// `a` or `b`.
    pub speaker: String,
    /// One of [`SEGMENTS`] by name.
    pub segment: String,
    /// The words spoken.
    pub text: String,
}

/// The JSON schema of a [`Draft`].
pub fn schema() -> Value {
    let text = json!({ "type": "string", "minLength": 1 });
    let segments: Vec<&str> = SEGMENTS.iter().map(|s| s.as_str()).collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["title", "summary", "tags", "hook", "analysis", "lines"],
        "properties": {
            "title": text,
            "summary": text,
            "tags": { "type": "array", "items": text, "minItems": 1, "maxItems": 3 },
            "hook": text,
            "analysis": {
                "type": "object",
                "additionalProperties": false,
                "required": ["core_event", "background", "key_conflict", "impact", "outlook"],
                "properties": {
                    "core_event": text, "background": text, "key_conflict": text,
                    "impact": text, "outlook": text
                }
            },
            "lines": {
                "type": "array",
                "minItems": 6,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["speaker", "segment", "text"],
                    "properties": {
                        "speaker": { "type": "string", "enum": ["a", "b"] },
                        "segment": { "type": "string", "enum": segments },
                        "text": text
                    }
                }
            }
        }
    })
}

/// Reads a draft from a reply: the JSON object itself, or one inside text or a code fence.
pub fn parse(reply: &str) -> Result<Draft, String> {
    let start = reply.find('{');
    let end = reply.rfind('}');
    let json = match (start, end) {
        (Some(start), Some(end)) if start < end => &reply[start..=end],
        _ => return Err("the reply holds no JSON object".into()),
    };
    serde_json::from_str(json).map_err(|e| format!("the JSON does not follow the schema: {e}"))
}

/// What a body is made for.
pub struct BodyContext<'a> {
    /// The article.
    pub article: &'a Article,
    /// The show's language.
    pub language: Language,
    /// The hosts.
    pub hosts: &'a HostPair,
    /// The listener's name as the model was told it (written out by the model instead of
    /// [`LISTENER`], it is turned back into the placeholder).
    pub listener_name: &'a str,
    /// The spoken length aimed at, greeting and farewell included.
    pub target_units: usize,
    /// A seed for the personal lines' phrasing.
    pub seed: u64,
}

impl Draft {
    /// The draft as a [`Body`], or what is wrong with its structure.
    pub fn into_body(self, context: &BodyContext<'_>) -> Result<Body, Vec<String>> {
        let mut problems = Vec::new();
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, line) in self.lines.iter().enumerate() {
            let speaker = match line.speaker.trim() {
                "a" | "A" => HostId::A,
                "b" | "B" => HostId::B,
                other => {
                    problems.push(format!(
                        "line {}: speaker `{other}` is not `a` or `b`",
                        i + 1
                    ));
                    continue;
                }
            };
            let Some(segment) = segment_named(line.segment.trim()) else {
                problems.push(format!(
                    "line {}: segment `{}` is not one of {}",
                    i + 1,
                    line.segment,
                    SEGMENTS.map(|s| s.as_str()).join(", ")
                ));
                continue;
            };
            if segment == Segment::SignOff && speaker == HostId::B {
                problems.push(format!(
                    "line {}: host B says goodbye in a line made for each listener; the sign_off segment is host A's closing line only",
                    i + 1
                ));
                continue;
            }
            let text = personal_placeholder(line.text.trim(), context.listener_name);
            lines.push(BodyLine {
                speaker,
                segment,
                pieces: text.split(LISTENER).map(str::to_string).collect(),
            });
        }
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .take(3)
            .collect();
        for (what, value) in [
            ("title", &self.title),
            ("summary", &self.summary),
            ("hook", &self.hook),
        ] {
            if value.trim().is_empty() {
                problems.push(format!("the {what} is empty"));
            }
        }
        if personal_placeholder(&self.hook, context.listener_name).contains(LISTENER) {
            problems.push(
                "the hook names the listener: the greeting before it already does; leave the name out of the hook".into(),
            );
        }
        if tags.is_empty() {
            problems.push("there are no tags".into());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let analysis = Section::ALL
            .iter()
            .zip([
                &self.analysis.core_event,
                &self.analysis.background,
                &self.analysis.key_conflict,
                &self.analysis.impact,
                &self.analysis.outlook,
            ])
            .map(|(&section, text)| Analysis {
                section,
                title: section.title(context.language).to_string(),
                text: text.trim().to_string(),
            })
            .collect();
        let units = lines
            .iter()
            .map(|line: &BodyLine| context.language.measure(&line.text_for("Norris")))
            .sum();
        Ok(Body {
            language: context.language,
            requested: context.language,
            hosts: context.hosts.clone(),
            title: self.title.trim().to_string(),
            summary: self.summary.trim().to_string(),
            tags,
            source: Source::from(context.article),
            analysis,
            hook: self.hook.trim().to_string(),
            lines,
            seed: context.seed,
            target_units: context.target_units,
            units,
            notes: Vec::new(),
        })
    }
}

/// The segment a draft line names: its name in `episode.json`, or `key_conflict` for
/// the conflict, as the prompts and the analysis call it.
fn segment_named(name: &str) -> Option<Segment> {
    match name {
        "key_conflict" => Some(Segment::Conflict),
        name => SEGMENTS.iter().copied().find(|s| s.as_str() == name),
    }
}

/// Punctuation after which a name is said to the listener: `Norris,`, `Norris.`, and the
/// full-width comma, full stop, exclamation and question marks, semicolon, colon and
/// enumeration comma of Chinese.
const AFTER_NAME: [char; 15] = [
    ',', '.', '!', '?', ';', ':', '\u{2026}', '\u{2014}', '\u{FF0C}', '\u{3002}', '\u{FF01}',
    '\u{FF1F}', '\u{FF1B}', '\u{FF1A}', '\u{3001}',
];

/// The line with the listener's name (if the model wrote it out) as [`LISTENER`]: only
/// where it is said to the listener — not inside a longer word (`Alder` for Al) and
/// followed by punctuation, the end or another script rather than a space (`Marcus
/// Lindqvist` for Marcus, `a friend of` for `friend`) — since the body serves every
/// listener of the story.
fn personal_placeholder(text: &str, name: &str) -> String {
    let name = name.trim();
    let (Some(first), Some(last)) = (name.chars().next(), name.chars().next_back()) else {
        return text.to_string();
    };
    let wide = |c: char| c as u32 >= 0x2E80;
    let joins =
        |neighbour: char, end: char| neighbour.is_alphanumeric() && wide(neighbour) == wide(end);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(name) {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        let addressed = before.is_none_or(|c| !joins(c, first))
            && after.is_none_or(|c| {
                AFTER_NAME.contains(&c) || (c.is_alphanumeric() && !joins(c, last))
            });
        if addressed {
            out.push_str(&text[copied..at]);
            out.push_str(LISTENER);
            copied = at + name.len();
        }
    }
    out.push_str(&text[copied..]);
    out
}
