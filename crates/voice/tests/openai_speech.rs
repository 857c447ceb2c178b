//! The OpenAI-compatible speech engine against a local fake server.
//!
//! The server runs on its own tokio runtime; the engine is synchronous and is called from
//! the test's own thread, outside that runtime.

use std::io::Cursor;
use std::time::{Duration, Instant};

use goosepod_voice::{
    EngineError, EngineKind, OpenAiSpeechConfig, OpenAiSpeechEngine, SpeechEngine, VoiceConfig,
    VoiceSpec,
};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RATE: u32 = 24_000;

/// A tenth of a second of a 440 Hz tone, 16-bit, `channels` channels (all the same).
fn tone_wav(channels: u16) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut out, spec).unwrap();
    for i in 0..RATE / 10 {
        let t = i as f32 / RATE as f32;
        let s = (0.5 * (2.0 * std::f32::consts::PI * 440.0 * t).sin() * 32767.0) as i16;
        for _ in 0..channels {
            writer.write_sample(s).unwrap();
        }
    }
    writer.finalize().unwrap();
    out.into_inner()
}

struct Fake {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
}

impl Fake {
    fn start() -> Fake {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        Fake { runtime, server }
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.server));
    }

    fn requests(&self) -> Vec<wiremock::Request> {
        self.runtime
            .block_on(self.server.received_requests())
            .unwrap()
    }

    fn config(&self, key_env: &str) -> OpenAiSpeechConfig {
        OpenAiSpeechConfig {
            base_url: format!("{}/v1/", self.server.uri()),
            model: "kokoro".into(),
            api_key_env: key_env.into(),
            timeout_s: 5.0,
            connect_timeout_s: 2.0,
            max_attempts: 3,
        }
    }

    fn engine(&self, config: &OpenAiSpeechConfig) -> OpenAiSpeechEngine {
        OpenAiSpeechEngine::new(config)
            .unwrap()
            .with_backoff(Duration::from_millis(10))
    }
}

fn speech() -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(path("/v1/audio/speech"))
}

fn synthesis_message(err: EngineError) -> String {
    let text = err.to_string();
    assert!(matches!(err, EngineError::Synthesis { .. }), "{text}");
    text
}

#[test]
fn speaks_with_key_and_decodes_stereo_wav() {
    const KEY_ENV: &str = "GOOSEPOD_TEST_SPEECH_KEY_SET";
    // SAFETY: no other test reads or writes this variable.
    unsafe { std::env::set_var(KEY_ENV, "sk-test-123") };
    let fake = Fake::start();
    fake.mount(
        speech()
            .and(body_partial_json(serde_json::json!({
                "model": "kokoro",
                "voice": "af_bella",
                "input": "Hello there.",
                "response_format": "wav",
            })))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(tone_wav(2)))
            .expect(1),
    );
    let engine = fake.engine(&fake.config(KEY_ENV));
    let voice = VoiceSpec::named("af_bella");
    engine.check_voice(&voice).unwrap();
    let speech = engine.synthesize("Hello there.", &voice).unwrap();
    assert_eq!(speech.sample_rate, RATE);
    assert_eq!(speech.samples.len(), (RATE / 10) as usize);
    let peak = speech.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!((peak - 0.5).abs() < 0.01, "peak {peak}");

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let auth = requests[0].headers.get("authorization").unwrap();
    assert_eq!(auth.to_str().unwrap(), "Bearer sk-test-123");
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert!(body.get("speed").is_none(), "{body}");
    // The key never appears in what the engine shows of itself.
    assert!(!format!("{engine:?}").contains("sk-test"));
}

#[test]
fn speaks_without_key_for_local_servers() {
    let fake = Fake::start();
    fake.mount(speech().respond_with(ResponseTemplate::new(200).set_body_bytes(tone_wav(1))));
    let engine = fake.engine(&fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET"));
    let voice = VoiceSpec::named("af_sky").with_rate(1.25);
    let speech = engine.synthesize("Local.", &voice).unwrap();
    assert_eq!(speech.sample_rate, RATE);
    assert_eq!(speech.samples.len(), (RATE / 10) as usize);

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["voice"], "af_sky");
    assert_eq!(body["input"], "Local.");
    assert_eq!(body["model"], "kokoro");
    assert_eq!(body["speed"], 1.25);
}

#[test]
fn waits_for_retry_after_then_succeeds() {
    let fake = Fake::start();
    fake.mount(
        speech()
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .with_priority(1),
    );
    fake.mount(speech().respond_with(ResponseTemplate::new(200).set_body_bytes(tone_wav(1))));
    let engine = fake.engine(&fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET"));
    let started = Instant::now();
    let speech = engine
        .synthesize("Busy?", &VoiceSpec::named("alloy"))
        .unwrap();
    // The header's second, not the 10 ms backoff, was waited.
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(speech.samples.len(), (RATE / 10) as usize);
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn gives_up_after_max_attempts_naming_the_status() {
    let fake = Fake::start();
    fake.mount(
        speech()
            .respond_with(ResponseTemplate::new(500).set_body_string("model exploded"))
            .expect(3),
    );
    let engine = fake.engine(&fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET"));
    let long = "This line is long enough that the error only quotes its beginning.";
    let err = engine
        .synthesize(long, &VoiceSpec::named("echo"))
        .unwrap_err();
    let text = synthesis_message(err);
    assert!(text.contains("500"), "{text}");
    assert!(text.contains("model exploded"), "{text}");
    assert!(text.contains("\"echo\""), "{text}");
    assert!(text.contains("/v1/audio/speech"), "{text}");
    assert!(text.contains("3 attempts"), "{text}");
    assert!(text.contains("This line is long"), "{text}");
    assert!(!text.contains("its beginning"), "{text}");
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn client_errors_are_not_retried() {
    let fake = Fake::start();
    fake.mount(
        speech()
            .respond_with(ResponseTemplate::new(400).set_body_string("unknown voice"))
            .expect(1),
    );
    let engine = fake.engine(&fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET"));
    let err = engine
        .synthesize("Hi.", &VoiceSpec::named("nobody"))
        .unwrap_err();
    let text = synthesis_message(err);
    assert!(
        text.contains("400") && text.contains("unknown voice"),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn slow_responses_time_out() {
    let fake = Fake::start();
    fake.mount(
        speech().respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(tone_wav(1))
                .set_delay(Duration::from_secs(3)),
        ),
    );
    let config = OpenAiSpeechConfig {
        timeout_s: 0.2,
        max_attempts: 2,
        ..fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET")
    };
    let engine = fake.engine(&config);
    let started = Instant::now();
    let err = engine
        .synthesize("Anyone there?", &VoiceSpec::named("nova"))
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let text = synthesis_message(err);
    assert!(text.contains("timed out"), "{text}");
    assert!(text.contains("\"nova\""), "{text}");
}

#[test]
fn non_wav_bodies_are_a_clear_error() {
    let fake = Fake::start();
    fake.mount(
        speech().respond_with(ResponseTemplate::new(200).set_body_string("{\"audio\": null}")),
    );
    let engine = fake.engine(&fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET"));
    let err = engine
        .synthesize("Hello.", &VoiceSpec::named("shimmer"))
        .unwrap_err();
    let text = synthesis_message(err);
    assert!(text.contains("not usable WAV audio"), "{text}");
    assert!(text.contains("\"shimmer\""), "{text}");
    assert_eq!(fake.requests().len(), 1, "decode errors are not retried");
}

#[test]
fn unreachable_servers_fail_after_retries() {
    // A port nothing listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = OpenAiSpeechConfig {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key_env: "GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET".into(),
        max_attempts: 2,
        ..OpenAiSpeechConfig::default()
    };
    let engine = OpenAiSpeechEngine::new(&config)
        .unwrap()
        .with_backoff(Duration::from_millis(10));
    let err = engine
        .synthesize("Hello?", &VoiceSpec::named("fable"))
        .unwrap_err();
    let text = synthesis_message(err);
    assert!(text.contains("could not connect"), "{text}");
    assert!(text.contains("2 attempts"), "{text}");
}

#[test]
fn selected_through_voice_config() {
    let fake = Fake::start();
    fake.mount(speech().respond_with(ResponseTemplate::new(200).set_body_bytes(tone_wav(1))));
    let config = VoiceConfig {
        engine: EngineKind::OpenAiSpeech,
        openai_speech: fake.config("GOOSEPOD_TEST_SPEECH_KEY_NEVER_SET"),
        ..VoiceConfig::default()
    };
    config.check().unwrap();
    let engine = config.engine.start(&config).unwrap();
    assert_eq!(engine.name(), "openai-speech");
    let speech = engine
        .synthesize("Through the settings.", &VoiceSpec::named("onyx"))
        .unwrap();
    assert_eq!(speech.sample_rate, RATE);
}
