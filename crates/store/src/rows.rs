//! What the backends share: the column lists, reading rows back into records, and the
//! conversions of times, lists and errors. The SQL itself stays in each backend.

use jiff::Timestamp;
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::records::*;
use crate::{Result, StoreError};

/// Typed reads of a row's columns, for any backend whose rows decode `i64`, `f64` and
/// `String`.
pub(crate) trait Columns {
    /// A non-null integer.
    fn int(&self, column: &str) -> Result<i64>;
    /// A nullable integer.
    fn int_opt(&self, column: &str) -> Result<Option<i64>>;
    /// A non-null float.
    fn real(&self, column: &str) -> Result<f64>;
    /// A non-null text.
    fn text(&self, column: &str) -> Result<String>;
    /// A nullable text.
    fn text_opt(&self, column: &str) -> Result<Option<String>>;
}

impl<R> Columns for R
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    i64: Type<R::Database> + for<'r> Decode<'r, R::Database>,
    f64: Type<R::Database> + for<'r> Decode<'r, R::Database>,
    String: Type<R::Database> + for<'r> Decode<'r, R::Database>,
{
    fn int(&self, column: &str) -> Result<i64> {
        Ok(self.try_get(column)?)
    }

    fn int_opt(&self, column: &str) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }

    fn real(&self, column: &str) -> Result<f64> {
        Ok(self.try_get(column)?)
    }

    fn text(&self, column: &str) -> Result<String> {
        Ok(self.try_get(column)?)
    }

    fn text_opt(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
}

/// A time as stored: Unix seconds.
pub(crate) fn seconds(at: Timestamp) -> i64 {
    at.as_second()
}

/// Reads stored Unix seconds back.
pub(crate) fn timestamp(what: &'static str, seconds: i64) -> Result<Timestamp> {
    Timestamp::from_second(seconds).map_err(|err| StoreError::Corrupt {
        what,
        reason: err.to_string(),
    })
}

/// Reads nullable stored Unix seconds back.
pub(crate) fn optional_timestamp(
    what: &'static str,
    seconds: Option<i64>,
) -> Result<Option<Timestamp>> {
    seconds.map(|s| timestamp(what, s)).transpose()
}

/// A unique violation becomes `Conflict`; anything else stays a database error.
pub(crate) fn conflict(err: sqlx::Error, what: &'static str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { what },
        _ => StoreError::Database(err),
    }
}

/// Reads a stored JSON list of strings.
pub(crate) fn json_list(what: &'static str, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|err| StoreError::Corrupt {
        what,
        reason: err.to_string(),
    })
}

/// A list of strings as stored: JSON text.
pub(crate) fn to_json_list(list: &[String]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

/// `a, b` → `t.a, t.b`.
pub(crate) fn prefixed(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{table}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns [`user`] reads.
pub(crate) const USER_COLUMNS: &str = "id, email, name, language, timezone, topics, host_pair, \
     minutes, delivery_time, stories_per_day, feed_token, created_at";

/// Reads a user.
pub(crate) fn user(row: &impl Columns) -> Result<User> {
    let stories_per_day = row.int("stories_per_day")?;
    Ok(User {
        id: row.int("id")?,
        email: row.text("email")?,
        settings: UserSettings {
            name: row.text("name")?,
            language: row.text("language")?,
            timezone: row.text("timezone")?,
            topics: json_list("user topics", &row.text("topics")?)?,
            host_pair: row.text("host_pair")?,
            minutes: row.real("minutes")?,
            delivery_time: row.text("delivery_time")?,
            stories_per_day: u32::try_from(stories_per_day).map_err(|_| StoreError::Corrupt {
                what: "user stories_per_day",
                reason: format!("{stories_per_day} is out of range"),
            })?,
        },
        feed_token: row.text("feed_token")?,
        created_at: timestamp("user created_at", row.int("created_at")?)?,
    })
}

/// The columns [`source`] reads.
pub(crate) const SOURCE_COLUMNS: &str = "id, user_id, url, kind, title, etag, last_modified, \
     interval_s, next_poll_at, failures, last_error, last_polled_at, created_at";

/// Reads a source.
pub(crate) fn source(row: &impl Columns) -> Result<Source> {
    let kind = row.text("kind")?;
    Ok(Source {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        url: row.text("url")?,
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
        title: row.text_opt("title")?,
        etag: row.text_opt("etag")?,
        last_modified: row.text_opt("last_modified")?,
        interval_s: row.int("interval_s")?,
        next_poll_at: timestamp("source next_poll_at", row.int("next_poll_at")?)?,
        failures: row.int("failures")?,
        last_error: row.text_opt("last_error")?,
        last_polled_at: optional_timestamp(
            "source last_polled_at",
            row.int_opt("last_polled_at")?,
        )?,
        created_at: timestamp("source created_at", row.int("created_at")?)?,
    })
}

/// The columns [`story`] reads.
pub(crate) const STORY_COLUMNS: &str =
    "id, url, title, language, published_at, fingerprint, article, fetched_at";

/// Reads a story. Fingerprints are stored as signed 64-bit integers, bit for bit.
pub(crate) fn story(row: &impl Columns) -> Result<Story> {
    Ok(Story {
        id: row.int("id")?,
        url: row.text("url")?,
        title: row.text("title")?,
        language: row.text_opt("language")?,
        published_at: optional_timestamp("story published_at", row.int_opt("published_at")?)?,
        fingerprint: row.int("fingerprint")? as u64,
        article: row.text("article")?,
        fetched_at: timestamp("story fetched_at", row.int("fetched_at")?)?,
    })
}

/// The columns [`episode`] reads.
pub(crate) const EPISODE_COLUMNS: &str = "id, user_id, public_id, story_id, title, summary, \
     language, published_at, duration_s, audio_bytes, media_key, audio_file, audio_type";

/// Reads an episode.
pub(crate) fn episode(row: &impl Columns) -> Result<EpisodeRow> {
    Ok(EpisodeRow {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        public_id: row.text("public_id")?,
        story_id: row.int_opt("story_id")?,
        title: row.text("title")?,
        summary: row.text("summary")?,
        language: row.text("language")?,
        published_at: timestamp("episode published_at", row.int("published_at")?)?,
        duration_s: row.real("duration_s")?,
        audio_bytes: row.int("audio_bytes")?,
        media_key: row.text("media_key")?,
        audio_file: row.text("audio_file")?,
        audio_type: row.text("audio_type")?,
    })
}

/// The columns [`job`] reads.
pub(crate) const JOB_COLUMNS: &str = "id, user_id, story_id, url, state, attempts, max_attempts, \
     run_after, lease_owner, lease_until, stage, error, episode_id, created_at, updated_at";

/// Reads a job.
pub(crate) fn job(row: &impl Columns) -> Result<Job> {
    let state = row.text("state")?;
    Ok(Job {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        story_id: row.int_opt("story_id")?,
        url: row.text_opt("url")?,
        state: JobState::parse(&state).ok_or_else(|| StoreError::Corrupt {
            what: "job state",
            reason: format!("unknown state {state:?}"),
        })?,
        attempts: row.int("attempts")?,
        max_attempts: row.int("max_attempts")?,
        run_after: timestamp("job run_after", row.int("run_after")?)?,
        lease_owner: row.text_opt("lease_owner")?,
        lease_until: optional_timestamp("job lease_until", row.int_opt("lease_until")?)?,
        stage: row.text_opt("stage")?,
        error: row.text_opt("error")?,
        episode_id: row.int_opt("episode_id")?,
        created_at: timestamp("job created_at", row.int("created_at")?)?,
        updated_at: timestamp("job updated_at", row.int("updated_at")?)?,
    })
}

/// Reads a candidate: its story's columns, then `score`, `topics` and `found_at`.
pub(crate) fn candidate(row: &impl Columns) -> Result<Candidate> {
    Ok(Candidate {
        story: story(row)?,
        score: row.real("score")?,
        topics: json_list("candidate topics", &row.text("topics")?)?,
        found_at: timestamp("candidate found_at", row.int("found_at")?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_prefixed_one_by_one() {
        assert_eq!(prefixed("s", "id, url,title"), "s.id, s.url, s.title");
    }

    #[test]
    fn lists_round_trip_and_bad_json_is_corrupt() {
        let list = vec!["电池".to_owned(), "a \"b\"".to_owned()];
        assert_eq!(json_list("topics", &to_json_list(&list)).unwrap(), list);
        let err = json_list("user topics", "[1").unwrap_err();
        assert!(err.to_string().contains("user topics"), "{err}");
    }

    #[test]
    fn times_out_of_range_are_corrupt() {
        let at = Timestamp::from_second(1_790_000_000).unwrap();
        assert_eq!(timestamp("t", seconds(at)).unwrap(), at);
        assert!(matches!(
            timestamp("job run_after", i64::MAX),
            Err(StoreError::Corrupt {
                what: "job run_after",
                ..
            })
        ));
        assert_eq!(optional_timestamp("t", None).unwrap(), None);
    }
}
