//! Goose Pod's model writer: a language model writes the show through any
//! OpenAI-compatible chat API, and every draft is checked against its source before
//! anything is spoken.
//!
//! - [`client`]: the chat-completions client (retries, `Retry-After`, streaming,
//!   `response_format` with a JSON schema, JSON-in-text where the server has none);
//! - [`draft`]: the JSON the model writes, its schema, and its conversion into a
//!   [`goosepod_write::Body`] — the listener-independent part of an episode, so one
//!   story's body serves every listener and only the greeting and farewell are theirs;
//! - [`prompt`]: the prompts, template files per language (`templates/{en,zh}/`), filled
//!   with the host pair's personas, the arc, the target length and the article;
//! - [`writer`]: the loop — condense a long article (map-reduce), draft, check
//!   ([`goosepod_write::checks`]), send the problems back once or twice, and hand over to
//!   the offline writer when the model fails for good, saying why in `writer.notes`.

pub mod client;
pub mod draft;
pub mod prompt;
pub mod writer;

pub use client::{ChatClient, LlmConfig, Message, Reply, Usage};
pub use writer::{ModelWriter, PROMPT_VERSION};

/// Why a call to the model failed.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The settings cannot work (bad URL, no model, bad key).
    #[error("model settings: {0}")]
    Config(String),
    /// No connection, or it broke.
    #[error("cannot reach {url}: {message}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// No reply in time.
    #[error("{url} did not answer within {seconds} s")]
    Timeout {
        /// The endpoint.
        url: String,
        /// The timeout.
        seconds: f64,
    },
    /// The server answered with an error status.
    #[error("{url} answered {status}: {body}")]
    Status {
        /// The endpoint.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The reply is not a chat completion.
    #[error("{url} sent an unusable reply: {message}")]
    InvalidReply {
        /// The endpoint.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// Every attempt failed.
    #[error("{last} (after {attempts} attempts)")]
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        last: Box<LlmError>,
    },
}
