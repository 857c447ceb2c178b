//! HTTP routes, one module per resource, and the headers every answer carries.

pub mod api;
pub mod feed;
pub mod media;
pub mod pages;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::Error;
use crate::service::Service;

/// The policy of the service's own pages: nothing inline, nothing from elsewhere.
const PAGE_POLICY: &str = "default-src 'self'; img-src 'self' data:; media-src 'self'; \
     script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Every route of the service.
pub fn router(service: Arc<Service>) -> Router {
    let pages = pages::router()
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        ));
    Router::new()
        .merge(pages)
        .merge(media::router())
        .merge(feed::router())
        .merge(api::router())
        .route("/healthz", get(|| async { "ok" }))
        // Feed tokens are in URLs: never send them on to other sites.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %loggable_path(request.uri().path()),
                )
            }),
        )
        .with_state(service)
}

/// Whether a request's `If-None-Match` names `etag` (or `*`): the copy the client holds
/// is current, and the answer is 304.
pub fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
}

/// An instant as an HTTP date header value (`Sat, 05 Dec 2026 18:00:00 GMT`).
pub fn http_date(at: jiff::Timestamp) -> Result<HeaderValue, Error> {
    let text = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&at)
        .map_err(|err| Error::Internal(format!("cannot write the date {at}: {err}")))?;
    HeaderValue::from_str(&text).map_err(|err| Error::Internal(err.to_string()))
}

/// A request path fit for logs: the feed token in `/f/<token>/…` is masked.
fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/f/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, after)) => format!("/f/…/{after}"),
            None => "/f/…".to_owned(),
        },
        None => path.to_owned(),
    }
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../assets/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/app.js"),
    )
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn feed_tokens_never_reach_the_logs() {
        assert_eq!(loggable_path("/f/abc123/feed.xml"), "/f/…/feed.xml");
        assert_eq!(
            loggable_path("/f/abc123/e1/episode.mp3"),
            "/f/…/e1/episode.mp3"
        );
        assert_eq!(loggable_path("/f/abc123"), "/f/…");
        assert_eq!(loggable_path("/sources"), "/sources");
    }
}
