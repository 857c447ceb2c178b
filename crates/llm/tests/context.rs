//! What the model is asked once and what it is asked in parts: a written body is kept
//! for every listener of the story, and an article longer than the model's context is
//! condensed part by part before the draft.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use goosepod_core::{Episode, Language, Listener, WriterKind};
use goosepod_llm::{LlmConfig, ModelWriter};
use serde_json::Value;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, Request, ResponseTemplate};

/// The first words of the (English) condensing prompt.
const CONDENSE: &str = "Below is part ";

fn answer(content: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(completion(content))
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "goosepod-llm-{what}-{}-{nanos}",
            std::process::id()
        ));
        assert!(!dir.exists());
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(writer: &ModelWriter, listener: &Listener) -> Episode {
    writer
        .write(&english_article(), listener, hosts(Language::EnUs), at())
        .unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn one_story_is_written_once_for_every_listener() {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).respond_with(answer(
        &valid_draft(&english_article(), Language::EnUs, 5.0).to_string(),
    )));
    let cache = TempDir::new("cache");
    let config = fake.config();
    let writer = fake.writer(&config).with_cache(cache.path().to_path_buf());
    let norris = listener("Norris", Language::EnUs, "America/New_York");
    let ada = listener("Ada", Language::EnUs, "Europe/London");

    let first = write(&writer, &norris);
    let second = write(&writer, &ada);
    assert_eq!(
        fake.requests().len(),
        1,
        "one model call for both listeners"
    );
    for episode in [&first, &second] {
        assert_eq!(
            episode.writer.kind,
            WriterKind::Llm,
            "{:#?}",
            episode.writer
        );
        assert_eq!(episode.writer.model.as_deref(), Some(MODEL));
    }
    assert_eq!(first.writer.usage.map(|u| u.calls), Some(1));
    assert_eq!(
        second.writer.usage, None,
        "the second listener cost nothing"
    );

    // Each greeting and every personal line names its own listener only.
    assert!(first.lines[0].text.contains("Norris"));
    assert!(second.lines[0].text.contains("Ada"));
    for (episode, own, other) in [(&first, "Norris", "Ada"), (&second, "Ada", "Norris")] {
        assert_eq!(episode.listener.name, own);
        assert!(episode.lines.iter().all(|l| !l.text.contains(other)));
        let personal = episode.lines.iter().filter(|l| l.personal).count();
        let named = episode
            .lines
            .iter()
            .filter(|l| l.text.contains(own))
            .count();
        assert!(
            personal >= 4,
            "greeting, goodbye and body lines turn to {own}"
        );
        assert_eq!(named, personal);
    }
    // The story itself is the same.
    assert_eq!(first.title, second.title);
    let shared = |e: &Episode| -> Vec<String> {
        e.lines
            .iter()
            .filter(|l| !l.personal)
            .map(|l| l.text.clone())
            .collect()
    };
    assert_eq!(shared(&first), shared(&second));
    assert_eq!(first.lines.len(), second.lines.len());

    // Kept on disk, one finished file: a new writer on the same cache asks nothing.
    let files = files_in(cache.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(".json") && !files[0].starts_with('.'));
    let again = write(
        &fake.writer(&config).with_cache(cache.path().to_path_buf()),
        &ada,
    );
    assert_eq!(again.lines, second.lines);
    assert_eq!(fake.requests().len(), 1);

    // Another length is another body.
    let longer = Listener {
        minutes: 5.5,
        ..norris.clone()
    };
    write(&writer, &longer);
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(files_in(cache.path()).len(), 2);
}

#[test]
fn a_listener_named_like_words_of_the_article_gets_the_articles_words() {
    // `Al` is in `Alder`, `Marcus` is Marcus Lindqvist: the body written for them must
    // say the article's words to the next listener too, and turn to the listener only
    // where the draft does.
    let draft = valid_draft(&english_article(), Language::EnUs, 5.0);
    let texts: Vec<&str> = draft["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    for name in ["Al", "Marcus"] {
        assert!(texts.iter().any(|t| t.contains(name)), "{name}");
        let fake = Fake::start();
        fake.mount(Mock::given(method("POST")).respond_with(answer(&draft.to_string())));
        let cache = TempDir::new("names");
        let writer = fake
            .writer(&fake.config())
            .with_cache(cache.path().to_path_buf());
        let first = write(&writer, &listener(name, Language::EnUs, "UTC"));
        let ada = write(&writer, &listener("Ada", Language::EnUs, "UTC"));
        assert_eq!(fake.requests().len(), 1);
        for (episode, who) in [(&first, name), (&ada, "Ada")] {
            assert_eq!(
                episode.writer.kind,
                WriterKind::Llm,
                "{:#?}",
                episode.writer
            );
            let drafted = draft["lines"].as_array().unwrap();
            let body = body_as_drafted(&episode.lines, who, drafted);
            assert_eq!(body.len(), texts.len());
            for (line, text) in body.iter().zip(&texts) {
                assert_eq!(line.text, text.replace("{listener}", who), "{name}");
                assert_eq!(line.personal, text.contains("{listener}"), "{}", line.text);
            }
        }
    }
}

#[test]
fn a_cache_entry_that_cannot_be_read_is_written_again() {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).respond_with(answer(
        &valid_draft(&english_article(), Language::EnUs, 5.0).to_string(),
    )));
    let cache = TempDir::new("broken-cache");
    let config = fake.config();
    let writer = fake.writer(&config).with_cache(cache.path().to_path_buf());
    let norris = listener("Norris", Language::EnUs, "America/New_York");
    write(&writer, &norris);
    let files = files_in(cache.path());
    assert_eq!(files.len(), 1);
    std::fs::write(cache.path().join(&files[0]), "{ not a body").unwrap();
    let episode = write(&writer, &norris);
    assert_eq!(episode.writer.kind, WriterKind::Llm);
    assert_eq!(fake.requests().len(), 2);
}

/// Answers a condensing request with `Notes on part {i} of {n}.`
fn condense_reply(request: &Request) -> ResponseTemplate {
    let body: Value = request.body_json().unwrap();
    let (part, parts) = part_of(last_message(&body));
    answer(&format!("Notes on part {part} of {parts}."))
}

/// `(i, n)` from a condensing prompt `Below is part {i} of {n} …`.
fn part_of(prompt: &str) -> (usize, usize) {
    let rest = prompt.strip_prefix(CONDENSE).unwrap();
    let mut words = rest.split_whitespace();
    let part = words.next().unwrap().parse().unwrap();
    assert_eq!(words.next(), Some("of"));
    let parts = words.next().unwrap().parse().unwrap();
    (part, parts)
}

fn small_context(fake: &Fake) -> LlmConfig {
    LlmConfig {
        context_tokens: 3000,
        max_tokens: 500,
        ..fake.config()
    }
}

#[test]
fn a_long_article_is_condensed_before_the_draft() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .and(body_string_contains(CONDENSE))
            .respond_with(condense_reply)
            .with_priority(1),
    );
    let draft = valid_draft(&english_article(), Language::EnUs, 5.0);
    fake.mount(Mock::given(method("POST")).respond_with(answer(&draft.to_string())));
    let norris = listener("Norris", Language::EnUs, "America/New_York");
    let episode = write(&fake.writer(&small_context(&fake)), &norris);

    assert_eq!(
        episode.writer.kind,
        WriterKind::Llm,
        "{:#?}",
        episode.writer
    );
    assert!(
        episode
            .writer
            .notes
            .iter()
            .any(|n| n.contains("condensed first")),
        "{:#?}",
        episode.writer.notes
    );
    let bodies = fake.bodies();
    let (draft_request, condensing) = bodies.split_last().unwrap();
    let parts = condensing.len();
    assert!(parts >= 2, "{parts} condensing calls");
    assert_eq!(episode.writer.usage.unwrap().calls as usize, parts + 1);

    // Part by part, in order, without a schema; together they are the whole article.
    let mut chunks = Vec::new();
    for (i, body) in condensing.iter().enumerate() {
        assert!(body.get("response_format").is_none(), "{body}");
        assert_eq!(messages(body).len(), 1);
        let prompt = last_message(body);
        assert_eq!(part_of(prompt), (i + 1, parts), "{prompt}");
        let (_, chunk) = prompt.split_once("\n\n").unwrap();
        chunks.push(chunk.trim().to_string());
    }
    let article = english_article();
    let paragraphs: Vec<&str> = article
        .text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(chunks.join("\n\n"), paragraphs.join("\n\n"));

    // The draft is written from the notes, said to be notes.
    assert_eq!(draft_request["response_format"]["type"], "json_schema");
    let user = messages(draft_request)[1]["content"].as_str().unwrap();
    let notes: Vec<String> = (1..=parts)
        .map(|i| format!("Notes on part {i} of {parts}."))
        .collect();
    assert!(user.contains(&notes.join("\n\n")), "{user}");
    assert!(user.contains("condensed notes"), "{user}");
    assert!(!user.contains(paragraphs[1]), "{user}");
}

#[test]
fn an_article_that_fits_is_not_condensed() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .and(body_string_contains(CONDENSE))
            .respond_with(condense_reply)
            .with_priority(1),
    );
    let draft = valid_draft(&english_article(), Language::EnUs, 5.0);
    fake.mount(Mock::given(method("POST")).respond_with(answer(&draft.to_string())));
    let norris = listener("Norris", Language::EnUs, "America/New_York");
    let episode = write(&fake.writer(&fake.config()), &norris);
    assert_eq!(episode.writer.kind, WriterKind::Llm);
    assert!(!episode.writer.notes.iter().any(|n| n.contains("condensed")));
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 1);
    let user = messages(&bodies[0])[1]["content"].as_str().unwrap();
    assert!(user.contains(&english_article().text));
}

#[test]
fn a_failed_condensing_call_hands_over_to_the_offline_writer() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("overloaded")),
    );
    let norris = listener("Norris", Language::EnUs, "America/New_York");
    let config = small_context(&fake);
    let episode = write(&fake.writer(&config), &norris);
    assert_eq!(episode.writer.kind, WriterKind::Offline);
    let note = &episode.writer.notes[0];
    assert!(
        note.contains("condensing the long article failed"),
        "{note}"
    );
    assert!(note.contains("503"), "{note}");
    assert_eq!(fake.requests().len(), config.max_attempts as usize);
}
