//! What the command-line tests share: running `goosepod` in a clean environment, and
//! the bundled samples.

// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs `goosepod` with `args`, untouched by the user's config file and `GOOSEPOD_*`
/// settings.
pub fn goosepod(args: &[&str]) -> Output {
    goosepod_with(args, &[])
}

/// [`goosepod`] with extra environment variables.
pub fn goosepod_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("goosepod runs")
}

/// The `goosepod` command [`goosepod_with`] runs, to be started by the caller.
pub fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_goosepod"));
    command
        .args(args)
        .env_remove("GOOSEPOD_CONFIG")
        .env_remove("GOOSEPOD_FETCH_ALLOW")
        .env_remove("GOOSEPOD_FETCH_MAX_BYTES")
        .env_remove("GOOSEPOD_PIPER_VOICE")
        .env_remove("GOOSEPOD_PIPER_VOICE_DIR")
        .env_remove("GOOSEPOD_PIPER_RUNTIME_LIBRARY")
        .env_remove("GOOSEPOD_DATA_DIR")
        .env_remove("GOOSEPOD_PUBLIC_URL")
        .env("XDG_CONFIG_HOME", env!("CARGO_TARGET_TMPDIR"))
        .env("XDG_CACHE_HOME", env!("CARGO_TARGET_TMPDIR"));
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// The path of a bundled sample article.
pub fn sample(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "samples", name]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}
