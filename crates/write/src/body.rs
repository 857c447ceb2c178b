//! The story's body: everything in an episode that does not depend on the listener.

use goosepod_core::{Analysis, HostId, HostPair, Language, Segment, Source};
use serde::{Deserialize, Serialize};

/// A story written once for every listener: the script without its personal opening and
/// farewell, plus the title, summary, tags and analysis. [`crate::personalise`] turns it
/// into one listener's [`goosepod_core::Episode`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// The language the script is written in (the article's).
    pub language: Language,
    /// The language the body was asked for (the listeners').
    pub requested: Language,
    /// The hosts who present it.
    pub hosts: HostPair,
    /// The episode title.
    pub title: String,
    /// Two to four sentences on what the story is.
    pub summary: String,
    /// One to three topic tags.
    pub tags: Vec<String>,
    /// The article.
    pub source: Source,
    /// The five analysis sections.
    pub analysis: Vec<Analysis>,
    /// Host B's hook for the greeting: the article's lead.
    pub hook: String,
    /// The lines from the core event to host A's closing line, in order.
    pub lines: Vec<BodyLine>,
    /// The seed every choice of phrase is made from (a hash of the article).
    pub seed: u64,
    /// The spoken length aimed at, in [`Language::unit`]s, greeting and farewell included.
    pub target_units: usize,
    /// The spoken length reached, in the same units (with a typical listener's name).
    pub units: usize,
    /// Things the reader of `episode.json` should know.
    pub notes: Vec<String>,
}

/// One line of the body. A line that turns to the listener has two pieces and the
/// listener's name goes between them; every other line has one piece and is the same
/// for every listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyLine {
    /// Who says it.
    pub speaker: HostId,
    /// Which part of the arc it belongs to.
    pub segment: Segment,
    /// The text; the listener's name goes between consecutive pieces.
    pub pieces: Vec<String>,
}

impl BodyLine {
    /// Whether the line names the listener.
    pub fn is_personal(&self) -> bool {
        self.pieces.len() > 1
    }

    /// The line as said to the listener called `name`.
    pub fn text_for(&self, name: &str) -> String {
        self.pieces.join(name)
    }
}
