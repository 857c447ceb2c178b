//! The model writer's loop: condense, draft, check, revise, and fall back.

use std::path::PathBuf;

use askama::Template as _;
use goosepod_core::{
    Article, Episode, HostId, HostPair, Language, Line, Listener, Segment, SpokenTime, WriterKind,
    WriterUsage, timezone,
};
use goosepod_write::checks::{self, Problem};
use goosepod_write::{Body, LineOrigin, WriteError};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::LlmError;
use crate::client::{ChatClient, LlmConfig, Message, Reply, Schema};
use crate::draft::{self, BodyContext};
use crate::prompt::{CondensePrompt, RevisePrompt, SystemPrompt, UserPrompt};

/// The prompts' version: part of the cache key, so a body written from older prompts is
/// written again.
pub const PROMPT_VERSION: u32 = 1;

/// How many times a failing draft goes back to the model before the offline writer
/// takes over.
pub const MAX_REVISIONS: usize = 2;

/// Tokens kept free in the context for the instructions and the schema.
const PROMPT_TOKENS: usize = 2_500;

/// The share of the spoken length the body gets; the greeting and farewell take the rest.
const BODY_SHARE: f64 = 0.88;

/// Writes episodes with a model, checked; the offline writer when the model fails.
#[derive(Debug)]
pub struct ModelWriter {
    client: ChatClient,
    config: LlmConfig,
    cache: Option<PathBuf>,
}

/// Why the model's body could not be used.
struct Failed {
    reason: String,
    notes: Vec<String>,
}

/// Calls made so far, for `writer.usage` and the logs.
#[derive(Default)]
struct Calls(WriterUsage);

impl Calls {
    fn record(&mut self, reply: &Reply, what: &str) {
        self.0.calls += 1;
        self.0.prompt_tokens += reply.usage.prompt_tokens;
        self.0.completion_tokens += reply.usage.completion_tokens;
        self.0.seconds += reply.seconds;
        tracing::info!(
            call = what,
            prompt_tokens = reply.usage.prompt_tokens,
            completion_tokens = reply.usage.completion_tokens,
            seconds = reply.seconds,
            "model call"
        );
    }

    fn usage(&self) -> Option<WriterUsage> {
        (self.0.calls > 0).then_some(self.0)
    }
}

impl ModelWriter {
    /// A writer for the model in `config`.
    pub fn new(config: &LlmConfig) -> Result<ModelWriter, LlmError> {
        Ok(ModelWriter {
            client: ChatClient::new(config)?,
            config: config.clone(),
            cache: None,
        })
    }

    /// Keeps written bodies in `dir`: the same article, language, hosts, length, model
    /// and prompts are written once, whoever listens.
    pub fn with_cache(mut self, dir: PathBuf) -> ModelWriter {
        self.cache = Some(dir);
        self
    }

    /// The client (tests shorten its backoff).
    pub fn with_client(mut self, client: ChatClient) -> ModelWriter {
        self.client = client;
        self
    }

    /// Writes `article` for `listener`, presented by `hosts`, made at `at`. The model's
    /// episode when a draft passes every check; otherwise the offline writer's, with
    /// `writer.notes` saying why. Fails only where the offline writer fails too.
    pub fn write(
        &self,
        article: &Article,
        listener: &Listener,
        hosts: &HostPair,
        at: Timestamp,
    ) -> Result<Episode, WriteError> {
        let mut calls = Calls::default();
        match self.model_episode(article, listener, hosts, at, &mut calls) {
            Ok(mut episode) => {
                episode.writer.usage = calls.usage();
                Ok(episode)
            }
            Err(failed) => {
                tracing::warn!(model = %self.client.model(), "the model writer failed: {}", failed.reason);
                let mut episode = goosepod_write::write(article, listener, hosts, at)?;
                let mut notes = vec![format!(
                    "the model {} could not write this episode, so the offline writer did: {}",
                    self.client.model(),
                    failed.reason
                )];
                notes.extend(failed.notes);
                notes.append(&mut episode.writer.notes);
                episode.writer.notes = notes;
                episode.writer.usage = calls.usage();
                Ok(episode)
            }
        }
    }

    fn model_episode(
        &self,
        article: &Article,
        listener: &Listener,
        hosts: &HostPair,
        at: Timestamp,
        calls: &mut Calls,
    ) -> Result<Episode, Failed> {
        let fail = |reason: String| Failed {
            reason,
            notes: Vec::new(),
        };
        let language = listener.language;
        if hosts.language != language {
            return Err(fail(format!(
                "the host pair {} speaks {}, the listener {}",
                hosts.id,
                hosts.language.tag(),
                language.tag()
            )));
        }
        let target_seconds = listener.minutes * 60.0;
        let show = hosts.show.as_str();
        let key = self.cache_key(article, language, hosts, listener.minutes);
        if let Some(body) = self.cached(&key) {
            let (episode, _) = self.finish(&body, listener, at).map_err(fail)?;
            let problems = check(&episode, &body, article, target_seconds, show);
            if problems.iter().all(|p| !p.rejects) {
                tracing::info!(key = %key, "body from the cache");
                return Ok(with_notes(episode, &problems));
            }
        }

        let (text, condensed) = self
            .fit_to_context(article, language, calls)
            .map_err(fail)?;
        let target_units = language.units_in(target_seconds);
        let schema = draft::schema();
        let system = SystemPrompt::new(
            language,
            hosts,
            (target_units as f64 * BODY_SHARE).round() as usize,
            listener.minutes,
            serde_json::to_string(&schema).unwrap_or_default(),
        )
        .render()
        .map_err(|e| fail(format!("cannot fill the prompt: {e}")))?;
        let zone = timezone::resolve(&listener.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        let user = UserPrompt {
            zh: language == Language::ZhCn,
            listener_name: &listener.name,
            local_time: SpokenTime::new(at, &zone).phrase(language),
            publisher: article.site_name.as_deref(),
            published: article
                .published
                .map(|p| p.to_zoned_datetime(zone.clone()).date().to_string()),
            headline: article.title.as_deref().unwrap_or(""),
            condensed,
            text: &text,
        }
        .render()
        .map_err(|e| fail(format!("cannot fill the prompt: {e}")))?;
        let mut messages = vec![Message::system(system), Message::user(user)];
        let context = BodyContext {
            article,
            language,
            hosts,
            listener_name: &listener.name,
            target_units,
            seed: seed(&key),
        };

        let mut last_problems = Vec::new();
        for attempt in 0..=MAX_REVISIONS {
            let reply = self
                .client
                .chat(
                    &messages,
                    Some(Schema {
                        name: "episode_draft",
                        schema: &schema,
                    }),
                )
                .map_err(|e| fail(e.to_string()))?;
            calls.record(&reply, if attempt == 0 { "draft" } else { "revision" });
            let problems: Vec<Problem> = match draft::parse(&reply.content)
                .map_err(|p| vec![p])
                .and_then(|draft| draft.into_body(&context))
            {
                Err(problems) => problems
                    .into_iter()
                    .map(|message| Problem {
                        check: "schema",
                        message,
                        rejects: true,
                    })
                    .collect(),
                Ok(body) => match self.finish(&body, listener, at) {
                    Err(reason) => vec![Problem {
                        check: "schema",
                        message: reason,
                        rejects: true,
                    }],
                    Ok((mut episode, origins)) => {
                        let problems = check(&episode, &body, article, target_seconds, show);
                        if problems.iter().all(|p| !p.rejects) {
                            self.store(&key, &body);
                            episode = with_notes(episode, &problems);
                            if condensed {
                                episode.writer.notes.push(
                                    "the article was longer than the model's context: it was condensed first".into(),
                                );
                            }
                            return Ok(episode);
                        }
                        problems
                            .into_iter()
                            .map(|mut p| {
                                p.message = draft_numbering(&p.message, &origins);
                                p
                            })
                            .collect()
                    }
                },
            };
            let rejecting: Vec<String> = problems
                .iter()
                .filter(|p| p.rejects)
                .map(|p| p.message.clone())
                .collect();
            tracing::info!(attempt, problems = rejecting.len(), "draft rejected");
            messages.push(Message::assistant(reply.content));
            messages.push(Message::user(
                RevisePrompt {
                    zh: language == Language::ZhCn,
                    problems: &rejecting,
                }
                .render()
                .map_err(|e| fail(format!("cannot fill the prompt: {e}")))?,
            ));
            last_problems = rejecting;
        }
        Err(Failed {
            reason: format!(
                "{} drafts failed the checks; the last one: {}",
                MAX_REVISIONS + 1,
                last_problems.join("; ")
            ),
            notes: Vec::new(),
        })
    }

    /// The body made into the listener's episode, marked as the model's, and where each
    /// of its lines comes from.
    fn finish(
        &self,
        body: &Body,
        listener: &Listener,
        at: Timestamp,
    ) -> Result<(Episode, Vec<LineOrigin>), String> {
        let (mut episode, origins) =
            goosepod_write::personalise_traced(body, listener, at).map_err(|e| e.to_string())?;
        episode.writer.kind = WriterKind::Llm;
        episode.writer.model = Some(self.client.model().to_string());
        episode.writer.notes.clear();
        Ok((episode, origins))
    }

    /// The article's text, condensed (map-reduce over its paragraphs) until it fits the
    /// model's context; `true` when condensed.
    fn fit_to_context(
        &self,
        article: &Article,
        language: Language,
        calls: &mut Calls,
    ) -> Result<(String, bool), String> {
        let budget = self
            .config
            .context_tokens
            .saturating_sub(self.config.max_tokens as usize + PROMPT_TOKENS)
            .max(500);
        let mut text = article.text.clone();
        let mut condensed = false;
        for _round in 0..3 {
            let tokens = estimate_tokens(&text);
            if tokens <= budget {
                return Ok((text, condensed));
            }
            let chunks = chunks(&text, budget / 2);
            let parts = chunks.len();
            let share = budget as f64 / tokens as f64 * 0.8;
            let mut notes = Vec::with_capacity(parts);
            for (i, chunk) in chunks.iter().enumerate() {
                let target = ((language.measure(chunk) as f64) * share).max(40.0) as usize;
                let prompt = CondensePrompt {
                    zh: language == Language::ZhCn,
                    part: i + 1,
                    parts,
                    target,
                    text: chunk,
                }
                .render()
                .map_err(|e| format!("cannot fill the prompt: {e}"))?;
                let reply = self
                    .client
                    .chat(&[Message::user(prompt)], None)
                    .map_err(|e| format!("condensing the long article failed: {e}"))?;
                calls.record(&reply, "condense");
                notes.push(reply.content.trim().to_string());
            }
            text = notes.join("\n\n");
            condensed = true;
        }
        Err("the article is too long for the model's context even condensed".into())
    }

    fn cache_key(
        &self,
        article: &Article,
        language: Language,
        hosts: &HostPair,
        minutes: f64,
    ) -> String {
        let mut hash = Sha256::new();
        for part in [
            &PROMPT_VERSION.to_string(),
            self.client.model(),
            language.tag(),
            &hosts.id,
            &hosts.show,
            &hosts.hosts[0].name,
            &hosts.hosts[1].name,
            &format!("{minutes:.2}"),
            article.title.as_deref().unwrap_or(""),
            &article.text,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn cached(&self, key: &str) -> Option<Body> {
        let path = self.cache.as_ref()?.join(format!("{key}.json"));
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn store(&self, key: &str, body: &Body) {
        let Some(dir) = &self.cache else { return };
        let stored = std::fs::create_dir_all(dir).and_then(|()| {
            let temporary = dir.join(format!(".{key}.json.part"));
            std::fs::write(&temporary, serde_json::to_vec(body).unwrap_or_default())?;
            std::fs::rename(&temporary, dir.join(format!("{key}.json")))
        });
        if let Err(e) = stored {
            tracing::warn!(dir = %dir.display(), "cannot cache the body: {e}");
        }
    }
}

/// The checks, plus the hook (spoken in the greeting) checked for invented numbers.
fn check(
    episode: &Episode,
    body: &Body,
    article: &Article,
    target_seconds: f64,
    show: &str,
) -> Vec<Problem> {
    let mut problems = checks::check_episode(episode, &article.text, target_seconds, show);
    let hook = Line::new(HostId::B, Segment::CoreEvent, body.hook.clone(), false);
    problems.extend(
        checks::grounding(std::slice::from_ref(&hook), &article.text, &[])
            .into_iter()
            .map(|mut p| {
                p.message = p.message.replacen("line 1", "the hook", 1);
                p
            }),
    );
    problems
}

/// A check's message with the episode's line number (counted from the greeting) as the
/// draft's: the model numbers its `lines`, which the episode holds between the greeting
/// and host B's goodbye (some split in two). `origins` says where each episode line
/// comes from.
fn draft_numbering(message: &str, origins: &[LineOrigin]) -> String {
    let Some(rest) = message.strip_prefix("line ") else {
        return message.to_string();
    };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let Some(origin) = rest[..digits]
        .parse::<usize>()
        .ok()
        .and_then(|n| origins.get(n.checked_sub(1)?))
    else {
        return message.to_string();
    };
    let place = match origin {
        LineOrigin::Greeting => "the greeting around the hook".to_string(),
        LineOrigin::Body(index) => format!("line {}", index + 1),
        LineOrigin::Farewell => "host B's goodbye".to_string(),
    };
    format!("{place}{}", &rest[digits..])
}

/// Reported (not rejecting) problems go into `writer.notes`.
fn with_notes(mut episode: Episode, problems: &[Problem]) -> Episode {
    episode.writer.notes.extend(
        problems
            .iter()
            .filter(|p| !p.rejects)
            .map(|p| p.message.clone()),
    );
    episode
}

fn seed(key: &str) -> u64 {
    u64::from_str_radix(&key[..16.min(key.len())], 16).unwrap_or(0)
}

/// Tokens a text takes, roughly: a Chinese character about one, other text about four
/// characters per token.
pub fn estimate_tokens(text: &str) -> usize {
    let (wide, other) = text.chars().fold((0usize, 0usize), |(wide, other), c| {
        if c as u32 >= 0x2E80 {
            (wide + 1, other)
        } else {
            (wide, other + 1)
        }
    });
    wide + other.div_ceil(4)
}

/// Paragraph-aligned chunks of at most about `tokens` tokens each.
fn chunks(text: &str, tokens: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        if !current.is_empty() && estimate_tokens(&current) + estimate_tokens(paragraph) > tokens {
            chunks.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push_str("\n\n");
        }
        current.push_str(paragraph);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}
