//! Goose Pod's service: the web pages, the private feed, the JSON API, the feed poller,
//! the daily scheduler and the episode workers, around one [`Service`] state.
//!
//! Only this crate knows HTTP serving; it holds no SQL (that is `goosepod-store`) and no
//! pipeline logic (that is `goosepod-pipeline`).

pub mod accounts;
pub mod auth;
pub mod error;
pub mod make;
pub mod poll;
pub mod routes;
pub mod schedule;
pub mod service;
pub mod sources;
pub mod sweep;
pub mod tokens;
pub mod view;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use error::Error;
pub use make::{Outcome, Recipe};
pub use service::{Clock, Service, ServiceConfig, StartError};

/// How often the poller and the scheduler look for work.
pub const TICK: Duration = Duration::from_secs(30);
/// How often the media directory and the line cache are swept (see [`sweep`]).
pub const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);
/// How long a running job may take to finish after shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// What one `run-once` did.
#[derive(Debug, Default)]
pub struct RunReport {
    /// The polling round.
    pub poll: poll::PollReport,
    /// Jobs queued by the scheduler.
    pub queued: usize,
    /// Jobs run, and how each ended.
    pub jobs: Vec<(goosepod_store::Job, Outcome)>,
    /// What the sweep removed (see [`sweep`]).
    pub swept: sweep::Swept,
}

/// Polls due sources, queues due deliveries and runs every due job to completion, as if
/// the clock read the service's clock (see [`Clock::Fixed`]), for one user or all; then
/// removes media that dead workers left behind and long-unused spoken lines.
pub async fn run_once(service: &Arc<Service>, only: Option<i64>) -> Result<RunReport, Error> {
    let poll = poll::poll_due(service, only).await?;
    let queued = schedule::run_due_deliveries(service, only).await?;
    let jobs = make::drain(service, &worker_name(0), only).await?;
    let swept = sweep::sweep(service).await?;
    Ok(RunReport {
        poll,
        queued,
        jobs,
        swept,
    })
}

/// A name for a worker, unique across processes.
pub fn worker_name(index: usize) -> String {
    format!(
        "{}-{index}-{}",
        std::process::id(),
        &tokens::random_id()[..8]
    )
}

/// Serves HTTP on `listener` and runs the poller, scheduler and workers until `shutdown`
/// completes; then stops taking work, lets running jobs finish for up to
/// [`SHUTDOWN_GRACE`] and hands back any that do not.
pub async fn serve(
    service: Arc<Service>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let mut background = Vec::new();
    let workers = if service.config.background {
        background.push(tokio::spawn(tick_loop(
            Arc::clone(&service),
            stopping.clone(),
        )));
        service.config.workers.max(1)
    } else {
        0
    };
    for index in 0..workers {
        background.push(tokio::spawn(worker_loop(
            Arc::clone(&service),
            worker_name(index),
            stopping.clone(),
        )));
    }
    let app = routes::router(Arc::clone(&service));
    tracing::info!(address = %listener.local_addr()?, public_url = %service.config.public_url, "serving");
    let mut http_stopping = stopping.clone();
    // Small last pieces of streamed files must not wait for the client's delayed ACK.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stopped(&mut http_stopping).await;
    });
    let signal = tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop.send(true);
    });
    let served = server.await;
    signal.abort();
    for task in background {
        let _ = task.await;
    }
    served
}

async fn tick_loop(service: Arc<Service>, mut stopping: watch::Receiver<bool>) {
    let mut swept_at: Option<std::time::Instant> = None;
    loop {
        if swept_at.is_none_or(|at| at.elapsed() >= SWEEP_EVERY) {
            swept_at = Some(std::time::Instant::now());
            if let Err(err) = sweep::sweep(&service).await {
                tracing::error!(error = %err, "sweeping failed");
            }
        }
        if let Err(err) = poll::poll_due(&service, None).await {
            tracing::error!(error = %err, "polling failed");
        }
        if let Err(err) = schedule::run_due_deliveries(&service, None).await {
            tracing::error!(error = %err, "scheduling failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stopped(&mut stopping) => return,
        }
    }
}

async fn worker_loop(service: Arc<Service>, name: String, mut stopping: watch::Receiver<bool>) {
    let current: Arc<Mutex<Option<i64>>> = Arc::default();
    loop {
        let stop_asked = *stopping.borrow();
        if stop_asked {
            return;
        }
        let run = make::run_next_tracked(&service, &name, None, &current);
        tokio::pin!(run);
        let ran = tokio::select! {
            ran = &mut run => ran,
            _ = stopped(&mut stopping) => {
                match tokio::time::timeout(SHUTDOWN_GRACE, &mut run).await {
                    Ok(ran) => ran,
                    Err(_) => {
                        let job = current.lock().expect("job slot").take();
                        if let Some(job) = job {
                            tracing::warn!(job, "handing an unfinished job back");
                            let _ = service.store.release_job(job, &name, service.now()).await;
                        }
                        return;
                    }
                }
            }
        };
        match ran {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(err) => tracing::error!(error = %err, "worker failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stopped(&mut stopping) => return,
        }
    }
}

/// Completes once a stop is asked for (or the sender is gone).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
