//! Adding sources: a feed is fetched and validated when added; a page that is not a feed
//! is taken as a single article if it reads as one.

use goosepod_ingest::feed::{FeedError, parse_feed};
use goosepod_ingest::fetch::Fetched;
use goosepod_store::{NewSource, Source, SourceKind, StoreError, User};
use jiff::SignedDuration;
use url::Url;

use crate::error::Error;
use crate::service::Service;

/// Checks that a user-supplied URL is an absolute http(s) URL (the fetcher's guard checks
/// where it points).
pub fn check_url(text: &str) -> Result<String, Error> {
    let url = Url::parse(text.trim())
        .map_err(|err| Error::BadRequest(format!("{:?} is not a URL: {err}", text.trim())))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::BadRequest(format!(
            "{url} is not a web address (http or https)"
        )));
    }
    Ok(url.to_string())
}

/// Adds a feed or an article link for `user`, after fetching it (once): a clear error if it
/// cannot be fetched, is neither a feed nor an article, or points to a private network.
pub async fn add_source(service: &Service, user: &User, text: &str) -> Result<Source, Error> {
    let url = check_url(text)?;
    let page = service
        .fetcher
        .get(&url)
        .await
        .map_err(|err| Error::BadRequest(err.to_string()))?;
    let (kind, title) = match parse_feed(&page.body, &page.final_url, page.content_type.as_deref())
    {
        Ok(feed) => (SourceKind::Feed, feed.title),
        Err(not_a_feed @ FeedError::NotAFeed { .. }) => match article_title(&page, &url) {
            Some(title) => (SourceKind::Article, Some(title)),
            None => {
                return Err(Error::BadRequest(format!(
                    "{not_a_feed}; it is neither a feed (RSS, Atom, JSON Feed) nor an article"
                )));
            }
        },
        Err(err) => return Err(Error::BadRequest(err.to_string())),
    };
    let now = service.now();
    service
        .store
        .add_source(
            NewSource {
                user_id: user.id,
                url,
                kind,
                title,
                interval_s: service.config.poll_interval.as_secs() as i64,
                next_poll_at: now,
            },
            now,
        )
        .await
        .map_err(|err| match err {
            StoreError::Conflict { .. } => Error::Conflict("you already have this source".into()),
            other => other.into(),
        })
}

/// The shortest poll interval a listener may choose: five minutes.
pub const MIN_INTERVAL_S: i64 = 5 * 60;
/// The longest poll interval a listener may choose: a day.
pub const MAX_INTERVAL_S: i64 = 24 * 60 * 60;

/// Sets how often one of `user`'s feeds is polled. The next poll moves to one interval
/// after the last (or stays put while the feed is backing off after errors).
pub async fn set_interval(
    service: &Service,
    user: &User,
    source_id: i64,
    interval_s: i64,
) -> Result<Source, Error> {
    if !(MIN_INTERVAL_S..=MAX_INTERVAL_S).contains(&interval_s) {
        return Err(Error::BadRequest(format!(
            "a poll interval is between {MIN_INTERVAL_S} and {MAX_INTERVAL_S} seconds, not {interval_s}"
        )));
    }
    let source = service
        .store
        .source(user.id, source_id)
        .await?
        .ok_or(Error::NotFound)?;
    if source.kind == SourceKind::Article {
        return Err(Error::BadRequest(
            "an article link is read once; it is not polled".into(),
        ));
    }
    let next_poll_at = match source.last_polled_at {
        Some(polled) if source.failures == 0 => polled + SignedDuration::from_secs(interval_s),
        _ => source.next_poll_at,
    };
    service
        .store
        .set_source_interval(user.id, source_id, interval_s, next_poll_at)
        .await?;
    Ok(Source {
        interval_s,
        next_poll_at,
        ..source
    })
}

/// The title of the article in a fetched page, if it reads as an article with some text.
fn article_title(page: &Fetched, url: &str) -> Option<String> {
    let article = goosepod_ingest::extract(
        &page.body,
        Some(page.final_url.as_str()),
        page.content_type.as_deref(),
    )
    .ok()?;
    (article.text.chars().count() >= 200).then(|| article.title.unwrap_or_else(|| url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_are_accepted() {
        assert_eq!(
            check_url(" https://example.com/feed ").unwrap(),
            "https://example.com/feed"
        );
        for bad in [
            "example.com/feed",
            "ftp://example.com/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
