//! `goosepod extract`: the article in a page, as text or JSON.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use goosepod_core::Article;

use super::load::{Loader, extract};
use crate::config::Settings;
use rayon::prelude::*;

/// Arguments of `goosepod extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Web page URLs (http, https) or local files (.html, .htm, .html.gz, .txt, .md).
    #[arg(required = true, value_name = "URL|FILE")]
    inputs: Vec<String>,
    /// Print (or write) one JSON object per article: title, site_name, byline,
    /// published, language, url, image, text.
    #[arg(long)]
    json: bool,
    /// Write DIR/<name>.txt (or .json with --json) for each input, processed in parallel.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Largest page accepted, in bytes, fetched or read from disk (default: `[fetch]
    /// max_bytes`, 10 MiB).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
}

/// The JSON shape of an extracted article (the CLI contract).
#[derive(serde::Serialize)]
struct ArticleJson<'a> {
    title: &'a Option<String>,
    site_name: &'a Option<String>,
    byline: &'a Option<String>,
    published: Option<String>,
    language: &'a Option<String>,
    url: &'a Option<String>,
    image: &'a Option<String>,
    text: &'a str,
}

impl<'a> From<&'a Article> for ArticleJson<'a> {
    fn from(a: &'a Article) -> Self {
        Self {
            title: &a.title,
            site_name: &a.site_name,
            byline: &a.byline,
            published: a.published.map(|t| t.to_string()),
            language: &a.language,
            url: &a.url,
            image: &a.image,
            text: &a.text,
        }
    }
}

/// Runs `goosepod extract`.
pub fn run(args: Args, settings: &Settings) -> Result<ExitCode> {
    let mut fetch = settings.fetch_config()?;
    if let Some(max_bytes) = args.max_bytes {
        fetch.max_body_bytes = max_bytes;
    }
    let loader = Loader::new(fetch)?;
    match &args.out_dir {
        Some(dir) => run_batch(&args, &loader, dir),
        None if args.inputs.len() == 1 => {
            let article = loader.article(&args.inputs[0])?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{}", render(&article, args.json)?)?;
            Ok(ExitCode::SUCCESS)
        }
        None => bail!("several inputs need --out-dir DIR"),
    }
}

/// Extracts every input in parallel into `dir`; one failure never stops the others.
fn run_batch(args: &Args, loader: &Loader, dir: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let extension = if args.json { "json" } else { "txt" };
    // Largest files first, one task each: the batch then ends with small pages on every
    // core instead of one core finishing a big page alone. Each size is read once, not at
    // every comparison.
    let mut order: Vec<(usize, &String)> = args.inputs.iter().enumerate().collect();
    order.sort_by_cached_key(|(_, input)| Reverse(std::fs::metadata(input).map_or(0, |m| m.len())));
    let mut failures: Vec<(usize, String)> = order
        .par_iter()
        .with_max_len(1)
        .filter_map(|&(index, input)| {
            let done = loader.load(input).and_then(|loaded| {
                let article = extract(&loaded, input)?;
                let path = dir.join(format!("{}.{extension}", loaded.name));
                std::fs::write(&path, render(&article, args.json)? + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))
            });
            done.err().map(|err| (index, format!("{input}: {err:#}")))
        })
        .collect();
    failures.sort();
    let failures: Vec<String> = failures.into_iter().map(|(_, failure)| failure).collect();
    warn_duplicate_names(&args.inputs);
    for failure in &failures {
        eprintln!("goosepod extract: {failure}");
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "goosepod extract: {} of {} inputs failed",
            failures.len(),
            args.inputs.len()
        );
        Ok(ExitCode::from(2))
    }
}

/// Several inputs with one output name overwrite each other's file: say so.
fn warn_duplicate_names(inputs: &[String]) {
    let mut seen = HashSet::new();
    for input in inputs {
        let name = Path::new(input).file_name().map(|n| n.to_os_string());
        if name.is_some() && !seen.insert(name) {
            eprintln!(
                "goosepod extract: warning: {input} has the same output name as an earlier input"
            );
        }
    }
}

fn render(article: &Article, json: bool) -> Result<String> {
    Ok(if json {
        serde_json::to_string(&ArticleJson::from(article))?
    } else {
        article.text.clone()
    })
}
