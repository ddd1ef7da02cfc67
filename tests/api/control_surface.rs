//! The control surface against what a web page can send: a cross-site form or `text/plain`
//! POST (no preflight), and DNS rebinding (a page's own host name answered with 127.0.0.1,
//! so the browser lets it read the answers). And jwt mode, which closes it without a token.

use awc::http::Method;
use entitlement_emulator::configuration::AuthMode;
use serde_json::json;

use crate::helpers::*;

async fn control(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &str)>,
) -> TestResponse {
    let mut request = app.request(method, path);
    for header in headers {
        request = request.insert_header(*header);
    }
    match body {
        Some((content_type, body)) => {
            let request = request.insert_header(("Content-Type", content_type));
            send(request, Some(body.to_owned().into())).await
        }
        None => send(request, None).await,
    }
}

/// The address the app answers on, as a browser would put it in `Host` and `Origin`.
fn authority(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

#[actix_web::test]
async fn a_cross_site_page_can_neither_reset_nor_seed_nor_move_the_clock() {
    let app = spawn_app().await;
    assert_eq!(app.create_beta_package("kept").await.status.as_u16(), 201);
    let evil = [("Origin", "https://evil.example")];

    // A form post: refused for its origin, before its body is looked at.
    control(
        &app,
        Method::POST,
        "/_emulator/reset",
        &evil,
        Some(("application/x-www-form-urlencoded", "a=b")),
    )
    .await
    .assert_graph_error(403, "Forbidden");
    control(&app, Method::POST, "/_emulator/reset", &evil, None)
        .await
        .assert_graph_error(403, "Forbidden");
    // `fetch(…, {mode: "no-cors", body})` from a modern browser says where it comes from.
    control(
        &app,
        Method::POST,
        "/_emulator/reset",
        &[("Sec-Fetch-Site", "cross-site")],
        None,
    )
    .await
    .assert_graph_error(403, "Forbidden");
    // A body a page can send without asking (text/plain), whatever the origin says: 415.
    for (method, path, body) in [
        (Method::POST, "/_emulator/seed", r#"{"catalogs":[]}"#),
        (
            Method::PUT,
            "/_emulator/clock",
            r#"{"now":"9999-12-31T23:59:59Z"}"#,
        ),
        (
            Method::PUT,
            "/_emulator/faults",
            r#"{"enabled":true,"error_rate":1}"#,
        ),
    ] {
        control(&app, method, path, &[], Some(("text/plain", body)))
            .await
            .assert_graph_error(415, "UnsupportedMediaType");
    }
    assert_eq!(app.count_rows("access_packages").await, 1);
    assert_eq!(app.get("/_emulator/clock").await.json()["offset_ms"], 0);
    assert_eq!(app.get("/_emulator/faults").await.json()["enabled"], false);

    // The emulator's own origin, and JSON, are the test's hands as before.
    let own = format!("http://{}", authority(&app));
    let moved = control(
        &app,
        Method::POST,
        "/_emulator/clock/advance",
        &[("Origin", own.as_str())],
        Some(("application/json", r#"{"by":"P1D"}"#)),
    )
    .await;
    assert_eq!(
        moved.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&moved.body)
    );
}

#[actix_web::test]
async fn a_rebound_host_name_reads_nothing() {
    let app = spawn_app().await;
    let port = authority(&app).rsplit_once(':').unwrap().1.to_owned();
    let rebound = format!("attacker.example:{port}");
    for path in [
        "/_emulator/export",
        "/_emulator/requests",
        "/_emulator/clock",
    ] {
        let error = control(&app, Method::GET, path, &[("Host", rebound.as_str())], None)
            .await
            .assert_graph_error(403, "Forbidden");
        assert!(error["message"]
            .as_str()
            .unwrap()
            .contains("attacker.example"));
    }
    // This machine's names pass; health and the OpenAPI document answer any host.
    for host in [
        format!("localhost:{port}"),
        format!("api.localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let export = control(
            &app,
            Method::GET,
            "/_emulator/export",
            &[("Host", host.as_str())],
            None,
        )
        .await;
        assert_eq!(export.status.as_u16(), 200, "{host}");
    }
    for path in ["/_emulator/health", "/_emulator/openapi.json"] {
        let open = control(&app, Method::GET, path, &[("Host", rebound.as_str())], None).await;
        assert_eq!(open.status.as_u16(), 200, "{path}");
    }
}

#[actix_web::test]
async fn other_host_names_are_allowed_when_configured() {
    let app = spawn_app_with(|settings| {
        settings.admin.allowed_hosts = vec!["Emulator".to_owned()];
        settings.server.public_url = "https://entitlements.test:9443/".to_owned();
    })
    .await;
    for (host, status) in [
        ("emulator:8080", 200),
        ("entitlements.test", 200),
        ("other:8080", 403),
    ] {
        let answer = control(
            &app,
            Method::GET,
            "/_emulator/clock",
            &[("Host", host)],
            None,
        )
        .await;
        assert_eq!(answer.status.as_u16(), status, "{host}");
    }
    let any = spawn_app_with(|settings| settings.admin.allowed_hosts = vec!["*".to_owned()]).await;
    let answer = control(
        &any,
        Method::GET,
        "/_emulator/clock",
        &[("Host", "anything.example")],
        None,
    )
    .await;
    answer.expect(200);
}

#[actix_web::test]
async fn jwt_mode_closes_the_control_surface_unless_a_token_or_open_says_otherwise() {
    let jwt = |settings: &mut entitlement_emulator::configuration::Settings| {
        settings.auth.mode = AuthMode::Jwt;
        settings.auth.jwt.hs256_secret = "a secret long enough for HS256 signing".to_owned();
    };
    let closed = spawn_app_with(jwt).await;
    let refused = closed.post("/_emulator/reset", &json!({})).await;
    let error = refused.assert_graph_error(401, "InvalidAuthenticationToken");
    assert!(error["message"].as_str().unwrap().contains("admin.token"));
    assert_eq!(closed.get("/_emulator/health").await.status.as_u16(), 200);

    let guarded = spawn_app_with(|settings| {
        jwt(settings);
        settings.admin.token = "the admin's".to_owned();
    })
    .await;
    guarded
        .get("/_emulator/export")
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    let with_token = guarded
        .request(Method::GET, "/_emulator/export")
        .insert_header(("Authorization", "Bearer the admin's"));
    assert_eq!(send(with_token, None).await.status.as_u16(), 200);

    let opened = spawn_app_with(|settings| {
        jwt(settings);
        settings.admin.open = true;
    })
    .await;
    assert_eq!(opened.get("/_emulator/export").await.status.as_u16(), 200);
}
