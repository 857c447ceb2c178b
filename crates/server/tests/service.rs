//! The service end to end: sign-up, settings, a feed, the scheduled run, the private feed
//! read by real podcast parsers, seeking in the audio, and isolation between listeners.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::header;

fn publish_articles(site: &Site) {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    site.put(
        "news/harbour",
        "text/html; charset=utf-8",
        std::fs::read(samples.join("en-harbor-battery.html")).unwrap(),
    );
    site.put(
        "news/library",
        "text/html; charset=utf-8",
        fixture("en-library-hours.html"),
    );
    site.put(
        "news/bridge",
        "text/html; charset=utf-8",
        fixture("en-bridge-repair.html"),
    );
    let feed = rss(
        site,
        "Valley News",
        &[
            ("g-library", "news/library", "City libraries to open late"),
            ("g-bridge", "news/bridge", "Bridge to close for repairs"),
        ],
    );
    site.put("feed.xml", "application/rss+xml", feed);
}

async fn save_settings(app: &TestApp, client: &reqwest::Client, topics: &str) {
    let page = client
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(app.url("/settings"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("name", "Norris"),
            ("host_pair", "en-default"),
            ("timezone", "Europe/London"),
            ("topics", topics),
            ("minutes", "2"),
            ("delivery_time", "07:00"),
            ("stories_per_day", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Saved."));
}

async fn add_source(app: &TestApp, client: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let page = client
        .get(app.url("/sources"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(app.url("/sources"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("url", url)])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Chooses the first feed's poll interval on the sources `page`; the page answered.
async fn set_interval(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    seconds: &str,
) -> String {
    let action = form_action(page, |action| action.ends_with("/interval"));
    let response = client
        .post(app.url(&action))
        .form(&[("csrf", csrf_of(page).as_str()), ("interval_s", seconds)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

fn feed_url(page: &str) -> String {
    let start = page.find("class=\"feed-url\" readonly value=\"").unwrap() + 33;
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_signs_up_adds_a_feed_and_gets_the_morning_episode_in_their_feed() {
    let site = Site::start().await;
    publish_articles(&site);
    let app = spawn_app().await;
    let client = sign_up(&app, "norris@example.com", "Norris").await;
    save_settings(&app, &client, "library, bridge").await;
    let (status, page) = add_source(&app, &client, &site.url("feed.xml")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Added Valley News."), "{page}");
    let page = set_interval(&app, &client, &page, "3600").await;
    assert!(
        page.contains("Valley News will be checked every 1 h."),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="3600" selected>every 1 h</option>"#),
        "{page}"
    );

    // Before 07:00 London time: stories are found, nothing is made.
    let early = app.run_once("2030-01-15T06:30:00Z").await;
    assert_eq!(
        (early.poll.sources, early.poll.new_candidates, early.queued),
        (1, 2, 0)
    );
    assert!(early.jobs.is_empty());
    // At 07:00: one story (stories_per_day = 1) becomes an episode.
    let morning = app.run_once("2030-01-15T07:00:00Z").await;
    assert_eq!(morning.queued, 1);
    assert_eq!(morning.jobs.len(), 1);
    assert!(
        matches!(morning.jobs[0].1, goosepod_server::Outcome::Published(_)),
        "{:?}",
        morning.jobs[0].1
    );
    // The same day never delivers twice; the feed answers 304 to the next poll.
    let later = app.run_once("2030-01-15T08:00:00Z").await;
    assert_eq!((later.queued, later.jobs.len()), (0, 0));
    assert_eq!(site.hits("news/library") + site.hits("news/bridge"), 2);

    let dashboard = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let feed = feed_url(&dashboard);
    assert!(feed.starts_with(&app.url("/f/")), "{feed}");
    let xml = reqwest::get(&feed).await.unwrap();
    assert_eq!(xml.status(), StatusCode::OK);
    assert_eq!(
        xml.headers()[header::CONTENT_TYPE],
        "application/rss+xml; charset=utf-8"
    );
    let xml = xml.text().await.unwrap();

    let parsed = parse_with_python(&xml);
    assert_eq!(
        parsed["podcastparser"]["episodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(parsed["feedparser"]["entries"].as_array().unwrap().len(), 1);
    let episode = &parsed["podcastparser"]["episodes"][0];
    let enclosure = &episode["enclosures"][0];
    let audio_url = enclosure["url"].as_str().unwrap();
    let length = enclosure["file_size"].as_u64().unwrap();
    assert_eq!(enclosure["mime_type"], "audio/mpeg");
    assert!(episode["total_time"].as_u64().unwrap() > 30);
    assert!(
        episode["title"].as_str().unwrap().contains("librar")
            || episode["title"].as_str().unwrap().contains("Librar"),
        "{episode}"
    );

    // The enclosure: exact length, seekable.
    let whole = reqwest::get(audio_url).await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    let etag = whole.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(whole.headers().contains_key(header::LAST_MODIFIED));
    let bytes = whole.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, length);
    let http = reqwest::Client::new();
    let part = http
        .get(audio_url)
        .header(header::RANGE, "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE],
        format!("bytes 100-199/{length}").as_str()
    );
    assert_eq!(&part.bytes().await.unwrap()[..], &bytes[100..200]);
    let cached = http
        .get(audio_url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    // Transcripts, chapters and the cover, as the feed names them.
    let linked: Vec<&str> = [
        "<podcast:transcript url=\"",
        "<podcast:chapters url=\"",
        "<itunes:image href=\"",
    ]
    .iter()
    .flat_map(|tag| {
        xml.split(tag)
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap())
    })
    .collect();
    assert_eq!(
        linked.len(),
        5,
        "two transcripts, chapters, two images: {xml}"
    );
    for url in linked {
        let response = http.get(url.replace("&amp;", "&")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{url}");
    }

    // The episode page, in the browser session.
    let dashboard = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = dashboard.find("href=\"/episodes/").unwrap() + 6;
    let page_path = dashboard[start..].split('"').next().unwrap().to_owned();
    let page = client.get(app.url(&page_path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("<audio"));
    app.stop().await;
}

/// Queues an episode of the article at `url` through the dashboard's form.
async fn queue_link(app: &TestApp, client: &reqwest::Client, url: &str) {
    let page = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(app.url("/episodes/new"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("url", url)])
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains("Queued"));
}

/// Files under `dir`, at any depth (0 if it does not exist).
fn count_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|path| if path.is_dir() { count_files(&path) } else { 1 })
        .sum()
}

/// A new API token, made on the settings page.
async fn api_token(app: &TestApp, client: &reqwest::Client) -> String {
    let page = client
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = client
        .post(app.url("/settings/api-token"))
        .form(&[("csrf", csrf_of(&page).as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("<code>").expect("the token is shown") + 6;
    page[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opus_service_speaks_a_shared_story_once_and_serves_it_seekable_in_the_feed() {
    let site = Site::start().await;
    publish_articles(&site);
    let app = spawn_app_with(|config| {
        config.recipe.voice.format = goosepod_pipeline::AudioFormat::Opus;
        config.recipe.voice.line_cache = Some(config.data_dir.join("cache").join("lines"));
    })
    .await;
    let cache = app.data.path().join("cache").join("lines");
    let alice = sign_up(&app, "alice@example.com", "Alice").await;
    let bob = sign_up(&app, "bob@example.com", "Bob").await;

    // Jobs queued now are due within the hour, whatever the day.
    let soon = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string();

    // Alice's episode of the story fills the line cache.
    queue_link(&app, &alice, &site.url("news/bridge")).await;
    let first = app.run_once(&soon).await;
    assert!(
        matches!(first.jobs[0].1, goosepod_server::Outcome::Published(_)),
        "{:?}",
        first.jobs[0].1
    );
    let spoken_once = count_files(&cache);
    assert!(spoken_once > 0, "the lines are kept in the data directory");

    // Bob's episode of the same story is spoken from it, but for his own greeting.
    queue_link(&app, &bob, &site.url("news/bridge")).await;
    let second = app.run_once(&soon).await;
    let goosepod_server::Outcome::Published(row) = &second.jobs[0].1 else {
        panic!("{:?}", second.jobs[0].1);
    };
    assert_eq!(row.audio_file, "episode.opus");
    assert_eq!(row.audio_type, "audio/ogg; codecs=opus");
    assert_eq!(row.story_id, {
        let goosepod_server::Outcome::Published(first) = &first.jobs[0].1 else {
            unreachable!()
        };
        first.story_id
    });
    let dashboard = bob
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let feed = feed_url(&dashboard);
    let episode_json = format!(
        "{}{}/episode.json",
        feed.trim_end_matches("feed.xml"),
        row.public_id
    );
    let episode = goosepod_core::Episode::from_json(
        &reqwest::get(&episode_json)
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(episode.listener.name, "Bob");
    let personal = episode.lines.iter().filter(|l| l.personal).count();
    let added = count_files(&cache) - spoken_once;
    assert!(
        added > 0 && added <= personal,
        "{added} lines spoken for Bob, {personal} of his {} lines are personal",
        episode.lines.len()
    );

    // Bob's feed lists the Opus file as Ogg audio.
    let xml = reqwest::get(&feed).await.unwrap().text().await.unwrap();
    let parsed = parse_with_python(&xml);
    let enclosure = &parsed["podcastparser"]["episodes"][0]["enclosures"][0];
    assert_eq!(enclosure["mime_type"], "audio/ogg");
    let audio_url = enclosure["url"].as_str().unwrap();
    assert!(audio_url.ends_with("/episode.opus"), "{audio_url}");
    let length = enclosure["file_size"].as_u64().unwrap();
    assert_eq!(length, row.audio_bytes as u64);
    assert_eq!(
        parsed["feedparser"]["entries"][0]["enclosures"][0]["type"],
        "audio/ogg"
    );

    // The file is served whole and in ranges, as Ogg.
    let http = reqwest::Client::new();
    let whole = http.get(audio_url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()[header::CONTENT_TYPE], "audio/ogg");
    let bytes = whole.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, length);
    assert_eq!(&bytes[..4], b"OggS");
    let part = http
        .get(audio_url)
        .header(header::RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE],
        format!("bytes 1000-1999/{length}").as_str()
    );
    assert_eq!(&part.bytes().await.unwrap()[..], &bytes[1000..2000]);

    // The page plays it; the API links it.
    let page = bob
        .get(app.url(&format!("/episodes/{}/", row.public_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"<source src="episode.opus" type="audio/ogg; codecs=opus">"#),
        "{page}"
    );
    let token = api_token(&app, &bob).await;
    let listed: serde_json::Value = http
        .get(app.url("/api/v1/episodes"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["audio_url"], audio_url);
    assert_eq!(listed[0]["audio_type"], "audio/ogg; codecs=opus");
    app.stop().await;
}

/// Parses a feed with PyPI's podcastparser and feedparser; returns what each read.
fn parse_with_python(xml: &str) -> serde_json::Value {
    let site = std::env::var("GOOSEPOD_PYTHON_SITE").expect(
        "GOOSEPOD_PYTHON_SITE is not set: run scripts/setup-python.sh and source scripts/env.sh",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, xml).unwrap();
    let script = r#"
import json, sys, podcastparser, feedparser
path = sys.argv[1]
with open(path, 'rb') as f:
    pp = podcastparser.parse('http://example.invalid/feed.xml', f)
fp = feedparser.parse(path)
print(json.dumps({
  'podcastparser': pp,
  'feedparser': {'bozo': fp.bozo, 'entries': [{'title': e.get('title'), 'enclosures': e.get('enclosures')} for e in fp.entries]},
}, default=str))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .env("PYTHONPATH", site)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        value["feedparser"]["bozo"], false,
        "feedparser found the feed malformed"
    );
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_listener_never_sees_another_listeners_episodes_feed_or_settings() {
    let site = Site::start().await;
    publish_articles(&site);
    let app = spawn_app().await;
    let alice = sign_up(&app, "alice@example.com", "Alice").await;
    let bob = sign_up(&app, "bob@example.com", "Bob").await;
    // Alice makes an episode from a link.
    let page = alice
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = alice
        .post(app.url("/episodes/new"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("url", site.url("news/bridge").as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains("Queued"));
    let report = app.run_once("2030-01-15T12:00:00Z").await;
    assert!(
        matches!(report.jobs[0].1, goosepod_server::Outcome::Published(_)),
        "{:?}",
        report.jobs[0].1
    );
    let dashboard = alice
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let alice_feed = feed_url(&dashboard);
    let start = dashboard.find("href=\"/episodes/").unwrap() + 6;
    let page_path = dashboard[start..].split('"').next().unwrap().to_owned();
    assert_eq!(
        alice
            .get(app.url(&page_path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Bob, signed in, asks for Alice's episode page, audio and story: 404 each time.
    for path in [
        page_path.clone(),
        format!("{page_path}episode.mp3"),
        format!("{page_path}episode.json"),
    ] {
        assert_eq!(
            bob.get(app.url(&path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Bob's feed token does not open Alice's episodes.
    let bob_dashboard = bob
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let bob_feed = feed_url(&bob_dashboard);
    let bob_base = bob_feed.trim_end_matches("feed.xml");
    let episode_id = page_path
        .trim_start_matches("/episodes/")
        .trim_end_matches('/');
    let stolen = format!("{bob_base}{episode_id}/episode.mp3");
    assert_eq!(
        reqwest::get(&stolen).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !reqwest::get(&bob_feed)
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains(episode_id)
    );
    // A made-up token finds nothing; signed-out visitors are sent to sign in.
    let forged = alice_feed.replace(
        &alice_feed[alice_feed.len() - 20..alice_feed.len() - 9],
        "00000000000",
    );
    assert_eq!(
        reqwest::get(&forged).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let anonymous = browser().get(app.url(&page_path)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sources_give_clear_errors_and_never_stop_the_others() {
    let site = Site::start().await;
    publish_articles(&site);
    site.put(
        "page.html",
        "text/html",
        "<html><head><title>Just a page</title></head><body><p>Hello.</p></body></html>",
    );
    site.put(
        "broken.xml",
        "application/rss+xml",
        "<rss version=\"2.0\"><channel><title>Broken</title><item>",
    );
    site.put(
        "huge.xml",
        "application/rss+xml",
        vec![b' '; 20 * 1024 * 1024],
    );
    let app = spawn_app().await;
    let client = sign_up(&app, "norris@example.com", "Norris").await;
    let cases = [
        ("page.html", "neither a feed"),
        ("broken.xml", "broken.xml"),
        ("huge.xml", "huge.xml"),
        ("slow", "slow"),
        ("loop", "redirect"),
        ("missing.xml", "404"),
    ];
    for (path, expected) in cases {
        let (status, page) = add_source(&app, &client, &site.url(path)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {page}");
        assert!(
            page.contains(expected),
            "{path}: expected {expected:?} in the error: {page}"
        );
    }
    let private = add_source(&app, &client, "http://10.1.2.3/feed.xml").await;
    assert_eq!(private.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(private.1.contains("10.1.2.3"), "{}", private.1);

    // A good feed, and one that breaks after it was added: the good one still delivers.
    site.put(
        "other.xml",
        "application/rss+xml",
        rss(&site, "Other", &[("g-h", "news/harbour", "Harbour")]),
    );
    assert_eq!(
        add_source(&app, &client, &site.url("feed.xml")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        add_source(&app, &client, &site.url("other.xml")).await.0,
        StatusCode::OK
    );
    site.put(
        "other.xml",
        "application/rss+xml",
        "<rss><channel><item><title>cut",
    );
    let report = app.run_once("2030-01-15T06:00:00Z").await;
    assert_eq!(
        (
            report.poll.sources,
            report.poll.failed,
            report.poll.new_candidates
        ),
        (2, 1, 2)
    );
    let sources = client
        .get(app.url("/sources"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sources.contains("Last poll failed"), "{sources}");
    app.stop().await;
}

async fn sign_in(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let form = client
        .get(app.url("/signin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    client
        .post(app.url("/signin"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_refused_for_a_while_after_five_wrong_passwords() {
    let app = spawn_app().await;
    sign_up(&app, "norris@example.com", "Norris").await;
    let client = browser();
    for _ in 0..5 {
        let wrong = sign_in(&client, &app, "norris@example.com", "not the password").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(
            wrong
                .text()
                .await
                .unwrap()
                .contains("wrong email or password")
        );
    }

    // Now even the right password is refused, with the wait in the page and the header.
    let refused = sign_in(
        &client,
        &app,
        "norris@example.com",
        "a long enough password",
    )
    .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((840..=900).contains(&retry_after), "{retry_after}");
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("too many attempts; try again in 15 minutes"),
        "{page}"
    );
    assert!(page.contains("name=\"password\""), "the form again: {page}");

    // The same address trying another account is refused too; nobody was signed in.
    let other = sign_in(&client, &app, "someone@example.com", "a guess").await;
    assert_eq!(other.status(), StatusCode::TOO_MANY_REQUESTS);
    let dashboard = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(dashboard.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_story_is_made_now_once_and_only_by_its_listener() {
    let site = Site::start().await;
    publish_articles(&site);
    let app = spawn_app().await;
    let client = sign_up(&app, "norris@example.com", "Norris").await;
    let (status, page) = add_source(&app, &client, &site.url("feed.xml")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let early = app.run_once("2030-01-15T06:30:00Z").await;
    assert_eq!((early.poll.new_candidates, early.queued), (2, 0));

    let dashboard = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let make = form_action(&dashboard, |action| action.starts_with("/stories/"));
    let click = |client: reqwest::Client, csrf: String| {
        let url = app.url(&make);
        async move {
            client
                .post(url)
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let csrf = csrf_of(&dashboard);
    assert_eq!(
        click(client.clone(), csrf.clone()).await,
        StatusCode::SEE_OTHER
    );
    // Made once: the story is no longer waiting.
    assert_eq!(click(client.clone(), csrf).await, StatusCode::NOT_FOUND);
    // Another listener cannot make it.
    let ada = sign_up(&app, "ada@example.com", "Ada").await;
    let theirs = ada
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(click(ada, csrf_of(&theirs)).await, StatusCode::NOT_FOUND);

    let run = app.run_once("2030-01-15T06:35:00Z").await;
    assert_eq!(run.jobs.len(), 1);
    assert!(
        matches!(run.jobs[0].1, goosepod_server::Outcome::Published(_)),
        "{:?}",
        run.jobs[0].1
    );
    app.stop().await;
}
