//! Who writes the script: the offline writer, or a language model with the offline
//! writer to fall back on.

use std::path::PathBuf;

use goosepod_core::{Article, Episode, EpisodeError, HostPair, Listener};
use goosepod_llm::{LlmConfig, LlmError, ModelWriter};
use goosepod_write::WriteError;
use jiff::Timestamp;

/// The writer that turns an article into a script.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptWriter {
    /// The offline writer: no model, deterministic, always works on a long enough article.
    Offline,
    /// A language model through an OpenAI-compatible chat API. When the model cannot
    /// write a script that passes the checks, the offline writer's is used instead and
    /// `writer.notes` says why.
    Model {
        /// How the model is reached.
        llm: LlmConfig,
        /// Where written story bodies are kept, so that one story is written once for
        /// every listener (`None`: no cache).
        cache_dir: Option<PathBuf>,
    },
}

/// Why no script was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteFailure {
    /// The model settings cannot work (no model named, a bad URL…).
    #[error("cannot use the model")]
    Model(#[source] LlmError),
    /// The article cannot be written into a script (too short, an invalid listener or
    /// host pair…).
    #[error(transparent)]
    Script(#[from] WriteError),
    /// The script came out invalid.
    #[error("the written episode is invalid")]
    Invalid(#[source] EpisodeError),
}

impl ScriptWriter {
    /// Writes `article` for `listener`, hosted by `hosts`, as made at `at`. The episode
    /// is validated before it is returned.
    pub fn write(
        &self,
        article: &Article,
        listener: &Listener,
        hosts: &HostPair,
        at: Timestamp,
    ) -> Result<Episode, WriteFailure> {
        let episode = match self {
            ScriptWriter::Offline => goosepod_write::write(article, listener, hosts, at),
            ScriptWriter::Model { llm, cache_dir } => {
                let mut writer = ModelWriter::new(llm).map_err(WriteFailure::Model)?;
                if let Some(dir) = cache_dir {
                    writer = writer.with_cache(dir.clone());
                }
                writer.write(article, listener, hosts, at)
            }
        }
        .map_err(WriteFailure::Script)?;
        episode.validate().map_err(WriteFailure::Invalid)?;
        Ok(episode)
    }
}
