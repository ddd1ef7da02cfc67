//! "Create accessPackage" (the seed page), beta and v1.0.

use serde_json::{json, Value};

use crate::helpers::*;

#[actix_web::test]
async fn the_seed_request_returns_201_with_the_stored_access_package() {
    let app = spawn_app().await;

    // The request exactly as Microsoft's page shows it.
    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({
                "catalogId": "aa2f6514-3232-46e7-a08a-2411ad8d7128",
                "displayName": "sales reps",
                "description": "outside sales representatives"
            }),
        )
        .await;

    response.expect(201);
    assert_eq!(response.header("content-type"), ODATA_JSON);
    assert_eq!(response.header("odata-version"), "4.0");
    assert!(!response.header("date").is_empty());
    let request_id = response.header("request-id");
    uuid::Uuid::parse_str(request_id).expect("request-id is a GUID");
    assert_eq!(response.header("client-request-id"), request_id);

    let body = response.json();
    crate::assert_wire_snapshot!("access_package_beta_created", body, app);
    assert_eq!(
        body["@odata.context"],
        format!(
            "{}/beta/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity",
            app.address
        )
    );
    let id = body["id"].as_str().expect("an id");
    let parsed = uuid::Uuid::parse_str(id).expect("the id is a GUID");
    assert_eq!(
        id,
        parsed.hyphenated().to_string(),
        "lower-case, hyphenated"
    );
    assert_eq!(body["catalogId"], GENERAL);
    assert_eq!(body["displayName"], "sales reps");
    assert_eq!(body["description"], "outside sales representatives");
    assert_eq!(body["isHidden"], false);
    assert_eq!(body["isRoleScopesVisible"], false);
    assert_eq!(body["createdBy"], "admin@contoso.onmicrosoft.com");
    assert_eq!(body["modifiedBy"], body["createdBy"]);
    assert_graph_timestamp(&body["createdDateTime"]);
    assert_eq!(body["modifiedDateTime"], body["createdDateTime"]);
    assert_eq!(
        response.header("location"),
        format!(
            "{}/beta/identityGovernance/entitlementManagement/accessPackages/{id}",
            app.address
        )
    );

    // What was returned is what was stored.
    let read_back = app.get(&format!("{BETA}/accessPackages/{id}")).await;
    read_back.expect(200);
    assert_eq!(read_back.json(), body);
    assert_eq!(app.count_rows("access_packages").await, 1);
}

#[actix_web::test]
async fn the_unversioned_path_of_the_doc_page_is_served_as_beta() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/identityGovernance/entitlementManagement/accessPackages",
            &json!({"catalogId": GENERAL, "displayName": "sales reps"}),
        )
        .await;

    response.expect(201);
    let body = response.json();
    assert_eq!(
        body["@odata.context"],
        format!(
            "{}/beta/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity",
            app.address
        )
    );
    assert_eq!(body["catalogId"], GENERAL);
    assert_eq!(body["description"], Value::Null);
}

#[actix_web::test]
async fn v1_binds_the_catalog_as_an_object_and_returns_the_v1_shape() {
    let app = spawn_app().await;

    let response = app
        .post(
            &format!("{V1}/accessPackages"),
            &json!({
                "displayName": "sales reps",
                "description": "outside sales representatives",
                "isHidden": false,
                "catalog": {"id": GENERAL}
            }),
        )
        .await;

    response.expect(201);
    assert_eq!(response.header("content-type"), ODATA_JSON);
    let body = response.json();
    crate::assert_wire_snapshot!("access_package_v1_created", body, app);
    assert_eq!(
        body["@odata.context"],
        format!(
            "{}/v1.0/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity",
            app.address
        )
    );
    let id = body["id"].as_str().expect("an id");
    assert_eq!(
        response.header("location"),
        format!(
            "{}/v1.0/identityGovernance/entitlementManagement/accessPackages/{id}",
            app.address
        )
    );

    // One store behind both versions: beta sees the catalog v1.0 bound.
    let beta = app.get(&format!("{BETA}/accessPackages/{id}")).await.json();
    assert_eq!(beta["catalogId"], GENERAL);
    assert_eq!(beta["isRoleScopesVisible"], false);
}

#[actix_web::test]
async fn flags_that_are_sent_are_stored() {
    let app = spawn_app().await;

    let body = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({
                "catalogId": GENERAL,
                "displayName": "hidden",
                "isHidden": true,
                "isRoleScopesVisible": true
            }),
        )
        .await
        .json();

    assert_eq!(body["isHidden"], true);
    assert_eq!(body["isRoleScopesVisible"], true);
    let stored = app
        .get(&format!(
            "{BETA}/accessPackages/{}",
            body["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(stored["isHidden"], true);
    assert_eq!(stored["isRoleScopesVisible"], true);
}

#[actix_web::test]
async fn read_only_properties_sent_on_create_and_patch_are_ignored() {
    let app = spawn_app().await;
    let started = time::OffsetDateTime::now_utc();

    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({
                "id": "00000000-0000-0000-0000-000000000001",
                "catalogId": GENERAL,
                "displayName": "echoed",
                "createdBy": "mallory@example.com",
                "createdDateTime": "2001-01-01T00:00:00Z",
                "modifiedBy": "mallory@example.com",
                "modifiedDateTime": "2001-01-01T00:00:00Z",
                "@odata.type": "#microsoft.graph.accessPackage"
            }),
        )
        .await;

    response.expect(201);
    let body = response.json();
    assert_ne!(body["id"], "00000000-0000-0000-0000-000000000001");
    // Compared as instants, not as text: the emulator writes seven fractional digits, so an
    // honoured "2001-01-01T00:00:00Z" would come back as "…00.0000000Z" and differ as text.
    assert_stamped_by_the_server(&body, "admin@contoso.onmicrosoft.com", started);
    assert_eq!(body["modifiedDateTime"], body["createdDateTime"]);
    let id = body["id"].as_str().expect("an id");
    let stored = app.get(&format!("{BETA}/accessPackages/{id}")).await.json();
    assert_eq!(stored["createdDateTime"], body["createdDateTime"]);
    assert_eq!(stored["modifiedBy"], body["modifiedBy"]);

    // Terraform sends back the whole object it read, audit fields included: a PATCH must
    // ignore them too and stamp the change itself.
    let patched = app
        .patch(
            &format!("{BETA}/accessPackages/{id}"),
            &json!({
                "description": "changed",
                "createdBy": "mallory@example.com",
                "createdDateTime": "2001-01-01T00:00:00Z",
                "modifiedBy": "mallory@example.com",
                "modifiedDateTime": "2001-01-01T00:00:00Z",
            }),
        )
        .await;
    assert_eq!(patched.status.as_u16(), 204, "{:?}", patched.body);
    let stored = app.get(&format!("{BETA}/accessPackages/{id}")).await.json();
    assert_eq!(stored["description"], "changed");
    assert_eq!(stored["createdDateTime"], body["createdDateTime"]);
    assert_stamped_by_the_server(&stored, "admin@contoso.onmicrosoft.com", started);
}

/// createdBy/modifiedBy name the caller, and both timestamps fall between the start of the
/// test and now (a few seconds' slack for a coarse clock), whatever the body said.
fn assert_stamped_by_the_server(body: &Value, actor: &str, started: time::OffsetDateTime) {
    let slack = time::Duration::seconds(5);
    let now = time::OffsetDateTime::now_utc();
    for (by, at) in [
        ("createdBy", "createdDateTime"),
        ("modifiedBy", "modifiedDateTime"),
    ] {
        assert_eq!(body[by], actor, "{by}: {body}");
        assert_graph_timestamp(&body[at]);
        let text = body[at].as_str().unwrap_or_default();
        let instant =
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|e| panic!("{at} {text}: {e}"));
        assert!(
            instant >= started - slack && instant <= now + slack,
            "{at} {text} was not stamped by the server between {started} and {now}"
        );
    }
}

#[actix_web::test]
async fn the_actor_is_the_user_named_in_a_jwt() {
    let app = spawn_app().await;
    // {"alg":"none"}.{"upn":"megan@contoso.com","preferred_username":"other@contoso.com"}.
    let token = "eyJhbGciOiJub25lIn0.eyJ1cG4iOiJtZWdhbkBjb250b3NvLmNvbSIsInByZWZlcnJlZF91c2VybmFtZSI6Im90aGVyQGNvbnRvc28uY29tIn0.";

    let request = app
        .request(
            actix_web::http::Method::POST,
            &format!("{BETA}/accessPackages"),
        )
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", "application/json"));
    let response = send(
        request,
        Some(
            json!({"catalogId": GENERAL, "displayName": "mine"})
                .to_string()
                .into(),
        ),
    )
    .await;

    response.expect(201);
    let body = response.json();
    assert_eq!(body["createdBy"], "megan@contoso.com");
    assert_eq!(body["modifiedBy"], "megan@contoso.com");
}

#[actix_web::test]
async fn the_same_name_in_the_same_catalog_is_a_409_whatever_its_case() {
    let app = spawn_app().await;
    assert_eq!(
        app.create_beta_package("Sales Reps").await.status.as_u16(),
        201
    );

    let response = app.create_beta_package("sALES rEPS").await;

    let error = response.assert_graph_error(409, "DuplicateAccessPackage");
    // Graph's wording (reference §4.2); whether it names the sent or the stored spelling is
    // unknown: echoing the sent one is the emulator's decision (docs/src/decisions.md).
    assert_eq!(
        error["message"],
        "There's an existing access package with name \"sALES rEPS\" in the catalog."
    );
    assert_eq!(app.count_rows("access_packages").await, 1);
}

#[actix_web::test]
async fn the_same_name_in_another_catalog_is_allowed() {
    let app = spawn_app().await;
    let catalog = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": "Sales"}),
        )
        .await
        .json();
    assert_eq!(
        app.create_beta_package("sales reps").await.status.as_u16(),
        201
    );

    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": catalog["id"], "displayName": "sales reps"}),
        )
        .await;

    response.expect(201);
    assert_eq!(response.json()["catalogId"], catalog["id"]);
}

#[actix_web::test]
async fn a_missing_catalog_is_404_and_leaves_no_row() {
    let app = spawn_app().await;

    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": "11111111-2222-3333-4444-555555555555", "displayName": "orphan"}),
        )
        .await;

    let error = response.assert_graph_error(404, "ResourceNotFound");
    assert_eq!(error["message"], "The resource was not found.");
    assert_eq!(error["details"][0]["target"], "catalog");
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn a_catalog_id_in_another_guid_form_finds_the_catalog() {
    let app = spawn_app().await;

    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": GENERAL.to_uppercase(), "displayName": "upper"}),
        )
        .await;

    response.expect(201);
    assert_eq!(response.json()["catalogId"], GENERAL);
}

#[actix_web::test]
async fn public_url_replaces_the_request_host_in_links() {
    let app = spawn_app_with(|settings| {
        settings.server.public_url = "https://graph.example.test/".into();
    })
    .await;

    let response = app.create_beta_package("linked").await;

    let body = response.json();
    assert_eq!(
        body["@odata.context"],
        "https://graph.example.test/beta/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity"
    );
    assert_eq!(
        response.header("location"),
        format!("https://graph.example.test/beta/identityGovernance/entitlementManagement/accessPackages/{}", body["id"].as_str().unwrap())
    );
}

#[actix_web::test]
async fn the_callers_client_request_id_is_echoed() {
    let app = spawn_app().await;
    let request = app
        .request(
            actix_web::http::Method::POST,
            &format!("{BETA}/accessPackages"),
        )
        .insert_header(("client-request-id", "6b1a7c1e-0000-4000-8000-000000000042"))
        .insert_header(("Content-Type", "application/json"));

    let response = send(request, Some(b"{}".as_slice().into())).await;

    assert_eq!(
        response.header("client-request-id"),
        "6b1a7c1e-0000-4000-8000-000000000042"
    );
    let error = response.assert_graph_error(400, "InvalidModel");
    assert_eq!(
        error["innerError"]["client-request-id"],
        "6b1a7c1e-0000-4000-8000-000000000042"
    );
    assert_ne!(
        response.header("request-id"),
        "6b1a7c1e-0000-4000-8000-000000000042"
    );
}
