//! The service commands: `serve`, `user`, `source` and `run-once`, all on one data
//! directory (they may run at the same time).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use goosepod_pipeline::ScriptWriter;
use goosepod_server::accounts::{self, AccountRequest};
use goosepod_server::{Clock, Outcome, Recipe, Service, ServiceConfig};
use jiff::Timestamp;
use url::Url;

use super::voice::VoiceArgs;
use super::writer::WriterArgs;
use crate::config::Settings;

/// The data directory, shared by every service command.
#[derive(Debug, Clone, clap::Args)]
pub struct DataDirArg {
    /// Where the database (goosepod.db, unless `[service] database_url` or
    /// GOOSEPOD_DATABASE_URL names a PostgreSQL one) and media live (default: `[service]
    /// data_dir`, else ./goosepod-data).
    #[arg(long, env = "GOOSEPOD_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

/// Arguments of `goosepod serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    data: DataDirArg,
    /// Address to listen on (default: `[service] bind`, else 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    bind: Option<SocketAddr>,
}

/// Arguments of `goosepod user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Create a listener; prints JSON with the private feed URL and an API token.
    Add(UserAddArgs),
}

#[derive(Debug, clap::Args)]
struct UserAddArgs {
    /// Sign-in email.
    email: String,
    /// What the hosts call the listener.
    #[arg(long)]
    name: Option<String>,
    /// Show language (en, zh).
    #[arg(long = "lang")]
    language: Option<String>,
    /// IANA time zone.
    #[arg(long = "tz")]
    timezone: Option<String>,
    /// Topics, comma-separated.
    #[arg(long, value_delimiter = ',')]
    topics: Vec<String>,
    /// Read the password from standard input instead of making a random one.
    #[arg(long)]
    password_stdin: bool,
    #[command(flatten)]
    data: DataDirArg,
}

/// Arguments of `goosepod source`.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    #[command(subcommand)]
    command: SourceCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SourceCommand {
    /// Add a feed (RSS, Atom, JSON Feed) or an article link for a listener.
    Add(SourceAddArgs),
}

#[derive(Debug, clap::Args)]
struct SourceAddArgs {
    /// The listener's email.
    #[arg(long)]
    user: String,
    /// The feed's or article's URL.
    url: String,
    #[command(flatten)]
    data: DataDirArg,
}

/// Arguments of `goosepod run-once`.
#[derive(Debug, clap::Args)]
pub struct RunOnceArgs {
    /// Only this listener's sources and jobs.
    #[arg(long)]
    user: Option<String>,
    /// Act as if the clock read this instant (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<Timestamp>,
    #[command(flatten)]
    data: DataDirArg,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn config(
    settings: &Settings,
    data: &DataDirArg,
    bind: Option<SocketAddr>,
) -> Result<(ServiceConfig, SocketAddr)> {
    let data_dir = data
        .data_dir
        .clone()
        .or_else(|| settings.service.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("goosepod-data"));
    let bind = bind
        .or(settings.service.bind)
        .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
    let public_url = match &settings.service.public_url {
        Some(url) => Url::parse(url).with_context(|| format!("invalid public URL {url:?}"))?,
        None => Url::parse(&format!("http://{bind}/"))?,
    };
    let mut config = ServiceConfig::new(data_dir, public_url);
    config.database_url = settings.service.database_url.clone();
    config.fetch = settings.fetch_config()?;
    config.recipe = recipe(settings, &config.data_dir);
    if let Some(workers) = settings.service.workers {
        config.workers = workers;
    }
    Ok((config, bind))
}

/// How the service writes and speaks: the config file's `[writer]`, `[llm]`, `[voice]`
/// and `[piper]`; model-written story bodies are kept in the data directory, and so are
/// spoken lines (in `cache/lines`, unless `[voice] line_cache` names another directory),
/// so a story shared by many listeners is written and spoken once.
fn recipe(settings: &Settings, data_dir: &std::path::Path) -> Recipe {
    let mut writer = WriterArgs::default().script_writer(settings);
    if let ScriptWriter::Model { cache_dir, .. } = &mut writer {
        *cache_dir = settings
            .writer
            .cache
            .then(|| data_dir.join("cache").join("bodies"));
    }
    let mut voice = VoiceArgs::default().choice(settings);
    voice
        .line_cache
        .get_or_insert_with(|| data_dir.join("cache").join("lines"));
    Recipe { writer, voice }
}

async fn open(settings: &Settings, data: &DataDirArg, clock: Clock) -> Result<Arc<Service>> {
    let (config, _) = config(settings, data, None)?;
    let dir = config.data_dir.display().to_string();
    Service::open(config, clock)
        .await
        .with_context(|| format!("cannot open the service's data (directory {dir})"))
}

/// Runs `goosepod serve`.
pub fn serve(args: ServeArgs, settings: &Settings) -> Result<ExitCode> {
    let (mut config, bind) = config(settings, &args.data, args.bind)?;
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind}"))?;
        if settings.service.public_url.is_none() {
            // The address really bound (port 0 picks one).
            config.public_url = Url::parse(&format!("http://{}/", listener.local_addr()?))?;
        }
        let service = Service::open(config, Clock::System).await?;
        let database = match &service.config.database_url {
            Some(url) => goosepod_store::redact_url(url),
            None => service.config.database_path().display().to_string(),
        };
        eprintln!(
            "goosepod: serving {} on http://{} (media in {}, database {database})",
            service.config.public_url,
            listener.local_addr()?,
            service.config.data_dir.display()
        );
        goosepod_server::serve(service, listener, shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM can be watched");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Runs `goosepod user …`.
pub fn user(args: UserArgs, settings: &Settings) -> Result<ExitCode> {
    let UserCommand::Add(add) = args.command;
    let password = if add.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password")?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    runtime()?.block_on(async {
        let service = open(settings, &add.data, Clock::System).await?;
        let account = accounts::create_account(
            &service,
            AccountRequest {
                email: add.email,
                password,
                name: add.name,
                language: add.language,
                timezone: add.timezone,
                topics: add.topics,
            },
        )
        .await?;
        let mut out = serde_json::json!({
            "id": account.user.id,
            "email": account.user.email,
            "feed_url": service.feed_url(&account.user.feed_token),
            "api_token": account.api_token,
            "settings": account.user.settings,
        });
        if let Some(password) = account.password {
            out["password"] = password.into();
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `goosepod source …`.
pub fn source(args: SourceArgs, settings: &Settings) -> Result<ExitCode> {
    let SourceCommand::Add(add) = args.command;
    runtime()?.block_on(async {
        let service = open(settings, &add.data, Clock::System).await?;
        let user = find_user(&service, &add.user).await?;
        let source = goosepod_server::sources::add_source(&service, &user, &add.url).await?;
        println!("{}", serde_json::to_string_pretty(&source)?);
        Ok(ExitCode::SUCCESS)
    })
}

async fn find_user(service: &Service, email: &str) -> Result<goosepod_store::User> {
    let email = accounts::normalise_email(email)?;
    match service.store.user_by_email(&email).await? {
        Some((user, _)) => Ok(user),
        None => bail!("no listener with the email {email}"),
    }
}

/// Runs `goosepod run-once`: prints a JSON report; exits 2 if any job failed.
pub fn run_once(args: RunOnceArgs, settings: &Settings) -> Result<ExitCode> {
    let clock = args.at.map_or(Clock::System, Clock::Fixed);
    runtime()?.block_on(async {
        let service = open(settings, &args.data, clock).await?;
        let only = match &args.user {
            Some(email) => Some(find_user(&service, email).await?.id),
            None => None,
        };
        let report = goosepod_server::run_once(&service, only).await?;
        let mut failed = false;
        let jobs: Vec<serde_json::Value> = report
            .jobs
            .iter()
            .map(|(job, outcome)| match outcome {
                Outcome::Published(episode) => serde_json::json!({
                    "job": job.id, "state": "done", "episode": episode.public_id, "title": episode.title,
                }),
                Outcome::Failed { error, retrying } => {
                    failed = true;
                    serde_json::json!({ "job": job.id, "state": if *retrying { "queued" } else { "failed" }, "error": error })
                }
                Outcome::LostLease => serde_json::json!({ "job": job.id, "state": "lost_lease" }),
            })
            .collect();
        let out = serde_json::json!({
            "at": service.now(),
            "sources_polled": report.poll.sources,
            "sources_failed": report.poll.failed,
            "new_stories": report.poll.new_candidates,
            "jobs_queued": report.queued,
            "jobs": jobs,
            "media_swept": report.swept.media_dirs,
            "cached_lines_pruned": report.swept.cached_lines.entries,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    #[test]
    fn the_service_keeps_spoken_lines_in_its_data_directory_unless_told_otherwise() {
        let mut settings = Settings::default();
        let data = Path::new("/srv/goosepod");
        assert_eq!(
            recipe(&settings, data).voice.line_cache,
            Some(PathBuf::from("/srv/goosepod/cache/lines"))
        );
        settings.voice.line_cache = Some(PathBuf::from("/var/cache/goosepod-lines"));
        assert_eq!(
            recipe(&settings, data).voice.line_cache,
            Some(PathBuf::from("/var/cache/goosepod-lines"))
        );
    }
}
