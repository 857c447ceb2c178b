//! Who an episode is for: the listener options shared by `script`, `episode` and `demo`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use goosepod_core::listener::{default_host_pair, default_name};
use goosepod_core::{Article, HostPair, Language, Listener, timezone};
use jiff::Timestamp;

/// Listener options.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ListenerArgs {
    /// Listener file (TOML: name, language, timezone, topics, minutes, host_pair); the
    /// flags below override its fields.
    #[arg(long = "listener", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The listener's name.
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// The listener's language, e.g. zh-CN or en-US (default: the listener file's, else
    /// the article's).
    #[arg(long, value_name = "L")]
    pub lang: Option<Language>,
    /// The listener's IANA time zone, e.g. Asia/Shanghai (default: UTC).
    #[arg(long, value_name = "TZ")]
    pub tz: Option<String>,
    /// When the episode is made, RFC 3339 (default: now); the greeting says this instant
    /// on the listener's clock.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Episode length in minutes (1–60; default 5).
    #[arg(long, value_name = "M")]
    pub minutes: Option<f64>,
    /// Host pair: a built-in id (zh-default, en-default) or a host pair file (.toml).
    #[arg(long, value_name = "ID")]
    pub hosts: Option<String>,
}

impl ListenerArgs {
    /// The instant the episode is made: `--at`, else now (whole seconds).
    pub fn at(&self) -> Result<Timestamp> {
        match &self.at {
            Some(at) => at.parse::<Timestamp>().with_context(|| {
                format!(
                    "invalid --at `{at}`: expected an RFC 3339 instant such as 2025-12-15T18:14:00Z"
                )
            }),
            None => Ok(Timestamp::from_second(Timestamp::now().as_second())?),
        }
    }

    /// The listener: the listener file (or the defaults for `--lang`, else the article's
    /// language), then the flags.
    pub fn listener(&self, article: &Article) -> Result<Listener> {
        let mut listener = match &self.file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read listener file {}", path.display()))?;
                Listener::from_toml(&text).with_context(|| format!("in {}", path.display()))?
            }
            None => Listener::for_language(
                self.lang
                    .unwrap_or_else(|| goosepod_write::script_language(article)),
            ),
        };
        if let Some(language) = self.lang
            && language != listener.language
        {
            // Fields left at the old language's defaults follow the new language.
            if listener.name == default_name(listener.language) {
                listener.name = default_name(language).to_string();
            }
            if listener.host_pair == default_host_pair(listener.language) {
                listener.host_pair = default_host_pair(language).to_string();
            }
            listener.language = language;
        }
        if let Some(name) = &self.name {
            listener.name = name.trim().to_string();
        }
        if let Some(tz) = &self.tz {
            listener.timezone = timezone::canonical_name(tz)?;
        }
        if let Some(minutes) = self.minutes {
            listener.minutes = minutes;
        }
        listener.validate().context("invalid listener")?;
        Ok(listener)
    }

    /// The host pair: `--hosts`, else the listener's.
    pub fn host_pair(&self, listener: &Listener) -> Result<HostPair> {
        host_pair(self.hosts.as_deref().unwrap_or(&listener.host_pair))
    }
}

/// A built-in host pair by id, or a host pair file.
fn host_pair(spec: &str) -> Result<HostPair> {
    let path = Path::new(spec);
    if spec.ends_with(".toml") || path.is_file() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read host pair file {}", path.display()))?;
        return HostPair::from_toml(&text).with_context(|| format!("in {}", path.display()));
    }
    Ok(HostPair::builtin(spec)?.clone())
}
