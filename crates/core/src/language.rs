//! The languages a show can be spoken in, and the facts about each that a writer needs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A language Goose Pod's hosts speak.
///
/// Serialised as its BCP 47 tag (`zh-CN`, `en-US`). Parsing is lenient and maps any tag
/// to the nearest supported language: `zh`, `zh-Hans`, `zh_CN`, `cmn` → [`Language::ZhCn`]
/// (Traditional Chinese tags such as `zh-TW` too, as the nearest show language there is);
/// `en`, `en-GB`, `EN_us` → [`Language::EnUs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Language {
    /// Mandarin Chinese, Simplified script (`zh-CN`).
    ZhCn,
    /// American English (`en-US`).
    #[default]
    EnUs,
}

/// The unit a language's spoken length is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpeechUnit {
    /// Characters (one syllable each), for Chinese.
    Character,
    /// Words, for English.
    Word,
}

impl SpeechUnit {
    /// The unit's plural English name: `characters` or `words`.
    pub fn plural(self) -> &'static str {
        match self {
            SpeechUnit::Character => "characters",
            SpeechUnit::Word => "words",
        }
    }
}

/// A language tag that is malformed or names a language no show is spoken in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    /// The tag is not a BCP 47 language tag.
    #[error("`{tag}` is not a language tag: expected one such as `zh-CN` or `en-US`")]
    Malformed {
        /// The tag as given.
        tag: String,
    },
    /// The tag is well formed but the language is not one the hosts speak.
    #[error("unsupported language `{tag}`: Goose Pod speaks zh-CN and en-US")]
    Unsupported {
        /// The tag as given.
        tag: String,
    },
}

impl Language {
    /// Every supported language, in a stable order.
    pub const ALL: [Language; 2] = [Language::ZhCn, Language::EnUs];

    /// The canonical BCP 47 tag: `zh-CN` or `en-US`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }

    /// The language's name in itself: `中文` or `English`.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::ZhCn => "中文",
            Language::EnUs => "English",
        }
    }

    /// Parses a BCP 47 tag (case-insensitive, `-` or `_`) to the nearest supported language.
    pub fn parse(tag: &str) -> Result<Language, LanguageError> {
        let malformed = || LanguageError::Malformed { tag: tag.into() };
        let normalised = tag.trim().replace('_', "-");
        let mut subtags = normalised.split('-');
        let primary = subtags.next().unwrap_or_default().to_ascii_lowercase();
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !primary_ok || !rest_ok {
            return Err(malformed());
        }
        match primary.as_str() {
            "zh" | "cmn" => Ok(Language::ZhCn),
            "en" => Ok(Language::EnUs),
            _ => Err(LanguageError::Unsupported { tag: tag.into() }),
        }
    }

    /// How spoken length is measured: characters for Chinese, words for English.
    pub fn unit(self) -> SpeechUnit {
        match self {
            Language::ZhCn => SpeechUnit::Character,
            Language::EnUs => SpeechUnit::Word,
        }
    }

    /// Typical conversational speech rate, in [`Language::unit`]s per second:
    /// 4.5 characters/s for Chinese, 2.6 words/s (≈ 156 words a minute) for English.
    pub fn speech_rate(self) -> f64 {
        match self {
            Language::ZhCn => 4.5,
            Language::EnUs => 2.6,
        }
    }

    /// The spoken length of `text` in this language's [`unit`](Language::unit)s.
    ///
    /// Chinese: every CJK character (Han, kana, hangul) counts 1, every digit 1 (numbers
    /// are read out digit by digit or as short number words of about that length), every
    /// run of other letters (an embedded Latin word such as `OpenAI`) 2; punctuation and
    /// spaces count nothing.
    ///
    /// English: every whitespace-separated token holding at least one letter or digit
    /// counts 1, so `well-known`, `don't` and `38%` are one word each and a lone `—` none.
    pub fn measure(self, text: &str) -> usize {
        match self {
            Language::ZhCn => measure_chinese(text),
            Language::EnUs => text
                .split_whitespace()
                .filter(|token| token.chars().any(char::is_alphanumeric))
                .count(),
        }
    }

    /// Estimated seconds it takes to speak `text` at [`speech_rate`](Language::speech_rate).
    pub fn seconds(self, text: &str) -> f64 {
        self.measure(text) as f64 / self.speech_rate()
    }

    /// How many units fill `seconds` of speech (rounded to the nearest unit).
    pub fn units_in(self, seconds: f64) -> usize {
        if seconds.is_finite() && seconds > 0.0 {
            (seconds * self.speech_rate()).round() as usize
        } else {
            0
        }
    }
}

/// Whether `c` is a CJK character (Han, kana, hangul), written and spoken as one
/// syllable-sized character.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'                      // 〇
        | '\u{3040}'..='\u{30FF}'       // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}'       // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'       // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'       // hangul syllables
        | '\u{F900}'..='\u{FAFF}'       // compatibility ideographs
        | '\u{20000}'..='\u{3134F}'     // extensions B–G
    )
}

fn measure_chinese(text: &str) -> usize {
    let mut units = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) || c.is_numeric() {
            units += 1;
            in_word = false;
        } else if c.is_alphabetic() {
            if !in_word {
                units += 2;
            }
            in_word = true;
        } else if !(in_word && (c == '\'' || c == '’')) {
            in_word = false;
        }
    }
    units
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Language {
    type Err = LanguageError;

    fn from_str(tag: &str) -> Result<Self, Self::Err> {
        Language::parse(tag)
    }
}

impl Serialize for Language {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.tag())
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        Language::parse(&tag).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_the_nearest_supported_language() {
        for tag in [
            "zh",
            "zh-CN",
            "zh-Hans",
            "zh_cn",
            "ZH-hans-CN",
            "zh-TW",
            "cmn",
            " zh ",
        ] {
            assert_eq!(Language::parse(tag), Ok(Language::ZhCn), "{tag}");
        }
        for tag in ["en", "en-US", "en-GB", "EN_us", "en-Latn-AU"] {
            assert_eq!(Language::parse(tag), Ok(Language::EnUs), "{tag}");
        }
    }

    #[test]
    fn unsupported_and_malformed_tags_are_told_apart() {
        let err = Language::parse("fr-FR").unwrap_err();
        assert_eq!(
            err,
            LanguageError::Unsupported {
                tag: "fr-FR".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "unsupported language `fr-FR`: Goose Pod speaks zh-CN and en-US"
        );
        for tag in ["", "e", "english", "zh--CN", "zh-toolongsubtag", "中文"] {
            assert!(
                matches!(Language::parse(tag), Err(LanguageError::Malformed { .. })),
                "{tag}"
            );
        }
    }

    #[test]
    fn serde_uses_canonical_tags_and_parses_leniently() {
        assert_eq!(serde_json::to_string(&Language::ZhCn).unwrap(), "\"zh-CN\"");
        assert_eq!(serde_json::to_string(&Language::EnUs).unwrap(), "\"en-US\"");
        let parsed: Language = serde_json::from_str("\"zh-Hans\"").unwrap();
        assert_eq!(parsed, Language::ZhCn);
        let err = serde_json::from_str::<Language>("\"de\"").unwrap_err();
        assert!(
            err.to_string().contains("unsupported language `de`"),
            "{err}"
        );
    }

    #[test]
    fn display_and_tag_agree() {
        for language in Language::ALL {
            assert_eq!(language.to_string(), language.tag());
            assert_eq!(language.tag().parse::<Language>(), Ok(language));
        }
    }

    #[test]
    fn chinese_is_measured_in_spoken_characters() {
        let zh = Language::ZhCn;
        assert_eq!(zh.unit(), SpeechUnit::Character);
        assert_eq!(zh.measure("今天是星期二。"), 6);
        // 2 for each Latin word, 1 per digit, punctuation free.
        assert_eq!(zh.measure("OpenAI 在2027年"), 2 + 1 + 4 + 1);
        assert_eq!(zh.measure("Sam Altman's memo"), 6);
        assert_eq!(zh.measure(",。!? …"), 0);
        assert_eq!(zh.measure(""), 0);
    }

    #[test]
    fn english_is_measured_in_words() {
        let en = Language::EnUs;
        assert_eq!(en.unit(), SpeechUnit::Word);
        assert_eq!(en.measure("It's a well-known fact — 38% agree."), 6);
        assert_eq!(en.measure("   "), 0);
    }

    #[test]
    fn speech_rates_turn_text_into_seconds_and_back() {
        assert_eq!(Language::ZhCn.speech_rate(), 4.5);
        assert_eq!(Language::EnUs.speech_rate(), 2.6);
        assert!((Language::ZhCn.seconds("一二三四五六七八九") - 2.0).abs() < 1e-9);
        assert!(
            (Language::EnUs.seconds(
                "one two three four five six seven eight nine ten eleven twelve thirteen"
            ) - 5.0)
                .abs()
                < 1e-9
        );
        assert_eq!(Language::ZhCn.units_in(300.0), 1350);
        assert_eq!(Language::EnUs.units_in(300.0), 780);
        assert_eq!(Language::EnUs.units_in(f64::NAN), 0);
        assert_eq!(Language::EnUs.units_in(-3.0), 0);
    }
}
