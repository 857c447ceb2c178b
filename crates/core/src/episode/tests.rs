use serde_json::{Value, json};

use super::*;
use crate::hosts::HostPair;

/// A valid untimed episode: two lines per segment, five analysis sections.
fn episode() -> Episode {
    let pair = HostPair::builtin_for(Language::ZhCn);
    let mut lines = Vec::new();
    for segment in Segment::ARC {
        for speaker in HostId::BOTH {
            let personal = !segment.is_body();
            lines.push(Line::new(
                speaker,
                segment,
                format!("{segment} {speaker}"),
                personal,
            ));
        }
    }
    Episode {
        schema: SCHEMA_VERSION,
        title: "OpenAI 陷入困境".into(),
        summary: "OpenAI 遭遇前所未有的危机。".into(),
        tags: vec!["OpenAI".into()],
        language: Language::ZhCn,
        generated_at: "2025-12-15T18:14:00Z".parse().unwrap(),
        listener: EpisodeListener {
            name: "Norris1".into(),
            language: Language::ZhCn,
            timezone: "Asia/Shanghai".into(),
        },
        hosts: pair
            .hosts
            .iter()
            .map(|host| EpisodeHost::new(host, host.voice_for("espeak").unwrap()))
            .collect(),
        source: Source::from(&Article {
            title: Some("OpenAI Is in Trouble".into()),
            site_name: Some("The Atlantic".into()),
            url: Some(
                "https://www.theatlantic.com/technology/2025/12/openai-losing-ai-wars/685201/"
                    .into(),
            ),
            published: Some("2025-12-09T22:04:00Z".parse().unwrap()),
            text: "The start-up is falling behind in the AI race.".into(),
            ..Article::default()
        }),
        analysis: Section::ALL
            .iter()
            .map(|&section| Analysis {
                section,
                title: section.title(Language::ZhCn).into(),
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

/// The same episode, voiced: each line 2 s long with 0.5 s pauses.
fn timed_episode() -> Episode {
    let mut episode = episode();
    let mut t = 0.0;
    for line in &mut episode.lines {
        line.start = Some(t);
        line.end = Some(t + 2.0);
        t += 2.5;
    }
    episode.audio = Some(Audio {
        file: "episode.mp3".into(),
        mime_type: "audio/mpeg".into(),
        duration_s: t - 0.5,
        bytes: 480_000,
        loudness_lufs: -16.0,
        true_peak_dbtp: -1.2,
    });
    episode
}

fn to_value(episode: &Episode) -> Value {
    serde_json::from_str(&episode.to_json_pretty()).unwrap()
}

/// Loads `value` and returns the error message.
fn load_error(value: &Value) -> String {
    Episode::from_json(&value.to_string())
        .expect_err("the document should be rejected")
        .to_string()
}

/// Validates `episode` and returns the error message.
fn validate_error(episode: &Episode) -> String {
    episode
        .validate()
        .expect_err("the episode should be rejected")
        .to_string()
}

#[test]
fn untimed_episode_round_trips() {
    let episode = episode();
    episode.validate().unwrap();
    let json = episode.to_json_pretty();
    assert_eq!(Episode::from_json(&json).unwrap(), episode);
}

#[test]
fn timed_episode_with_audio_round_trips() {
    let episode = timed_episode();
    episode.validate().unwrap();
    let json = episode.to_json_pretty();
    assert_eq!(Episode::from_json(&json).unwrap(), episode);
    assert!(episode.is_timed());
}

#[test]
fn json_has_the_documented_shape() {
    let json = episode().to_json_pretty();
    let top_level: Vec<_> = json
        .lines()
        .filter_map(|line| line.strip_prefix("  \"")?.split('"').next())
        .collect();
    assert_eq!(
        top_level,
        [
            "schema",
            "title",
            "summary",
            "tags",
            "language",
            "generated_at",
            "listener",
            "hosts",
            "source",
            "analysis",
            "lines",
            "writer"
        ]
    );
    let value = to_value(&episode());
    assert_eq!(value["schema"], 1);
    assert_eq!(value["language"], "zh-CN");
    assert_eq!(value["generated_at"], "2025-12-15T18:14:00Z");
    assert_eq!(
        value["listener"],
        json!({"name": "Norris1", "language": "zh-CN", "timezone": "Asia/Shanghai"})
    );
    assert_eq!(value["hosts"][0]["id"], "a");
    assert_eq!(value["hosts"][1]["voice"], "cmn+f3");
    assert_eq!(value["source"]["publisher"], "The Atlantic");
    assert_eq!(value["source"]["byline"], Value::Null);
    assert_eq!(value["source"]["published"], "2025-12-09T22:04:00Z");
    assert_eq!(value["analysis"][2]["section"], "conflict");
    assert_eq!(value["analysis"][2]["title"], "关键冲突");
    assert_eq!(
        value["lines"][0],
        json!({"speaker": "a", "segment": "greeting", "text": "greeting a", "personal": true})
    );
    assert_eq!(value["lines"][13]["segment"], "sign_off");
    assert_eq!(value["writer"], json!({"kind": "offline", "notes": []}));
    assert!(value.get("audio").is_none());

    let timed = to_value(&timed_episode());
    assert_eq!(timed["lines"][1]["start"], 2.5);
    assert_eq!(timed["lines"][1]["end"], 4.5);
    assert_eq!(
        timed["audio"],
        json!({"file": "episode.mp3", "mime_type": "audio/mpeg", "duration_s": 34.5,
               "bytes": 480000, "loudness_lufs": -16.0, "true_peak_dbtp": -1.2})
    );
}

#[test]
fn llm_writer_keeps_its_model() {
    let mut episode = episode();
    episode.writer = Writer {
        kind: WriterKind::Llm,
        model: Some("qwen2.5:7b".into()),
        notes: vec!["translated from en".into()],
        usage: None,
    };
    let value = to_value(&episode);
    assert_eq!(
        value["writer"],
        json!({"kind": "llm", "model": "qwen2.5:7b", "notes": ["translated from en"]})
    );
    assert_eq!(Episode::from_json(&value.to_string()).unwrap(), episode);
}

#[test]
fn optional_fields_may_be_left_out() {
    let mut value = to_value(&episode());
    value["writer"] = json!({"kind": "offline"});
    value["hosts"][0].as_object_mut().unwrap().remove("voice");
    value["source"] = json!({"text": "Body."});
    let episode = Episode::from_json(&value.to_string()).unwrap();
    assert!(episode.writer.notes.is_empty());
    assert_eq!(episode.hosts[0].voice, "");
    assert_eq!(episode.source.url, None);
}

#[test]
fn helpers_find_hosts_and_segments() {
    let episode = episode();
    assert_eq!(episode.host(HostId::B).unwrap().name, "小满");
    let conflict: Vec<_> = episode.lines_in(Segment::Conflict).collect();
    assert_eq!(conflict.len(), 2);
    assert!(!episode.is_timed());
}

#[test]
fn segments_and_sections_know_their_order() {
    assert_eq!(Segment::ARC.map(Segment::index), [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(Segment::Greeting.next(), Some(Segment::CoreEvent));
    assert_eq!(Segment::SignOff.next(), None);
    assert!(!Segment::Greeting.is_body() && !Segment::SignOff.is_body());
    assert!(Segment::Impact.is_body());
    for section in Section::ALL {
        assert_eq!(section.segment().section(), Some(section));
        assert_eq!(section.as_str(), section.segment().as_str());
        assert_eq!(
            serde_json::to_value(section).unwrap(),
            serde_json::to_value(section.segment()).unwrap()
        );
    }
    for segment in Segment::ARC {
        assert_eq!(segment.as_str().parse::<Segment>(), Ok(segment));
        assert_eq!(serde_json::to_value(segment).unwrap(), segment.as_str());
    }
    assert_eq!(
        "prologue".parse::<Segment>(),
        Err("unknown segment `prologue`".into())
    );
    assert_eq!(Section::Conflict.title(Language::EnUs), "Key Conflict");
}

// --- Loading errors -------------------------------------------------------------------

#[test]
fn syntax_errors_are_reported_as_such() {
    let message = load_error_str("{\"schema\": 1,");
    assert!(
        message.starts_with("episode.json is not valid JSON"),
        "{message}"
    );
    let message = load_error_str("[1, 2]");
    assert!(message.contains("must be a JSON object"), "{message}");
}

fn load_error_str(json: &str) -> String {
    Episode::from_json(json).unwrap_err().to_string()
}

#[test]
fn schema_version_is_checked_first() {
    let mut value = to_value(&episode());
    value["schema"] = json!(2);
    value["lines"] = json!("a newer shape");
    assert_eq!(
        load_error(&value),
        "episode.json has schema version 2; this build reads schema 1"
    );
    value["schema"] = json!("1");
    assert!(load_error(&value).contains("schema version \"1\""));
    value.as_object_mut().unwrap().remove("schema");
    assert_eq!(
        load_error(&value),
        "episode.json has no `schema` version (this build reads schema 1)"
    );
    let mut episode = episode();
    episode.schema = 0;
    assert!(validate_error(&episode).contains("schema version 0"));
}

#[test]
fn unknown_speaker_is_named_with_its_place() {
    let mut value = to_value(&episode());
    value["lines"][3]["speaker"] = json!("c");
    let message = load_error(&value);
    assert!(
        message.starts_with("episode.json: lines[3].speaker: unknown variant `c`"),
        "{message}"
    );
}

#[test]
fn shape_errors_name_the_field() {
    let cases = [
        (
            "/lines/2/segment",
            json!("prologue"),
            "lines[2].segment: unknown variant `prologue`",
        ),
        ("/generated_at", json!("yesterday"), "generated_at:"),
        (
            "/language",
            json!("fr"),
            "language: unsupported language `fr`",
        ),
        (
            "/analysis/0/section",
            json!("summary"),
            "analysis[0].section: unknown variant `summary`",
        ),
        (
            "/writer/kind",
            json!("human"),
            "writer.kind: unknown variant `human`",
        ),
        (
            "/lines/0/personal",
            json!("yes"),
            "lines[0].personal: invalid type",
        ),
        (
            "/lines/0/text",
            json!(5),
            "lines[0].text: invalid type: integer `5`",
        ),
    ];
    for (pointer, replacement, expected) in cases {
        let mut value = to_value(&episode());
        *value.pointer_mut(pointer).unwrap() = replacement;
        let message = load_error(&value);
        assert!(message.contains(expected), "{pointer}: {message}");
    }

    let mut value = to_value(&episode());
    value["lines"][0]["start"] = json!("0s");
    assert!(load_error(&value).contains("lines[0].start: invalid type: string \"0s\""));
    let mut value = to_value(&episode());
    value["lines"][1]["mood"] = json!("happy");
    assert!(load_error(&value).contains("lines[1].mood: unknown field `mood`"));
    let mut value = to_value(&episode());
    value.as_object_mut().unwrap().remove("title");
    assert!(load_error(&value).contains("missing field `title`"));
}

// --- Validation errors ------------------------------------------------------------------

#[test]
fn empty_text_fields_are_rejected() {
    type Case = (fn(&mut Episode), &'static str);
    let cases: [Case; 8] = [
        (|e| e.title = " ".into(), "episode title is empty"),
        (|e| e.summary.clear(), "episode summary is empty"),
        (|e| e.tags.push(String::new()), "episode tags[1] is empty"),
        (
            |e| e.listener.name.clear(),
            "episode listener.name is empty",
        ),
        (
            |e| e.hosts[1].name.clear(),
            "episode hosts[1].name is empty",
        ),
        (
            |e| e.lines[4].text = "\n".into(),
            "episode lines[4].text is empty",
        ),
        (
            |e| e.analysis[1].text.clear(),
            "episode analysis[1].text is empty",
        ),
        (
            |e| e.analysis[0].title.clear(),
            "episode analysis[0].title is empty",
        ),
    ];
    for (break_it, expected) in cases {
        let mut episode = episode();
        break_it(&mut episode);
        assert_eq!(validate_error(&episode), expected);
        assert_eq!(
            load_error(&to_value(&episode)),
            expected,
            "from_json agrees"
        );
    }
}

#[test]
fn duplicate_tags_are_rejected() {
    let mut episode = episode();
    episode.tags.push("OpenAI".into());
    assert_eq!(
        validate_error(&episode),
        "episode tags[1] `OpenAI` repeats an earlier tag"
    );
}

#[test]
fn bad_time_zone_is_rejected() {
    let mut episode = episode();
    episode.listener.timezone = "Asia/Peking".into();
    let message = validate_error(&episode);
    assert!(
        message.starts_with("episode listener.timezone: unknown time zone `Asia/Peking`"),
        "{message}"
    );
}

#[test]
fn hosts_must_be_a_then_b() {
    let mut episode = episode();
    episode.hosts[1].id = HostId::A;
    assert_eq!(
        validate_error(&episode),
        "episode hosts[1] repeats host `a`"
    );

    let mut episode = super::tests::episode();
    episode.hosts.swap(0, 1);
    assert_eq!(
        validate_error(&episode),
        "episode hosts must be exactly `a` then `b`; found [b, a]"
    );

    let mut episode = super::tests::episode();
    episode.hosts.pop();
    assert_eq!(
        validate_error(&episode),
        "episode hosts must be exactly `a` then `b`; found [a]"
    );
}

#[test]
fn analysis_sections_keep_their_order() {
    let mut episode = episode();
    episode.analysis.swap(1, 2);
    assert_eq!(
        validate_error(&episode),
        "episode analysis[2] is `background` after `conflict`; sections go core_event, \
         background, conflict, impact, outlook, each at most once"
    );
    let mut episode = super::tests::episode();
    episode.analysis[1].section = Section::CoreEvent;
    assert!(
        validate_error(&episode)
            .starts_with("episode analysis[1] is `core_event` after `core_event`")
    );

    // Fewer sections are allowed, in order.
    let mut episode = super::tests::episode();
    episode.analysis.remove(3);
    episode.validate().unwrap();
}

#[test]
fn segments_out_of_arc_order_are_rejected() {
    let mut episode = episode();
    episode.lines.swap(5, 6); // background b ↔ conflict a
    assert_eq!(
        validate_error(&episode),
        "episode lines[6] is in segment `background` after a line in `conflict`; segments go \
         greeting, core_event, background, conflict, impact, outlook, sign_off"
    );
}

#[test]
fn missing_segments_are_rejected() {
    let mut episode = episode();
    episode.lines.retain(|line| line.segment != Segment::Impact);
    assert_eq!(
        validate_error(&episode),
        "episode has no `impact` lines; every segment of the arc needs at least one"
    );
    let mut episode = super::tests::episode();
    episode.lines.clear();
    assert_eq!(validate_error(&episode), "episode has no lines");
}

#[test]
fn timings_must_be_whole_and_in_order() {
    type Case = (fn(&mut Episode), &'static str);
    let cases: [Case; 8] = [
        (
            |e| e.lines[2].end = None,
            "episode lines[2] has start but not end",
        ),
        (
            |e| e.lines[0].start = None,
            "episode lines[0] has end but not start",
        ),
        (
            |e| {
                e.lines[5].start = None;
                e.lines[5].end = None;
            },
            "episode lines[5] is untimed but lines[0] is not; either every line has start/end or none has",
        ),
        (
            |e| e.lines[3].start = Some(6.0),
            "episode lines[3] starts at 6 s, before lines[2] ends at 7 s",
        ),
        (
            |e| e.lines[3].start = Some(9.6),
            "episode lines[3] starts at 9.6 s but ends at 9.5 s",
        ),
        (
            |e| e.lines[3].start = Some(-1.0),
            "episode lines[3].start is -1; times are finite, non-negative seconds",
        ),
        (
            |e| e.lines[3].end = Some(f64::INFINITY),
            "episode lines[3].end is inf; times are finite, non-negative seconds",
        ),
        (
            |e| e.lines[13].end = Some(40.0),
            "episode lines[13] ends at 40 s, after the audio's 34.5 s",
        ),
    ];
    for (break_it, expected) in cases {
        let mut episode = timed_episode();
        break_it(&mut episode);
        assert_eq!(validate_error(&episode), expected);
    }
}

#[test]
fn timed_lines_in_an_untimed_script_are_rejected() {
    let mut episode = episode();
    episode.lines[4].start = Some(1.0);
    episode.lines[4].end = Some(2.0);
    assert_eq!(
        validate_error(&episode),
        "episode lines[4] is timed but lines[0] is not; either every line has start/end or none has"
    );
}

#[test]
fn touching_lines_are_fine() {
    let mut episode = timed_episode();
    episode.lines[1].start = episode.lines[0].end;
    episode.validate().unwrap();
}

#[test]
fn audio_is_checked() {
    type Case = (fn(&mut Audio), &'static str);
    let cases: [Case; 8] = [
        (|a| a.file.clear(), "episode audio.file is empty"),
        (
            |a| a.file = "../episode.mp3".into(),
            "episode audio.file `../episode.mp3` is not a file name in the episode's directory",
        ),
        (
            |a| a.mime_type = "text/html".into(),
            "episode audio.mime_type `text/html` is not an audio MIME type",
        ),
        (
            |a| a.mime_type = "audio/".into(),
            "episode audio.mime_type `audio/` is not an audio MIME type",
        ),
        (
            |a| a.duration_s = 0.0,
            "episode audio.duration_s is 0; it must be a positive number of seconds",
        ),
        (|a| a.bytes = 0, "episode audio.bytes is 0"),
        (
            |a| a.loudness_lufs = f64::NAN,
            "episode audio.loudness_lufs is NaN; it must be a finite number",
        ),
        (
            |a| a.true_peak_dbtp = f64::NEG_INFINITY,
            "episode audio.true_peak_dbtp is -inf; it must be a finite number",
        ),
    ];
    for (break_it, expected) in cases {
        let mut episode = timed_episode();
        break_it(episode.audio.as_mut().unwrap());
        assert_eq!(validate_error(&episode), expected);
    }

    // Opus in Ogg, with the codec named.
    let mut opus = timed_episode();
    let audio = opus.audio.as_mut().unwrap();
    audio.file = files::OPUS.into();
    audio.mime_type = "audio/ogg; codecs=opus".into();
    opus.validate().unwrap();
    assert_eq!(Episode::from_json(&opus.to_json_pretty()).unwrap(), opus);

    let mut episode = episode();
    episode.audio = timed_episode().audio;
    assert_eq!(
        validate_error(&episode),
        "episode has audio but its lines have no start/end times"
    );

    // Encoder rounding: the last line may end a little after the audio.
    let mut episode = timed_episode();
    episode.audio.as_mut().unwrap().duration_s -= AUDIO_END_TOLERANCE_S / 2.0;
    episode.validate().unwrap();
}

#[test]
fn an_episode_from_before_the_mime_type_is_mp3() {
    let mut value = to_value(&timed_episode());
    value["audio"].as_object_mut().unwrap().remove("mime_type");
    let episode = Episode::from_json(&value.to_string()).unwrap();
    assert_eq!(episode.audio.unwrap().mime_type, DEFAULT_AUDIO_MIME_TYPE);
    // Unknown fields are still refused.
    value["audio"]["codec"] = json!("mp3");
    assert!(
        load_error(&value).contains("audio"),
        "{}",
        load_error(&value)
    );
}

#[test]
fn an_episode_directory_holds_one_audio_file() {
    for audio in files::AUDIO {
        let names = files::with_audio(audio);
        assert!(names.iter().all(|name| files::ALL.contains(name)));
        assert_eq!(
            names.iter().filter(|n| files::AUDIO.contains(n)).count(),
            1,
            "{names:?}"
        );
        assert!(names.contains(audio));
    }
    assert_eq!(files::ALL.len(), files::with_audio(files::MP3).len() + 1);
}
