//! The private podcast feed and its cover, at `/f/<token>/`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use goosepod_core::episode::files;
use goosepod_publish::feed::{
    Enclosure, FeedEpisode, PodcastFeed, Transcript, TranscriptFormat, enclosure_type, render_feed,
};
use goosepod_store::EpisodeRow;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::routes::media::user_by_feed_token;
use crate::routes::{etag_matches, http_date};
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
    let urls: Vec<[String; 6]> = episodes
        .iter()
        .map(|e| {
            let dir = service.episode_url(&token, &e.public_id);
            [
                format!("{dir}/"),
                format!("{dir}/{}", e.audio_file),
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
    let cover = service.config.url(&format!("/f/{token}/cover.png"));
    let items = episodes
        .iter()
        .zip(&urls)
        .map(|(e, urls)| feed_item(e, urls))
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
    let fresh = etag_matches(&headers, &etag);
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
        headers.insert(header::LAST_MODIFIED, http_date(newest.published_at)?);
    }
    Ok(response)
}

/// A published episode as a feed item, its files at `urls`: the page, the audio, the
/// WebVTT and SRT transcripts, the chapters and the cover. The enclosure is the
/// episode's own audio file, typed as the episode recorded it.
fn feed_item<'a>(e: &'a EpisodeRow, urls: &'a [String; 6]) -> FeedEpisode<'a> {
    let [page, audio, vtt, srt, chapters, image] = urls;
    FeedEpisode {
        guid: &e.public_id,
        title: &e.title,
        summary: &e.summary,
        page_url: page,
        published: e.published_at,
        duration_s: e.duration_s,
        audio: Enclosure {
            url: audio,
            length: e.audio_bytes as u64,
            mime_type: enclosure_type(&e.audio_type),
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
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(audio_file: &str, audio_type: &str) -> EpisodeRow {
        EpisodeRow {
            id: 7,
            user_id: 1,
            public_id: "k3y".into(),
            story_id: None,
            title: "Harbour battery".into(),
            summary: "A big battery.".into(),
            language: "en-US".into(),
            published_at: "2026-12-06T07:00:00Z".parse().unwrap(),
            duration_s: 95.2,
            audio_bytes: 571_904,
            media_key: "1/k3y".into(),
            audio_file: audio_file.into(),
            audio_type: audio_type.into(),
        }
    }

    fn urls(audio_file: &str) -> [String; 6] {
        let dir = "https://pod.example/f/t/k3y";
        [
            format!("{dir}/"),
            format!("{dir}/{audio_file}"),
            format!("{dir}/{}", files::VTT),
            format!("{dir}/{}", files::SRT),
            format!("{dir}/{}", files::CHAPTERS),
            format!("{dir}/{}", files::COVER),
        ]
    }

    #[test]
    fn an_items_enclosure_is_the_episodes_own_audio_file() {
        for (file, mime, listed) in [
            (files::OPUS, "audio/ogg; codecs=opus", "audio/ogg"),
            (files::MP3, "audio/mpeg", "audio/mpeg"),
        ] {
            let episode = row(file, mime);
            let urls = urls(file);
            let item = feed_item(&episode, &urls);
            assert_eq!(
                item.audio.url,
                format!("https://pod.example/f/t/k3y/{file}")
            );
            assert_eq!(item.audio.mime_type, listed);
            assert_eq!(item.audio.length, 571_904);
            let xml = render_feed(&PodcastFeed {
                title: "Goose Pod for Norris",
                description: "News.",
                language: "en-US",
                author: "Goose Pod",
                link: "https://pod.example/",
                feed_url: "https://pod.example/f/t/feed.xml",
                image_url: "https://pod.example/f/t/cover.png",
                owner_email: None,
                episodes: vec![item],
            })
            .unwrap();
            let enclosure = format!(
                "<enclosure url=\"https://pod.example/f/t/k3y/{file}\" length=\"571904\" type=\"{listed}\"/>"
            );
            assert!(xml.contains(&enclosure), "{xml}");
        }
    }
}
