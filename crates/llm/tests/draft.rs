//! The draft on its own: reading it from a reply, and making it a body — where the
//! listener's name goes, which segment names count, what is wrong with its structure.

use goosepod_core::{Article, HostId, Language, Section, Segment};
use goosepod_llm::draft::{self, BodyContext, Draft, LISTENER, SEGMENTS};
use serde_json::{Value, json};

fn article() -> Article {
    Article {
        title: Some("Port of Alder switches on a battery".into()),
        language: Some("en".into()),
        text: "The Port of Alder switched on a battery. Marcus Lindqvist objected.".into(),
        ..Article::default()
    }
}

/// A draft with one line per segment; line `i` says `texts[i]` when given.
fn draft(texts: &[&str]) -> Value {
    let lines: Vec<Value> = SEGMENTS
        .iter()
        .enumerate()
        .map(|(i, segment)| {
            json!({
                "speaker": if i % 2 == 0 || *segment == Segment::SignOff { "a" } else { "b" },
                "segment": segment.as_str(),
                "text": texts.get(i).copied().unwrap_or("The port switched on a battery."),
            })
        })
        .collect();
    json!({
        "title": "A battery for the harbor",
        "summary": "The port switched on a battery.",
        "tags": ["Port of Alder", " ", "batteries"],
        "hook": "A harbor just plugged in.",
        "analysis": {
            "core_event": "It switched on.", "background": "Since 2017.",
            "key_conflict": "Neighbours object.", "impact": "Costs.", "outlook": "Phase two."
        },
        "lines": lines,
    })
}

fn body(
    value: &Value,
    language: Language,
    name: &str,
) -> Result<goosepod_write::Body, Vec<String>> {
    let article = article();
    let hosts = goosepod_core::HostPair::builtin_for(language);
    let draft: Draft = draft::parse(&value.to_string()).unwrap();
    draft.into_body(&BodyContext {
        article: &article,
        language,
        hosts,
        listener_name: name,
        target_units: 780,
        seed: 7,
    })
}

/// The pieces of the first line of a body made for `name` from `text`.
fn pieces(text: &str, language: Language, name: &str) -> Vec<String> {
    body(&draft(&[text]), language, name).unwrap().lines[0]
        .pieces
        .clone()
}

#[test]
fn the_draft_becomes_a_body() {
    let body = body(&draft(&[]), Language::EnUs, "Norris").unwrap();
    assert_eq!(body.language, Language::EnUs);
    assert_eq!(body.title, "A battery for the harbor");
    // Blank tags are dropped.
    assert_eq!(body.tags, ["Port of Alder", "batteries"]);
    assert_eq!(body.lines.len(), SEGMENTS.len());
    assert_eq!(body.lines[1].speaker, HostId::B);
    let segments: Vec<Segment> = body.lines.iter().map(|l| l.segment).collect();
    assert_eq!(segments, SEGMENTS);
    let sections: Vec<Section> = body.analysis.iter().map(|a| a.section).collect();
    assert_eq!(sections, Section::ALL);
    assert_eq!(body.analysis[2].text, "Neighbours object.");
    assert_eq!(
        body.analysis[2].title,
        Section::Conflict.title(Language::EnUs)
    );
    assert_eq!(body.units, 6 * 6);
    assert_eq!(body.source.title, article().title);
}

#[test]
fn a_reply_is_read_from_text_and_fences() {
    let value = draft(&[]);
    let plain = value.to_string();
    let expected = draft::parse(&plain).unwrap();
    for reply in [
        format!("```json\n{plain}\n```"),
        format!("Here it is:\n{plain}\nEnjoy!"),
        serde_json::to_string_pretty(&value).unwrap(),
    ] {
        assert_eq!(draft::parse(&reply).unwrap(), expected, "{reply}");
    }
    assert!(draft::parse("Sure! here is your show").is_err());
    assert!(draft::parse("} backwards {").is_err());
    let error = draft::parse("{\"title\": \"only\"}").unwrap_err();
    assert!(error.contains("missing field"), "{error}");
}

#[test]
fn the_placeholder_and_the_name_said_to_the_listener_are_personal() {
    for (text, name, expected) in [
        (
            "So, {listener}, here it is.",
            "Norris",
            vec!["So, ", ", here it is."],
        ),
        (
            "Norris, think about it.",
            "Norris",
            vec!["", ", think about it."],
        ),
        (
            "Now Norris, get this.",
            "Norris",
            vec!["Now ", ", get this."],
        ),
        (
            "That one is for you, Norris.",
            "Norris",
            vec!["That one is for you, ", "."],
        ),
        ("Stay with us, Norris", "Norris", vec!["Stay with us, ", ""]),
    ] {
        assert_eq!(pieces(text, Language::EnUs, name), expected, "{text}");
    }
    for (text, name, expected) in [
        ("小明,你想想看。", "小明", vec!["", ",你想想看。"]),
        ("说到这儿,小明,", "小明", vec!["说到这儿,", ","]),
        ("Norris你注意到没有?", "Norris", vec!["", "你注意到没有?"]),
        (
            "对了\u{FF0C}小明\u{FF0C}听好。",
            "小明",
            vec!["对了\u{FF0C}", "\u{FF0C}听好。"],
        ),
        (
            "谢谢你\u{3001}小明\u{3002}",
            "小明",
            vec!["谢谢你\u{3001}", "\u{3002}"],
        ),
    ] {
        assert_eq!(pieces(text, Language::ZhCn, name), expected, "{text}");
    }
}

#[test]
fn words_and_names_that_contain_the_listeners_name_stay() {
    for (text, name) in [
        ("The Port of Alder switched on a battery.", "Al"),
        ("Marcus Lindqvist objected, loudly.", "Marcus"),
        (
            "It was a friendly crowd, and a friend of the port spoke.",
            "friend",
        ),
        ("Adam said so.", "Ada"),
    ] {
        assert_eq!(pieces(text, Language::EnUs, name), [text], "{name}: {text}");
    }
    for (text, name) in [
        ("各位朋友们,这条线路今天开通。", "朋友"),
        ("小明星也来了。", "小明"),
    ] {
        assert_eq!(pieces(text, Language::ZhCn, name), [text], "{name}: {text}");
    }
}

#[test]
fn the_hook_must_not_name_the_listener() {
    for hook in [
        "Norris, you'll want this one.",
        "You'll want this one, {listener}.",
    ] {
        let mut value = draft(&[]);
        value["hook"] = hook.into();
        let problems = body(&value, Language::EnUs, "Norris").unwrap_err();
        assert!(
            problems[0].contains("the hook names the listener"),
            "{problems:?}"
        );
    }
    let mut value = draft(&[]);
    value["hook"] = "Norrison Street just got a battery.".into();
    body(&value, Language::EnUs, "Norris").unwrap();
}

#[test]
fn both_names_of_the_conflict_segment_are_understood() {
    for name in ["conflict", "key_conflict", " key_conflict "] {
        let mut value = draft(&[]);
        value["lines"][2]["segment"] = name.into();
        let body = body(&value, Language::EnUs, "Norris").unwrap();
        assert_eq!(body.lines[2].segment, Segment::Conflict, "{name}");
    }
}

#[test]
fn structural_problems_are_all_named_by_line() {
    let mut value = draft(&[]);
    value["lines"][0]["speaker"] = "narrator".into();
    value["lines"][1]["segment"] = "greeting".into();
    value["lines"][5]["speaker"] = "b".into();
    value["title"] = " ".into();
    value["tags"] = json!(["  "]);
    let problems = body(&value, Language::EnUs, "Norris").unwrap_err();
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(problems[0].starts_with("line 1: speaker `narrator`"));
    assert!(problems[1].starts_with("line 2: segment `greeting` is not one of core_event"));
    assert!(problems[2].starts_with("line 6: host B says goodbye"));
    assert_eq!(problems[3], "the title is empty");
    assert_eq!(problems[4], "there are no tags");
}

#[test]
fn the_schema_is_the_drafts_shape() {
    let schema = draft::schema();
    let segments: Vec<&str> =
        schema["properties"]["lines"]["items"]["properties"]["segment"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
    assert_eq!(
        segments,
        [
            "core_event",
            "background",
            "conflict",
            "impact",
            "outlook",
            "sign_off"
        ]
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let value = draft(&[]);
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut sorted = required.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, keys);
    assert_eq!(LISTENER, "{listener}");
}
