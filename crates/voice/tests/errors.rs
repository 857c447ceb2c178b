//! Failures: a line the engine cannot speak fails the episode with an error naming the
//! line, and nothing half-made is left at the output paths.

mod common;

use common::fixtures;
use goosepod_voice::{
    EngineError, EspeakEngine, Speech, SpeechEngine, VoiceConfig, VoiceError, VoiceSpec, speak,
    speak_with,
};

/// espeak-ng, except that it fails on any text containing "Gemini".
struct Flaky(EspeakEngine);

impl SpeechEngine for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }

    fn check_voice(&self, voice: &VoiceSpec) -> Result<(), EngineError> {
        self.0.check_voice(voice)
    }

    fn synthesize(&self, text: &str, voice: &VoiceSpec) -> Result<Speech, EngineError> {
        if text.contains("Gemini") {
            return Err(EngineError::Synthesis {
                engine: "flaky",
                voice: voice.name.clone(),
                excerpt: text.chars().take(20).collect(),
                message: "refused".into(),
            });
        }
        self.0.synthesize(text, voice)
    }
}

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_line_fails_the_episode_and_leaves_the_old_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    // A previous episode is in place.
    std::fs::write(dir.path().join("episode.mp3"), b"old").unwrap();
    let engine = Flaky(EspeakEngine::new().unwrap());
    let script = fixtures::en_short(4);
    let err = speak_with(
        &engine,
        &script,
        &VoiceConfig::default(),
        dir.path(),
        &|_| {},
    )
    .unwrap_err();
    match &err {
        VoiceError::Line { number, .. } => assert_eq!(*number, 3, "{err}"),
        other => panic!("expected a line error, got {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("line 3") && message.contains("refused"),
        "{message}"
    );
    assert_eq!(names(dir.path()), ["episode.mp3"]);
    assert_eq!(
        std::fs::read(dir.path().join("episode.mp3")).unwrap(),
        b"old"
    );
}

#[test]
fn unknown_voices_are_refused_before_speaking() {
    let dir = tempfile::tempdir().unwrap();
    let config = VoiceConfig {
        voices: Some([VoiceSpec::named("en-us"), VoiceSpec::named("xx-nowhere")]),
        ..VoiceConfig::default()
    };
    let err = speak(&fixtures::en_short(2), &config, dir.path(), &|_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            VoiceError::Voice {
                speaker: goosepod_voice::Speaker::B,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("xx-nowhere"), "{err}");
    assert!(names(dir.path()).is_empty());
}

#[test]
fn bad_scripts_and_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = fixtures::en_short(2);
    script.language = "fr".into();
    let err = speak(&script, &VoiceConfig::default(), dir.path(), &|_| {}).unwrap_err();
    assert!(
        matches!(err, VoiceError::UnsupportedLanguage(ref l) if l == "fr"),
        "{err}"
    );

    let mut script = fixtures::en_short(2);
    script.lines.clear();
    let err = speak(&script, &VoiceConfig::default(), dir.path(), &|_| {}).unwrap_err();
    assert!(matches!(err, VoiceError::EmptyScript), "{err}");

    let config = VoiceConfig {
        bitrate_kbps: 100,
        ..VoiceConfig::default()
    };
    let err = speak(&fixtures::en_short(2), &config, dir.path(), &|_| {}).unwrap_err();
    assert!(err.to_string().contains("100"), "{err}");

    let mut script = fixtures::en_short(2);
    for line in &mut script.lines {
        line.text = "🎉 **👍**".into();
    }
    let err = speak(&script, &VoiceConfig::default(), dir.path(), &|_| {}).unwrap_err();
    assert!(matches!(err, VoiceError::Silent), "{err}");
    assert!(names(dir.path()).is_empty());
}

#[test]
fn a_line_with_nothing_to_say_gets_no_time_and_no_cue() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = fixtures::en_short(3);
    script.lines[1].text = "👍".into();
    let spoken = speak(&script, &VoiceConfig::default(), dir.path(), &|_| {}).unwrap();
    let empty = &spoken.lines[1];
    assert_eq!(empty.start, empty.end);
    assert_eq!(empty.start, spoken.lines[0].end);
    let vtt = std::fs::read_to_string(dir.path().join("transcript.vtt")).unwrap();
    let cues = common::parse_webvtt(&vtt).unwrap();
    assert_eq!(cues.len(), 2);
}

#[test]
fn progress_is_reported() {
    use std::sync::Mutex;
    let dir = tempfile::tempdir().unwrap();
    let seen = Mutex::new(Vec::new());
    speak(
        &fixtures::zh_short(3),
        &VoiceConfig::default(),
        dir.path(),
        &|p| seen.lock().unwrap().push(p),
    )
    .unwrap();
    let seen = seen.into_inner().unwrap();
    use goosepod_voice::Progress::*;
    let spoken = seen.iter().filter(|p| matches!(p, Speaking { .. })).count();
    assert_eq!(spoken, 3);
    assert!(seen.contains(&Speaking { done: 3, total: 3 }));
    assert_eq!(&seen[3..], &[Mastering, Encoding, Writing]);
}
