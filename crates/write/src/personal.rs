//! The personal lines: the greeting and the farewell, made for one listener.
//!
//! Host A greets the listener by name, names the show, says the listener's local date,
//! weekday and time ([`SpokenTime`]) and reacts to the hour; host B answers with the hook.
//! At the end host B says goodbye by name and invites the listener back tomorrow (host
//! A's closing line before it is the same for everyone and lives in the body).
//!
//! Only what names the listener is personal: the hook after host B's greeting, and what
//! follows the phrase that turns a body line to the listener ([`split_after_name`]), are
//! lines of their own, the same for every listener, so they are spoken once for all.

use goosepod_core::{HostId, HostPair, Language, Line, Segment, SpokenTime};

use crate::templates::{Picker, Templates, fill};
use crate::text::mix;

/// Salt so the greeting's choices differ from the body's.
const SALT: u64 = 0x6772_6565_7469_6e67;

/// Host A's greeting and host B's answer, then the hook (the same for every listener)
/// as host B's next line when the answer ends with it.
pub(crate) fn greeting(
    language: Language,
    hosts: &HostPair,
    seed: u64,
    listener: &str,
    time: &SpokenTime,
    hook: &str,
) -> Vec<Line> {
    let t = Templates::get(language);
    let mut picker = Picker::new(mix(seed ^ SALT));
    let phrase = time.phrase(language);
    let reaction = time.reaction(language, seed);
    let a = fill(
        picker.pick(&t.greeting.a),
        &[
            ("a", &hosts.a().name),
            ("b", &hosts.b().name),
            ("show", &hosts.show),
            ("time", &phrase),
            ("reaction", reaction),
            ("listener", listener),
        ],
    );
    let b = fill(
        picker.pick(&t.greeting.b),
        &[
            ("a", &hosts.a().name),
            ("b", &hosts.b().name),
            ("show", &hosts.show),
            ("hook", hook),
            ("listener", listener),
        ],
    );
    let mut lines = vec![Line::new(HostId::A, Segment::Greeting, a, true)];
    match b.strip_suffix(hook.trim()).map(str::trim_end) {
        Some(answer) if !hook.trim().is_empty() && !answer.is_empty() => lines.extend([
            Line::new(HostId::B, Segment::Greeting, answer, true),
            Line::new(HostId::B, Segment::Greeting, hook.trim(), false),
        ]),
        _ => lines.push(Line::new(HostId::B, Segment::Greeting, b, true)),
    }
    lines
}

/// Host B's goodbye.
pub(crate) fn farewell(language: Language, hosts: &HostPair, seed: u64, listener: &str) -> Line {
    let t = Templates::get(language);
    let mut picker = Picker::new(mix(seed ^ SALT));
    let b = fill(
        picker.pick(&t.sign_off.b),
        &[
            ("a", &hosts.a().name),
            ("b", &hosts.b().name),
            ("show", &hosts.show),
            ("listener", listener),
        ],
    );
    Line::new(HostId::B, Segment::SignOff, b, true)
}

/// Splits a line that turns to the listener after the phrase that names them: the phrase
/// is said to one listener, the rest is the same for all. `after_name` is the byte offset
/// just past the last mention of the name. `None` when nothing follows the phrase (or
/// no phrase ends after the name).
pub(crate) fn split_after_name(
    text: &str,
    after_name: usize,
    language: Language,
) -> Option<(&str, &str)> {
    let rest = text.get(after_name..)?;
    // The comma after the name does not end the phrase.
    let lead = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
            .len();
    let mut chars = rest[lead..].char_indices().peekable();
    let mut phrase_end = None;
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, next)| next);
        let before = &text[..after_name + lead + i];
        if ends_phrase(before, c, next, language) {
            phrase_end = Some(after_name + lead + i + c.len_utf8());
            break;
        }
    }
    let (head, tail) = text.split_at(phrase_end?);
    let tail = tail.trim_start();
    // A short remark stays with its address: speaking it apart saves little.
    let worth_sharing = language.seconds(tail) >= MIN_SHARED_TAIL_S;
    worth_sharing.then(|| (head.trim_end(), tail))
}

/// The shortest rest of a line (in seconds of speech) worth a line of its own.
const MIN_SHARED_TAIL_S: f64 = 5.0;

/// Punctuation a speaker pauses at.
fn is_pause(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ':' | ';' | ',' | '。' | '！' | '？' | '：' | '；' | '，' | '、'
    )
}

/// Whether `c` (after `before`, followed by `next`) ends the phrase that names the
/// listener: a sentence end or a colon in English (not an abbreviation's full stop); in
/// Chinese also a comma, since an address there ends with one (`小明,说真的,`).
fn ends_phrase(before: &str, c: char, next: Option<char>, language: Language) -> bool {
    match language {
        Language::ZhCn => {
            let between_digits = matches!(c, ',' | '.' | ':')
                && before.ends_with(|d: char| d.is_ascii_digit())
                && next.is_some_and(|d| d.is_ascii_digit());
            is_pause(c) && c != '、' && !between_digits
        }
        Language::EnUs => {
            let spaced = next.is_none_or(char::is_whitespace);
            match c {
                '!' | '?' | ':' => spaced,
                '.' => spaced && !is_abbreviation(before),
                _ => false,
            }
        }
    }
}

/// Whether the word before a full stop is an abbreviation (`Dr`, `U.S`, `p`), after which
/// a sentence goes on.
fn is_abbreviation(before: &str) -> bool {
    const TITLES: [&str; 16] = [
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "no", "gov", "sen", "rep", "gen", "prof",
        "inc", "co",
    ];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"')
        .next()
        .unwrap_or_default();
    word.chars().count() <= 1
        || word.contains('.')
        || TITLES.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, name: &str, language: Language) -> Option<(String, String)> {
        let after = text.rfind(name)? + name.len();
        split_after_name(text, after, language)
            .map(|(head, tail)| (head.to_owned(), tail.to_owned()))
    }

    #[test]
    fn english_lines_split_after_the_phrase_that_names_the_listener() {
        let en = Language::EnUs;
        for (text, head, tail) in [
            (
                "Now, Norris, listen to this. Dana Whitcombe said the system had already run at full output for 72 hours in February.",
                "Now, Norris, listen to this.",
                "Dana Whitcombe said the system had already run at full output for 72 hours in February.",
            ),
            (
                "Norris, think about it this way. Bottom line, this lands on real people's lives, and their power bills show it first.",
                "Norris, think about it this way.",
                "Bottom line, this lands on real people's lives, and their power bills show it first.",
            ),
            (
                "Here's one for you, Norris. Good things take time, and this one took seven years from the first plan to the switch.",
                "Here's one for you, Norris.",
                "Good things take time, and this one took seven years from the first plan to the switch.",
            ),
            (
                "Norris, the U.S. plans it too; Dr. Reyes agrees. It starts in May, with two ships a day and a third one from the autumn on.",
                "Norris, the U.S. plans it too; Dr. Reyes agrees.",
                "It starts in May, with two ships a day and a third one from the autumn on.",
            ),
            (
                "Norris, guess what? It worked, and the port says it will build a second one next year.",
                "Norris, guess what?",
                "It worked, and the port says it will build a second one next year.",
            ),
        ] {
            assert_eq!(
                split(text, "Norris", en),
                Some((head.to_owned(), tail.to_owned())),
                "{text}"
            );
        }
        // Nothing after the phrase, or no phrase end: the line stays whole.
        assert_eq!(split("Norris, thanks for listening.", "Norris", en), None);
        assert_eq!(
            split("Norris, guess what? It worked out well.", "Norris", en),
            None,
            "a short remark stays whole"
        );
        assert_eq!(split("Norris, it runs 3.5 hours", "Norris", en), None);
    }

    #[test]
    fn chinese_lines_split_after_the_address() {
        let zh = Language::ZhCn;
        for (text, head, tail) in [
            (
                "小明,说真的,2022年夏季，受连续强降雨影响，河底隧道段施工一度暂停近两个月。",
                "小明,说真的,",
                "2022年夏季，受连续强降雨影响，河底隧道段施工一度暂停近两个月。",
            ),
            (
                "小明,我想请你留意,建设过程并不顺利,由于线路需要下穿江岚河,设计方案先后三次调整线位。",
                "小明,我想请你留意,",
                "建设过程并不顺利,由于线路需要下穿江岚河,设计方案先后三次调整线位。",
            ),
            (
                "说到这儿,小明,票价为2,000元。后来又降了,因为市里给了一笔不小的补贴,周边商户也松了一口气。",
                "说到这儿,小明,票价为2,000元。",
                "后来又降了,因为市里给了一笔不小的补贴,周边商户也松了一口气。",
            ),
        ] {
            assert_eq!(
                split(text, "小明", zh),
                Some((head.to_owned(), tail.to_owned())),
                "{text}"
            );
        }
        assert_eq!(split("小明,谢谢你的陪伴!", "小明", zh), None);
        assert_eq!(
            split("小明,这就像一场马拉松,现在才跑完前半程。", "小明", zh),
            None,
            "a short remark stays whole"
        );
    }
}
