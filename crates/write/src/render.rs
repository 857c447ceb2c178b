//! An episode's script as readable text: title, tags and source, then each part of the
//! arc under a heading with every line as `host: text`, then the summary.

use std::fmt::Write;

use goosepod_core::{Episode, Language, Segment};

/// The heading of a part of the script in `language`.
fn heading(segment: Segment, language: Language) -> &'static str {
    match (segment.section(), segment, language) {
        (Some(section), _, _) => section.title(language),
        (None, Segment::Greeting, Language::ZhCn) => "开场",
        (None, Segment::Greeting, Language::EnUs) => "Opening",
        (None, _, Language::ZhCn) => "结尾",
        (None, _, Language::EnUs) => "Sign-off",
    }
}

/// The script of `episode` as text, for reading in a terminal:
///
/// ```text
/// 江岚地铁5号线今日开通
/// 5号线 · 江岚市 — 东江日报
///
/// [开场]
/// 程远: Hello Norris,我是程远……
/// ```
pub fn render_script(episode: &Episode) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", episode.title);
    let mut about = episode.tags.join(" · ");
    if let Some(publisher) = &episode.source.publisher {
        let _ = write!(about, " — {publisher}");
    }
    let _ = writeln!(out, "{}", about.trim_start_matches(" — "));
    let mut current: Option<Segment> = None;
    for line in &episode.lines {
        if current != Some(line.segment) {
            current = Some(line.segment);
            let _ = writeln!(out, "\n[{}]", heading(line.segment, episode.language));
        }
        let name = episode
            .host(line.speaker)
            .map_or(line.speaker.as_str(), |h| h.name.as_str());
        let _ = writeln!(out, "{name}: {}", line.text);
    }
    let _ = writeln!(out, "\n{}", episode.summary);
    out
}
