//! Prints the real-time factor of the whole `speak` (normalise, synthesise, assemble,
//! master, encode, check, write) for a five-minute episode: Chinese and English with
//! espeak-ng, English with Piper.
//!
//! ```sh
//! cargo run --release -p goosepod-voice --example rtf [ROUNDS] [LAME_QUALITY] [ENGINE]
//! ```
//!
//! `ENGINE` is `espeak` (the default) or `piper`; Piper speaks with `$GOOSEPOD_PIPER_VOICE`
//! (exported by `scripts/env.sh`) or the installed `en_US-joe-medium`, on the ONNX Runtime
//! of `$ORT_DYLIB_PATH` or the installed one. `GOOSEPOD_LOG=debug` shows the time each
//! stage took.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::time::Instant;

use goosepod_voice::{EngineKind, PiperConfig, VoiceConfig, speak};

fn main() {
    let filter = std::env::var("GOOSEPOD_LOG").unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let mut config = VoiceConfig::default();
    if let Some(q) = std::env::args().nth(2).and_then(|s| s.parse().ok()) {
        config.mp3_quality = q;
    }
    let engine = std::env::args().nth(3).unwrap_or_else(|| "espeak".into());
    let episodes = match engine.as_str() {
        "espeak" => vec![("zh", fixtures::zh_long(2)), ("en", fixtures::en_long(3))],
        "piper" => {
            config.engine = EngineKind::Piper;
            config.piper = PiperConfig {
                voice: std::env::var("GOOSEPOD_PIPER_VOICE").ok(),
                ..PiperConfig::default()
            };
            vec![("en", fixtures::en_long(3))]
        }
        other => {
            eprintln!("rtf: unknown engine {other:?} (espeak or piper)");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, script) in episodes {
        let out = dir.path().join(name);
        let mut best = f64::INFINITY;
        let mut audio_s = 0.0;
        let mut walls = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            let spoken = speak(&script, &config, &out, &|_| {}).unwrap_or_else(|e| {
                eprintln!("rtf: {e}");
                std::process::exit(1);
            });
            let wall = started.elapsed().as_secs_f64();
            walls.push(wall);
            best = best.min(wall);
            audio_s = spoken.audio.duration_s;
        }
        walls.sort_by(f64::total_cmp);
        let median = walls[walls.len() / 2];
        println!(
            "{engine} {name}: {audio_s:.1} s of audio; wall median {median:.2} s ({:.1}x real time), best {best:.2} s ({:.1}x)",
            audio_s / median,
            audio_s / best
        );
    }
}
