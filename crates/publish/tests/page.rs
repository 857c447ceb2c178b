//! The episode page rendered from real spoken episodes (made by `goosepod episode` from
//! the bundled samples): structure, escaping, sanitising, and a snapshot.

use base64::Engine as _;
use goosepod_core::Episode;
use goosepod_core::episode::files;
use goosepod_publish::{PageOptions, PublishError, render_page};
use sha2::{Digest, Sha256};

fn episode(name: &str) -> Episode {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Episode::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The same episode as if spoken to Opus in Ogg.
fn as_opus(mut episode: Episode) -> Episode {
    let audio = episode.audio.as_mut().unwrap();
    audio.file = files::OPUS.to_string();
    audio.mime_type = "audio/ogg; codecs=opus".to_string();
    episode
}

fn page(episode: &Episode) -> String {
    render_page(
        episode,
        &PageOptions {
            show: "Goose Pod",
            base_url: None,
        },
    )
    .unwrap()
}

/// The text an escaped HTML text or attribute stands for.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in page"))
        + start.len();
    let to = from + html[from..].find(end).unwrap();
    &html[from..to]
}

#[test]
fn english_page_matches_its_snapshot() {
    insta::assert_snapshot!("en_page", page(&episode("en-episode.json")));
}

#[test]
fn chinese_page_matches_its_snapshot() {
    insta::assert_snapshot!("zh_page", page(&episode("zh-episode.json")));
}

#[test]
fn english_opus_page_matches_its_snapshot() {
    insta::assert_snapshot!("en_opus_page", page(&as_opus(episode("en-episode.json"))));
}

#[test]
fn chinese_opus_page_matches_its_snapshot() {
    insta::assert_snapshot!("zh_opus_page", page(&as_opus(episode("zh-episode.json"))));
}

#[test]
fn the_player_and_the_download_use_the_episodes_audio_file_and_type() {
    let cases = [
        (
            "en-episode.json",
            false,
            "episode.mp3",
            "audio/mpeg",
            "MP3 audio",
        ),
        (
            "zh-episode.json",
            false,
            "episode.mp3",
            "audio/mpeg",
            "MP3 音频",
        ),
        (
            "en-episode.json",
            true,
            "episode.opus",
            "audio/ogg; codecs=opus",
            "Opus audio",
        ),
        (
            "zh-episode.json",
            true,
            "episode.opus",
            "audio/ogg; codecs=opus",
            "Opus 音频",
        ),
    ];
    for (fixture, opus, file, mime, label) in cases {
        let mut episode = episode(fixture);
        if opus {
            episode = as_opus(episode);
        }
        let html = page(&episode);
        let player = between(&html, r#"<audio id="audio" "#, "</audio>");
        assert_eq!(
            unescape(player),
            format!(r#"controls preload="metadata"><source src="{file}" type="{mime}">"#)
        );
        let download = between(&html, r#"<ul class="downloads">"#, "</li>");
        assert_eq!(
            unescape(download.trim_start()),
            format!(r#"<li><a href="{file}" download type="{mime}">{label}</a>"#)
        );
        assert!(unescape(&html).contains(&format!(
            r#"<meta property="og:audio:type" content="{mime}">"#
        )));
        let other = if opus { files::MP3 } else { files::OPUS };
        assert!(!html.contains(other), "{fixture}: no link to {other}");
        let other_label = if opus { "MP3 " } else { "Opus " };
        assert!(
            !between(&html, r#"<ul class="downloads">"#, "</ul>").contains(other_label),
            "{fixture}: {other_label}"
        );
    }
}

#[test]
fn every_line_is_on_the_page_in_order_with_its_timing() {
    let episode = episode("en-episode.json");
    let html = page(&episode);
    let mut from = 0;
    for line in &episode.lines {
        let marker = format!(r#"data-start="{:.3}""#, line.start.unwrap());
        let at = from + html[from..].find(&marker).expect("line's start in order");
        let host = episode.host(line.speaker).unwrap();
        let said = between(&html[at..], r#"<span class="said">"#, "</span>");
        assert_eq!(unescape(said), line.text);
        assert!(html[at..].contains(&host.name));
        from = at + marker.len();
    }
}

#[test]
fn the_player_shows_the_real_duration_before_the_audio_loads() {
    let episode = episode("en-episode.json");
    let html = page(&episode);
    let audio = episode.audio.as_ref().unwrap();
    assert!(!html.contains("--:--"));
    let minutes = (audio.duration_s / 60.0).floor();
    let seconds = (audio.duration_s - minutes * 60.0).floor();
    assert_eq!(
        between(&html, r#"<span id="duration">"#, "</span>"),
        format!("{minutes}:{seconds:02}")
    );
    assert!(html.contains(&format!(r#"data-duration="{:.3}""#, audio.duration_s)));
    assert!(html.contains(
        r#"<audio id="audio" controls preload="metadata"><source src="episode.mp3" type="audio/mpeg"></audio>"#
    ));
}

#[test]
fn page_language_labels_and_analysis_follow_the_show_language() {
    let zh = page(&episode("zh-episode.json"));
    assert!(zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    for label in [
        "文字稿",
        "摘要",
        "分析",
        "核心事件",
        "背景",
        "关键冲突",
        "影响",
        "展望",
    ] {
        assert!(zh.contains(label), "{label}");
    }
    let en = page(&episode("en-episode.json"));
    assert!(en.contains("<html lang=\"en-US\">"));
    for label in [
        "Core Event",
        "Background",
        "Key Conflict",
        "Impact",
        "Outlook",
    ] {
        assert!(
            en.contains(&format!("<summary>{label}</summary>")),
            "{label}"
        );
    }
    assert!(en.contains("Read original at The Coastal Ledger"));
}

#[test]
fn everything_from_the_episode_is_escaped() {
    let mut episode = episode("en-episode.json");
    episode.title = r#"<script>alert("title")</script>"#.to_string();
    episode.tags = vec![r#""><img src=x onerror=alert(1)>"#.to_string()];
    episode.lines[0].text = "<b onmouseover=alert(2)>hi</b>".to_string();
    episode.summary = "</p><script>alert(3)</script>".to_string();
    episode.source.publisher = Some("<i>Evil</i>".to_string());
    let html = page(&episode);
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<b onmouseover"));
    let heading = between(&html, "<h1>", "</h1>");
    assert!(!heading.contains('<'), "{heading}");
    assert_eq!(unescape(heading), episode.title);
}

#[test]
fn hostile_source_markup_and_addresses_never_reach_the_page() {
    let mut episode = episode("en-episode.json");
    episode.source.url = Some("javascript:alert(1)".to_string());
    episode.source.html = Some(
        r#"<p onclick="x()">Text <a href="javascript:y()">link</a></p><script>z()</script>
           <img src="https://tracker.example/p.gif" onerror="w()"><iframe src="https://a.example"></iframe>"#
            .to_string(),
    );
    let html = page(&episode);
    let original = between(&html, r#"<div class="original">"#, "</div>");
    assert_eq!(
        original,
        "<p>Text <a rel=\"noopener noreferrer nofollow ugc\">link</a></p>"
    );
    assert!(!html.contains("javascript:"));
    assert!(!html.contains("tracker.example"));
}

#[test]
fn the_content_security_policy_admits_exactly_the_inline_script_and_style() {
    let html = page(&episode("en-episode.json"));
    let hash = |text: &str| {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    };
    let script = between(&html, "<script>", "</script>");
    let style = between(&html, "<style>", "</style>");
    let csp = unescape(between(
        &html,
        r#"http-equiv="Content-Security-Policy" content=""#,
        "\"",
    ));
    assert!(
        csp.contains(&format!("script-src 'sha256-{}'", hash(script))),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("style-src 'sha256-{}'", hash(style))),
        "{csp}"
    );
}

#[test]
fn open_graph_links_are_absolute_with_a_base_url() {
    let html = render_page(
        &episode("en-episode.json"),
        &PageOptions {
            show: "Goose Pod",
            base_url: Some("https://pods.example/e/42/"),
        },
    )
    .unwrap();
    assert!(
        html.contains(r#"<meta property="og:url" content="https://pods.example/e/42/index.html">"#)
    );
    assert!(
        html.contains(
            r#"<meta property="og:image" content="https://pods.example/e/42/cover.png">"#
        )
    );
    assert!(
        html.contains(
            r#"<meta property="og:audio" content="https://pods.example/e/42/episode.mp3">"#
        )
    );
}

#[test]
fn an_unspoken_episode_has_no_page() {
    let mut episode = episode("en-episode.json");
    episode.audio = None;
    let err = render_page(
        &episode,
        &PageOptions {
            show: "Goose Pod",
            base_url: None,
        },
    )
    .unwrap_err();
    assert!(matches!(err, PublishError::NotSpoken));
}
