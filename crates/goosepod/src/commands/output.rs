//! Writing command output without ever leaving a half-written file behind.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Writes `text` to a temporary file next to `path`, then renames it into place, so
/// `path` is never half-written.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: {} is not a directory",
            path.display(),
            dir.display()
        );
    }
    let mut builder = tempfile::Builder::new();
    // Temporary files are private; the result is an ordinary output file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A new directory beside `target`, where a directory is built before it replaces
/// `target` in one rename. It is removed again if dropped before [`install_dir`].
pub fn staging_dir(target: &Path) -> Result<tempfile::TempDir> {
    let parent = parent_of(target);
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a working directory in {}", parent.display()))?;
    // Temporary directories are private; the finished one is published.
    #[cfg(unix)]
    std::fs::set_permissions(
        staging.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .with_context(|| format!("cannot set permissions of {}", staging.path().display()))?;
    Ok(staging)
}

/// Puts the finished `staging` directory at `target`. A directory already at `target`
/// is replaced only if it holds nothing but `replaceable` files (an earlier result of
/// the same command), so no one's other files are ever deleted.
pub fn install_dir(staging: tempfile::TempDir, target: &Path, replaceable: &[&str]) -> Result<()> {
    ensure_replaceable(target, replaceable)?;
    let parent = parent_of(target);
    if target.exists() {
        // Swap: the old directory moves into an empty temporary one (rename(2) replaces
        // an empty directory), the new one moves in, the old one is deleted.
        let old = tempfile::Builder::new()
            .prefix(".goosepod-old-")
            .tempdir_in(parent)
            .with_context(|| format!("cannot replace {}", target.display()))?;
        std::fs::rename(target, old.path())
            .with_context(|| format!("cannot replace {}", target.display()))?;
        if let Err(err) = std::fs::rename(staging.path(), target) {
            // Put the old one back; the new one is dropped with `staging`.
            let _ = std::fs::rename(old.path(), target);
            return Err(err).with_context(|| format!("cannot replace {}", target.display()));
        }
        let _ = staging.keep();
        drop(old);
    } else {
        std::fs::rename(staging.path(), target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        let _ = staging.keep();
    }
    Ok(())
}

/// Fails when `target` exists and is not a directory holding only `replaceable` files.
pub fn ensure_replaceable(target: &Path, replaceable: &[&str]) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        bail!("{} exists and is not a directory", target.display());
    }
    let entries =
        std::fs::read_dir(target).with_context(|| format!("cannot read {}", target.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", target.display()))?;
        let name = entry.file_name();
        if !replaceable.iter().any(|known| name == *known) {
            bail!(
                "{} already holds other files ({}): give a new or empty directory",
                target.display(),
                name.to_string_lossy()
            );
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
