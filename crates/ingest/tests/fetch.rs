//! The fetcher against a real HTTP server on 127.0.0.1, started for each test.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use goosepod_ingest::fetch::{FetchConfig, FetchError, FetchOutcome, Fetcher};
use goosepod_ingest::guard::{AddressKind, AllowList};

const PAGE: &str = "<html><body><p>Honk if you like the news.</p></body></html>";
const ETAG: &str = "\"v1\"";
const LAST_MODIFIED: &str = "Tue, 03 Jun 2025 08:00:00 GMT";

/// What handlers know: the server's port, and how many times `/page` was served.
#[derive(Clone)]
struct AppState {
    port: u16,
    page_hits: Arc<AtomicUsize>,
}

/// A running test server.
struct Server {
    addr: SocketAddr,
    page_hits: Arc<AtomicUsize>,
}

impl Server {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState {
            port: addr.port(),
            page_hits: Arc::default(),
        };
        let page_hits = Arc::clone(&state.page_hits);
        tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
        Self { addr, page_hits }
    }

    /// `http://127.0.0.1:PORT{path}`.
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `http://localhost:PORT{path}`.
    fn localhost_url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.addr.port())
    }

    fn page_hits(&self) -> usize {
        self.page_hits.load(Ordering::SeqCst)
    }
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/page", get(page))
        .route("/ua", get(user_agent))
        .route("/redirect/{n}", get(redirect_chain))
        .route("/loop/{side}", get(redirect_loop))
        .route("/to-ip", get(redirect_to_ip))
        .route(
            "/to-file",
            get(|| async { Redirect::to("file:///etc/passwd") }),
        )
        .route(
            "/to-ftp",
            get(|| async { Redirect::to("ftp://example.com/feed.xml") }),
        )
        .route("/slow", get(slow))
        .route("/stream", get(stream))
        .route("/declared", get(declared))
        .route("/gzip", get(|| async { gzipped(PAGE.as_bytes()) }))
        .route(
            "/gzip-bomb",
            get(|| async { gzipped(&vec![b' '; 1 << 20]) }),
        )
        .route(
            "/png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], vec![0x89, b'P']) }),
        )
        .route(
            "/untyped",
            get(|| async { Response::new(Body::from(PAGE)) }),
        )
        .route("/feed", get(feed))
        .with_state(state)
}

fn html(body: impl Into<Body>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

async fn page(State(state): State<AppState>) -> Response {
    state.page_hits.fetch_add(1, Ordering::SeqCst);
    let headers = [(header::ETAG, ETAG), (header::LAST_MODIFIED, LAST_MODIFIED)];
    (headers, html(PAGE)).into_response()
}

async fn user_agent(headers: HeaderMap) -> Response {
    let agent = headers[header::USER_AGENT].to_str().unwrap().to_owned();
    ([(header::CONTENT_TYPE, "text/plain")], agent).into_response()
}

/// `/redirect/N` takes N redirects to reach `/page`.
async fn redirect_chain(Path(n): Path<u32>) -> Redirect {
    match n {
        0 | 1 => Redirect::to("/page"),
        n => Redirect::to(&format!("/redirect/{}", n - 1)),
    }
}

async fn redirect_loop(Path(side): Path<String>) -> Redirect {
    Redirect::to(if side == "a" { "/loop/b" } else { "/loop/a" })
}

async fn redirect_to_ip(State(state): State<AppState>) -> Redirect {
    Redirect::to(&format!("http://127.0.0.1:{}/page", state.port))
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(3)).await;
    html(PAGE)
}

/// 64 KiB in 1 KiB chunks, without a Content-Length.
async fn stream() -> Response {
    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 1024])));
    html(Body::from_stream(futures_util::stream::iter(chunks)))
}

/// Declares 1 MiB, then never sends a byte: only a client that refuses early returns.
async fn declared() -> Response {
    let never = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
    let mut response = html(Body::from_stream(never));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, (1u32 << 20).into());
    response
}

fn gzipped(plain: &[u8]) -> Response {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(plain).unwrap();
    let headers = [(header::CONTENT_ENCODING, "gzip")];
    (headers, html(encoder.finish().unwrap())).into_response()
}

/// Answers 304 when the client's validators match.
async fn feed(headers: HeaderMap) -> Response {
    let matches = |name, value| headers.get(name).is_some_and(|v| v == value);
    if matches(header::IF_NONE_MATCH, ETAG) || matches(header::IF_MODIFIED_SINCE, LAST_MODIFIED) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let validators = [(header::ETAG, ETAG), (header::LAST_MODIFIED, LAST_MODIFIED)];
    let feed = "<rss version=\"2.0\"><channel><title>Geese</title></channel></rss>";
    (
        validators,
        [(header::CONTENT_TYPE, "application/rss+xml")],
        feed,
    )
        .into_response()
}

/// Short timeouts, and `allow` as the allow-list.
fn config(allow: &str) -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(5),
        allow: AllowList::parse(allow).unwrap(),
        ..FetchConfig::default()
    }
}

fn fetcher(allow: &str) -> Fetcher {
    Fetcher::new(config(allow)).unwrap()
}

#[tokio::test]
async fn fetches_a_page() {
    let server = Server::start().await;
    let fetched = fetcher("127.0.0.1")
        .get(&server.url("/page"))
        .await
        .unwrap();
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.final_url.as_str(), server.url("/page"));
    assert_eq!(
        fetched.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(fetched.etag.as_deref(), Some(ETAG));
    assert_eq!(fetched.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(fetched.body, PAGE.as_bytes());
}

#[tokio::test]
async fn sends_a_real_user_agent() {
    let server = Server::start().await;
    let fetched = fetcher("127.0.0.1").get(&server.url("/ua")).await.unwrap();
    let agent = String::from_utf8(fetched.body.to_vec()).unwrap();
    assert!(
        agent.starts_with("Mozilla/5.0 (compatible; GoosePod/"),
        "{agent}"
    );
}

#[tokio::test]
async fn follows_a_chain_of_three_redirects() {
    let server = Server::start().await;
    let fetched = fetcher("127.0.0.1")
        .get(&server.url("/redirect/3"))
        .await
        .unwrap();
    assert_eq!(fetched.final_url.as_str(), server.url("/page"));
    assert_eq!(fetched.body, PAGE.as_bytes());
}

#[tokio::test]
async fn follows_exactly_the_maximum_number_of_redirects() {
    let server = Server::start().await;
    let fetched = fetcher("127.0.0.1")
        .get(&server.url("/redirect/5"))
        .await
        .unwrap();
    assert_eq!(fetched.final_url.as_str(), server.url("/page"));
}

#[tokio::test]
async fn refuses_a_chain_of_six_redirects() {
    let server = Server::start().await;
    let err = fetcher("127.0.0.1")
        .get(&server.url("/redirect/6"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::TooManyRedirects {
            url: server.url("/page"),
            max: 5
        }
    );
    assert_eq!(server.page_hits(), 0);
}

#[tokio::test]
async fn refuses_a_redirect_loop() {
    let server = Server::start().await;
    let err = fetcher("127.0.0.1")
        .get(&server.url("/loop/a"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::RedirectLoop {
            url: server.url("/loop/a")
        }
    );
}

#[tokio::test]
async fn refuses_a_redirect_to_a_non_allowed_address() {
    let server = Server::start().await;
    let err = fetcher("localhost")
        .get(&server.localhost_url("/to-ip"))
        .await
        .unwrap_err();
    let FetchError::BlockedAddress {
        url,
        host,
        ip,
        kind,
    } = &err
    else {
        panic!("unexpected error: {err}");
    };
    assert_eq!(url, &server.url("/page"));
    assert_eq!(host, "127.0.0.1");
    assert_eq!(ip.to_string(), "127.0.0.1");
    assert_eq!(*kind, AddressKind::Loopback);
    assert_eq!(server.page_hits(), 0);
}

#[tokio::test]
async fn refuses_a_redirect_to_another_scheme() {
    let server = Server::start().await;
    for (path, expected) in [("/to-file", "file"), ("/to-ftp", "ftp")] {
        let err = fetcher("127.0.0.1")
            .get(&server.url(path))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::UnsupportedScheme { scheme, .. } if scheme == expected),
            "{err}"
        );
    }
}

#[tokio::test]
async fn refuses_loopback_literals_without_connecting() {
    let server = Server::start().await;
    let fetcher = fetcher("");
    let err = fetcher.get(&server.url("/page")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "refusing to fetch {}: host 127.0.0.1 resolves to loopback address 127.0.0.1; \
             add it to GOOSEPOD_FETCH_ALLOW to allow it",
            server.url("/page")
        )
    );
    let mapped = format!("http://[::ffff:127.0.0.1]:{}/page", server.addr.port());
    let err = fetcher.get(&mapped).await.unwrap_err();
    assert!(matches!(err, FetchError::BlockedAddress { .. }), "{err}");
    assert_eq!(server.page_hits(), 0);
}

#[tokio::test]
async fn refuses_localhost_through_the_resolver() {
    let server = Server::start().await;
    let err = fetcher("")
        .get(&server.localhost_url("/page"))
        .await
        .unwrap_err();
    let FetchError::BlockedAddress {
        url, host, kind, ..
    } = &err
    else {
        panic!("unexpected error: {err}");
    };
    assert_eq!(url, &server.localhost_url("/page"));
    assert_eq!(host, "localhost");
    assert_eq!(*kind, AddressKind::Loopback);
    assert_eq!(server.page_hits(), 0);
}

#[tokio::test]
async fn allows_localhost_by_name() {
    let server = Server::start().await;
    let fetched = fetcher("localhost")
        .get(&server.localhost_url("/page"))
        .await
        .unwrap();
    assert_eq!(fetched.body, PAGE.as_bytes());
}

#[tokio::test]
async fn times_out() {
    let server = Server::start().await;
    let config = FetchConfig {
        total_timeout: Duration::from_millis(300),
        ..config("127.0.0.1")
    };
    let started = Instant::now();
    let err = Fetcher::new(config)
        .unwrap()
        .get(&server.url("/slow"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::Timeout {
            url: server.url("/slow")
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A fetcher whose body cap is `limit` bytes.
fn capped(limit: u64) -> Fetcher {
    Fetcher::new(FetchConfig {
        max_body_bytes: limit,
        ..config("127.0.0.1")
    })
    .unwrap()
}

#[tokio::test]
async fn refuses_an_oversized_streamed_body() {
    let server = Server::start().await;
    let err = capped(16 * 1024)
        .get(&server.url("/stream"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::TooLarge {
            url: server.url("/stream"),
            limit: 16 * 1024
        }
    );
    let fetched = capped(64 * 1024).get(&server.url("/stream")).await.unwrap();
    assert_eq!(fetched.body.len(), 64 * 1024);
}

#[tokio::test]
async fn refuses_an_oversized_declared_length_before_reading() {
    let server = Server::start().await;
    let started = Instant::now();
    let err = capped(1024)
        .get(&server.url("/declared"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1024, .. }),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn decodes_gzip() {
    let server = Server::start().await;
    let fetched = fetcher("127.0.0.1")
        .get(&server.url("/gzip"))
        .await
        .unwrap();
    assert_eq!(fetched.body, PAGE.as_bytes());
}

#[tokio::test]
async fn caps_the_decompressed_size() {
    let server = Server::start().await;
    let err = capped(64 * 1024)
        .get(&server.url("/gzip-bomb"))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn refuses_images() {
    let server = Server::start().await;
    let err = fetcher("127.0.0.1")
        .get(&server.url("/png"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::UnsupportedContentType {
            url: server.url("/png"),
            content_type: "image/png".to_owned()
        }
    );
}

#[tokio::test]
async fn accepts_a_missing_content_type() {
    let server = Server::start().await;
    let fetched = fetcher("127.0.0.1")
        .get(&server.url("/untyped"))
        .await
        .unwrap();
    assert_eq!(fetched.content_type, None);
    assert_eq!(fetched.body, PAGE.as_bytes());
}

#[tokio::test]
async fn reports_http_errors() {
    let server = Server::start().await;
    let err = fetcher("127.0.0.1")
        .get(&server.url("/missing"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "fetching {} failed: HTTP 404 Not Found",
            server.url("/missing")
        )
    );
}

#[tokio::test]
async fn never_shows_credentials() {
    let server = Server::start().await;
    let with_credentials = format!("http://goose:s3cret@{}/missing", server.addr);
    let err = fetcher("127.0.0.1")
        .get(&with_credentials)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::HttpStatus { .. }), "{err}");
    assert!(!err.to_string().contains("s3cret"), "{err}");
    let err = fetcher("").get(&with_credentials).await.unwrap_err();
    assert!(matches!(err, FetchError::BlockedAddress { .. }), "{err}");
    assert!(!err.to_string().contains("s3cret"), "{err}");
}

#[tokio::test]
async fn refuses_other_schemes_and_bad_urls() {
    let fetcher = fetcher("");
    let err = fetcher.get("ftp://example.com/feed.xml").await.unwrap_err();
    assert!(matches!(err, FetchError::UnsupportedScheme { .. }), "{err}");
    let err = fetcher.get("http://exa mple.com/").await.unwrap_err();
    assert!(matches!(err, FetchError::InvalidUrl { .. }), "{err}");
}

#[tokio::test]
async fn reports_connection_failures() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let err = fetcher("127.0.0.1").get(&url).await.unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err}");
}

#[tokio::test]
async fn conditional_get_uses_validators() {
    let server = Server::start().await;
    let fetcher = fetcher("127.0.0.1");
    let url = server.url("/feed");
    let FetchOutcome::Fetched(first) = fetcher.get_conditional(&url, None, None).await.unwrap()
    else {
        panic!("an unconditional fetch must fetch");
    };
    assert_eq!(first.content_type.as_deref(), Some("application/rss+xml"));
    let etag = first.etag.as_deref();
    let outcome = fetcher.get_conditional(&url, etag, None).await.unwrap();
    assert_eq!(outcome, FetchOutcome::NotModified);
    let last_modified = first.last_modified.as_deref();
    let outcome = fetcher
        .get_conditional(&url, None, last_modified)
        .await
        .unwrap();
    assert_eq!(outcome, FetchOutcome::NotModified);
    let outcome = fetcher
        .get_conditional(&url, Some("\"v0\""), None)
        .await
        .unwrap();
    assert_eq!(outcome, FetchOutcome::Fetched(first));
}
