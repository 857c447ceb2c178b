//! Who is asking: session cookies for pages, bearer tokens for the API, CSRF tokens for
//! forms, and the sign-in rate limit.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use goosepod_store::User;
use jiff::SignedDuration;

use crate::error::{ApiError, Error};
use crate::service::Service;
use crate::tokens;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "goosepod_session";
/// The cookie that carries the CSRF token of the sign-in and sign-up forms.
pub const FORM_COOKIE: &str = "goosepod_form";
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;

/// A signed-in listener (from the session cookie). Pages that need one redirect to the
/// sign-in page without it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who.
    pub user: User,
    /// The CSRF token their forms must carry.
    pub csrf_token: String,
}

impl SignedIn {
    /// Fails unless `submitted` is this session's CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), Error> {
        if tokens::same_secret(&self.csrf_token, submitted) {
            Ok(())
        } else {
            Err(Error::Csrf)
        }
    }
}

/// Why a page needs a session.
pub enum NotSignedIn {
    /// Send the browser to the sign-in page.
    Redirect,
    /// The store failed.
    Failed(Error),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            NotSignedIn::Redirect => Redirect::to("/signin").into_response(),
            NotSignedIn::Failed(err) => err.into_response(),
        }
    }
}

impl FromRequestParts<Arc<Service>> for SignedIn {
    type Rejection = NotSignedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        service: &Arc<Service>,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(NotSignedIn::Redirect);
        };
        let session = service
            .store
            .session(&tokens::token_hash(&token), service.now())
            .await
            .map_err(|err| NotSignedIn::Failed(err.into()))?
            .ok_or(NotSignedIn::Redirect)?;
        Ok(SignedIn {
            user: session.user,
            csrf_token: session.csrf_token,
        })
    }
}

/// A listener calling the API with `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<Arc<Service>> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        service: &Arc<Service>,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(Error::Unauthorized)?;
        let user = service
            .store
            .user_by_api_token(&tokens::token_hash(token))
            .await?
            .ok_or(Error::Unauthorized)?;
        Ok(ApiUser(user))
    }
}

/// Starts a session for `user`: stores it and returns the cookie to set.
pub async fn start_session(service: &Service, user_id: i64) -> Result<Cookie<'static>, Error> {
    let token = tokens::random_token();
    let expires = service.now() + SignedDuration::from_hours(24 * SESSION_DAYS);
    service
        .store
        .create_session(
            user_id,
            &tokens::token_hash(&token),
            &tokens::random_token(),
            expires,
        )
        .await?;
    Ok(cookie(service, SESSION_COOKIE, token, Some(SESSION_DAYS)))
}

/// Ends the session in `jar`, if any, and returns the cookie that clears it.
pub async fn end_session(service: &Service, jar: &CookieJar) -> Result<Cookie<'static>, Error> {
    if let Some(token) = jar.get(SESSION_COOKIE) {
        service
            .store
            .delete_session(&tokens::token_hash(token.value()))
            .await?;
    }
    Ok(cookie(service, SESSION_COOKIE, String::new(), Some(0)))
}

/// The CSRF token of a sign-in or sign-up form: the one in the browser's form cookie, or a
/// new one (with the cookie to set).
pub fn form_token(service: &Service, jar: &CookieJar) -> (String, Option<Cookie<'static>>) {
    match jar.get(FORM_COOKIE) {
        Some(cookie) if cookie.value().len() == 64 => (cookie.value().to_owned(), None),
        _ => {
            let token = tokens::random_token();
            (
                token.clone(),
                Some(cookie(service, FORM_COOKIE, token, None)),
            )
        }
    }
}

/// Fails unless a sign-in or sign-up form carries the token in the browser's form cookie.
pub fn check_form_token(jar: &CookieJar, submitted: &str) -> Result<(), Error> {
    match jar.get(FORM_COOKIE) {
        Some(cookie) if tokens::same_secret(cookie.value(), submitted) => Ok(()),
        _ => Err(Error::Csrf),
    }
}

fn cookie(
    service: &Service,
    name: &'static str,
    value: String,
    days: Option<i64>,
) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(service.config.secure_cookies());
    if let Some(days) = days {
        cookie = cookie.max_age(time::Duration::days(days));
    }
    cookie.build()
}

/// Counts recent failures per key (an email, an address) and refuses once a key has too
/// many within a window.
#[derive(Debug)]
pub struct RateLimiter {
    window: Duration,
    max_failures: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Sign-in: at most 5 failures per key in 15 minutes.
    pub fn sign_in() -> RateLimiter {
        RateLimiter::new(Duration::from_secs(15 * 60), 5)
    }

    /// A limiter allowing `max_failures` per `window`.
    pub fn new(window: Duration, max_failures: usize) -> RateLimiter {
        RateLimiter {
            window,
            max_failures,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Fails if any of `keys` has used up its failures.
    pub fn check(&self, keys: &[&str]) -> Result<(), Error> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("rate limiter lock");
        for key in keys {
            if let Some(times) = failures.get_mut(*key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > self.window)
                {
                    times.pop_front();
                }
                if times.len() >= self.max_failures {
                    // Allowed again once enough of the failures have aged out.
                    let oldest_counted = times[times.len() - self.max_failures];
                    let wait = self
                        .window
                        .saturating_sub(now.duration_since(oldest_counted));
                    return Err(Error::TooManyRequests {
                        retry_after_s: wait.as_secs().max(1),
                    });
                }
            }
        }
        Ok(())
    }

    /// Records a failure against each of `keys`.
    pub fn failed(&self, keys: &[&str]) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("rate limiter lock");
        if failures.len() > 100_000 {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        for key in keys {
            failures
                .entry((*key).to_owned())
                .or_default()
                .push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_refuses_after_too_many_failures_per_key() {
        let limiter = RateLimiter::new(Duration::from_secs(60), 2);
        assert!(limiter.check(&["a"]).is_ok());
        limiter.failed(&["a", "ip"]);
        limiter.failed(&["a"]);
        match limiter.check(&["a"]) {
            Err(Error::TooManyRequests { retry_after_s }) => {
                assert!((58..=60).contains(&retry_after_s), "{retry_after_s}")
            }
            other => panic!("{other:?}"),
        }
        assert!(limiter.check(&["b"]).is_ok());
        assert!(limiter.check(&["b", "ip"]).is_ok());
    }

    #[test]
    fn old_failures_are_forgotten() {
        let limiter = RateLimiter::new(Duration::from_millis(1), 1);
        limiter.failed(&["a"]);
        std::thread::sleep(Duration::from_millis(5));
        assert!(limiter.check(&["a"]).is_ok());
    }
}
