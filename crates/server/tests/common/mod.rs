//! Test support: a service on a fresh data directory and port 0, a local site that serves
//! feeds and articles, and a browser-like HTTP client that keeps cookies.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use goosepod_ingest::guard::AllowList;
use goosepod_server::{Clock, Service, ServiceConfig};
use jiff::Timestamp;
use tokio::sync::oneshot;
use url::Url;

/// A running service.
pub struct TestApp {
    pub address: SocketAddr,
    pub base: String,
    pub data: tempfile::TempDir,
    pub service: Arc<Service>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// The service's configuration, for another process or clock on the same data.
    pub fn config(&self) -> ServiceConfig {
        self.service.config.clone()
    }

    /// Runs `run-once` on the same data directory with the clock at `at`. Sources added
    /// through the pages are due from the real time they were added, so tests use
    /// instants after it (2030).
    pub async fn run_once(&self, at: &str) -> goosepod_server::RunReport {
        let at: Timestamp = at.parse().unwrap();
        let service = Service::open(self.config(), Clock::Fixed(at))
            .await
            .unwrap();
        goosepod_server::run_once(&service, None).await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

/// The config of a test service: a fresh data directory, loopback fetching allowed.
pub fn test_config(data: &tempfile::TempDir, public_url: &str) -> ServiceConfig {
    let mut config = ServiceConfig::new(data.path().to_path_buf(), Url::parse(public_url).unwrap());
    config.fetch.allow = AllowList::parse("127.0.0.1").unwrap();
    config.fetch.total_timeout = std::time::Duration::from_secs(3);
    config.fetch.connect_timeout = std::time::Duration::from_secs(2);
    config.lease = std::time::Duration::from_secs(20);
    // The tests drive polling, the schedule and the jobs with `run_once` and a fixed
    // clock; the real clock's background work would race them.
    config.background = false;
    config
}

/// Starts the service on port 0 with a fresh data directory.
pub async fn spawn_app() -> TestApp {
    spawn_app_configured(Clock::System, |_| {}).await
}

/// [`spawn_app`] with the service (pages, poller, schedule and workers) reading `clock`.
pub async fn spawn_app_with_clock(clock: Clock) -> TestApp {
    spawn_app_configured(clock, |_| {}).await
}

/// [`spawn_app`] with the test configuration changed by `configure` (which is given
/// the data directory's configuration, before the service opens).
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServiceConfig)) -> TestApp {
    spawn_app_configured(Clock::System, configure).await
}

async fn spawn_app_configured(clock: Clock, configure: impl FnOnce(&mut ServiceConfig)) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let base = format!("http://{address}");
    let mut config = test_config(&data, &base);
    configure(&mut config);
    let service = Service::open(config, clock).await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(goosepod_server::serve(
        Arc::clone(&service),
        listener,
        async {
            let _ = stopped.await;
        },
    ));
    TestApp {
        address,
        base,
        data,
        service,
        stop: Some(stop),
        task: Some(task),
    }
}

/// A page the local site serves.
#[derive(Clone)]
pub struct Page {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// A local web site with feeds and articles; counts requests and honours ETags.
#[derive(Clone, Default)]
pub struct Site {
    pages: Arc<Mutex<HashMap<String, Page>>>,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
    pub base: String,
}

impl Site {
    pub async fn start() -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let site = Site {
            base: format!("http://{}", listener.local_addr().unwrap()),
            ..Site::default()
        };
        let app = Router::new()
            .route("/{*path}", get(serve_page))
            .with_state(site.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        site
    }

    pub fn put(&self, path: &str, content_type: &'static str, body: impl Into<Vec<u8>>) {
        self.pages.lock().unwrap().insert(
            path.trim_start_matches('/').to_owned(),
            Page {
                content_type,
                body: body.into(),
            },
        );
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    pub fn hits(&self, path: &str) -> usize {
        *self
            .hits
            .lock()
            .unwrap()
            .get(path.trim_start_matches('/'))
            .unwrap_or(&0)
    }
}

async fn serve_page(
    State(site): State<Site>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    *site.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    if path == "loop" {
        return (StatusCode::FOUND, [(header::LOCATION, "/loop")]).into_response();
    }
    if path == "slow" {
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    }
    let Some(page) = site.pages.lock().unwrap().get(&path).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", page.body.len());
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, page.content_type),
            (header::ETAG, etag.as_str()),
        ],
        page.body,
    )
        .into_response()
}

/// A fixture file.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// A browser-like client: cookies kept, redirects not followed.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_of(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .expect("the page has a CSRF field")
        + 19;
    html[start..start + 64].to_owned()
}

/// The `action` of the first form in `html` whose action `wanted` accepts.
pub fn form_action(html: &str, wanted: impl Fn(&str) -> bool) -> String {
    html.split("action=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .find(|action| wanted(action))
        .expect("the page has such a form")
        .to_owned()
}

/// Signs up through the web form; returns the client (signed in).
pub async fn sign_up(app: &TestApp, email: &str, name: &str) -> reqwest::Client {
    let client = browser();
    let form = client
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&form);
    let response = client
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", "a long enough password"),
            ("name", name),
            ("language", "en"),
            ("timezone", "Europe/London"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    client
}

/// An RSS feed of articles on the site.
pub fn rss(site: &Site, title: &str, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, path, item_title)| {
            format!(
                "<item><guid>{guid}</guid><title>{item_title}</title><link>{}</link>\
                 <pubDate>Sat, 05 Dec 2026 18:00:00 GMT</pubDate></item>",
                site.url(path)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>{}</link><description>Test news</description>{items}</channel></rss>",
        site.base
    )
}
