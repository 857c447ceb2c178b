//! Stage-by-stage progress for long commands: bars and spinners on a terminal (indicatif),
//! one plain line per stage otherwise, and each stage's wall time for the summary.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs named stages one after another and remembers how long each took.
pub struct Stages {
    command: &'static str,
    terminal: bool,
    timings: Vec<(&'static str, Duration)>,
}

/// The running stage, for stages that can say how far they are.
pub struct Stage {
    bar: ProgressBar,
    name: &'static str,
    command: &'static str,
    terminal: bool,
}

impl Stage {
    /// Turns the spinner into a bar of `total` steps of `unit`.
    pub fn set_total(&self, total: u64, unit: &str) {
        if self.terminal {
            self.bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{prefix:>8.bold}} [{{bar:32}}] {{pos}}/{{len}} {unit} {{msg}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            self.bar.set_length(total);
        }
    }

    /// Sets how many steps are done.
    pub fn set_done(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// What the stage is doing now.
    pub fn say(&self, message: &str) {
        if self.terminal {
            self.bar.set_message(message.to_string());
        } else {
            eprintln!("{}: {}: {message}", self.command, self.name);
        }
    }
}

impl Stages {
    /// Stages of `command` (the prefix of plain progress lines).
    pub fn new(command: &'static str) -> Stages {
        Stages {
            command,
            terminal: std::io::stderr().is_terminal(),
            timings: Vec::new(),
        }
    }

    /// Runs the stage `name`; an error says which stage failed.
    pub fn run<T>(
        &mut self,
        name: &'static str,
        work: impl FnOnce(&Stage) -> Result<T>,
    ) -> Result<T> {
        let bar = if self.terminal {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix:>8.bold} {spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(name);
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        let stage = Stage {
            bar,
            name,
            command: self.command,
            terminal: self.terminal,
        };
        let started = Instant::now();
        let result = work(&stage);
        let took = started.elapsed();
        match &result {
            Ok(_) => {
                self.timings.push((name, took));
                let done = format!("done in {}", seconds(took));
                if self.terminal {
                    stage.bar.set_style(
                        ProgressStyle::with_template("{prefix:>8.bold} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    stage.bar.finish_with_message(done);
                } else {
                    eprintln!("{}: {name}: {done}", self.command);
                }
            }
            Err(_) if self.terminal => stage.bar.abandon_with_message("failed"),
            Err(_) => eprintln!("{}: {name}: failed", self.command),
        }
        result.with_context(|| format!("the {name} stage failed"))
    }

    /// The command whose stages these are.
    pub fn command(&self) -> &'static str {
        self.command
    }

    /// Each finished stage and its wall time, in order.
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timings
    }

    /// All stages' time together.
    pub fn total(&self) -> Duration {
        self.timings.iter().map(|(_, took)| *took).sum()
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
