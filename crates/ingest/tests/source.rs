//! Loading inputs: local files of every supported kind, and a URL through a fetcher.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::header;
use axum::routing::get;
use flate2::Compression;
use flate2::write::GzEncoder;
use goosepod_ingest::fetch::{FetchConfig, Fetcher};
use goosepod_ingest::guard::AllowList;
use goosepod_ingest::source::{Input, LoadError, load, load_file};
use tempfile::TempDir;

const PAGE: &str = "<html><body><p>Geese fly south.</p></body></html>";
const CAP: u64 = 64 * 1024;

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn message_names(err: &LoadError, path: &Path) {
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn loads_each_supported_kind() {
    let dir = TempDir::new().unwrap();
    for (file, bytes, content_type, name) in [
        ("story.html", PAGE.as_bytes().to_vec(), "text/html", "story"),
        ("Story.HTM", PAGE.as_bytes().to_vec(), "text/html", "Story"),
        ("saved.html.gz", gzip(PAGE.as_bytes()), "text/html", "saved"),
        (
            "notes.txt",
            b"Geese fly south.".to_vec(),
            "text/plain",
            "notes",
        ),
        (
            "notes.v2.md",
            b"# Geese\n".to_vec(),
            "text/markdown",
            "notes.v2",
        ),
    ] {
        let path = write(&dir, file, &bytes);
        let loaded = load_file(&path, CAP).unwrap();
        assert_eq!(loaded.content_type.as_deref(), Some(content_type), "{file}");
        assert_eq!(loaded.name, name, "{file}");
        assert_eq!(loaded.url, None, "{file}");
        let expected = if file.ends_with(".gz") {
            PAGE.as_bytes()
        } else {
            &bytes[..]
        };
        assert_eq!(loaded.bytes, expected, "{file}");
    }
}

#[test]
fn refuses_unsupported_extensions() {
    let dir = TempDir::new().unwrap();
    for file in ["report.pdf", "archive.tar.gz", "README", ".html"] {
        let path = write(&dir, file, b"x");
        let err = load_file(&path, CAP).unwrap_err();
        assert!(
            matches!(err, LoadError::UnsupportedExtension { .. }),
            "{err}"
        );
        assert!(
            err.to_string().contains(".html, .htm, .html.gz, .txt, .md"),
            "{err}"
        );
        message_names(&err, &path);
    }
}

#[test]
fn refuses_missing_files() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("gone.html");
    let err = load_file(&path, CAP).unwrap_err();
    assert!(matches!(err, LoadError::NotFound { .. }), "{err}");
    message_names(&err, &path);
}

#[test]
fn refuses_directories() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("folder.html");
    std::fs::create_dir(&path).unwrap();
    let err = load_file(&path, CAP).unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }), "{err}");
    message_names(&err, &path);
}

#[test]
fn refuses_empty_files() {
    let dir = TempDir::new().unwrap();
    for (file, bytes) in [("empty.md", Vec::new()), ("empty.html.gz", gzip(b""))] {
        let path = write(&dir, file, &bytes);
        let err = load_file(&path, CAP).unwrap_err();
        assert!(matches!(err, LoadError::Empty { .. }), "{err}");
        message_names(&err, &path);
    }
}

#[test]
fn refuses_files_over_the_cap() {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "big.txt", &[b'x'; 101]);
    let err = load_file(&path, 100).unwrap_err();
    assert!(
        matches!(err, LoadError::TooLarge { limit: 100, .. }),
        "{err}"
    );
    message_names(&err, &path);
    assert!(load_file(&path, 101).is_ok());
}

#[test]
fn refuses_gzip_bombs() {
    let dir = TempDir::new().unwrap();
    let bomb = gzip(&vec![b' '; 4 << 20]);
    assert!((bomb.len() as u64) < CAP);
    let path = write(&dir, "bomb.html.gz", &bomb);
    let err = load_file(&path, CAP).unwrap_err();
    assert!(matches!(err, LoadError::TooLarge { .. }), "{err}");
}

#[test]
fn reports_corrupt_gzip() {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "broken.html.gz", b"this is not gzip");
    let err = load_file(&path, CAP).unwrap_err();
    assert!(matches!(err, LoadError::Gzip { .. }), "{err}");
    message_names(&err, &path);
}

#[tokio::test]
async fn loads_files_and_urls() {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "local.html", PAGE.as_bytes());
    let config = FetchConfig {
        allow: AllowList::parse("127.0.0.1").unwrap(),
        ..FetchConfig::default()
    };
    let fetcher = Fetcher::new(config).unwrap();

    let input = Input::parse(path.to_str().unwrap()).unwrap();
    let loaded = load(&input, &fetcher).await.unwrap();
    assert_eq!(
        (loaded.name.as_str(), loaded.bytes.as_ref()),
        ("local", PAGE.as_bytes())
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let page = || async { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE) };
    let app = Router::new().route("/news/geese.html", get(page));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let input = Input::parse(&format!("http://goose:s3cret@{addr}/news/geese.html")).unwrap();
    let loaded = load(&input, &fetcher).await.unwrap();
    assert_eq!(loaded.name, "geese");
    assert_eq!(loaded.url, Some(format!("http://{addr}/news/geese.html")));
    assert_eq!(
        loaded.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(loaded.bytes, PAGE.as_bytes());
}

#[tokio::test]
async fn fetch_errors_pass_through() {
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let input = Input::parse("http://127.0.0.1:9/x.html").unwrap();
    let err = load(&input, &fetcher).await.unwrap_err();
    assert!(matches!(err, LoadError::Fetch(_)), "{err}");
    assert!(err.to_string().contains("GOOSEPOD_FETCH_ALLOW"), "{err}");
}
