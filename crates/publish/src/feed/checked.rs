//! A [`PodcastFeed`] checked field by field and turned into the values the feed writes.

use std::collections::HashMap;

use super::values::{
    duration, email, language, mime_type, required_text, rfc2822_date, web_url, xml_text,
};
use super::{FeedEpisode, FeedError, PodcastFeed};

/// The channel, every value valid and in its written form.
#[derive(Debug)]
pub(crate) struct Channel {
    pub title: String,
    pub description: String,
    pub language: String,
    pub author: String,
    pub link: String,
    pub feed_url: String,
    pub image_url: String,
    pub owner_email: Option<String>,
    /// The newest episode's date, for the channel's `pubDate`.
    pub pub_date: Option<String>,
    pub items: Vec<Item>,
}

/// An episode, every value valid and in its written form.
#[derive(Debug)]
pub(crate) struct Item {
    pub guid: String,
    pub title: String,
    /// `None` when the summary is empty.
    pub summary: Option<String>,
    pub link: String,
    pub pub_date: String,
    pub duration: String,
    pub audio_url: String,
    pub audio_length: String,
    pub audio_mime_type: String,
    pub image_url: Option<String>,
    pub transcripts: Vec<TranscriptTag>,
    pub chapters_url: Option<String>,
}

/// A `podcast:transcript`'s attributes.
#[derive(Debug)]
pub(crate) struct TranscriptTag {
    pub url: String,
    pub mime_type: &'static str,
    pub language: Option<String>,
    pub captions: bool,
}

/// Checks every field of `feed`; the first wrong one is the error.
pub(crate) fn check(feed: &PodcastFeed<'_>) -> Result<Channel, FeedError> {
    let mut guids = HashMap::new();
    let mut items = Vec::with_capacity(feed.episodes.len());
    for (index, episode) in feed.episodes.iter().enumerate() {
        let item = item(index, episode)?;
        if let Some(first) = guids.insert(item.guid.clone(), index) {
            return Err(FeedError::DuplicateGuid {
                guid: item.guid,
                first,
                second: index,
            });
        }
        items.push(item);
    }
    let newest = (feed.episodes.iter().zip(&items)).max_by_key(|(episode, _)| episode.published);

    Ok(Channel {
        title: required_text("title", feed.title)?,
        description: xml_text(feed.description).into_owned(),
        language: language("language", feed.language)?,
        author: required_text("author", feed.author)?,
        link: web_url("link", feed.link)?,
        feed_url: web_url("feed_url", feed.feed_url)?,
        image_url: web_url("image_url", feed.image_url)?,
        owner_email: (feed.owner_email)
            .map(|address| email("owner_email", address))
            .transpose()?,
        pub_date: newest.map(|(_, item)| item.pub_date.clone()),
        items,
    })
}

/// Checks `episodes[index]`.
fn item(index: usize, episode: &FeedEpisode<'_>) -> Result<Item, FeedError> {
    let field = |name: &str| format!("episodes[{index}].{name}");
    let summary = xml_text(episode.summary);
    if episode.audio.length == 0 {
        return Err(FeedError::EmptyAudio {
            field: field("audio.length"),
        });
    }
    let transcripts = (episode.transcripts.iter().enumerate())
        .map(|(t, transcript)| {
            let field = |name: &str| field(&format!("transcripts[{t}].{name}"));
            Ok(TranscriptTag {
                url: web_url(&field("url"), transcript.url)?,
                mime_type: transcript.format.mime_type(),
                language: (transcript.language)
                    .map(|tag| language(&field("language"), tag))
                    .transpose()?,
                captions: transcript.format.is_captions(),
            })
        })
        .collect::<Result<_, FeedError>>()?;

    Ok(Item {
        guid: required_text(&field("guid"), episode.guid.trim())?,
        title: required_text(&field("title"), episode.title)?,
        summary: (!summary.trim().is_empty()).then(|| summary.into_owned()),
        link: web_url(&field("page_url"), episode.page_url)?,
        pub_date: rfc2822_date(&field("published"), episode.published)?,
        duration: duration(&field("duration_s"), episode.duration_s)?,
        audio_url: web_url(&field("audio.url"), episode.audio.url)?,
        audio_length: episode.audio.length.to_string(),
        audio_mime_type: mime_type(&field("audio.mime_type"), episode.audio.mime_type)?,
        image_url: (episode.image_url)
            .map(|url| web_url(&field("image_url"), url))
            .transpose()?,
        transcripts,
        chapters_url: (episode.chapters_url)
            .map(|url| web_url(&field("chapters_url"), url))
            .transpose()?,
    })
}
