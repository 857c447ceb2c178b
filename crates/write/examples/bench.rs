//! Scripts per second on the shared extraction pages.
//!
//! ```text
//! cargo run --release -p goosepod-write --example bench [-- DIR_OR_FILE…]
//! ```
//!
//! Every page (`*.html`, `*.html.gz`) is loaded and extracted once, outside the timing;
//! then the offline writer writes a whole episode (body and personal lines) for each
//! article, round after round for at least three seconds. Without arguments it reads
//! `../shared/eval-data/extraction/html` and `../shared/eval-data/extraction-zh/html`
//! next to the workspace. It also reports how many scripts came within ±15 % of the
//! target length and whether any script has a number its article does not.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use goosepod_core::{Article, HostPair, Listener};
use goosepod_write::{WriteError, numbers, script_language, write};

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.to_string_lossy();
                    name.ends_with(".html") || name.ends_with(".html.gz")
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn main() {
    let mut inputs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if inputs.is_empty() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval-data");
        inputs = vec![
            shared.join("extraction/html"),
            shared.join("extraction-zh/html"),
        ];
    }
    let files: Vec<PathBuf> = inputs
        .iter()
        .flat_map(|p| {
            if p.is_dir() {
                pages(p)
            } else {
                vec![p.clone()]
            }
        })
        .collect();

    let mut articles: Vec<Article> = Vec::new();
    for file in &files {
        let Ok(loaded) = goosepod_ingest::source::load_file(file, 20 * 1024 * 1024) else {
            continue;
        };
        if let Ok(article) =
            goosepod_ingest::extract(&loaded.bytes, None, loaded.content_type.as_deref())
        {
            articles.push(article);
        }
    }
    let listeners: Vec<(Listener, &HostPair)> = articles
        .iter()
        .map(|article| {
            let language = script_language(article);
            let mut listener = Listener::for_language(language);
            listener.name = "Norris".into();
            listener.timezone = "Asia/Shanghai".into();
            (listener, HostPair::builtin_for(language))
        })
        .collect();
    let at = "2025-12-15T18:14:00Z".parse().expect("a valid instant");

    // One checked pass: outcomes, length, grounding.
    let (mut written, mut too_short, mut other, mut in_tolerance, mut ungrounded) = (0, 0, 0, 0, 0);
    for (article, (listener, hosts)) in articles.iter().zip(&listeners) {
        match write(article, listener, hosts, at) {
            Ok(episode) => {
                written += 1;
                if !episode.writer.notes.iter().any(|n| n.contains("minutes")) {
                    in_tolerance += 1;
                }
                for line in episode.lines.iter().filter(|l| l.segment.is_body()) {
                    ungrounded += numbers::ungrounded(&line.text, &article.text).len();
                }
            }
            Err(WriteError::TooFewSentences { .. }) => too_short += 1,
            Err(err) => {
                other += 1;
                eprintln!("error: {err}");
            }
        }
    }

    // Timed rounds.
    let cpu_start = thread_cpu_seconds();
    let start = Instant::now();
    let mut scripts = 0u64;
    while start.elapsed() < Duration::from_secs(3) {
        for (article, (listener, hosts)) in articles.iter().zip(&listeners) {
            if write(article, listener, hosts, at).is_ok() {
                scripts += 1;
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds()
        .zip(cpu_start)
        .map(|(end, start)| end - start);

    // Per article: the median and the slowest (very long pages cost the most).
    let mut per_article: Vec<(f64, usize)> = articles
        .iter()
        .zip(&listeners)
        .map(|(article, (listener, hosts))| {
            let start = Instant::now();
            for _ in 0..5 {
                let _ = write(article, listener, hosts, at);
            }
            (
                start.elapsed().as_secs_f64() / 5.0 * 1e6,
                article.text.len(),
            )
        })
        .collect();
    per_article.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quantile = |q: f64| per_article[((per_article.len() - 1) as f64 * q) as usize];

    // All cores: the articles shared out among threads.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parallel_start = Instant::now();
    let parallel_scripts: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (articles, listeners) = (&articles, &listeners);
                scope.spawn(move || {
                    let mut done = 0u64;
                    while parallel_start.elapsed() < Duration::from_secs(3) {
                        for i in (t..articles.len()).step_by(threads) {
                            let (listener, hosts) = &listeners[i];
                            if write(&articles[i], listener, hosts, at).is_ok() {
                                done += 1;
                            }
                        }
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let parallel_elapsed = parallel_start.elapsed().as_secs_f64();

    println!(
        "{} pages, {} articles extracted: {written} scripts, {too_short} too short (< 3 sentences), {other} other errors",
        files.len(),
        articles.len()
    );
    println!(
        "{in_tolerance} of {written} within ±15 % of the 5-minute target (the rest say why in writer.notes)"
    );
    println!("{ungrounded} numbers in scripts that their articles do not contain");
    println!(
        "{scripts} scripts in {elapsed:.2} s: {:.0} scripts/s (one thread, wall clock)",
        scripts as f64 / elapsed
    );
    if let Some(cpu) = cpu.filter(|&c| c > 0.0) {
        println!(
            "{:.0} scripts per CPU second (the thread's own CPU time, unaffected by other load)",
            scripts as f64 / cpu
        );
    }
    println!(
        "{parallel_scripts} scripts in {parallel_elapsed:.2} s on {threads} threads: {:.0} scripts/s",
        parallel_scripts as f64 / parallel_elapsed
    );
    let (median, _) = quantile(0.5);
    let (p90, _) = quantile(0.9);
    let (max, max_bytes) = quantile(1.0);
    println!(
        "per script: median {median:.0} µs, 90th percentile {p90:.0} µs, slowest {max:.0} µs ({max_bytes} bytes of text)"
    );
}

/// This thread's CPU time (user + system) from `/proc`, on Linux.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
