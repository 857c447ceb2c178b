//! Adding sources: a feed is fetched and validated when added; a page that is not a feed
//! is taken as a single article if it reads as one.

use goosepod_ingest::feed::{FeedError, parse_feed};
use goosepod_ingest::fetch::Fetched;
use goosepod_store::{NewSource, Source, SourceKind, StoreError, User};
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
