//! Measures SimHash distances on the extraction evaluation articles, to choose and check
//! `similar::NEAR_DUPLICATE_DISTANCE`.
//!
//! ```sh
//! cargo run --release -p goosepod-ingest --example similar_eval [-- EVAL_DATA_DIR]
//! ```
//!
//! `EVAL_DATA_DIR` defaults to `../shared/eval-data` beside the checkout. Prints the
//! distance distribution between different articles (every pair, per language), between
//! each article and lightly edited copies of it (boilerplate added, one paragraph
//! edited, one paragraph dropped), and between each hand-checked English article and
//! what other extractors made of the same page (real differences in boilerplate).

use std::path::{Path, PathBuf};

use goosepod_ingest::similar::{NEAR_DUPLICATE_DISTANCE, distance, fingerprint};
use serde_json::Value;

/// A way of changing an article: its text and the furniture of its language in, the
/// changed text out.
type Variant = fn(&str, [&str; 3]) -> String;

/// Articles shorter than this many characters are left out: a teaser of a sentence or
/// two is not a story to deduplicate.
const MIN_CHARS: usize = 400;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval-data"));
    println!("threshold: distance <= {NEAR_DUPLICATE_DISTANCE} is the same story\n");
    let english = articles(&dir.join("extraction/ground-truth.json"));
    let chinese = articles(&dir.join("extraction-zh/ground-truth.json"));
    for (language, articles, furniture) in [
        ("en", &english, EN_FURNITURE),
        ("zh", &chinese, ZH_FURNITURE),
    ] {
        let texts: Vec<&str> = articles.iter().map(|(_, text)| text.as_str()).collect();
        println!("== {language}: {} articles", texts.len());
        report("different articles", &different_pairs(&texts));
        let variants: [(&str, Variant); 4] = [
            ("+ boilerplate", |t, f| with_boilerplate(t, f)),
            ("one paragraph edited", |t, _| edit_paragraph(t)),
            ("one paragraph dropped", |t, _| drop_paragraph(t)),
            ("boilerplate + edit", |t, f| {
                with_boilerplate(&edit_paragraph(t), f)
            }),
        ];
        for (name, variant) in variants {
            let distances: Vec<u32> = texts
                .iter()
                .map(|text| distance(fingerprint(text), fingerprint(&variant(text, furniture))))
                .collect();
            report(name, &distances);
        }
    }
    println!("== en: hand-checked text vs other extractors' output of the same page");
    for extractor in ["trafilatura", "readability_js", "goose3", "newspaper"] {
        let path = dir.join(format!("extraction/reference-outputs/{extractor}.json"));
        let output = extractor_output(&path);
        let distances: Vec<u32> = english
            .iter()
            .filter_map(|(id, truth)| {
                let other = output.get(id)?.get("articleBody")?.as_str()?;
                (other.chars().count() >= MIN_CHARS)
                    .then(|| distance(fingerprint(truth), fingerprint(other)))
            })
            .collect();
        report(extractor, &distances);
    }
}

/// `(id, text)` of the articles in a ground-truth file long enough to count.
fn articles(path: &Path) -> Vec<(String, String)> {
    let json = read_json(path);
    let mut articles: Vec<(String, String)> = json
        .as_object()
        .expect("a JSON object")
        .iter()
        .filter_map(|(id, entry)| {
            let text = entry.get("articleBody")?.as_str()?;
            (text.chars().count() >= MIN_CHARS).then(|| (id.clone(), text.to_owned()))
        })
        .collect();
    articles.sort();
    articles
}

fn extractor_output(path: &Path) -> serde_json::Map<String, Value> {
    let json = read_json(path);
    let output = json.get("output").unwrap_or(&json);
    output.as_object().cloned().unwrap_or_default()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn different_pairs(texts: &[&str]) -> Vec<u32> {
    let prints: Vec<u64> = texts.iter().map(|text| fingerprint(text)).collect();
    let mut distances = Vec::new();
    for (i, a) in prints.iter().enumerate() {
        for b in &prints[i + 1..] {
            distances.push(distance(*a, *b));
        }
    }
    distances
}

const EN_FURNITURE: [&str; 3] = [
    "Advertisement",
    "By Staff Reporter. Updated 3 hours ago. Share on Facebook, Twitter or email.",
    "Sign up for our daily newsletter to get the latest headlines in your inbox. \
     Related: The ten stories everyone is reading this week. © 2025 All rights reserved.",
];

const ZH_FURNITURE: [&str; 3] = [
    "广告",
    "本报记者 张明 报道 2025年06月12日 08:30 来源：新华网",
    "责任编辑：李华。扫描二维码关注我们的微信公众号，获取更多新闻资讯。版权所有，未经授权不得转载。",
];

fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// A byline before, an advertisement inside and a newsletter box after the text.
fn with_boilerplate(text: &str, furniture: [&str; 3]) -> String {
    let mut paragraphs = paragraphs(text);
    paragraphs.insert(paragraphs.len() / 2, furniture[0]);
    paragraphs.insert(0, furniture[1]);
    paragraphs.push(furniture[2]);
    paragraphs.join("\n\n")
}

/// The longest paragraph's index, the one whose change moves the text most.
fn longest(paragraphs: &[&str]) -> usize {
    (0..paragraphs.len())
        .max_by_key(|&i| paragraphs[i].chars().count())
        .unwrap_or(0)
}

/// The longest paragraph edited: its second half rewritten (every third word, or for
/// CJK every third character, replaced).
fn edit_paragraph(text: &str) -> String {
    let mut paragraphs: Vec<String> = paragraphs(text).into_iter().map(str::to_owned).collect();
    let i = longest(&paragraphs.iter().map(String::as_str).collect::<Vec<_>>());
    let paragraph = &paragraphs[i];
    let cjk = paragraph.chars().filter(|c| *c > '\u{2E80}').count() * 2 > paragraph.len() / 3;
    let edited = if cjk {
        let chars: Vec<char> = paragraph.chars().collect();
        let half = chars.len() / 2;
        chars
            .iter()
            .enumerate()
            .map(|(n, c)| if n >= half && n % 3 == 0 { '改' } else { *c })
            .collect()
    } else {
        let words: Vec<&str> = paragraph.split(' ').collect();
        let half = words.len() / 2;
        words
            .iter()
            .enumerate()
            .map(|(n, w)| {
                if n >= half && n % 3 == 0 {
                    "changed"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    paragraphs[i] = edited;
    paragraphs.join("\n\n")
}

/// The text without its longest paragraph (when it has more than two).
fn drop_paragraph(text: &str) -> String {
    let mut paragraphs = paragraphs(text);
    if paragraphs.len() > 2 {
        let i = longest(&paragraphs);
        paragraphs.remove(i);
    }
    paragraphs.join("\n\n")
}

fn report(name: &str, distances: &[u32]) {
    let mut sorted = distances.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        println!("  {name:<24} (none)");
        return;
    }
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let within = sorted
        .iter()
        .filter(|d| **d <= NEAR_DUPLICATE_DISTANCE)
        .count();
    println!(
        "  {name:<24} n={:<6} min={:<2} p1={:<2} p5={:<2} median={:<2} p95={:<2} max={:<2} \
         within threshold: {:.1}%",
        sorted.len(),
        sorted[0],
        at(0.01),
        at(0.05),
        at(0.5),
        at(0.95),
        sorted[sorted.len() - 1],
        100.0 * within as f64 / sorted.len() as f64
    );
    let n = sorted.len() as f64;
    let mean = sorted.iter().map(|d| f64::from(*d)).sum::<f64>() / n;
    let variance = sorted
        .iter()
        .map(|d| (f64::from(*d) - mean).powi(2))
        .sum::<f64>()
        / n;
    let cumulative: Vec<String> = [8, 10, 12, 14, 16]
        .iter()
        .map(|t| format!("<={t}: {}", sorted.iter().filter(|d| *d <= t).count()))
        .collect();
    println!(
        "  {:<24} mean={mean:.1} sd={:.1}  {}",
        "",
        variance.sqrt(),
        cumulative.join("  ")
    );
    let histogram: Vec<String> = (0..=64u32)
        .step_by(4)
        .map(|from| {
            let n = sorted
                .iter()
                .filter(|d| (from..from + 4).contains(d))
                .count();
            format!("{from}-{}:{n}", from + 3)
        })
        .filter(|bucket| !bucket.ends_with(":0"))
        .collect();
    println!("  {:<24} {}", "", histogram.join(" "));
}
