//! `auth.mode = "jwt"`: tokens are verified offline and must carry the permission the
//! request needs; failures are Graph's 401/403 with `WWW-Authenticate`.

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::Method;
use entitlement_emulator::auth::jwt::{Claims, READ, READ_WRITE};
use entitlement_emulator::configuration::AuthMode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::helpers::*;

const SECRET: &str = "a test secret that is long enough";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

async fn jwt_app() -> TestApp {
    spawn_app_with(|settings| {
        settings.auth.mode = AuthMode::Jwt;
        settings.auth.jwt.hs256_secret = SECRET.to_owned();
        settings.auth.jwt.jwks_file = format!("{FIXTURES}/jwks.json");
    })
    .await
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn claims(scp: &str) -> Claims {
    Claims {
        aud: Some("https://graph.microsoft.com".to_owned()),
        // The home tenant: rows are counted in its file.
        tid: Some("00000000-0000-4000-8000-000000000e11".to_owned()),
        exp: Some(now() + 600),
        nbf: Some(now() - 10),
        scp: Some(scp.to_owned()),
        upn: Some("megan@contoso.com".to_owned()),
        ..Claims::default()
    }
}

fn hs256(claims: &Claims) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("signs")
}

fn signed_with(algorithm: Algorithm, kid: &str, pem: &str, claims: &Claims) -> String {
    let pem = std::fs::read(format!("{FIXTURES}/{pem}")).expect("a fixture key");
    let key = match algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem),
        _ => EncodingKey::from_ec_pem(&pem),
    }
    .expect("a private key");
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).expect("signs")
}

async fn create(app: &TestApp, token: &str, name: &str) -> TestResponse {
    let request = app
        .request(Method::POST, &format!("{BETA}/accessPackages"))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", "application/json"));
    let body = json!({"catalogId": GENERAL, "displayName": name});
    send(request, Some(serde_json::to_vec(&body).unwrap().into())).await
}

async fn list(app: &TestApp, token: &str) -> TestResponse {
    let request = app
        .request(Method::GET, &format!("{BETA}/accessPackages"))
        .insert_header(("Authorization", format!("Bearer {token}")));
    send(request, None).await
}

fn assert_401(response: &TestResponse, message: &str) {
    let body = response.assert_graph_error(401, "InvalidAuthenticationToken");
    assert_eq!(body["message"], message);
    assert!(response.header("www-authenticate").starts_with("Bearer "));
}

#[actix_web::test]
async fn read_write_tokens_create_and_name_the_creator() {
    let app = jwt_app().await;

    for (token, name, actor) in [
        (hs256(&claims(READ_WRITE)), "hs256", "megan@contoso.com"),
        (
            signed_with(
                Algorithm::RS256,
                "test-rsa",
                "rsa-private.pem",
                &claims(&format!("User.Read {READ_WRITE}")),
            ),
            "rs256",
            "megan@contoso.com",
        ),
        (
            signed_with(
                Algorithm::ES256,
                "test-ec",
                "ec-private.pem",
                &claims(READ_WRITE),
            ),
            "es256",
            "megan@contoso.com",
        ),
        (
            hs256(&Claims {
                scp: None,
                upn: None,
                roles: Some(vec![READ_WRITE.to_owned()]),
                app_displayname: Some("provisioning job".to_owned()),
                ..claims("")
            }),
            "application",
            "provisioning job",
        ),
    ] {
        let response = create(&app, &token, name).await;
        assert_eq!(response.status.as_u16(), 201, "{name}: {:?}", response.body);
        assert_eq!(response.json()["createdBy"], actor, "{name}");
    }
    assert_eq!(app.count_rows("access_packages").await, 4);
}

#[actix_web::test]
async fn read_permission_reads_but_cannot_write() {
    let app = jwt_app().await;
    let token = hs256(&claims(READ));

    assert_eq!(list(&app, &token).await.status.as_u16(), 200);
    let refused = create(&app, &token, "nope").await;
    // Entitlement Management's own 403 (reference §4.2, terraform-provider-azuread#1226),
    // not the directory's.
    let body = refused.assert_graph_error(403, "UnAuthorized");
    assert_eq!(
        body["message"],
        "User is not authorized to perform the operation. Reason: Unauthorized"
    );
    assert!(refused.header("www-authenticate").starts_with("Bearer "));

    let unrelated = hs256(&claims("User.Read Mail.Send"));
    let body = list(&app, &unrelated)
        .await
        .assert_graph_error(403, "UnAuthorized");
    assert_eq!(
        body["message"],
        "User is not authorized to perform the operation. Reason: Unauthorized"
    );
    assert_eq!(app.count_rows("access_packages").await, 0);
}

/// The directory is another part of Graph and refuses in its own words (reference §4.2,
/// the json-batching page); ELM paths that merely contain a directory word do not.
#[actix_web::test]
async fn the_directory_refuses_in_its_own_dialect() {
    let app = jwt_app().await;
    let unrelated = hs256(&claims("Mail.Send"));
    let get = |path: String| {
        let request = app
            .request(Method::GET, &path)
            .insert_header(("Authorization", format!("Bearer {unrelated}")));
        send(request, None)
    };
    for path in [
        "/v1.0/users".to_owned(),
        "/beta/groups/00000000-0000-0000-0000-000000000001/members".to_owned(),
        "/servicePrincipals".to_owned(),
    ] {
        let body = get(path.clone())
            .await
            .assert_graph_error(403, "Authorization_RequestDenied");
        assert_eq!(
            body["message"], "Insufficient privileges to complete the operation.",
            "{path}"
        );
    }
    for path in [
        format!("{V1}/catalogs"),
        format!("{BETA}/accessPackageCatalogs/{GENERAL}/accessPackageResources"),
        "/v1.0/roleManagement/entitlementManagement/roleDefinitions".to_owned(),
        "/v1.0/usersx".to_owned(),
    ] {
        get(path).await.assert_graph_error(403, "UnAuthorized");
    }
}

#[actix_web::test]
async fn tokens_that_fail_verification_are_401() {
    let app = jwt_app().await;
    // One signature character changed, well inside it: the last one carries unused bits,
    // and a change there may decode to the same signature.
    let genuine = hs256(&claims(READ_WRITE));
    let at = genuine.len() - 10;
    let swapped = if &genuine[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{swapped}{}", &genuine[..at], &genuine[at + 1..]);
    let wrong_secret = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(READ_WRITE),
        &EncodingKey::from_secret(b"another secret entirely, also long"),
    )
    .unwrap();

    let cases = [
        (
            hs256(&Claims {
                exp: Some(now() - 3600),
                ..claims(READ_WRITE)
            }),
            "Lifetime validation failed, the token is expired.",
        ),
        (
            hs256(&Claims {
                nbf: Some(now() + 3600),
                ..claims(READ_WRITE)
            }),
            "Lifetime validation failed, the token is not yet valid.",
        ),
        (
            hs256(&Claims {
                aud: Some("api://someone-else".to_owned()),
                ..claims(READ_WRITE)
            }),
            "Access token validation failure. Invalid audience.",
        ),
        (
            hs256(&Claims {
                tid: Some("9188040d-6c67-4c5b-b112-36a304b66dad".to_owned()),
                ..claims(READ_WRITE)
            }),
            "Personal Microsoft accounts are not supported by this API.",
        ),
        (
            tampered,
            "Access token validation failure. Invalid signature.",
        ),
        (
            wrong_secret,
            "Access token validation failure. Invalid signature.",
        ),
        (
            "not-a-jwt".to_owned(),
            "CompactToken parsing failed with error code: 80049217",
        ),
        (
            signed_with(
                Algorithm::RS256,
                "unknown-kid",
                "rsa-private.pem",
                &claims(READ_WRITE),
            ),
            "Access token validation failure. Invalid signing key.",
        ),
    ];
    for (token, message) in cases {
        assert_401(&create(&app, &token, "x").await, message);
    }
    let missing = app
        .request(Method::GET, &format!("{BETA}/accessPackages"))
        .insert_header(("Authorization", "Bearer "));
    assert_401(&send(missing, None).await, "Access token is empty.");
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn an_issuer_allow_list_refuses_other_issuers() {
    let app = spawn_app_with(|settings| {
        settings.auth.mode = AuthMode::Jwt;
        settings.auth.jwt.hs256_secret = SECRET.to_owned();
        settings.auth.jwt.issuers = vec!["https://sts.windows.net/contoso/".to_owned()];
    })
    .await;
    let trusted = hs256(&Claims {
        iss: Some("https://sts.windows.net/contoso/".to_owned()),
        ..claims(READ)
    });
    let other = hs256(&Claims {
        iss: Some("https://evil.example/".to_owned()),
        ..claims(READ)
    });

    assert_eq!(list(&app, &trusted).await.status.as_u16(), 200);
    assert_401(
        &list(&app, &other).await,
        "Access token validation failure. Invalid issuer.",
    );
}

/// `entitlement-emulator token` mints what the server accepts: no tenant needed.
#[actix_web::test]
async fn the_token_subcommand_mints_an_accepted_token() {
    let env = [
        ("EMULATOR__AUTH__MODE", "jwt"),
        ("EMULATOR__AUTH__JWT__HS256_SECRET", SECRET),
    ];
    let minted = emulator_command(
        &["token", "--scope", READ_WRITE, "--upn", "adele@contoso.com"],
        &env,
    )
    .output()
    .expect("the token command runs");
    assert!(minted.status.success(), "{minted:?}");
    let token = String::from_utf8(minted.stdout)
        .expect("text")
        .trim()
        .to_owned();

    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let emulator =
        RunningEmulator::start(emulator_command(&["--port", "0", "--database", &url], &env));
    let client = awc::Client::default();
    let mut response = client
        .post(format!("{}{BETA}/accessPackages", emulator.address))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send_json(&json!({"catalogId": GENERAL, "displayName": "minted"}))
        .await
        .expect("the emulator answers");
    assert_eq!(response.status().as_u16(), 201);
    let created: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(created["createdBy"], "adele@contoso.com");
    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));

    let without_secret = emulator_command(&["token", "--scope", READ], &[])
        .output()
        .expect("the token command runs");
    assert_eq!(without_secret.status.code(), Some(2));
}

/// A token for no audience is no Graph token, however well signed.
#[actix_web::test]
async fn a_token_without_an_audience_is_refused() {
    let app = jwt_app().await;
    let anywhere = hs256(&Claims {
        aud: None,
        ..claims(READ)
    });
    assert_401(
        &list(&app, &anywhere).await,
        "Access token validation failure. Invalid audience.",
    );
    assert_eq!(list(&app, &hs256(&claims(READ))).await.status.as_u16(), 200);
}
