//! Article metadata: title, publisher, byline, date, language, canonical URL, image.
//!
//! Pages state these in several places (JSON-LD, Open Graph and other `<meta>` tags,
//! `<link rel=canonical>`, `<html lang>`, the `<title>`); readability's metadata pass
//! reads most of them, and this module fills the gaps and normalises the values.

use std::sync::LazyLock;

use dom_query::{Document, Element};
use jiff::{Timestamp, civil, tz::TimeZone};
use regex::Regex;

/// What the page's `<head>` says about itself, read before the page is pruned.
#[derive(Debug, Default)]
pub(super) struct HeadFacts {
    pub canonical: Option<String>,
    pub og_url: Option<String>,
    pub document_title: Option<String>,
    pub published: Option<String>,
}

/// Reads the head facts readability's metadata pass does not give us, in one walk over
/// the document.
pub(super) fn read_head(doc: &Document) -> HeadFacts {
    let mut values: [Option<Option<String>>; PROBES.len()] = Default::default();
    let mut title = String::new();
    for node in doc.root().descendants_it() {
        let Some(element) = node.element_ref() else {
            continue;
        };
        if &*element.name.local == "title" {
            title.push_str(&node.text());
        }
        for (probe, value) in PROBES.iter().zip(&mut values) {
            if value.is_none() && probe.matches(&element) {
                *value = Some(probe.value_in(&element));
            }
        }
    }
    let [canonical, og_url, published @ ..] = values.map(Option::flatten);
    let title = title.trim();
    HeadFacts {
        canonical,
        og_url,
        document_title: (!title.is_empty()).then(|| title.to_string()),
        published: published.into_iter().flatten().next(),
    }
}

/// An element to look for and the attribute to read from it: the first element (in
/// document order) that matches decides, as with `doc.select(selector).attr(take)`.
struct Probe {
    tag: &'static str,
    /// An attribute the element must have, and its value when one is required.
    has: (&'static str, Option<&'static str>),
    take: &'static str,
}

/// `link[rel=canonical]`, `meta[property='og:url']`, then the published date's places in
/// the order they are trusted.
const PROBES: [Probe; 7] = [
    Probe {
        tag: "link",
        has: ("rel", Some("canonical")),
        take: "href",
    },
    Probe {
        tag: "meta",
        has: ("property", Some("og:url")),
        take: "content",
    },
    Probe {
        tag: "meta",
        has: ("property", Some("article:published_time")),
        take: "content",
    },
    Probe {
        tag: "meta",
        has: ("itemprop", Some("datePublished")),
        take: "content",
    },
    Probe {
        tag: "time",
        has: ("datetime", None),
        take: "datetime",
    },
    Probe {
        tag: "meta",
        has: ("name", Some("pubdate")),
        take: "content",
    },
    Probe {
        tag: "meta",
        has: ("name", Some("publishdate")),
        take: "content",
    },
];

impl Probe {
    /// Matches as the CSS selector does: the attribute without a namespace, its value
    /// compared exactly except `rel`'s, which HTML compares ignoring ASCII case.
    fn matches(&self, element: &Element) -> bool {
        let (name, wanted) = self.has;
        let ignore_case = name == "rel" && &*element.name.ns == HTML_NAMESPACE;
        &*element.name.local == self.tag
            && element.attrs.iter().any(|attr| {
                attr.name.ns.is_empty()
                    && &*attr.name.local == name
                    && wanted.is_none_or(|wanted| {
                        if ignore_case {
                            attr.value.eq_ignore_ascii_case(wanted)
                        } else {
                            &*attr.value == wanted
                        }
                    })
            })
    }

    /// The trimmed value of the attribute to take, if it is there and not blank.
    fn value_in(&self, element: &Element) -> Option<String> {
        element
            .attrs
            .iter()
            .find(|attr| &*attr.name.local == self.take)
            .map(|attr| attr.value.trim().to_string())
            .filter(|value| !value.is_empty())
    }
}

const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// Separators between a headline and the site's name in titles.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", "|", " - ", " – ", " — ", " :: ", " » ", " · ", "_", "—", "–", "－", "｜",
];

/// Removes a site name from the start or end of a page title: `OpenAI Is in Trouble |
/// The Atlantic` → `OpenAI Is in Trouble`, `国务院常务会议_新华网` → `国务院常务会议`.
///
/// A segment is taken to be the site's name when it matches `site_name`, or, without a
/// known site name, when it is much shorter than the rest (a headline is the longest part).
/// Returns the trimmed title and the removed site segment, if any.
pub fn trim_title(title: &str, site_name: Option<&str>) -> (String, Option<String>) {
    let mut title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut site_segment = None;
    // Titles nest: `Headline_Channel_Site`. The first pass removes the site (by name when
    // known); later passes remove short section names.
    for pass in 0..3 {
        let known = if pass == 0 { site_name } else { None };
        match trim_once(&title, known) {
            (trimmed, Some(removed)) => {
                site_segment.get_or_insert(removed);
                title = trimmed;
            }
            _ => break,
        }
    }
    (title, site_segment)
}

/// One pass of [`trim_title`]: removes one site or section segment, if any.
fn trim_once(title: &str, site_name: Option<&str>) -> (String, Option<String>) {
    let site = site_name.map(normalise_name);
    for separator in TITLE_SEPARATORS {
        let parts: Vec<&str> = title.split(separator).map(str::trim).collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
            continue;
        }
        let longest = parts.iter().map(|p| p.chars().count()).max().unwrap_or(0);
        let is_site = |part: &str| match &site {
            Some(site) => {
                let part = normalise_name(part);
                part == *site
                    || (part.len() > 2 && (site.contains(&part) || part.contains(site.as_str())))
            }
            None => looks_like_site_name(part, longest),
        };
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        if is_site(last) && !is_site(first) {
            return (
                parts[..parts.len() - 1].join(separator),
                Some(last.to_string()),
            );
        }
        if site.is_some() && is_site(first) && !is_site(last) && parts.len() == 2 {
            return (last.to_string(), Some(first.to_string()));
        }
    }
    (title.to_string(), None)
}

/// Without a known site name, a short last segment (at most four words, or ten
/// characters of CJK text) next to a longer headline is taken for one.
fn looks_like_site_name(part: &str, longest: usize) -> bool {
    let chars = part.chars().count();
    let short = if part.chars().any(is_cjk) {
        chars <= 10
    } else {
        part.split_whitespace().count() <= 4
    };
    short && chars < longest
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses a published date as pages write it: RFC 3339 or ISO 8601 with or without an
/// offset (a missing offset is read as UTC), or a bare date (midnight UTC).
pub(super) fn parse_date(value: &str) -> Option<Timestamp> {
    let value = value.trim();
    if let Ok(ts) = value.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(zoned) = value.parse::<jiff::ZonedDateTime>() {
        return Some(zoned.timestamp());
    }
    let civil = value
        .replace(' ', "T")
        .parse::<civil::DateTime>()
        .ok()
        .or_else(|| {
            value
                .get(..10)?
                .parse::<civil::Date>()
                .ok()
                .map(|d| d.to_datetime(civil::Time::midnight()))
        })?;
    civil
        .to_zoned_datetime(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Finds a date written in the page's text, e.g. `2010年03月05日 08:12` or `2019-11-20 05:27`,
/// for pages with no machine-readable date. Read as UTC+8 for CJK-style dates (the
/// pages that write them are overwhelmingly Chinese) and UTC otherwise.
pub(super) fn date_in_text(text: &str) -> Option<Timestamp> {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:19|20)\d{2})(年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})日?(?:\s*(\d{1,2}):(\d{2}))?")
            .expect("date pattern is valid")
    });
    let caps = DATE.captures(text)?;
    let number = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i8>().ok());
    let year: i16 = caps[1].parse().ok()?;
    let date = civil::Date::new(year, number(3)?, number(4)?).ok()?;
    let time = civil::Time::new(number(5).unwrap_or(0), number(6).unwrap_or(0), 0, 0).ok()?;
    let zone = if &caps[2] == "年" {
        TimeZone::fixed(jiff::tz::offset(8))
    } else {
        TimeZone::UTC
    };
    date.to_datetime(time)
        .to_zoned_datetime(zone)
        .ok()
        .map(|z| z.timestamp())
}

/// Normalises a language tag to BCP 47 case and separators: `en_us` → `en-US`,
/// `zh-hans-cn` → `zh-Hans-CN`.
pub(super) fn normalise_language(tag: &str) -> Option<String> {
    let parts: Vec<String> = tag
        .trim()
        .split(['-', '_'])
        .filter(|p| !p.is_empty())
        .enumerate()
        .map(|(i, p)| match (i, p.len()) {
            (0, _) => p.to_ascii_lowercase(),
            (_, 2) => p.to_ascii_uppercase(),
            (_, 4) => {
                let mut s = p.to_ascii_lowercase();
                s[..1].make_ascii_uppercase();
                s
            }
            _ => p.to_ascii_lowercase(),
        })
        .collect();
    let primary = parts.first()?;
    (primary.len() >= 2 && primary.len() <= 3 && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| parts.join("-"))
}

/// How much text language detection reads: enough to be reliable, little enough to be
/// cheap on long articles.
const LANGUAGE_SAMPLE_CHARS: usize = 600;

/// Detects the language of `text`, as a BCP 47 primary tag, when detection is reliable.
pub(super) fn detect_language(text: &str) -> Option<String> {
    let sample: String = text.chars().take(LANGUAGE_SAMPLE_CHARS).collect();
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    Some(whatlang_to_bcp47(info.lang()).to_string())
}

/// ISO 639-1 code for a whatlang language (its own codes are ISO 639-3).
fn whatlang_to_bcp47(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Eng => "en",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Spa => "es",
        Por => "pt",
        Fra => "fr",
        Deu => "de",
        Ita => "it",
        Rus => "ru",
        Ukr => "uk",
        Nld => "nl",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Fin => "fi",
        Pol => "pl",
        Ces => "cs",
        Tur => "tr",
        Ara => "ar",
        Heb => "he",
        Hin => "hi",
        Vie => "vi",
        Tha => "th",
        Ind => "id",
        Ell => "el",
        Hun => "hu",
        Ron => "ro",
        other => other.code(),
    }
}

/// Resolves a possibly relative URL against the page's URL.
pub(super) fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if let Ok(url) = url::Url::parse(href) {
        return matches!(url.scheme(), "http" | "https").then(|| url.to_string());
    }
    let base = url::Url::parse(base?).ok()?;
    base.join(href).ok().map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_facts_come_from_the_first_matching_elements() {
        let doc = Document::from(
            r#"<html><head><title> A headline </title>
            <link rel="Canonical" href=" https://example.com/a ">
            <link rel="canonical" href="https://example.com/b">
            <meta property="og:url" content="https://example.com/og">
            <meta name="pubdate" content="2020-01-02"></head>
            <body><time>no date</time><time datetime="2019-05-06">May 6</time></body></html>"#,
        );
        let head = read_head(&doc);
        assert_eq!(head.canonical.as_deref(), Some("https://example.com/a"));
        assert_eq!(head.og_url.as_deref(), Some("https://example.com/og"));
        assert_eq!(head.document_title.as_deref(), Some("A headline"));
        assert_eq!(head.published.as_deref(), Some("2019-05-06"));
    }

    #[test]
    fn site_suffixes_are_trimmed() {
        let cases = [
            (
                "OpenAI Is in Trouble | The Atlantic",
                Some("The Atlantic"),
                "OpenAI Is in Trouble",
            ),
            (
                "OpenAI Is in Trouble - The Atlantic",
                None,
                "OpenAI Is in Trouble",
            ),
            (
                "国务院常务会议部署稳就业工作_新华网",
                Some("新华网"),
                "国务院常务会议部署稳就业工作",
            ),
            (
                "国务院常务会议部署稳就业工作_新华网",
                None,
                "国务院常务会议部署稳就业工作",
            ),
            (
                "BBC News - Storm closes roads across the north",
                Some("BBC News"),
                "Storm closes roads across the north",
            ),
            (
                "Mid-term elections: what to watch",
                None,
                "Mid-term elections: what to watch",
            ),
            (
                "Q&A: The long road - part two",
                Some("Example Times"),
                "Q&A: The long road - part two",
            ),
        ];
        for (title, site, want) in cases {
            assert_eq!(trim_title(title, site).0, want, "{title}");
        }
    }

    #[test]
    fn trimmed_segment_is_returned_as_a_site_name_candidate() {
        assert_eq!(
            trim_title("头条新闻_新浪网", None).1.as_deref(),
            Some("新浪网")
        );
    }

    #[test]
    fn dates_in_several_shapes() {
        let utc = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            parse_date("2019-11-20T05:27:00-06:00"),
            Some(utc("2019-11-20T11:27:00Z"))
        );
        assert_eq!(
            parse_date("2019-11-20T05:27:00.000Z"),
            Some(utc("2019-11-20T05:27:00Z"))
        );
        assert_eq!(
            parse_date("2019-11-20 05:27:00"),
            Some(utc("2019-11-20T05:27:00Z"))
        );
        assert_eq!(parse_date("2019-11-20"), Some(utc("2019-11-20T00:00:00Z")));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn dates_written_in_text() {
        let utc = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            date_in_text("发布时间:2010年03月05日 08:12 来源"),
            Some(utc("2010-03-05T00:12:00Z"))
        );
        assert_eq!(
            date_in_text("Posted 2019-11-20 05:27"),
            Some(utc("2019-11-20T05:27:00Z"))
        );
        assert_eq!(date_in_text("2019-13-45"), None);
        assert_eq!(date_in_text("no date"), None);
    }

    #[test]
    fn language_tags_are_normalised() {
        assert_eq!(normalise_language("en_us").as_deref(), Some("en-US"));
        assert_eq!(
            normalise_language("zh-hans-cn").as_deref(),
            Some("zh-Hans-CN")
        );
        assert_eq!(normalise_language("").as_deref(), None);
        assert_eq!(normalise_language("12").as_deref(), None);
    }

    #[test]
    fn language_is_detected_from_text() {
        let zh = "全国统一电力市场建设取得重要进展,国家发展和改革委员会表示将继续推进改革。";
        assert_eq!(detect_language(zh).as_deref(), Some("zh"));
        let en = "The council approved the new harbour plan on Tuesday after a long public debate.";
        assert_eq!(detect_language(en).as_deref(), Some("en"));
    }

    #[test]
    fn relative_urls_are_resolved() {
        assert_eq!(
            absolute("/img/a.jpg", Some("https://example.com/news/1.html")).as_deref(),
            Some("https://example.com/img/a.jpg")
        );
        assert_eq!(absolute("javascript:alert(1)", None), None);
        assert_eq!(absolute("/x", None), None);
    }
}
