//! Goose Pod's store: everything the service remembers, behind one [`Store`] trait.
//!
//! The trait speaks in plain records ([`records`]); each backend owns its SQL and its
//! migrations (`migrations/<backend>/`). Nothing outside this crate writes SQL, and
//! nothing in it decides policy (ranking, retries, schedules): callers pass the times and
//! limits in.

mod postgres;
pub mod records;
mod rows;
mod sqlite;

use async_trait::async_trait;
use jiff::Timestamp;

pub use postgres::{PostgresStore, redact_url};
pub use records::*;
pub use sqlite::SqliteStore;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is taken (an email, a source URL …).
    #[error("{what} already exists")]
    Conflict {
        /// What was duplicated.
        what: &'static str,
    },
    /// The database could not be opened or connected to.
    #[error("cannot open the database at {path}: {source}")]
    Open {
        /// Its path, or its URL with the password redacted.
        path: String,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// Migrations failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value does not read back (a corrupt row).
    #[error("corrupt {what} in the database: {reason}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// Why it does not read.
        reason: String,
    },
}

/// Shorthand.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A user's session: who, and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user.
    pub user: User,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// Everything the service stores. Tokens are passed in hashed (SHA-256 hex) except the
/// feed token, which is shown back to its owner.
#[async_trait]
pub trait Store: Send + Sync {
    // Users.
    /// Creates an account; `Conflict` if the email is taken.
    async fn create_user(&self, user: NewUser, now: Timestamp) -> Result<User>;
    /// The user with this (lower-cased) email, with their password hash.
    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>>;
    /// The user with this id.
    async fn user(&self, id: i64) -> Result<Option<User>>;
    /// Every user (for the scheduler).
    async fn users(&self) -> Result<Vec<User>>;
    /// The user whose feed token hashes to `token_hash`.
    async fn user_by_feed_token(&self, token_hash: &str) -> Result<Option<User>>;
    /// Replaces a user's settings.
    async fn update_settings(&self, user_id: i64, settings: &UserSettings) -> Result<()>;
    /// Replaces a user's feed token.
    async fn set_feed_token(&self, user_id: i64, token: &str, token_hash: &str) -> Result<()>;
    /// Replaces a user's password hash.
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<()>;

    // API tokens and sessions.
    /// Adds an API token.
    async fn add_api_token(&self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()>;
    /// The user an API token belongs to.
    async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>>;
    /// Starts a session.
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// A live session (not expired at `now`).
    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    // Sources.
    /// Adds a source; `Conflict` if the user already has this URL.
    async fn add_source(&self, source: NewSource, now: Timestamp) -> Result<Source>;
    /// A user's sources, oldest first.
    async fn sources(&self, user_id: i64) -> Result<Vec<Source>>;
    /// One of a user's sources.
    async fn source(&self, user_id: i64, source_id: i64) -> Result<Option<Source>>;
    /// Deletes one of a user's sources; false if there was none.
    async fn delete_source(&self, user_id: i64, source_id: i64) -> Result<bool>;
    /// Sets how often one of a user's sources is polled and when it is polled next; false
    /// if there was no such source.
    async fn set_source_interval(
        &self,
        user_id: i64,
        source_id: i64,
        interval_s: i64,
        next_poll_at: Timestamp,
    ) -> Result<bool>;
    /// Sources due at `now` (of one user, or all), most overdue first.
    async fn due_sources(&self, user_id: Option<i64>, now: Timestamp) -> Result<Vec<Source>>;
    /// Records a poll's outcome.
    async fn record_poll(&self, source_id: i64, result: &PollResult, now: Timestamp) -> Result<()>;
    /// Whether a source has seen an item (by GUID or link).
    async fn item_seen(&self, source_id: i64, item_key: &str) -> Result<bool>;
    /// Records an item as seen, with its story or the error that kept it from one.
    async fn record_item(
        &self,
        source_id: i64,
        item_key: &str,
        story_id: Option<i64>,
        error: Option<&str>,
        now: Timestamp,
    ) -> Result<()>;

    // Stories.
    /// The story with this canonical URL.
    async fn story_by_url(&self, url: &str) -> Result<Option<Story>>;
    /// A story by id.
    async fn story(&self, id: i64) -> Result<Option<Story>>;
    /// Fingerprints of stories fetched since `since`, for near-duplicate checks.
    async fn fingerprints_since(&self, since: Timestamp) -> Result<Vec<(i64, u64)>>;
    /// Stores a story; if its URL is taken, returns the existing one's id.
    async fn insert_story(&self, story: NewStory) -> Result<i64>;

    // Candidates and deliveries.
    /// Offers a story to a user (kept once; a delivered story stays delivered).
    async fn add_candidate(
        &self,
        user_id: i64,
        story_id: i64,
        score: f64,
        topics: &[String],
        now: Timestamp,
    ) -> Result<()>;
    /// Undelivered candidates, best first (score, then newest).
    async fn candidates(&self, user_id: i64, limit: u32) -> Result<Vec<Candidate>>;
    /// One story, if it is still an undelivered candidate of the user's.
    async fn candidate(&self, user_id: i64, story_id: i64) -> Result<Option<Candidate>>;
    /// Marks a story delivered (queued) to a user.
    async fn mark_delivered(&self, user_id: i64, story_id: i64, now: Timestamp) -> Result<()>;
    /// Claims a user's delivery for a local date; false if it was already made.
    async fn claim_delivery(&self, user_id: i64, local_date: &str, now: Timestamp) -> Result<bool>;

    // Jobs.
    /// Queues a job; `None` if a job with the same dedupe key exists.
    async fn enqueue(&self, job: NewJob, now: Timestamp) -> Result<Option<Job>>;
    /// Leases the next runnable job (queued and due, or running with an expired lease),
    /// counting an attempt. At most one worker gets each job.
    async fn claim_job(
        &self,
        worker: &str,
        user_id: Option<i64>,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>>;
    /// Extends a lease; false if the worker no longer holds it.
    async fn heartbeat(&self, job_id: i64, worker: &str, lease_until: Timestamp) -> Result<bool>;
    /// Records the stage a running job is in.
    async fn set_stage(&self, job_id: i64, worker: &str, stage: &str, now: Timestamp)
    -> Result<()>;
    /// Publishes a job's episode and marks it done, in one transaction; `None` if the
    /// worker lost the lease (nothing is published then).
    async fn finish_job(
        &self,
        job_id: i64,
        worker: &str,
        episode: NewEpisode,
        now: Timestamp,
    ) -> Result<Option<EpisodeRow>>;
    /// Records a failed run: queued again at `retry_at`, or failed for good when `None`.
    async fn fail_job(
        &self,
        job_id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()>;
    /// Hands a running job back to the queue (shutdown), without counting the attempt.
    async fn release_job(&self, job_id: i64, worker: &str, now: Timestamp) -> Result<()>;
    /// A user's jobs, newest first.
    async fn jobs(&self, user_id: i64, limit: u32) -> Result<Vec<Job>>;
    /// One of a user's jobs.
    async fn job(&self, user_id: i64, job_id: i64) -> Result<Option<Job>>;

    // Episodes.
    /// A user's episodes, newest first.
    async fn episodes(&self, user_id: i64, limit: u32) -> Result<Vec<EpisodeRow>>;
    /// One of a user's episodes by public id.
    async fn episode(&self, user_id: i64, public_id: &str) -> Result<Option<EpisodeRow>>;
    /// Whether one of a user's episodes keeps its files under `media_key`.
    async fn media_published(&self, user_id: i64, media_key: &str) -> Result<bool>;
}
