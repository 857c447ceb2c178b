//! espeak-ng through libespeak-ng: the engine that always works and needs no model files.
//!
//! libespeak-ng keeps one synthesiser per process (global voice, parameters, callback), so
//! every call into it holds one process-wide mutex. It speaks at several hundred times
//! real time on one core, far ahead of everything else in `speak`, so the lock costs
//! nothing measurable: while one line is being synthesised, other threads trim and
//! resample the lines already spoken.
//!
//! Mixed-script lines (`OpenAI 发布了 GPT five point two`) are split into Han and Latin
//! runs ([`crate::text::scripts`]); Han runs are spoken by the host's Mandarin voice and
//! Latin runs by the host's English voice with the same variant and pitch, then joined.
//!
//! Mandarin: espeak-ng 1.51 (Debian bookworm) has a `cmn` voice whose dictionary turns
//! Hanzi into pinyin that it then reads with English letter rules; its `cmn-latn-pinyin`
//! voice reads them correctly. Newer libraries fixed `cmn`. Which one works is detected
//! once at start-up by comparing the phonemes both voices produce for a Hanzi probe.

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char, c_int, c_short, c_void};
use std::path::PathBuf;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, PoisonError};

use espeakng_sys as sys;

use super::{EngineError, Speech, SpeechEngine, VoiceSpec, excerpt};
use crate::audio::trim_silence;
use crate::text::scripts::{self, Script};

const ENGINE: &str = "espeak-ng";

/// Voice names that mean "Mandarin, whichever voice of this library reads it right".
const MANDARIN_ALIASES: &[&str] = &[
    "cmn",
    "cmn-latn-pinyin",
    "zh",
    "zh-cn",
    "zh-cmn",
    "zh-hans",
    "mandarin",
];

/// The English voice Latin runs of a Mandarin host are spoken with.
const ENGLISH_FOR_MANDARIN: &str = "en-us";

/// espeak-ng's normal speaking rate, words per minute.
const NORMAL_WPM: f32 = 175.0;

/// Silence between a Latin and a Han run inside one line, seconds.
const RUN_GAP_S: f32 = 0.06;

/// Where the synthesis callback appends samples. Only set while the library mutex is
/// held and a synthesis is running.
static SINK: AtomicPtr<Vec<i16>> = AtomicPtr::new(ptr::null_mut());

/// The process's one libespeak-ng, initialised on first use.
static LIBRARY: Mutex<Option<Result<Library, String>>> = Mutex::new(None);

/// State of the initialised library. Only reachable through [`with_library`].
struct Library {
    sample_rate: u32,
    data_path: PathBuf,
    /// The library's version (`1.51`).
    version: String,
    mandarin: String,
    /// The voice currently loaded and the parameters applied after loading it.
    current: Option<(String, c_int, c_int)>,
    /// Which voice names the library accepted.
    known: HashMap<String, bool>,
}

unsafe extern "C" fn synth_callback(
    wav: *mut c_short,
    count: c_int,
    _events: *mut sys::espeak_EVENT,
) -> c_int {
    let sink = SINK.load(Ordering::Acquire);
    if !sink.is_null() && !wav.is_null() && count > 0 {
        // SAFETY: `sink` points at a Vec owned by the thread that holds the library
        // mutex and is blocked in espeak_Synth; espeak hands us `count` valid samples.
        unsafe {
            (*sink).extend_from_slice(std::slice::from_raw_parts(wav, count as usize));
        }
    }
    0
}

impl Library {
    /// Starts libespeak-ng in synchronous mode. Must run under the library mutex.
    fn start() -> Result<Library, String> {
        // SAFETY: plain FFI calls; the mutex guarantees no other thread uses the library.
        let rate = unsafe {
            sys::espeak_Initialize(
                sys::espeak_AUDIO_OUTPUT_AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                ptr::null(),
                sys::espeakINITIALIZE_DONT_EXIT as c_int,
            )
        };
        if rate <= 0 {
            return Err("espeak_Initialize failed (is espeak-ng-data installed?)".to_string());
        }
        let mut path: *const c_char = ptr::null();
        // SAFETY: espeak_Info returns static strings.
        let version = unsafe {
            sys::espeak_SetSynthCallback(Some(synth_callback));
            sys::espeak_Info(&mut path)
        };
        let version = if version.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated static string from the library.
            unsafe { CStr::from_ptr(version) }
                .to_string_lossy()
                .into_owned()
        };
        let data_path = if path.is_null() {
            PathBuf::new()
        } else {
            // SAFETY: a NUL-terminated static string from the library.
            PathBuf::from(
                unsafe { CStr::from_ptr(path) }
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        let mut library = Library {
            sample_rate: rate as u32,
            data_path,
            version,
            mandarin: String::new(),
            current: None,
            known: HashMap::new(),
        };
        library.mandarin = library.detect_mandarin();
        tracing::debug!(
            sample_rate = library.sample_rate,
            mandarin = %library.mandarin,
            data = %library.data_path.display(),
            "espeak-ng ready"
        );
        Ok(library)
    }

    /// `cmn` if it reads Hanzi exactly like `cmn-latn-pinyin`, otherwise
    /// `cmn-latn-pinyin` (1.51's `cmn` reads its own pinyin with English rules).
    fn detect_mandarin(&mut self) -> String {
        const PROBE: &str = "你好，中国。";
        let plain = self.phonemes("cmn", PROBE);
        let pinyin = self.phonemes("cmn-latn-pinyin", PROBE);
        tracing::debug!(?plain, ?pinyin, "Mandarin voice probe");
        match (plain, pinyin) {
            (Some(plain), Some(pinyin)) if plain == pinyin => "cmn".to_string(),
            (_, Some(_)) => "cmn-latn-pinyin".to_string(),
            _ => "cmn".to_string(),
        }
    }

    /// The phoneme string a voice produces for a text, or None if the voice is missing.
    fn phonemes(&mut self, voice: &str, text: &str) -> Option<String> {
        if !self.set_voice(voice, 175, 50) {
            return None;
        }
        let text = CString::new(text).ok()?;
        let mut cursor: *const c_void = text.as_ptr().cast();
        let mut out = String::new();
        while !cursor.is_null() {
            // SAFETY: `cursor` walks the NUL-terminated `text`; the result is a static
            // buffer valid until the next call, copied at once.
            let clause = unsafe {
                sys::espeak_TextToPhonemes(&mut cursor, sys::espeakCHARS_UTF8 as c_int, 0)
            };
            if clause.is_null() {
                break;
            }
            out.push_str(&unsafe { CStr::from_ptr(clause) }.to_string_lossy());
            out.push(' ');
        }
        Some(out)
    }

    /// The IPA phonemes of `text` with the loaded voice, clause by clause as the library
    /// splits it, each with the punctuation that ended it.
    fn ipa_clauses(&mut self, text: &str) -> Vec<IpaClause> {
        let text = text.replace('\0', " ");
        let Ok(ctext) = CString::new(text.as_str()) else {
            return Vec::new();
        };
        let base = ctext.as_ptr() as usize;
        let mut cursor: *const c_void = ctext.as_ptr().cast();
        let mut clauses = Vec::new();
        let mut start = 0;
        while !cursor.is_null() {
            // SAFETY: `cursor` walks the NUL-terminated `ctext`; the result is a static
            // buffer valid until the next call, copied at once.
            let clause = unsafe {
                sys::espeak_TextToPhonemes(
                    &mut cursor,
                    sys::espeakCHARS_UTF8 as c_int,
                    sys::espeakPHONEMES_IPA as c_int,
                )
            };
            if clause.is_null() {
                break;
            }
            let phonemes = unsafe { CStr::from_ptr(clause) }
                .to_string_lossy()
                .into_owned();
            // The library leaves the cursor one character past the clause's end (it
            // reads ahead), or null after the last clause.
            let end = if cursor.is_null() {
                text.len()
            } else {
                (cursor as usize).saturating_sub(base).min(text.len())
            };
            let consumed = clause_text(&text, start, end, !cursor.is_null());
            clauses.push(IpaClause {
                phonemes,
                terminator: terminator(consumed),
            });
            start = end;
        }
        clauses
    }

    /// Loads a voice (if not loaded) and applies rate and pitch. False if the library
    /// does not know the voice.
    fn set_voice(&mut self, name: &str, wpm: c_int, pitch: c_int) -> bool {
        let loaded = matches!(&self.current, Some((current, _, _)) if current == name);
        if !loaded {
            let Ok(cname) = CString::new(name) else {
                return false;
            };
            // SAFETY: FFI call with a valid C string, under the library mutex.
            let status = unsafe { sys::espeak_SetVoiceByName(cname.as_ptr()) };
            let ok = status == sys::espeak_ERROR_EE_OK;
            self.known.insert(name.to_string(), ok);
            if !ok {
                self.current = None;
                return false;
            }
            self.current = Some((name.to_string(), -1, -1));
        }
        if let Some((_, current_wpm, current_pitch)) = &mut self.current {
            // SAFETY: FFI calls under the library mutex.
            unsafe {
                if *current_wpm != wpm {
                    sys::espeak_SetParameter(sys::espeak_PARAMETER_espeakRATE, wpm, 0);
                    *current_wpm = wpm;
                }
                if *current_pitch != pitch {
                    sys::espeak_SetParameter(sys::espeak_PARAMETER_espeakPITCH, pitch, 0);
                    *current_pitch = pitch;
                }
            }
        }
        true
    }

    fn knows(&mut self, name: &str) -> bool {
        if let Some(&known) = self.known.get(name) {
            return known;
        }
        self.set_voice(name, NORMAL_WPM as c_int, 50)
    }

    /// Whether a variant (`f3`, `m3`, `klatt`…) exists in the data directory. The library
    /// silently ignores unknown variants, so this is checked on disk.
    fn has_variant(&self, variant: &str) -> bool {
        !variant.is_empty()
            && !variant.contains(['/', '\\', '.'])
            && self
                .data_path
                .join("voices")
                .join("!v")
                .join(variant)
                .is_file()
    }

    /// Speaks `text` with the loaded voice, returning 16-bit samples.
    fn synth(&mut self, text: &str) -> Result<Vec<i16>, String> {
        let text = CString::new(text.replace('\0', " ")).map_err(|e| e.to_string())?;
        let mut samples: Vec<i16> = Vec::with_capacity(text.as_bytes().len() * 1500);
        SINK.store(&mut samples, Ordering::Release);
        // SAFETY: synchronous mode: espeak_Synth returns after the callback has seen all
        // samples; SINK points at `samples` for exactly that time.
        let status = unsafe {
            sys::espeak_Synth(
                text.as_ptr().cast(),
                text.as_bytes_with_nul().len(),
                0,
                sys::espeak_POSITION_TYPE_POS_CHARACTER,
                0,
                sys::espeakCHARS_UTF8,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        SINK.store(ptr::null_mut(), Ordering::Release);
        if status != sys::espeak_ERROR_EE_OK {
            return Err(format!("espeak_Synth returned {status}"));
        }
        Ok(samples)
    }
}

/// Runs `f` with the initialised library, holding the process-wide lock.
fn with_library<T>(
    f: impl FnOnce(&mut Library) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let mut guard = LIBRARY.lock().unwrap_or_else(PoisonError::into_inner);
    let library = guard.get_or_insert_with(Library::start);
    match library {
        Ok(library) => f(library),
        Err(message) => Err(EngineError::Unavailable {
            engine: ENGINE,
            message: message.clone(),
        }),
    }
}

/// One clause of a text in IPA, as libespeak-ng splits text into clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpaClause {
    /// The phonemes, words separated by spaces (with `(en)`-style language switches
    /// where the voice reads a word as another language).
    pub phonemes: String,
    /// The punctuation that ended the clause (`.`, `,`, `?`, `!`, `:` or `;`; full-width
    /// forms are given as these), if any.
    pub terminator: Option<char>,
}

/// The text of one clause: `text[start..end]` less the character the library read ahead
/// (when `read_ahead`), cut at character boundaries.
fn clause_text(text: &str, start: usize, end: usize, read_ahead: bool) -> &str {
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut start = start.min(end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let consumed = &text[start..end];
    if read_ahead {
        let mut chars = consumed.chars();
        chars.next_back();
        chars.as_str()
    } else {
        consumed
    }
}

/// The clause-ending punctuation at the end of a clause's text.
fn terminator(clause: &str) -> Option<char> {
    match clause.trim_end().chars().next_back()? {
        '.' | '。' | '…' => Some('.'),
        ',' | '，' | '、' => Some(','),
        '?' | '？' => Some('?'),
        '!' | '！' => Some('!'),
        ':' | '：' => Some(':'),
        ';' | '；' => Some(';'),
        _ => None,
    }
}

/// The IPA phonemes of `text` spoken by the espeak-ng voice `voice` (a Mandarin alias
/// such as `cmn` means the voice this library reads Hanzi with), clause by clause.
pub(crate) fn ipa_clauses(voice: &str, text: &str) -> Result<Vec<IpaClause>, EngineError> {
    with_library(|library| {
        let mandarin = MANDARIN_ALIASES
            .iter()
            .any(|alias| alias.eq_ignore_ascii_case(voice.trim()));
        let name = if mandarin {
            library.mandarin.clone()
        } else {
            voice.trim().to_string()
        };
        if !library.set_voice(&name, NORMAL_WPM as c_int, 50) {
            return Err(EngineError::UnknownVoice {
                engine: ENGINE,
                voice: name,
            });
        }
        Ok(library.ipa_clauses(text))
    })
}

/// A host's voice resolved to the two espeak-ng voices it speaks with.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resolved {
    /// For Han runs (`cmn-latn-pinyin+f3`).
    han: String,
    /// For everything else (`en-us+f3`).
    latin: String,
    /// Scripts with no Han or Latin letters are spoken with this one.
    han_first: bool,
    variant: Option<String>,
}

/// The espeak-ng engine. Cheap to clone; all instances share the one library.
#[derive(Debug, Clone)]
pub struct EspeakEngine {
    sample_rate: u32,
    mandarin: String,
    /// Library version and data directory: what else decides the sound.
    build: String,
}

impl EspeakEngine {
    /// Starts libespeak-ng (once per process) and detects the Mandarin voice.
    pub fn new() -> Result<EspeakEngine, EngineError> {
        with_library(|library| {
            Ok(EspeakEngine {
                sample_rate: library.sample_rate,
                mandarin: library.mandarin.clone(),
                build: format!("{} data={}", library.version, library.data_path.display()),
            })
        })
    }

    /// The sample rate the library speaks at (22050 Hz).
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The library's version and data directory (`1.51 data=/usr/lib/…/espeak-ng-data`).
    pub fn build(&self) -> &str {
        &self.build
    }

    /// The voice this library reads Hanzi with: `cmn` or `cmn-latn-pinyin`.
    pub fn mandarin_voice(&self) -> &str {
        &self.mandarin
    }

    fn resolve(&self, voice: &VoiceSpec) -> Resolved {
        let (base, variant) = match voice.name.trim().split_once('+') {
            Some((base, variant)) => (base.trim(), Some(variant.trim().to_string())),
            None => (voice.name.trim(), None),
        };
        let with_variant = |name: &str| match &variant {
            Some(v) => format!("{name}+{v}"),
            None => name.to_string(),
        };
        let mandarin = MANDARIN_ALIASES
            .iter()
            .any(|alias| alias.eq_ignore_ascii_case(base));
        if mandarin {
            Resolved {
                han: with_variant(&self.mandarin),
                latin: with_variant(ENGLISH_FOR_MANDARIN),
                han_first: true,
                variant,
            }
        } else {
            Resolved {
                han: with_variant(&self.mandarin),
                latin: with_variant(base),
                han_first: false,
                variant,
            }
        }
    }

    fn parameters(voice: &VoiceSpec) -> Result<(c_int, c_int), EngineError> {
        if !(voice.rate.is_finite() && (0.4..=2.5).contains(&voice.rate)) {
            return Err(EngineError::BadVoice {
                voice: voice.name.clone(),
                message: format!("rate {} is outside 0.4–2.5", voice.rate),
            });
        }
        let wpm = (NORMAL_WPM * voice.rate).round().clamp(
            sys::espeakRATE_MINIMUM as f32,
            sys::espeakRATE_MAXIMUM as f32,
        ) as c_int;
        let pitch = c_int::from(voice.pitch.unwrap_or(50).min(100));
        Ok((wpm, pitch))
    }
}

impl SpeechEngine for EspeakEngine {
    fn name(&self) -> &'static str {
        ENGINE
    }

    fn check_voice(&self, voice: &VoiceSpec) -> Result<(), EngineError> {
        Self::parameters(voice)?;
        let resolved = self.resolve(voice);
        with_library(|library| {
            if let Some(variant) = &resolved.variant
                && !library.has_variant(variant)
            {
                return Err(EngineError::UnknownVoice {
                    engine: ENGINE,
                    voice: voice.name.clone(),
                });
            }
            for name in [&resolved.han, &resolved.latin] {
                if !library.knows(name) {
                    return Err(EngineError::UnknownVoice {
                        engine: ENGINE,
                        voice: name.clone(),
                    });
                }
            }
            Ok(())
        })
    }

    fn synthesize(&self, text: &str, voice: &VoiceSpec) -> Result<Speech, EngineError> {
        let (wpm, pitch) = Self::parameters(voice)?;
        let resolved = self.resolve(voice);
        let default = if resolved.han_first {
            Script::Han
        } else {
            Script::Latin
        };
        let runs = scripts::split(text, default);
        let spoken: Vec<Vec<i16>> = with_library(|library| {
            let mut spoken = Vec::with_capacity(runs.len());
            for run in &runs {
                let name = match run.script {
                    Script::Han => &resolved.han,
                    Script::Latin => &resolved.latin,
                };
                if !library.set_voice(name, wpm, pitch) {
                    return Err(EngineError::UnknownVoice {
                        engine: ENGINE,
                        voice: name.clone(),
                    });
                }
                let samples =
                    library
                        .synth(&run.text)
                        .map_err(|message| EngineError::Synthesis {
                            engine: ENGINE,
                            voice: name.clone(),
                            excerpt: excerpt(&run.text),
                            message,
                        })?;
                spoken.push(samples);
            }
            Ok(spoken)
        })?;

        // Outside the lock: join the runs, each trimmed, with a short gap between.
        let rate = self.sample_rate;
        let gap = vec![0.0f32; (RUN_GAP_S * rate as f32) as usize];
        let mut samples: Vec<f32> = Vec::new();
        for run in spoken {
            let run: Vec<f32> = run.iter().map(|&s| f32::from(s) / 32768.0).collect();
            let kept = trim_silence(&run, rate);
            if kept.is_empty() {
                continue;
            }
            if !samples.is_empty() {
                samples.extend_from_slice(&gap);
            }
            samples.extend_from_slice(kept);
        }
        Ok(Speech {
            samples,
            sample_rate: rate,
        })
    }

    fn cache_identity(&self, voice: &VoiceSpec) -> Option<String> {
        let (wpm, pitch) = Self::parameters(voice).ok()?;
        let resolved = self.resolve(voice);
        Some(format!(
            "{ENGINE} {} rate={} han={} latin={} han_first={} wpm={wpm} pitch={pitch} gap={RUN_GAP_S}",
            self.build, self.sample_rate, resolved.han, resolved.latin, resolved.han_first
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> EspeakEngine {
        EspeakEngine::new().expect("libespeak-ng is installed (scripts/setup.sh)")
    }

    #[test]
    fn cache_identity_follows_what_changes_the_sound() {
        let engine = engine();
        let id = |voice: VoiceSpec| engine.cache_identity(&voice).expect("an identity");
        let base = VoiceSpec::named("en-us+m3").with_pitch(45).with_rate(0.97);
        assert_eq!(id(base.clone()), id(base.clone()));
        assert!(
            id(base.clone()).starts_with("espeak-ng "),
            "{}",
            id(base.clone())
        );
        assert!(id(base.clone()).contains(engine.build()));
        assert_ne!(id(base.clone()), id(base.clone().with_pitch(50)));
        assert_ne!(id(base.clone()), id(base.clone().with_rate(1.0)));
        assert_ne!(
            id(base.clone()),
            id(VoiceSpec::named("en-us+f3").with_pitch(45).with_rate(0.97))
        );
        // Aliases that speak the same way share an identity.
        assert_eq!(id(VoiceSpec::named("zh")), id(VoiceSpec::named("cmn")));
        // A voice the engine would refuse has none.
        assert_eq!(engine.cache_identity(&base.with_rate(9.0)), None);
    }

    #[test]
    fn detects_a_mandarin_voice_that_reads_hanzi() {
        let engine = engine();
        assert!(
            ["cmn", "cmn-latn-pinyin"].contains(&engine.mandarin_voice()),
            "{}",
            engine.mandarin_voice()
        );
        // Whatever was chosen reads Hanzi without switching to English.
        let phonemes = with_library(|library| {
            Ok(library
                .phonemes(&engine.mandarin.clone(), "你好")
                .unwrap_or_default())
        })
        .unwrap();
        assert!(!phonemes.contains("(en)"), "{phonemes}");
        assert!(
            phonemes.contains("214") || phonemes.contains("35"),
            "{phonemes}"
        );
    }

    #[test]
    fn resolves_host_voices_to_han_and_latin_voices() {
        let engine = engine();
        let m = engine.mandarin_voice().to_string();
        let r = engine.resolve(&VoiceSpec::named("cmn+f3"));
        assert_eq!(r.han, format!("{m}+f3"));
        assert_eq!(r.latin, "en-us+f3");
        assert!(r.han_first);
        let r = engine.resolve(&VoiceSpec::named("zh"));
        assert_eq!((r.han.as_str(), r.latin.as_str()), (m.as_str(), "en-us"));
        let r = engine.resolve(&VoiceSpec::named("en-gb+m3"));
        assert_eq!(r.latin, "en-gb+m3");
        assert_eq!(r.han, format!("{m}+m3"));
        assert!(!r.han_first);
    }

    #[test]
    fn unknown_voices_and_variants_are_refused() {
        let engine = engine();
        engine.check_voice(&VoiceSpec::named("en-us+f3")).unwrap();
        engine.check_voice(&VoiceSpec::named("cmn+m3")).unwrap();
        for bad in ["xx-nowhere", "en-us+nosuchvariant", "en-us+../x"] {
            let err = engine.check_voice(&VoiceSpec::named(bad)).unwrap_err();
            assert!(
                matches!(err, EngineError::UnknownVoice { .. }),
                "{bad}: {err}"
            );
        }
        let err = engine
            .check_voice(&VoiceSpec::named("en-us").with_rate(9.0))
            .unwrap_err();
        assert!(matches!(err, EngineError::BadVoice { .. }), "{err}");
    }

    #[test]
    fn speaks_english_and_mandarin() {
        let engine = engine();
        let en = engine
            .synthesize("Hello, this is a test.", &VoiceSpec::named("en-us"))
            .unwrap();
        assert_eq!(en.sample_rate, 22050);
        assert!((0.8..4.0).contains(&en.duration_s()), "{}", en.duration_s());
        let zh = engine
            .synthesize("今天我们聊一聊人工智能。", &VoiceSpec::named("cmn"))
            .unwrap();
        assert!((1.0..6.0).contains(&zh.duration_s()), "{}", zh.duration_s());
        let peak = zh.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.05, "{peak}");
    }

    #[test]
    fn english_words_in_mandarin_lines_are_spoken() {
        let engine = engine();
        let voice = VoiceSpec::named("cmn");
        let without = engine.synthesize("今天的新闻。", &voice).unwrap();
        let with = engine
            .synthesize("今天的新闻 OpenAI Gemini three。", &voice)
            .unwrap();
        // Three English words take clearly longer than nothing.
        assert!(
            with.duration_s() > without.duration_s() + 0.6,
            "{} vs {}",
            with.duration_s(),
            without.duration_s()
        );
    }

    #[test]
    fn variants_change_pitch() {
        let engine = engine();
        let text = "This is one voice, and now you hear another.";
        let low = engine
            .synthesize(text, &VoiceSpec::named("en-us+m3"))
            .unwrap();
        let high = engine
            .synthesize(text, &VoiceSpec::named("en-us+f3"))
            .unwrap();
        let low = crate::analysis::median_f0(&low.samples, low.sample_rate).unwrap();
        let high = crate::analysis::median_f0(&high.samples, high.sample_rate).unwrap();
        assert!(high > low * 1.4, "m3 {low:.0} Hz, f3 {high:.0} Hz");
    }

    #[test]
    fn ipa_clauses_keep_their_punctuation() {
        let clauses = ipa_clauses(
            "en-us",
            "Hello, world! How are you today? Fine; thanks: really. It ends",
        )
        .unwrap();
        let terminators: Vec<Option<char>> = clauses.iter().map(|c| c.terminator).collect();
        assert_eq!(
            terminators,
            [
                Some(','),
                Some('!'),
                Some('?'),
                Some(';'),
                Some(':'),
                Some('.'),
                None
            ],
            "{clauses:?}"
        );
        assert_eq!(clauses[0].phonemes, "həlˈoʊ");
        assert_eq!(clauses[1].phonemes, "wˈɜːld");
        assert!(ipa_clauses("xx-nowhere", "Hi.").is_err());
    }

    #[test]
    fn clause_text_drops_the_character_read_ahead() {
        assert_eq!(clause_text("Hello, world", 0, 8, true), "Hello, ");
        assert_eq!(clause_text("Hello, world", 8, 12, false), "orld");
        assert_eq!(clause_text("你好，中国", 0, 12, true), "你好，");
        // A cursor inside a multi-byte character is moved back to its start.
        assert!("你好，".starts_with(clause_text("你好，中国", 0, 11, true)));
        assert_eq!(terminator("你好，"), Some(','));
        assert_eq!(terminator("well... "), Some('.'));
        assert_eq!(terminator("\"quoted\""), None);
    }

    #[test]
    fn parallel_calls_are_safe() {
        let engine = engine();
        let lengths: Vec<usize> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|i| {
                    let engine = engine.clone();
                    scope.spawn(move || {
                        let voice = if i % 2 == 0 { "en-us+m3" } else { "cmn+f3" };
                        engine
                            .synthesize(
                                "Same text, spoken again. 同样的话。",
                                &VoiceSpec::named(voice),
                            )
                            .unwrap()
                            .samples
                            .len()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // libespeak-ng's output length wobbles by a few samples from call to call (state
        // carried between utterances), so compare within 2 %.
        let close = |a: usize, b: usize| a.abs_diff(b) * 50 < a.max(b);
        assert!(close(lengths[0], lengths[2]), "{lengths:?}");
        assert!(close(lengths[1], lengths[3]), "{lengths:?}");
    }
}
