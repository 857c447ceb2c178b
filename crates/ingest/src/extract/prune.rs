//! Removing page chrome from the parsed page before the main content is chosen.
//!
//! Readability scoring finds the block that holds the article, but news pages put
//! captions, credits, bylines, share bars, "related" lists and newsletter boxes *inside*
//! that block. They are removed here by what they are (their tag, or the words of their
//! `class` and `id`), never by which site they come from.

use dom_query::{Document, NodeData, NodeRef};

/// Elements that never hold article text. Images go too: the article's text is what is
/// kept, and readability scoring takes a block with more images than paragraphs for a
/// gallery, which drops a post whose text is split by `<br>` between its photos.
const NEVER_TEXT: &[&str] = &[
    "button", "select", "input", "textarea", "iframe", "svg", "canvas", "video", "audio",
    "template", "dialog", "picture", "img",
];

/// Elements that are page chrome by their tag. They are removed only when small next to
/// the page: broken markup can leave a whole article inside an unclosed `<figure>`, and
/// some sites wrap their entire page in one `<form>`.
const CHROME_TAGS: &[&str] = &[
    "nav",
    "aside",
    "footer",
    "form",
    "figure",
    "figcaption",
    "menu",
];

/// ARIA roles that mark page chrome.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "dialog",
    "alert",
];

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

/// An element holding a content-named element with at least this many letters is never
/// removed as chrome: a wrapper named `advertisement-off-canvas` may hold the whole
/// article body.
const MIN_PROTECTED_CONTENT: usize = 300;

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

/// Text measured over a subtree.
#[derive(Debug, Default, Clone, Copy)]
struct TextStats {
    /// Letters (of any script) inside the element: digits and punctuation are left out,
    /// so `Archive (88)` weighs as the word it is.
    chars: usize,
    /// Of those, letters inside links.
    link_chars: usize,
    /// Links (`<a href>`) inside the element.
    links: usize,
    /// Letters in the largest element at or under this one whose class or id names it
    /// as content (`article-body`, `story`…).
    content: usize,
}

impl TextStats {
    fn add(&mut self, other: TextStats) {
        self.chars += other.chars;
        self.link_chars += other.link_chars;
        self.links += other.links;
        self.content = self.content.max(other.content);
    }
}

/// An element being walked: its next child to visit and the text seen under it so far.
struct Frame<'a> {
    node: NodeRef<'a>,
    next_child: Option<NodeRef<'a>>,
    stats: TextStats,
}

/// Removes page chrome from `doc` in place.
///
/// One post-order walk (no recursion, so deep trees from hostile pages cannot overflow the
/// stack): each element is judged when its subtree is done, on the text left in it after
/// its own chrome children went.
pub(super) fn remove_chrome(doc: &Document) {
    let Some(body) = doc.body() else { return };
    let limit = MAX_REMOVED_SHARE * letters_under(&body).max(1) as f64;
    let mut stack = vec![Frame {
        node: body,
        next_child: body.first_child(),
        stats: TextStats::default(),
    }];
    while let Some(top) = stack.last_mut() {
        if let Some(child) = top.next_child {
            top.next_child = child.next_sibling();
            match Child::of(&child) {
                Child::Text(letters) => top.stats.chars += letters,
                Child::Element { never_text: true } => child.remove_from_parent(),
                Child::Element { never_text: false } => stack.push(Frame {
                    node: child,
                    next_child: child.first_child(),
                    stats: TextStats::default(),
                }),
                Child::Other => {}
            }
            continue;
        }
        let Frame {
            node, mut stats, ..
        } = stack.pop().expect("the stack has a top");
        let Some(parent) = stack.last_mut() else {
            break;
        };
        let element = Judged::of(&node);
        if element.is_link {
            stats.link_chars = stats.chars;
            stats.links += 1;
        }
        if element.naming == Naming::Content {
            stats.content = stats.chars;
        }
        let chrome = (stats.chars as f64) < limit
            && stats.content < MIN_PROTECTED_CONTENT
            && (element.naming == Naming::Chrome
                || element.tagged_chrome
                || (element.link_list_tag && is_link_list(stats)));
        if chrome {
            node.remove_from_parent();
        } else {
            parent.stats.add(stats);
        }
    }
}

/// A child met on the walk, read in one look at the node.
enum Child {
    /// A text node, with its letters counted.
    Text(usize),
    /// An element; one that never holds text is removed unvisited.
    Element { never_text: bool },
    /// A comment or anything else that holds no text.
    Other,
}

impl Child {
    fn of(node: &NodeRef) -> Self {
        node.query_or(Child::Other, |node| match &node.data {
            NodeData::Text { contents } => Child::Text(letters(contents)),
            NodeData::Element(element) => Child::Element {
                never_text: NEVER_TEXT.contains(&element.name.local.as_ref()),
            },
            _ => Child::Other,
        })
    }
}

/// What an element's tag and attributes say about it, read without copying them.
#[derive(Debug, Clone, Copy)]
struct Judged {
    /// An `<a href>`.
    is_link: bool,
    naming: Naming,
    /// Chrome by tag, role, or because the page hides it.
    tagged_chrome: bool,
    /// A tag that makes a block of mostly links a link list.
    link_list_tag: bool,
}

impl Judged {
    fn of(node: &NodeRef) -> Self {
        let Some(element) = node.element_ref() else {
            return Judged {
                is_link: false,
                naming: Naming::Plain,
                tagged_chrome: false,
                link_list_tag: false,
            };
        };
        let name = element.name.local.as_ref();
        let attr = |wanted: &str| {
            element
                .attrs
                .iter()
                .find(|a| &*a.name.local == wanted)
                .map(|a| a.value.as_ref())
        };
        Judged {
            is_link: name == "a" && attr("href").is_some(),
            naming: naming(attr("class"), attr("id")),
            tagged_chrome: is_tagged_chrome(name, attr),
            link_list_tag: LINK_LIST_TAGS.contains(&name),
        }
    }
}

fn letters(text: &str) -> usize {
    if text.is_ascii() {
        return text.bytes().filter(u8::is_ascii_alphabetic).count();
    }
    text.chars().filter(|c| is_letter(*c)).count()
}

/// [`char::is_alphabetic`], with the common CJK ideographs (all letters) answered without
/// a table lookup.
fn is_letter(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphabetic()
}

/// Letters in all text under `node`.
fn letters_under(node: &NodeRef) -> usize {
    node.descendants_it()
        .map(|n| {
            n.query_or(0, |n| match &n.data {
                NodeData::Text { contents } => letters(contents),
                _ => 0,
            })
        })
        .sum()
}

/// True for chrome by tag, role, or because the page hides it; `attr` gives an
/// attribute's value.
fn is_tagged_chrome<'a>(name: &str, attr: impl Fn(&str) -> Option<&'a str>) -> bool {
    CHROME_TAGS.contains(&name)
        || attr("hidden").is_some()
        || attr("aria-hidden").is_some_and(|v| v.trim() == "true")
        || attr("role").is_some_and(|r| CHROME_ROLES.contains(&r.trim()))
        || attr("style").is_some_and(|style| {
            let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
            style.to_ascii_lowercase().contains("display:none")
        })
}

/// True for a block that is mostly links: a menu or a list of other stories.
fn is_link_list(stats: TextStats) -> bool {
    stats.links >= LINK_LIST_MIN_LINKS
        && stats.link_chars as f64 >= LINK_LIST_MIN_SHARE * stats.chars as f64
        && stats.chars - stats.link_chars <= LINK_LIST_MAX_PROSE
}

/// What an element's class and id say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// A content word (`article`, `body`, `story`…), whatever else is there.
    Content,
    /// A chrome word (`share`, `caption`, `related`…) and no content word.
    Chrome,
    /// Neither.
    Plain,
}

fn naming(class: Option<&str>, id: Option<&str>) -> Naming {
    let is_one_of = |word: &str, list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    let mut naming = Naming::Plain;
    for value in [class, id].into_iter().flatten() {
        for word in words(value) {
            if is_one_of(word, CONTENT_WORDS) {
                return Naming::Content;
            }
            if is_one_of(word, CHROME_WORDS) {
                naming = Naming::Chrome;
            }
        }
    }
    naming
}

/// The words of a class or id value, to be compared ignoring ASCII case: split at
/// spaces, `-`, `_` and camel-case humps, so `newsCaption share_bar` gives `news`,
/// `Caption`, `share`, `bar`.
fn words(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .flat_map(camel_case_parts)
        .filter(|word| !word.is_empty())
}

/// `newsCaption` → `news`, `Caption`: a part ends where an upper-case letter follows a
/// lower-case letter or a digit (`XMLFeed` stays whole).
fn camel_case_parts(token: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(token);
    std::iter::from_fn(move || {
        let token = rest?;
        let mut previous_lower = false;
        for (i, c) in token.char_indices() {
            if c.is_ascii_uppercase() && previous_lower {
                rest = Some(&token[i..]);
                return Some(&token[..i]);
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
        rest = None;
        Some(token)
    })
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
    fn images_are_removed() {
        let doc = Document::from(
            "<html><body><div><img src=a.jpg><br><img src=b.jpg><br>正文。</div></body></html>",
        );
        remove_chrome(&doc);
        assert_eq!(doc.select("img").length(), 0);
        assert_eq!(doc.select("div").text().trim(), "正文。");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let body = "<div>".repeat(5_000) + "deep text";
        assert_eq!(pruned(&body), "deep text");
    }

    #[test]
    fn class_words_split_at_camel_case() {
        let split: Vec<&str> = words("newsCaption share_bar  XMLFeed").collect();
        assert_eq!(split, ["news", "Caption", "share", "bar", "XMLFeed"]);
    }

    #[test]
    fn common_cjk_ideographs_are_letters() {
        assert!(('\u{4E00}'..='\u{9FFF}').all(char::is_alphabetic));
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
