//! Measurements of audio: loudness (EBU R128) and pitch. Used to master the episode and
//! by tests to check what was made.

use ebur128::{EbuR128, Mode};

/// Loudness facts of a signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// EBU R128 integrated loudness, LUFS (−∞ for silence).
    pub integrated_lufs: f64,
    /// Maximum true peak (4× oversampled), dBTP.
    pub true_peak_dbtp: f64,
}

/// Measures integrated loudness and true peak of mono samples.
pub fn loudness(samples: &[f32], sample_rate: u32) -> Loudness {
    loudness_of_parts(&split(samples, sample_rate), sample_rate)
}

/// Loudness of consecutive parts of one programme, measured in parallel and combined
/// (gating over the blocks of all parts; the highest true peak).
pub fn loudness_of_parts(parts: &[&[f32]], sample_rate: u32) -> Loudness {
    let meters = meters(parts, sample_rate, Mode::I | Mode::TRUE_PEAK);
    let integrated_lufs = EbuR128::loudness_global_multiple(meters.iter())
        .ok()
        .filter(|l| l.is_finite())
        .unwrap_or(f64::NEG_INFINITY);
    let peak = meters
        .iter()
        .filter_map(|m| m.true_peak(0).ok())
        .fold(0.0f64, f64::max);
    Loudness {
        integrated_lufs,
        true_peak_dbtp: amplitude_to_db(peak),
    }
}

/// Integrated loudness only (cheaper than [`loudness`]).
pub fn integrated_lufs(samples: &[f32], sample_rate: u32) -> f64 {
    let meters = meters(&split(samples, sample_rate), sample_rate, Mode::I);
    EbuR128::loudness_global_multiple(meters.iter())
        .ok()
        .filter(|l| l.is_finite())
        .unwrap_or(f64::NEG_INFINITY)
}

/// `samples` in one piece per core (for long signals). Pieces start on the meter's
/// 100 ms block grid, so their gating blocks line up; only the three blocks that
/// straddle each cut are lost (of thousands in an episode).
fn split(samples: &[f32], sample_rate: u32) -> Vec<&[f32]> {
    let hop = (sample_rate / 10).max(1) as usize;
    let pieces = rayon::current_num_threads()
        .min(samples.len() / (hop * 600))
        .max(1);
    let piece = samples.len().div_ceil(pieces).div_ceil(hop) * hop;
    if piece == 0 {
        return vec![samples];
    }
    samples.chunks(piece).collect()
}

/// One meter per part, fed in parallel.
fn meters(parts: &[&[f32]], sample_rate: u32, mode: Mode) -> Vec<EbuR128> {
    use rayon::prelude::*;
    parts
        .par_iter()
        .map(|part| {
            let mut meter =
                EbuR128::new(1, sample_rate, mode).expect("mono at a supported sample rate");
            for chunk in part.chunks(1 << 16) {
                meter.add_frames_f32(chunk).expect("mono frames");
            }
            meter
        })
        .collect()
}

/// 20·log10(amplitude).
pub fn amplitude_to_db(amplitude: f64) -> f64 {
    if amplitude > 0.0 {
        20.0 * amplitude.log10()
    } else {
        f64::NEG_INFINITY
    }
}

/// 10^(dB/20).
pub fn db_to_amplitude(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Root mean square level of samples, dBFS.
pub fn rms_dbfs(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return f64::NEG_INFINITY;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    amplitude_to_db((sum / samples.len() as f64).sqrt())
}

/// Median fundamental frequency (Hz) of the voiced parts of speech, by normalised
/// autocorrelation on 40 ms frames; None when nothing is voiced.
pub fn median_f0(samples: &[f32], sample_rate: u32) -> Option<f32> {
    // Work at about 8 kHz: plenty for voice pitch, and 30× cheaper at 44.1 kHz.
    let factor = (sample_rate / 8000).max(1) as usize;
    let rate = sample_rate as f32 / factor as f32;
    let x: Vec<f32> = samples
        .chunks(factor)
        .map(|c| c.iter().sum::<f32>() / c.len() as f32)
        .collect();
    let frame = (0.04 * rate) as usize;
    let hop = frame / 2;
    let (min_lag, max_lag) = ((rate / 400.0) as usize, (rate / 60.0) as usize);
    if x.len() < frame + max_lag || frame == 0 {
        return None;
    }
    let energies: Vec<f32> = (0..=(x.len() - frame - max_lag) / hop)
        .map(|i| x[i * hop..i * hop + frame].iter().map(|v| v * v).sum())
        .collect();
    let loudest = energies.iter().cloned().fold(0.0f32, f32::max);
    let mut pitches = Vec::new();
    for (i, &energy) in energies.iter().enumerate() {
        if energy < loudest * 0.1 || energy <= 0.0 {
            continue;
        }
        let start = i * hop;
        let a = &x[start..start + frame];
        let mut best = (0.0f32, 0usize);
        for lag in min_lag..=max_lag {
            let b = &x[start + lag..start + lag + frame];
            let dot: f32 = a.iter().zip(b).map(|(p, q)| p * q).sum();
            let eb: f32 = b.iter().map(|v| v * v).sum();
            let r = dot / (energy * eb).sqrt().max(f32::MIN_POSITIVE);
            if r > best.0 {
                best = (r, lag);
            }
        }
        if best.0 > 0.6 && best.1 > 0 {
            pitches.push(rate / best.1 as f32);
        }
    }
    if pitches.is_empty() {
        return None;
    }
    pitches.sort_by(f32::total_cmp);
    Some(pitches[pitches.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f32, amplitude: f32, seconds: f32, rate: u32) -> Vec<f32> {
        (0..(seconds * rate as f32) as usize)
            .map(|i| amplitude * (std::f32::consts::TAU * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn measures_a_sine() {
        // A full-scale 997 Hz sine reads −3.01 LUFS (EBU reference).
        let l = loudness(&sine(997.0, 1.0, 5.0, 48000), 48000);
        assert!((l.integrated_lufs + 3.01).abs() < 0.05, "{l:?}");
        assert!(l.true_peak_dbtp.abs() < 0.1, "{l:?}");
        let l = integrated_lufs(&sine(997.0, 0.5, 5.0, 44100), 44100);
        assert!((l + 9.03).abs() < 0.05, "{l}");
        assert_eq!(integrated_lufs(&[0.0; 44100], 44100), f64::NEG_INFINITY);
        assert_eq!(integrated_lufs(&[], 44100), f64::NEG_INFINITY);
        // Measured in pieces or whole, a long signal reads the same.
        let long: Vec<f32> = (0..44_100 * 150)
            .map(|i| (i as f32 * 0.03).sin() * if (i / 30_000) % 3 == 0 { 0.05 } else { 0.4 })
            .collect();
        let whole = {
            let mut m = EbuR128::new(1, 44_100, Mode::I).unwrap();
            m.add_frames_f32(&long).unwrap();
            m.loudness_global().unwrap()
        };
        assert!((integrated_lufs(&long, 44_100) - whole).abs() < 0.01);
    }

    #[test]
    fn finds_pitch_of_a_harmonic_tone() {
        let rate = 44100;
        for f0 in [95.0f32, 140.0, 210.0] {
            let mut x = sine(f0, 0.4, 1.0, rate);
            for (h, s) in sine(2.0 * f0, 0.2, 1.0, rate).iter().enumerate() {
                x[h] += s;
            }
            let got = median_f0(&x, rate).unwrap();
            assert!((got - f0).abs() / f0 < 0.04, "{f0} → {got}");
        }
        assert_eq!(median_f0(&[0.0; 44100], rate), None);
    }

    #[test]
    fn decibels() {
        assert!((amplitude_to_db(0.5) + 6.0206).abs() < 1e-3);
        assert!((db_to_amplitude(-6.0206) - 0.5).abs() < 1e-4);
        assert_eq!(rms_dbfs(&[]), f64::NEG_INFINITY);
    }
}
