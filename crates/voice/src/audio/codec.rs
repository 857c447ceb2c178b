//! The file's codec, MP3 or Opus: encoding checked by decoding, so that the loudness and
//! peak reported (and mastered for) are what a player will hear.

use super::mp3;
use super::opus::{self, OpusStream};
use crate::analysis::{self, Loudness};
use crate::config::{AudioFormat, VoiceConfig};
use crate::error::VoiceError;

/// A codec with its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// LAME MP3, constant bit rate.
    Mp3 {
        /// Bit rate, kb/s.
        kbps: u32,
        /// LAME quality, 0 best … 9 fastest.
        quality: u8,
    },
    /// Opus at 48 kHz, variable bit rate.
    Opus {
        /// Target bit rate, kb/s.
        kbps: u32,
    },
}

/// Encoded audio, before tags and container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoded {
    /// An MP3 stream (the ID3 tag goes in front of it).
    Mp3(Vec<u8>),
    /// Opus packets (put into Ogg pages with the tags).
    Opus(OpusStream),
}

/// Encoded audio and what it measures when decoded.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The encoded audio.
    pub encoded: Encoded,
    /// Loudness and true peak of the decoded audio.
    pub loudness: Loudness,
}

impl Codec {
    /// The codec `config` asks for.
    pub fn from_config(config: &VoiceConfig) -> Codec {
        match config.format {
            AudioFormat::Mp3 => Codec::Mp3 {
                kbps: config.bitrate_kbps,
                quality: config.mp3_quality,
            },
            AudioFormat::Opus => Codec::Opus {
                kbps: config.opus_bitrate_kbps,
            },
        }
    }

    /// Encodes mono samples at `sample_rate` (Opus: resampled to 48 kHz first), decodes
    /// the result and measures it.
    pub fn encode_checked(&self, samples: &[f32], sample_rate: u32) -> Result<Checked, VoiceError> {
        match *self {
            Codec::Mp3 { kbps, quality } => {
                let checked = mp3::encode_checked(samples, sample_rate, kbps, quality)?;
                Ok(Checked {
                    encoded: Encoded::Mp3(checked.bytes),
                    loudness: checked.loudness,
                })
            }
            Codec::Opus { kbps } => {
                let at_48k = super::resample(samples, sample_rate, opus::RATE)
                    .map_err(VoiceError::FormatResample)?;
                let stream = opus::encode(&at_48k, kbps)?;
                drop(at_48k);
                let decoded = stream.decode()?;
                Ok(Checked {
                    loudness: analysis::loudness(&decoded, opus::RATE),
                    encoded: Encoded::Opus(stream),
                })
            }
        }
    }

    /// Only the measurement of [`Codec::encode_checked`], with errors as text (for
    /// calibration, where a failure is not fatal).
    pub fn measure(&self, samples: &[f32], sample_rate: u32) -> Result<Loudness, String> {
        self.encode_checked(samples, sample_rate)
            .map(|c| c.loudness)
            .map_err(|e| e.to_string())
    }
}
