//! Polling sources: feeds with conditional GET and backoff, article links once. Every new
//! item becomes a story (one per article, however many feeds carry it) and a candidate
//! for the source's owner, scored by their topics and the story's freshness.

use goosepod_core::Article;
use goosepod_ingest::feed::{FeedItem, Polled};
use goosepod_store::{NewStory, PollResult, Source, SourceKind, User};
use jiff::{SignedDuration, Timestamp};

use crate::error::Error;
use crate::service::Service;

/// New items taken from one poll of a feed (newest first); older ones are marked seen.
pub const ITEMS_PER_POLL: usize = 10;
/// The longest wait between polls of a failing feed.
pub const MAX_BACKOFF: SignedDuration = SignedDuration::from_hours(24);
/// How far back a new story is compared with stored ones for near-duplicates.
pub const DUPLICATE_WINDOW: SignedDuration = SignedDuration::from_hours(24 * 7);

/// What one polling round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PollReport {
    /// Sources polled.
    pub sources: usize,
    /// Sources whose poll failed.
    pub failed: usize,
    /// New stories offered to listeners.
    pub new_candidates: usize,
}

/// Polls every due source (of one user, or all). One failing source never stops the
/// others: its error is recorded on it.
pub async fn poll_due(service: &Service, only: Option<i64>) -> Result<PollReport, Error> {
    let now = service.now();
    let mut report = PollReport::default();
    for source in service.store.due_sources(only, now).await? {
        let Some(user) = service.store.user(source.user_id).await? else {
            continue;
        };
        report.sources += 1;
        match poll_source(service, &user, &source).await {
            Ok(found) => report.new_candidates += found,
            Err(message) => {
                report.failed += 1;
                tracing::warn!(source = source.id, url = %source.url, error = %message, "poll failed");
                let next_poll_at = now + backoff(&source);
                service
                    .store
                    .record_poll(
                        source.id,
                        &PollResult::Failed {
                            error: message,
                            next_poll_at,
                        },
                        now,
                    )
                    .await?;
            }
        }
    }
    Ok(report)
}

/// The wait before retrying a source that has failed `failures + 1` times in a row.
fn backoff(source: &Source) -> SignedDuration {
    let base = SignedDuration::from_secs(source.interval_s.clamp(60, 86_400));
    let factor = 1i32 << source.failures.clamp(0, 6);
    (base / 4 * factor).min(MAX_BACKOFF)
}

/// Polls one source; `Err` carries the message shown on the sources page.
async fn poll_source(service: &Service, user: &User, source: &Source) -> Result<usize, String> {
    let now = service.now();
    let interval = SignedDuration::from_secs(source.interval_s.max(60));
    match source.kind {
        SourceKind::Article => {
            let story = story_from_link(service, &source.url, None)
                .await
                .map_err(|err| err.to_string())?;
            let found = offer(service, user, story.0, &story.1)
                .await
                .map_err(|e| e.to_string())?;
            let done = PollResult::Ok {
                etag: None,
                last_modified: None,
                title: story.1.title.clone(),
                // An article is fetched once.
                next_poll_at: now + SignedDuration::from_hours(24 * 365 * 10),
            };
            service
                .store
                .record_poll(source.id, &done, now)
                .await
                .map_err(|e| e.to_string())?;
            Ok(usize::from(found))
        }
        SourceKind::Feed => {
            let polled = goosepod_ingest::feed::poll_feed(
                &service.fetcher,
                &source.url,
                source.etag.as_deref(),
                source.last_modified.as_deref(),
            )
            .await
            .map_err(|err| err.to_string())?;
            let (title, etag, last_modified, found) = match polled {
                Polled::NotModified => (None, source.etag.clone(), source.last_modified.clone(), 0),
                Polled::Feed {
                    feed,
                    etag,
                    last_modified,
                    ..
                } => {
                    let found = take_items(service, user, source, feed.items)
                        .await
                        .map_err(|e| e.to_string())?;
                    (feed.title, etag, last_modified, found)
                }
            };
            let ok = PollResult::Ok {
                etag,
                last_modified,
                title,
                next_poll_at: now + interval,
            };
            service
                .store
                .record_poll(source.id, &ok, now)
                .await
                .map_err(|e| e.to_string())?;
            Ok(found)
        }
    }
}

/// Turns a feed's unseen items into stories and candidates. An item whose article cannot
/// be fetched or read is recorded with its error and not tried again.
async fn take_items(
    service: &Service,
    user: &User,
    source: &Source,
    mut items: Vec<FeedItem>,
) -> Result<usize, Error> {
    let now = service.now();
    items.sort_by_key(|item| std::cmp::Reverse(item.published));
    let mut found = 0;
    let mut taken = 0;
    for item in items {
        if service.store.item_seen(source.id, &item.key).await? {
            continue;
        }
        if taken == ITEMS_PER_POLL {
            service
                .store
                .record_item(
                    source.id,
                    &item.key,
                    None,
                    Some("older than the newest items taken"),
                    now,
                )
                .await?;
            continue;
        }
        taken += 1;
        let Some(link) = item.link.as_ref().map(|l| l.to_string()) else {
            service
                .store
                .record_item(
                    source.id,
                    &item.key,
                    None,
                    Some("the item has no link"),
                    now,
                )
                .await?;
            continue;
        };
        match story_from_link(service, &link, Some(&item)).await {
            Ok((story_id, article)) => {
                service
                    .store
                    .record_item(source.id, &item.key, Some(story_id), None, now)
                    .await?;
                if offer(service, user, story_id, &article).await? {
                    found += 1;
                }
            }
            Err(err) => {
                tracing::info!(url = %link, error = %err, "item skipped");
                service
                    .store
                    .record_item(source.id, &item.key, None, Some(&err.to_string()), now)
                    .await?;
            }
        }
    }
    Ok(found)
}

/// The story at `link`: the stored one with this URL, a stored near-duplicate, or a new
/// one fetched and extracted (from the feed's own content if the page cannot be had).
pub(crate) async fn story_from_link(
    service: &Service,
    link: &str,
    item: Option<&FeedItem>,
) -> Result<(i64, Article), Error> {
    if let Some(story) = service.store.story_by_url(link).await? {
        return Ok((story.id, article_of(&story.article)?));
    }
    let fetched = service.fetcher.get(link).await;
    let mut article = match fetched {
        Ok(page) => goosepod_ingest::extract(
            &page.body,
            Some(page.final_url.as_str()),
            page.content_type.as_deref(),
        )
        .map_err(|err| Error::BadRequest(format!("cannot read an article at {link}: {err}"))),
        Err(err) => Err(Error::BadRequest(format!("cannot fetch {link}: {err}"))),
    };
    if article.is_err()
        && let Some(html) = item.and_then(|item| item.content_html.as_deref())
    {
        let page = format!("<html><body><article>{html}</article></body></html>");
        if let Ok(from_feed) = goosepod_ingest::extract(
            page.as_bytes(),
            Some(link),
            Some("text/html; charset=utf-8"),
        ) {
            article = Ok(from_feed);
        }
    }
    let mut article = article?;
    if let Some(item) = item {
        if article.title.is_none() {
            article.title = item.title.clone();
        }
        if article.published.is_none() {
            article.published = item.published;
        }
    }
    article.url = Some(link.to_owned());
    let fingerprint = goosepod_ingest::similar::fingerprint(&article.text);
    let now = service.now();
    for (id, other) in service
        .store
        .fingerprints_since(now - DUPLICATE_WINDOW)
        .await?
    {
        if goosepod_ingest::similar::is_near_duplicate(fingerprint, other)
            && let Some(story) = service.store.story(id).await?
        {
            return Ok((story.id, article_of(&story.article)?));
        }
    }
    let json = serde_json::to_string(&article).map_err(|err| Error::Internal(err.to_string()))?;
    let id = service
        .store
        .insert_story(NewStory {
            url: link.to_owned(),
            title: article.title.clone().unwrap_or_else(|| link.to_owned()),
            language: article.language.clone(),
            published_at: article.published,
            fingerprint,
            article: json,
            fetched_at: now,
        })
        .await?;
    Ok((id, article))
}

fn article_of(json: &str) -> Result<Article, Error> {
    serde_json::from_str(json).map_err(|err| Error::Internal(format!("stored article: {err}")))
}

/// Offers a story to a listener if it is in their show's language; the score is the
/// topic match plus freshness. Returns whether it was offered.
async fn offer(
    service: &Service,
    user: &User,
    story_id: i64,
    article: &Article,
) -> Result<bool, Error> {
    if !same_language(article.language.as_deref(), &user.settings.language) {
        return Ok(false);
    }
    let matches = goosepod_ingest::topics::tag(
        article.title.as_deref().unwrap_or_default(),
        &article.text,
        &user.settings.topics,
    );
    let topic_score: f64 = matches.iter().map(|m| f64::from(m.score)).sum();
    let topics: Vec<String> = matches.into_iter().map(|m| m.topic).collect();
    let score = topic_score + freshness(article.published, service.now());
    service
        .store
        .add_candidate(user.id, story_id, score, &topics, service.now())
        .await?;
    Ok(true)
}

/// 1 for a story published now, falling by half each day.
fn freshness(published: Option<Timestamp>, now: Timestamp) -> f64 {
    let age_days = published.map_or(1.0, |at| (now - at).as_secs_f64().max(0.0) / 86_400.0);
    0.5f64.powf(age_days)
}

/// Whether a story's language suits a show's (unknown languages are given a chance).
fn same_language(story: Option<&str>, show: &str) -> bool {
    let primary = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    story.is_none_or(|story| primary(story) == primary(show))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_halves_each_day() {
        let now: Timestamp = "2026-12-06T07:00:00Z".parse().unwrap();
        assert_eq!(freshness(Some(now), now), 1.0);
        let day_old = now - SignedDuration::from_hours(24);
        assert!((freshness(Some(day_old), now) - 0.5).abs() < 1e-9);
        assert_eq!(freshness(None, now), 0.5);
    }

    #[test]
    fn languages_match_on_their_primary_tag() {
        assert!(same_language(Some("zh-CN"), "zh"));
        assert!(same_language(Some("en"), "en"));
        assert!(same_language(None, "en"));
        assert!(!same_language(Some("en-US"), "zh"));
    }
}
