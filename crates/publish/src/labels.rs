//! The page's own words, per show language.

use goosepod_core::Language;

/// Every fixed string on the episode page.
#[derive(Debug)]
pub struct Labels {
    pub skip_to_transcript: &'static str,
    pub topics: &'static str,
    pub player: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub back: &'static str,
    pub forward: &'static str,
    pub speed: &'static str,
    pub seek: &'static str,
    pub transcript: &'static str,
    pub summary: &'static str,
    pub source: &'static str,
    /// `{publisher}` is replaced by the publisher's name.
    pub read_original_at: &'static str,
    pub read_original: &'static str,
    pub analysis: &'static str,
    pub downloads: &'static str,
    /// The download link of an MP3 file.
    pub mp3_download: &'static str,
    /// The download link of an Opus file.
    pub opus_download: &'static str,
    /// The download link of audio in another format.
    pub audio_download: &'static str,
    pub vtt_download: &'static str,
    pub srt_download: &'static str,
    pub chapters_download: &'static str,
    pub json_download: &'static str,
    pub made_offline: &'static str,
    /// `{model}` is replaced by the model's name.
    pub made_by_model: &'static str,
}

const EN: Labels = Labels {
    skip_to_transcript: "Skip to the transcript",
    topics: "Topics",
    player: "Player",
    play: "Play",
    pause: "Pause",
    back: "Back 15 seconds",
    forward: "Forward 15 seconds",
    speed: "Speed",
    seek: "Position",
    transcript: "Transcript",
    summary: "Summary",
    source: "Source",
    read_original_at: "Read original at {publisher}",
    read_original: "Read the original",
    analysis: "Analysis",
    downloads: "Downloads",
    mp3_download: "MP3 audio",
    opus_download: "Opus audio",
    audio_download: "Audio",
    vtt_download: "Transcript (WebVTT)",
    srt_download: "Transcript (SRT)",
    chapters_download: "Chapters (JSON)",
    json_download: "Episode data (JSON)",
    made_offline: "Made by Goose Pod from the article above, with its offline writer.",
    made_by_model: "Made by Goose Pod from the article above, written with {model}.",
};

const ZH: Labels = Labels {
    skip_to_transcript: "跳到文字稿",
    topics: "话题",
    player: "播放器",
    play: "播放",
    pause: "暂停",
    back: "后退15秒",
    forward: "前进15秒",
    speed: "倍速",
    seek: "播放进度",
    transcript: "文字稿",
    summary: "摘要",
    source: "原文",
    read_original_at: "在{publisher}阅读原文",
    read_original: "阅读原文",
    analysis: "分析",
    downloads: "下载",
    mp3_download: "MP3 音频",
    opus_download: "Opus 音频",
    audio_download: "音频",
    vtt_download: "文字稿(WebVTT)",
    srt_download: "文字稿(SRT)",
    chapters_download: "章节(JSON)",
    json_download: "节目数据(JSON)",
    made_offline: "本期节目由 Goose Pod 根据上方原文制作(离线写作)。",
    made_by_model: "本期节目由 Goose Pod 根据上方原文制作,文稿由 {model} 撰写。",
};

impl Labels {
    /// The download link's words for an audio file of `mime_type` named `file`:
    /// MP3 for `audio/mpeg`, Opus for `audio/opus`, a `codecs=opus` parameter or an
    /// `.opus` file, plain "audio" otherwise.
    pub fn audio_download_for(&self, file: &str, mime_type: &str) -> &'static str {
        let mut parts = mime_type.split(';').map(str::trim);
        let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
        let opus_codec = parts.any(|p| {
            p.split_once('=').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("codecs")
                    && value.trim_matches('"').eq_ignore_ascii_case("opus")
            })
        });
        if essence == "audio/mpeg" || essence == "audio/mp3" {
            self.mp3_download
        } else if essence == "audio/opus"
            || opus_codec
            || (essence == "audio/ogg" && file.to_ascii_lowercase().ends_with(".opus"))
        {
            self.opus_download
        } else {
            self.audio_download
        }
    }
}

/// The labels for a show in `language`.
pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::ZhCn => &ZH,
        Language::EnUs => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_names_the_audio_format() {
        let en = labels(Language::EnUs);
        assert_eq!(
            en.audio_download_for("episode.mp3", "audio/mpeg"),
            "MP3 audio"
        );
        assert_eq!(
            en.audio_download_for("episode.opus", "audio/ogg; codecs=opus"),
            "Opus audio"
        );
        assert_eq!(
            en.audio_download_for("x.ogg", "audio/ogg; codecs=\"opus\""),
            "Opus audio"
        );
        assert_eq!(
            en.audio_download_for("episode.opus", "audio/ogg"),
            "Opus audio"
        );
        assert_eq!(en.audio_download_for("x.ogg", "audio/ogg"), "Audio");
        assert_eq!(en.audio_download_for("x.m4a", "audio/mp4"), "Audio");
        let zh = labels(Language::ZhCn);
        assert_eq!(
            zh.audio_download_for("episode.opus", "audio/ogg; codecs=opus"),
            "Opus 音频"
        );
        assert_eq!(
            zh.audio_download_for("episode.mp3", "audio/mpeg"),
            "MP3 音频"
        );
    }
}
