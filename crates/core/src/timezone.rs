//! IANA time zone names, checked and resolved.
//!
//! Listeners name their zone the IANA way (`Asia/Shanghai`, `America/New_York`, `UTC`).
//! Names are resolved through jiff's process-wide time zone database: the system's
//! tzdata when the machine has it, otherwise the copy compiled into the binary, so a bare
//! machine still knows every zone. Lookups are cached by jiff after the first use.

use jiff::tz::TimeZone;

/// A time zone name that is not in the IANA time zone database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown time zone `{name}`: expected an IANA name such as `Asia/Shanghai`, \
     `America/New_York` or `UTC` ({reason})"
)]
pub struct UnknownTimeZone {
    /// The name as given.
    pub name: String,
    /// Why it was rejected.
    pub reason: String,
}

/// Resolves an IANA time zone name (case-insensitive) to its rules.
pub fn resolve(name: &str) -> Result<TimeZone, UnknownTimeZone> {
    let unknown = |reason: String| UnknownTimeZone {
        name: name.to_string(),
        reason,
    };
    if name.trim().is_empty() {
        return Err(unknown("the name is empty".into()));
    }
    if name.trim() != name {
        return Err(unknown("the name has leading or trailing spaces".into()));
    }
    jiff::tz::db()
        .get(name)
        .map_err(|_| unknown("not in the time zone database".into()))
}

/// Resolves `name` and returns its canonical spelling (`asia/shanghai` → `Asia/Shanghai`).
pub fn canonical_name(name: &str) -> Result<String, UnknownTimeZone> {
    let zone = resolve(name)?;
    Ok(zone.iana_name().unwrap_or(name).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_zones_resolve() {
        for name in [
            "UTC",
            "Asia/Shanghai",
            "America/New_York",
            "Pacific/Kiritimati",
        ] {
            assert!(resolve(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn the_bundled_database_knows_every_zone_without_system_tzdata() {
        let bundled = jiff::tz::TimeZoneDatabase::bundled();
        for name in ["Asia/Shanghai", "America/New_York", "Pacific/Pago_Pago"] {
            assert!(bundled.get(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn names_are_canonicalised() {
        assert_eq!(canonical_name("asia/SHANGHAI").unwrap(), "Asia/Shanghai");
        assert_eq!(canonical_name("UTC").unwrap(), "UTC");
    }

    #[test]
    fn bad_names_say_what_is_wrong() {
        let err = resolve("Mars/Olympus_Mons").unwrap_err();
        assert_eq!(err.name, "Mars/Olympus_Mons");
        assert!(err.to_string().contains("`Mars/Olympus_Mons`"), "{err}");
        assert!(err.to_string().contains("not in the time zone database"));
        assert!(resolve("").unwrap_err().reason.contains("empty"));
        assert!(resolve(" UTC").unwrap_err().reason.contains("spaces"));
        assert!(resolve("+08:00").is_err());
    }
}
