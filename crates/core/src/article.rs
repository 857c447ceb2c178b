//! A news article as Goose Pod understands it: clean text plus the metadata a show needs.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A clean article extracted from a web page or a text file.
///
/// `text` is plain text: paragraphs separated by one blank line, no markup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Headline, with site suffixes such as `| The Atlantic` removed.
    pub title: Option<String>,
    /// Publisher or site name, e.g. `The Atlantic`.
    pub site_name: Option<String>,
    /// Author line as the page states it.
    pub byline: Option<String>,
    /// When the article was published, if the page says so.
    pub published: Option<Timestamp>,
    /// BCP 47 language tag, e.g. `en` or `zh-CN`.
    pub language: Option<String>,
    /// Canonical URL of the article (the page's own `<link rel=canonical>` when present).
    pub url: Option<String>,
    /// Lead image URL, absolute.
    pub image: Option<String>,
    /// The body as plain-text paragraphs separated by a blank line.
    pub text: String,
    /// The body as the page marked it up (chrome removed, *not* sanitised): kept so the
    /// episode page can show the original with its links, lists and emphasis. Anything
    /// that displays it must sanitise it first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

impl Article {
    /// The body's paragraphs, in order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_and_skip_empty_ones() {
        let article = Article {
            text: "First.\n\n\n\nSecond line\nstill second.\n\n  ".into(),
            ..Article::default()
        };
        let paragraphs: Vec<_> = article.paragraphs().collect();
        assert_eq!(paragraphs, ["First.", "Second line\nstill second."]);
    }

    #[test]
    fn published_serialises_as_rfc3339() {
        let article = Article {
            published: Some("2025-12-09T22:04:00Z".parse().unwrap()),
            ..Article::default()
        };
        let json = serde_json::to_value(&article).unwrap();
        assert_eq!(json["published"], "2025-12-09T22:04:00Z");
    }
}
