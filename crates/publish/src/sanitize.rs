//! The original article's markup, made safe to show: only text structure survives.
//!
//! Pages come from anywhere, so their markup is treated as hostile. The allow-list keeps
//! paragraphs, headings, lists, quotes, emphasis, tables and links to `http(s)`/`mailto`
//! addresses; everything else goes: scripts and styles with their contents, event
//! handlers, `style`/`class`/`id` attributes, images (tracking pixels), frames, forms,
//! media and comments. Links open without a referrer, marked `nofollow ugc`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

const TAGS: &[&str] = &[
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "small",
    "mark",
    "sub",
    "sup",
    "q",
    "cite",
    "abbr",
    "code",
    "pre",
    "kbd",
    "hr",
    "a",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
];

/// Elements removed together with everything inside them.
const REMOVED_WITH_CONTENT: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "canvas", "video", "audio", "form", "button", "select", "textarea",
    "head", "title",
];

static TAG_ATTRIBUTES: LazyLock<HashMap<&'static str, HashSet<&'static str>>> =
    LazyLock::new(|| {
        HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            ("abbr", HashSet::from(["title"])),
            ("ol", HashSet::from(["start"])),
            ("td", HashSet::from(["colspan", "rowspan"])),
            ("th", HashSet::from(["colspan", "rowspan", "scope"])),
        ])
    });

/// The article's markup with everything but text structure removed. Relative links are
/// resolved against `base` (the article's address) when it is an absolute `http(s)` URL,
/// and dropped otherwise.
pub fn article_html(html: &str, base: Option<&str>) -> String {
    let base = base
        .and_then(|base| ammonia::Url::parse(base).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"));
    let mut builder = Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(TAG_ATTRIBUTES.clone())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .strip_comments(true)
        .url_relative(match base {
            Some(base) => UrlRelative::RewriteWithBase(base),
            None => UrlRelative::Deny,
        });
    let clean = builder.clean(html).to_string();
    drop_empty_paragraphs(&clean)
}

/// Paragraphs emptied by the cleaning (an image's wrapper, say) and the blank lines left
/// where removed elements stood only add blank space.
fn drop_empty_paragraphs(html: &str) -> String {
    let mut out = html.to_string();
    for empty in ["<p></p>", "<p> </p>", "<p><br></p>"] {
        out = out.replace(empty, "");
    }
    out.lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plain text paragraphs as markup, for articles that came without any (`.txt`, `.md`):
/// every character is escaped.
pub fn text_as_html(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r#"
        <div id="readability-page-1" class="page">
        <p style="color:red" onclick="steal()">Harbor <em>batteries</em> <a href="javascript:alert(1)">click</a>
        <a href="/news/more" onmouseover="x()">more</a> <a href="https://example.org/a" target="_self">out</a></p>
        <script>document.cookie</script><style>body{display:none}</style>
        <img src="https://tracker.example/p.gif" onerror="alert(2)">
        <iframe src="https://evil.example/"></iframe>
        <svg><script>alert(3)</script></svg>
        <form action="https://evil.example/"><input name="q"><button>Go</button></form>
        <!-- a comment -->
        <p><img src="x.png"></p>
        <blockquote cite="https://x">Quote</blockquote>
        <a href="data:text/html,hi">data</a><a href="vbscript:msgbox">vb</a>
        </div>"#;

    #[test]
    fn hostile_markup_loses_everything_active() {
        let clean = article_html(HOSTILE, Some("https://news.example/2025/story.html"));
        for banned in [
            "<script",
            "onclick",
            "onerror",
            "onmouseover",
            "javascript:",
            "style=",
            "<style",
            "<img",
            "<iframe",
            "<svg",
            "<form",
            "<input",
            "<button",
            "document.cookie",
            "alert(",
            "tracker.example",
            "data:",
            "vbscript:",
            "<!--",
            "class=",
            "id=",
            "target=",
        ] {
            assert!(!clean.contains(banned), "`{banned}` survived in {clean}");
        }
        assert!(clean.contains("Harbor <em>batteries</em>"), "{clean}");
        assert!(clean.contains("<blockquote>Quote</blockquote>"), "{clean}");
        assert!(!clean.contains("<p></p>"), "{clean}");
    }

    #[test]
    fn links_are_absolute_and_carry_no_referrer() {
        let clean = article_html(HOSTILE, Some("https://news.example/2025/story.html"));
        assert!(
            clean.contains(r#"<a href="https://news.example/news/more" rel="noopener noreferrer nofollow ugc">more</a>"#),
            "{clean}"
        );
        assert!(clean.contains(r#"href="https://example.org/a""#), "{clean}");
    }

    #[test]
    fn relative_links_without_a_web_base_are_dropped() {
        let clean = article_html(r#"<p><a href="/x">x</a></p>"#, Some("file:///tmp/a.html"));
        assert_eq!(
            clean,
            r#"<p><a rel="noopener noreferrer nofollow ugc">x</a></p>"#
        );
    }

    #[test]
    fn plain_text_is_escaped_into_paragraphs() {
        let html = text_as_html("A <b>bold</b> claim & more.\n\nSecond\nline.\n\n");
        assert_eq!(
            html,
            "<p>A &lt;b&gt;bold&lt;/b&gt; claim &amp; more.</p>\n<p>Second<br>line.</p>"
        );
    }
}
