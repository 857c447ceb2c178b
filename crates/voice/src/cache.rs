//! The line cache: a directory of spoken lines, shared by every episode (and process)
//! that points at it, so a line said the same way for many listeners is spoken once.
//!
//! An entry's key is a SHA-256 over what decides the audio: the engine's identity for
//! the voice ([`crate::SpeechEngine::cache_identity`]: engine, model, speaker, pitch,
//! rate…), the exact normalised text and the sample rate. Its value is the line as
//! the timeline takes it (trimmed, resampled, before levelling and mastering): `f32`
//! little-endian samples after a small header holding the key, rate, length and a CRC-32
//! of the samples.
//!
//! Entries are written to a temporary file beside their place and renamed into it, so
//! a reader never sees half an entry and concurrent writers of one line are harmless
//! (the last rename wins, both wrote the same thing). Every read is verified; an entry
//! that fails (cut short, overwritten, from another format) is reported as
//! [`Lookup::Corrupt`] and the caller speaks the line again and replaces it.
//!
//! A hit marks its entry used (its modification time), so [`LineCache::prune`] can
//! remove what has not been used for a while and keep the cache from growing forever.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Changes whenever the entry layout or what is stored (trimming, resampling) changes,
/// so old entries are never mistaken for new ones.
const VERSION: &[u8] = b"goosepod line cache 1";
/// First bytes of every entry.
const MAGIC: &[u8; 8] = b"GPLINE01";
/// Magic, key, sample rate, sample count, CRC-32.
const HEADER: usize = 8 + 32 + 4 + 8 + 4;

/// Why the cache could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// A directory or entry could not be created or written.
    #[error("line cache {path}: {source}")]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// An entry's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineKey([u8; 32]);

impl LineKey {
    /// The key of `text` spoken by a voice the engine identifies as `identity`, at
    /// `sample_rate`.
    pub fn new(identity: &str, text: &str, sample_rate: u32) -> LineKey {
        let mut hash = Sha256::new();
        for part in [VERSION, identity.as_bytes(), text.as_bytes()] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        hash.update(sample_rate.to_le_bytes());
        LineKey(hash.finalize().into())
    }

    /// Lower-case hexadecimal.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The line's samples.
    Hit(Vec<f32>),
    /// No entry.
    Miss,
    /// An entry that failed its checks, and why.
    Corrupt(String),
}

/// How the cache served one episode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// Lines read from the cache.
    pub hits: usize,
    /// Lines spoken because they were not in the cache (including corrupt entries).
    pub misses: usize,
    /// Of the misses, entries that were there but unusable (spoken again, replaced).
    pub corrupt: usize,
    /// Lines spoken but not stored (a write failed; the episode is unaffected).
    pub unstored: usize,
    /// Lines whose engine cannot say what decides its audio, never cached.
    pub uncacheable: usize,
}

/// A line cache directory.
#[derive(Debug, Clone)]
pub struct LineCache {
    dir: PathBuf,
}

impl LineCache {
    /// Opens (creating it if needed) the cache in `dir`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<LineCache, CacheError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|source| CacheError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(LineCache { dir })
    }

    /// The cache's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where an entry lives: a subdirectory per first byte of the key, so no directory
    /// grows too large.
    pub fn path(&self, key: &LineKey) -> PathBuf {
        let hex = key.hex();
        self.dir.join(&hex[..2]).join(format!("{hex}.pcm"))
    }

    /// Looks a line up. Never fails: an unreadable entry is [`Lookup::Corrupt`].
    pub fn get(&self, key: &LineKey, sample_rate: u32) -> Lookup {
        let path = self.path(key);
        match std::fs::read(&path) {
            Ok(bytes) => match decode(&bytes, key, sample_rate) {
                Ok(samples) => {
                    mark_used(&path);
                    Lookup::Hit(samples)
                }
                Err(reason) => Lookup::Corrupt(format!("{}: {reason}", path.display())),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Lookup::Miss,
            Err(e) => Lookup::Corrupt(format!("{}: {e}", path.display())),
        }
    }

    /// Stores a line, replacing any entry there, atomically.
    pub fn put(&self, key: &LineKey, sample_rate: u32, samples: &[f32]) -> Result<(), CacheError> {
        let path = self.path(key);
        let parent = path.parent().expect("entries live in a subdirectory");
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CacheError::Io { path, source }
        };
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let mut file = tempfile::Builder::new()
            .prefix(".line.")
            .suffix(".part")
            .tempfile_in(parent)
            .map_err(io(parent))?;
        let bytes = encode(key, sample_rate, samples);
        file.write_all(&bytes).map_err(io(file.path()))?;
        file.persist(&path).map_err(|e| CacheError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(())
    }

    /// Removes entries not used (read or written) for `unused_for`, and temporary files
    /// a writer that died left behind. Entries another process uses meanwhile are at
    /// worst spoken again.
    pub fn prune(&self, unused_for: Duration) -> Result<Pruned, CacheError> {
        let now = SystemTime::now();
        let mut pruned = Pruned::default();
        let listing = |dir: &Path| {
            std::fs::read_dir(dir).map_err(|source| CacheError::Io {
                path: dir.to_path_buf(),
                source,
            })
        };
        for shard in listing(&self.dir)?.flatten() {
            if !shard.file_type().is_ok_and(|kind| kind.is_dir()) {
                continue;
            }
            for entry in listing(&shard.path())?.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let (is_entry, is_leftover) = (name.ends_with(".pcm"), name.ends_with(".part"));
                let Ok(meta) = entry.metadata() else { continue };
                let idle = meta
                    .modified()
                    .ok()
                    .and_then(|at| now.duration_since(at).ok())
                    .unwrap_or_default();
                let stale = (is_entry && idle >= unused_for)
                    || (is_leftover && idle >= LEFTOVER_AGE.min(unused_for));
                if stale && std::fs::remove_file(entry.path()).is_ok() {
                    pruned.entries += usize::from(is_entry);
                    pruned.bytes += meta.len();
                }
            }
        }
        Ok(pruned)
    }
}

/// What [`LineCache::prune`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Entries removed.
    pub entries: usize,
    /// Bytes freed (entries and leftover temporary files).
    pub bytes: u64,
}

/// A temporary file this old is a dead writer's, not one being written.
const LEFTOVER_AGE: Duration = Duration::from_secs(60 * 60);

/// Marks an entry used now; a failure only means it may be pruned sooner.
fn mark_used(path: &Path) {
    if let Ok(file) = std::fs::File::options().write(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

fn encode(key: &LineKey, sample_rate: u32, samples: &[f32]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(samples.len() * 4);
    for s in samples {
        payload.extend_from_slice(&s.to_le_bytes());
    }
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&key.0);
    bytes.extend_from_slice(&sample_rate.to_le_bytes());
    bytes.extend_from_slice(&(samples.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    bytes
}

fn decode(bytes: &[u8], key: &LineKey, sample_rate: u32) -> Result<Vec<f32>, String> {
    if bytes.len() < HEADER {
        return Err(format!("{} bytes, shorter than the header", bytes.len()));
    }
    let (header, payload) = bytes.split_at(HEADER);
    if &header[..8] != MAGIC {
        return Err("not a line cache entry of this version".into());
    }
    if header[8..40] != key.0 {
        return Err("the entry holds another line".into());
    }
    let rate = u32::from_le_bytes(header[40..44].try_into().expect("4 bytes"));
    if rate != sample_rate {
        return Err(format!("{rate} Hz, not {sample_rate} Hz"));
    }
    let count = u64::from_le_bytes(header[44..52].try_into().expect("8 bytes"));
    if Some(payload.len() as u64) != count.checked_mul(4) {
        return Err(format!(
            "{} bytes of samples, the header says {count} samples",
            payload.len()
        ));
    }
    let crc = u32::from_le_bytes(header[52..56].try_into().expect("4 bytes"));
    if crc32fast::hash(payload) != crc {
        return Err("the samples do not match their checksum".into());
    }
    Ok(payload
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<f32> {
        (0..1000).map(|i| (i as f32 * 0.01).sin() * 0.5).collect()
    }

    #[test]
    fn keys_change_with_everything_that_decides_the_audio() {
        let key = LineKey::new("espeak-ng en-us", "Hello.", 44_100);
        assert_eq!(key, LineKey::new("espeak-ng en-us", "Hello.", 44_100));
        assert_ne!(key, LineKey::new("espeak-ng en-gb", "Hello.", 44_100));
        assert_ne!(key, LineKey::new("espeak-ng en-us", "Hello!", 44_100));
        assert_ne!(key, LineKey::new("espeak-ng en-us", "Hello.", 48_000));
        // Parts are length-prefixed: moving text between them changes the key.
        assert_ne!(
            LineKey::new("ab", "c", 44_100),
            LineKey::new("a", "bc", 44_100)
        );
        assert_eq!(key.hex().len(), 64);
    }

    #[test]
    fn stores_and_reads_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LineCache::open(dir.path().join("lines")).unwrap();
        let key = LineKey::new("x", "a line", 44_100);
        assert_eq!(cache.get(&key, 44_100), Lookup::Miss);
        cache.put(&key, 44_100, &samples()).unwrap();
        assert_eq!(cache.get(&key, 44_100), Lookup::Hit(samples()));
        assert!(cache.path(&key).starts_with(dir.path().join("lines")));
        // Replacing an entry works, and leaves no temporary files.
        cache.put(&key, 44_100, &samples()[..10]).unwrap();
        assert_eq!(
            cache.get(&key, 44_100),
            Lookup::Hit(samples()[..10].to_vec())
        );
        let names: Vec<_> = std::fs::read_dir(cache.path(&key).parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn damaged_entries_are_reported_not_returned() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LineCache::open(dir.path()).unwrap();
        let key = LineKey::new("x", "a line", 44_100);
        cache.put(&key, 44_100, &samples()).unwrap();
        let path = cache.path(&key);
        let good = std::fs::read(&path).unwrap();
        let corrupt = |bytes: &[u8], why: &str| {
            std::fs::write(&path, bytes).unwrap();
            match cache.get(&key, 44_100) {
                Lookup::Corrupt(reason) => assert!(reason.contains(why), "{reason}"),
                other => panic!("{other:?}"),
            }
        };
        corrupt(&good[..good.len() - 3], "header says 1000 samples");
        corrupt(&good[..20], "shorter than the header");
        let mut flipped = good.clone();
        flipped[HEADER + 100] ^= 0x40;
        corrupt(&flipped, "checksum");
        let mut other = good.clone();
        other[10] ^= 1;
        corrupt(&other, "another line");
        corrupt(
            b"RIFF....WAVEfmt and more than fifty-six bytes of something else",
            "not a line cache entry",
        );
        // The same entry asked for at another rate is not used either.
        std::fs::write(&path, &good).unwrap();
        assert!(matches!(cache.get(&key, 48_000), Lookup::Corrupt(_)));
        assert_eq!(cache.get(&key, 44_100), Lookup::Hit(samples()));
    }

    #[test]
    fn entries_unused_for_a_while_are_pruned_and_used_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LineCache::open(dir.path()).unwrap();
        let (old, used, fresh) = (
            LineKey::new("x", "old", 44_100),
            LineKey::new("x", "used", 44_100),
            LineKey::new("x", "fresh", 44_100),
        );
        for key in [&old, &used, &fresh] {
            cache.put(key, 44_100, &samples()).unwrap();
        }
        let leftover = cache.path(&old).with_file_name(".line.dead.part");
        std::fs::write(&leftover, b"half").unwrap();
        let days_ago = SystemTime::now() - Duration::from_secs(3 * 24 * 3600);
        for path in [cache.path(&old), cache.path(&used), leftover.clone()] {
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(days_ago).unwrap();
        }
        // Reading an entry marks it used.
        assert_eq!(cache.get(&used, 44_100), Lookup::Hit(samples()));

        let pruned = cache.prune(Duration::from_secs(2 * 24 * 3600)).unwrap();
        assert_eq!(pruned.entries, 1);
        assert_eq!(pruned.bytes, (HEADER + 4000 + 4) as u64);
        assert_eq!(cache.get(&old, 44_100), Lookup::Miss);
        assert!(!leftover.exists());
        assert_eq!(cache.get(&used, 44_100), Lookup::Hit(samples()));
        assert_eq!(cache.get(&fresh, 44_100), Lookup::Hit(samples()));
    }

    #[test]
    fn an_unusable_directory_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, b"x").unwrap();
        let err = LineCache::open(&file).unwrap_err().to_string();
        assert!(err.contains("plain-file"), "{err}");
    }
}
