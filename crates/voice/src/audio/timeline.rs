//! Joining the spoken lines into one timeline with natural pauses, and timing each line
//! from sample counts.

use serde::{Deserialize, Serialize};

use crate::script::Speaker;

/// Pauses between lines, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pauses {
    /// Before the first line.
    pub lead_in_s: f32,
    /// Between two hosts when the reply is quick (short, or answering a question).
    pub quick_reply_s: f32,
    /// Between two hosts otherwise.
    pub turn_s: f32,
    /// Between two lines of the same host.
    pub same_speaker_s: f32,
    /// When the segment (chapter) changes.
    pub segment_change_s: f32,
    /// A reply up to this long counts as quick, seconds.
    pub quick_reply_max_s: f32,
}

impl Default for Pauses {
    fn default() -> Self {
        Pauses {
            lead_in_s: 0.3,
            quick_reply_s: 0.18,
            turn_s: 0.38,
            same_speaker_s: 0.3,
            segment_change_s: 0.9,
            quick_reply_max_s: 1.6,
        }
    }
}

impl Pauses {
    /// Whether every pause is a sane length (0–5 s).
    pub fn check(&self) -> Result<(), String> {
        for (name, v) in [
            ("lead_in_s", self.lead_in_s),
            ("quick_reply_s", self.quick_reply_s),
            ("turn_s", self.turn_s),
            ("same_speaker_s", self.same_speaker_s),
            ("segment_change_s", self.segment_change_s),
            ("quick_reply_max_s", self.quick_reply_max_s),
        ] {
            if !(v.is_finite() && (0.0..=5.0).contains(&v)) {
                return Err(format!("pause {name} = {v} is outside 0–5 s"));
            }
        }
        Ok(())
    }
}

/// One spoken line ready to be placed.
#[derive(Debug, Clone)]
pub struct Clip<'a> {
    /// Who speaks.
    pub speaker: Speaker,
    /// Segment id.
    pub segment: &'a str,
    /// Whether the text ends with a question mark.
    pub question: bool,
    /// The audio at the timeline's rate (may be empty: nothing to say).
    pub samples: &'a [f32],
}

/// The pause between two lines.
pub fn pause_between(previous: &Clip<'_>, next: &Clip<'_>, rate: u32, pauses: &Pauses) -> f32 {
    if previous.segment != next.segment {
        pauses.segment_change_s
    } else if previous.speaker == next.speaker {
        pauses.same_speaker_s
    } else if previous.question
        || (next.samples.len() as f32) <= pauses.quick_reply_max_s * rate as f32
    {
        pauses.quick_reply_s
    } else {
        pauses.turn_s
    }
}

/// The joined audio and each clip's first and one-past-last sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// All samples.
    pub samples: Vec<f32>,
    /// Per clip: `[start, end)` sample indices. Empty clips get `start == end`.
    pub spans: Vec<(usize, usize)>,
}

/// Places clips one after another with pauses; the timeline ends where the last line
/// ends.
pub fn assemble(clips: &[Clip<'_>], rate: u32, pauses: &Pauses) -> Timeline {
    let seconds = |s: f32| (s * rate as f32).round() as usize;
    let total: usize = clips.iter().map(|c| c.samples.len()).sum::<usize>()
        + clips.len() * seconds(pauses.segment_change_s)
        + seconds(pauses.lead_in_s);
    let mut samples = Vec::with_capacity(total);
    let mut spans = Vec::with_capacity(clips.len());
    let mut previous: Option<&Clip<'_>> = None;
    for clip in clips {
        if clip.samples.is_empty() {
            spans.push((samples.len(), samples.len()));
            continue;
        }
        let pause = match previous {
            None => pauses.lead_in_s,
            Some(previous) => pause_between(previous, clip, rate, pauses),
        };
        samples.resize(samples.len() + seconds(pause), 0.0);
        let start = samples.len();
        samples.extend_from_slice(clip.samples);
        spans.push((start, samples.len()));
        previous = Some(clip);
    }
    Timeline { samples, spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_follow_the_conversation() {
        let rate = 1000;
        let long = vec![0.5f32; 3000];
        let short = vec![0.5f32; 800];
        let clip = |speaker, segment, question, samples: &'static [f32]| Clip {
            speaker,
            segment,
            question,
            samples,
        };
        let long: &'static [f32] = Box::leak(long.into_boxed_slice());
        let short: &'static [f32] = Box::leak(short.into_boxed_slice());
        let p = Pauses::default();
        use Speaker::*;
        let a = clip(A, "intro", false, long);
        assert_eq!(
            pause_between(&a, &clip(B, "intro", false, long), rate, &p),
            p.turn_s
        );
        assert_eq!(
            pause_between(&a, &clip(B, "intro", false, short), rate, &p),
            p.quick_reply_s
        );
        assert_eq!(
            pause_between(
                &clip(A, "intro", true, long),
                &clip(B, "intro", false, long),
                rate,
                &p
            ),
            p.quick_reply_s
        );
        assert_eq!(
            pause_between(&a, &clip(A, "intro", false, long), rate, &p),
            p.same_speaker_s
        );
        assert_eq!(
            pause_between(&a, &clip(B, "event", false, short), rate, &p),
            p.segment_change_s
        );
        assert!(p.check().is_ok());
        assert!(Pauses { turn_s: -1.0, ..p }.check().is_err());
    }

    #[test]
    fn spans_come_from_sample_counts() {
        let rate = 1000;
        let one = [0.1f32; 2000];
        let two = [0.2f32; 500];
        let clips = [
            Clip {
                speaker: Speaker::A,
                segment: "s1",
                question: false,
                samples: &one,
            },
            Clip {
                speaker: Speaker::B,
                segment: "s1",
                question: false,
                samples: &[],
            },
            Clip {
                speaker: Speaker::B,
                segment: "s1",
                question: false,
                samples: &two,
            },
            Clip {
                speaker: Speaker::A,
                segment: "s2",
                question: false,
                samples: &one,
            },
        ];
        let p = Pauses::default();
        let t = assemble(&clips, rate, &p);
        assert_eq!(t.spans[0], (300, 2300));
        assert_eq!(t.spans[1], (2300, 2300));
        // B's 0.5 s reply is quick.
        assert_eq!(t.spans[2], (2480, 2980));
        assert_eq!(t.spans[3], (3880, 5880));
        assert_eq!(t.samples.len(), 5880);
        assert_eq!(t.samples[2480], 0.2);
        assert_eq!(t.samples[2479], 0.0);
    }
}
