//! What the encoder (MP3 or Opus) does to loudness and peaks, measured on a short
//! excerpt of the episode before mastering, so that mastering aims at what the *file*
//! will measure.
//!
//! At 64 kb/s LAME drops enough of the weak high-frequency detail of synthetic voices
//! to lower integrated loudness by about 0.4 LU, and its reconstruction adds a few
//! tenths of a dB to true peaks (Opus, and the resampling to 48 kHz before it, do
//! likewise). Both depend on the voice, codec, bit rate and quality, so they
//! are measured, not assumed: about 20 s of lines from across the episode are levelled
//! and limited like the master, encoded, decoded and compared.

use std::ops::Range;

use super::codec::Codec;
use super::master::{Target, limit};
#[cfg(test)]
use super::mp3::{self, decode};
use crate::analysis;

/// How encoding changes a mastered signal.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CodecEffect {
    /// Decoded minus original integrated loudness, LU (negative: the file is quieter).
    pub loudness_db: f64,
    /// Decoded minus original true peak, dB (positive: the file peaks higher).
    pub peak_db: f64,
    /// How much the limiter lowered the excerpt's loudness at the target level, LU: a
    /// first guess for mastering's extra gain.
    pub limiter_loss_db: f64,
}

/// Seconds of lines the excerpt gathers.
const EXCERPT_S: usize = 20;

/// Measures the codec's effect on an excerpt of `samples` (lines at `regions`).
pub fn measure(
    samples: &[f32],
    regions: &[Range<usize>],
    sample_rate: u32,
    codec: &Codec,
    target: &Target,
) -> Result<CodecEffect, String> {
    let excerpt = excerpt(samples, regions, sample_rate);
    let mut excerpt = excerpt;
    let level = analysis::integrated_lufs(&excerpt, sample_rate);
    if !level.is_finite() {
        return Ok(CodecEffect::default());
    }
    let gain = analysis::db_to_amplitude(target.integrated_lufs - level) as f32;
    excerpt.iter_mut().for_each(|s| *s *= gain);
    let ceiling = target.true_peak_dbtp - target.codec_margin_db - 0.3;
    limit(
        &mut excerpt,
        sample_rate,
        analysis::db_to_amplitude(ceiling) as f32,
    );
    let (before, checked) = rayon::join(
        || analysis::loudness(&excerpt, sample_rate),
        || codec.measure(&excerpt, sample_rate),
    );
    let after = checked?;
    let effect = CodecEffect {
        loudness_db: after.integrated_lufs - before.integrated_lufs,
        peak_db: after.true_peak_dbtp - before.true_peak_dbtp,
        limiter_loss_db: (target.integrated_lufs - before.integrated_lufs).clamp(0.0, 6.0),
    };
    if !(effect.loudness_db.is_finite()
        && effect.peak_db.is_finite()
        && effect.limiter_loss_db.is_finite())
    {
        return Ok(CodecEffect::default());
    }
    tracing::debug!(
        ?effect,
        excerpt_s = excerpt.len() / sample_rate as usize,
        "codec effect"
    );
    Ok(effect)
}

/// Lines spread over the whole episode, about [`EXCERPT_S`] seconds of them, joined with
/// short silences.
fn excerpt(samples: &[f32], regions: &[Range<usize>], sample_rate: u32) -> Vec<f32> {
    let want = EXCERPT_S * sample_rate as usize;
    let total: usize = regions.iter().map(|r| r.len()).sum();
    if total <= want {
        return samples.to_vec();
    }
    let gap = vec![0.0f32; sample_rate as usize / 5];
    let step = (total / want).max(1);
    let mut out = Vec::with_capacity(want + sample_rate as usize * 10);
    for region in regions.iter().step_by(step) {
        out.extend_from_slice(&samples[region.clone()]);
        out.extend_from_slice(&gap);
        if out.len() >= want {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_small_effect_on_speechlike_audio() {
        let rate = 44_100;
        let x: Vec<f32> = (0..rate as usize * 8)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let on = if (t * 3.0).fract() < 0.7 { 1.0 } else { 0.0 };
                on * 0.1
                    * ((std::f32::consts::TAU * 140.0 * t).sin()
                        + 0.5 * (std::f32::consts::TAU * 2800.0 * t).sin())
            })
            .collect();
        for codec in [
            Codec::Mp3 {
                kbps: 64,
                quality: 5,
            },
            Codec::Opus { kbps: 48 },
        ] {
            let effect = measure(
                &x,
                std::slice::from_ref(&(0..x.len())),
                rate,
                &codec,
                &Target::default(),
            )
            .unwrap();
            assert!(effect.loudness_db.abs() < 1.5, "{codec:?}: {effect:?}");
            assert!(effect.peak_db.abs() < 1.5, "{codec:?}: {effect:?}");
        }
        let decoded = decode(mp3::encode(&x, rate, 64, 5).unwrap()).unwrap();
        assert_eq!(decoded.len(), x.len());
    }

    #[test]
    fn excerpts_sample_the_whole_episode() {
        let rate = 100;
        let samples: Vec<f32> = (0..100_000).map(|i| i as f32).collect();
        let regions: Vec<Range<usize>> = (0..100).map(|i| i * 1000..i * 1000 + 800).collect();
        let e = excerpt(&samples, &regions, rate);
        // 20 s at 100 Hz = 2000 samples of lines, picked every 40th region.
        assert!(
            e.len() >= 2000 && e.len() < 2000 + 800 + 20 + 20,
            "{}",
            e.len()
        );
        assert!(e.contains(&0.0) && e.contains(&40_000.0));
    }
}
