//! Where each line's audio comes from: the line cache, or its host's engine (then
//! trimmed, resampled and stored in the cache).

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::audio::{self, OUTPUT_RATE};
use crate::cache::{CacheStats, LineCache, LineKey, Lookup};
use crate::engine::{self, SpeechEngine, VoiceSpec};
use crate::error::VoiceError;
use crate::script::{Language, ScriptLine, Speaker};
use crate::text;

/// Where each line's audio comes from: the cache, or its host's engine (and then into
/// the cache).
pub(crate) struct LineSource<'a> {
    engines: [&'a dyn SpeechEngine; 2],
    voices: &'a [VoiceSpec; 2],
    /// Each host's engine identity, when there is a cache and the engine has one.
    identities: [Option<String>; 2],
    cache: Option<&'a LineCache>,
    counts: Counts,
}

/// [`CacheStats`], counted from many threads.
#[derive(Default)]
struct Counts {
    hits: AtomicUsize,
    misses: AtomicUsize,
    corrupt: AtomicUsize,
    unstored: AtomicUsize,
    uncacheable: AtomicUsize,
}

impl Counts {
    fn add(counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            corrupt: self.corrupt.load(Ordering::Relaxed),
            unstored: self.unstored.load(Ordering::Relaxed),
            uncacheable: self.uncacheable.load(Ordering::Relaxed),
        }
    }
}

impl<'a> LineSource<'a> {
    /// Lines spoken by `engines` with `voices`, through `cache` if there is one.
    pub(crate) fn new(
        engines: [&'a dyn SpeechEngine; 2],
        voices: &'a [VoiceSpec; 2],
        cache: Option<&'a LineCache>,
    ) -> LineSource<'a> {
        LineSource {
            engines,
            voices,
            identities: [Speaker::A, Speaker::B].map(|speaker| {
                cache?;
                engines[speaker.index()].cache_identity(&voices[speaker.index()])
            }),
            cache,
            counts: Counts::default(),
        }
    }

    /// How the cache served the lines so far; None without a cache.
    pub(crate) fn stats(&self) -> Option<CacheStats> {
        self.cache.map(|_| self.counts.stats())
    }

    /// Line `i`'s audio at [`OUTPUT_RATE`], trimmed; empty for a line with nothing to say.
    pub(crate) fn clip(
        &self,
        i: usize,
        line: &ScriptLine,
        language: Language,
    ) -> Result<Vec<f32>, VoiceError> {
        let spoken = text::for_speech(&line.text, language);
        if spoken.is_empty() {
            return Ok(Vec::new());
        }
        let who = line.speaker.index();
        let cached = match (self.cache, &self.identities[who]) {
            (Some(cache), Some(identity)) => {
                Some((cache, LineKey::new(identity, &spoken, OUTPUT_RATE)))
            }
            (Some(_), None) => {
                Counts::add(&self.counts.uncacheable);
                None
            }
            (None, _) => None,
        };
        if let Some((cache, key)) = &cached {
            match cache.get(key, OUTPUT_RATE) {
                Lookup::Hit(samples) => {
                    Counts::add(&self.counts.hits);
                    return Ok(samples);
                }
                Lookup::Miss => Counts::add(&self.counts.misses),
                Lookup::Corrupt(reason) => {
                    tracing::warn!(
                        line = i + 1,
                        "line cache entry unusable, speaking the line again: {reason}"
                    );
                    Counts::add(&self.counts.misses);
                    Counts::add(&self.counts.corrupt);
                }
            }
        }
        let speech = self.engines[who]
            .synthesize(&spoken, &self.voices[who])
            .map_err(|source| VoiceError::Line {
                number: i + 1,
                speaker: line.speaker,
                excerpt: engine::excerpt(&line.text),
                source,
            })?;
        let kept = audio::trim_silence(&speech.samples, speech.sample_rate);
        let samples =
            audio::resample(kept, speech.sample_rate, OUTPUT_RATE).map_err(|message| {
                VoiceError::Resample {
                    number: i + 1,
                    message,
                }
            })?;
        if let Some((cache, key)) = &cached
            && let Err(e) = cache.put(key, OUTPUT_RATE, &samples)
        {
            tracing::warn!(line = i + 1, "could not store the line in the cache: {e}");
            Counts::add(&self.counts.unstored);
        }
        Ok(samples)
    }
}
