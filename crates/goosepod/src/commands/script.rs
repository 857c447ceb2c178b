//! `goosepod script`: a page or file into an episode script, for one listener.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use goosepod_core::Episode;

use super::listener::ListenerArgs;
use super::load::Loader;
use super::output;
use super::writer::WriterArgs;
use crate::config::Settings;

/// Arguments of `goosepod script`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A web page URL (http, https) or a local file (.html, .htm, .html.gz, .txt, .md).
    #[arg(value_name = "URL|FILE")]
    input: String,
    #[command(flatten)]
    listener: ListenerArgs,
    #[command(flatten)]
    writer: WriterArgs,
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
    let at = args.listener.at()?;
    let mut fetch = settings.fetch_config()?;
    if let Some(max_bytes) = args.max_bytes {
        fetch.max_body_bytes = max_bytes;
    }
    let article = Loader::new(fetch)?.article(&args.input)?;
    let listener = args.listener.listener(&article)?;
    let hosts = args.listener.host_pair(&listener)?;
    let episode = args
        .writer
        .write(settings, &article, &listener, &hosts, at)
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
