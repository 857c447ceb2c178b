//! Every store test, against SQLite (always) and PostgreSQL (see `support`): the backends
//! must behave the same.

mod support;

use std::sync::Arc;
use std::time::Duration;

use goosepod_store::*;
use jiff::{SignedDuration, Timestamp};
use sqlx::{Connection, PgConnection};
use support::TestDb;

/// Runs each named test (an `async fn(TestDb)`) once per backend: `sqlite::name` and
/// `postgres::name`.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::TestDb::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(db) = super::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

on_every_backend!(
    users_round_trip_and_emails_are_unique,
    sessions_expire_and_api_tokens_find_their_user,
    sources_are_per_user_and_polls_are_recorded,
    candidates_rank_by_score_and_are_delivered_once,
    stories_keep_every_field_and_full_64_bit_fingerprints,
    concurrent_inserts_of_one_story_agree_on_its_id,
    a_job_is_leased_to_one_worker_and_recovered_when_its_lease_expires,
    failed_jobs_retry_then_fail_and_released_jobs_return_to_the_queue,
    many_stores_on_one_database_never_claim_the_same_job,
);

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + seconds).unwrap()
}

fn settings() -> UserSettings {
    UserSettings {
        name: "Norris".into(),
        language: "en".into(),
        timezone: "Europe/London".into(),
        topics: vec!["batteries".into(), "OpenAI".into()],
        host_pair: "en-default".into(),
        minutes: 5.0,
        delivery_time: "07:00".into(),
        stories_per_day: 3,
    }
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        password_hash: "$argon2id$test".into(),
        settings: settings(),
        feed_token: format!("feed-{email}"),
        feed_token_hash: format!("hash-{email}"),
    }
}

fn story(url: &str, fingerprint: u64) -> NewStory {
    NewStory {
        url: url.into(),
        title: format!("Title of {url}"),
        language: Some("en".into()),
        published_at: Some(at(0)),
        fingerprint,
        article: "{}".into(),
        fetched_at: at(0),
    }
}

fn new_episode(user_id: i64, public_id: &str) -> NewEpisode {
    NewEpisode {
        user_id,
        public_id: public_id.into(),
        story_id: None,
        title: "An episode".into(),
        summary: "What it is about.".into(),
        language: "en".into(),
        published_at: at(10),
        duration_s: 61.5,
        audio_bytes: 4096,
        media_key: format!("{user_id}/{public_id}"),
        audio_file: "episode.mp3".into(),
        audio_type: "audio/mpeg".into(),
    }
}

fn job_for(user_id: i64, key: Option<&str>) -> NewJob {
    NewJob {
        user_id,
        story_id: None,
        url: Some("https://example.com/a".into()),
        dedupe_key: key.map(str::to_owned),
        max_attempts: 3,
        run_after: at(0),
    }
}

async fn users_round_trip_and_emails_are_unique(db: TestDb) {
    let store = db.open().await;
    let user = store
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    assert_eq!(user.settings, settings());
    assert_eq!(user.created_at, at(0));
    let (found, hash) = store.user_by_email("a@example.com").await.unwrap().unwrap();
    assert_eq!(found, user);
    assert_eq!(hash, "$argon2id$test");
    let err = store
        .create_user(new_user("a@example.com"), at(1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");

    let mut changed = settings();
    changed.topics = vec!["电池".into()];
    changed.delivery_time = "06:30".into();
    store.update_settings(user.id, &changed).await.unwrap();
    assert_eq!(
        store.user(user.id).await.unwrap().unwrap().settings,
        changed
    );

    assert_eq!(
        store
            .user_by_feed_token("hash-a@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        user.id
    );
    store
        .set_feed_token(user.id, "new", "new-hash")
        .await
        .unwrap();
    assert!(
        store
            .user_by_feed_token("hash-a@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .user_by_feed_token("new-hash")
            .await
            .unwrap()
            .unwrap()
            .feed_token,
        "new"
    );
}

async fn sessions_expire_and_api_tokens_find_their_user(db: TestDb) {
    let store = db.open().await;
    let user = store
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    store
        .create_session(user.id, "s1", "csrf1", at(100))
        .await
        .unwrap();
    let session = store.session("s1", at(99)).await.unwrap().unwrap();
    assert_eq!(session.user.id, user.id);
    assert_eq!(session.csrf_token, "csrf1");
    assert!(store.session("s1", at(100)).await.unwrap().is_none());
    store.delete_session("s1").await.unwrap();
    assert!(store.session("s1", at(0)).await.unwrap().is_none());

    store.add_api_token(user.id, "t1", at(0)).await.unwrap();
    assert_eq!(
        store.user_by_api_token("t1").await.unwrap().unwrap().id,
        user.id
    );
    assert!(store.user_by_api_token("t2").await.unwrap().is_none());
}

async fn sources_are_per_user_and_polls_are_recorded(db: TestDb) {
    let store = db.open().await;
    let a = store
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    let b = store
        .create_user(new_user("b@example.com"), at(0))
        .await
        .unwrap();
    let new = |user_id| NewSource {
        user_id,
        url: "https://example.com/feed.xml".into(),
        kind: SourceKind::Feed,
        title: None,
        interval_s: 1800,
        next_poll_at: at(0),
    };
    let source = store.add_source(new(a.id), at(0)).await.unwrap();
    store.add_source(new(b.id), at(0)).await.unwrap();
    assert!(matches!(
        store.add_source(new(a.id), at(0)).await.unwrap_err(),
        StoreError::Conflict { .. }
    ));
    assert!(store.source(b.id, source.id).await.unwrap().is_none());
    assert_eq!(store.due_sources(None, at(0)).await.unwrap().len(), 2);
    assert_eq!(store.due_sources(Some(a.id), at(0)).await.unwrap().len(), 1);

    let failed = PollResult::Failed {
        error: "not a feed".into(),
        next_poll_at: at(600),
    };
    store.record_poll(source.id, &failed, at(1)).await.unwrap();
    let polled = store.source(a.id, source.id).await.unwrap().unwrap();
    assert_eq!(polled.failures, 1);
    assert_eq!(polled.last_error.as_deref(), Some("not a feed"));
    assert!(
        store
            .due_sources(Some(a.id), at(599))
            .await
            .unwrap()
            .is_empty()
    );

    let ok = PollResult::Ok {
        etag: Some("\"v1\"".into()),
        last_modified: None,
        title: Some("Harbour News".into()),
        next_poll_at: at(2400),
    };
    store.record_poll(source.id, &ok, at(600)).await.unwrap();
    let polled = store.source(a.id, source.id).await.unwrap().unwrap();
    assert_eq!((polled.failures, polled.last_error), (0, None));
    assert_eq!(polled.title.as_deref(), Some("Harbour News"));
    assert_eq!(polled.etag.as_deref(), Some("\"v1\""));

    assert!(!store.item_seen(source.id, "guid-1").await.unwrap());
    store
        .record_item(source.id, "guid-1", None, Some("boom"), at(2))
        .await
        .unwrap();
    assert!(store.item_seen(source.id, "guid-1").await.unwrap());

    assert!(
        !store
            .set_source_interval(b.id, source.id, 3600, at(3000))
            .await
            .unwrap()
    );
    assert!(
        store
            .set_source_interval(a.id, source.id, 3600, at(4200))
            .await
            .unwrap()
    );
    let slower = store.source(a.id, source.id).await.unwrap().unwrap();
    assert_eq!((slower.interval_s, slower.next_poll_at), (3600, at(4200)));
    assert!(
        store
            .due_sources(Some(a.id), at(4199))
            .await
            .unwrap()
            .is_empty()
    );

    assert!(!store.delete_source(b.id, source.id).await.unwrap());
    assert!(store.delete_source(a.id, source.id).await.unwrap());
}

async fn candidates_rank_by_score_and_are_delivered_once(db: TestDb) {
    let store = db.open().await;
    let user = store
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    let low = store
        .insert_story(story("https://e.com/low", 1))
        .await
        .unwrap();
    let high = store
        .insert_story(story("https://e.com/high", 2))
        .await
        .unwrap();
    assert_eq!(
        store
            .insert_story(story("https://e.com/high", 3))
            .await
            .unwrap(),
        high
    );
    store
        .add_candidate(user.id, low, 0.5, &[], at(0))
        .await
        .unwrap();
    store
        .add_candidate(user.id, high, 2.0, &["batteries".into()], at(0))
        .await
        .unwrap();
    let ranked = store.candidates(user.id, 10).await.unwrap();
    assert_eq!(
        ranked.iter().map(|c| c.story.id).collect::<Vec<_>>(),
        [high, low]
    );
    assert_eq!(ranked[0].topics, ["batteries"]);
    let one = store.candidate(user.id, high).await.unwrap().unwrap();
    assert_eq!(
        (one.story.id, one.topics.as_slice()),
        (high, &["batteries".to_owned()][..])
    );
    store.mark_delivered(user.id, high, at(1)).await.unwrap();
    assert!(store.candidate(user.id, high).await.unwrap().is_none());
    assert!(store.candidate(user.id + 1, low).await.unwrap().is_none());
    // Offering a delivered story again does not bring it back.
    store
        .add_candidate(user.id, high, 9.0, &[], at(2))
        .await
        .unwrap();
    let ranked = store.candidates(user.id, 10).await.unwrap();
    assert_eq!(ranked.iter().map(|c| c.story.id).collect::<Vec<_>>(), [low]);

    assert!(
        store
            .claim_delivery(user.id, "2026-12-06", at(0))
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_delivery(user.id, "2026-12-06", at(1))
            .await
            .unwrap()
    );
    assert_eq!(store.fingerprints_since(at(0)).await.unwrap().len(), 2);
}

async fn a_job_is_leased_to_one_worker_and_recovered_when_its_lease_expires(db: TestDb) {
    let store = db.open().await;
    let user = store
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    let queued = store
        .enqueue(job_for(user.id, Some("k1")), at(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(queued.state, JobState::Queued);
    assert!(
        store
            .enqueue(job_for(user.id, Some("k1")), at(0))
            .await
            .unwrap()
            .is_none()
    );

    let claimed = store
        .claim_job("w1", None, at(1), at(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((claimed.id, claimed.attempts), (queued.id, 1));
    assert!(
        store
            .claim_job("w2", None, at(2), at(62))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.heartbeat(claimed.id, "w1", at(90)).await.unwrap());
    assert!(!store.heartbeat(claimed.id, "w2", at(90)).await.unwrap());
    store
        .set_stage(claimed.id, "w1", "speak", at(3))
        .await
        .unwrap();
    assert_eq!(
        store
            .job(user.id, claimed.id)
            .await
            .unwrap()
            .unwrap()
            .stage
            .as_deref(),
        Some("speak")
    );

    // w1 dies: once the lease has run out, w2 takes the job over.
    assert!(
        store
            .claim_job("w2", None, at(89), at(150))
            .await
            .unwrap()
            .is_none()
    );
    let taken = store
        .claim_job("w2", None, at(91), at(151))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.id, taken.attempts), (claimed.id, 2));
    // The dead worker's late result is not published.
    assert!(
        store
            .finish_job(claimed.id, "w1", new_episode(user.id, "late"), at(92))
            .await
            .unwrap()
            .is_none()
    );
    let opus = NewEpisode {
        audio_file: "episode.opus".into(),
        audio_type: "audio/ogg; codecs=opus".into(),
        ..new_episode(user.id, "e1")
    };
    let published = store
        .finish_job(claimed.id, "w2", opus, at(93))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (published.audio_file.as_str(), published.audio_type.as_str()),
        ("episode.opus", "audio/ogg; codecs=opus")
    );
    let done = store.job(user.id, claimed.id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.episode_id, Some(published.id));
    assert_eq!(
        store.episodes(user.id, 10).await.unwrap(),
        vec![published.clone()]
    );
    assert_eq!(store.episode(user.id, "e1").await.unwrap(), Some(published));
    let key = format!("{}/e1", user.id);
    assert!(store.media_published(user.id, &key).await.unwrap());
    assert!(
        !store
            .media_published(user.id, &format!("{}/late", user.id))
            .await
            .unwrap()
    );
    assert!(!store.media_published(user.id + 1, &key).await.unwrap());
}

async fn failed_jobs_retry_then_fail_and_released_jobs_return_to_the_queue(db: TestDb) {
    let store = db.open().await;
    let user = store
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("b@example.com"), at(0))
        .await
        .unwrap();
    let job = store
        .enqueue(job_for(user.id, None), at(0))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .claim_job("w", Some(other.id), at(0), at(60))
            .await
            .unwrap()
            .is_none()
    );

    store
        .claim_job("w", Some(user.id), at(0), at(60))
        .await
        .unwrap()
        .unwrap();
    store
        .fail_job(job.id, "w", "speech failed", Some(at(30)), at(1))
        .await
        .unwrap();
    let retried = store.job(user.id, job.id).await.unwrap().unwrap();
    assert_eq!(retried.state, JobState::Queued);
    assert_eq!(retried.error.as_deref(), Some("speech failed"));
    assert!(
        store
            .claim_job("w", None, at(29), at(90))
            .await
            .unwrap()
            .is_none()
    );

    store
        .claim_job("w", None, at(30), at(90))
        .await
        .unwrap()
        .unwrap();
    store.release_job(job.id, "w", at(31)).await.unwrap();
    let released = store.job(user.id, job.id).await.unwrap().unwrap();
    assert_eq!((released.state, released.attempts), (JobState::Queued, 1));

    store
        .claim_job("w", None, at(32), at(92))
        .await
        .unwrap()
        .unwrap();
    store
        .fail_job(job.id, "w", "gave up", None, at(33))
        .await
        .unwrap();
    let failed = store.job(user.id, job.id).await.unwrap().unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert!(
        store
            .claim_job("w", None, at(1000), at(1060))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.jobs(user.id, 10).await.unwrap().len(), 1);
    assert!(store.jobs(other.id, 10).await.unwrap().is_empty());
}

async fn stories_keep_every_field_and_full_64_bit_fingerprints(db: TestDb) {
    let store = db.open().await;
    let mut new = story("https://e.com/high-bit", u64::MAX - 1);
    new.language = None;
    new.published_at = None;
    new.article = "{\"text\":\"电池 — «quoted»\"}".into();
    let id = store.insert_story(new.clone()).await.unwrap();
    let kept = store.story(id).await.unwrap().unwrap();
    assert_eq!(
        kept,
        Story {
            id,
            url: new.url.clone(),
            title: new.title.clone(),
            language: None,
            published_at: None,
            fingerprint: u64::MAX - 1,
            article: new.article.clone(),
            fetched_at: at(0),
        }
    );
    assert_eq!(store.story_by_url(&new.url).await.unwrap(), Some(kept));
    let low = store
        .insert_story(story("https://e.com/low-bit", 7))
        .await
        .unwrap();
    let mut fingerprints = store.fingerprints_since(at(0)).await.unwrap();
    fingerprints.sort_unstable();
    assert_eq!(fingerprints, [(id, u64::MAX - 1), (low, 7)]);
    assert!(store.fingerprints_since(at(1)).await.unwrap().is_empty());
}

async fn concurrent_inserts_of_one_story_agree_on_its_id(db: TestDb) {
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(db.open().await);
    }
    let inserts = stores.iter().cycle().take(16).map(|store| {
        let store = Arc::clone(store);
        tokio::spawn(async move {
            store
                .insert_story(story("https://e.com/everyone", 1))
                .await
                .unwrap()
        })
    });
    let mut ids = Vec::new();
    for insert in inserts.collect::<Vec<_>>() {
        ids.push(insert.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(stores[0].fingerprints_since(at(0)).await.unwrap().len(), 1);
}

/// 4 stores (processes), each with 4 claimers, take 200 jobs: every job exactly once.
async fn many_stores_on_one_database_never_claim_the_same_job(db: TestDb) {
    const JOBS: usize = 200;
    let first = db.open().await;
    let user = first
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    for _ in 0..JOBS {
        first.enqueue(job_for(user.id, None), at(0)).await.unwrap();
    }
    let mut claimers = Vec::new();
    for pool in 0..4 {
        let store = db.open().await;
        for claimer in 0..4 {
            let store = Arc::clone(&store);
            let worker = format!("w{pool}.{claimer}");
            claimers.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                while let Some(job) = store
                    .claim_job(&worker, None, at(1), at(1) + SignedDuration::from_secs(60))
                    .await
                    .unwrap()
                {
                    assert_eq!(job.lease_owner.as_deref(), Some(worker.as_str()));
                    ids.push(job.id);
                }
                ids
            }));
        }
    }
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    all.sort_unstable();
    let claimed = all.len();
    all.dedup();
    assert_eq!((claimed, all.len()), (JOBS, JOBS));
    let jobs = first.jobs(user.id, 1000).await.unwrap();
    assert!(
        jobs.iter()
            .all(|job| job.state == JobState::Running && job.attempts == 1),
        "every job leased once"
    );
}

/// PostgreSQL alone: what only a server with row locks can show.
mod postgres_only {
    use super::*;

    /// A job another transaction has locked is skipped, not waited for: claims never block
    /// each other.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_locked_job_is_skipped_not_waited_for() {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        let store = db.open().await;
        let user = store
            .create_user(new_user("a@example.com"), at(0))
            .await
            .unwrap();
        let first = store
            .enqueue(job_for(user.id, None), at(0))
            .await
            .unwrap()
            .unwrap();
        let second = store
            .enqueue(job_for(user.id, None), at(0))
            .await
            .unwrap()
            .unwrap();

        let mut other = PgConnection::connect(db.postgres_url().unwrap())
            .await
            .unwrap();
        let mut lock = other.begin().await.unwrap();
        sqlx::query("SELECT id FROM jobs WHERE id = $1 FOR UPDATE")
            .bind(first.id)
            .fetch_one(&mut *lock)
            .await
            .unwrap();

        let claim = store.claim_job("w1", None, at(1), at(61));
        let claimed = tokio::time::timeout(Duration::from_secs(10), claim)
            .await
            .expect("the claim waited for the locked row instead of skipping it")
            .unwrap()
            .unwrap();
        assert_eq!(claimed.id, second.id);

        lock.rollback().await.unwrap();
        let claimed = store
            .claim_job("w2", None, at(1), at(61))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.id, first.id);
    }

    /// A wrong password fails at once, naming the URL without the password.
    #[tokio::test]
    async fn a_refused_sign_in_names_the_url_without_its_password() {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        let mut url = url::Url::parse(db.postgres_url().unwrap()).unwrap();
        url.set_password(Some("not-the-password")).unwrap();
        let err = PostgresStore::connect(url.as_str()).await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Open { .. }), "{message}");
        assert!(!message.contains("not-the-password"), "{message}");
        assert!(message.contains(&redact_url(url.as_str())), "{message}");
    }
}
