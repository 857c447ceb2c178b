//! The OpenAI-compatible speech API: `POST {base_url}/audio/speech` with
//! `{"model", "input", "voice", "response_format": "wav"}`, answered with a WAV file.
//!
//! OpenAI itself, Kokoro-FastAPI and other local servers speak this protocol. Each host's
//! [`VoiceSpec::name`] is sent as the server's voice name (`alloy`, `af_bella`, …); a rate
//! other than 1.0 is sent as `speed`, pitch is ignored.
//!
//! The bearer token comes from an environment variable named in the settings (default
//! `OPENAI_API_KEY`), read once when the engine starts; without it no `Authorization`
//! header is sent, which local servers accept. The key is never logged or shown.
//!
//! Requests have a connect and a total timeout. Rate limiting (429), server errors (5xx),
//! connection failures and timeouts are retried with exponential backoff, honouring a
//! `Retry-After` header given in seconds, up to a configured number of attempts.

use std::fmt;
use std::io::Cursor;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use serde::{Deserialize, Serialize};

use super::{EngineError, Speech, SpeechEngine, VoiceSpec, excerpt};

const ENGINE: &str = "openai-speech";

/// The longest wait a `Retry-After` header may ask for; longer requests are capped.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How much of an error response's body is quoted in the error.
const BODY_EXCERPT: usize = 200;

/// Settings of the OpenAI-compatible speech engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenAiSpeechConfig {
    /// The API's base URL, up to and including the version: `https://api.openai.com/v1`,
    /// `http://localhost:8880/v1` (Kokoro-FastAPI).
    pub base_url: String,
    /// Model name: `gpt-4o-mini-tts`, `tts-1`, `kokoro`.
    pub model: String,
    /// Name of the environment variable holding the bearer token. Unset or empty: no
    /// `Authorization` header.
    pub api_key_env: String,
    /// Longest time one request may take, from connecting to the last byte, seconds.
    pub timeout_s: f64,
    /// Longest time connecting may take, seconds.
    pub connect_timeout_s: f64,
    /// Attempts per line, the first included (at least 1).
    pub max_attempts: u32,
}

impl Default for OpenAiSpeechConfig {
    fn default() -> Self {
        OpenAiSpeechConfig {
            base_url: "https://api.openai.com/v1".to_string(),
            model: "gpt-4o-mini-tts".to_string(),
            api_key_env: "OPENAI_API_KEY".to_string(),
            timeout_s: 120.0,
            connect_timeout_s: 10.0,
            max_attempts: 3,
        }
    }
}

impl OpenAiSpeechConfig {
    /// Checks every setting; the message says which one is wrong.
    pub fn check(&self) -> Result<(), String> {
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "base_url {:?} is not an http(s) URL",
                self.base_url
            ));
        }
        if self.model.trim().is_empty() {
            return Err("model is empty".to_string());
        }
        for (name, value) in [
            ("timeout_s", self.timeout_s),
            ("connect_timeout_s", self.connect_timeout_s),
        ] {
            if !(value.is_finite() && value > 0.0 && value <= 3600.0) {
                return Err(format!("{name} {value} is outside 0…3600 s"));
            }
        }
        if !(1..=20).contains(&self.max_attempts) {
            return Err(format!(
                "max_attempts {} is outside 1…20",
                self.max_attempts
            ));
        }
        Ok(())
    }
}

/// Speaks through an OpenAI-compatible `/audio/speech` endpoint.
pub struct OpenAiSpeechEngine {
    client: Client,
    url: String,
    model: String,
    api_key: Option<HeaderValue>,
    max_attempts: u32,
    backoff: Duration,
}

impl fmt::Debug for OpenAiSpeechEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiSpeechEngine")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("max_attempts", &self.max_attempts)
            .field("backoff", &self.backoff)
            .finish()
    }
}

impl OpenAiSpeechEngine {
    /// Builds the engine, reading the key from the environment variable named in the
    /// settings.
    pub fn new(config: &OpenAiSpeechConfig) -> Result<OpenAiSpeechEngine, EngineError> {
        let unavailable = |message: String| EngineError::Unavailable {
            engine: ENGINE,
            message,
        };
        config.check().map_err(unavailable)?;
        let api_key = match std::env::var(config.api_key_env.trim()) {
            Ok(key) if !key.trim().is_empty() => {
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {}", key.trim())).map_err(|_| {
                        unavailable(format!(
                            "the key in ${} is not a valid header value",
                            config.api_key_env
                        ))
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            _ => None,
        };
        let client = Client::builder()
            .connect_timeout(Duration::from_secs_f64(config.connect_timeout_s))
            .timeout(Duration::from_secs_f64(config.timeout_s))
            .user_agent(concat!("goosepod/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| unavailable(format!("HTTP client: {e}")))?;
        let url = format!(
            "{}/audio/speech",
            config.base_url.trim().trim_end_matches('/')
        );
        tracing::debug!(%url, model = %config.model, key = api_key.is_some(), "speech API ready");
        Ok(OpenAiSpeechEngine {
            client,
            url,
            model: config.model.trim().to_string(),
            api_key,
            max_attempts: config.max_attempts,
            backoff: Duration::from_millis(500),
        })
    }

    /// The same engine with another first backoff delay (doubled after each failed
    /// attempt); 500 ms by default.
    pub fn with_backoff(mut self, first: Duration) -> OpenAiSpeechEngine {
        self.backoff = first;
        self
    }

    /// The endpoint requests go to.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn check_rate(voice: &VoiceSpec) -> Result<(), EngineError> {
        if !(voice.rate.is_finite() && (0.25..=4.0).contains(&voice.rate)) {
            return Err(EngineError::BadVoice {
                voice: voice.name.clone(),
                message: format!("rate {} is outside 0.25–4", voice.rate),
            });
        }
        Ok(())
    }

    /// One request: the WAV bytes, or whether to retry, after how long, and why not.
    fn attempt(&self, body: &serde_json::Value) -> Result<Vec<u8>, Failure> {
        let mut request = self.client.post(&self.url).json(body);
        if let Some(key) = &self.api_key {
            request = request.header(AUTHORIZATION, key.clone());
        }
        let response = request.send().map_err(|e| Failure::transport(&e))?;
        let status = response.status();
        if status.is_success() {
            return response
                .bytes()
                .map(|b| b.to_vec())
                .map_err(|e| Failure::transport(&e));
        }
        let retry_after = retry_after(&response);
        let text = response.text().unwrap_or_default();
        let text = text.trim();
        let mut message = format!("HTTP {status}");
        if !text.is_empty() {
            let mut quoted: String = text.chars().take(BODY_EXCERPT).collect();
            if text.chars().nth(BODY_EXCERPT).is_some() {
                quoted.push('…');
            }
            message.push_str(&format!(": {quoted}"));
        }
        Err(Failure {
            message,
            retry: status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
            retry_after,
        })
    }
}

/// Why one request failed.
struct Failure {
    message: String,
    retry: bool,
    retry_after: Option<Duration>,
}

impl Failure {
    fn transport(e: &reqwest::Error) -> Failure {
        let kind = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "could not connect"
        } else {
            "request failed"
        };
        // The error's own text names the URL; its sources say what happened.
        let mut message = kind.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(inner) = source {
            message.push_str(&format!(": {inner}"));
            source = inner.source();
        }
        Failure {
            message,
            retry: e.is_timeout() || e.is_connect() || e.is_request(),
            retry_after: None,
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not honoured), capped.
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0)
        .then(|| Duration::from_secs_f64(seconds).min(MAX_RETRY_AFTER))
}

impl SpeechEngine for OpenAiSpeechEngine {
    fn name(&self) -> &'static str {
        ENGINE
    }

    fn check_voice(&self, voice: &VoiceSpec) -> Result<(), EngineError> {
        if voice.name.trim().is_empty() {
            return Err(EngineError::BadVoice {
                voice: voice.name.clone(),
                message: "the voice name is empty".to_string(),
            });
        }
        Self::check_rate(voice)
    }

    fn synthesize(&self, text: &str, voice: &VoiceSpec) -> Result<Speech, EngineError> {
        self.check_voice(voice)?;
        let fail = |message: String| EngineError::Synthesis {
            engine: ENGINE,
            voice: voice.name.clone(),
            excerpt: excerpt(text),
            message,
        };
        let mut body = serde_json::json!({
            "model": self.model,
            "input": text,
            "voice": voice.name.trim(),
            "response_format": "wav",
        });
        if (voice.rate - 1.0).abs() > 1e-3 {
            body["speed"] = serde_json::json!(voice.rate);
        }
        let mut delay = self.backoff;
        let mut attempt = 1;
        let wav = loop {
            match self.attempt(&body) {
                Ok(wav) => break wav,
                Err(failure) => {
                    if !failure.retry || attempt >= self.max_attempts {
                        let tries = if attempt > 1 {
                            format!(" (after {attempt} attempts)")
                        } else {
                            String::new()
                        };
                        return Err(fail(format!(
                            "POST {}: {}{tries}",
                            self.url, failure.message
                        )));
                    }
                    let wait = failure.retry_after.unwrap_or(delay);
                    tracing::warn!(
                        url = %self.url,
                        voice = %voice.name,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "speech request failed, retrying: {}",
                        failure.message
                    );
                    std::thread::sleep(wait);
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
            }
        };
        decode_wav(&wav).map_err(|message| {
            fail(format!(
                "POST {}: the response is not usable WAV audio ({} bytes): {message}",
                self.url,
                wav.len()
            ))
        })
    }

    /// The endpoint, model, voice and speed. The server's model is trusted to stay the
    /// same under its name.
    fn cache_identity(&self, voice: &VoiceSpec) -> Option<String> {
        Self::check_rate(voice).ok()?;
        Some(format!(
            "{ENGINE} url={} model={} voice={} speed={}",
            self.url,
            self.model,
            voice.name.trim(),
            voice.rate
        ))
    }
}

/// Decodes a WAV file to mono `f32` samples at its own rate; channels are averaged.
pub fn decode_wav(bytes: &[u8]) -> Result<Speech, String> {
    let mut reader = hound::WavReader::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    if spec.sample_rate == 0 {
        return Err("sample rate 0".to_string());
    }
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        hound::SampleFormat::Int => {
            if !(1..=32).contains(&spec.bits_per_sample) {
                return Err(format!("{} bits per sample", spec.bits_per_sample));
            }
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?
        }
    };
    let samples = if channels == 1 {
        interleaved
    } else {
        let weight = 1.0 / channels as f32;
        interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() * weight)
            .collect()
    };
    Ok(Speech {
        samples,
        sample_rate: spec.sample_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(channels: u16, frames: &[i16]) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: 24_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut out = Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut out, spec).unwrap();
        for &s in frames {
            writer.write_sample(s).unwrap();
        }
        writer.finalize().unwrap();
        out.into_inner()
    }

    #[test]
    fn stereo_is_downmixed() {
        let speech = decode_wav(&wav(2, &[16384, 0, -16384, -16384])).unwrap();
        assert_eq!(speech.sample_rate, 24_000);
        assert_eq!(speech.samples, vec![0.25, -0.5]);
    }

    #[test]
    fn settings_are_checked() {
        OpenAiSpeechConfig::default().check().unwrap();
        let bad = OpenAiSpeechConfig {
            max_attempts: 0,
            ..OpenAiSpeechConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("max_attempts"));
        let bad = OpenAiSpeechConfig {
            base_url: "localhost:8880".into(),
            ..OpenAiSpeechConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("base_url"));
    }

    #[test]
    fn settings_read_from_json() {
        let c: OpenAiSpeechConfig =
            serde_json::from_str(r#"{"base_url":"http://localhost:8880/v1","model":"kokoro"}"#)
                .unwrap();
        assert_eq!(c.model, "kokoro");
        assert_eq!(c.api_key_env, "OPENAI_API_KEY");
        assert_eq!(c.max_attempts, 3);
    }
}
