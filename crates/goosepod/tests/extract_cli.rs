//! The `goosepod extract` command-line contract, run as a user would run it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

mod common;
use common::{goosepod_with, sample, stderr, stdout};

/// Serves one fixed HTML response per connection on 127.0.0.1, in a background thread.
fn serve(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}/news/storm.html")
}

const PAGE: &str = "<html lang=en><head><title>Storm closes roads | Example News</title></head>\
    <body><article><p>Heavy rain closed roads across the north on Monday, officials said.</p>\
    <p>More rain is expected through the week as rivers rise.</p></article></body></html>";

#[test]
fn prints_paragraphs_separated_by_a_blank_line() {
    let output = goosepod_with(&["extract", &sample("en-harbor-battery.html")], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let paragraphs: Vec<&str> = text.trim_end().split("\n\n").collect();
    assert!(paragraphs.len() >= 12);
    assert!(
        paragraphs
            .iter()
            .all(|p| !p.is_empty() && !p.contains('\n'))
    );
}

#[test]
fn json_has_the_contract_fields() {
    let output = goosepod_with(&["extract", "--json", &sample("zh-rail-line.html")], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    for key in [
        "title",
        "site_name",
        "byline",
        "published",
        "language",
        "url",
        "image",
        "text",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["language"], "zh-CN");
    let published = json["published"].as_str().unwrap();
    assert!(
        published.parse::<jiff::Timestamp>().is_ok(),
        "RFC 3339: {published}"
    );
}

#[test]
fn batch_writes_one_file_per_input_and_reports_failures() {
    let out = tempfile::tempdir().unwrap();
    let bad = out.path().join("broken.pdf");
    std::fs::write(&bad, b"%PDF-1.4").unwrap();
    let missing = out.path().join("missing.html");
    let output = goosepod_with(
        &[
            "extract",
            "--out-dir",
            out.path().to_str().unwrap(),
            &sample("en-harbor-battery.html"),
            bad.to_str().unwrap(),
            missing.to_str().unwrap(),
            &sample("zh-rail-line.html"),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "some inputs failed");
    let err = stderr(&output);
    assert!(err.contains("broken.pdf"), "{err}");
    assert!(err.contains("missing.html"), "{err}");
    assert!(err.contains("2 of 4 inputs failed"), "{err}");
    for name in ["en-harbor-battery", "zh-rail-line"] {
        let text = std::fs::read_to_string(out.path().join(format!("{name}.txt"))).unwrap();
        assert!(text.len() > 1000, "{name}.txt has the article");
    }
    assert!(!Path::new(&out.path().join("broken.txt")).exists());
}

#[test]
fn private_addresses_are_refused_unless_allowed() {
    let url = serve(PAGE);
    let refused = goosepod_with(&["extract", &url], &[]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(
        err.contains(&url) && err.contains("GOOSEPOD_FETCH_ALLOW"),
        "{err}"
    );

    let allowed = goosepod_with(
        &["extract", "--json", &url],
        &[("GOOSEPOD_FETCH_ALLOW", "127.0.0.1")],
    );
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    let json: serde_json::Value = serde_json::from_str(&stdout(&allowed)).unwrap();
    assert_eq!(json["title"], "Storm closes roads");
    assert_eq!(json["site_name"], "Example News");
    assert_eq!(json["url"], url.as_str());
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .starts_with("Heavy rain closed roads")
    );
}

#[test]
fn a_page_without_an_article_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("menu.html");
    std::fs::write(
        &page,
        "<html><body><nav><a href=/>Home</a></nav></body></html>",
    )
    .unwrap();
    let output = goosepod_with(&["extract", page.to_str().unwrap()], &[]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("menu.html") && err.contains("no article text"),
        "{err}"
    );
}

#[test]
fn config_file_and_environment_set_fetch_limits() {
    let url = serve(PAGE);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("goosepod.toml");
    std::fs::write(&config, "[fetch]\nallow = [\"127.0.0.1\"]\n").unwrap();
    let config = config.to_str().unwrap();

    let allowed = goosepod_with(&["--config", config, "extract", &url], &[]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));

    let capped = goosepod_with(
        &["--config", config, "extract", &url],
        &[("GOOSEPOD_FETCH_MAX_BYTES", "100")],
    );
    assert!(!capped.status.success());
    assert!(stderr(&capped).contains("100"), "{}", stderr(&capped));

    std::fs::write(dir.path().join("bad.toml"), "[fetch]\nallwo = \"x\"\n").unwrap();
    let bad = dir.path().join("bad.toml");
    let rejected = goosepod_with(&["--config", bad.to_str().unwrap(), "extract", &url], &[]);
    assert!(!rejected.status.success());
    let err = stderr(&rejected);
    assert!(err.contains("bad.toml") && err.contains("allwo"), "{err}");

    let missing = goosepod_with(
        &["--config", "/nonexistent/goosepod.toml", "extract", &url],
        &[],
    );
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );
}
