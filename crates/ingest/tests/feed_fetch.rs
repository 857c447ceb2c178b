//! Polling feeds from a real HTTP server on 127.0.0.1, started for each test.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use bytes::Bytes;
use goosepod_ingest::feed::{FeedError, PollError, Polled, poll_feed};
use goosepod_ingest::fetch::{FetchConfig, FetchError, Fetcher};
use goosepod_ingest::guard::AllowList;

const ETAG: &str = "\"feed-v1\"";
const LAST_MODIFIED: &str = "Tue, 03 Jun 2025 08:00:00 GMT";

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local geese</title><link>/</link>
<item><title>First</title><link>/stories/1</link><guid>story-1</guid></item>
</channel></rss>"#;

const PAGE: &str = r#"<!doctype html><html><head><title>Geese</title>
<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>
<body><p>Not a feed.</p></body></html>"#;

/// A running test server, counting full (200) feed responses.
struct Server {
    addr: SocketAddr,
    served: Arc<AtomicUsize>,
}

impl Server {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/etag", get(with_etag))
            .route("/last-modified", get(with_last_modified))
            .route("/moved", get(|| async { Redirect::permanent("/etag") }))
            .route("/loop/a", get(|| async { Redirect::to("/loop/b") }))
            .route("/loop/b", get(|| async { Redirect::to("/loop/a") }))
            .route("/huge", get(huge))
            .route("/slow", get(slow))
            .route("/page", get(page))
            .with_state(Arc::clone(&served));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, served }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

fn rss(served: &AtomicUsize, validator: (header::HeaderName, &'static str)) -> Response {
    served.fetch_add(1, Ordering::SeqCst);
    (
        [(header::CONTENT_TYPE, "application/rss+xml"), validator],
        FEED,
    )
        .into_response()
}

/// Validated by `ETag` only.
async fn with_etag(State(served): State<Arc<AtomicUsize>>, headers: HeaderMap) -> Response {
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == ETAG)
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    rss(&served, (header::ETAG, ETAG))
}

/// Validated by `Last-Modified` only.
async fn with_last_modified(
    State(served): State<Arc<AtomicUsize>>,
    headers: HeaderMap,
) -> Response {
    if headers
        .get(header::IF_MODIFIED_SINCE)
        .is_some_and(|v| v == LAST_MODIFIED)
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    rss(&served, (header::LAST_MODIFIED, LAST_MODIFIED))
}

/// A 20 MB feed, streamed without a Content-Length.
async fn huge() -> Response {
    let head = Bytes::from_static(b"<rss version=\"2.0\"><channel><title>Huge</title>");
    let item = Bytes::from(
        "<item><title>Padding</title><link>https://example.com/x</link></item>\n".repeat(1000),
    );
    let items = std::iter::repeat_n(item, 20 * 1024 * 1024 / 70_000 + 1);
    let chunks = std::iter::once(head)
        .chain(items)
        .map(Ok::<_, std::io::Error>);
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(3)).await;
    ([(header::CONTENT_TYPE, "application/rss+xml")], FEED).into_response()
}

async fn page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response()
}

/// The default limits (10 MiB body cap among them), short timeouts, 127.0.0.1 allowed.
fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        connect_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(5),
        allow: AllowList::parse("127.0.0.1").unwrap(),
        ..FetchConfig::default()
    })
    .unwrap()
}

/// Polls once without validators, and returns the feed's validators.
async fn first_poll(server: &Server, path: &str) -> (Option<String>, Option<String>) {
    let polled = poll_feed(&fetcher(), &server.url(path), None, None)
        .await
        .unwrap();
    let Polled::Feed {
        feed,
        etag,
        last_modified,
        final_url,
    } = polled
    else {
        panic!("expected a feed");
    };
    assert_eq!(final_url.as_str(), server.url(path));
    assert_eq!(feed.title.as_deref(), Some("Local geese"));
    assert_eq!(feed.items[0].key, "story-1");
    assert_eq!(
        feed.items[0].link.as_ref().map(|u| u.as_str()),
        Some(server.url("/stories/1").as_str())
    );
    (etag, last_modified)
}

#[tokio::test]
async fn not_modified_by_etag() {
    let server = Server::start().await;
    let (etag, last_modified) = first_poll(&server, "/etag").await;
    assert_eq!(etag.as_deref(), Some(ETAG));
    assert_eq!(last_modified, None);
    let polled = poll_feed(&fetcher(), &server.url("/etag"), etag.as_deref(), None)
        .await
        .unwrap();
    assert_eq!(polled, Polled::NotModified);
    assert_eq!(server.served(), 1);
    // A stale ETag gets the feed again.
    let polled = poll_feed(&fetcher(), &server.url("/etag"), Some("\"old\""), None)
        .await
        .unwrap();
    assert!(matches!(polled, Polled::Feed { .. }), "{polled:?}");
    assert_eq!(server.served(), 2);
}

#[tokio::test]
async fn not_modified_by_last_modified() {
    let server = Server::start().await;
    let (etag, last_modified) = first_poll(&server, "/last-modified").await;
    assert_eq!(etag, None);
    assert_eq!(last_modified.as_deref(), Some(LAST_MODIFIED));
    let url = server.url("/last-modified");
    let polled = poll_feed(&fetcher(), &url, None, last_modified.as_deref())
        .await
        .unwrap();
    assert_eq!(polled, Polled::NotModified);
    assert_eq!(server.served(), 1);
}

#[tokio::test]
async fn a_redirected_feed_reports_where_it_was_found() {
    let server = Server::start().await;
    let polled = poll_feed(&fetcher(), &server.url("/moved"), None, None)
        .await
        .unwrap();
    let Polled::Feed { final_url, .. } = polled else {
        panic!("expected a feed");
    };
    assert_eq!(final_url.as_str(), server.url("/etag"));
}

#[tokio::test]
async fn a_redirect_loop_is_a_clear_error() {
    let server = Server::start().await;
    let err = poll_feed(&fetcher(), &server.url("/loop/a"), None, None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PollError::Fetch(FetchError::RedirectLoop {
            url: server.url("/loop/a")
        })
    );
    assert_eq!(
        err.to_string(),
        format!(
            "redirect loop: {} redirects back to a page already visited",
            server.url("/loop/a")
        )
    );
}

#[tokio::test]
async fn a_20_mb_feed_is_refused_by_the_size_cap() {
    let server = Server::start().await;
    let err = poll_feed(&fetcher(), &server.url("/huge"), None, None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PollError::Fetch(FetchError::TooLarge {
            url: server.url("/huge"),
            limit: 10 * 1024 * 1024
        })
    );
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = Server::start().await;
    let fetcher = Fetcher::new(FetchConfig {
        total_timeout: Duration::from_millis(300),
        allow: AllowList::parse("127.0.0.1").unwrap(),
        ..FetchConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let err = poll_feed(&fetcher, &server.url("/slow"), None, None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PollError::Fetch(FetchError::Timeout {
            url: server.url("/slow")
        })
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_html_page_is_not_a_feed() {
    let server = Server::start().await;
    let err = poll_feed(&fetcher(), &server.url("/page"), None, None)
        .await
        .unwrap_err();
    let PollError::Feed(FeedError::NotAFeed { discovered, .. }) = &err else {
        panic!("{err}");
    };
    assert_eq!(discovered.len(), 1);
    assert_eq!(discovered[0].url.as_str(), server.url("/atom.xml"));
    assert_eq!(
        err.to_string(),
        format!(
            "{} is an HTML page, not a feed; it links to these feeds: {}",
            server.url("/page"),
            server.url("/atom.xml")
        )
    );
}
