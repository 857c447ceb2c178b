//! The hosts' framing phrases and the language cues the writer reads articles with, as
//! data: `templates/zh.toml` and `templates/en.toml`, compiled in.
//!
//! Framing carries no facts (no digits, no names, nothing about any story): facts come
//! only from the article. Placeholders, filled by the writer:
//!
//! | placeholder  | what                                   | where                        |
//! |--------------|----------------------------------------|------------------------------|
//! | `{a}`, `{b}` | the hosts' names                       | anywhere                     |
//! | `{show}`     | the show's name                        | greeting, sign-off           |
//! | `{listener}` | the listener's name (makes it personal)| greeting, sign-off, address  |
//! | `{time}`     | the listener's local date and time     | greeting `a`                 |
//! | `{reaction}` | a reaction to the hour                 | greeting `a`                 |
//! | `{hook}`     | the article's lead                     | greeting `b`                 |

use std::sync::LazyLock;

use goosepod_core::{HostId, Language, Section};
use serde::Deserialize;

use crate::text::{FastMap, FastSet, fnv1a, mix};

/// One language's framing and cues.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Templates {
    /// Host A greets (`a`), host B answers with the hook (`b`).
    pub greeting: ByHost,
    /// Host A closes (`a`), host B says goodbye (`b`).
    pub sign_off: ByHost,
    /// Short phrases that turn a line to the listener; each has `{listener}` once.
    pub address: ByHost,
    /// Phrases before a host's facts, any part of the story.
    pub lead: Leads,
    /// Per part of the story.
    pub core_event: SegmentText,
    /// Per part of the story.
    pub background: SegmentText,
    /// Per part of the story.
    pub conflict: SegmentText,
    /// Per part of the story.
    pub impact: SegmentText,
    /// Per part of the story.
    pub outlook: SegmentText,
    /// How articles are read: cue words, speech verbs, furniture, abbreviations.
    pub cues: Lexicon,
}

/// A list of phrases for each host.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ByHost {
    pub a: Vec<String>,
    pub b: Vec<String>,
}

impl ByHost {
    pub(crate) fn of(&self, host: HostId) -> &[String] {
        match host {
            HostId::A => &self.a,
            HostId::B => &self.b,
        }
    }
}

/// Phrases before a host's facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Leads {
    pub a: Vec<String>,
    pub b: Vec<String>,
    /// Before a sentence that opens with a quotation.
    pub quote_a: Vec<String>,
    pub quote_b: Vec<String>,
    /// Before a sentence full of numbers.
    pub number_a: Vec<String>,
    pub number_b: Vec<String>,
}

impl Leads {
    pub(crate) fn plain(&self, host: HostId) -> &[String] {
        match host {
            HostId::A => &self.a,
            HostId::B => &self.b,
        }
    }

    pub(crate) fn quote(&self, host: HostId) -> &[String] {
        match host {
            HostId::A => &self.quote_a,
            HostId::B => &self.quote_b,
        }
    }

    pub(crate) fn number(&self, host: HostId) -> &[String] {
        match host {
            HostId::A => &self.number_a,
            HostId::B => &self.number_b,
        }
    }
}

/// The framing of one part of the story.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SegmentText {
    /// Host A opens the part (a statement that leads into A's facts).
    pub open_a: Vec<String>,
    /// Host B opens the part: a question or a transition, a line of its own.
    pub open_b: Vec<String>,
    /// Host A responds to B: the engineer's and product leader's view.
    pub react_a: Vec<String>,
    /// Host B responds to A: an analogy, an idiom, a quip.
    pub react_b: Vec<String>,
    /// When the article says nothing for this part.
    pub empty: Vec<String>,
}

impl SegmentText {
    pub(crate) fn react(&self, host: HostId) -> &[String] {
        match host {
            HostId::A => &self.react_a,
            HostId::B => &self.react_b,
        }
    }
}

/// Words the writer reads an article with. Matching is by substring for Chinese and by
/// lowercase word prefix for English (`plan` matches `plans`, `planned`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lexicon {
    /// History and timeline: `当年`, `ago`.
    pub history: Vec<String>,
    /// Contrast and dispute: `不过`, `however`, `critics`.
    pub contrast: Vec<String>,
    /// Consequences, money and people affected: `居民`, `customers`.
    pub impact: Vec<String>,
    /// The future and plans: `计划`, `will`.
    pub outlook: Vec<String>,
    /// Speech verbs that attribute a quotation: `表示`, `said`.
    pub speech: Vec<String>,
    /// A pronoun with a speech verb: `他说`, `she said` (lowercase).
    pub pronoun_speech: Vec<String>,
    /// Openings that point back to the sentence before: `该`, `it` (lowercase words in
    /// English, prefixes in Chinese).
    pub anaphora: Vec<String>,
    /// Markers of page furniture that is not the story: `责任编辑`, `Sign up`.
    pub skip: Vec<String>,
    /// Words that carry no topic (English).
    pub stopwords: Vec<String>,
    /// Abbreviations whose `.` does not end a sentence (lowercase, without the dot).
    pub abbreviations: Vec<String>,
    /// Endings of Chinese proper names (`市`, `集团`), for topic tags.
    pub entity_suffixes: Vec<String>,
    /// Capitalised words that are not names (`The`, `Monday`), for topic tags.
    pub not_entities: Vec<String>,
    /// The lists above, indexed for fast matching (built once, after parsing).
    #[serde(skip)]
    index: LexiconIndex,
}

/// The four kinds of cue, in the order [`Lexicon::cue_counts`] returns them.
pub(crate) const CUE_KINDS: usize = 4;

/// The most cue words a language may list (history, contrast, impact and outlook
/// together).
const MAX_CUES: usize = 256;

/// A cue word ready for matching.
#[derive(Debug, Default)]
struct Cue {
    /// Which list it is from: history, contrast, impact, outlook.
    kind: usize,
    /// English: the words after the first; Chinese: the whole cue.
    rest: Vec<String>,
    /// English: whether the last word is a prefix (`plan*`).
    prefix: bool,
}

#[derive(Debug, Default)]
struct LexiconIndex {
    cues: Vec<Cue>,
    /// English cues by their first word (whole words).
    by_word: FastMap<String, Vec<usize>>,
    /// English one-word prefix cues (stem and cue), by the stem's first byte.
    prefixes: FastMap<u8, Vec<(String, usize)>>,
    /// Chinese cues by their first character.
    by_char: FastMap<char, Vec<usize>>,
    stopwords: FastSet<String>,
    /// `not_entities`, lowercased.
    not_entities: FastSet<String>,
}

impl Lexicon {
    fn build_index(&mut self) {
        let mut index = LexiconIndex {
            stopwords: self.stopwords.iter().cloned().collect(),
            not_entities: self.not_entities.iter().map(|w| w.to_lowercase()).collect(),
            ..LexiconIndex::default()
        };
        let lists = [&self.history, &self.contrast, &self.impact, &self.outlook];
        for (kind, list) in lists.into_iter().enumerate() {
            // More than MAX_CUES are ignored (a test keeps the files within it).
            for cue in list.iter().take(MAX_CUES.saturating_sub(index.cues.len())) {
                let id = index.cues.len();
                if cue.is_ascii() {
                    let (text, prefix) = match cue.strip_suffix('*') {
                        Some(stem) => (stem, true),
                        None => (cue.as_str(), false),
                    };
                    let mut words = text.split_whitespace().map(str::to_lowercase);
                    let first = words.next().unwrap_or_default();
                    let rest: Vec<String> = words.collect();
                    if prefix && rest.is_empty() {
                        let key = first.bytes().next().unwrap_or_default();
                        index.prefixes.entry(key).or_default().push((first, id));
                    } else {
                        index.by_word.entry(first).or_default().push(id);
                    }
                    index.cues.push(Cue { kind, rest, prefix });
                } else {
                    if let Some(first) = cue.chars().next() {
                        index.by_char.entry(first).or_default().push(id);
                    }
                    index.cues.push(Cue {
                        kind,
                        rest: vec![cue.clone()],
                        prefix: false,
                    });
                }
            }
        }
        self.index = index;
    }

    /// How many different history, contrast, impact and outlook cues `text` has. English
    /// cues match whole words (or word prefixes for `plan*`), Chinese cues substrings.
    pub(crate) fn cue_counts(&self, text: &str) -> [usize; CUE_KINDS] {
        let index = &self.index;
        let mut seen = [0u64; MAX_CUES / 64];
        let mut mark = |id: usize| seen[id / 64] |= 1 << (id % 64);
        if !index.by_char.is_empty() {
            for (at, c) in text.char_indices() {
                for &id in index.by_char.get(&c).map_or(&[][..], Vec::as_slice) {
                    if text[at..].starts_with(index.cues[id].rest[0].as_str()) {
                        mark(id);
                    }
                }
            }
        }
        if !index.by_word.is_empty() || !index.prefixes.is_empty() {
            let lower = text.to_lowercase();
            let words: Vec<&str> = lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            for (i, word) in words.iter().enumerate() {
                for &id in index.by_word.get(*word).map_or(&[][..], Vec::as_slice) {
                    let cue = &index.cues[id];
                    let next = &words[i + 1..];
                    let fits = next.len() >= cue.rest.len()
                        && cue
                            .rest
                            .iter()
                            .zip(next)
                            .enumerate()
                            .all(|(k, (want, have))| {
                                if cue.prefix && k + 1 == cue.rest.len() {
                                    have.starts_with(want.as_str())
                                } else {
                                    want == have
                                }
                            });
                    if fits {
                        mark(id);
                    }
                }
                let key = word.bytes().next().unwrap_or_default();
                for (stem, id) in index.prefixes.get(&key).map_or(&[][..], Vec::as_slice) {
                    if word.starts_with(stem.as_str()) {
                        mark(*id);
                    }
                }
            }
        }
        let mut counts = [0; CUE_KINDS];
        for (id, cue) in index.cues.iter().enumerate() {
            if seen[id / 64] & (1 << (id % 64)) != 0 {
                counts[cue.kind] += 1;
            }
        }
        counts
    }

    /// Whether `name` (any case) is listed as not being a name on its own.
    pub(crate) fn is_not_entity(&self, name: &str) -> bool {
        let set = &self.index.not_entities;
        if !name.chars().any(char::is_uppercase) {
            return set.contains(name);
        }
        let mut buffer = [0u8; 32];
        if name.is_ascii() && name.len() <= buffer.len() {
            let lower = &mut buffer[..name.len()];
            lower.copy_from_slice(name.as_bytes());
            lower.make_ascii_lowercase();
            return std::str::from_utf8(lower).is_ok_and(|l| set.contains(l));
        }
        set.contains(&name.to_lowercase())
    }

    /// Whether a lowercase English word carries no topic.
    pub(crate) fn is_stopword(&self, word: &str) -> bool {
        self.index.stopwords.contains(word)
    }
}

static ZH: LazyLock<Templates> =
    LazyLock::new(|| parse("zh.toml", include_str!("../templates/zh.toml")));
static EN: LazyLock<Templates> =
    LazyLock::new(|| parse("en.toml", include_str!("../templates/en.toml")));

fn parse(file: &str, source: &str) -> Templates {
    // The files are part of the source code and checked by the tests below.
    let mut templates: Templates =
        toml::from_str(source).unwrap_or_else(|err| panic!("templates/{file} is invalid: {err}"));
    templates.cues.build_index();
    templates
}

impl Templates {
    /// The framing for `language`.
    pub(crate) fn get(language: Language) -> &'static Templates {
        match language {
            Language::ZhCn => &ZH,
            Language::EnUs => &EN,
        }
    }

    pub(crate) fn segment(&self, section: Section) -> &SegmentText {
        match section {
            Section::CoreEvent => &self.core_event,
            Section::Background => &self.background,
            Section::Conflict => &self.conflict,
            Section::Impact => &self.impact,
            Section::Outlook => &self.outlook,
        }
    }
}

/// Picks phrases deterministically from the article's seed, without repeating a phrase
/// of a list until the list is used up.
#[derive(Debug, Clone)]
pub(crate) struct Picker {
    seed: u64,
    used: FastMap<usize, usize>,
}

impl Picker {
    pub(crate) fn new(seed: u64) -> Picker {
        Picker {
            seed,
            used: FastMap::default(),
        }
    }

    /// The next phrase of `list` (empty string for an empty list).
    pub(crate) fn pick<'t>(&mut self, list: &'t [String]) -> &'t str {
        if list.is_empty() {
            return "";
        }
        // Lists are identified by address: they live in the static templates.
        let key = list.as_ptr() as usize;
        let count = self.used.entry(key).or_default();
        let first = mix(self.seed ^ fnv1a(list[0].as_bytes())) as usize;
        let index = (first + *count) % list.len();
        *count += 1;
        &list[index]
    }
}

/// Fills `{name}` placeholders in one pass (text put in is never read for placeholders
/// again); placeholders without a value are left as they are.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            values
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_PLACEHOLDERS: [&str; 7] = ["a", "b", "show", "listener", "time", "reaction", "hook"];

    fn placeholders(template: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after.find('}').expect("every { is closed");
            found.push(after[..close].to_string());
            rest = &after[close + 1..];
        }
        found
    }

    /// A list of framing phrases: its name, its phrases, the placeholders each phrase
    /// must have and those it may have.
    type Checked<'t> = (
        String,
        &'t [String],
        &'static [&'static str],
        &'static [&'static str],
    );

    /// Every list of framing phrases with the placeholders it must and may have.
    fn lists(t: &Templates) -> Vec<Checked<'_>> {
        let body: &[&str] = &["a", "b"];
        let mut out: Vec<Checked<'_>> = vec![
            (
                "greeting.a".into(),
                &t.greeting.a,
                &["listener", "a", "show", "time", "reaction"],
                &["b"],
            ),
            (
                "greeting.b".into(),
                &t.greeting.b,
                &["listener", "b", "hook"],
                &["a", "show"],
            ),
            ("sign_off.a".into(), &t.sign_off.a, &["a", "show"], &["b"]),
            (
                "sign_off.b".into(),
                &t.sign_off.b,
                &["listener", "b"],
                &["a", "show"],
            ),
            ("address.a".into(), &t.address.a, &["listener"], body),
            ("address.b".into(), &t.address.b, &["listener"], body),
            ("lead.a".into(), &t.lead.a, &[], body),
            ("lead.b".into(), &t.lead.b, &[], body),
            ("lead.quote_a".into(), &t.lead.quote_a, &[], body),
            ("lead.quote_b".into(), &t.lead.quote_b, &[], body),
            ("lead.number_a".into(), &t.lead.number_a, &[], body),
            ("lead.number_b".into(), &t.lead.number_b, &[], body),
        ];
        for section in Section::ALL {
            let s = t.segment(section);
            for (key, list) in [
                ("open_a", &s.open_a),
                ("open_b", &s.open_b),
                ("react_a", &s.react_a),
                ("react_b", &s.react_b),
                ("empty", &s.empty),
            ] {
                out.push((format!("{section}.{key}"), list, &[], body));
            }
        }
        out
    }

    #[test]
    fn both_languages_parse_and_every_list_has_variants() {
        for language in Language::ALL {
            let t = Templates::get(language);
            for (name, list, _, _) in lists(t) {
                let min = if name.ends_with("empty") { 2 } else { 4 };
                assert!(
                    list.len() >= min,
                    "{language} {name} has {} variants",
                    list.len()
                );
                let mut seen = std::collections::HashSet::new();
                for phrase in list {
                    assert!(seen.insert(phrase), "{language} {name} repeats {phrase:?}");
                    assert_eq!(phrase.trim(), phrase, "{language} {name}: {phrase:?}");
                }
            }
        }
    }

    #[test]
    fn placeholders_are_known_and_where_they_belong() {
        for language in Language::ALL {
            for (name, list, required, optional) in lists(Templates::get(language)) {
                for phrase in list {
                    let found = placeholders(phrase);
                    for p in &found {
                        assert!(
                            ALL_PLACEHOLDERS.contains(&p.as_str()),
                            "{language} {name}: {{{p}}} in {phrase:?}"
                        );
                        assert!(
                            required.contains(&p.as_str()) || optional.contains(&p.as_str()),
                            "{language} {name} may not use {{{p}}}: {phrase:?}"
                        );
                    }
                    if name.starts_with("address") {
                        let after = phrase.split("{listener}").nth(1).unwrap_or_default();
                        assert!(
                            after.starts_with(|c: char| c.is_ascii_punctuation()),
                            "{language} {name}: punctuation must follow {{listener}}: {phrase:?}"
                        );
                    }
                    for r in required {
                        assert_eq!(
                            found.iter().filter(|p| p == r).count(),
                            1,
                            "{language} {name} needs {{{r}}} once: {phrase:?}"
                        );
                    }
                }
            }
        }
    }

    /// Framing carries no facts: no digits, and (in English) no capitalised word except
    /// at the start of a sentence, `I` and its contractions, and `OK`.
    #[test]
    fn framing_carries_no_facts() {
        for language in Language::ALL {
            for (name, list, _, _) in lists(Templates::get(language)) {
                for phrase in list {
                    assert!(
                        !phrase
                            .chars()
                            .any(|c| c.is_numeric() && !crate::text::is_cjk(c)),
                        "{language} {name} has a digit: {phrase:?}"
                    );
                    let without = fill(phrase, &ALL_PLACEHOLDERS.map(|p| (p, "")));
                    let mut sentence_start = true;
                    for word in without.split_whitespace() {
                        let first = word.trim_start_matches(|c: char| !c.is_alphanumeric());
                        let capital = first.chars().next().is_some_and(char::is_uppercase);
                        let allowed = sentence_start
                            || matches!(
                                first.trim_end_matches(|c: char| !c.is_alphanumeric()),
                                "I" | "OK"
                            )
                            || first.starts_with("I'")
                            || first.starts_with("I’");
                        assert!(
                            !capital || allowed,
                            "{language} {name}: {word:?} in {phrase:?}"
                        );
                        sentence_start =
                            word.ends_with(['.', '?', '!', ':', '—']) || word.ends_with(".”");
                    }
                    if language == Language::ZhCn {
                        let latin: String =
                            without.chars().filter(char::is_ascii_alphabetic).collect();
                        assert!(latin.is_empty() || latin == "Hello", "{name}: {phrase:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn cues_match_whole_words_prefixes_and_phrases() {
        let en = &Templates::get(Language::EnUs).cues;
        // history, contrast, impact, outlook
        assert_eq!(en.cue_counts("The mayor will go."), [0, 0, 0, 1]);
        assert_eq!(en.cue_counts("The mayor is willing."), [0, 0, 0, 0]);
        assert_eq!(en.cue_counts("She plans to, and planned to."), [0, 0, 0, 1]);
        assert_eq!(en.cue_counts("Not everyone agrees, however."), [0, 2, 0, 0]);
        assert_eq!(
            en.cue_counts("A decision by the end of next year."),
            [0, 0, 0, 2]
        );
        let zh = &Templates::get(Language::ZhCn).cues;
        assert_eq!(
            zh.cue_counts("不过,争议并未平息,居民预计明年受益。"),
            [0, 2, 2, 2]
        );
        assert!(en.is_stopword("the") && !en.is_stopword("battery"));
        for language in Language::ALL {
            let c = &Templates::get(language).cues;
            let total = c.history.len() + c.contrast.len() + c.impact.len() + c.outlook.len();
            assert!(total <= MAX_CUES, "{language} has {total} cues");
        }
    }

    #[test]
    fn the_picker_rotates_through_a_list() {
        let list: Vec<String> = ["x", "y", "z"].map(String::from).to_vec();
        let mut picker = Picker::new(42);
        let mut picked: Vec<&str> = (0..3).map(|_| picker.pick(&list)).collect();
        picked.sort();
        assert_eq!(picked, ["x", "y", "z"]);
        assert_eq!(Picker::new(42).pick(&list), Picker::new(42).pick(&list));
        assert_eq!(Picker::new(1).pick(&[]), "");
    }

    #[test]
    fn fill_replaces_every_placeholder_once() {
        assert_eq!(
            fill("{a} and {b}, {a}", &[("a", "X"), ("b", "Y")]),
            "X and Y, X"
        );
        assert_eq!(
            fill("{a}: {listener}", &[("a", "{listener}")]),
            "{listener}: {listener}"
        );
        assert_eq!(fill("{x} {", &[("a", "X")]), "{x} {");
    }
}
