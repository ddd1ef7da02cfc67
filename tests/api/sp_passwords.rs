//! A service principal signs in with the secret `addPassword` gave it, as an app
//! registration's client secret works against Entra ID; `removePassword` ends it, a
//! disabled service principal cannot sign in, and only the secret's digest is ever kept.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::https::{https, HttpsResponse};
use crate::signin::*;
use crate::signin_errors::assert_entra_error;

const GRAPH_DEFAULT: &str = "https://graph.microsoft.com/.default";
const PAYROLL_APP: &str = "0f3c3c3e-7a1b-4c55-9a35-2f5b1b7f0a01";

async fn call(app: &TestApp, method: &str, path: &str, token: &str, body: Value) -> HttpsResponse {
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    https(app, method, path, &headers, Some(&body.to_string())).await
}

async fn sign_in(app: &TestApp, client_id: &str, secret: &str) -> HttpsResponse {
    token_request(
        app,
        &[
            ("client_id", client_id),
            ("client_secret", secret),
            ("grant_type", "client_credentials"),
            ("scope", GRAPH_DEFAULT),
        ],
    )
    .await
}

/// Creates the payroll service principal with the configured client's token; its id.
async fn payroll(app: &TestApp, admin: &str, enabled: bool) -> String {
    let created = call(
        app,
        "POST",
        "/v1.0/servicePrincipals",
        admin,
        json!({"appId": PAYROLL_APP, "displayName": "Payroll", "accountEnabled": enabled}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.json()["id"].as_str().expect("an id").to_owned()
}

#[actix_web::test]
async fn a_secret_from_add_password_signs_in_until_it_is_removed() {
    let app = signin_app(|_| {}).await;
    let admin = client_token(&app, GRAPH_DEFAULT).await;
    let id = payroll(&app, &admin, true).await;

    // The body the Graph SDKs and Terraform's azuread_service_principal_password send.
    let added = call(
        &app,
        "POST",
        &format!("/v1.0/servicePrincipals/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"displayName": "ci", "endDateTime": "2099-01-01T00:00:00Z"}}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let credential = added.json();
    assert_eq!(
        keys(&credential),
        set(&[
            "@odata.context",
            "customKeyIdentifier",
            "displayName",
            "endDateTime",
            "hint",
            "keyId",
            "secretText",
            "startDateTime",
        ])
    );
    assert!(credential["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#microsoft.graph.passwordCredential"));
    assert_eq!(credential["displayName"], "ci");
    assert_eq!(credential["endDateTime"], "2099-01-01T00:00:00.0000000Z");
    assert_eq!(credential["customKeyIdentifier"], Value::Null);
    let secret = credential["secretText"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 40);
    assert_eq!(credential["hint"], secret[..3]);
    let key_id = credential["keyId"].as_str().unwrap().to_owned();

    // The secret signs in as the service principal.
    let token = sign_in(&app, PAYROLL_APP, &secret).await;
    assert_eq!(token.status, 200, "{}", token.body);
    let access = token.json()["access_token"].as_str().unwrap().to_owned();
    let claims = decode(&access).1;
    assert_eq!(claims["appid"], PAYROLL_APP);
    assert_eq!(claims["oid"], id.as_str());
    let listed =
        crate::signin::graph(&app, "GET", &format!("{BETA}/accessPackages"), &access).await;
    assert_eq!(listed.status, 200, "{}", listed.body);

    // Graph shows the credential, never the secret nor what the emulator keeps of it.
    let shown = call(
        &app,
        "GET",
        &format!("/v1.0/servicePrincipals/{id}"),
        &admin,
        json!({}),
    )
    .await;
    let credentials = shown.json()["passwordCredentials"].clone();
    assert_eq!(
        credentials.as_array().map(Vec::len),
        Some(1),
        "{credentials}"
    );
    assert_eq!(credentials[0]["keyId"], key_id.as_str());
    assert_eq!(credentials[0]["secretText"], Value::Null);
    assert_eq!(credentials[0]["hint"], secret[..3]);
    assert!(!shown.body.contains(&secret) && !shown.body.contains("secretSha256"));

    let wrong = sign_in(&app, PAYROLL_APP, "not the secret").await;
    assert_entra_error(&wrong, 401, "invalid_client", Some(7_000_215));

    // It survives a restart: the digest is in the database, not in memory.
    let app = app.restart().await;
    assert_eq!(sign_in(&app, PAYROLL_APP, &secret).await.status, 200);

    let admin = client_token(&app, GRAPH_DEFAULT).await;
    let remove = format!("/v1.0/servicePrincipals/{id}/removePassword");
    let removed = call(&app, "POST", &remove, &admin, json!({"keyId": key_id})).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let after = sign_in(&app, PAYROLL_APP, &secret).await;
    assert_entra_error(&after, 401, "invalid_client", Some(7_000_215));
    let again = call(&app, "POST", &remove, &admin, json!({"keyId": key_id})).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert_eq!(again.json()["error"]["code"], "Request_BadRequest");
}

#[actix_web::test]
async fn a_disabled_service_principal_cannot_sign_in() {
    let app = signin_app(|_| {}).await;
    let admin = client_token(&app, GRAPH_DEFAULT).await;
    let id = payroll(&app, &admin, false).await;
    let added = call(
        &app,
        "POST",
        &format!("/beta/servicePrincipals/{id}/addPassword"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let secret = added.json()["secretText"].as_str().unwrap().to_owned();
    let refused = sign_in(&app, PAYROLL_APP, &secret).await;
    let body = assert_entra_error(&refused, 400, "unauthorized_client", Some(7_000_112));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains(&format!(
            "Application '{PAYROLL_APP}'(Payroll) is disabled."
        )));
}

#[actix_web::test]
async fn the_fixture_keeps_the_digest_and_bad_bodies_change_nothing() {
    let app = signin_app(|_| {}).await;
    let admin = client_token(&app, GRAPH_DEFAULT).await;
    let id = payroll(&app, &admin, true).await;
    let add = format!("/v1.0/servicePrincipals/{id}/addPassword");
    let added = call(&app, "POST", &add, &admin, json!({})).await;
    let secret = added.json()["secretText"].as_str().unwrap().to_owned();

    for (body, status) in [
        (
            json!({"passwordCredential": {"endDateTime": "2001-01-01T00:00:00Z"}}),
            400,
        ),
        (json!({"passwordCredential": {"colour": "red"}}), 400),
        (json!({"keyId": "x"}), 400),
        (json!([]), 400),
    ] {
        let refused = call(&app, "POST", &add, &admin, body.clone()).await;
        assert_eq!(refused.status, status, "{body}: {}", refused.body);
    }
    let missing = call(
        &app,
        "POST",
        "/v1.0/servicePrincipals/6c5b4c7a-0000-4000-8000-000000000000/addPassword",
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.body);

    // A credential whose end has passed signs in no more: Entra's "expired" answer.
    let lapsed = call(
        &app,
        "POST",
        &add,
        &admin,
        json!({"passwordCredential": {"startDateTime": "2001-01-01T00:00:00Z", "endDateTime": "2002-01-01T00:00:00Z"}}),
    )
    .await;
    assert_eq!(lapsed.status, 200, "{}", lapsed.body);
    let old = lapsed.json()["secretText"].as_str().unwrap().to_owned();
    let expired = sign_in(&app, PAYROLL_APP, &old).await;
    assert_entra_error(&expired, 401, "invalid_client", Some(7_000_222));

    let export = call(&app, "GET", "/_emulator/export", &admin, json!({})).await;
    assert_eq!(export.status, 200, "{}", export.body);
    assert!(!export.body.contains(&secret));
    let exported = export.json()["servicePrincipals"][0]["passwordCredentials"].clone();
    assert_eq!(exported.as_array().map(Vec::len), Some(2), "{exported}");
    let digest = exported[0]["secretSha256"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 64);

    // Seeding the export back (replace) keeps the secret working.
    let fixture = export.json();
    let seeded = call(&app, "POST", "/_emulator/seed", &admin, fixture).await;
    assert!(seeded.status < 300, "{}", seeded.body);
    assert_eq!(sign_in(&app, PAYROLL_APP, &secret).await.status, 200);
}
