//! `goosepod speak`: an `episode.json` becomes the audio, transcripts and chapters.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use goosepod_core::episode::Episode;
use goosepod_core::hosts::HostPair;
use goosepod_voice::Progress;
use goosepod_voice::episode::{record_in_episode, script_from_episode};

use super::output;
use super::voice::VoiceArgs;
use crate::config::Settings;

/// Arguments of `goosepod speak`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The episode to speak (`episode.json`, as written by `goosepod script`).
    #[arg(value_name = "EPISODE.JSON")]
    episode: PathBuf,
    /// Where to write episode.mp3 (or episode.opus), transcript.vtt, transcript.srt,
    /// chapters.json and the timed episode.json.
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    out_dir: PathBuf,
    #[command(flatten)]
    voice: VoiceArgs,
    /// Show name for the audio file's tags (default: the show of the built-in host pair
    /// for the episode's language).
    #[arg(long)]
    show: Option<String>,
}

/// Runs `goosepod speak`.
pub fn run(args: Args, settings: &Settings) -> Result<ExitCode> {
    let json = std::fs::read_to_string(&args.episode)
        .with_context(|| format!("cannot read {}", args.episode.display()))?;
    let mut episode = Episode::from_json(&json)
        .with_context(|| format!("{} is not a valid episode", args.episode.display()))?;
    let show = args
        .show
        .clone()
        .unwrap_or_else(|| HostPair::builtin_for(episode.language).show.clone());
    let mut script = script_from_episode(&episode, &show);
    let config = args.voice.apply(settings, &mut script)?;
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let spoken = goosepod_voice::speak(&script, &config, &args.out_dir, &report)
        .with_context(|| format!("cannot speak {}", args.episode.display()))?;
    record_in_episode(&mut episode, &spoken);
    let path = args.out_dir.join("episode.json");
    output::write_atomically(&path, &(episode.to_json_pretty() + "\n"))?;
    let audio = &spoken.audio;
    println!(
        "{}: {:.1} s, {} bytes, {:.1} LUFS, true peak {:.1} dBTP",
        args.out_dir.join(&audio.file).display(),
        audio.duration_s,
        audio.bytes,
        audio.loudness_lufs,
        audio.true_peak_dbtp
    );
    for file in spoken.files.iter().chain([&path]) {
        println!("{}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// One line on stderr per stage.
fn report(progress: Progress) {
    match progress {
        Progress::Speaking { done, total } if done == total => {
            eprintln!("speak: {total} lines spoken");
        }
        Progress::Speaking { .. } => {}
        Progress::Mastering => eprintln!("speak: mastering loudness"),
        Progress::Encoding => eprintln!("speak: encoding"),
        Progress::Writing => eprintln!("speak: writing files"),
    }
}
