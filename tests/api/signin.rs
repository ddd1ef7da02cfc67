//! Sign-in as Entra ID does it, over HTTPS: Terraform's start-up (metadata document →
//! client credentials token → Graph call with it), the tokens' claims, the discovery
//! documents and the signing key. Errors are in `signin_errors.rs`.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use entitlement_emulator::configuration::{AuthMode, Settings};
use entitlement_emulator::signin::settings::{ClientSettings, UserSettings};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::https::{base_url, https, HttpsResponse};

pub const TENANT: &str = "00000000-0000-4000-8000-000000000e11";
pub const CLIENT: &str = "5e2c6a4f-1111-4000-8000-00000000c11e";
pub const SECRET: &str = "a long random client secret, 40 chars..";
pub const FORM: &str = "application/x-www-form-urlencoded";
const ACCESS_PACKAGES: &str = "/beta/identityGovernance/entitlementManagement/accessPackages";

/// HTTPS on, `auth.mode = "jwt"` with no secret and no JWKS (the emulator's own key is
/// the only one), one registered client.
pub async fn signin_app(customise: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|settings| {
        settings.tls.enabled = true;
        settings.tls.port = 0;
        settings.auth.mode = AuthMode::Jwt;
        // These tests read the journal and export: jwt mode opens the control surface
        // only when told to (the guarded default is tests/api/control_surface.rs's).
        settings.admin.open = true;
        settings.auth.signin.clients = vec![ClientSettings {
            client_id: CLIENT.to_owned(),
            secret: SECRET.to_owned(),
            secret_sha256: String::new(),
            display_name: "provisioning job".to_owned(),
            object_id: String::new(),
            roles: None,
        }];
        customise(settings);
    })
    .await
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// `POST /{TENANT}/oauth2/v2.0/token` with a form body.
pub async fn token_request(app: &TestApp, pairs: &[(&str, &str)]) -> HttpsResponse {
    let path = format!("/{TENANT}/oauth2/v2.0/token");
    let headers = [("Content-Type", FORM), ("Accept", "application/json")];
    https(app, "POST", &path, &headers, Some(&form(pairs))).await
}

pub async fn client_token(app: &TestApp, scope: &str) -> String {
    let response = token_request(
        app,
        &[
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("grant_type", "client_credentials"),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// Header and payload, decoded as go-azure-sdk decodes them: three parts, base64url
/// without padding.
pub fn decode(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let part = |text: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).expect("unpadded base64url"))
            .expect("JSON")
    };
    (part(parts[0]), part(parts[1]))
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

pub async fn graph(app: &TestApp, method: &str, path: &str, token: &str) -> HttpsResponse {
    let bearer = format!("Bearer {token}");
    let mut headers = vec![("Authorization", bearer.as_str())];
    let body = (method == "POST").then(|| {
        headers.push(("Content-Type", "application/json"));
        json!({"catalogId": GENERAL, "displayName": format!("package {}", uuid::Uuid::new_v4())})
            .to_string()
    });
    https(app, method, path, &headers, body.as_deref()).await
}

#[actix_web::test]
async fn terraforms_start_up_metadata_then_token_then_graph_over_https() {
    let app = signin_app(|_| {}).await;
    let base = base_url(&app);

    // ARM_METADATA_HOSTNAME=localhost:PORT: the provider's first request, exactly.
    let metadata = https(
        &app,
        "GET",
        "/metadata/endpoints?api-version=2022-09-01",
        &[],
        None,
    )
    .await;
    assert_eq!(metadata.status, 200, "{}", metadata.body);
    let document = metadata.json();
    for required in ["name", "resourceManager", "microsoftGraphResourceId"] {
        assert!(
            !document[required].as_str().unwrap_or_default().is_empty(),
            "{required}: {document}"
        );
    }
    let login = document["authentication"]["loginEndpoint"]
        .as_str()
        .unwrap();
    assert_eq!(login, base, "used verbatim: no trailing slash");
    // go-azure-sdk trims a trailing slash; Graph is then `{graph}/beta`, the scope `{graph}/.default`.
    let graph_id = document["microsoftGraphResourceId"]
        .as_str()
        .unwrap()
        .trim_end_matches('/');
    assert_eq!(graph_id, base);

    // The token POST as go-azure-sdk's ClientSecretAuthorizer sends it (keys sorted).
    let token_path = format!("{}/{TENANT}/oauth2/v2.0/token", &login[base.len()..]);
    let body = form(&[
        ("client_id", CLIENT),
        ("client_secret", SECRET),
        ("grant_type", "client_credentials"),
        ("scope", &format!("{graph_id}/.default")),
    ]);
    let headers = [("Accept", "application/json"), ("Content-Type", FORM)];
    let answer = https(&app, "POST", &token_path, &headers, Some(&body)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("cache-control"), Some("no-store, no-cache"));
    let answer = answer.json();
    assert_eq!(
        keys(&answer),
        set(&["token_type", "expires_in", "ext_expires_in", "access_token"])
    );
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3599, "a number, as Entra sends it");
    let token = answer["access_token"].as_str().unwrap();

    // What the provider reads from the token at start-up; `oid` spares it a lookup.
    let (header, claims) = decode(token);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert!(header["kid"].is_string());
    assert_eq!(claims["aud"], base);
    assert_eq!(claims["iss"], format!("https://sts.windows.net/{TENANT}/"));
    assert_eq!(claims["idp"], claims["iss"]);
    assert_eq!(claims["tid"], TENANT);
    assert_eq!(claims["appid"], CLIENT);
    assert_eq!(claims["appidacr"], "1");
    assert_eq!(claims["app_displayname"], "provisioning job");
    assert_eq!(claims["idtyp"], "app");
    assert_eq!(claims["ver"], "1.0");
    assert_eq!(
        claims["roles"],
        json!(["EntitlementManagement.ReadWrite.All"])
    );
    let oid = claims["oid"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(oid).is_ok(), "{oid}");
    assert_eq!(claims["sub"], oid);
    assert!(
        claims.get("scp").is_none(),
        "app-only tokens carry roles, not scp"
    );
    let (iat, nbf, exp) = (&claims["iat"], &claims["nbf"], &claims["exp"]);
    assert!(nbf.as_i64().unwrap() <= now() && iat == nbf);
    assert!(
        exp.as_i64().unwrap() - now() >= 3590,
        "renewed by Terraform only after 40 min"
    );

    // Every Graph call, with that token, in jwt mode.
    let created = graph(&app, "POST", ACCESS_PACKAGES, token).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["createdBy"], "provisioning job");
    let listed = graph(
        &app,
        "GET",
        "/v1.0/identityGovernance/entitlementManagement/catalogs",
        token,
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
}

#[actix_web::test]
async fn the_sdks_scope_and_graphs_app_id_work_too_and_v1_answers_in_strings() {
    let app = signin_app(|_| {}).await;
    let token = client_token(&app, "https://graph.microsoft.com/.default").await;
    assert_eq!(decode(&token).1["aud"], "https://graph.microsoft.com");
    assert_eq!(
        graph(&app, "POST", ACCESS_PACKAGES, &token).await.status,
        201
    );
    let token = client_token(&app, "00000003-0000-0000-c000-000000000000/.default").await;
    assert_eq!(
        decode(&token).1["aud"],
        "00000003-0000-0000-c000-000000000000"
    );

    // v1, with the client authenticated by HTTP Basic (client_secret_basic).
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{CLIENT}:{}",
            form_urlencoded::byte_serialize(SECRET.as_bytes()).collect::<String>()
        ))
    );
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("resource", "https://graph.microsoft.com"),
    ]);
    let path = format!("/{TENANT}/oauth2/token");
    let headers = [("Content-Type", FORM), ("Authorization", basic.as_str())];
    let answer = https(&app, "POST", &path, &headers, Some(&body)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = answer.json();
    assert_eq!(answer["expires_in"], "3599", "v1 writes numbers as strings");
    assert_eq!(answer["resource"], "https://graph.microsoft.com");
    let expires_on: i64 = answer["expires_on"].as_str().unwrap().parse().unwrap();
    assert!(expires_on > now());
    let token = answer["access_token"].as_str().unwrap();
    assert_eq!(graph(&app, "GET", ACCESS_PACKAGES, token).await.status, 200);
}

#[actix_web::test]
async fn the_password_grant_gives_delegated_tokens_for_configured_users() {
    let app = signin_app(|settings| {
        settings.auth.signin.users = vec![UserSettings {
            username: "megan@contoso.onmicrosoft.com".to_owned(),
            password: "a test password".to_owned(),
            password_sha256: String::new(),
            scopes: vec!["EntitlementManagement.ReadWrite.All".to_owned()],
            object_id: String::new(),
            display_name: "Megan Bowen".to_owned(),
        }];
    })
    .await;
    let ask = |password: &'static str, scope: &'static str| {
        let app = &app;
        async move {
            token_request(
                app,
                &[
                    ("client_id", CLIENT),
                    ("grant_type", "password"),
                    ("username", "Megan@contoso.onmicrosoft.com"),
                    ("password", password),
                    ("scope", scope),
                ],
            )
            .await
        }
    };
    let answer = ask(
        "a test password",
        "https://graph.microsoft.com/EntitlementManagement.ReadWrite.All openid profile offline_access",
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = answer.json();
    assert_eq!(answer["scope"], "EntitlementManagement.ReadWrite.All");
    let token = answer["access_token"].as_str().unwrap();
    let (_, claims) = decode(token);
    assert_eq!(claims["scp"], "EntitlementManagement.ReadWrite.All");
    assert_eq!(claims["upn"], "megan@contoso.onmicrosoft.com");
    assert_eq!(claims["name"], "Megan Bowen");
    assert_eq!(claims["idtyp"], "user");
    assert_eq!(claims["appidacr"], "0", "a public client: no secret sent");
    assert!(claims.get("roles").is_none());
    let created = graph(&app, "POST", ACCESS_PACKAGES, token).await;
    assert_eq!(created.json()["createdBy"], "megan@contoso.onmicrosoft.com");

    let wrong = ask("not it", "https://graph.microsoft.com/.default").await;
    crate::signin_errors::assert_entra_error(&wrong, 400, "invalid_grant", Some(50_126));
    let unconsented = ask("a test password", "EntitlementManagement.Read.All").await;
    crate::signin_errors::assert_entra_error(&unconsented, 400, "invalid_grant", Some(65_001));
}

#[actix_web::test]
async fn discovery_documents_point_at_the_emulator_and_the_keys_verify_its_tokens() {
    let app = signin_app(|_| {}).await;
    let base = base_url(&app);
    for tenant in [TENANT, "common", "organizations"] {
        let path = format!("/{tenant}/v2.0/.well-known/openid-configuration");
        let answer = https(&app, "GET", &path, &[], None).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let document = answer.json();
        // msal-node needs all four; msal-python the two endpoints.
        assert_eq!(
            document["token_endpoint"],
            format!("{base}/{tenant}/oauth2/v2.0/token")
        );
        assert_eq!(
            document["authorization_endpoint"],
            format!("{base}/{tenant}/oauth2/v2.0/authorize")
        );
        assert_eq!(
            document["jwks_uri"],
            format!("{base}/{tenant}/discovery/v2.0/keys")
        );
        // Same scheme, host and port as the authority: msal-node's issuer check passes.
        assert_eq!(document["issuer"], format!("{base}/{TENANT}/v2.0"));
    }
    let v1 = https(
        &app,
        "GET",
        "/common/.well-known/openid-configuration",
        &[],
        None,
    )
    .await;
    assert_eq!(
        v1.json()["issuer"],
        format!("https://sts.windows.net/{TENANT}/")
    );
    assert_eq!(
        v1.json()["token_endpoint"],
        format!("{base}/common/oauth2/token")
    );

    let token = client_token(&app, "https://graph.microsoft.com/.default").await;
    let kid = decode(&token).0["kid"].clone();
    for path in [
        format!("/{TENANT}/discovery/v2.0/keys"),
        "/common/discovery/keys".to_owned(),
    ] {
        let keys = https(&app, "GET", &path, &[], None).await.json();
        let jwk = &keys["keys"][0];
        assert_eq!(jwk["kid"], kid, "{path}");
        assert_eq!((&jwk["kty"], &jwk["use"]), (&json!("RSA"), &json!("sig")));
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_audience(&["https://graph.microsoft.com"]);
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        jsonwebtoken::decode::<Value>(&token, &key, &validation).expect("verifies");
    }

    let instance = https(
        &app,
        "GET",
        &format!("/common/discovery/instance?api-version=1.1&authorization_endpoint={base}/{TENANT}/oauth2/v2.0/authorize"),
        &[],
        None,
    )
    .await
    .json();
    assert_eq!(
        instance["tenant_discovery_endpoint"],
        format!("{base}/{TENANT}/v2.0/.well-known/openid-configuration")
    );
    let host = &base["https://".len()..];
    assert_eq!(instance["metadata"][0]["aliases"], json!([host]));
}

#[actix_web::test]
async fn the_key_is_the_owners_alone_and_survives_a_restart_with_its_tokens() {
    let app = signin_app(|_| {}).await;
    #[cfg(unix)]
    if !app.on_postgres() {
        use std::os::unix::fs::PermissionsExt;
        let path = app.dir().join("emulator-signing-key.pem");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let before = app.signing_key().await.expect("the emulator's key");
    let token = client_token(&app, "https://graph.microsoft.com/.default").await;
    let app = app.restart().await;
    assert_eq!(app.signing_key().await, Some(before), "reused, not remade");
    assert_eq!(
        graph(&app, "GET", ACCESS_PACKAGES, &token).await.status,
        200
    );
}

/// A token with the emulator's own `kid`, signed with `pem`.
pub fn forged(kid: &str, pem: &[u8], claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let key = EncodingKey::from_rsa_pem(pem).expect("an RSA key");
    jsonwebtoken::encode(&header, claims, &key).expect("signs")
}
