//! `/_emulator/tenants`: tenants made (fresh, named, from a fixture), listed, deleted;
//! names that are no tenant refused wherever they come from, never reaching a path;
//! `tenants.allowed`; idle tenants closed and reopened as they were; and a tenant's state
//! and pending expiries across a restart.

use std::path::Path;

use actix_web::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::*;

const A: &str = "3f1d6a52-0c8e-4d6e-9a55-0a7e0f1e2d3c";
const B: &str = "7b0e9c1a-5d2f-4e8b-8c3a-1f2e3d4c5b6a";

/// A request in `tenant` (named by X-Emulator-Tenant).
async fn in_tenant(
    app: &TestApp,
    tenant: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> TestResponse {
    let request = app
        .request(method, path)
        .insert_header(("X-Emulator-Tenant", tenant))
        .insert_header(("Content-Type", "application/json"));
    send(request, body.map(|body| body.to_string().into())).await
}

fn tenant_file(app: &TestApp, id: &str) -> std::path::PathBuf {
    app.dir()
        .join("emulator.db.tenants")
        .join(format!("{id}.db"))
}

async fn catalog_names(app: &TestApp, tenant: &str) -> Vec<String> {
    let listed = in_tenant(app, tenant, Method::GET, &format!("{V1}/catalogs"), None)
        .await
        .expect(200);
    listed["value"]
        .as_array()
        .expect("catalogs")
        .iter()
        .map(|catalog| {
            catalog["displayName"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[actix_web::test]
async fn tenants_are_made_listed_and_deleted() {
    // A tenant's own file (on PostgreSQL, postgres_schema/backend.rs).
    let app = spawn_app_on_sqlite().await;
    let made = app
        .post("/_emulator/tenants", &json!({"id": A.to_uppercase()}))
        .await;
    assert_eq!(made.header("location"), format!("/_emulator/tenants/{A}"));
    assert_eq!(
        made.expect(201),
        json!({"id": A, "home": false, "open": true})
    );
    assert!(tenant_file(&app, A).is_file());
    // A new tenant starts as a new database does: the built-in General catalog.
    assert_eq!(catalog_names(&app, A).await, ["General"]);
    app.post("/_emulator/tenants", &json!({"id": A}))
        .await
        .assert_graph_error(409, "TenantExists");
    // A domain name stands for one GUID, the same on every run: UUID v5 in the DNS
    // namespace, as Python's `uuid.uuid5(uuid.NAMESPACE_DNS, "fabrikam.example.com")`.
    let named = app
        .post("/_emulator/tenants", &json!({"id": "Fabrikam.example.com"}))
        .await
        .expect(201);
    assert_eq!(named["id"], "385e2b4c-aa0b-598f-a1df-19e73e3c6354");
    let fresh = app
        .post_raw("/_emulator/tenants", "application/json", "")
        .await
        .expect(201);
    let fresh = fresh["id"].as_str().expect("an id").to_owned();

    let listed = app.get("/_emulator/tenants").await.expect(200);
    let ids = texts_of(&listed, "id");
    assert_eq!(ids[0], "00000000-0000-4000-8000-000000000e11");
    assert_eq!(listed["value"][0]["home"], true);
    assert_eq!(ids.len(), 4);
    assert!(ids.contains(&A) && ids.contains(&fresh.as_str()));
    app.get(&format!("/_emulator/tenants/{A}"))
        .await
        .expect(200);

    app.delete(&format!("/_emulator/tenants/{A}"))
        .await
        .expect(204);
    assert!(!tenant_file(&app, A).exists());
    app.get(&format!("/_emulator/tenants/{A}"))
        .await
        .assert_graph_error(404, "TenantNotFound");
    app.delete(&format!("/_emulator/tenants/{A}"))
        .await
        .assert_graph_error(404, "TenantNotFound");
    app.post(&format!("/_emulator/tenants/{A}/reset"), &json!({}))
        .await
        .assert_graph_error(404, "TenantNotFound");
    app.delete("/_emulator/tenants/00000000-0000-4000-8000-000000000e11")
        .await
        .assert_graph_error(400, "BadRequest");

    // Two creates of one id at once: one tenant, one 409.
    let body = json!({"id": B});
    let both = futures_util::future::join_all([
        app.post("/_emulator/tenants", &body),
        app.post("/_emulator/tenants", &body),
    ])
    .await;
    let mut statuses = [both[0].status.as_u16(), both[1].status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    // The control surface, health included (it needs no token), makes no tenant.
    let request = app
        .request(Method::GET, "/_emulator/health")
        .insert_header(("X-Emulator-Tenant", "nobody.example.com"));
    send(request, None)
        .await
        .assert_graph_error(404, "TenantNotFound");
    let nobody = "fd0d3b8f-0c4a-5c1e-9d5a-7d3b1c9e2f41";
    app.get(&format!("/_emulator/tenants/{nobody}/clock"))
        .await
        .assert_graph_error(404, "TenantNotFound");
    assert_eq!(
        app.get("/_emulator/tenants").await.expect(200)["value"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
}

#[actix_web::test]
async fn a_tenant_starts_from_a_fixture_and_keeps_its_own_control_surface() {
    let app = spawn_app().await;
    let fixture = json!({"catalogs": [{"id": "c0ffee00-0000-4000-8000-0000000000a1", "displayName": "Seeded"}]});
    app.post("/_emulator/tenants", &json!({"id": A, "fixture": fixture}))
        .await
        .expect(201);
    assert_eq!(catalog_names(&app, A).await, ["General", "Seeded"]);
    assert_eq!(catalog_names(&app, B).await, ["General"]);
    assert_eq!(
        catalog_names(&app, "00000000-0000-4000-8000-000000000e11").await,
        ["General"]
    );
    // A bad fixture makes no tenant.
    let bad = json!({"id": B, "fixture": {"catalogs": [{"displayName": 7}]}});
    let refused = app.post("/_emulator/tenants", &bad).await;
    assert_eq!(refused.status.as_u16(), 400, "{:?}", refused.body);

    // Reset, pace and faults below the tenant's id are that tenant's alone.
    app.post(&format!("/_emulator/tenants/{A}/reset"), &json!({}))
        .await
        .expect(204);
    assert_eq!(catalog_names(&app, A).await, ["General"]);
    let manual = json!({"pace": "manual"});
    app.put(&format!("/_emulator/tenants/{A}/lifecycle"), &manual)
        .await
        .expect(200);
    assert_eq!(
        app.get("/_emulator/lifecycle").await.expect(200)["pace"],
        "immediate"
    );
    let throttled = json!({"enabled": true, "throttle_rate": 1.0});
    app.put(&format!("/_emulator/tenants/{A}/faults"), &throttled)
        .await
        .expect(200);
    let answer = in_tenant(&app, A, Method::GET, &format!("{V1}/catalogs"), None).await;
    assert_eq!(answer.status.as_u16(), 429);
    app.get(&format!("{V1}/catalogs")).await.expect(200);
}

#[actix_web::test]
async fn names_that_are_no_tenant_are_refused_and_reach_no_path() {
    let app = spawn_app_with(|settings| settings.auth.signin.allow_http = true).await;
    for name in ["../../escape", "..", "a/b.c", "escape\\..\\x.y", "%2e%2e"] {
        let made = app.post("/_emulator/tenants", &json!({"id": name})).await;
        made.assert_graph_error(400, "BadRequest");
        let header = in_tenant(&app, name, Method::GET, &format!("{V1}/catalogs"), None).await;
        header.assert_graph_error(400, "BadRequest");
        let claims = json!({"tid": name});
        let token = format!(
            "Bearer e30.{}.x",
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let request = app
            .request(Method::GET, &format!("{V1}/catalogs"))
            .insert_header(("Authorization", token));
        send(request, None)
            .await
            .assert_graph_error(401, "InvalidAuthenticationToken");
    }
    for path in [
        "/_emulator/tenants/..%2F..%2Fescape",
        "/_emulator/tenants/..%2F..%2Fescape/reset",
        "/_emulator/tenants/../escape/reset",
    ] {
        let answer = app.post(path, &json!({})).await;
        assert!(
            [400, 404, 405].contains(&answer.status.as_u16()),
            "{path}: {}",
            answer.status
        );
    }
    let signin = app
        .post_raw(
            "/..%2F..%2Fescape/oauth2/v2.0/token",
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials",
        )
        .await;
    assert_eq!(signin.status.as_u16(), 400);
    assert_eq!(signin.json()["error_codes"][0], 90_002);
    // Nothing was made outside the tenants' folder, nor in it.
    let mut found = Vec::new();
    walk(app.dir(), &mut found);
    assert!(
        found.iter().all(|name| !name.contains("escape")),
        "{found:?}"
    );
    assert!(!app.dir().join("emulator.db.tenants").exists(), "{found:?}");
}

fn walk(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        found.push(entry.path().display().to_string());
        if entry.path().is_dir() {
            walk(&entry.path(), found);
        }
    }
}

#[actix_web::test]
async fn only_the_allowed_tenants_are_served() {
    let app = spawn_app_with(|settings| {
        settings.tenants.allowed = vec![A.to_owned(), "fabrikam.example.com".to_owned()];
        settings.auth.signin.allow_http = true;
        settings.auth.signin.accept_any_client = true;
    })
    .await;
    assert_eq!(catalog_names(&app, A).await, ["General"]);
    assert_eq!(
        catalog_names(&app, "fabrikam.example.com").await,
        ["General"]
    );
    let refused = in_tenant(&app, B, Method::GET, &format!("{V1}/catalogs"), None).await;
    refused.assert_graph_error(401, "InvalidAuthenticationToken");
    app.post("/_emulator/tenants", &json!({"id": B}))
        .await
        .assert_graph_error(400, "BadRequest");
    let form = "grant_type=client_credentials&client_id=5e2c6a4f-0000-4000-8000-00000000c11e&client_secret=s&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    let form_type = "application/x-www-form-urlencoded";
    let other = app
        .post_raw(&format!("/{B}/oauth2/v2.0/token"), form_type, form)
        .await;
    assert_eq!(other.status.as_u16(), 400, "{:?}", other.body);
    assert_eq!(other.json()["error_codes"][0], 90_002);
    let allowed = app
        .post_raw(&format!("/{A}/oauth2/v2.0/token"), form_type, form)
        .await;
    let token = allowed.expect(200)["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let claims = token.split('.').nth(1).expect("a payload");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("base64url"))
        .expect("claims");
    assert_eq!(claims["tid"], A);
    assert_eq!(claims["iss"], format!("https://sts.windows.net/{A}/"));
}

#[actix_web::test]
async fn idle_tenants_close_and_reopen_as_they_were() {
    let app = spawn_app_with(|settings| settings.tenants.max_open = 2).await;
    let tenants: Vec<String> = (0..5)
        .map(|i| format!("{i:08x}-1d1e-4000-8000-000000000000"))
        .collect();
    for (i, tenant) in tenants.iter().enumerate() {
        let body = json!({"displayName": format!("catalog {i}")});
        in_tenant(
            &app,
            tenant,
            Method::POST,
            &format!("{V1}/catalogs"),
            Some(&body),
        )
        .await
        .expect(201);
        if i == 0 {
            app.put(
                &format!("/_emulator/tenants/{tenant}/lifecycle"),
                &json!({"pace": "manual"}),
            )
            .await
            .expect(200);
            app.post(
                &format!("/_emulator/tenants/{tenant}/clock/advance"),
                &json!({"by": "P3D"}),
            )
            .await
            .expect(200);
        }
    }
    let listed = app.get("/_emulator/tenants").await.expect(200);
    let open = listed["value"]
        .as_array()
        .expect("tenants")
        .iter()
        .filter(|tenant| tenant["open"] == true && tenant["home"] == false)
        .count();
    assert_eq!(open, 2, "{listed}");
    for (i, tenant) in tenants.iter().enumerate() {
        assert_eq!(
            catalog_names(&app, tenant).await,
            ["General".to_owned(), format!("catalog {i}")]
        );
    }
    // The first was closed and opened again: its pace and clock are as they were.
    let lifecycle = app
        .get(&format!("/_emulator/tenants/{}/lifecycle", tenants[0]))
        .await;
    assert_eq!(lifecycle.expect(200)["pace"], "manual");
    let clock = app
        .get(&format!("/_emulator/tenants/{}/clock", tenants[0]))
        .await;
    assert_eq!(
        clock.expect(200)["offset_ms"]
            .as_i64()
            .map(|ms| ms / 86_400_000),
        Some(3)
    );
}

async fn members_in_a(app: &TestApp, group: &str) -> usize {
    let path = format!("{GROUPS}/{group}/members");
    let listed = in_tenant(app, A, Method::GET, &path, None)
        .await
        .expect(200);
    listed["value"].as_array().expect("members").len()
}

#[actix_web::test]
async fn a_tenants_state_and_pending_expiry_survive_a_restart() {
    let app = spawn_app().await;
    // Built in home, moved into tenant A whole, home emptied.
    let mut policy = direct_policy();
    policy["expiration"] = json!({"type": "afterDuration", "duration": "P2D"});
    let story = story_with(&app, "restart", policy).await;
    let request = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(state(&app, &request).await, "delivered");
    let fixture = app.get("/_emulator/export").await.expect(200);
    app.post("/_emulator/tenants", &json!({"id": A, "fixture": fixture}))
        .await
        .expect(201);
    app.post("/_emulator/reset", &json!({})).await.expect(204);

    // A graceful stop closes every tenant's store: on SQLite its WAL is copied into its
    // file. (On PostgreSQL the restart is a replica's, on the same database.)
    let tenant_file = tenant_file(&app, A);
    let on_sqlite = !app.on_postgres();
    let stopped = app.stop().await;
    if on_sqlite {
        let wal =
            std::fs::metadata(format!("{}-wal", tenant_file.display())).map_or(0, |m| m.len());
        assert_eq!(wal, 0, "tenant A's WAL left behind");
        assert!(count_rows(&tenant_file, "assignments").await >= 1);
    }
    let app = stopped.start_with(|_| {}).await;
    assert_eq!(members_in_a(&app, &story.group).await, 1);
    app.post(
        &format!("/_emulator/tenants/{A}/clock/advance"),
        &json!({"by": "P3D"}),
    )
    .await
    .expect(200);
    assert_eq!(
        members_in_a(&app, &story.group).await,
        0,
        "the assignment expired in its tenant"
    );
    let assignments = in_tenant(
        &app,
        A,
        Method::GET,
        &format!("{V1}/assignments?$filter=state%20eq%20'expired'"),
        None,
    )
    .await
    .expect(200);
    assert_eq!(assignments["value"].as_array().map(Vec::len), Some(1));
    // Home's clock did not move, and home holds none of it.
    assert_eq!(
        app.get("/_emulator/clock").await.expect(200)["offset_ms"],
        0
    );
    app.get(&format!("{V1}/catalogs/{}", story.catalog))
        .await
        .assert_graph_error(404, "ResourceNotFound");
}
