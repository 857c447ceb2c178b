//! The JSON API: bearer tokens, one listener's resources only, and the OpenAPI document
//! that describes every route.

mod common;

use common::*;
use goosepod_server::accounts::{self, AccountRequest};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn listener(app: &TestApp, email: &str) -> (String, String) {
    let account = accounts::create_account(
        &app.service,
        AccountRequest {
            email: email.into(),
            topics: vec!["bridge".into()],
            ..AccountRequest::default()
        },
    )
    .await
    .unwrap();
    (account.api_token, account.user.feed_token)
}

fn api(app: &TestApp, token: &str, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_serves_only_the_tokens_owner() {
    let site = Site::start().await;
    site.put(
        "news/bridge",
        "text/html; charset=utf-8",
        fixture("en-bridge-repair.html"),
    );
    site.put(
        "feed.xml",
        "application/rss+xml",
        rss(&site, "Valley", &[("g1", "news/bridge", "Bridge")]),
    );
    let app = spawn_app().await;
    let (alice, _) = listener(&app, "alice@example.com").await;
    let (bob, _) = listener(&app, "bob@example.com").await;
    use reqwest::Method;

    // No token, a wrong token: 401 with a JSON error.
    let anonymous = reqwest::get(app.url("/api/v1/episodes")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    assert!(anonymous.json::<Value>().await.unwrap()["error"].is_string());
    let wrong = api(&app, &"0".repeat(64), Method::GET, "/episodes")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // Sources: added after a fetch, listed, private to their owner.
    let added = api(&app, &alice, Method::POST, "/sources")
        .json(&json!({ "url": site.url("feed.xml") }))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    let source: Value = added.json().await.unwrap();
    assert_eq!(
        (source["kind"].as_str(), source["title"].as_str()),
        (Some("feed"), Some("Valley"))
    );
    let id = source["id"].as_i64().unwrap();
    let again = api(&app, &alice, Method::POST, "/sources")
        .json(&json!({ "url": site.url("feed.xml") }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let private = api(&app, &alice, Method::POST, "/sources")
        .json(&json!({ "url": "http://192.168.1.1/feed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let listed: Value = api(&app, &alice, Method::GET, "/sources")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // A feed's poll interval: changed by its owner within bounds; an article has none.
    let set_interval = |token: &str, id: &Value, seconds: i64| {
        api(&app, token, Method::PATCH, &format!("/sources/{id}"))
            .json(&json!({ "interval_s": seconds }))
            .send()
    };
    let changed = set_interval(&alice, &json!(id), 3600).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.json::<Value>().await.unwrap()["interval_s"], 3600);
    let too_often = set_interval(&alice, &json!(id), 10).await.unwrap();
    assert_eq!(too_often.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let theirs = set_interval(&bob, &json!(id), 3600).await.unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let article: Value = api(&app, &alice, Method::POST, "/sources")
        .json(&json!({ "url": site.url("news/bridge") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(article["kind"], "article");
    let read_once = set_interval(&alice, &article["id"], 3600).await.unwrap();
    assert_eq!(read_once.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let removed = api(
        &app,
        &alice,
        Method::DELETE,
        &format!("/sources/{}", article["id"]),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);

    for (method, path) in [
        (Method::GET, format!("/sources/{id}")),
        (Method::DELETE, format!("/sources/{id}")),
    ] {
        let theirs = api(&app, &bob, method, &path).send().await.unwrap();
        assert_eq!(theirs.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // Settings: validated, saved, and only the owner's.
    let mut settings: Value = api(&app, &alice, Method::GET, "/settings")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    settings["timezone"] = json!("america/new_york");
    settings["delivery_time"] = json!("06:45");
    let saved = api(&app, &alice, Method::PUT, "/settings")
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(
        saved.json::<Value>().await.unwrap()["timezone"],
        "America/New_York"
    );
    settings["timezone"] = json!("Nowhere/Land");
    let refused = api(&app, &alice, Method::PUT, "/settings")
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json::<Value>().await.unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("time zone")
    );
    let bobs: Value = api(&app, &bob, Method::GET, "/settings")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bobs["timezone"], "UTC");

    // A job from a link, run, and its episode: Alice's only.
    let queued = api(&app, &alice, Method::POST, "/jobs")
        .json(&json!({ "url": site.url("news/bridge") }))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let job_id = queued.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    app.run_once("2030-01-15T12:00:00Z").await;
    let job: Value = api(&app, &alice, Method::GET, &format!("/jobs/{job_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        api(&app, &bob, Method::GET, &format!("/jobs/{job_id}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let episodes: Value = api(&app, &alice, Method::GET, "/episodes")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let episode = &episodes[0];
    let episode_id = episode["id"].as_str().unwrap();
    assert!(episode["duration_s"].as_f64().unwrap() > 10.0);
    let audio = reqwest::get(episode["audio_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(audio.status(), StatusCode::OK);
    assert_eq!(
        audio.bytes().await.unwrap().len() as i64,
        episode["audio_bytes"].as_i64().unwrap()
    );
    assert_eq!(
        api(&app, &bob, Method::GET, &format!("/episodes/{episode_id}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let bob_episodes: Value = api(&app, &bob, Method::GET, "/episodes")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bob_episodes, json!([]));
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = spawn_app().await;
    let (token, _) = listener(&app, "a@example.com").await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 8);
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            // Every documented operation exists: with ids that are not the caller's it
            // answers 404 or a validation error, never 405 or a router miss.
            let concrete = path.replace("{id}", "999");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = api(&app, &token, method.clone(), &concrete)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            if !path.contains("{id}") && method == reqwest::Method::GET {
                assert_eq!(status, StatusCode::OK, "{method} {path}");
            }
            assert_eq!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .split(';')
                    .next(),
                Some("application/json"),
                "{method} {path}"
            );
        }
    }
    app.stop().await;
}
