//! Episodes spoken to Opus in Ogg, checked by reading the file back with the `ogg` reader
//! and decoding it with libopus as a player does: headers, granule positions, exact
//! duration, loudness, per-line audio and the Vorbis comments.

mod common;

use std::sync::OnceLock;

use common::{OpusFile, decode_opus, fixtures, loudness};
use goosepod_voice::{
    AudioFormat, CoverArt, SpeechScript, SpokenEpisode, VoiceConfig, analysis, speak,
};

struct Made {
    _dir: tempfile::TempDir,
    out: std::path::PathBuf,
    script: SpeechScript,
    spoken: SpokenEpisode,
    file: OpusFile,
}

fn make(script: SpeechScript, kbps: u32) -> Made {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The smallest valid PNG header: 2×3 pixels, 8-bit RGBA.
    let cover = CoverArt::from_bytes(
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x03\x08\x06\0\0\0more".to_vec(),
    )
    .unwrap();
    let config = VoiceConfig {
        format: AudioFormat::Opus,
        opus_bitrate_kbps: kbps,
        cover: Some(cover),
        ..VoiceConfig::default()
    };
    let spoken = speak(&script, &config, &out, &|_| {}).expect("speaks");
    let file = decode_opus(&out.join("episode.opus"));
    Made {
        _dir: dir,
        out,
        script,
        spoken,
        file,
    }
}

fn en() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| make(fixtures::en_short(9), 48))
}

fn zh() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| make(fixtures::zh_short(6), 32))
}

fn check_headers(made: &Made) {
    let file = &made.file;
    assert_eq!(file.version, 1);
    assert_eq!(file.channels, 1);
    assert_eq!(file.output_gain, 0);
    assert_eq!(file.input_rate, 48_000);
    // The pre-skip is libopus's look-ahead for the application used.
    let mut encoder =
        opus::Encoder::new(48_000, opus::Channels::Mono, opus::Application::Audio).unwrap();
    assert_eq!(
        i32::from(file.pre_skip),
        encoder.get_lookahead().unwrap(),
        "pre-skip"
    );
    assert!(file.vendor.starts_with("libopus"), "{}", file.vendor);
    // Granule positions grow page by page; every audio page but the last is a whole
    // number of 20 ms packets; the last trims the end within its final packet.
    let granules = &file.granules;
    assert!(granules.len() > 2, "{granules:?}");
    assert!(granules.windows(2).all(|w| w[0] < w[1]), "{granules:?}");
    assert!(granules[..granules.len() - 1].iter().all(|g| g % 960 == 0));
    let last = *granules.last().unwrap();
    assert_eq!(
        last,
        u64::from(file.pre_skip) + file.decoded.samples.len() as u64
    );
    assert!(file.untrimmed as u64 >= last && file.untrimmed as u64 - last < 960);
}

fn check_duration(made: &Made) {
    let decoded = &made.file.decoded;
    let last_end = made.spoken.lines.last().unwrap().end;
    eprintln!(
        "{}: decoded {:.4} s, last line ends {last_end:.4} s",
        made.script.language,
        decoded.duration_s()
    );
    assert!(
        (decoded.duration_s() - last_end).abs() <= 0.050,
        "decoded {:.3} s, last line ends {last_end:.3} s",
        decoded.duration_s()
    );
    let audio = &made.spoken.audio;
    assert!((audio.duration_s - decoded.duration_s()).abs() <= 0.002);
    assert_eq!(audio.file, "episode.opus");
    assert_eq!(audio.mime_type, "audio/ogg; codecs=opus");
    assert_eq!(
        audio.bytes,
        std::fs::metadata(made.out.join("episode.opus"))
            .unwrap()
            .len()
    );
}

fn check_loudness(made: &Made) {
    let decoded = &made.file.decoded;
    let (lufs, peak) = loudness(&decoded.samples, decoded.sample_rate);
    eprintln!(
        "{}: decoded {lufs:.2} LUFS, {peak:.2} dBTP; reported {:?}",
        made.script.language, made.spoken.audio
    );
    assert!((lufs + 16.0).abs() <= 1.0, "{lufs} LUFS");
    assert!(peak <= -1.0, "{peak} dBTP");
    // What speak reports is what the file measures.
    assert!((made.spoken.audio.loudness_lufs - lufs).abs() <= 0.1);
    assert!((made.spoken.audio.true_peak_dbtp - peak).abs() <= 0.1);
}

fn check_lines(made: &Made) {
    let decoded = &made.file.decoded;
    let lines = &made.spoken.lines;
    for (i, line) in lines.iter().enumerate() {
        let level = analysis::rms_dbfs(decoded.between(line.start, line.end));
        assert!(level > -35.0, "line {i} is silent: {level:.1} dBFS");
        if i > 0 {
            // The pause before a line is quiet: the audio lines up with the timings.
            let (from, to) = (lines[i - 1].end + 0.03, line.start - 0.03);
            if to - from > 0.05 {
                let gap = analysis::rms_dbfs(decoded.between(from, to));
                assert!(gap < -50.0, "pause before line {i}: {gap:.1} dBFS");
            }
        }
    }
}

fn check_tags(made: &Made) {
    let file = &made.file;
    let script = &made.script;
    assert_eq!(file.comment("TITLE"), Some(script.title.as_str()));
    assert_eq!(file.comment("ARTIST"), Some(script.show.as_str()));
    assert_eq!(file.comment("ALBUM"), Some(script.show.as_str()));
    assert_eq!(file.comment("DATE"), Some("2025-12-15"));
    assert_eq!(file.comment("COMMENT"), Some(script.summary.as_str()));
    assert!(file.comment("METADATA_BLOCK_PICTURE").is_some());
    let chapters = &made.spoken.chapters;
    assert!(chapters.len() > 1);
    for (i, chapter) in chapters.iter().enumerate() {
        let key = format!("CHAPTER{:03}", i + 1);
        let ms = (chapter.start_s * 1000.0).round() as u64;
        let expected = format!(
            "{:02}:{:02}:{:02}.{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        );
        assert_eq!(file.comment(&key), Some(expected.as_str()), "{key}");
        assert_eq!(
            file.comment(&format!("{key}NAME")),
            Some(chapter.title.as_str())
        );
    }
    let past = format!("CHAPTER{:03}", chapters.len() + 1);
    assert_eq!(file.comment(&past), None);
}

fn check_files(made: &Made) {
    let mut names: Vec<String> = std::fs::read_dir(&made.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chapters.json",
            "episode.opus",
            "transcript.srt",
            "transcript.vtt"
        ]
    );
}

macro_rules! language_tests {
    ($lang:ident) => {
        mod $lang {
            use super::*;

            #[test]
            fn headers_and_granule_positions_follow_rfc_7845() {
                check_headers(super::$lang());
            }

            #[test]
            fn duration_is_the_last_lines_end() {
                check_duration(super::$lang());
            }

            #[test]
            fn loudness_is_the_podcast_norm() {
                check_loudness(super::$lang());
            }

            #[test]
            fn every_line_is_heard_where_the_timings_say() {
                check_lines(super::$lang());
            }

            #[test]
            fn tags_carry_the_episode_and_its_chapters() {
                check_tags(super::$lang());
            }

            #[test]
            fn writes_the_opus_file_and_no_mp3() {
                check_files(super::$lang());
            }
        }
    };
}

language_tests!(en);
language_tests!(zh);

#[test]
fn the_bit_rate_setting_sizes_the_file() {
    let (en, zh) = (en(), zh());
    let rate =
        |made: &Made| made.spoken.audio.bytes as f64 * 8.0 / made.spoken.audio.duration_s / 1000.0;
    let (en_kbps, zh_kbps) = (rate(en), rate(zh));
    eprintln!("en at 48 kb/s: {en_kbps:.1} kb/s; zh at 32 kb/s: {zh_kbps:.1} kb/s");
    // Variable bit rate around the target, headers included.
    assert!((36.0..62.0).contains(&en_kbps), "{en_kbps}");
    assert!((24.0..42.0).contains(&zh_kbps), "{zh_kbps}");
}
