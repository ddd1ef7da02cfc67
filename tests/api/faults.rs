//! Fault injection: off by default; per request with `x-emulator-fault`; configured
//! globally or per route/method; replaced at run time through `/_emulator/faults`; seeded,
//! so a faulty run repeats.

use actix_web::http::Method;
use entitlement_emulator::faults::{FaultRule, FaultSettings};
use serde_json::{json, Value};

use crate::helpers::*;

async fn with_fault(app: &TestApp, method: Method, path: &str, fault: &str) -> TestResponse {
    let mut request = app
        .request(method.clone(), path)
        .insert_header(("x-emulator-fault", fault));
    let body = if method == Method::POST {
        request = request.insert_header(("Content-Type", "application/json"));
        Some(
            json!({"catalogId": GENERAL, "displayName": format!("fault {fault}")})
                .to_string()
                .into(),
        )
    } else {
        None
    };
    send(request, body).await
}

#[actix_web::test]
async fn nothing_is_injected_by_default() {
    let app = spawn_app().await;
    for n in 0..30 {
        let response = app.create_beta_package(&format!("calm {n}")).await;
        response.expect(201);
    }
    let faults = app.get("/_emulator/faults").await.json();
    assert_eq!(faults["enabled"], false);
}

#[actix_web::test]
async fn the_header_throttles_with_graphs_body_and_retry_after() {
    let app = spawn_app().await;
    let packages = format!("{BETA}/accessPackages");
    let response = with_fault(&app, Method::POST, &packages, "429").await;
    response.expect(429);
    assert_eq!(response.header("retry-after"), "10");
    assert_eq!(response.header("content-type"), "application/json");
    let error = &response.json()["error"];
    assert_eq!(error["code"], "TooManyRequests");
    assert_eq!(error["message"], "Please retry again later.");
    let inner = &error["innerError"];
    assert_eq!(
        keys(inner),
        set(&[
            "code",
            "date",
            "message",
            "request-id",
            "status",
            "client-request-id"
        ])
    );
    assert_eq!(inner["code"], "429");
    assert_eq!(inner["status"], "429");
    assert_eq!(inner["message"], "Please retry after");
    assert_eq!(inner["request-id"], response.header("request-id"));
    assert_eq!(app.count_rows("access_packages").await, 0, "nothing stored");
}

#[actix_web::test]
async fn the_header_injects_5xx_latency_or_is_refused_when_unknown() {
    let app = spawn_app().await;
    let packages = format!("{BETA}/accessPackages");
    for (fault, status, code) in [
        ("500", 500, "generalException"),
        ("503", 503, "serviceNotAvailable"),
        ("504", 504, "timeout"),
    ] {
        let response = with_fault(&app, Method::GET, &packages, fault).await;
        response.assert_graph_error(status, code);
        assert_eq!(response.headers.contains_key("retry-after"), status == 503);
    }

    let slow = with_fault(&app, Method::POST, &packages, "latency=120").await;
    assert_eq!(slow.status.as_u16(), 201, "latency alone still answers");
    let journal = app.get("/_emulator/requests?last=1").await.json();
    assert!(
        journal["value"][0]["durationMs"].as_f64().unwrap() >= 120.0,
        "{journal}"
    );
    let both = with_fault(&app, Method::GET, &packages, "latency=10, 503").await;
    both.assert_graph_error(503, "serviceNotAvailable");

    for bad in ["418", "latency=soon", "slow"] {
        let response = with_fault(&app, Method::GET, &packages, bad).await;
        let error = response.assert_graph_error(400, "BadRequest");
        assert!(error["message"]
            .as_str()
            .unwrap()
            .contains("x-emulator-fault"));
    }
    // The emulator's own endpoints never fail on purpose.
    let health = with_fault(&app, Method::GET, "/_emulator/health", "503").await;
    health.expect(200);
}

#[actix_web::test]
async fn configured_faults_apply_globally_and_per_rule() {
    let app = spawn_app_with(|settings| {
        settings.faults.enabled = true;
        settings.faults.seed = 7;
        settings.faults.rules = vec![FaultRule {
            method: "POST".into(),
            path: format!("{BETA}/accessPackages"),
            error_rate: Some(1.0),
            error_statuses: Some(vec![503]),
            ..FaultRule::default()
        }];
    })
    .await;
    // The rule: every beta create is a 503.
    for n in 0..5 {
        app.create_beta_package(&format!("refused {n}"))
            .await
            .assert_graph_error(503, "serviceNotAvailable");
    }
    // Everything else: the global values, which inject nothing here.
    for _ in 0..5 {
        assert_eq!(
            app.get(&format!("{BETA}/accessPackages"))
                .await
                .status
                .as_u16(),
            200
        );
    }
    assert_eq!(app.count_rows("access_packages").await, 0);

    let throttled = spawn_app_with(|settings| {
        settings.faults.enabled = true;
        settings.faults.throttle_rate = 1.0;
        settings.faults.retry_after_secs = 3;
    })
    .await;
    let response = throttled.get(&format!("{V1}/catalogs")).await;
    response.expect(429);
    assert_eq!(response.header("retry-after"), "3");
}

/// The statuses of `n` reads under the faults in force.
async fn statuses(app: &TestApp, n: usize) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(n);
    for _ in 0..n {
        statuses.push(
            app.get(&format!("{BETA}/accessPackages"))
                .await
                .status
                .as_u16(),
        );
    }
    statuses
}

async fn put_faults(app: &TestApp, body: &Value) -> TestResponse {
    send(
        app.request(Method::PUT, "/_emulator/faults")
            .insert_header(("Content-Type", "application/json")),
        Some(body.to_string().into()),
    )
    .await
}

#[actix_web::test]
async fn faults_set_at_run_time_repeat_with_their_seed_and_can_be_cleared() {
    let app = spawn_app().await;
    let faults = json!({
        "enabled": true, "seed": 20261128, "throttle_rate": 0.2, "error_rate": 0.3,
        "error_statuses": [500, 503],
    });
    let response = put_faults(&app, &faults).await;
    response.expect(200);
    let in_force = response.json();
    assert_eq!(in_force["seed"], 20261128);
    assert_eq!(in_force["retry_after_secs"], 10, "left out: the default");
    assert_eq!(app.get("/_emulator/faults").await.json(), in_force);

    let first = statuses(&app, 60).await;
    assert!(first.contains(&429) && first.contains(&200));
    assert!(
        first.iter().all(|s| [200, 429, 500, 503].contains(s)),
        "{first:?}"
    );
    // The same seed again: the same faults, request by request.
    put_faults(&app, &faults).await;
    assert_eq!(statuses(&app, 60).await, first);

    // A bad configuration is refused and changes nothing.
    let refused = put_faults(&app, &json!({"enabled": true, "error_rate": 2.0})).await;
    let error = refused.assert_graph_error(400, "InvalidFaults");
    assert!(error["message"].as_str().unwrap().contains("error_rate"));
    let refused = put_faults(&app, &json!({"enabled": true, "latency_ms": 3_600_000})).await;
    let error = refused.assert_graph_error(400, "InvalidFaults");
    assert!(error["message"].as_str().unwrap().contains("latency_ms"));
    let refused = put_faults(&app, &json!({"enabled": true, "sometimes": 1})).await;
    refused.assert_graph_error(400, "InvalidFaults");
    assert_eq!(app.get("/_emulator/faults").await.json(), in_force);

    let cleared = send(app.request(Method::DELETE, "/_emulator/faults"), None).await;
    cleared.expect(204);
    assert!(statuses(&app, 20).await.iter().all(|s| *s == 200));
    assert_eq!(
        serde_json::from_value::<FaultSettings>(app.get("/_emulator/faults").await.json()).unwrap(),
        FaultSettings::default()
    );
}

#[actix_web::test]
async fn the_fault_endpoints_obey_the_admin_token() {
    let app = spawn_app_with(|settings| settings.admin.token = "admin-secret".into()).await;
    put_faults(&app, &json!({"enabled": true, "throttle_rate": 1.0}))
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    assert_eq!(
        app.get(&format!("{BETA}/accessPackages"))
            .await
            .status
            .as_u16(),
        200,
        "unchanged"
    );
}
