//! Mastering: one gain to the target integrated loudness (EBU R128), then a look-ahead
//! peak limiter so the true peak stays under the ceiling. Limiting lowers loudness a
//! little, so gain and ceiling are refined until both targets hold.

use std::cell::RefCell;
use std::ops::Range;

use rayon::prelude::*;

use crate::analysis::{self, Loudness};

/// What mastering aims for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Integrated loudness, LUFS (podcasts: −16).
    pub integrated_lufs: f64,
    /// Highest true peak allowed, dBTP (podcasts: −1).
    pub true_peak_dbtp: f64,
    /// Head-room kept below `true_peak_dbtp` for the lossy encoder, which adds a little
    /// overshoot of its own, dB.
    pub codec_margin_db: f64,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            integrated_lufs: -16.0,
            true_peak_dbtp: -1.0,
            codec_margin_db: 0.8,
        }
    }
}

/// How close to the loudness target mastering has to land, LU.
const LOUDNESS_TOLERANCE: f64 = 0.15;
const MAX_PASSES: usize = 8;

/// Why mastering failed.
#[derive(Debug, thiserror::Error)]
pub enum MasterError {
    /// The signal is silent (or too short to measure).
    #[error("the audio is silent: no loudness to normalise")]
    Silent,
    /// The targets could not both be met (a signal that is all peaks).
    #[error(
        "could not reach {target:.1} LUFS with true peak ≤ {ceiling:.1} dBTP: got {got:.2} LUFS, {peak:.2} dBTP"
    )]
    Unreachable {
        /// Target loudness.
        target: f64,
        /// Peak ceiling.
        ceiling: f64,
        /// Loudness reached.
        got: f64,
        /// Peak reached.
        peak: f64,
    },
}

/// Masters `samples` in place; returns the loudness it ends with.
///
/// Each pass applies a gain and the limiter to the original signal and measures the
/// integrated loudness; the next gain follows the secant through the last two passes
/// (limiting makes loudness grow slower than gain). The true peak is measured once the
/// loudness is right; if it is above the goal the ceiling comes down and the passes go
/// on.
pub fn master(
    samples: &mut [f32],
    sample_rate: u32,
    target: &Target,
) -> Result<Loudness, MasterError> {
    let whole = 0..samples.len();
    master_regions(
        samples,
        sample_rate,
        target,
        std::slice::from_ref(&whole),
        0.0,
        true,
    )
}

/// [`master`] for a signal that is digital silence outside `regions` (sorted, disjoint):
/// the timeline, whose regions are the lines. Each region is limited on its own, all in
/// parallel, and silence is left alone. `expected_loss_db` is a guess of how much the
/// limiter will lower loudness, added to the first pass's gain. Without `check_peak` the
/// true peak is not measured (the caller checks it on the encoded file instead) and
/// the result's `true_peak_dbtp` is NaN.
pub fn master_regions(
    samples: &mut [f32],
    sample_rate: u32,
    target: &Target,
    regions: &[Range<usize>],
    expected_loss_db: f64,
    check_peak: bool,
) -> Result<Loudness, MasterError> {
    let original = analysis::integrated_lufs(samples, sample_rate);
    if !original.is_finite() {
        return Err(MasterError::Silent);
    }
    let source = samples.to_vec();
    let peak_goal = target.true_peak_dbtp - target.codec_margin_db;
    let mut gain_db = target.integrated_lufs - original + expected_loss_db;
    // The limiter works on sample peaks; true peaks sit a little above them.
    let mut ceiling_db = peak_goal - 0.3;
    let mut previous: Option<(f64, f64)> = None;
    let mut last = None;
    for pass in 0..MAX_PASSES {
        limit_regions(
            &source,
            samples,
            regions,
            sample_rate,
            analysis::db_to_amplitude(gain_db) as f32,
            analysis::db_to_amplitude(ceiling_db) as f32,
        );
        let lufs = analysis::integrated_lufs(samples, sample_rate);
        tracing::debug!(pass, gain_db, ceiling_db, lufs, "mastering pass");
        let error = target.integrated_lufs - lufs;
        if error.abs() > LOUDNESS_TOLERANCE {
            let slope = match previous {
                Some((g0, l0)) if (gain_db - g0).abs() > 1e-3 => {
                    ((lufs - l0) / (gain_db - g0)).clamp(0.2, 1.0)
                }
                // Limiting usually eats a good part of any extra gain.
                _ => 0.6,
            };
            previous = Some((gain_db, lufs));
            gain_db += error / slope;
            continue;
        }
        if !check_peak {
            return Ok(Loudness {
                integrated_lufs: lufs,
                true_peak_dbtp: f64::NAN,
            });
        }
        let measured = analysis::loudness(samples, sample_rate);
        tracing::debug!(pass, dbtp = measured.true_peak_dbtp, "true peak");
        last = Some(measured);
        if measured.true_peak_dbtp <= peak_goal {
            return Ok(measured);
        }
        ceiling_db -= measured.true_peak_dbtp - peak_goal + 0.05;
        previous = None;
    }
    let last = last.unwrap_or_else(|| analysis::loudness(samples, sample_rate));
    // Close enough for the ±0.5 LU norm and under the peak ceiling is still a success.
    if (last.integrated_lufs - target.integrated_lufs).abs() <= 0.5
        && last.true_peak_dbtp <= target.true_peak_dbtp
    {
        return Ok(last);
    }
    Err(MasterError::Unreachable {
        target: target.integrated_lufs,
        ceiling: target.true_peak_dbtp,
        got: last.integrated_lufs,
        peak: last.true_peak_dbtp,
    })
}

/// Look-ahead of the limiter, seconds: gain starts falling this long before a peak.
const LOOKAHEAD_S: f32 = 0.005;
/// Release time constant, seconds.
const RELEASE_S: f32 = 0.080;

/// A look-ahead peak limiter: afterwards no sample exceeds `ceiling` (linear).
pub fn limit(samples: &mut [f32], sample_rate: u32, ceiling: f32) {
    let source = samples.to_vec();
    Limiter::new(sample_rate).apply(&source, samples, 1.0, ceiling);
}

thread_local! {
    /// Each worker thread keeps its limiter buffers from pass to pass.
    static LIMITER: RefCell<Option<Limiter>> = const { RefCell::new(None) };
}

/// `out[r] = limit(source[r] · gain)` for every region `r`, in parallel.
fn limit_regions(
    source: &[f32],
    out: &mut [f32],
    regions: &[Range<usize>],
    sample_rate: u32,
    gain: f32,
    ceiling: f32,
) {
    let mut pieces: Vec<(&[f32], &mut [f32])> = Vec::with_capacity(regions.len());
    let mut rest = out;
    let mut offset = 0;
    for region in regions {
        let (_, tail) = rest.split_at_mut(region.start - offset);
        let (piece, tail) = tail.split_at_mut(region.len());
        pieces.push((&source[region.clone()], piece));
        rest = tail;
        offset = region.end;
    }
    pieces.into_par_iter().for_each(|(source, out)| {
        LIMITER.with(|cell| {
            let mut cell = cell.borrow_mut();
            let limiter = cell.get_or_insert_with(|| Limiter::new(sample_rate));
            limiter.apply(source, out, gain, ceiling);
        })
    });
}

/// The limiter with its working buffers, reused across mastering passes.
///
/// Per sample the gain needed is `min(1, ceiling/|x|)`. That need is held with an
/// exponential release (`hold`), then taken as a sliding minimum over the look-ahead
/// window and smoothed by a moving average of the same length. Every value averaged for
/// sample *i* is a minimum over a window that contains *i*, so the final gain never
/// exceeds what sample *i* needs: the ceiling holds exactly, and the gain ramps down
/// linearly over the look-ahead instead of jumping.
struct Limiter {
    window: usize,
    release: f32,
    hold: Vec<f32>,
    prefix: Vec<f32>,
    suffix: Vec<f32>,
}

impl Limiter {
    fn new(sample_rate: u32) -> Limiter {
        Limiter {
            window: ((LOOKAHEAD_S * sample_rate as f32) as usize).max(1),
            release: (-1.0 / (RELEASE_S * sample_rate as f32)).exp(),
            hold: Vec::new(),
            prefix: Vec::new(),
            suffix: Vec::new(),
        }
    }

    /// `out = limit(source · gain)`.
    fn apply(&mut self, source: &[f32], out: &mut [f32], gain: f32, ceiling: f32) {
        let n = source.len();
        let window = self.window;
        let len = n + window;
        for buffer in [&mut self.hold, &mut self.prefix, &mut self.suffix] {
            if buffer.len() < len {
                buffer.resize(len, 1.0);
            }
        }
        // Gain, and the gain reduction needed with instant attack and exponential
        // release (kept as the deficit 1 − g: one multiply and one max per sample).
        let mut deficit = 0.0f32;
        let mut over = false;
        for ((o, &s), h) in out.iter_mut().zip(source).zip(&mut self.hold[..n]) {
            let x = s * gain;
            *o = x;
            let need = if x.abs() > ceiling {
                over = true;
                1.0 - ceiling / x.abs()
            } else {
                0.0
            };
            deficit = need.max(deficit * self.release);
            *h = 1.0 - deficit;
        }
        if !over {
            return;
        }
        self.hold[n..len].fill(1.0);

        // Sliding minimum over [k − window + 1, k] for k in 0..n + window (van Herk /
        // Gil-Werman: prefix and suffix minima within blocks of `window`; each window
        // spans at most two blocks).
        for block in (0..len).step_by(window) {
            let end = (block + window).min(len);
            let mut m = f32::INFINITY;
            for k in block..end {
                m = m.min(self.hold[k]);
                self.prefix[k] = m;
            }
            let mut m = f32::INFINITY;
            for k in (block..end).rev() {
                m = m.min(self.hold[k]);
                self.suffix[k] = m;
            }
        }
        let (prefix, suffix) = (&self.prefix, &self.suffix);
        let minimum = |k: usize| -> f32 {
            if k + 1 < window {
                prefix[k]
            } else {
                suffix[k + 1 - window].min(prefix[k])
            }
        };

        // Gain for sample i: mean of minimum(i ..= i + window − 1).
        let mut sum: f64 = (0..window).map(|k| f64::from(minimum(k))).sum();
        for (i, o) in out.iter_mut().enumerate() {
            let gain = (sum / window as f64) as f32;
            *o = (*o * gain).clamp(-ceiling, ceiling);
            sum += f64::from(minimum(i + window)) - f64::from(minimum(i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speechlike(seconds: f32, rate: u32) -> Vec<f32> {
        // Bursts of a harmonic tone with sharp peaks, like syllables.
        (0..(seconds * rate as f32) as usize)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let envelope = if (t * 4.0).fract() < 0.6 { 1.0 } else { 0.02 };
                let tone = (std::f32::consts::TAU * 150.0 * t).sin()
                    + 0.5 * (std::f32::consts::TAU * 450.0 * t).sin()
                    + 0.3 * (std::f32::consts::TAU * 1350.0 * t).sin();
                0.05 * envelope * tone
            })
            .collect()
    }

    #[test]
    fn limiter_holds_the_ceiling_and_leaves_quiet_parts() {
        let rate = 44_100;
        let mut x: Vec<f32> = (0..rate as usize)
            .map(|i| 0.3 * (i as f32 * 0.05).sin())
            .collect();
        x[20_000] = 1.0;
        x[30_000] = -0.9;
        let before = x.clone();
        limit(&mut x, rate, 0.5);
        assert!(x.iter().all(|s| s.abs() <= 0.5));
        // Far from the peaks, nothing changed.
        assert_eq!(x[..10_000], before[..10_000]);
        // Right at the peak, the gain is what the peak needed; just before it, the gain
        // ramps (no step).
        assert!((x[20_000] - 0.5).abs() < 1e-4);
        let ramp: Vec<f32> = (19_800..20_000).map(|i| x[i] / before[i]).collect();
        assert!(ramp.windows(2).all(|w| w[1] <= w[0] + 1e-6));
        // Quiet input passes untouched.
        let mut quiet = vec![0.1f32; 100];
        limit(&mut quiet, rate, 0.5);
        assert_eq!(quiet, vec![0.1f32; 100]);
    }

    #[test]
    fn masters_to_target() {
        let rate = 44_100;
        for level in [0.05f32, 0.5, 2.0] {
            let mut x: Vec<f32> = speechlike(12.0, rate).iter().map(|s| s * level).collect();
            let target = Target::default();
            let got = master(&mut x, rate, &target).unwrap();
            let again = analysis::loudness(&x, rate);
            assert_eq!(got, again);
            assert!(
                (again.integrated_lufs + 16.0).abs() <= 0.1,
                "{level}: {again:?}"
            );
            assert!(again.true_peak_dbtp <= -1.5 + 1e-9, "{level}: {again:?}");
        }
    }

    #[test]
    fn silence_cannot_be_mastered() {
        let mut x = vec![0.0f32; 44_100];
        assert!(matches!(
            master(&mut x, 44_100, &Target::default()),
            Err(MasterError::Silent)
        ));
    }
}
