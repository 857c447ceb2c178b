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
    /// The poll intervals to choose from, the current one selected; empty for an article.
    pub intervals: Vec<IntervalChoice>,
}

/// One poll interval a listener can choose for a feed.
pub struct IntervalChoice {
    /// Seconds.
    pub seconds: i64,
    /// `every 30 min`, `every 2 h`.
    pub label: String,
    /// Whether it is the feed's interval now.
    pub selected: bool,
}

/// The intervals offered for a feed, in seconds.
const INTERVALS_S: [i64; 8] = [
    5 * 60,
    15 * 60,
    30 * 60,
    60 * 60,
    2 * 60 * 60,
    6 * 60 * 60,
    12 * 60 * 60,
    24 * 60 * 60,
];

impl IntervalChoice {
    /// The offered intervals plus `current` if it is not one of them (set through the API).
    fn all(current: i64) -> Vec<IntervalChoice> {
        let mut seconds = INTERVALS_S.to_vec();
        if !seconds.contains(&current) {
            seconds.push(current);
            seconds.sort_unstable();
        }
        seconds
            .into_iter()
            .map(|seconds| IntervalChoice {
                seconds,
                label: interval_label(seconds),
                selected: seconds == current,
            })
            .collect()
    }
}

/// `every 45 min`, `every 6 h`, `every 1 h 30 min`.
pub fn interval_label(seconds: i64) -> String {
    let minutes = seconds / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("every {m} min"),
        (h, 0) => format!("every {h} h"),
        (h, m) => format!("every {h} h {m} min"),
    }
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
            intervals: match source.kind {
                SourceKind::Feed => IntervalChoice::all(source.interval_s),
                SourceKind::Article => Vec::new(),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_minutes_and_hours() {
        assert_eq!(interval_label(300), "every 5 min");
        assert_eq!(interval_label(3600), "every 1 h");
        assert_eq!(interval_label(5400), "every 1 h 30 min");
    }

    #[test]
    fn an_interval_set_elsewhere_is_offered_and_selected() {
        let choices = IntervalChoice::all(420);
        let selected: Vec<i64> = choices
            .iter()
            .filter(|c| c.selected)
            .map(|c| c.seconds)
            .collect();
        assert_eq!(selected, [420]);
        assert_eq!(choices.len(), INTERVALS_S.len() + 1);
        assert!(choices.windows(2).all(|w| w[0].seconds < w[1].seconds));
        assert_eq!(IntervalChoice::all(1800).len(), INTERVALS_S.len());
    }
}
