//! Text before speech: markup removed, then numbers, money, dates and abbreviations
//! written out the way a host would say them, per language. All pure functions.

pub mod en;
pub mod markup;
pub mod numbers;
pub mod scripts;
pub mod zh;

use crate::script::Language;

/// What a line's text becomes before it is spoken.
pub fn for_speech(text: &str, language: Language) -> String {
    let plain = markup::strip(text);
    match language {
        Language::Zh => zh::normalize(&plain),
        Language::En => en::normalize(&plain),
    }
}

/// What a line's text becomes in the transcript: as written, without markup.
pub fn for_display(text: &str) -> String {
    markup::strip(text)
}

/// Full-width digits, Latin letters and a few symbols → ASCII (`２０２５` → `2025`).
/// Full-width punctuation that Chinese text uses as such (，。：) is kept.
pub fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９'
            | 'Ａ'..='Ｚ'
            | 'ａ'..='ｚ'
            | '％'
            | '＄'
            | '＋'
            | '＝'
            | '＆'
            | '＃'
            | '．'
            | '－' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Single spaces, none at the ends, none before closing punctuation.
pub fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let glue = word.starts_with([
            ',', '.', '!', '?', ';', ':', ')', '，', '。', '！', '？', '；', '：', '、', '）', '”',
        ]);
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(
            fold_width("２０２５年ＧＰＴ　５％，好。"),
            "2025年GPT 5%，好。"
        );
    }

    #[test]
    fn speech_and_display_text() {
        assert_eq!(
            for_speech("**Revenue** rose 38% 🚀", Language::En),
            "Revenue rose thirty-eight percent"
        );
        assert_eq!(
            for_speech("收入增长了**38%**😂", Language::Zh),
            "收入增长了百分之三十八"
        );
        assert_eq!(for_display("收入增长了**38%**😂"), "收入增长了38%");
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_written_out_without_digits_or_markup(text in "\\PC{0,60}") {
            for language in [Language::Zh, Language::En] {
                let spoken = for_speech(&text, language);
                proptest::prop_assert!(
                    !spoken.chars().any(|c| c.is_ascii_digit() || "*`|_".contains(c)),
                    "{language}: {text:?} → {spoken:?}"
                );
            }
        }

        #[test]
        fn news_like_text_is_written_out(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9]{1,7}",
                    "[0-9]{1,3}(,[0-9]{3}){0,2}(\\.[0-9]{1,3})?",
                    "[0-9]{1,3}(\\.[0-9])?%",
                    "(US)?\\$[0-9]{1,4}(\\.[0-9]{1,2})? ?(bn|tn|m|billion|trillion)?",
                    "(19|20)[0-9]{2}年?",
                    "[0-9]{1,2}:[0-9]{2}",
                    "(GPT|Gemini|iPhone|A)[- ]?[0-9](\\.[0-9])?",
                    "[a-zA-Z]{1,8}",
                    "[一-龥]{1,6}",
                    "(\\*\\*|__|`|#+ |> |- )",
                    "[，。、；：？！,.;:?! ]",
                ],
                0..12,
            )
        ) {
            let text = parts.concat();
            for language in [Language::Zh, Language::En] {
                let spoken = for_speech(&text, language);
                proptest::prop_assert!(
                    !spoken.chars().any(|c| c.is_ascii_digit() || "*`|_#".contains(c)),
                    "{language}: {text:?} → {spoken:?}"
                );
            }
        }
    }
}
