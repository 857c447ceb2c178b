//! Small text helpers shared by the writer's modules: character classes, joining pieces
//! of text in a language's way, hashing and a deterministic random stream.

use goosepod_core::Language;

pub(crate) use goosepod_core::language::is_cjk;

/// Whether `c` opens a quotation.
pub(crate) fn is_open_quote(c: char) -> bool {
    matches!(c, '“' | '「' | '『' | '«' | '„')
}

/// Whether `c` closes a quotation.
pub(crate) fn is_close_quote(c: char) -> bool {
    matches!(c, '”' | '」' | '』' | '»')
}

/// Whether `c` closes a quotation or bracket that may follow a sentence's end.
pub(crate) fn is_closer(c: char) -> bool {
    is_close_quote(c) || matches!(c, ')' | '）' | ']' | '】' | '》' | '’' | '\'' | '"')
}

/// Joins two pieces of text: Chinese pieces run together (with a space only between two
/// Latin letters or digits), English pieces are separated by one space.
pub(crate) fn join_into(out: &mut String, piece: &str, language: Language) {
    let piece = piece.trim();
    if piece.is_empty() {
        return;
    }
    if let (Some(last), Some(first)) = (out.chars().last(), piece.chars().next()) {
        let space = match language {
            Language::EnUs => !last.is_whitespace(),
            Language::ZhCn => last.is_ascii_alphanumeric() && first.is_ascii_alphanumeric(),
        };
        if space {
            out.push(' ');
        }
    }
    out.push_str(piece);
}

/// Joins pieces of text with [`join_into`].
pub(crate) fn join<'a>(pieces: impl IntoIterator<Item = &'a str>, language: Language) -> String {
    let mut out = String::new();
    for piece in pieces {
        join_into(&mut out, piece, language);
    }
    out
}

/// FNV-1a, 64 bits: a stable hash (the same on every machine and every run).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A fast hasher for the writer's small in-memory maps (keys are the writer's own
/// words, not untrusted input that could be chosen to collide).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// Builds [`FastHasher`]s.
pub(crate) type FastState = std::hash::BuildHasherDefault<FastHasher>;
/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, FastState>;
/// A `HashSet` with [`FastHasher`].
pub(crate) type FastSet<T> = std::collections::HashSet<T, FastState>;

/// SplitMix64 finaliser: spreads the bits of `x`.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A deterministic stream of choices seeded from the article: the same article always
/// makes the same choices.
#[derive(Debug, Clone)]
pub(crate) struct Dice {
    state: u64,
}

impl Dice {
    pub(crate) fn new(seed: u64) -> Dice {
        Dice { state: seed }
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_together_english_gets_spaces() {
        assert_eq!(join(["你好,", "世界。"], Language::ZhCn), "你好,世界。");
        assert_eq!(
            join(["用了", "OpenAI", "API"], Language::ZhCn),
            "用了OpenAI API"
        );
        assert_eq!(
            join(["Hello.", " ", "World."], Language::EnUs),
            "Hello. World."
        );
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn dice_are_deterministic() {
        let mut a = Dice::new(7);
        let mut b = Dice::new(7);
        for _ in 0..10 {
            assert_eq!(a.next(), b.next());
        }
    }
}
