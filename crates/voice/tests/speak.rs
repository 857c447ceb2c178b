//! Speaks real Chinese and English episodes with espeak-ng and checks the files by
//! decoding and reading them back: duration, loudness, per-line audio, distinct voices,
//! chapters, transcripts.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{Decoded, decode_mp3, fixtures, parse_webvtt};
use goosepod_voice::analysis;
use goosepod_voice::{Speaker, SpeechScript, SpokenEpisode, VoiceConfig, speak};

struct Made {
    dir: tempfile::TempDir,
    script: SpeechScript,
    spoken: SpokenEpisode,
    decoded: Decoded,
}

impl Made {
    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

fn make(script: SpeechScript) -> Made {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let spoken = speak(&script, &VoiceConfig::default(), &out, &|_| {}).expect("speaks");
    let decoded = decode_mp3(&out.join("episode.mp3"));
    let dir_path = dir.path().to_path_buf();
    let made = Made {
        dir,
        script,
        spoken,
        decoded,
    };
    assert!(dir_path.join("out").is_dir());
    made
}

fn zh() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| make(fixtures::zh_short(9)))
}

fn en() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| make(fixtures::en_short(9)))
}

fn out(made: &Made) -> std::path::PathBuf {
    made.path("out")
}

fn check_duration(made: &Made) {
    let d = &made.decoded;
    assert_eq!(d.sample_rate, 44_100);
    assert_eq!(d.channels, 1);
    let last_end = made.spoken.lines.last().unwrap().end;
    assert!(
        (d.duration_s() - last_end).abs() <= 0.050,
        "decoded {:.3} s, last line ends {:.3} s",
        d.duration_s(),
        last_end
    );
    assert!((made.spoken.audio.duration_s - d.duration_s()).abs() <= 0.050);
    eprintln!(
        "{}: decoded {:.4} s, last line ends {:.4} s",
        made.script.language,
        d.duration_s(),
        last_end
    );
    let bytes = std::fs::metadata(out(made).join("episode.mp3"))
        .unwrap()
        .len();
    assert_eq!(made.spoken.audio.bytes, bytes);
    assert_eq!(made.spoken.audio.file, "episode.mp3");
}

fn check_loudness(made: &Made) {
    let measured = analysis::loudness(&made.decoded.samples, made.decoded.sample_rate);
    let reported = &made.spoken.audio;
    eprintln!(
        "{}: decoded {measured:?}, reported {reported:?}",
        made.script.language
    );
    // The podcast norm, on the file as a player decodes it.
    assert!(
        (measured.integrated_lufs + 16.0).abs() <= 0.5,
        "decoded loudness {measured:?}"
    );
    assert!(
        measured.true_peak_dbtp <= -1.0,
        "decoded true peak {measured:?}"
    );
    // What speak reports is what the file measures.
    assert!(
        (reported.loudness_lufs - measured.integrated_lufs).abs() <= 0.02,
        "{reported:?}"
    );
    assert!(
        (reported.true_peak_dbtp - measured.true_peak_dbtp).abs() <= 0.02,
        "{reported:?}"
    );
}

fn check_lines_audible_and_pauses_quiet(made: &Made) {
    let lines = &made.spoken.lines;
    assert_eq!(lines.len(), made.script.lines.len());
    for (i, line) in lines.iter().enumerate() {
        assert!(line.end > line.start + 0.2, "line {i}: {line:?}");
        let level = analysis::rms_dbfs(made.decoded.between(line.start, line.end));
        assert!(level > -35.0, "line {i} is silent: {level:.1} dBFS");
        if i > 0 {
            let previous = &lines[i - 1];
            assert!(
                line.start >= previous.end,
                "line {i} overlaps line {}",
                i - 1
            );
            // The pause between two lines is silent: the timings match the audio.
            let (from, to) = (previous.end + 0.02, line.start - 0.02);
            if to - from > 0.05 {
                let gap = analysis::rms_dbfs(made.decoded.between(from, to));
                assert!(
                    gap < -55.0,
                    "pause before line {i} is not quiet: {gap:.1} dBFS"
                );
            }
        }
    }
}

fn check_voices_differ(made: &Made) {
    let pitch = |speaker: Speaker| {
        let samples: Vec<f32> = made
            .spoken
            .lines
            .iter()
            .filter(|l| l.speaker == speaker)
            .flat_map(|l| made.decoded.between(l.start, l.end).iter().copied())
            .collect();
        analysis::median_f0(&samples, made.decoded.sample_rate).expect("voiced speech")
    };
    let (a, b) = (pitch(Speaker::A), pitch(Speaker::B));
    eprintln!(
        "{}: median pitch A {a:.0} Hz, B {b:.0} Hz",
        made.script.language
    );
    assert!(
        b > a * 1.3,
        "host voices too alike: A {a:.0} Hz, B {b:.0} Hz"
    );
}

fn check_chapters(made: &Made) {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out(made).join("chapters.json")).unwrap())
            .unwrap();
    assert_eq!(json["version"], "1.2.0");
    let chapters = json["chapters"].as_array().unwrap();
    // One chapter per segment of the script, in order.
    let mut segments: Vec<&str> = made
        .script
        .lines
        .iter()
        .map(|l| l.segment.as_str())
        .collect();
    segments.dedup();
    assert_eq!(chapters.len(), segments.len());
    assert_eq!(chapters[0]["startTime"], 0.0);

    let tag = id3::Tag::read_from_path(out(made).join("episode.mp3")).expect("an ID3 tag");
    use id3::TagLike;
    assert_eq!(tag.title(), Some(made.script.title.as_str()));
    assert_eq!(tag.artist(), Some(made.script.show.as_str()));
    assert_eq!(tag.comments().next().unwrap().text, made.script.summary);
    assert_eq!(tag.date_recorded().unwrap().to_string(), "2025-12-15");
    let toc = tag.tables_of_contents().next().expect("a CTOC frame");
    assert!(toc.top_level && toc.ordered);
    let id3_chapters: Vec<&id3::frame::Chapter> = tag.chapters().collect();
    assert_eq!(id3_chapters.len(), chapters.len());
    assert_eq!(toc.elements.len(), chapters.len());
    for (i, (json, chap)) in chapters.iter().zip(&id3_chapters).enumerate() {
        assert_eq!(toc.elements[i], chap.element_id);
        let start_ms = (json["startTime"].as_f64().unwrap() * 1000.0).round() as u32;
        let end_ms = (json["endTime"].as_f64().unwrap() * 1000.0).round() as u32;
        assert!(chap.start_time.abs_diff(start_ms) <= 1, "chapter {i} start");
        assert!(chap.end_time.abs_diff(end_ms) <= 1, "chapter {i} end");
        let title = chap
            .frames
            .iter()
            .find(|f| f.id() == "TIT2")
            .and_then(|f| f.content().text())
            .unwrap();
        assert_eq!(title, json["title"].as_str().unwrap());
        assert_eq!(title, made.script.segment_title(segments[i]));
        // A chapter starts where its first line does (the first at 0).
        if i > 0 {
            let first = made
                .spoken
                .lines
                .iter()
                .find(|l| l.segment == segments[i])
                .unwrap();
            assert!((json["startTime"].as_f64().unwrap() - first.start).abs() < 0.002);
        }
    }
    let last_end = id3_chapters.last().unwrap().end_time;
    assert!((f64::from(last_end) / 1000.0 - made.decoded.duration_s()).abs() <= 0.05);
}

fn check_transcripts(made: &Made) {
    let vtt = std::fs::read_to_string(out(made).join("transcript.vtt")).unwrap();
    let cues = parse_webvtt(&vtt).unwrap_or_else(|e| panic!("invalid WebVTT: {e}\n{vtt}"));
    assert_eq!(cues.len(), made.script.lines.len());
    for ((cue, timing), line) in cues.iter().zip(&made.spoken.lines).zip(&made.script.lines) {
        assert!(
            (cue.start - timing.start).abs() < 0.0011,
            "{cue:?} vs {timing:?}"
        );
        assert!(
            (cue.end - timing.end).abs() < 0.0011,
            "{cue:?} vs {timing:?}"
        );
        assert_eq!(cue.voice, made.script.host(line.speaker).name);
        assert_eq!(cue.text, goosepod_voice::text::for_display(&line.text));
    }
    let srt = std::fs::read_to_string(out(made).join("transcript.srt")).unwrap();
    let blocks: Vec<&str> = srt.trim_end().split("\n\n").collect();
    assert_eq!(blocks.len(), made.script.lines.len());
    assert!(blocks[0].starts_with("1\n00:00:00,"));
}

fn check_files(made: &Made) {
    let mut names: Vec<String> = std::fs::read_dir(out(made))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chapters.json",
            "episode.mp3",
            "transcript.srt",
            "transcript.vtt"
        ]
    );
    assert!(Path::new(&made.spoken.files[3]).ends_with("episode.mp3"));
}

macro_rules! language_tests {
    ($lang:ident) => {
        mod $lang {
            use super::*;

            #[test]
            fn duration_is_the_last_lines_end() {
                check_duration(super::$lang());
            }

            #[test]
            fn loudness_is_the_podcast_norm() {
                check_loudness(super::$lang());
            }

            #[test]
            fn every_line_is_heard_and_pauses_are_quiet() {
                check_lines_audible_and_pauses_quiet(super::$lang());
            }

            #[test]
            fn the_two_hosts_sound_different() {
                check_voices_differ(super::$lang());
            }

            #[test]
            fn chapters_match_in_id3_and_json() {
                check_chapters(super::$lang());
            }

            #[test]
            fn transcripts_parse_and_match_the_timings() {
                check_transcripts(super::$lang());
            }

            #[test]
            fn writes_exactly_the_four_files() {
                check_files(super::$lang());
            }
        }
    };
}

language_tests!(zh);
language_tests!(en);
