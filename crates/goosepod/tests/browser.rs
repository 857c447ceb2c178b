//! The episode page in a real browser: headless Chromium driven through chromedriver
//! (Debian's `chromium` and `chromium-driver`, installed by `scripts/setup.sh`). The page
//! is served from a local server, as a listener would open it.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use goosepod_core::Episode;
use goosepod_publish::{PageOptions, render_page};
use serde_json::{Value, json};

mod common;
use common::{goosepod, stderr};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A free local port.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_browser(profile: &Path) -> (Driver, Client) {
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Driver)
        .unwrap_or_else(|err| {
            panic!("cannot start {CHROMEDRIVER} ({err}): run scripts/setup.sh, which installs chromium and chromium-driver")
        });
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
                "--window-size=1000,1400", format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let started = Instant::now();
    loop {
        // chromedriver listens on loopback: plain HTTP, no TLS.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let connected = ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match connected {
            Ok(client) => return (driver, client),
            Err(err) if started.elapsed() > Duration::from_secs(30) => {
                panic!("cannot open a browser session through chromedriver: {err}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Serves `dir` on a free local port (range requests included, so the player can seek).
async fn serve(dir: &Path) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

async fn eval(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|err| panic!("`{script}` failed: {err}"))
}

async fn number(client: &Client, expression: &str) -> f64 {
    let value = eval(client, &format!("return {expression};")).await;
    value
        .as_f64()
        .unwrap_or_else(|| panic!("`{expression}` is not a number: {value}"))
}

async fn text(client: &Client, expression: &str) -> String {
    let value = eval(client, &format!("return {expression};")).await;
    value
        .as_str()
        .unwrap_or_else(|| panic!("`{expression}` is not a string: {value}"))
        .to_string()
}

/// Waits until `condition` (a JavaScript expression) is true; fails after `seconds`.
async fn wait_for(client: &Client, condition: &str, seconds: u64, what: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        if eval(client, &format!("return Boolean({condition});")).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: `{condition}` still false after {seconds} s");
}

/// The index of the highlighted transcript line, or -1.
const CURRENT_LINE: &str = "Array.prototype.indexOf.call(document.querySelectorAll('#transcript .line'), document.querySelector('#transcript .line.current'))";

/// The line that should be highlighted at the audio's current time.
const EXPECTED_LINE: &str = "(function () { var t = document.getElementById('audio').currentTime, found = -1; document.querySelectorAll('#transcript .line').forEach(function (l, i) { if (parseFloat(l.dataset.start) <= t + 0.05) found = i; }); return found; })()";

fn clock(seconds: f64) -> String {
    let total = seconds.floor() as u64;
    format!("{}:{:02}", total / 60, total % 60)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_episode_page_plays_follows_the_audio_and_shows_nothing_hostile() {
    // A real episode from a page with hostile markup planted in it.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let output = goosepod(&[
        "episode",
        fixture("hostile-article.html").to_str().unwrap(),
        "--name",
        "Norris",
        "--minutes",
        "1",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let episode =
        Episode::from_json(&std::fs::read_to_string(out.join("episode.json")).unwrap()).unwrap();
    let duration_s = episode.audio.as_ref().unwrap().duration_s;
    // The same episode with the page's raw markup as its article body, so the sanitiser
    // meets the hostile page unfiltered by extraction.
    let mut raw = episode.clone();
    raw.source.html = Some(std::fs::read_to_string(fixture("hostile-article.html")).unwrap());
    let hostile_page = render_page(
        &raw,
        &PageOptions {
            show: "Goose Pod",
            base_url: None,
        },
    )
    .unwrap();
    std::fs::write(out.join("raw-source.html"), hostile_page).unwrap();

    let address = serve(&out).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;
    client.goto(&format!("http://{address}/")).await.unwrap();

    // The real duration, never a placeholder; the element agrees with the MP3's facts.
    wait_for(
        &client,
        "isFinite(document.getElementById('audio').duration)",
        10,
        "metadata loads",
    )
    .await;
    assert_eq!(
        text(&client, "document.getElementById('duration').textContent").await,
        clock(duration_s)
    );
    let element_duration = number(&client, "document.getElementById('audio').duration").await;
    assert!(
        (element_duration - duration_s).abs() < 0.1,
        "browser says {element_duration} s, episode.json {duration_s} s"
    );

    // Play: the position advances and the highlighted line follows the audio.
    client
        .find(Locator::Id("play"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        "document.getElementById('audio').currentTime > 1.2",
        15,
        "playback advances",
    )
    .await;
    assert_eq!(
        text(
            &client,
            "document.getElementById('play').getAttribute('aria-pressed')"
        )
        .await,
        "true"
    );
    assert_ne!(
        text(&client, "document.getElementById('position').textContent").await,
        "0:00"
    );
    assert_eq!(
        number(&client, CURRENT_LINE).await,
        number(&client, EXPECTED_LINE).await
    );
    let sixth_start = episode.lines[5].start.unwrap();
    eval(
        &client,
        &format!(
            "document.getElementById('audio').currentTime = {};",
            sixth_start + 0.2
        ),
    )
    .await;
    wait_for(
        &client,
        &format!("{CURRENT_LINE} === 5"),
        5,
        "highlight follows a seek",
    )
    .await;
    wait_for(
        &client,
        &format!("{CURRENT_LINE} === {EXPECTED_LINE}"),
        5,
        "highlight matches time",
    )
    .await;

    // Clicking the fourth line seeks to its start.
    let fourth_start = episode.lines[3].start.unwrap();
    let lines = client
        .find_all(Locator::Css("#transcript .line"))
        .await
        .unwrap();
    assert_eq!(lines.len(), episode.lines.len());
    lines[3].click().await.unwrap();
    let now = number(&client, "document.getElementById('audio').currentTime").await;
    assert!(
        now >= fourth_start - 0.05 && now < fourth_start + 1.0,
        "clicked line 4 (starts {fourth_start} s), audio at {now} s"
    );
    wait_for(
        &client,
        &format!("{CURRENT_LINE} === 3"),
        5,
        "the clicked line is highlighted",
    )
    .await;

    // Skips and speed.
    let before = number(&client, "document.getElementById('audio').currentTime").await;
    client
        .find(Locator::Id("forward"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let after = number(&client, "document.getElementById('audio').currentTime").await;
    assert!(
        after - before > 14.0 && after - before < 16.5,
        "+15 s went from {before} to {after}"
    );
    eval(&client, "var s = document.getElementById('speed'); s.value = '1.5'; s.dispatchEvent(new Event('change'));").await;
    assert_eq!(
        number(&client, "document.getElementById('audio').playbackRate").await,
        1.5
    );

    // Analysis sections open and close.
    let summary = client.find(Locator::Css("details summary")).await.unwrap();
    summary.click().await.unwrap();
    assert_eq!(
        eval(&client, "return document.querySelector('details').open;").await,
        json!(true)
    );
    summary.click().await.unwrap();
    assert_eq!(
        eval(&client, "return document.querySelector('details').open;").await,
        json!(false)
    );

    // Pause, then keep a picture of the page as a test artifact.
    client
        .find(Locator::Id("play"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        "document.getElementById('audio').paused",
        5,
        "pause",
    )
    .await;
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = client.screenshot().await.unwrap();
    assert!(screenshot.starts_with(b"\x89PNG"));
    std::fs::write(artifacts.join("episode-page.png"), screenshot).unwrap();
    eprintln!(
        "screenshot: {}",
        artifacts.join("episode-page.png").display()
    );

    // The same page straight from disk: self-contained, it needs no server.
    client
        .goto(&format!("file://{}", out.join("index.html").display()))
        .await
        .unwrap();
    wait_for(
        &client,
        "isFinite(document.getElementById('audio').duration)",
        10,
        "metadata loads from file://",
    )
    .await;
    assert_eq!(
        text(&client, "document.getElementById('duration').textContent").await,
        clock(duration_s)
    );
    client
        .find(Locator::Id("play"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        "document.getElementById('audio').currentTime > 0.5",
        15,
        "playback from file://",
    )
    .await;

    // Nothing from the hostile source survives, through extraction or straight from
    // its raw markup; the article text does.
    for page in ["", "raw-source.html"] {
        client
            .goto(&format!("http://{address}/{page}"))
            .await
            .unwrap();
        let checks = [
            ("document.scripts.length", 1.0),
            (
                "document.querySelectorAll('.original *').length > 0 ? 0 : 1",
                0.0,
            ),
            (
                "document.querySelectorAll('.original script, .original style, .original img, .original iframe, .original svg, .original form, .original input, .original button').length",
                0.0,
            ),
            (
                "document.querySelectorAll('.original [onclick], .original [onerror], .original [onmouseover], .original [onload], .original [style], .original [class], .original [id]').length",
                0.0,
            ),
            (
                "document.querySelectorAll('a[href^=\"javascript:\" i]').length",
                0.0,
            ),
            (
                "Array.prototype.filter.call(document.querySelectorAll('*'), function (e) { return Array.prototype.some.call(e.attributes, function (a) { return a.name.indexOf('on') === 0; }); }).length",
                0.0,
            ),
            (
                "window.pwned === undefined && window.stolen === undefined ? 0 : 1",
                0.0,
            ),
        ];
        for (expression, expected) in checks {
            assert_eq!(
                number(&client, expression).await,
                expected,
                "{page}: {expression}"
            );
        }
        let original = text(&client, "document.querySelector('.original').textContent").await;
        assert!(
            original.contains("The collection starts with 1,200 packets"),
            "{page}: {original}"
        );
    }
    client.close().await.unwrap();
}
