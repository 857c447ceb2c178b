//! One error type for every handler, and how it becomes a response.

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use goosepod_store::StoreError;

/// What went wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Nothing here, or not yours (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// Not signed in, or a bad token.
    #[error("sign in first")]
    Unauthorized,
    /// The request's form or JSON is wrong; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// It already exists.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; try again in {} minutes", retry_after_s.div_ceil(60).max(1))]
    TooManyRequests {
        /// Seconds until an attempt is allowed again.
        retry_after_s: u64,
    },
    /// The form's CSRF token is missing or wrong.
    #[error("the form has expired; reload the page and try again")]
    Csrf,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else that is our fault.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::BadRequest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Csrf => StatusCode::FORBIDDEN,
            Error::Store(StoreError::Conflict { .. }) => StatusCode::CONFLICT,
            Error::Store(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user is told: our own failures are logged, not shown.
    fn public_message(&self) -> String {
        match self {
            Error::Store(StoreError::Conflict { .. }) => self.to_string(),
            Error::Store(_) | Error::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                "something went wrong on our side; it has been logged".to_owned()
            }
            _ => self.to_string(),
        }
    }

    /// `Retry-After` for a refused attempt.
    pub fn retry_after(&self) -> Option<[(HeaderName, HeaderValue); 1]> {
        match self {
            Error::TooManyRequests { retry_after_s } => {
                Some([(header::RETRY_AFTER, HeaderValue::from(*retry_after_s))])
            }
            _ => None,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after();
        (status, retry_after, self.public_message()).into_response()
    }
}

/// An [`Error`] answered as JSON (`{"error": "..."}`), for the API.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(err: E) -> Self {
        ApiError(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = serde_json::json!({ "error": self.0.public_message() });
        let mut response = (status, self.0.retry_after(), Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
