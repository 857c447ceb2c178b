//! The chat protocol against a fake OpenAI-compatible server: plain and streamed replies,
//! the key, retries on 429 and 5xx, timeouts, and servers without structured output.

mod common;
use common::*;

use std::time::{Duration, Instant};

use goosepod_core::{Episode, Language, Segment, WriterKind};
use goosepod_llm::{ChatClient, LlmConfig, LlmError, Message, ModelWriter};
use serde_json::Value;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

const ENDPOINT: &str = "/v1/chat/completions";

/// The English sample's valid draft, as the text a model answers.
fn english_draft() -> String {
    valid_draft(&english_article(), Language::EnUs, 5.0).to_string()
}

fn norris() -> goosepod_core::Listener {
    listener("Norris", Language::EnUs, "America/New_York")
}

fn write(fake: &Fake, config: &LlmConfig) -> Episode {
    let listener = norris();
    fake.writer(config)
        .write(&english_article(), &listener, hosts(Language::EnUs), at())
        .unwrap()
}

fn answer(content: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(completion(content))
}

/// The model wrote the episode: its name, the draft's title, the listener greeted, the
/// tokens counted over `calls` calls.
fn assert_model_episode(episode: &Episode, draft: &Value, calls: u32) {
    assert_eq!(
        episode.writer.kind,
        WriterKind::Llm,
        "{:#?}",
        episode.writer
    );
    assert_eq!(episode.writer.model.as_deref(), Some(MODEL));
    assert_eq!(episode.title, draft["title"].as_str().unwrap());
    assert_eq!(episode.summary, draft["summary"].as_str().unwrap());
    let usage = episode.writer.usage.expect("usage is recorded");
    assert_eq!(usage.calls, calls);
    assert_eq!(usage.prompt_tokens, PROMPT_TOKENS * calls as u64);
    assert_eq!(usage.completion_tokens, COMPLETION_TOKENS * calls as u64);
    assert!(usage.seconds > 0.0);
    // Greeting (A, then B, then the hook), the draft's lines, B's goodbye.
    let lines = draft["lines"].as_array().unwrap();
    assert!(episode.lines[0].text.contains("Norris"));
    assert_eq!(episode.lines[2].text, draft["hook"].as_str().unwrap());
    let body = body_as_drafted(&episode.lines, "Norris", lines);
    assert_eq!(body.len(), lines.len());
    for (line, drafted) in body.iter().zip(lines) {
        assert_eq!(
            line.text,
            drafted["text"]
                .as_str()
                .unwrap()
                .replace("{listener}", "Norris")
        );
        assert_eq!(line.segment.as_str(), drafted["segment"].as_str().unwrap());
    }
    let last = episode.lines.last().unwrap();
    assert_eq!(last.segment, Segment::SignOff);
    assert!(last.text.contains("Norris"));
    assert!(
        !episode.writer.notes.iter().any(|n| n.contains("offline")),
        "{:#?}",
        episode.writer.notes
    );
}

/// The request asked for the draft properly: the model, the system and user prompts,
/// structured output with the draft's schema, and the key.
fn assert_draft_request(request: &wiremock::Request, stream: bool) {
    assert_eq!(request.url.path(), ENDPOINT);
    assert_eq!(
        authorization(request).as_deref(),
        Some(&*format!("Bearer {KEY}"))
    );
    let body: Value = request.body_json().unwrap();
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["stream"], stream);
    assert_eq!(body["max_tokens"], 3000);
    let messages = messages(&body);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["role"], "system");
    assert_eq!(messages[1]["role"], "user");
    let system = messages[0]["content"].as_str().unwrap();
    assert!(system.contains(&hosts(Language::EnUs).show), "{system}");
    assert!(system.contains(&hosts(Language::EnUs).hosts[0].name));
    let user = messages[1]["content"].as_str().unwrap();
    assert!(user.contains("Norris"), "{user}");
    let article = english_article();
    assert!(user.contains(article.title.as_deref().unwrap()));
    assert!(user.contains(article.text.lines().next().unwrap()));
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "episode_draft"
    );
    assert_eq!(
        body["response_format"]["json_schema"]["schema"],
        goosepod_llm::draft::schema()
    );
    if stream {
        assert_eq!(body["stream_options"]["include_usage"], true);
    } else {
        assert!(body.get("stream_options").is_none());
    }
}

#[test]
fn a_valid_draft_becomes_the_models_episode() {
    let fake = Fake::start();
    let content = english_draft();
    fake.mount(
        Mock::given(method("POST"))
            .and(path(ENDPOINT))
            .respond_with(answer(&content)),
    );
    let episode = write(&fake, &fake.config());
    assert_model_episode(&episode, &serde_json::from_str(&content).unwrap(), 1);
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_draft_request(&requests[0], false);
    episode.validate().unwrap();
}

#[test]
fn a_streamed_draft_is_put_together_from_its_deltas() {
    let fake = Fake::start();
    let content = english_draft();
    let stream = event_stream(&content, 7);
    assert!(stream.matches("\"delta\":{\"content\"").count() >= 7);
    fake.mount(
        Mock::given(method("POST"))
            .and(path(ENDPOINT))
            .respond_with(ResponseTemplate::new(200).set_body_raw(stream, "text/event-stream")),
    );
    let config = LlmConfig {
        stream: true,
        ..fake.config()
    };
    let episode = write(&fake, &config);
    assert_model_episode(&episode, &serde_json::from_str(&content).unwrap(), 1);
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_draft_request(&requests[0], true);
}

#[test]
fn a_stream_that_ends_without_content_is_an_error() {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).respond_with(
        ResponseTemplate::new(200).set_body_raw(": keep-alive\n\n", "text/event-stream"),
    ));
    let config = LlmConfig {
        stream: true,
        max_attempts: 2,
        ..fake.config()
    };
    let client = ChatClient::new(&config)
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    let error = client.chat(&[Message::user("hello")], None).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("ended before the reply was complete"),
        "{error}"
    );
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn the_key_goes_as_a_bearer_token() {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).respond_with(answer("Hello.")));
    let client = ChatClient::new(&fake.config()).unwrap();
    let reply = client
        .chat(&[Message::system("Be brief."), Message::user("Hi")], None)
        .unwrap();
    assert_eq!(reply.content, "Hello.");
    assert_eq!(reply.usage.prompt_tokens, PROMPT_TOKENS);
    assert_eq!(reply.usage.completion_tokens, COMPLETION_TOKENS);
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        authorization(&requests[0]).as_deref(),
        Some(&*format!("Bearer {KEY}"))
    );
    let body: Value = requests[0].body_json().unwrap();
    // Without a schema, no structured output is asked for.
    assert!(body.get("response_format").is_none());
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Hi");
}

#[test]
fn without_a_key_no_authorization_is_sent() {
    let fake = Fake::start();
    assert!(std::env::var_os(NO_KEY_ENV).is_none());
    fake.mount(Mock::given(method("POST")).respond_with(answer("Hello.")));
    let config = LlmConfig {
        api_key_env: NO_KEY_ENV.into(),
        ..fake.config()
    };
    let client = ChatClient::new(&config).unwrap();
    client.chat(&[Message::user("Hi")], None).unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(authorization(&requests[0]), None);
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let fake = Fake::start();
    let config = fake.config();
    let client = ChatClient::new(&config).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
    assert!(shown.contains(MODEL), "{shown}");
    let writer = ModelWriter::new(&config).unwrap();
    let shown = format!("{writer:?} {writer:#?}");
    assert!(!shown.contains(KEY), "{shown}");
    // The settings name the variable, never its value.
    assert!(!format!("{config:?}").contains(KEY));
}

#[test]
fn too_many_requests_waits_as_told_and_asks_again() {
    let fake = Fake::start();
    let content = english_draft();
    fake.mount(
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "0")
                    .set_body_string(r#"{"error":{"message":"slow down"}}"#),
            )
            .up_to_n_times(1)
            .with_priority(1),
    );
    fake.mount(Mock::given(method("POST")).respond_with(answer(&content)));
    // A long backoff that Retry-After: 0 must override.
    let config = fake.config();
    let client = ChatClient::new(&config)
        .unwrap()
        .with_backoff(Duration::from_secs(30));
    let writer = ModelWriter::new(&config).unwrap().with_client(client);
    let started = Instant::now();
    let episode = writer
        .write(&english_article(), &norris(), hosts(Language::EnUs), at())
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_model_episode(&episode, &serde_json::from_str(&content).unwrap(), 1);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
}

#[test]
fn a_server_that_keeps_failing_hands_over_to_the_offline_writer() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded")),
    );
    let config = fake.config();
    let episode = write(&fake, &config);
    assert_eq!(fake.requests().len(), config.max_attempts as usize);
    assert_eq!(episode.writer.kind, WriterKind::Offline);
    assert_eq!(episode.writer.model, None);
    let note = &episode.writer.notes[0];
    assert!(note.contains(MODEL), "{note}");
    assert!(note.contains("offline writer"), "{note}");
    assert!(note.contains("500"), "{note}");
    assert!(note.contains("upstream exploded"), "{note}");
    assert!(note.contains("after 3 attempts"), "{note}");
    // The offline writer's own episode, for the same listener.
    let offline =
        goosepod_write::write(&english_article(), &norris(), hosts(Language::EnUs), at()).unwrap();
    assert_eq!(episode.lines, offline.lines);
    assert_eq!(episode.writer.usage, None);
}

#[test]
fn a_client_error_is_not_retried() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_string("bad key")),
    );
    let client = ChatClient::new(&fake.config())
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    let error = client.chat(&[Message::user("Hi")], None).unwrap_err();
    assert!(
        matches!(error, LlmError::Status { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_server_too_slow_to_answer_hands_over_to_the_offline_writer() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .respond_with(answer(&english_draft()).set_delay(Duration::from_secs(3))),
    );
    let config = LlmConfig {
        timeout_s: 0.5,
        max_attempts: 2,
        ..fake.config()
    };
    let started = Instant::now();
    let episode = write(&fake, &config);
    let elapsed = started.elapsed();
    // Two attempts of 0.5 s each, not the 3 s the server takes.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(episode.writer.kind, WriterKind::Offline);
    let note = &episode.writer.notes[0];
    assert!(note.contains(MODEL), "{note}");
    assert!(note.contains("did not answer within 0.5 s"), "{note}");
    assert!(note.contains("after 2 attempts"), "{note}");
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn a_server_without_structured_output_is_asked_for_json_in_text() {
    let fake = Fake::start();
    let content = english_draft();
    fake.mount(
        Mock::given(method("POST"))
            .and(body_partial_json(
                serde_json::json!({ "response_format": { "type": "json_schema" } }),
            ))
            .respond_with(
                ResponseTemplate::new(400)
                    .set_body_string(r#"{"error":{"message":"response_format is not supported"}}"#),
            )
            .with_priority(1),
    );
    let fenced = format!("Here is the episode:\n\n```json\n{content}\n```\n");
    fake.mount(Mock::given(method("POST")).respond_with(answer(&fenced)));
    let episode = write(&fake, &fake.config());
    assert_model_episode(&episode, &serde_json::from_str(&content).unwrap(), 1);
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["response_format"]["type"], "json_schema");
    assert!(bodies[1].get("response_format").is_none(), "{}", bodies[1]);
    // The schema is still in the prompt.
    let system = messages(&bodies[1])[0]["content"].as_str().unwrap();
    assert!(
        system.contains("\"additionalProperties\":false"),
        "{system}"
    );
    assert_eq!(messages(&bodies[0]), messages(&bodies[1]));
}

#[test]
fn once_refused_structured_output_is_not_asked_for_again() {
    let fake = Fake::start();
    fake.mount(
        Mock::given(method("POST"))
            .and(body_partial_json(
                serde_json::json!({ "response_format": { "type": "json_schema" } }),
            ))
            .respond_with(
                ResponseTemplate::new(400).set_body_string("response_format: unsupported type"),
            )
            .with_priority(1),
    );
    fake.mount(Mock::given(method("POST")).respond_with(answer("{\"ok\": true}")));
    let client = ChatClient::new(&fake.config()).unwrap();
    let schema = serde_json::json!({ "type": "object" });
    let with = || goosepod_llm::client::Schema {
        name: "probe",
        schema: &schema,
    };
    assert_eq!(
        client
            .chat(&[Message::user("a")], Some(with()))
            .unwrap()
            .content,
        "{\"ok\": true}"
    );
    client.chat(&[Message::user("b")], Some(with())).unwrap();
    let bodies = fake.bodies();
    assert_eq!(bodies.len(), 3);
    assert!(bodies[0].get("response_format").is_some());
    assert!(bodies[1].get("response_format").is_none());
    assert!(bodies[2].get("response_format").is_none());
}

#[test]
fn settings_that_cannot_work_are_refused() {
    let ok = LlmConfig {
        base_url: "http://127.0.0.1:9/v1".into(),
        api_key_env: NO_KEY_ENV.into(),
        ..LlmConfig::default()
    };
    assert!(ChatClient::new(&ok).is_ok());
    for config in [
        LlmConfig {
            base_url: "not a url".into(),
            ..ok.clone()
        },
        LlmConfig {
            base_url: "ftp://example.com/v1".into(),
            ..ok.clone()
        },
        LlmConfig {
            model: "  ".into(),
            ..ok.clone()
        },
        LlmConfig {
            timeout_s: 0.0,
            ..ok.clone()
        },
        LlmConfig {
            timeout_s: f64::NAN,
            ..ok.clone()
        },
    ] {
        let error = ChatClient::new(&config).unwrap_err();
        assert!(
            matches!(error, LlmError::Config(_)),
            "{config:?}: {error:?}"
        );
    }
    let client = ChatClient::new(&LlmConfig {
        base_url: "http://127.0.0.1:9/v1/".into(),
        ..ok
    })
    .unwrap();
    assert_eq!(client.url(), "http://127.0.0.1:9/v1/chat/completions");
}

#[test]
fn a_bad_request_about_something_else_is_not_blamed_on_structured_output() {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).respond_with(
        ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"message":"This model's maximum context length is 8192 tokens"}}"#,
        ),
    ));
    let client = ChatClient::new(&fake.config()).unwrap();
    let schema = serde_json::json!({ "type": "object" });
    let error = client
        .chat(
            &[Message::user("a")],
            Some(goosepod_llm::client::Schema {
                name: "probe",
                schema: &schema,
            }),
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("maximum context length"),
        "{error}"
    );
    assert_eq!(fake.requests().len(), 1, "a 400 is not retried");
}
