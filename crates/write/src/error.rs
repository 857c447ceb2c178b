//! What can go wrong when writing a script.

use goosepod_core::listener::{MAX_MINUTES, MIN_MINUTES};
use goosepod_core::{EpisodeError, HostsError, ListenerError, UnknownTimeZone};

/// The fewest sentences an article needs for the offline writer.
pub const MIN_SENTENCES: usize = 3;

/// Why a script could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The article has too little text to tell a story from: fewer than
    /// [`MIN_SENTENCES`] sentences as [`crate::sentences::article_sentences`] finds them.
    #[error(
        "the article has {found} usable sentence{}; the offline writer needs at least {MIN_SENTENCES}",
        if *found == 1 { "" } else { "s" }
    )]
    TooFewSentences {
        /// How many sentences it has.
        found: usize,
    },
    /// The episode length asked for is out of range.
    #[error(
        "episode length must be between {MIN_MINUTES} and {MAX_MINUTES} minutes, got {minutes}"
    )]
    Minutes {
        /// The length asked for.
        minutes: f64,
    },
    /// The host pair is not valid.
    #[error(transparent)]
    Hosts(#[from] HostsError),
    /// The listener is not valid.
    #[error(transparent)]
    Listener(#[from] ListenerError),
    /// The listener's time zone is unknown.
    #[error(transparent)]
    TimeZone(#[from] UnknownTimeZone),
    /// The episode came out invalid (a bug in the writer).
    #[error("the written episode is invalid: {0}")]
    Invalid(#[from] EpisodeError),
}
