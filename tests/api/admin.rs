//! `/_emulator/`: reset between tests, guarded by `admin.token` when it is set.

use std::time::Instant;

use actix_web::http::Method;
use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::*;

async fn reset(app: &TestApp, authorization: Option<&str>) -> TestResponse {
    let mut request = app.request(Method::POST, "/_emulator/reset");
    match authorization {
        Some(value) => request = request.insert_header(("Authorization", value)),
        None => {
            request.headers_mut().remove("authorization");
        }
    }
    send(request, None).await
}

fn without_context(mut entity: Value) -> Value {
    entity.as_object_mut().map(|e| e.remove("@odata.context"));
    entity
}

#[actix_web::test]
async fn reset_returns_to_the_seeded_state() {
    let app = spawn_app().await;
    let fresh = spawn_app().await;
    let general = format!("{BETA}/accessPackageCatalogs/{GENERAL}");
    let seeded = without_context(fresh.get(&general).await.json());

    let catalog = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": "Marketing"}),
        )
        .await;
    catalog.expect(201);
    for name in ["a", "b", "c"] {
        app.create_beta_package(name).await;
    }
    let patched = app
        .request(Method::PATCH, &general)
        .insert_header(("Content-Type", "application/json"));
    let patched = send(patched, Some(r#"{"description":"changed"}"#.into())).await;
    patched.expect(204);

    let response = reset(&app, None).await;
    response.expect(204);
    assert!(response.body.is_empty());

    assert_eq!(app.count_rows("access_packages").await, 0);
    assert_eq!(app.count_rows("catalogs").await, 1);
    assert_eq!(without_context(app.get(&general).await.json()), seeded);
    // The emulator works on as before.
    assert_eq!(app.create_beta_package("a").await.status.as_u16(), 201);
}

/// A reset that restores a large `--seed` fixture takes long enough for reads to run while
/// it does; each must see the state before (fixture plus 40) or after (the fixture), never a
/// count in between, as a reset in several transactions (clear, then refill) would show.
#[actix_web::test]
async fn readers_see_the_state_before_or_after_a_reset_never_between() {
    const SEEDED: usize = 500;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("large.json");
    let packages: Vec<Value> = (0..SEEDED)
        .map(|i| {
            json!({"id": format!("00000000-0000-4000-8000-{i:012}"), "catalogId": GENERAL,
                   "displayName": format!("seeded {i}")})
        })
        .collect();
    std::fs::write(&file, json!({ "accessPackages": packages }).to_string()).unwrap();
    let app = spawn_app_with(|settings| settings.seed.file = file.display().to_string()).await;
    let names: Vec<String> = (0..40).map(|i| format!("p{i}")).collect();
    join_all(names.iter().map(|name| app.create_beta_package(name))).await;
    let count = format!("{BETA}/accessPackages/$count");
    let (before, after) = ((SEEDED + 40).to_string(), SEEDED.to_string());

    let finished = std::cell::Cell::new(None);
    let started = Instant::now();
    let resetting = async {
        let response = reset(&app, None).await;
        finished.set(Some(Instant::now()));
        response
    };
    // Two readers, each reading again until the reset has answered.
    let reader = || async {
        let mut seen = Vec::new();
        while finished.get().is_none() {
            let asked = Instant::now();
            let read = app.get(&count).await;
            read.expect(200);
            let value = String::from_utf8_lossy(&read.body).trim().to_owned();
            seen.push((asked, Instant::now(), value));
        }
        seen
    };
    let (response, first, second) =
        futures_util::future::join3(resetting, reader(), reader()).await;

    response.expect(204);
    let done = finished.get().expect("the reset answered");
    let mut during = 0;
    for (asked, answered, value) in first.iter().chain(&second) {
        assert!(
            *value == before || *value == after,
            "a reader saw {value} packages, neither {before} nor {after}"
        );
        if *asked > started && *answered < done {
            during += 1;
        }
    }
    // Otherwise the check above proved nothing.
    assert!(during > 0, "no read ran while the reset did");
    eprintln!("reset of {SEEDED} rows: {during} reads answered while it ran");
}

#[actix_web::test]
async fn with_an_admin_token_only_it_opens_the_control_surface() {
    let app = spawn_app_with(|settings| settings.admin.token = "s3cret admin".to_owned()).await;
    app.create_beta_package("kept").await;

    reset(&app, None)
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    // A Graph token is not the admin token.
    reset(&app, Some(BEARER))
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    assert_eq!(app.count_rows("access_packages").await, 1);

    let health = send(app.request(Method::GET, "/_emulator/health"), None).await;
    assert_eq!(health.status.as_u16(), 200, "health needs no token");

    assert_eq!(
        reset(&app, Some("Bearer s3cret admin"))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn an_encoded_control_path_is_still_the_control_surface() {
    let app = spawn_app_with(|settings| settings.admin.token = "admin-secret".into()).await;
    assert_eq!(app.create_beta_package("kept").await.status.as_u16(), 201);
    // The router decodes %5F to `_`: these reach the control endpoints, so the admin token
    // must be asked for exactly as on the plain spelling.
    for (method, path) in [
        (Method::POST, "/%5Femulator/reset"),
        (Method::POST, "/%5femulator/seed"),
        (Method::GET, "/%5Femulator/export"),
        (Method::PUT, "/_emulator%2Ffaults"),
        (Method::GET, "/%5F%65mulator/requests"),
    ] {
        let response = send(
            app.request(method.clone(), path)
                .insert_header(("Content-Type", "application/json")),
            Some("{}".into()),
        )
        .await;
        assert!(
            [401, 400].contains(&response.status.as_u16()),
            "{method} {path}: {}",
            response.status
        );
        if response.status.as_u16() == 400 {
            // Not routed to the control surface at all (`%2F` stays encoded).
            assert!(response.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("segment"));
        }
    }
    assert_eq!(app.count_rows("access_packages").await, 1, "nothing reset");
}
