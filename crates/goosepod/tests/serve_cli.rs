//! `goosepod serve` as a process: it says where it listens, answers with its security
//! headers, shares its data directory with a second server and with `run-once`, and
//! stops cleanly (exit status 0) on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use reqwest::blocking::Client;
use reqwest::header;
use serde_json::Value;

/// A running `goosepod serve`, killed if the test fails before it stops.
struct Server {
    child: Child,
    base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `goosepod serve` on port 0 and waits for the line naming its address.
    fn start(data_dir: &str) -> Server {
        let mut child = command(
            &["serve", "--data-dir", data_dir, "--bind", "127.0.0.1:0"],
            &[("GOOSEPOD_LOG", "info")],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("goosepod serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (found, address) = mpsc::channel();
        let kept = Arc::clone(&log);
        // Reads stderr to the end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("goosepod: serving ")
                    && let Some((_, at)) = rest.split_once(" on http://")
                {
                    let _ = found.send(at.split_whitespace().next().unwrap_or("").to_owned());
                }
                let mut log = kept.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let address = match address.recv_timeout(Duration::from_secs(20)) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "goosepod serve never said where it listens:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        Server {
            child,
            base: format!("http://{address}"),
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM; the exit status, if the process ends within `limit`.
    fn terminate(&mut self, limit: Duration) -> Option<ExitStatus> {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: `kill` only sends a signal to our own child, which has not been reaped
        // (it is waited for below), so the pid cannot have been reused.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0, "SIGTERM sent");
        let sent = Instant::now();
        while sent.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn get(client: &Client, url: &str) -> reqwest::blocking::Response {
    client
        .get(url)
        .send()
        .unwrap_or_else(|err| panic!("GET {url}: {err}"))
}

/// `GET` with a bearer token; the JSON answer.
fn api_get(client: &Client, url: &str, token: &str) -> Value {
    let response = client.get(url).bearer_auth(token).send().unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {url}");
    serde_json::from_str(&response.text().unwrap()).unwrap()
}

#[test]
fn serve_answers_shares_its_data_and_stops_cleanly_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let mut first = Server::start(dir);
    let client = Client::new();

    let health = get(&client, &first.url("/healthz"));
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert_eq!(health.text().unwrap(), "ok");
    let signin = get(&client, &first.url("/signin"));
    assert_eq!(signin.status(), reqwest::StatusCode::OK);
    let policy = signin.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    assert_eq!(signin.headers()[header::REFERRER_POLICY], "no-referrer");
    assert!(signin.text().unwrap().contains("name=\"password\""));

    // A second server on the same data directory, at the same time.
    let mut second = Server::start(dir);
    assert_ne!(first.base, second.base);
    assert_eq!(get(&client, &second.url("/healthz")).text().unwrap(), "ok");

    // A listener made by the command line while both serve; settings written through
    // one server are read through the other.
    let user = goosepod(&[
        "user",
        "add",
        "norris@example.com",
        "--name",
        "Norris",
        "--data-dir",
        dir,
    ]);
    assert!(user.status.success(), "{}", stderr(&user));
    let user: Value = serde_json::from_str(&stdout(&user)).unwrap();
    let token = user["api_token"].as_str().unwrap();
    let me = api_get(&client, &second.url("/api/v1/me"), token);
    assert_eq!(me["email"], "norris@example.com", "{me}");
    let mut settings = api_get(&client, &first.url("/api/v1/settings"), token);
    settings["topics"] = serde_json::json!(["harbours", "batteries"]);
    let put = client
        .put(first.url("/api/v1/settings"))
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(settings.to_string())
        .send()
        .unwrap();
    assert_eq!(put.status(), reqwest::StatusCode::OK);
    assert_eq!(
        api_get(&client, &second.url("/api/v1/settings"), token)["topics"],
        serde_json::json!(["harbours", "batteries"])
    );

    // run-once works beside them.
    let run = goosepod(&["run-once", "--data-dir", dir]);
    assert!(run.status.success(), "{}", stderr(&run));
    let report: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(report["sources_failed"], 0, "{report}");
    assert_eq!(report["jobs"], serde_json::json!([]), "{report}");
    assert_eq!(get(&client, &first.url("/healthz")).text().unwrap(), "ok");

    // SIGTERM: each stops at once, with status 0, though the client still holds
    // keep-alive connections to both.
    for server in [&mut first, &mut second] {
        let status = server.terminate(Duration::from_secs(5));
        assert!(
            status.is_some_and(|status| status.success()),
            "after SIGTERM: {status:?}\n{}",
            server.log()
        );
        assert!(
            server.log().contains("shutting down"),
            "the server logs its shutdown:\n{}",
            server.log()
        );
    }
    assert!(
        client.get(first.url("/healthz")).send().is_err(),
        "nothing answers after the stop"
    );
}
