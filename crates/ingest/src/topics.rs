//! Topic tagging: which of a listener's topics a story is about, and how strongly.
//!
//! Latin-script topics match whole words, case-insensitively, with simple plural and
//! possessive forms ("chip" finds "chips", "OpenAI" finds "OpenAI's"); a topic of
//! several words matches as a phrase (spaces or hyphens between the words). Topics with
//! CJK characters match as substrings, since CJK text has no spaces between words.
//! Both sides are NFKC-normalised first, so full-width "ＡＩ" is "AI".
//!
//! A match in the headline counts [`TITLE_WEIGHT`] times a match in the body, and the
//! score saturates: `strength / (strength + HALF_SCORE_STRENGTH)`, in (0, 1).

use goosepod_core::language::is_cjk;
use regex::{Regex, RegexBuilder};
use unicode_normalization::UnicodeNormalization;

/// How many body matches one headline match is worth.
pub const TITLE_WEIGHT: f32 = 4.0;

/// The match strength (headline matches × [`TITLE_WEIGHT`] + body matches) that scores
/// 0.5: one headline match, or four body matches.
pub const HALF_SCORE_STRENGTH: f32 = 4.0;

/// Words whose final `s` is not a plural ending ("news" must not find "new").
const NOT_PLURAL: &[&str] = &["news", "series", "species", "means", "physics", "always"];

/// A listener's topic found in a story.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicMatch {
    /// The topic, as the listener wrote it.
    pub topic: String,
    /// How strongly the story is about it, in (0, 1).
    pub score: f32,
}

/// A listener's topics, compiled once for tagging many stories.
#[derive(Debug, Clone)]
pub struct TopicMatcher {
    topics: Vec<(String, Pattern)>,
}

#[derive(Debug, Clone)]
enum Pattern {
    /// Whole words, for Latin-script topics.
    Words(Regex),
    /// A lower-cased, normalised substring, for topics with CJK characters.
    Substring(String),
}

impl TopicMatcher {
    /// Compiles `topics`; blank topics and repeats are ignored.
    pub fn new(topics: &[String]) -> Self {
        let mut compiled: Vec<(String, Pattern)> = Vec::new();
        for topic in topics {
            if compiled.iter().any(|(seen, _)| seen == topic) {
                continue;
            }
            if let Some(pattern) = Pattern::new(topic) {
                compiled.push((topic.clone(), pattern));
            }
        }
        Self { topics: compiled }
    }

    /// The topics `title` and `text` are about, best first (ties in topic order).
    pub fn tag(&self, title: &str, text: &str) -> Vec<TopicMatch> {
        let title = normalise(title);
        let text = normalise(text);
        let mut matches: Vec<TopicMatch> = self
            .topics
            .iter()
            .filter_map(|(topic, pattern)| {
                let strength =
                    TITLE_WEIGHT * pattern.count(&title) as f32 + pattern.count(&text) as f32;
                (strength > 0.0).then(|| TopicMatch {
                    topic: topic.clone(),
                    score: strength / (strength + HALF_SCORE_STRENGTH),
                })
            })
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score));
        matches
    }
}

/// The topics among `topics` that a story (`article_title`, `text`) is about, with
/// scores, best first. See [`TopicMatcher`] to tag many stories with the same topics.
pub fn tag(article_title: &str, text: &str, topics: &[String]) -> Vec<TopicMatch> {
    TopicMatcher::new(topics).tag(article_title, text)
}

fn normalise(text: &str) -> String {
    text.nfkc().collect()
}

impl Pattern {
    fn new(topic: &str) -> Option<Self> {
        let topic = normalise(topic);
        let topic = topic.trim();
        if topic.is_empty() {
            return None;
        }
        if topic.chars().any(is_cjk) {
            let folded = topic.split_whitespace().collect::<Vec<_>>().join(" ");
            return Some(Self::Substring(folded.to_lowercase()));
        }
        let words: Vec<&str> = topic
            .split(|c: char| c.is_whitespace() || is_dash(c))
            .filter(|word| !word.is_empty())
            .collect();
        let (last, rest) = words.split_last()?;
        let mut pattern = String::new();
        if words[0].starts_with(is_word_char) {
            pattern.push_str(r"\b");
        }
        for word in rest {
            pattern.push_str(&regex::escape(word));
            pattern.push_str(r"[\s\-\x{2010}-\x{2015}]+");
        }
        let ends_in_word = last.ends_with(is_word_char);
        if last.chars().all(char::is_alphabetic) {
            pattern.push_str(&inflected(last));
        } else {
            pattern.push_str(&regex::escape(last));
        }
        if ends_in_word {
            pattern.push_str(r"\b");
        }
        match RegexBuilder::new(&pattern).case_insensitive(true).build() {
            Ok(regex) => Some(Self::Words(regex)),
            // Too large to compile (an absurdly long topic): match it literally.
            Err(_) => Some(Self::Substring(topic.to_lowercase())),
        }
    }

    /// How many times the topic occurs in `text`.
    fn count(&self, text: &str) -> usize {
        match self {
            Self::Words(regex) => regex.find_iter(text).count(),
            Self::Substring(needle) => text.to_lowercase().matches(needle.as_str()).count(),
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}')
}

/// A regex for `word` in its singular and simple plural forms: "chip" and "chips"
/// find both, "company" and "companies" find both.
fn inflected(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut stems = vec![lower.clone()];
    let len = lower.chars().count();
    if !NOT_PLURAL.contains(&lower.as_str()) && len >= 4 {
        if let Some(stem) = lower.strip_suffix("ies").filter(|_| len >= 5) {
            stems.push(format!("{stem}y"));
        } else if lower.ends_with("ches") || lower.ends_with("shes") || lower.ends_with("xes") {
            stems.push(lower[..lower.len() - 2].to_owned());
        } else if let Some(stem) = lower
            .strip_suffix('s')
            .filter(|stem| !stem.ends_with(['s', 'u', 'i']))
        {
            stems.push(stem.to_owned());
        }
    }
    let forms: Vec<String> = stems
        .iter()
        .map(|stem| {
            let consonant_y = stem.strip_suffix('y').filter(|before| {
                before
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphabetic() && !"aeiou".contains(c))
            });
            match consonant_y {
                Some(before) => format!("{}(?:y|ies)", regex::escape(before)),
                None => format!("{}(?:s|es)?", regex::escape(stem)),
            }
        })
        .collect();
    format!("(?:{})", forms.join("|"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn topics(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    fn found(title: &str, text: &str, list: &[&str]) -> Vec<String> {
        tag(title, text, &topics(list))
            .into_iter()
            .map(|m| m.topic)
            .collect()
    }

    #[test]
    fn words_match_on_boundaries_in_any_case() {
        assert_eq!(found("", "New AI rules announced", &["ai"]), ["ai"]);
        assert!(found("", "He said the rain stopped", &["AI"]).is_empty());
        assert!(found("", "Chipmunks everywhere", &["chip"]).is_empty());
    }

    #[test]
    fn plurals_and_possessives_match() {
        assert_eq!(found("", "Demand for chips soars", &["chip"]), ["chip"]);
        assert_eq!(found("", "A chip shortage", &["chips"]), ["chips"]);
        assert_eq!(found("", "OpenAI's new model", &["OpenAI"]), ["OpenAI"]);
        assert_eq!(found("", "OpenAI’s new model", &["openai"]), ["openai"]);
        assert_eq!(
            found("", "Three companies merged", &["company"]),
            ["company"]
        );
        assert_eq!(
            found("", "One company merged", &["companies"]),
            ["companies"]
        );
        assert_eq!(found("", "New batteries", &["battery"]), ["battery"]);
        assert_eq!(found("", "Tax on watches", &["watch"]), ["watch"]);
        assert!(found("", "A new day", &["news"]).is_empty());
    }

    #[test]
    fn phrases_match_as_phrases() {
        let list = ["climate change", "self-driving cars"];
        assert_eq!(
            found("", "Climate  change is here; self driving car tests", &list),
            list
        );
        assert!(found("", "The climate will change", &["climate change"]).is_empty());
    }

    #[test]
    fn cjk_topics_match_as_substrings() {
        assert_eq!(found("", "美国限制芯片出口", &["芯片"]), ["芯片"]);
        assert_eq!(found("", "ＡＩ芯片需求上升", &["AI芯片"]), ["AI芯片"]);
        assert!(found("", "美国限制出口", &["芯片"]).is_empty());
    }

    #[test]
    fn odd_topics_work() {
        assert_eq!(found("", "Why C++ still matters", &["C++"]), ["C++"]);
        assert_eq!(found("", "AT&T earnings", &["at&t"]), ["at&t"]);
        assert!(found("anything", "anything", &["", "  ", "--"]).is_empty());
    }

    #[test]
    fn titles_weigh_more_and_counts_saturate() {
        let list = topics(&["chips", "rail"]);
        let matches = tag("Chip makers rally", "A new rail line opened.", &list);
        assert_eq!(matches[0].topic, "chips");
        assert_eq!(matches[0].score, 0.5);
        assert_eq!(matches[1].topic, "rail");
        assert_eq!(matches[1].score, 0.2);
        let many = "rail ".repeat(1000);
        let score = tag("", &many, &list)[0].score;
        assert!(score > 0.99 && score < 1.0, "{score}");
    }

    #[test]
    fn repeated_topics_are_reported_once() {
        assert_eq!(found("", "chips", &["chips", "chips"]), ["chips"]);
    }

    proptest! {
        #[test]
        fn never_panics(
            title in "\\PC{0,80}",
            text in any::<String>(),
            list in proptest::collection::vec("\\PC{0,20}", 0..6),
        ) {
            let matches = tag(&title, &text, &list);
            for m in &matches {
                prop_assert!(m.score > 0.0 && m.score < 1.0);
                prop_assert!(list.contains(&m.topic));
            }
        }

        #[test]
        fn a_topic_in_the_title_is_found(word in "[a-z]{3,12}") {
            let list = vec![word.clone()];
            let title = format!("Breaking: {} today", word.to_uppercase());
            prop_assert_eq!(tag(&title, "", &list).len(), 1);
        }
    }
}
