//! The writer never panics, and any article of three sentences or more becomes a whole
//! episode; fewer is a clear error.

mod common;

use common::article;
use goosepod_core::{Article, HostPair, Language, Listener, Segment};
use goosepod_write::{WriteError, personalise, write_body};
use jiff::Timestamp;
use proptest::prelude::*;

const ZONES: [&str; 6] = [
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
];

/// Han characters that never form a dateline (`讯`, `电`) or furniture marker.
const HAN: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子产种面而方后多定行学法所民得经三之进着等部度家量实加都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研";

fn sentence_en() -> impl Strategy<Value = String> {
    (
        "[a-z]{2,9}",
        prop::collection::vec(
            prop_oneof![
                4 => "[a-z]{2,9}".prop_map(String::from),
                1 => Just("38%".to_string()),
                1 => Just("1,300".to_string()),
                1 => Just("2.5".to_string()),
                1 => Just("U.S.".to_string()),
                1 => Just("Marc Benioff".to_string()),
            ],
            2..14,
        ),
        "[a-z]{7,10}",
        prop_oneof![Just("."), Just("!"), Just("?")],
    )
        .prop_map(|(first, middle, last, stop)| {
            let mut first = first;
            first[..1].make_ascii_uppercase();
            format!("{first} {} {last}{stop}", middle.join(" "))
        })
}

fn sentence_zh() -> impl Strategy<Value = String> {
    let han: Vec<char> = HAN.chars().collect();
    (
        prop::collection::vec(prop::sample::select(han), 6..40),
        prop::option::of(prop_oneof![
            Just("218亿元"),
            Just("38%"),
            Just("2027年"),
            Just("OpenAI")
        ]),
        0usize..6,
    )
        .prop_map(|(chars, extra, at)| {
            let mut text: String = chars.into_iter().collect();
            if let Some(extra) = extra {
                let at = text.char_indices().nth(at).map_or(text.len(), |(b, _)| b);
                text.insert_str(at, extra);
            }
            text + "。"
        })
}

/// `sentences` grouped into paragraphs of one to three.
fn paragraphs(sentences: Vec<String>, sizes: Vec<usize>, language: Language) -> Vec<String> {
    let joiner = if language == Language::EnUs { " " } else { "" };
    let mut out = Vec::new();
    let mut rest = sentences.as_slice();
    let mut sizes = sizes.into_iter().cycle();
    while !rest.is_empty() {
        let take = sizes.next().unwrap_or(1).clamp(1, rest.len());
        out.push(rest[..take].join(joiner));
        rest = &rest[take..];
    }
    out
}

fn listener(language: Language, name: String, zone: &str, minutes: f64) -> Listener {
    let mut listener = Listener::for_language(language);
    listener.name = name;
    listener.timezone = zone.to_string();
    listener.minutes = minutes;
    listener
}

fn check_whole(article: &Article, language: Language, who: &Listener, at: Timestamp) {
    let body = write_body(
        article,
        language,
        HostPair::builtin_for(language),
        who.minutes,
    )
    .unwrap();
    let episode = personalise(&body, who, at).unwrap();
    episode.validate().unwrap();
    for segment in Segment::ARC {
        assert!(episode.lines_in(segment).count() >= 1, "no {segment}");
    }
    assert!(episode.lines.iter().all(|l| !l.text.trim().is_empty()));
    assert!((1..=3).contains(&episode.tags.len()), "{:?}", episode.tags);
    assert_eq!(episode.analysis.len(), 5);
    let json = episode.to_json_pretty();
    assert_eq!(goosepod_core::Episode::from_json(&json).unwrap(), episode);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn english_articles_of_three_sentences_or_more_become_whole_episodes(
        sentences in prop::collection::vec(sentence_en(), 3..16),
        sizes in prop::collection::vec(1usize..4, 1..6),
        name in "[A-Za-z]{1,12}( [A-Za-z]{1,8})?",
        zone in prop::sample::select(ZONES.to_vec()),
        minutes in 1.0f64..=60.0,
        seconds in 0i64..4_000_000_000,
    ) {
        let texts = paragraphs(sentences, sizes, Language::EnUs);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let who = listener(Language::EnUs, name, zone, minutes);
        check_whole(&article(&refs, "en"), Language::EnUs, &who, Timestamp::from_second(seconds).unwrap());
    }

    #[test]
    fn chinese_articles_of_three_sentences_or_more_become_whole_episodes(
        sentences in prop::collection::vec(sentence_zh(), 3..16),
        sizes in prop::collection::vec(1usize..4, 1..6),
        name in "[\u{4e00}-\u{4e5f}]{1,4}",
        zone in prop::sample::select(ZONES.to_vec()),
        minutes in 1.0f64..=60.0,
        seconds in 0i64..4_000_000_000,
    ) {
        let texts = paragraphs(sentences, sizes, Language::ZhCn);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let who = listener(Language::ZhCn, name, zone, minutes);
        check_whole(&article(&refs, "zh-CN"), Language::ZhCn, &who, Timestamp::from_second(seconds).unwrap());
    }

    #[test]
    fn fewer_than_three_sentences_is_a_clear_error(
        en in prop::collection::vec(sentence_en(), 0..3),
        zh in prop::collection::vec(sentence_zh(), 0..3),
    ) {
        for (sentences, language, tag) in [(en, Language::EnUs, "en"), (zh, Language::ZhCn, "zh")] {
            let found = sentences.len();
            let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
            let err = write_body(&article(&refs, tag), language, HostPair::builtin_for(language), 5.0).unwrap_err();
            prop_assert!(matches!(err, WriteError::TooFewSentences { found: f } if f == found), "{err}");
            prop_assert!(err.to_string().contains("needs at least 3"));
        }
    }

    #[test]
    fn any_text_never_panics(
        text in "\\PC{0,600}",
        extra in prop::collection::vec(prop_oneof![
            Just("“".to_string()), Just("”".to_string()), Just("\"".to_string()),
            Just("。".to_string()), Just(". ".to_string()), Just("\n\n".to_string()),
            Just("U.S.".to_string()), Just("1,300".to_string()), Just("百分之".to_string()),
            "[a-zA-Z ]{1,20}".prop_map(String::from),
            "[\u{4e00}-\u{9fa5}]{1,20}".prop_map(String::from),
        ], 0..40),
        tag in prop::option::of(prop_oneof![Just("en"), Just("zh"), Just("fr"), Just("??")]),
        language in prop::sample::select(Language::ALL.to_vec()),
    ) {
        let text = text + &extra.concat();
        let article = Article {
            language: tag.map(String::from),
            title: Some(text.chars().take(30).collect()),
            text,
            ..Article::default()
        };
        let who = listener(language, "Norris".into(), "Asia/Shanghai", 5.0);
        match goosepod_write::write(&article, &who, HostPair::builtin_for(language), Timestamp::UNIX_EPOCH) {
            Ok(episode) => {
                episode.validate().unwrap();
                for segment in Segment::ARC {
                    prop_assert!(episode.lines_in(segment).count() >= 1);
                }
            }
            Err(WriteError::TooFewSentences { found }) => prop_assert!(found < 3),
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
        let _ = goosepod_write::numbers::numbers(&article.text);
        let _ = goosepod_write::sentences::split(&article.text, language);
    }
}
