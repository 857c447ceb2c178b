//! Polling a feed: a conditional GET through the guarded fetcher, then parsing.

use url::Url;

use super::{FeedError, ParsedFeed, parse_feed};
use crate::fetch::{FetchError, FetchOutcome, Fetcher};

/// What a poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Polled {
    /// The server answered `304 Not Modified`: nothing new since the validators.
    NotModified,
    /// The feed, with the validators to send next time.
    Feed {
        /// The parsed feed (boxed: `NotModified` is the common answer, and small).
        feed: Box<ParsedFeed>,
        /// The response's `ETag`, for the next poll.
        etag: Option<String>,
        /// The response's `Last-Modified`, for the next poll.
        last_modified: Option<String>,
        /// Where the feed was found, after redirects (links are resolved against it).
        final_url: Url,
    },
}

/// Why a poll failed: the fetch (refused, unreachable, too large, too slow…) or the feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    /// The feed could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The response is not a usable feed.
    #[error(transparent)]
    Feed(#[from] FeedError),
}

/// Fetches the feed at `url` unless it is unchanged since the copy described by `etag`
/// and `last_modified` (the values a previous [`Polled::Feed`] returned), and parses it.
pub async fn poll_feed(
    fetcher: &Fetcher,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Result<Polled, PollError> {
    let fetched = match fetcher.get_conditional(url, etag, last_modified).await? {
        FetchOutcome::NotModified => return Ok(Polled::NotModified),
        FetchOutcome::Fetched(fetched) => fetched,
    };
    let feed = parse_feed(
        &fetched.body,
        &fetched.final_url,
        fetched.content_type.as_deref(),
    )?;
    Ok(Polled::Feed {
        feed: Box::new(feed),
        etag: fetched.etag,
        last_modified: fetched.last_modified,
        final_url: fetched.final_url,
    })
}
