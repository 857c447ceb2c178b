//! The pre-speech checks on real scripts: the offline writer's episodes pass them all,
//! and each kind of flaw a model makes is caught and named.

mod common;
use common::{episode, listener, sample};

use goosepod_core::{Episode, HostPair, Language, Segment};
use goosepod_write::checks::{self, Problem};

fn english() -> (Episode, String) {
    let article = sample("en-harbor-battery.html");
    let episode = episode(
        &article,
        &listener("Norris", Language::EnUs, "America/New_York"),
    );
    (episode, article.text)
}

fn chinese() -> (Episode, String) {
    let article = sample("zh-rail-line.html");
    let episode = episode(
        &article,
        &listener("Norris", Language::ZhCn, "Asia/Shanghai"),
    );
    (episode, article.text)
}

fn all(episode: &Episode, source: &str) -> Vec<Problem> {
    let target = goosepod_core::Listener::for_language(episode.language).minutes * 60.0;
    let show = &HostPair::builtin_for(episode.language).show;
    checks::check_episode(episode, source, target, show)
}

fn rejected(problems: &[Problem], check: &str) -> bool {
    problems.iter().any(|p| p.check == check && p.rejects)
}

/// The first body line in `segment`.
fn body_line(episode: &mut Episode, segment: Segment) -> &mut String {
    &mut episode
        .lines
        .iter_mut()
        .find(|l| l.segment == segment && !l.personal)
        .unwrap()
        .text
}

#[test]
fn the_offline_writers_episodes_pass_every_check() {
    for (episode, source) in [english(), chinese()] {
        let problems = all(&episode, &source);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn an_invented_number_rejects_the_script() {
    let (mut episode, source) = english();
    body_line(&mut episode, Segment::Impact).push_str(" Prices fell 42% overnight.");
    let problems = all(&episode, &source);
    assert!(rejected(&problems, "grounding"), "{problems:#?}");
    assert!(problems.iter().any(|p| p.message.contains("`42%`")));
}

#[test]
fn numbers_translated_across_languages_are_grounded() {
    let (mut episode, _) = chinese();
    // An English source stating what the Chinese line says with another scale and unit.
    let source = "The line cost US$21.8bn, and on December 9 its use rose 38%.";
    for line in &mut episode.lines {
        line.text = "这条线路花了218亿美元,12月9日客流增加了38%。".into();
    }
    let problems = checks::grounding(&episode.lines, source, &[]);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_line_in_the_wrong_language_is_rejected() {
    let (mut episode, source) = chinese();
    *body_line(&mut episode, Segment::Background) =
        "The project began years ago and the city has argued about it ever since then.".into();
    assert!(rejected(&all(&episode, &source), "language"));
    // Names in Latin letters inside Chinese are fine.
    let (mut episode, _) = chinese();
    *body_line(&mut episode, Segment::Background) =
        "OpenAI 发布了 GPT-5.2,Gemini 3 紧随其后。".into();
    assert!(checks::language(&episode.lines, Language::ZhCn).is_empty());
}

#[test]
fn markup_stage_directions_labels_and_emoji_are_rejected() {
    for bad in [
        "<speak>Hello</speak> there.",
        "This is **huge** news.",
        "(laughs) That is quite something.",
        "Theo: I think so too.",
        "That is great news 🎉 for the port.",
        "- first, the battery",
    ] {
        let (mut episode, source) = english();
        *body_line(&mut episode, Segment::Outlook) = bad.into();
        let problems = all(&episode, &source);
        assert!(rejected(&problems, "markup"), "{bad}: {problems:#?}");
    }
    // A colon in a sentence is not a label.
    let (mut episode, _) = english();
    *body_line(&mut episode, Segment::Outlook) = "The point is this: it works.".into();
    assert!(checks::markup(&episode.lines, &["Dana", "Theo"]).is_empty());
}

#[test]
fn a_wrong_clock_or_a_missing_name_in_the_greeting_is_rejected() {
    let (mut episode, source) = english();
    episode.generated_at += jiff::SignedDuration::from_hours(5);
    assert!(rejected(&all(&episode, &source), "opening"));
    let (mut episode, source) = english();
    episode.listener.name = "Someone Else".into();
    assert!(rejected(&all(&episode, &source), "opening"));
}

#[test]
fn too_short_a_script_and_a_repeated_sentence_are_rejected() {
    let (mut episode, source) = english();
    episode
        .lines
        .retain(|l| l.segment != Segment::Impact && l.segment != Segment::Background);
    assert!(rejected(&all(&episode, &source), "length"));
    let (mut episode, source) = english();
    let said = body_line(&mut episode, Segment::CoreEvent).clone();
    body_line(&mut episode, Segment::Outlook).push_str(&format!(" {said}"));
    assert!(rejected(&all(&episode, &source), "repeats"));
}

#[test]
fn invented_quotes_and_names_are_reported_without_rejecting() {
    let (mut episode, source) = english();
    body_line(&mut episode, Segment::Impact)
        .push_str(" As Marcus Oyelaran put it, “this changes everything for the harbor”.");
    let problems = all(&episode, &source);
    assert!(
        problems
            .iter()
            .any(|p| p.check == "quotation" && !p.rejects),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.check == "names" && p.message.contains("Marcus Oyelaran"))
    );
    assert!(!problems.iter().any(|p| p.rejects), "{problems:#?}");
}
