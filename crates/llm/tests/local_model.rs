//! The model writer against a real model: llama.cpp's `llama-server` serving a small
//! GGUF chat model on loopback, both installed by `scripts/setup.sh` (through
//! `scripts/setup-llama.sh`). The server's grammar-constrained output makes even a small
//! model answer with schema-valid JSON; a model this small often fails the checks all the
//! same, and then the offline writer's episode, with the reasons, is what must come out.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use goosepod_core::{HostPair, Language, Listener, WriterKind};
use goosepod_llm::{LlmConfig, ModelWriter};
use goosepod_write::checks;

fn cached(variable: &str, relative: &str) -> PathBuf {
    std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("GOOSEPOD_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/goosepod")
                });
            cache.join(relative)
        })
}

/// `llama-server`, killed when dropped.
struct Server {
    child: Child,
    base_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server() -> Server {
    let binary = cached("GOOSEPOD_LLAMA_SERVER", "llama/bin/llama-server");
    let model = cached(
        "GOOSEPOD_LLAMA_MODEL",
        "llama/models/smollm2-135m-instruct.gguf",
    );
    for path in [&binary, &model] {
        assert!(
            path.is_file(),
            "{} is missing: run scripts/setup.sh (it builds llama-server and fetches the model)",
            path.display()
        );
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&binary)
        .args([
            "-m",
            model.to_str().unwrap(),
            "--host",
            "127.0.0.1",
            "--port",
        ])
        .arg(port.to_string())
        .args(["-c", "8192", "-np", "1", "-t", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let server = Server {
        child,
        base_url: format!("http://127.0.0.1:{port}/v1"),
    };
    let health = format!("http://127.0.0.1:{port}/health");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if reqwest::blocking::get(&health).is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("llama-server did not become healthy within 120 s");
}

#[test]
fn a_local_model_writes_a_checked_episode_or_hands_over_with_its_reasons() {
    let server = start_server();
    let config = LlmConfig {
        base_url: server.base_url.clone(),
        model: "smollm2-135m-instruct".into(),
        api_key_env: "GOOSEPOD_TEST_NO_KEY".into(),
        temperature: 0.3,
        max_tokens: 700,
        timeout_s: 600.0,
        max_attempts: 2,
        stream: true,
        context_tokens: 8192,
    };
    let article = common::sample("en-harbor-battery.html");
    let mut listener = Listener::for_language(Language::EnUs);
    listener.name = "Norris".into();
    listener.timezone = "America/New_York".into();
    listener.minutes = 1.0;
    let hosts = HostPair::builtin_for(Language::EnUs);
    let at = "2026-03-12T13:05:00Z".parse().unwrap();
    let writer = ModelWriter::new(&config).unwrap();
    let episode = writer.write(&article, &listener, hosts, at).unwrap();

    let usage = episode.writer.usage.expect("the model was asked");
    assert!(usage.calls >= 1);
    assert!(
        usage.prompt_tokens > 500 && usage.completion_tokens > 0,
        "{usage:?}"
    );
    eprintln!(
        "local model: {} with {} calls, {} + {} tokens in {:.1} s",
        match episode.writer.kind {
            WriterKind::Llm => "model episode",
            WriterKind::Offline => "offline fallback",
        },
        usage.calls,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.seconds
    );
    for note in &episode.writer.notes {
        eprintln!("note: {note}");
    }
    match episode.writer.kind {
        WriterKind::Llm => {
            assert_eq!(
                episode.writer.model.as_deref(),
                Some("smollm2-135m-instruct")
            );
            let problems = checks::check_episode(
                &episode,
                &article.text,
                listener.minutes * 60.0,
                &hosts.show,
            );
            assert!(problems.iter().all(|p| !p.rejects), "{problems:#?}");
        }
        WriterKind::Offline => {
            let note = &episode.writer.notes[0];
            assert!(
                note.contains("smollm2-135m-instruct could not write"),
                "{note}"
            );
            assert!(note.contains("drafts failed the checks"), "{note}");
            assert_eq!(usage.calls, 1 + goosepod_llm::writer::MAX_REVISIONS as u32);
        }
    }
}
