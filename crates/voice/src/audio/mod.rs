//! Audio handling: trimming, resampling, the timeline, mastering, MP3 and Opus.

pub mod calibrate;
pub mod codec;
pub mod master;
pub mod mp3;
pub mod opus;
pub mod timeline;

use std::cell::RefCell;
use std::collections::HashMap;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// The one rate the episode is assembled, mastered and encoded at.
pub const OUTPUT_RATE: u32 = 44_100;

/// Below this amplitude (−50 dBFS) a sample counts as silence when trimming.
const SILENCE: f32 = 0.003_162;

/// Kept before the first and after the last audible sample when trimming, seconds: the
/// onset of a consonant and the tail of a vowel are quieter than the threshold.
const LEAD_S: f32 = 0.010;
const TAIL_S: f32 = 0.030;

/// The audible part of `samples`, with a little margin; empty if all is silence.
pub fn trim_silence(samples: &[f32], sample_rate: u32) -> &[f32] {
    let Some(first) = samples.iter().position(|s| s.abs() > SILENCE) else {
        return &samples[..0];
    };
    let last = samples
        .iter()
        .rposition(|s| s.abs() > SILENCE)
        .expect("some sample is audible");
    let lead = (LEAD_S * sample_rate as f32) as usize;
    let tail = (TAIL_S * sample_rate as f32) as usize;
    &samples[first.saturating_sub(lead)..(last + 1 + tail).min(samples.len())]
}

thread_local! {
    /// Resamplers are costly to build (FFT plans), so each thread keeps one per rate pair.
    static RESAMPLERS: RefCell<HashMap<(u32, u32), Fft<f32>>> = RefCell::new(HashMap::new());
}

/// Resamples mono audio with rubato's FFT resampler (band-limited, delay-compensated:
/// the output lines up with the input and has `len · to / from` samples, rounded up).
pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>, String> {
    if from == to || samples.is_empty() {
        return Ok(samples.to_vec());
    }
    RESAMPLERS.with(|cell| {
        let mut map = cell.borrow_mut();
        let resampler = match map.entry((from, to)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                Fft::<f32>::new(from as usize, to as usize, 1024, 1, FixedSync::Both)
                    .map_err(|e| format!("resampler {from} → {to} Hz: {e}"))?,
            ),
        };
        let input = InterleavedSlice::new(samples, 1, samples.len()).map_err(|e| e.to_string())?;
        let output = resampler
            .process_all(&input, samples.len(), None)
            .map_err(|e| format!("resampling {from} → {to} Hz: {e}"))?;
        Ok(output.take_data())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_silence_with_margins() {
        let rate = 1000;
        let mut x = vec![0.0f32; 100];
        x.extend(vec![0.5f32; 50]);
        x.extend(vec![0.0f32; 100]);
        let kept = trim_silence(&x, rate);
        // 10 ms lead, 30 ms tail at 1 kHz.
        assert_eq!(kept.len(), 10 + 50 + 30);
        assert!(trim_silence(&[0.0, 0.001, -0.002], rate).is_empty());
        assert_eq!(trim_silence(&[0.5], rate), &[0.5]);
    }

    #[test]
    fn resamples_and_keeps_alignment() {
        let from = 22_050;
        // A click at 0.5 s stays at 0.5 s; a 440 Hz tone keeps its level.
        let mut x: Vec<f32> = (0..from)
            .map(|i| 0.5 * (std::f32::consts::TAU * 440.0 * i as f32 / from as f32).sin())
            .collect();
        x.extend(vec![0.0; from as usize]);
        x[from as usize + from as usize / 2] = 1.0;
        let y = resample(&x, from, OUTPUT_RATE).unwrap();
        assert_eq!(y.len(), x.len() * 2);
        let click = y[OUTPUT_RATE as usize..]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap()
            .0;
        let expected = OUTPUT_RATE as usize / 2;
        assert!(
            click.abs_diff(expected) <= 2,
            "click at {click}, want {expected}"
        );
        let peak = y[1000..20_000].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((peak - 0.5).abs() < 0.01, "{peak}");
        // Same rate: untouched.
        assert_eq!(resample(&x[..10], 8000, 8000).unwrap(), x[..10].to_vec());
        // An odd ratio works too.
        let z = resample(&x, from, 24_000).unwrap();
        assert!(
            z.len().abs_diff(x.len() * 24_000 / from as usize) <= 1,
            "{}",
            z.len()
        );
    }
}
