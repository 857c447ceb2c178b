//! How an episode is spoken: engine, the two hosts' voices, file format and bit rate,
//! loudness target, pauses, cover art and the line cache.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::audio::master::Target;
use crate::audio::timeline::Pauses;
use crate::engine::piper;
use crate::engine::{
    EngineError, EspeakEngine, OpenAiSpeechConfig, OpenAiSpeechEngine, PiperConfig, PiperEngine,
    SpeechEngine, VoiceSpec,
};
use crate::error::VoiceError;
use crate::script::{CoverArt, Language, Speaker};

/// Which speech engine speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngineKind {
    /// espeak-ng through libespeak-ng (always available).
    #[default]
    Espeak,
    /// An OpenAI-compatible `/audio/speech` API (OpenAI, Kokoro-FastAPI, …), set up by
    /// [`VoiceConfig::openai_speech`].
    #[serde(rename = "openai-speech")]
    OpenAiSpeech,
    /// Piper neural voices (ONNX models run with ONNX Runtime), set up by
    /// [`VoiceConfig::piper`].
    Piper,
}

impl EngineKind {
    /// Starts the engine with the settings in `config`.
    pub fn start(self, config: &VoiceConfig) -> Result<Box<dyn SpeechEngine>, EngineError> {
        match self {
            EngineKind::Espeak => Ok(Box::new(EspeakEngine::new()?)),
            EngineKind::OpenAiSpeech => {
                Ok(Box::new(OpenAiSpeechEngine::new(&config.openai_speech)?))
            }
            EngineKind::Piper => Ok(Box::new(PiperEngine::new(&config.piper)?)),
        }
    }

    /// The hosts' voices when neither the settings nor the script name any.
    pub fn default_voices(self, config: &VoiceConfig, language: Language) -> [VoiceSpec; 2] {
        match self {
            EngineKind::Espeak | EngineKind::OpenAiSpeech => default_voices(language),
            EngineKind::Piper => piper::host_voices(&config.piper, [None, None], language),
        }
    }
}

/// The audio file's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioFormat {
    /// MP3 (LAME, mono 44.1 kHz, constant bit rate) with an ID3v2 tag: `episode.mp3`.
    #[default]
    Mp3,
    /// Opus (mono 48 kHz, variable bit rate) in Ogg with Vorbis comments:
    /// `episode.opus`.
    Opus,
}

impl AudioFormat {
    /// The file's name in the output directory.
    pub fn file_name(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => crate::MP3_FILE,
            AudioFormat::Opus => crate::OPUS_FILE,
        }
    }

    /// The file's MIME type.
    pub fn mime_type(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Opus => "audio/ogg; codecs=opus",
        }
    }

    /// Short name: `mp3`, `opus`.
    pub fn as_str(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Opus => "opus",
        }
    }
}

impl std::fmt::Display for AudioFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for AudioFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<AudioFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mp3" => Ok(AudioFormat::Mp3),
            "opus" => Ok(AudioFormat::Opus),
            other => Err(format!("`{other}` is not an audio format: mp3 or opus")),
        }
    }
}

/// Settings for [`crate::speak`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VoiceConfig {
    /// The engine, for both hosts unless [`VoiceConfig::host_engines`] says otherwise.
    pub engine: EngineKind,
    /// Host A's and host B's own engine, where it differs from `engine` (e.g. a Piper
    /// voice for one host, espeak-ng for the other).
    pub host_engines: [Option<EngineKind>; 2],
    /// Voices of host A and host B; when unset, the script's host voices, then the
    /// language's defaults ([`default_voices`]).
    pub voices: Option<[VoiceSpec; 2]>,
    /// The audio file's format (MP3 unless asked otherwise).
    pub format: AudioFormat,
    /// MP3 bit rate, kb/s (mono speech: 64–96).
    pub bitrate_kbps: u32,
    /// Opus bit rate, kb/s (mono speech: 32–64; 48 by default).
    pub opus_bitrate_kbps: u32,
    /// LAME quality (algorithm), 0 best/slowest … 9 fastest. The default, 7 (`lame -f`),
    /// encodes twice as fast as 5 with, for speech at 64 kb/s, no loss measured in
    /// signal-to-noise ratio; 5 or 2 spend more time on noise shaping.
    pub mp3_quality: u8,
    /// Loudness target: integrated LUFS, true-peak ceiling.
    #[serde(skip)]
    pub loudness: Target,
    /// Pauses between lines.
    pub pauses: Pauses,
    /// Cover art for the ID3 tag.
    #[serde(skip)]
    pub cover: Option<CoverArt>,
    /// Settings of [`EngineKind::OpenAiSpeech`].
    pub openai_speech: OpenAiSpeechConfig,
    /// Settings of [`EngineKind::Piper`].
    pub piper: PiperConfig,
    /// A directory of spoken lines shared between episodes (see [`crate::cache`]): a
    /// line already spoken with the same voice and settings is read, not spoken again.
    pub line_cache: Option<PathBuf>,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        VoiceConfig {
            engine: EngineKind::Espeak,
            host_engines: [None, None],
            voices: None,
            format: AudioFormat::Mp3,
            bitrate_kbps: 64,
            opus_bitrate_kbps: 48,
            mp3_quality: 7,
            loudness: Target::default(),
            pauses: Pauses::default(),
            cover: None,
            openai_speech: OpenAiSpeechConfig::default(),
            piper: PiperConfig::default(),
            line_cache: None,
        }
    }
}

impl VoiceConfig {
    /// The engine that speaks for `speaker`.
    pub fn engine_for(&self, speaker: Speaker) -> EngineKind {
        self.host_engines[speaker.index()].unwrap_or(self.engine)
    }

    /// The engines the hosts use, each once.
    pub fn engines_used(&self) -> Vec<EngineKind> {
        let mut used = vec![self.engine_for(Speaker::A)];
        if self.engine_for(Speaker::B) != used[0] {
            used.push(self.engine_for(Speaker::B));
        }
        used
    }

    /// Checks every setting; the error says which one is wrong.
    pub fn check(&self) -> Result<(), VoiceError> {
        crate::audio::mp3::check_bitrate(self.bitrate_kbps)?;
        crate::audio::mp3::check_quality(self.mp3_quality)?;
        crate::audio::opus::check_bitrate(self.opus_bitrate_kbps)?;
        self.pauses.check().map_err(VoiceError::Config)?;
        if self.engines_used().contains(&EngineKind::OpenAiSpeech) {
            self.openai_speech
                .check()
                .map_err(|e| VoiceError::Config(format!("openai_speech: {e}")))?;
        }
        let t = &self.loudness;
        if !(t.integrated_lufs.is_finite() && (-40.0..=-5.0).contains(&t.integrated_lufs)) {
            return Err(VoiceError::Config(format!(
                "loudness target {} LUFS is outside −40…−5",
                t.integrated_lufs
            )));
        }
        if !(t.true_peak_dbtp.is_finite() && (-12.0..=0.0).contains(&t.true_peak_dbtp)) {
            return Err(VoiceError::Config(format!(
                "true-peak ceiling {} dBTP is outside −12…0",
                t.true_peak_dbtp
            )));
        }
        if !(t.codec_margin_db.is_finite() && (0.0..=3.0).contains(&t.codec_margin_db)) {
            return Err(VoiceError::Config(format!(
                "codec margin {} dB is outside 0…3",
                t.codec_margin_db
            )));
        }
        Ok(())
    }
}

/// Two clearly different default voices per language (espeak-ng): host A lower and
/// steadier (male variant `m3`, slightly slower), host B higher and quicker (female
/// variant `f3`).
pub fn default_voices(language: Language) -> [VoiceSpec; 2] {
    let base = match language {
        Language::Zh => "cmn",
        Language::En => "en-us",
    };
    [
        VoiceSpec::named(format!("{base}+m3"))
            .with_pitch(45)
            .with_rate(0.97),
        VoiceSpec::named(format!("{base}+f3"))
            .with_pitch(55)
            .with_rate(1.05),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_distinct() {
        let config = VoiceConfig::default();
        config.check().unwrap();
        for language in [Language::Zh, Language::En] {
            let [a, b] = default_voices(language);
            assert_ne!(a.name, b.name);
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = VoiceConfig {
            bitrate_kbps: 65,
            ..VoiceConfig::default()
        };
        assert!(bad.check().unwrap_err().to_string().contains("65"));
        let mut bad = VoiceConfig::default();
        bad.loudness.integrated_lufs = 3.0;
        assert!(bad.check().unwrap_err().to_string().contains("LUFS"));
        let mut bad = VoiceConfig::default();
        bad.pauses.turn_s = f32::NAN;
        assert!(bad.check().unwrap_err().to_string().contains("turn_s"));
        let mut bad = VoiceConfig {
            engine: EngineKind::OpenAiSpeech,
            ..VoiceConfig::default()
        };
        bad.openai_speech.timeout_s = 0.0;
        assert!(bad.check().unwrap_err().to_string().contains("timeout_s"));
    }

    #[test]
    fn opus_is_a_format_choice_with_its_own_bit_rate() {
        let config: VoiceConfig =
            serde_json::from_str(r#"{"format":"opus","line_cache":"/var/cache/lines"}"#).unwrap();
        assert_eq!(config.format, AudioFormat::Opus);
        assert_eq!(config.opus_bitrate_kbps, 48);
        assert_eq!(config.line_cache, Some(PathBuf::from("/var/cache/lines")));
        config.check().unwrap();
        assert_eq!(VoiceConfig::default().format, AudioFormat::Mp3);
        assert_eq!(AudioFormat::Opus.file_name(), "episode.opus");
        assert_eq!(AudioFormat::Mp3.mime_type(), "audio/mpeg");
        assert_eq!("OPUS".parse::<AudioFormat>(), Ok(AudioFormat::Opus));
        assert!("ogg".parse::<AudioFormat>().unwrap_err().contains("ogg"));
        let bad = VoiceConfig {
            opus_bitrate_kbps: 600,
            ..VoiceConfig::default()
        };
        assert!(bad.check().unwrap_err().to_string().contains("600"));
    }

    #[test]
    fn each_host_may_have_its_own_engine() {
        let config: VoiceConfig =
            serde_json::from_str(r#"{"engine":"espeak","host_engines":[null,"piper"]}"#).unwrap();
        assert_eq!(config.engine_for(Speaker::A), EngineKind::Espeak);
        assert_eq!(config.engine_for(Speaker::B), EngineKind::Piper);
        assert_eq!(
            config.engines_used(),
            [EngineKind::Espeak, EngineKind::Piper]
        );
        assert_eq!(VoiceConfig::default().engines_used(), [EngineKind::Espeak]);
        let mut speech_for_b = VoiceConfig::default();
        speech_for_b.host_engines[1] = Some(EngineKind::OpenAiSpeech);
        speech_for_b.openai_speech.timeout_s = 0.0;
        assert!(
            speech_for_b
                .check()
                .unwrap_err()
                .to_string()
                .contains("timeout_s")
        );
    }

    #[test]
    fn openai_speech_is_selectable() {
        let config: VoiceConfig = serde_json::from_str(
            r#"{"engine":"openai-speech",
                "openai_speech":{"base_url":"http://localhost:8880/v1","model":"kokoro"}}"#,
        )
        .unwrap();
        assert_eq!(config.engine, EngineKind::OpenAiSpeech);
        assert_eq!(config.openai_speech.model, "kokoro");
        assert_eq!(config.openai_speech.max_attempts, 3);
        config.check().unwrap();
        let engine = config.engine.start(&config).unwrap();
        assert_eq!(engine.name(), "openai-speech");
    }

    #[test]
    fn piper_is_selectable_with_its_settings() {
        let config: VoiceConfig = serde_json::from_str(
            r#"{"engine":"piper",
                "piper":{"voice_dir":"/voices","runtime_library":"/nowhere/libonnxruntime.so"}}"#,
        )
        .unwrap();
        assert_eq!(config.engine, EngineKind::Piper);
        config.check().unwrap();
        let [a, b] = config.engine.default_voices(&config, Language::En);
        assert_eq!(a.name, piper::DEFAULT_EN_VOICE);
        assert_eq!(b.name, piper::DEFAULT_EN_VOICE);
        assert_ne!(a.pitch, b.pitch);
        // A runtime library that is not there stops the engine with a clear error.
        let err = config.engine.start(&config).err().unwrap().to_string();
        assert!(err.contains("/nowhere/libonnxruntime.so"), "{err}");
    }
}
