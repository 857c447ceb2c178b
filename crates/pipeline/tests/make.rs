//! Whole episodes made through the library, as the command line and the server make
//! them: a bundled sample page, the offline writer, espeak-ng; what is reported along
//! the way; what is left when speech fails; two episodes made at once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use goosepod_core::episode::files;
use goosepod_core::{Article, Episode, HostPair, Language, Listener};
use goosepod_pipeline::{
    Observer, Order, PipelineError, ScriptWriter, SpeakFailure, Stage, VoiceChoice, make_episode,
};
use goosepod_voice::AudioFormat;
use jiff::Timestamp;

/// What an observer was told, in order (progress reduced to its last value).
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Started(Stage),
    Finished(Stage),
    Progress(u64, u64),
    Status(String),
    Note(String),
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Event>>);

impl Recorder {
    fn push(&self, event: Event) {
        self.0.lock().unwrap().push(event);
    }

    fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    /// The stage events only.
    fn stages(&self) -> Vec<Event> {
        self.events()
            .into_iter()
            .filter(|e| matches!(e, Event::Started(_) | Event::Finished(_)))
            .collect()
    }
}

impl Observer for Recorder {
    fn stage(&self, stage: Stage) {
        self.push(Event::Started(stage));
    }
    fn finished(&self, stage: Stage) {
        self.push(Event::Finished(stage));
    }
    fn progress(&self, done: u64, total: u64) {
        self.push(Event::Progress(done, total));
    }
    fn status(&self, message: &str) {
        self.push(Event::Status(message.to_string()));
    }
    fn note(&self, message: &str) {
        self.push(Event::Note(message.to_string()));
    }
}

/// The article of a bundled sample page, extracted as the CLI extracts it.
fn sample(name: &str) -> Article {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    goosepod_ingest::extract(&bytes, None, Some("text/html")).unwrap()
}

/// One episode's inputs.
struct Inputs {
    article: Article,
    listener: Listener,
    hosts: HostPair,
    writer: ScriptWriter,
    voice: VoiceChoice,
}

impl Inputs {
    fn new(sample_name: &str, language: Language, timezone: &str) -> Inputs {
        let mut listener = Listener::for_language(language);
        listener.name = "Norris".to_string();
        listener.timezone = timezone.to_string();
        listener.minutes = 1.0;
        Inputs {
            article: sample(sample_name),
            hosts: HostPair::builtin_for(language).clone(),
            listener,
            writer: ScriptWriter::Offline,
            voice: VoiceChoice::default(),
        }
    }

    fn order<'a>(&'a self, out_dir: &'a Path) -> Order<'a> {
        Order {
            article: &self.article,
            listener: &self.listener,
            hosts: &self.hosts,
            at: "2026-03-12T13:05:00Z".parse::<Timestamp>().unwrap(),
            writer: &self.writer,
            voice: &self.voice,
            base_url: Some("https://pods.example/norris/1/"),
            out_dir,
        }
    }
}

/// Names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Checks a finished episode directory against the episode returned; returns the
/// episode as stored.
fn check_directory(dir: &Path, made: &Episode) -> Episode {
    let json = std::fs::read_to_string(dir.join(files::EPISODE_JSON)).unwrap();
    let stored = Episode::from_json(&json).unwrap();
    assert_eq!(&stored, made);
    let audio = stored.audio.as_ref().expect("audio facts");
    let names = files::with_audio(&audio.file);
    let mut expected: Vec<String> = names.iter().map(ToString::to_string).collect();
    expected.sort();
    assert_eq!(entries(dir), expected, "every file, nothing else");
    for name in names {
        assert!(
            std::fs::metadata(dir.join(name)).unwrap().len() > 0,
            "{name}"
        );
    }
    assert!(stored.is_timed(), "every line has its timing");
    assert!(audio.duration_s > 10.0, "{}", audio.duration_s);
    assert_eq!(
        audio.bytes,
        std::fs::metadata(dir.join(&audio.file)).unwrap().len()
    );
    let last_end = stored.lines.last().and_then(|l| l.end).unwrap();
    assert!(last_end <= audio.duration_s + 0.01);
    stored
}

#[test]
fn an_article_becomes_a_whole_episode_and_the_stages_are_reported_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let inputs = Inputs::new("en-harbor-battery.html", Language::EnUs, "America/Chicago");
    let recorder = Recorder::default();

    let episode = make_episode(&inputs.order(&out), &recorder).unwrap();

    let stored = check_directory(&out, &episode);
    assert_eq!(
        entries(dir.path()),
        ["episode"],
        "no working directory left"
    );
    let page = std::fs::read_to_string(out.join(files::PAGE)).unwrap();
    assert!(page.contains("<h1>Port Alder switches on giant harbor battery</h1>"));
    assert!(
        page.contains("https://pods.example/norris/1/"),
        "base URL used"
    );
    // 13:05 UTC is 8:05 in Chicago (CDT).
    assert!(page.contains("at 8:05 in the morning"));

    assert_eq!(
        recorder.stages(),
        [
            Event::Started(Stage::Write),
            Event::Finished(Stage::Write),
            Event::Started(Stage::Speak),
            Event::Finished(Stage::Speak),
            Event::Started(Stage::Publish),
            Event::Finished(Stage::Publish),
        ]
    );
    let events = recorder.events();
    let lines = stored.lines.len() as u64;
    let progress: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::Progress(..)))
        .collect();
    assert_eq!(progress.first(), Some(&&Event::Progress(0, lines)));
    assert!(progress.contains(&&Event::Progress(lines, lines)));
    // Progress and status come while speaking, nowhere else.
    let speaking = |e: &Event| {
        let at = events.iter().position(|x| x == e).unwrap();
        let start = events
            .iter()
            .position(|x| *x == Event::Started(Stage::Speak))
            .unwrap();
        let end = events
            .iter()
            .position(|x| *x == Event::Finished(Stage::Speak))
            .unwrap();
        start < at && at < end
    };
    for event in &events {
        if matches!(event, Event::Progress(..) | Event::Status(_)) {
            assert!(speaking(event), "{event:?}");
        }
    }
    assert!(events.contains(&Event::Status("mastering loudness".into())));
    assert!(events.contains(&Event::Status("encoding MP3".into())));
    // The writer's notes follow its stage, as the episode keeps them.
    let notes: Vec<Event> = stored
        .writer
        .notes
        .iter()
        .map(|n| Event::Note(n.clone()))
        .collect();
    let after_write = events
        .iter()
        .position(|e| *e == Event::Finished(Stage::Write))
        .unwrap()
        + 1;
    assert_eq!(events[after_write..after_write + notes.len()], notes[..]);
    assert_eq!(
        events[after_write + notes.len()],
        Event::Started(Stage::Speak)
    );
}

#[test]
fn a_failed_speak_stage_leaves_nothing_behind_and_keeps_the_earlier_episode() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let mut inputs = Inputs::new("en-harbor-battery.html", Language::EnUs, "UTC");
    inputs.voice.voice_b = Some("xx-nowhere".to_string());

    // No earlier episode: no directory at all afterwards.
    let recorder = Recorder::default();
    let err = make_episode(&inputs.order(&out), &recorder).unwrap_err();
    assert_eq!(err.stage(), Some(Stage::Speak), "{err}");
    assert!(
        matches!(&err, PipelineError::Speak(SpeakFailure::Voice(_))),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "the speak stage failed");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert!(
        cause.contains("xx-nowhere"),
        "the cause names the voice: {cause}"
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    assert_eq!(
        recorder.stages(),
        [
            Event::Started(Stage::Write),
            Event::Finished(Stage::Write),
            Event::Started(Stage::Speak),
        ],
        "the failed stage never finishes and nothing follows it"
    );

    // An earlier episode stays as it was.
    let good = Inputs::new("en-harbor-battery.html", Language::EnUs, "UTC");
    let earlier = make_episode(&good.order(&out), &goosepod_pipeline::Silent).unwrap();
    let mp3 = std::fs::read(out.join(files::MP3)).unwrap();
    let err = make_episode(&inputs.order(&out), &goosepod_pipeline::Silent).unwrap_err();
    assert_eq!(err.stage(), Some(Stage::Speak));
    assert_eq!(std::fs::read(out.join(files::MP3)).unwrap(), mp3);
    check_directory(&out, &earlier);
    assert_eq!(entries(dir.path()), ["episode"]);
}

#[test]
fn a_directory_holding_other_files_is_refused_before_any_stage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let inputs = Inputs::new("en-harbor-battery.html", Language::EnUs, "UTC");
    let recorder = Recorder::default();
    let err = make_episode(&inputs.order(dir.path()), &recorder).unwrap_err();
    assert_eq!(err.stage(), None);
    assert!(
        err.to_string()
            .contains("already holds other files (notes.txt)")
    );
    assert!(recorder.events().is_empty());
    assert_eq!(entries(dir.path()), ["notes.txt"]);
}

#[test]
fn a_script_that_cannot_be_written_fails_the_write_stage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let mut inputs = Inputs::new("en-harbor-battery.html", Language::EnUs, "UTC");
    inputs.article.text = "Too short.".to_string();
    let err = make_episode(&inputs.order(&out), &goosepod_pipeline::Silent).unwrap_err();
    assert_eq!(err.stage(), Some(Stage::Write), "{err}");
    assert_eq!(err.to_string(), "the write stage failed");
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn two_episodes_are_made_at_once_on_different_threads() {
    let dir = tempfile::tempdir().unwrap();
    let jobs = [
        (
            Inputs::new("en-harbor-battery.html", Language::EnUs, "America/New_York"),
            dir.path().join("en"),
        ),
        (
            Inputs::new("zh-rail-line.html", Language::ZhCn, "Asia/Shanghai"),
            dir.path().join("zh"),
        ),
    ];
    let made: Vec<(Episode, Vec<Event>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|(inputs, out)| {
                scope.spawn(move || {
                    let recorder = Recorder::default();
                    let episode = make_episode(&inputs.order(out), &recorder).unwrap();
                    (episode, recorder.stages())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((episode, stages), (inputs, out)) in made.iter().zip(&jobs) {
        let stored = check_directory(out, episode);
        assert_eq!(stored.language, inputs.listener.language);
        assert_eq!(stages.last(), Some(&Event::Finished(Stage::Publish)));
    }
    let dirs: Vec<PathBuf> = jobs.iter().map(|(_, out)| out.clone()).collect();
    assert_eq!(entries(dir.path()), ["en", "zh"], "{dirs:?}");
}

/// Every file under `dir`, at any depth.
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| if path.is_dir() { count_files(&path) } else { 1 })
        .sum()
}

#[test]
fn an_opus_episode_replaces_an_mp3_one_and_a_second_listener_reuses_the_spoken_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("episode");
    let cache = dir.path().join("lines");
    let mut inputs = Inputs::new("en-harbor-battery.html", Language::EnUs, "UTC");
    inputs.voice.line_cache = Some(cache.clone());

    let mp3 = make_episode(&inputs.order(&out), &goosepod_pipeline::Silent).unwrap();
    assert_eq!(mp3.audio.as_ref().unwrap().file, files::MP3);
    check_directory(&out, &mp3);
    let spoken_once = count_files(&cache);
    assert!(spoken_once > 0, "the lines are in the cache");

    // The same story for another listener, as Opus, into the same directory.
    inputs.voice.format = AudioFormat::Opus;
    inputs.listener.name = "Ada".to_string();
    let recorder = Recorder::default();
    let opus = make_episode(&inputs.order(&out), &recorder).unwrap();
    let audio = opus.audio.as_ref().unwrap();
    assert_eq!(audio.file, files::OPUS);
    assert_eq!(audio.mime_type, AudioFormat::Opus.mime_type());
    check_directory(&out, &opus);
    assert!(
        !out.join(files::MP3).exists(),
        "the MP3 went with its episode"
    );
    assert!(
        recorder
            .events()
            .contains(&Event::Status("encoding OPUS".into()))
    );
    let ogg = std::fs::read(out.join(files::OPUS)).unwrap();
    assert_eq!(&ogg[..4], b"OggS");
    let page = std::fs::read_to_string(out.join(files::PAGE)).unwrap();
    assert!(page.contains(r#"src="https://pods.example/norris/1/episode.opus""#));
    assert!(!page.contains(files::MP3), "no link to an MP3");

    // Only the lines that name the listener were spoken again.
    let personal = opus.lines.iter().filter(|line| line.personal).count();
    let added = count_files(&cache) - spoken_once;
    assert!(added > 0, "the greeting names Ada");
    assert!(added <= personal, "{added} new lines, {personal} personal");
    assert!(added < opus.lines.len() / 2);
    // And those are short: what follows an address is shared.
    let chars = |personal: bool| -> usize {
        opus.lines
            .iter()
            .filter(|line| line.personal == personal)
            .map(|line| line.text.chars().count())
            .sum()
    };
    assert!(
        chars(true) * 4 < chars(true) + chars(false),
        "{} of {} characters are personal",
        chars(true),
        chars(true) + chars(false)
    );
}
