//! Loading an input named on the command line (a URL or a local file) and extracting
//! its article: shared by the commands that start from a page.

use anyhow::{Context, Result};
use goosepod_core::Article;
use goosepod_ingest::fetch::{FetchConfig, Fetcher};
use goosepod_ingest::source::{self, Input, Loaded};

/// Extracts the article from loaded bytes; errors name the input.
pub fn extract(loaded: &Loaded, input: &str) -> Result<Article> {
    goosepod_ingest::extract(
        &loaded.bytes,
        loaded.url.as_deref(),
        loaded.content_type.as_deref(),
    )
    .with_context(|| format!("cannot extract an article from {input}"))
}

/// Loads inputs: files directly, URLs through a guarded fetcher on a small runtime.
pub struct Loader {
    max_bytes: u64,
    fetcher: Fetcher,
    runtime: tokio::runtime::Runtime,
}

impl Loader {
    /// A loader that fetches with `config` (its `max_body_bytes` also caps files).
    pub fn new(config: FetchConfig) -> Result<Self> {
        let max_bytes = config.max_body_bytes;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        // reqwest's client must be built inside a runtime context.
        let fetcher = runtime.block_on(async { Fetcher::new(config) })?;
        Ok(Self {
            max_bytes,
            fetcher,
            runtime,
        })
    }

    /// The bytes of `input`: a local file, or a URL fetched through the guard.
    pub fn load(&self, input: &str) -> Result<Loaded> {
        Ok(match Input::parse(input)? {
            Input::File(path) => source::load_file(&path, self.max_bytes)?,
            url @ Input::Url(_) => self.runtime.block_on(source::load(&url, &self.fetcher))?,
        })
    }

    /// The article in `input`.
    pub fn article(&self, input: &str) -> Result<Article> {
        extract(&self.load(input)?, input)
    }
}
