//! The SQLite backend: one file, WAL mode so `serve` and `run-once` can share it.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use crate::records::*;
use crate::{Result, Session, Store, StoreError};

/// How long a writer waits for another's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Goose Pod's store in an SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and runs the migrations.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.display().to_string(),
                source,
            })?;
        Self::migrate(pool).await
    }

    /// An in-memory database (tests).
    pub async fn in_memory() -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Self::migrate(pool).await
    }

    async fn migrate(pool: SqlitePool) -> Result<SqliteStore> {
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        // IMMEDIATE takes the write lock up front, so two writers never deadlock on an
        // upgrade from a read lock.
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

fn seconds(at: Timestamp) -> i64 {
    at.as_second()
}

fn timestamp(what: &'static str, seconds: i64) -> Result<Timestamp> {
    Timestamp::from_second(seconds).map_err(|err| StoreError::Corrupt {
        what,
        reason: err.to_string(),
    })
}

fn optional_timestamp(what: &'static str, seconds: Option<i64>) -> Result<Option<Timestamp>> {
    seconds.map(|s| timestamp(what, s)).transpose()
}

fn conflict(err: sqlx::Error, what: &'static str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { what },
        _ => StoreError::Database(err),
    }
}

fn json_list(what: &'static str, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|err| StoreError::Corrupt {
        what,
        reason: err.to_string(),
    })
}

fn to_json_list(list: &[String]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

const USER_COLUMNS: &str = "id, email, name, language, timezone, topics, host_pair, minutes, \
     delivery_time, stories_per_day, feed_token, created_at";

fn user(row: &SqliteRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        settings: UserSettings {
            name: row.try_get("name")?,
            language: row.try_get("language")?,
            timezone: row.try_get("timezone")?,
            topics: json_list("user topics", row.try_get("topics")?)?,
            host_pair: row.try_get("host_pair")?,
            minutes: row.try_get("minutes")?,
            delivery_time: row.try_get("delivery_time")?,
            stories_per_day: row.try_get("stories_per_day")?,
        },
        feed_token: row.try_get("feed_token")?,
        created_at: timestamp("user created_at", row.try_get("created_at")?)?,
    })
}

const SOURCE_COLUMNS: &str = "id, user_id, url, kind, title, etag, last_modified, interval_s, \
     next_poll_at, failures, last_error, last_polled_at, created_at";

fn source(row: &SqliteRow) -> Result<Source> {
    let kind: String = row.try_get("kind")?;
    Ok(Source {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        url: row.try_get("url")?,
        kind: match kind.as_str() {
            "feed" => SourceKind::Feed,
            "article" => SourceKind::Article,
            other => {
                return Err(StoreError::Corrupt {
                    what: "source kind",
                    reason: format!("unknown kind {other:?}"),
                });
            }
        },
        title: row.try_get("title")?,
        etag: row.try_get("etag")?,
        last_modified: row.try_get("last_modified")?,
        interval_s: row.try_get("interval_s")?,
        next_poll_at: timestamp("source next_poll_at", row.try_get("next_poll_at")?)?,
        failures: row.try_get("failures")?,
        last_error: row.try_get("last_error")?,
        last_polled_at: optional_timestamp(
            "source last_polled_at",
            row.try_get("last_polled_at")?,
        )?,
        created_at: timestamp("source created_at", row.try_get("created_at")?)?,
    })
}

const STORY_COLUMNS: &str =
    "id, url, title, language, published_at, fingerprint, article, fetched_at";

fn story(row: &SqliteRow) -> Result<Story> {
    let fingerprint: i64 = row.try_get("fingerprint")?;
    Ok(Story {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        title: row.try_get("title")?,
        language: row.try_get("language")?,
        published_at: optional_timestamp("story published_at", row.try_get("published_at")?)?,
        fingerprint: fingerprint as u64,
        article: row.try_get("article")?,
        fetched_at: timestamp("story fetched_at", row.try_get("fetched_at")?)?,
    })
}

const EPISODE_COLUMNS: &str = "id, user_id, public_id, story_id, title, summary, language, \
     published_at, duration_s, audio_bytes, media_key";

fn episode(row: &SqliteRow) -> Result<EpisodeRow> {
    Ok(EpisodeRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        public_id: row.try_get("public_id")?,
        story_id: row.try_get("story_id")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        language: row.try_get("language")?,
        published_at: timestamp("episode published_at", row.try_get("published_at")?)?,
        duration_s: row.try_get("duration_s")?,
        audio_bytes: row.try_get("audio_bytes")?,
        media_key: row.try_get("media_key")?,
    })
}

const JOB_COLUMNS: &str = "id, user_id, story_id, url, state, attempts, max_attempts, run_after, \
     lease_owner, lease_until, stage, error, episode_id, created_at, updated_at";

fn job(row: &SqliteRow) -> Result<Job> {
    let state: String = row.try_get("state")?;
    Ok(Job {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        story_id: row.try_get("story_id")?,
        url: row.try_get("url")?,
        state: JobState::parse(&state).ok_or_else(|| StoreError::Corrupt {
            what: "job state",
            reason: format!("unknown state {state:?}"),
        })?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        run_after: timestamp("job run_after", row.try_get("run_after")?)?,
        lease_owner: row.try_get("lease_owner")?,
        lease_until: optional_timestamp("job lease_until", row.try_get("lease_until")?)?,
        stage: row.try_get("stage")?,
        error: row.try_get("error")?,
        episode_id: row.try_get("episode_id")?,
        created_at: timestamp("job created_at", row.try_get("created_at")?)?,
        updated_at: timestamp("job updated_at", row.try_get("updated_at")?)?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_user(&self, new: NewUser, now: Timestamp) -> Result<User> {
        let s = &new.settings;
        let row = sqlx::query(&format!(
            "INSERT INTO users (email, password_hash, name, language, timezone, topics, \
             host_pair, minutes, delivery_time, stories_per_day, feed_token, feed_token_hash, \
             created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
        ))
        .bind(&new.email)
        .bind(&new.password_hash)
        .bind(&s.name)
        .bind(&s.language)
        .bind(&s.timezone)
        .bind(to_json_list(&s.topics))
        .bind(&s.host_pair)
        .bind(s.minutes)
        .bind(&s.delivery_time)
        .bind(s.stories_per_day)
        .bind(&new.feed_token)
        .bind(&new.feed_token_hash)
        .bind(seconds(now))
        .fetch_one(&self.pool)
        .await
        .map_err(|err| conflict(err, "an account with this email"))?;
        user(&row)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((user(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user).transpose()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user).collect()
    }

    async fn user_by_feed_token(&self, token_hash: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE feed_token_hash = ?"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user).transpose()
    }

    async fn update_settings(&self, user_id: i64, s: &UserSettings) -> Result<()> {
        sqlx::query(
            "UPDATE users SET name = ?, language = ?, timezone = ?, topics = ?, host_pair = ?, \
             minutes = ?, delivery_time = ?, stories_per_day = ? WHERE id = ?",
        )
        .bind(&s.name)
        .bind(&s.language)
        .bind(&s.timezone)
        .bind(to_json_list(&s.topics))
        .bind(&s.host_pair)
        .bind(s.minutes)
        .bind(&s.delivery_time)
        .bind(s.stories_per_day)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_feed_token(&self, user_id: i64, token: &str, token_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET feed_token = ?, feed_token_hash = ? WHERE id = ?")
            .bind(token)
            .bind(token_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_api_token(&self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)")
            .bind(token_hash)
            .bind(user_id)
            .bind(seconds(now))
            .execute(&self.pool)
            .await
            .map_err(|err| conflict(err, "this API token"))?;
        Ok(())
    }

    async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM users u JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = ?",
            prefixed("u", USER_COLUMNS)
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user).transpose()
    }

    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(seconds(expires_at))
        .execute(&self.pool)
        .await
        .map_err(|err| conflict(err, "this session"))?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let row = sqlx::query(&format!(
            "SELECT {}, s.csrf_token FROM users u JOIN sessions s ON s.user_id = u.id \
             WHERE s.token_hash = ? AND s.expires_at > ?",
            prefixed("u", USER_COLUMNS)
        ))
        .bind(token_hash)
        .bind(seconds(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Session {
                user: user(&row)?,
                csrf_token: row.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_source(&self, new: NewSource, now: Timestamp) -> Result<Source> {
        let row = sqlx::query(&format!(
            "INSERT INTO sources (user_id, url, kind, title, interval_s, next_poll_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {SOURCE_COLUMNS}"
        ))
        .bind(new.user_id)
        .bind(&new.url)
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(new.interval_s)
        .bind(seconds(new.next_poll_at))
        .bind(seconds(now))
        .fetch_one(&self.pool)
        .await
        .map_err(|err| conflict(err, "a source with this URL"))?;
        source(&row)
    }

    async fn sources(&self, user_id: i64) -> Result<Vec<Source>> {
        let rows = sqlx::query(&format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE user_id = ? ORDER BY id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(source).collect()
    }

    async fn source(&self, user_id: i64, source_id: i64) -> Result<Option<Source>> {
        let row = sqlx::query(&format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE user_id = ? AND id = ?"
        ))
        .bind(user_id)
        .bind(source_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(source).transpose()
    }

    async fn delete_source(&self, user_id: i64, source_id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sources WHERE user_id = ? AND id = ?")
            .bind(user_id)
            .bind(source_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn due_sources(&self, user_id: Option<i64>, now: Timestamp) -> Result<Vec<Source>> {
        let rows = sqlx::query(&format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE next_poll_at <= ? \
             AND (? IS NULL OR user_id = ?) ORDER BY next_poll_at, id"
        ))
        .bind(seconds(now))
        .bind(user_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(source).collect()
    }

    async fn record_poll(&self, source_id: i64, result: &PollResult, now: Timestamp) -> Result<()> {
        match result {
            PollResult::Ok {
                etag,
                last_modified,
                title,
                next_poll_at,
            } => {
                sqlx::query(
                    "UPDATE sources SET etag = ?, last_modified = ?, \
                     title = COALESCE(?, title), next_poll_at = ?, failures = 0, \
                     last_error = NULL, last_polled_at = ? WHERE id = ?",
                )
                .bind(etag)
                .bind(last_modified)
                .bind(title)
                .bind(seconds(*next_poll_at))
                .bind(seconds(now))
                .bind(source_id)
                .execute(&self.pool)
                .await?;
            }
            PollResult::Failed {
                error,
                next_poll_at,
            } => {
                sqlx::query(
                    "UPDATE sources SET next_poll_at = ?, failures = failures + 1, \
                     last_error = ?, last_polled_at = ? WHERE id = ?",
                )
                .bind(seconds(*next_poll_at))
                .bind(error)
                .bind(seconds(now))
                .bind(source_id)
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(())
    }

    async fn item_seen(&self, source_id: i64, item_key: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 FROM source_items WHERE source_id = ? AND item_key = ?")
            .bind(source_id)
            .bind(item_key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn record_item(
        &self,
        source_id: i64,
        item_key: &str,
        story_id: Option<i64>,
        error: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO source_items (source_id, item_key, story_id, error, seen_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_id, item_key) DO UPDATE SET \
             story_id = excluded.story_id, error = excluded.error, seen_at = excluded.seen_at",
        )
        .bind(source_id)
        .bind(item_key)
        .bind(story_id)
        .bind(error)
        .bind(seconds(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn story_by_url(&self, url: &str) -> Result<Option<Story>> {
        let row = sqlx::query(&format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE url = ?"
        ))
        .bind(url)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(story).transpose()
    }

    async fn story(&self, id: i64) -> Result<Option<Story>> {
        let row = sqlx::query(&format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(story).transpose()
    }

    async fn fingerprints_since(&self, since: Timestamp) -> Result<Vec<(i64, u64)>> {
        let rows = sqlx::query("SELECT id, fingerprint FROM stories WHERE fetched_at >= ?")
            .bind(seconds(since))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let fingerprint: i64 = row.try_get("fingerprint")?;
                Ok((row.try_get("id")?, fingerprint as u64))
            })
            .collect()
    }

    async fn insert_story(&self, new: NewStory) -> Result<i64> {
        let mut tx = self.begin().await?;
        let existing = sqlx::query("SELECT id FROM stories WHERE url = ?")
            .bind(&new.url)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            return Ok(row.try_get("id")?);
        }
        let row = sqlx::query(
            "INSERT INTO stories (url, title, language, published_at, fingerprint, article, \
             fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&new.url)
        .bind(&new.title)
        .bind(&new.language)
        .bind(new.published_at.map(seconds))
        .bind(new.fingerprint as i64)
        .bind(&new.article)
        .bind(seconds(new.fetched_at))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.try_get("id")?)
    }

    async fn add_candidate(
        &self,
        user_id: i64,
        story_id: i64,
        score: f64,
        topics: &[String],
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO candidates (user_id, story_id, score, topics, found_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, story_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(story_id)
        .bind(score)
        .bind(to_json_list(topics))
        .bind(seconds(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn candidates(&self, user_id: i64, limit: u32) -> Result<Vec<Candidate>> {
        let rows = sqlx::query(&format!(
            "SELECT {}, c.score, c.topics, c.found_at FROM candidates c \
             JOIN stories s ON s.id = c.story_id \
             WHERE c.user_id = ? AND c.delivered_at IS NULL \
             ORDER BY c.score DESC, COALESCE(s.published_at, s.fetched_at) DESC, s.id DESC \
             LIMIT ?",
            prefixed("s", STORY_COLUMNS)
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Candidate {
                    story: story(row)?,
                    score: row.try_get("score")?,
                    topics: json_list("candidate topics", row.try_get("topics")?)?,
                    found_at: timestamp("candidate found_at", row.try_get("found_at")?)?,
                })
            })
            .collect()
    }

    async fn mark_delivered(&self, user_id: i64, story_id: i64, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE candidates SET delivered_at = ? WHERE user_id = ? AND story_id = ? \
             AND delivered_at IS NULL",
        )
        .bind(seconds(now))
        .bind(user_id)
        .bind(story_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim_delivery(&self, user_id: i64, local_date: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO deliveries (user_id, local_date, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (user_id, local_date) DO NOTHING",
        )
        .bind(user_id)
        .bind(local_date)
        .bind(seconds(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn enqueue(&self, new: NewJob, now: Timestamp) -> Result<Option<Job>> {
        let row = sqlx::query(&format!(
            "INSERT INTO jobs (user_id, story_id, url, dedupe_key, state, max_attempts, \
             run_after, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING {JOB_COLUMNS}"
        ))
        .bind(new.user_id)
        .bind(new.story_id)
        .bind(&new.url)
        .bind(&new.dedupe_key)
        .bind(new.max_attempts)
        .bind(seconds(new.run_after))
        .bind(seconds(now))
        .bind(seconds(now))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn claim_job(
        &self,
        worker: &str,
        user_id: Option<i64>,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>> {
        // One statement: SQLite runs it under its write lock, so two workers can never
        // take the same row.
        let row = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', lease_owner = ?, lease_until = ?, \
             attempts = attempts + 1, updated_at = ? \
             WHERE id = (SELECT id FROM jobs WHERE \
               ((state = 'queued' AND run_after <= ?) OR (state = 'running' AND lease_until < ?)) \
               AND (? IS NULL OR user_id = ?) ORDER BY run_after, id LIMIT 1) \
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(worker)
        .bind(seconds(lease_until))
        .bind(seconds(now))
        .bind(seconds(now))
        .bind(seconds(now))
        .bind(user_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn heartbeat(&self, job_id: i64, worker: &str, lease_until: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = ? WHERE id = ? AND state = 'running' \
             AND lease_owner = ?",
        )
        .bind(seconds(lease_until))
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_stage(
        &self,
        job_id: i64,
        worker: &str,
        stage: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET stage = ?, updated_at = ? WHERE id = ? AND state = 'running' \
             AND lease_owner = ?",
        )
        .bind(stage)
        .bind(seconds(now))
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn finish_job(
        &self,
        job_id: i64,
        worker: &str,
        new: NewEpisode,
        now: Timestamp,
    ) -> Result<Option<EpisodeRow>> {
        let mut tx = self.begin().await?;
        let held = sqlx::query(
            "SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND lease_owner = ?",
        )
        .bind(job_id)
        .bind(worker)
        .fetch_optional(&mut *tx)
        .await?;
        if held.is_none() {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "INSERT INTO episodes (user_id, public_id, story_id, title, summary, language, \
             published_at, duration_s, audio_bytes, media_key) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {EPISODE_COLUMNS}"
        ))
        .bind(new.user_id)
        .bind(&new.public_id)
        .bind(new.story_id)
        .bind(&new.title)
        .bind(&new.summary)
        .bind(&new.language)
        .bind(seconds(new.published_at))
        .bind(new.duration_s)
        .bind(new.audio_bytes)
        .bind(&new.media_key)
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| conflict(err, "an episode with this id"))?;
        let published = episode(&row)?;
        sqlx::query(
            "UPDATE jobs SET state = 'done', stage = NULL, error = NULL, lease_owner = NULL, \
             lease_until = NULL, episode_id = ?, updated_at = ? WHERE id = ?",
        )
        .bind(published.id)
        .bind(seconds(now))
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(published))
    }

    async fn fail_job(
        &self,
        job_id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let (state, run_after) = match retry_at {
            Some(at) => (JobState::Queued, Some(seconds(at))),
            None => (JobState::Failed, None),
        };
        sqlx::query(
            "UPDATE jobs SET state = ?, run_after = COALESCE(?, run_after), error = ?, \
             stage = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ? \
             WHERE id = ? AND state = 'running' AND lease_owner = ?",
        )
        .bind(state.as_str())
        .bind(run_after)
        .bind(error)
        .bind(seconds(now))
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn release_job(&self, job_id: i64, worker: &str, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), stage = NULL, \
             lease_owner = NULL, lease_until = NULL, updated_at = ? \
             WHERE id = ? AND state = 'running' AND lease_owner = ?",
        )
        .bind(seconds(now))
        .bind(job_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn jobs(&self, user_id: i64, limit: u32) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = ? ORDER BY created_at DESC, id DESC \
             LIMIT ?"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job).collect()
    }

    async fn job(&self, user_id: i64, job_id: i64) -> Result<Option<Job>> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = ? AND id = ?"
        ))
        .bind(user_id)
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn episodes(&self, user_id: i64, limit: u32) -> Result<Vec<EpisodeRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {EPISODE_COLUMNS} FROM episodes WHERE user_id = ? \
             ORDER BY published_at DESC, id DESC LIMIT ?"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(episode).collect()
    }

    async fn episode(&self, user_id: i64, public_id: &str) -> Result<Option<EpisodeRow>> {
        let row = sqlx::query(&format!(
            "SELECT {EPISODE_COLUMNS} FROM episodes WHERE user_id = ? AND public_id = ?"
        ))
        .bind(user_id)
        .bind(public_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(episode).transpose()
    }
}

/// `a, b` → `t.a, t.b`.
fn prefixed(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{table}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
