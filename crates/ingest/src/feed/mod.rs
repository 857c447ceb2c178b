//! Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed, in any character set.
//!
//! [`parse_feed`] turns a feed's bytes into a [`ParsedFeed`]: the channel's title, site
//! and language, and its stories as [`FeedItem`]s with absolute links, plain-text
//! summaries and a [`key`](FeedItem::key) that stays the same from one poll to the next.
//! [`poll_feed`] fetches a feed through the guarded [`Fetcher`](crate::fetch::Fetcher),
//! conditionally, and parses it.
//!
//! Bytes are decoded with [`crate::charset`] (byte order mark, HTTP `charset`, XML
//! declaration, then detection) before the feed parser (`feed-rs`) sees them, so a GBK
//! feed served with a wrong or missing declaration still reads correctly. An HTML page
//! given where a feed was expected is refused with [`FeedError::NotAFeed`], which names
//! the feeds the page links to ([`discover_feeds`]).

mod items;
mod poll;
mod sniff;
mod xml;

use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use jiff::Timestamp;
use url::Url;

use crate::charset;

pub use poll::{PollError, Polled, poll_feed};
pub use sniff::{DiscoveredFeed, discover_feeds};

/// A parsed feed: what the channel says about itself, and its usable stories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    /// The feed's title, as plain text.
    pub title: Option<String>,
    /// The site the feed belongs to (RSS `<link>`, Atom `alternate`, JSON `home_page_url`).
    pub site_url: Option<Url>,
    /// The feed's declared language, e.g. `en-us` or `zh-cn`.
    pub language: Option<String>,
    /// The stories, in feed order, one per [`key`](FeedItem::key).
    pub items: Vec<FeedItem>,
}

/// One story in a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The story's identity within its feed, stable across polls: the GUID (RSS `guid`,
    /// Atom `id`, JSON `id`) if present, else the absolute link, else `sha:` and a hash of
    /// the title and date.
    pub key: String,
    /// The story's address, absolute (resolved against `xml:base` and the feed's URL).
    pub link: Option<Url>,
    /// The headline, as plain text.
    pub title: Option<String>,
    /// When the story was published (or, failing that, last updated), if the feed says.
    pub published: Option<Timestamp>,
    /// The feed's summary or description, as plain text with tags stripped.
    pub summary: Option<String>,
    /// The full article as HTML, when the feed carries it (`content:encoded`, Atom
    /// `content`, JSON `content_html`/`content_text`).
    pub content_html: Option<String>,
}

/// Why bytes could not be read as a feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The bytes are something other than a feed, typically an HTML page.
    #[error("{url} is {what}, not a feed{}", suggestions(.discovered))]
    NotAFeed {
        /// The address the bytes came from.
        url: String,
        /// What the bytes are instead, e.g. "an HTML page".
        what: String,
        /// The feeds the page links to with `<link rel="alternate">`, if it is HTML.
        discovered: Vec<DiscoveredFeed>,
    },
    /// The bytes look like a feed but cannot be parsed.
    #[error("{url}: malformed {format} feed{}: {reason}", at(.position))]
    Malformed {
        /// The address the bytes came from.
        url: String,
        /// `XML` or `JSON`.
        format: &'static str,
        /// Where the parser stopped, if it says.
        position: Option<Position>,
        /// What the parser found wrong.
        reason: String,
    },
}

/// A place in a document: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
}

fn suggestions(discovered: &[DiscoveredFeed]) -> String {
    if discovered.is_empty() {
        return String::new();
    }
    let urls: Vec<&str> = discovered.iter().map(|feed| feed.url.as_str()).collect();
    format!("; it links to these feeds: {}", urls.join(", "))
}

fn at(position: &Option<Position>) -> String {
    position
        .map(|p| format!(" at line {}, column {}", p.line, p.column))
        .unwrap_or_default()
}

/// Parses a feed's bytes fetched from `url`.
///
/// `content_type` is the HTTP `Content-Type` header value, used for its `charset` (a
/// feed's type is recognised from its bytes: servers often label feeds `text/html`).
/// Relative links are resolved against `xml:base` and `url`. Items with neither a link
/// nor content are dropped, and repeated keys keep their first item. A valid feed with
/// no usable items parses to an empty [`ParsedFeed::items`].
pub fn parse_feed(
    bytes: &[u8],
    url: &Url,
    content_type: Option<&str>,
) -> Result<ParsedFeed, FeedError> {
    let text = charset::decode(bytes, content_type, Some(url.as_str())).text;
    let not_a_feed = |what: &str, discovered| FeedError::NotAFeed {
        url: url.to_string(),
        what: what.to_owned(),
        discovered,
    };
    let format = match sniff::sniff(&text) {
        sniff::Kind::Html => {
            return Err(not_a_feed("an HTML page", discover_feeds(&text, url)));
        }
        sniff::Kind::Other => {
            return Err(not_a_feed(
                "neither XML nor JSON (no RSS, Atom or JSON Feed)",
                Vec::new(),
            ));
        }
        sniff::Kind::Xml => "XML",
        sniff::Kind::Json => "JSON",
    };
    let input = if format == "XML" {
        xml::rss_090_as_rss_1(xml::without_declaration(&text))
    } else {
        text.clone()
    };
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url.as_str()))
        // An empty id marks a story without a GUID; `items` chooses its key.
        .id_generator(|_, _, _| String::new())
        .build();
    let parsed = match parser.parse(input.as_bytes()) {
        Err(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot)) if format == "XML" => {
            match xml::with_rss_version(&input) {
                Some(versioned) => parser
                    .parse(versioned.as_bytes())
                    .map_err(|err| parse_error(err, &versioned, url, format)),
                None => Err(parse_error(
                    ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot),
                    &input,
                    url,
                    format,
                )),
            }
        }
        parsed => parsed.map_err(|err| parse_error(err, &input, url, format)),
    };
    parsed.map(|feed| items::convert(feed, url))
}

/// Turns feed-rs's error into a [`FeedError`] that says where and why.
fn parse_error(err: ParseFeedError, input: &str, url: &Url, format: &'static str) -> FeedError {
    let malformed = |position, reason: String| FeedError::Malformed {
        url: url.to_string(),
        format,
        position,
        reason,
    };
    match err {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            let what = match format {
                "XML" => match xml::root_name(input) {
                    Some(root) => format!("an XML document with root <{root}>"),
                    None => "an XML document without a root element".to_owned(),
                },
                _ => "JSON without a JSON Feed version".to_owned(),
            };
            FeedError::NotAFeed {
                url: url.to_string(),
                what,
                discovered: Vec::new(),
            }
        }
        ParseFeedError::JsonSerde(err) if format == "JSON" && !sniff::is_json_feed(input) => {
            FeedError::NotAFeed {
                url: url.to_string(),
                what: format!("JSON but not a JSON Feed ({err})"),
                discovered: Vec::new(),
            }
        }
        ParseFeedError::JsonSerde(err) => {
            let position = (err.line() > 0).then(|| Position {
                line: err.line(),
                column: err.column(),
            });
            malformed(position, err.to_string())
        }
        ParseFeedError::JsonUnsupportedVersion(version) => {
            malformed(None, format!("unsupported JSON Feed version `{version}`"))
        }
        ParseFeedError::XmlReader(err) => match xml::first_error(input) {
            Some((position, reason)) => malformed(Some(position), reason),
            None => malformed(None, err.to_string()),
        },
        other => malformed(None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://example.com/feed.xml").unwrap()
    }

    #[test]
    fn messages_name_the_url_and_the_place() {
        let err = FeedError::Malformed {
            url: url().to_string(),
            format: "XML",
            position: Some(Position { line: 3, column: 7 }),
            reason: "bad".into(),
        };
        assert_eq!(
            err.to_string(),
            "https://example.com/feed.xml: malformed XML feed at line 3, column 7: bad"
        );
        let err = FeedError::NotAFeed {
            url: url().to_string(),
            what: "an HTML page".into(),
            discovered: vec![DiscoveredFeed {
                url: Url::parse("https://example.com/rss").unwrap(),
                title: None,
                media_type: "application/rss+xml".into(),
            }],
        };
        assert_eq!(
            err.to_string(),
            "https://example.com/feed.xml is an HTML page, not a feed; \
             it links to these feeds: https://example.com/rss"
        );
    }

    #[test]
    fn plain_text_is_not_a_feed() {
        let err = parse_feed(b"just some words", &url(), None).unwrap_err();
        assert!(matches!(err, FeedError::NotAFeed { .. }), "{err}");
    }

    #[test]
    fn other_xml_is_not_a_feed() {
        let err = parse_feed(b"<?xml version=\"1.0\"?><svg></svg>", &url(), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "https://example.com/feed.xml is an XML document with root <svg>, not a feed"
        );
    }

    #[test]
    fn other_json_is_not_a_feed() {
        let err = parse_feed(br#"{"hello": "world"}"#, &url(), None).unwrap_err();
        assert!(
            matches!(&err, FeedError::NotAFeed { what, .. } if what.starts_with("JSON but not")),
            "{err}"
        );
    }

    #[test]
    fn broken_json_says_where() {
        let bytes = b"{\"version\": \"https://jsonfeed.org/version/1.1\",\n \"items\": [,]}";
        let err = parse_feed(bytes, &url(), None).unwrap_err();
        let FeedError::Malformed {
            format, position, ..
        } = &err
        else {
            panic!("{err}");
        };
        assert_eq!(*format, "JSON");
        assert_eq!(position.unwrap().line, 2, "{err}");
    }

    #[test]
    fn a_declared_charset_is_honoured_and_the_declaration_ignored_afterwards() {
        // Latin-1 bytes for "Café", declared in the XML declaration.
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\
            <rss version=\"2.0\"><channel><title>Caf"
            .to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"</title></channel></rss>");
        let feed = parse_feed(&bytes, &url(), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Café"));
    }
}
