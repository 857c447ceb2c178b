//! Output that is never seen half-made: files written aside and renamed into place, and
//! directories built beside their target and moved there in one rename.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why output could not be written or put in place. Each names the path concerned.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and is a file (or something else that is no directory).
    #[error("{} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// The target directory holds files that are not an earlier result, and would be
    /// lost.
    #[error("{} already holds other files ({name}): give a new or empty directory", .dir.display())]
    Occupied {
        /// The target directory.
        dir: PathBuf,
        /// The first file found that is not replaceable.
        name: String,
    },
    /// The directory a file should go into does not exist.
    #[error("cannot write {}: {} is not a directory", .path.display(), .dir.display())]
    NoParent {
        /// The file.
        path: PathBuf,
        /// Its missing directory.
        dir: PathBuf,
    },
    /// A file system call failed.
    #[error("cannot {action} {}", .path.display())]
    Io {
        /// What was being done: `write`, `create`, `read`, `replace`…
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io {
        action,
        path,
        source,
    }
}

/// Writes `bytes` to a temporary file next to `path`, then renames it into place, so
/// `path` is never half-written.
pub fn write_atomically(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), OutputError> {
    let dir = parent_of(path);
    if !dir.is_dir() {
        return Err(OutputError::NoParent {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    let mut builder = tempfile::Builder::new();
    // Temporary files are private; the result is an ordinary output file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir).map_err(io("write", path))?;
    file.write_all(bytes.as_ref())
        .and_then(|()| file.as_file().sync_all())
        .map_err(io("write", path))?;
    file.persist(path)
        .map_err(|err| io("write", path)(err.error))?;
    Ok(())
}

/// Writes `bytes` to the new file `name` in `dir` (a directory still being built, so
/// nobody sees the file half-written).
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io("write", &path))
}

/// A new directory beside `target`, where a directory is built before it replaces
/// `target` in one rename. It is removed again if dropped before [`install_dir`].
pub fn staging_dir(target: &Path) -> Result<tempfile::TempDir, OutputError> {
    let parent = parent_of(target);
    std::fs::create_dir_all(parent).map_err(io("create", parent))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(parent)
        .map_err(io("create a working directory in", parent))?;
    // Temporary directories are private; the finished one is published.
    #[cfg(unix)]
    std::fs::set_permissions(
        staging.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .map_err(io("set the permissions of", staging.path()))?;
    Ok(staging)
}

/// Puts the finished `staging` directory at `target`. A directory already at `target`
/// is replaced only if it holds nothing but `replaceable` files (an earlier result of
/// the same command), so no one's other files are ever deleted.
pub fn install_dir(
    staging: tempfile::TempDir,
    target: &Path,
    replaceable: &[&str],
) -> Result<(), OutputError> {
    ensure_replaceable(target, replaceable)?;
    let parent = parent_of(target);
    if target.exists() {
        // Swap: the old directory moves into an empty temporary one (rename(2) replaces
        // an empty directory), the new one moves in, the old one is deleted.
        let old = tempfile::Builder::new()
            .prefix(".goosepod-old-")
            .tempdir_in(parent)
            .map_err(io("replace", target))?;
        std::fs::rename(target, old.path()).map_err(io("replace", target))?;
        if let Err(err) = std::fs::rename(staging.path(), target) {
            // Put the old one back; the new one is dropped with `staging`.
            let _ = std::fs::rename(old.path(), target);
            return Err(io("replace", target)(err));
        }
        let _ = staging.keep();
        drop(old);
    } else {
        std::fs::rename(staging.path(), target).map_err(io("create", target))?;
        let _ = staging.keep();
    }
    Ok(())
}

/// Fails when `target` exists and is not a directory holding only `replaceable` files.
pub fn ensure_replaceable(target: &Path, replaceable: &[&str]) -> Result<(), OutputError> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(OutputError::NotADirectory(target.to_path_buf()));
    }
    for entry in std::fs::read_dir(target).map_err(io("read", target))? {
        let name = entry.map_err(io("read", target))?.file_name();
        if !replaceable.iter().any(|known| name == *known) {
            return Err(OutputError::Occupied {
                dir: target.to_path_buf(),
                name: name.to_string_lossy().into_owned(),
            });
        }
    }
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &[&str] = &["a.txt", "b.txt"];

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_written_whole_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["out.json"]);
    }

    #[test]
    fn a_file_in_a_missing_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.json");
        let err = write_atomically(&path, b"x").unwrap_err();
        assert!(matches!(err, OutputError::NoParent { .. }), "{err}");
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn a_built_directory_appears_and_replaces_an_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("episode");
        let mut before = None;
        for text in ["one", "two"] {
            let staging = staging_dir(&target).unwrap();
            write_file(staging.path(), "a.txt", text.as_bytes()).unwrap();
            // Until installed, the target shows the earlier result (or nothing).
            assert_eq!(std::fs::read_to_string(target.join("a.txt")).ok(), before);
            install_dir(staging, &target, OURS).unwrap();
            assert_eq!(std::fs::read_to_string(target.join("a.txt")).unwrap(), text);
            before = Some(text.to_string());
        }
        assert_eq!(names(dir.path()), ["episode"]);
    }

    #[test]
    fn a_dropped_staging_directory_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let staging = staging_dir(&dir.path().join("episode")).unwrap();
        assert!(staging.path().is_dir());
        drop(staging);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn other_files_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("episode");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("a.txt"), "old").unwrap();
        std::fs::write(target.join("mine.txt"), "keep").unwrap();
        let staging = staging_dir(&target).unwrap();
        let err = install_dir(staging, &target, OURS).unwrap_err();
        assert!(
            matches!(&err, OutputError::Occupied { name, .. } if name == "mine.txt"),
            "{err}"
        );
        assert_eq!(names(&target), ["a.txt", "mine.txt"]);
        assert_eq!(names(dir.path()), ["episode"]);

        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            ensure_replaceable(&file, OURS),
            Err(OutputError::NotADirectory(_))
        ));
        assert!(ensure_replaceable(&dir.path().join("new"), OURS).is_ok());
    }
}
