//! Topic tags and the episode title, from the article's own words.
//!
//! Tags are the article's most frequent names:
//!
//! - English: runs of capitalised words (`Marc Benioff`, `Port of Alder`, `OpenAI`), a
//!   sentence's first word only when it is capitalised elsewhere too; a surname or first
//!   word alone counts for the full name it belongs to (`Osei` → `Renata Osei`).
//! - Chinese: Latin names in the text (`OpenAI`, `GPT-5.2`) first; then names ending in a
//!   proper-name suffix (`江岚市`, `5号线`, `轨道交通集团`), each grown to the left while
//!   the longer form keeps most of its occurrences.

use crate::text::{FastMap as HashMap, FastSet as HashSet};

use goosepod_core::Language;

use crate::templates::{Lexicon, Templates};
use crate::text::is_cjk;

/// Names are looked for in this many sentences from the start (the rest of a very long
/// page rarely changes what it is about).
const MAX_SENTENCES: usize = 200;

/// Up to `max` topic tags for an article whose sentences are `sentences` and headline
/// `title`; `exclude` names that are not topics (the publisher).
pub(crate) fn tags(
    sentences: &[&str],
    title: Option<&str>,
    language: Language,
    exclude: &[&str],
    max: usize,
) -> Vec<String> {
    let lexicon = &Templates::get(language).cues;
    let sentences = &sentences[..sentences.len().min(MAX_SENTENCES)];
    let mut candidates = match language {
        Language::EnUs => english_names(sentences, lexicon),
        Language::ZhCn => chinese_names(sentences, lexicon),
    };
    if let Some(title) = title {
        for candidate in &mut candidates {
            if title.contains(candidate.name.as_str()) {
                candidate.score += 1.5;
            }
        }
    }
    candidates.retain(|c| {
        c.count >= 2
            && !exclude
                .iter()
                .any(|e| e.contains(c.name.as_str()) || c.name.contains(e))
    });
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.first.cmp(&b.first))
            .then(a.name.cmp(&b.name))
    });
    let mut out: Vec<String> = Vec::new();
    for candidate in candidates {
        if out.len() == max {
            break;
        }
        let overlaps = out
            .iter()
            .any(|t| t.contains(candidate.name.as_str()) || candidate.name.contains(t.as_str()));
        if !overlaps {
            out.push(candidate.name);
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Candidate {
    name: String,
    count: usize,
    score: f64,
    /// Where it first occurs (sentence index), for stable ties.
    first: usize,
}

fn tally(found: Vec<(String, usize)>, weight: impl Fn(&str) -> f64) -> Vec<Candidate> {
    let mut by_name: HashMap<String, Candidate> = HashMap::default();
    for (name, at) in found {
        let entry = by_name.entry(name.clone()).or_insert(Candidate {
            name,
            count: 0,
            score: 0.0,
            first: at,
        });
        entry.count += 1;
        entry.first = entry.first.min(at);
    }
    let mut out: Vec<Candidate> = by_name.into_values().collect();
    for c in &mut out {
        c.score = c.count as f64 * weight(&c.name);
    }
    out.sort_by(|a, b| a.first.cmp(&b.first).then(a.name.cmp(&b.name)));
    out
}

/// A word that can be part of an English name: capitalised (`Alder`), an acronym
/// (`NASA`), or with a capital inside (`iPhone`, `OpenAI`).
fn is_name_word(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_uppercase() || (first.is_lowercase() && word.chars().skip(1).any(char::is_uppercase)))
        && word.chars().any(char::is_alphabetic)
}

fn english_names(sentences: &[&str], lexicon: &Lexicon) -> Vec<Candidate> {
    let not_name = |w: &str| lexicon.is_not_entity(w);
    // Words capitalised somewhere other than a sentence's start.
    let mut inner_capitals: HashSet<&str> = HashSet::default();
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut runs: Vec<(Vec<&str>, bool, usize)> = Vec::new();
    for (index, sentence) in sentences.iter().enumerate() {
        let words: Vec<&str> = sentence
            .split(|c: char| {
                c.is_whitespace() || matches!(c, '—' | '–' | '/' | '“' | '”' | '"' | '(' | ')')
            })
            .filter(|w| !w.is_empty())
            .collect();
        let mut run: Vec<&str> = Vec::new();
        let mut run_at_start = false;
        for (position, raw) in words.iter().enumerate() {
            let ends_clause = raw.ends_with([',', ';', ':', '.', '?', '!']);
            let word = clean_word(raw);
            let connector = matches!(word, "of" | "de" | "&") && !run.is_empty();
            if is_name_word(word) || connector {
                if run.is_empty() {
                    run_at_start = position == 0;
                }
                if position > 0 && is_name_word(word) {
                    inner_capitals.insert(word);
                }
                run.push(word);
            } else if !run.is_empty() {
                runs.push((std::mem::take(&mut run), run_at_start, index));
            }
            if ends_clause && !run.is_empty() {
                runs.push((std::mem::take(&mut run), run_at_start, index));
            }
        }
        if !run.is_empty() {
            runs.push((run, run_at_start, index));
        }
    }
    let connector = |w: &str| matches!(w, "of" | "de" | "&");
    for (mut run, at_start, index) in runs {
        if at_start
            && run
                .first()
                .is_some_and(|w| not_name(w) || !inner_capitals.contains(w))
        {
            run.remove(0);
        }
        while run.first().is_some_and(|w| not_name(w) || connector(w)) {
            run.remove(0);
        }
        while run.last().is_some_and(|w| not_name(w) || connector(w)) {
            run.pop();
        }
        if run.is_empty() || run.len() > 4 {
            continue;
        }
        found.push((run.join(" "), index));
    }
    let mut candidates = tally(found, |name| if name.contains(' ') { 1.2 } else { 1.0 });
    // A lone surname or first word counts for the one full name that has it.
    let mut owners: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, c) in candidates.iter().enumerate() {
        if let Some((first, _)) = c.name.split_once(' ') {
            owners.entry(first.to_string()).or_default().push(i);
        }
        if let Some((_, last)) = c.name.rsplit_once(' ') {
            let list = owners.entry(last.to_string()).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let singles: Vec<(usize, usize)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.name.contains(' '))
        .filter_map(|(i, c)| match owners.get(&c.name).map(Vec::as_slice) {
            Some(&[owner]) => Some((i, owner)),
            _ => None,
        })
        .collect();
    for (single, owner) in singles {
        let count = candidates[single].count;
        candidates[owner].count += count;
        candidates[owner].score += count as f64 * 1.2;
        candidates[single].count = 0;
    }
    candidates
}

/// Strips punctuation and a possessive from a word: `Google’s,` → `Google`.
fn clean_word(raw: &str) -> &str {
    let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
    for suffix in ["’s", "'s", "’", "'"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return stem;
        }
    }
    word
}

/// Characters that do not start a Chinese name (particles, prepositions, pronouns).
const FUNCTION_CHARS: &str =
    "的了在是和与及从到向对把被将等为由这那其该本全各每也都就而并或又以于着过说有个们";

/// The longest Chinese name, in characters.
const MAX_NAME: usize = 10;

fn chinese_names(sentences: &[&str], lexicon: &Lexicon) -> Vec<Candidate> {
    let mut found: Vec<(String, usize)> = Vec::new();
    // Latin names: `OpenAI`, `GPT-5.2`, `Sam Altman`.
    for (index, sentence) in sentences.iter().enumerate() {
        let mut current = String::new();
        let mut flush = |current: &mut String| {
            let name = current.trim_end_matches(['-', '.', ' ']).trim().to_string();
            if name.chars().any(char::is_uppercase)
                && name.chars().filter(|c| c.is_alphabetic()).count() >= 2
            {
                found.push((name, index));
            }
            current.clear();
        };
        let chars: Vec<char> = sentence.chars().collect();
        for (k, &c) in chars.iter().enumerate() {
            let continues = c.is_ascii_alphanumeric()
                || (matches!(c, '-' | '.') && !current.is_empty())
                || (c == ' '
                    && !current.is_empty()
                    && chars.get(k + 1).is_some_and(|n| n.is_ascii_uppercase()));
            if continues && (!current.is_empty() || c.is_ascii_alphabetic()) {
                current.push(c);
            } else if !current.is_empty() {
                flush(&mut current);
            }
        }
        if !current.is_empty() {
            flush(&mut current);
        }
    }
    let latin: Vec<Candidate> = tally(found, |_| 3.0);

    // Han names ending in a proper-name suffix, grown to the left.
    let runs: Vec<(Vec<char>, usize)> = sentences
        .iter()
        .enumerate()
        .flat_map(|(index, s)| {
            s.split(|c: char| !(is_cjk(c) || c.is_ascii_digit()))
                .filter(|r| r.chars().count() >= 2)
                .map(move |r| (r.chars().collect::<Vec<char>>(), index))
        })
        .collect();
    let suffixes: Vec<Vec<char>> = lexicon
        .entity_suffixes
        .iter()
        .map(|s| s.chars().collect())
        .collect();
    let last_chars: HashSet<char> = suffixes.iter().filter_map(|s| s.last().copied()).collect();
    // Where a suffix ends: (run, end, suffix length).
    let mut ends: Vec<(usize, usize, usize)> = Vec::new();
    for (r, (run, _)) in runs.iter().enumerate() {
        for end in 2..=run.len() {
            if !last_chars.contains(&run[end - 1]) {
                continue;
            }
            if let Some(suffix) = suffixes
                .iter()
                .find(|s| s.len() < end && run[..end].ends_with(s))
            {
                ends.push((r, end, suffix.len()));
            }
        }
    }
    // Every occurrence of a name ends where a suffix ends: count only those windows.
    let mut gram_counts: HashMap<&[char], usize> = HashMap::default();
    for &(r, end, suffix) in &ends {
        let run = &runs[r].0;
        for len in suffix + 1..=MAX_NAME.min(end) {
            *gram_counts.entry(&run[end - len..end]).or_default() += 1;
        }
    }
    let count = |s: &[char]| gram_counts.get(s).copied().unwrap_or(0);
    let not_name = |name: &str| lexicon.is_not_entity(name);
    let function_start = |c: char| FUNCTION_CHARS.contains(c);
    let mut han: Vec<(String, usize)> = Vec::new();
    for &(r, end, suffix) in &ends {
        let (run, index) = (&runs[r].0, runs[r].1);
        let mut start = end - suffix - 1;
        while start > 0 && end - start < MAX_NAME {
            let longer = count(&run[start - 1..end]);
            if longer >= 2 && longer as f64 >= 0.7 * count(&run[start..end]) as f64 {
                start -= 1;
            } else {
                break;
            }
        }
        while start < end - suffix - 1 && function_start(run[start]) {
            start += 1;
        }
        if function_start(run[start]) {
            continue;
        }
        // A one-character suffix needs two characters before it (`江岚市`, not `餐厅`).
        if end - start < 3 {
            continue;
        }
        let name: String = run[start..end].iter().collect();
        if !not_name(&name) {
            han.push((name, index));
        }
    }
    let mut candidates = latin;
    candidates.extend(tally(han, |name| (name.chars().count() as f64).ln()));
    candidates
}

/// A tag when no name is frequent enough: the most frequent content word (English) or
/// character pair (Chinese), else the lead's first word.
pub(crate) fn fallback_tag(sentences: &[&str], language: Language) -> String {
    let lexicon = &Templates::get(language).cues;
    let mut counts: HashMap<String, (usize, usize)> = HashMap::default();
    let mut add = |word: String, at: usize| {
        let entry = counts.entry(word).or_insert((0, at));
        entry.0 += 1;
    };
    let mut position = 0;
    for sentence in sentences {
        match language {
            Language::EnUs => {
                for word in sentence.split(|c: char| !c.is_alphanumeric()) {
                    let lower = word.to_lowercase();
                    if word.chars().count() >= 4
                        && !lexicon.stopwords.contains(&lower)
                        && !word.chars().all(|c| c.is_ascii_digit())
                    {
                        add(word.to_string(), position);
                        position += 1;
                    }
                }
            }
            Language::ZhCn => {
                // Three characters: the length of most Chinese personal names.
                let chars: Vec<char> = sentence.chars().collect();
                for gram in chars.windows(3) {
                    if gram
                        .iter()
                        .all(|&c| is_cjk(c) && !FUNCTION_CHARS.contains(c))
                    {
                        add(gram.iter().collect(), position);
                        position += 1;
                    }
                }
            }
        }
    }
    let best = counts
        .into_iter()
        .filter(|(_, (count, _))| *count >= 2)
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(word, _)| word);
    best.unwrap_or_else(|| {
        let first = sentences.first().copied().unwrap_or_default();
        let word: String = match language {
            Language::EnUs => first
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string(),
            Language::ZhCn => first
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(4)
                .collect(),
        };
        let word = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if word.is_empty() {
            "news".to_string()
        } else {
            word
        }
    })
}

/// The episode's title: the article's headline made short (its first part before a
/// separator or a trailing clause), else the lead's first clause.
pub(crate) fn title(headline: Option<&str>, lead: &str, language: Language) -> String {
    if let Some(headline) = headline.map(str::trim).filter(|h| !h.is_empty()) {
        return shorten_headline(headline, language);
    }
    first_clause(lead, language)
}

fn shorten_headline(headline: &str, language: Language) -> String {
    let min = match language {
        Language::ZhCn => 6,
        Language::EnUs => 4,
    };
    let separators: &[&str] = match language {
        Language::ZhCn => &[" ", "\u{3000}", "：", ":", "——", "|", "｜", "，", ","],
        Language::EnUs => &[
            ": ", " — ", " – ", " | ", " - ", " as ", " while ", " amid ", " after ", ", ",
        ],
    };
    let mut best = headline;
    for separator in separators {
        if let Some(at) = best.find(separator) {
            let head = best[..at].trim();
            if language.measure(head) >= min {
                best = head;
            }
        }
    }
    best.trim_end_matches(['，', ',', '。', '.', ':', '：'])
        .to_string()
}

fn first_clause(lead: &str, language: Language) -> String {
    let stops: &[char] = match language {
        Language::ZhCn => &['，', ',', '。', '；', ';', '：', ':', '!', '?', '！', '？'],
        Language::EnUs => &[',', ';', ':', '.', '!', '?'],
    };
    let mut clause = lead.trim();
    if let Some(at) = clause
        .find(stops)
        .filter(|&at| language.measure(&clause[..at]) >= 4)
    {
        clause = &clause[..at];
    }
    let limit = match language {
        Language::ZhCn => 24,
        Language::EnUs => 12,
    };
    match language {
        Language::ZhCn => clause.chars().take(limit).collect(),
        Language::EnUs => clause
            .split_whitespace()
            .take(limit)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_tags_are_frequent_names() {
        let sentences = [
            "For nearly three years, Marc Benioff, the CEO of Salesforce, was a ChatGPT devotee.",
            "Then he converted to Google’s chatbot, Gemini.",
            "OpenAI has not had a stable lead, and OpenAI knows it.",
            "Benioff said Gemini is better than ChatGPT.",
            "The Atlantic reported that OpenAI declined to comment.",
            "In January, Google shipped again.",
        ];
        let tags = tags(
            &sentences,
            Some("OpenAI Is in Trouble"),
            Language::EnUs,
            &["The Atlantic"],
            3,
        );
        assert_eq!(tags, ["OpenAI", "Marc Benioff", "ChatGPT"]);
    }

    #[test]
    fn chinese_tags_include_latin_names_and_suffixed_names() {
        let sentences = [
            "江岚市地铁5号线一期工程正式开通。",
            "据江岚市轨道交通集团介绍,5号线总投资约218亿元。",
            "5号线的规划最早可追溯到2014年,江岚市当年提出建设。",
            "OpenAI 的模型也在城市里测试,OpenAI 表示很满意。",
            "城市交通压力很大,城市需要地铁。",
        ];
        let tags = tags(&sentences, None, Language::ZhCn, &[], 3);
        assert_eq!(tags, ["OpenAI", "5号线", "江岚市"]);
    }

    #[test]
    fn titles_are_the_headline_made_short() {
        assert_eq!(
            title(
                Some("江岚地铁5号线今日开通 东西城区通勤时间缩短近一半"),
                "",
                Language::ZhCn
            ),
            "江岚地铁5号线今日开通"
        );
        assert_eq!(
            title(
                Some(
                    "Port Alder switches on giant harbor battery as critics question cost and fire safety"
                ),
                "",
                Language::EnUs
            ),
            "Port Alder switches on giant harbor battery"
        );
        assert_eq!(
            title(Some("OpenAI Is in Trouble"), "", Language::EnUs),
            "OpenAI Is in Trouble"
        );
        assert_eq!(
            title(
                None,
                "The city’s public utility on Wednesday switched on a battery, officials said.",
                Language::EnUs
            ),
            "The city’s public utility on Wednesday switched on a battery"
        );
        assert_eq!(
            title(None, "4月18日上午9时,江岚市地铁5号线开通。", Language::ZhCn),
            "4月18日上午9时"
        );
    }
}
