//! What a running pipeline tells its caller: which stage it is in, how far it has got,
//! and what is worth knowing about the result.

use std::fmt;

/// A stage of making an episode. [`crate::make_episode`] reports `Write`, `Speak` and
/// `Publish`; a caller that fetches and extracts the article itself reports `Fetch` and
/// `Extract` to the same observer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Loading the page or file.
    Fetch,
    /// Extracting the article from it.
    Extract,
    /// Writing the script.
    Write,
    /// Speaking it: audio, transcripts, chapters.
    Speak,
    /// The page, cover and `episode.json`, and the directory moved into place.
    Publish,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 5] = [
        Stage::Fetch,
        Stage::Extract,
        Stage::Write,
        Stage::Speak,
        Stage::Publish,
    ];

    /// The stage's name in messages: `fetch`, `extract`, `write`, `speak`, `publish`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Extract => "extract",
            Stage::Write => "write",
            Stage::Speak => "speak",
            Stage::Publish => "publish",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Receives a pipeline's progress. Calls may come from worker threads (hence `Sync`);
/// every method but [`Observer::stage`] does nothing by default.
pub trait Observer: Sync {
    /// `stage` starts.
    fn stage(&self, stage: Stage);

    /// `stage` has finished successfully. A stage that fails is never finished: the
    /// error returned names it.
    fn finished(&self, stage: Stage) {
        let _ = stage;
    }

    /// `done` of `total` steps of the running stage are done (while speaking: lines).
    fn progress(&self, done: u64, total: u64) {
        let _ = (done, total);
    }

    /// What the running stage is doing now ("mastering loudness"): passing news, not
    /// worth keeping.
    fn status(&self, message: &str) {
        let _ = message;
    }

    /// Something worth keeping about the episode, e.g. why the model writer fell back to
    /// the offline writer (the same notes are in the episode's `writer.notes`).
    fn note(&self, message: &str) {
        let _ = message;
    }
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn stage(&self, _stage: Stage) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_named_in_order() {
        let names: Vec<String> = Stage::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["fetch", "extract", "write", "speak", "publish"]);
    }
}
