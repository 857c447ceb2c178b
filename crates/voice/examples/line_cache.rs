//! What the line cache saves: a five-minute English episode spoken with an empty cache
//! (cold: every line is spoken and stored), then again with the cache full (warm: every
//! line is read), as a service does for its second listener of the same story.
//!
//! ```sh
//! cargo run --release -p goosepod-voice --example line_cache [ROUNDS] [ENGINE] [FORMAT]
//! ```
//!
//! `ENGINE` is `espeak` (the default) or `piper` (the voice of `$GOOSEPOD_PIPER_VOICE`, as
//! `scripts/env.sh` exports it); `FORMAT` is `mp3` (the default) or `opus`. Each round
//! starts from an empty cache; the median of the rounds is printed.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::time::Instant;

use goosepod_voice::{AudioFormat, EngineKind, PiperConfig, VoiceConfig, speak};

fn main() {
    let filter = std::env::var("GOOSEPOD_LOG").unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let arg = |n: usize| std::env::args().nth(n);
    let rounds: usize = arg(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let engine = arg(2).unwrap_or_else(|| "espeak".into());
    let format: AudioFormat = arg(3)
        .unwrap_or_else(|| "mp3".into())
        .parse()
        .unwrap_or_else(|e: String| fail(&e));
    let mut config = VoiceConfig {
        format,
        ..VoiceConfig::default()
    };
    match engine.as_str() {
        "espeak" => {}
        "piper" => {
            config.engine = EngineKind::Piper;
            config.piper = PiperConfig {
                voice: std::env::var("GOOSEPOD_PIPER_VOICE").ok(),
                ..PiperConfig::default()
            };
        }
        other => fail(&format!("unknown engine {other:?} (espeak or piper)")),
    }

    // The fixture repeats one conversation three times; its rounds are made to differ
    // so that the cold run has no repeated line to find in the cache.
    let mut script = fixtures::en_long(3);
    let per_round = script.lines.len() / 3;
    for (i, line) in script.lines.iter_mut().enumerate() {
        match i / per_round {
            0 => {}
            1 => line.text.push_str(" That much is clear."),
            _ => line.text.push_str(" So we hear."),
        }
    }

    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(&e.to_string()));
    let (mut colds, mut warms) = (Vec::new(), Vec::new());
    let mut audio_s = 0.0;
    for round in 0..rounds {
        let cache = dir.path().join(format!("cache{round}"));
        config.line_cache = Some(cache);
        let out = dir.path().join("out");
        for (times, expect_hits) in [(&mut colds, false), (&mut warms, true)] {
            let started = Instant::now();
            let spoken =
                speak(&script, &config, &out, &|_| {}).unwrap_or_else(|e| fail(&e.to_string()));
            times.push(started.elapsed().as_secs_f64());
            audio_s = spoken.audio.duration_s;
            let stats = spoken.line_cache.expect("a cache is set");
            let all = if expect_hits {
                stats.hits
            } else {
                stats.misses
            };
            if all != script.lines.len() {
                fail(&format!("unexpected cache use: {stats:?}"));
            }
        }
    }
    let median = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let (cold, warm) = (median(&mut colds), median(&mut warms));
    println!(
        "{engine} en {format}, {} lines, {audio_s:.1} s of audio: cold {cold:.2} s, warm {warm:.2} s; warm takes {:.2} of cold ({:.1}x faster)",
        script.lines.len(),
        warm / cold,
        cold / warm
    );
}

fn fail(message: &str) -> ! {
    eprintln!("line_cache: {message}");
    std::process::exit(1);
}
