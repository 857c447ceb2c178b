//! Writes a checked feed as RSS 2.0 XML with quick-xml, which escapes every text and
//! attribute value.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::checked::{Channel, Item};
use super::{ATOM_NAMESPACE, CHAPTERS_MIME_TYPE, ITUNES_NAMESPACE, PODCAST_NAMESPACE};

type XmlWriter = Writer<Vec<u8>>;

/// The feed document: XML declaration, `<rss>`, the channel and its items, indented.
pub(crate) fn write(channel: &Channel) -> io::Result<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:itunes", ITUNES_NAMESPACE),
            ("xmlns:podcast", PODCAST_NAMESPACE),
            ("xmlns:atom", ATOM_NAMESPACE),
        ])
        .write_inner_content(|w| {
            w.create_element("channel")
                .write_inner_content(|w| write_channel(w, channel))?;
            Ok(())
        })?;
    Ok(writer.into_inner())
}

fn write_channel(w: &mut XmlWriter, channel: &Channel) -> io::Result<()> {
    text(w, "title", &channel.title)?;
    text(w, "link", &channel.link)?;
    text(w, "description", &channel.description)?;
    text(w, "language", &channel.language)?;
    if let Some(date) = &channel.pub_date {
        text(w, "pubDate", date)?;
    }
    text(w, "generator", "Goose Pod")?;
    w.create_element("atom:link")
        .with_attributes([
            ("href", channel.feed_url.as_str()),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ])
        .write_empty()?;
    w.create_element("image").write_inner_content(|w| {
        text(w, "url", &channel.image_url)?;
        text(w, "title", &channel.title)?;
        text(w, "link", &channel.link)
    })?;

    text(w, "itunes:author", &channel.author)?;
    w.create_element("itunes:image")
        .with_attribute(("href", channel.image_url.as_str()))
        .write_empty()?;
    w.create_element("itunes:category")
        .with_attribute(("text", "News"))
        .write_empty()?;
    text(w, "itunes:explicit", "false")?;
    text(w, "itunes:type", "episodic")?;
    if let Some(email) = &channel.owner_email {
        w.create_element("itunes:owner").write_inner_content(|w| {
            text(w, "itunes:name", &channel.author)?;
            text(w, "itunes:email", email)
        })?;
    }

    let locked = w.create_element("podcast:locked");
    let locked = match &channel.owner_email {
        Some(email) => locked.with_attribute(("owner", email.as_str())),
        None => locked,
    };
    locked.write_text_content(BytesText::new("yes"))?;

    for item in &channel.items {
        w.create_element("item")
            .write_inner_content(|w| write_item(w, item))?;
    }
    Ok(())
}

fn write_item(w: &mut XmlWriter, item: &Item) -> io::Result<()> {
    text(w, "title", &item.title)?;
    text(w, "link", &item.link)?;
    if let Some(summary) = &item.summary {
        text(w, "description", summary)?;
    }
    w.create_element("guid")
        .with_attribute(("isPermaLink", "false"))
        .write_text_content(BytesText::new(&item.guid))?;
    text(w, "pubDate", &item.pub_date)?;
    w.create_element("enclosure")
        .with_attributes([
            ("url", item.audio_url.as_str()),
            ("length", &item.audio_length),
            ("type", &item.audio_mime_type),
        ])
        .write_empty()?;

    text(w, "itunes:duration", &item.duration)?;
    text(w, "itunes:explicit", "false")?;
    text(w, "itunes:episodeType", "full")?;
    if let Some(summary) = &item.summary {
        text(w, "itunes:summary", summary)?;
    }
    if let Some(url) = &item.image_url {
        w.create_element("itunes:image")
            .with_attribute(("href", url.as_str()))
            .write_empty()?;
    }

    for transcript in &item.transcripts {
        let mut tag = w.create_element("podcast:transcript").with_attributes([
            ("url", transcript.url.as_str()),
            ("type", transcript.mime_type),
        ]);
        if let Some(language) = &transcript.language {
            tag = tag.with_attribute(("language", language.as_str()));
        }
        if transcript.captions {
            tag = tag.with_attribute(("rel", "captions"));
        }
        tag.write_empty()?;
    }
    if let Some(url) = &item.chapters_url {
        w.create_element("podcast:chapters")
            .with_attributes([("url", url.as_str()), ("type", CHAPTERS_MIME_TYPE)])
            .write_empty()?;
    }
    Ok(())
}

/// `<name>text</name>`, the text escaped.
fn text(w: &mut XmlWriter, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}
