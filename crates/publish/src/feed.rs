//! A listener's private podcast feed: RSS 2.0 with the iTunes tags podcast apps rely on
//! and the Podcasting 2.0 tags for transcripts and chapters.
//!
//! [`render_feed`] is a pure function of a [`PodcastFeed`]: it checks every field
//! (`checked`, with the rules in `values`), then writes the document (`xml`, quick-xml).
//! Every text is cleaned of the characters XML cannot hold and escaped by the writer;
//! every address must be absolute `http(s)`; an error names the field that is wrong
//! (`episodes[1].audio.url`).

mod checked;
mod values;
mod xml;

/// The iTunes podcast namespace.
pub const ITUNES_NAMESPACE: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
/// The Podcasting 2.0 namespace (`podcast:`).
pub const PODCAST_NAMESPACE: &str = "https://podcastindex.org/namespace/1.0";
/// The Atom namespace, for the feed's `atom:link rel="self"`.
pub const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";
/// The MIME type of Podcasting 2.0 chapters (`chapters.json`).
pub const CHAPTERS_MIME_TYPE: &str = "application/json+chapters";

/// One listener's feed: the show and its episodes.
#[derive(Debug, Clone, PartialEq)]
pub struct PodcastFeed<'a> {
    /// The show's title, e.g. `Goose Pod for Norris`.
    pub title: &'a str,
    /// The show's description, plain text.
    pub description: &'a str,
    /// The show's language as a BCP 47 tag (`en`, `zh-CN`).
    pub language: &'a str,
    /// Who makes the show (`itunes:author`, and the owner's name).
    pub author: &'a str,
    /// Absolute URL of the listener's dashboard (the channel's `link`).
    pub link: &'a str,
    /// Absolute URL of this feed (`atom:link rel="self"`).
    pub feed_url: &'a str,
    /// Absolute URL of the show's square cover PNG (`itunes:image` and `image`).
    pub image_url: &'a str,
    /// The owner's email (`itunes:owner`, `podcast:locked owner=`), when there is one.
    pub owner_email: Option<&'a str>,
    /// The episodes, newest first.
    pub episodes: Vec<FeedEpisode<'a>>,
}

/// One episode of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEpisode<'a> {
    /// Stable identifier, unique in the feed (`guid isPermaLink="false"`).
    pub guid: &'a str,
    /// The episode's title.
    pub title: &'a str,
    /// The summary, plain text (`description` and `itunes:summary`).
    pub summary: &'a str,
    /// Absolute URL of the episode's page (`link`).
    pub page_url: &'a str,
    /// When the episode was published (`pubDate`).
    pub published: jiff::Timestamp,
    /// The audio's length in seconds (`itunes:duration`, written in whole seconds).
    pub duration_s: f64,
    /// The audio file (`enclosure`).
    pub audio: Enclosure<'a>,
    /// Absolute URL of the episode's own square cover (`itunes:image`), if it has one.
    pub image_url: Option<&'a str>,
    /// The transcripts, one `podcast:transcript` each.
    pub transcripts: Vec<Transcript<'a>>,
    /// Absolute URL of the Podcasting 2.0 chapters file (`podcast:chapters`), if any.
    pub chapters_url: Option<&'a str>,
}

/// An episode's audio file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enclosure<'a> {
    /// Absolute URL of the file.
    pub url: &'a str,
    /// The file's exact length in bytes.
    pub length: u64,
    /// Its MIME type, e.g. `audio/mpeg`.
    pub mime_type: &'a str,
}

impl<'a> Enclosure<'a> {
    /// The enclosure of an episode's audio (`episode.json`'s `audio`) served at `url`:
    /// its size, and its MIME type as [`enclosure_type`] gives it.
    pub fn for_audio(url: &'a str, audio: &'a goosepod_core::episode::Audio) -> Enclosure<'a> {
        Enclosure {
            url,
            length: audio.bytes,
            mime_type: enclosure_type(&audio.mime_type),
        }
    }
}

/// An audio file's MIME type as an enclosure names it: without parameters
/// (`audio/ogg; codecs=opus` is `audio/ogg`), the form podcast apps match on.
pub fn enclosure_type(mime_type: &str) -> &str {
    mime_type.split(';').next().unwrap_or_default().trim()
}

/// One transcript of an episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transcript<'a> {
    /// Absolute URL of the file.
    pub url: &'a str,
    /// The file's format.
    pub format: TranscriptFormat,
    /// The transcript's language (BCP 47) when it differs from the show's or should be
    /// stated; without it apps assume the show's language.
    pub language: Option<&'a str>,
}

/// The transcript formats Goose Pod publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TranscriptFormat {
    /// WebVTT (`transcript.vtt`), timed captions.
    WebVtt,
    /// SubRip (`transcript.srt`), timed captions.
    Srt,
    /// The Podcasting 2.0 JSON transcript.
    Json,
}

impl TranscriptFormat {
    /// The MIME type `podcast:transcript type=` names.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::WebVtt => "text/vtt",
            Self::Srt => "application/x-subrip",
            Self::Json => "application/json",
        }
    }

    /// Whether the file is timed captions (`rel="captions"`), which apps may show in
    /// step with the audio.
    pub fn is_captions(self) -> bool {
        matches!(self, Self::WebVtt | Self::Srt)
    }
}

/// Why a feed could not be rendered; each names the field (`episodes[1].audio.url`).
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// An address is not an absolute `http`/`https` URL.
    #[error("{field}: {url:?} is not an absolute http(s) URL: {reason}")]
    BadUrl {
        /// The field holding it.
        field: String,
        /// The address as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A text the feed needs is empty (or was only white space and control characters).
    #[error("{field} is empty")]
    Empty {
        /// The field.
        field: String,
    },
    /// A duration is negative, infinite or not a number.
    #[error("{field}: {seconds} is not a duration in seconds")]
    BadDuration {
        /// The field.
        field: String,
        /// The value given.
        seconds: f64,
    },
    /// An audio file's length is zero bytes.
    #[error("{field}: an audio file cannot be 0 bytes long")]
    EmptyAudio {
        /// The field.
        field: String,
    },
    /// A MIME type is not `type/subtype`.
    #[error("{field}: {value:?} is not a MIME type")]
    BadMimeType {
        /// The field.
        field: String,
        /// The value given.
        value: String,
    },
    /// A language is not a BCP 47 tag.
    #[error("{field}: {tag:?} is not a BCP 47 language tag")]
    BadLanguage {
        /// The field.
        field: String,
        /// The value given.
        tag: String,
    },
    /// The owner's email is not an address.
    #[error("{field}: {address:?} is not an email address")]
    BadEmail {
        /// The field.
        field: String,
        /// The value given.
        address: String,
    },
    /// Two episodes share a guid, which would make apps drop one of them.
    #[error("episodes[{second}].guid: {guid:?} is already the guid of episodes[{first}]")]
    DuplicateGuid {
        /// The guid.
        guid: String,
        /// The index of the episode that has it first.
        first: usize,
        /// The index of the episode that repeats it.
        second: usize,
    },
    /// An instant cannot be written as an RFC 2822 date (a year before 1 or after 9999).
    #[error("{field}: {instant} cannot be written as an RFC 2822 date: {source}")]
    BadDate {
        /// The field.
        field: String,
        /// The instant given.
        instant: jiff::Timestamp,
        /// Why.
        source: jiff::Error,
    },
    /// The XML writer failed.
    #[error("cannot write the feed's XML: {0}")]
    Xml(#[from] std::io::Error),
}

/// Renders the feed as an RSS 2.0 document (UTF-8, XML declaration included), or says
/// which field is wrong.
pub fn render_feed(feed: &PodcastFeed<'_>) -> Result<String, FeedError> {
    let bytes = xml::write(&checked::check(feed)?)?;
    // Every piece written came from a `&str`, so the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use rss::Channel;

    use super::*;

    fn episode(guid: &'static str) -> FeedEpisode<'static> {
        FeedEpisode {
            guid,
            title: "Rates & \"cuts\" <maybe>",
            summary: "Fed's 0.25 % cut < expected; 利率 🦢\u{7}",
            page_url: "https://pod.example.com/e/1/",
            published: "2025-12-15T07:00:00Z".parse().unwrap(),
            duration_s: 301.6,
            audio: Enclosure {
                url: "https://pod.example.com/e/1/episode.mp3",
                length: 4_825_117,
                mime_type: "audio/mpeg",
            },
            image_url: None,
            transcripts: vec![Transcript {
                url: "https://pod.example.com/e/1/transcript.vtt",
                format: TranscriptFormat::WebVtt,
                language: Some("en"),
            }],
            chapters_url: Some("https://pod.example.com/e/1/chapters.json"),
        }
    }

    fn feed() -> PodcastFeed<'static> {
        PodcastFeed {
            title: "Goose Pod for Norris & Co",
            description: "News\u{0}, read <aloud>.",
            language: "en",
            author: "Goose Pod",
            link: "https://pod.example.com/me",
            feed_url: "https://pod.example.com/feed/abc.xml",
            image_url: "https://pod.example.com/cover.png",
            owner_email: Some("norris@example.com"),
            episodes: vec![episode("goosepod:1")],
        }
    }

    #[test]
    fn text_is_escaped_and_forbidden_characters_are_gone() {
        let xml = render_feed(&feed()).unwrap();
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{xml}"
        );
        assert!(
            xml.contains("<title>Goose Pod for Norris &amp; Co</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("<description>News, read &lt;aloud&gt;.</description>"),
            "{xml}"
        );
        assert!(
            xml.contains("<title>Rates &amp; &quot;cuts&quot; &lt;maybe&gt;</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("<description>Fed&apos;s 0.25 % cut &lt; expected; 利率 🦢</description>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<itunes:summary>Fed&apos;s 0.25 % cut &lt; expected; 利率 🦢</itunes:summary>"
            ),
            "{xml}"
        );
        assert!(!xml.contains('\u{0}') && !xml.contains('\u{7}'));
    }

    #[test]
    fn markup_in_a_summary_reads_back_as_text() {
        let mut feed = feed();
        feed.episodes[0].summary = "a ]]> b <![CDATA[ c";
        let xml = render_feed(&feed).unwrap();
        let channel = Channel::read_from(xml.as_bytes()).unwrap();
        assert_eq!(
            channel.items[0].description.as_deref(),
            Some("a ]]> b <![CDATA[ c")
        );
    }

    #[test]
    fn the_channel_carries_the_podcast_tags() {
        let xml = render_feed(&feed()).unwrap();
        for expected in [
            "xmlns:atom=\"http://www.w3.org/2005/Atom\"",
            "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"",
            "xmlns:podcast=\"https://podcastindex.org/namespace/1.0\"",
            "<atom:link href=\"https://pod.example.com/feed/abc.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
            "<podcast:locked owner=\"norris@example.com\">yes</podcast:locked>",
            "<itunes:category text=\"News\"/>",
            "<itunes:explicit>false</itunes:explicit>",
            "<itunes:type>episodic</itunes:type>",
            "<itunes:email>norris@example.com</itunes:email>",
            "<pubDate>Mon, 15 Dec 2025 07:00:00 +0000</pubDate>",
            "<guid isPermaLink=\"false\">goosepod:1</guid>",
            "<enclosure url=\"https://pod.example.com/e/1/episode.mp3\" length=\"4825117\" type=\"audio/mpeg\"/>",
            "<itunes:duration>302</itunes:duration>",
            "<podcast:transcript url=\"https://pod.example.com/e/1/transcript.vtt\" type=\"text/vtt\" language=\"en\" rel=\"captions\"/>",
            "<podcast:chapters url=\"https://pod.example.com/e/1/chapters.json\" type=\"application/json+chapters\"/>",
        ] {
            assert!(xml.contains(expected), "{expected} missing from\n{xml}");
        }
    }

    #[test]
    fn an_opus_episode_is_enclosed_as_ogg_audio() {
        let audio = goosepod_core::episode::Audio {
            file: goosepod_core::episode::files::OPUS.to_string(),
            mime_type: "audio/ogg; codecs=opus".to_string(),
            duration_s: 301.6,
            bytes: 2_118_406,
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.3,
        };
        let mut feed = feed();
        feed.episodes[0].audio =
            Enclosure::for_audio("https://pod.example.com/e/1/episode.opus", &audio);
        let xml = render_feed(&feed).unwrap();
        assert!(
            xml.contains(
                "<enclosure url=\"https://pod.example.com/e/1/episode.opus\" length=\"2118406\" type=\"audio/ogg\"/>"
            ),
            "{xml}"
        );
        let channel = Channel::read_from(xml.as_bytes()).unwrap();
        let enclosure = channel.items[0].enclosure.as_ref().unwrap();
        assert_eq!(enclosure.mime_type, "audio/ogg");
        assert_eq!(enclosure_type("audio/mpeg"), "audio/mpeg");
        assert_eq!(enclosure_type(" audio/ogg ;codecs=opus"), "audio/ogg");
    }

    #[test]
    fn without_an_owner_the_feed_is_locked_without_one() {
        let mut feed = feed();
        feed.owner_email = None;
        let xml = render_feed(&feed).unwrap();
        assert!(
            xml.contains("<podcast:locked>yes</podcast:locked>"),
            "{xml}"
        );
        assert!(!xml.contains("itunes:owner"), "{xml}");
    }

    #[test]
    fn every_transcript_has_its_own_tag() {
        let mut feed = feed();
        feed.episodes[0].transcripts.extend([
            Transcript {
                url: "https://pod.example.com/e/1/transcript.srt",
                format: TranscriptFormat::Srt,
                language: None,
            },
            Transcript {
                url: "https://pod.example.com/e/1/transcript.json",
                format: TranscriptFormat::Json,
                language: Some("zh-CN"),
            },
        ]);
        let xml = render_feed(&feed).unwrap();
        assert_eq!(xml.matches("<podcast:transcript ").count(), 3, "{xml}");
        assert!(xml.contains("<podcast:transcript url=\"https://pod.example.com/e/1/transcript.srt\" type=\"application/x-subrip\" rel=\"captions\"/>"));
        assert!(xml.contains("<podcast:transcript url=\"https://pod.example.com/e/1/transcript.json\" type=\"application/json\" language=\"zh-CN\"/>"));
    }

    /// A change that makes a good feed wrong.
    type Spoil = fn(&mut PodcastFeed<'static>);

    #[test]
    fn bad_urls_are_refused_naming_the_field() {
        let cases: [(Spoil, &str); 8] = [
            (|f| f.link = "/me", "link"),
            (|f| f.feed_url = "feed.xml", "feed_url"),
            (
                |f| f.image_url = "ftp://pod.example.com/cover.png",
                "image_url",
            ),
            (|f| f.episodes[0].page_url = "e/1/", "episodes[0].page_url"),
            (
                |f| f.episodes[0].audio.url = "file:///tmp/e.mp3",
                "episodes[0].audio.url",
            ),
            (
                |f| f.episodes[0].image_url = Some("cover.png"),
                "episodes[0].image_url",
            ),
            (
                |f| f.episodes[0].transcripts[0].url = "transcript.vtt",
                "episodes[0].transcripts[0].url",
            ),
            (
                |f| f.episodes[0].chapters_url = Some("data:,{}"),
                "episodes[0].chapters_url",
            ),
        ];
        for (spoil, field) in cases {
            let mut feed = feed();
            spoil(&mut feed);
            let error = render_feed(&feed).unwrap_err();
            assert!(
                matches!(&error, FeedError::BadUrl { field: f, .. } if f == field),
                "{error:?}"
            );
            assert!(
                error.to_string().starts_with(&format!("{field}: ")),
                "{error}"
            );
        }
    }

    #[test]
    fn other_bad_values_are_refused_naming_the_field() {
        let mut bad = feed();
        bad.episodes.push(episode("goosepod:2"));
        bad.episodes[1].duration_s = f64::NAN;
        let error = render_feed(&bad).unwrap_err().to_string();
        assert!(error.starts_with("episodes[1].duration_s: NaN"), "{error}");

        let mut bad = feed();
        bad.episodes[0].audio.length = 0;
        let error = render_feed(&bad).unwrap_err().to_string();
        assert_eq!(
            error,
            "episodes[0].audio.length: an audio file cannot be 0 bytes long"
        );

        let mut bad = feed();
        bad.episodes[0].audio.mime_type = "mp3";
        let error = render_feed(&bad).unwrap_err().to_string();
        assert_eq!(
            error,
            "episodes[0].audio.mime_type: \"mp3\" is not a MIME type"
        );

        let mut bad = feed();
        bad.language = "English";
        let error = render_feed(&bad).unwrap_err().to_string();
        assert_eq!(error, "language: \"English\" is not a BCP 47 language tag");

        let mut bad = feed();
        bad.owner_email = Some("norris");
        let error = render_feed(&bad).unwrap_err().to_string();
        assert_eq!(error, "owner_email: \"norris\" is not an email address");

        let mut bad = feed();
        bad.episodes[0].title = "\u{1}  ";
        let error = render_feed(&bad).unwrap_err().to_string();
        assert_eq!(error, "episodes[0].title is empty");

        let mut bad = feed();
        bad.episodes.push(episode("goosepod:1"));
        let error = render_feed(&bad).unwrap_err().to_string();
        assert_eq!(
            error,
            "episodes[1].guid: \"goosepod:1\" is already the guid of episodes[0]"
        );
    }

    #[test]
    fn a_feed_without_episodes_is_still_a_feed() {
        let mut feed = feed();
        feed.episodes.clear();
        let channel = Channel::read_from(render_feed(&feed).unwrap().as_bytes()).unwrap();
        assert!(channel.items.is_empty());
        assert_eq!(channel.pub_date, None);
        assert_eq!(channel.title, "Goose Pod for Norris & Co");
    }
}
