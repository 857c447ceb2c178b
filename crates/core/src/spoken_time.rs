//! The listener's wall clock in words, for the personal opening.
//!
//! The hosts say the listener's *local* date, weekday and time, computed from an instant
//! and the listener's IANA time zone (never guessed): `2025-12-15T18:14:00Z` in
//! `Asia/Shanghai` is "12月16日,星期二,凌晨2点14分" and "Tuesday, December 16, at 2:14 in
//! the morning". Daylight saving time, half-hour zones and the date line all come from the
//! time zone database. Seconds are dropped, not rounded: the minute spoken is the minute on
//! the listener's clock.
//!
//! # Parts of the day
//!
//! | local time    | [`PartOfDay`]     | zh   | en                   |
//! |---------------|-------------------|------|----------------------|
//! | 00:00–04:59   | `SmallHours`      | 凌晨 | middle of the night  |
//! | 05:00–07:59   | `EarlyMorning`    | 早上 | early morning        |
//! | 08:00–10:59   | `Morning`         | 上午 | morning              |
//! | 11:00–12:59   | `Midday`          | 中午 | midday               |
//! | 13:00–16:59   | `Afternoon`       | 下午 | afternoon            |
//! | 17:00–18:59   | `EarlyEvening`    | 傍晚 | early evening        |
//! | 19:00–22:59   | `Evening`         | 晚上 | evening              |
//! | 23:00–23:59   | `LateNight`       | 深夜 | late night           |
//!
//! # Clock forms
//!
//! Chinese: the part of the day, then a 12-hour clock whose hours run 0–12 (`凌晨0点5分`,
//! `中午12点14分`, `下午3点20分`); `:00` is `整` (`下午3点整`, midnight `凌晨0点整`), `:30`
//! is `半` (`早上6点半`), other minutes are `N分` without a leading zero (`凌晨2点5分`).
//!
//! English: a 12-hour clock, `H:MM` then `in the morning` (01:00–11:59), `in the afternoon`
//! (12:01–17:59), `in the evening` (18:00–20:59) or `at night` (21:00–00:59); `:00` is
//! `H o'clock` (`7 o'clock in the morning`); 12:00 is `noon` and 00:00 `midnight` (the
//! midnight that starts the date spoken).

use jiff::Timestamp;
use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;

use crate::language::Language;
use crate::timezone::{self, UnknownTimeZone};

/// A part of the day, by local hour (see the [module docs](self) for the boundaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartOfDay {
    /// 00:00–04:59: 凌晨, the middle of the night.
    SmallHours,
    /// 05:00–07:59: 早上, early morning.
    EarlyMorning,
    /// 08:00–10:59: 上午, morning.
    Morning,
    /// 11:00–12:59: 中午, midday.
    Midday,
    /// 13:00–16:59: 下午, afternoon.
    Afternoon,
    /// 17:00–18:59: 傍晚, early evening.
    EarlyEvening,
    /// 19:00–22:59: 晚上, evening.
    Evening,
    /// 23:00–23:59: 深夜, late night.
    LateNight,
}

impl PartOfDay {
    /// Every part, in the order of the day.
    pub const ALL: [PartOfDay; 8] = [
        PartOfDay::SmallHours,
        PartOfDay::EarlyMorning,
        PartOfDay::Morning,
        PartOfDay::Midday,
        PartOfDay::Afternoon,
        PartOfDay::EarlyEvening,
        PartOfDay::Evening,
        PartOfDay::LateNight,
    ];

    /// The hour each part starts at, in the order of [`PartOfDay::ALL`].
    const STARTS: [i8; 8] = [0, 5, 8, 11, 13, 17, 19, 23];

    /// The part of the day that local `hour` (0–23) falls in; hours outside 0–23 wrap.
    pub fn of_hour(hour: i8) -> PartOfDay {
        let hour = hour.rem_euclid(24);
        let index = PartOfDay::STARTS
            .iter()
            .rposition(|&start| start <= hour)
            .unwrap_or(0);
        PartOfDay::ALL[index]
    }

    /// The local hours this part covers, as a half-open range (`0..5` for 凌晨).
    pub fn hours(self) -> std::ops::Range<i8> {
        let index = self as usize;
        let end = PartOfDay::STARTS.get(index + 1).copied().unwrap_or(24);
        PartOfDay::STARTS[index]..end
    }

    /// The part's name: `凌晨` … `深夜`, or `middle of the night` … `late night`.
    pub fn name(self, language: Language) -> &'static str {
        let (zh, en) = match self {
            PartOfDay::SmallHours => ("凌晨", "middle of the night"),
            PartOfDay::EarlyMorning => ("早上", "early morning"),
            PartOfDay::Morning => ("上午", "morning"),
            PartOfDay::Midday => ("中午", "midday"),
            PartOfDay::Afternoon => ("下午", "afternoon"),
            PartOfDay::EarlyEvening => ("傍晚", "early evening"),
            PartOfDay::Evening => ("晚上", "evening"),
            PartOfDay::LateNight => ("深夜", "late night"),
        };
        match language {
            Language::ZhCn => zh,
            Language::EnUs => en,
        }
    }

    /// Short reactions to the hour for the greeting, one sentence each, that lead into
    /// the story without saying anything about it.
    pub fn reactions(self, language: Language) -> &'static [&'static str] {
        match language {
            Language::ZhCn => self.reactions_zh(),
            Language::EnUs => self.reactions_en(),
        }
    }

    fn reactions_zh(self) -> &'static [&'static str] {
        match self {
            PartOfDay::SmallHours => &[
                "虽然是深夜,但今天这个话题,绝对能让你瞬间清醒。",
                "这么晚还醒着,那就别浪费,咱们把今天这件大事讲透。",
                "夜深人静,正适合静下心来,听一个值得琢磨的故事。",
            ],
            PartOfDay::EarlyMorning => &[
                "一大早,先用一件值得关注的事,帮你把脑子叫醒。",
                "起得真早!趁着一天还没开始,咱们先聊聊这件事。",
                "清晨的时间最宝贵,咱们长话短说,直奔主题。",
            ],
            PartOfDay::Morning => &[
                "上午正是脑子最清醒的时候,正好来聊点有分量的。",
                "工作间隙抽几分钟,咱们把这件事一次讲明白。",
                "趁着上午精神好,咱们来拆解一个不简单的话题。",
            ],
            PartOfDay::Midday => &[
                "午饭时间,边吃边听,咱们聊一个有意思的话题。",
                "中午歇一歇,给你带来一个下饭的好故事。",
                "午休的几分钟,正好用来补上这件大事。",
            ],
            PartOfDay::Afternoon => &[
                "下午容易犯困,今天这个话题,正好给你提提神。",
                "忙了半天,来杯茶,听我们聊聊这件事。",
                "下午的时光,适合慢慢把一件事想清楚。",
            ],
            PartOfDay::EarlyEvening => &[
                "忙了一天,傍晚时分,咱们一起复盘一件大事。",
                "下班路上,正好听我们把今天这件事讲清楚。",
                "天色渐晚,咱们用几分钟,把这个话题聊透。",
            ],
            PartOfDay::Evening => &[
                "晚上好!忙完一天,正好静下心来聊聊这件事。",
                "夜晚是消化信息的好时候,咱们慢慢聊。",
                "今晚的话题很有嚼头,泡杯茶,咱们开始。",
            ],
            PartOfDay::LateNight => &[
                "虽然已经是深夜了,但这个话题值得你多留一会儿。",
                "快到午夜了,睡前听完这件事,明天跟人聊起来心里有数。",
                "夜已经深了,咱们抓紧时间,把重点讲清楚。",
            ],
        }
    }

    fn reactions_en(self) -> &'static [&'static str] {
        match self {
            PartOfDay::SmallHours => &[
                "I know it's the middle of the night, but this story is worth staying up for.",
                "If you're still up at this hour, this one will keep you good company.",
                "It's quiet out there, which makes it a good time to think this one through.",
            ],
            PartOfDay::EarlyMorning => &[
                "You're up early, so let's start the day with a story that matters.",
                "Before the day gets going, here's one to wake you up.",
                "Early mornings are precious, so we'll get straight to it.",
            ],
            PartOfDay::Morning => &[
                "Grab your coffee, because this one deserves a clear morning head.",
                "Mornings are when we think best, so let's dig into something substantial.",
                "Take a few minutes out of your morning; this story is worth it.",
            ],
            PartOfDay::Midday => &[
                "Perfect timing for a lunch break, because we've got a big one today.",
                "Right in the middle of the day, here's a story to chew on with lunch.",
                "Take a midday breather and catch up on this one with us.",
            ],
            PartOfDay::Afternoon => &[
                "If the afternoon slump is hitting, this story should wake you up.",
                "Halfway through the afternoon, here's something worth a pause.",
                "Pour yourself something and settle in; this afternoon's story is a good one.",
            ],
            PartOfDay::EarlyEvening => &[
                "As the day winds down, let's unpack one of its biggest stories.",
                "On your way home, or just done for the day? This one's for you.",
                "The day's almost done, so let's make sense of this one together.",
            ],
            PartOfDay::Evening => &[
                "Settle in for the evening, because we've got a story worth your time.",
                "Evenings are for catching up, and this is the story to catch up on.",
                "With the day behind you, let's take our time with this one.",
            ],
            PartOfDay::LateNight => &[
                "I know it's late, but this story is worth a few more minutes of your night.",
                "It's nearly midnight, so here's one to sleep on.",
                "Late as it is, we'll keep it sharp and to the point.",
            ],
        }
    }
}

/// A moment on the listener's wall clock, ready to be spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpokenTime {
    local: DateTime,
}

impl SpokenTime {
    /// The local wall-clock time of `at` in `zone`.
    pub fn new(at: Timestamp, zone: &TimeZone) -> SpokenTime {
        SpokenTime {
            local: zone.to_datetime(at),
        }
    }

    /// The local wall-clock time of `at` in the IANA zone named `zone`.
    pub fn in_zone(at: Timestamp, zone: &str) -> Result<SpokenTime, UnknownTimeZone> {
        Ok(SpokenTime::new(at, &timezone::resolve(zone)?))
    }

    /// The local date and time.
    pub fn local(&self) -> DateTime {
        self.local
    }

    /// The local weekday.
    pub fn weekday(&self) -> Weekday {
        self.local.weekday()
    }

    /// The local hour, 0–23.
    pub fn hour(&self) -> i8 {
        self.local.hour()
    }

    /// The local minute, 0–59.
    pub fn minute(&self) -> i8 {
        self.local.minute()
    }

    /// The part of the day the local hour falls in.
    pub fn part_of_day(&self) -> PartOfDay {
        PartOfDay::of_hour(self.hour())
    }

    /// The local date with its weekday: `12月16日,星期二` or `Tuesday, December 16`.
    pub fn date_phrase(&self, language: Language) -> String {
        let (month, day) = (self.local.month(), self.local.day());
        match language {
            Language::ZhCn => format!("{month}月{day}日,{}", weekday_zh(self.weekday())),
            Language::EnUs => format!(
                "{}, {} {day}",
                weekday_en(self.weekday()),
                MONTHS_EN[month as usize - 1]
            ),
        }
    }

    /// The local time of day: `凌晨2点14分` or `2:14 in the morning` (see the
    /// [module docs](self) for every form).
    pub fn clock_phrase(&self, language: Language) -> String {
        match language {
            Language::ZhCn => self.clock_zh(),
            Language::EnUs => self.clock_en(),
        }
    }

    /// Date, weekday and time together, as the greeting says them:
    /// `12月16日,星期二,凌晨2点14分` or `Tuesday, December 16, at 2:14 in the morning`.
    pub fn phrase(&self, language: Language) -> String {
        let date = self.date_phrase(language);
        let clock = self.clock_phrase(language);
        match language {
            Language::ZhCn => format!("{date},{clock}"),
            Language::EnUs => format!("{date}, at {clock}"),
        }
    }

    /// A reaction to the hour for the greeting, one of the part of the day's
    /// [`reactions`](PartOfDay::reactions): the same `seed` always picks the same one.
    pub fn reaction(&self, language: Language, seed: u64) -> &'static str {
        let reactions = self.part_of_day().reactions(language);
        reactions[(seed % reactions.len() as u64) as usize]
    }

    fn clock_zh(&self) -> String {
        let (hour, minute) = (self.hour(), self.minute());
        let hour12 = if hour > 12 { hour - 12 } else { hour };
        let minutes = match minute {
            0 => "整".to_string(),
            30 => "半".to_string(),
            m => format!("{m}分"),
        };
        format!(
            "{}{hour12}点{minutes}",
            self.part_of_day().name(Language::ZhCn)
        )
    }

    fn clock_en(&self) -> String {
        let (hour, minute) = (self.hour(), self.minute());
        match (hour, minute) {
            (0, 0) => return "midnight".into(),
            (12, 0) => return "noon".into(),
            _ => {}
        }
        let hour12 = match hour % 12 {
            0 => 12,
            h => h,
        };
        let suffix = match hour {
            1..=11 => "in the morning",
            12..=17 => "in the afternoon",
            18..=20 => "in the evening",
            _ => "at night",
        };
        if minute == 0 {
            format!("{hour12} o'clock {suffix}")
        } else {
            format!("{hour12}:{minute:02} {suffix}")
        }
    }
}

/// English month names, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

fn weekday_en(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PartOfDay::*;

    fn spoken(at: &str, zone: &str) -> SpokenTime {
        SpokenTime::in_zone(at.parse().unwrap(), zone).unwrap()
    }

    #[test]
    fn the_example_episode_instant() {
        let time = spoken("2025-12-15T18:14:00Z", "Asia/Shanghai");
        assert_eq!(time.phrase(Language::ZhCn), "12月16日,星期二,凌晨2点14分");
        assert_eq!(
            time.phrase(Language::EnUs),
            "Tuesday, December 16, at 2:14 in the morning"
        );
        assert_eq!(time.part_of_day(), SmallHours);
        assert_eq!(time.weekday(), Weekday::Tuesday);
        assert_eq!((time.hour(), time.minute()), (2, 14));
        assert_eq!(time.local().to_string(), "2025-12-16T02:14:00");
        assert_eq!(time.date_phrase(Language::ZhCn), "12月16日,星期二");
        assert_eq!(time.clock_phrase(Language::ZhCn), "凌晨2点14分");
        assert_eq!(time.date_phrase(Language::EnUs), "Tuesday, December 16");
        assert_eq!(time.clock_phrase(Language::EnUs), "2:14 in the morning");
    }

    /// (instant, zone, zh phrase, en phrase, part of day)
    const TABLE: &[(&str, &str, &str, &str, PartOfDay)] = &[
        // The example, and the same instant where the local date is still the 15th.
        (
            "2025-12-15T18:14:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,凌晨2点14分",
            "Tuesday, December 16, at 2:14 in the morning",
            SmallHours,
        ),
        (
            "2025-12-15T18:14:59.999Z",
            "Asia/Shanghai",
            "12月16日,星期二,凌晨2点14分",
            "Tuesday, December 16, at 2:14 in the morning",
            SmallHours,
        ),
        (
            "2025-12-15T18:14:00Z",
            "Asia/Kolkata",
            "12月15日,星期一,深夜11点44分",
            "Monday, December 15, at 11:44 at night",
            LateNight,
        ),
        (
            "2025-12-15T18:14:00Z",
            "Asia/Kathmandu",
            "12月15日,星期一,深夜11点59分",
            "Monday, December 15, at 11:59 at night",
            LateNight,
        ),
        (
            "2025-12-15T18:14:00Z",
            "UTC",
            "12月15日,星期一,傍晚6点14分",
            "Monday, December 15, at 6:14 in the evening",
            EarlyEvening,
        ),
        // Every part of the day and clock form, in Shanghai on 2025-12-16.
        (
            "2025-12-15T16:05:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,凌晨0点5分",
            "Tuesday, December 16, at 12:05 at night",
            SmallHours,
        ),
        (
            "2025-12-15T20:59:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,凌晨4点59分",
            "Tuesday, December 16, at 4:59 in the morning",
            SmallHours,
        ),
        (
            "2025-12-15T21:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,早上5点整",
            "Tuesday, December 16, at 5 o'clock in the morning",
            EarlyMorning,
        ),
        (
            "2025-12-15T22:30:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,早上6点半",
            "Tuesday, December 16, at 6:30 in the morning",
            EarlyMorning,
        ),
        (
            "2025-12-16T00:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,上午8点整",
            "Tuesday, December 16, at 8 o'clock in the morning",
            Morning,
        ),
        (
            "2025-12-16T02:59:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,上午10点59分",
            "Tuesday, December 16, at 10:59 in the morning",
            Morning,
        ),
        (
            "2025-12-16T03:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,中午11点整",
            "Tuesday, December 16, at 11 o'clock in the morning",
            Midday,
        ),
        (
            "2025-12-16T04:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,中午12点整",
            "Tuesday, December 16, at noon",
            Midday,
        ),
        (
            "2025-12-16T04:01:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,中午12点1分",
            "Tuesday, December 16, at 12:01 in the afternoon",
            Midday,
        ),
        (
            "2025-12-16T05:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,下午1点整",
            "Tuesday, December 16, at 1 o'clock in the afternoon",
            Afternoon,
        ),
        (
            "2025-12-16T08:45:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,下午4点45分",
            "Tuesday, December 16, at 4:45 in the afternoon",
            Afternoon,
        ),
        (
            "2025-12-16T09:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,傍晚5点整",
            "Tuesday, December 16, at 5 o'clock in the afternoon",
            EarlyEvening,
        ),
        (
            "2025-12-16T10:30:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,傍晚6点半",
            "Tuesday, December 16, at 6:30 in the evening",
            EarlyEvening,
        ),
        (
            "2025-12-16T11:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,晚上7点整",
            "Tuesday, December 16, at 7 o'clock in the evening",
            Evening,
        ),
        (
            "2025-12-16T13:10:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,晚上9点10分",
            "Tuesday, December 16, at 9:10 at night",
            Evening,
        ),
        (
            "2025-12-16T15:00:00Z",
            "Asia/Shanghai",
            "12月16日,星期二,深夜11点整",
            "Tuesday, December 16, at 11 o'clock at night",
            LateNight,
        ),
        // Midnight exactly, and the minute before it: a new day, month and year.
        (
            "2025-12-31T15:59:00Z",
            "Asia/Shanghai",
            "12月31日,星期三,深夜11点59分",
            "Wednesday, December 31, at 11:59 at night",
            LateNight,
        ),
        (
            "2025-12-31T16:00:00Z",
            "Asia/Shanghai",
            "1月1日,星期四,凌晨0点整",
            "Thursday, January 1, at midnight",
            SmallHours,
        ),
        (
            "2026-01-01T00:00:00Z",
            "UTC",
            "1月1日,星期四,凌晨0点整",
            "Thursday, January 1, at midnight",
            SmallHours,
        ),
        // America/New_York springs forward on 2025-03-09: 01:59 EST is followed by 03:00 EDT.
        (
            "2025-03-09T06:59:00Z",
            "America/New_York",
            "3月9日,星期日,凌晨1点59分",
            "Sunday, March 9, at 1:59 in the morning",
            SmallHours,
        ),
        (
            "2025-03-09T07:00:00Z",
            "America/New_York",
            "3月9日,星期日,凌晨3点整",
            "Sunday, March 9, at 3 o'clock in the morning",
            SmallHours,
        ),
        (
            "2025-03-09T16:30:00Z",
            "America/New_York",
            "3月9日,星期日,中午12点半",
            "Sunday, March 9, at 12:30 in the afternoon",
            Midday,
        ),
        (
            "2025-03-08T16:30:00Z",
            "America/New_York",
            "3月8日,星期六,中午11点半",
            "Saturday, March 8, at 11:30 in the morning",
            Midday,
        ),
        // … and falls back on 2025-11-02: 01:30 happens twice (EDT, then EST).
        (
            "2025-11-02T05:30:00Z",
            "America/New_York",
            "11月2日,星期日,凌晨1点半",
            "Sunday, November 2, at 1:30 in the morning",
            SmallHours,
        ),
        (
            "2025-11-02T06:30:00Z",
            "America/New_York",
            "11月2日,星期日,凌晨1点半",
            "Sunday, November 2, at 1:30 in the morning",
            SmallHours,
        ),
        (
            "2025-11-02T07:00:00Z",
            "America/New_York",
            "11月2日,星期日,凌晨2点整",
            "Sunday, November 2, at 2 o'clock in the morning",
            SmallHours,
        ),
        (
            "2025-11-02T17:00:00Z",
            "America/New_York",
            "11月2日,星期日,中午12点整",
            "Sunday, November 2, at noon",
            Midday,
        ),
        (
            "2025-11-02T04:59:00Z",
            "America/New_York",
            "11月2日,星期日,凌晨0点59分",
            "Sunday, November 2, at 12:59 at night",
            SmallHours,
        ),
        // Europe/London: BST starts 2025-03-30 (01:00 GMT → 02:00 BST), ends 2025-10-26.
        (
            "2025-03-30T00:59:00Z",
            "Europe/London",
            "3月30日,星期日,凌晨0点59分",
            "Sunday, March 30, at 12:59 at night",
            SmallHours,
        ),
        (
            "2025-03-30T01:00:00Z",
            "Europe/London",
            "3月30日,星期日,凌晨2点整",
            "Sunday, March 30, at 2 o'clock in the morning",
            SmallHours,
        ),
        (
            "2025-07-01T11:00:00Z",
            "Europe/London",
            "7月1日,星期二,中午12点整",
            "Tuesday, July 1, at noon",
            Midday,
        ),
        (
            "2025-10-26T00:30:00Z",
            "Europe/London",
            "10月26日,星期日,凌晨1点半",
            "Sunday, October 26, at 1:30 in the morning",
            SmallHours,
        ),
        (
            "2025-10-26T01:30:00Z",
            "Europe/London",
            "10月26日,星期日,凌晨1点半",
            "Sunday, October 26, at 1:30 in the morning",
            SmallHours,
        ),
        (
            "2025-10-26T18:45:00Z",
            "Europe/London",
            "10月26日,星期日,傍晚6点45分",
            "Sunday, October 26, at 6:45 in the evening",
            EarlyEvening,
        ),
        // Across the date line: one instant, two days apart (UTC+14 and UTC-11).
        (
            "2025-12-31T10:00:00Z",
            "Pacific/Kiritimati",
            "1月1日,星期四,凌晨0点整",
            "Thursday, January 1, at midnight",
            SmallHours,
        ),
        (
            "2025-12-31T10:00:00Z",
            "Pacific/Pago_Pago",
            "12月30日,星期二,深夜11点整",
            "Tuesday, December 30, at 11 o'clock at night",
            LateNight,
        ),
        (
            "2025-12-31T09:59:00Z",
            "Pacific/Kiritimati",
            "12月31日,星期三,深夜11点59分",
            "Wednesday, December 31, at 11:59 at night",
            LateNight,
        ),
        (
            "2025-12-31T22:00:00Z",
            "Pacific/Kiritimati",
            "1月1日,星期四,中午12点整",
            "Thursday, January 1, at noon",
            Midday,
        ),
        (
            "2025-12-31T22:00:00Z",
            "Pacific/Pago_Pago",
            "12月31日,星期三,中午11点整",
            "Wednesday, December 31, at 11 o'clock in the morning",
            Midday,
        ),
        // A leap day, reached from both sides of UTC, and the day after it.
        (
            "2028-02-29T12:00:00Z",
            "UTC",
            "2月29日,星期二,中午12点整",
            "Tuesday, February 29, at noon",
            Midday,
        ),
        (
            "2028-02-28T23:30:00Z",
            "Asia/Tokyo",
            "2月29日,星期二,上午8点半",
            "Tuesday, February 29, at 8:30 in the morning",
            Morning,
        ),
        (
            "2028-02-29T23:00:00Z",
            "America/Los_Angeles",
            "2月29日,星期二,下午3点整",
            "Tuesday, February 29, at 3 o'clock in the afternoon",
            Afternoon,
        ),
        (
            "2028-02-29T20:05:00Z",
            "Asia/Tokyo",
            "3月1日,星期三,早上5点5分",
            "Wednesday, March 1, at 5:05 in the morning",
            EarlyMorning,
        ),
        (
            "2028-03-01T07:59:00Z",
            "America/Los_Angeles",
            "2月29日,星期二,深夜11点59分",
            "Tuesday, February 29, at 11:59 at night",
            LateNight,
        ),
    ];

    #[test]
    fn table_of_zones_and_instants() {
        let mut failures = Vec::new();
        for &(at, zone, zh, en, part) in TABLE {
            let time = spoken(at, zone);
            let got = (
                time.phrase(Language::ZhCn),
                time.phrase(Language::EnUs),
                time.part_of_day(),
            );
            if got != (zh.to_string(), en.to_string(), part) {
                failures.push(format!("{at} in {zone}: got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn parts_of_day_cover_every_hour_once() {
        let names: Vec<_> = (0..24)
            .map(|h| PartOfDay::of_hour(h).name(Language::ZhCn))
            .collect();
        assert_eq!(
            names.concat(),
            "凌晨凌晨凌晨凌晨凌晨早上早上早上上午上午上午中午中午下午下午下午下午傍晚傍晚晚上晚上晚上晚上深夜"
        );
        for part in PartOfDay::ALL {
            for hour in part.hours() {
                assert_eq!(PartOfDay::of_hour(hour), part);
            }
        }
        let covered: i8 = PartOfDay::ALL.iter().map(|p| p.hours().len() as i8).sum();
        assert_eq!(covered, 24);
        assert_eq!(PartOfDay::of_hour(24), SmallHours);
        assert_eq!(PartOfDay::of_hour(-1), LateNight);
        assert_eq!(LateNight.name(Language::EnUs), "late night");
        assert_eq!(EarlyMorning.name(Language::EnUs), "early morning");
    }

    #[test]
    fn reactions_are_deterministic_and_varied() {
        let time = spoken("2025-12-15T18:14:00Z", "Asia/Shanghai");
        assert!(time.reaction(Language::ZhCn, 0).starts_with("虽然是深夜"));
        assert!(time.reaction(Language::EnUs, 0).starts_with("I know it's"));
        for language in Language::ALL {
            for part in PartOfDay::ALL {
                let reactions = part.reactions(language);
                assert!(reactions.len() >= 2, "{part:?} {language}");
                let mut unique = reactions.to_vec();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), reactions.len(), "{part:?} {language}");
            }
            for seed in 0..10 {
                assert_eq!(time.reaction(language, seed), time.reaction(language, seed));
            }
            let picked: std::collections::HashSet<_> =
                (0..10).map(|seed| time.reaction(language, seed)).collect();
            assert_eq!(picked.len(), SmallHours.reactions(language).len());
        }
    }

    #[test]
    fn unknown_zones_are_errors() {
        let at: Timestamp = "2025-12-15T18:14:00Z".parse().unwrap();
        let err = SpokenTime::in_zone(at, "Asia/Atlantis").unwrap_err();
        assert!(err.to_string().contains("`Asia/Atlantis`"));
    }
}
