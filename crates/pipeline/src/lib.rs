//! Goose Pod's episode pipeline: from an [`Article`] to a finished episode directory
//! (`index.html`, `episode.mp3` or `episode.opus`, `episode.json`, transcripts,
//! chapters, cover), for the command line and the server alike.
//!
//! [`make_episode`] takes plain values (an [`Order`]) and reports its stages to an
//! [`Observer`]; it has no terminal output and no global state, so many episodes can be
//! made at once on different threads.
//!
//! - [`writer`]: who writes the script ([`ScriptWriter`]).
//! - [`voice`]: how it is spoken ([`VoiceChoice`], plain serialisable data).
//! - [`output`]: files and directories that are never seen half-made.
//! - [`observe`]: the stages and the progress a caller is told about.

pub mod error;
pub mod observe;
pub mod output;
pub mod voice;
pub mod writer;

use std::path::Path;

use goosepod_core::episode::files;
use goosepod_core::{Article, Episode, HostPair, Listener};
use goosepod_publish::{COVER_SIZE, PageOptions, TAG_COVER_SIZE};
use goosepod_voice::episode::{record_in_episode, script_from_episode};
use goosepod_voice::{CoverArt, Progress};
use jiff::Timestamp;

pub use error::{PipelineError, PublishFailure, SpeakFailure};
pub use goosepod_voice::{AudioFormat, LineCache, Pruned};
pub use observe::{Observer, Silent, Stage};
pub use output::OutputError;
pub use voice::{UnsupportedLanguage, VoiceChoice};
pub use writer::{ScriptWriter, WriteFailure};

/// Everything one episode needs.
#[derive(Debug, Clone, Copy)]
pub struct Order<'a> {
    /// The story.
    pub article: &'a Article,
    /// Who it is for: name, language, time zone, length.
    pub listener: &'a Listener,
    /// Who presents it.
    pub hosts: &'a HostPair,
    /// When it is made: the greeting says this instant on the listener's clock.
    pub at: Timestamp,
    /// Who writes the script.
    pub writer: &'a ScriptWriter,
    /// How it is spoken.
    pub voice: &'a VoiceChoice,
    /// The absolute URL the directory will be served at, for the page's sharing links;
    /// `None` leaves every link relative.
    pub base_url: Option<&'a str>,
    /// The episode's directory. It appears only when complete; an earlier episode there
    /// (in either audio format) is replaced, a directory holding anything else is
    /// refused before any work.
    pub out_dir: &'a Path,
}

/// Makes the episode `order` describes: write, speak, publish, each reported to
/// `observer`. The directory is built beside `order.out_dir` and moved there in one
/// rename when everything is in it; on any error nothing is left behind. Returns the
/// spoken episode (as written to `episode.json`).
pub fn make_episode(order: &Order<'_>, observer: &dyn Observer) -> Result<Episode, PipelineError> {
    output::ensure_replaceable(order.out_dir, files::ALL).map_err(PipelineError::Output)?;

    observer.stage(Stage::Write);
    let mut episode = order
        .writer
        .write(order.article, order.listener, order.hosts, order.at)
        .map_err(PipelineError::Write)?;
    observer.finished(Stage::Write);
    for note in &episode.writer.notes {
        observer.note(note);
    }

    observer.stage(Stage::Speak);
    let staging = output::staging_dir(order.out_dir).map_err(PipelineError::Output)?;
    speak(order, &mut episode, staging.path(), observer).map_err(PipelineError::Speak)?;
    observer.finished(Stage::Speak);

    observer.stage(Stage::Publish);
    publish(order, &episode, staging.path()).map_err(PipelineError::Publish)?;
    output::install_dir(staging, order.out_dir, files::ALL)
        .map_err(|err| PipelineError::Publish(err.into()))?;
    observer.finished(Stage::Publish);
    Ok(episode)
}

/// Speaks `episode` into `dir` (audio, transcripts, chapters) and records the timings
/// and audio facts in it.
fn speak(
    order: &Order<'_>,
    episode: &mut Episode,
    dir: &Path,
    observer: &dyn Observer,
) -> Result<(), SpeakFailure> {
    let mut script = script_from_episode(episode, &order.hosts.show);
    let mut config = order.voice.config_for(&mut script)?;
    let cover =
        goosepod_publish::cover_png(&episode.title, TAG_COVER_SIZE).map_err(SpeakFailure::Cover)?;
    config.cover = Some(CoverArt::from_bytes(cover)?);
    let encoding = format!("encoding {}", config.format.as_str().to_uppercase());
    let total = script.lines.len() as u64;
    observer.progress(0, total);
    let spoken = goosepod_voice::speak(&script, &config, dir, &|progress| match progress {
        Progress::Speaking { done, total } => observer.progress(done as u64, total as u64),
        Progress::Mastering => observer.status("mastering loudness"),
        Progress::Encoding => observer.status(&encoding),
        Progress::Writing => observer.status("writing audio files"),
    })?;
    record_in_episode(episode, &spoken);
    Ok(())
}

/// Writes the page, the cover and `episode.json` into `dir`.
fn publish(order: &Order<'_>, episode: &Episode, dir: &Path) -> Result<(), PublishFailure> {
    let page = goosepod_publish::render_page(
        episode,
        &PageOptions {
            show: &order.hosts.show,
            base_url: order.base_url,
        },
    )?;
    output::write_file(dir, files::PAGE, page.as_bytes())?;
    let cover = goosepod_publish::cover_png(&episode.title, COVER_SIZE)?;
    output::write_file(dir, files::COVER, &cover)?;
    let json = episode.to_json_pretty() + "\n";
    output::write_file(dir, files::EPISODE_JSON, json.as_bytes())?;
    Ok(())
}
