//! Helpers shared by the writer's integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

use goosepod_core::{Article, Episode, HostPair, Language, Listener};
use jiff::Timestamp;

/// The example episode's instant: 02:14 on Tuesday 16 December in Shanghai.
pub const AT: &str = "2025-12-15T18:14:00Z";

pub fn at() -> Timestamp {
    AT.parse().unwrap()
}

/// A sample page from `samples/`, extracted.
pub fn sample(name: &str) -> Article {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "samples", name]
        .iter()
        .collect();
    let loaded = goosepod_ingest::source::load_file(&path, 10 * 1024 * 1024).unwrap();
    goosepod_ingest::extract(&loaded.bytes, None, loaded.content_type.as_deref()).unwrap()
}

/// A listener called `name` in `zone` who speaks `language`.
pub fn listener(name: &str, language: Language, zone: &str) -> Listener {
    let mut listener = Listener::for_language(language);
    listener.name = name.into();
    listener.timezone = zone.into();
    listener
}

/// The episode for `article` written for `listener` at [`AT`] with the listener's
/// language's built-in hosts.
pub fn episode(article: &Article, listener: &Listener) -> Episode {
    goosepod_write::write(
        article,
        listener,
        HostPair::builtin_for(listener.language),
        at(),
    )
    .unwrap()
}

/// A plain-text article in `language` from paragraphs.
pub fn article(paragraphs: &[&str], language: &str) -> Article {
    Article {
        title: Some("A headline".into()),
        language: Some(language.into()),
        text: paragraphs.join("\n\n"),
        ..Article::default()
    }
}
