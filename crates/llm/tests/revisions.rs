//! Drafts that fail: what goes back to the model (the problems, numbered as the model's
//! own `lines`), how many times, and the offline writer when the model never gets it right.

mod common;
use common::*;

use goosepod_core::{Article, Episode, Language, Listener, WriterKind};
use goosepod_llm::writer::MAX_REVISIONS;
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

const ENGLISH_LINE: &str =
    "This line was written in English although the whole show is meant to be in Chinese.";

fn answer(content: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(completion(content))
}

/// A server that answers `content` to every request.
fn always(content: &str) -> Fake {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).respond_with(answer(content)));
    fake
}

/// A server that answers `first`, then `then` to every later request.
fn first_then(first: &str, then: &str) -> Fake {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .respond_with(answer(first))
            .up_to_n_times(1)
            .with_priority(1),
    );
    fake.mount(Mock::given(method("POST")).respond_with(answer(then)));
    fake
}

fn english() -> (Article, Listener) {
    (
        english_article(),
        listener("Norris", Language::EnUs, "America/New_York"),
    )
}

fn chinese() -> (Article, Listener) {
    (
        chinese_article(),
        listener("Norris", Language::ZhCn, "Asia/Shanghai"),
    )
}

fn write(fake: &Fake, (article, listener): &(Article, Listener)) -> Episode {
    fake.writer(&fake.config())
        .write(article, listener, hosts(listener.language), at())
        .unwrap()
}

/// The messages of the `n`th request (from 0) are the first request's, then for each
/// earlier answer the draft (as the model's own message) and a revision request;
/// returns the revision requests.
fn revision_requests(bodies: &[Value], n: usize, drafts: &[&str]) -> Vec<String> {
    let first = messages(&bodies[0]);
    let these = messages(&bodies[n]);
    assert_eq!(these.len(), 2 + 2 * n, "request {n}");
    assert_eq!(&these[..2], &first[..]);
    (0..n)
        .map(|i| {
            assert_eq!(these[2 + 2 * i]["role"], "assistant");
            assert_eq!(these[2 + 2 * i]["content"], drafts[i]);
            assert_eq!(these[3 + 2 * i]["role"], "user");
            these[3 + 2 * i]["content"].as_str().unwrap().to_string()
        })
        .collect()
}

fn offline_note(episode: &Episode) -> &str {
    assert_eq!(episode.writer.kind, WriterKind::Offline);
    assert_eq!(episode.writer.model, None);
    let note = &episode.writer.notes[0];
    assert!(note.contains(MODEL), "{note}");
    assert!(note.contains("offline writer"), "{note}");
    note
}

#[test]
fn a_reply_that_is_not_json_is_sent_back_then_given_up() {
    let reply = "Sure! here is your show";
    let fake = always(reply);
    let episode = write(&fake, &english());
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 1 + MAX_REVISIONS);
    assert_eq!(bodies.len(), 3);
    for n in 1..bodies.len() {
        for revise in revision_requests(&bodies, n, &[reply; 2]) {
            assert!(
                revise.starts_with("Your draft cannot be used yet."),
                "{revise}"
            );
            assert!(
                revise.contains("\n- the reply holds no JSON object\n"),
                "{revise}"
            );
        }
    }
    let note = offline_note(&episode);
    assert!(note.contains("3 drafts failed the checks"), "{note}");
    assert!(note.contains("the reply holds no JSON object"), "{note}");
    // Every answer counted, though none was used.
    let usage = episode.writer.usage.unwrap();
    assert_eq!(usage.calls, 3);
    assert_eq!(usage.prompt_tokens, 3 * PROMPT_TOKENS);
}

#[test]
fn json_in_the_wrong_shape_is_sent_back_with_what_is_wrong() {
    let mut draft = valid_draft(&english_article(), Language::EnUs, 5.0);
    draft["lines"][0]["speaker"] = "c".into();
    draft["mood"] = "upbeat".into();
    let fake = always(&draft.to_string());
    let episode = write(&fake, &english());
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 3);
    assert!(last_message(&bodies[1]).contains("unknown field `mood`"));
    offline_note(&episode);

    draft.as_object_mut().unwrap().remove("mood");
    let fake = always(&draft.to_string());
    write(&fake, &english());
    let bodies = fake.bodies();
    let revise = last_message(&bodies[1]);
    assert!(
        revise.contains("line 1: speaker `c` is not `a` or `b`"),
        "{revise}"
    );
}

#[test]
fn a_line_in_the_wrong_language_is_sent_back_and_the_revision_used() {
    let good = valid_draft(&chinese_article(), Language::ZhCn, 5.0);
    let mut bad = good.clone();
    let index = first_in(&bad, "background");
    *line_text(&mut bad, index) = ENGLISH_LINE.into();
    let (bad, good) = (bad.to_string(), good.to_string());
    let fake = first_then(&bad, &good);
    let episode = write(&fake, &chinese());

    assert_eq!(
        episode.writer.kind,
        WriterKind::Llm,
        "{:#?}",
        episode.writer
    );
    assert_eq!(episode.writer.model.as_deref(), Some(MODEL));
    assert_eq!(episode.writer.usage.unwrap().calls, 2);
    assert!(episode.lines.iter().all(|l| !l.text.contains("English")));
    assert!(episode.lines[0].text.contains("Norris"));

    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 2);
    let system = messages(&bodies[0])[0]["content"].as_str().unwrap();
    assert!(
        system.contains("程远") && system.contains("中文"),
        "{system}"
    );
    let revise = &revision_requests(&bodies, 1, &[&bad])[0];
    // The Chinese revision request, naming the line by its place in the draft's `lines`.
    assert!(revise.starts_with("这份草稿还不能用"), "{revise}");
    let expected = format!("- line {} is not in 中文: “This line", index + 1);
    assert!(revise.contains(&expected), "{revise}");
}

#[test]
fn a_draft_always_in_the_wrong_language_hands_over_to_the_offline_writer() {
    let mut bad = valid_draft(&chinese_article(), Language::ZhCn, 5.0);
    for line in bad["lines"].as_array_mut().unwrap() {
        line["text"] = format!("{ENGLISH_LINE} Goose Pod.").into();
    }
    let fake = always(&bad.to_string());
    let episode = write(&fake, &chinese());
    assert_eq!(fake.requests().len(), 3);
    let note = offline_note(&episode);
    assert!(note.contains("is not in 中文"), "{note}");
    // The offline writer's Chinese episode.
    assert_eq!(episode.language, Language::ZhCn);
    assert!(episode.lines.iter().all(|l| !l.text.contains(ENGLISH_LINE)));
}

#[test]
fn an_invented_number_is_named_in_the_revision_request() {
    let good = valid_draft(&english_article(), Language::EnUs, 5.0);
    let mut bad = good.clone();
    let index = first_in(&bad, "impact");
    let text = format!(
        "{} Prices fell 42% overnight.",
        line_text(&mut bad, index).as_str().unwrap()
    );
    *line_text(&mut bad, index) = text.into();
    let bad = bad.to_string();

    // Fixed in the revision: the model's episode.
    let fake = first_then(&bad, &good.to_string());
    let episode = write(&fake, &english());
    assert_eq!(
        episode.writer.kind,
        WriterKind::Llm,
        "{:#?}",
        episode.writer
    );
    assert!(episode.lines.iter().all(|l| !l.text.contains("42%")));
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 2);
    let revise = &revision_requests(&bodies, 1, &[&bad])[0];
    let expected = format!(
        "- line {} states `42%`, a number the article does not contain",
        index + 1
    );
    assert!(revise.contains(&expected), "{revise}");

    // Never fixed: the offline writer, saying why.
    let fake = always(&bad);
    let episode = write(&fake, &english());
    assert_eq!(fake.requests().len(), 3);
    let note = offline_note(&episode);
    assert!(note.contains("`42%`"), "{note}");
    for body in &fake.bodies()[1..] {
        assert!(last_message(body).contains("`42%`"));
    }
}

#[test]
fn an_invented_number_in_the_hook_is_caught() {
    let good = valid_draft(&english_article(), Language::EnUs, 5.0);
    let mut bad = good.clone();
    bad["hook"] = "A battery the size of 9000 homes just came online.".into();
    let fake = first_then(&bad.to_string(), &good.to_string());
    let episode = write(&fake, &english());
    assert_eq!(episode.writer.kind, WriterKind::Llm);
    let revise = last_message(&fake.bodies()[1]).to_string();
    assert!(revise.contains("the hook states `9000`"), "{revise}");
}

#[test]
fn markup_in_a_line_is_rejected() {
    let mut bad = valid_draft(&english_article(), Language::EnUs, 5.0);
    let first = first_in(&bad, "core_event");
    let later = first_in(&bad, "outlook");
    let text = format!(
        "**Big news.** {}",
        line_text(&mut bad, first).as_str().unwrap()
    );
    *line_text(&mut bad, first) = text.into();
    let text = format!(
        "<speak>{}</speak>",
        line_text(&mut bad, later).as_str().unwrap()
    );
    *line_text(&mut bad, later) = text.into();
    let fake = always(&bad.to_string());
    let episode = write(&fake, &english());
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 3);
    let revise = last_message(&bodies[1]);
    assert!(
        revise.contains(&format!("- line {} contains Markdown (`**`)", first + 1)),
        "{revise}"
    );
    assert!(
        revise.contains(&format!(
            "- line {} contains an HTML/SSML tag (`<speak>`)",
            later + 1
        )),
        "{revise}"
    );
    let note = offline_note(&episode);
    assert!(note.contains("Markdown"), "{note}");
    assert!(!episode.lines.iter().any(|l| l.text.contains("<speak>")));
}

#[test]
fn host_b_saying_goodbye_in_the_body_is_sent_back() {
    let mut bad = valid_draft(&english_article(), Language::EnUs, 5.0);
    let lines = bad["lines"].as_array_mut().unwrap();
    lines.push(serde_json::json!({
        "speaker": "b", "segment": "sign_off", "text": "Bye {listener}, see you tomorrow!"
    }));
    let count = lines.len();
    let fake = always(&bad.to_string());
    write(&fake, &english());
    let revise = last_message(&fake.bodies()[1]).to_string();
    assert!(
        revise.contains(&format!("line {count}: host B says goodbye")),
        "{revise}"
    );
}

#[test]
fn the_segment_names_the_prompt_uses_are_understood() {
    // The prompt lists the arc as core_event, background, key_conflict, impact, outlook,
    // sign_off, as the analysis names it; a model that writes lines that way is right.
    let mut draft = valid_draft(&english_article(), Language::EnUs, 5.0);
    let mut renamed = 0;
    for line in draft["lines"].as_array_mut().unwrap() {
        if line["segment"] == "conflict" {
            line["segment"] = "key_conflict".into();
            renamed += 1;
        }
    }
    assert!(renamed > 0);
    let fake = always(&draft.to_string());
    let episode = write(&fake, &english());
    let system = messages(&fake.bodies()[0])[0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(system.contains("key_conflict (the tension"), "{system}");
    assert_eq!(
        episode.writer.kind,
        WriterKind::Llm,
        "{:#?}",
        episode.writer
    );
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(
        episode
            .lines
            .iter()
            .filter(|l| l.segment == goosepod_core::Segment::Conflict)
            .count(),
        renamed
    );
}

#[test]
fn the_listeners_name_written_out_becomes_personal() {
    let placeholders = valid_draft(&english_article(), Language::EnUs, 5.0);
    let mut draft = placeholders.clone();
    for line in draft["lines"].as_array_mut().unwrap() {
        let text = line["text"]
            .as_str()
            .unwrap()
            .replace("{listener}", "Norris");
        line["text"] = text.into();
    }
    let fake = always(&draft.to_string());
    let episode = write(&fake, &english());
    assert_eq!(
        episode.writer.kind,
        WriterKind::Llm,
        "{:#?}",
        episode.writer
    );
    // The same lines turn to the listener as when the draft writes the placeholder.
    let drafted = placeholders["lines"].as_array().unwrap();
    let body = body_as_drafted(&episode.lines, "Norris", drafted);
    assert_eq!(body.len(), drafted.len());
    let mut personal = 0;
    for (line, drafted) in body.iter().zip(drafted) {
        let text = drafted["text"].as_str().unwrap();
        assert_eq!(line.text, text.replace("{listener}", "Norris"));
        assert_eq!(line.personal, text.contains("{listener}"), "{}", line.text);
        personal += usize::from(line.personal);
    }
    assert!(personal > 0);
}
