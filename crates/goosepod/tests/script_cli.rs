//! The `goosepod script` command-line contract, run as a user would run it.

use std::path::Path;

mod common;
use common::{goosepod, sample, stderr, stdout};

use goosepod_core::{Episode, Language, Segment};

const AT: &str = "2025-12-15T18:14:00Z";

fn read_episode(path: &Path) -> Episode {
    Episode::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn prints_the_script_readably() {
    let zh = sample("zh-rail-line.html");
    let output = goosepod(&[
        "script",
        &zh,
        "--name",
        "Norris",
        "--tz",
        "Asia/Shanghai",
        "--at",
        AT,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "江岚地铁5号线今日开通");
    assert!(lines[1].ends_with("— 东江日报"), "{}", lines[1]);
    for heading in [
        "[开场]",
        "[核心事件]",
        "[背景与脉络]",
        "[关键冲突]",
        "[影响]",
        "[展望]",
        "[结尾]",
    ] {
        assert!(lines.contains(&heading), "{heading} missing");
    }
    let opening = lines.iter().find(|l| l.starts_with("程远: ")).unwrap();
    assert!(
        opening.contains("Norris") && opening.contains("12月16日,星期二,凌晨2点14分"),
        "{opening}"
    );
    assert!(lines.iter().any(|l| l.starts_with("小满: ")));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn output_is_a_valid_episode_json_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("episode.json");
    let en = sample("en-harbor-battery.html");
    let output = goosepod(&[
        "script",
        &en,
        "--name",
        "Ana",
        "--tz",
        "america/new_york",
        "--at",
        AT,
        "--minutes",
        "4",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("wrote"), "{}", stderr(&output));
    let episode = read_episode(&path);
    assert_eq!(episode.generated_at.to_string(), AT);
    assert_eq!(episode.language, Language::EnUs);
    assert_eq!(episode.listener.name, "Ana");
    assert_eq!(episode.listener.timezone, "America/New_York");
    assert_eq!(episode.hosts[0].name, "Dana");
    assert_eq!(episode.hosts[0].voice, "en-us+f3");
    assert_eq!(
        episode.source.publisher.as_deref(),
        Some("The Coastal Ledger")
    );
    assert!(
        episode.lines[0]
            .text
            .contains("Monday, December 15, at 1:14 in the afternoon"),
        "{}",
        episode.lines[0].text
    );
    for segment in Segment::ARC {
        assert!(episode.lines_in(segment).count() >= 1);
    }
    // Only the episode is left in the directory: no temporary file.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["episode.json"]);
    // The file is pretty JSON ending in a newline.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\n  \"schema\": 1,") && text.ends_with("}\n"));
}

#[test]
fn the_same_arguments_give_the_same_episode() {
    let zh = sample("zh-rail-line.html");
    let args = ["script", zh.as_str(), "--name", "Norris", "--at", AT];
    let first = goosepod(&args);
    let second = goosepod(&args);
    assert!(first.status.success());
    assert_eq!(stdout(&first), stdout(&second));
}

#[test]
fn flags_override_the_listener_file() {
    let dir = tempfile::tempdir().unwrap();
    let listener = dir.path().join("listener.toml");
    std::fs::write(
        &listener,
        "name = \"From File\"\nlanguage = \"zh-CN\"\ntimezone = \"Europe/London\"\nminutes = 3\n",
    )
    .unwrap();
    let path = dir.path().join("episode.json");
    let zh = sample("zh-rail-line.html");
    let output = goosepod(&[
        "script",
        &zh,
        "--listener",
        listener.to_str().unwrap(),
        "--name",
        "小李",
        "--at",
        AT,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let episode = read_episode(&path);
    assert_eq!(episode.listener.name, "小李");
    assert_eq!(episode.listener.timezone, "Europe/London");
    assert_eq!(episode.listener.language, Language::ZhCn);
    assert!(
        episode.lines[0]
            .text
            .contains("12月15日,星期一,傍晚6点14分"),
        "{}",
        episode.lines[0].text
    );
    let seconds: f64 = episode
        .lines
        .iter()
        .map(|l| Language::ZhCn.seconds(&l.text))
        .sum();
    assert!(
        (153.0..=207.0).contains(&seconds),
        "{seconds} s for a 3-minute episode"
    );
}

#[test]
fn another_language_is_written_untranslated_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("episode.json");
    let en = sample("en-harbor-battery.html");
    let output = goosepod(&[
        "script",
        &en,
        "--lang",
        "zh-CN",
        "--at",
        AT,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("goosepod script: note:") && err.contains("model writer"),
        "{err}"
    );
    let episode = read_episode(&path);
    assert_eq!(episode.language, Language::EnUs);
    assert_eq!(episode.listener.language, Language::ZhCn);
    assert_eq!(episode.listener.name, "朋友");
    assert!(
        episode
            .writer
            .notes
            .iter()
            .any(|n| n.contains("cannot translate"))
    );
}

#[test]
fn a_chosen_host_pair_presents_the_show() {
    let dir = tempfile::tempdir().unwrap();
    let pair = dir.path().join("pair.toml");
    std::fs::write(
        &pair,
        "id = \"my-pair\"\nlanguage = \"en\"\nshow = \"Morning Goose\"\n\n[[hosts]]\nid = \"a\"\nname = \"Ravi\"\npersona = \"A physicist.\"\nstyle = \"Careful.\"\n\n[[hosts]]\nid = \"b\"\nname = \"Kit\"\npersona = \"A comedian.\"\nstyle = \"Quick.\"\n",
    )
    .unwrap();
    let en = sample("en-harbor-battery.html");
    let output = goosepod(&["script", &en, "--hosts", pair.to_str().unwrap(), "--at", AT]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Ravi: ") && text.contains("Kit: ") && text.contains("Morning Goose"),
        "{text}"
    );
    let output = goosepod(&["script", &en, "--hosts", "fr-default", "--at", AT]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("built-in pairs are: zh-default, en-default"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.txt");
    std::fs::write(&short, "Council news\n\nThe council met on Monday and talked.\n\nNothing was decided by anyone there.\n").unwrap();
    let en = sample("en-harbor-battery.html");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![short.to_string_lossy().into()],
            "the article has 2 usable sentences; the offline writer needs at least 3",
        ),
        (
            vec![en.clone(), "--at".into(), "yesterday".into()],
            "invalid --at `yesterday`: expected an RFC 3339 instant",
        ),
        (
            vec![en.clone(), "--tz".into(), "Mars/Base".into()],
            "unknown time zone `Mars/Base`",
        ),
        (
            vec![en.clone(), "--minutes".into(), "0".into()],
            "between 1 and 60, got 0",
        ),
        (
            vec![en.clone(), "--lang".into(), "fr".into()],
            "unsupported language `fr`",
        ),
        (
            vec![en.clone(), "--name".into(), " ".into()],
            "listener name is empty",
        ),
        (
            vec![
                en.clone(),
                "--listener".into(),
                "/nonexistent/listener.toml".into(),
            ],
            "cannot read listener file /nonexistent/listener.toml",
        ),
        (
            vec![
                en.clone(),
                "-o".into(),
                "/nonexistent/dir/episode.json".into(),
            ],
            "cannot write /nonexistent/dir/episode.json",
        ),
        (vec!["/nonexistent/page.html".into()], "no such file"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["script".to_string()];
        args.extend(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = goosepod(&refs);
        assert!(!output.status.success(), "{args:?} succeeded");
        let err = stderr(&output);
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err}"
        );
        assert!(stdout(&output).is_empty());
    }
}
