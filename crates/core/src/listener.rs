//! The listener a show is made for: who they are, what they speak, where their clock is.
//!
//! A listener file is TOML; every field is optional and unknown fields are rejected:
//!
//! ```toml
//! name = "Norris"
//! language = "zh-CN"          # or zh, zh-Hans, en, en-GB … (nearest supported)
//! timezone = "Asia/Shanghai"  # IANA name
//! topics = ["OpenAI", "chips"]
//! minutes = 5                 # preferred episode length
//! host_pair = "zh-default"
//! ```

use serde::{Deserialize, Serialize};

use crate::language::Language;
use crate::timezone::{self, UnknownTimeZone};

/// The longest listener name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// The shortest preferred episode length, in minutes.
pub const MIN_MINUTES: f64 = 1.0;
/// The longest preferred episode length, in minutes.
pub const MAX_MINUTES: f64 = 60.0;

/// A listener and their preferences.
///
/// Deserialising (from any format) goes through the same defaults and checks as
/// [`Listener::from_toml`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ListenerFile")]
pub struct Listener {
    /// What the hosts call the listener (`Norris`).
    pub name: String,
    /// The language the show is spoken in.
    pub language: Language,
    /// The listener's IANA time zone (`Asia/Shanghai`), canonically spelled.
    pub timezone: String,
    /// Topics the listener follows (`OpenAI`), used to rank stories.
    pub topics: Vec<String>,
    /// Preferred episode length in minutes, within [`MIN_MINUTES`]..=[`MAX_MINUTES`].
    pub minutes: f64,
    /// Id of the host pair (`zh-default`, `en-default`, or a user-supplied pair's id).
    pub host_pair: String,
}

/// A listener file or value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ListenerError {
    /// The TOML does not parse, or a field has the wrong type, an unsupported language or
    /// an unknown name (the message says which, with line and column).
    #[error("listener file: {0}")]
    Toml(#[from] toml::de::Error),
    /// `name` is empty or only spaces.
    #[error("listener name is empty")]
    EmptyName,
    /// `name` is longer than [`MAX_NAME_CHARS`].
    #[error("listener name has {chars} characters; at most {MAX_NAME_CHARS} are allowed")]
    NameTooLong {
        /// The name's length in characters.
        chars: usize,
    },
    /// `name` contains a control character (newline, tab …).
    #[error("listener name {name:?} contains a control character")]
    NameHasControl {
        /// The name as given.
        name: String,
    },
    /// `timezone` is not an IANA time zone name.
    #[error("listener timezone: {0}")]
    TimeZone(#[from] UnknownTimeZone),
    /// `minutes` is not a number in range.
    #[error("listener minutes must be between {MIN_MINUTES} and {MAX_MINUTES}, got {minutes}")]
    Minutes {
        /// The value given.
        minutes: f64,
    },
    /// One of `topics` is empty.
    #[error("listener topics[{index}] is empty")]
    EmptyTopic {
        /// 0-based position in `topics`.
        index: usize,
    },
    /// `host_pair` is empty.
    #[error("listener host_pair is empty")]
    EmptyHostPair,
}

/// A listener file as written, every field optional; `Listener::try_from` fills in the
/// defaults and checks it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerFile {
    name: Option<String>,
    language: Option<Language>,
    timezone: Option<String>,
    topics: Option<Vec<String>>,
    minutes: Option<f64>,
    host_pair: Option<String>,
}

impl Default for Listener {
    /// An English-speaking listener in UTC: see [`Listener::for_language`].
    fn default() -> Self {
        Listener::for_language(Language::default())
    }
}

impl Listener {
    /// The default listener for `language`: named `friend` (en) or `朋友` (zh), in `UTC`,
    /// no topics, 5-minute episodes, the language's default host pair.
    pub fn for_language(language: Language) -> Listener {
        Listener {
            name: default_name(language).to_string(),
            language,
            timezone: "UTC".to_string(),
            topics: Vec::new(),
            minutes: 5.0,
            host_pair: default_host_pair(language).to_string(),
        }
    }

    /// Reads a listener file. Missing fields take the defaults of the file's language
    /// ([`Listener::for_language`]); the result is validated and its time zone name
    /// canonicalised (`asia/shanghai` → `Asia/Shanghai`).
    pub fn from_toml(source: &str) -> Result<Listener, ListenerError> {
        let file: ListenerFile = toml::from_str(source)?;
        Listener::try_from(file)
    }

    /// Checks every field: a non-empty name of at most [`MAX_NAME_CHARS`] characters
    /// without control characters, a known time zone, minutes in range, no empty topic,
    /// a host pair id.
    pub fn validate(&self) -> Result<(), ListenerError> {
        validate_name(&self.name)?;
        timezone::resolve(&self.timezone)?;
        if !(MIN_MINUTES..=MAX_MINUTES).contains(&self.minutes) {
            return Err(ListenerError::Minutes {
                minutes: self.minutes,
            });
        }
        if let Some(index) = self.topics.iter().position(|t| t.trim().is_empty()) {
            return Err(ListenerError::EmptyTopic { index });
        }
        if self.host_pair.trim().is_empty() {
            return Err(ListenerError::EmptyHostPair);
        }
        Ok(())
    }

    /// The listener's time zone rules.
    pub fn time_zone(&self) -> Result<jiff::tz::TimeZone, UnknownTimeZone> {
        timezone::resolve(&self.timezone)
    }

    /// The preferred episode length in seconds.
    pub fn target_seconds(&self) -> f64 {
        self.minutes * 60.0
    }
}

impl TryFrom<ListenerFile> for Listener {
    type Error = ListenerError;

    fn try_from(file: ListenerFile) -> Result<Listener, ListenerError> {
        let language = file.language.unwrap_or_default();
        let defaults = Listener::for_language(language);
        let mut listener = Listener {
            name: file
                .name
                .map(|n| n.trim().to_string())
                .unwrap_or(defaults.name),
            language,
            timezone: file.timezone.unwrap_or(defaults.timezone),
            topics: file
                .topics
                .map(|t| t.into_iter().map(|s| s.trim().to_string()).collect())
                .unwrap_or(defaults.topics),
            minutes: file.minutes.unwrap_or(defaults.minutes),
            host_pair: file.host_pair.unwrap_or(defaults.host_pair),
        };
        listener.validate()?;
        listener.timezone = timezone::canonical_name(&listener.timezone)?;
        Ok(listener)
    }
}

/// The name hosts use for a listener who gave none: `朋友` or `friend`.
pub fn default_name(language: Language) -> &'static str {
    match language {
        Language::ZhCn => "朋友",
        Language::EnUs => "friend",
    }
}

/// The id of the built-in host pair for `language`: `zh-default` or `en-default`.
pub fn default_host_pair(language: Language) -> &'static str {
    match language {
        Language::ZhCn => "zh-default",
        Language::EnUs => "en-default",
    }
}

/// Checks a listener name: not empty, not too long, no control characters.
fn validate_name(name: &str) -> Result<(), ListenerError> {
    if name.trim().is_empty() {
        return Err(ListenerError::EmptyName);
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ListenerError::NameTooLong { chars });
    }
    if name.chars().any(char::is_control) {
        return Err(ListenerError::NameHasControl { name: name.into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let listener = Listener::from_toml("").unwrap();
        assert_eq!(listener, Listener::default());
        assert_eq!(listener.name, "friend");
        assert_eq!(listener.language, Language::EnUs);
        assert_eq!(listener.timezone, "UTC");
        assert!(listener.topics.is_empty());
        assert_eq!(listener.minutes, 5.0);
        assert_eq!(listener.host_pair, "en-default");
    }

    #[test]
    fn defaults_follow_the_language() {
        let listener = Listener::from_toml("language = \"zh\"").unwrap();
        assert_eq!(listener.language, Language::ZhCn);
        assert_eq!(listener.name, "朋友");
        assert_eq!(listener.host_pair, "zh-default");
    }

    #[test]
    fn a_full_file_is_read() {
        let listener = Listener::from_toml(
            r#"
            name = " Norris1 "
            language = "zh-Hans"
            timezone = "asia/shanghai"
            topics = ["OpenAI", " chips "]
            minutes = 7.5
            host_pair = "my-pair"
            "#,
        )
        .unwrap();
        assert_eq!(
            listener,
            Listener {
                name: "Norris1".into(),
                language: Language::ZhCn,
                timezone: "Asia/Shanghai".into(),
                topics: vec!["OpenAI".into(), "chips".into()],
                minutes: 7.5,
                host_pair: "my-pair".into(),
            }
        );
        assert_eq!(listener.target_seconds(), 450.0);
        assert!(listener.time_zone().is_ok());
    }

    #[test]
    fn serde_goes_through_the_same_defaults_and_checks() {
        let listener: Listener =
            serde_json::from_str(r#"{"name": "Ana", "timezone": "europe/lisbon"}"#).unwrap();
        assert_eq!(listener.timezone, "Europe/Lisbon");
        assert_eq!(listener.host_pair, "en-default");
        let json = serde_json::to_string(&listener).unwrap();
        assert_eq!(serde_json::from_str::<Listener>(&json).unwrap(), listener);
        let err = serde_json::from_str::<Listener>(r#"{"minutes": 0.5}"#).unwrap_err();
        assert!(err.to_string().contains("between 1 and 60"), "{err}");
    }

    #[test]
    fn integer_minutes_are_accepted() {
        assert_eq!(Listener::from_toml("minutes = 10").unwrap().minutes, 10.0);
    }

    fn error(source: &str) -> String {
        Listener::from_toml(source).unwrap_err().to_string()
    }

    #[test]
    fn unknown_fields_are_rejected_by_name() {
        let message = error("name = \"A\"\ncolour = \"blue\"");
        assert!(message.contains("unknown field `colour`"), "{message}");
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let cases = [
            ("language = \"fr\"", "unsupported language `fr`"),
            ("language = \"français\"", "not a language tag"),
            ("timezone = \"Mars/Base\"", "unknown time zone `Mars/Base`"),
            ("timezone = \"\"", "the name is empty"),
            ("minutes = 0", "between 1 and 60, got 0"),
            ("minutes = 90", "between 1 and 60, got 90"),
            ("minutes = nan", "got NaN"),
            ("minutes = \"five\"", "invalid type"),
            ("name = \"  \"", "listener name is empty"),
            ("name = \"a\\nb\"", "control character"),
            ("topics = [\"AI\", \"\"]", "topics[1] is empty"),
            ("host_pair = \"\"", "host_pair is empty"),
            ("name = ", "listener file"),
        ];
        for (source, expected) in cases {
            let message = error(source);
            assert!(message.contains(expected), "{source}: {message}");
        }
        let long = format!("name = \"{}\"", "x".repeat(MAX_NAME_CHARS + 1));
        assert!(error(&long).contains("65 characters"));
    }

    #[test]
    fn validate_checks_values_built_in_code() {
        let mut listener = Listener::for_language(Language::ZhCn);
        assert!(listener.validate().is_ok());
        listener.timezone = "Nowhere".into();
        assert!(matches!(
            listener.validate(),
            Err(ListenerError::TimeZone(_))
        ));
    }
}
