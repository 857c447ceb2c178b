//! Parsing fixture feeds: RSS with and without GUIDs, Atom with `xml:base`, JSON Feed,
//! GBK, and the documents that are not feeds.

use goosepod_ingest::feed::{FeedError, ParsedFeed, Position, discover_feeds, parse_feed};
use jiff::Timestamp;
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/feeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn parse(name: &str, url: &str) -> ParsedFeed {
    let url = Url::parse(url).unwrap();
    parse_feed(&fixture(name), &url, None).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn at(rfc3339: &str) -> Option<Timestamp> {
    Some(rfc3339.parse().unwrap())
}

fn keys(feed: &ParsedFeed) -> Vec<&str> {
    feed.items.iter().map(|item| item.key.as_str()).collect()
}

#[test]
fn rss2_with_guids() {
    let feed = parse("rss2-guids.xml", "https://news.example.com/feed.xml");
    assert_eq!(feed.title.as_deref(), Some("The Daily Honk & Gander"));
    assert_eq!(
        feed.site_url.as_ref().map(Url::as_str),
        Some("https://news.example.com/")
    );
    assert_eq!(feed.language.as_deref(), Some("en-gb"));
    // The repeated GUID keeps its first item; the item with neither link nor content
    // is dropped.
    assert_eq!(
        keys(&feed),
        [
            "honk-2025-0612",
            "https://news.example.com/2025/06/heron",
            "https://news.example.com/2025/06/permalink",
        ]
    );
    let first = &feed.items[0];
    assert_eq!(
        first.link.as_ref().map(Url::as_str),
        Some("https://news.example.com/2025/06/bike-lanes?utm_source=rss")
    );
    assert_eq!(
        first.title.as_deref(),
        Some("Council approves forty kilometres of new bike lanes")
    );
    assert_eq!(first.published, at("2025-06-12T07:30:00Z"));
    assert_eq!(
        first.summary.as_deref(),
        Some("The plan, stalled for a decade, passed nine to four.")
    );
    assert_eq!(
        first.content_html.as_deref(),
        Some(
            "<p>The city council voted on Tuesday to expand the bike-lane network.</p>\
             <p>Supporters packed the chamber.</p>"
        )
    );
    let heron = &feed.items[1];
    assert_eq!(
        heron.link.as_ref().map(Url::as_str),
        Some("https://news.example.com/2025/06/heron"),
        "a relative link is resolved against the feed's URL"
    );
    assert_eq!(heron.content_html, None);
    assert_eq!(
        feed.items[2].link.as_ref().map(Url::as_str),
        Some("https://news.example.com/2025/06/permalink"),
        "a permalink GUID is the link when there is no other"
    );
}

#[test]
fn rss_without_guids_keys_by_link_then_by_title_and_date() {
    let url = "https://pond.example.org/rss";
    let feed = parse("rss-no-guids.xml", url);
    assert_eq!(feed.items.len(), 2, "{:#?}", feed.items);
    assert_eq!(feed.items[0].key, "https://pond.example.org/ice-late");
    assert_eq!(
        feed.items[0].summary.as_deref(),
        Some("Warm autumn delays freezing.")
    );
    let no_link = &feed.items[1];
    assert_eq!(no_link.link, None);
    assert!(no_link.key.starts_with("sha:"), "{}", no_link.key);
    assert_eq!(
        no_link.content_html.as_deref(),
        Some("<p>The whole story is right here in the feed.</p>")
    );
    // Stable across polls: the same feed parsed again gives the same keys.
    assert_eq!(keys(&parse("rss-no-guids.xml", url)), keys(&feed));
}

#[test]
fn rss1_rdf() {
    let rdf = br#"<?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
          <channel rdf:about="https://rdf.example.com/"><title>RDF geese</title><link>https://rdf.example.com/</link></channel>
          <item rdf:about="https://rdf.example.com/a"><title>A</title><link>https://rdf.example.com/a</link></item>
        </rdf:RDF>"#;
    let url = Url::parse("https://rdf.example.com/index.rdf").unwrap();
    let feed = parse_feed(rdf, &url, Some("application/rdf+xml")).unwrap();
    assert_eq!(feed.title.as_deref(), Some("RDF geese"));
    assert_eq!(feed.items.len(), 1);
    assert_eq!(
        feed.items[0].link.as_ref().map(Url::as_str),
        Some("https://rdf.example.com/a")
    );
}

#[test]
fn rss_090_and_rss_without_a_version() {
    let url = Url::parse("https://old.example.com/rss").unwrap();
    let rss090 = br#"<?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://channel.netscape.com/rdf/simple/0.9/">
          <channel><title>Mozilla Dot Org</title><link>http://www.mozilla.org</link></channel>
          <item><title>New Status Updates</title><link>http://www.mozilla.org/status/</link></item>
        </rdf:RDF>"#;
    let feed = parse_feed(rss090, &url, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Mozilla Dot Org"));
    assert_eq!(keys(&feed), ["http://www.mozilla.org/status/"]);
    let unversioned = br#"<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
        <title>No version</title><item><link>https://old.example.com/a</link></item>
        </channel></rss>"#;
    let feed = parse_feed(unversioned, &url, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("No version"));
    assert_eq!(keys(&feed), ["https://old.example.com/a"]);
}

#[test]
fn atom_with_xml_base_and_relative_links() {
    let feed = parse("atom-xml-base.xml", "https://blog.example.net/feed.atom");
    assert_eq!(feed.title.as_deref(), Some("Le Blog des Oies"));
    assert_eq!(
        feed.site_url.as_ref().map(Url::as_str),
        Some("https://blog.example.net/")
    );
    assert_eq!(
        keys(&feed),
        [
            "tag:blog.example.net,2025:migration",
            "tag:blog.example.net,2019:archive"
        ]
    );
    let first = &feed.items[0];
    assert_eq!(
        first.link.as_ref().map(Url::as_str),
        Some("https://blog.example.net/posts/2025/migration.html"),
        "resolved against the feed's xml:base, and the enclosure is not the link"
    );
    assert_eq!(first.published, at("2025-05-01T04:15:00Z"));
    assert_eq!(
        first.summary.as_deref(),
        Some("Ten thousand geese counted at the lake.")
    );
    assert_eq!(
        first.content_html.as_deref(),
        Some("<p>Ten thousand geese were counted at the lake this spring.</p>")
    );
    let archive = &feed.items[1];
    assert_eq!(
        archive.link.as_ref().map(Url::as_str),
        Some("https://archive.example.net/old/item?id=7"),
        "resolved against the entry's own xml:base"
    );
    assert_eq!(
        archive.published,
        at("2019-03-04T12:00:00Z"),
        "the update time stands in for a missing publication time"
    );
    let content = archive.content_html.as_deref().unwrap();
    assert!(content.contains("<em>old</em>"), "{content}");
}

#[test]
fn json_feed() {
    let feed = parse("feed.json", "https://json.example.com/feed.json");
    assert_eq!(feed.title.as_deref(), Some("Goose JSON"));
    assert_eq!(
        feed.site_url.as_ref().map(Url::as_str),
        Some("https://json.example.com/")
    );
    assert_eq!(feed.language.as_deref(), Some("en-US"));
    assert_eq!(keys(&feed), ["2", "1"]);
    let second = &feed.items[0];
    assert_eq!(second.summary.as_deref(), Some("A short summary."));
    assert_eq!(
        second.content_html.as_deref(),
        Some("<p>Hello, <strong>world</strong>.</p>")
    );
    assert_eq!(second.published, at("2025-04-30T16:00:00Z"));
    let first = &feed.items[1];
    assert_eq!(
        first.link.as_ref().map(Url::as_str),
        Some("https://json.example.com/1")
    );
    assert_eq!(
        first.content_html.as_deref(),
        Some("<p>Plain &amp; simple.</p>\n<p>Two paragraphs.</p>")
    );
    assert_eq!(first.published, at("2025-04-29T08:00:00Z"));
}

#[test]
fn gbk_feed_by_its_declaration_and_by_the_http_charset() {
    let bytes = fixture("gbk.xml");
    let url = Url::parse("http://news.example.cn/rss.xml").unwrap();
    let feed = parse_feed(&bytes, &url, Some("application/rss+xml")).unwrap();
    assert_eq!(feed.title.as_deref(), Some("鹅城日报"));
    assert_eq!(feed.language.as_deref(), Some("zh-cn"));
    assert_eq!(
        feed.items[0].summary.as_deref(),
        Some("市议会以九票对四票通过了扩建计划。")
    );
    assert_eq!(
        feed.items[1].title.as_deref(),
        Some("“喆”字：GB2312 之外的人名用字"),
        "characters outside GB2312 survive"
    );

    // The same feed, its declaration claiming UTF-8, the server saying GBK.
    let declaration_end = bytes.windows(2).position(|w| w == b"?>").unwrap() + 2;
    let mut relabelled = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>".to_vec();
    relabelled.extend_from_slice(&bytes[declaration_end..]);
    let feed = parse_feed(&relabelled, &url, Some("text/xml; charset=GBK")).unwrap();
    assert_eq!(feed.title.as_deref(), Some("鹅城日报"));
    assert_eq!(feed.items.len(), 2);
}

#[test]
fn an_html_page_is_not_a_feed_and_names_its_feeds() {
    let url = Url::parse("https://news.example.com/index.html").unwrap();
    let err = parse_feed(&fixture("page.html"), &url, Some("application/rss+xml")).unwrap_err();
    let FeedError::NotAFeed { discovered, .. } = &err else {
        panic!("{err}");
    };
    let urls: Vec<&str> = discovered.iter().map(|feed| feed.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://news.example.com/feed.xml",
            "https://news.example.com/atom.xml",
            "https://news.example.com/feed.json",
        ]
    );
    assert_eq!(
        err.to_string(),
        "https://news.example.com/index.html is an HTML page, not a feed; it links to these \
         feeds: https://news.example.com/feed.xml, https://news.example.com/atom.xml, \
         https://news.example.com/feed.json"
    );
    let html = String::from_utf8(fixture("page.html")).unwrap();
    assert_eq!(discover_feeds(&html, &url), *discovered);
    assert_eq!(discovered[0].title.as_deref(), Some("The Daily Honk (RSS)"));
}

#[test]
fn broken_xml_says_where_and_why() {
    let url = Url::parse("https://broken.example.com/feed.xml").unwrap();
    let err = parse_feed(&fixture("broken.xml"), &url, None).unwrap_err();
    let FeedError::Malformed {
        format,
        position,
        reason,
        ..
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(*format, "XML");
    assert_eq!(*position, Some(Position { line: 8, column: 5 }), "{err}");
    assert!(
        reason.contains("item") && reason.contains("channel"),
        "{reason}"
    );
    assert!(
        err.to_string()
            .starts_with("https://broken.example.com/feed.xml: malformed XML feed at line 8"),
        "{err}"
    );
}

#[test]
fn an_empty_feed_is_fine() {
    let feed = parse("empty.xml", "https://empty.example.com/feed.xml");
    assert_eq!(feed.title.as_deref(), Some("Nothing yet"));
    assert!(feed.items.is_empty());
}
