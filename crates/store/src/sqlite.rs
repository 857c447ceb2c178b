//! The SQLite backend: one file, WAL mode so `serve` and `run-once` can share it.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use crate::records::*;
use crate::rows::*;
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

    async fn set_source_interval(
        &self,
        user_id: i64,
        source_id: i64,
        interval_s: i64,
        next_poll_at: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE sources SET interval_s = ?, next_poll_at = ? WHERE user_id = ? AND id = ?",
        )
        .bind(interval_s)
        .bind(seconds(next_poll_at))
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
        rows.iter().map(candidate).collect()
    }

    async fn candidate(&self, user_id: i64, story_id: i64) -> Result<Option<Candidate>> {
        let row = sqlx::query(&format!(
            "SELECT {}, c.score, c.topics, c.found_at FROM candidates c \
             JOIN stories s ON s.id = c.story_id \
             WHERE c.user_id = ? AND c.story_id = ? AND c.delivered_at IS NULL",
            prefixed("s", STORY_COLUMNS)
        ))
        .bind(user_id)
        .bind(story_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(candidate).transpose()
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
             published_at, duration_s, audio_bytes, media_key, audio_file, audio_type) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {EPISODE_COLUMNS}"
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
        .bind(&new.audio_file)
        .bind(&new.audio_type)
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

    async fn media_published(&self, user_id: i64, media_key: &str) -> Result<bool> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM episodes WHERE user_id = ? AND media_key = ?")
                .bind(user_id)
                .bind(media_key)
                .fetch_one(&self.pool)
                .await?;
        Ok(count > 0)
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
