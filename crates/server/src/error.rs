//! One error type for every handler, and how it becomes a response.

use axum::Json;
use axum::http::StatusCode;
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
    /// Too many attempts; try again later.
    #[error("too many attempts; try again in a few minutes")]
    TooManyRequests,
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
            Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
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
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, self.public_message()).into_response()
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
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
