//! Resources in catalogs and their roles in access packages, as Terraform azuread 3.x's
//! `azuread_access_package_resource_catalog_association`, `…_resource_package_association`
//! and `…_catalog_role_assignment` run them (reference: elm-clients §3.4–§3.7), polls
//! included, then v1.0's documented sequence and the errors the reference lists.

use serde_json::{json, Value};

use crate::helpers::*;

/// Terraform's "observed 5 times in a row" wait: here the first look must already hold.
async fn five_times(app: &TestApp, path: &str, holds: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..5 {
        let response = app.get(path).await;
        assert_eq!(
            response.status.as_u16(),
            200,
            "{path}: {}",
            String::from_utf8_lossy(&response.body)
        );
        last = response.json();
        assert!(holds(&last), "{path}: {last}");
    }
    last
}

fn terraform_resource_request(catalog: &str, origin: &str, system: &str, kind: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.accessPackageResourceRequest",
        "accessPackageResource": {"@odata.type": "#microsoft.graph.accessPackageResource",
            "originId": origin, "originSystem": system},
        "catalogId": catalog, "executeImmediately": true, "requestType": kind})
}

#[actix_web::test]
async fn terraform_3_onboards_a_group_grants_its_member_role_and_takes_it_all_back() {
    let app = spawn_app().await;
    let group = create_group(&app, "marketing").await;
    let catalog = new_catalog(&app, "Marketing").await;
    let resources = format!("{BETA}/accessPackageCatalogs/{catalog}/accessPackageResources");
    let requests = format!("{BETA}/accessPackageResourceRequests");

    // Catalog association: not there yet, onboard, poll until listed.
    let none = app
        .get(&query(
            &resources,
            &format!("$filter=originId eq '{group}'"),
        ))
        .await
        .json();
    assert_eq!(none["value"], json!([]));
    let created = app
        .post(
            &requests,
            &terraform_resource_request(&catalog, &group, "AadGroup", "AdminAdd"),
        )
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let request = created.json();
    assert_eq!(
        request["catalogId"],
        catalog.as_str(),
        "hamilton fails without catalogId"
    );
    assert_eq!(request["requestState"], "Delivered");
    assert_eq!(request["requestStatus"], "Fulfilled");
    assert_eq!(request["requestType"], "AdminAdd");
    assert_eq!(request["executeImmediately"], false);
    let listed = five_times(
        &app,
        &query(
            &resources,
            &format!("$filter=startswith(originId, '{group}')"),
        ),
        |page| {
            page["value"]
                .as_array()
                .is_some_and(|value| value.len() == 1)
        },
    )
    .await;
    let resource = &listed["value"][0];
    assert_eq!(resource["originSystem"], "AadGroup");
    assert_eq!(resource["resourceType"], "Security Group");
    assert_eq!(resource["displayName"], "marketing");
    assert_eq!(resource["isPendingOnboarding"], false);
    assert_eq!(resource["addedBy"], "admin@contoso.onmicrosoft.com");
    assert!(resource["url"].as_str().unwrap().contains(&group));
    let resource_id = resource["id"].as_str().unwrap().to_owned();

    // Package association: the role by origin id and resource id, the scope by origin id.
    let package = app.create_beta_package("marketing campaign").await.json();
    let package = package["id"].as_str().unwrap().to_owned();
    let _ = app
        .patch(&format!("{BETA}/accessPackages/{package}"), &json!({}))
        .await;
    let role_scopes = format!("{BETA}/accessPackages/{package}/accessPackageResourceRoleScopes");
    let moved = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": catalog, "displayName": "in marketing"}),
        )
        .await
        .json();
    let package = moved["id"].as_str().unwrap().to_owned();
    let role_scopes_here =
        format!("{BETA}/accessPackages/{package}/accessPackageResourceRoleScopes");
    let body = json!({"@odata.type": "#microsoft.graph.accessPackageResourceRoleScope",
        "accessPackageResourceRole": {"@odata.type": "#microsoft.graph.accessPackageResourceRole",
            "accessPackageResource": {"@odata.type": "#microsoft.graph.accessPackageResource",
                "id": resource_id, "originId": group, "resourceType": "Security Group"},
            "displayName": "Member", "originId": format!("Member_{group}"), "originSystem": "AadGroup"},
        "accessPackageResourceScope": {"@odata.type": "#microsoft.graph.accessPackageResourceScope",
            "originId": group, "originSystem": "AadGroup"}});
    // The General catalog's package cannot take a role of this catalog's resource.
    app.post(&role_scopes, &body)
        .await
        .assert_graph_error(404, "ResourceNotFound");
    let created = app.post(&role_scopes_here, &body).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let role_scope = created.json();
    let id = role_scope["id"].as_str().unwrap().to_owned();
    let (role_id, scope_id) = id.split_once('_').expect("{roleId}_{scopeId}");
    assert_eq!((role_id.len(), scope_id.len()), (36, 36));
    assert_eq!(role_scope["createdBy"], "admin@contoso.onmicrosoft.com");
    app.post(&role_scopes_here, &body)
        .await
        .assert_graph_error(409, "DuplicateKey");

    let expanded = format!("{BETA}/accessPackages/{package}?$expand=accessPackageResourceRoleScopes($expand=accessPackageResourceRole,accessPackageResourceScope)");
    let read = five_times(&app, &expanded, |package| {
        package["accessPackageResourceRoleScopes"]
            .as_array()
            .is_some_and(|scopes| scopes.iter().any(|s| s["id"] == id.as_str()))
    })
    .await;
    let found = &read["accessPackageResourceRoleScopes"][0];
    assert_eq!(
        found["accessPackageResourceRole"]["originId"],
        format!("Member_{group}")
    );
    assert_eq!(found["accessPackageResourceRole"]["displayName"], "Member");
    assert_eq!(
        found["accessPackageResourceScope"]["originId"],
        group.as_str()
    );
    assert_eq!(found["accessPackageResourceScope"]["isRootScope"], true);
    assert_eq!(found["accessPackageResourceScope"]["displayName"], "Root");
    // azuread 2.x selects the navigations instead of expanding them.
    let tf2 = app
        .get(&format!("{BETA}/accessPackages/{package}?$expand=accessPackageResourceRoleScopes($select=accessPackageResourceRole,accessPackageResourceScope)"))
        .await
        .json();
    assert_eq!(
        tf2["accessPackageResourceRoleScopes"][0]["accessPackageResourceRole"]["originId"],
        format!("Member_{group}")
    );

    // The resource cannot leave while a package grants its role.
    let remove = json!({"@odata.type": "#microsoft.graph.accessPackageResourceRequest",
        "accessPackageResource": {"@odata.type": "#microsoft.graph.accessPackageResource",
            "originId": group, "originSystem": "AadGroup"},
        "catalogId": catalog, "executeImmediately": true, "requestType": "AdminRemove"});
    let error = app
        .post(&requests, &remove)
        .await
        .assert_graph_error(400, "InvalidDeleteResourceHasEntitlements");
    assert_eq!(
        error["message"],
        "The resource: marketing can not be deleted because there are active entitlements."
    );
    app.delete(&format!("{BETA}/accessPackageCatalogs/{catalog}"))
        .await
        .assert_graph_error(409, "CatalogNotEmpty");

    // Teardown in Terraform's order: the package association, then the catalog association.
    assert_eq!(
        app.delete(&format!("{role_scopes_here}/{id}"))
            .await
            .status
            .as_u16(),
        204
    );
    five_times(&app, &expanded, |package| {
        package["accessPackageResourceRoleScopes"] == json!([])
    })
    .await;
    let removed = app.post(&requests, &remove).await;
    assert_eq!(
        removed.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&removed.body)
    );
    assert_eq!(removed.json()["requestType"], "AdminRemove");
    five_times(
        &app,
        &query(&resources, &format!("$filter=originId eq '{group}'")),
        |page| page["value"] == json!([]),
    )
    .await;
    assert_eq!(app.count_rows("access_package_resource_roles").await, 0);
    let listed = app
        .get(&query(
            &requests,
            &format!(
                "$filter=startswith(id,'{}')",
                &request["id"].as_str().unwrap()[..8]
            ),
        ))
        .await
        .json();
    assert_eq!(
        listed["value"][0]["id"], request["id"],
        "hamilton finds requests by startswith(id)"
    );
}

#[actix_web::test]
async fn v1_onboards_lists_roles_and_scopes_and_grants_a_role() {
    let app = spawn_app().await;
    let group = create_group(&app, "example group").await;
    let catalog = new_catalog(&app, "v1 catalog").await;
    let created = app
        .post(&format!("{V1}/resourceRequests"), &json!({"requestType": "adminAdd",
            "resource": {"displayName": "Test group", "originId": group, "originSystem": "AadGroup"},
            "catalog": {"id": catalog}}))
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    assert_eq!(created.json()["state"], "delivered");
    assert_eq!(created.json()["requestType"], "adminAdd");

    let resources = app
        .get(&query(
            &format!("{V1}/catalogs/{catalog}/resources"),
            &format!("$expand=roles,scopes&$filter=originId eq '{group}'"),
        ))
        .await
        .json();
    let resource = &resources["value"][0];
    assert_eq!(
        resource["displayName"], "Test group",
        "the request's own name wins"
    );
    let roles: Vec<&Value> = resource["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["originId"])
        .collect();
    assert_eq!(
        roles,
        [
            &json!(format!("Member_{group}")),
            &json!(format!("Owner_{group}"))
        ]
    );
    assert_eq!(resource["scopes"][0]["description"], "Root Scope");
    let resource_id = resource["id"].as_str().unwrap();
    let member = app
        .get(&query(&format!("{V1}/catalogs/{catalog}/resourceRoles"),
            &format!("$filter=(originSystem eq 'AadGroup' and resource/id eq '{resource_id}' and displayName eq 'Member')&$expand=resource")))
        .await
        .json();
    assert_eq!(
        member["value"].as_array().map(Vec::len),
        Some(1),
        "{member}"
    );
    assert_eq!(member["value"][0]["resource"]["id"], resource_id);
    let nested = app
        .get(&format!(
            "{V1}/catalogs/{catalog}/resources/{resource_id}/roles"
        ))
        .await
        .json();
    assert_eq!(
        nested["value"].as_array().map(Vec::len),
        Some(2),
        "{nested}"
    );
    let scopes = app
        .get(&format!("{V1}/catalogs/{catalog}/resourceScopes"))
        .await
        .json();
    assert_eq!(scopes["value"][0]["isRootScope"], true);

    let package = app
        .post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": "v1 package", "catalog": {"id": catalog}}),
        )
        .await
        .json();
    let package = package["id"].as_str().unwrap();
    let role = &member["value"][0];
    let granted = app
        .post(&format!("{V1}/accessPackages/{package}/resourceRoleScopes"), &json!({
            "role": {"id": role["id"], "displayName": "Member", "originSystem": "AadGroup", "originId": role["originId"],
                "resource": {"id": resource_id, "originId": group, "originSystem": "AadGroup"}},
            "scope": {"originId": group, "originSystem": "AadGroup"}}))
        .await;
    assert_eq!(
        granted.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&granted.body)
    );
    assert!(
        granted.json().get("createdBy").is_none(),
        "v1.0: only id and times"
    );
    let read = app
        .get(&format!(
            "{V1}/accessPackages/{package}?$expand=resourceRoleScopes($expand=role,scope)"
        ))
        .await
        .json();
    assert_eq!(
        read["resourceRoleScopes"][0]["role"]["originId"],
        format!("Member_{group}")
    );
    assert_eq!(read["resourceRoleScopes"][0]["scope"]["isRootScope"], true);
}

#[actix_web::test]
async fn applications_bring_their_app_roles_and_bad_requests_are_refused_as_graph_does() {
    let app = spawn_app().await;
    let catalog = new_catalog(&app, "apps").await;
    let principal = create_service_principal(&app, "Payroll").await;
    let requests = format!("{BETA}/accessPackageResourceRequests");
    let origin = principal["id"].as_str().unwrap();
    let roles = onboarded_roles(&app, &catalog, origin, "AadApplication").await;
    assert_eq!(
        roles["value"][0]["originId"],
        principal["appRoles"][0]["id"]
    );
    assert_eq!(roles["value"][0]["displayName"], "Admin");

    let again = app
        .post(
            &requests,
            &terraform_resource_request(&catalog, origin, "AadApplication", "AdminAdd"),
        )
        .await;
    let error = again.assert_graph_error(400, "ResourceAlreadyOnboarded");
    assert_eq!(
        error["message"],
        "The specified resource is already onboarded to ELM."
    );
    let error = app
        .post(
            &requests,
            &terraform_resource_request(&catalog, origin, "AdApplication", "AdminAdd"),
        )
        .await
        .assert_graph_error(400, "ArgumentException");
    assert_eq!(
        error["message"],
        "Requested value 'AdApplication' was not found."
    );
    let missing = "99999999-9999-9999-9999-999999999999";
    app.post(
        &requests,
        &terraform_resource_request(&catalog, missing, "AadGroup", "AdminAdd"),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    app.post(
        &requests,
        &terraform_resource_request(missing, origin, "AadApplication", "AdminAdd"),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    app.post(
        &requests,
        &terraform_resource_request(&catalog, missing, "AadGroup", "AdminRemove"),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    // A role the resource does not have.
    let package = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": catalog, "displayName": "p"}),
        )
        .await
        .json();
    let error = app
        .post(&format!("{BETA}/accessPackages/{}/accessPackageResourceRoleScopes", package["id"].as_str().unwrap()),
            &json!({"accessPackageResourceRole": {"originId": "nope", "originSystem": "AadApplication",
                "accessPackageResource": {"originId": origin}},
                "accessPackageResourceScope": {"originId": origin, "originSystem": "AadApplication"}}))
        .await
        .assert_graph_error(404, "RoleNotFound");
    assert_eq!(error["message"], "The role was not found.");
    // A SharePoint site: its numbered roles.
    let site = "https://contoso.sharepoint.com/sites/Marketing";
    let roles = onboarded_roles(&app, &catalog, site, "SharePointOnline").await;
    let ids: Vec<&Value> = roles["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["originId"])
        .collect();
    assert_eq!(ids, [&json!("3"), &json!("4"), &json!("5")]);
}

#[actix_web::test]
async fn an_emptied_catalog_is_deleted_with_its_request_history_and_role_assignments() {
    let app = spawn_app().await;
    let group = create_group(&app, "history").await;
    let user = create_user(&app, "history owner").await;
    let catalog = new_catalog(&app, "Short-lived").await;
    let requests = format!("{BETA}/accessPackageResourceRequests");
    for kind in ["AdminAdd", "AdminRemove"] {
        let response = app
            .post(
                &requests,
                &terraform_resource_request(&catalog, &group, "AadGroup", kind),
            )
            .await;
        assert_eq!(response.status.as_u16(), 201, "{kind}");
    }
    let assignments = "/v1.0/roleManagement/entitlementManagement/roleAssignments";
    let assigned = app
        .post(
            assignments,
            &json!({"appScopeId": format!("/AccessPackageCatalog/{catalog}"),
                "directoryScopeId": "/", "principalId": user,
                "roleDefinitionId": "44272f93-9762-48e8-af59-1b5351b1d6b3"}),
        )
        .await
        .json();

    let deleted = app
        .delete(&format!("{BETA}/accessPackageCatalogs/{catalog}"))
        .await;
    assert_eq!(
        deleted.status.as_u16(),
        204,
        "{}",
        String::from_utf8_lossy(&deleted.body)
    );
    let left = app
        .get(&query(
            &requests,
            &format!("$filter=catalogId eq '{catalog}'"),
        ))
        .await
        .json();
    assert_eq!(left["value"], json!([]));
    app.get(&format!(
        "{assignments}/{}",
        assigned["id"].as_str().unwrap()
    ))
    .await
    .assert_graph_error(404, "ResourceNotFound");
}

/// Onboards `origin` into the catalog with Terraform's resource request (201 asserted) and
/// lists the catalog's roles of that origin system.
async fn onboarded_roles(app: &TestApp, catalog: &str, origin: &str, system: &str) -> Value {
    let created = app
        .post(
            &format!("{BETA}/accessPackageResourceRequests"),
            &terraform_resource_request(catalog, origin, system, "AdminAdd"),
        )
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    app.get(&query(
        &format!("{BETA}/accessPackageCatalogs/{catalog}/accessPackageResourceRoles"),
        &format!("$filter=originSystem eq '{system}'"),
    ))
    .await
    .json()
}

/// Reference: accesspackageresource-refresh (v1.0 and beta).
#[actix_web::test]
async fn refresh_takes_a_resources_name_again_from_its_group() {
    let app = spawn_app().await;
    let story = story(&app, "refreshed").await;
    let resource = app
        .get(&format!("{V1}/catalogs/{}/resources", story.catalog))
        .await
        .expect(200)["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.patch(
        &format!("{GROUPS}/{}", story.group),
        &json!({"displayName": "renamed", "description": "what it is now"}),
    )
    .await
    .expect(204);
    let before = app
        .get(&format!(
            "{V1}/catalogs/{}/resources/{resource}",
            story.catalog
        ))
        .await
        .expect(200);
    assert_eq!(before["displayName"], "refreshed-group");

    // The beta page's path; 200 with no body.
    let refreshed = app
        .post(
            &format!(
                "{BETA}/accessPackageCatalogs/{}/accessPackageResources/{resource}/refresh",
                story.catalog
            ),
            &Value::Null,
        )
        .await;
    assert_eq!(
        refreshed.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&refreshed.body)
    );
    assert!(refreshed.body.is_empty());
    let after = app
        .get(&format!(
            "{V1}/catalogs/{}/resources/{resource}",
            story.catalog
        ))
        .await
        .expect(200);
    assert_eq!(after["displayName"], "renamed");
    assert_eq!(after["description"], "what it is now");

    // v1.0, in another catalog: not there.
    let other = new_catalog(&app, "refresh-elsewhere").await;
    app.post(
        &format!("{V1}/catalogs/{other}/resources/{resource}/refresh"),
        &Value::Null,
    )
    .await
    .expect(404);
    let v1 = app
        .post(
            &format!(
                "{V1}/catalogs/{}/resources/{resource}/refresh",
                story.catalog
            ),
            &Value::Null,
        )
        .await;
    assert_eq!(v1.status.as_u16(), 200);
}

/// Reference: accesspackageresourceenvironment-list and -get (beta),
/// entitlementmanagement-list-resourceenvironments (v1.0): a site's environment is its
/// tenant's SharePoint, made when the first of its sites is onboarded.
#[actix_web::test]
async fn an_onboarded_site_is_in_its_tenants_sharepoint_environment() {
    let app = spawn_app().await;
    let catalog = new_catalog(&app, "Sites").await;
    let requests = format!("{BETA}/accessPackageResourceRequests");
    for site in [
        "https://contoso.sharepoint.com/sites/Marketing",
        "https://contoso.sharepoint.com/sites/Sales",
    ] {
        app.post(
            &requests,
            &terraform_resource_request(&catalog, site, "SharePointOnline", "AdminAdd"),
        )
        .await
        .expect(201);
    }
    let group = create_group(&app, "not in an environment").await;
    app.post(
        &requests,
        &terraform_resource_request(&catalog, &group, "AadGroup", "AdminAdd"),
    )
    .await
    .expect(201);

    let listed = app
        .get(&query(
            &format!("{BETA}/accessPackageResourceEnvironments"),
            "$filter=originSystem eq 'SharePointOnline'",
        ))
        .await
        .expect(200);
    let environments = listed["value"].as_array().unwrap();
    assert_eq!(environments.len(), 1, "one per tenant: {listed}");
    let environment = &environments[0];
    assert_eq!(
        environment["displayName"],
        "https://contoso.sharepoint.com/"
    );
    assert_eq!(
        environment["description"],
        "https://contoso.sharepoint.com/"
    );
    assert_eq!(environment["originSystem"], "SharePointOnline");
    assert_eq!(
        environment["originId"],
        "https://contoso-admin.sharepoint.com/"
    );
    assert_eq!(environment["isDefaultEnvironment"], false);
    assert_eq!(
        environment["connectionInfo"],
        json!({"url": "https://contoso-admin.sharepoint.com/"})
    );
    let id = environment["id"].as_str().unwrap();
    let got = app
        .get(&format!("{BETA}/accessPackageResourceEnvironments/{id}"))
        .await
        .expect(200);
    assert_eq!(got["originId"], environment["originId"]);

    // v1.0: the same, without beta's connectionInfo, dated.
    let v1 = app
        .get(&query(
            &format!("{V1}/resourceEnvironments"),
            "$filter=originSystem eq 'SharePointOnline'",
        ))
        .await
        .expect(200);
    let v1 = &v1["value"][0];
    assert_eq!(v1["id"], id);
    assert!(v1.get("connectionInfo").is_none(), "{v1}");
    assert_graph_timestamp(&v1["createdDateTime"]);

    // Each site names it; the group names none.
    let resources = app
        .get(&query(
            &format!("{V1}/catalogs/{catalog}/resources"),
            "$expand=environment",
        ))
        .await
        .expect(200);
    let mut named: Vec<(Value, Value)> = resources["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["originSystem"].clone(), r["environment"]["id"].clone()))
        .collect();
    named.sort_by_key(|(system, _)| system != "SharePointOnline");
    assert_eq!(
        named,
        [
            (json!("SharePointOnline"), json!(id)),
            (json!("SharePointOnline"), json!(id)),
            (json!("AadGroup"), Value::Null),
        ]
    );
    let sites = app
        .get(&format!("{V1}/resourceEnvironments/{id}/resources"))
        .await
        .expect(200);
    assert_eq!(sites["value"].as_array().unwrap().len(), 2);
    let beta_sites = app
        .get(&format!(
            "{BETA}/accessPackageResourceEnvironments/{id}/accessPackageResources"
        ))
        .await
        .expect(200);
    assert_eq!(beta_sites["value"].as_array().unwrap().len(), 2);
}
