//! `goosepod episode`: the whole pipeline, from a link or file to a finished episode
//! directory (page, audio, transcripts, chapters, cover, episode.json).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use goosepod_core::Episode;
use goosepod_core::episode::files;
use goosepod_ingest::source::Loaded;
use goosepod_publish::{COVER_SIZE, PageOptions, TAG_COVER_SIZE};
use goosepod_voice::episode::{record_in_episode, script_from_episode};
use goosepod_voice::{CoverArt, Progress};

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
    /// The episode's directory: index.html, episode.mp3, episode.json, transcript.vtt,
    /// transcript.srt, chapters.json, cover.png. It appears only when complete.
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
    let mut stages = Stages::new("episode");
    let made = make(&request, &mut stages, || {
        Loader::new(fetch)?.load(&args.input)
    })?;
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

/// Runs every stage: fetch (`load`), extract, write, speak, publish. The directory is
/// built aside and moved into place only when everything is in it.
pub fn make(
    request: &Request<'_>,
    stages: &mut Stages,
    load: impl FnOnce() -> Result<Loaded>,
) -> Result<Made> {
    output::ensure_replaceable(request.out_dir, files::ALL)?;
    let loaded = stages.run("fetch", |_| load())?;
    let article = stages.run("extract", |_| load::extract(&loaded, request.input))?;
    let (mut episode, show) = stages.run("write", |_| {
        let at = request.listener.at()?;
        let listener = request.listener.listener(&article)?;
        let hosts = request.listener.host_pair(&listener)?;
        let episode = request
            .writer
            .write(request.settings, &article, &listener, &hosts, at)
            .with_context(|| format!("cannot write a script from {}", request.input))?;
        episode
            .validate()
            .context("the written episode is invalid")?;
        Ok((episode, hosts.show.clone()))
    })?;
    for note in &episode.writer.notes {
        eprintln!("{}: note: {note}", stages.command());
    }
    let staging = output::staging_dir(request.out_dir)?;
    stages.run("speak", |stage| {
        let mut script = script_from_episode(&episode, &show);
        let mut config = request.voice.apply(request.settings, &mut script)?;
        config.cover = Some(CoverArt::from_bytes(goosepod_publish::cover_png(
            &episode.title,
            TAG_COVER_SIZE,
        )?)?);
        stage.set_total(script.lines.len() as u64, "lines");
        let spoken =
            goosepod_voice::speak(
                &script,
                &config,
                staging.path(),
                &|progress| match progress {
                    Progress::Speaking { done, .. } => stage.set_done(done as u64),
                    Progress::Mastering => stage.say("mastering loudness"),
                    Progress::Encoding => stage.say("encoding MP3"),
                    Progress::Writing => stage.say("writing audio files"),
                },
            )?;
        record_in_episode(&mut episode, &spoken);
        Ok(())
    })?;
    stages.run("publish", |_| {
        let dir = staging.path();
        let page = goosepod_publish::render_page(
            &episode,
            &PageOptions {
                show: &show,
                base_url: request.base_url,
            },
        )?;
        write_file(dir, files::PAGE, page.as_bytes())?;
        let cover = goosepod_publish::cover_png(&episode.title, COVER_SIZE)?;
        write_file(dir, files::COVER, &cover)?;
        write_file(
            dir,
            files::EPISODE_JSON,
            (episode.to_json_pretty() + "\n").as_bytes(),
        )?;
        output::install_dir(staging, request.out_dir, files::ALL)
    })?;
    Ok(Made {
        dir: request.out_dir.to_path_buf(),
        episode,
    })
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The closing summary (stderr) and the files (stdout, one per line).
pub fn report(made: &Made, stages: &Stages) {
    let audio_s = made.episode.audio.as_ref().map_or(0.0, |a| a.duration_s);
    let total = stages.total();
    let times: Vec<String> = stages
        .timings()
        .iter()
        .map(|(name, took)| format!("{name} {}", progress::seconds(*took)))
        .collect();
    eprintln!(
        "{}: {} of audio made in {} ({:.0}× real time): {}",
        stages.command(),
        goosepod_publish::page::clock(audio_s),
        progress::seconds(total),
        audio_s / total.max(Duration::from_millis(1)).as_secs_f64(),
        times.join(", ")
    );
    for name in files::ALL {
        println!("{}", made.dir.join(name).display());
    }
}
