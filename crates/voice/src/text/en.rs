//! English text normalisation: numbers, money, percentages, dates, times, ordinals and
//! common abbreviations written out as words.

use std::sync::LazyLock;

use goosepod_core::spoken_time::MONTHS_EN as MONTHS;
use regex::{Captures, Regex};

use super::numbers::Decimal;

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [&str; 6] = [
    "",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
];

fn below_hundred(n: u128) -> String {
    let n = n as usize;
    if n < 20 {
        ONES[n].to_string()
    } else if n.is_multiple_of(10) {
        TENS[n / 10].to_string()
    } else {
        format!("{}-{}", TENS[n / 10], ONES[n % 10])
    }
}

fn below_thousand(n: u128) -> String {
    match (n / 100, n % 100) {
        (0, rest) => below_hundred(rest),
        (h, 0) => format!("{} hundred", ONES[h as usize]),
        (h, rest) => format!("{} hundred {}", ONES[h as usize], below_hundred(rest)),
    }
}

/// `123456` → "one hundred twenty-three thousand four hundred fifty-six". Numbers of
/// 19 digits or more are read digit by digit.
pub fn cardinal(n: u128) -> String {
    if n >= 10u128.pow(18) {
        return digits(&n.to_string());
    }
    if n == 0 {
        return "zero".into();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    let mut scale = 0;
    while rest > 0 {
        let group = rest % 1000;
        if group > 0 {
            let words = below_thousand(group);
            groups.push(if scale == 0 {
                words
            } else {
                format!("{words} {}", SCALES[scale])
            });
        }
        rest /= 1000;
        scale += 1;
    }
    groups.reverse();
    groups.join(" ")
}

/// Every digit as a word: `"007"` → "zero zero seven".
pub fn digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| ONES[d as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// `5.25` → "five point two five".
pub fn decimal(d: &Decimal) -> String {
    let int = if d.int.len() > 18 {
        digits(&d.int)
    } else {
        cardinal(d.int.parse().unwrap_or(0))
    };
    if d.frac.is_empty() {
        int
    } else {
        format!("{int} point {}", digits(&d.frac))
    }
}

/// `21` → "twenty-first".
pub fn ordinal(n: u128) -> String {
    let words = cardinal(n);
    let split = words.rfind([' ', '-']).map_or(0, |i| i + 1);
    let (head, last) = words.split_at(split);
    let last = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    };
    format!("{head}{last}")
}

/// A year as people say it: 1999 → "nineteen ninety-nine", 2005 → "two thousand five",
/// 2027 → "twenty twenty-seven", 1900 → "nineteen hundred", 1905 → "nineteen oh five".
pub fn year(n: u32) -> String {
    let (century, rest) = (n / 100, n % 100);
    if !(1100..=2099).contains(&n) || (2000..2010).contains(&n) {
        return cardinal(u128::from(n));
    }
    let head = below_hundred(u128::from(century));
    match rest {
        0 => format!("{head} hundred"),
        1..=9 => format!("{head} oh {}", ONES[rest as usize]),
        _ => format!("{head} {}", below_hundred(u128::from(rest))),
    }
}

/// "ninety" → "nineties", "sixteen" → "sixteens".
fn plural(words: &str) -> String {
    match words.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{words}s"),
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

/// A number as written: digits with optional thousands commas and decimals.
const NUM: &str = r"\d[\d,]*(?:\.\d+)?|\.\d+";
const MONTH_NAMES: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";

fn month_index(name: &str) -> usize {
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| {
            m.to_ascii_lowercase()
                .starts_with(&lower[..3.min(lower.len())])
        })
        .unwrap_or(0)
}

fn number_words(text: &str) -> String {
    match Decimal::parse(text) {
        Some(d) => decimal(&d),
        None => digits(text),
    }
}

/// How a matched pattern is written out.
type Say = fn(&Captures<'_>) -> String;
type Rule = (Regex, Say);

static ABBREVIATIONS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"\be\.g\.", "for example"),
        (r"\bi\.e\.", "that is"),
        (r"\betc\.", "et cetera"),
        (r"\b(?:vs\.?|VS\.?)(\s)", "versus$1"),
        (r"\bMr\.", "Mister"),
        (r"\bMrs\.", "Missus"),
        (r"\bMs\.", "Miz"),
        (r"\bDr\.", "Doctor"),
        (r"\bProf\.", "Professor"),
        (r"\bJr\.", "Junior"),
        (r"\bSr\.", "Senior"),
        (r"\bapprox\.", "approximately"),
        (r"\bInc\.", "Incorporated"),
        (r"\bCorp\.", "Corporation"),
        (r"\bLtd\.", "Limited"),
        (r"\bU\.S\.A?\.?", "US"),
        (r"\bU\.K\.", "UK"),
        (r"\bNo\.\s?(\d)", "number $1"),
        (r"#(\d)", "number $1"),
        (r"°\s?C\b", " degrees Celsius"),
        (r"°\s?F\b", " degrees Fahrenheit"),
        (r"°", " degrees"),
        (r"(?:~|≈|∼)\s?(\d)", "about $1"),
        (r"&", " and "),
        (r"(\d)\s?\+\s?(\d)", "$1 plus $2"),
        (r"(\d)\+", "$1 plus"),
        (r"(\d)\s?[x×]\s?(\d)", "$1 by $2"),
        (r"×", " times "),
        (r"\s=\s", " equals "),
        (r"\s<\s", " less than "),
        (r"\s>\s", " greater than "),
        (r"(\w)@(\w)", "$1 at $2"),
        (r"([A-Za-z])/([A-Za-z])", "$1 $2"),
    ]
    .into_iter()
    .map(|(p, r)| (re(p), r))
    .collect()
});

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let rules: Vec<(String, Say)> = vec![
        // 2025-12-15
        (r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b".into(), |c| {
            let (y, m, d): (u32, usize, u128) = (
                c[1].parse().unwrap_or(0),
                c[2].parse().unwrap_or(0),
                c[3].parse().unwrap_or(0),
            );
            if (1..=12).contains(&m) && (1..=31).contains(&d) {
                format!("{} {}, {}", MONTHS[m - 1], ordinal(d), year(y))
            } else {
                c[0].to_string()
            }
        }),
        // December 16, 2025 · Dec. 16th
        (
            format!(r"\b({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"),
            |c| {
                let month = MONTHS[month_index(&c[1])];
                let day = ordinal(c[2].parse().unwrap_or(0));
                match c.get(3) {
                    Some(y) => format!("{month} {day}, {}", year(y.as_str().parse().unwrap_or(0))),
                    None => format!("{month} {day}"),
                }
            },
        ),
        // 16 December 2025
        (
            format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_NAMES})\b\.?(?:,?\s+(\d{{4}})\b)?"),
            |c| {
                let month = MONTHS[month_index(&c[2])];
                let day = ordinal(c[1].parse().unwrap_or(0));
                match c.get(3) {
                    Some(y) => format!(
                        "the {day} of {month}, {}",
                        year(y.as_str().parse().unwrap_or(0))
                    ),
                    None => format!("the {day} of {month}"),
                }
            },
        ),
        // 2:14 · 2:14 a.m. · 14:05
        (
            r"\b(\d{1,2}):(\d{2})\b(?:\s?([AaPp])\.?\s?[Mm]\b\.?)?".into(),
            |c| {
                let (h, m): (u128, u128) = (c[1].parse().unwrap_or(99), c[2].parse().unwrap_or(99));
                if h > 24 || m > 59 {
                    return format!("{} {}", cardinal(h), cardinal(m));
                }
                let suffix = c
                    .get(3)
                    .map(|p| {
                        if p.as_str().eq_ignore_ascii_case("a") {
                            " AM"
                        } else {
                            " PM"
                        }
                    })
                    .unwrap_or("");
                let minutes = match m {
                    0 if h <= 12 || !suffix.is_empty() => " o'clock".to_string(),
                    0 => " hundred".to_string(),
                    1..=9 => format!(" oh {}", ONES[m as usize]),
                    _ => format!(" {}", below_hundred(m)),
                };
                format!("{}{minutes}{suffix}", cardinal(h))
            },
        ),
        // −5 (a minus sign, not a hyphen inside a word or a range)
        (r"(^|[\s(\[:;,])[-−](\d)".into(), |c| {
            format!("{}minus {}", &c[1], &c[2])
        }),
        // US$1.4 trillion · $100bn · €5 · £3.50
        (
            format!(
                r"(US\$|HK\$|A\$|C\$|\$|€|£|¥|￥)\s?({NUM})(?:\s?(trillion|billion|million|thousand|tn|bn|mn|m|k|b)\b)?"
            ),
            |c| money(&c[1], &c[2], c.get(3).map(|m| m.as_str())),
        ),
        // 100 billion USD · 5 RMB
        (
            format!(
                r"({NUM})\s?(trillion|billion|million|thousand|tn|bn|mn)?\s?\b(USD|CNY|RMB|EUR|GBP|HKD)\b"
            ),
            |c| {
                let symbol = match &c[3] {
                    "USD" => "US$",
                    "EUR" => "€",
                    "GBP" => "£",
                    "HKD" => "HK$",
                    _ => "¥",
                };
                money(symbol, &c[1], c.get(2).map(|m| m.as_str()))
            },
        ),
        // 38% · 3.5 %
        (format!(r"({NUM})\s?[%％]"), |c| {
            format!("{} percent", number_words(&c[1]))
        }),
        (format!(r"({NUM})\s?‰"), |c| {
            format!("{} per mille", number_words(&c[1]))
        }),
        // 1990s · 90s
        (r"'?\b(1[1-9]\d0|20\d0|[1-9]0)'?s\b".into(), |c| {
            let n: u32 = c[1].parse().unwrap_or(0);
            if n >= 1000 {
                plural(&year(n))
            } else {
                plural(&cardinal(u128::from(n)))
            }
        }),
        // 21st
        (r"\b(\d{1,9})(?:st|nd|rd|th)\b".into(), |c| {
            ordinal(c[1].parse().unwrap_or(0))
        }),
        // 5bn, 2.5 tn
        (format!(r"({NUM})\s?(bn|tn|mn)\b"), |c| {
            format!("{} {}", number_words(&c[1]), scale_word(&c[2]))
        }),
        // 2025–2027 · 3-5
        (format!(r"({NUM})\s?[–—-]\s?({NUM})"), |c| {
            format!("{} to {}", &c[1], &c[2])
        }),
        // GPT-5 · COVID-19: the hyphen is not read
        (r"([A-Za-z])-(\d)".into(), |c| {
            format!("{} {}", &c[1], &c[2])
        }),
        // 5G · 3D · A100
        (r"(\d)([A-Za-z])".into(), |c| format!("{} {}", &c[1], &c[2])),
        (r"([A-Za-z])(\d)".into(), |c| format!("{} {}", &c[1], &c[2])),
    ];
    rules.into_iter().map(|(p, f)| (re(&p), f)).collect()
});

static NUMBER: LazyLock<Regex> = LazyLock::new(|| re(NUM));

fn scale_word(abbreviation: &str) -> &'static str {
    match abbreviation {
        "trillion" | "tn" => "trillion",
        "billion" | "bn" | "b" => "billion",
        "million" | "mn" | "m" => "million",
        "thousand" | "k" => "thousand",
        _ => "",
    }
}

/// Money: amount in words, then the currency (singular only for exactly one).
fn money(symbol: &str, amount: &str, scale: Option<&str>) -> String {
    let (one, many, cent, cents) = match symbol {
        "US$" => ("US dollar", "US dollars", "cent", "cents"),
        "HK$" => ("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
        "A$" => ("Australian dollar", "Australian dollars", "cent", "cents"),
        "C$" => ("Canadian dollar", "Canadian dollars", "cent", "cents"),
        "$" => ("dollar", "dollars", "cent", "cents"),
        "€" => ("euro", "euros", "cent", "cents"),
        "£" => ("pound", "pounds", "penny", "pence"),
        _ => ("yuan", "yuan", "fen", "fen"),
    };
    let Some(value) = Decimal::parse(amount) else {
        return format!("{} {many}", digits(amount));
    };
    if let Some(scale) = scale {
        return format!("{} {} {many}", decimal(&value), scale_word(scale));
    }
    let int_words = decimal(&Decimal {
        int: value.int.clone(),
        frac: String::new(),
    });
    let unit = if value.int == "1" { one } else { many };
    let cents_digits = amount.split_once('.').map(|(_, f)| f).unwrap_or("");
    if cents_digits.len() == 2 && !value.frac.is_empty() {
        let c: u128 = cents_digits.parse().unwrap_or(0);
        let cent_unit = if c == 1 { cent } else { cents };
        if value.int == "0" {
            return format!("{} {cent_unit}", cardinal(c));
        }
        return format!("{int_words} {unit} and {} {cent_unit}", cardinal(c));
    }
    if value.frac.is_empty() {
        format!("{int_words} {unit}")
    } else {
        format!("{} {many}", decimal(&value))
    }
}

/// Writes out numbers and symbols in English text as words.
pub fn normalize(text: &str) -> String {
    let mut text = super::fold_width(text);
    for (pattern, replacement) in ABBREVIATIONS.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    for (pattern, rule) in RULES.iter() {
        text = pattern.replace_all(&text, rule).into_owned();
    }
    let text = NUMBER.replace_all(&text, |c: &Captures<'_>| {
        // A trailing comma is punctuation, not a thousands separator.
        let token = c[0].trim_end_matches(',');
        let rest = &c[0][token.len()..];
        let plain = !token.contains([',', '.']);
        let words = if plain && token.len() > 1 && token.starts_with('0') {
            digits(token)
        } else if plain
            && token.len() == 4
            && let Ok(n) = token.parse::<u32>()
            && (1100..=2099).contains(&n)
        {
            year(n)
        } else {
            number_words(token)
        };
        format!("{words}{rest}")
    });
    super::collapse_spaces(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words() {
        for (n, want) in [
            (0, "zero"),
            (7, "seven"),
            (13, "thirteen"),
            (40, "forty"),
            (42, "forty-two"),
            (100, "one hundred"),
            (101, "one hundred one"),
            (999, "nine hundred ninety-nine"),
            (1000, "one thousand"),
            (1_000_001, "one million one"),
            (2_000_000_000, "two billion"),
            (1_400_000_000_000, "one trillion four hundred billion"),
        ] {
            assert_eq!(cardinal(n), want, "{n}");
        }
        for (n, want) in [
            (1, "first"),
            (2, "second"),
            (3, "third"),
            (12, "twelfth"),
            (16, "sixteenth"),
            (20, "twentieth"),
            (21, "twenty-first"),
            (100, "one hundredth"),
        ] {
            assert_eq!(ordinal(n), want, "{n}");
        }
        for (n, want) in [
            (1999, "nineteen ninety-nine"),
            (2000, "two thousand"),
            (2005, "two thousand five"),
            (2010, "twenty ten"),
            (2027, "twenty twenty-seven"),
            (1900, "nineteen hundred"),
            (1905, "nineteen oh five"),
        ] {
            assert_eq!(year(n), want, "{n}");
        }
    }

    #[test]
    fn normalizes_text() {
        let table = [
            (
                "Revenue grew 38% last year.",
                "Revenue grew thirty-eight percent last year.",
            ),
            ("A 3.5 % rise", "A three point five percent rise"),
            (
                "It plans to spend US$1.4 trillion.",
                "It plans to spend one point four trillion US dollars.",
            ),
            (
                "US$100bn by 2027",
                "one hundred billion US dollars by twenty twenty-seven",
            ),
            ("$5 and $1", "five dollars and one dollar"),
            ("It cost $5.50.", "It cost five dollars and fifty cents."),
            ("only $0.99", "only ninety-nine cents"),
            ("€2.5 million", "two point five million euros"),
            ("£3m", "three million pounds"),
            ("500 USD", "five hundred US dollars"),
            ("2 billion users", "two billion users"),
            (
                "1,234,567 people",
                "one million two hundred thirty-four thousand five hundred sixty-seven people",
            ),
            (
                "GPT-5.2 and Gemini 3",
                "GPT five point two and Gemini three",
            ),
            ("COVID-19", "COVID nineteen"),
            ("the 21st century", "the twenty-first century"),
            (
                "in the 1990s and the '80s",
                "in the nineteen nineties and the eighties",
            ),
            (
                "On 2025-12-15 it fell.",
                "On December fifteenth, twenty twenty-five it fell.",
            ),
            ("Dec. 16, 2025", "December sixteenth, twenty twenty-five"),
            ("on 16 December", "on the sixteenth of December"),
            ("It is 2:14 a.m.", "It is two fourteen AM"),
            ("at 10:00 and 14:05", "at ten o'clock and fourteen oh five"),
            (
                "from 2025-2027",
                "from twenty twenty-five to twenty twenty-seven",
            ),
            (
                "temperatures of -5°C",
                "temperatures of minus five degrees Celsius",
            ),
            (
                "e.g. this, i.e. that, etc.",
                "for example this, that is that, et cetera",
            ),
            (
                "Dr. Smith vs. Mr. Jones",
                "Doctor Smith versus Mister Jones",
            ),
            ("the U.S. and No. 1", "the US and number one"),
            ("R&D at #1", "R and D at number one"),
            ("about ~5 hours", "about about five hours"),
            ("agent 007", "agent zero zero seven"),
            ("5G and A100 chips", "five G and A one hundred chips"),
            ("pi is 3.14159", "pi is three point one four one five nine"),
            ("and/or", "and or"),
            ("In 2024, it", "In twenty twenty-four, it"),
            ("a ratio of 0.5.", "a ratio of zero point five."),
        ];
        for (input, want) in table {
            assert_eq!(normalize(input), want, "{input:?}");
        }
    }

    #[test]
    fn no_digits_survive() {
        for input in [
            "1",
            "12,345.678",
            "$1",
            "99%",
            "3rd",
            "1990s",
            "9:30",
            "2025-01-02",
            "x1y2",
        ] {
            let out = normalize(input);
            assert!(!out.chars().any(|c| c.is_ascii_digit()), "{input} → {out}");
        }
    }
}
