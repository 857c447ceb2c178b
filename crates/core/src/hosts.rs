//! Host pairs: the two people who present a show, as data.
//!
//! A pair is a TOML file. The built-in pairs live in `crates/core/hosts/*.toml` and are
//! compiled in; listeners may bring their own in the same format:
//!
//! ```toml
//! id = "en-default"
//! language = "en-US"
//! show = "Goose Pod"
//!
//! [[hosts]]
//! id = "a"
//! name = "Dana"
//! persona = "An engineer turned product lead …"
//! style = "Calm, precise …"
//! voice = { espeak = "en-us" }
//!
//! [[hosts]]
//! id = "b"
//! # …
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::language::Language;

/// Which of the two hosts: `a` opens and closes the show, `b` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostId {
    /// Host A: greets the listener, frames the story, closes the show.
    A,
    /// Host B: answers with the hook, asks, compares, says goodbye.
    B,
}

impl HostId {
    /// Both hosts, A first.
    pub const BOTH: [HostId; 2] = [HostId::A, HostId::B];

    /// The id as written in files: `a` or `b`.
    pub fn as_str(self) -> &'static str {
        match self {
            HostId::A => "a",
            HostId::B => "b",
        }
    }

    /// The other host.
    pub fn other(self) -> HostId {
        match self {
            HostId::A => HostId::B,
            HostId::B => HostId::A,
        }
    }
}

impl fmt::Display for HostId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HostId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "a" => Ok(HostId::A),
            "b" => Ok(HostId::B),
            other => Err(format!("unknown host `{other}`: expected `a` or `b`")),
        }
    }
}

/// One host of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// `a` or `b`.
    pub id: HostId,
    /// The name the host goes by on air.
    pub name: String,
    /// Who the host is: background, point of view, role in the conversation.
    pub persona: String,
    /// How the host talks: sentence length, habits, typical moves.
    pub style: String,
    /// The voice per speech engine, e.g. `espeak` → `cmn`; engines not listed use their
    /// own default voice for the pair's language.
    #[serde(default)]
    pub voice: BTreeMap<String, String>,
}

impl Host {
    /// The voice this host uses with `engine` (e.g. `espeak`), if the pair names one.
    pub fn voice_for(&self, engine: &str) -> Option<&str> {
        self.voice.get(engine).map(String::as_str)
    }
}

/// Two hosts who present a show in one language.
///
/// Deserialising (from any format) runs the checks of [`HostPair::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "HostPairFile")]
pub struct HostPair {
    /// The pair's id: lowercase ASCII letters, digits and `-` (`zh-default`).
    pub id: String,
    /// The language both hosts speak.
    pub language: Language,
    /// The show's name as the hosts say it (`Goose Pod`).
    pub show: String,
    /// Host A, then host B.
    pub hosts: [Host; 2],
}

/// A host pair file that cannot be used, or a built-in pair that does not exist.
#[derive(Debug, thiserror::Error)]
pub enum HostsError {
    /// The TOML does not parse, or a field is missing, unknown or of the wrong type (the
    /// message says which, with line and column).
    #[error("host pair file: {0}")]
    Toml(#[from] toml::de::Error),
    /// The id is empty or has characters other than `a`–`z`, `0`–`9` and `-`.
    #[error("host pair id `{id}` must be lowercase ASCII letters, digits and `-`")]
    BadId {
        /// The id as given.
        id: String,
    },
    /// The pair does not have exactly two hosts.
    #[error("host pair `{pair}` has {count} hosts; a pair has exactly two, `a` and `b`")]
    HostCount {
        /// The pair's id.
        pair: String,
        /// How many hosts the file lists.
        count: usize,
    },
    /// Both hosts have the same id.
    #[error("host pair `{pair}` lists host `{id}` twice; a pair has hosts `a` and `b`")]
    DuplicateHost {
        /// The pair's id.
        pair: String,
        /// The repeated id.
        id: HostId,
    },
    /// The hosts are in the wrong order (a pair built in code must list A first).
    #[error("host pair `{pair}` must list host `a` before host `b`")]
    HostOrder {
        /// The pair's id.
        pair: String,
    },
    /// A text field that must say something is empty.
    #[error("host pair `{pair}`: {field} is empty")]
    EmptyField {
        /// The pair's id.
        pair: String,
        /// Which field, e.g. `show` or `host b name`.
        field: String,
    },
    /// No built-in pair has this id.
    #[error("no built-in host pair `{id}`; built-in pairs are: {known}")]
    UnknownBuiltin {
        /// The id asked for.
        id: String,
        /// The built-in ids, comma-separated.
        known: String,
    },
}

/// A host pair file as written, before its checks; [`HostPair::try_from`] checks it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostPairFile {
    id: String,
    language: Language,
    show: String,
    hosts: Vec<Host>,
}

/// The built-in pairs' files, by file name.
const BUILTIN_FILES: [(&str, &str); 2] = [
    ("zh-default.toml", include_str!("../hosts/zh-default.toml")),
    ("en-default.toml", include_str!("../hosts/en-default.toml")),
];

static BUILTINS: LazyLock<Vec<HostPair>> = LazyLock::new(|| {
    BUILTIN_FILES
        .iter()
        .map(|(file, source)| {
            HostPair::from_toml(source)
                .unwrap_or_else(|err| panic!("built-in host pair {file} is invalid: {err}"))
        })
        .collect()
});

impl HostPair {
    /// Reads and checks a host pair file: a well-formed id, a show name, exactly two
    /// hosts `a` and `b` (in any order in the file; stored A first) with a name, persona
    /// and style each.
    pub fn from_toml(source: &str) -> Result<HostPair, HostsError> {
        let file: HostPairFile = toml::from_str(source)?;
        HostPair::try_from(file)
    }

    /// Checks a pair built in code the way [`HostPair::from_toml`] checks a file.
    pub fn validate(&self) -> Result<(), HostsError> {
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(HostsError::BadId {
                id: self.id.clone(),
            });
        }
        let empty = |field: String| HostsError::EmptyField {
            pair: self.id.clone(),
            field,
        };
        if self.show.trim().is_empty() {
            return Err(empty("show".into()));
        }
        let [a, b] = &self.hosts;
        if a.id == b.id {
            return Err(HostsError::DuplicateHost {
                pair: self.id.clone(),
                id: a.id,
            });
        }
        if (a.id, b.id) != (HostId::A, HostId::B) {
            return Err(HostsError::HostOrder {
                pair: self.id.clone(),
            });
        }
        for host in &self.hosts {
            for (field, value) in [
                ("name", &host.name),
                ("persona", &host.persona),
                ("style", &host.style),
            ] {
                if value.trim().is_empty() {
                    return Err(empty(format!("host {} {field}", host.id)));
                }
            }
            for (engine, voice) in &host.voice {
                if voice.trim().is_empty() {
                    return Err(empty(format!("host {} voice.{engine}", host.id)));
                }
            }
        }
        Ok(())
    }

    /// A built-in pair by id (`zh-default`, `en-default`).
    pub fn builtin(id: &str) -> Result<&'static HostPair, HostsError> {
        BUILTINS
            .iter()
            .find(|pair| pair.id == id)
            .ok_or_else(|| HostsError::UnknownBuiltin {
                id: id.into(),
                known: BUILTINS
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The built-in pair for `language` (see [`crate::listener::default_host_pair`]).
    pub fn builtin_for(language: Language) -> &'static HostPair {
        let id = crate::listener::default_host_pair(language);
        HostPair::builtin(id)
            .unwrap_or_else(|_| panic!("every language has a built-in host pair; {id} is missing"))
    }

    /// Every built-in pair.
    pub fn builtins() -> &'static [HostPair] {
        &BUILTINS
    }

    /// The host with `id`.
    pub fn host(&self, id: HostId) -> &Host {
        match id {
            HostId::A => &self.hosts[0],
            HostId::B => &self.hosts[1],
        }
    }

    /// Host A, who opens and closes the show.
    pub fn a(&self) -> &Host {
        &self.hosts[0]
    }

    /// Host B, who answers and says goodbye.
    pub fn b(&self) -> &Host {
        &self.hosts[1]
    }
}

impl TryFrom<HostPairFile> for HostPair {
    type Error = HostsError;

    fn try_from(file: HostPairFile) -> Result<HostPair, HostsError> {
        let pair = file.id.clone();
        let count = file.hosts.len();
        let mut hosts = file.hosts;
        hosts.sort_by_key(|h| h.id);
        let [a, b]: [Host; 2] = hosts.try_into().map_err(|_| HostsError::HostCount {
            pair: pair.clone(),
            count,
        })?;
        if a.id == b.id {
            return Err(HostsError::DuplicateHost { pair, id: a.id });
        }
        let pair = HostPair {
            id: file.id,
            language: file.language,
            show: file.show,
            hosts: [a, b],
        };
        pair.validate()?;
        Ok(pair)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pairs_parse_and_match_their_file_names() {
        assert_eq!(HostPair::builtins().len(), BUILTIN_FILES.len());
        for (pair, (file, _)) in HostPair::builtins().iter().zip(BUILTIN_FILES) {
            assert_eq!(format!("{}.toml", pair.id), file);
            assert_eq!(pair.show, "Goose Pod");
            assert_eq!(pair.a().id, HostId::A);
            assert_eq!(pair.b().id, HostId::B);
            assert_ne!(pair.a().name, pair.b().name);
            for host in &pair.hosts {
                assert!(
                    host.voice_for("espeak").is_some(),
                    "{} {}",
                    pair.id,
                    host.id
                );
            }
        }
    }

    #[test]
    fn every_language_has_a_builtin_pair_in_that_language() {
        for language in Language::ALL {
            assert_eq!(HostPair::builtin_for(language).language, language);
        }
        assert_eq!(HostPair::builtin_for(Language::ZhCn).id, "zh-default");
        assert_eq!(HostPair::builtin_for(Language::EnUs).id, "en-default");
    }

    #[test]
    fn the_chinese_pair_speaks_mandarin() {
        let pair = HostPair::builtin("zh-default").unwrap();
        assert_eq!(pair.language, Language::ZhCn);
        assert!(pair.a().voice_for("espeak").unwrap().starts_with("cmn"));
        assert!(pair.a().persona.contains("工程师"));
        assert_eq!(pair.host(HostId::B), pair.b());
    }

    #[test]
    fn unknown_builtin_lists_the_known_ones() {
        let err = HostPair::builtin("fr-default").unwrap_err().to_string();
        assert_eq!(
            err,
            "no built-in host pair `fr-default`; built-in pairs are: zh-default, en-default"
        );
    }

    const USER_PAIR: &str = r#"
        id = "my-pair"
        language = "en"
        show = "Morning Goose"

        [[hosts]]
        id = "b"
        name = "Kit"
        persona = "A comedian."
        style = "Quick."
        voice = { espeak = "en-gb", piper = "en_GB-alan-medium" }

        [[hosts]]
        id = "a"
        name = "Ravi"
        persona = "A physicist."
        style = "Careful."
        voice = {}
    "#;

    #[test]
    fn user_pairs_are_read_and_ordered_a_first() {
        let pair = HostPair::from_toml(USER_PAIR).unwrap();
        assert_eq!(pair.id, "my-pair");
        assert_eq!(pair.language, Language::EnUs);
        assert_eq!(pair.a().name, "Ravi");
        assert_eq!(pair.b().name, "Kit");
        assert_eq!(pair.b().voice_for("piper"), Some("en_GB-alan-medium"));
        assert_eq!(pair.a().voice_for("espeak"), None);
    }

    #[test]
    fn pairs_built_in_code_are_checked_too() {
        let mut pair = HostPair::builtin("en-default").unwrap().clone();
        pair.validate().unwrap();
        pair.hosts.swap(0, 1);
        assert_eq!(
            pair.validate().unwrap_err().to_string(),
            "host pair `en-default` must list host `a` before host `b`"
        );
        pair.hosts[0].id = HostId::A;
        assert_eq!(
            pair.validate().unwrap_err().to_string(),
            "host pair `en-default` lists host `a` twice; a pair has hosts `a` and `b`"
        );
    }

    #[test]
    fn serde_runs_the_same_checks() {
        let pair: HostPair = toml::from_str(USER_PAIR).unwrap();
        assert_eq!(pair, HostPair::from_toml(USER_PAIR).unwrap());
        let bad = USER_PAIR.replace("\"Kit\"", "\"\"");
        let err = toml::from_str::<HostPair>(&bad).unwrap_err().to_string();
        assert!(err.contains("host b name is empty"), "{err}");
    }

    fn error(source: &str) -> String {
        HostPair::from_toml(source).unwrap_err().to_string()
    }

    #[test]
    fn bad_pairs_say_what_is_wrong() {
        let cases = [
            (
                USER_PAIR.replace("id = \"b\"", "id = \"a\""),
                "lists host `a` twice",
            ),
            (
                USER_PAIR.replace("id = \"b\"", "id = \"c\""),
                "unknown variant `c`",
            ),
            (
                USER_PAIR.replace("my-pair", "My Pair"),
                "host pair id `My Pair`",
            ),
            (
                USER_PAIR.replace("Morning Goose", " "),
                "`my-pair`: show is empty",
            ),
            (
                USER_PAIR.replace("\"Kit\"", "\"\""),
                "`my-pair`: host b name is empty",
            ),
            (
                USER_PAIR.replace("\"Careful.\"", "\"\""),
                "host a style is empty",
            ),
            (
                USER_PAIR.replace("\"en-gb\"", "\"\""),
                "host b voice.espeak is empty",
            ),
            (
                USER_PAIR.replace("language = \"en\"", "language = \"ja\""),
                "unsupported language `ja`",
            ),
            (
                USER_PAIR.replace("style = \"Quick.\"", "style = \"Quick.\"\nmood = 1"),
                "unknown field `mood`",
            ),
            (
                USER_PAIR.replace("show = \"Morning Goose\"", ""),
                "missing field `show`",
            ),
            (
                format!(
                    "{USER_PAIR}\n[[hosts]]\nid = \"a\"\nname = \"X\"\npersona = \"P\"\nstyle = \"S\"\nvoice = {{}}\n"
                ),
                "has 3 hosts",
            ),
        ];
        for (source, expected) in cases {
            let message = error(&source);
            assert!(
                message.contains(expected),
                "expected {expected:?} in {message}"
            );
        }
    }
}
