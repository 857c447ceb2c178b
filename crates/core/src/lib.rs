//! Goose Pod's domain types.
//!
//! Every stage of the pipeline (ingest → write → voice → publish) hands its results on
//! as values of these types. This crate does no I/O: it only describes data and the
//! rules that keep it valid. (Time zone names are resolved through jiff's time zone
//! database, see [`timezone`].)
//!
//! - [`article`]: a clean article.
//! - [`language`]: the show languages and their speech facts.
//! - [`listener`]: who an episode is for.
//! - [`hosts`]: the two hosts, as data.
//! - [`spoken_time`]: the listener's local time in words, for the greeting.
//! - [`episode`]: the script and everything around it (`episode.json`).

#![warn(missing_docs)]

pub mod article;
pub mod episode;
pub mod hosts;
pub mod language;
pub mod listener;
pub mod spoken_time;
pub mod timezone;

pub use article::Article;
pub use episode::{
    Analysis, Audio, Episode, EpisodeError, EpisodeHost, EpisodeListener, Line, Section, Segment,
    Source, Writer, WriterKind, WriterUsage,
};
pub use hosts::{Host, HostId, HostPair, HostsError};
pub use language::{Language, LanguageError, SpeechUnit};
pub use listener::{Listener, ListenerError};
pub use spoken_time::{PartOfDay, SpokenTime};
pub use timezone::UnknownTimeZone;
