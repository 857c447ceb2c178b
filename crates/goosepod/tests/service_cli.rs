//! The service commands on one data directory: `user add`, `source add`, `run-once`, and a
//! worker killed in the middle of a job; the same commands on a PostgreSQL database.

mod common;
/// The store tests' databases; only the PostgreSQL part is used here.
#[allow(dead_code)]
#[path = "../../store/tests/support/mod.rs"]
mod databases;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::*;
use goosepod_store::{JobState, SqliteStore, Store};

/// Serves one page to every request, on a thread, until the test ends.
fn serve_page(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{address}/news/harbour")
}

/// The entries of a line cache directory.
fn cached_lines(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut lines = Vec::new();
    for shard in std::fs::read_dir(dir).unwrap() {
        for entry in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "pcm") {
                lines.push(path);
            }
        }
    }
    lines
}

fn json(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).unwrap()
}

#[test]
fn user_add_prints_the_private_feed_and_an_api_token_once() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let env = [("GOOSEPOD_PUBLIC_URL", "https://pod.example.com/")];
    let user = json(&goosepod_with(
        &[
            "user",
            "add",
            "Norris@Example.com",
            "--name",
            "Norris",
            "--lang",
            "zh",
            "--tz",
            "Asia/Shanghai",
            "--topics",
            "OpenAI,芯片",
            "--data-dir",
            dir,
        ],
        &env,
    ));
    let feed = user["feed_url"].as_str().unwrap();
    assert!(feed.starts_with("https://pod.example.com/f/"), "{feed}");
    let token = feed
        .trim_start_matches("https://pod.example.com/f/")
        .trim_end_matches("/feed.xml");
    assert_eq!(token.len(), 64, "a 256-bit token: {feed}");
    assert_eq!(user["api_token"].as_str().unwrap().len(), 64);
    assert_eq!(user["email"], "norris@example.com");
    assert_eq!(user["settings"]["language"], "zh-CN");
    assert_eq!(
        user["settings"]["topics"],
        serde_json::json!(["OpenAI", "芯片"])
    );
    assert!(user["password"].as_str().unwrap().len() >= 16);

    let again = goosepod_with(
        &["user", "add", "norris@example.com", "--data-dir", dir],
        &env,
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let bad = goosepod_with(
        &[
            "user",
            "add",
            "x@example.com",
            "--tz",
            "Mars/Base",
            "--data-dir",
            dir,
        ],
        &env,
    );
    assert!(stderr(&bad).contains("time zone"), "{}", stderr(&bad));
}

#[test]
fn a_worker_killed_mid_job_loses_nothing_and_publishes_once() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let article = serve_page(std::fs::read(sample("en-harbor-battery.html")).unwrap());
    let env = [("GOOSEPOD_FETCH_ALLOW", "127.0.0.1")];
    json(&goosepod_with(
        &["user", "add", "a@example.com", "--data-dir", dir],
        &env,
    ));
    let source = json(&goosepod_with(
        &[
            "source",
            "add",
            "--user",
            "a@example.com",
            &article,
            "--data-dir",
            dir,
        ],
        &env,
    ));
    assert_eq!(source["kind"], "article");

    // The first worker is killed while the job runs.
    let mut worker = command(
        &[
            "run-once",
            "--at",
            "2030-01-15T08:00:00Z",
            "--data-dir",
            dir,
        ],
        &env,
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = runtime
        .block_on(SqliteStore::open(&data.path().join("goosepod.db")))
        .unwrap();
    let started = Instant::now();
    let job = loop {
        let jobs = runtime.block_on(store.jobs(1, 10)).unwrap();
        if let Some(job) = jobs.iter().find(|job| {
            job.state == JobState::Running
                && job
                    .stage
                    .as_deref()
                    .is_some_and(|s| s == "write" || s == "speak")
        }) {
            break job.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the job never started: {jobs:?}"
        );
        assert!(
            worker.try_wait().unwrap().is_none(),
            "the worker ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    worker.kill().unwrap();
    worker.wait().unwrap();
    assert!(
        runtime.block_on(store.episodes(1, 10)).unwrap().is_empty(),
        "nothing is published"
    );

    // What a worker killed after moving the episode into place, before publishing it,
    // would leave: a whole directory for the attempt, next to any staging directory.
    let user_media = data.path().join("media").join("1");
    let dead_attempt = user_media.join(format!("{}-1", job.id));
    std::fs::create_dir_all(&dead_attempt).unwrap();
    std::fs::write(dead_attempt.join("episode.mp3"), b"half an episode").unwrap();

    // While its lease lasts, nobody else takes the job (nor its files); after, it runs
    // again, once, and what the dead attempt left is removed.
    let during = json(&goosepod_with(
        &[
            "run-once",
            "--at",
            "2030-01-15T08:00:30Z",
            "--data-dir",
            dir,
        ],
        &env,
    ));
    assert_eq!(during["jobs"], serde_json::json!([]));
    assert_eq!(during["media_swept"], 0);
    assert!(dead_attempt.is_dir(), "a running attempt's files are kept");
    let after = json(&goosepod_with(
        &[
            "run-once",
            "--at",
            "2030-01-15T08:05:00Z",
            "--data-dir",
            dir,
        ],
        &env,
    ));
    assert_eq!(after["jobs"][0]["state"], "done", "{after}");
    let episodes = runtime.block_on(store.episodes(1, 10)).unwrap();
    assert_eq!(episodes.len(), 1);
    let rerun = runtime.block_on(store.job(1, job.id)).unwrap().unwrap();
    assert_eq!((rerun.state, rerun.attempts), (JobState::Done, 2));
    let media = data.path().join("media").join(&episodes[0].media_key);
    assert!(media.join("episode.mp3").is_file() && media.join("index.html").is_file());
    let mut left: Vec<_> = std::fs::read_dir(&user_media)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    left.sort();
    assert_eq!(left, [media], "only the published episode's files remain");
    assert!(after["media_swept"].as_u64().unwrap() >= 1, "{after}");
    // Spoken lines left unused for days are pruned from the line cache.
    let lines = cached_lines(&data.path().join("cache").join("lines"));
    assert!(!lines.is_empty());
    let days_ago = std::time::SystemTime::now() - Duration::from_secs(4 * 24 * 3600);
    for line in &lines {
        let file = std::fs::File::options().write(true).open(line).unwrap();
        file.set_modified(days_ago).unwrap();
    }
    let again = json(&goosepod_with(
        &[
            "run-once",
            "--at",
            "2030-01-16T08:05:00Z",
            "--data-dir",
            dir,
        ],
        &env,
    ));
    assert_eq!(again["cached_lines_pruned"], lines.len(), "{again}");
    assert!(cached_lines(&data.path().join("cache").join("lines")).is_empty());
    assert_eq!(
        again["jobs"],
        serde_json::json!([]),
        "an article source is told once"
    );
}

#[test]
fn the_service_commands_keep_their_rows_in_postgresql_when_told() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = runtime.block_on(databases::TestDb::postgres()) else {
        return;
    };
    let url = db.postgres_url().unwrap().to_owned();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let article = serve_page(std::fs::read(sample("en-harbor-battery.html")).unwrap());
    let env = [
        ("GOOSEPOD_FETCH_ALLOW", "127.0.0.1"),
        ("GOOSEPOD_DATABASE_URL", url.as_str()),
    ];
    let user = json(&goosepod_with(
        &["user", "add", "a@example.com", "--data-dir", dir],
        &env,
    ));
    json(&goosepod_with(
        &[
            "source",
            "add",
            "--user",
            "a@example.com",
            &article,
            "--data-dir",
            dir,
        ],
        &env,
    ));
    let run = json(&goosepod_with(
        &[
            "run-once",
            "--at",
            "2030-01-15T08:00:00Z",
            "--data-dir",
            dir,
        ],
        &env,
    ));
    assert_eq!(run["jobs"][0]["state"], "done", "{run}");

    // The rows are in PostgreSQL, the media in the data directory, and no SQLite file.
    let store = runtime.block_on(db.open());
    let user_id = user["id"].as_i64().unwrap();
    let episodes = runtime.block_on(store.episodes(user_id, 10)).unwrap();
    assert_eq!(episodes.len(), 1);
    assert_eq!(episodes[0].public_id, run["jobs"][0]["episode"]);
    let media = data.path().join("media").join(&episodes[0].media_key);
    assert!(media.join("episode.mp3").is_file());
    assert!(!data.path().join("goosepod.db").exists());

    // A server that cannot be reached is named, without its password.
    let refused = goosepod_with(
        &["user", "add", "b@example.com", "--data-dir", dir],
        &[(
            "GOOSEPOD_DATABASE_URL",
            "postgres://goosepod:secret-word@127.0.0.1:1/goosepod",
        )],
    );
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(!message.contains("secret-word"), "{message}");
}
