//! Splitting an article into sentences, for Chinese and English.
//!
//! - A sentence ends at `。！？!?…` (and `.` in English text), together with any closing
//!   quotes and brackets after it.
//! - Quotations are kept whole: nothing inside `“…”` ends a sentence, so a quoted speech of
//!   several sentences stays one unit. (If a paragraph's quotes do not balance, it is
//!   split again ignoring them.)
//! - A quotation followed by its attribution stays with it (`“……。”周女士说,“……。”`), and
//!   a paragraph's bare quotation that continues the previous sentence's speaker is joined
//!   to it, so a host never reads out a quote without saying whose it is.
//! - English `.` ends a sentence only before a capital letter, digit or quote, and not
//!   after an abbreviation (`U.S.`, `Calif.`, `Mr.`), an initial (`J. Smith`) or inside a
//!   decimal (`2.5`).
//! - A dateline opening the article (`东江日报讯(记者 林晓舟)`, `PORT ALDER, Calif. —`) is
//!   left out.

use goosepod_core::Language;

use crate::templates::{Lexicon, Templates};
use crate::text::{is_cjk, is_close_quote, is_closer, is_open_quote};

/// A sentence of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// The sentence, trimmed, as it is written in the article.
    pub text: &'a str,
    /// The 0-based paragraph it is in.
    pub paragraph: usize,
    /// Its spoken length ([`Language::measure`]).
    pub size: usize,
}

/// Longest merged unit (a sentence plus its quotation), in spoken units (zh, en).
const MAX_MERGED: [usize; 2] = [220, 90];

/// Longest pair of a sentence and one that points back to it, in spoken units (zh, en).
const MAX_ANAPHORA: [usize; 2] = [180, 70];

/// A sentence this short (zh, en) introduces the next one rather than standing alone.
const SHORT: [usize; 2] = [12, 7];

/// Splits one paragraph into sentences (trimmed slices of `paragraph`).
pub fn split(paragraph: &str, language: Language) -> Vec<&str> {
    split_with(
        paragraph,
        language,
        &Templates::get(language).cues,
        false,
        false,
    )
}

/// Splits a paragraph; with `drop_furniture`, sentences of page furniture are left out;
/// with `keep_anaphora`, a sentence that opens by pointing back
/// (`It`, `该站`, `此外`) stays with the sentence before it, and a very short sentence
/// with the one after it, when the two are not too long.
fn split_with<'a>(
    paragraph: &'a str,
    language: Language,
    lexicon: &Lexicon,
    drop_furniture: bool,
    keep_anaphora: bool,
) -> Vec<&'a str> {
    // Without regard to quotes there are always boundaries.
    let spans = boundaries(paragraph, language, lexicon, true)
        .or_else(|| boundaries(paragraph, language, lexicon, false))
        .unwrap_or_default();
    let mut sentences: Vec<std::ops::Range<usize>> = Vec::new();
    for span in spans {
        let text = &paragraph[span.clone()];
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        // Page furniture (credits, sign-up prompts) is left out before anything joins it.
        if drop_furniture && lexicon.skip.iter().any(|m| trimmed.contains(m.as_str())) {
            continue;
        }
        let start = span.start + (text.len() - text.trim_start().len());
        let span = start..start + trimmed.len();
        // A bare quotation continuing the previous sentence's speaker joins it, and so
        // does a quotation attributed to `he`/`她` (the name is in the sentence before).
        if let Some(previous) = sentences.last_mut() {
            let prev_text = &paragraph[previous.clone()];
            let merged = &paragraph[previous.start..span.end];
            let continues = is_bare_quote(trimmed)
                && (has_quote(prev_text)
                    || lexicon
                        .speech
                        .iter()
                        .any(|v| prev_text.contains(v.as_str())));
            if (continues || by_pronoun(trimmed, language, lexicon))
                && language.measure(merged) <= MAX_MERGED[language_index(language)]
            {
                previous.end = span.end;
                continue;
            }
            // A sentence that points back stays with the one before; a short one that
            // opens a topic (`Cost is a separate argument.`) with the one after.
            let opens_topic = language.measure(prev_text) <= SHORT[language_index(language)];
            if keep_anaphora
                && (points_back(trimmed, language, lexicon) || opens_topic)
                && language.measure(merged) <= MAX_ANAPHORA[language_index(language)]
            {
                previous.end = span.end;
                continue;
            }
        }
        sentences.push(span);
    }
    sentences.into_iter().map(|s| &paragraph[s]).collect()
}

/// Splits an article's paragraphs into sentences, leaving out headings (short
/// paragraphs without sentence punctuation), the opening dateline, and lines that are
/// page furniture (credits, sign-up prompts).
pub fn article_sentences<'a>(
    paragraphs: impl IntoIterator<Item = &'a str>,
    language: Language,
) -> Vec<Sentence<'a>> {
    units(paragraphs, language, false)
}

/// [`article_sentences`], with a sentence that points back kept with the one before it:
/// what the writer tells as one piece.
pub(crate) fn units<'a>(
    paragraphs: impl IntoIterator<Item = &'a str>,
    language: Language,
    keep_anaphora: bool,
) -> Vec<Sentence<'a>> {
    units_up_to(paragraphs, language, keep_anaphora, usize::MAX)
}

/// [`units`], stopping after the paragraph in which `limit` sentences are reached.
pub(crate) fn units_up_to<'a>(
    paragraphs: impl IntoIterator<Item = &'a str>,
    language: Language,
    keep_anaphora: bool,
    limit: usize,
) -> Vec<Sentence<'a>> {
    let lexicon = &Templates::get(language).cues;
    let mut out = Vec::new();
    for (index, paragraph) in paragraphs.into_iter().enumerate() {
        if out.len() >= limit {
            break;
        }
        if is_heading(paragraph, language) {
            continue;
        }
        let paragraph = if out.is_empty() {
            strip_dateline(paragraph, language)
        } else {
            paragraph
        };
        for text in split_with(paragraph, language, lexicon, true, keep_anaphora) {
            let size = language.measure(text);
            if size >= MIN_SIZE[language_index(language)] {
                out.push(Sentence {
                    text,
                    paragraph: index,
                    size,
                });
            }
        }
    }
    out
}

fn language_index(language: Language) -> usize {
    match language {
        Language::ZhCn => 0,
        Language::EnUs => 1,
    }
}

/// The shortest sentence: 6 Chinese characters, or 4 English words.
const MIN_SIZE: [usize; 2] = [6, 4];

/// A short paragraph with no sentence punctuation at its end is a heading.
fn is_heading(paragraph: &str, language: Language) -> bool {
    let trimmed = paragraph.trim();
    let ends_like_sentence = trimmed
        .trim_end_matches(is_closer)
        .ends_with(['。', '！', '？', '!', '?', '.', '…', ':', '：', ';', '；']);
    let short = match language {
        Language::ZhCn => language.measure(trimmed) <= 30,
        Language::EnUs => language.measure(trimmed) <= 14,
    };
    !ends_like_sentence && short
}

fn has_quote(text: &str) -> bool {
    text.chars().any(|c| is_open_quote(c) || c == '"')
}

/// Whether a sentence opens by pointing back to the one before: `It cost…`, `该站位于…`.
fn points_back(text: &str, language: Language, lexicon: &Lexicon) -> bool {
    match language {
        Language::ZhCn => lexicon
            .anaphora
            .iter()
            .any(|a| text.starts_with(a.as_str())),
        Language::EnUs => {
            let first = text
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            lexicon.anaphora.contains(&first)
        }
    }
}

/// A quotation attributed with a pronoun: `“…,” she said.`, `他说,“…”`.
fn by_pronoun(text: &str, language: Language, lexicon: &Lexicon) -> bool {
    if !has_quote(text) {
        return false;
    }
    match language {
        Language::ZhCn => lexicon
            .pronoun_speech
            .iter()
            .any(|p| text.contains(p.as_str())),
        Language::EnUs => {
            let lower = text.to_lowercase();
            lexicon
                .pronoun_speech
                .iter()
                .any(|p| lower.contains(p.as_str()))
        }
    }
}

/// A unit that is one quotation and nothing else.
fn is_bare_quote(text: &str) -> bool {
    let mut chars = text.chars();
    let first = chars.next();
    let last = text.chars().next_back();
    matches!(first, Some(c) if is_open_quote(c) || c == '"')
        && matches!(last, Some(c) if is_close_quote(c) || c == '"')
        && text.chars().filter(|&c| is_open_quote(c)).count() <= 1
}

fn is_terminal(c: char, language: Language) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…' | '.')
        || (language == Language::ZhCn && c == '．')
}

/// Sentence spans of `p`; `None` when `respect_quotes` and the quotes do not balance.
fn boundaries(
    p: &str,
    language: Language,
    lexicon: &Lexicon,
    respect_quotes: bool,
) -> Option<Vec<std::ops::Range<usize>>> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(p.len(), |&(b, _)| b);
    let mut spans = Vec::new();
    let mut depth: usize = 0;
    let mut ascii_open = false;
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if respect_quotes {
            if is_open_quote(c) {
                depth += 1;
            } else if is_close_quote(c) {
                depth = depth.saturating_sub(1);
            } else if c == '"' {
                ascii_open = !ascii_open;
            }
        }
        if !is_terminal(c, language) {
            i += 1;
            continue;
        }
        // The run of terminals and closers after the sentence's last word.
        let mut j = i + 1;
        while j < chars.len() && (is_terminal(chars[j].1, language) || is_closer(chars[j].1)) {
            let c = chars[j].1;
            if respect_quotes {
                if is_close_quote(c) {
                    depth = depth.saturating_sub(1);
                } else if c == '"' {
                    ascii_open = !ascii_open;
                }
            }
            j += 1;
        }
        let inside = respect_quotes && (depth > 0 || ascii_open);
        if !inside && ends_here(p, &chars, i, j, language, lexicon) {
            spans.push(byte(start)..byte(j));
            start = j;
        }
        i = j;
    }
    if respect_quotes && (depth > 0 || ascii_open) {
        return None;
    }
    if start < chars.len() {
        spans.push(byte(start)..p.len());
    }
    Some(spans)
}

/// Whether the sentence ends after the terminal at `i` and the closers up to `j`.
fn ends_here(
    p: &str,
    chars: &[(usize, char)],
    i: usize,
    j: usize,
    language: Language,
    lexicon: &Lexicon,
) -> bool {
    let c = chars[i].1;
    let Some(&(next_byte, _)) = chars.get(j) else {
        return true;
    };
    let cjk_stop = matches!(c, '。' | '！' | '？' | '…' | '．');
    if cjk_stop || (language == Language::ZhCn && matches!(c, '!' | '?')) {
        // `“……。”周女士说,“……”`: a quotation and its attribution stay together.
        let quoted = chars[i + 1..j]
            .iter()
            .any(|&(_, c)| is_close_quote(c) || c == '"');
        return !(quoted && attribution_follows(&p[next_byte..], lexicon));
    }
    // English (or Latin text inside Chinese): the next word decides.
    let mut k = j;
    while k < chars.len() && chars[k].1.is_whitespace() {
        k += 1;
    }
    let Some(&(_, after)) = chars.get(k) else {
        return true;
    };
    let spaced = k > j;
    let starts_sentence = after.is_uppercase()
        || after.is_ascii_digit()
        || is_open_quote(after)
        || after == '"'
        || after == '('
        || is_cjk(after);
    if !starts_sentence {
        return false;
    }
    if c != '.' {
        return spaced || after.is_uppercase();
    }
    if chars[i + 1..j].iter().any(|&(_, c)| c == '.') {
        return true; // `...`
    }
    let word = word_before(chars, i);
    if !spaced {
        // `race.Illustration` (words run together by extraction), not `U.S.A` or `Node.Js`.
        let closed = j > i + 1;
        let prev_lower = i > 0 && chars[i - 1].1.is_lowercase();
        let next_lower = chars.get(k + 1).is_some_and(|&(_, c)| c.is_lowercase());
        return (closed || prev_lower) && after.is_uppercase() && next_lower && !word.contains('.');
    }
    if j > i + 1 {
        return true; // `… said.” Then`: a quote or bracket closed after the stop.
    }
    !is_abbreviation(&word, lexicon)
}

/// The word ending just before position `i` (letters, digits and inner dots).
fn word_before(chars: &[(usize, char)], i: usize) -> String {
    let mut k = i;
    while k > 0 && (chars[k - 1].1.is_alphanumeric() || chars[k - 1].1 == '.') {
        k -= 1;
    }
    chars[k..i].iter().map(|&(_, c)| c).collect()
}

fn is_abbreviation(word: &str, lexicon: &Lexicon) -> bool {
    if word.is_empty() {
        return false;
    }
    let mut letters = word.chars();
    // An initial: `J.`
    if let (Some(c), None) = (letters.next(), letters.next())
        && c.is_uppercase()
    {
        return true;
    }
    // Dotted forms: `U.S`, `e.g`, but not `a.m`/`p.m` (a time often ends a sentence).
    if word.contains('.') {
        let lower = word.to_lowercase();
        return lower != "a.m" && lower != "p.m";
    }
    let lower = word.to_lowercase();
    lexicon.abbreviations.iter().any(|a| a == &lower)
}

/// Whether the text after a closing quote is that quote's attribution: up to the next
/// opening quote it ends with a speech verb (`周女士说,“`), or up to the next full stop
/// it is a short clause with one (`他说。`).
fn attribution_follows(rest: &str, lexicon: &Lexicon) -> bool {
    let stop = rest
        .char_indices()
        .find(|&(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?') || is_open_quote(c));
    let Some((at, c)) = stop else {
        return false;
    };
    let clause = &rest[..at];
    let has_verb = lexicon.speech.iter().any(|v| clause.contains(v.as_str()));
    if is_open_quote(c) {
        let tail = clause.trim_end_matches([',', '，', ':', '：', ' ']);
        return has_verb
            && lexicon
                .speech
                .iter()
                .any(|v| tail.ends_with(v.as_str()) || tail.ends_with(&format!("{v}道")));
    }
    has_verb && clause.chars().count() <= 20
}

/// Drops a dateline opening the article: `东江日报讯(记者 林晓舟)`, `新华社北京12月15日电`,
/// `PORT ALDER, Calif. —`, `WASHINGTON (Reuters) -`.
pub(crate) fn strip_dateline(paragraph: &str, language: Language) -> &str {
    let p = paragraph.trim_start();
    match language {
        Language::ZhCn => strip_zh_dateline(p),
        Language::EnUs => strip_en_dateline(p),
    }
}

fn strip_zh_dateline(p: &str) -> &str {
    let head: String = p.chars().take(30).collect();
    let marker = head
        .find("日电")
        .map(|b| b + "日电".len())
        .or_else(|| head.find('讯').map(|b| b + '讯'.len_utf8()));
    let Some(mut end) = marker else {
        return p;
    };
    let rest = &p[end..];
    if let Some(open) = rest.chars().next().filter(|&c| c == '（' || c == '(') {
        let close = if open == '（' { '）' } else { ')' };
        if let Some(at) = rest
            .find(close)
            .filter(|&at| rest[..at].chars().count() <= 30)
        {
            end += at + close.len_utf8();
        }
    }
    let stripped = p[end..].trim_start_matches([' ', '\u{3000}', ':', '：', ',', '，']);
    if stripped.chars().count() >= 6 {
        stripped
    } else {
        p
    }
}

fn strip_en_dateline(p: &str) -> &str {
    for dash in [" — ", " – ", " -- ", " - ", "—"] {
        let Some(at) = p.find(dash) else { continue };
        let head = &p[..at];
        if head.chars().count() > 60 {
            continue;
        }
        let letters: Vec<char> = head.chars().filter(|c| c.is_alphabetic()).collect();
        let upper = letters.iter().filter(|c| c.is_uppercase()).count();
        if letters.len() >= 2 && upper * 10 >= letters.len() * 6 {
            let rest = p[at + dash.len()..].trim_start();
            if rest.split_whitespace().count() >= 4 {
                return rest;
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(text: &str) -> Vec<&str> {
        split(text, Language::ZhCn)
    }

    fn en(text: &str) -> Vec<&str> {
        split(text, Language::EnUs)
    }

    #[test]
    fn chinese_sentences_end_at_full_stops() {
        assert_eq!(
            zh("线路全长32.6公里。总投资约218亿元!真的吗?是的。"),
            [
                "线路全长32.6公里。",
                "总投资约218亿元!",
                "真的吗?",
                "是的。"
            ]
        );
    }

    #[test]
    fn chinese_quotes_stay_with_their_speaker() {
        let p = "“过去开车要一个半小时。”在首趟列车上,周女士说,“现在不到一个小时。”她笑着下了车。";
        assert_eq!(
            zh(p),
            [
                "“过去开车要一个半小时。”在首趟列车上,周女士说,“现在不到一个小时。”",
                "她笑着下了车。"
            ]
        );
        let p = "何建平表示,将安排约300名志愿者。“开通只是起点,才是答卷。”";
        assert_eq!(zh(p), [p]);
        let p = "“开通只是起点。”他说。这是第二句。";
        assert_eq!(zh(p), ["“开通只是起点。”他说。", "这是第二句。"]);
    }

    #[test]
    fn english_abbreviations_and_decimals_do_not_end_sentences() {
        assert_eq!(
            en(
                "Top U.S. companies grew 2.5 percent. Mr. Smith of Sacramento, Calif. agreed. J. R. Lee left."
            ),
            [
                "Top U.S. companies grew 2.5 percent.",
                "Mr. Smith of Sacramento, Calif. agreed.",
                "J. R. Lee left."
            ]
        );
        assert_eq!(
            en("It ran at 3 a.m. when nobody watched. It ended at 9 p.m. Then it rested."),
            [
                "It ran at 3 a.m. when nobody watched.",
                "It ended at 9 p.m.",
                "Then it rested."
            ]
        );
    }

    #[test]
    fn english_quotes_are_kept_whole() {
        let p = "“We ran it hard. We ran it in the rain,” she said. “It did what the spec said.” Then it rained.";
        assert_eq!(
            en(p),
            [
                "“We ran it hard. We ran it in the rain,” she said. “It did what the spec said.”",
                "Then it rained."
            ]
        );
        assert_eq!(
            en("He wrote: \"I am not going back. The leap is insane.\" Others agreed."),
            [
                "He wrote: \"I am not going back. The leap is insane.\"",
                "Others agreed."
            ]
        );
    }

    #[test]
    fn a_quotation_attributed_to_a_pronoun_joins_the_named_speaker() {
        let p = "Priya Raman, an analyst, said the test comes in summer. “Batteries look great in March,” she said. “The question is August.” Then it rained.";
        assert_eq!(
            en(p),
            [
                "Priya Raman, an analyst, said the test comes in summer. “Batteries look great in March,” she said. “The question is August.”",
                "Then it rained."
            ]
        );
        let p = "何建平介绍了安排。“开通只是起点。”他说。";
        assert_eq!(zh(p), [p]);
    }

    #[test]
    fn sentences_that_point_back_stay_with_the_one_before_in_units() {
        let p = "The facility stores energy in enclosures. It cost a lot of money. Others agreed today.";
        let lexicon = &Templates::get(Language::EnUs).cues;
        assert_eq!(
            split_with(p, Language::EnUs, lexicon, false, true),
            [
                "The facility stores energy in enclosures. It cost a lot of money.",
                "Others agreed today."
            ]
        );
        assert_eq!(split(p, Language::EnUs).len(), 3);
        let p = "Cost is a separate argument. The budget rose by a fifth since then. Others agreed today.";
        assert_eq!(
            split_with(p, Language::EnUs, lexicon, false, true),
            [
                "Cost is a separate argument. The budget rose by a fifth since then.",
                "Others agreed today."
            ]
        );
        let p = "争议集中在文庙站的选址。该站位于街区边缘。";
        let lexicon = &Templates::get(Language::ZhCn).cues;
        assert_eq!(split_with(p, Language::ZhCn, lexicon, false, true), [p]);
    }

    #[test]
    fn unbalanced_quotes_fall_back_to_plain_splitting() {
        assert_eq!(
            en("“One thing. Another thing."),
            ["“One thing.", "Another thing."]
        );
    }

    #[test]
    fn words_run_together_by_extraction_are_split() {
        assert_eq!(
            en("The start-up is behind in the race.Illustration by the desk."),
            [
                "The start-up is behind in the race.",
                "Illustration by the desk."
            ]
        );
        assert_eq!(
            en("Visit example.com today. Yes."),
            ["Visit example.com today.", "Yes."]
        );
    }

    #[test]
    fn datelines_are_dropped() {
        assert_eq!(
            strip_dateline(
                "东江日报讯（记者 林晓舟）4月18日上午9时,列车驶出。",
                Language::ZhCn
            ),
            "4月18日上午9时,列车驶出。"
        );
        assert_eq!(
            strip_dateline(
                "新华社北京12月15日电 国务院今天召开常务会议。",
                Language::ZhCn
            ),
            "国务院今天召开常务会议。"
        );
        assert_eq!(
            strip_dateline(
                "PORT ALDER, Calif. — The city’s utility switched on a battery.",
                Language::EnUs
            ),
            "The city’s utility switched on a battery."
        );
        assert_eq!(
            strip_dateline("The plan — for now — is on hold.", Language::EnUs),
            "The plan — for now — is on hold."
        );
    }

    #[test]
    fn headings_and_furniture_are_left_out() {
        let paragraphs = [
            "The city switched on a battery on Wednesday.",
            "A decade in the making",
            "The project began in 2017 after a heat wave. Illustration by the Desk.",
        ];
        let sentences = article_sentences(paragraphs, Language::EnUs);
        let texts: Vec<(&str, usize)> = sentences.iter().map(|s| (s.text, s.paragraph)).collect();
        assert_eq!(
            texts,
            [
                ("The city switched on a battery on Wednesday.", 0),
                ("The project began in 2017 after a heat wave.", 2)
            ]
        );
    }
}
