//! Seed and export: one fixture format, loaded at start (`seed.file`) or at run time
//! (`POST /_emulator/seed`, replace or merge), written by `GET /_emulator/export`, so state
//! round-trips exactly; an invalid fixture changes nothing.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const CATALOG: &str = "11111111-1111-1111-1111-111111111111";
const PACKAGE: &str = "22222222-2222-2222-2222-222222222222";
const OTHER_PACKAGE: &str = "33333333-3333-3333-3333-333333333333";

fn general() -> Value {
    json!({
        "id": GENERAL, "displayName": "General", "description": "Built-in catalog.",
        "catalogType": "serviceDefault", "state": "published", "isExternallyVisible": true,
        "createdBy": null, "createdDateTime": "2019-01-01T00:00:00.0000000Z",
        "modifiedBy": null, "modifiedDateTime": "2019-01-01T00:00:00.0000000Z",
    })
}

/// A tenant with one catalog of one package, every property given.
fn fixture() -> Value {
    json!({
        "catalogs": [{
            "id": CATALOG, "displayName": "Sales", "description": "Sales apps",
            "catalogType": "userManaged", "state": "unpublished", "isExternallyVisible": false,
            "createdBy": "alice@contoso.com", "createdDateTime": "2024-05-01T08:00:00.0000000Z",
            "modifiedBy": "bob@contoso.com", "modifiedDateTime": "2024-05-02T08:00:00.1234567Z",
        }],
        "accessPackages": [{
            "id": PACKAGE, "catalogId": CATALOG, "displayName": "Sales reps",
            "description": null, "isHidden": true, "isRoleScopesVisible": false,
            "createdBy": "alice@contoso.com", "createdDateTime": "2024-05-03T08:00:00.0000000Z",
            "modifiedBy": "alice@contoso.com", "modifiedDateTime": "2024-05-03T08:00:00.0000000Z",
        }],
    })
}

async fn export(app: &TestApp) -> Value {
    let response = app.get("/_emulator/export").await;
    response.expect(200);
    assert_eq!(response.header("content-type"), "application/json");
    response.json()
}

async fn seed(app: &TestApp, query: &str, body: &Value) -> TestResponse {
    app.post(&format!("/_emulator/seed{query}"), body).await
}

/// Every set of the fixture format, empty but for the built-in rows (the General
/// catalog, the five role definitions), with `sets` in place of those it names.
fn export_of(sets: Value) -> Value {
    let mut export = serde_json::Map::new();
    for entity in entitlement_emulator::model::registry::ENTITY_TYPES {
        let builtins: Vec<Value> = entitlement_emulator::model::Record::builtins(entity)
            .iter()
            .map(|row| {
                Value::Object(entitlement_emulator::graph::wire::project(
                    row,
                    entitlement_emulator::model::Dialect::Fixture,
                    None,
                ))
            })
            .collect();
        let rows = sets
            .get(entity.fixture)
            .cloned()
            .unwrap_or(Value::Array(builtins));
        export.insert(entity.fixture.to_owned(), rows);
    }
    Value::Object(export)
}

/// What a seed answers: rows written per set, `counts` for those it names, else 0.
fn seeded(counts: Value) -> Value {
    let sets = entitlement_emulator::model::registry::ENTITY_TYPES
        .iter()
        .map(|entity| {
            (
                entity.fixture.to_owned(),
                counts.get(entity.fixture).cloned().unwrap_or(json!(0)),
            )
        });
    Value::Object(sets.collect())
}

#[actix_web::test]
async fn a_fresh_emulator_exports_the_built_in_catalog_only() {
    let app = spawn_app().await;
    let exported = export(&app).await;
    assert_eq!(exported, export_of(json!({"catalogs": [general()]})));
    assert_eq!(
        exported["roleDefinitions"].as_array().map(Vec::len),
        Some(5),
        "the built-in roles"
    );
}

#[actix_web::test]
async fn a_seeded_fixture_is_served_and_exported_exactly() {
    let app = spawn_app().await;
    let response = seed(&app, "", &fixture()).await;
    response.expect(200);
    assert_eq!(
        response.json(),
        seeded(json!({"catalogs": 1, "accessPackages": 1}))
    );

    let expected = export_of(json!({
        "catalogs": [general(), fixture()["catalogs"][0]],
        "accessPackages": fixture()["accessPackages"],
    }));
    assert_eq!(export(&app).await, expected);

    // Graph's view of the same rows: fixed ids, timestamps and audit fields.
    let package = app.get(&format!("{BETA}/accessPackages/{PACKAGE}")).await;
    package.expect(200);
    let body = package.json();
    assert_eq!(body["catalogId"], CATALOG);
    assert_eq!(body["isHidden"], true);
    assert_eq!(body["createdBy"], "alice@contoso.com");
    assert_eq!(body["modifiedDateTime"], "2024-05-03T08:00:00.0000000Z");
    let catalog = app.get(&format!("{V1}/catalogs/{CATALOG}")).await.json();
    assert_eq!(catalog["state"], "unpublished");
    assert_eq!(catalog["modifiedDateTime"], "2024-05-02T08:00:00.1234567Z");
}

#[actix_web::test]
async fn state_made_through_the_api_round_trips_through_export_and_seed() {
    let app = spawn_app().await;
    let catalog = app
        .post(
            &format!("{V1}/catalogs"),
            &json!({"displayName": "Made here", "isExternallyVisible": true}),
        )
        .await
        .json();
    for name in ["one", "two", "three"] {
        let created = app
            .post(
                &format!("{BETA}/accessPackages"),
                &json!({"catalogId": catalog["id"], "displayName": name, "description": name}),
            )
            .await;
        created.expect(201);
    }
    let patched = send(
        app.request(Method::PATCH, &format!("{V1}/catalogs/{GENERAL}"))
            .insert_header(("Content-Type", "application/json")),
        Some(
            json!({"displayName": "General, renamed"})
                .to_string()
                .into(),
        ),
    )
    .await;
    patched.expect(204);
    let list = format!("{BETA}/accessPackages?$orderby=displayName");
    let listed_before = app.get(&list).await.json();

    let exported = export(&app).await;
    let reset = app.post("/_emulator/reset", &json!({})).await;
    reset.expect(204);
    assert_ne!(export(&app).await, exported);

    assert_eq!(seed(&app, "", &exported).await.status.as_u16(), 200);
    assert_eq!(
        export(&app).await,
        exported,
        "export → seed → export is exact"
    );
    assert_eq!(app.get(&list).await.json(), listed_before);
}

#[actix_web::test]
async fn merge_adds_and_updates_by_id_and_keeps_the_rest() {
    let app = spawn_app().await;
    assert_eq!(seed(&app, "", &fixture()).await.status.as_u16(), 200);
    let kept = app.create_beta_package("made through the API").await;
    kept.expect(201);

    let merge = json!({"accessPackages": [
        {"id": PACKAGE, "catalogId": CATALOG, "displayName": "Sales reps (renamed)"},
        {"id": OTHER_PACKAGE, "catalogId": GENERAL, "displayName": "Merged in",
         "createdDateTime": "2023-01-01T00:00:00Z"},
    ]});
    let response = seed(&app, "?mode=merge", &merge).await;
    assert_eq!(response.status.as_u16(), 200, "{}", response.json());

    let exported = export(&app).await;
    let packages = exported["accessPackages"].as_array().unwrap();
    assert_eq!(packages.len(), 3, "{exported:#}");
    let renamed = packages.iter().find(|p| p["id"] == PACKAGE).unwrap();
    assert_eq!(renamed["displayName"], "Sales reps (renamed)");
    // Left out of the merged row: defaults, as a create would give.
    assert_eq!(renamed["isHidden"], false);
    let merged = packages.iter().find(|p| p["id"] == OTHER_PACKAGE).unwrap();
    assert_eq!(merged["createdDateTime"], "2023-01-01T00:00:00.0000000Z");
    assert_eq!(merged["modifiedDateTime"], merged["createdDateTime"]);
    assert!(packages.iter().any(|p| p["id"] == kept.json()["id"]));
    assert_eq!(exported["catalogs"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn an_invalid_fixture_is_refused_whole_naming_what_is_wrong() {
    let app = spawn_app().await;
    assert_eq!(seed(&app, "", &fixture()).await.status.as_u16(), 200);
    let before = export(&app).await;

    let mut missing_catalog = fixture();
    missing_catalog["accessPackages"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"id": OTHER_PACKAGE, "catalogId": "44444444-4444-4444-4444-444444444444",
                     "displayName": "orphan"}),
        );
    let mut duplicate_name = fixture();
    duplicate_name["accessPackages"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": OTHER_PACKAGE, "catalogId": CATALOG, "displayName": "SALES REPS"}));
    let cases: Vec<(&str, Value, &str)> = vec![
        ("", missing_catalog, "accessPackages[1].catalogId"),
        ("", duplicate_name, "accessPackages[1].displayName"),
        (
            "",
            json!({"catalogs": [{"id": CATALOG, "displayName": "x", "createdDateTime": "yesterday"}]}),
            "catalogs[0].createdDateTime",
        ),
        ("", json!({"catalogs": [{"id": CATALOG}]}), "catalogs[0]"),
        ("", json!({"tenants": []}), "tenants"),
        // The built-in catalog cannot be turned into a deletable one.
        (
            "?mode=merge",
            json!({"catalogs": [{"id": GENERAL, "displayName": "General", "catalogType": "userManaged"}]}),
            "catalogs[0].catalogType",
        ),
        ("", json!([]), "JSON object"),
        // Merge: the name belongs to another stored package of that catalog.
        (
            "?mode=merge",
            json!({"accessPackages": [{"id": OTHER_PACKAGE, "catalogId": CATALOG, "displayName": "sales reps"}]}),
            "already used",
        ),
    ];
    for (query, body, mentions) in cases {
        let response = seed(&app, query, &body).await;
        let error = response.assert_graph_error(400, "InvalidFixture");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("The fixture was not loaded: ") && message.contains(mentions),
            "{message} should mention {mentions}"
        );
        assert_eq!(
            export(&app).await,
            before,
            "nothing half-loaded ({mentions})"
        );
    }

    let not_json = app
        .post_raw("/_emulator/seed", "application/json", "{")
        .await;
    not_json.assert_graph_error(400, "InvalidFixture");
    let bad_mode = seed(&app, "?mode=append", &fixture()).await;
    let error = bad_mode.assert_graph_error(400, "BadRequest");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("replace or merge"));
    assert_eq!(export(&app).await, before);
}

fn write_fixture(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("tenant.json");
    std::fs::write(&path, fixture().to_string()).unwrap();
    path
}

#[actix_web::test]
async fn a_seed_file_fills_a_new_database_is_what_reset_restores_and_spares_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_fixture(dir.path());
    let app = spawn_app_with(|settings| settings.seed.file = file.display().to_string()).await;
    let seeded = export(&app).await;
    assert_eq!(seeded["accessPackages"], fixture()["accessPackages"]);

    // Reset goes back to the fixture, not to an empty tenant.
    assert_eq!(app.create_beta_package("later").await.status.as_u16(), 201);
    app.post("/_emulator/reset", &json!({})).await;
    assert_eq!(export(&app).await, seeded);

    // A restart on the same (no longer new) database keeps what was written since.
    assert_eq!(app.create_beta_package("kept").await.status.as_u16(), 201);
    let changed = export(&app).await;
    let app = app.restart().await;
    assert_eq!(export(&app).await, changed);
}

#[test]
fn an_invalid_seed_file_stops_start_up_naming_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    std::fs::write(
        &file,
        r#"{"catalogs":[{"id":"not-a-guid","displayName":"x"}]}"#,
    )
    .unwrap();
    let database = format!("sqlite://{}", dir.path().join("e.db").display());
    let output = refused_start(
        &[
            "--port",
            "0",
            "--database",
            &database,
            "--seed",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("catalogs[0].id"),
        "{stderr}"
    );
}

#[actix_web::test]
async fn seed_and_export_obey_the_admin_token() {
    let app = spawn_app_with(|settings| settings.admin.token = "admin-secret".into()).await;
    // TestApp sends a Graph token, which never opens /_emulator/.
    seed(&app, "", &fixture())
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    app.get("/_emulator/export")
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    let exported = send(
        awc::Client::default()
            .get(format!("{}/_emulator/export", app.address))
            .insert_header(("Authorization", "Bearer admin-secret")),
        None,
    )
    .await;
    exported.expect(200);
}

/// Links a client made by reference survive export and seed: an access package's
/// incompatible packages and groups, a connected organization's sponsors, a group's
/// members and owners added by `$ref` (but not memberships an assignment grants, which
/// the fixture's assignments make again).
#[actix_web::test]
async fn links_by_reference_round_trip_and_a_dangling_one_is_refused() {
    let app = spawn_app().await;
    let story = story(&app, "linked").await;
    let other = story_with(&app, "linked-2", direct_policy()).await;
    let member = create_user(&app, "linked-member").await;
    let reference = |id: &str, kind: &str| json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/{kind}/{id}")});
    app.post(
        &format!("{V1}/accessPackages/{}/incompatibleAccessPackages/$ref", story.package),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/{}", other.package)}),
    )
    .await
    .expect(204);
    app.post(
        &format!(
            "{V1}/accessPackages/{}/incompatibleGroups/$ref",
            story.package
        ),
        &reference(&other.group, "groups"),
    )
    .await
    .expect(204);
    let organization = app
        .post(
            &format!("{V1}/connectedOrganizations"),
            &json!({"displayName": "Fabrikam", "identitySources": []}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("{V1}/connectedOrganizations/{organization}/internalSponsors/$ref"),
        &reference(&member, "users"),
    )
    .await
    .expect(204);
    app.post(
        &format!("{GROUPS}/{}/members/$ref", story.group),
        &reference(&member, "directoryObjects"),
    )
    .await
    .expect(204);
    // And one membership an assignment grants.
    id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(members(&app, &story.group).await.len(), 2);

    let exported = export(&app).await;
    let package = exported["accessPackages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == story.package.as_str())
        .unwrap();
    assert_eq!(
        package["incompatibleAccessPackages"],
        json!([other.package])
    );
    assert_eq!(package["incompatibleGroups"], json!([other.group]));
    let group = exported["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == story.group.as_str())
        .unwrap();
    assert_eq!(group["members"], json!([member]), "only the $ref member");

    app.post("/_emulator/reset", &json!({})).await.expect(204);
    seed(&app, "", &exported).await.expect(200);
    assert_eq!(
        export(&app).await,
        exported,
        "export → seed → export is exact"
    );
    let incompatible = app
        .get(&format!(
            "{V1}/accessPackages/{}/incompatibleAccessPackages",
            story.package
        ))
        .await
        .expect(200);
    assert_eq!(incompatible["value"][0]["id"], other.package.as_str());
    let sponsors = app
        .get(&format!(
            "{V1}/connectedOrganizations/{organization}/internalSponsors"
        ))
        .await
        .expect(200);
    assert_eq!(sponsors["value"][0]["id"], member.as_str());
    let mut now = members(&app, &story.group).await;
    now.sort();
    let mut expected = vec![member.clone(), story.user.clone()];
    expected.sort();
    assert_eq!(now, expected);

    // A link to nothing: refused whole, naming its place.
    let mut dangling = exported.clone();
    for row in dangling["accessPackages"].as_array_mut().unwrap() {
        if row["id"] == story.package.as_str() {
            row["incompatibleGroups"] = json!(["00000000-0000-0000-0000-0000000000d1"]);
        }
    }
    let refused = seed(&app, "", &dangling).await.expect(400);
    assert_eq!(refused["error"]["code"], "InvalidFixture");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains(".incompatibleGroups[0]"));
    assert_eq!(export(&app).await, exported);
}
