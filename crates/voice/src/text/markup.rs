//! Removing everything that is markup, so it is never spoken: HTML/XML tags and
//! entities, Markdown syntax, link targets and bare URLs, footnote marks, emoji and
//! other pictographs, control characters. What remains is the text a person would read
//! aloud, on one line.

use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

static SCRIPT_STYLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>"));
static COMMENT: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)<!--.*?-->"));
static TAG: LazyLock<Regex> =
    LazyLock::new(|| re(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>"));
static ENTITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});"));
static FENCE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(```|~~~).*$"));
static IMAGE: LazyLock<Regex> = LazyLock::new(|| re(r"!\[[^\]]*\]\([^)]*\)"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| re(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]"));
static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| re(r"\[\^?[0-9]{1,3}\]|\[\^[^\]]+\]"));
static URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:https?://|\bwww\.)[^\s<>\p{Han}，。！？；：、“”（）]+"));
static LINE_MARKS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*(?:#{1,6}[ \t]+|>+[ \t]?|[-*+•·][ \t]+|[0-9]{1,2}[.)][ \t]+|(?:[-*_][ \t]*){3,}$)",
    )
});
static TABLE_RULE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*\|?[ \t:|-]*-{3,}[ \t:|-]*$"));
static STRONG: LazyLock<Regex> = LazyLock::new(|| re(r"\*\*(.+?)\*\*|__(.+?)__|~~(.+?)~~"));
static EMPHASIS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\*([^*\s](?:[^*]*[^*\s])?)\*|(?:^|\b|\s)_([^_\s](?:[^_]*[^_\s])?)_"));
static CODE: LazyLock<Regex> = LazyLock::new(|| re(r"`+([^`]*)`+"));

/// The readable text of `text`, on one line.
pub fn strip(text: &str) -> String {
    let text = SCRIPT_STYLE.replace_all(text, " ");
    let text = COMMENT.replace_all(&text, " ");
    // Entities first, so that escaped tags (`&lt;b&gt;`) are removed as tags too.
    let text = ENTITY.replace_all(&text, |caps: &regex::Captures<'_>| {
        decode_entity(&caps[1]).map_or_else(|| caps[0].to_string(), String::from)
    });
    let text = TAG.replace_all(&text, " ");
    let text = FENCE.replace_all(&text, " ");
    let text = IMAGE.replace_all(&text, " ");
    let text = LINK.replace_all(&text, |caps: &regex::Captures<'_>| {
        caps.get(1)
            .or(caps.get(2))
            .map_or("", |m| m.as_str())
            .to_string()
    });
    let text = FOOTNOTE.replace_all(&text, "");
    let text = URL.replace_all(&text, " ");
    let text = TABLE_RULE.replace_all(&text, " ");
    let text = LINE_MARKS.replace_all(&text, "");
    let text = STRONG.replace_all(&text, |caps: &regex::Captures<'_>| {
        (1..=3)
            .find_map(|i| caps.get(i))
            .map_or("", |m| m.as_str())
            .to_string()
    });
    let text = EMPHASIS.replace_all(&text, |caps: &regex::Captures<'_>| {
        let whole = &caps[0];
        let lead = if whole.starts_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        let inner = caps.get(1).or(caps.get(2)).map_or("", |m| m.as_str());
        format!("{lead}{inner}")
    });
    let text = CODE.replace_all(&text, "$1");

    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_pictograph(c) || is_invisible(c) {
            continue;
        }
        match c {
            // Leftover Markdown punctuation is never read aloud.
            '*' | '`' | '|' | '\\' => out.push(' '),
            '#' if !chars.peek().is_some_and(|n| n.is_ascii_digit()) => out.push(' '),
            '_' => out.push(' '),
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    super::collapse_spaces(&out)
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "middot" => '·',
        "times" => '×',
        "deg" => '°',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    })
}

/// Emoji, pictographs and their modifiers.
pub fn is_pictograph(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' // emoji, pictographs, symbols, flags, skin tones
        | '\u{2600}'..='\u{27BF}' // miscellaneous symbols and dingbats
        | '\u{2B00}'..='\u{2BFF}' // arrows and stars used as emoji
        | '\u{2190}'..='\u{21FF}' // arrows
        | '\u{2300}'..='\u{23FF}' // technical symbols (⌚ ⏰ …)
        | '\u{25A0}'..='\u{25FF}' // geometric shapes
        | '\u{E0000}'..='\u{E007F}' // tag characters (flag sequences)
        | '\u{20E3}' // combining keycap
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '©' | '®' | '™')
}

/// Characters that print nothing: joiners, variation selectors, bidi controls.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{00AD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup() {
        let table = [
            ("plain text", "plain text"),
            ("<b>Bold</b> and <i>italic</i>", "Bold and italic"),
            ("<p>One</p><p>Two</p>", "One Two"),
            ("a <br/> b", "a b"),
            ("<script>alert(1)</script>Hi", "Hi"),
            ("x <!-- note --> y", "x y"),
            ("&lt;b&gt;escaped&lt;/b&gt; &amp; more", "escaped & more"),
            ("AT&amp;T &#8212; &#x4E2D;", "AT&T — 中"),
            ("**重要**的是 __this__", "重要的是 this"),
            ("*emphasis* and _this_ too", "emphasis and this too"),
            ("snake_case_name stays", "snake case name stays"),
            ("~~gone~~ kept", "gone kept"),
            ("`code` here", "code here"),
            ("```rust\nlet x = 1;\n```", "let x = 1;"),
            (
                "see [the report](https://example.com/r) now",
                "see the report now",
            ),
            ("![chart](img.png) Revenue", "Revenue"),
            ("visit https://openai.com/blog?x=1 today", "visit today"),
            ("详情见https://example.com/a，谢谢", "详情见，谢谢"),
            (
                "# Heading\n> quote\n- item one\n* item two\n1. first",
                "Heading quote item one item two first",
            ),
            ("text[1] and more[^2]", "text and more"),
            ("| a | b |\n|---|---|", "a b"),
            ("Great news 🎉🚀! 太棒了😂👍🏽", "Great news! 太棒了"),
            ("Family 👨‍👩‍👧 flag 🇨🇳 keycap 1️⃣", "Family flag keycap 1"),
            ("zero\u{200B}width\u{FEFF} joiners", "zerowidth joiners"),
            ("tab\tand\nnewline\r\n", "tab and newline"),
            ("3 < 5 and 7 > 2", "3 < 5 and 7 > 2"),
            ("#1 hit, #tag", "#1 hit, tag"),
            ("你好 ， 世界 。", "你好， 世界。"),
        ];
        for (input, want) in table {
            assert_eq!(strip(input), want, "{input:?}");
        }
    }

    #[test]
    fn nothing_markup_survives() {
        let messy = "## **Title** <em>x</em> [link](http://a.b) `c` ~~d~~ 😀 &nbsp; ---";
        let out = strip(messy);
        for bad in [
            "#", "*", "<", ">", "[", "](", "`", "~~", "http", "😀", "&nbsp;",
        ] {
            assert!(!out.contains(bad), "{bad:?} in {out:?}");
        }
    }
}
