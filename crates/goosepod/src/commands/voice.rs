//! How an episode is spoken: the speech options shared by `speak`, `episode` and `demo`,
//! over the config file's `[voice]` section (which alone names the line cache).

use anyhow::{Result, anyhow};
use goosepod_pipeline::VoiceChoice;
use goosepod_voice::{AudioFormat, EngineKind, SpeechScript, VoiceConfig};

use crate::config::Settings;

/// Speech options; unset ones come from `[voice]`, then the built-in defaults.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct VoiceArgs {
    /// Speech engine for both hosts: `espeak` (built in, the default), `openai-speech` (an
    /// OpenAI-compatible `/audio/speech` API such as OpenAI or Kokoro-FastAPI; give
    /// voices with --voice-a/--voice-b) or `piper` (Piper neural voices run with ONNX
    /// Runtime; the `[piper]` settings, or `GOOSEPOD_PIPER_VOICE_DIR`,
    /// `GOOSEPOD_PIPER_VOICE`, `GOOSEPOD_PIPER_RUNTIME_LIBRARY` / `ORT_DYLIB_PATH`, say where
    /// voices and the runtime are).
    #[arg(long, value_name = "ENGINE", value_parser = engine)]
    pub engine: Option<EngineKind>,
    /// Host A's own engine, where it differs from --engine.
    #[arg(long, value_name = "ENGINE", value_parser = engine)]
    pub engine_a: Option<EngineKind>,
    /// Host B's own engine, where it differs from --engine.
    #[arg(long, value_name = "ENGINE", value_parser = engine)]
    pub engine_b: Option<EngineKind>,
    /// Host A's voice: for espeak an espeak-ng voice, e.g. `en-us+m3` (default: the
    /// episode's, else built in); for piper a `.onnx` model or a voice name in the voice
    /// directory, with an optional `#speaker` (default: `[piper] voice`, else
    /// `en_US-joe-medium` for English); for openai-speech the API's voice name.
    #[arg(long, value_name = "VOICE")]
    pub voice_a: Option<String>,
    /// Host B's voice, e.g. `en-us+f3` (espeak) or `voices/en_US-amy-medium.onnx` (piper).
    /// Two hosts with the same single-speaker Piper voice are told apart by pitch and
    /// pace; with the same multi-speaker voice they get its first two speakers.
    #[arg(long, value_name = "VOICE")]
    pub voice_b: Option<String>,
    /// Audio format: `mp3` (episode.mp3, the default) or `opus` (Opus in Ogg,
    /// episode.opus: smaller at the same quality); default `[voice] format`.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<AudioFormat>,
    /// MP3 bit rate in kb/s (64–96 for speech; default 64).
    #[arg(long, value_name = "KBPS")]
    pub bitrate: Option<u32>,
    /// Opus bit rate in kb/s (32–64 for speech; default 48).
    #[arg(long, value_name = "KBPS")]
    pub opus_bitrate: Option<u32>,
    /// Base URL of the speech API (with openai-speech).
    #[arg(long, value_name = "URL")]
    pub speech_base_url: Option<String>,
    /// Model name for the speech API.
    #[arg(long, value_name = "MODEL")]
    pub speech_model: Option<String>,
    /// Environment variable holding the speech API key (default `OPENAI_API_KEY`; none is
    /// needed for local servers).
    #[arg(long, value_name = "VAR")]
    pub speech_api_key_env: Option<String>,
}

fn engine(name: &str) -> Result<EngineKind> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .map_err(|_| anyhow!("`{name}` is not an engine: espeak, openai-speech or piper"))
}

impl VoiceArgs {
    /// The voice choices of these flags, then `[voice]` and `[piper]`, then the
    /// defaults.
    pub fn choice(&self, settings: &Settings) -> VoiceChoice {
        let file = &settings.voice;
        let defaults = VoiceChoice::default();
        let mut openai_speech = file.openai_speech.clone();
        for (setting, value) in [
            (&mut openai_speech.base_url, &self.speech_base_url),
            (&mut openai_speech.model, &self.speech_model),
            (&mut openai_speech.api_key_env, &self.speech_api_key_env),
        ] {
            if let Some(value) = value {
                value.clone_into(setting);
            }
        }
        VoiceChoice {
            engine: self.engine.or(file.engine).unwrap_or(defaults.engine),
            engine_a: self.engine_a.or(file.engine_a),
            engine_b: self.engine_b.or(file.engine_b),
            voice_a: self.voice_a.clone().or_else(|| file.voice_a.clone()),
            voice_b: self.voice_b.clone().or_else(|| file.voice_b.clone()),
            format: self.format.or(file.format).unwrap_or(defaults.format),
            bitrate_kbps: self
                .bitrate
                .or(file.bitrate)
                .unwrap_or(defaults.bitrate_kbps),
            opus_bitrate_kbps: self
                .opus_bitrate
                .or(file.opus_bitrate)
                .unwrap_or(defaults.opus_bitrate_kbps),
            openai_speech,
            piper: settings.piper.clone(),
            line_cache: file.line_cache.clone(),
        }
    }

    /// The voice settings for speaking `script` (flags, then `[voice]`, then defaults);
    /// gives the script's hosts the voices chosen for them.
    pub fn apply(&self, settings: &Settings, script: &mut SpeechScript) -> Result<VoiceConfig> {
        Ok(self.choice(settings).config_for(script)?)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn settings(toml: &str) -> Settings {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, toml).unwrap();
        Settings::load(Some(&path)).unwrap()
    }

    #[test]
    fn format_bit_rates_and_line_cache_come_from_voice_then_flags() {
        let file = settings(
            "[voice]\nformat = \"opus\"\nopus_bitrate = 32\nline_cache = \"/srv/lines\"\n",
        );
        let choice = VoiceArgs::default().choice(&file);
        assert_eq!(choice.format, AudioFormat::Opus);
        assert_eq!(choice.opus_bitrate_kbps, 32);
        assert_eq!(choice.line_cache, Some(PathBuf::from("/srv/lines")));

        let flags = VoiceArgs {
            format: Some(AudioFormat::Mp3),
            opus_bitrate: Some(56),
            ..VoiceArgs::default()
        };
        let choice = flags.choice(&file);
        assert_eq!(choice.format, AudioFormat::Mp3);
        assert_eq!(choice.opus_bitrate_kbps, 56);

        let defaults = VoiceArgs::default().choice(&Settings::default());
        assert_eq!(defaults, VoiceChoice::default());
        assert_eq!(defaults.format, AudioFormat::Mp3);
        assert_eq!(defaults.line_cache, None);
    }

    #[test]
    fn the_format_flag_is_parsed_for_every_command() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            voice: VoiceArgs,
        }
        let cli = <Cli as clap::Parser>::try_parse_from([
            "x",
            "--format",
            "opus",
            "--opus-bitrate",
            "40",
        ])
        .unwrap();
        assert_eq!(cli.voice.format, Some(AudioFormat::Opus));
        assert_eq!(cli.voice.opus_bitrate, Some(40));
        let err = <Cli as clap::Parser>::try_parse_from(["x", "--format", "ogg"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("mp3 or opus"), "{err}");
    }
}
