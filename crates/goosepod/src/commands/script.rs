//! `goosepod script`: a page or file into an episode script, for one listener.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use goosepod_core::listener::{default_host_pair, default_name};
use goosepod_core::{Article, Episode, HostPair, Language, Listener, timezone};
use jiff::Timestamp;

use super::load::Loader;
use crate::config::Settings;

use super::output;

/// Arguments of `goosepod script`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A web page URL (http, https) or a local file (.html, .htm, .html.gz, .txt, .md).
    #[arg(value_name = "URL|FILE")]
    input: String,
    /// Listener file (TOML: name, language, timezone, topics, minutes, host_pair); the
    /// flags below override its fields.
    #[arg(long, value_name = "FILE")]
    listener: Option<PathBuf>,
    /// The listener's name.
    #[arg(long, value_name = "N")]
    name: Option<String>,
    /// The listener's language, e.g. zh-CN or en-US (default: the listener file's, else
    /// the article's).
    #[arg(long, value_name = "L")]
    lang: Option<Language>,
    /// The listener's IANA time zone, e.g. Asia/Shanghai (default: UTC).
    #[arg(long, value_name = "TZ")]
    tz: Option<String>,
    /// When the episode is made, RFC 3339 (default: now); the greeting says this instant
    /// on the listener's clock.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Episode length in minutes (1–60; default 5).
    #[arg(long, value_name = "M")]
    minutes: Option<f64>,
    /// Host pair: a built-in id (zh-default, en-default) or a host pair file (.toml).
    #[arg(long, value_name = "ID")]
    hosts: Option<String>,
    /// Write the episode as JSON (episode.json) to FILE instead of printing the script.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Largest page accepted, in bytes, fetched or read from disk (default: `[fetch]
    /// max_bytes`, 10 MiB).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
}

/// Runs `goosepod script`.
pub fn run(args: Args, settings: &Settings) -> Result<ExitCode> {
    let at = match &args.at {
        Some(at) => at.parse::<Timestamp>().with_context(|| {
            format!(
                "invalid --at `{at}`: expected an RFC 3339 instant such as 2025-12-15T18:14:00Z"
            )
        })?,
        None => Timestamp::from_second(Timestamp::now().as_second())?,
    };
    let mut fetch = settings.fetch_config()?;
    if let Some(max_bytes) = args.max_bytes {
        fetch.max_body_bytes = max_bytes;
    }
    let article = Loader::new(fetch)?.article(&args.input)?;
    let listener = listener(&args, &article)?;
    let hosts = host_pair(args.hosts.as_deref().unwrap_or(&listener.host_pair))?;
    let episode = goosepod_write::write(&article, &listener, &hosts, at)
        .with_context(|| format!("cannot write a script from {}", args.input))?;
    episode.validate().context("the episode is invalid")?;
    for note in &episode.writer.notes {
        eprintln!("goosepod script: note: {note}");
    }
    match &args.output {
        Some(path) => {
            output::write_atomically(path, &(episode.to_json_pretty() + "\n"))?;
            eprintln!(
                "goosepod script: wrote {} ({})",
                path.display(),
                about(&episode)
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            write!(stdout, "{}", goosepod_write::render_script(&episode))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The listener: the listener file (or the defaults for `--lang`, else the article's
/// language), then the flags.
fn listener(args: &Args, article: &Article) -> Result<Listener> {
    let mut listener = match &args.listener {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read listener file {}", path.display()))?;
            Listener::from_toml(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Listener::for_language(
            args.lang
                .unwrap_or_else(|| goosepod_write::script_language(article)),
        ),
    };
    if let Some(language) = args.lang
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
    if let Some(name) = &args.name {
        listener.name = name.trim().to_string();
    }
    if let Some(tz) = &args.tz {
        listener.timezone = timezone::canonical_name(tz)?;
    }
    if let Some(minutes) = args.minutes {
        listener.minutes = minutes;
    }
    listener.validate().context("invalid listener")?;
    Ok(listener)
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

/// `24 lines, about 5.1 minutes`.
fn about(episode: &Episode) -> String {
    let seconds: f64 = episode
        .lines
        .iter()
        .map(|line| episode.language.seconds(&line.text))
        .sum();
    format!(
        "{} lines, about {:.1} minutes",
        episode.lines.len(),
        seconds / 60.0
    )
}
