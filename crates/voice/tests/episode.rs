//! The hand-off with `episode.json`: an episode from the core model is spoken, its
//! timings and audio facts go back into it, and the result still passes the model's own
//! validation (timings in order, last line ending with the audio).

use goosepod_core::{
    Analysis, Article, Episode, EpisodeHost, EpisodeListener, HostId, HostPair, Language, Line,
    Section, Segment, Source, Writer, WriterKind,
};
use goosepod_voice::episode::{record_in_episode, script_from_episode};
use goosepod_voice::{AudioFormat, VoiceConfig, speak};

fn episode(language: Language) -> Episode {
    let pair = HostPair::builtin_for(language);
    let zh = language == Language::ZhCn;
    let mut lines = Vec::new();
    for segment in Segment::ARC {
        for speaker in HostId::BOTH {
            let text = match (zh, speaker) {
                (true, HostId::A) => format!("这是{}部分,收入增长了38%。", segment.index() + 1),
                (true, HostId::B) => "没错,OpenAI 发布了 GPT-5.2。".to_string(),
                (false, HostId::A) => {
                    format!("This is part {}, revenue grew 38%.", segment.index() + 1)
                }
                (false, HostId::B) => "Right, OpenAI shipped GPT-5.2.".to_string(),
            };
            lines.push(Line::new(speaker, segment, text, !segment.is_body()));
        }
    }
    Episode {
        schema: goosepod_core::episode::SCHEMA_VERSION,
        title: "OpenAI 陷入困境".into(),
        summary: "OpenAI 遭遇前所未有的危机。".into(),
        tags: vec!["OpenAI".into()],
        language,
        generated_at: "2025-12-15T18:14:00Z".parse().unwrap(),
        listener: EpisodeListener {
            name: "Norris".into(),
            language,
            timezone: "Asia/Shanghai".into(),
        },
        hosts: pair
            .hosts
            .iter()
            .map(|host| EpisodeHost::new(host, host.voice_for("espeak").unwrap_or_default()))
            .collect(),
        source: Source::from(&Article {
            title: Some("OpenAI Is in Trouble".into()),
            text: "The start-up is falling behind in the AI race.".into(),
            ..Article::default()
        }),
        analysis: Section::ALL
            .iter()
            .map(|&section| Analysis {
                section,
                title: section.title(language).into(),
                text: format!("{section} text"),
            })
            .collect(),
        lines,
        writer: Writer {
            kind: WriterKind::Offline,
            model: None,
            notes: vec![],
            usage: None,
        },
        audio: None,
    }
}

#[test]
fn spoken_episodes_pass_the_models_validation() {
    for (language, format) in [
        (Language::ZhCn, AudioFormat::Mp3),
        (Language::EnUs, AudioFormat::Opus),
    ] {
        let mut episode = episode(language);
        episode.validate().expect("a valid untimed episode");
        let script = script_from_episode(&episode, "Goose Pod");
        assert_eq!(script.lines.len(), episode.lines.len());
        assert_eq!(script.hosts[0].name, episode.hosts[0].name);
        // The listener's clock: 18:14 UTC is already the 16th in Shanghai.
        assert_eq!(script.date.unwrap().to_string(), "2025-12-16");
        assert_eq!(
            script.hosts[1].voice.as_ref().map(|v| v.name.as_str()),
            Some(episode.hosts[1].voice.as_str()).filter(|v| !v.is_empty())
        );

        let dir = tempfile::tempdir().unwrap();
        let config = VoiceConfig {
            format,
            ..VoiceConfig::default()
        };
        let spoken = speak(&script, &config, dir.path(), &|_| {}).unwrap();
        record_in_episode(&mut episode, &spoken);
        episode.validate().expect("timings and audio fit the model");
        assert!(episode.is_timed());
        let audio = episode.audio.as_ref().unwrap();
        assert_eq!(audio.file, format.file_name());
        assert_eq!(audio.mime_type, format.mime_type());
        assert_eq!(
            audio.bytes,
            std::fs::metadata(dir.path().join(&audio.file))
                .unwrap()
                .len()
        );
        assert!((audio.loudness_lufs + 16.0).abs() <= 0.5);
        let json = episode.to_json_pretty();
        let back = Episode::from_json(&json).expect("round-trips through episode.json");
        assert_eq!(back, episode);
        // Chapters are titled per segment in the episode's language.
        let chapters = std::fs::read_to_string(dir.path().join("chapters.json")).unwrap();
        let first = if language == Language::ZhCn {
            "开场"
        } else {
            "Opening"
        };
        assert!(chapters.contains(first), "{chapters}");
    }
}
