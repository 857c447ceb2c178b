//! Loading an input named on the command line: a URL, fetched with a [`Fetcher`], or a
//! local file (`.html`, `.htm`, `.html.gz`, `.txt`, `.md`).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bytes::Bytes;
use flate2::read::MultiGzDecoder;
use url::Url;

use crate::fetch::{FetchError, Fetcher};

/// The local file types [`load_file`] reads, as listed in error messages.
pub const SUPPORTED_EXTENSIONS: &str = ".html, .htm, .html.gz, .txt, .md";

/// Something to load: a web page or a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An `http://` or `https://` URL.
    Url(Url),
    /// A local path (given as such or as a `file://` URL).
    File(PathBuf),
}

impl Input {
    /// `http(s)://…` is a URL, `file://…` a local path, and anything else without a
    /// `scheme://` prefix a path; other schemes are refused.
    pub fn parse(input: &str) -> Result<Self, LoadError> {
        let invalid = |reason: &str| LoadError::InvalidInput {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let Some(scheme) = scheme_of(input) else {
            return Ok(Self::File(PathBuf::from(input)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => Url::parse(input)
                .map(Self::Url)
                .map_err(|err| invalid(&err.to_string())),
            "file" => Url::parse(input)
                .ok()
                .and_then(|url| url.to_file_path().ok())
                .map(Self::File)
                .ok_or_else(|| invalid("not a local file URL")),
            _ => Err(invalid(
                "only http://, https:// and file:// URLs are supported",
            )),
        }
    }
}

impl FromStr for Input {
    type Err = LoadError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

/// The scheme of `input` if it starts like a URL (`letters://`).
fn scheme_of(input: &str) -> Option<&str> {
    let (scheme, _) = input.split_once("://")?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && valid).then_some(scheme)
}

/// The raw bytes of an input, with what is known about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The content, decompressed.
    pub bytes: Bytes,
    /// For a fetched page, its final URL (after redirects, without credentials).
    pub url: Option<String>,
    /// The content type: the server's `Content-Type`, or one implied by the file name.
    pub content_type: Option<String>,
    /// A short name: the file name or last URL path segment, without a known extension.
    pub name: String,
}

/// Why an input could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Fetching the URL failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The command-line input is neither a supported URL nor a path.
    #[error("cannot load `{input}`: {reason}")]
    InvalidInput {
        /// The input as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The file name has none of the supported extensions.
    #[error(
        "cannot load {}: unsupported file type (supported: {SUPPORTED_EXTENSIONS})",
        path.display()
    )]
    UnsupportedExtension {
        /// The file.
        path: PathBuf,
    },
    /// The file does not exist.
    #[error("cannot load {}: no such file", path.display())]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// The gzip file is corrupt.
    #[error("cannot decompress {}: {source}", path.display())]
    Gzip {
        /// The file.
        path: PathBuf,
        /// The underlying decoding error.
        source: io::Error,
    },
    /// The file (once decompressed) is empty.
    #[error("cannot load {}: the file is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file (once decompressed) is larger than the cap.
    #[error("cannot load {}: larger than the {limit}-byte limit", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The configured cap.
        limit: u64,
    },
}

/// Loads `input`: fetches a URL with `fetcher`, or reads a file under the same size cap.
pub async fn load(input: &Input, fetcher: &Fetcher) -> Result<Loaded, LoadError> {
    match input {
        Input::Url(url) => {
            let fetched = fetcher.get(url.as_str()).await?;
            let mut url = fetched.final_url;
            let name = url_name(&url);
            // Credentials must not travel on with the page.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Ok(Loaded {
                bytes: fetched.body,
                url: Some(url.into()),
                content_type: fetched.content_type,
                name,
            })
        }
        Input::File(path) => {
            let (path, max_bytes) = (path.clone(), fetcher.max_body_bytes());
            let read = tokio::task::spawn_blocking(move || load_file(&path, max_bytes));
            read.await
                .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()))
        }
    }
}

/// The last non-empty path segment without a known extension, else the host.
fn url_name(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()));
    match segment {
        Some(segment) => strip_extension(segment).to_owned(),
        None => url.host_str().unwrap_or_default().to_owned(),
    }
}

/// The kinds of local file [`load_file`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Html,
    GzippedHtml,
    Text,
    Markdown,
}

/// Extensions (lower-case) and the kind of file they denote.
const EXTENSIONS: &[(&str, FileKind)] = &[
    (".html.gz", FileKind::GzippedHtml),
    (".html", FileKind::Html),
    (".htm", FileKind::Html),
    (".txt", FileKind::Text),
    (".md", FileKind::Markdown),
];

impl FileKind {
    fn of(file_name: &str) -> Option<(Self, usize)> {
        let lower = file_name.to_ascii_lowercase();
        EXTENSIONS
            .iter()
            .find(|(ext, _)| lower.ends_with(ext) && lower.len() > ext.len())
            .map(|&(ext, kind)| (kind, ext.len()))
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Html | Self::GzippedHtml => "text/html",
            Self::Text => "text/plain",
            Self::Markdown => "text/markdown",
        }
    }
}

/// `name` without a known extension (matched case-insensitively).
fn strip_extension(name: &str) -> &str {
    match FileKind::of(name) {
        Some((_, ext_len)) => &name[..name.len() - ext_len],
        None => name,
    }
}

/// Reads a local file of a supported type, refusing files (or, for `.html.gz`,
/// decompressed contents) larger than `max_bytes`, and empty ones.
pub fn load_file(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    let Some((kind, ext_len)) = FileKind::of(&file_name) else {
        return Err(LoadError::UnsupportedExtension {
            path: path.to_owned(),
        });
    };
    let name = file_name[..file_name.len() - ext_len].to_owned();
    let file = open(path)?;
    let too_large = || LoadError::TooLarge {
        path: path.to_owned(),
        limit: max_bytes,
    };
    let raw = read_at_most(file, max_bytes).map_err(|source| read_error(path, source))?;
    let bytes = raw.ok_or_else(too_large)?;
    let bytes = match kind {
        FileKind::GzippedHtml => gunzip(path, &bytes, max_bytes)?.ok_or_else(too_large)?,
        _ => bytes,
    };
    if bytes.is_empty() {
        return Err(LoadError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(Loaded {
        bytes: bytes.into(),
        url: None,
        content_type: Some(kind.content_type().to_owned()),
        name,
    })
}

fn open(path: &Path) -> Result<File, LoadError> {
    let file = File::open(path).map_err(|source| read_error(path, source))?;
    let metadata = file.metadata().map_err(|source| read_error(path, source))?;
    if metadata.is_dir() {
        let source = io::Error::new(io::ErrorKind::IsADirectory, "it is a directory");
        return Err(read_error(path, source));
    }
    Ok(file)
}

fn read_error(path: &Path, source: io::Error) -> LoadError {
    let path = path.to_owned();
    match source.kind() {
        io::ErrorKind::NotFound => LoadError::NotFound { path },
        _ => LoadError::Read { path, source },
    }
}

/// Reads `reader` to the end, or gives `None` as soon as it yields more than `max` bytes.
fn read_at_most(reader: impl Read, max: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Decompresses gzip data, stopping as soon as the output exceeds `max` bytes, so a
/// small "gzip bomb" cannot exhaust memory.
fn gunzip(path: &Path, compressed: &[u8], max: u64) -> Result<Option<Vec<u8>>, LoadError> {
    read_at_most(MultiGzDecoder::new(compressed), max).map_err(|source| LoadError::Gzip {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_told_apart() {
        let url = Input::parse("https://example.com/a/b.html").unwrap();
        assert_eq!(
            url,
            Input::Url(Url::parse("https://example.com/a/b.html").unwrap())
        );
        assert!(matches!(
            Input::parse("HTTP://example.com").unwrap(),
            Input::Url(_)
        ));
        for path in [
            "page.html",
            "./dir/page.htm",
            "/tmp/x.md",
            "weird:name.txt",
            "C:\\x.html",
        ] {
            assert_eq!(
                Input::parse(path).unwrap(),
                Input::File(PathBuf::from(path))
            );
        }
        assert_eq!(
            Input::parse("file:///tmp/page%20one.html").unwrap(),
            Input::File(PathBuf::from("/tmp/page one.html"))
        );
        assert_eq!(
            "x.txt".parse::<Input>().unwrap(),
            Input::File("x.txt".into())
        );
    }

    #[test]
    fn bad_inputs_are_refused() {
        for input in [
            "ftp://example.com/x.html",
            "http://exa mple.com/",
            "file://server/x.html",
        ] {
            let err = Input::parse(input).unwrap_err();
            assert!(
                matches!(err, LoadError::InvalidInput { .. }),
                "{input}: {err}"
            );
            assert!(err.to_string().contains(input), "{err}");
        }
    }

    #[test]
    fn names_drop_known_extensions() {
        assert_eq!(strip_extension("story.html.gz"), "story");
        assert_eq!(strip_extension("Story.HTML"), "Story");
        assert_eq!(strip_extension("notes.md"), "notes");
        assert_eq!(strip_extension("archive.tar.gz"), "archive.tar.gz");
        assert_eq!(strip_extension(".html"), ".html");
        let url = |s: &str| url_name(&Url::parse(s).unwrap());
        assert_eq!(url("https://example.com/news/story-1.html"), "story-1");
        assert_eq!(url("https://example.com/news/story-2/"), "story-2");
        assert_eq!(url("https://example.com/"), "example.com");
    }
}
