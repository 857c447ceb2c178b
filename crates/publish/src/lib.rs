//! Goose Pod's publish stage: what a listener opens.
//!
//! - [`page`]: the episode page (`index.html`), self-contained: the player, the
//!   transcript that follows the audio, the summary, the original article (sanitised by
//!   [`sanitize`]) and the analysis.
//! - [`cover`]: the episode's generated cover image.
//! - [`feed`]: a listener's private podcast feed (RSS 2.0 with the iTunes and
//!   Podcasting 2.0 tags).
//!
//! Everything here is a pure function of its input (an [`goosepod_core::Episode`], a
//! [`feed::PodcastFeed`]); writing the files or serving them is the caller's business.

pub mod cover;
pub mod feed;
pub mod labels;
pub mod page;
pub mod sanitize;

pub use cover::{COVER_SIZE, TAG_COVER_SIZE, cover_png};
pub use feed::{
    Enclosure, FeedEpisode, FeedError, PodcastFeed, Transcript, TranscriptFormat, enclosure_type,
    render_feed,
};
pub use page::{PageOptions, render_page};

/// Why a page or cover could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Pages are made for spoken episodes only: the player needs the audio and timings.
    #[error("the episode has not been spoken yet: it has no audio or no line timings")]
    NotSpoken,
    /// The template failed to render.
    #[error("cannot render the episode page: {0}")]
    Template(#[from] askama::Error),
    /// The cover image could not be encoded.
    #[error("cannot make the cover image: {0}")]
    Cover(String),
}
