//! The HTML path of extraction.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use goosepod_core::Article;

use super::{metadata, paragraphs, prune, strip};
use crate::charset;

/// Extracts an article from HTML bytes; the text is empty when the page holds none.
pub(super) fn extract(bytes: &[u8], url: Option<&str>, content_type: Option<&str>) -> Article {
    let decoded = charset::decode(bytes, content_type, url).text;
    let html = strip::strip_scripts_and_styles(&decoded);
    let doc = Document::from(html.as_ref());
    let head = metadata::read_head(&doc);
    prune::remove_chrome(&doc);
    let page_url = url.filter(|u| url::Url::parse(u).is_ok());
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let parsed = Readability::with_document(doc, page_url, Some(config))
        .ok()
        .and_then(|mut r| r.parse().ok());
    let readable = parsed
        .as_ref()
        .map(|parsed| paragraphs::clean_page(&parsed.text_content))
        .filter(|text| !text.is_empty());
    let body = match readable {
        Some(text) => {
            let markup = parsed.as_ref().map(|parsed| parsed.content.to_string());
            Body { text, markup }
        }
        // Readability found no block worth calling an article: take the pruned body.
        None => Body {
            text: fallback_text(&html),
            markup: None,
        },
    };
    assemble(body, parsed, head, url)
}

/// The article body: plain text, and the markup it came from when there is one.
struct Body {
    text: String,
    markup: Option<String>,
}

/// The whole body's text, pruned of chrome, for pages readability gives up on.
fn fallback_text(html: &str) -> String {
    let doc = Document::from(html);
    doc.select("script, style, noscript").remove();
    prune::remove_chrome(&doc);
    paragraphs::clean_page(&doc.select("body").formatted_text())
}

/// Builds the [`Article`] from the text and what the page says about itself.
fn assemble(
    body: Body,
    parsed: Option<dom_smoothie::Article>,
    head: metadata::HeadFacts,
    url: Option<&str>,
) -> Article {
    let Body { text, markup } = body;
    let parsed = parsed.unwrap_or_else(empty_parse);
    let html = markup.filter(|html| !html.trim().is_empty());
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut site_name = nonempty(parsed.site_name);
    let raw_title = nonempty(Some(parsed.title.clone())).or(head.document_title);
    let title = raw_title.map(|raw| {
        let (title, removed) = metadata::trim_title(&raw, site_name.as_deref());
        if site_name.is_none() {
            site_name = removed;
        }
        title
    });
    let published = nonempty(parsed.published_time)
        .or(head.published)
        .and_then(|d| metadata::parse_date(&d))
        .or_else(|| metadata::date_in_text(&text));
    let detected = metadata::detect_language(&text);
    let language = nonempty(parsed.lang)
        .and_then(|l| metadata::normalise_language(&l))
        .filter(|declared| agrees(declared, detected.as_deref()))
        .or(detected);
    let canonical = head
        .canonical
        .or(head.og_url)
        .or(nonempty(parsed.url))
        .and_then(|href| metadata::absolute(&href, url))
        .or_else(|| url.map(str::to_string));
    let text = without_headline(text, title.as_deref());
    Article {
        title,
        site_name: site_name.or_else(|| url.and_then(host_name)),
        byline: nonempty(parsed.byline).map(|b| clean_byline(&b)),
        published,
        language,
        image: nonempty(parsed.image).and_then(|i| metadata::absolute(&i, url)),
        url: canonical,
        text,
        html,
    }
}

/// Drops the headline where it opens the text: it is the article's title, not its body.
fn without_headline(text: String, title: Option<&str>) -> String {
    let Some(title) = title.map(comparable).filter(|t| !t.is_empty()) else {
        return text;
    };
    let first = text.split("\n\n").next().unwrap_or_default();
    let first_comparable = comparable(first);
    let (shorter, longer) = if first_comparable.len() < title.len() {
        (&first_comparable, &title)
    } else {
        (&title, &first_comparable)
    };
    let is_headline = !shorter.is_empty()
        && longer.starts_with(shorter.as_str())
        && longer.chars().count() <= shorter.chars().count() + 8;
    match (is_headline, text.split_once("\n\n")) {
        (true, Some((_, rest))) => rest.to_string(),
        _ => text,
    }
}

/// Letters and digits only, lower-cased, for comparing a headline with a line.
fn comparable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A declared language is kept unless the text is reliably in another one: templates
/// often say `lang="en"` around Chinese articles.
fn agrees(declared: &str, detected: Option<&str>) -> bool {
    let primary = declared.split('-').next().unwrap_or(declared);
    detected.is_none_or(|detected| detected == primary)
}

fn clean_byline(byline: &str) -> String {
    let byline = byline.split_whitespace().collect::<Vec<_>>().join(" ");
    byline
        .strip_prefix("By ")
        .or_else(|| byline.strip_prefix("by "))
        .unwrap_or(&byline)
        .to_string()
}

/// The host of a URL without a leading `www.`, as a last-resort site name.
fn host_name(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?;
    Some(host.strip_prefix("www.").unwrap_or(host).to_string())
}

fn empty_parse() -> dom_smoothie::Article {
    dom_smoothie::Article {
        title: String::new(),
        byline: None,
        content: Default::default(),
        text_content: Default::default(),
        length: 0,
        excerpt: None,
        site_name: None,
        dir: None,
        lang: None,
        published_time: None,
        modified_time: None,
        image: None,
        favicon: None,
        url: None,
    }
}
