//! The line cache with real espeak-ng speech: a second run reads every line instead of
//! speaking it and makes the same file; one changed line is the only one spoken again; a
//! damaged entry is spoken again and replaced; two episodes at once share one cache.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::fixtures;
use goosepod_voice::{
    CacheStats, EngineError, EspeakEngine, LineCache, Speech, SpeechEngine, SpeechScript,
    SpokenEpisode, VoiceConfig, VoiceSpec, speak, speak_with,
};

/// espeak-ng, counting the lines it is asked to speak, and (when `jitter` is set)
/// adding a tiny, different offset to every line it speaks, like an engine whose output
/// varies run to run (Piper's noise).
struct Counting {
    inner: EspeakEngine,
    calls: AtomicUsize,
    jitter: bool,
}

impl Counting {
    fn new(jitter: bool) -> Counting {
        Counting {
            inner: EspeakEngine::new().unwrap(),
            calls: AtomicUsize::new(0),
            jitter,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl SpeechEngine for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }

    fn check_voice(&self, voice: &VoiceSpec) -> Result<(), EngineError> {
        self.inner.check_voice(voice)
    }

    fn synthesize(&self, text: &str, voice: &VoiceSpec) -> Result<Speech, EngineError> {
        static SEQUENCE: AtomicUsize = AtomicUsize::new(1);
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut speech = self.inner.synthesize(text, voice)?;
        if self.jitter {
            let offset = SEQUENCE.fetch_add(1, Ordering::SeqCst) as f32 * 1e-4;
            speech.samples.iter_mut().for_each(|s| *s += offset);
        }
        Ok(speech)
    }

    fn cache_identity(&self, voice: &VoiceSpec) -> Option<String> {
        self.inner.cache_identity(voice)
    }
}

fn config(cache: &Path) -> VoiceConfig {
    VoiceConfig {
        line_cache: Some(cache.to_path_buf()),
        ..VoiceConfig::default()
    }
}

fn run(
    engine: &Counting,
    script: &SpeechScript,
    config: &VoiceConfig,
    out: &Path,
) -> (SpokenEpisode, Vec<u8>) {
    let spoken = speak_with(engine, script, config, out, &|_| {}).expect("speaks");
    let mp3 = std::fs::read(out.join("episode.mp3")).unwrap();
    (spoken, mp3)
}

fn stats(spoken: &SpokenEpisode) -> CacheStats {
    spoken.line_cache.expect("cache statistics with a cache")
}

fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for sub in std::fs::read_dir(dir).unwrap() {
        let sub = sub.unwrap().path();
        if sub.is_dir() {
            for entry in std::fs::read_dir(&sub).unwrap() {
                found.push(entry.unwrap().path());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_second_run_reads_every_line_and_makes_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("lines");
    let script = fixtures::en_short(6);
    let n = script.lines.len();
    // An engine whose output differs every time: only the cache makes runs agree.
    let engine = Counting::new(true);

    let (first, first_mp3) = run(&engine, &script, &config(&cache), &dir.path().join("a"));
    assert_eq!(engine.calls(), n);
    assert_eq!(
        stats(&first),
        CacheStats {
            misses: n,
            ..CacheStats::default()
        }
    );
    assert_eq!(entries(&cache).len(), n);

    let (second, second_mp3) = run(&engine, &script, &config(&cache), &dir.path().join("b"));
    assert_eq!(engine.calls(), n, "no line spoken again");
    assert_eq!(
        stats(&second),
        CacheStats {
            hits: n,
            ..CacheStats::default()
        }
    );
    assert!(first_mp3 == second_mp3, "the same MP3, byte for byte");
    assert_eq!(first.lines, second.lines);

    // Without the cache the same engine makes a different file: the check above can fail.
    let (uncached, uncached_mp3) = run(
        &engine,
        &script,
        &VoiceConfig::default(),
        &dir.path().join("c"),
    );
    assert_eq!(uncached.line_cache, None);
    assert!(uncached_mp3 != first_mp3);
}

#[test]
fn a_changed_line_is_the_only_one_spoken_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("lines");
    let script = fixtures::en_short(6);
    let n = script.lines.len();
    let engine = Counting::new(false);
    run(&engine, &script, &config(&cache), &dir.path().join("a"));

    let mut changed = script.clone();
    changed.lines[0].text = "Good evening, Norris, and welcome back.".into();
    let (spoken, _) = run(&engine, &changed, &config(&cache), &dir.path().join("b"));
    assert_eq!(engine.calls(), n + 1);
    assert_eq!(
        stats(&spoken),
        CacheStats {
            hits: n - 1,
            misses: 1,
            ..CacheStats::default()
        }
    );
    // Another voice for one host misses that host's lines only.
    let mut config_b = config(&cache);
    config_b.voices = Some([
        goosepod_voice::default_voices(goosepod_voice::Language::En)[0].clone(),
        VoiceSpec::named("en-us+f4"),
    ]);
    let (spoken, _) = run(&engine, &script, &config_b, &dir.path().join("c"));
    let b_lines = script
        .lines
        .iter()
        .filter(|l| l.speaker == goosepod_voice::Speaker::B)
        .count();
    assert_eq!(stats(&spoken).misses, b_lines);
    assert_eq!(stats(&spoken).hits, n - b_lines);
}

#[test]
fn a_damaged_entry_is_spoken_again_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("lines");
    let script = fixtures::en_short(5);
    let n = script.lines.len();
    let engine = Counting::new(false);
    run(&engine, &script, &config(&cache), &dir.path().join("a"));

    let files = entries(&cache);
    // One entry cut short, one overwritten with garbage.
    let cut = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &cut[..cut.len() / 2]).unwrap();
    std::fs::write(&files[1], b"not audio").unwrap();

    let (spoken, mp3) = run(&engine, &script, &config(&cache), &dir.path().join("b"));
    assert_eq!(
        stats(&spoken),
        CacheStats {
            hits: n - 2,
            misses: 2,
            corrupt: 2,
            ..CacheStats::default()
        }
    );
    assert_eq!(engine.calls(), n + 2);
    assert!(!mp3.is_empty());
    // Both entries were rewritten whole: the next run reads everything.
    assert!(std::fs::metadata(&files[0]).unwrap().len() > cut.len() as u64 / 2);
    let (spoken, _) = run(&engine, &script, &config(&cache), &dir.path().join("c"));
    assert_eq!(stats(&spoken).hits, n);
    assert_eq!(engine.calls(), n + 2);
}

#[test]
fn two_episodes_at_once_share_one_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("lines");
    let scripts = [fixtures::en_short(7), fixtures::en_short(5)];
    let results: Vec<SpokenEpisode> = std::thread::scope(|scope| {
        let handles: Vec<_> = scripts
            .iter()
            .enumerate()
            .map(|(i, script)| {
                let config = config(&cache);
                let out = dir.path().join(format!("out{i}"));
                scope.spawn(move || speak(script, &config, &out, &|_| {}).expect("speaks"))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (spoken, script) in results.iter().zip(&scripts) {
        let s = stats(spoken);
        assert_eq!(s.hits + s.misses, script.lines.len(), "{s:?}");
        assert_eq!((s.corrupt, s.unstored), (0, 0), "{s:?}");
    }
    // The five shared lines and two more, each stored once and whole.
    assert_eq!(entries(&cache).len(), 7);
    assert!(
        entries(&cache)
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "pcm"))
    );
    let again = speak(
        &scripts[0],
        &config(&cache),
        &dir.path().join("again"),
        &|_| {},
    )
    .unwrap();
    assert_eq!(stats(&again).hits, 7);
    // The library's own view agrees.
    let opened = LineCache::open(&cache).unwrap();
    assert_eq!(opened.dir(), cache);
}
