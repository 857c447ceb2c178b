//! How an episode is spoken: the speech options shared by `speak` and `episode`.

use anyhow::Result;
use goosepod_voice::engine::piper;
use goosepod_voice::{EngineKind, Language, SpeechScript, VoiceConfig, VoiceSpec};

use crate::config::Settings;

/// Speech options.
#[derive(Debug, Clone, clap::Args)]
pub struct VoiceArgs {
    /// Host A's voice: for espeak an espeak-ng voice, e.g. `en-us+m3` (default: the
    /// episode's, else built in); for piper a `.onnx` model or a voice name in the voice
    /// directory, with an optional `#speaker` (default: `[piper] voice`, else
    /// `en_US-joe-medium` for English).
    #[arg(long, value_name = "VOICE")]
    pub voice_a: Option<String>,
    /// Host B's voice, e.g. `en-us+f3` (espeak) or `voices/en_US-amy-medium.onnx` (piper).
    /// Two hosts with the same single-speaker Piper voice are told apart by pitch and
    /// pace; with the same multi-speaker voice they get its first two speakers.
    #[arg(long, value_name = "VOICE")]
    pub voice_b: Option<String>,
    /// MP3 bit rate in kb/s (64–96 for speech).
    #[arg(long, default_value_t = 64, value_name = "KBPS")]
    pub bitrate: u32,
    /// Speech engine: `espeak` (built in), `openai-speech` (an OpenAI-compatible
    /// `/audio/speech` API such as OpenAI or Kokoro-FastAPI; give voices with
    /// --voice-a/--voice-b) or `piper` (Piper neural voices run with ONNX Runtime; the
    /// `[piper]` settings, or `GOOSEPOD_PIPER_VOICE_DIR`, `GOOSEPOD_PIPER_VOICE`,
    /// `GOOSEPOD_PIPER_RUNTIME_LIBRARY` / `ORT_DYLIB_PATH`, say where voices and the
    /// runtime are).
    #[arg(long, default_value = "espeak", value_parser = ["espeak", "openai-speech", "piper"])]
    pub engine: String,
    /// Base URL of the speech API (with --engine openai-speech).
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

impl Default for VoiceArgs {
    /// espeak-ng with the language's voices at 64 kb/s, as with no flags.
    fn default() -> Self {
        VoiceArgs {
            voice_a: None,
            voice_b: None,
            bitrate: 64,
            engine: "espeak".to_string(),
            speech_base_url: None,
            speech_model: None,
            speech_api_key_env: None,
        }
    }
}

impl VoiceArgs {
    /// The voice settings these options describe, for speaking `script`.
    pub fn config(&self, settings: &Settings, script: &SpeechScript) -> Result<VoiceConfig> {
        let mut config = VoiceConfig {
            bitrate_kbps: self.bitrate,
            ..VoiceConfig::default()
        };
        match self.engine.as_str() {
            "openai-speech" => {
                config.engine = EngineKind::OpenAiSpeech;
                let api = &mut config.openai_speech;
                for (setting, value) in [
                    (&mut api.base_url, &self.speech_base_url),
                    (&mut api.model, &self.speech_model),
                    (&mut api.api_key_env, &self.speech_api_key_env),
                ] {
                    if let Some(value) = value {
                        value.clone_into(setting);
                    }
                }
            }
            "piper" => {
                // The episode's voice names are espeak-ng's (`goosepod script` writes
                // them): Piper voices come from the flags and settings only.
                config.engine = EngineKind::Piper;
                config.piper = settings.piper.clone();
                let language: Language = script.language.parse()?;
                config.voices = Some(piper::host_voices(
                    &config.piper,
                    [self.voice_a.as_deref(), self.voice_b.as_deref()],
                    language,
                ));
            }
            _ => {}
        }
        Ok(config)
    }

    /// Gives the hosts the voices named by `--voice-a`/`--voice-b`.
    pub fn choose_voices(&self, script: &mut SpeechScript) {
        for (host, voice) in script.hosts.iter_mut().zip([&self.voice_a, &self.voice_b]) {
            if let Some(voice) = voice {
                host.voice = Some(VoiceSpec::named(voice.clone()));
            }
        }
    }
}
