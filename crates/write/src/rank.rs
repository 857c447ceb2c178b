//! Which sentences matter most: TextRank over sentence similarity.
//!
//! Sentences are compared by what they share: character bigrams for Chinese (no word
//! segmentation needed), content words for English (lowercased, stopwords left out, a
//! plural `s` dropped). Similarity is TextRank's overlap normalised by the sentences'
//! lengths, `|A ∩ B| / (ln |A| + ln |B|)`; centrality is PageRank on that graph.

use goosepod_core::Language;

use crate::templates::Lexicon;
use crate::text::{fnv1a, is_cjk};

/// The most sentences compared with each other; later ones get the lowest centrality.
pub(crate) const MAX_RANKED: usize = 250;

/// A sentence's comparable features: sorted, distinct token hashes.
pub(crate) fn tokens(text: &str, language: Language, lexicon: &Lexicon) -> Vec<u64> {
    let mut out = match language {
        Language::ZhCn => zh_tokens(text),
        Language::EnUs => en_tokens(text, lexicon),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Character bigrams of Han runs (and digits), plus each Latin word whole.
fn zh_tokens(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut previous: Option<char> = None;
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            word.push(c.to_ascii_lowercase());
            previous = None;
            continue;
        }
        if !word.is_empty() {
            out.push(fnv1a(word.as_bytes()));
            word.clear();
        }
        if is_cjk(c) || c.is_ascii_digit() {
            if let Some(p) = previous {
                let mut buf = [0u8; 8];
                let a = p.encode_utf8(&mut buf[..4]).len();
                let b = c.encode_utf8(&mut buf[a..]).len();
                out.push(fnv1a(&buf[..a + b]));
            }
            previous = Some(c);
        } else {
            previous = None;
        }
    }
    if !word.is_empty() {
        out.push(fnv1a(word.as_bytes()));
    }
    out
}

fn en_tokens(text: &str, lexicon: &Lexicon) -> Vec<u64> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .filter_map(|w| {
            let lower: std::borrow::Cow<'_, str> = if w.chars().any(char::is_uppercase) {
                w.to_lowercase().into()
            } else {
                w.into()
            };
            if lexicon.is_stopword(&lower) {
                return None;
            }
            let stem = if lower.len() > 4 && lower.ends_with('s') && !lower.ends_with("ss") {
                &lower[..lower.len() - 1]
            } else {
                &lower[..]
            };
            Some(fnv1a(stem.as_bytes()))
        })
        .collect()
}

/// How many tokens two sorted lists share.
#[cfg(test)]
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// TextRank centrality of each sentence, scaled so the most central is 1 (all 0 when
/// no two sentences share anything).
pub(crate) fn centrality(sentences: &[Vec<u64>]) -> Vec<f64> {
    let n = sentences.len().min(MAX_RANKED);
    let mut scores = vec![0.0; sentences.len()];
    if n == 0 {
        return scores;
    }
    let logs: Vec<f64> = sentences[..n]
        .iter()
        .map(|t| (t.len().max(1) as f64).ln())
        .collect();
    // How many tokens each pair shares, from an inverted index: a token shared by `d`
    // sentences adds to d(d-1)/2 pairs, far fewer than comparing every pair.
    let mut postings: Vec<(u64, u32)> = sentences[..n]
        .iter()
        .enumerate()
        .flat_map(|(i, tokens)| tokens.iter().map(move |&t| (t, i as u32)))
        .collect();
    postings.sort_unstable();
    let mut common = vec![0u16; n * n];
    for group in postings.chunk_by(|a, b| a.0 == b.0) {
        for (k, &(_, a)) in group.iter().enumerate() {
            for &(_, b) in &group[k + 1..] {
                let cell = &mut common[a as usize * n + b as usize];
                *cell = cell.saturating_add(1);
            }
        }
    }
    // The similarity graph as adjacency lists (most pairs share nothing).
    let mut edges: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut out_sum = vec![0.0f64; n];
    for i in 0..n {
        for j in i + 1..n {
            let shared = common[i * n + j];
            let denominator = logs[i] + logs[j];
            if shared == 0 || denominator <= 0.0 {
                continue;
            }
            let w = f64::from(shared) / denominator;
            edges[i].push((j, w));
            edges[j].push((i, w));
            out_sum[i] += w;
            out_sum[j] += w;
        }
    }
    if out_sum.iter().all(|&s| s == 0.0) {
        return scores;
    }
    // Each edge's share of its source's weight, so an iteration is one pass over edges.
    for list in &mut edges {
        for (j, w) in list.iter_mut() {
            *w /= out_sum[*j];
        }
    }
    const DAMPING: f64 = 0.85;
    let mut rank = vec![1.0f64; n];
    let mut next = vec![0.0f64; n];
    for _ in 0..30 {
        for (slot, list) in next.iter_mut().zip(&edges) {
            let sum: f64 = list.iter().map(|&(j, w)| w * rank[j]).sum();
            *slot = (1.0 - DAMPING) + DAMPING * sum;
        }
        let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut rank, &mut next);
        if change < 1e-4 * n as f64 {
            break;
        }
    }
    let max = rank.iter().cloned().fold(0.0, f64::max);
    for (score, r) in scores.iter_mut().zip(&rank) {
        *score = if max > 0.0 { r / max } else { 0.0 };
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::Templates;

    fn rank(texts: &[&str], language: Language) -> Vec<f64> {
        let lexicon = &Templates::get(language).cues;
        let tokens: Vec<Vec<u64>> = texts.iter().map(|t| tokens(t, language, lexicon)).collect();
        centrality(&tokens)
    }

    #[test]
    fn the_sentence_sharing_most_is_most_central() {
        let scores = rank(
            &[
                "The harbor battery stores solar power for the city.",
                "The battery cost the city more than planned.",
                "Neighbors worry about battery fires near the harbor.",
                "Cats sleep a lot.",
            ],
            Language::EnUs,
        );
        let best = scores.iter().cloned().fold(0.0, f64::max);
        assert_eq!(best, 1.0);
        assert!(scores[3] < scores[0] && scores[3] < scores[1] && scores[3] < scores[2]);
    }

    #[test]
    fn chinese_uses_character_bigrams() {
        let scores = rank(
            &[
                "地铁5号线今天开通运营。",
                "5号线总投资约218亿元。",
                "地铁开通后通勤更方便。",
                "天气晴朗。",
            ],
            Language::ZhCn,
        );
        assert!(scores[3] < scores[0]);
        assert_eq!(shared(&zh_tokens("地铁"), &zh_tokens("地铁站")), 1);
    }

    #[test]
    fn nothing_in_common_gives_zeros() {
        assert_eq!(
            rank(
                &["Alpha beta gamma.", "Delta epsilon zeta."],
                Language::EnUs
            ),
            [0.0, 0.0]
        );
        assert!(centrality(&[]).is_empty());
    }
}
