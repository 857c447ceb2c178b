//! Checks a script must pass before anything is spoken, whoever wrote it. Each returns
//! the problems it finds, worded so that a writer (a model) can fix them.

use std::collections::HashSet;
use std::sync::LazyLock;

use goosepod_core::{Episode, Language, Line, Segment, SpokenTime};
use regex::Regex;

use crate::numbers::{self, Number};

/// One thing wrong with a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which check found it (`language`, `markup`, `grounding`…).
    pub check: &'static str,
    /// What is wrong, and where.
    pub message: String,
    /// Whether the script must be rewritten (otherwise it is reported only).
    pub rejects: bool,
}

impl Problem {
    fn reject(check: &'static str, message: String) -> Problem {
        Problem {
            check,
            message,
            rejects: true,
        }
    }

    fn report(check: &'static str, message: String) -> Problem {
        Problem {
            check,
            message,
            rejects: false,
        }
    }
}

/// Every check on `episode` (made from `source_text`, aimed at `target_seconds`, for a
/// show called `show`).
pub fn check_episode(
    episode: &Episode,
    source_text: &str,
    target_seconds: f64,
    show: &str,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    problems.extend(structure(&episode.lines));
    problems.extend(language(&episode.lines, episode.language));
    let hosts: Vec<&str> = episode.hosts.iter().map(|h| h.name.as_str()).collect();
    problems.extend(markup(&episode.lines, &hosts));
    problems.extend(opening_and_sign_off(episode, show));
    problems.extend(length(&episode.lines, episode.language, target_seconds));
    let mut known_names = hosts.clone();
    known_names.extend([episode.listener.name.as_str(), show]);
    problems.extend(grounding(&episode.lines, source_text, &known_names));
    problems.extend(repeats(&episode.lines, episode.language));
    problems
}

/// Every segment present, in the arc's order; only hosts `a` and `b` speak.
pub fn structure(lines: &[Line]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut last = 0;
    for (i, line) in lines.iter().enumerate() {
        let index = line.segment.index();
        if index < last {
            problems.push(Problem::reject(
                "structure",
                format!(
                    "line {} is in segment {} after a later segment",
                    i + 1,
                    line.segment.as_str()
                ),
            ));
        }
        last = last.max(index);
        if line.text.trim().is_empty() {
            problems.push(Problem::reject(
                "structure",
                format!("line {} is empty", i + 1),
            ));
        }
    }
    for segment in Segment::ARC {
        if !lines.iter().any(|line| line.segment == segment) {
            problems.push(Problem::reject(
                "structure",
                format!("segment {} has no lines", segment.as_str()),
            ));
        }
    }
    problems
}

/// The spoken text is in the show's language. Latin-script names (OpenAI, GPT-5.2) are
/// fine inside Chinese; English must be English.
pub fn language(lines: &[Line], language: Language) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let han = line.text.chars().filter(|c| is_han(*c)).count();
        let latin_words = line
            .text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|word| !word.is_empty())
            .count();
        let wrong = match language {
            // A Latin word is a name or a term; many of them against few characters
            // make an English (or pinyin) line.
            Language::ZhCn => latin_words >= 4 && latin_words * 2 > han,
            Language::EnUs => han > 0 || (latin_words > 8 && !is_english(&line.text)),
        };
        if wrong {
            problems.push(Problem::reject(
                "language",
                format!(
                    "line {} is not in {}: {}",
                    i + 1,
                    language.native_name(),
                    excerpt(&line.text)
                ),
            ));
        }
    }
    problems
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_english(text: &str) -> bool {
    whatlang::detect(text)
        .is_none_or(|info| info.lang() == whatlang::Lang::Eng || !info.is_reliable())
}

static MARKUP: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>", "an HTML/SSML tag"),
        (r"\*\*|__|`|^#{1,6}\s|\[[^\]]+\]\([^)]+\)", "Markdown"),
        (r"^\s*(?:[-*•]\s|\d+\.\s)", "a list bullet"),
        (
            r"(?i)[(\[（【]\s*(?:laughs?|laughter|music|pause|sighs?|applause|chuckles?|笑|音乐|停顿|掌声|叹气)[^)\]）】]*[)\]）】]|\*[a-z ]+\*",
            "a stage direction",
        ),
        (
            r"[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{FE0F}]",
            "an emoji",
        ),
    ]
    .into_iter()
    .map(|(pattern, what)| (Regex::new(&format!("(?m){pattern}")).expect("valid pattern"), what))
    .collect()
});

/// Nothing in the spoken text is markup, a stage direction, a speaker label (one of
/// `hosts`' names, `A`, `B`, `Host A`, `主持人`… before a colon) or an emoji: a speech
/// engine would read it aloud.
pub fn markup(lines: &[Line], hosts: &[&str]) -> Vec<Problem> {
    let names: Vec<String> = hosts
        .iter()
        .map(|name| regex::escape(name))
        .chain(["A", "B", "Host ?[AB]", "Speaker ?[AB12]", "主持人[AB甲乙]?"].map(String::from))
        .collect();
    let label = Regex::new(&format!(r"(?m)^\s*(?:{})\s*[:：]", names.join("|")))
        .expect("escaped names make a valid pattern");
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(found) = label.find(&line.text) {
            problems.push(Problem::reject(
                "markup",
                format!(
                    "line {} starts with a speaker label (`{}`): the speaker field says who speaks",
                    i + 1,
                    found.as_str().trim()
                ),
            ));
        }
        for (pattern, what) in MARKUP.iter() {
            if let Some(found) = pattern.find(&line.text) {
                problems.push(Problem::reject(
                    "markup",
                    format!(
                        "line {} contains {what} (`{}`): write only spoken words",
                        i + 1,
                        found.as_str().trim()
                    ),
                ));
            }
        }
    }
    problems
}

/// The greeting names the listener and says their local date and time; the sign-off
/// names the show.
pub fn opening_and_sign_off(episode: &Episode, show: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let greeting: String = episode
        .lines_in(Segment::Greeting)
        .map(|line| line.text.as_str())
        .collect();
    let name = &episode.listener.name;
    if !greeting.contains(name.as_str()) {
        problems.push(Problem::reject(
            "opening",
            format!("the greeting does not name the listener, {name}"),
        ));
    }
    if let Ok(time) = SpokenTime::in_zone(episode.generated_at, &episode.listener.timezone) {
        let phrase = time.date_phrase(episode.language);
        let clock = time.clock_phrase(episode.language);
        for (what, expected) in [("date", phrase), ("time", clock)] {
            if !greeting.contains(&expected) {
                problems.push(Problem::reject(
                    "opening",
                    format!("the greeting does not say the listener's local {what}, `{expected}`"),
                ));
            }
        }
    }
    let sign_off: String = episode
        .lines_in(Segment::SignOff)
        .map(|line| line.text.as_str())
        .collect();
    if !sign_off.contains(show) {
        problems.push(Problem::reject(
            "sign-off",
            format!("the sign-off does not name the show, {show}"),
        ));
    }
    problems
}

/// The spoken length within ±20 % of the target.
pub fn length(lines: &[Line], language: Language, target_seconds: f64) -> Vec<Problem> {
    let seconds: f64 = lines.iter().map(|line| language.seconds(&line.text)).sum();
    let ratio = seconds / target_seconds.max(1.0);
    if (0.8..=1.2).contains(&ratio) {
        return Vec::new();
    }
    let units = language.units_in(target_seconds);
    let unit = match language {
        Language::ZhCn => "characters",
        Language::EnUs => "words",
    };
    vec![Problem::reject(
        "length",
        format!(
            "the script takes about {:.0} s to say, {:.0} % of the {:.0} s asked for: aim for about {units} {unit}",
            seconds,
            ratio * 100.0,
            target_seconds
        ),
    )]
}

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[“"「]([^”"」]{12,})[”"」]"#).expect("valid pattern"));
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|[A-Z]\.))+\b").expect("valid pattern")
});

/// Facts come from the source: a number the source does not state rejects the script;
/// quotations and names the source does not have are reported. Lines written by code
/// for the listener (greeting, farewell) are not the source's and are skipped, and the
/// `known` names (the listener, the hosts, the show) are not the source's to have.
pub fn grounding(lines: &[Line], source: &str, known_names: &[&str]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let known = known_numbers(source);
    let folded_source = fold(source);
    for (i, line) in lines.iter().enumerate() {
        if matches!(line.segment, Segment::Greeting)
            || (line.segment == Segment::SignOff && line.personal)
        {
            continue;
        }
        for number in numbers::numbers(&line.text) {
            if !known.iter().any(|k| number.matches(k)) {
                problems.push(Problem::reject(
                    "grounding",
                    format!(
                        "line {} states `{}`, a number the article does not contain: use only the article's numbers",
                        i + 1,
                        &line.text[number.span.clone()]
                    ),
                ));
            }
        }
        for quote in QUOTED.captures_iter(&line.text) {
            let quoted = fold(&quote[1]);
            if !folded_source.contains(&quoted) && same_script(&quote[1], source) {
                problems.push(Problem::report(
                    "quotation",
                    format!(
                        "line {} quotes words the article does not have: “{}”",
                        i + 1,
                        &quote[1]
                    ),
                ));
            }
        }
        for name in NAME.find_iter(&line.text) {
            let mut name = name.as_str();
            if known_names.iter().any(|known| name.contains(known)) {
                continue;
            }
            // A sentence's first word is capitalised anyway: `Now Dana Whitcombe`.
            if let Some((first, rest)) = name.split_once(char::is_whitespace)
                && !folded_source.contains(&fold(first))
                && rest.contains(char::is_whitespace)
            {
                name = rest.trim_start();
            }
            if !folded_source.contains(&fold(name)) && same_script(name, source) {
                problems.push(Problem::report(
                    "names",
                    format!("line {} names {name}, who is not in the article", i + 1),
                ));
            }
        }
    }
    problems
}

/// The source's numbers, and the months it names in words (a translated script writes
/// `December 9` as `12月9日`).
fn known_numbers(source: &str) -> Vec<Number> {
    let mut known = numbers::numbers(source);
    for (index, month) in goosepod_core::spoken_time::MONTHS_EN.iter().enumerate() {
        if source.contains(month) {
            let digits = (index + 1).to_string();
            known.push(Number {
                span: 0..0,
                value: (index + 1) as f64,
                digits,
                percent: false,
            });
        }
    }
    known
}

/// Text compared loosely: lower case, letters and digits only.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `text` and `source` are in the same script (a quotation can only be checked
/// word for word when it is not a translation).
fn same_script(text: &str, source: &str) -> bool {
    let han = |s: &str| {
        s.chars().filter(|c| is_han(*c)).count() * 3
            > s.chars().filter(|c| c.is_alphabetic()).count()
    };
    han(text) == han(source)
}

/// No sentence said twice.
pub fn repeats(lines: &[Line], language: Language) -> Vec<Problem> {
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for sentence in crate::sentences::split(&line.text, language) {
            let key = fold(sentence);
            if key.chars().count() >= 12 && !seen.insert(key) {
                problems.push(Problem::reject(
                    "repeats",
                    format!(
                        "line {} repeats a sentence said before: {}",
                        i + 1,
                        excerpt(sentence)
                    ),
                ));
            }
        }
    }
    problems
}

fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("“{short}”")
}
