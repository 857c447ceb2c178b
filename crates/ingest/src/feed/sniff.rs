//! What a document is (HTML, XML, JSON), and which feeds an HTML page links to.

use dom_query::Document;
use url::Url;

/// The feed media types `<link rel="alternate" type="…">` may name.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
];

/// Elements that start an HTML page (or a fragment of one) but never a feed.
const HTML_ROOTS: &[&str] = &[
    "html", "head", "body", "meta", "link", "script", "style", "div", "p", "span", "table",
    "title", "a", "img", "iframe", "noscript", "!doctype",
];

/// A feed an HTML page points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFeed {
    /// The feed's absolute address.
    pub url: Url,
    /// The link's `title`, if any (e.g. "Comments", "All stories").
    pub title: Option<String>,
    /// The link's media type, e.g. `application/atom+xml`.
    pub media_type: String,
}

/// What a decoded document looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Html,
    Xml,
    Json,
    Other,
}

/// Looks at the start of `text` (skipping the XML declaration, processing instructions,
/// comments and a non-HTML doctype) to tell an HTML page from XML and JSON.
pub(super) fn sniff(text: &str) -> Kind {
    let mut rest = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if rest.starts_with(['{', '[']) {
        return Kind::Json;
    }
    if !rest.starts_with('<') {
        let head: String = text.chars().take(1024).collect();
        return if head.to_ascii_lowercase().contains("<html") {
            Kind::Html
        } else {
            Kind::Other
        };
    }
    loop {
        rest = rest.trim_start();
        let skip_to = |end: &str| rest.find(end).map(|at| &rest[at + end.len()..]);
        let next = if rest.starts_with("<?") {
            skip_to("?>")
        } else if rest.starts_with("<!--") {
            skip_to("-->")
        } else if starts_with_ignore_case(rest, "<!doctype") {
            let name = rest["<!doctype".len()..].trim_start();
            if starts_with_ignore_case(name, "html") {
                return Kind::Html;
            }
            skip_to(">")
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/'))
                .collect();
            let name = name.to_ascii_lowercase();
            return if HTML_ROOTS.contains(&name.as_str()) {
                Kind::Html
            } else {
                Kind::Xml
            };
        };
        match next {
            Some(next) => rest = next,
            None => return Kind::Xml,
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Whether JSON `text` may be a JSON Feed: it parses with a JSON Feed `version`, or it
/// does not parse but mentions one (a broken feed rather than some other JSON).
pub(super) fn is_json_feed(text: &str) -> bool {
    const VERSION: &str = "https://jsonfeed.org/version/";
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => value
            .get("version")
            .and_then(|version| version.as_str())
            .is_some_and(|version| version.starts_with(VERSION)),
        Err(_) => text.contains("jsonfeed.org/version/"),
    }
}

/// The feeds an HTML page advertises with `<link rel="alternate" type="…">` (RSS, Atom,
/// JSON Feed), resolved against the page's `<base href>` and `page_url`, in page order
/// and without repeats. Only http(s) addresses are returned.
pub fn discover_feeds(html: &str, page_url: &Url) -> Vec<DiscoveredFeed> {
    let doc = Document::from(html);
    let base = doc
        .select("base[href]")
        .attr("href")
        .and_then(|href| page_url.join(href.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let mut found: Vec<DiscoveredFeed> = Vec::new();
    for link in doc.select("link[href][type]").nodes() {
        let attr = |name| link.attr(name).map(|value| value.trim().to_owned());
        let alternate = attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("alternate"))
        });
        let media_type = attr("type").unwrap_or_default().to_ascii_lowercase();
        let media_type = media_type.split(';').next().unwrap_or_default().trim();
        if !alternate || !FEED_TYPES.contains(&media_type) {
            continue;
        }
        let Some(url) = attr("href").and_then(|href| base.join(&href).ok()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || found.iter().any(|f| f.url == url) {
            continue;
        }
        found.push(DiscoveredFeed {
            url,
            title: attr("title").filter(|title| !title.is_empty()),
            media_type: media_type.to_owned(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_told_apart_by_their_start() {
        for (text, kind) in [
            ("<!DOCTYPE html><html><head>", Kind::Html),
            ("\u{FEFF}  <!doctype HTML>", Kind::Html),
            ("<html lang=en>", Kind::Html),
            ("<?xml version=\"1.0\"?>\n<!-- hi -->\n<html>", Kind::Html),
            ("<head><title>x</title>", Kind::Html),
            ("<?xml version=\"1.0\"?><rss version=\"2.0\">", Kind::Xml),
            (
                "<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?><feed>",
                Kind::Xml,
            ),
            ("<!DOCTYPE rss PUBLIC \"-//Netscape\"><rss>", Kind::Xml),
            ("<rdf:RDF xmlns:rdf=\"…\">", Kind::Xml),
            ("  {\"version\": 1}", Kind::Json),
            ("oops <html>", Kind::Html),
            ("plain words", Kind::Other),
            ("", Kind::Other),
            ("<!-- never closed", Kind::Xml),
        ] {
            assert_eq!(sniff(text), kind, "{text}");
        }
    }

    #[test]
    fn alternate_links_are_discovered_and_resolved() {
        let html = r#"<html><head>
            <base href="/news/">
            <link rel="stylesheet" type="text/css" href="a.css">
            <link rel="alternate" type="application/rss+xml" title="All stories" href="rss.xml">
            <link rel="Alternate Feed" type="application/atom+xml; charset=utf-8" href="https://other.example/atom">
            <link rel="alternate" type="application/feed+json" href="feed.json">
            <link rel="alternate" type="application/rss+xml" href="rss.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let page = Url::parse("https://example.com/index.html").unwrap();
        let found = discover_feeds(html, &page);
        let urls: Vec<&str> = found.iter().map(|feed| feed.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.com/news/rss.xml",
                "https://other.example/atom",
                "https://example.com/news/feed.json",
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("All stories"));
        assert_eq!(found[1].media_type, "application/atom+xml");
    }

    #[test]
    fn json_feeds_are_recognised_by_version() {
        assert!(is_json_feed(
            r#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#
        ));
        assert!(!is_json_feed(r#"{"version": "2"}"#));
        assert!(is_json_feed(
            r#"{"version": "https://jsonfeed.org/version/1", "#
        ));
        assert!(!is_json_feed("{oops"));
    }
}
