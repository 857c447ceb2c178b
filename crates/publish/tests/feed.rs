//! The podcast feed made from real spoken episodes (the page tests' fixtures): a snapshot
//! of an English feed with two episodes and of a Chinese one, then each read back field
//! by field with the `rss` crate and with the parsers podcast apps use, Python's
//! podcastparser (gPodder) and feedparser, which `scripts/setup-python.sh` installs.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use goosepod_core::Episode;
use goosepod_core::episode::files;
use goosepod_publish::{
    Enclosure, FeedEpisode, PodcastFeed, Transcript, TranscriptFormat, render_feed,
};
use jiff::{Timestamp, ToSpan};
use rss::Channel;
use rss::extension::Extension;
use serde_json::{Value, json};

const HOST: &str = "https://pod.example.com";

fn fixture(name: &str) -> Episode {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Episode::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A `'static` string for the borrowed feed types (a few bytes per test run).
fn leak(text: String) -> &'static str {
    text.leak()
}

/// A feed episode for a spoken episode served from `{HOST}/e/{id}/`, its files named as
/// `goosepod episode` names them.
fn feed_episode(id: &str, episode: &'static Episode, published: Timestamp) -> FeedEpisode<'static> {
    let audio = episode.audio.as_ref().expect("the fixture is spoken");
    let url = |file: &str| leak(format!("{HOST}/e/{id}/{file}"));
    FeedEpisode {
        guid: leak(format!("goosepod:episode:{id}")),
        title: &episode.title,
        summary: &episode.summary,
        page_url: url(""),
        published,
        duration_s: audio.duration_s,
        audio: Enclosure::for_audio(url(&audio.file), audio),
        image_url: Some(url(files::COVER)),
        transcripts: vec![
            Transcript {
                url: url(files::VTT),
                format: TranscriptFormat::WebVtt,
                language: Some(episode.language.tag()),
            },
            Transcript {
                url: url(files::SRT),
                format: TranscriptFormat::Srt,
                language: Some(episode.language.tag()),
            },
        ],
        chapters_url: Some(url(files::CHAPTERS)),
    }
}

/// Norris's English feed: the harbour battery episode and, a day older, one whose title
/// and summary hold everything that needs escaping or removing.
fn english_feed() -> PodcastFeed<'static> {
    let battery: &'static Episode = Box::leak(Box::new(fixture("en-episode.json")));
    let newest = feed_episode("en-1", battery, battery.generated_at);
    let mut tricky = feed_episode("en-0", battery, battery.generated_at - 24.hours());
    tricky.title = "Q&A: \"Rates\" <up> & 'down' \u{2014} 你好 🦢\u{7}";
    tricky.summary =
        "Costs < $20 & > $400 per MWh; \"peak\" \u{1b}hours 5\u{2013}9 p.m. 🔋\nSecond line.";
    tricky.duration_s = 3725.4;
    tricky.image_url = None;
    tricky.transcripts.truncate(1);
    tricky.chapters_url = None;
    PodcastFeed {
        title: "Goose Pod for Norris",
        description: "Norris's morning news, read aloud by two hosts & written for him.",
        language: "en",
        author: "Goose Pod",
        link: leak(format!("{HOST}/me/")),
        feed_url: leak(format!("{HOST}/feed/8f3a2c9d41b7e6f0.xml")),
        image_url: leak(format!("{HOST}/feed/8f3a2c9d41b7e6f0/cover.png")),
        owner_email: Some("norris@example.com"),
        episodes: vec![newest, tricky],
    }
}

/// 小明's Chinese feed: one episode, no owner address.
fn chinese_feed() -> PodcastFeed<'static> {
    let metro: &'static Episode = Box::leak(Box::new(fixture("zh-episode.json")));
    PodcastFeed {
        title: "鹅播 · 小明的早间新闻",
        description: "每天早上，两位主持人为小明读新闻。",
        language: "zh-CN",
        author: "鹅播 Goose Pod",
        link: leak(format!("{HOST}/me/")),
        feed_url: leak(format!("{HOST}/feed/0c7d55e1a9b24f3e.xml")),
        image_url: leak(format!("{HOST}/feed/0c7d55e1a9b24f3e/cover.png")),
        owner_email: None,
        episodes: vec![feed_episode("zh-1", metro, metro.generated_at)],
    }
}

/// The text XML can carry (what the feed promises to keep of a text).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..))
        .collect()
}

/// `itunes:duration` as written: whole seconds.
fn whole_seconds(duration_s: f64) -> u64 {
    duration_s.round() as u64
}

#[test]
fn english_feed_matches_its_snapshot() {
    insta::assert_snapshot!("en_feed", render_feed(&english_feed()).unwrap());
}

#[test]
fn chinese_feed_matches_its_snapshot() {
    insta::assert_snapshot!("zh_feed", render_feed(&chinese_feed()).unwrap());
}

fn attribute<'e>(extension: &'e Extension, name: &str) -> Option<&'e str> {
    extension.attrs.get(name).map(String::as_str)
}

/// The feed read back by the `rss` crate holds every field it was made from.
fn check_with_rss_crate(feed: &PodcastFeed<'_>) {
    let xml = render_feed(feed).unwrap();
    let channel = Channel::read_from(xml.as_bytes()).unwrap();

    assert_eq!(channel.title, feed.title);
    assert_eq!(channel.link, feed.link);
    assert_eq!(channel.description, feed.description);
    assert_eq!(channel.language.as_deref(), Some(feed.language));
    let image = channel.image.as_ref().unwrap();
    assert_eq!(
        (
            image.url.as_str(),
            image.title.as_str(),
            image.link.as_str()
        ),
        (feed.image_url, feed.title, feed.link)
    );
    let newest = feed.episodes.iter().map(|e| e.published).max().unwrap();
    let pub_date = jiff::fmt::rfc2822::parse(channel.pub_date.as_deref().unwrap()).unwrap();
    assert_eq!(pub_date.timestamp(), newest);
    for (prefix, namespace) in [
        ("itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"),
        ("podcast", "https://podcastindex.org/namespace/1.0"),
        ("atom", "http://www.w3.org/2005/Atom"),
    ] {
        assert_eq!(
            channel.namespaces.get(prefix).map(String::as_str),
            Some(namespace)
        );
    }

    let itunes = channel.itunes_ext.as_ref().unwrap();
    assert_eq!(itunes.author.as_deref(), Some(feed.author));
    assert_eq!(itunes.image.as_deref(), Some(feed.image_url));
    assert_eq!(itunes.explicit.as_deref(), Some("false"));
    assert_eq!(itunes.r#type.as_deref(), Some("episodic"));
    let categories: Vec<_> = itunes.categories.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(categories, ["News"]);
    let owner = itunes.owner.as_ref();
    assert_eq!(owner.and_then(|o| o.email.as_deref()), feed.owner_email);
    if feed.owner_email.is_some() {
        assert_eq!(owner.and_then(|o| o.name.as_deref()), Some(feed.author));
    }

    let atom = &channel.extensions["atom"]["link"];
    assert_eq!(atom.len(), 1);
    assert_eq!(attribute(&atom[0], "href"), Some(feed.feed_url));
    assert_eq!(attribute(&atom[0], "rel"), Some("self"));
    assert_eq!(attribute(&atom[0], "type"), Some("application/rss+xml"));
    let locked = &channel.extensions["podcast"]["locked"];
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0].value.as_deref(), Some("yes"));
    assert_eq!(attribute(&locked[0], "owner"), feed.owner_email);

    assert_eq!(channel.items.len(), feed.episodes.len());
    for (item, episode) in channel.items.iter().zip(&feed.episodes) {
        assert_eq!(
            item.title.as_deref(),
            Some(xml_text(episode.title).as_str())
        );
        assert_eq!(item.link.as_deref(), Some(episode.page_url));
        assert_eq!(
            item.description.as_deref(),
            Some(xml_text(episode.summary).as_str())
        );
        let guid = item.guid.as_ref().unwrap();
        assert_eq!((guid.value.as_str(), guid.permalink), (episode.guid, false));
        let published = jiff::fmt::rfc2822::parse(item.pub_date.as_deref().unwrap()).unwrap();
        assert_eq!(published.timestamp(), episode.published);
        let enclosure = item.enclosure.as_ref().unwrap();
        assert_eq!(enclosure.url, episode.audio.url);
        assert_eq!(enclosure.length, episode.audio.length.to_string());
        assert_eq!(enclosure.mime_type, episode.audio.mime_type);

        let itunes = item.itunes_ext.as_ref().unwrap();
        let duration = whole_seconds(episode.duration_s).to_string();
        assert_eq!(itunes.duration.as_deref(), Some(duration.as_str()));
        assert_eq!(itunes.explicit.as_deref(), Some("false"));
        assert_eq!(
            itunes.summary.as_deref(),
            Some(xml_text(episode.summary).as_str())
        );
        assert_eq!(itunes.image.as_deref(), episode.image_url);

        let podcast = item.extensions.get("podcast");
        let transcripts = podcast
            .and_then(|p| p.get("transcript"))
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(transcripts.len(), episode.transcripts.len());
        for (tag, transcript) in transcripts.iter().zip(&episode.transcripts) {
            assert_eq!(attribute(tag, "url"), Some(transcript.url));
            assert_eq!(attribute(tag, "type"), Some(transcript.format.mime_type()));
            assert_eq!(attribute(tag, "language"), transcript.language);
            assert_eq!(attribute(tag, "rel"), Some("captions"));
        }
        let chapters = podcast.and_then(|p| p.get("chapters"));
        match episode.chapters_url {
            Some(url) => {
                let chapters = chapters.unwrap();
                assert_eq!(chapters.len(), 1);
                assert_eq!(attribute(&chapters[0], "url"), Some(url));
                assert_eq!(
                    attribute(&chapters[0], "type"),
                    Some("application/json+chapters")
                );
            }
            None => assert!(chapters.is_none()),
        }
    }
}

#[test]
fn english_feed_reads_back_with_the_rss_crate() {
    check_with_rss_crate(&english_feed());
}

#[test]
fn chinese_feed_reads_back_with_the_rss_crate() {
    check_with_rss_crate(&chinese_feed());
}

/// Where `scripts/setup-python.sh` installed the parsers.
fn python_site() -> PathBuf {
    let site = match std::env::var_os("GOOSEPOD_PYTHON_SITE") {
        Some(site) => PathBuf::from(site),
        None => {
            let cache = std::env::var_os("GOOSEPOD_CACHE").map_or_else(
                || PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/goosepod"),
                PathBuf::from,
            );
            cache.join("python/site")
        }
    };
    assert!(
        site.join("podcastparser.py").is_file() && site.join("feedparser").is_dir(),
        "podcastparser and feedparser are not installed in {}: run scripts/setup-python.sh",
        site.display()
    );
    site
}

/// What podcastparser and feedparser read from `xml` (served at `url`).
fn parse_with_python(xml: &str, url: &str) -> Value {
    let script = format!(
        "{}/tests/fixtures/parse_feed.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut child = Command::new("python3")
        .arg(script)
        .arg(url)
        .env("PYTHONPATH", python_site())
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot run python3 ({error}): run scripts/setup-python.sh (it needs python3)")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "parse_feed.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// podcastparser and feedparser understand the feed as it was meant.
fn check_with_python_parsers(feed: &PodcastFeed<'_>) {
    let xml = render_feed(feed).unwrap();
    let parsed = parse_with_python(&xml, feed.feed_url);

    let gpodder = &parsed["podcastparser"];
    assert_eq!(gpodder["title"], feed.title);
    assert_eq!(gpodder["link"], feed.link);
    assert_eq!(gpodder["description"], feed.description);
    assert_eq!(gpodder["language"], feed.language);
    assert_eq!(gpodder["cover_url"], feed.image_url);
    assert_eq!(gpodder["type"], "episodic");
    assert_eq!(gpodder["explicit"], false);
    assert_eq!(gpodder["itunes_author"], feed.author);
    assert_eq!(gpodder["itunes_categories"], json!([["News"]]));
    match feed.owner_email {
        Some(email) => assert_eq!(
            gpodder["itunes_owner"],
            json!({"name": feed.author, "email": email})
        ),
        None => assert_eq!(gpodder["itunes_owner"], Value::Null),
    }
    let episodes = gpodder["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), feed.episodes.len());
    // podcastparser sorts episodes newest first, as the feed lists them.
    for (parsed, episode) in episodes.iter().zip(&feed.episodes) {
        assert_eq!(parsed["guid"], episode.guid);
        assert_eq!(parsed["title"], squash(&xml_text(episode.title)));
        assert_eq!(parsed["link"], episode.page_url);
        assert_eq!(parsed["description"], xml_text(episode.summary).trim());
        assert_eq!(parsed["published"], episode.published.as_second());
        assert_eq!(parsed["total_time"], whole_seconds(episode.duration_s));
        assert_eq!(parsed["explicit"], false);
        assert_eq!(parsed["type"], "full");
        assert_eq!(
            parsed["enclosures"],
            json!([{
                "url": episode.audio.url,
                "file_size": episode.audio.length,
                "mime_type": episode.audio.mime_type,
            }])
        );
        assert_eq!(parsed["episode_art_url"].as_str(), episode.image_url);
        // It knows the podcast namespace only by its former URI (see parse_feed.py).
        assert_eq!(parsed["transcript_url"], Value::Null);
        assert_eq!(parsed["chapters_json_url"], Value::Null);
    }
    assert_eq!(gpodder["import_prohibited"], Value::Null);

    // Under the former URI, which readers must take for the same namespace, it reads the
    // podcast tags; of the transcripts it keeps the last listed.
    let former = &parsed["podcastparser_former_uri"];
    assert_eq!(former["import_prohibited"], true);
    let episodes = former["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), feed.episodes.len());
    for (parsed, episode) in episodes.iter().zip(&feed.episodes) {
        assert_eq!(parsed["guid"], episode.guid);
        assert_eq!(
            parsed["transcript_url"].as_str(),
            episode.transcripts.last().map(|t| t.url)
        );
        assert_eq!(parsed["chapters_json_url"].as_str(), episode.chapters_url);
    }

    let fp = &parsed["feedparser"];
    assert_eq!(
        fp["bozo"], false,
        "feedparser found the feed ill-formed: {}",
        fp["bozo_exception"]
    );
    assert_eq!(fp["version"], "rss20");
    assert_eq!(fp["encoding"], "utf-8");
    assert_eq!(fp["title"], feed.title);
    assert_eq!(fp["link"], feed.link);
    assert_eq!(fp["subtitle"], feed.description);
    assert_eq!(fp["language"], feed.language);
    assert_eq!(fp["author"], feed.author);
    assert_eq!(fp["image"], feed.image_url);
    // feedparser reads only `yes` (true) and `clean` (false); anything else, Apple's
    // current `false` included, is None, which it documents as "not explicit" too.
    assert_eq!(fp["itunes_explicit"], Value::Null);
    assert_eq!(fp["itunes_type"], "episodic");
    assert_eq!(fp["categories"], json!(["News"]));
    assert_eq!(fp["self"], json!([feed.feed_url]));
    let locked = match feed.owner_email {
        Some(email) => json!({"owner": email}),
        None => json!("yes"),
    };
    assert_eq!(fp["podcast_locked"], locked);
    let entries = fp["entries"].as_array().unwrap();
    assert_eq!(entries.len(), feed.episodes.len());
    for (parsed, episode) in entries.iter().zip(&feed.episodes) {
        assert_eq!(parsed["id"], episode.guid);
        assert_eq!(parsed["guidislink"], false);
        assert_eq!(parsed["title"], xml_text(episode.title));
        assert_eq!(parsed["link"], episode.page_url);
        assert_eq!(parsed["published_epoch"], episode.published.as_second());
        assert_eq!(
            parsed["itunes_duration"],
            whole_seconds(episode.duration_s).to_string()
        );
        assert_eq!(parsed["itunes_explicit"], Value::Null);
        assert_eq!(parsed["image"].as_str(), episode.image_url);
        assert_eq!(
            parsed["enclosures"],
            json!([{
                "href": episode.audio.url,
                "length": episode.audio.length.to_string(),
                "type": episode.audio.mime_type,
            }])
        );
        // feedparser keeps the attributes of the last transcript, and of the chapters.
        let last = episode.transcripts.last().unwrap();
        let mut transcript = json!({
            "url": last.url,
            "type": last.format.mime_type(),
            "rel": "captions",
        });
        if let Some(language) = last.language {
            transcript["language"] = json!(language);
        }
        assert_eq!(parsed["podcast_transcript"], transcript);
        let chapters = episode
            .chapters_url
            .map(|url| json!({"url": url, "type": "application/json+chapters"}));
        assert_eq!(parsed["podcast_chapters"], json!(chapters));
    }
}

/// White space runs folded to one space, as podcastparser does to titles.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn english_feed_reads_in_podcastparser_and_feedparser() {
    check_with_python_parsers(&english_feed());
}

#[test]
fn chinese_feed_reads_in_podcastparser_and_feedparser() {
    check_with_python_parsers(&chinese_feed());
}
