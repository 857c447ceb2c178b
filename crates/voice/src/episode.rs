//! The bridge to `episode.json` ([`goosepod_core::episode::Episode`]): what to speak, and
//! where the timings and audio facts go back.

use goosepod_core::episode::{Audio, Episode, Segment};
use goosepod_core::{HostId, Language as CoreLanguage, timezone};

use crate::SpokenEpisode;
use crate::engine::VoiceSpec;
use crate::script::{ScriptHost, ScriptLine, ScriptSegment, Speaker, SpeechScript};

fn speaker(id: HostId) -> Speaker {
    match id {
        HostId::A => Speaker::A,
        HostId::B => Speaker::B,
    }
}

/// A segment's chapter title in the episode's language.
pub fn segment_title(segment: Segment, language: CoreLanguage) -> &'static str {
    let zh = language == CoreLanguage::ZhCn;
    match (segment, segment.section()) {
        (_, Some(section)) => section.title(language),
        (Segment::Greeting, None) => {
            if zh {
                "开场"
            } else {
                "Opening"
            }
        }
        _ => {
            if zh {
                "结束语"
            } else {
                "Sign-off"
            }
        }
    }
}

/// What the voice stage speaks for `episode`, under the show name `show`. Each host's
/// `voice` (when set) becomes their voice; the ID3 date is the day the episode was made
/// on the listener's clock.
pub fn script_from_episode(episode: &Episode, show: &str) -> SpeechScript {
    let host = |id: HostId| {
        let host = episode.host(id);
        ScriptHost {
            name: host.map_or_else(|| id.as_str().to_string(), |h| h.name.clone()),
            voice: host
                .map(|h| h.voice.trim())
                .filter(|v| !v.is_empty())
                .map(VoiceSpec::named),
        }
    };
    let tz = timezone::resolve(&episode.listener.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let date = episode.generated_at.to_zoned_datetime(tz).date();
    SpeechScript {
        title: episode.title.clone(),
        show: show.to_string(),
        summary: episode.summary.clone(),
        date: Some(date),
        language: episode.language.tag().to_string(),
        hosts: [host(HostId::A), host(HostId::B)],
        segments: Segment::ARC
            .iter()
            .map(|&segment| ScriptSegment {
                id: segment.as_str().to_string(),
                title: segment_title(segment, episode.language).to_string(),
            })
            .collect(),
        lines: episode
            .lines
            .iter()
            .map(|line| ScriptLine {
                speaker: speaker(line.speaker),
                segment: line.segment.as_str().to_string(),
                text: line.text.clone(),
            })
            .collect(),
    }
}

/// Writes what was spoken back into `episode`: each line's `start`/`end`, each host's
/// voice, and the `audio` object (file name and MIME type among its facts).
pub fn record_in_episode(episode: &mut Episode, spoken: &SpokenEpisode) {
    for (line, timing) in episode.lines.iter_mut().zip(&spoken.lines) {
        line.start = Some(timing.start);
        line.end = Some(timing.end);
    }
    for host in &mut episode.hosts {
        host.voice = spoken.voices[speaker(host.id).index()].name.clone();
    }
    episode.audio = Some(Audio {
        file: spoken.audio.file.clone(),
        mime_type: spoken.audio.mime_type.clone(),
        duration_s: spoken.audio.duration_s,
        bytes: spoken.audio.bytes,
        loudness_lufs: spoken.audio.loudness_lufs,
        true_peak_dbtp: spoken.audio.true_peak_dbtp,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_for_every_segment() {
        assert_eq!(segment_title(Segment::Greeting, CoreLanguage::ZhCn), "开场");
        assert_eq!(
            segment_title(Segment::CoreEvent, CoreLanguage::ZhCn),
            "核心事件"
        );
        assert_eq!(
            segment_title(Segment::SignOff, CoreLanguage::EnUs),
            "Sign-off"
        );
        assert_eq!(
            segment_title(Segment::Conflict, CoreLanguage::EnUs),
            "Key Conflict"
        );
    }
}
