//! The request journal: `GET /_emulator/requests` lists the last Graph requests as they
//! were answered; `DELETE` empties it; bodies only when configured; never Authorization.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

async fn journal(app: &TestApp, query: &str) -> Vec<Value> {
    let response = app.get(&format!("/_emulator/requests{query}")).await;
    response.expect(200);
    assert_eq!(response.header("content-type"), "application/json");
    let body = response.json();
    assert_eq!(keys(&body), set(&["value"]));
    body["value"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn each_graph_request_is_recorded_as_answered_without_its_token() {
    let app = spawn_app().await;
    let created = send(
        app.request(Method::POST, &format!("{BETA}/accessPackages"))
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("client-request-id", "my-client-id"))
            .insert_header(("x-test", "kept")),
        Some(
            json!({"catalogId": GENERAL, "displayName": "journaled"})
                .to_string()
                .into(),
        ),
    )
    .await;
    created.expect(201);
    let missing = app
        .get(&format!("{V1}/accessPackages?$filter=displayName eq 'x'&$top=2").replace(' ', "%20"))
        .await;
    missing.expect(200);
    // The emulator's own endpoints are not recorded.
    app.get("/_emulator/health").await;

    let entries = journal(&app, "").await;
    assert_eq!(entries.len(), 2, "{entries:#?}");
    let first = &entries[0];
    assert_eq!(
        keys(first),
        set(&[
            "time",
            "method",
            "path",
            "query",
            "status",
            "durationMs",
            "requestId",
            "clientRequestId",
            "headers"
        ]),
        "no bodies unless journal.bodies"
    );
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], format!("{BETA}/accessPackages"));
    assert_eq!(first["query"], "");
    assert_eq!(first["status"], 201);
    assert_eq!(first["requestId"], created.header("request-id"));
    assert_eq!(first["clientRequestId"], "my-client-id");
    assert!(first["durationMs"].as_f64().unwrap() >= 0.0);
    assert_graph_timestamp(&first["time"]);
    // Headers outside the allow-list are named, not shown: any of them may be a key.
    assert_eq!(first["headers"]["x-test"], "[redacted]");
    assert_eq!(first["headers"]["content-type"], "application/json");
    assert!(
        first["headers"].get("authorization").is_none(),
        "never the token: {first}"
    );
    assert!(!first.to_string().contains("test-token"));

    let second = &entries[1];
    assert_eq!(second["method"], "GET");
    assert_eq!(
        second["query"], "$filter=displayName%20eq%20'x'&$top=2",
        "the raw query string"
    );
    assert_eq!(second["requestId"], missing.header("request-id"));
}

#[actix_web::test]
async fn the_journal_keeps_the_last_requests_and_can_be_emptied() {
    let app = spawn_app_with(|settings| settings.journal.capacity = 3).await;
    for n in 0..5 {
        app.get(&format!("{BETA}/accessPackages?n={n}")).await;
    }
    let entries = journal(&app, "").await;
    let queries: Vec<&str> = entries
        .iter()
        .map(|e| e["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries, ["n=2", "n=3", "n=4"], "oldest dropped first");
    let last = journal(&app, "?last=2").await;
    assert_eq!(last[0]["query"], "n=3");
    assert_eq!(last.len(), 2);
    app.get("/_emulator/requests?last=many")
        .await
        .assert_graph_error(400, "BadRequest");

    let cleared = send(app.request(Method::DELETE, "/_emulator/requests"), None).await;
    cleared.expect(204);
    assert!(journal(&app, "").await.is_empty());
}

#[actix_web::test]
async fn bodies_are_kept_when_configured_and_the_request_still_works() {
    let app = spawn_app_with(|settings| {
        settings.journal.bodies = true;
        settings.journal.max_body_bytes = 40;
        settings.limits.max_body_bytes = 1024;
    })
    .await;
    let body = json!({"catalogId": GENERAL, "displayName": "with body"}).to_string();
    let created = app
        .post_raw(
            &format!("{BETA}/accessPackages"),
            "application/json",
            body.clone(),
        )
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "the handler read the same body"
    );
    assert_eq!(created.json()["displayName"], "with body");
    // Too large for limits.max_body_bytes: still the handler's 413.
    let too_large = app
        .post_raw(
            &format!("{BETA}/accessPackages"),
            "application/json",
            "x".repeat(2048),
        )
        .await;
    too_large.assert_graph_error(413, "RequestEntityTooLarge");

    // A batch's item tokens are not kept either.
    let batched = app
        .post(
            "/beta/$batch",
            &json!({"requests": [{"id": "1", "method": "GET", "url": "/identityGovernance/entitlementManagement/catalogs",
                "headers": {"Authorization": "Bearer item-secret"}}]}),
        )
        .await;
    batched.expect(200);

    let entries = journal(&app, "").await;
    assert!(
        !serde_json::to_string(&entries)
            .unwrap()
            .contains("item-secret"),
        "{entries:#?}"
    );
    assert_eq!(entries[0]["requestBody"], body[..40]);
    let response_body = entries[0]["responseBody"].as_str().unwrap();
    assert_eq!(response_body, &String::from_utf8_lossy(&created.body)[..40]);
    assert_eq!(entries[1]["status"], 413);
    assert!(entries[1].get("requestBody").is_none());
    assert!(entries[1]["responseBody"]
        .as_str()
        .unwrap()
        .starts_with("{\"error\":{\"code\":\"RequestEntityTooLarge\""));
}

#[actix_web::test]
async fn a_batchs_item_tokens_are_not_kept_with_its_body() {
    let app = spawn_app_with(|settings| settings.journal.bodies = true).await;
    let batched = app
        .post(
            "/beta/$batch",
            &json!({"requests": [{"id": "1", "method": "GET",
                "url": "/identityGovernance/entitlementManagement/catalogs",
                "headers": {"Authorization": "Bearer item-secret", "x-kept": "yes"}}]}),
        )
        .await;
    batched.expect(200);
    let entries = journal(&app, "").await;
    let envelope = entries
        .iter()
        .find(|e| e["path"] == "/beta/$batch")
        .unwrap();
    let recorded = envelope["requestBody"].as_str().unwrap();
    assert!(recorded.contains("x-kept"), "{recorded}");
    assert!(
        !serde_json::to_string(&entries)
            .unwrap()
            .contains("item-secret"),
        "{entries:#?}"
    );
}

#[actix_web::test]
async fn the_journal_obeys_the_admin_token_and_can_be_turned_off() {
    let app = spawn_app_with(|settings| {
        settings.admin.token = "admin-secret".into();
        settings.journal.capacity = 0;
    })
    .await;
    app.get(&format!("{BETA}/accessPackages")).await;
    app.get("/_emulator/requests")
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    let listed = send(
        awc::Client::default()
            .get(format!("{}/_emulator/requests", app.address))
            .insert_header(("Authorization", "Bearer admin-secret")),
        None,
    )
    .await;
    assert_eq!(listed.json(), json!({"value": []}));
}

/// What a test reads back (and pastes into a bug report) holds no secret a client sent or
/// was given: bodies, query strings and headers alike.
#[actix_web::test]
async fn secrets_in_bodies_queries_and_headers_are_redacted() {
    let app = spawn_app_with(|settings| settings.journal.bodies = true).await;
    let password = "xWwvJ]6NMw+bWH-d";
    let user = app
        .post(
            "/v1.0/users",
            &json!({"accountEnabled": true, "displayName": "Adele Vance", "mailNickname": "AdeleV",
                "userPrincipalName": "AdeleV@contoso.onmicrosoft.com",
                "passwordProfile": {"forceChangePasswordNextSignIn": true, "password": password}}),
        )
        .await;
    user.expect(201);
    let principal = create_service_principal(&app, "journaled").await;
    let added = app
        .post(
            &format!(
                "/v1.0/servicePrincipals/{}/addPassword",
                principal["id"].as_str().unwrap()
            ),
            &json!({"passwordCredential": {"displayName": "ci"}}),
        )
        .await;
    let secret = added.json()["secretText"].as_str().unwrap().to_owned();
    let queried = send(
        app.request(
            Method::GET,
            &format!("{BETA}/accessPackages?client_secret=s3cr3t-q&access_token=t0k3n-q&$top=1"),
        )
        .insert_header(("X-Api-Key", "k3y-h"))
        .insert_header(("Ocp-Apim-Subscription-Key", "k3y-2")),
        None,
    )
    .await;
    queried.expect(200);

    let entries = journal(&app, "").await;
    let text = serde_json::to_string(&entries).unwrap();
    for leaked in [
        password,
        secret.as_str(),
        "s3cr3t-q",
        "t0k3n-q",
        "k3y-h",
        "k3y-2",
    ] {
        assert!(!text.contains(leaked), "{leaked} is in the journal: {text}");
    }
    // Still visible: that they were sent, and everything else.
    let last = entries.last().unwrap();
    assert_eq!(
        last["query"],
        "client_secret=[redacted]&access_token=[redacted]&$top=1"
    );
    assert_eq!(last["headers"]["x-api-key"], "[redacted]");
    let created: Value = serde_json::from_str(entries[0]["requestBody"].as_str().unwrap()).unwrap();
    assert_eq!(created["passwordProfile"]["password"], "[redacted]");
    assert_eq!(
        created["passwordProfile"]["forceChangePasswordNextSignIn"],
        true
    );
    assert_eq!(created["displayName"], "Adele Vance");
    assert!(text.contains(r#"\"secretText\":\"[redacted]\""#), "{text}");
}
