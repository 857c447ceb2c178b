//! How an episode is spoken, as plain data: the engine and voice of each host, the
//! audio format and bit rates, the speech API's and Piper's settings, and the shared
//! line cache. The command line fills it from its flags and config file; a server keeps
//! it per listener.

use std::path::PathBuf;

use goosepod_voice::engine::piper;
use goosepod_voice::{
    AudioFormat, EngineKind, Language, OpenAiSpeechConfig, PiperConfig, Speaker, SpeechScript,
    VoiceConfig, VoiceSpec,
};
use serde::{Deserialize, Serialize};

/// The script's language has no voices.
#[derive(Debug, thiserror::Error)]
#[error("unsupported language {0:?} (supported: zh, en)")]
pub struct UnsupportedLanguage(pub String);

/// The voice choices for an episode. Unset voices come from the script (the episode's
/// espeak-ng voices), then the engine's defaults for the language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceChoice {
    /// The engine of both hosts, unless `engine_a`/`engine_b` say otherwise.
    pub engine: EngineKind,
    /// Host A's own engine.
    pub engine_a: Option<EngineKind>,
    /// Host B's own engine.
    pub engine_b: Option<EngineKind>,
    /// Host A's voice: an espeak-ng voice (`en-us+m3`), a Piper model path or name with
    /// an optional `#speaker`, or the speech API's voice name.
    pub voice_a: Option<String>,
    /// Host B's voice.
    pub voice_b: Option<String>,
    /// The audio file's format: `mp3` (`episode.mp3`) or `opus` (`episode.opus`, Opus
    /// in Ogg).
    pub format: AudioFormat,
    /// MP3 bit rate, kb/s.
    pub bitrate_kbps: u32,
    /// Opus bit rate, kb/s.
    pub opus_bitrate_kbps: u32,
    /// The OpenAI-compatible speech API, for the `openai-speech` engine.
    pub openai_speech: OpenAiSpeechConfig,
    /// Where Piper voices and the ONNX Runtime library are, for the `piper` engine.
    pub piper: PiperConfig,
    /// A directory of spoken lines shared by every episode made with it: a line already
    /// spoken with the same voice and settings (a story's body, heard by many
    /// listeners) is read instead of spoken again. `None` speaks every line.
    pub line_cache: Option<PathBuf>,
}

impl Default for VoiceChoice {
    fn default() -> Self {
        let defaults = VoiceConfig::default();
        VoiceChoice {
            engine: defaults.engine,
            engine_a: None,
            engine_b: None,
            voice_a: None,
            voice_b: None,
            format: defaults.format,
            bitrate_kbps: defaults.bitrate_kbps,
            opus_bitrate_kbps: defaults.opus_bitrate_kbps,
            openai_speech: defaults.openai_speech,
            piper: defaults.piper,
            line_cache: defaults.line_cache,
        }
    }
}

impl VoiceChoice {
    /// The voice stage's settings for speaking `script`; gives the script's hosts the
    /// voices chosen for them.
    pub fn config_for(
        &self,
        script: &mut SpeechScript,
    ) -> Result<VoiceConfig, UnsupportedLanguage> {
        let mut config = VoiceConfig {
            engine: self.engine,
            host_engines: [self.engine_a, self.engine_b],
            format: self.format,
            bitrate_kbps: self.bitrate_kbps,
            opus_bitrate_kbps: self.opus_bitrate_kbps,
            openai_speech: self.openai_speech.clone(),
            piper: self.piper.clone(),
            line_cache: self.line_cache.clone(),
            ..VoiceConfig::default()
        };
        let names = [self.voice_a.clone(), self.voice_b.clone()];
        let engines = [Speaker::A, Speaker::B].map(|s| config.engine_for(s));
        if engines.contains(&EngineKind::Piper) {
            // The episode's voice names are espeak-ng's (`goosepod script` writes them):
            // Piper voices come from the choices here only.
            let language = Language::from_bcp47(&script.language)
                .ok_or_else(|| UnsupportedLanguage(script.language.clone()))?;
            let piper_names = [0, 1].map(|i| {
                names[i]
                    .as_deref()
                    .filter(|_| engines[i] == EngineKind::Piper)
            });
            let piper_voices = piper::host_voices(&config.piper, piper_names, language);
            let espeak_defaults = goosepod_voice::default_voices(language);
            config.voices = Some([0, 1].map(|i| {
                match (engines[i], &names[i]) {
                    (EngineKind::Piper, _) => piper_voices[i].clone(),
                    (_, Some(name)) => VoiceSpec::named(name.clone()),
                    (_, None) => script.hosts[i]
                        .voice
                        .clone()
                        .unwrap_or_else(|| espeak_defaults[i].clone()),
                }
            }));
        } else {
            for (host, name) in script.hosts.iter_mut().zip(names) {
                if let Some(name) = name {
                    host.voice = Some(VoiceSpec::named(name));
                }
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goosepod_voice::ScriptHost;

    fn script() -> SpeechScript {
        let host = |name: &str, voice: &str| ScriptHost {
            name: name.to_string(),
            voice: Some(VoiceSpec::named(voice)),
        };
        SpeechScript {
            title: "T".into(),
            show: "S".into(),
            summary: String::new(),
            date: None,
            language: "en-US".into(),
            hosts: [host("Ann", "en-us+m3"), host("Bo", "en-us+f3")],
            segments: vec![],
            lines: vec![],
        }
    }

    #[test]
    fn the_choice_survives_toml_and_fills_in_defaults() {
        let choice: VoiceChoice =
            toml::from_str("engine_b = \"piper\"\nvoice_a = \"en-us+m7\"\nbitrate_kbps = 96")
                .unwrap();
        assert_eq!(choice.engine, EngineKind::Espeak);
        assert_eq!(choice.engine_b, Some(EngineKind::Piper));
        assert_eq!(choice.bitrate_kbps, 96);
        assert_eq!(choice.format, AudioFormat::Mp3);
        assert_eq!(choice.line_cache, None);
        let text = toml::to_string(&choice).unwrap();
        assert_eq!(toml::from_str::<VoiceChoice>(&text).unwrap(), choice);
        assert!(toml::from_str::<VoiceChoice>("engine = \"loud\"").is_err());
    }

    #[test]
    fn format_bit_rates_and_line_cache_reach_the_voice_stage() {
        let choice: VoiceChoice = toml::from_str(
            "format = \"opus\"\nopus_bitrate_kbps = 32\nline_cache = \"/srv/goosepod/cache/lines\"",
        )
        .unwrap();
        assert_eq!(choice.format, AudioFormat::Opus);
        let text = toml::to_string(&choice).unwrap();
        assert_eq!(toml::from_str::<VoiceChoice>(&text).unwrap(), choice);
        let config = choice.config_for(&mut script()).unwrap();
        assert_eq!(config.format, AudioFormat::Opus);
        assert_eq!(config.opus_bitrate_kbps, 32);
        assert_eq!(config.bitrate_kbps, VoiceConfig::default().bitrate_kbps);
        assert_eq!(
            config.line_cache.as_deref(),
            Some(std::path::Path::new("/srv/goosepod/cache/lines"))
        );
        assert!(toml::from_str::<VoiceChoice>("format = \"ogg\"").is_err());
    }

    #[test]
    fn espeak_voices_named_replace_the_scripts() {
        let mut script = script();
        let choice = VoiceChoice {
            voice_b: Some("en-us+f5".into()),
            bitrate_kbps: 80,
            ..VoiceChoice::default()
        };
        let config = choice.config_for(&mut script).unwrap();
        assert_eq!(config.bitrate_kbps, 80);
        assert_eq!(config.voices, None);
        assert_eq!(script.hosts[0].voice, Some(VoiceSpec::named("en-us+m3")));
        assert_eq!(script.hosts[1].voice, Some(VoiceSpec::named("en-us+f5")));
    }

    #[test]
    fn a_piper_host_gets_a_piper_voice_and_the_other_keeps_the_scripts() {
        let mut script = script();
        let choice = VoiceChoice {
            engine_b: Some(EngineKind::Piper),
            voice_b: Some("/voices/en_US-amy-medium.onnx".into()),
            ..VoiceChoice::default()
        };
        let config = choice.config_for(&mut script).unwrap();
        assert_eq!(config.engine_for(Speaker::A), EngineKind::Espeak);
        assert_eq!(config.engine_for(Speaker::B), EngineKind::Piper);
        let voices = config.voices.unwrap();
        assert_eq!(voices[0], VoiceSpec::named("en-us+m3"));
        assert_eq!(voices[1].name, "/voices/en_US-amy-medium.onnx");
    }

    #[test]
    fn piper_voices_need_a_language_with_voices() {
        let mut script = script();
        script.language = "fr-FR".into();
        let piper = VoiceChoice {
            engine: EngineKind::Piper,
            ..VoiceChoice::default()
        };
        let err = piper.config_for(&mut script).unwrap_err();
        assert!(err.to_string().contains("fr-FR"), "{err}");
    }
}
