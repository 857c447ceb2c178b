//! Listener accounts: creating them, their settings, their tokens.

use goosepod_core::{HostPair, Language, Listener};
use goosepod_store::{NewUser, StoreError, User, UserSettings};

use crate::error::Error;
use crate::service::Service;
use crate::tokens;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A new account, as asked for (sign-up form, `goosepod user add`).
#[derive(Debug, Clone, Default)]
pub struct AccountRequest {
    /// Sign-in email.
    pub email: String,
    /// The password; `None` makes a random one (returned once).
    pub password: Option<String>,
    /// What the hosts call the listener (default: the part of the email before `@`).
    pub name: Option<String>,
    /// Show language (default `en`).
    pub language: Option<String>,
    /// IANA time zone (default `UTC`).
    pub timezone: Option<String>,
    /// Topics followed.
    pub topics: Vec<String>,
}

/// A freshly made account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The account.
    pub user: User,
    /// The generated password, when none was given.
    pub password: Option<String>,
    /// An API token (shown once).
    pub api_token: String,
}

/// Creates an account with default settings for its language, an API token and a feed
/// token.
pub async fn create_account(
    service: &Service,
    request: AccountRequest,
) -> Result<NewAccount, Error> {
    let email = normalise_email(&request.email)?;
    let (password, generated) = match request.password {
        Some(password) => (password, None),
        None => {
            let password = tokens::random_id();
            (password.clone(), Some(password))
        }
    };
    check_password(&password)?;
    let language = Language::parse(request.language.as_deref().unwrap_or("en"))
        .map_err(|err| Error::BadRequest(err.to_string()))?;
    let defaults = Listener::for_language(language);
    let name = request
        .name
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let settings = UserSettings {
        name,
        language: language.tag().to_owned(),
        timezone: request.timezone.unwrap_or_else(|| "UTC".to_owned()),
        topics: request.topics,
        host_pair: defaults.host_pair,
        minutes: defaults.minutes,
        delivery_time: "07:00".to_owned(),
        stories_per_day: 3,
    };
    let settings = check_settings(settings)?;
    let password_hash = hash(&password).await?;
    let feed_token = tokens::random_token();
    let now = service.now();
    let user = service
        .store
        .create_user(
            NewUser {
                email,
                password_hash,
                settings,
                feed_token_hash: tokens::token_hash(&feed_token),
                feed_token,
            },
            now,
        )
        .await
        .map_err(|err| match err {
            StoreError::Conflict { .. } => {
                Error::Conflict("an account with this email already exists".into())
            }
            other => other.into(),
        })?;
    let api_token = tokens::random_token();
    service
        .store
        .add_api_token(user.id, &tokens::token_hash(&api_token), now)
        .await?;
    Ok(NewAccount {
        user,
        password: generated,
        api_token,
    })
}

/// Hashes a password off the async threads (Argon2id takes tens of milliseconds).
pub async fn hash(password: &str) -> Result<String, Error> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || tokens::hash_password(&password))
        .await
        .map_err(|err| Error::Internal(format!("password hashing stopped: {err}")))?
        .map_err(|err| Error::Internal(format!("cannot hash the password: {err}")))
}

/// Checks a password against an Argon2id hash off the async threads.
pub async fn verify(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || tokens::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Replaces the feed token, so the old feed URL stops working; returns the new one.
pub async fn rotate_feed_token(service: &Service, user_id: i64) -> Result<String, Error> {
    let token = tokens::random_token();
    service
        .store
        .set_feed_token(user_id, &token, &tokens::token_hash(&token))
        .await?;
    Ok(token)
}

/// Lower-cases and checks an email address's shape.
pub fn normalise_email(email: &str) -> Result<String, Error> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(Error::BadRequest(format!(
            "{email:?} is not an email address"
        )))
    }
}

/// Fails for a password too short to be safe.
pub fn check_password(password: &str) -> Result<(), Error> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadRequest(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// Checks settings and puts them in canonical form (time zone spelling, language tag,
/// trimmed topics), with a message naming the field that is wrong.
pub fn check_settings(mut settings: UserSettings) -> Result<UserSettings, Error> {
    let language = Language::parse(&settings.language)
        .map_err(|err| Error::BadRequest(format!("language: {err}")))?;
    settings.language = language.tag().to_owned();
    settings.timezone = goosepod_core::timezone::canonical_name(settings.timezone.trim())
        .map_err(|err| Error::BadRequest(format!("time zone: {err}")))?;
    settings.name = settings.name.trim().to_owned();
    let mut topics: Vec<String> = Vec::new();
    for topic in settings
        .topics
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        if !topics.iter().any(|t| t.eq_ignore_ascii_case(topic)) {
            topics.push(topic.to_owned());
        }
    }
    if topics.len() > 50 || topics.iter().any(|t| t.chars().count() > 60) {
        return Err(Error::BadRequest(
            "topics: at most 50, each at most 60 characters".into(),
        ));
    }
    settings.topics = topics;
    let pair = HostPair::builtin(&settings.host_pair)
        .map_err(|err| Error::BadRequest(format!("hosts: {err}")))?;
    if pair.language != language {
        return Err(Error::BadRequest(format!(
            "hosts: the pair {} speaks {}, not {}",
            pair.id,
            pair.language.native_name(),
            language.native_name()
        )));
    }
    delivery_minutes(&settings.delivery_time)
        .ok_or_else(|| Error::BadRequest("delivery time: expected HH:MM, e.g. 07:00".into()))?;
    if !(1..=10).contains(&settings.stories_per_day) {
        return Err(Error::BadRequest(
            "stories per day: between 1 and 10".into(),
        ));
    }
    let listener = listener(&settings)?;
    settings.name = listener.name;
    settings.minutes = listener.minutes;
    Ok(settings)
}

/// The listener a user's settings describe (what the writer needs).
pub fn listener(settings: &UserSettings) -> Result<Listener, Error> {
    let value = serde_json::json!({
        "name": settings.name,
        "language": settings.language,
        "timezone": settings.timezone,
        "topics": settings.topics,
        "minutes": settings.minutes,
        "host_pair": settings.host_pair,
    });
    serde_json::from_value(value).map_err(|err| Error::BadRequest(err.to_string()))
}

/// `HH:MM` → minutes after midnight.
pub fn delivery_minutes(text: &str) -> Option<u32> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60 && text.trim().len() == 5).then_some(hours * 60 + minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> UserSettings {
        UserSettings {
            name: " Norris ".into(),
            language: "en-GB".into(),
            timezone: "europe/london".into(),
            topics: vec![" chips ".into(), "Chips".into(), "".into(), "电池".into()],
            host_pair: "en-default".into(),
            minutes: 5.0,
            delivery_time: "07:30".into(),
            stories_per_day: 3,
        }
    }

    #[test]
    fn settings_are_put_in_canonical_form() {
        let checked = check_settings(settings()).unwrap();
        assert_eq!(checked.name, "Norris");
        assert_eq!(checked.language, "en-US");
        assert_eq!(checked.timezone, "Europe/London");
        assert_eq!(checked.topics, ["chips", "电池"]);
    }

    #[test]
    fn bad_settings_name_the_field() {
        type Change = fn(&mut UserSettings);
        let cases: [(Change, &str); 5] = [
            (|s| s.timezone = "Mars/Olympus".into(), "time zone"),
            (|s| s.language = "xx".into(), "language"),
            (|s| s.delivery_time = "7am".into(), "delivery time"),
            (|s| s.host_pair = "zh-default".into(), "hosts"),
            (|s| s.stories_per_day = 0, "stories per day"),
        ];
        for (change, field) in cases {
            let mut bad = settings();
            change(&mut bad);
            let err = check_settings(bad).unwrap_err().to_string();
            assert!(err.starts_with(field), "{err}");
        }
    }

    #[test]
    fn emails_and_delivery_times_are_checked() {
        assert_eq!(normalise_email(" A@Example.COM ").unwrap(), "a@example.com");
        for bad in ["", "a", "a@b", "@b.c", "a b@c.d", "a@.c", "a@c."] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
        assert_eq!(delivery_minutes("07:05"), Some(425));
        assert_eq!(delivery_minutes("23:59"), Some(1439));
        for bad in ["24:00", "7:05", "07:60", "0705", ""] {
            assert_eq!(delivery_minutes(bad), None, "{bad}");
        }
    }
}
