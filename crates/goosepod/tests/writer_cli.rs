//! Choosing the writer on the command line and in the config file. With no model
//! reachable, the model writer hands over to the offline writer and says why.

mod common;
use common::{goosepod, goosepod_with, sample, stderr};

use goosepod_core::{Episode, WriterKind};

fn written(path: &std::path::Path) -> Episode {
    Episode::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_unreachable_model_falls_back_to_the_offline_writer_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode.json");
    let output = goosepod(&[
        "script",
        &sample("en-harbor-battery.html"),
        "--writer",
        "llm",
        "--llm-base-url",
        "http://127.0.0.1:9/v1",
        "--llm-model",
        "house-model",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let episode = written(&out);
    assert_eq!(episode.writer.kind, WriterKind::Offline);
    let note = &episode.writer.notes[0];
    assert!(
        note.contains("house-model") && note.contains("cannot reach"),
        "{note}"
    );
    assert!(stderr(&output).contains("note: the model house-model could not write"));
}

#[test]
fn the_writer_and_model_come_from_the_config_file_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[writer]\nkind = \"llm\"\ncache = false\n\n[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nmax_attempts = 1\n",
    )
    .unwrap();
    let out = dir.path().join("episode.json");
    let output = goosepod_with(
        &[
            "--config",
            config.to_str().unwrap(),
            "script",
            &sample("en-harbor-battery.html"),
            "-o",
            out.to_str().unwrap(),
        ],
        &[("GOOSEPOD_LLM_MODEL", "model-from-env")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let note = &written(&out).writer.notes[0];
    assert!(note.contains("model-from-env"), "{note}");
    assert!(!note.contains("after"), "one attempt only: {note}");

    // The flag wins over the file.
    let output = goosepod(&[
        "--config",
        config.to_str().unwrap(),
        "script",
        &sample("en-harbor-battery.html"),
        "--writer",
        "offline",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(written(&out).writer.notes.is_empty());
}

#[test]
fn an_unknown_setting_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[llm]\nmodle = \"typo\"\n").unwrap();
    let output = goosepod(&[
        "--config",
        config.to_str().unwrap(),
        "script",
        &sample("en-harbor-battery.html"),
    ]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("modle"), "{}", stderr(&output));
}
