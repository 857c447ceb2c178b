//! Dropping `<script>` and `<style>` elements before parsing.
//!
//! Half the bytes of a typical news page are inline JavaScript and CSS, which never hold
//! article text; skipping them with a byte scan is far cheaper than tokenising them, and
//! every element left out is one fewer node for the parser to build and for pruning and
//! readability scoring to walk. JSON-LD blocks (`<script type="application/ld+json">`)
//! are kept: they carry the article's metadata. The scan ends a script or style where an
//! HTML parser would (at the first `</script` or `</style` followed by a space, `/` or
//! `>`), and steps over comments, so it never changes which markup the parser sees as
//! markup. An element whose end tag is missing, or holds a quote, keeps its tags and
//! loses only its content.

use std::borrow::Cow;

/// Returns `html` without its non-JSON-LD `<script>` and all its `<style>` elements.
pub(super) fn strip_scripts_and_styles(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let open = at + offset;
        let rest = &bytes[open..];
        if rest.starts_with(b"<!--") {
            at = html[open + 4..]
                .find("-->")
                .map_or(html.len(), |end| open + 4 + end + 3);
            continue;
        }
        let Some(element) = raw_text_element(rest) else {
            at = open + 1;
            continue;
        };
        let Some(tag_end) = html[open..].find('>').map(|end| open + end + 1) else {
            break;
        };
        let close = find_end_tag(&html[tag_end..], element.close).map(|c| tag_end + c);
        if element.close == b"</script" && is_json_ld(&html[open..tag_end]) {
            at = close.unwrap_or(html.len());
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        match close.and_then(|close| end_tag_end(html, close, element.close)) {
            Some(element_end) => {
                out.push_str(&html[copied..open]);
                copied = element_end;
                at = element_end;
            }
            None => {
                let close = close.unwrap_or(html.len());
                out.push_str(&html[copied..tag_end]);
                copied = close;
                at = close;
            }
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    }
}

/// An element whose content the parser reads as raw text up to its closing tag.
struct RawTextElement {
    close: &'static [u8],
}

fn raw_text_element(tag: &[u8]) -> Option<RawTextElement> {
    for (open, close) in [(&b"<script"[..], &b"</script"[..]), (b"<style", b"</style")] {
        let name_ends = tag
            .get(open.len())
            .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if tag.len() >= open.len() && tag[..open.len()].eq_ignore_ascii_case(open) && name_ends {
            return Some(RawTextElement { close });
        }
    }
    None
}

fn is_json_ld(open_tag: &str) -> bool {
    open_tag.to_ascii_lowercase().contains("ld+json")
}

/// Where the end tag `close` (`</script` or `</style`, in any case) first stands in
/// `haystack`, followed by what ends a tag name: a space, `/` or `>`. Only the `<`s are
/// visited, found with a fast byte search.
fn find_end_tag(haystack: &str, close: &[u8]) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(offset) = haystack[from..].find('<') {
        let at = from + offset;
        let name_ends = bytes
            .get(at + close.len())
            .is_some_and(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'));
        if name_ends && bytes[at..at + close.len()].eq_ignore_ascii_case(close) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Just past the `>` of the end tag at `close`, unless a quote comes first (an attribute
/// in an end tag, where a quoted `>` would not end it).
fn end_tag_end(html: &str, close: usize, name: &[u8]) -> Option<usize> {
    let after_name = close + name.len();
    let end = after_name + html[after_name..].find(['>', '"', '\''])?;
    (html.as_bytes()[end] == b'>').then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_style_elements_go() {
        let html = "<p>a</p><SCRIPT>var x = '<p>not text</p>';</script><style>p{}</style><p>b</p>";
        assert_eq!(strip_scripts_and_styles(html), "<p>a</p><p>b</p>");
    }

    #[test]
    fn a_script_ends_at_its_end_tag_in_any_case() {
        let html = "<script>if (a <b) x = '<\\/p>';</SCRIPT ><p>text</p>";
        assert_eq!(strip_scripts_and_styles(html), "<p>text</p>");
    }

    #[test]
    fn a_longer_tag_name_does_not_end_a_script() {
        let html = "<script>a = '</scripts>';</script><p>text</p>";
        assert_eq!(strip_scripts_and_styles(html), "<p>text</p>");
    }

    #[test]
    fn an_end_tag_with_a_quote_keeps_the_tags() {
        let html = "<script>x</script a='>'>text";
        assert_eq!(
            strip_scripts_and_styles(html),
            "<script></script a='>'>text"
        );
    }

    #[test]
    fn json_ld_stays() {
        let html = r#"<script type="application/ld+json">{"headline":"x"}</script>"#;
        assert_eq!(strip_scripts_and_styles(html), html);
    }

    #[test]
    fn commented_out_scripts_are_not_scripts() {
        let html = "<!-- <script> --><p>kept</p><script>x</script>";
        assert_eq!(
            strip_scripts_and_styles(html),
            "<!-- <script> --><p>kept</p>"
        );
    }

    #[test]
    fn unclosed_script_runs_to_the_end_like_a_parser() {
        assert_eq!(
            strip_scripts_and_styles("<p>a</p><script>x <p>"),
            "<p>a</p><script>"
        );
    }

    #[test]
    fn similar_tag_names_are_left_alone() {
        let html = "<scripture>text</scripture><styles>more</styles>";
        assert_eq!(strip_scripts_and_styles(html), html);
    }

    #[test]
    fn non_ascii_text_is_kept_intact() {
        let html = "<p>新闻</p><script>“引号”</script><p>正文</p>";
        assert_eq!(strip_scripts_and_styles(html), "<p>新闻</p><p>正文</p>");
    }
}
