//! Chinese text normalisation: numbers, percentages, money with English or Chinese scale
//! words, years, dates, times, ranges and fractions written out in Hanzi the way a
//! presenter reads them (`38%` → 百分之三十八, `US$1.4 trillion` → 一点四万亿美元,
//! `2027年` → 二零二七年).
//!
//! Numbers that belong to a Latin-script name (`GPT-5.2`, `Gemini 3`, `iPhone 16`) are
//! written in English words instead, so the whole name is spoken by the English voice.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::numbers::Decimal;

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A number below 10 000, without the leading-一十 shortening.
fn section(n: u128) -> String {
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let mut out = String::new();
    let mut gap = false;
    for (d, unit) in digits.into_iter().zip(units) {
        if d == 0 {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            out.push('零');
            gap = false;
        }
        out.push_str(DIGITS[d as usize]);
        out.push_str(unit);
    }
    out
}

fn cardinal_inner(n: u128) -> String {
    const WAN: u128 = 10_000;
    const YI: u128 = 100_000_000;
    let (high, unit, low, width) = if n >= YI {
        (n / YI, "亿", n % YI, YI)
    } else if n >= WAN {
        (n / WAN, "万", n % WAN, WAN)
    } else {
        return section(n);
    };
    let mut out = cardinal_inner(high);
    out.push_str(unit);
    if low > 0 {
        if low < width / 10 {
            out.push('零');
        }
        out.push_str(&cardinal_inner(low));
    }
    out
}

/// `1005` → 一千零五, `100000` → 十万, `1400000000000` → 一万四千亿, `2000` → 两千.
/// Integers of 17 digits or more are read digit by digit.
pub fn cardinal(n: u128) -> String {
    if n == 0 {
        return "零".into();
    }
    if n >= 10u128.pow(16) {
        return digits(&n.to_string());
    }
    let mut out = cardinal_inner(n);
    if out.starts_with("一十") {
        out = out.replacen("一十", "十", 1);
    }
    // 两 before 千, and before 万/亿 when it is a whole leading digit (两万, not 十二万).
    let mut result = String::with_capacity(out.len());
    let chars: Vec<char> = out.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let previous = if i > 0 { Some(chars[i - 1]) } else { None };
        let liang = c == '二'
            && match next {
                Some('千') => true,
                Some('万') | Some('亿') => previous != Some('十'),
                _ => false,
            };
        result.push(if liang { '两' } else { c });
    }
    result
}

/// Every digit on its own: `2027` → 二零二七.
pub fn digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| DIGITS[d as usize])
        .collect()
}

/// `5.2` → 五点二, `0.25` → 零点二五.
pub fn decimal(d: &Decimal) -> String {
    let int = if d.int.len() > 16 {
        digits(&d.int)
    } else {
        cardinal(d.int.parse().unwrap_or(0))
    };
    if d.frac.is_empty() {
        int
    } else {
        format!("{int}点{}", digits(&d.frac))
    }
}

/// A value times 10^`power`, read with the largest fitting Chinese unit:
/// (1.4, 12) → 一点四万亿, (100, 9) → 一千亿, (2.5, 6) → 二百五十万.
pub fn scaled(value: &Decimal, power: i32) -> String {
    let total = value.shift(power);
    let unit_power = match total.int_digits() {
        d if d > 12 && total.int != "0" => 12,
        d if d > 8 => 8,
        d if d > 4 => 4,
        _ => 0,
    };
    let unit = match unit_power {
        12 => "万亿",
        8 => "亿",
        4 => "万",
        _ => "",
    };
    format!("{}{unit}", decimal(&total.shift(-unit_power)))
}

/// Compiles a pattern whose `\b` means an ASCII word boundary: in Unicode mode Hanzi are
/// word characters, so `是02:14` or `1.4 trillion建设` would have no boundary at all.
fn re(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("valid pattern")
}

const NUM: &str = r"\d[\d,]*(?:\.\d+)?|\.\d+";

fn number(text: &str) -> String {
    match Decimal::parse(text) {
        Some(d) => decimal(&d),
        None => digits(text),
    }
}

fn year_digits(text: &str) -> String {
    digits(text)
}

fn power_of(scale: &str) -> i32 {
    match scale.to_ascii_lowercase().as_str() {
        "trillion" | "tn" => 12,
        "billion" | "bn" | "b" => 9,
        "million" | "mn" | "m" => 6,
        "thousand" | "k" => 3,
        _ => 0,
    }
}

fn currency(symbol: &str) -> &'static str {
    match symbol.trim() {
        "US$" | "$" | "USD" | "美元" => "美元",
        "HK$" | "HKD" | "港元" | "港币" => "港元",
        "€" | "EUR" | "欧元" => "欧元",
        "£" | "GBP" | "英镑" => "英镑",
        "¥" | "￥" | "RMB" | "CNY" | "元" | "人民币" => "元",
        _ => "",
    }
}

/// Amount with an optional scale (`trillion`, `bn`, `亿`…), read in Hanzi.
fn amount(value: &str, scale: Option<&str>) -> String {
    let Some(d) = Decimal::parse(value) else {
        return digits(value);
    };
    match scale {
        Some(s @ ("万亿" | "亿" | "万" | "千")) => format!("{}{s}", decimal(&d)),
        Some(s) => scaled(&d, power_of(s)),
        None => decimal(&d),
    }
}

/// How a matched pattern is written out.
type Say = fn(&Captures<'_>) -> String;
type Rule = (Regex, Say);

static SYMBOLS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"&", "和"),
        (r"(?i)\bvs\.?", "对"),
        (r"\bNo\.\s?(\d)", "第$1"),
        (r"#(\d)", "第$1"),
        (r"(?:°\s?C|℃)", "摄氏度"),
        (r"(?:°\s?F|℉)", "华氏度"),
        (r"°", "度"),
        (r"(\d)\s?\+\s?(\d)", "${1}加${2}"),
        (r"(\d)\+", "${1}多"),
        (r"(\d)\s?[×xX*]\s?(\d)", "${1}乘${2}"),
        (r"\s?=\s?", "等于"),
        (r"(?:约|~|～|≈)\s?(\d)", "约$1"),
    ]
    .into_iter()
    .map(|(p, r)| (re(p), r))
    .collect()
});

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let rules: Vec<(String, Say)> = vec![
        // 2025-12-15 · 2025/12/15 · 2025.12.15
        (
            r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[日号]?".into(),
            |c| {
                let (m, d): (u128, u128) = (c[2].parse().unwrap_or(0), c[3].parse().unwrap_or(0));
                if (1..=12).contains(&m) && (1..=31).contains(&d) {
                    format!("{}年{}月{}日", year_digits(&c[1]), cardinal(m), cardinal(d))
                } else {
                    c[0].to_string()
                }
            },
        ),
        // 2025-2027年 · 2025至2027年
        (
            r"(\d{4})\s*(?:-|–|—|~|～|至|到)\s*(\d{4})\s*年".into(),
            |c| format!("{}到{}年", year_digits(&c[1]), year_digits(&c[2])),
        ),
        // 2027年 · 2025财年
        (r"(\d{4})\s*(年|财年)".into(), |c| {
            format!("{}{}", year_digits(&c[1]), &c[2])
        }),
        // 2:14 · 14:05
        (r"\b(\d{1,2}):(\d{2})\b".into(), |c| {
            let (h, m): (u128, u128) = (c[1].parse().unwrap_or(99), c[2].parse().unwrap_or(99));
            if h > 24 || m > 59 {
                return format!("{}比{}", cardinal(h), cardinal(m));
            }
            let hour = if h == 2 {
                "两".to_string()
            } else {
                cardinal(h)
            };
            match m {
                0 => format!("{hour}点"),
                1..=9 => format!("{hour}点零{}分", cardinal(m)),
                _ => format!("{hour}点{}分", cardinal(m)),
            }
        }),
        // −5 (a minus sign: not after a letter, digit or point)
        (r"(^|[^A-Za-z0-9.])[-−](\d)".into(), |c| {
            format!("{}负{}", &c[1], &c[2])
        }),
        // US$1.4 trillion · $100bn · ¥50 · €3亿
        (
            format!(
                r"(US\$|HK\$|\$|¥|￥|€|£|RMB|CNY|USD|HKD|EUR|GBP)\s?({NUM})(?:\s?(trillion|billion|million|thousand|tn|bn|mn|万亿|亿|万|千)\b|\s?(万亿|亿|万|千))?"
            ),
            |c| {
                let scale = c.get(3).or(c.get(4)).map(|m| m.as_str());
                format!("{}{}", amount(&c[2], scale), currency(&c[1]))
            },
        ),
        // 100 billion USD · 5 million 美元
        (
            format!(
                r"({NUM})\s?(trillion|billion|million|thousand|tn|bn|mn)?\s?(USD|HKD|EUR|GBP|RMB|CNY)\b"
            ),
            |c| {
                format!(
                    "{}{}",
                    amount(&c[1], c.get(2).map(|m| m.as_str())),
                    currency(&c[3])
                )
            },
        ),
        // 2 billion · 1.4 trillion (no currency)
        (
            format!(r"(?i)({NUM})\s?(trillion|billion|million|tn|bn|mn)\b"),
            |c| amount(&c[1], Some(&c[2])),
        ),
        // 38% · 3.5 %
        (format!(r"({NUM})\s?[%％]"), |c| {
            format!("百分之{}", number(&c[1]))
        }),
        (format!(r"({NUM})\s?‰"), |c| {
            format!("千分之{}", number(&c[1]))
        }),
        // 1/3
        (r"\b(\d{1,3})\s?/\s?(\d{1,3})\b".into(), |c| {
            let (n, d): (u128, u128) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
            if n < d && d > 0 {
                format!("{}分之{}", cardinal(d), cardinal(n))
            } else {
                format!("{}比{}", cardinal(n), cardinal(d))
            }
        }),
        // 3-5 · 10~20
        (format!(r"({NUM})\s?(?:-|–|—|~|～)\s?({NUM})"), |c| {
            format!("{}到{}", &c[1], &c[2])
        }),
    ];
    rules.into_iter().map(|(p, f)| (re(&p), f)).collect()
});

/// A number right after a Latin letter (optionally joined by `-` or a space): part of a
/// name like `GPT-5.2`, unless a Chinese unit follows directly (`OpenAI 2027年`).
static LATIN_BOUND: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"([A-Za-z])([-\s]?)({NUM})(.?)")));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"(第?)({NUM})(.?)")));

/// Characters that make a number Chinese even right after a Latin name.
const UNITS: &str = "年月日号亿万千百个位名家次倍岁元%点分秒天周期届款代";
/// Measure words before which 2 is read 两.
const MEASURES: &str = "个位名家次种天件条台本只张点倍周岁年项款场轮期届小分秒亿万千";

/// Writes out numbers and symbols in Chinese text.
pub fn normalize(text: &str) -> String {
    let mut text = super::fold_width(text);
    for (pattern, replacement) in SYMBOLS.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    for (pattern, rule) in RULES.iter() {
        text = pattern.replace_all(&text, rule).into_owned();
    }
    let text = LATIN_BOUND.replace_all(&text, |c: &Captures<'_>| {
        let next = &c[4];
        let token = c[3].trim_end_matches(',');
        let rest = &c[3][token.len()..];
        if next.chars().next().is_some_and(|n| UNITS.contains(n)) {
            // Chinese after all: leave the number for the pass below.
            return c[0].to_string();
        }
        format!("{} {}{rest} {next}", &c[1], super::en::normalize(token))
    });
    let text = NUMBER.replace_all(&text, |c: &Captures<'_>| {
        let ordinal = &c[1];
        let token = c[2].trim_end_matches(',');
        let rest = &c[2][token.len()..];
        let next = &c[3];
        let plain = !token.contains([',', '.']);
        let words = if plain && token.len() > 1 && token.starts_with('0') {
            digits(token)
        } else if token == "2"
            && ordinal.is_empty()
            && next.chars().next().is_some_and(|n| MEASURES.contains(n))
        {
            "两".to_string()
        } else {
            number(token)
        };
        format!("{ordinal}{words}{rest}{next}")
    });
    super::collapse_spaces(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_hanzi() {
        for (n, want) in [
            (0, "零"),
            (2, "二"),
            (10, "十"),
            (15, "十五"),
            (20, "二十"),
            (38, "三十八"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1000, "一千"),
            (1005, "一千零五"),
            (1050, "一千零五十"),
            (2000, "两千"),
            (2200, "两千二百"),
            (10_000, "一万"),
            (12_000, "一万两千"),
            (20_000, "两万"),
            (220_000, "二十二万"),
            (100_010, "十万零一十"),
            (100_000_000, "一亿"),
            (200_000_000, "两亿"),
            (100_010_000, "一亿零一万"),
            (120_000_000, "一亿两千万"),
            (1_400_000_000_000, "一万四千亿"),
            (2_000_000_000, "二十亿"),
        ] {
            assert_eq!(cardinal(n), want, "{n}");
        }
        assert_eq!(digits("2027"), "二零二七");
        assert_eq!(decimal(&Decimal::parse("5.2").unwrap()), "五点二");
        assert_eq!(decimal(&Decimal::parse("0.05").unwrap()), "零点零五");
    }

    #[test]
    fn scales_money_exactly() {
        let d = |s| Decimal::parse(s).unwrap();
        assert_eq!(scaled(&d("1.4"), 12), "一点四万亿");
        assert_eq!(scaled(&d("100"), 9), "一千亿");
        assert_eq!(scaled(&d("2.5"), 6), "二百五十万");
        assert_eq!(scaled(&d("38"), 9), "三百八十亿");
        assert_eq!(scaled(&d("3"), 3), "三千");
        assert_eq!(scaled(&d("1.25"), 9), "十二点五亿");
    }

    #[test]
    fn normalizes_text() {
        let table = [
            ("收入增长38%", "收入增长百分之三十八"),
            ("利润率为3.5%。", "利润率为百分之三点五。"),
            ("投入US$1.4 trillion建设算力", "投入一点四万亿美元建设算力"),
            ("到2027年实现US$100bn收入", "到二零二七年实现一千亿美元收入"),
            ("1000亿美元", "一千亿美元"),
            ("$5的咖啡", "五美元的咖啡"),
            ("融资¥50亿", "融资五十亿元"),
            ("20亿用户", "二十亿用户"),
            ("2 billion users", "二十亿 users"),
            ("版本5.2", "版本五点二"),
            ("OpenAI发布了GPT-5.2", "OpenAI发布了GPT five point two"),
            ("谷歌的Gemini 3来了", "谷歌的Gemini three 来了"),
            ("OpenAI 2027年的目标", "OpenAI 二零二七年的目标"),
            ("GPT-4o很强", "GPT four o很强"),
            ("iPhone 16 Pro", "iPhone sixteen Pro"),
            ("2025-12-15发布", "二零二五年十二月十五日发布"),
            ("12月16日", "十二月十六日"),
            ("2月2日", "二月二日"),
            ("现在是凌晨2点14分", "现在是凌晨两点十四分"),
            ("现在是02:14", "现在是两点十四分"),
            ("10:05开会", "十点零五分开会"),
            ("有2个问题", "有两个问题"),
            ("第2名", "第二名"),
            ("2025-2027年", "二零二五到二零二七年"),
            ("增长3-5倍", "增长三到五倍"),
            ("下降-5%", "下降负百分之五"),
            ("三分之一是1/3", "三分之一是三分之一"),
            ("气温5°C", "气温五摄氏度"),
            ("A&B", "A和B"),
            ("编号007", "编号零零七"),
            ("1,000,000人", "一百万人"),
            ("ＧＰＴ－５", "GPT five"),
            ("No.1的公司", "第一的公司"),
            ("5G网络", "五G网络"),
            ("B200芯片", "B two hundred 芯片"),
            ("约10%", "约百分之十"),
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
            "2025年",
            "9:30",
            "2025-01-02",
            "x1y2",
            "第3",
            "-7",
        ] {
            let out = normalize(input);
            assert!(!out.chars().any(|c| c.is_ascii_digit()), "{input} → {out}");
        }
    }
}
