//! The daily schedule: at each listener's local delivery time, their best new stories are
//! queued as episode jobs.

use goosepod_store::{NewJob, User};
use jiff::Timestamp;
use jiff::civil::{Date, Time};

use crate::accounts::delivery_minutes;
use crate::error::Error;
use crate::service::Service;

/// When a listener's delivery for the local day containing `now` falls, and that day.
///
/// The delivery time is local wall-clock time: on a day when clocks change it keeps its
/// local hour (a time skipped by a spring-forward gap is delivered just after the gap; a
/// repeated autumn hour is delivered the first time round).
pub fn delivery_for_day(user: &User, now: Timestamp) -> Result<(Date, Timestamp), Error> {
    let zone = goosepod_core::timezone::resolve(&user.settings.timezone)
        .map_err(|err| Error::Internal(format!("user {}: {err}", user.id)))?;
    let minutes = delivery_minutes(&user.settings.delivery_time).ok_or_else(|| {
        Error::Internal(format!(
            "user {}: bad delivery time {:?}",
            user.id, user.settings.delivery_time
        ))
    })?;
    let today = now.to_zoned_datetime(zone.clone()).date();
    let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0)
        .map_err(|err| Error::Internal(err.to_string()))?;
    let due = today
        .to_datetime(time)
        .to_zoned_datetime(zone)
        .map_err(|err| Error::Internal(format!("user {}: {err}", user.id)))?
        .timestamp();
    Ok((today, due))
}

/// Queues today's episodes for every listener whose delivery time has come and who has
/// new stories; returns how many jobs were queued. A day's delivery happens once.
pub async fn run_due_deliveries(service: &Service, only: Option<i64>) -> Result<usize, Error> {
    let now = service.now();
    let mut queued = 0;
    for user in service.store.users().await? {
        if only.is_some_and(|id| id != user.id) {
            continue;
        }
        let (day, due) = delivery_for_day(&user, now)?;
        if now < due {
            continue;
        }
        let limit = user.settings.stories_per_day;
        let candidates = service.store.candidates(user.id, limit).await?;
        if candidates.is_empty() {
            // Nothing new yet: the day stays open, so stories found later today still
            // make today's show.
            continue;
        }
        if !service
            .store
            .claim_delivery(user.id, &day.to_string(), now)
            .await?
        {
            continue;
        }
        for candidate in &candidates {
            let story_id = candidate.story.id;
            let job = NewJob {
                user_id: user.id,
                story_id: Some(story_id),
                url: None,
                dedupe_key: Some(format!("delivery:{}:{day}:{story_id}", user.id)),
                max_attempts: service.config.max_attempts,
                run_after: now,
            };
            if service.store.enqueue(job, now).await?.is_some() {
                queued += 1;
            }
            service.store.mark_delivered(user.id, story_id, now).await?;
        }
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use goosepod_store::UserSettings;

    fn user(timezone: &str, delivery_time: &str) -> User {
        User {
            id: 1,
            email: "a@example.com".into(),
            settings: UserSettings {
                name: "A".into(),
                language: "en".into(),
                timezone: timezone.into(),
                topics: vec![],
                host_pair: "en-default".into(),
                minutes: 5.0,
                delivery_time: delivery_time.into(),
                stories_per_day: 3,
            },
            feed_token: String::new(),
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn instant(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn delivery_is_local_time_across_daylight_saving_changes() {
        let london = user("Europe/London", "07:00");
        // Winter (GMT) and summer (BST): always 07:00 on the wall clock.
        let (day, due) = delivery_for_day(&london, instant("2026-01-15T12:00:00Z")).unwrap();
        assert_eq!(
            (day.to_string(), due),
            ("2026-01-15".into(), instant("2026-01-15T07:00:00Z"))
        );
        let (_, due) = delivery_for_day(&london, instant("2026-07-15T12:00:00Z")).unwrap();
        assert_eq!(due, instant("2026-07-15T06:00:00Z"));
        // The day clocks go forward (29 March 2026) and back (25 October 2026).
        let (_, due) = delivery_for_day(&london, instant("2026-03-29T12:00:00Z")).unwrap();
        assert_eq!(due, instant("2026-03-29T06:00:00Z"));
        let (_, due) = delivery_for_day(&london, instant("2026-10-25T12:00:00Z")).unwrap();
        assert_eq!(due, instant("2026-10-25T07:00:00Z"));
    }

    #[test]
    fn a_delivery_time_in_the_spring_gap_comes_just_after_it() {
        let new_york = user("America/New_York", "02:30");
        // 8 March 2026: 02:00 → 03:00 local; 02:30 does not exist.
        let (_, due) = delivery_for_day(&new_york, instant("2026-03-08T15:00:00Z")).unwrap();
        assert_eq!(due, instant("2026-03-08T07:30:00Z"));
    }

    #[test]
    fn the_local_day_follows_the_time_zone() {
        let shanghai = user("Asia/Shanghai", "07:00");
        // 23:30 UTC on the 5th is 07:30 on the 6th in Shanghai.
        let (day, due) = delivery_for_day(&shanghai, instant("2026-12-05T23:30:00Z")).unwrap();
        assert_eq!(day.to_string(), "2026-12-06");
        assert_eq!(due, instant("2026-12-05T23:00:00Z"));
    }
}
