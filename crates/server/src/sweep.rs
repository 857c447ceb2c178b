//! Media nobody will ever see, removed: the staging directory of a worker that died
//! mid-job, and the finished directory of an attempt whose episode was never published
//! (the worker died between moving it into place and publishing the row, or could not
//! remove it after losing its lease). And spoken lines the line cache has not used for
//! [`crate::ServiceConfig::line_cache_keep`].
//!
//! An episode's files live in `media/<user>/<job>-<attempt>/`, built beside it in
//! `media/<user>/.<job>-<attempt>.partial-*`. So the name alone says which attempt made a
//! directory, and the store says whether that attempt may still be running or whose
//! episode it holds. Names in any other shape are left alone.

use std::path::Path;

use goosepod_pipeline::{LineCache, Pruned};
use goosepod_store::{Job, JobState};

use crate::error::Error;
use crate::service::Service;

/// The media directory name of one attempt at a job, under its user's directory.
pub fn attempt_dir(job: &Job) -> String {
    format!("{}-{}", job.id, job.attempts)
}

/// What a directory name in a user's media directory says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    job_id: i64,
    attempt: i64,
    /// Still being built (a `.partial-` staging directory).
    staging: bool,
}

impl Entry {
    fn parse(name: &str) -> Option<Entry> {
        let (attempt_dir, staging) = match name.strip_prefix('.') {
            Some(hidden) => (hidden.split_once(".partial-")?.0, true),
            None => (name, false),
        };
        let (job, attempt) = attempt_dir.split_once('-')?;
        let number = |text: &str| {
            (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse().ok())
                .flatten()
        };
        Some(Entry {
            job_id: number(job)?,
            attempt: number(attempt)?,
            staging,
        })
    }

    /// Whether the directory may still be wanted: its attempt may still be running, or
    /// it holds a published episode. `published` must be read after `job`, so that an
    /// attempt publishing in between is seen either running or published.
    fn wanted(&self, job: Option<&Job>, published: bool) -> bool {
        let running =
            job.is_some_and(|job| job.state == JobState::Running && job.attempts == self.attempt);
        running || (!self.staging && published)
    }
}

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Attempt directories no episode will ever use.
    pub media_dirs: usize,
    /// Spoken lines unused for longer than the service keeps them, and their bytes.
    pub cached_lines: Pruned,
}

/// Sweeps the media directory and prunes the line cache.
pub async fn sweep(service: &Service) -> Result<Swept, Error> {
    let media_dirs = sweep_media(service).await?;
    let cached_lines = prune_line_cache(service).await?;
    if media_dirs > 0 || cached_lines.entries > 0 {
        tracing::info!(
            media_dirs,
            cached_lines = cached_lines.entries,
            cache_bytes = cached_lines.bytes,
            "swept"
        );
    }
    Ok(Swept {
        media_dirs,
        cached_lines,
    })
}

/// Removes spoken lines not used for [`crate::ServiceConfig::line_cache_keep`].
async fn prune_line_cache(service: &Service) -> Result<Pruned, Error> {
    let Some(dir) = service.config.recipe.voice.line_cache.clone() else {
        return Ok(Pruned::default());
    };
    let keep = service.config.line_cache_keep;
    tokio::task::spawn_blocking(move || {
        if !dir.is_dir() {
            return Ok(Pruned::default());
        }
        LineCache::open(dir)?.prune(keep)
    })
    .await
    .map_err(|err| Error::Internal(format!("pruning the line cache stopped: {err}")))?
    .map_err(|err| Error::Internal(format!("cannot prune the line cache: {err}")))
}

/// Removes every unwanted attempt directory under the media directory; returns how many.
/// A directory that cannot be removed is logged and left for the next sweep.
async fn sweep_media(service: &Service) -> Result<usize, Error> {
    let mut removed = 0;
    for (user_id, user_dir) in numbered_dirs(&service.config.media_dir()) {
        for (name, path) in entries(&user_dir) {
            let Some(entry) = Entry::parse(&name) else {
                continue;
            };
            let job = service.store.job(user_id, entry.job_id).await?;
            let published = if entry.staging {
                false
            } else {
                service
                    .store
                    .media_published(user_id, &format!("{user_id}/{name}"))
                    .await?
            };
            if entry.wanted(job.as_ref(), published) {
                continue;
            }
            match std::fs::remove_dir_all(&path) {
                Ok(()) => {
                    tracing::info!(dir = %path.display(), "removed unpublished media");
                    removed += 1;
                }
                Err(err) => {
                    tracing::warn!(dir = %path.display(), error = %err, "cannot remove unpublished media")
                }
            }
        }
    }
    Ok(removed)
}

/// The subdirectories of `dir` named by a number (users' media directories).
fn numbered_dirs(dir: &Path) -> Vec<(i64, std::path::PathBuf)> {
    entries(dir)
        .into_iter()
        .filter_map(|(name, path)| Some((name.parse().ok()?, path)))
        .collect()
}

/// The subdirectories of `dir` by name; none if it cannot be read.
fn entries(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    listing
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| Some((entry.file_name().into_string().ok()?, entry.path())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn job(state: JobState, attempts: i64) -> Job {
        Job {
            id: 7,
            user_id: 1,
            story_id: None,
            url: None,
            state,
            attempts,
            max_attempts: 3,
            run_after: Timestamp::UNIX_EPOCH,
            lease_owner: None,
            lease_until: None,
            stage: None,
            error: None,
            episode_id: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn names_say_which_attempt_made_a_directory() {
        let entry = |job_id, attempt, staging| {
            Some(Entry {
                job_id,
                attempt,
                staging,
            })
        };
        assert_eq!(Entry::parse("7-2"), entry(7, 2, false));
        assert_eq!(Entry::parse(".7-2.partial-Xa9"), entry(7, 2, true));
        for other in [
            "7", "7-", "-2", "a-2", "7-2x", ".7-2", "x7-2", "7--2", "+7-2",
        ] {
            assert_eq!(Entry::parse(other), None, "{other}");
        }
        assert_eq!(attempt_dir(&job(JobState::Running, 2)), "7-2");
    }

    #[test]
    fn only_a_running_attempt_or_a_published_episode_is_kept() {
        let finished = Entry::parse("7-1").unwrap();
        let staging = Entry::parse(".7-1.partial-x").unwrap();
        let running = job(JobState::Running, 1);
        let rerun = job(JobState::Running, 2);
        let done = job(JobState::Done, 1);
        let failed = job(JobState::Failed, 1);

        // The attempt is still under way: its directories stay.
        assert!(finished.wanted(Some(&running), false));
        assert!(staging.wanted(Some(&running), false));
        // Published: the episode's files stay, whatever the job says now.
        assert!(finished.wanted(Some(&done), true));
        assert!(finished.wanted(None, true));
        // A later attempt took over, the job ended, or it is gone: nobody will publish it.
        for job in [Some(&rerun), Some(&done), Some(&failed), None] {
            assert!(!finished.wanted(job, false), "{job:?}");
            assert!(!staging.wanted(job, true), "{job:?}");
        }
    }
}
