//! The JSON API (`/api/v1`), with bearer tokens, and its OpenAPI document.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use goosepod_core::episode::files;
use goosepod_store::{EpisodeRow, Job, Source, User, UserSettings};
use serde::{Deserialize, Serialize};

use crate::accounts;
use crate::auth::ApiUser;
use crate::error::{ApiError, Error};
use crate::routes::pages::queue;
use crate::service::Service;
use crate::sources;

/// A JSON request body whose problems are answered as API errors (JSON, 422).
struct ApiJson<T>(T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(Error::BadRequest(rejection.body_text()).into()),
        }
    }
}

/// The OpenAPI document.
const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// The API's routes.
pub fn router() -> Router<Arc<Service>> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/me", get(me))
        .route("/api/v1/episodes", get(episodes))
        .route("/api/v1/episodes/{id}", get(episode))
        .route("/api/v1/sources", get(list_sources).post(add_source))
        .route(
            "/api/v1/sources/{id}",
            get(source).patch(update_source).delete(delete_source),
        )
        .route("/api/v1/settings", get(settings).put(put_settings))
        .route("/api/v1/jobs", get(jobs).post(make_episode))
        .route("/api/v1/jobs/{id}", get(job))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct Me {
    email: String,
    feed_url: String,
    settings: UserSettings,
}

async fn me(State(service): State<Arc<Service>>, ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me {
        feed_url: service.feed_url(&user.feed_token),
        email: user.email,
        settings: user.settings,
    })
}

/// An episode as the API shows it.
#[derive(Serialize)]
struct EpisodeJson {
    id: String,
    title: String,
    summary: String,
    language: String,
    published: jiff::Timestamp,
    duration_s: f64,
    audio_bytes: i64,
    page_url: String,
    audio_url: String,
    audio_type: String,
    transcript_url: String,
    chapters_url: String,
}

fn episode_json(service: &Service, user: &User, row: EpisodeRow) -> EpisodeJson {
    let dir = service.episode_url(&user.feed_token, &row.public_id);
    EpisodeJson {
        page_url: format!("{dir}/"),
        audio_url: format!("{dir}/{}", row.audio_file),
        audio_type: row.audio_type,
        transcript_url: format!("{dir}/{}", files::VTT),
        chapters_url: format!("{dir}/{}", files::CHAPTERS),
        id: row.public_id,
        title: row.title,
        summary: row.summary,
        language: row.language,
        published: row.published_at,
        duration_s: row.duration_s,
        audio_bytes: row.audio_bytes,
    }
}

async fn episodes(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<EpisodeJson>>, ApiError> {
    let rows = service.store.episodes(user.id, 1000).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| episode_json(&service, &user, row))
            .collect(),
    ))
}

async fn episode(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<EpisodeJson>, ApiError> {
    let row = service
        .store
        .episode(user.id, &id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Json(episode_json(&service, &user, row)))
}

async fn list_sources(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<Source>>, ApiError> {
    Ok(Json(service.store.sources(user.id).await?))
}

async fn source(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Source>, ApiError> {
    Ok(Json(
        service
            .store
            .source(user.id, id)
            .await?
            .ok_or(Error::NotFound)?,
    ))
}

#[derive(Deserialize)]
struct UrlBody {
    url: String,
}

async fn add_source(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<UrlBody>,
) -> Result<(StatusCode, Json<Source>), ApiError> {
    let source = sources::add_source(&service, &user, &body.url).await?;
    Ok((StatusCode::CREATED, Json(source)))
}

/// The fields of a source a listener may change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceChange {
    interval_s: i64,
}

async fn update_source(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(change): ApiJson<SourceChange>,
) -> Result<Json<Source>, ApiError> {
    Ok(Json(
        sources::set_interval(&service, &user, id, change.interval_s).await?,
    ))
}

async fn delete_source(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if service.store.delete_source(user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound.into())
    }
}

async fn settings(ApiUser(user): ApiUser) -> Json<UserSettings> {
    Json(user.settings)
}

async fn put_settings(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    ApiJson(wanted): ApiJson<UserSettings>,
) -> Result<Json<UserSettings>, ApiError> {
    let settings = accounts::check_settings(wanted)?;
    service.store.update_settings(user.id, &settings).await?;
    Ok(Json(settings))
}

async fn jobs(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<Job>>, ApiError> {
    Ok(Json(service.store.jobs(user.id, 100).await?))
}

async fn job(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Job>, ApiError> {
    Ok(Json(
        service
            .store
            .job(user.id, id)
            .await?
            .ok_or(Error::NotFound)?,
    ))
}

async fn make_episode(
    State(service): State<Arc<Service>>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<UrlBody>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let url = sources::check_url(&body.url)?;
    let job = queue(&service, &user, None, Some(url)).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}
