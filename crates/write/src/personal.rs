//! The personal lines: the greeting and the farewell, made for one listener.
//!
//! Host A greets the listener by name, names the show, says the listener's local date,
//! weekday and time ([`SpokenTime`]) and reacts to the hour; host B answers with the hook.
//! At the end host B says goodbye by name and invites the listener back tomorrow (host
//! A's closing line before it is the same for everyone and lives in the body).

use goosepod_core::{HostId, HostPair, Language, Line, Segment, SpokenTime};

use crate::templates::{Picker, Templates, fill};
use crate::text::mix;

/// Salt so the greeting's choices differ from the body's.
const SALT: u64 = 0x6772_6565_7469_6e67;

/// Host A's greeting and host B's hook.
pub(crate) fn greeting(
    language: Language,
    hosts: &HostPair,
    seed: u64,
    listener: &str,
    time: &SpokenTime,
    hook: &str,
) -> [Line; 2] {
    let t = Templates::get(language);
    let mut picker = Picker::new(mix(seed ^ SALT));
    let phrase = time.phrase(language);
    let reaction = time.reaction(language, seed);
    let a = fill(
        picker.pick(&t.greeting.a),
        &[
            ("a", &hosts.a().name),
            ("b", &hosts.b().name),
            ("show", &hosts.show),
            ("time", &phrase),
            ("reaction", reaction),
            ("listener", listener),
        ],
    );
    let b = fill(
        picker.pick(&t.greeting.b),
        &[
            ("a", &hosts.a().name),
            ("b", &hosts.b().name),
            ("show", &hosts.show),
            ("hook", hook),
            ("listener", listener),
        ],
    );
    [
        Line::new(HostId::A, Segment::Greeting, a, true),
        Line::new(HostId::B, Segment::Greeting, b, true),
    ]
}

/// Host B's goodbye.
pub(crate) fn farewell(language: Language, hosts: &HostPair, seed: u64, listener: &str) -> Line {
    let t = Templates::get(language);
    let mut picker = Picker::new(mix(seed ^ SALT));
    let b = fill(
        picker.pick(&t.sign_off.b),
        &[
            ("a", &hosts.a().name),
            ("b", &hosts.b().name),
            ("show", &hosts.show),
            ("listener", listener),
        ],
    );
    Line::new(HostId::B, Segment::SignOff, b, true)
}
