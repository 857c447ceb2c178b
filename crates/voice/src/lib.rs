//! Goose Pod's voice stage: a two-host script becomes what a listener hears.
//!
//! [`speak`] takes a [`SpeechScript`] and writes, into one output directory:
//! `episode.mp3` (mono 44.1 kHz CBR with ID3v2 title/show/date/summary, chapters and
//! cover art) or, when asked, `episode.opus` (Opus, mono 48 kHz, in Ogg with the same
//! facts as Vorbis comments), `transcript.vtt`, `transcript.srt` and `chapters.json`. It
//! returns each line's start and end (from sample counts, so the transcript matches the
//! audio) and the audio's facts (duration, size, measured loudness and true peak).
//!
//! The steps, each its own module:
//! 1. [`text`]: markup removed, numbers/money/dates written out per language;
//! 2. [`engine`]: each line spoken by its host's voice, lines in parallel; with a
//!    [`cache`], a line already spoken the same way is read instead;
//! 3. [`audio::timeline`]: lines trimmed, resampled to 44.1 kHz, hosts levelled, joined
//!    with pauses;
//! 4. [`audio::calibrate`] and [`audio::master`]: the encoder's effect on loudness is
//!    measured on an excerpt, then the timeline is mastered so that the *file* lands at
//!    −16 LUFS integrated with true peak ≤ −1 dBTP;
//! 5. [`audio::mp3`] (in parallel pieces joined sample-exactly) or [`audio::opus`]:
//!    encoded, decoded again and measured; the reported loudness and peak are the
//!    file's, and a file that misses the norm is mastered again;
//! 6. [`transcript`]: WebVTT, SRT, JSON chapters; all files written to temporary names
//!    and renamed into place only when all are complete.
//!
//! [`episode`] maps `episode.json` ([`goosepod_core::Episode`]) to a script and writes
//! the timings and audio facts back.

pub mod analysis;
pub mod audio;
pub mod cache;
pub mod config;
pub mod engine;
pub mod episode;
pub mod error;
mod lines;
pub mod script;
pub mod text;
pub mod transcript;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

pub use cache::{CacheStats, LineCache, Pruned};
pub use config::{AudioFormat, EngineKind, VoiceConfig, default_voices};
pub use engine::{
    EngineError, EspeakEngine, OpenAiSpeechConfig, OpenAiSpeechEngine, PiperConfig, PiperEngine,
    PiperError, Speech, SpeechEngine, VoiceSpec,
};
pub use error::VoiceError;
pub use script::{
    CoverArt, Language, ScriptHost, ScriptLine, ScriptSegment, Speaker, SpeechScript,
};
pub use transcript::ChapterMark;

use audio::OUTPUT_RATE;
use audio::codec::{Codec, Encoded};
use audio::mp3::{TagChapter, TagInfo};
use audio::timeline::Clip;
use lines::LineSource;

/// File names written into the output directory.
pub const MP3_FILE: &str = goosepod_core::episode::files::MP3;
/// The Opus file, when [`AudioFormat::Opus`] is chosen.
pub const OPUS_FILE: &str = goosepod_core::episode::files::OPUS;
/// WebVTT transcript.
pub const VTT_FILE: &str = goosepod_core::episode::files::VTT;
/// SRT transcript.
pub const SRT_FILE: &str = goosepod_core::episode::files::SRT;
/// Podcasting 2.0 chapters.
pub const CHAPTERS_FILE: &str = goosepod_core::episode::files::CHAPTERS;

/// How far [`speak`] has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `done` of `total` lines are spoken.
    Speaking {
        /// Lines spoken so far.
        done: usize,
        /// Lines in the script.
        total: usize,
    },
    /// Normalising loudness.
    Mastering,
    /// Encoding the audio file.
    Encoding,
    /// Writing the files.
    Writing,
}

/// When one line is heard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineTiming {
    /// Who speaks it.
    pub speaker: Speaker,
    /// Its segment.
    pub segment: String,
    /// First audible sample, seconds from the start (millisecond precision).
    pub start: f64,
    /// End of its audio, seconds.
    pub end: f64,
}

/// Facts about the audio file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AudioFacts {
    /// File name, relative to the output directory.
    pub file: String,
    /// Its MIME type (`audio/mpeg`, `audio/ogg; codecs=opus`).
    pub mime_type: String,
    /// Length, seconds (millisecond precision).
    pub duration_s: f64,
    /// File size.
    pub bytes: u64,
    /// Integrated loudness, LUFS, measured on the decoded file.
    pub loudness_lufs: f64,
    /// True peak, dBTP, measured on the decoded file.
    pub true_peak_dbtp: f64,
}

/// What [`speak`] made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpokenEpisode {
    /// One per script line, in order.
    pub lines: Vec<LineTiming>,
    /// One per run of lines in the same segment.
    pub chapters: Vec<ChapterMark>,
    /// The audio file's facts.
    pub audio: AudioFacts,
    /// The engine that spoke.
    pub engine: String,
    /// The voices of host A and host B.
    pub voices: [VoiceSpec; 2],
    /// How the line cache served this episode; None without one.
    pub line_cache: Option<CacheStats>,
    /// Every file written (audio, VTT, SRT, chapters), full paths.
    #[serde(skip)]
    pub files: Vec<PathBuf>,
}

/// Speaks `script` with the engines chosen in `config` (one per host, or one for both)
/// and writes the episode's files into `out_dir` (created if missing). `progress` is
/// called from worker threads.
pub fn speak(
    script: &SpeechScript,
    config: &VoiceConfig,
    out_dir: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SpokenEpisode, VoiceError> {
    let a = config
        .engine_for(Speaker::A)
        .start(config)
        .map_err(VoiceError::Engine)?;
    if config.engine_for(Speaker::B) == config.engine_for(Speaker::A) {
        return speak_with_engines([a.as_ref(), a.as_ref()], script, config, out_dir, progress);
    }
    let b = config
        .engine_for(Speaker::B)
        .start(config)
        .map_err(VoiceError::Engine)?;
    speak_with_engines([a.as_ref(), b.as_ref()], script, config, out_dir, progress)
}

/// [`speak`] with one given engine for both hosts.
pub fn speak_with(
    engine: &dyn SpeechEngine,
    script: &SpeechScript,
    config: &VoiceConfig,
    out_dir: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SpokenEpisode, VoiceError> {
    speak_with_engines([engine, engine], script, config, out_dir, progress)
}

/// [`speak`] with given engines: host A's, then host B's.
pub fn speak_with_engines(
    engines: [&dyn SpeechEngine; 2],
    script: &SpeechScript,
    config: &VoiceConfig,
    out_dir: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SpokenEpisode, VoiceError> {
    let started = std::time::Instant::now();
    let elapsed_ms = || started.elapsed().as_millis() as u64;
    let language: Language = script.language.parse()?;
    if script.lines.is_empty() {
        return Err(VoiceError::EmptyScript);
    }
    config.check()?;
    let voices = choose_voices(script, config, language);
    for speaker in [Speaker::A, Speaker::B] {
        engines[speaker.index()]
            .check_voice(&voices[speaker.index()])
            .map_err(|source| VoiceError::Voice { speaker, source })?;
    }

    // 1–2. Normalise and speak every line (or read it from the cache), in parallel;
    // trim and resample each.
    let cache = config
        .line_cache
        .as_ref()
        .map(LineCache::open)
        .transpose()?;
    let lines = LineSource::new(engines, &voices, cache.as_ref());
    let total = script.lines.len();
    let done = AtomicUsize::new(0);
    let mut clips: Vec<Vec<f32>> = script
        .lines
        .par_iter()
        .enumerate()
        .map(|(i, line)| {
            let samples = lines.clip(i, line, language)?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(Progress::Speaking { done: n, total });
            Ok(samples)
        })
        .collect::<Result<_, VoiceError>>()?;
    let line_cache = lines.stats();
    if clips.iter().all(Vec::is_empty) {
        return Err(VoiceError::Silent);
    }
    tracing::debug!(
        elapsed_ms = elapsed_ms(),
        lines = total,
        ?line_cache,
        "lines spoken"
    );

    // 3. Same loudness for both hosts, then one timeline.
    level_hosts(script, &mut clips);
    let clip_refs: Vec<Clip<'_>> = script
        .lines
        .iter()
        .zip(&clips)
        .map(|(line, samples)| Clip {
            speaker: line.speaker,
            segment: &line.segment,
            question: line.text.trim_end().ends_with(['?', '？']),
            samples,
        })
        .collect();
    let timeline = audio::timeline::assemble(&clip_refs, OUTPUT_RATE, &config.pauses);
    drop(clip_refs);
    drop(clips);
    let mut samples = timeline.samples;
    let spans = timeline.spans;

    // 4. Master.
    tracing::debug!(
        elapsed_ms = elapsed_ms(),
        samples = samples.len(),
        "timeline assembled"
    );
    progress(Progress::Mastering);
    let regions: Vec<std::ops::Range<usize>> = spans
        .iter()
        .filter(|(start, end)| end > start)
        .map(|&(start, end)| start..end)
        .collect();
    // Aim so that the encoded file, not just the signal, meets the target.
    let format = Codec::from_config(config);
    let codec =
        audio::calibrate::measure(&samples, &regions, OUTPUT_RATE, &format, &config.loudness)
            .unwrap_or_else(|e| {
                tracing::warn!("could not measure the codec's effect on loudness: {e}");
                Default::default()
            });
    let target = config.loudness;
    let mut aim = audio::master::Target {
        integrated_lufs: target.integrated_lufs - codec.loudness_db,
        codec_margin_db: target.codec_margin_db.max(codec.peak_db + 0.2),
        ..target
    };

    // 5. Encode, then decode the file and measure it: the facts reported are the file's.
    // Should the file miss the norm (a peak the excerpt did not predict), master again
    // with more head-room.
    let total_samples = samples.len();
    let mut attempt = 0;
    let (encoded, loudness) = loop {
        let mastered = audio::master::master_regions(
            &mut samples,
            OUTPUT_RATE,
            &aim,
            &regions,
            // A retry starts from the limited signal: no further loss to expect.
            if attempt == 0 {
                codec.limiter_loss_db
            } else {
                0.0
            },
            false,
        )?;
        tracing::debug!(elapsed_ms = elapsed_ms(), ?mastered, "mastered");
        progress(Progress::Encoding);
        let checked = format.encode_checked(&samples, OUTPUT_RATE)?;
        let (encoded, file) = (checked.encoded, checked.loudness);
        tracing::debug!(elapsed_ms = elapsed_ms(), ?file, "encoded and checked");
        let loudness_error = target.integrated_lufs - file.integrated_lufs;
        let peak_excess = file.true_peak_dbtp - target.true_peak_dbtp;
        if (loudness_error.abs() <= 0.5 && peak_excess <= 0.0) || attempt == 2 {
            if loudness_error.abs() > 0.5 || peak_excess > 0.0 {
                return Err(audio::master::MasterError::Unreachable {
                    target: target.integrated_lufs,
                    ceiling: target.true_peak_dbtp,
                    got: file.integrated_lufs,
                    peak: file.true_peak_dbtp,
                }
                .into());
            }
            break (encoded, file);
        }
        attempt += 1;
        aim.integrated_lufs += loudness_error;
        if peak_excess > 0.0 {
            aim.codec_margin_db += peak_excess + 0.1;
        }
        progress(Progress::Mastering);
    };
    drop(samples);

    // 6. Timings, chapters, tag, transcripts; then the files.
    let seconds = |sample: usize| round_ms(sample as f64 / f64::from(OUTPUT_RATE));
    let duration_s = seconds(total_samples);
    let lines: Vec<LineTiming> = script
        .lines
        .iter()
        .zip(&spans)
        .map(|(line, &(start, end))| LineTiming {
            speaker: line.speaker,
            segment: line.segment.clone(),
            start: seconds(start),
            end: seconds(end),
        })
        .collect();
    let chapters = chapters(script, &lines, duration_s);

    let tag_chapters: Vec<TagChapter> = chapters
        .iter()
        .map(|c| TagChapter {
            title: c.title.clone(),
            start_ms: (c.start_s * 1000.0).round() as u32,
            end_ms: (c.end_s * 1000.0).round() as u32,
        })
        .collect();
    let tag_info = TagInfo {
        title: &script.title,
        show: &script.show,
        summary: &script.summary,
        date: script.date,
        language,
        duration_ms: (duration_s * 1000.0).round() as u32,
        chapters: &tag_chapters,
        cover: config.cover.as_ref(),
    };
    let audio_parts: Vec<Vec<u8>> = match encoded {
        Encoded::Mp3(mp3) => vec![audio::mp3::id3_tag(&tag_info)?, mp3],
        Encoded::Opus(stream) => vec![audio::opus::write_ogg(
            &stream,
            &audio::opus::comments(&tag_info),
            ogg_serial(script),
        )?],
    };
    let audio_refs: Vec<&[u8]> = audio_parts.iter().map(Vec::as_slice).collect();
    let audio_file = config.format.file_name();

    let display: Vec<String> = script
        .lines
        .iter()
        .map(|l| text::for_display(&l.text))
        .collect();
    let cues: Vec<transcript::Cue<'_>> = lines
        .iter()
        .zip(&display)
        .filter(|(timing, text)| timing.end > timing.start && !text.is_empty())
        .map(|(timing, text)| transcript::Cue {
            start_s: timing.start,
            end_s: timing.end,
            speaker: &script.host(timing.speaker).name,
            text,
        })
        .collect();

    progress(Progress::Writing);
    let bytes = audio_parts.iter().map(|p| p.len() as u64).sum();
    let files = write_all(
        out_dir,
        &[
            (VTT_FILE, &[transcript::webvtt(&cues).as_bytes()]),
            (SRT_FILE, &[transcript::srt(&cues).as_bytes()]),
            (
                CHAPTERS_FILE,
                &[transcript::chapters_json(&chapters).as_bytes()],
            ),
            (audio_file, &audio_refs),
        ],
    )?;

    tracing::debug!(elapsed_ms = elapsed_ms(), dir = %out_dir.display(), "written");
    Ok(SpokenEpisode {
        lines,
        chapters,
        audio: AudioFacts {
            file: audio_file.to_string(),
            mime_type: config.format.mime_type().to_string(),
            duration_s,
            bytes,
            loudness_lufs: round_to(loudness.integrated_lufs, 100.0),
            true_peak_dbtp: round_to(loudness.true_peak_dbtp, 100.0),
        },
        engine: if engines[0].name() == engines[1].name() {
            engines[0].name().to_string()
        } else {
            format!("{}+{}", engines[0].name(), engines[1].name())
        },
        voices,
        line_cache,
        files,
    })
}

/// The Ogg stream's serial number: from the episode's title, show, date and language,
/// so the same episode makes the same file.
fn ogg_serial(script: &SpeechScript) -> u32 {
    let date = script.date.map(|d| d.to_string()).unwrap_or_default();
    crc32fast::hash(
        [script.title.as_str(), &script.show, &date, &script.language]
            .join("\n")
            .as_bytes(),
    )
}

fn round_ms(seconds: f64) -> f64 {
    round_to(seconds, 1000.0)
}

fn round_to(value: f64, scale: f64) -> f64 {
    (value * scale).round() / scale
}

/// Voices from the settings, else from the script's hosts, else the engine's defaults for
/// the language.
fn choose_voices(
    script: &SpeechScript,
    config: &VoiceConfig,
    language: Language,
) -> [VoiceSpec; 2] {
    if let Some(voices) = &config.voices {
        return voices.clone();
    }
    [Speaker::A, Speaker::B].map(|speaker| {
        let i = speaker.index();
        script.hosts[i].voice.clone().unwrap_or_else(|| {
            let defaults = config.engine_for(speaker).default_voices(config, language);
            defaults[i].clone()
        })
    })
}

/// Brings both hosts to the average of their loudness, so neither voice sounds further
/// away (engines and voices differ by several dB). Each host is measured over all their
/// lines as if joined, both hosts at once.
fn level_hosts(script: &SpeechScript, clips: &mut [Vec<f32>]) {
    let measure = |speaker: Speaker| {
        let mut meter =
            ebur128::EbuR128::new(1, OUTPUT_RATE, ebur128::Mode::I).expect("mono at 44.1 kHz");
        for (line, clip) in script.lines.iter().zip(clips.iter()) {
            if line.speaker == speaker {
                meter.add_frames_f32(clip).expect("mono frames");
            }
        }
        meter.loudness_global().unwrap_or(f64::NEG_INFINITY)
    };
    let levels: [f64; 2] = {
        let (a, b) = rayon::join(|| measure(Speaker::A), || measure(Speaker::B));
        [a, b]
    };
    if !levels.iter().all(|l| l.is_finite()) {
        return;
    }
    let mean = (levels[0] + levels[1]) / 2.0;
    script
        .lines
        .par_iter()
        .zip(clips.par_iter_mut())
        .for_each(|(line, clip)| {
            let gain_db = (mean - levels[line.speaker.index()]).clamp(-12.0, 12.0);
            let gain = analysis::db_to_amplitude(gain_db) as f32;
            clip.iter_mut().for_each(|s| *s *= gain);
        });
}

/// One chapter per run of consecutive lines in the same segment. The first starts at 0,
/// each other at its first line; each ends where the next starts, the last at the end.
fn chapters(script: &SpeechScript, lines: &[LineTiming], duration_s: f64) -> Vec<ChapterMark> {
    let mut marks: Vec<ChapterMark> = Vec::new();
    for timing in lines {
        if marks.last().is_some_and(|m| m.segment == timing.segment) {
            continue;
        }
        let start_s = if marks.is_empty() { 0.0 } else { timing.start };
        if let Some(previous) = marks.last_mut() {
            previous.end_s = start_s;
        }
        marks.push(ChapterMark {
            segment: timing.segment.clone(),
            title: script.segment_title(&timing.segment).to_string(),
            start_s,
            end_s: duration_s,
        });
    }
    marks
}

/// Writes every file under a temporary name in `dir`, then renames them into place:
/// a failure leaves no partial file at any output path.
fn write_all(dir: &Path, files: &[(&str, &[&[u8]])]) -> Result<Vec<PathBuf>, VoiceError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| VoiceError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut temporary = Vec::with_capacity(files.len());
    for (name, parts) in files {
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        // Temporary files are private; these are published, like any other output file.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut file = builder.tempfile_in(dir).map_err(io(dir))?;
        for part in *parts {
            file.write_all(part).map_err(io(file.path()))?;
        }
        file.as_file().sync_all().map_err(io(file.path()))?;
        temporary.push((file, dir.join(name)));
    }
    let mut written = Vec::with_capacity(files.len());
    for (file, path) in temporary {
        file.persist(&path).map_err(|e| VoiceError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(speaker: Speaker, segment: &str) -> ScriptLine {
        ScriptLine {
            speaker,
            segment: segment.into(),
            text: "x".into(),
        }
    }

    #[test]
    fn chapters_follow_segments() {
        let script = SpeechScript {
            title: "t".into(),
            show: "s".into(),
            summary: String::new(),
            date: None,
            language: "en".into(),
            hosts: [
                ScriptHost {
                    name: "A".into(),
                    voice: None,
                },
                ScriptHost {
                    name: "B".into(),
                    voice: None,
                },
            ],
            segments: vec![ScriptSegment {
                id: "open".into(),
                title: "Opening".into(),
            }],
            lines: vec![
                line(Speaker::A, "open"),
                line(Speaker::B, "open"),
                line(Speaker::A, "core"),
                line(Speaker::B, "open"),
            ],
        };
        let timing = |segment: &str, start, end| LineTiming {
            speaker: Speaker::A,
            segment: segment.into(),
            start,
            end,
        };
        let lines = vec![
            timing("open", 0.3, 2.0),
            timing("open", 2.2, 4.0),
            timing("core", 4.9, 8.0),
            timing("open", 8.9, 10.0),
        ];
        let marks = chapters(&script, &lines, 10.0);
        let got: Vec<(&str, f64, f64)> = marks
            .iter()
            .map(|m| (m.title.as_str(), m.start_s, m.end_s))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Opening", 0.0, 4.9),
                ("core", 4.9, 8.9),
                ("Opening", 8.9, 10.0)
            ]
        );
    }

    #[test]
    fn voices_come_from_settings_then_script_then_defaults() {
        let mut script: SpeechScript = serde_json::from_str(
            r#"{"title":"t","show":"s","language":"en",
                "hosts":[{"name":"A","voice":{"name":"en-gb"}},{"name":"B"}],"lines":[]}"#,
        )
        .unwrap();
        let config = VoiceConfig::default();
        let voices = choose_voices(&script, &config, Language::En);
        assert_eq!(voices[0].name, "en-gb");
        assert_eq!(voices[1], default_voices(Language::En)[1]);
        script.hosts[0].voice = None;
        let config = VoiceConfig {
            voices: Some([VoiceSpec::named("x"), VoiceSpec::named("y")]),
            ..VoiceConfig::default()
        };
        assert_eq!(choose_voices(&script, &config, Language::En)[1].name, "y");
    }

    #[test]
    fn writes_files_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_all(
            dir.path(),
            &[("a.txt", &[b"one", b"two"]), ("b.txt", &[b"x"])],
        )
        .unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"onetwo");
        // No temporary files are left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
