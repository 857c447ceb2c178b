//! Reading an article: its sentences, how central each is, and which part of the story
//! each one tells.
//!
//! Every sentence gets a score for each part of the arc:
//!
//! - core event: centrality and closeness to the lead;
//! - background: history words (`当年`, `ago`) and years before the article's own;
//! - conflict: contrast and dispute words (`不过`, `however`, `critics`);
//! - impact: numbers, money, percentages and the people affected;
//! - outlook: future and plan words (`计划`, `will`) and years after the article's own;
//!
//! the last four plus a share of centrality, so that of two sentences with the same cues
//! the more central one wins. A sentence belongs to the part it scores best in; the first
//! sentences of the article belong to the core event unless a cue is strong.

use goosepod_core::{Language, Section};

use crate::numbers::numbers;
use crate::rank;
use crate::sentences::{Sentence, units_up_to};
use crate::templates::{Lexicon, Templates};
use crate::text::is_open_quote;

/// One sentence of the article with what the writer knows about it.
#[derive(Debug, Clone)]
pub(crate) struct Unit<'a> {
    /// The sentence as written.
    pub text: &'a str,
    /// Position among the article's sentences.
    pub order: usize,
    /// The paragraph it is in.
    pub paragraph: usize,
    /// Whether its cue words decided its part (rather than its position or neighbours).
    pub cued: bool,
    /// Spoken length.
    pub size: usize,
    /// TextRank centrality, 0–1.
    pub centrality: f64,
    /// Score for each section, in [`Section::ALL`] order.
    pub scores: [f64; 5],
    /// The section the sentence tells best.
    pub role: Section,
    /// Opens with a quotation.
    pub quote_start: bool,
    /// Has quotation marks.
    pub quoted: bool,
    /// Numbers that are not years.
    pub numbers: usize,
    /// An aside in brackets.
    pub aside: bool,
}

/// An article read by the writer.
#[derive(Debug, Clone)]
pub(crate) struct Story<'a> {
    pub units: Vec<Unit<'a>>,
    /// The unit the hook is made from (the lead).
    pub hook: usize,
}

/// The longest line a host says in one go, in spoken units; longer sentences are said
/// alone.
pub(crate) fn max_line(language: Language) -> usize {
    match language {
        Language::ZhCn => 150,
        Language::EnUs => 60,
    }
}

/// Reads `paragraphs` in `language`. `year` is the article's publication year, against
/// which years in the text count as history or plans.
pub(crate) fn read<'a>(
    paragraphs: impl IntoIterator<Item = &'a str>,
    language: Language,
    year: Option<i16>,
) -> Story<'a> {
    let lexicon = &Templates::get(language).cues;
    // A very long page (a forum thread, a live blog) is read as far as its first few
    // hundred sentences: the rest could not be ranked anyway.
    let mut sentences: Vec<Sentence<'a>> =
        units_up_to(paragraphs, language, true, rank::MAX_RANKED);
    sentences.truncate(rank::MAX_RANKED);
    let tokens: Vec<Vec<u64>> = sentences
        .iter()
        .map(|s| rank::tokens(s.text, language, lexicon))
        .collect();
    let centrality = rank::centrality(&tokens);
    let long = max_line(language) * 2;
    let units: Vec<Unit<'a>> = sentences
        .iter()
        .enumerate()
        .map(|(order, sentence)| {
            let text = sentence.text;
            let size = sentence.size;
            let all_numbers = numbers(text);
            let cues = cues(text, &all_numbers, lexicon, year);
            let central = centrality[order];
            let lead = 1.0 / (1.0 + order as f64 * 0.35);
            let mut scores = [
                0.55 * central + 0.45 * lead,
                cues.history + 0.35 * central,
                cues.contrast + 0.35 * central,
                cues.impact + 0.35 * central,
                cues.outlook + 0.35 * central,
            ];
            let first = text.chars().next().unwrap_or(' ');
            let aside =
                matches!(first, '(' | '（') && text.trim_end().ends_with([')', '）', '.', '。']);
            let penalty = if aside { 0.4 } else { 1.0 } * if size > long { 0.7 } else { 1.0 };
            for score in &mut scores {
                *score *= penalty;
            }
            let strongest = [
                (cues.contrast, Section::Conflict),
                (cues.outlook, Section::Outlook),
                (cues.history, Section::Background),
                (cues.impact, Section::Impact),
            ]
            .into_iter()
            .fold((0.0, Section::CoreEvent), |best, (cue, section)| {
                if cue > best.0 { (cue, section) } else { best }
            });
            let cued = strongest.0 >= 0.3 && !(order < 3 && strongest.0 < 0.8);
            let role = if cued {
                strongest.1
            } else {
                Section::CoreEvent
            };
            let years = all_numbers
                .iter()
                .filter(|n| year_of(text, n).is_some())
                .count();
            Unit {
                text,
                order,
                paragraph: sentence.paragraph,
                cued,
                size,
                centrality: central,
                scores,
                role,
                quote_start: is_open_quote(first) || first == '"',
                quoted: text.chars().any(|c| is_open_quote(c) || c == '"'),
                numbers: all_numbers.len() - years,
                aside,
            }
        })
        .collect();
    let mut units = units;
    inherit_roles(&mut units);
    let hook = choose_hook(&units, language);
    Story { units, hook }
}

/// A sentence without cues past the opening tells the same part as its nearest cued
/// neighbour in its paragraph, else in the paragraph before or after; only sentences in
/// the article's first third fall back to the core event.
fn inherit_roles(units: &mut [Unit<'_>]) {
    let paragraphs = units.last().map_or(0, |u| u.paragraph + 1);
    let roles: Vec<Option<Section>> = units.iter().map(|u| u.cued.then_some(u.role)).collect();
    for i in 0..units.len() {
        if units[i].cued || units[i].order < 3 {
            continue;
        }
        let paragraph = units[i].paragraph;
        let nearest = |allowed: &dyn Fn(usize) -> bool| {
            (1..units.len())
                .flat_map(|d| [i.checked_sub(d), Some(i + d)])
                .flatten()
                .filter(|&j| j < units.len() && allowed(units[j].paragraph))
                .find_map(|j| roles[j])
        };
        let role = nearest(&|p| p == paragraph).or_else(|| {
            if paragraph * 3 < paragraphs {
                None
            } else {
                nearest(&|p| p + 1 == paragraph).or_else(|| nearest(&|p| p == paragraph + 1))
            }
        });
        if let Some(role) = role {
            units[i].role = role;
        }
    }
}

/// The lead: the first of the opening sentences that reads well on its own (not a
/// quotation, not an aside, neither tiny nor huge); the first sentence otherwise.
fn choose_hook(units: &[Unit<'_>], language: Language) -> usize {
    let (min, max) = match language {
        Language::ZhCn => (12, max_line(language) + 30),
        Language::EnUs => (8, max_line(language) + 10),
    };
    units
        .iter()
        .take(3)
        .position(|u| !u.quote_start && !u.aside && (min..=max).contains(&u.size))
        .unwrap_or(0)
}

#[derive(Debug, Default, Clone, Copy)]
struct Cues {
    history: f64,
    contrast: f64,
    impact: f64,
    outlook: f64,
}

/// The cue words of `text`; words inside quotations count half (what someone says is a
/// weaker sign of the story's structure than what the article says).
fn word_cues(text: &str, lexicon: &Lexicon) -> Cues {
    let mut cues = Cues::default();
    let mut add = |part: &str, weight: f64| {
        if part.trim().is_empty() {
            return;
        }
        let [history, contrast, impact, outlook] =
            lexicon.cue_counts(part).map(|n| weight * n as f64);
        cues.history += 0.45 * history;
        cues.contrast += 0.5 * contrast;
        cues.impact += 0.3 * impact;
        cues.outlook += 0.45 * outlook;
    };
    if text.chars().any(|c| is_open_quote(c) || c == '"') {
        let (outside, inside) = split_quoted(text);
        add(&outside, 1.0);
        add(&inside, 0.5);
    } else {
        add(text, 1.0);
    }
    cues
}

/// The text outside quotation marks and the text inside them.
fn split_quoted(text: &str) -> (String, String) {
    let (mut outside, mut inside) = (String::new(), String::new());
    let mut depth = 0usize;
    let mut ascii_open = false;
    for c in text.chars() {
        if is_open_quote(c) {
            depth += 1;
        } else if crate::text::is_close_quote(c) {
            depth = depth.saturating_sub(1);
        } else if c == '"' {
            ascii_open = !ascii_open;
        }
        if depth > 0 || ascii_open {
            inside.push(c);
        } else {
            outside.push(c);
        }
    }
    (outside, inside)
}

fn cues(
    text: &str,
    numbers: &[crate::numbers::Number],
    lexicon: &Lexicon,
    year: Option<i16>,
) -> Cues {
    let mut cues = word_cues(text, lexicon);
    let (mut earlier, mut later) = (false, false);
    for number in numbers {
        if let Some(y) = year_of(text, number) {
            earlier |= year.is_some_and(|now| y < now);
            later |= year.is_some_and(|now| y > now);
            continue;
        }
        let written = &text[number.span.clone()];
        let after = &text[number.span.end..];
        let before = text[..number.span.start].trim_end();
        let money = before.ends_with(['$', '€', '£', '¥', '￥'])
            || after.starts_with(['元', '美', '欧', '英', '港', '日'])
            || after.trim_start().starts_with("dollar")
            || after.trim_start().starts_with("yuan");
        cues.impact += if number.percent || money {
            0.35
        } else if written.len() > 1 {
            0.15
        } else {
            0.05
        };
    }
    if earlier {
        cues.history += 0.5;
    }
    if later {
        cues.outlook += 0.5;
    }
    Cues {
        history: cues.history.min(1.2),
        contrast: cues.contrast.min(1.2),
        impact: cues.impact.min(1.2),
        outlook: cues.outlook.min(1.2),
    }
}

/// The year a number is, if it is one: four digits from 1900 to 2100, written without a
/// grouping comma, followed by `年` in Chinese text.
fn year_of(text: &str, number: &crate::numbers::Number) -> Option<i16> {
    let written = &text[number.span.clone()];
    if number.digits.len() != 4 || written.len() != 4 || number.percent {
        return None;
    }
    let value: i16 = number.digits.parse().ok()?;
    if !(1900..=2100).contains(&value) {
        return None;
    }
    let after = &text[number.span.end..];
    let chinese = text.chars().any(crate::text::is_cjk);
    if chinese && !after.starts_with('年') {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(paragraphs: &[&str], language: Language) -> Vec<(String, Section)> {
        read(paragraphs.iter().copied(), language, Some(2026))
            .units
            .iter()
            .map(|u| (u.text.to_string(), u.role))
            .collect()
    }

    #[test]
    fn english_sentences_find_their_part_of_the_story() {
        let found = roles(
            &[
                "The city switched on a giant battery on Wednesday. The battery stores power for the whole harbor area. Officials cheered the launch loudly at the ceremony.",
                "The project traces back to 2017, when a heat wave hit.",
                "Not everyone is celebrating, however, and critics question the cost.",
                "Customers will pay about $1.40 more per month, a 3 percent rise.",
                "The utility plans a second phase, with a decision expected in 2027.",
            ],
            Language::EnUs,
        );
        let sections: Vec<Section> = found.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            sections,
            [
                Section::CoreEvent,
                Section::CoreEvent,
                Section::CoreEvent,
                Section::Background,
                Section::Conflict,
                Section::Impact,
                Section::Outlook
            ]
        );
    }

    #[test]
    fn chinese_sentences_find_their_part_of_the_story() {
        let found = roles(
            &[
                "4月18日上午9时,地铁5号线正式开通运营。线路全长32.6公里,设车站21座。首趟列车准时从西郊出发。",
                "5号线的规划最早可追溯到2014年。",
                "不过,围绕5号线的争议并未随着开通而平息。",
                "起步价2元,沿线约120万居民将因此受益。",
                "按照计划,二期工程预计2027年上半年开工。",
            ],
            Language::ZhCn,
        );
        let sections: Vec<Section> = found.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            sections,
            [
                Section::CoreEvent,
                Section::CoreEvent,
                Section::CoreEvent,
                Section::Background,
                Section::Conflict,
                Section::Impact,
                Section::Outlook
            ]
        );
    }

    #[test]
    fn the_hook_skips_an_opening_quotation() {
        let story = read(
            [
                "“Holy cow,” he wrote on the site today. The battery switched on at the harbor this week. Officials were very pleased.",
            ],
            Language::EnUs,
            None,
        );
        assert_eq!(
            story.units[story.hook].text,
            "The battery switched on at the harbor this week."
        );
    }
}
