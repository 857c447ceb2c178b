//! Dropping the contents of `<script>` and `<style>` before parsing.
//!
//! Half the bytes of a typical news page are inline JavaScript and CSS, which never hold
//! article text; skipping them with a byte scan is far cheaper than tokenising them.
//! JSON-LD blocks (`<script type="application/ld+json">`) are kept: they carry the
//! article's metadata. The scan ends a script or style where an HTML parser would (at
//! the first `</script` or `</style`), and steps over comments, so it never changes
//! which markup the parser sees as markup.

use std::borrow::Cow;

/// Returns `html` with the contents of non-JSON-LD `<script>` and all `<style>` elements
/// removed (the tags themselves stay).
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
        let close = find_tag_ignore_case(&html[tag_end..], element.close)
            .map_or(html.len(), |c| tag_end + c);
        let keep = element.close == b"</script" && is_json_ld(&html[open..tag_end]);
        if !keep && close > tag_end {
            let out = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
            out.push_str(&html[copied..tag_end]);
            copied = close;
        }
        at = close;
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

/// The first place `needle` (which starts with `<`) occurs in `haystack`, ignoring ASCII
/// case; only the `<`s are visited, found with a fast byte search.
fn find_tag_ignore_case(haystack: &str, needle: &[u8]) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(offset) = haystack[from..].find('<') {
        let at = from + offset;
        if bytes[at..]
            .get(..needle.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(needle))
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_style_contents_go() {
        let html = "<p>a</p><SCRIPT>var x = '<p>not text</p>';</script><style>p{}</style><p>b</p>";
        assert_eq!(
            strip_scripts_and_styles(html),
            "<p>a</p><SCRIPT></script><style></style><p>b</p>"
        );
    }

    #[test]
    fn a_script_ends_at_its_closing_tag_in_any_case() {
        let html = "<script>if (a <b) x = '<\\/p>';</SCRIPT ><p>text</p>";
        assert_eq!(
            strip_scripts_and_styles(html),
            "<script></SCRIPT ><p>text</p>"
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
            "<!-- <script> --><p>kept</p><script></script>"
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
        assert_eq!(
            strip_scripts_and_styles(html),
            "<p>新闻</p><script></script><p>正文</p>"
        );
    }
}
