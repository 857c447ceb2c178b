//! Near-duplicate stories: 64-bit SimHash fingerprints of article text.
//!
//! The same story reaches a listener from several feeds, with different boilerplate
//! (bylines, "Advertisement", newsletter boxes) and sometimes an edited paragraph.
//! [`fingerprint`] reduces a text to 64 bits such that similar texts differ in few bits;
//! [`is_near_duplicate`] compares two fingerprints against [`NEAR_DUPLICATE_DISTANCE`].
//!
//! Text is normalised first (NFKC, so full-width letters and digits become ASCII;
//! lower case; punctuation and whitespace dropped) and cut into tokens: words for
//! alphabetic scripts, single characters for CJK. Shingles are runs of
//! [`SHINGLE_TOKENS`] tokens (word 3-grams, or Han character 3-grams), each hashed with
//! SipHash-1-3 under fixed keys, so a fingerprint never changes between runs or releases
//! and may be stored.
//!
//! The shingle size and threshold were chosen by measurement over the extraction
//! evaluation set (181 English and 35 Chinese articles; `cargo run --release -p
//! goosepod-ingest --example similar_eval`): see [`NEAR_DUPLICATE_DISTANCE`]. Shingles
//! of 2 tokens brought different articles as close as 15 bits; of 4, they moved edited
//! copies further apart; 3 separated the two best.

use std::hash::Hasher;

use goosepod_core::language::is_cjk;
use siphasher::sip::SipHasher13;
use unicode_normalization::UnicodeNormalization;

/// How many tokens make a shingle.
pub const SHINGLE_TOKENS: usize = 3;

/// The largest Hamming distance at which two fingerprints are the same story.
///
/// Measured over the evaluation articles (those of 400 characters or more; see the
/// module docs):
///
/// | pairs | n | median | 95th pct. | within 12 |
/// |---|---|---|---|---|
/// | different articles, en | 16,110 | 32 (min 18) | 39 | 0 |
/// | different articles, zh | 561 | 32 (min 21) | 38 | 0 |
/// | + boilerplate (byline, ad, newsletter box), en / zh | 180 / 34 | 5 / 4 | 12 / 6 | 96 % / 100 % |
/// | one paragraph edited, en / zh | 180 / 34 | 7 / 6 | 16 / 21 | 88 % / 82 % |
/// | one paragraph dropped, en / zh | 180 / 34 | 7 / 6 | 16 / 13 | 83 % / 88 % |
/// | other extractors' text of the same page, en | 171–180 | 3–5 | 14–16 | 90–93 % |
///
/// Different articles' distances fit a normal curve (mean 32, sd 4.0): at 12 under one
/// pair in a million matches by chance, at 14 about one in 150,000, at 16 one in
/// 16,000 — a listener's pool of a few hundred stories a day has tens of thousands of
/// pairs, so 12 keeps chance merges rare while catching most copies. Misses are copies
/// of short texts whose one edit changes a large share of them.
pub const NEAR_DUPLICATE_DISTANCE: u32 = 12;

/// Fixed SipHash keys: fingerprints are stored, so they must never change.
const KEYS: (u64, u64) = (0x7369_6d68_6173_6831, 0x676f_6f73_6570_6f64);

/// The 64-bit SimHash of `text`'s shingles; `0` for a text without any word.
pub fn fingerprint(text: &str) -> u64 {
    let tokens = tokens(text);
    if tokens.is_empty() {
        return 0;
    }
    let mut weights = [0i64; 64];
    let width = SHINGLE_TOKENS.min(tokens.len());
    for shingle in tokens.windows(width) {
        let hash = hash_shingle(shingle);
        for (bit, weight) in weights.iter_mut().enumerate() {
            *weight += if (hash >> bit) & 1 == 1 { 1 } else { -1 };
        }
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, weight)| **weight > 0)
        .fold(0u64, |fingerprint, (bit, _)| fingerprint | (1 << bit))
}

/// How many bits two fingerprints differ in (0–64).
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two fingerprints are of the same story: at most
/// [`NEAR_DUPLICATE_DISTANCE`] bits apart.
pub fn is_near_duplicate(a: u64, b: u64) -> bool {
    distance(a, b) <= NEAR_DUPLICATE_DISTANCE
}

fn hash_shingle(shingle: &[String]) -> u64 {
    let mut hasher = SipHasher13::new_with_keys(KEYS.0, KEYS.1);
    for token in shingle {
        hasher.write(token.as_bytes());
        hasher.write_u8(0xFF);
    }
    hasher.finish()
}

/// The normalised tokens of `text`: lower-case words of letters and digits (apostrophes
/// inside a word dropped, so "don't" is "dont"), and each CJK character on its own.
fn tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if is_cjk(c) {
            flush(&mut word, &mut tokens);
            tokens.push(c.to_string());
        } else if c.is_alphanumeric() {
            word.push(c);
        } else {
            let apostrophe_in_word = matches!(c, '\'' | '’') && !word.is_empty();
            if !apostrophe_in_word {
                flush(&mut word, &mut tokens);
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

fn flush(word: &mut String, tokens: &mut Vec<String>) {
    if !word.is_empty() {
        tokens.push(std::mem::take(word));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The city council voted on Tuesday to expand the bike-lane network \
        by forty kilometres over the next three years, a plan that had stalled for most of \
        the past decade amid disputes over parking and delivery access.\n\n\
        Supporters packed the chamber for the vote, which passed nine to four. Several \
        members said the decision followed a sharp rise in cycling during the pandemic and \
        a string of serious collisions on the busiest routes into the centre.\n\n\
        Business groups had warned that removing parking spaces would hurt shops along the \
        main corridors. The final plan keeps loading bays on every block and phases the \
        work so that no street loses more than a third of its parking in one year.\n\n\
        The first stretch, along the river road, is due to open next spring. Officials \
        said the cost, about 120 million, would be shared with the regional government, \
        which has promised matching funds for projects that connect to rail stations.\n\n\
        Cycling groups welcomed the vote but said the timetable was too slow. They pointed \
        to neighbouring towns that built similar networks in half the time by painting \
        temporary lanes first and paving them later, once traffic patterns had settled.\n\n\
        The council's transport committee will publish detailed drawings for each corridor \
        in the autumn, followed by six weeks of public consultation. Residents will be able \
        to comment online or at drop-in sessions in libraries along the routes.\n\n\
        Opposition members who voted against the plan said they supported safer streets \
        but doubted the cost estimate, noting that the last major road project in the city \
        ran two years late and forty per cent over budget.\n\n\
        The mayor, who made the bike network a central promise of her campaign, called the \
        vote a turning point. \"This is how a city changes,\" she told reporters outside the \
        chamber, \"one street at a time.\"";

    const OTHER_STORY: &str = "The city council on Tuesday delayed a vote on new parking \
        rules for the centre after business groups and cycling advocates clashed over \
        the plan at a packed public hearing that ran past midnight.\n\n\
        The proposal would raise meter rates on the busiest streets and use the money for \
        bus shelters and pavement repairs. Shop owners said higher prices would drive \
        customers to out-of-town malls, while residents complained of cars circling for \
        spaces for half an hour.\n\n\
        Council members asked officials to return next month with a study of how rates \
        in other cities changed traffic and spending. The mayor said she still expects a \
        decision before the summer, when the current parking contract runs out.";

    const ZH_STORY: &str = "市政府周二宣布，将在未来三年内把城市自行车道网络扩展四十公里，\
        这一计划在过去十年中因停车和送货问题的争议而多次搁置。\n\n\
        支持者挤满了会议厅，议案以九票对四票获得通过。多名议员表示，疫情期间骑行人数大幅增加，\
        进入市中心的主要道路上又接连发生严重事故，促成了这一决定。\n\n\
        商界团体曾警告说，取消停车位会损害主要街道沿线的商店。最终方案保留了每个街区的装卸区，\
        并分阶段施工，任何一条街道一年内失去的停车位不超过三分之一。\n\n\
        第一段沿河道路预计明年春天开通。官员表示，约一亿二千万元的费用将与省政府分担。\
        省政府此前承诺，对连接火车站的项目提供配套资金。\n\n\
        骑行团体对表决结果表示欢迎，但认为时间表过于缓慢。他们指出，邻近城市先划设临时车道，\
        待交通状况稳定后再铺设路面，只用了一半的时间就建成了类似的网络。\n\n\
        市交通委员会将于秋季公布各条线路的详细设计图，随后进行为期六周的公众咨询。\
        居民可以在网上或沿线图书馆举办的咨询会上发表意见。\n\n\
        投反对票的议员表示，他们支持让街道更安全，但怀疑费用估算是否可靠，并指出该市上一个\
        大型道路项目延误了两年，超支百分之四十。\n\n\
        市长在竞选时把自行车道网络作为核心承诺之一。她在会议厅外对记者说：\
        “城市就是这样改变的，一条街一条街地改变。”";

    const ZH_OTHER: &str = "市议会周二推迟了对市中心新停车规定的表决，商界团体与骑行倡导者\
        在一场持续到午夜的公开听证会上激烈交锋。\n\n\
        该提案将提高最繁忙街道的停车收费，并把收入用于公交候车亭和人行道维修。店主们说，\
        更高的价格会把顾客赶到城外的购物中心，而居民则抱怨开车找车位要绕半个小时。\n\n\
        议员们要求官员下个月提交一份研究报告，说明其他城市调整收费后交通和消费的变化。\
        市长表示，她仍希望在夏季现行停车合同到期前作出决定。";

    #[test]
    fn text_is_normalised_before_hashing() {
        assert_eq!(
            tokens("Ｈｅｌｌｏ,  WORLD! Don't ２０２５年"),
            ["hello", "world", "dont", "2025", "年"]
        );
        assert_eq!(fingerprint("Hello, world."), fingerprint("hello world"));
        assert_eq!(fingerprint("ＡＩ芯片　出口"), fingerprint("ai芯片出口"));
        assert_eq!(fingerprint(""), 0);
        assert_eq!(fingerprint(" ,.!? "), 0);
    }

    #[test]
    fn fingerprints_are_stable() {
        // Stored fingerprints must keep meaning the same thing: pin one.
        assert_eq!(
            fingerprint("geese fly south in winter"),
            0x2726_8986_9c2d_813e
        );
    }

    #[test]
    fn distance_counts_differing_bits() {
        assert_eq!(distance(0, 0), 0);
        assert_eq!(distance(0, u64::MAX), 64);
        assert_eq!(distance(0b1011, 0b0001), 2);
        assert!(is_near_duplicate(0, (1 << NEAR_DUPLICATE_DISTANCE) - 1));
        assert!(!is_near_duplicate(
            0,
            (1 << (NEAR_DUPLICATE_DISTANCE + 1)) - 1
        ));
    }

    /// `story` with newsletter, share and advertisement furniture around and inside it.
    fn with_boilerplate(story: &str, furniture: [&str; 3]) -> String {
        let mut paragraphs: Vec<&str> = story.split("\n\n").collect();
        paragraphs.insert(2, furniture[0]);
        paragraphs.insert(0, furniture[1]);
        paragraphs.push(furniture[2]);
        paragraphs.join("\n\n")
    }

    #[test]
    fn the_same_story_with_other_boilerplate_matches() {
        let english = with_boilerplate(
            STORY,
            [
                "Advertisement",
                "By Jane Doe, City Reporter. Updated 3 hours ago.",
                "Sign up for our morning newsletter. Share this article on Facebook, X or email.",
            ],
        );
        let d = distance(fingerprint(STORY), fingerprint(&english));
        assert!(d <= NEAR_DUPLICATE_DISTANCE, "distance {d}");
        let chinese = with_boilerplate(
            ZH_STORY,
            [
                "广告",
                "本报记者 张明 报道",
                "责任编辑：李华。扫码关注我们的公众号，获取更多新闻。",
            ],
        );
        let d = distance(fingerprint(ZH_STORY), fingerprint(&chinese));
        assert!(d <= NEAR_DUPLICATE_DISTANCE, "distance {d}");
    }

    #[test]
    fn the_same_story_with_one_paragraph_edited_matches() {
        let edited = STORY.replace(
            "Supporters packed the chamber for the vote, which passed nine to four.",
            "Dozens of supporters filled the chamber on Tuesday evening, and the measure \
             passed by nine votes to four.",
        );
        let d = distance(fingerprint(STORY), fingerprint(&edited));
        assert!(d <= NEAR_DUPLICATE_DISTANCE, "distance {d}");
        let edited = ZH_STORY.replace(
            "支持者挤满了会议厅，议案以九票对四票获得通过。",
            "周二晚间，数十名支持者挤满会议厅，议案最终以九票赞成、四票反对通过。",
        );
        let d = distance(fingerprint(ZH_STORY), fingerprint(&edited));
        assert!(d <= NEAR_DUPLICATE_DISTANCE, "distance {d}");
    }

    #[test]
    fn different_stories_on_the_same_topic_do_not_match() {
        let d = distance(fingerprint(STORY), fingerprint(OTHER_STORY));
        assert!(d > NEAR_DUPLICATE_DISTANCE, "distance {d}");
        let d = distance(fingerprint(ZH_STORY), fingerprint(ZH_OTHER));
        assert!(d > NEAR_DUPLICATE_DISTANCE, "distance {d}");
    }
}
