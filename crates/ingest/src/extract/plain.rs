//! The plain-text and Markdown path of extraction.

use goosepod_core::Article;

use super::{metadata, paragraphs};
use crate::charset;

/// Extracts an article from plain text or Markdown: the first line (or first Markdown
/// heading) is the title, the rest the body.
pub(super) fn extract(
    bytes: &[u8],
    url: Option<&str>,
    content_type: Option<&str>,
    markdown: bool,
) -> Article {
    let text = charset::decode(bytes, content_type, url).text;
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or_default().trim();
    let title = if markdown {
        first.trim_start_matches('#').trim()
    } else {
        first
    };
    let rest: Vec<&str> = lines.collect();
    let body = if markdown {
        strip_markdown(&rest.join("\n"))
    } else {
        rest.join("\n")
    };
    // Plain text keeps its paragraphs: blank lines separate them, single line breaks
    // inside a paragraph are wrapping.
    let body = body
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let text = paragraphs::clean(&body);
    Article {
        title: Some(title.to_string()).filter(|t| !t.is_empty()),
        language: metadata::detect_language(&text),
        url: url.map(str::to_string),
        text,
        ..Article::default()
    }
}

/// Removes Markdown syntax that is not text: heading marks, emphasis, list bullets,
/// images, and link targets (keeping link text).
fn strip_markdown(markdown: &str) -> String {
    use std::sync::LazyLock;
    static IMAGE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"!\[[^\]]*\]\([^)]*\)").expect("valid"));
    static LINK: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid"));
    let text = IMAGE.replace_all(markdown, "");
    let text = LINK.replace_all(&text, "$1");
    text.lines()
        .map(|line| {
            let line = line.trim_start();
            let line = line.trim_start_matches('#').trim_start_matches('>');
            let line = line
                .strip_prefix("- ")
                .or_else(|| line.strip_prefix("* "))
                .unwrap_or(line);
            line.replace("**", "").replace("__", "").replace('`', "")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_title_and_paragraphs() {
        let article = extract(
            b"Storm closes roads\n\nHeavy rain closed roads across the north on Monday,\nofficials said.\n\nMore rain is expected.",
            None,
            None,
            false,
        );
        assert_eq!(article.title.as_deref(), Some("Storm closes roads"));
        assert_eq!(
            article.text,
            "Heavy rain closed roads across the north on Monday, officials said.\n\nMore rain is expected."
        );
    }

    #[test]
    fn markdown_syntax_is_not_text() {
        let article = extract(
            b"# Storm closes roads\n\nHeavy **rain** closed [roads](https://x.example/) across the north.\n\n![map](m.png)\n\n- Schools shut too.",
            None,
            None,
            true,
        );
        assert_eq!(article.title.as_deref(), Some("Storm closes roads"));
        assert_eq!(
            article.text,
            "Heavy rain closed roads across the north.\n\nSchools shut too."
        );
    }
}
