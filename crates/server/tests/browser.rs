//! A listener's first morning in a real browser: headless Chromium driven through
//! chromedriver (Debian's `chromium` and `chromium-driver`, installed by
//! `scripts/setup.sh`). Sign up (the time zone defaults to the browser's), add a feed, set
//! topics, and once the morning's episode is made, open it from the dashboard and play it.
//! Every page is watched for console errors and content-security-policy violations.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::Method;
use common::*;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use goosepod_server::{Clock, Outcome};
use jiff::Timestamp;
use serde_json::{Value, json};
use url::{ParseError, Url};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";
/// The browser's time zone (chromedriver and Chromium run with `TZ` set to it).
const ZONE: &str = "Asia/Tokyo";
/// When the service's clock says the listener signs up: 05:00 in Tokyo, before the
/// morning's delivery, so the service's own scheduler makes nothing yet.
const SIGN_UP_AT: &str = "2026-12-06T20:00:00Z";
/// The delivery time, 07:00 in Tokyo (the settings' default).
const DELIVERY_AT: &str = "2026-12-06T22:00:00Z";

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free local port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver and a headless Chromium session in `zone`, keeping the browser's
/// console log.
async fn start_browser(profile: &Path, zone: &str) -> (Driver, Client) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: run scripts/setup.sh, which installs chromium and chromium-driver"
    );
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .env("TZ", zone)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Driver)
        .unwrap_or_else(|err| {
            panic!("cannot start {CHROMEDRIVER} ({err}): run scripts/setup.sh, which installs chromium and chromium-driver")
        });
    let capabilities = json!({
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
                "--window-size=1000,1200", format!("--user-data-dir={}", profile.display()),
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

/// A chromedriver extension command: `POST /session/{id}/{path}` with a JSON body.
#[derive(Debug)]
struct Extension {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Extension {
    fn endpoint(&self, base: &Url, session: Option<&str>) -> Result<Url, ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.expect("a session is open"),
            self.path
        ))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        (Method::POST, Some(self.body.to_string()))
    }
}

/// Run in every document before its own scripts: collects CSP violations, uncaught
/// errors, failed resources and `console.error` calls into `window.__problems`.
const WATCH: &str = r#"
window.__problems = [];
window.addEventListener('securitypolicyviolation', function (e) {
  window.__problems.push('CSP: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
window.addEventListener('error', function (e) {
  var t = e.target;
  window.__problems.push(t && t !== window ? 'failed to load ' + (t.currentSrc || t.src || t.href || t.tagName) : 'error: ' + e.message);
}, true);
window.addEventListener('unhandledrejection', function (e) { window.__problems.push('unhandled rejection: ' + e.reason); });
var consoleError = console.error;
console.error = function () { window.__problems.push('console.error: ' + Array.prototype.join.call(arguments, ' ')); consoleError.apply(console, arguments); };
"#;

/// Installs [`WATCH`] for every page the session opens from now on.
async fn watch_pages(client: &Client) {
    client
        .issue_cmd(Extension {
            path: "goog/cdp/execute",
            body: json!({
                "cmd": "Page.addScriptToEvaluateOnNewDocument",
                "params": { "source": WATCH },
            }),
        })
        .await
        .expect("chromedriver runs DevTools commands");
}

/// Fails if the current page reported a problem, or the browser logged an error since
/// the last check.
async fn assert_clean(client: &Client, page: &str) {
    let problems = eval(client, "return window.__problems;").await;
    let problems = problems
        .as_array()
        .unwrap_or_else(|| panic!("{page}: the page watch did not run ({problems})"));
    assert!(problems.is_empty(), "{page}: {problems:?}");
    let log = client
        .issue_cmd(Extension {
            path: "se/log",
            body: json!({ "type": "browser" }),
        })
        .await
        .expect("chromedriver hands over the browser's log");
    let errors: Vec<&Value> = log
        .as_array()
        .expect("the log is a list")
        .iter()
        .filter(|entry| entry["level"] == "SEVERE" || entry["source"] == "security")
        .collect();
    assert!(errors.is_empty(), "{page}: the browser logged {errors:#?}");
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
        .to_owned()
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

/// Waits for the page at `path` to have loaded.
async fn wait_for_page(client: &Client, path: &str) {
    wait_for(
        client,
        &format!(
            "location.pathname === {} && document.readyState === 'complete'",
            json!(path)
        ),
        10,
        &format!("{path} loads"),
    )
    .await;
}

/// Clicks `locator` (a submit button or a link) and waits for the next page, at `path`,
/// to have loaded; the page left behind is marked so that it cannot pass for the next.
async fn click_through(client: &Client, locator: Locator<'_>, path: &str) {
    eval(client, "document.documentElement.dataset.left = 'yes';").await;
    click(client, locator).await;
    wait_for(
        client,
        &format!(
            "document.documentElement.dataset.left === undefined && location.pathname === {} && document.readyState === 'complete'",
            json!(path)
        ),
        10,
        &format!("{path} loads"),
    )
    .await;
}

/// Types `value` into the field `selector`, as a user would, after clearing it.
async fn type_into(client: &Client, selector: &str, value: &str) {
    let field = client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|err| panic!("no field {selector}: {err}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn click(client: &Client, locator: Locator<'_>) {
    client
        .find(locator)
        .await
        .unwrap_or_else(|err| panic!("nothing to click at {locator:?}: {err}"))
        .click()
        .await
        .unwrap();
}

async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let path = dir.join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
    path
}

fn publish_articles(site: &Site) {
    site.put(
        "news/library",
        "text/html; charset=utf-8",
        fixture("en-library-hours.html"),
    );
    site.put(
        "news/bridge",
        "text/html; charset=utf-8",
        fixture("en-bridge-repair.html"),
    );
    let feed = rss(
        site,
        "Valley News",
        &[
            ("g-library", "news/library", "City libraries to open late"),
            ("g-bridge", "news/bridge", "Bridge to close for repairs"),
        ],
    );
    site.put("feed.xml", "application/rss+xml", feed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_listener_signs_up_adds_a_feed_and_plays_the_first_morning_episode() {
    let site = Site::start().await;
    publish_articles(&site);
    let app = spawn_app_with_clock(Clock::Fixed(SIGN_UP_AT.parse::<Timestamp>().unwrap())).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path(), ZONE).await;
    watch_pages(&client).await;

    // Sign up: the time zone is already the browser's.
    client.goto(&app.url("/signup")).await.unwrap();
    wait_for_page(&client, "/signup").await;
    assert_eq!(
        text(&client, "Intl.DateTimeFormat().resolvedOptions().timeZone").await,
        ZONE
    );
    assert_eq!(
        text(
            &client,
            "document.querySelector('select[name=timezone]').value"
        )
        .await,
        ZONE
    );
    assert_clean(&client, "/signup").await;
    type_into(&client, "input[name=email]", "norris@example.com").await;
    type_into(&client, "input[name=password]", "a long enough password").await;
    type_into(&client, "input[name=name]", "Norris").await;
    client
        .find(Locator::Css("select[name=language]"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    // Sign-up leads to the sources: add the site's feed through the form.
    click_through(
        &client,
        Locator::Css("form[action='/signup'] button[type=submit]"),
        "/sources",
    )
    .await;
    assert_clean(&client, "/sources").await;
    type_into(&client, "input[name=url]", &site.url("feed.xml")).await;
    click_through(
        &client,
        Locator::Css("form[action='/sources'] button[type=submit]"),
        "/sources",
    )
    .await;
    assert_eq!(
        text(&client, "document.querySelector('.notice').textContent").await,
        "Added Valley News."
    );
    let listed = text(&client, "document.querySelector('table.sources').innerText").await;
    assert!(
        listed.contains("Valley News") && listed.contains(&site.url("feed.xml")),
        "{listed}"
    );
    assert_clean(&client, "/sources after adding").await;

    // Settings: the zone from sign-up, the default delivery time; topics and a short show.
    click_through(&client, Locator::LinkText("Settings"), "/settings").await;
    assert_eq!(
        text(
            &client,
            "document.querySelector('select[name=timezone]').value"
        )
        .await,
        ZONE
    );
    assert_eq!(
        text(
            &client,
            "document.querySelector('input[name=delivery_time]').value"
        )
        .await,
        "07:00"
    );
    type_into(&client, "input[name=topics]", "library, opening hours").await;
    type_into(&client, "input[name=minutes]", "1").await;
    type_into(&client, "input[name=stories_per_day]", "1").await;
    click_through(
        &client,
        Locator::Css("form[action='/settings'] button[type=submit]"),
        "/settings",
    )
    .await;
    assert_eq!(
        text(&client, "document.querySelector('.notice').textContent").await,
        "Saved."
    );
    assert_eq!(
        text(
            &client,
            "document.querySelector('input[name=topics]').value"
        )
        .await,
        "library, opening hours"
    );
    assert_clean(&client, "/settings after saving").await;

    // 07:00 in Tokyo: the feed is polled, the morning's story chosen and its episode made.
    let report = app.run_once(DELIVERY_AT).await;
    assert_eq!((report.queued, report.jobs.len()), (1, 1), "{report:?}");
    let Outcome::Published(episode) = &report.jobs[0].1 else {
        panic!("the morning's job did not publish: {:?}", report.jobs[0].1)
    };
    assert!(episode.title.contains("ibrar"), "{}", episode.title);

    // The dashboard lists it, with the private feed's address.
    click_through(&client, Locator::LinkText("Episodes"), "/").await;
    let link = client
        .find(Locator::Css("ul.episodes a"))
        .await
        .expect("the dashboard lists the episode");
    assert_eq!(link.text().await.unwrap(), episode.title);
    assert_eq!(
        link.attr("href").await.unwrap().unwrap(),
        format!("/episodes/{}/", episode.public_id)
    );
    let feed = text(&client, "document.querySelector('input.feed-url').value").await;
    assert!(
        feed.starts_with(&app.url("/f/")) && feed.ends_with("/feed.xml"),
        "{feed}"
    );
    let xml = reqwest::get(&feed).await.unwrap();
    assert_eq!(xml.status(), reqwest::StatusCode::OK);
    assert!(xml.text().await.unwrap().contains(&episode.public_id));
    assert_clean(&client, "/ (dashboard)").await;
    screenshot(&client, "service-dashboard.png").await;

    // The episode page: player and transcript; it plays.
    let page = format!("/episodes/{}/", episode.public_id);
    click_through(&client, Locator::Css("ul.episodes a"), &page).await;
    wait_for(
        &client,
        "isFinite(document.getElementById('audio').duration)",
        10,
        "the audio's metadata loads",
    )
    .await;
    let lines = number(
        &client,
        "document.querySelectorAll('#transcript .line').length",
    )
    .await;
    assert!(lines >= 4.0, "{lines} transcript lines");
    assert!(
        text(&client, "document.getElementById('transcript').textContent")
            .await
            .contains("Norris"),
        "the transcript greets the listener"
    );
    click(&client, Locator::Id("play")).await;
    wait_for(
        &client,
        "document.getElementById('audio').currentTime > 1.2",
        15,
        "playback advances",
    )
    .await;
    let audio = eval(
        &client,
        "var a = document.getElementById('audio'); return { paused: a.paused, error: a.error, duration: a.duration, time: a.currentTime };",
    )
    .await;
    assert_eq!(audio["paused"], json!(false), "{audio}");
    assert_eq!(audio["error"], Value::Null, "{audio}");
    let duration = audio["duration"].as_f64().unwrap();
    assert!(
        (duration - episode.duration_s).abs() < 0.1,
        "the browser says {duration} s, the episode {} s",
        episode.duration_s
    );
    assert_eq!(
        text(
            &client,
            "document.getElementById('play').getAttribute('aria-pressed')"
        )
        .await,
        "true"
    );
    screenshot(&client, "service-episode.png").await;
    assert_clean(&client, &page).await;

    client.close().await.unwrap();
    app.stop().await;
}
