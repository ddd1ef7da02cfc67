//! Sign-in failing as Entra ID fails: its error body, never Graph's; tokens the emulator
//! did not sign, or that expired, refused as Graph refuses them; sign-in kept off plain
//! HTTP, out of fault injection and out of the journal's bodies.

use std::collections::BTreeSet;

use entitlement_emulator::faults::FaultSettings;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::https::{https, HttpsResponse};
use crate::signin::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Entra's error body exactly; returns it.
pub fn assert_entra_error(
    response: &HttpsResponse,
    status: u16,
    error: &str,
    code: Option<u32>,
) -> Value {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body = response.json();
    let mut expected: BTreeSet<String> = set(&[
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
    ]);
    if code.is_some() {
        expected.insert("error_uri".to_owned());
    }
    assert_eq!(keys(&body), expected, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(
        body["error_codes"],
        json!(code.into_iter().collect::<Vec<_>>())
    );
    let description = body["error_description"].as_str().unwrap();
    if let Some(code) = code {
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{description}"
        );
    }
    let trace = body["trace_id"].as_str().unwrap();
    assert_eq!(Some(trace), response.header("request-id"));
    let lines = format!(
        "\r\nTrace ID: {trace}\r\nCorrelation ID: {}\r\nTimestamp: {}",
        body["correlation_id"].as_str().unwrap(),
        body["timestamp"].as_str().unwrap()
    );
    assert!(description.ends_with(&lines), "{description:?}");
    body
}

/// A form, and the status, `error` and AADSTS code it must get.
type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str, u32);

#[actix_web::test]
async fn bad_credentials_and_bad_requests_get_entras_errors() {
    let app = signin_app(|_| {}).await;
    let graph = "https://graph.microsoft.com/.default";
    let padded = format!(" {SECRET} ");
    let cases: Vec<Case> = vec![
        (
            vec![
                ("client_id", CLIENT),
                ("client_secret", "wrong"),
                ("grant_type", "client_credentials"),
                ("scope", graph),
            ],
            401,
            "invalid_client",
            7_000_215,
        ),
        // A secret is compared whole: spaces around it make it another secret.
        (
            vec![
                ("client_id", CLIENT),
                ("client_secret", padded.as_str()),
                ("grant_type", "client_credentials"),
                ("scope", graph),
            ],
            401,
            "invalid_client",
            7_000_215,
        ),
        (
            vec![
                ("client_id", CLIENT),
                ("grant_type", "client_credentials"),
                ("scope", graph),
            ],
            401,
            "invalid_client",
            7_000_218,
        ),
        (
            vec![
                ("client_id", "unknown-app"),
                ("client_secret", SECRET),
                ("grant_type", "client_credentials"),
                ("scope", graph),
            ],
            400,
            "unauthorized_client",
            700_016,
        ),
        (
            vec![
                ("client_id", CLIENT),
                ("client_secret", SECRET),
                ("grant_type", "client_credentials"),
                ("scope", "https://graph.microsoft.com/User.Read"),
            ],
            400,
            "invalid_scope",
            1_002_012,
        ),
        (
            vec![
                ("client_id", CLIENT),
                ("client_secret", SECRET),
                ("grant_type", "client_credentials"),
                ("scope", "https://vault.azure.net/.default"),
            ],
            400,
            "invalid_resource",
            500_011,
        ),
        (
            vec![
                ("client_id", CLIENT),
                ("client_secret", SECRET),
                ("grant_type", "client_credentials"),
            ],
            400,
            "invalid_request",
            900_144,
        ),
        (
            vec![
                ("client_id", CLIENT),
                ("client_secret", SECRET),
                ("scope", graph),
            ],
            400,
            "invalid_request",
            900_144,
        ),
        (
            vec![
                ("client_id", CLIENT),
                ("grant_type", "device_code"),
                ("scope", graph),
            ],
            400,
            "unsupported_grant_type",
            70_003,
        ),
    ];
    for (pairs, status, error, code) in cases {
        let response = token_request(&app, &pairs).await;
        let body = assert_entra_error(&response, status, error, Some(code));
        if code == 7_000_215 {
            let description = body["error_description"].as_str().unwrap();
            assert!(description.contains(&format!("for a secret added to app '{CLIENT}'")));
        }
    }

    // Entra's correlation id is the caller's client-request-id, as MSAL sends it.
    // Any GUID or domain name is a tenant; this names none.
    let path = "/contoso_example/oauth2/v2.0/token";
    let headers = [
        ("Content-Type", FORM),
        ("client-request-id", "c0ffee00-0000-4000-8000-000000000001"),
    ];
    let body = form(&[
        ("client_id", CLIENT),
        ("client_secret", SECRET),
        ("grant_type", "client_credentials"),
        ("scope", graph),
    ]);
    let unknown_tenant = https(&app, "POST", path, &headers, Some(&body)).await;
    let body = assert_entra_error(&unknown_tenant, 400, "invalid_request", Some(90_002));
    assert_eq!(
        body["correlation_id"],
        "c0ffee00-0000-4000-8000-000000000001"
    );

    let get = https(
        &app,
        "GET",
        &format!("/{TENANT}/oauth2/v2.0/token"),
        &[],
        None,
    )
    .await;
    assert_entra_error(&get, 400, "invalid_request", Some(900_561));
    let oidc = https(
        &app,
        "GET",
        "/contoso_example/v2.0/.well-known/openid-configuration",
        &[],
        None,
    )
    .await;
    assert_entra_error(&oidc, 400, "invalid_tenant", Some(90_002));
}

#[actix_web::test]
async fn accepting_any_client_still_checks_registered_secrets() {
    let app = signin_app(|settings| {
        settings.auth.signin.accept_any_client = true;
        settings.auth.signin.roles = vec!["EntitlementManagement.Read.All".to_owned()];
    })
    .await;
    let graph = "https://graph.microsoft.com/.default";
    let anyone = token_request(
        &app,
        &[
            ("client_id", "any-app"),
            ("client_secret", "any"),
            ("grant_type", "client_credentials"),
            ("scope", graph),
        ],
    )
    .await;
    assert_eq!(anyone.status, 200, "{}", anyone.body);
    let token = anyone.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        decode(&token).1["roles"],
        json!(["EntitlementManagement.Read.All"])
    );
    // Read.All: reads pass, writes are Graph's 403.
    assert_eq!(
        crate::signin::graph(&app, "GET", &format!("{BETA}/accessPackages"), &token)
            .await
            .status,
        200
    );
    assert_eq!(
        crate::signin::graph(&app, "POST", &format!("{BETA}/accessPackages"), &token)
            .await
            .status,
        403
    );
    let registered = token_request(
        &app,
        &[
            ("client_id", CLIENT),
            ("client_secret", "wrong"),
            ("grant_type", "client_credentials"),
            ("scope", graph),
        ],
    )
    .await;
    assert_entra_error(&registered, 401, "invalid_client", Some(7_000_215));
}

#[actix_web::test]
async fn foreign_expired_and_misissued_tokens_are_graphs_401() {
    let app = signin_app(|settings| {
        // Tokens of other issuers keep working beside the emulator's own.
        settings.auth.jwt.hs256_secret = "another issuer's secret, long enough".to_owned();
    })
    .await;
    let token = client_token(&app, "https://graph.microsoft.com/.default").await;
    let (header, claims) = decode(&token);
    let kid = header["kid"].as_str().unwrap();
    let own = app.signing_key().await.expect("the emulator's key");
    let foreign = std::fs::read(format!("{FIXTURES}/rsa-private.pem")).unwrap();
    let mut expired = claims.clone();
    expired["exp"] = json!(now() - 3600);
    let mut misissued = claims.clone();
    misissued["iss"] = json!("https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/");
    for (forgery, message) in [
        (forged(kid, &foreign, &claims), "Invalid signature"),
        (forged(kid, &own, &expired), "the token is expired"),
        (forged(kid, &own, &misissued), "Invalid issuer"),
    ] {
        let response =
            crate::signin::graph(&app, "GET", &format!("{BETA}/accessPackages"), &forgery).await;
        assert_eq!(response.status, 401, "{}", response.body);
        let error = &response.json()["error"];
        assert_eq!(error["code"], "InvalidAuthenticationToken");
        let text = error["message"].as_str().unwrap();
        assert!(text.contains(message), "{text}");
    }
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"aud": "https://graph.microsoft.com", "exp": now() + 600, "scp": "EntitlementManagement.Read.All"}),
        &jsonwebtoken::EncodingKey::from_secret(b"another issuer's secret, long enough"),
    )
    .unwrap();
    let response =
        crate::signin::graph(&app, "GET", &format!("{BETA}/accessPackages"), &hs256).await;
    assert_eq!(response.status, 200, "{}", response.body);
}

#[actix_web::test]
async fn plain_http_gets_no_sign_in_unless_allowed() {
    let app = signin_app(|_| {}).await;
    let path = "/common/v2.0/.well-known/openid-configuration";
    let refused = app.get(path).await;
    refused.expect(400);
    let body = refused.json();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["error_codes"], json!([]));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("HTTPS only"));

    let app = spawn_app_with(|settings| settings.auth.signin.allow_http = true).await;
    let served = app.get(path).await;
    served.expect(200);
    assert_eq!(
        served.json()["issuer"],
        format!("{}/{TENANT}/v2.0", app.address)
    );
    assert!(app.signing_key().await.is_some());
    let graph_only = spawn_app().await;
    assert_eq!(graph_only.get(path).await.status.as_u16(), 400);
    // Beside a SQLite file the key is made where sign-in is served, and only there. On
    // PostgreSQL the first replica to start makes it whatever it serves: a replica that
    // only serves Graph still verifies the tokens another replica signs.
    assert_eq!(
        graph_only.signing_key().await.is_some(),
        graph_only.on_postgres()
    );
}

#[actix_web::test]
async fn sign_in_meets_no_faults_and_the_journal_keeps_no_secrets() {
    let app = signin_app(|settings| {
        settings.journal.bodies = true;
        settings.faults = FaultSettings {
            enabled: true,
            error_rate: 1.0,
            ..FaultSettings::default()
        };
    })
    .await;
    let token = client_token(&app, "https://graph.microsoft.com/.default").await;
    let faulted =
        crate::signin::graph(&app, "GET", &format!("{BETA}/accessPackages"), &token).await;
    assert!(
        faulted.status >= 500,
        "Graph is still faulted: {}",
        faulted.status
    );

    let journal = app.get("/_emulator/requests").await.json();
    let entries = journal["value"].as_array().unwrap();
    let signin = entries
        .iter()
        .find(|entry| entry["path"] == format!("/{TENANT}/oauth2/v2.0/token"))
        .expect("the token request is journaled");
    assert_eq!(signin["status"], 200);
    assert!(signin.get("requestBody").is_none() && signin.get("responseBody").is_none());
    let text = journal.to_string();
    assert!(!text.contains(SECRET) && !text.contains(&token));
}
