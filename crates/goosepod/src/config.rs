//! Settings: built-in defaults, then a TOML config file, then `GOOSEPOD_*` environment
//! variables (`GOOSEPOD_FETCH_ALLOW` sets `[fetch] allow`, `GOOSEPOD_PIPER_VOICE_DIR` sets
//! `[piper] voice_dir`), then command-line flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use goosepod_ingest::fetch::FetchConfig;
use goosepod_ingest::guard::AllowList;
use goosepod_llm::LlmConfig;
use goosepod_voice::{AudioFormat, EngineKind, OpenAiSpeechConfig, PiperConfig};
use serde::Deserialize;

/// The config file's sections; environment variables map onto them by prefix.
const SECTIONS: &[&str] = &["fetch", "writer", "llm", "voice", "piper", "service"];

/// Environment variables named without their section.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("public_url", "service.public_url"),
    ("data_dir", "service.data_dir"),
    ("database_url", "service.database_url"),
];

/// Everything the config file and environment can set.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `[fetch]`: how pages and feeds are fetched.
    pub fetch: FetchSettings,
    /// `[writer]`: who writes scripts.
    pub writer: WriterSettings,
    /// `[llm]`: the language model, for `[writer] kind = "llm"`.
    pub llm: LlmConfig,
    /// `[voice]`: how episodes are spoken.
    pub voice: VoiceSettings,
    /// `[piper]`: where Piper voices and the ONNX Runtime library are (`voice_dir`,
    /// `voice`, `runtime_library`).
    pub piper: PiperConfig,
    /// `[service]`: `goosepod serve` and the other service commands.
    pub service: ServiceSettings,
}

/// The `[service]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceSettings {
    /// Where the database and media live (`GOOSEPOD_DATA_DIR`).
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL database for the service's rows instead of the data directory's
    /// SQLite file (`GOOSEPOD_DATABASE_URL`, `postgres://user:password@host/database`).
    pub database_url: Option<String>,
    /// Address to listen on.
    pub bind: Option<std::net::SocketAddr>,
    /// The absolute URL listeners reach the service at (`GOOSEPOD_PUBLIC_URL`); default
    /// `http://` and the bind address.
    pub public_url: Option<String>,
    /// Episode jobs run at once.
    pub workers: Option<usize>,
}

/// The `[voice]` section; `goosepod speak`/`episode` flags override it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceSettings {
    /// Engine for both hosts: `espeak`, `openai-speech` or `piper`.
    pub engine: Option<EngineKind>,
    /// Host A's own engine.
    pub engine_a: Option<EngineKind>,
    /// Host B's own engine.
    pub engine_b: Option<EngineKind>,
    /// Host A's voice.
    pub voice_a: Option<String>,
    /// Host B's voice.
    pub voice_b: Option<String>,
    /// The audio file's format: `mp3` (`episode.mp3`) or `opus` (`episode.opus`).
    pub format: Option<AudioFormat>,
    /// MP3 bit rate, kb/s.
    pub bitrate: Option<u32>,
    /// Opus bit rate, kb/s.
    pub opus_bitrate: Option<u32>,
    /// A directory of spoken lines shared by every episode: a line already spoken the
    /// same way (a story told to several listeners) is read from it, not spoken again.
    pub line_cache: Option<PathBuf>,
    /// `[voice.openai_speech]`: the speech API (`base_url`, `model`, `api_key_env`,
    /// `timeout_s`, `max_attempts`).
    pub openai_speech: OpenAiSpeechConfig,
}

/// The `[writer]` section.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WriterSettings {
    /// `offline` (no model) or `llm`.
    pub kind: WriterChoice,
    /// Keep model-written story bodies under the cache directory, so the same story is
    /// written once for every listener.
    pub cache: bool,
}

impl Default for WriterSettings {
    fn default() -> Self {
        WriterSettings {
            kind: WriterChoice::Offline,
            cache: true,
        }
    }
}

/// Who writes scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum WriterChoice {
    /// The offline writer: no model, always works.
    #[default]
    Offline,
    /// A language model through an OpenAI-compatible chat API.
    Llm,
}

/// The `[fetch]` section.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchSettings {
    /// Non-public hosts and networks that may be fetched: a list, or one comma-separated
    /// string as in `GOOSEPOD_FETCH_ALLOW`.
    pub allow: HostList,
    /// Largest page accepted, in bytes.
    pub max_bytes: u64,
    /// Longest a whole fetch may take, in seconds.
    pub timeout_s: f64,
    /// Longest wait for a connection, in seconds.
    pub connect_timeout_s: f64,
}

impl Default for FetchSettings {
    fn default() -> Self {
        let defaults = FetchConfig::default();
        Self {
            allow: HostList::default(),
            max_bytes: defaults.max_body_bytes,
            timeout_s: defaults.total_timeout.as_secs_f64(),
            connect_timeout_s: defaults.connect_timeout.as_secs_f64(),
        }
    }
}

/// Hosts and CIDRs, written as a TOML list or a comma-separated string.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub enum HostList {
    /// Nothing allowed beyond public addresses.
    #[default]
    None,
    /// `"127.0.0.1, 10.0.0.0/8"`.
    Joined(String),
    /// `["127.0.0.1", "10.0.0.0/8"]`.
    List(Vec<String>),
}

impl HostList {
    fn joined(&self) -> String {
        match self {
            HostList::None => String::new(),
            HostList::Joined(joined) => joined.clone(),
            HostList::List(list) => list.join(","),
        }
    }
}

/// The config file used when `--config` is not given: `$XDG_CONFIG_HOME/goosepod/config.toml`
/// (or `~/.config/goosepod/config.toml`), if it exists.
fn default_path() -> Option<PathBuf> {
    Some(user_dir("XDG_CONFIG_HOME", ".config")?.join("config.toml")).filter(|path| path.is_file())
}

/// Goose Pod's directory under an XDG base directory: `$variable/goosepod`, else
/// `~/fallback/goosepod`.
pub fn user_dir(variable: &str, fallback: &str) -> Option<PathBuf> {
    let base = std::env::var_os(variable)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(fallback)))?;
    Some(base.join("goosepod"))
}

impl Settings {
    /// Loads settings from `path` (or the default file, if any) and the environment.
    /// A file named explicitly must exist.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let mut figment = Figment::new();
        if let Some(path) = path {
            anyhow::ensure!(
                path.is_file(),
                "config file {} does not exist",
                path.display()
            );
        }
        let file = path.map(Path::to_path_buf).or_else(default_path);
        if let Some(file) = &file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment = figment.merge(Env::prefixed("GOOSEPOD_").filter_map(|key| {
            let key = key.as_str().to_ascii_lowercase();
            if let Some((_, path)) = SHORT_NAMES.iter().find(|(name, _)| *name == key) {
                return Some((*path).into());
            }
            SECTIONS.iter().find_map(|section| {
                let rest = key.strip_prefix(section)?.strip_prefix('_')?;
                Some(format!("{section}.{rest}").into())
            })
        }));
        figment.extract().with_context(|| match &file {
            Some(file) => format!(
                "invalid settings in {} or GOOSEPOD_* variables",
                file.display()
            ),
            None => "invalid settings in GOOSEPOD_* variables".to_string(),
        })
    }

    /// The fetcher configuration these settings describe.
    pub fn fetch_config(&self) -> Result<FetchConfig> {
        let fetch = &self.fetch;
        let seconds = |value: f64, name: &str| {
            anyhow::ensure!(
                value.is_finite() && value > 0.0,
                "[fetch] {name} must be a positive number of seconds"
            );
            Ok(Duration::from_secs_f64(value))
        };
        Ok(FetchConfig {
            allow: AllowList::parse(&fetch.allow.joined()).context("invalid [fetch] allow")?,
            max_body_bytes: fetch.max_bytes,
            total_timeout: seconds(fetch.timeout_s, "timeout_s")?,
            connect_timeout: seconds(fetch.connect_timeout_s, "connect_timeout_s")?,
            ..FetchConfig::default()
        })
    }
}
