//! Episode jobs: a worker leases a job, keeps its lease alive, runs the pipeline into a
//! fresh media directory and publishes the episode's row last, so nothing half-made is
//! ever visible. A worker that dies loses nothing: its lease runs out and another worker
//! runs the job again.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use goosepod_core::{Article, HostPair};
use goosepod_pipeline::{Observer, Order, ScriptWriter, Stage, VoiceChoice};
use goosepod_store::{EpisodeRow, Job, NewEpisode};
use jiff::SignedDuration;
use tokio::sync::mpsc;

use crate::accounts;
use crate::error::Error;
use crate::poll;
use crate::service::Service;
use crate::sweep;
use crate::tokens;

/// How episodes are written and spoken.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// Who writes the scripts.
    pub writer: ScriptWriter,
    /// How they are spoken.
    pub voice: VoiceChoice,
}

impl Default for Recipe {
    /// The offline writer and espeak-ng: no model, no network.
    fn default() -> Self {
        Recipe {
            writer: ScriptWriter::Offline,
            voice: VoiceChoice::default(),
        }
    }
}

/// How a job run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The episode is published.
    Published(Box<EpisodeRow>),
    /// It failed; it will run again at the given time, or never.
    Failed {
        /// Why.
        error: String,
        /// Whether it will be tried again.
        retrying: bool,
    },
    /// The lease was lost (another worker has the job now); nothing was published.
    LostLease,
}

/// Leases and runs the next due job (of one user, or anyone's); `None` if there is none.
pub async fn run_next(
    service: &Arc<Service>,
    worker: &str,
    only: Option<i64>,
) -> Result<Option<(Job, Outcome)>, Error> {
    run_next_tracked(service, worker, only, &Mutex::new(None)).await
}

/// [`run_next`], keeping the id of the job it runs in `current` while it runs (so that
/// a shutting-down server can hand it back).
pub async fn run_next_tracked(
    service: &Arc<Service>,
    worker: &str,
    only: Option<i64>,
    current: &Mutex<Option<i64>>,
) -> Result<Option<(Job, Outcome)>, Error> {
    let now = service.now();
    let lease = SignedDuration::try_from(service.config.lease)
        .map_err(|err| Error::Internal(err.to_string()))?;
    let Some(job) = service
        .store
        .claim_job(worker, only, now, now + lease)
        .await?
    else {
        return Ok(None);
    };
    tracing::info!(
        job = job.id,
        user = job.user_id,
        attempt = job.attempts,
        "job started"
    );
    *current.lock().expect("job slot") = Some(job.id);
    let outcome = run(service, worker, &job, lease).await;
    *current.lock().expect("job slot") = None;
    let outcome = outcome?;
    match &outcome {
        Outcome::Published(episode) => {
            tracing::info!(job = job.id, episode = %episode.public_id, "episode published")
        }
        Outcome::Failed { error, retrying } => {
            tracing::warn!(job = job.id, error = %error, retrying, "job failed")
        }
        Outcome::LostLease => tracing::warn!(job = job.id, "lease lost; result dropped"),
    }
    Ok(Some((job, outcome)))
}

async fn run(
    service: &Arc<Service>,
    worker: &str,
    job: &Job,
    lease: SignedDuration,
) -> Result<Outcome, Error> {
    // Keep the lease alive, and record stages as the pipeline reports them.
    let (stages, mut stage_events) = mpsc::unbounded_channel::<&'static str>();
    let keeper = {
        let service = Arc::clone(service);
        let worker = worker.to_owned();
        let job_id = job.id;
        let beat = (service.config.lease / 3).max(Duration::from_millis(200));
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(beat);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {
                        let until = service.clock.now() + lease;
                        if !service.store.heartbeat(job_id, &worker, until).await.unwrap_or(false) {
                            tracing::warn!(job = job_id, "lease no longer held");
                        }
                    }
                    stage = stage_events.recv() => match stage {
                        Some(stage) => {
                            let _ = service.store.set_stage(job_id, &worker, stage, service.clock.now()).await;
                        }
                        None => break,
                    }
                }
            }
        })
    };
    let made = make(service, job, stages).await;
    keeper.await.ok();
    let now = service.now();
    match made {
        Ok(new) => {
            let dir = service.episode_dir(&new.media_key);
            match service.store.finish_job(job.id, worker, new, now).await? {
                Some(row) => Ok(Outcome::Published(Box::new(row))),
                None => {
                    remove_dir(&dir);
                    Ok(Outcome::LostLease)
                }
            }
        }
        Err(error) => {
            let error = error.to_string();
            let retrying = job.attempts < job.max_attempts;
            let retry_at = retrying.then(|| now + retry_delay(job.attempts));
            service
                .store
                .fail_job(job.id, worker, &error, retry_at, now)
                .await?;
            Ok(Outcome::Failed { error, retrying })
        }
    }
}

/// Waits 1, 4, 16 … minutes between runs.
fn retry_delay(attempts: i64) -> SignedDuration {
    SignedDuration::from_mins(4i64.saturating_pow(attempts.clamp(1, 5) as u32 - 1))
}

/// Everything up to (not including) publishing the row.
async fn make(
    service: &Arc<Service>,
    job: &Job,
    stages: mpsc::UnboundedSender<&'static str>,
) -> Result<NewEpisode, Error> {
    let _ = stages.send("fetch");
    let user = service
        .store
        .user(job.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (story_id, article) = match (job.story_id, &job.url) {
        (Some(id), _) => {
            let story = service
                .store
                .story(id)
                .await?
                .ok_or_else(|| Error::Internal(format!("the job's story {id} is gone")))?;
            let article: Article = serde_json::from_str(&story.article)
                .map_err(|err| Error::Internal(format!("stored article {id}: {err}")))?;
            (Some(id), article)
        }
        (None, Some(url)) => {
            let (id, article) = poll::story_from_link(service, url, None).await?;
            (Some(id), article)
        }
        (None, None) => return Err(Error::Internal("the job has neither story nor link".into())),
    };
    let listener = accounts::listener(&user.settings)?;
    let hosts = HostPair::builtin(&user.settings.host_pair)
        .map_err(|err| Error::BadRequest(err.to_string()))?
        .clone();
    let public_id = tokens::random_id();
    let media_key = format!("{}/{}", user.id, sweep::attempt_dir(job));
    let out_dir = service.episode_dir(&media_key);
    let at = service.now();
    let recipe = service.config.recipe.clone();
    let episode = tokio::task::spawn_blocking(move || {
        let order = Order {
            article: &article,
            listener: &listener,
            hosts: &hosts,
            at,
            writer: &recipe.writer,
            voice: &recipe.voice,
            base_url: None,
            out_dir: &out_dir,
        };
        goosepod_pipeline::make_episode(&order, &StageSender(stages))
    })
    .await
    .map_err(|err| Error::Internal(format!("the episode maker stopped: {err}")))?
    .map_err(|err| Error::Internal(error_chain(&err)))?;
    let audio = episode
        .audio
        .as_ref()
        .ok_or_else(|| Error::Internal("the episode has no audio".into()))?;
    Ok(NewEpisode {
        user_id: user.id,
        public_id,
        story_id,
        title: episode.title.clone(),
        summary: episode.summary.clone(),
        language: episode.language.tag().to_owned(),
        published_at: service.now(),
        duration_s: audio.duration_s,
        audio_bytes: audio.bytes as i64,
        media_key,
        audio_file: audio.file.clone(),
        audio_type: audio.mime_type.clone(),
    })
}

struct StageSender(mpsc::UnboundedSender<&'static str>);

impl Observer for StageSender {
    fn stage(&self, stage: Stage) {
        let _ = self.0.send(stage.name());
    }
}

/// An error and its causes, one sentence.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

fn remove_dir(dir: &std::path::Path) {
    if let Err(err) = std::fs::remove_dir_all(dir) {
        tracing::warn!(dir = %dir.display(), error = %err, "cannot remove an unpublished episode");
    }
}

/// Runs every due job (of one user, or all) to completion, one after another; returns
/// the outcomes.
pub async fn drain(
    service: &Arc<Service>,
    worker: &str,
    only: Option<i64>,
) -> Result<Vec<(Job, Outcome)>, Error> {
    let mut outcomes = Vec::new();
    while let Some(done) = run_next(service, worker, only).await? {
        outcomes.push(done);
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time() {
        assert_eq!(retry_delay(1), SignedDuration::from_mins(1));
        assert_eq!(retry_delay(2), SignedDuration::from_mins(4));
        assert_eq!(retry_delay(3), SignedDuration::from_mins(16));
        assert_eq!(retry_delay(99), SignedDuration::from_mins(256));
    }
}
