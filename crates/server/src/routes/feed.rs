//! The private podcast feed and its cover, at `/f/<token>/`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use goosepod_core::episode::files;
use goosepod_publish::feed::{
    Enclosure, FeedEpisode, PodcastFeed, Transcript, TranscriptFormat, render_feed,
};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::routes::media::user_by_feed_token;
use crate::service::Service;

/// Episodes listed in a feed.
pub const FEED_EPISODES: u32 = 100;

/// The feed's routes.
pub fn router() -> Router<Arc<Service>> {
    Router::new()
        .route("/f/{token}/feed.xml", get(feed))
        .route("/f/{token}/cover.png", get(cover))
}

/// The show's title for a listener.
pub fn show_title(name: &str, language: &str) -> String {
    if language.starts_with("zh") {
        format!("{name}的 Goose Pod")
    } else {
        format!("Goose Pod for {name}")
    }
}

async fn feed(
    State(service): State<Arc<Service>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let user = user_by_feed_token(&service, &token).await?;
    let episodes = service.store.episodes(user.id, FEED_EPISODES).await?;
    let base = service.config.url(&format!("/f/{token}"));
    let urls: Vec<[String; 6]> = episodes
        .iter()
        .map(|e| {
            let dir = format!("{base}/{}", e.public_id);
            [
                format!("{dir}/"),
                format!("{dir}/{}", files::MP3),
                format!("{dir}/{}", files::VTT),
                format!("{dir}/{}", files::SRT),
                format!("{dir}/{}", files::CHAPTERS),
                format!("{dir}/{}", files::COVER),
            ]
        })
        .collect();
    let title = show_title(&user.settings.name, &user.settings.language);
    let description = if user.settings.language.starts_with("zh") {
        format!("为{}一人制作的新闻播客。", user.settings.name)
    } else {
        format!("A news podcast made for {} alone.", user.settings.name)
    };
    let dashboard = service.config.url("/");
    let feed_url = service.feed_url(&token);
    let cover = format!("{base}/cover.png");
    let items = episodes
        .iter()
        .zip(&urls)
        .map(|(e, [page, mp3, vtt, srt, chapters, image])| FeedEpisode {
            guid: &e.public_id,
            title: &e.title,
            summary: &e.summary,
            page_url: page,
            published: e.published_at,
            duration_s: e.duration_s,
            audio: Enclosure {
                url: mp3,
                length: e.audio_bytes as u64,
                mime_type: "audio/mpeg",
            },
            image_url: Some(image),
            transcripts: vec![
                Transcript {
                    url: vtt,
                    format: TranscriptFormat::WebVtt,
                    language: Some(&e.language),
                },
                Transcript {
                    url: srt,
                    format: TranscriptFormat::Srt,
                    language: Some(&e.language),
                },
            ],
            chapters_url: Some(chapters),
        })
        .collect();
    let xml = render_feed(&PodcastFeed {
        title: &title,
        description: &description,
        language: &user.settings.language,
        author: "Goose Pod",
        link: &dashboard,
        feed_url: &feed_url,
        image_url: &cover,
        owner_email: None,
        episodes: items,
    })
    .map_err(|err| Error::Internal(format!("cannot render the feed: {err}")))?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(xml.as_bytes())[..16]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
            xml,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is ASCII"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Some(newest) = episodes.first() {
        let date = jiff::fmt::rfc2822::to_string(
            &newest
                .published_at
                .to_zoned_datetime(jiff::tz::TimeZone::UTC),
        )
        .map_err(|err| Error::Internal(err.to_string()))?;
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_str(&date.replace("+0000", "GMT"))
                .map_err(|err| Error::Internal(err.to_string()))?,
        );
    }
    Ok(response)
}

async fn cover(
    State(service): State<Arc<Service>>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let user = user_by_feed_token(&service, &token).await?;
    let title = show_title(&user.settings.name, &user.settings.language);
    let png = tokio::task::spawn_blocking(move || {
        goosepod_publish::cover_png(&title, goosepod_publish::COVER_SIZE)
    })
    .await
    .map_err(|err| Error::Internal(err.to_string()))?
    .map_err(|err| Error::Internal(format!("cannot draw the cover: {err}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        png,
    )
        .into_response())
}
