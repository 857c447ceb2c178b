//! What sharing a story saves: N listeners (same language and host pair, different names
//! and time zones) each get an episode of each of S stories, made twice, interleaved:
//!
//! - **unshared**: [`goosepod_pipeline::make_episode`] as it is, every line spoken for
//!   every listener;
//! - **shared**: the same stages, but the story's body is written once
//!   ([`goosepod_write::write_body`], then only [`goosepod_write::personalise`] per
//!   listener) and every line goes through one line cache ([`VoiceConfig::line_cache`]),
//!   so the story's first listener is *cold* (its lines are spoken and stored) and the
//!   others are *warm* (only their personal lines are spoken).
//!
//! It prints the time per episode and per stage, the lines spoken and reused, the share of
//! lines that differ between listeners, the share of warm time spent on what is made per
//! listener anyway (mastering, encoding, files, page), and the totals extrapolated to
//! `--for` listeners × stories:
//!
//! ```text
//! unshared = N·S·t_u          shared = S·t_c + S·(N−1)·t_w
//! lines spoken: unshared N·S·L, shared S·L + S·(N−1)·m
//! ```
//!
//! with `t_u`, `t_c`, `t_w` the mean unshared, cold and warm episode times, `L` the mean
//! lines per episode and `m` the mean lines a warm episode speaks.
//!
//! ```sh
//! cargo run --release -p goosepod-pipeline --example shared_stories -- [LISTENERS] [STORIES] [ENGINE] [MINUTES] [FOR_LISTENERS] [FOR_STORIES]
//! ```
//!
//! Defaults: 3 listeners, 2 stories, `espeak`, 5 minutes, extrapolated to 100 × 10.
//! `ENGINE` is `espeak` or `piper` (the voice of `$GOOSEPOD_PIPER_VOICE`, the runtime of
//! `$ORT_DYLIB_PATH`, as `scripts/env.sh` exports them). The stories are the English
//! article pages bundled with the workspace (at most 3).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use goosepod_core::episode::files;
use goosepod_core::{Article, Episode, HostPair, Language, Listener};
use goosepod_pipeline::{Observer, Order, ScriptWriter, Stage, VoiceChoice, make_episode, output};
use goosepod_publish::{COVER_SIZE, PageOptions, TAG_COVER_SIZE};
use goosepod_voice::episode::{record_in_episode, script_from_episode};
use goosepod_voice::{CacheStats, CoverArt, EngineKind, PiperConfig, Progress, VoiceConfig};
use goosepod_write::Body;
use jiff::Timestamp;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// English article pages bundled with the workspace, relative to this crate.
const STORIES: [&str; 3] = [
    "../../samples/en-harbor-battery.html",
    "../server/tests/fixtures/en-bridge-repair.html",
    "../server/tests/fixtures/en-library-hours.html",
];

/// Listeners' names and time zones: everyone's greeting differs.
const LISTENERS: [(&str, &str); 8] = [
    ("Norris", "America/New_York"),
    ("Ada", "Europe/London"),
    ("Mateo", "America/Los_Angeles"),
    ("Priya", "Asia/Kolkata"),
    ("Kofi", "Africa/Accra"),
    ("Ingrid", "Europe/Oslo"),
    ("Wen", "Asia/Tokyo"),
    ("Lucia", "America/Sao_Paulo"),
];

/// When every episode is made.
const AT: &str = "2026-03-12T13:05:00Z";

fn main() {
    if let Err(err) = run() {
        eprintln!("shared_stories: {err}");
        let mut source = err.source();
        while let Some(cause) = source {
            eprintln!("  caused by: {cause}");
            source = cause.source();
        }
        std::process::exit(1);
    }
}

struct Args {
    listeners: usize,
    stories: usize,
    engine: EngineKind,
    minutes: f64,
    for_listeners: usize,
    for_stories: usize,
}

fn args() -> Result<Args, Failure> {
    let arg = |n: usize| std::env::args().nth(n);
    let number = |n: usize, default: usize| -> Result<usize, Failure> {
        arg(n).map_or(Ok(default), |s| {
            s.parse()
                .map_err(|_| format!("argument {n}: {s:?} is not a count").into())
        })
    };
    let args = Args {
        listeners: number(1, 3)?,
        stories: number(2, 2)?,
        engine: match arg(3).as_deref().unwrap_or("espeak") {
            "espeak" => EngineKind::Espeak,
            "piper" => EngineKind::Piper,
            other => return Err(format!("unknown engine {other:?} (espeak or piper)").into()),
        },
        minutes: arg(4).map_or(Ok(5.0), |s| {
            s.parse::<f64>()
                .map_err(|_| format!("minutes: {s:?} is not a number"))
        })?,
        for_listeners: number(5, 100)?,
        for_stories: number(6, 10)?,
    };
    if !(2..=LISTENERS.len()).contains(&args.listeners) {
        return Err(format!(
            "listeners: 2 to {} (got {})",
            LISTENERS.len(),
            args.listeners
        )
        .into());
    }
    if !(1..=STORIES.len()).contains(&args.stories) {
        return Err(format!("stories: 1 to {} (got {})", STORIES.len(), args.stories).into());
    }
    Ok(args)
}

fn run() -> Result<(), Failure> {
    let args = args()?;
    let at: Timestamp = AT.parse()?;
    let hosts = HostPair::builtin_for(Language::EnUs).clone();
    let articles = STORIES[..args.stories]
        .iter()
        .map(|path| article(path))
        .collect::<Result<Vec<_>, _>>()?;
    let listeners: Vec<Listener> = LISTENERS[..args.listeners]
        .iter()
        .map(|(name, zone)| {
            let mut listener = Listener::for_language(Language::EnUs);
            listener.name = (*name).to_string();
            listener.timezone = (*zone).to_string();
            listener.minutes = args.minutes;
            listener.host_pair = hosts.id.clone();
            listener
        })
        .collect();
    let mut voice = VoiceChoice {
        engine: args.engine,
        ..VoiceChoice::default()
    };
    if args.engine == EngineKind::Piper {
        voice.piper = PiperConfig {
            voice: std::env::var("GOOSEPOD_PIPER_VOICE").ok(),
            ..PiperConfig::default()
        };
    }
    let start_up = engine_start_up(&voice)?;
    let work = tempfile::tempdir()?;
    let cache = work.path().join("line-cache");
    let engine = match args.engine {
        EngineKind::Piper => "piper",
        _ => "espeak",
    };
    println!(
        "{engine}: {} listeners x {} stories, {} min, en-US, host pair {}",
        args.listeners, args.stories, args.minutes, hosts.id
    );
    println!(
        "{:<7} {:<8} {:<7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>7} {:>8}",
        "story",
        "listener",
        "run",
        "total s",
        "write",
        "lines",
        "master",
        "files",
        "publish",
        "lines",
        "spoken",
        "personal"
    );

    let mut made: Vec<Made> = Vec::new();
    for (s, article) in articles.iter().enumerate() {
        let mut body: Option<Body> = None;
        for (l, listener) in listeners.iter().enumerate() {
            let setting = Setting {
                article,
                listener,
                hosts: &hosts,
                at,
                voice: &voice,
            };
            let unshared = unshared(&setting, &work.path().join(format!("u-{s}-{l}")))?;
            report(s, l, &unshared);
            made.push(unshared.with(s, l));
            let shared = shared(
                &setting,
                &mut body,
                &cache,
                &work.path().join(format!("s-{s}-{l}")),
            )?;
            report(s, l, &shared);
            made.push(shared.with(s, l));
        }
    }
    summarise(&args, &made, &cache, start_up)
}

/// What every episode pays before its first line, as `goosepod_voice::speak` starts its
/// engine for each episode: the engine started and its voice loaded (the first line's
/// time less the second's).
fn engine_start_up(voice: &VoiceChoice) -> Result<f64, Failure> {
    let config = VoiceConfig {
        engine: voice.engine,
        piper: voice.piper.clone(),
        ..VoiceConfig::default()
    };
    let [host, _] = voice
        .engine
        .default_voices(&config, goosepod_voice::Language::En);
    let started = Instant::now();
    let engine = voice.engine.start(&config)?;
    engine.synthesize("Good morning.", &host)?;
    let first = started.elapsed().as_secs_f64();
    let again = Instant::now();
    engine.synthesize("Good morning.", &host)?;
    Ok((first - again.elapsed().as_secs_f64()).max(0.0))
}

/// The article of a bundled page, extracted as the service extracts it.
fn article(relative: &str) -> Result<Article, Failure> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    goosepod_ingest::extract(&bytes, None, Some("text/html"))
        .map_err(|e| format!("{}: {e}", path.display()).into())
}

/// One listener's episode of one story.
struct Setting<'a> {
    article: &'a Article,
    listener: &'a Listener,
    hosts: &'a HostPair,
    at: Timestamp,
    voice: &'a VoiceChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Unshared,
    Cold,
    Warm,
}

impl Run {
    fn name(self) -> &'static str {
        match self {
            Run::Unshared => "unshared",
            Run::Cold => "cold",
            Run::Warm => "warm",
        }
    }
}

/// What one episode took.
struct Made {
    run: Run,
    story: usize,
    listener: usize,
    times: StageTimes,
    /// Lines spoken by the engine (every line, without a cache).
    spoken: usize,
    /// Lines read from the cache.
    reused: usize,
    /// The spoken text of every line.
    texts: Vec<String>,
    /// Lines the writer marks as personal (greeting, farewell, the listener's name).
    personal: usize,
    audio_s: f64,
}

impl Made {
    fn with(mut self, story: usize, listener: usize) -> Made {
        self.story = story;
        self.listener = listener;
        self
    }
}

/// Seconds spent per part of making an episode.
#[derive(Debug, Default, Clone, Copy)]
struct StageTimes {
    total: f64,
    /// Writing the script (or only personalising the shared body).
    write: f64,
    /// Speaking the lines (or reading them from the cache), the timeline.
    lines: f64,
    /// Mastering loudness and encoding (checked by decoding).
    master: f64,
    /// Transcripts, chapters, the audio file written.
    files: f64,
    /// The page, cover and `episode.json`, the directory moved into place.
    publish: f64,
}

/// Records when each stage and voice step began, as the pipeline reports them.
struct StageClock {
    marks: Mutex<Vec<(Mark, Instant)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Start(Stage),
    End(Stage),
    Mastering,
    Writing,
}

impl StageClock {
    fn new() -> StageClock {
        StageClock {
            marks: Mutex::new(Vec::new()),
        }
    }

    fn mark(&self, mark: Mark) {
        self.marks
            .lock()
            .expect("marks")
            .push((mark, Instant::now()));
    }

    /// The first time `mark` was reported.
    fn first(&self, mark: Mark) -> Result<Instant, Failure> {
        self.marks
            .lock()
            .expect("marks")
            .iter()
            .find(|(m, _)| *m == mark)
            .map(|(_, at)| *at)
            .ok_or_else(|| format!("the pipeline never reported {mark:?}").into())
    }

    fn times(&self, started: Instant, ended: Instant) -> Result<StageTimes, Failure> {
        let span = |from: Instant, to: Instant| to.saturating_duration_since(from).as_secs_f64();
        let mastering = self.first(Mark::Mastering)?;
        let writing = self.first(Mark::Writing)?;
        Ok(StageTimes {
            total: span(started, ended),
            write: span(
                self.first(Mark::Start(Stage::Write))?,
                self.first(Mark::End(Stage::Write))?,
            ),
            lines: span(self.first(Mark::Start(Stage::Speak))?, mastering),
            master: span(mastering, writing),
            files: span(writing, self.first(Mark::End(Stage::Speak))?),
            publish: span(
                self.first(Mark::Start(Stage::Publish))?,
                self.first(Mark::End(Stage::Publish))?,
            ),
        })
    }
}

impl Observer for StageClock {
    fn stage(&self, stage: Stage) {
        self.mark(Mark::Start(stage));
    }

    fn finished(&self, stage: Stage) {
        self.mark(Mark::End(stage));
    }

    fn status(&self, message: &str) {
        // make_episode's words for the voice stage's steps.
        if message.starts_with("mastering") {
            self.mark(Mark::Mastering);
        } else if message.starts_with("writing") {
            self.mark(Mark::Writing);
        }
    }
}

/// The episode as the pipeline makes it today.
fn unshared(setting: &Setting<'_>, out_dir: &Path) -> Result<Made, Failure> {
    let clock = StageClock::new();
    let writer = ScriptWriter::Offline;
    let started = Instant::now();
    let episode = make_episode(
        &Order {
            article: setting.article,
            listener: setting.listener,
            hosts: setting.hosts,
            at: setting.at,
            writer: &writer,
            voice: setting.voice,
            base_url: None,
            out_dir,
        },
        &clock,
    )?;
    let times = clock.times(started, Instant::now())?;
    let texts = spoken_texts(&episode, setting.hosts);
    Ok(Made {
        run: Run::Unshared,
        story: 0,
        listener: 0,
        times,
        spoken: texts.iter().filter(|t| !t.is_empty()).count(),
        reused: 0,
        personal: episode.lines.iter().filter(|l| l.personal).count(),
        audio_s: episode.audio.as_ref().map_or(0.0, |a| a.duration_s),
        texts,
    })
}

/// The same stages as [`make_episode`], with the story's body written once (`body`
/// holds it after the story's first listener) and the lines through the line cache.
fn shared(
    setting: &Setting<'_>,
    body: &mut Option<Body>,
    cache: &Path,
    out_dir: &Path,
) -> Result<Made, Failure> {
    let clock = StageClock::new();
    let run = if body.is_some() { Run::Warm } else { Run::Cold };
    let started = Instant::now();
    output::ensure_replaceable(out_dir, files::ALL)?;

    clock.stage(Stage::Write);
    let story = match body {
        Some(body) => body,
        None => body.insert(goosepod_write::write_body(
            setting.article,
            setting.listener.language,
            setting.hosts,
            setting.listener.minutes,
        )?),
    };
    let mut episode = goosepod_write::personalise(story, setting.listener, setting.at)?;
    episode.validate()?;
    clock.finished(Stage::Write);

    clock.stage(Stage::Speak);
    let staging = output::staging_dir(out_dir)?;
    let mut script = script_from_episode(&episode, &setting.hosts.show);
    let mut config = setting.voice.config_for(&mut script)?;
    config.line_cache = Some(cache.to_path_buf());
    let cover = goosepod_publish::cover_png(&episode.title, TAG_COVER_SIZE)?;
    config.cover = Some(CoverArt::from_bytes(cover)?);
    let spoken = goosepod_voice::speak(
        &script,
        &config,
        staging.path(),
        &|progress| match progress {
            Progress::Mastering => clock.status("mastering loudness"),
            Progress::Writing => clock.status("writing audio files"),
            Progress::Speaking { .. } | Progress::Encoding => {}
        },
    )?;
    record_in_episode(&mut episode, &spoken);
    clock.finished(Stage::Speak);

    clock.stage(Stage::Publish);
    let page = goosepod_publish::render_page(
        &episode,
        &PageOptions {
            show: &setting.hosts.show,
            base_url: None,
        },
    )?;
    output::write_file(staging.path(), files::PAGE, page.as_bytes())?;
    let cover = goosepod_publish::cover_png(&episode.title, COVER_SIZE)?;
    output::write_file(staging.path(), files::COVER, &cover)?;
    let json = episode.to_json_pretty() + "\n";
    output::write_file(staging.path(), files::EPISODE_JSON, json.as_bytes())?;
    output::install_dir(staging, out_dir, files::ALL)?;
    clock.finished(Stage::Publish);

    let times = clock.times(started, Instant::now())?;
    let stats: CacheStats = spoken.line_cache.ok_or("the line cache was not used")?;
    if stats.unstored > 0 || stats.uncacheable > 0 || stats.corrupt > 0 {
        return Err(format!("the line cache did not work as expected: {stats:?}").into());
    }
    Ok(Made {
        run,
        story: 0,
        listener: 0,
        times,
        spoken: stats.misses,
        reused: stats.hits,
        personal: episode.lines.iter().filter(|l| l.personal).count(),
        audio_s: spoken.audio.duration_s,
        texts: spoken_texts(&episode, setting.hosts),
    })
}

/// What each line of `episode` says, as the voice stage is given it.
fn spoken_texts(episode: &Episode, hosts: &HostPair) -> Vec<String> {
    script_from_episode(episode, &hosts.show)
        .lines
        .into_iter()
        .map(|line| line.text)
        .collect()
}

fn report(story: usize, listener: usize, made: &Made) {
    let t = made.times;
    println!(
        "{:<7} {:<8} {:<7} {:>7.2} {:>7.3} {:>7.2} {:>7.2} {:>7.3} {:>7.3} {:>6} {:>7} {:>8}",
        story + 1,
        LISTENERS[listener].0,
        made.run.name(),
        t.total,
        t.write,
        t.lines,
        t.master,
        t.files,
        t.publish,
        made.texts.len(),
        made.spoken,
        made.personal,
    );
}

fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

fn summarise(args: &Args, made: &[Made], cache: &Path, start_up: f64) -> Result<(), Failure> {
    let of = |run: Run| made.iter().filter(move |m| m.run == run);
    let time = |run: Run| mean(of(run).map(|m| m.times.total));
    let (t_u, t_c, t_w) = (time(Run::Unshared), time(Run::Cold), time(Run::Warm));
    let lines = mean(of(Run::Unshared).map(|m| m.texts.len() as f64));
    let warm_spoken = mean(of(Run::Warm).map(|m| m.spoken as f64));
    let cold_spoken = mean(of(Run::Cold).map(|m| m.spoken as f64));
    let audio = mean(of(Run::Unshared).map(|m| m.audio_s));

    // Lines that differ between the listeners of a story.
    let mut by_story: BTreeMap<usize, Vec<&Made>> = BTreeMap::new();
    for m in of(Run::Warm).chain(of(Run::Cold)) {
        by_story.entry(m.story).or_default().push(m);
    }
    let mut differing = Vec::new();
    for episodes in by_story.values() {
        let common: HashSet<&str> = episodes
            .iter()
            .map(|m| m.texts.iter().map(String::as_str).collect::<HashSet<_>>())
            .reduce(|a, b| a.intersection(&b).copied().collect())
            .unwrap_or_default();
        for m in episodes {
            let own: Vec<&String> = m
                .texts
                .iter()
                .filter(|t| !common.contains(t.as_str()))
                .collect();
            let chars = |texts: &mut dyn Iterator<Item = &String>| {
                texts.map(|t| t.chars().count()).sum::<usize>() as f64
            };
            differing.push([
                own.len() as f64,
                m.texts.len() as f64,
                chars(&mut own.iter().copied()),
                chars(&mut m.texts.iter()),
            ]);
        }
    }
    let total = |i: usize| differing.iter().map(|d| d[i]).sum::<f64>().max(1.0);
    let personal_share = total(0) / total(1);
    let personal_chars = total(2) / total(3);
    let flagged = mean(of(Run::Unshared).map(|m| m.personal as f64));

    let stage_mean = |run: Run, part: fn(&StageTimes) -> f64| mean(of(run).map(|m| part(&m.times)));
    println!();
    println!(
        "{:<9} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}   (mean seconds per episode; audio {audio:.1} s)",
        "run", "total", "write", "lines", "master", "files", "publish"
    );
    for run in [Run::Unshared, Run::Cold, Run::Warm] {
        println!(
            "{:<9} {:>7.2} {:>7.3} {:>7.2} {:>7.2} {:>7.3} {:>7.3}",
            run.name(),
            stage_mean(run, |t| t.total),
            stage_mean(run, |t| t.write),
            stage_mean(run, |t| t.lines),
            stage_mean(run, |t| t.master),
            stage_mean(run, |t| t.files),
            stage_mean(run, |t| t.publish),
        );
    }
    let after = stage_mean(Run::Warm, |t| t.master + t.files + t.publish);
    println!();
    println!(
        "lines per episode {lines:.1}; differing between listeners {:.1} ({:.1} % of lines, {:.1} % of characters); marked personal by the writer {flagged:.1}",
        personal_share * lines,
        100.0 * personal_share,
        100.0 * personal_chars,
    );
    println!(
        "engine start-up paid by every episode (engine started, voice loaded): {start_up:.2} s"
    );
    println!(
        "lines spoken: unshared {lines:.1}, cold {cold_spoken:.1}, warm {warm_spoken:.1} (reused {:.1})",
        mean(of(Run::Warm).map(|m| m.reused as f64))
    );
    println!(
        "warm episode: {:.2} s, of which mastering+encoding {:.2} s ({:.0} %), files+page {:.2} s ({:.0} %), lines {:.2} s ({:.0} %), write {:.3} s",
        t_w,
        stage_mean(Run::Warm, |t| t.master),
        100.0 * stage_mean(Run::Warm, |t| t.master) / t_w,
        stage_mean(Run::Warm, |t| t.files + t.publish),
        100.0 * stage_mean(Run::Warm, |t| t.files + t.publish) / t_w,
        stage_mean(Run::Warm, |t| t.lines),
        100.0 * stage_mean(Run::Warm, |t| t.lines) / t_w,
        stage_mean(Run::Warm, |t| t.write),
    );
    println!(
        "made per listener whatever is shared (mastering, encoding, files, page): {after:.2} s = {:.0} % of a warm episode",
        100.0 * after / t_w
    );
    println!(
        "warm vs unshared: {:.2}x faster; cold vs unshared {:.2}",
        t_u / t_w,
        t_c / t_u
    );

    let cache_bytes = dir_size(cache)?;
    let scenarios = [
        (args.listeners, args.stories, "measured"),
        (args.for_listeners, args.for_stories, "extrapolated"),
    ];
    println!();
    println!("unshared = N*S*t_u; shared = S*t_c + S*(N-1)*t_w; lines: N*S*L vs S*L + S*(N-1)*m");
    println!("  t_u {t_u:.2} s, t_c {t_c:.2} s, t_w {t_w:.2} s, L {lines:.1}, m {warm_spoken:.1}");
    for (n, s, what) in scenarios {
        let (n_f, s_f) = (n as f64, s as f64);
        let unshared = n_f * s_f * t_u;
        let shared = s_f * t_c + s_f * (n_f - 1.0) * t_w;
        let lines_unshared = n_f * s_f * lines;
        let lines_shared = s_f * lines + s_f * (n_f - 1.0) * warm_spoken;
        println!(
            "{n:>4} listeners x {s:>2} stories ({what}): unshared {}, shared {}: saves {:.0} % of the time ({:.2}x); lines spoken {lines_unshared:.0} vs {lines_shared:.0} (saves {:.0} %)",
            human(unshared),
            human(shared),
            100.0 * (1.0 - shared / unshared),
            unshared / shared,
            100.0 * (1.0 - lines_shared / lines_unshared),
        );
    }
    let measured_lines = made
        .iter()
        .filter(|m| m.run != Run::Unshared)
        .map(|m| m.spoken)
        .sum::<usize>()
        .max(1);
    let per_line = cache_bytes as f64 / measured_lines as f64;
    let for_lines = args.for_stories as f64 * lines
        + args.for_stories as f64 * (args.for_listeners as f64 - 1.0) * warm_spoken;
    println!(
        "line cache: {:.1} MiB for {measured_lines} lines ({:.0} KiB a line); {} x {} would store {:.0} MiB (personal lines included)",
        cache_bytes as f64 / 1048576.0,
        per_line / 1024.0,
        args.for_listeners,
        args.for_stories,
        for_lines * per_line / 1048576.0,
    );
    Ok(())
}

fn human(seconds: f64) -> String {
    let d = Duration::from_secs_f64(seconds.max(0.0));
    if d.as_secs() >= 3600 {
        format!("{:.2} h", seconds / 3600.0)
    } else if d.as_secs() >= 120 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{seconds:.1} s")
    }
}

fn dir_size(dir: &Path) -> Result<u64, Failure> {
    let mut total = 0;
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else {
                total += entry.metadata()?.len();
            }
        }
    }
    Ok(total)
}
