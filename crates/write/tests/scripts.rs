//! Whole scripts for the sample articles, and the writer's contract: the arc, the
//! personal parts, the length, the facts.

mod common;

use std::fmt::Write;

use common::{AT, article, at, episode, listener, sample};
use goosepod_core::{Episode, HostId, HostPair, Language, Segment, SpokenTime};
use goosepod_write::{numbers, personalise, write_body};

/// An episode as text for a snapshot: every field a reader sees, every line with its
/// speaker, segment and whether it is personal (`*`).
fn transcript(episode: &Episode) -> String {
    let mut out = String::new();
    writeln!(out, "title: {}", episode.title).unwrap();
    writeln!(out, "tags: {}", episode.tags.join(" | ")).unwrap();
    writeln!(out, "language: {}", episode.language).unwrap();
    writeln!(out, "summary: {}", episode.summary).unwrap();
    for note in &episode.writer.notes {
        writeln!(out, "note: {note}").unwrap();
    }
    writeln!(out, "\n--- script").unwrap();
    for line in &episode.lines {
        let personal = if line.personal { "*" } else { " " };
        writeln!(
            out,
            "{} {:<10} {personal} {}",
            line.speaker, line.segment, line.text
        )
        .unwrap();
    }
    writeln!(out, "\n--- analysis").unwrap();
    for section in &episode.analysis {
        writeln!(
            out,
            "{} ({}): {}",
            section.section, section.title, section.text
        )
        .unwrap();
    }
    out
}

#[test]
fn the_chinese_sample_script() {
    let article = sample("zh-rail-line.html");
    let episode = episode(
        &article,
        &listener("Norris", Language::ZhCn, "Asia/Shanghai"),
    );
    insta::assert_snapshot!("zh_rail_line", transcript(&episode));
}

#[test]
fn the_english_sample_script() {
    let article = sample("en-harbor-battery.html");
    let episode = episode(
        &article,
        &listener("Norris", Language::EnUs, "America/Los_Angeles"),
    );
    insta::assert_snapshot!("en_harbor_battery", transcript(&episode));
}

#[test]
fn scripts_follow_the_arc_and_the_example_shape() {
    for (file, language) in [
        ("zh-rail-line.html", Language::ZhCn),
        ("en-harbor-battery.html", Language::EnUs),
    ] {
        let article = sample(file);
        let episode = episode(&article, &listener("Norris", language, "Asia/Shanghai"));
        episode.validate().unwrap();
        assert_eq!(episode.language, language);
        // Every segment, in order, the greeting and sign-off as in the example.
        for segment in Segment::ARC {
            assert!(
                episode.lines_in(segment).count() >= 1,
                "{file}: no {segment}"
            );
        }
        // Host A greets, host B answers by name, then the hook: the same for everyone.
        let greeting: Vec<_> = episode.lines_in(Segment::Greeting).collect();
        assert_eq!(
            greeting.iter().map(|l| l.speaker).collect::<Vec<_>>(),
            [HostId::A, HostId::B, HostId::B]
        );
        assert!(
            greeting[..2]
                .iter()
                .all(|l| l.personal && l.text.contains("Norris"))
        );
        assert!(!greeting[2].personal);
        assert!(greeting[0].text.contains("Goose Pod"));
        let sign_off: Vec<_> = episode.lines_in(Segment::SignOff).collect();
        assert_eq!(
            sign_off.iter().map(|l| l.speaker).collect::<Vec<_>>(),
            [HostId::A, HostId::B]
        );
        assert!(sign_off[0].text.contains("Goose Pod") && !sign_off[0].personal);
        assert!(sign_off[1].personal && sign_off[1].text.contains("Norris"));
        // The listener is addressed in the body too, and those lines say so.
        let named_in_body = episode
            .lines
            .iter()
            .filter(|l| l.segment.is_body() && l.text.contains("Norris"))
            .count();
        assert!(named_in_body >= 2, "{file}: {named_in_body}");
        for line in &episode.lines {
            assert_eq!(
                line.personal,
                line.text.contains("Norris"),
                "{file}: {}",
                line.text
            );
        }
        // Turns vary: somewhere a host speaks twice in a row, never three times (an
        // address and what follows it are one turn).
        let turns = episode.lines.iter().enumerate().filter(|(i, line)| {
            let continues = i
                .checked_sub(1)
                .map(|before| &episode.lines[before])
                .is_some_and(|before| {
                    before.personal && !line.personal && before.speaker == line.speaker
                });
            !continues
        });
        let speakers: Vec<HostId> = turns.map(|(_, l)| l.speaker).collect();
        assert!(
            speakers.windows(2).any(|w| w[0] == w[1]),
            "{file}: strict alternation"
        );
        assert!(
            !speakers.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]),
            "{file}: three in a row"
        );
        // Title, summary, tags, analysis.
        assert!(!episode.title.is_empty());
        assert!((1..=3).contains(&episode.tags.len()));
        let sentences = goosepod_write::sentences::split(&episode.summary, language).len();
        assert!(
            (2..=4).contains(&sentences),
            "{file}: summary has {sentences} sentences"
        );
        assert_eq!(episode.analysis.len(), 5);
        for section in &episode.analysis {
            assert_eq!(section.title, section.section.title(language));
        }
        assert!(
            episode.writer.notes.is_empty(),
            "{:?}",
            episode.writer.notes
        );
    }
}

#[test]
fn the_greeting_says_the_listeners_local_date_weekday_and_time() {
    let zh = sample("zh-rail-line.html");
    let en = sample("en-harbor-battery.html");
    let cases = [
        (
            &zh,
            Language::ZhCn,
            "2025-12-15T18:14:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,凌晨2点14分",
        ),
        (
            &zh,
            Language::ZhCn,
            "2025-12-15T18:14:00Z",
            "UTC",
            "12月15日,星期一,傍晚6点14分",
        ),
        (
            &zh,
            Language::ZhCn,
            "2024-02-29T04:30:00Z",
            "Asia/Shanghai",
            "2月29日,星期四,中午12点半",
        ),
        (
            &zh,
            Language::ZhCn,
            "2026-01-01T15:59:00Z",
            "Asia/Shanghai",
            "1月1日,星期四,深夜11点59分",
        ),
        (
            &en,
            Language::EnUs,
            "2025-12-15T18:14:00Z",
            "Asia/Shanghai",
            "Tuesday, December 16, at 2:14 in the morning",
        ),
        (
            &en,
            Language::EnUs,
            "2026-03-08T07:30:00Z",
            "America/New_York",
            "Sunday, March 8, at 3:30 in the morning",
        ),
        (
            &en,
            Language::EnUs,
            "2026-03-08T06:30:00Z",
            "America/New_York",
            "Sunday, March 8, at 1:30 in the morning",
        ),
        (
            &en,
            Language::EnUs,
            "2025-12-31T11:00:00Z",
            "Pacific/Kiritimati",
            "Thursday, January 1, at 1 o'clock in the morning",
        ),
        (
            &en,
            Language::EnUs,
            "2025-06-01T12:00:00Z",
            "UTC",
            "Sunday, June 1, at noon",
        ),
    ];
    for (article, language, instant, zone, expected) in cases {
        let mut who = listener("Norris", language, zone);
        who.host_pair = HostPair::builtin_for(language).id.clone();
        let episode = goosepod_write::write(
            article,
            &who,
            HostPair::builtin_for(language),
            instant.parse().unwrap(),
        )
        .unwrap();
        let opening = &episode.lines[0];
        assert_eq!(opening.segment, Segment::Greeting);
        assert!(
            opening.text.contains(expected),
            "{instant} {zone}: {}",
            opening.text
        );
        let time = SpokenTime::in_zone(instant.parse().unwrap(), zone).unwrap();
        let reaction = time.part_of_day().reactions(language);
        assert!(
            reaction.iter().any(|r| opening.text.contains(r)),
            "{}",
            opening.text
        );
    }
}

#[test]
fn the_body_is_the_same_for_every_listener() {
    let article = sample("zh-rail-line.html");
    let hosts = HostPair::builtin_for(Language::ZhCn);
    let body = write_body(&article, Language::ZhCn, hosts, 5.0).unwrap();
    let norris = personalise(
        &body,
        &listener("Norris", Language::ZhCn, "Asia/Shanghai"),
        at(),
    )
    .unwrap();
    let other = personalise(
        &body,
        &listener("小李", Language::ZhCn, "Europe/London"),
        "2026-07-01T06:00:00Z".parse().unwrap(),
    )
    .unwrap();
    let shared = |e: &Episode| -> Vec<(HostId, Segment, String)> {
        e.lines
            .iter()
            .filter(|l| !l.personal)
            .map(|l| (l.speaker, l.segment, l.text.clone()))
            .collect()
    };
    assert_eq!(shared(&norris), shared(&other));
    assert_eq!(norris.lines.len(), other.lines.len());
    assert!(
        norris
            .lines
            .iter()
            .filter(|l| l.personal)
            .all(|l| l.text.contains("Norris") && !l.text.contains("小李"))
    );
    assert!(
        other
            .lines
            .iter()
            .filter(|l| l.personal)
            .all(|l| l.text.contains("小李") && !l.text.contains("Norris"))
    );
    assert!(
        norris
            .lines
            .iter()
            .filter(|l| !l.personal)
            .all(|l| !l.text.contains("Norris"))
    );
    // A body written for one listener equals the body written directly: nothing of the
    // listener leaks into it.
    let direct = goosepod_write::write(
        &article,
        &listener("小李", Language::ZhCn, "Europe/London"),
        hosts,
        "2026-07-01T06:00:00Z".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(direct, other);
    // And the body survives a round trip through JSON (it can be stored and shared).
    let json = serde_json::to_string(&body).unwrap();
    assert_eq!(
        serde_json::from_str::<goosepod_write::Body>(&json).unwrap(),
        body
    );
}

/// The numbers in a line, with the greeting's spoken time taken out.
fn script_text(episode: &Episode) -> Vec<String> {
    let time = SpokenTime::in_zone(episode.generated_at, &episode.listener.timezone).unwrap();
    let phrase = time.phrase(episode.language);
    episode
        .lines
        .iter()
        .map(|l| l.text.replace(&phrase, ""))
        .collect()
}

#[test]
fn every_number_and_quotation_in_a_script_is_in_its_article() {
    let articles = [
        (sample("zh-rail-line.html"), Language::ZhCn),
        (sample("en-harbor-battery.html"), Language::EnUs),
    ];
    for minutes in [1.0, 3.0, 5.0, 12.0] {
        for (article, language) in &articles {
            let mut who = listener("Norris 2", *language, "Asia/Shanghai");
            who.minutes = minutes;
            let episode = episode(article, &who);
            for text in script_text(&episode) {
                let text = text.replace("Norris 2", "");
                let missing = numbers::ungrounded(&text, &article.text);
                assert!(missing.is_empty(), "{missing:?} in {text}");
                for quote in quotations(&text) {
                    assert!(article.text.contains(quote), "{quote}");
                }
            }
            for section in &episode.analysis {
                assert!(numbers::ungrounded(&section.text, &article.text).is_empty());
            }
            assert!(numbers::ungrounded(&episode.summary, &article.text).is_empty());
        }
    }
}

#[test]
fn no_sentence_is_told_twice() {
    for (file, language) in [
        ("zh-rail-line.html", Language::ZhCn),
        ("en-harbor-battery.html", Language::EnUs),
    ] {
        let article = sample(file);
        let mut who = listener("Norris", language, "UTC");
        who.minutes = 30.0;
        let episode = episode(&article, &who);
        let sentences =
            goosepod_write::sentences::article_sentences(article.paragraphs(), language);
        for sentence in sentences {
            let told = episode
                .lines
                .iter()
                .filter(|l| l.text.contains(sentence.text))
                .count();
            assert!(told <= 1, "{file}: told {told} times: {}", sentence.text);
        }
    }
}

#[test]
fn every_name_in_an_english_script_is_the_articles_or_the_shows() {
    let article = sample("en-harbor-battery.html");
    let episode = episode(&article, &listener("Norris", Language::EnUs, "UTC"));
    let time = SpokenTime::in_zone(episode.generated_at, "UTC").unwrap();
    let mut allowed: Vec<String> = vec!["Norris".into(), "Goose".into(), "Pod".into(), "I".into()];
    allowed.extend(episode.hosts.iter().map(|h| h.name.clone()));
    allowed.extend(
        time.phrase(Language::EnUs)
            .split([' ', ','])
            .map(String::from),
    );
    for line in &episode.lines {
        let words: Vec<&str> = line.text.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            let bare = bare.split(['’', '\'']).next().unwrap_or_default();
            let starts_sentence = i == 0
                || words[i - 1].ends_with(['.', '!', '?', ':'])
                || words[i - 1].ends_with(".”")
                || word.starts_with('“');
            if starts_sentence || !bare.starts_with(char::is_uppercase) {
                continue;
            }
            assert!(
                article.text.contains(bare) || allowed.iter().any(|a| a == bare),
                "{bare:?} in {}",
                line.text
            );
        }
    }
}

/// Every `“…”` span in `text`.
fn quotations(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('“') {
        let after = &rest[open..];
        let Some(close) = after.find('”') else {
            break;
        };
        found.push(&after[..close + '”'.len_utf8()]);
        rest = &after[close + '”'.len_utf8()..];
    }
    found
}

#[test]
fn the_length_follows_the_listeners_minutes() {
    let articles = [
        (sample("zh-rail-line.html"), Language::ZhCn),
        (sample("en-harbor-battery.html"), Language::EnUs),
    ];
    for (article, language) in &articles {
        for minutes in [2.5, 3.0, 4.0, 5.0] {
            let mut who = listener("Norris", *language, "UTC");
            who.minutes = minutes;
            let episode = episode(article, &who);
            let units: usize = episode
                .lines
                .iter()
                .map(|l| language.measure(&l.text))
                .sum();
            let target = language.units_in(minutes * 60.0) as f64;
            let ratio = units as f64 / target;
            assert!(
                (0.85..=1.15).contains(&ratio),
                "{language} {minutes} min: {units} of {target}"
            );
            assert!(
                episode.writer.notes.is_empty(),
                "{:?}",
                episode.writer.notes
            );
        }
        // Longer than the article can fill: it says so, and uses every sentence.
        let mut who = listener("Norris", *language, "UTC");
        who.minutes = 20.0;
        let long = episode(article, &who);
        assert!(
            long.writer
                .notes
                .iter()
                .any(|n| n.contains("too short to fill 20 minutes")),
            "{:?}",
            long.writer.notes
        );
        let five = episode(article, &listener("Norris", *language, "UTC"));
        assert!(long.lines.len() > five.lines.len());
        // Too short for every part of the story: the shortest script, and a note.
        who.minutes = 1.0;
        let short = episode(article, &who);
        assert!(
            short
                .writer
                .notes
                .iter()
                .any(|n| n.contains("1 minute is too short")),
            "{:?}",
            short.writer.notes
        );
        assert!(short.lines.len() < five.lines.len());
        for segment in Segment::ARC {
            assert!(short.lines_in(segment).count() >= 1);
        }
    }
}

#[test]
fn an_article_in_another_language_is_written_in_its_own_language_with_a_note() {
    let article = sample("en-harbor-battery.html");
    let who = listener("Norris", Language::ZhCn, "Asia/Shanghai");
    let episode =
        goosepod_write::write(&article, &who, HostPair::builtin_for(Language::ZhCn), at()).unwrap();
    assert_eq!(episode.language, Language::EnUs);
    assert_eq!(episode.listener.language, Language::ZhCn);
    assert_eq!(
        episode.hosts[0].name,
        HostPair::builtin_for(Language::EnUs).a().name
    );
    assert_eq!(episode.title, "Port Alder switches on giant harbor battery");
    let notes = episode.writer.notes.join("\n");
    assert!(
        notes.contains("cannot translate") && notes.contains("model writer"),
        "{notes}"
    );
    assert!(notes.contains("en-default"), "{notes}");
}

#[test]
fn scripts_are_reproducible() {
    let article = sample("en-harbor-battery.html");
    let who = listener("Norris", Language::EnUs, "UTC");
    assert_eq!(episode(&article, &who), episode(&article, &who));
    assert_eq!(episode(&article, &who).generated_at.to_string(), AT);
}

#[test]
fn too_few_sentences_is_a_clear_error() {
    let hosts = HostPair::builtin_for(Language::EnUs);
    for (text, found) in [
        ("", 0),
        ("One short sentence here.", 1),
        ("The council met on Monday. It approved the plan.", 2),
        ("Breaking\n\nNews", 0),
    ] {
        let err = write_body(&article(&[text], "en"), Language::EnUs, hosts, 5.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the article has {found} usable sentence{}; the offline writer needs at least 3",
                if found == 1 { "" } else { "s" }
            )
        );
    }
    // Furniture next to a sentence that points back is dropped before they could join.
    let furniture = "Subscribe to the newsletter today please. It brings the news to you daily.";
    let written = write_body(
        &article(&[furniture, furniture, furniture], "en"),
        Language::EnUs,
        hosts,
        5.0,
    );
    assert!(written.is_ok(), "{written:?}");
    let three = article(
        &["The council met on Monday. It approved the plan. Residents will vote next year."],
        "en",
    );
    assert!(write_body(&three, Language::EnUs, hosts, 5.0).is_ok());
    let err = write_body(&three, Language::EnUs, hosts, 0.5).unwrap_err();
    assert_eq!(
        err.to_string(),
        "episode length must be between 1 and 60 minutes, got 0.5"
    );
}
