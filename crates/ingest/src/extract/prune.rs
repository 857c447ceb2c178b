//! Removing page chrome from the parsed page before the main content is chosen.
//!
//! Readability scoring finds the block that holds the article, but news pages put
//! captions, credits, bylines, share bars, "related" lists and newsletter boxes *inside*
//! that block. They are removed here by what they are (their tag, or the words of their
//! `class` and `id`), never by which site they come from.

use std::collections::{HashMap, HashSet};

use dom_query::{Document, NodeId, NodeRef};

/// Elements that never hold article text.
const NEVER_TEXT: &str = "button, select, input, textarea, iframe, svg, canvas, video, audio, \
     template, dialog, picture";

/// Elements that are page chrome by their tag or role. They are removed only when small
/// next to the page: broken markup can leave a whole article inside an unclosed
/// `<figure>`, and some sites wrap their entire page in one `<form>`.
const CHROME_TAGS: &str = "nav, aside, footer, form, figure, figcaption, menu, \
     [hidden], [aria-hidden=true], [role=navigation], [role=complementary], \
     [role=contentinfo], [role=dialog], [role=alert], [style*='display:none'], \
     [style*='display: none']";

/// Words in a `class` or `id` that mark an element as page chrome.
///
/// Matched against whole words (class and id values split at spaces, `-` and `_`), so
/// `share-bar` and `article_caption` match while `shared` and `captioned` do not.
const CHROME_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adslot",
    "adunit",
    "advert",
    "advertisement",
    "author",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "caption",
    "comment",
    "comments",
    "cookie",
    "credit",
    "credits",
    "disqus",
    "embed",
    "hovercard",
    "modal",
    "newsletter",
    "outbrain",
    "popup",
    "promo",
    "recommended",
    "related",
    "rollover",
    "share",
    "sharing",
    "signup",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "taboola",
    "tags",
    "timestamp",
    "toolbar",
    "tooltip",
];

/// Words in a `class` or `id` that mark an element as (part of) the article itself; an
/// element carrying one of them is kept even if it also carries a chrome word, as in
/// `article-body has-comments`.
const CONTENT_WORDS: &[&str] = &[
    "article", "body", "content", "main", "post", "story", "text",
];

/// An element holding more than this share of the page's text is never removed by its
/// class or id: a wrapper named `comments-enabled` may hold the whole article.
const MAX_REMOVED_SHARE: f64 = 0.4;

/// Blocks whose text is mostly link text are navigation, not prose: menus, "more
/// stories" lists, tag clouds, archive lists.
const LINK_LIST_TAGS: &[&str] = &[
    "ul", "ol", "dl", "table", "tbody", "tr", "td", "div", "p", "li", "section", "span",
];

/// A block is a link list when at least this share of its text is link text...
const LINK_LIST_MIN_SHARE: f64 = 0.6;

/// ...and it holds at least this many links...
const LINK_LIST_MIN_LINKS: usize = 2;

/// ...and little text outside them: a wrapper holding a short article beside a big
/// share bar is link-heavy too, but its prose must stay.
const LINK_LIST_MAX_PROSE: usize = 150;

/// Text measured in one pass over the tree, per element.
#[derive(Debug, Default, Clone, Copy)]
struct TextStats {
    /// Letters (of any script) inside the element: digits and punctuation are left out,
    /// so `Archive (88)` weighs as the word it is.
    chars: usize,
    /// Of those, characters inside links.
    link_chars: usize,
    /// Links (`<a href>`) inside the element.
    links: usize,
}

/// Removes page chrome from `doc` in place.
pub(super) fn remove_chrome(doc: &Document) {
    doc.select(NEVER_TEXT).remove();
    let Some(body) = doc.body() else { return };
    let stats = measure(&body);
    let stats_of = |node: &NodeRef| stats.get(&node.id).copied().unwrap_or_default();
    let limit = MAX_REMOVED_SHARE * stats_of(&body).chars.max(1) as f64;
    let tagged: HashSet<NodeId> = doc
        .select(CHROME_TAGS)
        .nodes()
        .iter()
        .map(|n| n.id)
        .collect();
    let chrome: Vec<NodeRef> = body
        .descendants_it()
        .filter(|node| node.is_element())
        .filter(|node| {
            let stats = stats_of(node);
            (stats.chars as f64) < limit
                && (tagged.contains(&node.id) || is_named_chrome(node) || is_link_list(node, stats))
        })
        .collect();
    for node in chrome {
        // A node inside an already removed one is detached with it; removing it again
        // is harmless.
        node.remove_from_parent();
    }
}

/// Measures every element under `root` in one post-order walk (no recursion, so deep
/// trees from hostile pages cannot overflow the stack).
fn measure(root: &NodeRef) -> HashMap<NodeId, TextStats> {
    let mut stats: HashMap<NodeId, TextStats> = HashMap::new();
    let mut stack = vec![(*root, false)];
    while let Some((node, children_done)) = stack.pop() {
        if node.is_text() {
            let chars = node.text().chars().filter(|c| c.is_alphabetic()).count();
            stats.insert(
                node.id,
                TextStats {
                    chars,
                    ..TextStats::default()
                },
            );
            continue;
        }
        if !children_done {
            stack.push((node, true));
            stack.extend(node.children_it(false).map(|child| (child, false)));
            continue;
        }
        let mut total = node
            .children_it(false)
            .filter_map(|child| stats.get(&child.id).copied())
            .fold(TextStats::default(), |acc, s| TextStats {
                chars: acc.chars + s.chars,
                link_chars: acc.link_chars + s.link_chars,
                links: acc.links + s.links,
            });
        if node.node_name().as_deref() == Some("a") && node.has_attr("href") {
            total.link_chars = total.chars;
            total.links += 1;
        }
        stats.insert(node.id, total);
    }
    stats
}

/// True for a block that is mostly links: a menu or a list of other stories.
fn is_link_list(node: &NodeRef, stats: TextStats) -> bool {
    stats.links >= LINK_LIST_MIN_LINKS
        && stats.link_chars as f64 >= LINK_LIST_MIN_SHARE * stats.chars as f64
        && stats.chars - stats.link_chars <= LINK_LIST_MAX_PROSE
        && node
            .node_name()
            .is_some_and(|name| LINK_LIST_TAGS.contains(&name.as_ref()))
}

/// True when the element's class or id names it as chrome and nothing names it as content.
fn is_named_chrome(node: &NodeRef) -> bool {
    let mut chrome = false;
    for value in [node.attr("class"), node.attr("id")].into_iter().flatten() {
        for word in words(&value) {
            if CONTENT_WORDS.contains(&word.as_str()) {
                return false;
            }
            chrome |= CHROME_WORDS.contains(&word.as_str());
        }
    }
    chrome
}

/// The lower-cased words of a class or id value: split at spaces, `-`, `_` and camel-case
/// humps, so `newsCaption share_bar` gives `news`, `caption`, `share`, `bar`.
fn words(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .flat_map(|token| {
            let mut parts = Vec::new();
            let mut current = String::new();
            let mut previous_lower = false;
            for c in token.chars() {
                if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
                previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                current.push(c.to_ascii_lowercase());
            }
            parts.push(current);
            parts
        })
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pruned(body: &str) -> String {
        let doc = Document::from(format!("<html><body>{body}</body></html>"));
        remove_chrome(&doc);
        doc.select("body")
            .text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn removes_captions_share_bars_and_related_lists() {
        let text = pruned(
            "<article><p>The article text is here and it is long enough to matter.</p>\
             <figure><img src=a.jpg><figcaption>A caption</figcaption></figure>\
             <div class='share-bar'>Share on X</div>\
             <ul class='related_links'><li>Another story</li></ul>\
             <p class='photo-credit'>Photo: Someone</p></article>",
        );
        assert_eq!(
            text,
            "The article text is here and it is long enough to matter."
        );
    }

    #[test]
    fn keeps_content_wrappers_that_mention_chrome_words() {
        let text = pruned(
            "<div class='article-body has-comments'><p>Kept paragraph one.</p></div>\
             <div class='comments'>A comment</div>",
        );
        assert_eq!(text, "Kept paragraph one.");
    }

    #[test]
    fn keeps_a_chrome_named_wrapper_holding_most_of_the_page() {
        let text = pruned("<div id='social-wrapper'><p>The whole story is in here.</p></div>");
        assert_eq!(text, "The whole story is in here.");
    }

    #[test]
    fn removes_link_lists_but_keeps_prose_with_links() {
        let text = pruned(
            "<div><p>Prose with <a href=/a>one link</a> in the middle of a long sentence.</p>\
             <ul><li><a href=/b>Other story</a></li><li><a href=/c>Another story</a></li></ul>\
             <p><a href=/d>More</a> | <a href=/e>Next</a></p></div>",
        );
        assert_eq!(
            text,
            "Prose with one link in the middle of a long sentence."
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let body = "<div>".repeat(5_000) + "deep text";
        assert_eq!(pruned(&body), "deep text");
    }

    #[test]
    fn class_words_split_at_camel_case() {
        let split: Vec<String> = words("newsCaption share_bar  XMLFeed").collect();
        assert_eq!(split, ["news", "caption", "share", "bar", "xmlfeed"]);
    }

    #[test]
    fn does_not_match_words_inside_words() {
        let text = pruned(
            "<p class='shared-story'>Shared story text.</p> <p class='header'>x</p> \
             <p class='captioned'>Captioned.</p>",
        );
        assert_eq!(text, "Shared story text. x Captioned.");
    }
}
