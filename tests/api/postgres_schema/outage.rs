//! The PostgreSQL server lost and back, through a relay the test cuts: while it is gone
//! every answer is Graph's 503 `serviceNotAvailable` with `Retry-After`, within the
//! configured wait rather than a hang, and nothing refused is half-written; once it is
//! back the same process serves again, with everything it acknowledged.

use std::time::Duration;

use awc::http::Method;
use serde_json::{json, Value};

use entitlement_emulator::startup::Application;

use super::Database;
use crate::helpers::*;

/// docker-compose.yml starts the replicas beside their server: one that starts first waits
/// for it (`database.start_wait_secs`) and serves once it answers. Without the wait it
/// gives up at once, naming the database.
#[actix_web::test]
async fn a_replica_started_before_its_server_waits_for_it() {
    let Some(database) = Database::new().await else {
        return;
    };
    let (relay, url) = Relay::to(&database.url()).await;
    relay.cut();
    let given = url.clone();
    let starting = actix_web::rt::spawn(spawn_app_with(move |settings| {
        settings.database.url = given;
        settings.database.start_wait_secs = 60;
    }));
    // Two attempts refused: the first, and one made after a pause. (Bounded: without the
    // wait the start has failed and no second attempt comes.)
    for attempt in ["first", "second"] {
        tokio::time::timeout(Duration::from_secs(30), relay.refused())
            .await
            .unwrap_or_else(|_| panic!("no {attempt} attempt to reach the server"));
    }
    relay.restore();
    let app = starting.await.expect("the start ends");
    let health = app.get("/_emulator/health").await.expect(200);
    assert_eq!(health, json!({"status": "ok", "backend": "postgresql"}));
    app.create_beta_package("after the wait").await.expect(201);

    relay.cut();
    let mut settings = app.settings.clone();
    settings.server.port = 0;
    settings.database.start_wait_secs = 0;
    let error = match Application::build(settings).await {
        Ok(_) => panic!("no server, no wait: the start fails"),
        Err(error) => error.to_string(),
    };
    let shown = url.split_once('@').expect("user@host").1;
    assert!(error.contains("cannot open the database"), "{error}");
    assert!(error.contains(shown), "{error}");
}

#[actix_web::test]
async fn a_lost_server_is_503_with_retry_after_and_service_resumes_when_it_is_back() {
    let Some(database) = Database::new().await else {
        return;
    };
    let (relay, url) = Relay::to(&database.url()).await;
    let app = spawn_app_with(|settings| {
        settings.database.url = url;
        settings.database.busy_timeout_ms = 500;
    })
    .await;
    let health = app.get("/_emulator/health").await.expect(200);
    assert_eq!(health, json!({"status": "ok", "backend": "postgresql"}));
    let before = id_of(&app.create_beta_package("before the outage").await);
    let package = format!("{BETA}/accessPackages/{before}");

    relay.cut();
    let during = json!({"catalogId": GENERAL, "displayName": "during the outage"});
    let advance = json!({"by": "PT1M"});
    let create = format!("{BETA}/accessPackages");
    // The clock goes to the writer's connection first; the others read first.
    let asked = [
        (Method::POST, "/_emulator/clock/advance", Some(&advance)),
        (Method::GET, "/_emulator/health", None),
        (Method::GET, package.as_str(), None),
        (Method::POST, create.as_str(), Some(&during)),
        (Method::POST, create.as_str(), Some(&during)),
    ];
    for (method, path, body) in asked {
        let request = app.request(method.clone(), path);
        let request = request.insert_header(("Content-Type", "application/json"));
        let answer = send(request, body.map(|body| body.to_string().into())).await;
        let error = answer.expect(503);
        assert_eq!(
            error["error"]["code"], "serviceNotAvailable",
            "{method} {path}"
        );
        assert_eq!(
            answer.headers.get("Retry-After").map(|v| v.as_bytes()),
            Some(&b"1"[..])
        );
    }

    relay.restore();
    // The writer's connection first, then the readers'.
    assert_eq!(advance_clock(&app, "PT1M").await["offset_ms"], 60_000);
    app.get("/_emulator/health").await.expect(200);
    app.get(&package).await.expect(200);
    let after = id_of(&app.create_beta_package("after the outage").await);
    let listed = app
        .get(&query(
            &format!("{BETA}/accessPackages"),
            "$orderby=displayName",
        ))
        .await
        .expect(200);
    let names: Vec<&Value> = listed["value"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| &package["displayName"])
        .collect();
    assert_eq!(
        names,
        [&json!("after the outage"), &json!("before the outage")]
    );
    assert_ne!(before, after);
}
