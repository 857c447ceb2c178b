//! Turning a read article into the hosts' conversation.
//!
//! 1. Every sentence the article has for a part of the story is queued for that part, best
//!    first; a part with nothing takes the sentence that suits it best from a part with
//!    plenty.
//! 2. The queues are merged into one order of preference that grows every part in
//!    proportion to its share of an episode (the core event most, the outlook least).
//! 3. The script is drafted from the first *k* sentences of that order, *k* chosen by
//!    bisection so the spoken length comes closest to the target.
//!
//! A draft goes part by part. Within a part the chosen sentences keep the article's order
//! and are packed into lines of natural spoken length. Host B usually opens a part with
//! a question or a transition, host A usually answers with the facts; each host may
//! respond to the other (A as the engineer, B with an analogy) and lead into their facts;
//! a host may speak twice in a row, never three times. Once per part or so a host turns
//! to the listener by name.

use goosepod_core::{HostId, HostPair, Language, Section, Segment};

use crate::analyse::{Story, Unit, max_line};
use crate::body::BodyLine;
use crate::templates::{Picker, Templates, fill};
use crate::text::{Dice, join_into};

/// Each part's share of an episode's facts, in [`Section::ALL`] order.
const WEIGHTS: [f64; 5] = [0.26, 0.2, 0.2, 0.18, 0.16];

/// A drafted body: its lines and which sentences each part used.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub lines: Vec<BodyLine>,
    /// The spoken length of the lines, said to a listener with a short name.
    pub size: usize,
    /// Unit indices per section, in article order.
    pub facts: [Vec<usize>; 5],
}

pub(crate) struct Composer<'s, 'a> {
    pub story: &'s Story<'a>,
    pub language: Language,
    pub hosts: &'s HostPair,
    pub seed: u64,
}

impl Composer<'_, '_> {
    fn templates(&self) -> &'static Templates {
        Templates::get(self.language)
    }

    fn names(&self) -> [(&'static str, &str); 3] {
        [
            ("a", self.hosts.a().name.as_str()),
            ("b", self.hosts.b().name.as_str()),
            ("show", self.hosts.show.as_str()),
        ]
    }

    /// Every sentence but the hook with the part it tells, in the order they are added
    /// to the script.
    pub(crate) fn preference(&self) -> Vec<(usize, Section)> {
        let units = &self.story.units;
        let mut queues: [Vec<usize>; 5] = Default::default();
        for (index, unit) in units.iter().enumerate() {
            if index != self.story.hook {
                queues[unit.role.index()].push(index);
            }
        }
        for (section, queue) in queues.iter_mut().enumerate() {
            queue.sort_by(|a, b| {
                units[*b].scores[section]
                    .total_cmp(&units[*a].scores[section])
                    .then(a.cmp(b))
            });
        }
        // A part with nothing borrows from a part with plenty: the sentence that suits it
        // best among those that are not another part's first.
        for section in 0..5 {
            if !queues[section].is_empty() {
                continue;
            }
            let donor = (0..5)
                .filter(|&s| queues[s].len() >= 2)
                .flat_map(|s| queues[s][1..].iter().map(move |&u| (s, u)))
                .max_by(|&(_, a), &(_, b)| {
                    units[a].scores[section]
                        .total_cmp(&units[b].scores[section])
                        .then(b.cmp(&a))
                });
            if let Some((from, unit)) = donor {
                queues[from].retain(|&u| u != unit);
                queues[section].push(unit);
            }
        }
        let mut filled = [0.0f64; 5];
        let mut heads = [0usize; 5];
        let mut order = Vec::with_capacity(units.len());
        loop {
            let next = (0..5)
                .filter(|&s| heads[s] < queues[s].len())
                .min_by(|&a, &b| {
                    (filled[a] / WEIGHTS[a])
                        .total_cmp(&(filled[b] / WEIGHTS[b]))
                        .then(a.cmp(&b))
                });
            let Some(section) = next else { break };
            let unit = queues[section][heads[section]];
            heads[section] += 1;
            filled[section] += units[unit].size.max(1) as f64;
            order.push((unit, Section::ALL[section]));
        }
        order
    }

    /// The body made from `chosen` sentences, ending with host A's closing line.
    /// A `terse` draft leaves out the optional framing (responses, leads, last words),
    /// for episodes too short for the usual amount.
    pub(crate) fn draft(&self, chosen: &[(usize, Section)], terse: bool) -> Draft {
        let mut facts: [Vec<usize>; 5] = Default::default();
        for &(unit, section) in chosen {
            facts[section.index()].push(unit);
        }
        for list in &mut facts {
            list.sort_unstable();
        }
        let mut state = State {
            terse,
            size: 0,
            dice: Dice::new(self.seed),
            picker: Picker::new(self.seed),
            lines: Vec::new(),
            // The greeting ends with host B's hook.
            last: HostId::B,
            streak: 1,
            last_told_facts: true,
        };
        for section in Section::ALL {
            let units: Vec<&Unit<'_>> = facts[section.index()]
                .iter()
                .map(|&i| &self.story.units[i])
                .collect();
            self.part(&mut state, section, &units);
        }
        let closing = fill(
            state.picker.pick(&self.templates().sign_off.a),
            &self.names(),
        );
        let mut line = Line::new(self.language);
        line.push(&closing);
        state.emit(HostId::A, Segment::SignOff, line, false);
        Draft {
            lines: state.lines,
            size: state.size,
            facts,
        }
    }

    /// One part of the story.
    fn part(&self, st: &mut State, section: Section, units: &[&Unit<'_>]) {
        let t = self.templates();
        let text = t.segment(section);
        let segment = section.segment();
        let names = self.names();
        let groups = self.pack(st, units);
        let mut address = match section {
            Section::CoreEvent | Section::Conflict => Some(HostId::A),
            Section::Background | Section::Impact => Some(HostId::B),
            Section::Outlook => st.dice.chance(0.5).then_some(HostId::B),
        };
        let b_prefers = groups.is_empty() || (section != Section::CoreEvent && st.dice.chance(0.7));
        let b_opens = if st.streak >= 2 {
            st.last == HostId::A
        } else {
            b_prefers
        };
        let mut open_a = !b_opens;
        if b_opens {
            let mut line = Line::new(self.language);
            line.push(&fill(st.picker.pick(&text.open_b), &names));
            st.emit(HostId::B, segment, line, false);
        }
        if groups.is_empty() {
            let mut line = Line::new(self.language);
            if address == Some(HostId::A) {
                line.address(&fill(st.picker.pick(&t.address.a), &names));
            }
            line.push(&fill(st.picker.pick(&text.empty), &names));
            st.emit(HostId::A, segment, line, false);
            return;
        }
        for (index, group) in groups.iter().enumerate() {
            let speaker = if index == 0 {
                HostId::A
            } else {
                st.next_speaker()
            };
            // Responding to the other host's facts (not to a question).
            let responding = st.last != speaker && st.last_told_facts;
            let mut line = Line::new(self.language);
            if open_a && speaker == HostId::A {
                line.push(&fill(st.picker.pick(&text.open_a), &names));
                if group[0].quote_start {
                    line.push(&fill(st.picker.pick(t.lead.quote(speaker)), &names));
                }
                open_a = false;
            } else {
                // At most two framing phrases before the facts, the address counting.
                let addressed = address == Some(speaker);
                if addressed {
                    line.address(&fill(st.picker.pick(t.address.of(speaker)), &names));
                    address = None;
                }
                let react = if speaker == HostId::B { 0.6 } else { 0.45 };
                let quote = group[0].quote_start && st.dice.chance(0.85);
                let reacted =
                    responding && !(addressed && quote) && st.dice.chance(react) && !st.terse;
                if reacted {
                    line.push(&fill(st.picker.pick(text.react(speaker)), &names));
                }
                let lead = if reacted { 0.3 } else { 1.0 };
                if quote {
                    line.push(&fill(st.picker.pick(t.lead.quote(speaker)), &names));
                } else if addressed {
                    // The address leads into the facts by itself.
                } else if st.terse {
                    // No lead: the facts speak for themselves.
                } else if group[0].numbers >= 2 && st.dice.chance(0.5 * lead) {
                    line.push(&fill(st.picker.pick(t.lead.number(speaker)), &names));
                } else if st.dice.chance(0.4 * lead) {
                    line.push(&fill(st.picker.pick(t.lead.plain(speaker)), &names));
                }
            }
            for unit in group {
                line.push_unit(unit);
            }
            st.emit(speaker, segment, line, true);
        }
        // Now and then the other host has the last word on this part.
        let before_a_closes = section == Section::Outlook && st.last == HostId::A && st.streak >= 2;
        if (st.dice.chance(0.4) && !st.terse) || before_a_closes {
            let speaker = st.last.other();
            let mut line = Line::new(self.language);
            // Host B's analogies can be said to the listener; host A's comments are not.
            if speaker == HostId::B && address == Some(speaker) {
                line.address(&fill(st.picker.pick(t.address.of(speaker)), &names));
            }
            line.push(&fill(st.picker.pick(text.react(speaker)), &names));
            st.emit(speaker, segment, line, false);
        }
    }

    /// Packs a part's sentences into lines of natural spoken length: up to
    /// [`max_line`] units, sometimes fewer; a quotation starts a line of its own.
    fn pack<'u, 'a>(&self, st: &mut State, units: &[&'u Unit<'a>]) -> Vec<Vec<&'u Unit<'a>>> {
        let max = max_line(self.language);
        let mut groups = Vec::new();
        let mut current: Vec<&Unit<'_>> = Vec::new();
        let mut size = 0;
        for &unit in units {
            let flush = !current.is_empty()
                && (size + unit.size > max
                    || unit.quote_start
                    || current.last().is_some_and(|u| u.quote_start)
                    || (size >= max / 3 && st.dice.chance(0.3)));
            if flush {
                groups.push(std::mem::take(&mut current));
                size = 0;
            }
            current.push(unit);
            size += unit.size;
        }
        if !current.is_empty() {
            groups.push(current);
        }
        groups
    }
}

/// The running state of a draft.
struct State {
    /// Leave out optional framing.
    terse: bool,
    size: usize,
    dice: Dice,
    picker: Picker,
    lines: Vec<BodyLine>,
    last: HostId,
    streak: usize,
    /// Whether the last line told facts from the article.
    last_told_facts: bool,
}

impl State {
    fn emit(&mut self, speaker: HostId, segment: Segment, line: Line, facts: bool) {
        let Line { pieces, size, .. } = line;
        self.size += size;
        self.last_told_facts = facts;
        if speaker == self.last {
            self.streak += 1;
        } else {
            self.last = speaker;
            self.streak = 1;
        }
        self.lines.push(BodyLine {
            speaker,
            segment,
            pieces,
        });
    }

    /// Usually the other host; sometimes the same one again, never three times running.
    fn next_speaker(&mut self) -> HostId {
        if self.streak >= 2 || self.dice.chance(0.65) {
            self.last.other()
        } else {
            self.last
        }
    }
}

/// A line being written: one piece, or two with the listener's name between them.
struct Line {
    language: Language,
    pieces: Vec<String>,
    /// Its spoken length so far (with a short name for the listener's).
    size: usize,
}

impl Line {
    fn new(language: Language) -> Line {
        Line {
            language,
            pieces: vec![String::new()],
            size: 0,
        }
    }

    /// Turns the line to the listener: `phrase` has `{listener}` once (at the start of
    /// a line only).
    fn address(&mut self, phrase: &str) {
        if let Some((before, after)) = phrase.split_once("{listener}") {
            self.pieces = vec![before.to_string(), after.to_string()];
            let name = goosepod_core::listener::default_name(self.language);
            self.size += self.language.measure(before)
                + self.language.measure(name)
                + self.language.measure(after);
        }
    }

    fn push(&mut self, text: &str) {
        self.size += self.language.measure(text);
        self.append(text);
    }

    fn push_unit(&mut self, unit: &Unit<'_>) {
        self.size += unit.size;
        self.append(unit.text);
    }

    fn append(&mut self, text: &str) {
        if let Some(last) = self.pieces.last_mut() {
            join_into(last, text, self.language);
        }
    }
}

/// The spoken length of `lines` said to a listener with a short name.
pub(crate) fn measure(lines: &[BodyLine], language: Language) -> usize {
    let name = goosepod_core::listener::default_name(language);
    lines
        .iter()
        .map(|line| language.measure(&line.text_for(name)))
        .sum()
}
