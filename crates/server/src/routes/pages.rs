//! The web pages: sign-up, sign-in, the dashboard, sources and settings, and their icon.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::CookieJar;
use goosepod_core::HostPair;
use goosepod_store::{Job, JobState, NewJob, User, UserSettings};
use serde::Deserialize;

use crate::accounts::{self, AccountRequest, MIN_PASSWORD_CHARS};
use crate::auth::{self, SignedIn};
use crate::error::Error;
use crate::service::Service;
use crate::sources;
use crate::tokens;
use crate::view;

/// The pages' routes.
pub fn router() -> Router<Arc<Service>> {
    Router::new()
        .route("/", get(dashboard))
        .route("/signup", get(signup_form).post(signup))
        .route("/signin", get(signin_form).post(signin))
        .route("/signout", post(signout))
        .route("/episodes/new", post(make_from_link))
        .route("/stories/{id}/make", post(make_from_story))
        .route("/sources", get(sources_page).post(add_source))
        .route("/sources/{id}/delete", post(delete_source))
        .route("/sources/{id}/interval", post(set_source_interval))
        .route("/settings", get(settings_page).post(save_settings))
        .route("/settings/feed-token", post(rotate_feed_token))
        .route("/settings/api-token", post(new_api_token))
        .route("/assets/icon.svg", get(icon))
}

/// The pages' icon (without one, browsers ask for `/favicon.ico` and log a 404).
async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../assets/icon.svg"),
    )
}

fn render(template: &impl Template) -> Result<Html<String>, Error> {
    template
        .render()
        .map(Html)
        .map_err(|err| Error::Internal(format!("cannot render a page: {err}")))
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    signup: bool,
    csrf: String,
    error: Option<String>,
    email: String,
    name: String,
    zones: Vec<String>,
    min_password: usize,
}

impl SignInPage {
    fn new(signup: bool, csrf: String) -> SignInPage {
        SignInPage {
            signup,
            csrf,
            error: None,
            email: String::new(),
            name: String::new(),
            zones: if signup {
                view::time_zones()
            } else {
                Vec::new()
            },
            min_password: MIN_PASSWORD_CHARS,
        }
    }
}

async fn signup_form(
    State(service): State<Arc<Service>>,
    jar: CookieJar,
) -> Result<Response, Error> {
    sign_in_form(&service, jar, true)
}

async fn signin_form(
    State(service): State<Arc<Service>>,
    jar: CookieJar,
) -> Result<Response, Error> {
    sign_in_form(&service, jar, false)
}

fn sign_in_form(service: &Service, jar: CookieJar, signup: bool) -> Result<Response, Error> {
    let (csrf, cookie) = auth::form_token(service, &jar);
    let jar = match cookie {
        Some(cookie) => jar.add(cookie),
        None => jar,
    };
    Ok((jar, render(&SignInPage::new(signup, csrf))?).into_response())
}

#[derive(Deserialize)]
struct SignUpForm {
    csrf: String,
    email: String,
    password: String,
    name: String,
    language: String,
    timezone: String,
}

async fn signup(
    State(service): State<Arc<Service>>,
    jar: CookieJar,
    Form(form): Form<SignUpForm>,
) -> Result<Response, Error> {
    auth::check_form_token(&jar, &form.csrf)?;
    let request = AccountRequest {
        email: form.email.clone(),
        password: Some(form.password),
        name: Some(form.name.clone()),
        language: Some(form.language),
        timezone: Some(form.timezone),
        topics: Vec::new(),
    };
    match accounts::create_account(&service, request).await {
        Ok(account) => {
            let cookie = auth::start_session(&service, account.user.id).await?;
            Ok((jar.add(cookie), Redirect::to("/sources")).into_response())
        }
        Err(err @ (Error::BadRequest(_) | Error::Conflict(_))) => {
            let mut page = SignInPage::new(true, form.csrf);
            page.error = Some(err.to_string());
            page.email = form.email;
            page.name = form.name;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    csrf: String,
    email: String,
    password: String,
}

async fn signin(
    State(service): State<Arc<Service>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Result<Response, Error> {
    auth::check_form_token(&jar, &form.csrf)?;
    let email = form.email.trim().to_lowercase();
    let keys = [format!("email:{email}"), format!("ip:{}", peer.ip())];
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    if let Err(refused) = service.sign_in_limiter.check(&keys) {
        let mut page = SignInPage::new(false, form.csrf);
        page.error = Some(refused.to_string());
        page.email = email;
        let status = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok((status, refused.retry_after(), render(&page)?).into_response());
    }
    let found = service.store.user_by_email(&email).await?;
    let hash = found
        .as_ref()
        .map_or(tokens::decoy_hash(), |(_, hash)| hash.as_str());
    let valid = accounts::verify(&form.password, hash).await;
    match found {
        Some((user, _)) if valid => {
            let cookie = auth::start_session(&service, user.id).await?;
            Ok((jar.add(cookie), Redirect::to("/")).into_response())
        }
        _ => {
            service.sign_in_limiter.failed(&keys);
            let mut page = SignInPage::new(false, form.csrf);
            page.error = Some("wrong email or password".into());
            page.email = email;
            Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn signout(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    let cookie = auth::end_session(&service, &jar).await?;
    Ok((jar.add(cookie), Redirect::to("/signin")).into_response())
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    csrf: String,
    name: String,
    feed_url: String,
    message: Option<String>,
    jobs: Vec<JobView>,
    episodes: Vec<view::EpisodeView>,
    stories: Vec<StoryView>,
}

struct JobView {
    what: String,
    state: &'static str,
    stage: Option<String>,
    error: Option<String>,
}

struct StoryView {
    id: i64,
    title: String,
    topics: String,
}

async fn dashboard(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
) -> Result<Response, Error> {
    dashboard_with(&service, &signed_in, None).await
}

async fn dashboard_with(
    service: &Service,
    signed_in: &SignedIn,
    message: Option<String>,
) -> Result<Response, Error> {
    let user = &signed_in.user;
    let episodes = service.store.episodes(user.id, 100).await?;
    let jobs = service.store.jobs(user.id, 20).await?;
    let mut job_views = Vec::new();
    for job in jobs.iter().filter(|job| job.state != JobState::Done) {
        job_views.push(JobView {
            what: job_title(service, job).await?,
            state: job.state.as_str(),
            stage: job.stage.clone(),
            error: job.error.clone(),
        });
    }
    let stories = service
        .store
        .candidates(user.id, 10)
        .await?
        .into_iter()
        .map(|c| StoryView {
            id: c.story.id,
            title: c.story.title,
            topics: c.topics.join(", "),
        })
        .collect();
    let page = Dashboard {
        csrf: signed_in.csrf_token.clone(),
        name: user.settings.name.clone(),
        feed_url: service.feed_url(&user.feed_token),
        message,
        jobs: job_views,
        episodes: episodes
            .iter()
            .map(|e| view::EpisodeView::new(e, &user.settings.timezone))
            .collect(),
        stories,
    };
    Ok(render(&page)?.into_response())
}

async fn job_title(service: &Service, job: &Job) -> Result<String, Error> {
    if let Some(id) = job.story_id
        && let Some(story) = service.store.story(id).await?
    {
        return Ok(story.title);
    }
    Ok(job.url.clone().unwrap_or_else(|| format!("job {}", job.id)))
}

#[derive(Deserialize)]
struct LinkForm {
    csrf: String,
    url: String,
}

async fn make_from_link(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    let message = match sources::check_url(&form.url) {
        Ok(url) => {
            queue(&service, &signed_in.user, None, Some(url)).await?;
            "Queued: your episode will appear here when it is ready.".to_owned()
        }
        Err(err) => err.to_string(),
    };
    dashboard_with(&service, &signed_in, Some(message)).await
}

async fn make_from_story(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Path(story_id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    let user = &signed_in.user;
    if service.store.candidate(user.id, story_id).await?.is_none() {
        return Err(Error::NotFound);
    }
    queue(&service, user, Some(story_id), None).await?;
    service
        .store
        .mark_delivered(user.id, story_id, service.now())
        .await?;
    Ok(Redirect::to("/").into_response())
}

/// Queues an episode job for a user now.
pub async fn queue(
    service: &Service,
    user: &User,
    story_id: Option<i64>,
    url: Option<String>,
) -> Result<Job, Error> {
    let now = service.now();
    let job = NewJob {
        user_id: user.id,
        story_id,
        url,
        dedupe_key: None,
        max_attempts: service.config.max_attempts,
        run_after: now,
    };
    service
        .store
        .enqueue(job, now)
        .await?
        .ok_or_else(|| Error::Internal("the job was not queued".into()))
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    csrf: String,
    error: Option<String>,
    message: Option<String>,
    url: String,
    sources: Vec<view::SourceView>,
}

async fn sources_page(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
) -> Result<Response, Error> {
    sources_page_with(&service, &signed_in, None, None, String::new()).await
}

async fn sources_page_with(
    service: &Service,
    signed_in: &SignedIn,
    error: Option<String>,
    message: Option<String>,
    url: String,
) -> Result<Response, Error> {
    let user = &signed_in.user;
    let list = service.store.sources(user.id).await?;
    let page = SourcesPage {
        csrf: signed_in.csrf_token.clone(),
        error: error.clone(),
        message,
        url,
        sources: list
            .iter()
            .map(|s| view::SourceView::new(s, &user.settings.timezone))
            .collect(),
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

async fn add_source(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    match sources::add_source(&service, &signed_in.user, &form.url).await {
        Ok(source) => {
            let message = format!("Added {}.", source.title.as_deref().unwrap_or(&source.url));
            sources_page_with(&service, &signed_in, None, Some(message), String::new()).await
        }
        Err(err @ (Error::BadRequest(_) | Error::Conflict(_))) => {
            sources_page_with(&service, &signed_in, Some(err.to_string()), None, form.url).await
        }
        Err(err) => Err(err),
    }
}

async fn delete_source(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    if !service.store.delete_source(signed_in.user.id, id).await? {
        return Err(Error::NotFound);
    }
    Ok(Redirect::to("/sources").into_response())
}

#[derive(Deserialize)]
struct IntervalForm {
    csrf: String,
    interval_s: i64,
}

async fn set_source_interval(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<IntervalForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    match sources::set_interval(&service, &signed_in.user, id, form.interval_s).await {
        Ok(source) => {
            let message = format!(
                "{} will be checked {}.",
                source.title.as_deref().unwrap_or(&source.url),
                view::interval_label(source.interval_s)
            );
            sources_page_with(&service, &signed_in, None, Some(message), String::new()).await
        }
        Err(Error::BadRequest(error)) => {
            sources_page_with(&service, &signed_in, Some(error), None, String::new()).await
        }
        Err(err) => Err(err),
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    csrf: String,
    error: Option<String>,
    message: Option<String>,
    s: UserSettings,
    topics: String,
    pairs: Vec<(String, String)>,
    zones: Vec<String>,
    feed_url: String,
    api_token: Option<String>,
}

impl SettingsPage {
    fn new(service: &Service, signed_in: &SignedIn, settings: UserSettings) -> SettingsPage {
        SettingsPage {
            csrf: signed_in.csrf_token.clone(),
            error: None,
            message: None,
            topics: settings.topics.join(", "),
            s: settings,
            pairs: HostPair::builtins()
                .iter()
                .map(|pair| {
                    (
                        pair.id.clone(),
                        format!(
                            "{} · {} & {}",
                            pair.language.native_name(),
                            pair.a().name,
                            pair.b().name
                        ),
                    )
                })
                .collect(),
            zones: view::time_zones(),
            feed_url: service.feed_url(&signed_in.user.feed_token),
            api_token: None,
        }
    }
}

async fn settings_page(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
) -> Result<Response, Error> {
    let page = SettingsPage::new(&service, &signed_in, signed_in.user.settings.clone());
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct SettingsForm {
    csrf: String,
    name: String,
    host_pair: String,
    timezone: String,
    topics: String,
    minutes: f64,
    delivery_time: String,
    stories_per_day: u32,
}

async fn save_settings(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Form(form): Form<SettingsForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    let language = HostPair::builtin(&form.host_pair)
        .map(|pair| pair.language.tag().to_owned())
        .unwrap_or_default();
    let wanted = UserSettings {
        name: form.name,
        language,
        timezone: form.timezone,
        topics: form
            .topics
            .split([',', '，', '、'])
            .map(str::to_owned)
            .collect(),
        host_pair: form.host_pair,
        minutes: form.minutes,
        delivery_time: form.delivery_time,
        stories_per_day: form.stories_per_day,
    };
    match accounts::check_settings(wanted.clone()) {
        Ok(settings) => {
            service
                .store
                .update_settings(signed_in.user.id, &settings)
                .await?;
            let mut page = SettingsPage::new(&service, &signed_in, settings);
            page.message = Some("Saved.".into());
            Ok(render(&page)?.into_response())
        }
        Err(err) => {
            let mut page = SettingsPage::new(&service, &signed_in, wanted);
            page.error = Some(err.to_string());
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

async fn rotate_feed_token(
    State(service): State<Arc<Service>>,
    mut signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    signed_in.user.feed_token = accounts::rotate_feed_token(&service, signed_in.user.id).await?;
    let mut page = SettingsPage::new(&service, &signed_in, signed_in.user.settings.clone());
    page.message = Some("Your feed has a new address; the old one no longer works.".into());
    Ok(render(&page)?.into_response())
}

async fn new_api_token(
    State(service): State<Arc<Service>>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    signed_in.check_csrf(&form.csrf)?;
    let token = tokens::random_token();
    service
        .store
        .add_api_token(
            signed_in.user.id,
            &tokens::token_hash(&token),
            service.now(),
        )
        .await?;
    let mut page = SettingsPage::new(&service, &signed_in, signed_in.user.settings.clone());
    page.api_token = Some(token);
    Ok(render(&page)?.into_response())
}
