//! Helpers shared by the model writer's integration tests: a fake chat-completions
//! server, the settings that reach it, sample articles, and drafts made from the offline
//! writer's bodies (which pass every check).
//!
//! The server runs on its own tokio runtime; the client is synchronous and is called from
//! the test's own thread, outside that runtime.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use goosepod_core::{Article, HostPair, Language, Line, Listener, Section};
use goosepod_llm::{ChatClient, LlmConfig, ModelWriter};
use goosepod_write::Body;
use jiff::Timestamp;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request};

/// The model the fake server plays.
pub const MODEL: &str = "fake-writer-1";

/// The variable that holds the test key (set once, before any client reads it).
pub const KEY_ENV: &str = "GOOSEPOD_LLM_TEST_KEY";

/// The key in [`KEY_ENV`].
pub const KEY: &str = "sk-test-8f2c1e9a77d04b6e";

/// A variable no test sets.
pub const NO_KEY_ENV: &str = "GOOSEPOD_LLM_TEST_KEY_NEVER_SET";

/// Tokens the fake server reports for every call.
pub const PROMPT_TOKENS: u64 = 1234;
pub const COMPLETION_TOKENS: u64 = 567;

/// The example instant: 02:14 on Tuesday 16 December in Shanghai.
pub fn at() -> Timestamp {
    "2025-12-15T18:14:00Z".parse().unwrap()
}

/// Sets [`KEY_ENV`] exactly once. Every test reaches this (through [`Fake::config`])
/// before it builds a client, so no other thread reads the environment while it changes.
pub fn set_key() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // SAFETY: runs once, before any test in this binary builds a client or reads the
        // environment: every test calls it first and waits here until it is done.
        unsafe { std::env::set_var(KEY_ENV, KEY) };
    });
}

/// A fake OpenAI-compatible server.
pub struct Fake {
    pub server: MockServer,
    pub runtime: tokio::runtime::Runtime,
}

impl Fake {
    pub fn start() -> Fake {
        set_key();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        Fake { server, runtime }
    }

    pub fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.server));
    }

    /// Every request the server received, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.runtime
            .block_on(self.server.received_requests())
            .unwrap()
    }

    /// The JSON bodies of every request.
    pub fn bodies(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .map(|r| r.body_json::<Value>().unwrap())
            .collect()
    }

    /// Settings for the fake: no streaming, the test key, short timeouts.
    pub fn config(&self) -> LlmConfig {
        set_key();
        LlmConfig {
            base_url: format!("{}/v1/", self.server.uri()),
            model: MODEL.into(),
            api_key_env: KEY_ENV.into(),
            temperature: 0.4,
            max_tokens: 3000,
            timeout_s: 10.0,
            max_attempts: 3,
            stream: false,
            context_tokens: 32_000,
        }
    }

    /// A writer for `config` whose client backs off for milliseconds only.
    pub fn writer(&self, config: &LlmConfig) -> ModelWriter {
        let client = ChatClient::new(config)
            .unwrap()
            .with_backoff(Duration::from_millis(5));
        ModelWriter::new(config).unwrap().with_client(client)
    }
}

/// A sample page from `samples/`, extracted.
pub fn sample(name: &str) -> Article {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "samples", name]
        .iter()
        .collect();
    let loaded = goosepod_ingest::source::load_file(&path, 10 * 1024 * 1024).unwrap();
    goosepod_ingest::extract(&loaded.bytes, None, loaded.content_type.as_deref()).unwrap()
}

/// The English sample.
pub fn english_article() -> Article {
    sample("en-harbor-battery.html")
}

/// The Chinese sample.
pub fn chinese_article() -> Article {
    sample("zh-rail-line.html")
}

/// A listener called `name` in `zone` who speaks `language` (five-minute episodes).
pub fn listener(name: &str, language: Language, zone: &str) -> Listener {
    let mut listener = Listener::for_language(language);
    listener.name = name.into();
    listener.timezone = zone.into();
    listener
}

/// The built-in host pair for `language`.
pub fn hosts(language: Language) -> &'static HostPair {
    HostPair::builtin_for(language)
}

/// A draft that passes every check: the offline writer's body for `article` in the
/// shape the model is asked to write.
pub fn valid_draft(article: &Article, language: Language, minutes: f64) -> Value {
    let body = goosepod_write::write_body(article, language, hosts(language), minutes).unwrap();
    assert_eq!(
        body.language, language,
        "the sample is in the wrong language"
    );
    draft_from_body(&body)
}

/// `body` as the model's JSON: `{listener}` where the listener's name goes, segments by
/// name, only host A in `sign_off`.
pub fn draft_from_body(body: &Body) -> Value {
    let section = |section: Section| {
        body.analysis
            .iter()
            .find(|a| a.section == section)
            .map(|a| a.text.clone())
            .unwrap()
    };
    let lines: Vec<Value> = body
        .lines
        .iter()
        .map(|line| {
            json!({
                "speaker": line.speaker.as_str(),
                "segment": line.segment.as_str(),
                "text": line.pieces.join("{listener}"),
            })
        })
        .collect();
    json!({
        "title": body.title,
        "summary": body.summary,
        "tags": body.tags,
        "hook": body.hook,
        "analysis": {
            "core_event": section(Section::CoreEvent),
            "background": section(Section::Background),
            "key_conflict": section(Section::Conflict),
            "impact": section(Section::Impact),
            "outlook": section(Section::Outlook),
        },
        "lines": lines,
    })
}

/// The text of line `index` (from 0) of `draft`.
pub fn line_text(draft: &mut Value, index: usize) -> &mut Value {
    &mut draft["lines"][index]["text"]
}

/// The index of the first line of `draft` in `segment`.
pub fn first_in(draft: &Value, segment: &str) -> usize {
    draft["lines"]
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l["segment"] == segment)
        .unwrap()
}

/// A non-streamed chat completion answering `content`.
pub fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_765_822_440,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content },
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": COMPLETION_TOKENS,
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS
        }
    })
}

/// A server-sent event stream answering `content` in `pieces` deltas, then a usage
/// chunk and `[DONE]`.
pub fn event_stream(content: &str, pieces: usize) -> String {
    let chars: Vec<char> = content.chars().collect();
    let size = chars.len().div_ceil(pieces).max(1);
    let mut out = String::new();
    let mut event = |value: Value| {
        out.push_str("data: ");
        out.push_str(&value.to_string());
        out.push_str("\n\n");
    };
    event(json!({
        "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": MODEL,
        "choices": [{
            "index": 0, "delta": { "role": "assistant", "content": "" }, "finish_reason": null
        }]
    }));
    for piece in chars.chunks(size) {
        let piece: String = piece.iter().collect();
        event(json!({
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": MODEL,
            "choices": [{ "index": 0, "delta": { "content": piece }, "finish_reason": null }]
        }));
    }
    event(json!({
        "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": MODEL,
        "choices": [{ "index": 0, "delta": {}, "finish_reason": "stop" }]
    }));
    event(json!({
        "id": "chatcmpl-test", "object": "chat.completion.chunk", "model": MODEL,
        "choices": [],
        "usage": {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": COMPLETION_TOKENS,
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS
        }
    }));
    out.push_str("data: [DONE]\n\n");
    out
}

/// The messages of a request body.
pub fn messages(body: &Value) -> &Vec<Value> {
    body["messages"].as_array().unwrap()
}

/// The content of the last message of a request body.
pub fn last_message(body: &Value) -> &str {
    messages(body).last().unwrap()["content"].as_str().unwrap()
}

/// The `Authorization` header of a request, if any.
pub fn authorization(request: &Request) -> Option<String> {
    request
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
}

/// An episode's body (between the greeting and the goodbye) as the draft's lines for
/// `name`. The writer gives what follows an address a line of its own; such a pair is
/// joined again here.
pub fn body_as_drafted(lines: &[Line], name: &str, drafted: &[Value]) -> Vec<Line> {
    let body_start = lines
        .iter()
        .position(|line| line.segment != goosepod_core::Segment::Greeting)
        .expect("a body");
    let mut body = lines[body_start..lines.len() - 1].iter().peekable();
    let mut out = Vec::new();
    for drafted in drafted {
        let expected = drafted["text"]
            .as_str()
            .unwrap()
            .replace("{listener}", name);
        let Some(line) = body.next() else { break };
        let joined = body.peek().and_then(|next| {
            let rest = expected.strip_prefix(line.text.as_str())?;
            (line.personal && !next.personal && rest.trim_start() == next.text).then_some(())
        });
        if joined.is_some() {
            body.next();
            out.push(Line::new(line.speaker, line.segment, expected, true));
        } else {
            out.push(line.clone());
        }
    }
    out.extend(body.cloned());
    out
}
