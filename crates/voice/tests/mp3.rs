//! MP3 encoding checked by decoding: exact length (gapless), and long audio encoded in
//! parallel pieces joins without shifting anything.

mod common;

use common::decode_mp3;
use goosepod_voice::audio::mp3;

const RATE: u32 = 44_100;

/// Bursts of noise separated by digital silence, like lines and pauses. Noise has one
/// clear cross-correlation peak, so any shift shows.
fn bursts(seconds: usize) -> Vec<f32> {
    let mut seed = 1u32;
    (0..seconds * RATE as usize)
        .map(|i| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            if (i as f32 / RATE as f32).fract() < 0.7 {
                ((seed >> 8) as f32 / 16_777_216.0 - 0.5) * 0.4
            } else {
                0.0
            }
        })
        .collect()
}

fn decode(bytes: &[u8]) -> Vec<f32> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.mp3");
    std::fs::write(&path, bytes).unwrap();
    decode_mp3(&path).samples
}

/// The shift (samples) of `y` against `x` around `at`, by cross-correlation.
fn shift(x: &[f32], y: &[f32], at: usize) -> i64 {
    let corr = |lag: i64| -> f32 {
        (0..4000)
            .map(|k| x[at + k] * y[(at as i64 + k as i64 + lag) as usize])
            .sum()
    };
    (-1200i64..=1200)
        .max_by(|&a, &b| corr(a).total_cmp(&corr(b)))
        .unwrap()
}

#[test]
fn one_stream_decodes_to_exactly_the_input_length() {
    let x = bursts(3);
    let decoded = decode(&mp3::encode(&x, RATE, 64, 5).unwrap());
    assert_eq!(decoded.len(), x.len());
}

#[test]
fn parallel_pieces_join_sample_exactly() {
    let x = bursts(70);
    let cuts = mp3::find_cuts(&x, RATE, 2);
    assert_eq!(cuts.len(), 1, "a silent cut near the middle");
    let cut = cuts[0];
    assert_eq!(cut % 1152, 0);
    assert!(x[cut - 2304..cut].iter().all(|&s| s == 0.0));

    let joined = mp3::encode_pieces(&x, RATE, 64, 5, &cuts)
        .unwrap()
        .expect("the Info frame is rewritten for the joined stream");
    let decoded = decode(&joined);
    assert_eq!(
        decoded.len(),
        x.len(),
        "gapless length of the joined stream"
    );
    // Before and after the cut, every burst is where it was in the input.
    for second in [5, cut / RATE as usize - 1, cut / RATE as usize + 1, 60, 68] {
        let at = second * RATE as usize + 1000;
        assert_eq!(shift(&x, &decoded, at), 0, "burst at {second} s moved");
    }
    // Nothing audible where the pieces meet.
    let seam = &decoded[cut - 2000..cut + 60];
    assert!(seam.iter().all(|s| s.abs() < 0.01), "click at the seam");

    // Same result, sample for sample in length, as the whole stream in one piece.
    let single = decode(&mp3::encode_pieces(&x, RATE, 64, 5, &[]).unwrap().unwrap());
    assert_eq!(single.len(), decoded.len());
}

#[test]
fn no_cut_in_short_or_unbroken_audio() {
    assert!(mp3::find_cuts(&bursts(15), RATE, 2).is_empty());
    let tone: Vec<f32> = (0..RATE as usize * 60)
        .map(|i| (i as f32 * 0.05).sin() * 0.2)
        .collect();
    assert!(mp3::find_cuts(&tone, RATE, 2).is_empty());
    assert!(mp3::find_cuts(&bursts(70), RATE, 1).is_empty());
}
