//! `goosepod episode` and `goosepod demo`, as a user runs them: real extraction, the
//! offline writer, espeak-ng audio, the page; and what is left behind when a stage fails.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::{goosepod, sample, stderr, stdout};

use goosepod_core::Episode;

const FILES: [&str; 7] = [
    "index.html",
    "episode.mp3",
    "episode.json",
    "transcript.vtt",
    "transcript.srt",
    "chapters.json",
    "cover.png",
];

fn check(output: &Output) {
    assert!(output.status.success(), "{}", stderr(output));
}

fn episode_args<'a>(input: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "episode",
        input,
        "--name",
        "Norris",
        "--tz",
        "America/Chicago",
        "--at",
        "2026-03-12T13:05:00Z",
        "--minutes",
        "1",
        "-o",
        out,
    ]
}

/// Entries of `dir` whose names start with a dot: working directories left behind.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

#[test]
fn a_page_becomes_a_whole_episode_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let output = goosepod(&episode_args(
        &sample("en-harbor-battery.html"),
        out.to_str().unwrap(),
    ));
    check(&output);

    for file in FILES {
        let len = std::fs::metadata(out.join(file)).map_or(0, |m| m.len());
        assert!(len > 0, "{file} written");
        assert!(stdout(&output).contains(&out.join(file).display().to_string()));
    }
    let episode =
        Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap()).unwrap();
    assert!(episode.is_timed());
    let audio = episode.audio.as_ref().unwrap();
    assert_eq!(
        audio.bytes,
        std::fs::metadata(out.join("episode.mp3")).unwrap().len()
    );
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<h1>Port Alder switches on giant harbor battery</h1>"));
    assert!(page.contains("Read original at The Coastal Ledger"));
    // The greeting speaks the listener's clock: 13:05 UTC is 8:05 in Chicago (CDT).
    assert!(
        page.contains("at 8:05 in the morning"),
        "greeting in the page"
    );

    let summary = stderr(&output);
    for stage in ["fetch", "extract", "write", "speak", "publish"] {
        assert!(summary.contains(&format!("{stage}: done in")), "{summary}");
    }
    assert!(summary.contains("real time"), "{summary}");
    assert!(leftovers(dir.path()).is_empty());

    // The files are published: readable by everyone, like any output.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), 0o755);
        for file in FILES {
            assert_eq!(mode(&out.join(file)), 0o644, "{file}");
        }
    }
}

#[test]
fn a_failed_stage_leaves_no_directory_and_says_which_stage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let missing = dir.path().join("missing.html");
    let output = goosepod(&episode_args(
        missing.to_str().unwrap(),
        out.to_str().unwrap(),
    ));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("the fetch stage failed"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());

    // Speech fails (no speech server listens there): nothing is left, not even the
    // audio that the voice stage would have written.
    let input = sample("en-harbor-battery.html");
    let mut args = episode_args(&input, out.to_str().unwrap());
    args.extend([
        "--engine",
        "openai-speech",
        "--speech-base-url",
        "http://127.0.0.1:9/v1",
    ]);
    let output = goosepod(&args);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("the speak stage failed"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn a_failed_run_keeps_the_earlier_episode_and_a_new_run_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let out_str = out.to_str().unwrap();
    check(&goosepod(&episode_args(
        &sample("en-harbor-battery.html"),
        out_str,
    )));
    let first = std::fs::read(out.join("episode.mp3")).unwrap();

    let input = sample("en-harbor-battery.html");
    let mut failing = episode_args(&input, out_str);
    failing.extend([
        "--engine",
        "openai-speech",
        "--speech-base-url",
        "http://127.0.0.1:9/v1",
    ]);
    assert!(!goosepod(&failing).status.success());
    assert_eq!(std::fs::read(out.join("episode.mp3")).unwrap(), first);

    check(&goosepod(&episode_args(
        &sample("zh-rail-line.html"),
        out_str,
    )));
    let episode =
        Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap()).unwrap();
    assert_eq!(episode.language.tag(), "zh-CN");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

/// Every file under `dir`, at any depth.
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|path| if path.is_dir() { count_files(&path) } else { 1 })
        .sum()
}

#[test]
fn an_opus_episode_replaces_an_mp3_one_and_spoken_lines_are_shared_through_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let out_str = out.to_str().unwrap();
    let cache = dir.path().join("lines");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[voice]\nline_cache = {:?}\n", cache.to_str().unwrap()),
    )
    .unwrap();
    let input = sample("en-harbor-battery.html");
    let with_config = |name: &str, extra: &[&str]| {
        let mut args = vec!["--config", config.to_str().unwrap()];
        args.extend(episode_args(&input, out_str));
        let at = args.iter().position(|a| *a == "--name").unwrap();
        args[at + 1] = name;
        args.extend(extra);
        goosepod(&args)
    };
    check(&with_config("Norris", &[]));
    assert!(out.join("episode.mp3").is_file());
    let spoken_once = count_files(&cache);
    assert!(spoken_once > 0, "[voice] line_cache is used");

    // Another listener, as Opus: the MP3 episode is replaced.
    let output = with_config("Ada", &["--format", "opus", "--opus-bitrate", "40"]);
    check(&output);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected = FILES.map(|f| f.replace("episode.mp3", "episode.opus"));
    expected.sort();
    assert_eq!(names, expected);
    for file in &expected {
        assert!(
            stdout(&output).contains(&out.join(file).display().to_string()),
            "{file} listed"
        );
    }
    assert!(!stdout(&output).contains("episode.mp3"));
    let episode =
        Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap()).unwrap();
    let audio = episode.audio.as_ref().unwrap();
    assert_eq!(audio.file, "episode.opus");
    assert_eq!(audio.mime_type, "audio/ogg; codecs=opus");
    let opus = std::fs::read(out.join("episode.opus")).unwrap();
    assert_eq!(audio.bytes, opus.len() as u64);
    assert_eq!(&opus[..4], b"OggS");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains(r#"<source src="episode.opus" type="audio/ogg; codecs=opus">"#),
        "the player plays the Opus file"
    );
    assert!(page.contains(
        r#"<a href="episode.opus" download type="audio/ogg; codecs=opus">Opus audio</a>"#
    ));
    assert!(!page.contains("episode.mp3"));
    assert!(page.contains("Ada"));

    // The story was spoken once: only lines for Ada were added to the cache.
    let personal = episode.lines.iter().filter(|l| l.personal).count();
    let added = count_files(&cache) - spoken_once;
    assert!(
        added > 0 && added <= personal,
        "{added} added, {personal} personal"
    );
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_directory_holding_other_files_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let output = goosepod(&episode_args(
        &sample("en-harbor-battery.html"),
        dir.path().to_str().unwrap(),
    ));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("already holds other files (notes.txt)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn the_demo_makes_an_episode_from_a_built_in_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let output = goosepod(&["demo", "--lang", "zh-CN", "-o", out.to_str().unwrap()]);
    check(&output);
    for file in FILES {
        assert!(out.join(file).is_file(), "{file}");
    }
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<html lang=\"zh-CN\">"));
    assert!(page.contains("Norris"));
    assert!(stderr(&output).contains("file://"), "{}", stderr(&output));
}

/// A raw HTTP/1.1 GET on the demo server; returns the status line, headers and body.
fn get(address: &str, path: &str, range: Option<&str>) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    let range = range.map(|r| format!("Range: {r}\r\n")).unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{range}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8_lossy(&response[..split]).into_owned(),
        response[split + 4..].to_vec(),
    )
}

#[test]
fn the_demo_serves_its_episode_with_seekable_audio() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_goosepod"))
        .args([
            "demo",
            "--serve",
            "--port",
            "0",
            "-o",
            out.to_str().unwrap(),
        ])
        .env("XDG_CONFIG_HOME", env!("CARGO_TARGET_TMPDIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|line| line.starts_with("http://"))
        .expect("the demo prints its address");
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    let (head, body) = get(&address, "/", None);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("<audio id=\"audio\""));
    let (head, body) = get(&address, "/episode.mp3", Some("bytes=100-199"));
    assert!(head.starts_with("HTTP/1.1 206"), "{head}");
    assert_eq!(body.len(), 100);
    assert_eq!(
        body,
        std::fs::read(out.join("episode.mp3")).unwrap()[100..200]
    );

    child.kill().unwrap();
    child.wait().unwrap();
}
