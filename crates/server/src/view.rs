//! How rows are shown on pages: local dates, clock durations, the time zone list.

use goosepod_store::{EpisodeRow, Source, SourceKind};
use jiff::Timestamp;

/// An episode in a list.
pub struct EpisodeView {
    /// Its URL id.
    pub public_id: String,
    /// Title.
    pub title: String,
    /// Local publication date and time.
    pub date: String,
    /// `m:ss` or `h:mm:ss`.
    pub duration: String,
}

impl EpisodeView {
    /// Shows `row` in `timezone`.
    pub fn new(row: &EpisodeRow, timezone: &str) -> EpisodeView {
        EpisodeView {
            public_id: row.public_id.clone(),
            title: row.title.clone(),
            date: local(row.published_at, timezone),
            duration: goosepod_publish::page::clock(row.duration_s),
        }
    }
}

/// A source in the list.
pub struct SourceView {
    /// Row id.
    pub id: i64,
    /// Title, else the URL.
    pub title: String,
    /// URL.
    pub url: String,
    /// `feed` or `article`.
    pub kind: &'static str,
    /// When it was last polled.
    pub polled: String,
    /// The last poll's error.
    pub error: Option<String>,
}

impl SourceView {
    /// Shows `source` in `timezone`.
    pub fn new(source: &Source, timezone: &str) -> SourceView {
        SourceView {
            id: source.id,
            title: source.title.clone().unwrap_or_else(|| source.url.clone()),
            url: source.url.clone(),
            kind: match source.kind {
                SourceKind::Feed => "feed",
                SourceKind::Article => "article",
            },
            polled: source.last_polled_at.map_or_else(
                || "not polled yet".to_owned(),
                |at| format!("polled {}", local(at, timezone)),
            ),
            error: source.last_error.clone(),
        }
    }
}

/// `2026-12-06 07:00` in the zone (UTC if the zone is unknown).
pub fn local(at: Timestamp, timezone: &str) -> String {
    let zone = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned_datetime(zone)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Every IANA time zone name this build knows, sorted.
pub fn time_zones() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.to_string())
        .filter(|name| name.contains('/') || name == "UTC")
        .collect();
    zones.sort();
    zones.dedup();
    zones
}
