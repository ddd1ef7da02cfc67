//! Connected organizations (reference: entitlementmanagement-post-connectedorganizations,
//! connectedorganization-get/-update/-delete, the sponsors' list/post/delete pages) and
//! what Microsoft365DSC's AADEntitlementManagementConnectedOrganization sends.

use serde_json::{json, Value};

use crate::helpers::*;

/// The reference page's create body (v1.0 and beta alike).
fn documented() -> Value {
    json!({
        "displayName": "Connected organization name",
        "description": "Connected organization description",
        "identitySources": [
            {
                "@odata.type": "#microsoft.graph.domainIdentitySource",
                "domainName": "example.com",
                "displayName": "example.com"
            }
        ],
        "state": "proposed"
    })
}

#[actix_web::test]
async fn the_documented_create_is_201_in_each_versions_shape_and_reads_back() {
    let app = spawn_app().await;
    let created = app
        .post(&format!("{V1}/connectedOrganizations/"), &documented())
        .await;
    let body = created.expect(201);
    assert!(created.header("location").ends_with(&format!(
        "/connectedOrganizations/{}",
        body["id"].as_str().unwrap()
    )));
    crate::assert_wire_snapshot!("connected_organization_v1_created", body, app);
    let id = body["id"].as_str().unwrap();
    let beta = app
        .get(&format!("{BETA}/connectedOrganizations/{id}"))
        .await
        .expect(200);
    crate::assert_wire_snapshot!("connected_organization_beta", beta, app);
    let again = app
        .get(&format!("{V1}/connectedOrganizations/{id}"))
        .await
        .expect(200);
    assert_eq!(again, body);

    // The beta page's create, through beta.
    let beta_created = app
        .post(&format!("{BETA}/connectedOrganizations"), &documented())
        .await
        .expect(201);
    assert_eq!(beta_created["createdBy"], "admin@contoso.onmicrosoft.com");
    let listed = app
        .get(&format!("{V1}/connectedOrganizations"))
        .await
        .expect(200);
    assert_eq!(listed["value"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn microsoft365dsc_creates_finds_updates_and_deletes_one() {
    let app = spawn_app().await;
    let path = format!("{BETA}/connectedOrganizations");
    // Get: by name, as the generated List cmdlet filters (DSC writes `displayName`).
    let none = app
        .get(&query(&path, "$filter=displayName eq 'Test Tenant - DSC'"))
        .await
        .expect(200);
    assert_eq!(none["value"], json!([]));
    // Create, as the SDK's custom New-MgBetaEntitlementManagementConnectedOrganization
    // builds it: the identity source's type without '#', in lower case.
    let created = app
        .post(
            &path,
            &json!({"description": "this is the tenant partner", "displayName": "Test Tenant - DSC",
                "identitySources": [{"@odata.type": "microsoft.graph.domainidentitysource",
                    "displayName": "Test Tenant - DSC", "domainName": "Fabrikam.onmicrosoft.com"}],
                "state": "configured"}),
        )
        .await
        .expect(201);
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["identitySources"],
        json!([{"@odata.type": "#microsoft.graph.domainIdentitySource",
            "displayName": "Test Tenant - DSC", "domainName": "fabrikam.onmicrosoft.com"}])
    );
    // Sponsors, by reference to a user (external) and a group (internal).
    let adele = create_user(&app, "AdeleV").await;
    let owners = create_group(&app, "partner owners").await;
    app.post(
        &format!("{path}/{id}/externalSponsors/$ref"),
        &json!({"@odata.id": format!("https://graph.microsoft.com/beta/users/{adele}")}),
    )
    .await
    .expect(204);
    app.post(
        &format!("{path}/{id}/internalSponsors/$ref"),
        &json!({"@odata.id": format!("https://graph.microsoft.com/beta/groups/{owners}")}),
    )
    .await
    .expect(204);

    // Get again: found by name (any case of the property), then its sponsors.
    let found = app
        .get(&query(&path, "$filter=DisplayName eq 'Test Tenant - DSC'"))
        .await
        .expect(200);
    assert_eq!(found["value"][0]["id"], id.as_str());
    let external = app
        .get(&format!("{path}/{id}/externalSponsors"))
        .await
        .expect(200);
    assert_eq!(external["value"][0]["@odata.type"], "#microsoft.graph.user");
    assert_eq!(external["value"][0]["id"], adele.as_str());
    let internal = app
        .get(&format!("{path}/{id}/internalSponsors"))
        .await
        .expect(200);
    assert_eq!(
        internal["value"][0]["@odata.type"],
        "#microsoft.graph.group"
    );

    // Update: the configured identity source, as DSC's PATCH sends it.
    app.patch(
        &format!("{path}/{id}"),
        &json!({"description": "This is the tenant partner - Updated", "displayName": "Test Tenant - DSC",
            "identitySources": [{"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant",
                "displayName": "o365dsc", "tenantId": "E7A80BCF-696E-40CA-8775-A7F85FBB3EBC"}],
            "state": "configured"}),
    )
    .await
    .expect(204);
    let updated = app.get(&format!("{path}/{id}")).await.expect(200);
    assert_eq!(
        updated["description"],
        "This is the tenant partner - Updated"
    );
    assert_eq!(
        updated["identitySources"],
        json!([{"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant",
            "displayName": "o365dsc", "tenantId": "e7a80bcf-696e-40ca-8775-a7f85fbb3ebc"}])
    );
    app.delete(&format!("{path}/{id}/externalSponsors/{adele}/$ref"))
        .await
        .expect(204);
    assert_eq!(
        app.get(&format!("{path}/{id}/externalSponsors"))
            .await
            .expect(200)["value"],
        json!([])
    );

    // Absent: deleted, and its sponsor links with it.
    app.delete(&format!("{path}/{id}")).await.expect(204);
    app.get(&format!("{path}/{id}"))
        .await
        .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(app.count_rows("links").await, 0);
}

#[actix_web::test]
async fn identity_sources_and_states_are_checked() {
    let app = spawn_app().await;
    let path = format!("{V1}/connectedOrganizations");
    let with_source = |source: Value| {
        let mut body = documented();
        body["identitySources"] = json!([source]);
        body
    };
    let error = app
        .post(
            &path,
            &with_source(json!({"@odata.type": "#microsoft.graph.samlIdentitySource"})),
        )
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(
        error["details"][0]["target"],
        "identitySources[0].@odata.type"
    );
    let error = app
        .post(
            &path,
            &with_source(
                json!({"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant",
                "displayName": "x", "tenantId": "not-a-guid"}),
            ),
        )
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(error["details"][0]["target"], "identitySources[0].tenantId");
    let mut stateless = documented();
    stateless["state"] = json!("pending");
    app.post(&path, &stateless)
        .await
        .assert_graph_error(400, "InvalidModel");
    // A sponsor must be a user or a group of the directory.
    let created = app.post(&path, &documented()).await.expect(201);
    let id = created["id"].as_str().unwrap();
    app.post(
        &format!("{path}/{id}/internalSponsors/$ref"),
        &json!({"@odata.id": "https://graph.microsoft.com/v1.0/users/3f5e3d2c-0000-4000-8000-000000000000"}),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(app.count_rows("connected_organizations").await, 1);
}
