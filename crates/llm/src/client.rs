//! One client for every OpenAI-compatible chat-completions API (OpenAI, Gemini's and
//! DeepSeek's compatible endpoints, Qwen/DashScope, Ollama, llama.cpp's `llama-server`,
//! vLLM): timeouts, retries with backoff on 429/5xx honouring `Retry-After`, streaming,
//! and structured output through `response_format` where the server has it.

use std::fmt;
use std::io::{BufRead as _, BufReader};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::LlmError;

/// The longest wait a `Retry-After` header may ask for; longer requests are capped.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How the model is reached: the `[llm]` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// The API's base URL, up to `/v1` (`https://api.openai.com/v1`,
    /// `http://127.0.0.1:8080/v1` for llama-server, `http://127.0.0.1:11434/v1` for Ollama).
    pub base_url: String,
    /// The model's name as the server knows it.
    pub model: String,
    /// The environment variable holding the API key, sent as a Bearer token; no key is
    /// fine for local servers. The key itself is never stored in settings or logged.
    pub api_key_env: String,
    /// Sampling temperature.
    pub temperature: f32,
    /// Most tokens one reply may have.
    pub max_tokens: u32,
    /// Longest one request may take, in seconds.
    pub timeout_s: f64,
    /// Attempts per request on 429, 5xx, timeouts and connection failures.
    pub max_attempts: u32,
    /// Receive replies as a stream of server-sent events.
    pub stream: bool,
    /// The model's context window, in tokens: longer articles are condensed first.
    pub context_tokens: usize,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            base_url: "https://api.openai.com/v1".into(),
            model: "gpt-4o-mini".into(),
            api_key_env: "OPENAI_API_KEY".into(),
            temperature: 0.7,
            max_tokens: 4096,
            timeout_s: 180.0,
            max_attempts: 3,
            stream: true,
            context_tokens: 16_384,
        }
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: &'static str,
    /// The text.
    pub content: String,
}

impl Message {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: "system",
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: "user",
            content: content.into(),
        }
    }

    /// The model's own earlier reply.
    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: "assistant",
            content: content.into(),
        }
    }
}

/// Tokens a call used, as the server reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens in the request.
    pub prompt_tokens: u64,
    /// Tokens in the reply.
    pub completion_tokens: u64,
}

/// A model's reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The text.
    pub content: String,
    /// Tokens used (zero when the server does not say).
    pub usage: Usage,
    /// Wall time of the call, retries included.
    pub seconds: f64,
}

/// A JSON schema the reply must follow.
#[derive(Debug, Clone, Copy)]
pub struct Schema<'a> {
    /// Its name (letters, digits, `_`).
    pub name: &'a str,
    /// The schema.
    pub schema: &'a Value,
}

/// The chat-completions client.
pub struct ChatClient {
    http: Client,
    url: String,
    model: String,
    api_key: Option<HeaderValue>,
    config: LlmConfig,
    backoff: Duration,
    /// Cleared when the server refuses `response_format`: the schema then goes in the
    /// prompt only, and the reply is parsed from text.
    schema_supported: AtomicBool,
}

impl fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatClient")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether another may succeed.
struct Failure {
    error: LlmError,
    retry: bool,
    retry_after: Option<Duration>,
}

impl ChatClient {
    /// A client for the API in `config`, its key read from the variable it names.
    pub fn new(config: &LlmConfig) -> Result<ChatClient, LlmError> {
        let base = config.base_url.trim().trim_end_matches('/');
        let parsed = reqwest::Url::parse(base)
            .map_err(|e| LlmError::Config(format!("base URL `{base}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(LlmError::Config(format!(
                "base URL `{base}` must be http or https"
            )));
        }
        if config.model.trim().is_empty() {
            return Err(LlmError::Config("no model named".into()));
        }
        if !(config.timeout_s.is_finite() && config.timeout_s > 0.0) {
            return Err(LlmError::Config(format!(
                "timeout_s must be positive, not {}",
                config.timeout_s
            )));
        }
        let api_key = match std::env::var(config.api_key_env.trim()) {
            Ok(key) if !key.trim().is_empty() => {
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {}", key.trim())).map_err(|_| {
                        LlmError::Config(format!(
                            "the key in ${} is not a valid header value",
                            config.api_key_env
                        ))
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            _ => None,
        };
        let http = Client::builder()
            .timeout(Duration::from_secs_f64(config.timeout_s))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("goosepod/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(ChatClient {
            http,
            url: format!("{base}/chat/completions"),
            model: config.model.trim().to_string(),
            api_key,
            config: config.clone(),
            backoff: Duration::from_millis(500),
            schema_supported: AtomicBool::new(true),
        })
    }

    /// The same client with another first backoff (tests use milliseconds).
    pub fn with_backoff(mut self, first: Duration) -> ChatClient {
        self.backoff = first;
        self
    }

    /// The model's name.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The endpoint called.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends `messages`; with a `schema`, asks for JSON following it.
    pub fn chat(
        &self,
        messages: &[Message],
        schema: Option<Schema<'_>>,
    ) -> Result<Reply, LlmError> {
        let started = Instant::now();
        let mut body = json!({
            "model": self.model,
            "messages": messages,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
            "stream": self.config.stream,
        });
        if self.config.stream {
            body["stream_options"] = json!({ "include_usage": true });
        }
        let with_schema = schema.filter(|_| self.schema_supported.load(Ordering::Relaxed));
        if let Some(schema) = with_schema {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": { "name": schema.name, "schema": schema.schema, "strict": true },
            });
        }
        let mut delay = self.backoff;
        let mut attempt = 1;
        loop {
            match self.attempt(&body) {
                Ok((content, usage)) => {
                    return Ok(Reply {
                        content,
                        usage,
                        seconds: started.elapsed().as_secs_f64(),
                    });
                }
                // A server without structured output says 400: ask again without it.
                Err(Failure {
                    error:
                        LlmError::Status {
                            status: 400,
                            body: ref reply,
                            ..
                        },
                    ..
                }) if body.get("response_format").is_some() && mentions_schema(reply) => {
                    tracing::warn!(url = %self.url, "the server refused response_format; asking for JSON in text");
                    self.schema_supported.store(false, Ordering::Relaxed);
                    body.as_object_mut().map(|b| b.remove("response_format"));
                }
                Err(failure) if !failure.retry || attempt >= self.config.max_attempts.max(1) => {
                    return Err(if attempt > 1 {
                        LlmError::GaveUp {
                            attempts: attempt,
                            last: Box::new(failure.error),
                        }
                    } else {
                        failure.error
                    });
                }
                Err(failure) => {
                    let wait = failure.retry_after.unwrap_or(delay);
                    tracing::warn!(
                        url = %self.url,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "model request failed, retrying: {}",
                        failure.error
                    );
                    std::thread::sleep(wait);
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
            }
        }
    }

    fn attempt(&self, body: &Value) -> Result<(String, Usage), Failure> {
        let mut request = self.http.post(&self.url).json(body);
        if let Some(key) = &self.api_key {
            request = request.header(AUTHORIZATION, key.clone());
        }
        let response = request.send().map_err(|e| self.transport(&e))?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = retry_after(&response);
            let text = response.text().unwrap_or_default();
            return Err(Failure {
                error: LlmError::Status {
                    url: self.url.clone(),
                    status: status.as_u16(),
                    body: excerpt(&text),
                },
                retry: status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
                retry_after,
            });
        }
        let streamed = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if streamed {
            self.read_stream(response)
        } else {
            let text = response.text().map_err(|e| self.transport(&e))?;
            let reply: Value = serde_json::from_str(&text).map_err(|e| {
                self.invalid(format!("the reply is not JSON ({e}): {}", excerpt(&text)))
            })?;
            let content = reply["choices"][0]["message"]["content"]
                .as_str()
                .ok_or_else(|| {
                    self.invalid(format!(
                        "the reply has no message content: {}",
                        excerpt(&text)
                    ))
                })?;
            Ok((content.to_string(), usage(&reply["usage"])))
        }
    }

    /// Reads a server-sent event stream: `data: {chunk}` lines until `data: [DONE]`.
    fn read_stream(&self, response: Response) -> Result<(String, Usage), Failure> {
        let mut content = String::new();
        let mut used = Usage::default();
        let mut done = false;
        let mut finished = false;
        for line in BufReader::new(response).lines() {
            let line = line.map_err(|e| Failure {
                error: LlmError::Unreachable {
                    url: self.url.clone(),
                    message: format!("the reply stream broke off: {e}"),
                },
                retry: true,
                retry_after: None,
            })?;
            let Some(data) = line.strip_prefix("data:").map(str::trim) else {
                continue;
            };
            if data == "[DONE]" {
                done = true;
                break;
            }
            let chunk: Value = serde_json::from_str(data).map_err(|e| {
                self.invalid(format!(
                    "a stream event is not JSON ({e}): {}",
                    excerpt(data)
                ))
            })?;
            if let Some(error) = chunk.get("error") {
                return Err(Failure {
                    error: self
                        .invalid(format!("the server reported an error mid-stream: {error}"))
                        .error,
                    retry: true,
                    retry_after: None,
                });
            }
            if let Some(piece) = chunk["choices"][0]["delta"]["content"].as_str() {
                content.push_str(piece);
            }
            if chunk["choices"][0]["finish_reason"].is_string() {
                finished = true;
            }
            if chunk["usage"].is_object() {
                used = usage(&chunk["usage"]);
            }
        }
        // A stream that stops without `[DONE]` or a finish reason was cut off.
        if !done && !finished {
            return Err(Failure {
                error: LlmError::Unreachable {
                    url: self.url.clone(),
                    message: "the reply stream ended before the reply was complete".into(),
                },
                retry: true,
                retry_after: None,
            });
        }
        Ok((content, used))
    }

    fn transport(&self, e: &reqwest::Error) -> Failure {
        let error = if e.is_timeout() {
            LlmError::Timeout {
                url: self.url.clone(),
                seconds: self.config.timeout_s,
            }
        } else {
            LlmError::Unreachable {
                url: self.url.clone(),
                message: error_chain(e),
            }
        };
        Failure {
            error,
            retry: e.is_timeout() || e.is_connect() || e.is_request() || e.is_body(),
            retry_after: None,
        }
    }

    fn invalid(&self, message: String) -> Failure {
        Failure {
            error: LlmError::InvalidReply {
                url: self.url.clone(),
                message,
            },
            retry: false,
            retry_after: None,
        }
    }
}

/// Whether a 400 reply is about structured output (and not, say, the context length).
fn mentions_schema(reply: &str) -> bool {
    let reply = reply.to_ascii_lowercase();
    ["response_format", "json_schema", "schema", "structured"]
        .iter()
        .any(|word| reply.contains(word))
}

fn usage(value: &Value) -> Usage {
    Usage {
        prompt_tokens: value["prompt_tokens"].as_u64().unwrap_or(0),
        completion_tokens: value["completion_tokens"].as_u64().unwrap_or(0),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not honoured), capped.
fn retry_after(response: &Response) -> Option<Duration> {
    let seconds: f64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds.is_finite() && seconds >= 0.0)
        .then(|| Duration::from_secs_f64(seconds).min(MAX_RETRY_AFTER))
}

fn excerpt(text: &str) -> String {
    let short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// An error with its causes, one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
