//! Why an episode could not be made: the stage that failed and its cause.

use goosepod_publish::PublishError;
use goosepod_voice::VoiceError;

use crate::observe::Stage;
use crate::output::OutputError;
use crate::voice::UnsupportedLanguage;
use crate::writer::WriteFailure;

/// Why [`crate::make_episode`] failed. Whatever the error, no output directory and no
/// working directory are left behind, and an earlier episode at the target is kept.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The target cannot hold the episode (it is a file, or holds other files), or no
    /// working directory can be made beside it.
    #[error(transparent)]
    Output(OutputError),
    /// The script could not be written.
    #[error("the write stage failed")]
    Write(#[source] WriteFailure),
    /// The script could not be spoken.
    #[error("the speak stage failed")]
    Speak(#[source] SpeakFailure),
    /// The page or files could not be made, or the directory not moved into place.
    #[error("the publish stage failed")]
    Publish(#[source] PublishFailure),
}

impl PipelineError {
    /// The stage that failed; `None` when the output directory was unusable.
    pub fn stage(&self) -> Option<Stage> {
        match self {
            PipelineError::Output(_) => None,
            PipelineError::Write(_) => Some(Stage::Write),
            PipelineError::Speak(_) => Some(Stage::Speak),
            PipelineError::Publish(_) => Some(Stage::Publish),
        }
    }
}

/// Why the script could not be spoken.
#[derive(Debug, thiserror::Error)]
pub enum SpeakFailure {
    /// The cover art for the MP3's tag could not be drawn.
    #[error("cannot draw the cover art")]
    Cover(#[source] PublishError),
    /// The voice choice does not fit the script's language.
    #[error(transparent)]
    Language(#[from] UnsupportedLanguage),
    /// The voice stage failed: an engine, a voice, a line, the encoder or the files.
    #[error(transparent)]
    Voice(Box<VoiceError>),
}

impl From<VoiceError> for SpeakFailure {
    fn from(err: VoiceError) -> Self {
        SpeakFailure::Voice(Box::new(err))
    }
}

/// Why the episode could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishFailure {
    /// The page or cover could not be made.
    #[error(transparent)]
    Render(#[from] PublishError),
    /// A file could not be written, or the directory not moved into place.
    #[error(transparent)]
    Output(#[from] OutputError),
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn an_error_names_its_stage_and_keeps_its_cause() {
        let err = PipelineError::Speak(VoiceError::EmptyScript.into());
        assert_eq!(err.stage(), Some(Stage::Speak));
        assert_eq!(err.to_string(), "the speak stage failed");
        let cause = err.source().expect("a cause");
        assert_eq!(cause.to_string(), "the script has no lines");

        let err = PipelineError::Output(OutputError::NotADirectory("out".into()));
        assert_eq!(err.stage(), None);
        assert_eq!(err.to_string(), "out exists and is not a directory");
    }
}
