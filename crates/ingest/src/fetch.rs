//! Fetching pages and feeds over HTTP(S), safely.
//!
//! A [`Fetcher`] only talks to public addresses (see [`crate::guard`]): addresses are
//! checked when a host name is resolved, and IP-literal hosts (which are never resolved)
//! are checked before the first request and before every redirect hop. Bodies are
//! streamed under a size cap, content types are checked before the body is read, and
//! every failure names the URL it concerns, without any user name or password.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Response, StatusCode, redirect};
use url::Url;

use crate::guard::{
    ALLOW_ENV_VAR, AddressGuard, AddressKind, AllowList, AllowListError, GuardError,
};

/// The User-Agent Goose Pod sends unless configured otherwise.
pub const DEFAULT_USER_AGENT: &str =
    "Mozilla/5.0 (compatible; GoosePod/0.1; +https://github.com/goosepod)";

/// Media types (without parameters) a response may have; a response without a
/// `Content-Type` is accepted too.
pub const ACCEPTED_CONTENT_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
];

/// The `Accept` header sent with every request: pages and feeds first.
const ACCEPT: &str = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,\
                      application/feed+json,application/xml;q=0.9,text/xml;q=0.9,\
                      application/json;q=0.8,text/plain;q=0.8,text/markdown;q=0.8";

/// How a [`Fetcher`] behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchConfig {
    /// Longest wait for a TCP (and TLS) connection, name resolution included.
    pub connect_timeout: Duration,
    /// Longest time a whole fetch may take, redirects and body included.
    pub total_timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_body_bytes: u64,
    /// Most redirects followed in one fetch.
    pub max_redirects: usize,
    /// The `User-Agent` header value.
    pub user_agent: String,
    /// Non-public hosts and networks that may be fetched nevertheless.
    pub allow: AllowList,
}

impl Default for FetchConfig {
    /// 10 s to connect, 30 s in all, 10 MiB, 5 redirects, [`DEFAULT_USER_AGENT`], and
    /// public addresses only.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            allow: AllowList::default(),
        }
    }
}

impl FetchConfig {
    /// The defaults, with the allow-list read from `GOOSEPOD_FETCH_ALLOW`.
    pub fn from_env() -> Result<Self, FetchError> {
        Ok(Self {
            allow: AllowList::from_env()?,
            ..Self::default()
        })
    }
}

/// A successful (2xx) response, body read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL the body came from, after redirects.
    pub final_url: Url,
    /// The HTTP status code.
    pub status: u16,
    /// The whole `Content-Type` header value, e.g. `text/html; charset=gbk`.
    pub content_type: Option<String>,
    /// The `ETag` header value, for a later conditional fetch.
    pub etag: Option<String>,
    /// The `Last-Modified` header value, for a later conditional fetch.
    pub last_modified: Option<String>,
    /// The body, decompressed.
    pub body: Bytes,
}

/// What a conditional fetch ([`Fetcher::get_conditional`]) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The server answered `304 Not Modified`: the copy already held is current.
    NotModified,
    /// The server sent the resource.
    Fetched(Fetched),
}

/// Why a fetch failed. URLs in messages never show a user name or password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL could not be parsed or has no host.
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL (or a redirect) uses a scheme other than http and https.
    #[error("refusing to fetch {url}: unsupported scheme `{scheme}` (only http and https are)")]
    UnsupportedScheme {
        /// The refused URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The host is, or resolves to, a non-public address that is not allowed.
    #[error(
        "refusing to fetch {url}: host {host} resolves to {kind} address {ip}; \
         add it to {ALLOW_ENV_VAR} to allow it"
    )]
    BlockedAddress {
        /// The refused URL (for a redirect, the hop's target when it is an IP literal).
        url: String,
        /// The refused host.
        host: String,
        /// The refused address.
        ip: IpAddr,
        /// Why the address is not public.
        kind: AddressKind,
    },
    /// Following a redirect to `url` would exceed the limit.
    #[error("refusing to follow the redirect to {url}: more than {max} redirects")]
    TooManyRedirects {
        /// The redirect target that was not followed.
        url: String,
        /// The configured limit.
        max: usize,
    },
    /// A redirect leads back to a URL already visited.
    #[error("redirect loop: {url} redirects back to a page already visited")]
    RedirectLoop {
        /// The URL visited twice.
        url: String,
    },
    /// The connection or the whole fetch took too long.
    #[error("timed out fetching {url}")]
    Timeout {
        /// The URL being fetched.
        url: String,
    },
    /// No connection could be made.
    #[error("could not connect to {url}: {detail}")]
    Connect {
        /// The URL being fetched.
        url: String,
        /// The underlying cause.
        detail: String,
    },
    /// The server answered with a status other than 2xx.
    #[error("fetching {url} failed: HTTP {status}")]
    HttpStatus {
        /// The URL that answered.
        url: String,
        /// The status it answered with.
        status: StatusCode,
    },
    /// The body is larger than the configured cap.
    #[error("refusing to fetch {url}: the body is larger than the {limit}-byte limit")]
    TooLarge {
        /// The URL whose body is too large.
        url: String,
        /// The configured cap.
        limit: u64,
    },
    /// The response is not a page, a feed or text.
    #[error(
        "refusing to fetch {url}: unsupported content type `{content_type}` \
         (expected HTML, text, Markdown, XML, a feed or JSON)"
    )]
    UnsupportedContentType {
        /// The URL that answered.
        url: String,
        /// Its `Content-Type`.
        content_type: String,
    },
    /// The allow-list could not be parsed.
    #[error(transparent)]
    InvalidAllowList(#[from] AllowListError),
    /// The HTTP client could not be built (e.g. an invalid User-Agent).
    #[error("could not set up the HTTP client: {detail}")]
    Client {
        /// The underlying cause.
        detail: String,
    },
    /// Any other failure while sending the request or reading the response.
    #[error("fetching {url} failed: {detail}")]
    Other {
        /// The URL being fetched.
        url: String,
        /// The underlying cause.
        detail: String,
    },
}

/// Fetches URLs with one shared HTTP client; cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    guard: Arc<AddressGuard>,
    max_body_bytes: u64,
}

impl Fetcher {
    /// Builds the HTTP client described by `config`.
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let guard = Arc::new(AddressGuard::new(config.allow));
        let resolver = GuardedResolver {
            guard: Arc::clone(&guard),
        };
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent)
            .default_headers(HeaderMap::from_iter([(
                header::ACCEPT,
                HeaderValue::from_static(ACCEPT),
            )]))
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(redirect_policy(Arc::clone(&guard), config.max_redirects))
            .dns_resolver(Arc::new(resolver))
            .no_proxy()
            .build()
            .map_err(|err| FetchError::Client {
                detail: root_cause(&err.without_url()),
            })?;
        Ok(Self {
            client,
            guard,
            max_body_bytes: config.max_body_bytes,
        })
    }

    /// The body size cap, which also applies to local files loaded alongside fetches.
    pub fn max_body_bytes(&self) -> u64 {
        self.max_body_bytes
    }

    /// Fetches `url`, following redirects; any status but 2xx is an error.
    pub async fn get(&self, url: &str) -> Result<Fetched, FetchError> {
        let response = self.send(url, HeaderMap::new()).await?;
        self.read(response).await
    }

    /// Fetches `url` unless it is unchanged since the copy described by `etag` and
    /// `last_modified` (sent as `If-None-Match` and `If-Modified-Since`). A validator that
    /// is not a valid header value is not sent, which makes the fetch unconditional.
    pub async fn get_conditional(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        let validators = [
            (header::IF_NONE_MATCH, etag),
            (header::IF_MODIFIED_SINCE, last_modified),
        ];
        let response = self.send(url, header_map(validators)).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified);
        }
        self.read(response).await.map(FetchOutcome::Fetched)
    }

    /// Checks `url`, sends the request and waits for the response head.
    async fn send(&self, url: &str, headers: HeaderMap) -> Result<Response, FetchError> {
        let url = Url::parse(url).map_err(|err| FetchError::InvalidUrl {
            url: redact_input(url),
            reason: err.to_string(),
        })?;
        check_target(&self.guard, &url)?;
        tracing::debug!(url = %shown(&url), "fetching");
        let request = self.client.get(url.clone()).headers(headers);
        request.send().await.map_err(|err| map_error(err, &url))
    }

    /// Checks the status and content type, then reads the body under the cap.
    async fn read(&self, mut response: Response) -> Result<Fetched, FetchError> {
        let final_url = response.url().clone();
        let status = response.status();
        if !status.is_success() {
            return Err(self.status_error(&response));
        }
        let headers = response.headers();
        let content_type = header_string(headers, &header::CONTENT_TYPE);
        let etag = header_string(headers, &header::ETAG);
        let last_modified = header_string(headers, &header::LAST_MODIFIED);
        check_content_type(&final_url, content_type.as_deref())?;
        let body = read_capped(&mut response, &final_url, self.max_body_bytes).await?;
        tracing::debug!(url = %shown(&final_url), bytes = body.len(), "fetched");
        Ok(Fetched {
            final_url,
            status: status.as_u16(),
            content_type,
            etag,
            last_modified,
            body,
        })
    }

    /// The error for a non-2xx response. A redirect left unfollowed because its target
    /// is not even an HTTP URL (e.g. `file:///etc/passwd`) is reported as such.
    fn status_error(&self, response: &Response) -> FetchError {
        let url = response.url();
        let location = header_string(response.headers(), &header::LOCATION);
        let target = location.and_then(|location| url.join(&location).ok());
        let refused = target.and_then(|target| check_target(&self.guard, &target).err());
        let status = response.status();
        match refused {
            Some(refusal) if status.is_redirection() => refusal,
            _ => FetchError::HttpStatus {
                url: shown(url),
                status,
            },
        }
    }
}

/// Refuses URLs that are not http(s), have no host, or name a refused IP literal.
fn check_target(guard: &AddressGuard, url: &Url) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme {
            url: shown(url),
            scheme: url.scheme().to_owned(),
        });
    }
    let host = url.host().ok_or_else(|| FetchError::InvalidUrl {
        url: shown(url),
        reason: "it has no host".to_owned(),
    })?;
    guard
        .check_host(&host)
        .map_err(|refusal| blocked(shown(url), host.to_string(), refusal))
}

fn blocked(url: String, host: String, refusal: GuardError) -> FetchError {
    FetchError::BlockedAddress {
        url,
        host,
        ip: refusal.ip,
        kind: refusal.kind,
    }
}

/// Follows at most `max` redirects, never in a loop, and only to acceptable targets.
/// Refusals are [`FetchError`]s, found again by [`map_error`].
fn redirect_policy(guard: Arc<AddressGuard>, max: usize) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        match check_hop(&guard, max, attempt.url(), attempt.previous()) {
            Ok(()) => attempt.follow(),
            Err(refusal) => attempt.error(refusal),
        }
    })
}

/// `previous` holds the URLs already requested, the original one first.
fn check_hop(
    guard: &AddressGuard,
    max: usize,
    next: &Url,
    previous: &[Url],
) -> Result<(), FetchError> {
    check_target(guard, next)?;
    if previous.contains(next) {
        return Err(FetchError::RedirectLoop { url: shown(next) });
    }
    if previous.len() > max {
        return Err(FetchError::TooManyRedirects {
            url: shown(next),
            max,
        });
    }
    Ok(())
}

/// Resolves host names with the system resolver and drops refused addresses.
struct GuardedResolver {
    guard: Arc<AddressGuard>,
}

/// A host name that resolved to refused addresses only.
#[derive(Debug, thiserror::Error)]
#[error("host {host} refused: {refusal}")]
struct ResolveRefusal {
    host: String,
    refusal: GuardError,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = Arc::clone(&self.guard);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let ips = resolved.map(|addr| addr.ip()).collect();
            let ips = guard
                .check_resolved(&host, ips)
                .map_err(|refusal| ResolveRefusal { host, refusal })?;
            let addrs = ips.into_iter().map(|ip| SocketAddr::new(ip, 0));
            Ok(Box::new(addrs) as Addrs)
        })
    }
}

/// Turns a reqwest error into a [`FetchError`], recovering refusals made by the
/// redirect policy and the resolver from its chain of causes.
fn map_error(err: reqwest::Error, requested: &Url) -> FetchError {
    let url = shown(err.url().unwrap_or(requested));
    let err = err.without_url();
    if let Some(refusal) = find_cause::<FetchError>(&err) {
        return refusal.clone();
    }
    if let Some(ResolveRefusal { host, refusal }) = find_cause(&err) {
        return blocked(url, host.clone(), *refusal);
    }
    let detail = root_cause(&err);
    if err.is_timeout() {
        FetchError::Timeout { url }
    } else if err.is_connect() {
        FetchError::Connect { url, detail }
    } else {
        FetchError::Other { url, detail }
    }
}

fn causes<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |&err| err.source())
}

fn find_cause<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    causes(err).find_map(|cause| cause.downcast_ref::<T>())
}

fn root_cause(err: &(dyn StdError + 'static)) -> String {
    causes(err)
        .last()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Refuses content types that are not pages, text or feeds; a missing one is accepted.
fn check_content_type(url: &Url, content_type: Option<&str>) -> Result<(), FetchError> {
    let Some(content_type) = content_type else {
        return Ok(());
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let accepted = essence.is_empty()
        || ACCEPTED_CONTENT_TYPES
            .iter()
            .any(|accepted| essence.eq_ignore_ascii_case(accepted));
    if accepted {
        Ok(())
    } else {
        Err(FetchError::UnsupportedContentType {
            url: shown(url),
            content_type: content_type.to_owned(),
        })
    }
}

/// Reads the body, refusing it as soon as it (or its declared length) exceeds `limit`.
async fn read_capped(response: &mut Response, url: &Url, limit: u64) -> Result<Bytes, FetchError> {
    let too_large = || FetchError::TooLarge {
        url: shown(url),
        limit,
    };
    let declared = header_string(response.headers(), &header::CONTENT_LENGTH);
    if declared
        .and_then(|len| len.parse::<u64>().ok())
        .is_some_and(|len| len > limit)
    {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|err| map_error(err, url))? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn header_string(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    Some(value.to_owned())
}

/// The headers among `pairs` whose value is present and valid.
fn header_map<const N: usize>(pairs: [(HeaderName, Option<&str>); N]) -> HeaderMap {
    pairs
        .into_iter()
        .filter_map(|(name, value)| Some((name, HeaderValue::from_str(value?).ok()?)))
        .collect()
}

/// `url` as it may be shown or logged: without user name and password.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    // Both only fail for URLs that cannot hold credentials in the first place.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.into()
}

/// A URL that failed to parse, with anything that looks like credentials masked.
fn redact_input(input: &str) -> String {
    let Some((scheme, rest)) = input.split_once("://") else {
        return input.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => input.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_checked_by_essence() {
        let url = Url::parse("http://example.com/").unwrap();
        for accepted in [
            None,
            Some(""),
            Some("text/html; charset=gbk"),
            Some("TEXT/HTML"),
            Some("application/rss+xml"),
            Some("application/feed+json; charset=utf-8"),
            Some("text/markdown"),
        ] {
            assert!(check_content_type(&url, accepted).is_ok(), "{accepted:?}");
        }
        for refused in [
            "image/png",
            "video/mp4",
            "application/pdf",
            "application/octet-stream",
        ] {
            let err = check_content_type(&url, Some(refused)).unwrap_err();
            assert!(err.to_string().contains(refused), "{err}");
        }
    }

    #[test]
    fn credentials_are_never_shown() {
        let url = Url::parse("https://user:secret@example.com/a?b#c").unwrap();
        assert_eq!(shown(&url), "https://example.com/a?b#c");
        assert_eq!(
            redact_input("http://user:secret@[bad/x"),
            "http://***@[bad/x"
        );
        assert_eq!(redact_input("http://[bad/x@y"), "http://[bad/x@y");
        assert_eq!(redact_input("not a url"), "not a url");
    }

    #[test]
    fn redirect_hops_are_checked() {
        let guard = AddressGuard::default();
        let url = |s: &str| Url::parse(s).unwrap();
        let previous = [url("http://a.example/1"), url("http://a.example/2")];
        assert!(check_hop(&guard, 5, &url("http://b.example/"), &previous).is_ok());
        let err = check_hop(&guard, 1, &url("http://b.example/"), &previous).unwrap_err();
        assert!(
            matches!(err, FetchError::TooManyRedirects { max: 1, .. }),
            "{err}"
        );
        let err = check_hop(&guard, 5, &previous[0], &previous).unwrap_err();
        assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err}");
        let err = check_hop(&guard, 5, &url("file:///etc/passwd"), &previous).unwrap_err();
        assert!(matches!(err, FetchError::UnsupportedScheme { .. }), "{err}");
        let err = check_hop(&guard, 5, &url("http://[::ffff:a9fe:a9fe]/"), &previous).unwrap_err();
        assert!(
            matches!(
                err,
                FetchError::BlockedAddress {
                    kind: AddressKind::LinkLocal,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn invalid_validators_are_dropped() {
        let headers = header_map([
            (header::IF_NONE_MATCH, Some("\"v1\"")),
            (header::IF_MODIFIED_SINCE, Some("bad\nvalue")),
        ]);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[header::IF_NONE_MATCH], "\"v1\"");
    }
}
