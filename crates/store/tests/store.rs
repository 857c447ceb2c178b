//! The SQLite backend against a real database file.

use goosepod_store::*;
use jiff::{SignedDuration, Timestamp};

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

async fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("goosepod.db"))
        .await
        .unwrap();
    (dir, store)
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

#[tokio::test]
async fn users_round_trip_and_emails_are_unique() {
    let (_dir, store) = open().await;
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

#[tokio::test]
async fn sessions_expire_and_api_tokens_find_their_user() {
    let (_dir, store) = open().await;
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

#[tokio::test]
async fn sources_are_per_user_and_polls_are_recorded() {
    let (_dir, store) = open().await;
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

    assert!(!store.delete_source(b.id, source.id).await.unwrap());
    assert!(store.delete_source(a.id, source.id).await.unwrap());
}

#[tokio::test]
async fn candidates_rank_by_score_and_are_delivered_once() {
    let (_dir, store) = open().await;
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
    store.mark_delivered(user.id, high, at(1)).await.unwrap();
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

#[tokio::test]
async fn a_job_is_leased_to_one_worker_and_recovered_when_its_lease_expires() {
    let (_dir, store) = open().await;
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
    let published = store
        .finish_job(claimed.id, "w2", new_episode(user.id, "e1"), at(93))
        .await
        .unwrap()
        .unwrap();
    let done = store.job(user.id, claimed.id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.episode_id, Some(published.id));
    assert_eq!(
        store.episodes(user.id, 10).await.unwrap(),
        vec![published.clone()]
    );
    assert_eq!(store.episode(user.id, "e1").await.unwrap(), Some(published));
}

#[tokio::test]
async fn failed_jobs_retry_then_fail_and_released_jobs_return_to_the_queue() {
    let (_dir, store) = open().await;
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

#[tokio::test]
async fn two_stores_on_one_file_never_claim_the_same_job() {
    let (dir, first) = open().await;
    let second = SqliteStore::open(&dir.path().join("goosepod.db"))
        .await
        .unwrap();
    let user = first
        .create_user(new_user("a@example.com"), at(0))
        .await
        .unwrap();
    for _ in 0..40 {
        first.enqueue(job_for(user.id, None), at(0)).await.unwrap();
    }
    let claim_all = |store: SqliteStore, worker: &'static str| async move {
        let mut ids = Vec::new();
        while let Some(job) = store
            .claim_job(worker, None, at(1), at(1) + SignedDuration::from_secs(60))
            .await
            .unwrap()
        {
            ids.push(job.id);
        }
        ids
    };
    let (a, b) = tokio::join!(
        tokio::spawn(claim_all(first, "w1")),
        tokio::spawn(claim_all(second, "w2"))
    );
    let mut all: Vec<i64> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!((before, all.len()), (40, 40));
}
