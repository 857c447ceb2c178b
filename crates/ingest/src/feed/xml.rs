//! Preparing decoded XML for the feed parser, and saying where broken XML breaks.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Position;

/// `text` with its XML declaration blanked out by spaces.
///
/// The text is already decoded, so the declaration's `encoding` must not be applied a
/// second time; spaces (allowed before the root element once the declaration is gone)
/// keep every line and column where it was.
pub(super) fn without_declaration(text: &str) -> String {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if !rest.starts_with("<?xml") || !rest[5..].starts_with(|c: char| c.is_whitespace()) {
        return text.to_owned();
    }
    let Some(end) = rest.find("?>") else {
        return text.to_owned();
    };
    let declaration = &rest[..end + 2];
    let blank: String = declaration
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect();
    format!("{}{blank}{}", &text[..start], &rest[end + 2..])
}

/// RSS 0.90's namespace, which the feed parser does not know.
const RSS_090_NAMESPACE: &str = "http://channel.netscape.com/rdf/simple/0.9/";

/// `text` with RSS 0.90's namespace replaced by RSS 1.0's: the two formats share their
/// elements (`channel`, `item`, `title`, `link`), and the feed parser reads RSS 1.0.
pub(super) fn rss_090_as_rss_1(text: String) -> String {
    if text.contains(RSS_090_NAMESPACE) {
        text.replace(RSS_090_NAMESPACE, "http://purl.org/rss/1.0/")
    } else {
        text
    }
}

/// The name of the root element, if the document has one before any error.
pub(super) fn root_name(text: &str) -> Option<String> {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(start) | Event::Empty(start)) => {
                return Some(start.name().0.to_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The first well-formedness error in `text`: where it is and what it is. A document
/// that ends with elements still open (a truncated feed) ends in error too.
pub(super) fn first_error(text: &str) -> Option<(Position, String)> {
    let mut reader = Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => open.push(start.name().0.to_owned()),
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Eof) => {
                let unclosed = open.pop()?;
                let reason = format!("the document ends before <{unclosed}> is closed");
                return Some((position_of(text, text.len()), reason));
            }
            Ok(_) => {}
            Err(err) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Some((position_of(text, offset), err.to_string()));
            }
        }
    }
}

/// `text` with its `<rss>` root given `version="2.0"` when it has no version, or one
/// the feed parser does not know (`2.01`, `2`): such feeds are RSS 2.0 in practice.
/// `None` when the root is not `<rss>` or its version is already known.
pub(super) fn with_rss_version(text: &str) -> Option<String> {
    const KNOWN: &[&str] = &["2.0", "0.91", "0.92"];
    let mut reader = Reader::from_str(text);
    let start = loop {
        match reader.read_event() {
            Ok(Event::Start(start) | Event::Empty(start)) => break start,
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    };
    if start.name().0 != "rss" {
        return None;
    }
    let version = start
        .try_get_attribute("version")
        .ok()
        .flatten()
        .map(|attr| attr.value.into_owned());
    if version
        .as_deref()
        .is_some_and(|v| KNOWN.contains(&v.trim()))
    {
        return None;
    }
    let tag_end = usize::try_from(reader.buffer_position()).ok()?;
    let tag_start = text[..tag_end].rfind("<rss")?;
    let rest = &text[tag_start + "<rss".len()..tag_end];
    let attributes = match version {
        None => rest.to_owned(),
        // Drop the unknown version attribute, whichever quotes it uses.
        Some(version) => ['"', '\''].iter().find_map(|quote| {
            let attr = format!("version={quote}{version}{quote}");
            let at = rest.find(&attr)?;
            Some(format!("{}{}", &rest[..at], &rest[at + attr.len()..]))
        })?,
    };
    Some(format!(
        "{}<rss version=\"2.0\"{attributes}{}",
        &text[..tag_start],
        &text[tag_end..]
    ))
}

/// The line and column of byte `offset` in `text` (clamped to its end).
fn position_of(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declaration_is_blanked_in_place() {
        let text = "<?xml version=\"1.0\" encoding=\"gbk\"?>\n<rss/>";
        let out = without_declaration(text);
        assert_eq!(out.len(), text.len());
        assert!(out.trim_start().starts_with("<rss/>"));
        assert_eq!(
            without_declaration("<?xml-stylesheet x?><a/>"),
            "<?xml-stylesheet x?><a/>"
        );
        assert_eq!(without_declaration("<rss/>"), "<rss/>");
    }

    #[test]
    fn errors_are_located() {
        let text = "<rss>\n  <channel>\n    <title>x</titel>\n</rss>";
        let (position, reason) = first_error(text).unwrap();
        assert_eq!(
            position,
            Position {
                line: 3,
                column: 13
            }
        );
        assert!(reason.contains("titel"), "{reason}");
        assert!(first_error("<a><b/></a>").is_none());
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position_of("ab\n中文x", 9), Position { line: 2, column: 3 });
        assert_eq!(position_of("中", 1), Position { line: 1, column: 1 });
        assert_eq!(position_of("a", 99), Position { line: 1, column: 2 });
    }

    #[test]
    fn a_truncated_document_is_an_error_at_its_end() {
        let (position, reason) = first_error("<rss>\n<channel>\n<title>x</title>").unwrap();
        assert_eq!(
            position,
            Position {
                line: 3,
                column: 17
            }
        );
        assert_eq!(reason, "the document ends before <channel> is closed");
    }

    #[test]
    fn rss_without_a_known_version_is_given_one() {
        assert_eq!(
            with_rss_version("<?xml version=\"1.0\"?>\n<rss xmlns:dc=\"x\"><channel/></rss>")
                .as_deref(),
            Some("<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:dc=\"x\"><channel/></rss>")
        );
        assert_eq!(
            with_rss_version("<rss version='2.01'><channel/></rss>").as_deref(),
            Some("<rss version=\"2.0\" ><channel/></rss>")
        );
        assert_eq!(
            with_rss_version("<rss version=\"2.0\"><channel/></rss>"),
            None
        );
        assert_eq!(with_rss_version("<feed><entry/></feed>"), None);
    }

    #[test]
    fn the_root_is_named() {
        assert_eq!(
            root_name("<?xml version=\"1.0\"?><!-- c --><svg/>").as_deref(),
            Some("svg")
        );
        assert_eq!(root_name("<!-- only a comment -->"), None);
    }
}
