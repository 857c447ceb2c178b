//! Who writes the script: the writer options shared by `script` and `episode`.

use std::path::PathBuf;

use anyhow::Result;
use goosepod_core::{Article, Episode, HostPair, Listener};
use goosepod_pipeline::ScriptWriter;
use jiff::Timestamp;

use crate::config::{Settings, WriterChoice, user_dir};

/// Writer options; unset ones come from the config file (`[writer]`, `[llm]`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WriterArgs {
    /// Who writes: `llm` (a language model through an OpenAI-compatible chat API) or
    /// `offline` (no model; default: `[writer] kind`, else offline).
    #[arg(long, value_enum, value_name = "KIND")]
    pub writer: Option<WriterChoice>,
    /// Base URL of the chat API, up to `/v1` (e.g. http://127.0.0.1:8080/v1 for
    /// llama-server; default: `[llm] base_url`, else OpenAI's).
    #[arg(long, value_name = "URL")]
    pub llm_base_url: Option<String>,
    /// The model's name (default: `[llm] model`).
    #[arg(long, value_name = "MODEL")]
    pub llm_model: Option<String>,
    /// Environment variable holding the API key, sent as a Bearer token (default
    /// `OPENAI_API_KEY`; local servers need none).
    #[arg(long, value_name = "VAR")]
    pub llm_api_key_env: Option<String>,
}

impl WriterArgs {
    /// The writer these flags and `settings` choose: the model writer with the flags'
    /// overrides of `[llm]`, keeping written bodies in the cache directory when `[writer]
    /// cache` is on; or the offline writer.
    pub fn script_writer(&self, settings: &Settings) -> ScriptWriter {
        match self.writer.unwrap_or(settings.writer.kind) {
            WriterChoice::Offline => ScriptWriter::Offline,
            WriterChoice::Llm => {
                let mut llm = settings.llm.clone();
                for (setting, value) in [
                    (&mut llm.base_url, &self.llm_base_url),
                    (&mut llm.model, &self.llm_model),
                    (&mut llm.api_key_env, &self.llm_api_key_env),
                ] {
                    if let Some(value) = value {
                        value.clone_into(setting);
                    }
                }
                let cache_dir = settings.writer.cache.then(cache_dir).flatten();
                ScriptWriter::Model { llm, cache_dir }
            }
        }
    }

    /// Writes `article` for `listener` with the chosen writer. The model writer falls
    /// back to the offline writer by itself, saying why in `writer.notes`.
    pub fn write(
        &self,
        settings: &Settings,
        article: &Article,
        listener: &Listener,
        hosts: &HostPair,
        at: Timestamp,
    ) -> Result<Episode> {
        Ok(self
            .script_writer(settings)
            .write(article, listener, hosts, at)?)
    }
}

/// Where written story bodies are kept: `$XDG_CACHE_HOME/goosepod/bodies`, else
/// `~/.cache/goosepod/bodies`.
fn cache_dir() -> Option<PathBuf> {
    Some(user_dir("XDG_CACHE_HOME", ".cache")?.join("bodies"))
}
