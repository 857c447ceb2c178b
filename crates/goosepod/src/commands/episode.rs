//! `goosepod episode`: the whole pipeline, from a link or file to a finished episode
//! directory (page, audio, transcripts, chapters, cover, episode.json).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use goosepod_core::Episode;
use goosepod_core::episode::files;
use goosepod_ingest::source::Loaded;
use goosepod_pipeline::{Order, Stage};

use super::listener::ListenerArgs;
use super::load::{self, Loader};
use super::output;
use super::voice::VoiceArgs;
use super::writer::WriterArgs;
use crate::config::Settings;
use crate::progress::{self, Stages};

/// Arguments of `goosepod episode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A web page URL (http, https) or a local file (.html, .htm, .html.gz, .txt, .md).
    #[arg(value_name = "URL|FILE")]
    input: String,
    /// The episode's directory: index.html, episode.mp3 (or episode.opus with `--format
    /// opus`), episode.json, transcript.vtt, transcript.srt, chapters.json, cover.png. It
    /// appears only when complete; an earlier episode there is replaced.
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    out_dir: PathBuf,
    #[command(flatten)]
    listener: ListenerArgs,
    #[command(flatten)]
    writer: WriterArgs,
    #[command(flatten)]
    voice: VoiceArgs,
    /// The absolute URL the directory will be served at, for the page's sharing links
    /// (Open Graph); without it every link is relative.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Largest page accepted, in bytes, fetched or read from disk (default: `[fetch]
    /// max_bytes`, 10 MiB).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
}

/// Runs `goosepod episode`.
pub fn run(args: Args, settings: &Settings) -> Result<ExitCode> {
    let mut fetch = settings.fetch_config()?;
    if let Some(max_bytes) = args.max_bytes {
        fetch.max_body_bytes = max_bytes;
    }
    let request = Request {
        input: &args.input,
        settings,
        listener: &args.listener,
        writer: &args.writer,
        voice: &args.voice,
        out_dir: &args.out_dir,
        base_url: args.base_url.as_deref(),
    };
    let stages = Stages::new("episode");
    let made = make(&request, &stages, || Loader::new(fetch)?.load(&args.input))?;
    report(&made, &stages);
    Ok(ExitCode::SUCCESS)
}

/// What to make, and where.
pub struct Request<'a> {
    /// The input as the user named it (for messages).
    pub input: &'a str,
    /// Settings (the writer's among them).
    pub settings: &'a Settings,
    /// Who it is for.
    pub listener: &'a ListenerArgs,
    /// Who writes it.
    pub writer: &'a WriterArgs,
    /// How it is spoken.
    pub voice: &'a VoiceArgs,
    /// The episode's directory.
    pub out_dir: &'a Path,
    /// Where the directory will be served, if known.
    pub base_url: Option<&'a str>,
}

/// A finished episode.
pub struct Made {
    /// Its directory.
    pub dir: PathBuf,
    /// The episode, spoken.
    pub episode: Episode,
}

/// Runs every stage: fetch (`load`) and extract here, then the pipeline's write, speak
/// and publish. The directory is built aside and moved into place only when everything
/// is in it.
pub fn make(
    request: &Request<'_>,
    stages: &Stages,
    load: impl FnOnce() -> Result<Loaded>,
) -> Result<Made> {
    // Refused before anything is fetched.
    output::ensure_replaceable(request.out_dir, files::ALL)?;
    let loaded = stages.run(Stage::Fetch, load)?;
    let article = stages.run(Stage::Extract, || load::extract(&loaded, request.input))?;
    // Who the episode is for is settled as the write stage starts: a bad listener
    // option is that stage's failure.
    stages.begin(Stage::Write);
    let who = (|| -> Result<_> {
        let at = request.listener.at()?;
        let listener = request.listener.listener(&article)?;
        let hosts = request.listener.host_pair(&listener)?;
        Ok((at, listener, hosts))
    })();
    let (at, listener, hosts) = who
        .inspect_err(|_| stages.fail())
        .with_context(|| format!("the {} stage failed", Stage::Write))?;
    let writer = request.writer.script_writer(request.settings);
    let voice = request.voice.choice(request.settings);
    let order = Order {
        article: &article,
        listener: &listener,
        hosts: &hosts,
        at,
        writer: &writer,
        voice: &voice,
        base_url: request.base_url,
        out_dir: request.out_dir,
    };
    let episode = goosepod_pipeline::make_episode(&order, stages).inspect_err(|_| stages.fail())?;
    Ok(Made {
        dir: request.out_dir.to_path_buf(),
        episode,
    })
}

/// The closing summary (stderr) and the files (stdout, one per line).
pub fn report(made: &Made, stages: &Stages) {
    let audio_s = made.episode.audio.as_ref().map_or(0.0, |a| a.duration_s);
    let total = stages.total();
    let times: Vec<String> = stages
        .timings()
        .iter()
        .map(|(stage, took)| format!("{stage} {}", progress::seconds(*took)))
        .collect();
    eprintln!(
        "{}: {} of audio made in {} ({:.0}× real time): {}",
        stages.command(),
        goosepod_publish::page::clock(audio_s),
        progress::seconds(total),
        audio_s / total.max(Duration::from_millis(1)).as_secs_f64(),
        times.join(", ")
    );
    let audio = made.episode.audio.as_ref().map_or(files::MP3, |a| &a.file);
    for name in files::with_audio(audio) {
        println!("{}", made.dir.join(name).display());
    }
}
