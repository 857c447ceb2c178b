//! From the chosen content's text to clean paragraphs.
//!
//! Whitespace is normalised (runs of spaces folded, one paragraph per block, a blank line
//! between paragraphs), and lines that are page furniture rather than article text are
//! dropped: repeated lines, "Advertisement" labels, photo credits, "Image 1 of 8" counters,
//! and byline or date lines at the very start.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::bytes::Regex;

use super::trim;

/// Lines that are never article text, wherever they stand.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| line_pattern(FURNITURE_PATTERN));

/// The pattern of [`FURNITURE`]. It holds no `\b`: a Unicode word boundary keeps the
/// regex engine off its lazy DFA for any line with non-ASCII text, which made matching
/// some 20 times slower; `(?:$|\W…)` after a phrase says the same.
const FURNITURE_PATTERN: &str = r"(?xi)^(?:
            advertisement | advertising | advert | sponsored(\ content)? | ad | スポンサードリンク
          | (continue\ reading|read\ more|see\ more|watch\ more|more\ on\ this|more\ news\ from|see\ also|read\ also)(?:$|\W.{0,119})
          | (related|recommended|most\ read|most\ popular|trending)(\ (stories|articles|content|coverage|news|posts))?:?
          | (you\ (may|might)\ also\ like|don'?t\ miss|want\ more\ stories\ like\ this\?).{0,20}
          | share(\ this)?(\ (story|article|page|on\ \w+))?:? | report\ (an\ )?error | print(\ article)? | order\ reprints
          | text\ size | tags:?(\ .{0,200})? | \d*\ ?comments? | leave\ a\ (comment|reply) | this\ slideshow\ requires\ javascript\.
          | (photo|image|picture|video|credit|source|illustration)s?(\ credit)?:\ .{0,120}
          | image\ \d+\ (of|/)\ \d+ | \d+\ of\ \d+ | caption | close | enlarge\ this\ image
          | (click|tap)\ (here|to)\ .{0,60}
          | (sign\ up|subscribe)\ .{0,80}
          | follow\ (us|me)\ on\ .{0,60}
          | (©|\(c\)|copyright\ ).{0,120}
          | all\ rights\ reserved.{0,40}
          | (the\ )?(associated\ press|reuters|afp|ap|upi|bloomberg) | have\ a\ (news\ )?tip\?.{0,200}
          | join\ the\ conversation.{0,10}
          | \|?\ ?(published|updated|posted|last\ updated)(\ on)?:?\ [^.!?]{0,60}\d[^.!?]{0,60}
          | 广告 | 相关(新闻|阅读|文章|链接|报道)[:：]?.{0,40}
          | 点击(进入|查看|这里).{0,30} | 第\d+页.{0,40} | (上一页|下一页).{0,40}
          | 分享到.{0,40} | 返回(首页|顶部).{0,10} | 发表评论 | 关連記事 | 関連記事
        )$";

/// Lines that are byline or date furniture when they come before the article's first
/// real paragraph.
static LEADING_FURNITURE: LazyLock<Regex> =
    LazyLock::new(|| line_pattern(LEADING_FURNITURE_PATTERN));

/// The pattern of [`LEADING_FURNITURE`].
const LEADING_FURNITURE_PATTERN: &str = r"(?xi)^(?:
            by:? | by\ [^.!?]{1,120}
          | (updated|published|posted|last\ updated)(\ on)?:?\ .{1,80}
          | ((mon|tues|wednes|thurs|fri|satur|sun)day,?\ )?
            (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\ \d{1,2}(st|nd|rd|th)?,?\ \d{4}.{0,40}
          | \d{1,2}\ (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\ \d{4}.{0,40}
          | \d{4}[-/.]\d{1,2}[-/.]\d{1,2}.{0,40}
          | \d{4}年\d{1,2}月\d{1,2}日[^，。！？,]{0,60}
          | \d+\ min(ute)?s?\ read | \d+\ (hours?|minutes?|days?)\ ago
        )$";

/// Compiles a line pattern to match a line's UTF-8 bytes, its bounded runs of any
/// character (`.{m,n}`, `[^.!?]{m,n}`) rewritten to take one character at a time as a
/// lead byte and its continuation bytes.
///
/// Unicode's `.` compiles to a UTF-8 automaton of a dozen states, and a bounded
/// repetition copies it once per repeat: the furniture patterns' ~1,700 copies took
/// 10–15 ms to compile, in every process. Rewritten they take 3–4 ms. The rest of the
/// pattern keeps its Unicode meaning, and on valid UTF-8 (a line always is) the rewritten
/// runs match exactly the same characters.
fn line_pattern(pattern: &str) -> Regex {
    let pattern = pattern
        .replace(".{", r"(?-u:[^\n\x80-\xBF][\x80-\xBF]*){")
        .replace("[^.!?]{", r"(?-u:[^.!?\x80-\xBF][\x80-\xBF]*){");
    Regex::new(&pattern).expect("line pattern is valid")
}

/// No furniture pattern matches a line longer than this (in bytes; the longest pattern
/// allows about 200 characters of CJK text).
const MAX_FURNITURE_BYTES: usize = 800;

/// Normalises `text` into paragraphs separated by one blank line, dropping furniture.
pub(super) fn clean(text: &str) -> String {
    clean_lines(text).join("\n\n")
}

/// [`clean`] for the text of a web page's chosen content, which also drops a run of
/// sidebar chrome at its end ([`trim`]).
pub(super) fn clean_page(text: &str) -> String {
    let lines = clean_lines(text);
    lines[trim::article_range(&lines)].join("\n\n")
}

/// The paragraphs of `text`, furniture dropped.
fn clean_lines(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut started = false;
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = fold_spaces(line);
        // Furniture lines are short; long lines are prose and skip the patterns.
        let short = line.len() <= MAX_FURNITURE_BYTES;
        if line.is_empty() || (short && FURNITURE.is_match(line.as_bytes())) {
            continue;
        }
        if !started && short && LEADING_FURNITURE.is_match(line.as_bytes()) {
            continue;
        }
        // Repeated lines are captions, pull quotes and teasers, not the story; short
        // ones (subheads like "Background") may legitimately repeat.
        if line.chars().count() > 40 && !seen.insert(line.clone()) {
            continue;
        }
        started |= is_sentence(&line);
        out.push(line);
    }
    out
}

/// Collapses runs of whitespace (including no-break and zero-width spaces) to one space
/// and trims the ends; full-width ideographic spaces that indent Chinese paragraphs go too.
fn fold_spaces(line: &str) -> String {
    let mut folded = String::with_capacity(line.len());
    for word in line
        .split(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{3000}'))
        .filter(|w| !w.is_empty())
    {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded
}

/// True for a line that reads as running text rather than a label.
fn is_sentence(line: &str) -> bool {
    let chars = line.chars().count();
    let ends_like_prose = line.ends_with(['.', '!', '?', '"', '”', '’', '。', '!', '?', '」', ':']);
    chars >= 80 || (chars >= 25 && ends_like_prose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_separated_by_one_blank_line() {
        let text = "  First   paragraph.\n\n\n\nSecond\u{a0}paragraph.  \n";
        assert_eq!(clean(text), "First paragraph.\n\nSecond paragraph.");
    }

    #[test]
    fn furniture_lines_are_dropped() {
        let text = "Advertisement\nThe council approved the plan on Tuesday evening after a long debate.\n\
                    Photo: Jane Doe / Agency\nImage 1 of 8\n© 2025 Example Media\n相关新闻:\n正文。";
        assert_eq!(
            clean(text),
            "The council approved the plan on Tuesday evening after a long debate.\n\n正文。"
        );
    }

    #[test]
    fn leading_bylines_and_dates_go_but_later_ones_stay() {
        let text = "By Jane Doe - 11/18/19 11:04 PM EST\nUpdated 5:27 am CST, Wednesday, November 20, 2019\n\
                    The council approved the plan on Tuesday evening after a long debate.\n\
                    By the end of the year, the plan will be in force.";
        assert_eq!(
            clean(text),
            "The council approved the plan on Tuesday evening after a long debate.\n\n\
             By the end of the year, the plan will be in force."
        );
    }

    #[test]
    fn long_repeated_lines_are_kept_once() {
        let caption = "The minister, left, shakes hands with the ambassador in the capital.";
        let text =
            format!("{caption}\nBody text that is the story itself, long enough.\n{caption}");
        assert_eq!(
            clean(&text),
            format!("{caption}\n\nBody text that is the story itself, long enough.")
        );
    }

    #[test]
    fn a_leading_chinese_sentence_that_opens_with_a_date_stays() {
        let text = "2022年1月27日 星期四\n\
                    2020年11月18日上午11点半，得知自己获释的他被送到了高速路口，家人已在路口候他多时。";
        assert_eq!(
            clean(text),
            "2020年11月18日上午11点半，得知自己获释的他被送到了高速路口，家人已在路口候他多时。"
        );
    }

    #[test]
    fn only_page_text_has_its_sidebar_tail_trimmed() {
        let text = "今年春节前后，全市共接待游客三百多万人次，旅游收入比去年同期增长了两成以上。\n\
                    个人类别\n存档目录\n最新文章\n最新评论";
        assert_eq!(
            clean_page(text),
            "今年春节前后，全市共接待游客三百多万人次，旅游收入比去年同期增长了两成以上。"
        );
        assert_eq!(clean(text).lines().filter(|l| !l.is_empty()).count(), 5);
    }

    #[test]
    fn rewritten_patterns_match_what_the_plain_patterns_match() {
        let prefixes = [
            "Photo: ",
            "Continue reading",
            "Read more",
            "Tags",
            "Tags: ",
            "© ",
            "Copyright ",
            "Sign up ",
            "All rights reserved",
            "Have a tip?",
            "Join the conversation",
            "Updated on ",
            "| Published ",
            "By ",
            "Posted: ",
            "2019-11-20",
            "Jan 5, 2020",
            "2019年3月5日",
            "相关新闻：",
            "第3页",
            "分享到",
            "返回首页",
        ];
        let lengths = [
            0, 1, 9, 10, 11, 20, 21, 40, 41, 60, 61, 80, 81, 119, 120, 121, 200, 201,
        ];
        for pattern in [FURNITURE_PATTERN, LEADING_FURNITURE_PATTERN] {
            let plain = regex::Regex::new(pattern).expect("valid");
            let rewritten = line_pattern(pattern);
            let mut outcomes = HashSet::new();
            for prefix in prefixes {
                for fill in ["x", "é", "新", " ", ".", "9"] {
                    for n in lengths {
                        let line = format!("{prefix}{}", fill.repeat(n));
                        let matched = plain.is_match(&line);
                        assert_eq!(matched, rewritten.is_match(line.as_bytes()), "{line}");
                        outcomes.insert(matched);
                    }
                }
            }
            assert_eq!(outcomes.len(), 2, "both outcomes are exercised");
        }
    }

    #[test]
    fn chinese_indentation_is_removed() {
        assert_eq!(clean("\u{3000}\u{3000}北京消息。"), "北京消息。");
    }
}
