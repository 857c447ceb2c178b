//! Trimming sidebar chrome from the end of a CJK page's chosen content.
//!
//! Readability scoring picks the block that holds the article, but on table-layout and
//! blog pages that block often also holds the sidebar: "latest comments", archive lists,
//! teaser headlines, calendars. Those come as runs of short lines around a dense run of
//! prose. Each paragraph is weighed (prose counts for its length, a short line against),
//! the run with the greatest total is the article, and what follows it is dropped when it
//! is a real run of chrome, not a lone credit or editor line.

/// What a short line that is not prose weighs against the article, in CJK characters.
const SHORT_LINE_PENALTY: usize = 20;

/// A line without sentence punctuation is short below this many CJK characters.
const SHORT_LINE: usize = 40;

/// A line is prose from this many CJK characters on, when it holds sentence punctuation.
const MIN_PROSE: usize = 10;

/// A tail is dropped only when it holds at least this many lines: one or two short lines
/// at the end are usually the article's own credits.
const MIN_TAIL_LINES: usize = 4;

/// ...and when the prose in it is less than this share (numerator, denominator) of the
/// prose kept: a second half of the article after a list of short items is not chrome.
const MAX_TAIL_PROSE_SHARE: (i64, i64) = (1, 2);

/// The range of `lines` that holds the article: all of it unless its end is a run of
/// chrome. The start is left alone: headlines, datelines and editor's notes stand there,
/// short as they are. Only CJK text is trimmed: there, prose without sentence punctuation
/// does not occur, while in English a table or list of short lines can be the article.
pub(super) fn article_range(lines: &[String]) -> std::ops::Range<usize> {
    let all = 0..lines.len();
    if !mostly_cjk(lines) {
        return all;
    }
    let values: Vec<i64> = lines.iter().map(|line| value(line)).collect();
    let Some(best) = best_run(values.iter().copied()) else {
        return all;
    };
    let prose = |values: &[i64]| values.iter().filter(|v| **v > 0).sum::<i64>();
    let tail = &values[best.end..];
    let chrome = tail.len() >= MIN_TAIL_LINES
        && prose(tail) * MAX_TAIL_PROSE_SHARE.1
            < prose(&values[best.clone()]) * MAX_TAIL_PROSE_SHARE.0;
    if chrome { 0..best.end } else { all }
}

/// The maximum-sum run of `values` (Kadane), or `None` when no value is positive.
fn best_run(values: impl Iterator<Item = i64>) -> Option<std::ops::Range<usize>> {
    let mut best: Option<(i64, std::ops::Range<usize>)> = None;
    let mut sum = 0;
    let mut start = 0;
    for (i, value) in values.enumerate() {
        if sum <= 0 {
            sum = 0;
            start = i;
        }
        sum += value;
        if sum > 0 && best.as_ref().is_none_or(|(b, _)| sum > *b) {
            best = Some((sum, start..i + 1));
        }
    }
    best.map(|(_, range)| range)
}

/// What a line adds to the article: its length when it is prose, a penalty when it is a
/// short label, nothing otherwise.
fn value(line: &str) -> i64 {
    let (cjk, other) = counts(line);
    let size = cjk + other / 3;
    let punctuated = line.chars().any(|c| {
        matches!(
            c,
            '，' | '。' | '！' | '？' | '；' | '、' | ',' | '.' | '!' | '?' | ';'
        )
    });
    if punctuated && size >= MIN_PROSE {
        size as i64
    } else if size < SHORT_LINE {
        -(SHORT_LINE_PENALTY as i64)
    } else {
        0
    }
}

/// CJK characters and other letters or digits in `text`.
fn counts(text: &str) -> (usize, usize) {
    text.chars().fold((0, 0), |(cjk, other), c| {
        if is_cjk(c) {
            (cjk + 1, other)
        } else if c.is_alphanumeric() {
            (cjk, other + 1)
        } else {
            (cjk, other)
        }
    })
}

/// True when most letters of the text are CJK characters.
fn mostly_cjk(lines: &[String]) -> bool {
    let (cjk, other) = lines.iter().fold((0, 0), |(a, b), line| {
        let (c, o) = counts(line);
        (a + c, b + o)
    });
    cjk > other
}

/// True for Han, kana and Hangul characters.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{20000}'..='\u{2FA1F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    fn kept(text: &str) -> Vec<String> {
        let lines = lines(text);
        lines[article_range(&lines)].to_vec()
    }

    const PROSE: &str = "今年春节前后，全市共接待游客三百多万人次，旅游收入比去年同期增长了两成以上。\n\
                         记者在现场看到，各大景区秩序井然，工作人员正在引导游客有序参观。";

    #[test]
    fn a_sidebar_after_the_article_goes() {
        let text = format!(
            "{PROSE}\n作者简介\n个人类别\n存档目录\n最新文章\n〖游客〗回复：《另一篇文章》\n(2006-12-24 03:45:27)"
        );
        assert_eq!(kept(&text), lines(PROSE));
    }

    #[test]
    fn short_credit_lines_at_the_end_stay() {
        let text = format!("{PROSE}\n（记者 张三）\n责任编辑：李四");
        assert_eq!(kept(&text), lines(&text));
    }

    #[test]
    fn short_lines_inside_the_article_and_at_its_start_stay() {
        let text = format!(
            "编者按\n人物画像\n一\n二\n{PROSE}\n小标题一\n小标题二\n小标题三\n小标题四\n{PROSE}"
        );
        assert_eq!(kept(&text), lines(&text));
    }

    #[test]
    fn english_lists_and_tables_are_left_alone() {
        let text = "The standings after the final race of the season are below, with points.\n\
                    1 Kyle 5040\n2 Martin 5035\n3 Kevin 5033\n4 Denny 5027\n5 Joey 2380";
        assert_eq!(kept(text), lines(text));
    }

    #[test]
    fn text_without_prose_is_left_alone() {
        let text = "首页\n新闻\n体育\n娱乐\n财经";
        assert_eq!(kept(text), lines(text));
    }

    #[test]
    fn the_best_run_is_the_largest_sum() {
        assert_eq!(best_run([5, -20, 3, 4, -1].into_iter()), Some(2..4));
        assert_eq!(best_run([9, -20, 3, 4, -1].into_iter()), Some(0..1));
        assert_eq!(best_run([5, -2, 3, 4, -1].into_iter()), Some(0..4));
        assert_eq!(best_run([-1, -2].into_iter()), None);
    }
}
