//! Numbers in text, and whether a script's numbers come from its source.
//!
//! A script may only state numbers its article states. [`numbers`] finds every number
//! written with digits (ASCII or full-width) and reads its value with its scale:
//!
//! | written                        | value            | percent |
//! |--------------------------------|------------------|---------|
//! | `38%`, `38 percent`, `百分之38` | 38               | yes     |
//! | `1,300`                        | 1300             |         |
//! | `2.5`                          | 2.5              |         |
//! | `218亿`                        | 21 800 000 000   |         |
//! | `1.4万亿`, `US$1.4tn`, `1.4 trillion` | 1 400 000 000 000 | |
//! | `$38 million`, `$38m`          | 38 000 000       |         |
//!
//! so the same quantity written two ways (`US$100bn` in the article, `1000亿美元` in a
//! translated script) is recognised as one. [`ungrounded`] lists the numbers of a script
//! that its source does not contain. Numbers written in words (`three`, `三成`) are not
//! read: in running text they are indistinguishable from ordinary words (`一起`, `no one`).

use std::ops::Range;

/// A number found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// Where it is in the text (bytes), scale word and percent sign included.
    pub span: Range<usize>,
    /// The digits as written, without grouping commas (`1300`, `2.5`).
    pub digits: String,
    /// The digits' value times the scale (`218亿` → 2.18e10).
    pub value: f64,
    /// Whether it is a percentage.
    pub percent: bool,
}

impl Number {
    /// The digits' value before the scale is applied (`218` for `218亿`).
    pub fn base(&self) -> f64 {
        self.digits.parse().unwrap_or(f64::NAN)
    }

    /// Whether `other` states the same quantity: equal values (or equal digits), both or
    /// neither a percentage.
    pub fn matches(&self, other: &Number) -> bool {
        self.percent == other.percent
            && (close(self.value, other.value) || close(self.base(), other.base()))
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Scale words after a number, longest first within each script. `attached` ones only
/// count written right after the digits (`$38m`), the others also after one space.
const SCALES: &[(&str, f64, bool)] = &[
    ("万亿", 1e12, false),
    ("千亿", 1e11, false),
    ("百亿", 1e10, false),
    ("亿", 1e8, false),
    ("千万", 1e7, false),
    ("百万", 1e6, false),
    ("万", 1e4, false),
    ("千", 1e3, true),
    ("trillion", 1e12, false),
    ("billion", 1e9, false),
    ("million", 1e6, false),
    ("thousand", 1e3, false),
    ("tn", 1e12, true),
    ("bn", 1e9, true),
    ("mn", 1e6, true),
    ("k", 1e3, true),
    ("K", 1e3, true),
    ("m", 1e6, true),
    ("M", 1e6, true),
    ("B", 1e9, true),
];

/// Every number written with digits in `text`, in order.
pub fn numbers(text: &str) -> Vec<Number> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut seen_point = false;
        while i < chars.len() {
            let c = chars[i].1;
            if let Some(d) = digit(c) {
                digits.push(d);
                i += 1;
            } else if c == ',' && !seen_point && group_follows(&chars, i + 1) {
                i += 1;
            } else if (c == '.' || c == '．')
                && !seen_point
                && chars.get(i + 1).is_some_and(|&(_, n)| digit(n).is_some())
            {
                seen_point = true;
                digits.push('.');
                i += 1;
            } else {
                break;
            }
        }
        let mut end = i;
        let mut value: f64 = digits.parse().unwrap_or(0.0);
        let mut percent = false;
        // A percent sign or word, or a scale word, right after the digits.
        let rest = &text[end_of(end)..];
        let spaced = rest.starts_with(' ');
        let after = if spaced { &rest[1..] } else { rest };
        let skip = usize::from(spaced);
        if let Some(len) = percent_suffix(after) {
            percent = true;
            end += skip + after[..len].chars().count();
        } else if let Some((word, scale)) =
            scale_suffix(after, spaced, currency_before(text, end_of(start)))
        {
            value *= scale;
            end += skip + word.chars().count();
        }
        if prefix_percent(&text[..end_of(start)]) {
            percent = true;
        }
        found.push(Number {
            span: end_of(start)..end_of(end),
            digits,
            value,
            percent,
        });
        i = end;
    }
    found
}

/// The numbers of `script` that do not occur in `source` (see [`Number::matches`]).
pub fn ungrounded(script: &str, source: &str) -> Vec<Number> {
    let known = numbers(source);
    numbers(script)
        .into_iter()
        .filter(|n| !known.iter().any(|k| n.matches(k)))
        .collect()
}

/// The ASCII digit for an ASCII or full-width digit.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// Whether exactly three digits (then a non-digit) start at `i`: a thousands group.
fn group_follows(chars: &[(usize, char)], i: usize) -> bool {
    (0..3).all(|k| chars.get(i + k).is_some_and(|&(_, c)| c.is_ascii_digit()))
        && !chars.get(i + 3).is_some_and(|&(_, c)| c.is_ascii_digit())
}

fn percent_suffix(after: &str) -> Option<usize> {
    if after.starts_with('%') || after.starts_with('％') {
        return Some(after.chars().next().map_or(1, char::len_utf8));
    }
    for word in ["percent", "per cent", "Percent"] {
        if after.starts_with(word) && !after[word.len()..].starts_with(char::is_alphanumeric) {
            return Some(word.len());
        }
    }
    None
}

fn scale_suffix(after: &str, spaced: bool, currency: bool) -> Option<(&'static str, f64)> {
    for &(word, scale, attached) in SCALES {
        if !after.starts_with(word) || (attached && spaced) {
            continue;
        }
        let latin = word.is_ascii();
        // Latin scale words end at a word boundary; a lone m/M/B/k only after money.
        if latin && after[word.len()..].starts_with(char::is_alphanumeric) {
            continue;
        }
        if matches!(word, "m" | "M" | "B") && !currency {
            continue;
        }
        return Some((word, scale));
    }
    None
}

fn currency_before(text: &str, start: usize) -> bool {
    text[..start]
        .trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '$' | '€' | '£' | '¥' | '￥'))
}

fn prefix_percent(before: &str) -> bool {
    before.ends_with("百分之")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(f64, bool)> {
        numbers(text).iter().map(|n| (n.value, n.percent)).collect()
    }

    #[test]
    fn reads_the_common_forms() {
        let cases: &[(&str, &[(f64, bool)])] = &[
            ("errors fell 38%", &[(38.0, true)]),
            ("38 percent of voters", &[(38.0, true)]),
            ("占比百分之38", &[(38.0, true)]),
            ("从目前的38%提升至45%左右", &[(38.0, true), (45.0, true)]),
            ("about 1,300 homes", &[(1300.0, false)]),
            ("1,000 megawatt-hours", &[(1000.0, false)]),
            ("version 2.5 ships", &[(2.5, false)]),
            ("总投资约218亿元", &[(218e8, false)]),
            ("1.4万亿美元", &[(1.4e12, false)]),
            ("US$1.4tn in deals", &[(1.4e12, false)]),
            ("US$100bn by 2027", &[(100e9, false), (2027.0, false)]),
            ("$38 million a year", &[(38e6, false)]),
            ("$38m a year", &[(38e6, false)]),
            ("600 m away", &[(600.0, false)]),
            ("GPT-5.2 arrived", &[(5.2, false)]),
            (
                "2025-12-15",
                &[(2025.0, false), (12.0, false), (15.0, false)],
            ),
            ("4分30秒", &[(4.0, false), (30.0, false)]),
            ("in 2017.", &[(2017.0, false)]),
            ("１２３号", &[(123.0, false)]),
            ("1,2,3", &[(1.0, false), (2.0, false), (3.0, false)]),
            ("5 millionaires", &[(5.0, false)]),
            ("no digits here", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(values(text), expected.to_vec(), "{text}");
        }
    }

    #[test]
    fn spans_cover_the_number_as_written() {
        let text = "约218亿元, 38 percent";
        let found = numbers(text);
        assert_eq!(&text[found[0].span.clone()], "218亿");
        assert_eq!(&text[found[1].span.clone()], "38 percent");
        assert_eq!(found[0].digits, "218");
        assert_eq!(found[0].base(), 218.0);
    }

    #[test]
    fn the_same_quantity_written_two_ways_is_grounded() {
        let source = "OpenAI aims for US$100bn by 2027; errors fell 38 percent; 1,300 staff.";
        assert!(
            ungrounded(
                "目标是2027年达到1000亿美元,错误率降低38%,员工1300人。",
                source
            )
            .is_empty()
        );
        let missing = ungrounded("错误率降低39%,还有38人。", source);
        let texts: Vec<&str> = missing.iter().map(|n| n.digits.as_str()).collect();
        assert_eq!(texts, ["39", "38"]);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            ".",
            ",",
            "1,",
            "1.",
            "$",
            "百分之",
            "9".repeat(400).as_str(),
            "1\u{301}2",
        ] {
            let _ = numbers(text);
        }
    }
}
