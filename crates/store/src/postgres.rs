//! The PostgreSQL backend: one database shared by any number of service processes and
//! workers on any number of machines. Jobs are claimed with `FOR UPDATE SKIP LOCKED`, so
//! two workers never take the same job and never wait for each other.

use std::str::FromStr;

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Postgres, Row, Transaction};

use crate::records::*;
use crate::rows::*;
use crate::{Result, Session, Store, StoreError};

/// Goose Pod's store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`)
    /// and runs the migrations. An unreachable server or a refused sign-in fails at once
    /// with an error naming the URL, its password redacted.
    pub async fn connect(url: &str) -> Result<PostgresStore> {
        let open_error = |source| StoreError::Open {
            path: redact_url(url),
            source,
        };
        let options = PgConnectOptions::from_str(url).map_err(open_error)?;
        // One connection first: the pool would retry a refused connection until its
        // acquire timeout and then report only that it timed out.
        let mut conn = options.connect().await.map_err(open_error)?;
        // Migrations take an advisory lock, so many processes may start at once.
        sqlx::migrate!("migrations/postgres").run(&mut conn).await?;
        conn.close().await?;
        let pool = PgPoolOptions::new()
            .connect_with(options)
            .await
            .map_err(open_error)?;
        Ok(PostgresStore { pool })
    }

    async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

/// `url` with its password (in the user info or a `password` parameter) replaced, for
/// messages and logs.
pub fn redact_url(url: &str) -> String {
    const HIDDEN: &str = "********";
    let Ok(mut parsed) = url::Url::parse(url) else {
        // Not a URL: show no more than its scheme.
        return match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://{HIDDEN}"),
            None => HIDDEN.to_owned(),
        };
    };
    if parsed.password().is_some() {
        // Only URLs that cannot carry credentials refuse a password.
        let _ = parsed.set_password(Some(HIDDEN));
    }
    if parsed.query_pairs().any(|(key, _)| key == "password") {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if key == "password" {
                    HIDDEN.into()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[async_trait]
impl Store for PostgresStore {
    async fn create_user(&self, new: NewUser, now: Timestamp) -> Result<User> {
        let s = &new.settings;
        let row = sqlx::query(&format!(
            "INSERT INTO users (email, password_hash, name, language, timezone, topics, \
             host_pair, minutes, delivery_time, stories_per_day, feed_token, feed_token_hash, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             RETURNING {USER_COLUMNS}"
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
        .bind(i64::from(s.stories_per_day))
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
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((user(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
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
            "SELECT {USER_COLUMNS} FROM users WHERE feed_token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user).transpose()
    }

    async fn update_settings(&self, user_id: i64, s: &UserSettings) -> Result<()> {
        sqlx::query(
            "UPDATE users SET name = $1, language = $2, timezone = $3, topics = $4, \
             host_pair = $5, minutes = $6, delivery_time = $7, stories_per_day = $8 WHERE id = $9",
        )
        .bind(&s.name)
        .bind(&s.language)
        .bind(&s.timezone)
        .bind(to_json_list(&s.topics))
        .bind(&s.host_pair)
        .bind(s.minutes)
        .bind(&s.delivery_time)
        .bind(i64::from(s.stories_per_day))
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_feed_token(&self, user_id: i64, token: &str, token_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET feed_token = $1, feed_token_hash = $2 WHERE id = $3")
            .bind(token)
            .bind(token_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_api_token(&self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
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
            "SELECT {} FROM users u JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1",
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
            "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) \
             VALUES ($1, $2, $3, $4)",
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
             WHERE s.token_hash = $1 AND s.expires_at > $2",
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
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_source(&self, new: NewSource, now: Timestamp) -> Result<Source> {
        let row = sqlx::query(&format!(
            "INSERT INTO sources (user_id, url, kind, title, interval_s, next_poll_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {SOURCE_COLUMNS}"
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
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE user_id = $1 ORDER BY id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(source).collect()
    }

    async fn source(&self, user_id: i64, source_id: i64) -> Result<Option<Source>> {
        let row = sqlx::query(&format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE user_id = $1 AND id = $2"
        ))
        .bind(user_id)
        .bind(source_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(source).transpose()
    }

    async fn delete_source(&self, user_id: i64, source_id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sources WHERE user_id = $1 AND id = $2")
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
            "UPDATE sources SET interval_s = $1, next_poll_at = $2 WHERE user_id = $3 AND id = $4",
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
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE next_poll_at <= $1 \
             AND ($2::BIGINT IS NULL OR user_id = $2) ORDER BY next_poll_at, id"
        ))
        .bind(seconds(now))
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
                    "UPDATE sources SET etag = $1, last_modified = $2, \
                     title = COALESCE($3, title), next_poll_at = $4, failures = 0, \
                     last_error = NULL, last_polled_at = $5 WHERE id = $6",
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
                    "UPDATE sources SET next_poll_at = $1, failures = failures + 1, \
                     last_error = $2, last_polled_at = $3 WHERE id = $4",
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
        let row = sqlx::query("SELECT 1 FROM source_items WHERE source_id = $1 AND item_key = $2")
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
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source_id, item_key) DO UPDATE SET \
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
            "SELECT {STORY_COLUMNS} FROM stories WHERE url = $1"
        ))
        .bind(url)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(story).transpose()
    }

    async fn story(&self, id: i64) -> Result<Option<Story>> {
        let row = sqlx::query(&format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(story).transpose()
    }

    async fn fingerprints_since(&self, since: Timestamp) -> Result<Vec<(i64, u64)>> {
        let rows = sqlx::query("SELECT id, fingerprint FROM stories WHERE fetched_at >= $1")
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
        let existing = sqlx::query("SELECT id FROM stories WHERE url = $1")
            .bind(&new.url)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            return Ok(row.try_get("id")?);
        }
        // Another process may store the same URL between the look-up and the insert: the
        // insert then waits for it, does nothing, and the second look-up sees its row.
        let inserted = sqlx::query(
            "INSERT INTO stories (url, title, language, published_at, fingerprint, article, \
             fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (url) DO NOTHING \
             RETURNING id",
        )
        .bind(&new.url)
        .bind(&new.title)
        .bind(&new.language)
        .bind(new.published_at.map(seconds))
        .bind(new.fingerprint as i64)
        .bind(&new.article)
        .bind(seconds(new.fetched_at))
        .fetch_optional(&mut *tx)
        .await?;
        let row = match inserted {
            Some(row) => row,
            None => {
                sqlx::query("SELECT id FROM stories WHERE url = $1")
                    .bind(&new.url)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
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
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, story_id) DO NOTHING",
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
             WHERE c.user_id = $1 AND c.delivered_at IS NULL \
             ORDER BY c.score DESC, COALESCE(s.published_at, s.fetched_at) DESC, s.id DESC \
             LIMIT $2",
            prefixed("s", STORY_COLUMNS)
        ))
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(candidate).collect()
    }

    async fn candidate(&self, user_id: i64, story_id: i64) -> Result<Option<Candidate>> {
        let row = sqlx::query(&format!(
            "SELECT {}, c.score, c.topics, c.found_at FROM candidates c \
             JOIN stories s ON s.id = c.story_id \
             WHERE c.user_id = $1 AND c.story_id = $2 AND c.delivered_at IS NULL",
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
            "UPDATE candidates SET delivered_at = $1 WHERE user_id = $2 AND story_id = $3 \
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
            "INSERT INTO deliveries (user_id, local_date, created_at) VALUES ($1, $2, $3) \
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
             run_after, created_at, updated_at) VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8) \
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
        // The queue pattern: the subquery locks the first runnable row and skips rows other
        // workers have locked, so concurrent claims take different jobs without waiting;
        // a row another claim has just taken no longer matches once that claim commits.
        let row = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT id FROM jobs WHERE \
               ((state = 'queued' AND run_after <= $3) \
                OR (state = 'running' AND lease_until < $3)) \
               AND ($4::BIGINT IS NULL OR user_id = $4) ORDER BY run_after, id LIMIT 1 \
               FOR UPDATE SKIP LOCKED) \
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(worker)
        .bind(seconds(lease_until))
        .bind(seconds(now))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn heartbeat(&self, job_id: i64, worker: &str, lease_until: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND state = 'running' \
             AND lease_owner = $3",
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
            "UPDATE jobs SET stage = $1, updated_at = $2 WHERE id = $3 AND state = 'running' \
             AND lease_owner = $4",
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
        // The row lock keeps the lease from being taken over until this commits.
        let held = sqlx::query(
            "SELECT 1 FROM jobs WHERE id = $1 AND state = 'running' AND lease_owner = $2 \
             FOR UPDATE",
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {EPISODE_COLUMNS}"
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
             lease_until = NULL, episode_id = $1, updated_at = $2 WHERE id = $3",
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
            "UPDATE jobs SET state = $1, run_after = COALESCE($2, run_after), error = $3, \
             stage = NULL, lease_owner = NULL, lease_until = NULL, updated_at = $4 \
             WHERE id = $5 AND state = 'running' AND lease_owner = $6",
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
            "UPDATE jobs SET state = 'queued', attempts = GREATEST(attempts - 1, 0), stage = NULL, \
             lease_owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE id = $2 AND state = 'running' AND lease_owner = $3",
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
            "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = $1 ORDER BY created_at DESC, id DESC \
             LIMIT $2"
        ))
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job).collect()
    }

    async fn job(&self, user_id: i64, job_id: i64) -> Result<Option<Job>> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = $1 AND id = $2"
        ))
        .bind(user_id)
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn episodes(&self, user_id: i64, limit: u32) -> Result<Vec<EpisodeRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {EPISODE_COLUMNS} FROM episodes WHERE user_id = $1 \
             ORDER BY published_at DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(episode).collect()
    }

    async fn media_published(&self, user_id: i64, media_key: &str) -> Result<bool> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM episodes WHERE user_id = $1 AND media_key = $2",
        )
        .bind(user_id)
        .bind(media_key)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }

    async fn episode(&self, user_id: i64, public_id: &str) -> Result<Option<EpisodeRow>> {
        let row = sqlx::query(&format!(
            "SELECT {EPISODE_COLUMNS} FROM episodes WHERE user_id = $1 AND public_id = $2"
        ))
        .bind(user_id)
        .bind(public_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(episode).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_wherever_they_are() {
        assert_eq!(
            redact_url("postgres://goosepod:s3cret@db.internal:5432/goosepod"),
            "postgres://goosepod:********@db.internal:5432/goosepod"
        );
        assert_eq!(
            redact_url("postgres://goosepod@db/goosepod?password=s3cret&sslmode=require"),
            "postgres://goosepod@db/goosepod?password=********&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://db.internal/goosepod"),
            "postgres://db.internal/goosepod"
        );
        assert_eq!(redact_url("postgres://a:b@[bad"), "postgres://********");
        assert_eq!(redact_url("s3cret"), "********");
    }

    #[tokio::test]
    async fn an_unreachable_server_fails_at_once_naming_the_url() {
        // Port 1 on loopback: nothing listens, the connection is refused.
        let url = "postgres://goosepod:s3cret@127.0.0.1:1/goosepod";
        let started = std::time::Instant::now();
        let err = PostgresStore::connect(url).await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Open { .. }), "{message}");
        assert!(
            message.contains("postgres://goosepod:********@127.0.0.1:1/goosepod"),
            "{message}"
        );
        assert!(!message.contains("s3cret"), "{message}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[tokio::test]
    async fn a_malformed_url_is_an_open_error_without_the_password() {
        let err = PostgresStore::connect("postgres://goosepod:s3cret@127.0.0.1:notaport/db")
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Open { .. }), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
    }
}
