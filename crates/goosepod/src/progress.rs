//! Stage-by-stage progress for long commands: bars and spinners on a terminal (indicatif),
//! one plain line per stage otherwise, and each stage's wall time for the summary. The
//! pipeline reports its stages through [`Observer`], which [`Stages`] implements.

use std::io::IsTerminal as _;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::Result;
use goosepod_pipeline::{Observer, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Stages run one after another, shown as they run, with how long each took.
pub struct Stages {
    command: &'static str,
    terminal: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    running: Option<Running>,
    timings: Vec<(Stage, Duration)>,
}

/// The stage in progress.
struct Running {
    stage: Stage,
    bar: ProgressBar,
    started: Instant,
    total: Option<u64>,
}

impl Stages {
    /// Stages of `command` (the prefix of plain progress lines).
    pub fn new(command: &'static str) -> Stages {
        Stages {
            command,
            terminal: std::io::stderr().is_terminal(),
            state: Mutex::new(State::default()),
        }
    }

    /// Runs `stage` with `work`; an error says which stage failed.
    pub fn run<T>(&self, stage: Stage, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.begin(stage);
        match work() {
            Ok(value) => {
                self.end();
                Ok(value)
            }
            Err(err) => {
                self.fail();
                Err(err.context(format!("the {stage} stage failed")))
            }
        }
    }

    /// Starts showing `stage`; a stage still running is finished first.
    pub fn begin(&self, stage: Stage) {
        let mut state = self.state();
        self.finish(&mut state);
        let bar = if self.terminal {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix:>8.bold} {spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(stage.name());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        state.running = Some(Running {
            stage,
            bar,
            started: Instant::now(),
            total: None,
        });
    }

    /// The running stage has finished successfully.
    pub fn end(&self) {
        let mut state = self.state();
        self.finish(&mut state);
    }

    /// The running stage (if any) has failed.
    pub fn fail(&self) {
        let Some(running) = self.state().running.take() else {
            return;
        };
        if self.terminal {
            running.bar.abandon_with_message("failed");
        } else {
            eprintln!("{}: {}: failed", self.command, running.stage);
        }
    }

    /// Records the running stage, if any, as done.
    fn finish(&self, state: &mut State) {
        let Some(running) = state.running.take() else {
            return;
        };
        let took = running.started.elapsed();
        state.timings.push((running.stage, took));
        let done = format!("done in {}", seconds(took));
        if self.terminal {
            running.bar.set_style(
                ProgressStyle::with_template("{prefix:>8.bold} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            running.bar.finish_with_message(done);
        } else {
            eprintln!("{}: {}: {done}", self.command, running.stage);
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves nothing inconsistent worth refusing.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The command whose stages these are.
    pub fn command(&self) -> &'static str {
        self.command
    }

    /// Each finished stage and its wall time, in order.
    pub fn timings(&self) -> Vec<(Stage, Duration)> {
        self.state().timings.clone()
    }

    /// All finished stages' time together.
    pub fn total(&self) -> Duration {
        self.state().timings.iter().map(|(_, took)| *took).sum()
    }
}

impl Observer for Stages {
    fn stage(&self, stage: Stage) {
        let running = self.state().running.as_ref().map(|r| r.stage);
        if running != Some(stage) {
            self.begin(stage);
        }
    }

    fn finished(&self, stage: Stage) {
        let mut state = self.state();
        if state.running.as_ref().map(|r| r.stage) == Some(stage) {
            self.finish(&mut state);
        }
    }

    fn progress(&self, done: u64, total: u64) {
        let mut state = self.state();
        let Some(running) = state.running.as_mut() else {
            return;
        };
        if self.terminal && running.total != Some(total) {
            let unit = match running.stage {
                Stage::Speak => "lines",
                _ => "steps",
            };
            running.bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{prefix:>8.bold}} [{{bar:32}}] {{pos}}/{{len}} {unit} {{msg}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            running.bar.set_length(total);
            running.total = Some(total);
        }
        running.bar.set_position(done);
    }

    fn status(&self, message: &str) {
        let state = self.state();
        let Some(running) = &state.running else {
            return;
        };
        if self.terminal {
            running.bar.set_message(message.to_string());
        } else {
            eprintln!("{}: {}: {message}", self.command, running.stage);
        }
    }

    fn note(&self, message: &str) {
        let state = self.state();
        let line = format!("{}: note: {message}", self.command);
        match &state.running {
            Some(running) => running.bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}

/// `0.42 s`, `12.3 s`.
pub fn seconds(duration: Duration) -> String {
    let s = duration.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}
