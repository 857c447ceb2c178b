//! An episode's files (page, audio, transcripts, chapters, cover), for its owner only:
//! by session in the browser, by feed token in podcast apps. Audio answers HTTP Range
//! requests and carries ETag and Last-Modified, so players can seek and resume.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use goosepod_core::episode::files;
use goosepod_store::User;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::auth::SignedIn;
use crate::error::Error;
use crate::routes::etag_matches;
use crate::service::Service;
use crate::tokens;

/// The routes of episode files.
pub fn router() -> Router<Arc<Service>> {
    Router::new()
        .route("/episodes/{id}", get(page_without_slash))
        .route("/episodes/{id}/", get(page_by_session))
        .route("/episodes/{id}/{file}", get(file_by_session))
        .route("/f/{token}/{id}/", get(page_by_token))
        .route("/f/{token}/{id}/{file}", get(file_by_token))
}

async fn page_without_slash(Path(id): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/episodes/{id}/"))
}

async fn page_by_session(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, Error> {
    serve(&service, &signed_in.user, &id, files::PAGE, request).await
}

async fn file_by_session(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Path((id, file)): Path<(String, String)>,
    request: Request,
) -> Result<Response, Error> {
    serve(&service, &signed_in.user, &id, &file, request).await
}

async fn page_by_token(
    State(service): State<Arc<Service>>,
    Path((token, id)): Path<(String, String)>,
    request: Request,
) -> Result<Response, Error> {
    let user = user_by_feed_token(&service, &token).await?;
    serve(&service, &user, &id, files::PAGE, request).await
}

async fn file_by_token(
    State(service): State<Arc<Service>>,
    Path((token, id, file)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response, Error> {
    let user = user_by_feed_token(&service, &token).await?;
    serve(&service, &user, &id, &file, request).await
}

/// The user whose private feed token this is; 404 otherwise.
pub async fn user_by_feed_token(service: &Service, token: &str) -> Result<User, Error> {
    let user = service
        .store
        .user_by_feed_token(&tokens::token_hash(token))
        .await?
        .ok_or(Error::NotFound)?;
    if tokens::same_secret(&user.feed_token, token) {
        Ok(user)
    } else {
        Err(Error::NotFound)
    }
}

async fn serve(
    service: &Service,
    user: &User,
    public_id: &str,
    file: &str,
    request: Request,
) -> Result<Response, Error> {
    if !files::ALL.contains(&file) {
        return Err(Error::NotFound);
    }
    let episode = service
        .store
        .episode(user.id, public_id)
        .await?
        .ok_or(Error::NotFound)?;
    let path = service.episode_dir(&episode.media_key).join(file);
    serve_file(path, request).await
}

/// Serves a file with Range, Last-Modified and a strong ETag (size and modification
/// time); `If-None-Match` is answered with 304.
pub async fn serve_file(path: PathBuf, request: Request) -> Result<Response, Error> {
    let metadata = tokio::fs::metadata(&path)
        .await
        .map_err(|_| Error::NotFound)?;
    let modified = metadata
        .modified()
        .ok()
        .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let etag = format!("\"{:x}-{:x}\"", metadata.len(), modified);
    let matches = etag_matches(request.headers(), &etag);
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ServeFile::new(&path)
            .oneshot(request)
            .await
            .map_err(|err| Error::Internal(format!("cannot serve {}: {err}", path.display())))?
            .map(Body::new)
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("an ETag is ASCII"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    Ok(response)
}
