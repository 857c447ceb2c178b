//! The feed's values, checked and put in the form the feed writes them in: text XML can
//! hold, absolute web addresses, whole-second durations, RFC 2822 dates.

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::fmt::rfc2822;
use jiff::tz::TimeZone;
use url::Url;

use super::FeedError;

/// `text` without the characters XML 1.0 forbids (the C0 controls other than tab, line
/// feed and carriage return, and U+FFFE/U+FFFF); everything else is kept as it is and
/// escaped by the writer.
pub(crate) fn xml_text(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed_in_xml) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed_in_xml(c)).collect())
    }
}

/// Whether XML 1.0's `Char` production admits `c` (Rust's `char` never holds a surrogate).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// [`xml_text`] of a text the feed cannot do without: an error names `field` when
/// nothing but white space is left.
pub(crate) fn required_text(field: &str, text: &str) -> Result<String, FeedError> {
    let clean = xml_text(text);
    if clean.trim().is_empty() {
        return Err(FeedError::Empty {
            field: field.to_string(),
        });
    }
    Ok(clean.into_owned())
}

/// `url` as an absolute `http`/`https` address in its normalised form (percent-encoded,
/// host lower-cased), or an error naming `field`.
pub(crate) fn web_url(field: &str, url: &str) -> Result<String, FeedError> {
    let bad = |reason: String| FeedError::BadUrl {
        field: field.to_string(),
        url: url.to_string(),
        reason,
    };
    let parsed = Url::parse(url.trim()).map_err(|error| bad(error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!(
            "the scheme is {}, not http or https",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host".to_string()));
    }
    Ok(parsed.into())
}

/// A duration in seconds as `itunes:duration` writes it: whole seconds, rounded.
pub(crate) fn duration(field: &str, seconds: f64) -> Result<String, FeedError> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(FeedError::BadDuration {
            field: field.to_string(),
            seconds,
        });
    }
    Ok(format!("{:.0}", seconds.round()))
}

/// An instant as an RFC 2822 date in UTC (`Tue, 16 Dec 2025 02:14:00 +0000`), which
/// `pubDate` needs; fractions of a second are dropped.
pub(crate) fn rfc2822_date(field: &str, instant: Timestamp) -> Result<String, FeedError> {
    rfc2822::to_string(&instant.to_zoned_datetime(TimeZone::UTC)).map_err(|source| {
        FeedError::BadDate {
            field: field.to_string(),
            instant,
            source,
        }
    })
}

/// A MIME type (`audio/mpeg`): a type and a subtype of token characters, parameters
/// allowed.
pub(crate) fn mime_type(field: &str, value: &str) -> Result<String, FeedError> {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, subtype)) if token(kind) && token(subtype) => Ok(value.trim().to_string()),
        _ => Err(FeedError::BadMimeType {
            field: field.to_string(),
            value: value.to_string(),
        }),
    }
}

/// A BCP 47 language tag's shape (`en`, `zh-CN`, `zh-Hans-CN`): a two- or three-letter
/// language, then subtags of one to eight letters or digits.
pub(crate) fn language(field: &str, tag: &str) -> Result<String, FeedError> {
    let mut parts = tag.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if language_ok && rest_ok {
        Ok(tag.to_string())
    } else {
        Err(FeedError::BadLanguage {
            field: field.to_string(),
            tag: tag.to_string(),
        })
    }
}

/// An email address's shape: one `@` with text on both sides, no white space or markup.
pub(crate) fn email(field: &str, address: &str) -> Result<String, FeedError> {
    let address = address.trim();
    let ok = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !address
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c))
        }
        None => false,
    };
    if ok {
        Ok(address.to_string())
    } else {
        Err(FeedError::BadEmail {
            field: field.to_string(),
            address: address.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_control_characters_are_removed_and_the_rest_kept() {
        assert_eq!(
            xml_text("a\u{0}b\u{1}c\u{8}d\u{b}e\u{c}f\u{1f}g"),
            "abcdefg"
        );
        assert_eq!(xml_text("x\u{FFFE}y\u{FFFF}z"), "xyz");
        let kept = "tab\tline\nreturn\r & <tag> \"quoted\" '単' 中文 🎙️ \u{7f}\u{85}";
        assert!(matches!(xml_text(kept), Cow::Borrowed(text) if text == kept));
    }

    #[test]
    fn required_text_names_the_field_when_nothing_is_left() {
        assert_eq!(required_text("title", " Goose\u{0} ").unwrap(), " Goose ");
        let error = required_text("episodes[2].title", " \u{1}\u{2} ").unwrap_err();
        assert_eq!(error.to_string(), "episodes[2].title is empty");
    }

    #[test]
    fn only_absolute_http_and_https_urls_pass() {
        assert_eq!(
            web_url("link", "https://Pod.Example.com/a b?q=1&r=2").unwrap(),
            "https://pod.example.com/a%20b?q=1&r=2"
        );
        assert_eq!(
            web_url("link", "http://example.com/feed.xml").unwrap(),
            "http://example.com/feed.xml"
        );
        for (url, reason) in [
            ("/episodes/1/episode.mp3", "relative URL without a base"),
            ("episode.mp3", "relative URL without a base"),
            ("", "relative URL without a base"),
            ("ftp://example.com/a.mp3", "the scheme is ftp"),
            ("file:///tmp/a.mp3", "the scheme is file"),
            ("javascript:alert(1)", "the scheme is javascript"),
            ("https://", "empty host"),
        ] {
            let error = web_url("episodes[0].audio.url", url).unwrap_err();
            let message = error.to_string();
            assert!(
                message.starts_with(&format!(
                    "episodes[0].audio.url: {url:?} is not an absolute http(s) URL"
                )),
                "{message}"
            );
            assert!(message.contains(reason), "{message} should say {reason}");
        }
    }

    #[test]
    fn durations_are_whole_seconds() {
        assert_eq!(duration("d", 0.0).unwrap(), "0");
        assert_eq!(duration("d", 61.4).unwrap(), "61");
        assert_eq!(duration("d", 61.5).unwrap(), "62");
        assert_eq!(duration("d", 3725.97).unwrap(), "3726");
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let error = duration("episodes[1].duration_s", bad).unwrap_err();
            assert!(
                error.to_string().starts_with("episodes[1].duration_s: "),
                "{error}"
            );
        }
    }

    #[test]
    fn dates_are_rfc_2822_in_utc() {
        let instant: Timestamp = "2025-12-15T18:14:09.75+00:00".parse().unwrap();
        assert_eq!(
            rfc2822_date("d", instant).unwrap(),
            "Mon, 15 Dec 2025 18:14:09 +0000"
        );
        let instant: Timestamp = "2026-01-02T02:14:00+08:00".parse().unwrap();
        assert_eq!(
            rfc2822_date("d", instant).unwrap(),
            "Thu, 1 Jan 2026 18:14:00 +0000"
        );
        let error = rfc2822_date("episodes[0].published", Timestamp::MIN).unwrap_err();
        assert!(
            error.to_string().starts_with("episodes[0].published: "),
            "{error}"
        );
    }

    #[test]
    fn mime_types_need_a_type_and_a_subtype() {
        assert_eq!(mime_type("t", "audio/mpeg").unwrap(), "audio/mpeg");
        assert_eq!(
            mime_type("t", "application/json+chapters").unwrap(),
            "application/json+chapters"
        );
        assert_eq!(
            mime_type("t", "text/vtt; charset=utf-8").unwrap(),
            "text/vtt; charset=utf-8"
        );
        for bad in [
            "",
            "audio",
            "audio/",
            "/mpeg",
            "audio/mp eg",
            "audio/mpeg\"x",
        ] {
            assert!(mime_type("t", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn language_tags_and_emails_are_checked_for_shape() {
        for good in ["en", "zh-CN", "zh-Hans-CN", "yue"] {
            assert_eq!(language("l", good).unwrap(), good);
        }
        for bad in ["", "e", "english", "en_US", "zh-", "en-<b>"] {
            assert!(language("l", bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            email("e", " norris@example.com ").unwrap(),
            "norris@example.com"
        );
        for bad in [
            "",
            "norris",
            "@example.com",
            "norris@",
            "a@b@c",
            "nor ris@example.com",
            "<a@b>",
        ] {
            assert!(email("e", bad).is_err(), "{bad:?}");
        }
    }
}
