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
    audio_download: "MP3 audio",
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
    audio_download: "MP3 音频",
    vtt_download: "文字稿(WebVTT)",
    srt_download: "文字稿(SRT)",
    chapters_download: "章节(JSON)",
    json_download: "节目数据(JSON)",
    made_offline: "本期节目由 Goose Pod 根据上方原文制作(离线写作)。",
    made_by_model: "本期节目由 Goose Pod 根据上方原文制作,文稿由 {model} 撰写。",
};

/// The labels for a show in `language`.
pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::ZhCn => &ZH,
        Language::EnUs => &EN,
    }
}
