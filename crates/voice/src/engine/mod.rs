//! Speech engines: something that turns one line of (already normalised) text into
//! samples with a given voice.
//!
//! Engines are `Send + Sync` so the assembler can call them from every core at once. An
//! engine that cannot run in parallel (libespeak-ng has process-wide state) serialises
//! itself internally; everything around the call (normalisation, trimming, resampling)
//! still runs in parallel.

pub mod espeak;
pub mod openai;
pub mod piper;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use espeak::EspeakEngine;
pub use openai::{OpenAiSpeechConfig, OpenAiSpeechEngine};
pub use piper::{PiperConfig, PiperEngine, PiperError};

/// Mono PCM audio: samples in `[-1, 1]` at `sample_rate` Hz.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Speech {
    /// The samples.
    pub samples: Vec<f32>,
    /// Samples per second.
    pub sample_rate: u32,
}

impl Speech {
    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        if self.sample_rate == 0 {
            0.0
        } else {
            self.samples.len() as f64 / f64::from(self.sample_rate)
        }
    }
}

/// A host's voice: an engine-specific name plus the controls most engines have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceSpec {
    /// Engine-specific voice name. espeak-ng: a voice with an optional variant, e.g.
    /// `en-us`, `en-us+f3`, `cmn+m3` (`cmn`/`zh` resolve to the library's working Mandarin
    /// voice). Piper: a `.onnx` path or a voice name in the voice directory, with an
    /// optional `#speaker` (`en_US-joe-medium`, `/voices/en_US-libritts-high.onnx#p225`).
    pub name: String,
    /// Base pitch, 0–100 with 50 the voice's own (espeak-ng's scale). Engines without a
    /// pitch control ignore it.
    #[serde(default)]
    pub pitch: Option<u8>,
    /// Speaking rate relative to the voice's normal speed (1.0).
    #[serde(default = "one")]
    pub rate: f32,
}

fn one() -> f32 {
    1.0
}

impl VoiceSpec {
    /// A voice by name at its own pitch and speed.
    pub fn named(name: impl Into<String>) -> VoiceSpec {
        VoiceSpec {
            name: name.into(),
            pitch: None,
            rate: 1.0,
        }
    }

    /// The same voice at another pitch.
    pub fn with_pitch(mut self, pitch: u8) -> VoiceSpec {
        self.pitch = Some(pitch.min(100));
        self
    }

    /// The same voice at another rate.
    pub fn with_rate(mut self, rate: f32) -> VoiceSpec {
        self.rate = rate;
        self
    }
}

impl fmt::Display for VoiceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Why an engine could not speak a text.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine could not start at all (library missing, data missing).
    #[error("{engine} could not start: {message}")]
    Unavailable {
        /// Engine name.
        engine: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The voice does not exist in this engine.
    #[error("{engine} has no voice {voice:?}")]
    UnknownVoice {
        /// Engine name.
        engine: &'static str,
        /// The voice asked for.
        voice: String,
    },
    /// The voice's settings are out of range.
    #[error("voice {voice:?}: {message}")]
    BadVoice {
        /// The voice asked for.
        voice: String,
        /// What is wrong with it.
        message: String,
    },
    /// Synthesis of this text failed.
    #[error("{engine} failed with voice {voice:?} on {excerpt:?}: {message}")]
    Synthesis {
        /// Engine name.
        engine: &'static str,
        /// The voice used.
        voice: String,
        /// The start of the text.
        excerpt: String,
        /// What went wrong.
        message: String,
    },
    /// A Piper voice or ONNX Runtime failed (missing or bad files, inference).
    #[error(transparent)]
    Piper(#[from] PiperError),
}

/// The first few characters of a text, for error messages.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Turns text into speech with a voice.
pub trait SpeechEngine: Send + Sync {
    /// Short engine name for errors and logs (`espeak-ng`).
    fn name(&self) -> &'static str;

    /// Checks that a voice exists and its settings are valid, before any line is spoken.
    fn check_voice(&self, voice: &VoiceSpec) -> Result<(), EngineError>;

    /// Speaks one line. The text is plain, already normalised text (no markup, numbers
    /// written out). May return audio at any sample rate; the assembler resamples.
    fn synthesize(&self, text: &str, voice: &VoiceSpec) -> Result<Speech, EngineError>;

    /// Everything besides the text that decides the audio this engine makes for
    /// `voice` (engine, version, model, speaker, pitch, rate…), as one string: lines are
    /// shared through [`crate::cache`] under it. `None`, the default, when that cannot
    /// be known; such lines are always spoken afresh.
    fn cache_identity(&self, voice: &VoiceSpec) -> Option<String> {
        let _ = voice;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("short"), "short");
        let long = "字".repeat(50);
        assert_eq!(excerpt(&long).chars().count(), 41);
        assert!(excerpt(&long).ends_with('…'));
    }

    #[test]
    fn voice_specs_read_from_json() {
        let v: VoiceSpec = serde_json::from_str(r#"{"name":"en-us+f3"}"#).unwrap();
        assert_eq!(v, VoiceSpec::named("en-us+f3"));
        let v: VoiceSpec = serde_json::from_str(r#"{"name":"cmn","pitch":70,"rate":1.1}"#).unwrap();
        assert_eq!(v, VoiceSpec::named("cmn").with_pitch(70).with_rate(1.1));
    }
}
