//! Article extraction: a pure function from a page's bytes to an [`Article`].
//!
//! HTML goes through [`html`]: decoded ([`crate::charset`]), parsed once, its page chrome
//! pruned ([`prune`]), the main content chosen by readability scoring, and rendered to
//! plain-text paragraphs ([`paragraphs`]), a sidebar left at the end of CJK content cut
//! off ([`trim`]); metadata comes from [`metadata`]. Plain text
//! and Markdown go through [`plain`].

mod html;
mod metadata;
mod paragraphs;
mod plain;
mod prune;
mod strip;
mod trim;

use goosepod_core::Article;

pub use metadata::trim_title;

/// The largest page [`extract`] accepts; larger input is refused rather than parsed.
pub const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// An HTML page whose main text is shorter than this (non-whitespace characters) holds
/// no article: what is left is a menu, a login box or an error message.
const MIN_HTML_ARTICLE_CHARS: usize = 25;

/// Why no article could be extracted from a page.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The input had no bytes at all.
    #[error("the page is empty")]
    Empty,
    /// The input is larger than [`MAX_PAGE_BYTES`].
    #[error("the page is {size} bytes, more than the {limit} bytes extraction accepts")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The page parsed, but no article text was found in it.
    #[error("no article text found in the page")]
    NoArticle,
}

/// What kind of document the bytes are, from the content type or a look at the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    PlainText,
    Markdown,
}

impl Kind {
    fn of(content_type: Option<&str>, bytes: &[u8]) -> Self {
        let mime = content_type
            .and_then(|ct| ct.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase());
        match mime.as_deref() {
            Some("text/plain") => Kind::PlainText,
            Some("text/markdown" | "text/x-markdown") => Kind::Markdown,
            Some("text/html" | "application/xhtml+xml") => Kind::Html,
            _ if looks_like_html(bytes) => Kind::Html,
            _ => Kind::PlainText,
        }
    }
}

/// True when the first kilobyte holds an HTML tag that plain text would not.
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<p>",
        b"<div",
    ]
    .iter()
    .any(|tag| head.windows(tag.len()).any(|w| w == *tag))
}

/// Extracts the article from a page.
///
/// `url` is the page's address (for resolving relative links and as a charset hint),
/// `content_type` the HTTP `Content-Type` value if the page came over HTTP. Both may be
/// `None`, e.g. for local files. This function does no I/O and never panics on any input.
pub fn extract(
    bytes: &[u8],
    url: Option<&str>,
    content_type: Option<&str>,
) -> Result<Article, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    if bytes.len() > MAX_PAGE_BYTES {
        return Err(ExtractError::TooLarge {
            size: bytes.len(),
            limit: MAX_PAGE_BYTES,
        });
    }
    let kind = Kind::of(content_type, bytes);
    let article = match kind {
        Kind::Html => html::extract(bytes, url, content_type),
        Kind::PlainText => plain::extract(bytes, url, content_type, false),
        Kind::Markdown => plain::extract(bytes, url, content_type, true),
    };
    let min_chars = if kind == Kind::Html {
        MIN_HTML_ARTICLE_CHARS
    } else {
        1
    };
    if article.text.chars().filter(|c| !c.is_whitespace()).count() < min_chars {
        return Err(ExtractError::NoArticle);
    }
    Ok(article)
}
