//! `goosepod speak`: an `episode.json` becomes the audio, transcripts and chapters.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use goosepod_core::episode::Episode;
use goosepod_core::hosts::HostPair;
use goosepod_voice::engine::piper;
use goosepod_voice::episode::{record_in_episode, script_from_episode};
use goosepod_voice::{EngineKind, Language, Progress, VoiceConfig, VoiceSpec};

use super::output;
use crate::config::Settings;

/// Arguments of `goosepod speak`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The episode to speak (`episode.json`, as written by `goosepod script`).
    #[arg(value_name = "EPISODE.JSON")]
    episode: PathBuf,
    /// Where to write episode.mp3, transcript.vtt, transcript.srt, chapters.json and the
    /// timed episode.json.
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    out_dir: PathBuf,
    /// Host A's voice: for espeak an espeak-ng voice, e.g. `en-us+m3` (default: the
    /// episode's, else built in); for piper a `.onnx` model or a voice name in the voice
    /// directory, with an optional `#speaker` (default: `[piper] voice`, else
    /// `en_US-joe-medium` for English).
    #[arg(long, value_name = "VOICE")]
    voice_a: Option<String>,
    /// Host B's voice, e.g. `en-us+f3` (espeak) or `voices/en_US-amy-medium.onnx` (piper).
    /// Two hosts with the same single-speaker Piper voice are told apart by pitch and
    /// pace; with the same multi-speaker voice they get its first two speakers.
    #[arg(long, value_name = "VOICE")]
    voice_b: Option<String>,
    /// MP3 bit rate in kb/s (64–96 for speech).
    #[arg(long, default_value_t = 64, value_name = "KBPS")]
    bitrate: u32,
    /// Speech engine: `espeak` (built in), `openai-speech` (an OpenAI-compatible
    /// `/audio/speech` API such as OpenAI or Kokoro-FastAPI; give voices with
    /// --voice-a/--voice-b) or `piper` (Piper neural voices run with ONNX Runtime; the
    /// `[piper]` settings, or `GOOSEPOD_PIPER_VOICE_DIR`, `GOOSEPOD_PIPER_VOICE`,
    /// `GOOSEPOD_PIPER_RUNTIME_LIBRARY` / `ORT_DYLIB_PATH`, say where voices and the
    /// runtime are).
    #[arg(long, default_value = "espeak", value_parser = ["espeak", "openai-speech", "piper"])]
    engine: String,
    /// Base URL of the speech API (with --engine openai-speech).
    #[arg(long, value_name = "URL")]
    speech_base_url: Option<String>,
    /// Model name for the speech API.
    #[arg(long, value_name = "MODEL")]
    speech_model: Option<String>,
    /// Environment variable holding the speech API key (default `OPENAI_API_KEY`; none is
    /// needed for local servers).
    #[arg(long, value_name = "VAR")]
    speech_api_key_env: Option<String>,
    /// Show name for the MP3's tags (default: the show of the built-in host pair for the
    /// episode's language).
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
    for (host, voice) in script.hosts.iter_mut().zip([&args.voice_a, &args.voice_b]) {
        if let Some(voice) = voice {
            host.voice = Some(VoiceSpec::named(voice.clone()));
        }
    }
    let mut config = VoiceConfig {
        bitrate_kbps: args.bitrate,
        ..VoiceConfig::default()
    };
    if args.engine == "openai-speech" {
        config.engine = EngineKind::OpenAiSpeech;
        let api = &mut config.openai_speech;
        for (setting, value) in [
            (&mut api.base_url, &args.speech_base_url),
            (&mut api.model, &args.speech_model),
            (&mut api.api_key_env, &args.speech_api_key_env),
        ] {
            if let Some(value) = value {
                value.clone_into(setting);
            }
        }
    }
    if args.engine == "piper" {
        // The episode's voice names are espeak-ng's (`goosepod script` writes them): Piper
        // voices come from the flags and settings only.
        config.engine = EngineKind::Piper;
        config.piper = settings.piper.clone();
        let language: Language = script.language.parse()?;
        config.voices = Some(piper::host_voices(
            &config.piper,
            [args.voice_a.as_deref(), args.voice_b.as_deref()],
            language,
        ));
    }
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
        Progress::Encoding => eprintln!("speak: encoding MP3"),
        Progress::Writing => eprintln!("speak: writing files"),
    }
}
