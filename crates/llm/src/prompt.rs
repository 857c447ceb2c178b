//! The prompts: template files per language under `templates/{en,zh}/`, filled with the
//! host pair's personas, the arc, the target length and the article. Changing a template
//! changes what the model writes: bump [`crate::PROMPT_VERSION`] with it, so cached
//! bodies from the old prompts are not reused.

use askama::Template;
use goosepod_core::{Host, HostPair, Language};

/// The system prompt: the show, the hosts, the arc, the rules and the schema.
#[derive(Template)]
#[template(path = "system.txt")]
pub struct SystemPrompt<'a> {
    /// Chinese templates rather than English.
    pub zh: bool,
    /// The show's name.
    pub show: &'a str,
    /// Host A.
    pub host_a: &'a Host,
    /// Host B.
    pub host_b: &'a Host,
    /// Spoken length of all lines, in the language's units (words, characters).
    pub target_units: usize,
    /// The same in minutes, rounded.
    pub minutes: String,
    /// The draft's JSON schema.
    pub schema: String,
}

impl<'a> SystemPrompt<'a> {
    /// The system prompt for `hosts` in `language`.
    pub fn new(
        language: Language,
        hosts: &'a HostPair,
        target_units: usize,
        minutes: f64,
        schema: String,
    ) -> Self {
        SystemPrompt {
            zh: language == Language::ZhCn,
            show: &hosts.show,
            host_a: &hosts.hosts[0],
            host_b: &hosts.hosts[1],
            target_units,
            minutes: format!("{minutes:.0}"),
            schema,
        }
    }
}

/// The user prompt: the listener and the article.
#[derive(Template)]
#[template(path = "user.txt")]
pub struct UserPrompt<'a> {
    /// Chinese templates rather than English.
    pub zh: bool,
    /// The listener's name.
    pub listener_name: &'a str,
    /// Their local date and time, as the greeting says it.
    pub local_time: String,
    /// The publisher.
    pub publisher: Option<&'a str>,
    /// When the article was published (a date).
    pub published: Option<String>,
    /// The headline.
    pub headline: &'a str,
    /// Whether `text` is condensed notes rather than the article.
    pub condensed: bool,
    /// The article's text (or the notes).
    pub text: &'a str,
}

/// The message that sends a draft back with its problems.
#[derive(Template)]
#[template(path = "revise.txt")]
pub struct RevisePrompt<'a> {
    /// Chinese templates rather than English.
    pub zh: bool,
    /// What is wrong.
    pub problems: &'a [String],
}

/// One part of a long article, to be condensed.
#[derive(Template)]
#[template(path = "condense.txt")]
pub struct CondensePrompt<'a> {
    /// Chinese templates rather than English.
    pub zh: bool,
    /// Which part (from 1).
    pub part: usize,
    /// How many parts.
    pub parts: usize,
    /// Words or characters to aim for.
    pub target: usize,
    /// The part's text.
    pub text: &'a str,
}
