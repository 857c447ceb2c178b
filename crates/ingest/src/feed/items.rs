//! From feed-rs's model to ours: absolute links, plain text, stable keys.

use std::collections::HashSet;
use std::hash::Hasher;

use dom_query::Document;
use feed_rs::model::{Content, Entry, Feed, Link, Text};
use jiff::Timestamp;
use siphasher::sip::SipHasher13;
use url::Url;

use super::{FeedItem, ParsedFeed};

/// Link relations that point somewhere other than the story (or site) itself.
fn is_alternate(link: &Link) -> bool {
    let rel_ok = link
        .rel
        .as_deref()
        .is_none_or(|rel| rel.trim().eq_ignore_ascii_case("alternate"));
    let type_ok = link.media_type.as_deref().is_none_or(|media_type| {
        let media_type = media_type.to_ascii_lowercase();
        media_type.starts_with("text/html") || media_type.starts_with("application/xhtml")
    });
    rel_ok && type_ok
}

/// `href` made absolute against `base`, if it is an http(s) address.
fn absolute(href: &str, base: &Url) -> Option<Url> {
    let url = base.join(href.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

pub(super) fn convert(feed: Feed, url: &Url) -> ParsedFeed {
    let site_url = feed
        .links
        .iter()
        .filter(|link| is_alternate(link))
        .filter_map(|link| absolute(&link.href, url))
        .find(|site| site != url);
    let mut seen = HashSet::new();
    let items = feed
        .entries
        .into_iter()
        .filter_map(|entry| item(entry, url))
        .filter(|item| seen.insert(item.key.clone()))
        .collect();
    ParsedFeed {
        title: feed.title.as_ref().and_then(plain),
        site_url,
        language: feed
            .language
            .map(|language| language.trim().to_owned())
            .filter(|language| !language.is_empty()),
        items,
    }
}

/// One entry as a [`FeedItem`], or `None` when it has neither a link nor content.
fn item(entry: Entry, url: &Url) -> Option<FeedItem> {
    let guid = Some(entry.id.trim()).filter(|id| !id.is_empty());
    let link = entry
        .links
        .iter()
        .filter(|link| is_alternate(link))
        .find_map(|link| absolute(&link.href, url))
        // An RSS `guid` is often the permalink, and the only address given.
        .or_else(|| guid.and_then(|guid| Url::parse(guid).ok()))
        .filter(|link| matches!(link.scheme(), "http" | "https"));
    let content_html = entry.content.as_ref().and_then(content_html);
    if link.is_none() && content_html.is_none() {
        return None;
    }
    let title = entry.title.as_ref().and_then(plain);
    let published = entry
        .published
        .or(entry.updated)
        .and_then(|at| Timestamp::new(at.timestamp(), at.timestamp_subsec_nanos() as i32).ok());
    let summary = entry.summary.as_ref().and_then(plain);
    let key = match (guid, &link) {
        (Some(guid), _) => guid.to_owned(),
        (None, Some(link)) => link.to_string(),
        (None, None) => hashed_key(title.as_deref(), published, content_html.as_deref()),
    };
    Some(FeedItem {
        key,
        link,
        title,
        published,
        summary,
        content_html,
    })
}

/// `sha:` and a SipHash-1-3 (fixed keys, so stable across runs and releases) of the
/// title and date; of the content too when both are missing.
fn hashed_key(title: Option<&str>, published: Option<Timestamp>, content: Option<&str>) -> String {
    let mut hasher = SipHasher13::new_with_keys(0x676f_6f73_6570_6f64, 0x6665_6564_6b65_7973);
    let date = published.map(|at| at.to_string());
    let mut parts = vec![
        title.unwrap_or_default(),
        date.as_deref().unwrap_or_default(),
    ];
    if title.is_none() && published.is_none() {
        parts.push(content.unwrap_or_default());
    }
    for part in parts {
        hasher.write(part.as_bytes());
        hasher.write_u8(0xFF);
    }
    format!("sha:{:016x}", hasher.finish())
}

/// Whether a feed text or content is HTML (Atom `type="html"`/`"xhtml"`, RSS
/// descriptions, JSON `content_html`).
fn is_html(media_type: &str) -> bool {
    media_type.to_ascii_lowercase().contains("html")
}

/// A feed text as plain text: tags stripped when it is HTML, whitespace folded.
fn plain(text: &Text) -> Option<String> {
    let content = if is_html(text.content_type.as_ref()) {
        html_to_text(&text.content)
    } else if text.content.contains('&') && text.content.contains(';') {
        // Plain text that still carries HTML entities (`&#8211;`, `&amp;amp;`), as many
        // feeds' titles do: decode them, keeping any `<` as text.
        html_to_text(&text.content.replace('<', "&lt;"))
    } else {
        text.content.clone()
    };
    let folded = content.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// The text of an HTML fragment, without scripts and styles.
pub(super) fn html_to_text(html: &str) -> String {
    let doc = Document::fragment(html);
    doc.select("script, style, noscript").remove();
    doc.formatted_text().to_string()
}

/// An entry's full content as HTML: HTML as given, plain text escaped into paragraphs;
/// other media (images, audio) and empty bodies are not content.
fn content_html(content: &Content) -> Option<String> {
    let body = content.body.as_deref()?.trim();
    if body.is_empty() {
        return None;
    }
    let media_type: &str = content.content_type.as_ref();
    if is_html(media_type) {
        return Some(body.to_owned());
    }
    if !media_type.starts_with("text/plain") {
        return None;
    }
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| format!("<p>{}</p>", escape(paragraph)))
        .collect();
    Some(paragraphs.join("\n"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_keys_are_stable_and_distinct() {
        let at = Some(Timestamp::from_second(1_700_000_000).unwrap());
        let a = hashed_key(Some("Geese fly south"), at, Some("x"));
        assert_eq!(a, hashed_key(Some("Geese fly south"), at, Some("y")));
        assert_ne!(a, hashed_key(Some("Geese fly north"), at, None));
        assert_ne!(a, hashed_key(Some("Geese fly south"), None, None));
        assert_ne!(
            hashed_key(None, None, Some("a")),
            hashed_key(None, None, Some("b"))
        );
        // Pinned: keys are stored between polls, so the hash must never change.
        assert_eq!(hashed_key(Some("t"), None, None), "sha:fcbd09352e18be80");
        assert!(a.starts_with("sha:") && a.len() == 20, "{a}");
    }

    #[test]
    fn html_becomes_plain_text() {
        let text = html_to_text("<p>One <b>bold</b> &amp; true.</p><script>x()</script><p>Two</p>");
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(folded, "One bold & true. Two");
    }

    #[test]
    fn entities_left_in_plain_text_are_decoded() {
        let text = |content: &str| {
            plain(&Text {
                content_type: "text/plain".parse().unwrap(),
                src: None,
                content: content.to_owned(),
            })
        };
        assert_eq!(
            text("Blog &#8211; x<y &amp; AT&T;").as_deref(),
            Some("Blog – x<y & AT&T;")
        );
        assert_eq!(text("a <b>c</b>").as_deref(), Some("a <b>c</b>"));
        assert_eq!(text("  \n ").as_deref(), None);
    }

    #[test]
    fn plain_content_is_escaped_into_paragraphs() {
        let content = Content {
            body: Some("a < b\n\nc & d".into()),
            content_type: "text/plain".parse().unwrap(),
            length: None,
            src: None,
        };
        assert_eq!(
            content_html(&content).as_deref(),
            Some("<p>a &lt; b</p>\n<p>c &amp; d</p>")
        );
    }
}
