//! The service's shared state: configuration, store, fetcher and clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use goosepod_ingest::fetch::{FetchConfig, FetchError, Fetcher};
use goosepod_store::{PostgresStore, SqliteStore, Store, StoreError};
use jiff::Timestamp;
use url::Url;

use crate::auth::RateLimiter;
use crate::make::Recipe;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Where media (and the SQLite database, unless `database_url` names another) live.
    pub data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://user:password@host/database`) to keep the
    /// service's rows in instead of the data directory's SQLite file; several machines
    /// can then share it (and the media directory, on a shared file system).
    pub database_url: Option<String>,
    /// The absolute URL the service is reached at (links in feeds and pages).
    pub public_url: Url,
    /// How pages and feeds are fetched (limits, allow-list).
    pub fetch: FetchConfig,
    /// How episodes are written and spoken.
    pub recipe: Recipe,
    /// Episode jobs run at once.
    pub workers: usize,
    /// How long a job's lease lasts without a heartbeat.
    pub lease: Duration,
    /// Runs a job may take before it fails for good.
    pub max_attempts: i64,
    /// How often a healthy feed is polled.
    pub poll_interval: Duration,
    /// Whether `serve` also polls, schedules and runs jobs (tests that drive those with
    /// `run_once` and a fixed clock turn it off).
    pub background: bool,
    /// How long a spoken line stays in the line cache unused: long enough for every
    /// listener of a day's stories, in every time zone, to get theirs.
    pub line_cache_keep: Duration,
}

impl ServiceConfig {
    /// Defaults for a data directory and a public URL.
    pub fn new(data_dir: PathBuf, public_url: Url) -> ServiceConfig {
        ServiceConfig {
            data_dir,
            database_url: None,
            public_url,
            fetch: FetchConfig::default(),
            recipe: Recipe::default(),
            workers: 1,
            lease: Duration::from_secs(60),
            max_attempts: 3,
            poll_interval: Duration::from_secs(30 * 60),
            background: true,
            line_cache_keep: Duration::from_secs(3 * 24 * 60 * 60),
        }
    }

    /// The SQLite database file (used unless `database_url` is set).
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("goosepod.db")
    }

    /// Where episode files live.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// Whether cookies must be `Secure` (the service is reached over TLS).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// An absolute URL for a path on this service.
    pub fn url(&self, path: &str) -> String {
        let base = self.public_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }
}

/// Why the service cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory cannot be made.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// Its path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client cannot be built.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// What the clock reads: the real time, or a fixed instant (`run-once --at`).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The system clock.
    System,
    /// Always this instant.
    Fixed(Timestamp),
}

impl Clock {
    /// Now, to the second.
    pub fn now(self) -> Timestamp {
        match self {
            Clock::System => {
                Timestamp::from_second(Timestamp::now().as_second()).expect("now is in range")
            }
            Clock::Fixed(at) => at,
        }
    }
}

/// Everything a request handler, poller or worker needs.
pub struct Service {
    /// Configuration.
    pub config: ServiceConfig,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The guarded fetcher for feeds and pages.
    pub fetcher: Fetcher,
    /// The clock.
    pub clock: Clock,
    /// Sign-in attempts, for rate limiting.
    pub sign_in_limiter: RateLimiter,
}

impl Service {
    /// Opens the data directory and the database (creating the directory and migrating
    /// the database as needed).
    /// Must be called inside a Tokio runtime.
    pub async fn open(config: ServiceConfig, clock: Clock) -> Result<Arc<Service>, StartError> {
        for dir in [config.data_dir.clone(), config.media_dir()] {
            make_dir(&dir)?;
        }
        let store: Arc<dyn Store> = match &config.database_url {
            Some(url) => Arc::new(PostgresStore::connect(url).await?),
            None => Arc::new(SqliteStore::open(&config.database_path()).await?),
        };
        let fetcher = Fetcher::new(config.fetch.clone())?;
        Ok(Arc::new(Service {
            config,
            store,
            fetcher,
            clock,
            sign_in_limiter: RateLimiter::sign_in(),
        }))
    }

    /// Now, by the service's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The private feed URL for a feed token.
    pub fn feed_url(&self, feed_token: &str) -> String {
        self.config.url(&format!("/f/{feed_token}/feed.xml"))
    }

    /// The absolute URL of an episode's directory under a feed token (no trailing slash);
    /// its files are `<dir>/<file>`, its page `<dir>/`.
    pub fn episode_url(&self, feed_token: &str, public_id: &str) -> String {
        self.config.url(&format!("/f/{feed_token}/{public_id}"))
    }

    /// The directory of an episode's files.
    pub fn episode_dir(&self, media_key: &str) -> PathBuf {
        self.config.media_dir().join(media_key)
    }
}

fn make_dir(dir: &Path) -> Result<(), StartError> {
    std::fs::create_dir_all(dir).map_err(|source| StartError::DataDir {
        path: dir.display().to_string(),
        source,
    })
}
