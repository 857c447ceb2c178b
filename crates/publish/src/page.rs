//! The episode page: one self-contained `index.html` (styles and script inline, no
//! network) beside the episode's media files.

use askama::Template;
use base64::Engine as _;
use goosepod_core::HostId;
use goosepod_core::episode::{Episode, files};
use goosepod_core::timezone;
use sha2::{Digest, Sha256};

use crate::PublishError;
use crate::labels::{Labels, labels};
use crate::sanitize;

const STYLE: &str = include_str!("../assets/page.css");
const SCRIPT: &str = include_str!("../assets/player.js");
const SPEEDS: [&str; 6] = ["0.75", "1", "1.25", "1.5", "1.75", "2"];

/// What the page needs beyond the episode.
#[derive(Debug, Clone, Copy)]
pub struct PageOptions<'a> {
    /// The show's name, e.g. `Goose Pod`.
    pub show: &'a str,
    /// The absolute address the episode's directory is served at, ending in `/`; used
    /// for the page's own sharing links (Open Graph needs absolute URLs). Without it,
    /// links are relative and the page works from `file://` too.
    pub base_url: Option<&'a str>,
}

/// Renders `index.html` for a spoken episode.
pub fn render_page(episode: &Episode, options: &PageOptions<'_>) -> Result<String, PublishError> {
    let audio = episode.audio.as_ref().ok_or(PublishError::NotSpoken)?;
    if !episode.is_timed() {
        return Err(PublishError::NotSpoken);
    }
    let labels = labels(episode.language);
    let link = |file: &str| match options.base_url {
        Some(base) => format!("{}/{file}", base.trim_end_matches('/')),
        None => file.to_string(),
    };
    let page = EpisodePage {
        lang: episode.language.tag(),
        og_locale: episode.language.tag().replace('-', "_"),
        csp: content_security_policy(),
        title: &episode.title,
        show: options.show,
        summary: &episode.summary,
        date: page_date(episode),
        tags: &episode.tags,
        duration_s: format!("{:.3}", audio.duration_s),
        duration_text: clock(audio.duration_s),
        speeds: &SPEEDS,
        lines: lines(episode),
        source: source(episode, labels),
        analysis: episode
            .analysis
            .iter()
            .map(|part| AnalysisView {
                title: &part.title,
                paragraphs: part
                    .text
                    .split('\n')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect(),
            })
            .collect(),
        downloads: downloads(&audio.file, &audio.mime_type, labels),
        footer: match &episode.writer.model {
            Some(model) => labels.made_by_model.replace("{model}", model),
            None => labels.made_offline.to_string(),
        },
        links: Links {
            page: options.base_url.map(|_| link(files::PAGE)),
            audio: link(&audio.file),
            audio_type: &audio.mime_type,
            cover: link(files::COVER),
        },
        labels,
        style: STYLE,
        script: SCRIPT,
    };
    Ok(page.render()?)
}

#[derive(Template)]
#[template(path = "episode.html")]
struct EpisodePage<'a> {
    lang: &'static str,
    og_locale: String,
    csp: String,
    title: &'a str,
    show: &'a str,
    summary: &'a str,
    date: String,
    tags: &'a [String],
    duration_s: String,
    duration_text: String,
    speeds: &'static [&'static str],
    lines: Vec<LineView<'a>>,
    source: SourceView<'a>,
    analysis: Vec<AnalysisView<'a>>,
    downloads: Vec<Download>,
    footer: String,
    links: Links<'a>,
    labels: &'static Labels,
    style: &'static str,
    script: &'static str,
}

struct Links<'a> {
    page: Option<String>,
    audio: String,
    /// The audio's MIME type, as the episode records it.
    audio_type: &'a str,
    cover: String,
}

struct LineView<'a> {
    who: &'a str,
    host: &'static str,
    text: &'a str,
    start: String,
    end: String,
    at: String,
}

struct SourceView<'a> {
    headline: Option<&'a str>,
    url: Option<String>,
    read_original: String,
    byline: String,
    /// Sanitised markup.
    body: String,
}

struct AnalysisView<'a> {
    title: &'a str,
    paragraphs: Vec<&'a str>,
}

struct Download {
    href: String,
    mime: String,
    label: &'static str,
}

fn lines(episode: &Episode) -> Vec<LineView<'_>> {
    episode
        .lines
        .iter()
        .map(|line| {
            let start = line.start.unwrap_or_default();
            LineView {
                who: episode
                    .host(line.speaker)
                    .map_or(line.speaker.as_str(), |host| host.name.as_str()),
                host: match line.speaker {
                    HostId::A => "a",
                    HostId::B => "b",
                },
                text: &line.text,
                start: format!("{start:.3}"),
                end: format!("{:.3}", line.end.unwrap_or(start)),
                at: clock(start),
            }
        })
        .collect()
}

fn source<'a>(episode: &'a Episode, labels: &Labels) -> SourceView<'a> {
    let source = &episode.source;
    let url = source.url.as_deref().filter(|url| is_web_address(url));
    let read_original = match source.publisher.as_deref().map(str::trim) {
        Some(publisher) if !publisher.is_empty() => {
            labels.read_original_at.replace("{publisher}", publisher)
        }
        _ => labels.read_original.to_string(),
    };
    let published = source
        .published
        .map(|at| local_date(episode, at))
        .unwrap_or_default();
    let byline = [source.byline.as_deref().unwrap_or(""), published.as_str()]
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let body = match source.html.as_deref() {
        Some(html) => sanitize::article_html(html, url),
        None => sanitize::text_as_html(&source.text),
    };
    SourceView {
        headline: source.title.as_deref().filter(|t| !t.trim().is_empty()),
        url: url.map(str::to_string),
        read_original,
        byline,
        body,
    }
}

fn downloads(audio_file: &str, audio_type: &str, labels: &Labels) -> Vec<Download> {
    [
        (
            audio_file,
            audio_type,
            labels.audio_download_for(audio_file, audio_type),
        ),
        (files::VTT, "text/vtt", labels.vtt_download),
        (files::SRT, "application/x-subrip", labels.srt_download),
        (
            files::CHAPTERS,
            "application/json+chapters",
            labels.chapters_download,
        ),
        (
            files::EPISODE_JSON,
            "application/json",
            labels.json_download,
        ),
    ]
    .into_iter()
    .map(|(href, mime, label)| Download {
        href: href.to_string(),
        mime: mime.to_string(),
        label,
    })
    .collect()
}

/// Only `http(s)` addresses become links: a `javascript:` URL in an episode file must
/// never reach an `href`.
fn is_web_address(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The page's date: when the article was published, else when the episode was made, as
/// the listener's calendar has it.
fn page_date(episode: &Episode) -> String {
    local_date(
        episode,
        episode.source.published.unwrap_or(episode.generated_at),
    )
}

fn local_date(episode: &Episode, at: jiff::Timestamp) -> String {
    let zone = timezone::resolve(&episode.listener.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned_datetime(zone).date().to_string()
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn clock(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds.floor() as u64
    } else {
        0
    };
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Only the page's own inline script and style may run: injected markup that got past
/// the sanitiser would still do nothing.
fn content_security_policy() -> String {
    let hash = |text: &str| {
        let digest = Sha256::digest(text.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    format!(
        "script-src {}; style-src {}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'",
        hash(SCRIPT),
        hash(STYLE)
    )
}
