//! Example scripts shaped like a real episode (the reference page's OpenAI story), in
//! Chinese and English.

#![allow(dead_code)]

use goosepod_voice::{ScriptHost, ScriptLine, ScriptSegment, Speaker, SpeechScript};

/// (speaker, segment, text)
type Turn = (Speaker, &'static str, &'static str);

const ZH: &[Turn] = &[
    (
        Speaker::A,
        "opening",
        "Hello Norris,我是雷总,欢迎来到 Goose Pod。今天是12月16日,星期二,现在是凌晨2点14分。虽然是深夜,但今天的话题绝对能让你瞬间清醒。",
    ),
    (
        Speaker::B,
        "opening",
        "没错,我是小撒。Norris,咱们今天要聊的可是一场科技圈的“权力的游戏”。",
    ),
    (
        Speaker::B,
        "core_event",
        "事情的导火索是这样的,Salesforce 的 CEO Marc Benioff 最近突然倒戈,转头就夸 Google 的 Gemini 3。",
    ),
    (
        Speaker::A,
        "core_event",
        "更关键的是 OpenAI 的反应。他们在12月9日紧急发布了 GPT-5.2,Thinking 版本的错误率降低了38%。",
    ),
    (Speaker::B, "core_event", "真的吗?"),
    (
        Speaker::A,
        "core_event",
        "真的。OpenAI 的目标是2027年营收达到1000亿美元。",
    ),
    (
        Speaker::B,
        "background",
        "2022年 OpenAI 发布 ChatGPT 的时候,那是绝对的遥遥领先。当时 Google 被打得措手不及。",
    ),
    (
        Speaker::A,
        "background",
        "Google 有7款产品用户超过20亿,他们把 Gemini 直接塞进了搜索、地图、文档里。",
    ),
    (
        Speaker::B,
        "conflict",
        "现在的矛盾点在于,OpenAI 到底想做一个最聪明的机器人,还是一个无所不包的商业帝国?",
    ),
    (
        Speaker::A,
        "conflict",
        "为了提高用户留存率,算法开始迎合用户。那个130亿美元的年收入目标悬在头顶。",
    ),
    (
        Speaker::A,
        "impact",
        "OpenAI 和合作伙伴承诺在未来几年投入1.4万亿美元建设基础设施,也就是 US$1.4 trillion。",
    ),
    (
        Speaker::B,
        "impact",
        "神仙打架,凡人得利。Google 拿出了 Gemini 3,OpenAI 被逼出了 GPT-5.2。",
    ),
    (
        Speaker::A,
        "outlook",
        "展望未来,OpenAI 还有一个代号叫 Garlic 的秘密武器,预计2026年发布。",
    ),
    (
        Speaker::B,
        "outlook",
        "这场 AI 马拉松才刚刚开始,谁能笑到最后,还真不好说。",
    ),
    (
        Speaker::A,
        "closing",
        "今天的讨论就到这里。感谢收听 Goose Pod,我是雷总。",
    ),
    (
        Speaker::B,
        "closing",
        "我是小撒。Norris,别忘了明天继续锁定 Goose Pod,我们明天见!",
    ),
];

const EN: &[Turn] = &[
    (
        Speaker::A,
        "opening",
        "Hello Norris, I'm Alex, and welcome to Goose Pod. It's Tuesday, December 16, and it's 2:14 a.m. It's late, but today's story will wake you up.",
    ),
    (
        Speaker::B,
        "opening",
        "That's right, I'm Sam. Norris, today we're talking about a real **game of thrones** in tech.",
    ),
    (
        Speaker::B,
        "core_event",
        "It started when Salesforce CEO Marc Benioff, a ChatGPT fan for 3 years, switched to Google's Gemini 3 and called the leap insane.",
    ),
    (
        Speaker::A,
        "core_event",
        "And OpenAI answered fast. On December 9 it shipped GPT-5.2, and the Thinking version cuts errors by 38%.",
    ),
    (Speaker::B, "core_event", "Really?"),
    (
        Speaker::A,
        "core_event",
        "Really. OpenAI wants US$100bn in revenue by 2027.",
    ),
    (
        Speaker::B,
        "background",
        "When OpenAI launched ChatGPT in 2022, it was far ahead. Google was caught off guard, and its first Bard demo had a factual error.",
    ),
    (
        Speaker::A,
        "background",
        "But Google has 7 products with more than 2 billion users each, and it put Gemini into Search, Maps and Docs.",
    ),
    (
        Speaker::B,
        "conflict",
        "So what does OpenAI want to be: the smartest model, or an everything company with shopping, a browser and social apps?",
    ),
    (
        Speaker::A,
        "conflict",
        "The pressure shows. There's a $13 billion revenue target, and critics say the chatbot has become too eager to please.",
    ),
    (
        Speaker::A,
        "impact",
        "OpenAI and its partners have committed about US$1.4 trillion to data centers over the coming years.",
    ),
    (
        Speaker::B,
        "impact",
        "When giants fight, users win. Google brought Gemini 3, and OpenAI answered with GPT-5.2.",
    ),
    (
        Speaker::A,
        "outlook",
        "Looking ahead, OpenAI reportedly has a model code-named Garlic, expected in 2026.",
    ),
    (
        Speaker::B,
        "outlook",
        "This AI marathon has only just started, and nobody knows who will finish first.",
    ),
    (
        Speaker::A,
        "closing",
        "That's all for today. Thanks for listening to Goose Pod, I'm Alex.",
    ),
    (
        Speaker::B,
        "closing",
        "And I'm Sam. Norris, come back tomorrow. See you then!",
    ),
];

fn segments(zh: bool) -> Vec<ScriptSegment> {
    let titles: &[(&str, &str, &str)] = &[
        ("opening", "开场", "Opening"),
        ("core_event", "核心事件", "Core event"),
        ("background", "背景", "Background"),
        ("conflict", "关键冲突", "Key conflict"),
        ("impact", "影响", "Impact"),
        ("outlook", "展望", "Outlook"),
        ("closing", "结束", "Sign-off"),
    ];
    titles
        .iter()
        .map(|(id, zh_title, en_title)| ScriptSegment {
            id: id.to_string(),
            title: if zh { zh_title } else { en_title }.to_string(),
        })
        .collect()
}

fn script(zh: bool, turns: &[Turn], repeat: usize) -> SpeechScript {
    let mut lines = Vec::new();
    for round in 0..repeat {
        for (speaker, segment, text) in turns {
            // Repeated rounds get their own segments, like a longer episode.
            let segment = if round == 0 {
                segment.to_string()
            } else {
                format!("{segment}_{round}")
            };
            lines.push(ScriptLine {
                speaker: *speaker,
                segment,
                text: text.to_string(),
            });
        }
    }
    SpeechScript {
        title: if zh {
            "OpenAI 陷入困境"
        } else {
            "OpenAI Is in Trouble"
        }
        .to_string(),
        show: "Goose Pod".to_string(),
        summary: if zh {
            "OpenAI 遭遇前所未有的危机,Google Gemini 3 的崛起对其构成严峻挑战。"
        } else {
            "OpenAI faces its hardest moment yet as Google's Gemini 3 takes the lead."
        }
        .to_string(),
        date: Some(jiff::civil::date(2025, 12, 15)),
        language: if zh { "zh-CN" } else { "en-US" }.to_string(),
        hosts: if zh {
            [
                ScriptHost {
                    name: "雷总".into(),
                    voice: None,
                },
                ScriptHost {
                    name: "小撒".into(),
                    voice: None,
                },
            ]
        } else {
            [
                ScriptHost {
                    name: "Alex".into(),
                    voice: None,
                },
                ScriptHost {
                    name: "Sam".into(),
                    voice: None,
                },
            ]
        },
        segments: segments(zh),
        lines,
    }
}

/// A short Chinese episode: the first `n` turns.
pub fn zh_short(n: usize) -> SpeechScript {
    script(true, &ZH[..n.min(ZH.len())], 1)
}

/// A short English episode: the first `n` turns.
pub fn en_short(n: usize) -> SpeechScript {
    script(false, &EN[..n.min(EN.len())], 1)
}

/// The whole Chinese conversation, `repeat` times over.
pub fn zh_long(repeat: usize) -> SpeechScript {
    script(true, ZH, repeat)
}

/// The whole English conversation, `repeat` times over.
pub fn en_long(repeat: usize) -> SpeechScript {
    script(false, EN, repeat)
}
