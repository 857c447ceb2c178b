//! The voice stage's errors. Each names what failed and for which line, voice or file.

use std::path::PathBuf;

use crate::audio::master::MasterError;
use crate::audio::mp3::Mp3Error;
use crate::audio::opus::OpusError;
use crate::cache::CacheError;
use crate::engine::EngineError;
use crate::script::Speaker;

/// Why an episode could not be spoken. Nothing is written to the output directory when
/// any of these happens before the files are renamed into place.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// The script's language has no normalisation rules or voices.
    #[error("unsupported language {0:?} (supported: zh, en)")]
    UnsupportedLanguage(String),
    /// The script has no lines.
    #[error("the script has no lines")]
    EmptyScript,
    /// Nothing in the script produced any sound.
    #[error("no line of the script produced any sound")]
    Silent,
    /// A setting is out of range.
    #[error("invalid voice settings: {0}")]
    Config(String),
    /// The cover image is unusable.
    #[error("cover art: {0}")]
    CoverArt(String),
    /// The engine could not start.
    #[error(transparent)]
    Engine(EngineError),
    /// A host's voice is unusable.
    #[error("voice of host {speaker}: {source}")]
    Voice {
        /// Which host.
        speaker: Speaker,
        /// What the engine said.
        source: EngineError,
    },
    /// A line could not be spoken.
    #[error("line {number} (host {speaker}, {excerpt:?}): {source}")]
    Line {
        /// 1-based line number in the script.
        number: usize,
        /// Who speaks it.
        speaker: Speaker,
        /// The start of its text.
        excerpt: String,
        /// What the engine said.
        source: EngineError,
    },
    /// A line's audio could not be resampled.
    #[error("line {number}: {message}")]
    Resample {
        /// 1-based line number.
        number: usize,
        /// What went wrong.
        message: String,
    },
    /// Loudness normalisation failed.
    #[error(transparent)]
    Master(#[from] MasterError),
    /// MP3 encoding or tagging failed.
    #[error(transparent)]
    Mp3(#[from] Mp3Error),
    /// Opus encoding or the Ogg container failed.
    #[error(transparent)]
    Opus(#[from] OpusError),
    /// The mastered audio could not be resampled for the file's format.
    #[error("resampling the episode for its file format: {0}")]
    FormatResample(String),
    /// The line cache's directory is unusable.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}
