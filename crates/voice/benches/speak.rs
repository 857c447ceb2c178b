//! Real-time factor of the whole `speak` (normalise, synthesise, assemble, master,
//! encode, check, write) for a five-minute Chinese and English episode with espeak-ng, and
//! a five-minute English episode with Piper.
//!
//! ```sh
//! source scripts/env.sh   # where scripts/setup.sh put the Piper voice and runtime
//! cargo bench -p goosepod-voice --bench speak
//! ```
//!
//! Criterion's throughput line (`elem/s`) is the real-time factor: seconds of audio
//! made per second of wall time. The Piper case is left out, with a note, when its voice
//! or runtime is not installed.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use goosepod_voice::{EngineKind, PiperConfig, VoiceConfig, speak};

fn five_minutes(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let espeak = VoiceConfig::default();
    let piper = VoiceConfig {
        engine: EngineKind::Piper,
        piper: PiperConfig {
            voice: std::env::var("GOOSEPOD_PIPER_VOICE").ok(),
            ..PiperConfig::default()
        },
        ..VoiceConfig::default()
    };
    let mut cases = vec![
        ("zh", fixtures::zh_long(2), &espeak),
        ("en", fixtures::en_long(3), &espeak),
    ];
    match piper.engine.start(&piper) {
        Ok(_) => cases.push(("piper_en", fixtures::en_long(3), &piper)),
        Err(e) => eprintln!("piper left out: {e}"),
    }
    let mut group = c.benchmark_group("speak");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(3));
    group.measurement_time(Duration::from_secs(30));
    for (name, script, config) in cases {
        let out = dir.path().join(name);
        let once = speak(&script, config, &out, &|_| {}).expect("speaks");
        let audio_s = once.audio.duration_s;
        println!(
            "{name}: {} lines, {audio_s:.1} s of audio",
            script.lines.len()
        );
        group.throughput(Throughput::Elements(audio_s.round() as u64));
        group.bench_function(format!("{name}_{:.0}s", audio_s), |b| {
            b.iter(|| speak(&script, config, &out, &|_| {}).expect("speaks"))
        });
    }
    group.finish();
}

criterion_group!(benches, five_minutes);
criterion_main!(benches);
