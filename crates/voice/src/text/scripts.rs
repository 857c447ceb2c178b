//! Splitting mixed-script text into runs of one script, so that each run can be spoken
//! by a voice that reads it: `OpenAI 发布了 GPT five` → `OpenAI ` (Latin) · `发布了 ` (Han)
//! · `GPT five` (Latin).
//!
//! Letters decide a run's script; everything else (spaces, digits, punctuation) goes
//! with the run it stands in. Full-width punctuation that ends up in a Latin run is
//! written as its ASCII counterpart, which English voices pause on.

/// The script of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Hanzi (and kana): spoken by a Mandarin voice.
    Han,
    /// Everything else with letters: Latin, Greek, Cyrillic…
    Latin,
}

/// A stretch of text in one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Its script.
    pub script: Script,
    /// Its text, trimmed.
    pub text: String,
}

/// The script a character belongs to, or None for characters of no script.
pub fn script_of(c: char) -> Option<Script> {
    if is_han(c) {
        Some(Script::Han)
    } else if c.is_alphabetic() {
        Some(Script::Latin)
    } else {
        None
    }
}

/// Hanzi, kana and the CJK compatibility ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3005}'..='\u{3007}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// Splits `text` into runs. Text without letters becomes one run of `default`.
pub fn split(text: &str, default: Script) -> Vec<Run> {
    let mut runs: Vec<(Script, String)> = Vec::new();
    let mut pending = String::new(); // characters of no script not yet placed
    for c in text.chars() {
        match script_of(c) {
            None => pending.push(c),
            Some(script) => {
                match runs.last_mut() {
                    Some((last, buf)) if *last == script => buf.push_str(&pending),
                    Some((_, buf)) => {
                        // Punctuation and spaces between two scripts stay with the run
                        // they follow (a comma after `OpenAI` is part of its phrase).
                        buf.push_str(&pending);
                        runs.push((script, String::new()));
                    }
                    None => runs.push((script, std::mem::take(&mut pending))),
                }
                pending.clear();
                runs.last_mut().expect("a run was pushed").1.push(c);
            }
        }
    }
    match runs.last_mut() {
        Some((_, buf)) => buf.push_str(&pending),
        None => runs.push((default, pending)),
    }
    runs.into_iter()
        .map(|(script, text)| Run {
            script,
            text: match script {
                Script::Latin => ascii_punctuation(&text),
                Script::Han => text,
            }
            .trim()
            .to_string(),
        })
        .filter(|run| !run.text.is_empty())
        .collect()
}

/// Full-width and CJK punctuation → ASCII, for English voices.
fn ascii_punctuation(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '，' | '、' => ',',
            '。' | '．' => '.',
            '！' => '!',
            '？' => '?',
            '：' => ':',
            '；' => ';',
            '（' => '(',
            '）' => ')',
            '“' | '”' | '「' | '」' | '『' | '』' => '"',
            '‘' | '’' => '\'',
            '　' => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<(Script, &'static str)> {
        split(text, Script::Han)
            .into_iter()
            .map(|r| (r.script, &*Box::leak(r.text.into_boxed_str())))
            .collect()
    }

    #[test]
    fn splits_mixed_text() {
        use Script::*;
        let table: &[(&str, &[(Script, &str)])] = &[
            ("今天天气很好。", &[(Han, "今天天气很好。")]),
            ("Hello world.", &[(Latin, "Hello world.")]),
            (
                "OpenAI 发布了 GPT five point two，对吧？",
                &[
                    (Latin, "OpenAI"),
                    (Han, "发布了"),
                    (Latin, "GPT five point two,"),
                    (Han, "对吧？"),
                ],
            ),
            (
                "“Gemini three”来了",
                &[(Latin, "\"Gemini three\""), (Han, "来了")],
            ),
            ("CEO说", &[(Latin, "CEO"), (Han, "说")]),
            ("说：Sam Altman。", &[(Han, "说："), (Latin, "Sam Altman.")]),
            ("……", &[(Han, "……")]),
            ("", &[]),
            ("Café 咖啡", &[(Latin, "Café"), (Han, "咖啡")]),
        ];
        for (text, want) in table {
            assert_eq!(runs(text), want.to_vec(), "{text}");
        }
    }

    #[test]
    fn text_without_letters_takes_the_default() {
        assert_eq!(
            split("42!", Script::Latin),
            vec![Run {
                script: Script::Latin,
                text: "42!".to_string()
            }]
        );
    }
}
