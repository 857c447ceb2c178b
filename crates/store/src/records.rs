//! The rows the store keeps, as plain values: no rules, no I/O.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A listener's account and settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Sign-in email, lower-cased.
    pub email: String,
    /// What the hosts call the listener, and the show's language, clock and tastes.
    pub settings: UserSettings,
    /// The private feed's token (its URL carries it).
    pub feed_token: String,
    /// When the account was made.
    pub created_at: Timestamp,
}

/// The settings a listener edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSettings {
    /// What the hosts call the listener.
    pub name: String,
    /// The show's language (BCP 47).
    pub language: String,
    /// IANA time zone.
    pub timezone: String,
    /// Topics followed, used to rank stories.
    pub topics: Vec<String>,
    /// Host pair id.
    pub host_pair: String,
    /// Preferred episode length, minutes.
    pub minutes: f64,
    /// Local delivery time, `HH:MM`.
    pub delivery_time: String,
    /// How many stories (episodes) each delivery brings at most.
    pub stories_per_day: u32,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in email, lower-cased.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Initial settings.
    pub settings: UserSettings,
    /// The private feed's token.
    pub feed_token: String,
    /// SHA-256 (hex) of `feed_token`, for look-ups.
    pub feed_token_hash: String,
}

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An RSS, Atom or JSON feed, polled.
    Feed,
    /// A single article link, fetched once.
    Article,
}

impl SourceKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Article => "article",
        }
    }
}

/// A listener's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Row id.
    pub id: i64,
    /// Whose source it is.
    pub user_id: i64,
    /// The feed's or article's URL.
    pub url: String,
    /// Feed or article.
    pub kind: SourceKind,
    /// The feed's or article's title, once known.
    pub title: Option<String>,
    /// Validators for the next conditional fetch.
    pub etag: Option<String>,
    /// See `etag`.
    pub last_modified: Option<String>,
    /// Seconds between polls when all is well.
    pub interval_s: i64,
    /// When the next poll is due.
    pub next_poll_at: Timestamp,
    /// Failed polls in a row.
    pub failures: i64,
    /// The last poll's error, if it failed.
    pub last_error: Option<String>,
    /// When the source was last polled.
    pub last_polled_at: Option<Timestamp>,
    /// When it was added.
    pub created_at: Timestamp,
}

/// A source being added.
#[derive(Debug, Clone)]
pub struct NewSource {
    /// Whose.
    pub user_id: i64,
    /// Its URL.
    pub url: String,
    /// Feed or article.
    pub kind: SourceKind,
    /// Title, if known when added.
    pub title: Option<String>,
    /// Poll interval, seconds.
    pub interval_s: i64,
    /// First poll time.
    pub next_poll_at: Timestamp,
}

/// How a poll went.
#[derive(Debug, Clone)]
pub enum PollResult {
    /// Fetched (or not modified): new validators and title.
    Ok {
        /// New `ETag`, if any.
        etag: Option<String>,
        /// New `Last-Modified`, if any.
        last_modified: Option<String>,
        /// Title, if known.
        title: Option<String>,
        /// The next poll.
        next_poll_at: Timestamp,
    },
    /// Failed: the message is shown on the sources page.
    Failed {
        /// What went wrong.
        error: String,
        /// The next try (after backoff).
        next_poll_at: Timestamp,
    },
}

/// A story: one article, shared by every listener whose sources carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Row id.
    pub id: i64,
    /// Canonical URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// Language (BCP 47), if known.
    pub language: Option<String>,
    /// Publication time, if known.
    pub published_at: Option<Timestamp>,
    /// SimHash of the text, for near-duplicate detection.
    pub fingerprint: u64,
    /// The extracted article, as `goosepod_core::Article` JSON.
    pub article: String,
    /// When it was fetched.
    pub fetched_at: Timestamp,
}

/// A story being stored.
#[derive(Debug, Clone)]
pub struct NewStory {
    /// Canonical URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// Language.
    pub language: Option<String>,
    /// Publication time.
    pub published_at: Option<Timestamp>,
    /// SimHash of the text.
    pub fingerprint: u64,
    /// Article JSON.
    pub article: String,
    /// Fetch time.
    pub fetched_at: Timestamp,
}

/// A story waiting to be delivered to a listener.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The story.
    pub story: Story,
    /// Topic score (higher is better).
    pub score: f64,
    /// The listener's topics it matched.
    pub topics: Vec<String>,
    /// When it was found.
    pub found_at: Timestamp,
}

/// A published episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeRow {
    /// Row id.
    pub id: i64,
    /// Whose.
    pub user_id: i64,
    /// Unguessable id used in URLs.
    pub public_id: String,
    /// The story it tells, if it came from one.
    pub story_id: Option<i64>,
    /// Title.
    pub title: String,
    /// One-paragraph summary.
    pub summary: String,
    /// Language.
    pub language: String,
    /// When it was published.
    pub published_at: Timestamp,
    /// Audio length, seconds.
    pub duration_s: f64,
    /// Audio file size, bytes.
    pub audio_bytes: i64,
    /// Where its files are in media storage.
    pub media_key: String,
    /// The audio file's name in its directory (`episode.mp3`, `episode.opus`).
    pub audio_file: String,
    /// The audio file's MIME type (`audio/mpeg`, `audio/ogg; codecs=opus`).
    pub audio_type: String,
}

/// An episode being published.
#[derive(Debug, Clone)]
pub struct NewEpisode {
    /// Whose.
    pub user_id: i64,
    /// Unguessable id.
    pub public_id: String,
    /// Its story.
    pub story_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Language.
    pub language: String,
    /// Publication time.
    pub published_at: Timestamp,
    /// Audio length.
    pub duration_s: f64,
    /// Audio file size.
    pub audio_bytes: i64,
    /// Media key.
    pub media_key: String,
    /// The audio file's name in its directory.
    pub audio_file: String,
    /// The audio file's MIME type.
    pub audio_type: String,
}

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker (or for its retry time).
    Queued,
    /// Leased by a worker.
    Running,
    /// Finished: its episode is published.
    Done,
    /// Gave up: the error says why.
    Failed,
}

impl JobState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(text: &str) -> Option<JobState> {
        Some(match text {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => return None,
        })
    }
}

/// An episode job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// For whom.
    pub user_id: i64,
    /// The story to tell (scheduled jobs).
    pub story_id: Option<i64>,
    /// The link to tell (jobs made from a link).
    pub url: Option<String>,
    /// State.
    pub state: JobState,
    /// Runs started so far.
    pub attempts: i64,
    /// Runs allowed.
    pub max_attempts: i64,
    /// Not before.
    pub run_after: Timestamp,
    /// The worker holding the lease.
    pub lease_owner: Option<String>,
    /// The lease's end.
    pub lease_until: Option<Timestamp>,
    /// The stage it is in (`write`, `speak` …).
    pub stage: Option<String>,
    /// Last error.
    pub error: Option<String>,
    /// The episode it made.
    pub episode_id: Option<i64>,
    /// When queued.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A job being queued.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// For whom.
    pub user_id: i64,
    /// Story, or
    pub story_id: Option<i64>,
    /// link.
    pub url: Option<String>,
    /// Queuing the same key twice queues once.
    pub dedupe_key: Option<String>,
    /// Runs allowed.
    pub max_attempts: i64,
    /// Not before.
    pub run_after: Timestamp,
}
