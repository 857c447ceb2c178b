//! Goose Pod's writer: an article into an episode script for two hosts.
//!
//! This crate is the offline writer, the one that needs no model and always works. It is
//! pure text work: no I/O, no clock, no randomness — the same article, hosts, length,
//! listener and instant always give the same episode.
//!
//! A story shared by many listeners is written once. Writing has two steps:
//!
//! 1. [`write_body`] `(article, language, hosts, minutes) → Body`: everything that does
//!    not depend on the listener — the arc core event → background → key conflict →
//!    impact → outlook, the title, summary, tags and analysis;
//! 2. [`personalise`] `(body, listener, generated_at) → Episode`: the greeting (the
//!    listener's name, the show, their local date, weekday and time, a reaction to the
//!    hour, then host B's hook) and host B's farewell, spliced around the body, with the
//!    listener's name in the body lines that turn to them.
//!
//! [`write()`] does both. Lines that mention the listener are `personal: true`; every other
//! line is the same for every listener.
//!
//! # How the offline writer works
//!
//! - [`sentences`] splits the article (Chinese or English) into sentences;
//! - each sentence is scored for each part of the arc (lead and centrality; history words
//!   and earlier years; contrast words; numbers, money and people; plans and later
//!   years), centrality being TextRank over sentence similarity (character bigrams for
//!   Chinese, content words for English);
//! - the parts take their best sentences, each sentence at most once, as many as fill the
//!   listener's minutes at the language's speech rate (within ±15 % when the article is
//!   long enough; `writer.notes` says when it is not);
//! - the hosts' framing around the sentences — questions, transitions, analogies, the
//!   engineer's view, turning to the listener — comes from per-language phrase files
//!   (`templates/zh.toml`, `templates/en.toml`) chosen by a seed hashed from the article.
//!   Framing carries no facts: every number, name and quotation in a script is the
//!   article's ([`numbers`] checks numbers).
//!
//! The script is in the article's language. When the listener's language differs, the
//! offline writer cannot translate: `writer.notes` says so and the model writer is needed.

#![warn(missing_docs)]

mod analyse;
mod body;
pub mod checks;
mod compose;
mod entities;
mod error;
pub mod numbers;
mod personal;
mod rank;
mod render;
pub mod sentences;
mod templates;
mod text;

use goosepod_core::episode::SCHEMA_VERSION;
use goosepod_core::listener::{MAX_MINUTES, MIN_MINUTES};
use goosepod_core::{
    Analysis, Article, Episode, EpisodeHost, EpisodeListener, HostPair, Language, LanguageError,
    Line, Listener, Section, Source, SpokenTime, Writer, WriterKind,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;

pub use body::{Body, BodyLine};
pub use error::{MIN_SENTENCES, WriteError};
pub use render::render_script;

use crate::analyse::Story;
use crate::compose::Composer;
use crate::templates::{Picker, Templates};
use crate::text::{fnv1a, join, mix};

/// How far the script's spoken length may stray from the target (±15 %) when the article
/// is long enough.
pub const LENGTH_TOLERANCE: f64 = 0.15;

/// The speech engine whose voice names the episode records for the hosts.
const VOICE_ENGINE: &str = "espeak";

/// Writes `article` into an episode for `listener`, presented by `hosts`, made at
/// `generated_at`: [`write_body`] for the listener's language and minutes, then
/// [`personalise`].
pub fn write(
    article: &Article,
    listener: &Listener,
    hosts: &HostPair,
    generated_at: Timestamp,
) -> Result<Episode, WriteError> {
    let body = write_body(article, listener.language, hosts, listener.minutes)?;
    personalise(&body, listener, generated_at)
}

/// Writes the part of an episode that is the same for every listener.
///
/// `language` is the listeners' language, `minutes` the episode length aimed at
/// ([`MIN_MINUTES`]–[`MAX_MINUTES`]). The script is written in the article's language
/// (from its language tag, else from its text); when that is not `language`, or not the
/// language of `hosts`, the body says so in its notes (and the language's built-in host
/// pair presents it). Fails on an article with fewer than [`MIN_SENTENCES`] sentences.
pub fn write_body(
    article: &Article,
    language: Language,
    hosts: &HostPair,
    minutes: f64,
) -> Result<Body, WriteError> {
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        return Err(WriteError::Minutes { minutes });
    }
    hosts.validate()?;
    let mut notes = Vec::new();
    let script = article_language(article, &mut notes);
    if script != language {
        notes.push(translation_note(script, language));
    }
    let hosts = if hosts.language == script {
        hosts.clone()
    } else {
        let builtin = HostPair::builtin_for(script);
        notes.push(format!(
            "host pair `{}` speaks {}, but the script is in {script}: the built-in pair `{}` presents it",
            hosts.id, hosts.language, builtin.id
        ));
        builtin.clone()
    };
    let year = article
        .published
        .map(|t| TimeZone::UTC.to_datetime(t).year());
    let story = analyse::read(article.paragraphs(), script, year);
    if story.units.len() < MIN_SENTENCES {
        // The writer tells a sentence that points back together with the one before it;
        // the minimum counts sentences.
        let found = sentences::article_sentences(article.paragraphs(), script).len();
        if found < MIN_SENTENCES {
            return Err(WriteError::TooFewSentences { found });
        }
    }
    let seed =
        mix(fnv1a(article.text.as_bytes())
            ^ fnv1a(article.title.as_deref().unwrap_or("").as_bytes()));
    let Some(hook) = story.units.get(story.hook).map(|u| u.text.to_string()) else {
        return Err(WriteError::TooFewSentences { found: 0 });
    };
    let composer = Composer {
        story: &story,
        language: script,
        hosts: &hosts,
        seed,
    };

    // The greeting and farewell, with a typical name and time, count towards the length.
    let typical_name = goosepod_core::listener::default_name(script);
    let typical_time = SpokenTime::new(Timestamp::UNIX_EPOCH, &TimeZone::UTC);
    let personal_units: usize =
        personal::greeting(script, &hosts, seed, typical_name, &typical_time, &hook)
            .iter()
            .chain([&personal::farewell(script, &hosts, seed, typical_name)])
            .map(|line| script.measure(&line.text))
            .sum();
    let target = script.units_in(minutes * 60.0);
    let preference = composer.preference();
    let (k, terse) = fit(&composer, &preference, target, personal_units);
    let draft = composer.draft(&preference[..k], terse);
    let units = compose::measure(&draft.lines, script) + personal_units;
    if let Some(note) = length_note(units, target, minutes, script, k == preference.len()) {
        notes.push(note);
    }

    let title = entities::title(article.title.as_deref(), &hook, script);
    let mut exclude: Vec<&str> = vec![
        hosts.show.as_str(),
        hosts.a().name.as_str(),
        hosts.b().name.as_str(),
    ];
    if let Some(site) = article.site_name.as_deref() {
        exclude.push(site);
    }
    let texts: Vec<&str> = story.units.iter().map(|u| u.text).collect();
    let mut tags = entities::tags(&texts, article.title.as_deref(), script, &exclude, 3);
    if tags.is_empty() {
        tags.push(entities::fallback_tag(&texts, script));
    }
    Ok(Body {
        language: script,
        requested: language,
        summary: summary(&story, script),
        analysis: analysis(&story, &draft.facts, script, seed),
        hosts,
        title,
        tags,
        source: Source::from(article),
        hook,
        lines: draft.lines,
        seed,
        target_units: target,
        units,
        notes,
    })
}

/// Makes `body` into `listener`'s episode, as of `generated_at`: the greeting with their
/// name and local date and time, their name in the body's personal lines, the farewell.
///
/// Only what names the listener is personal: the hook after host B's greeting, and the
/// rest of a body line after the phrase that turns it to the listener (when that rest is
/// long enough to be worth it), are lines of their own, the same for every listener.
pub fn personalise(
    body: &Body,
    listener: &Listener,
    generated_at: Timestamp,
) -> Result<Episode, WriteError> {
    personalise_traced(body, listener, generated_at).map(|(episode, _)| episode)
}

/// Where one of an episode's lines comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOrigin {
    /// The greeting (with the hook).
    Greeting,
    /// The body's line at this index (whole, or one of the two lines it was split into).
    Body(usize),
    /// Host B's goodbye.
    Farewell,
}

/// [`personalise`], also saying where each of the episode's lines comes from.
pub fn personalise_traced(
    body: &Body,
    listener: &Listener,
    generated_at: Timestamp,
) -> Result<(Episode, Vec<LineOrigin>), WriteError> {
    listener.validate()?;
    let time = SpokenTime::in_zone(generated_at, &listener.timezone)?;
    let name = listener.name.as_str();
    let mut lines: Vec<Line> = Vec::with_capacity(body.lines.len() + 3);
    lines.extend(personal::greeting(
        body.language,
        &body.hosts,
        body.seed,
        name,
        &time,
        &body.hook,
    ));
    let mut origins = vec![LineOrigin::Greeting; lines.len()];
    for (index, line) in body.lines.iter().enumerate() {
        let text = line.text_for(name);
        let after_name = text.len() - line.pieces.last().map_or(0, String::len);
        let split = line
            .is_personal()
            .then(|| personal::split_after_name(&text, after_name, body.language))
            .flatten()
            .map(|(address, rest)| (address.to_owned(), rest.to_owned()));
        match split {
            // What follows the address is the same for every listener: a line of its own.
            Some((address, rest)) => lines.extend([
                Line::new(line.speaker, line.segment, address, true),
                Line::new(line.speaker, line.segment, rest, false),
            ]),
            None => lines.push(Line::new(
                line.speaker,
                line.segment,
                text,
                line.is_personal(),
            )),
        }
        origins.resize(lines.len(), LineOrigin::Body(index));
    }
    lines.push(personal::farewell(
        body.language,
        &body.hosts,
        body.seed,
        name,
    ));
    origins.push(LineOrigin::Farewell);
    let mut notes = body.notes.clone();
    if listener.language != body.language && listener.language != body.requested {
        notes.push(translation_note(body.language, listener.language));
    }
    let episode = Episode {
        schema: SCHEMA_VERSION,
        title: body.title.clone(),
        summary: body.summary.clone(),
        tags: body.tags.clone(),
        language: body.language,
        generated_at,
        listener: EpisodeListener::from(listener),
        hosts: body
            .hosts
            .hosts
            .iter()
            .map(|host| EpisodeHost::new(host, host.voice_for(VOICE_ENGINE).unwrap_or_default()))
            .collect(),
        source: body.source.clone(),
        analysis: body.analysis.clone(),
        lines,
        writer: Writer {
            kind: WriterKind::Offline,
            model: None,
            notes,
            usage: None,
        },
        audio: None,
    };
    episode.validate()?;
    Ok((episode, origins))
}

/// The language an article is written in: its language tag when the hosts speak that
/// language, otherwise what its text looks like (mostly Chinese characters or not).
pub fn script_language(article: &Article) -> Language {
    article_language(article, &mut Vec::new())
}

fn article_language(article: &Article, notes: &mut Vec<String>) -> Language {
    let detected = detect_language(&article.text);
    match article.language.as_deref().map(Language::parse) {
        Some(Ok(language)) => language,
        Some(Err(LanguageError::Unsupported { tag })) => {
            notes.push(format!(
                "the article is in `{tag}`, which the hosts do not speak: the offline writer frames it in {detected}"
            ));
            detected
        }
        Some(Err(LanguageError::Malformed { .. })) | None => detected,
    }
}

/// Chinese when CJK characters outweigh Latin words (about five letters each).
fn detect_language(text: &str) -> Language {
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if text::is_cjk(c) {
            cjk += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if cjk * 5 > latin {
        Language::ZhCn
    } else {
        Language::EnUs
    }
}

fn translation_note(script: Language, listener: Language) -> String {
    format!(
        "the article is in {script} and the listener's language is {listener}: the offline writer cannot \
         translate, so the script is in {script}; a translated script needs the model writer"
    )
}

/// The number of sentences (and whether the framing must be terse) whose draft comes
/// closest to `target`: bisection on the number of sentences, with the usual framing if
/// the shortest draft (one sentence per part) fits, else with terse framing.
fn fit(
    composer: &Composer<'_, '_>,
    preference: &[(usize, Section)],
    target: usize,
    personal: usize,
) -> (usize, bool) {
    let mut covered = [false; 5];
    for (_, section) in preference {
        covered[section.index()] = true;
    }
    let k_min = covered.iter().filter(|&&c| c).count().min(preference.len());
    let shortest = composer.draft(&preference[..k_min], false).size + personal;
    let terse = shortest as f64 > target as f64 * (1.0 + LENGTH_TOLERANCE);
    // Drafts are made once per number of sentences.
    let known = std::cell::RefCell::new(vec![None; preference.len() + 1]);
    let total = |k: usize| {
        if let Some(size) = known.borrow()[k] {
            return size;
        }
        let size = composer.draft(&preference[..k], terse).size + personal;
        known.borrow_mut()[k] = Some(size);
        size
    };
    let n = preference.len();
    if total(n) <= target {
        // Every sentence is needed (and framing choices vary with the draft, so fewer
        // sentences could come out longer by a word or two: the facts come first).
        return (n, terse);
    }
    let (mut lo, mut hi) = (k_min, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if total(mid) >= target {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    // Framing varies with the draft, so the length is not quite monotonic: look around.
    let from = lo.saturating_sub(1).max(k_min);
    let to = (lo + 1).min(n);
    let k = (from..=to)
        .min_by_key(|&k| (total(k).abs_diff(target), k))
        .unwrap_or(lo);
    (k, terse)
}

fn length_note(
    units: usize,
    target: usize,
    minutes: f64,
    language: Language,
    all_used: bool,
) -> Option<String> {
    let minutes = if minutes == 1.0 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    };
    let ratio = units as f64 / target.max(1) as f64;
    let spoken = units as f64 / language.speech_rate() / 60.0;
    let unit = language.unit().plural();
    if ratio < 1.0 - LENGTH_TOLERANCE && all_used {
        Some(format!(
            "the article is too short to fill {minutes}: the script runs about {spoken:.1} minutes \
             ({units} of {target} {unit})"
        ))
    } else if ratio < 1.0 - LENGTH_TOLERANCE {
        Some(format!(
            "the article's sentences are too long to come closer to {minutes}: the script runs \
             about {spoken:.1} minutes ({units} of {target} {unit})"
        ))
    } else if ratio > 1.0 + LENGTH_TOLERANCE {
        Some(format!(
            "{minutes} is too short for every part of the story: the script runs about {spoken:.1} \
             minutes ({units} of {target} {unit})"
        ))
    } else {
        None
    }
}

/// Two or three of the article's most central sentences (no quotations), in order.
fn summary(story: &Story<'_>, language: Language) -> String {
    let cap = match language {
        Language::ZhCn => 160,
        Language::EnUs => 70,
    };
    let score = |u: &analyse::Unit<'_>| 0.6 * u.centrality + 0.4 / (1.0 + u.order as f64 * 0.35);
    let mut candidates: Vec<&analyse::Unit<'_>> = story.units.iter().filter(|u| !u.aside).collect();
    candidates.sort_by(|a, b| {
        a.quoted
            .cmp(&b.quoted)
            .then(score(b).total_cmp(&score(a)))
            .then(a.order.cmp(&b.order))
    });
    let mut chosen: Vec<&analyse::Unit<'_>> = Vec::new();
    let mut size = 0;
    for unit in candidates {
        if chosen.len() == 3 {
            break;
        }
        if chosen.len() < 2 || size + unit.size <= cap {
            size += unit.size;
            chosen.push(unit);
        }
    }
    chosen.sort_by_key(|u| u.order);
    join(chosen.iter().map(|u| u.text), language)
}

/// The five analysis sections: each part's best sentences (up to three, in order).
fn analysis(
    story: &Story<'_>,
    facts: &[Vec<usize>; 5],
    language: Language,
    seed: u64,
) -> Vec<Analysis> {
    let mut picker = Picker::new(seed);
    let templates = Templates::get(language);
    Section::ALL
        .into_iter()
        .map(|section| {
            let mut ids = facts[section.index()].clone();
            if section == Section::CoreEvent {
                ids.push(story.hook);
            }
            ids.sort_by(|a, b| {
                story.units[*b].scores[section.index()]
                    .total_cmp(&story.units[*a].scores[section.index()])
                    .then(a.cmp(b))
            });
            ids.truncate(3);
            ids.sort_unstable();
            let text = if ids.is_empty() {
                picker.pick(&templates.segment(section).empty).to_string()
            } else {
                join(ids.iter().map(|&i| story.units[i].text), language)
            };
            Analysis {
                section,
                title: section.title(language).to_string(),
                text,
            }
        })
        .collect()
}
