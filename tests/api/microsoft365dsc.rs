//! Microsoft365DSC's seven Entitlement Management resources, replayed request by request
//! as their psm1 code sends them through the Graph PowerShell SDK (Microsoft365DSC
//! eb886ca, Microsoft.Graph.Beta 2.24): a first `Start-DscConfiguration` (Test → Get, Set:
//! Get again, then the writes), a second run that finds the resource in its desired state,
//! an update, `Export-M365DSCConfiguration`, and `Ensure = Absent`. Bodies are what the
//! SDK serialises from each resource's example configuration; queries are escaped as the
//! SDK escapes them (`Uri.EscapeDataString`). Run as `AccessTokens`, which makes no
//! telemetry lookups.

use serde_json::{json, Value};

use crate::helpers::*;

const ROLES: &str = "/beta/roleManagement/entitlementManagement";
const PARTNER: &str = "e7a80bcf-696e-40ca-8775-a7f85fbb3ebc";

/// `Uri.EscapeDataString`: everything but RFC 3986's unreserved characters.
fn esc(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn filter(path: &str, filter: &str) -> String {
    format!("{path}?$filter={}", esc(filter))
}

async fn ok(app: &TestApp, path: &str) -> Value {
    app.get(path).await.expect(200)
}

/// A list's first page, as `-Filter` calls read it.
async fn page(app: &TestApp, path: &str) -> Vec<Value> {
    ok(app, path).await["value"].as_array().unwrap().clone()
}

/// Every page, as `-All` (and the custom wrappers without `-Filter`) read a list.
async fn all(app: &TestApp, path: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next {
        let listed = ok(app, &path).await;
        found.extend(listed["value"].as_array().unwrap().iter().cloned());
        next = listed["@odata.nextLink"]
            .as_str()
            .map(|link| link[link.find("/beta/").unwrap()..].to_owned());
    }
    found
}

fn named<'a>(listed: &'a [Value], name: &str) -> Option<&'a Value> {
    listed.iter().find(|item| item["displayName"] == name)
}

// ---- AADEntitlementManagementSettings ----

#[actix_web::test]
async fn settings_are_read_patched_and_exported() {
    let app = spawn_app().await;
    let settings = format!("{BETA}/settings");
    // Test → Get; Set patches without reading; the second run's Get sees the change.
    ok(&app, &settings).await;
    let body = json!({"daysUntilExternalUserDeletedAfterBlocked": 30,
        "externalUserLifecycleAction": "blockSignInAndDelete"});
    app.patch(&settings, &body).await.expect(204);
    let current = ok(&app, &settings).await;
    assert_eq!(current["daysUntilExternalUserDeletedAfterBlocked"], 30);
    assert_eq!(
        current["externalUserLifecycleAction"]
            .as_str()
            .map(str::to_lowercase),
        Some("blocksigninanddelete".to_owned()),
        "{current}"
    );
    // Export reads it once more.
    ok(&app, &settings).await;
}

// ---- AADEntitlementManagementAccessPackageCatalog ----

/// Get-TargetResource without an Id: every catalog, matched by name on the client.
async fn catalog_by_name(app: &TestApp, name: &str) -> Option<Value> {
    named(
        &all(app, &format!("{BETA}/accessPackageCatalogs")).await,
        name,
    )
    .cloned()
}

fn catalog_body(visible: bool) -> Value {
    json!({"@odata.type": "#microsoft.graph.accessPackageCatalog", "catalogStatus": "Published",
        "catalogType": "UserManaged", "description": "Built-in catalog.", "displayName": "My Catalog",
        "isExternallyVisible": visible})
}

/// Set-TargetResource creating `My Catalog` (example 1), after Test's and Set's Gets.
async fn dsc_catalog(app: &TestApp) -> String {
    for _ in 0..2 {
        assert!(catalog_by_name(app, "My Catalog").await.is_none());
    }
    let created = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &catalog_body(true),
        )
        .await
        .expect(201);
    created["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn access_package_catalog_is_created_found_updated_exported_and_removed() {
    let app = spawn_app().await;
    let id = dsc_catalog(&app).await;

    // Second run: in the desired state.
    let found = catalog_by_name(&app, "My Catalog").await.unwrap();
    for (property, desired) in catalog_body(true).as_object().unwrap() {
        if !property.starts_with('@') {
            assert_eq!(&found[property], desired, "{property}");
        }
    }

    // Example 2: not externally visible.
    catalog_by_name(&app, "My Catalog").await.unwrap();
    app.patch(
        &format!("{BETA}/accessPackageCatalogs/{id}"),
        &catalog_body(false),
    )
    .await
    .expect(204);
    assert_eq!(
        catalog_by_name(&app, "My Catalog").await.unwrap()["isExternallyVisible"],
        false
    );

    // Export: the catalogs access packages use, each read twice.
    app.post(
        &format!("{BETA}/accessPackages"),
        &json!({"catalogId": id, "displayName": "Uses My Catalog"}),
    )
    .await
    .expect(201);
    let used: Vec<String> = all(&app, &format!("{BETA}/accessPackages"))
        .await
        .iter()
        .map(|package| package["catalogId"].as_str().unwrap().to_owned())
        .collect();
    assert!(used.contains(&id));
    for _ in 0..2 {
        ok(&app, &format!("{BETA}/accessPackageCatalogs/{id}")).await;
    }

    // Ensure = Absent (example 3): found by name, deleted with its package gone first.
    let package = named(
        &all(&app, &format!("{BETA}/accessPackages")).await,
        "Uses My Catalog",
    )
    .unwrap()["id"]
        .clone();
    app.delete(&format!(
        "{BETA}/accessPackages/{}",
        package.as_str().unwrap()
    ))
    .await
    .expect(204);
    catalog_by_name(&app, "My Catalog").await.unwrap();
    app.delete(&format!("{BETA}/accessPackageCatalogs/{id}"))
        .await
        .expect(204);
    assert!(catalog_by_name(&app, "My Catalog").await.is_none());
}

// ---- AADEntitlementManagementAccessPackage ----

const SCOPES: &str =
    "accessPackageResourceRoleScopes($expand=accessPackageResourceRole,accessPackageResourceScope)";

/// Get-TargetResource of an access package by name: the package with its role scopes,
/// then its catalog and the three incompatibility lists, every time.
async fn package_get(app: &TestApp, name: &str) -> Option<Value> {
    let path = format!(
        "{}&$expand={}",
        filter(
            &format!("{BETA}/accessPackages"),
            &format!("displayName eq '{name}'")
        ),
        esc(SCOPES)
    );
    let package = page(app, &path).await.into_iter().next()?;
    package_details(app, &package).await;
    Some(package)
}

async fn package_details(app: &TestApp, package: &Value) {
    let id = package["id"].as_str().unwrap();
    ok(
        app,
        &format!(
            "{BETA}/accessPackageCatalogs/{}",
            package["catalogId"].as_str().unwrap()
        ),
    )
    .await;
    for list in [
        "incompatibleAccessPackages",
        "accessPackagesIncompatibleWith",
        "incompatibleGroups",
    ] {
        ok(app, &format!("{BETA}/accessPackages/{id}/{list}")).await;
    }
}

/// `CatalogId = 'General'` is a name: resolved with a PascalCase `$filter`.
async fn catalog_id(app: &TestApp, name: &str) -> String {
    let path = filter(
        &format!("{BETA}/accessPackageCatalogs"),
        &format!("DisplayName eq '{name}'"),
    );
    page(app, &path).await[0]["id"].as_str().unwrap().to_owned()
}

fn package_body(catalog: &str, hidden: bool) -> Value {
    json!({"catalogId": catalog, "description": "Integration Tests", "displayName": "Integration Package",
        "isHidden": hidden, "isRoleScopesVisible": true})
}

/// A group onboarded into the catalog, as the package's role scope names it.
async fn onboarded_group(app: &TestApp, catalog: &str, name: &str) -> String {
    let group = create_group(app, name).await;
    app.post(
        &format!("{BETA}/accessPackageResourceRequests"),
        &json!({"catalogId": catalog, "requestType": "AdminAdd", "accessPackageResource":
            {"displayName": name, "originId": group, "originSystem": "AadGroup"}}),
    )
    .await
    .expect(201);
    group
}

/// Set-TargetResource's role scope: the resource by origin id, its role by name, then
/// the scope built from both.
async fn add_role_scope(app: &TestApp, catalog: &str, package: &str, group: &str) {
    let resources = format!(
        "{}&$expand=accessPackageResourceScopes",
        filter(
            &format!("{BETA}/accessPackageCatalogs/{catalog}/accessPackageResources"),
            &format!("originId eq '{group}'")
        )
    );
    let resource = page(app, &resources).await.remove(0);
    let roles = format!(
        "{}&$expand=accessPackageResource",
        filter(
            &format!("{BETA}/accessPackageCatalogs/{catalog}/accessPackageResourceRoles"),
            &format!(
                "(accessPackageResource/Id eq '{}' and displayname eq 'Member' and originSystem eq '{}')",
                resource["id"].as_str().unwrap(),
                resource["originSystem"].as_str().unwrap()
            )
        )
    );
    let role = page(app, &roles).await.remove(0);
    let body = json!({
        "accessPackageResourceRole": {"displayName": role["displayName"], "originId": role["originId"],
            "originSystem": role["originSystem"],
            "accessPackageResource": {"id": resource["id"], "originId": resource["originId"],
                "originSystem": role["originSystem"], "resourceType": resource["resourceType"]}},
        "accessPackageResourceScope": {"isRootScope": resource["accessPackageResourceScopes"][0]["isRootScope"],
            "originId": resource["originId"], "originSystem": resource["originSystem"]}});
    app.post(
        &format!("{BETA}/accessPackages/{package}/accessPackageResourceRoleScopes"),
        &body,
    )
    .await
    .expect(201);
}

/// Set-TargetResource creating `Integration Package` (example 1) with one role scope.
async fn dsc_package(app: &TestApp, group: &str) -> String {
    for _ in 0..2 {
        assert!(package_get(app, "Integration Package").await.is_none());
    }
    let catalog = catalog_id(app, "General").await;
    let created = app
        .post(
            &format!("{BETA}/accessPackages"),
            &package_body(&catalog, false),
        )
        .await
        .expect(201);
    let id = created["id"].as_str().unwrap().to_owned();
    add_role_scope(app, &catalog, &id, group).await;
    id
}

#[actix_web::test]
async fn access_package_is_created_with_its_role_scope_updated_exported_and_removed() {
    let app = spawn_app().await;
    let group = onboarded_group(&app, GENERAL, "DSC Members").await;
    let id = dsc_package(&app, &group).await;

    // With CatalogId = 'General' the resource's lookups name the catalog by its name in
    // the path: no catalog has that id.
    app.get(&filter(
        &format!("{BETA}/accessPackageCatalogs/General/accessPackageResources"),
        &format!("originId eq '{group}'"),
    ))
    .await
    .assert_graph_error(404, "ResourceNotFound");

    // Second run: found with its role scope as the configuration names it.
    let found = package_get(&app, "Integration Package").await.unwrap();
    assert_eq!(found["isHidden"], false);
    let scope = &found["accessPackageResourceRoleScopes"][0];
    assert_eq!(
        scope["accessPackageResourceScope"]["originId"],
        group.as_str()
    );
    assert_eq!(scope["accessPackageResourceRole"]["displayName"], "Member");

    // Example 2: hidden. The catalog is resolved again, then the package patched.
    package_get(&app, "Integration Package").await.unwrap();
    let catalog = catalog_id(&app, "General").await;
    app.patch(
        &format!("{BETA}/accessPackages/{id}"),
        &package_body(&catalog, true),
    )
    .await
    .expect(204);
    assert_eq!(
        package_get(&app, "Integration Package").await.unwrap()["isHidden"],
        true
    );

    // Export: every package, each read by id.
    for package in all(&app, &format!("{BETA}/accessPackages")).await {
        let path = format!(
            "{BETA}/accessPackages/{}?$expand={}",
            package["id"].as_str().unwrap(),
            esc(SCOPES)
        );
        package_details(&app, &ok(&app, &path).await).await;
    }

    // Ensure = Absent.
    package_get(&app, "Integration Package").await.unwrap();
    app.delete(&format!("{BETA}/accessPackages/{id}"))
        .await
        .expect(204);
    assert!(package_get(&app, "Integration Package").await.is_none());
}

// ---- AADEntitlementManagementAccessPackageAssignmentPolicy ----

const HANDLERS: &str = "customExtensionHandlers($expand=customExtension)";

async fn policy_get(app: &TestApp, name: &str) -> Option<Value> {
    let path = format!(
        "{}&$expand={}",
        filter(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            &format!("displayName eq '{name}'")
        ),
        esc(HANDLERS)
    );
    let policy = all(app, &path).await.into_iter().next()?;
    ok(
        app,
        &format!(
            "{BETA}/accessPackages/{}",
            policy["accessPackageId"].as_str().unwrap()
        ),
    )
    .await;
    Some(policy)
}

fn policy_body(package: &str, days: u32) -> Value {
    json!({"accessPackageId": package,
        "accessReviewSettings": {"accessReviewTimeoutBehavior": "keepAccess", "durationInDays": 25,
            "isAccessRecommendationEnabled": true, "isApprovalJustificationRequired": true, "isEnabled": true,
            "recurrenceType": "quarterly", "reviewerType": "Self"},
        "canExtend": false, "description": "", "displayName": "External tenant", "durationInDays": days,
        "requestApprovalSettings": {"approvalMode": "NoApproval", "isApprovalRequired": false,
            "isApprovalRequiredForExtension": false, "isRequestorJustificationRequired": false}})
}

async fn package_named(app: &TestApp, name: &str) -> String {
    let path = filter(
        &format!("{BETA}/accessPackages"),
        &format!("displayName eq '{name}'"),
    );
    page(app, &path).await[0]["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn assignment_policy_is_created_replaced_exported_and_removed() {
    let app = spawn_app().await;
    app.post(
        &format!("{BETA}/accessPackages"),
        &json!({"catalogId": GENERAL, "displayName": "Integration Package"}),
    )
    .await
    .expect(201);
    let policies = format!("{BETA}/accessPackageAssignmentPolicies");

    for _ in 0..2 {
        assert!(policy_get(&app, "External tenant").await.is_none());
    }
    let package = package_named(&app, "Integration Package").await;
    let created = app
        .post(&policies, &policy_body(&package, 365))
        .await
        .expect(201);
    let id = created["id"].as_str().unwrap().to_owned();

    // Second run: found, with what the configuration sets.
    let found = policy_get(&app, "External tenant").await.unwrap();
    assert_eq!(found["durationInDays"], 365);
    assert_eq!(found["customExtensionHandlers"], json!([]));
    assert_eq!(found["accessReviewSettings"]["recurrenceType"], "quarterly");
    assert_eq!(
        found["requestApprovalSettings"]["isApprovalRequired"],
        false
    );

    // Example 2: 180 days, by PUT.
    policy_get(&app, "External tenant").await.unwrap();
    let package = package_named(&app, "Integration Package").await;
    app.put(&format!("{policies}/{id}"), &policy_body(&package, 180))
        .await
        .expect(200);
    assert_eq!(
        policy_get(&app, "External tenant").await.unwrap()["durationInDays"],
        180
    );

    // Export.
    for policy in all(&app, &policies).await {
        let path = format!(
            "{policies}/{}?$expand={}",
            policy["id"].as_str().unwrap(),
            esc(HANDLERS)
        );
        ok(&app, &path).await;
    }

    // Ensure = Absent.
    policy_get(&app, "External tenant").await.unwrap();
    app.delete(&format!("{policies}/{id}")).await.expect(204);
    assert!(policy_get(&app, "External tenant").await.is_none());
}

// ---- AADEntitlementManagementAccessPackageCatalogResource ----

/// Get-TargetResource: the catalog by name, the resource by its (empty) Id, then by name.
async fn resource_get(app: &TestApp, catalog: &str, name: &str) -> Option<Value> {
    let id = catalog_id(app, catalog).await;
    let resources = format!("{BETA}/accessPackageCatalogs/{id}/accessPackageResources");
    // Sent with -ErrorAction SilentlyContinue: an empty Id is no GUID, and the error
    // sends Get on to the name.
    app.get(&filter(&resources, "Id eq ''"))
        .await
        .assert_graph_error(400, "InvalidFilter");
    page(
        app,
        &filter(&resources, &format!("DisplayName eq '{name}'")),
    )
    .await
    .into_iter()
    .next()
}

async fn resource_request(app: &TestApp, catalog: &str, kind: &str, name: &str, group: &str) {
    app.post(
        &format!("{BETA}/accessPackageResourceRequests"),
        &json!({"catalogId": catalog, "requestType": kind, "accessPackageResource":
            {"displayName": name, "originId": group, "originSystem": "AADGroup"}}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn catalog_resource_is_onboarded_by_group_name_updated_exported_and_removed() {
    let app = spawn_app().await;
    dsc_catalog(&app).await;
    let group = create_group(&app, "MyGroup").await;

    for _ in 0..2 {
        assert!(resource_get(&app, "My Catalog", "MyGroup").await.is_none());
    }
    // OriginId = 'MyGroup' is a name: the group is found in v1.0's directory.
    let groups = page(&app, &filter(GROUPS, "DisplayName eq 'MyGroup'")).await;
    assert_eq!(groups[0]["id"], group.as_str());
    let catalog = catalog_id(&app, "My Catalog").await;
    resource_request(&app, &catalog, "AdminAdd", "MyGroup", &group).await;

    // Second run: onboarded, as the group it names.
    let found = resource_get(&app, "My Catalog", "MyGroup").await.unwrap();
    assert_eq!(found["originId"], group.as_str());
    assert_eq!(found["originSystem"], "AadGroup");

    // Example 2: the resource by id, AdminUpdate.
    resource_get(&app, "My Catalog", "MyGroup").await.unwrap();
    let catalog = catalog_id(&app, "My Catalog").await;
    resource_request(&app, &catalog, "AdminUpdate", "MyGroup", &group).await;

    // Export: every catalog's resources, each read by `Id eq`.
    for listed in all(&app, &format!("{BETA}/accessPackageCatalogs")).await {
        let catalog = listed["id"].as_str().unwrap();
        let resources = format!("{BETA}/accessPackageCatalogs/{catalog}/accessPackageResources");
        for resource in page(&app, &resources).await {
            let by_id = format!("Id eq '{}'", resource["id"].as_str().unwrap());
            assert_eq!(page(&app, &filter(&resources, &by_id)).await.len(), 1);
        }
    }

    // Ensure = Absent, with its CatalogId.
    resource_get(&app, "My Catalog", "MyGroup").await.unwrap();
    resource_request(&app, &catalog, "AdminRemove", "MyGroup", &group).await;
    assert!(resource_get(&app, "My Catalog", "MyGroup").await.is_none());
}

// ---- AADEntitlementManagementConnectedOrganization ----

const ADELE: &str = "AdeleV@contoso.onmicrosoft.com";

async fn organization_get(app: &TestApp, name: &str) -> Option<Value> {
    let path = filter(
        &format!("{BETA}/connectedOrganizations"),
        &format!("displayName eq '{name}'"),
    );
    let organization = page(app, &path).await.into_iter().next()?;
    organization_sponsors(app, &organization).await;
    Some(organization)
}

/// The sponsors, each read back in v1.0's directory for its principal name.
async fn organization_sponsors(app: &TestApp, organization: &Value) -> Vec<String> {
    let id = organization["id"].as_str().unwrap();
    let mut names = Vec::new();
    for side in ["externalSponsors", "internalSponsors"] {
        for sponsor in page(app, &format!("{BETA}/connectedOrganizations/{id}/{side}")).await {
            let user = ok(app, &format!("{USERS}/{}", sponsor["id"].as_str().unwrap())).await;
            names.push(user["userPrincipalName"].as_str().unwrap().to_owned());
        }
    }
    names
}

async fn sponsor_id(app: &TestApp) -> String {
    ok(app, &format!("{USERS}/{}", esc(ADELE))).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn connected_organization_is_created_from_its_tenant_with_sponsors_updated_and_removed() {
    let app = spawn_app_with(|settings| {
        settings.auth.signin.tenants.push(
            entitlement_emulator::configuration::signin::TenantSettings {
                tenant_id: PARTNER.to_owned(),
                display_name: "Fabrikam".to_owned(),
                default_domain_name: "fabrikam.onmicrosoft.com".to_owned(),
            },
        )
    })
    .await;
    let adele = app
        .post(
            USERS,
            &json!({"accountEnabled": true, "displayName": "Adele Vance",
            "mailNickname": "AdeleV", "userPrincipalName": ADELE,
            "passwordProfile": {"password": "xWwvJ]6NMw+bWH-d"}}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let organizations = format!("{BETA}/connectedOrganizations");

    for _ in 0..2 {
        assert!(organization_get(&app, "Test Tenant - DSC").await.is_none());
    }
    let external = sponsor_id(&app).await;
    let internal = sponsor_id(&app).await;
    assert_eq!(
        (external.as_str(), internal.as_str()),
        (adele.as_str(), adele.as_str())
    );
    // The absolute URL Invoke-MgGraphRequest is given, under the emulator's host.
    let tenant = ok(
        &app,
        &format!("/beta/tenantRelationships/microsoft.graph.findTenantInformationByTenantId(tenantId='{PARTNER}')"),
    )
    .await;
    let domain = tenant["defaultDomainName"].as_str().unwrap();
    assert_eq!(domain, "fabrikam.onmicrosoft.com");
    // New-MgBetaEntitlementManagementConnectedOrganization builds the identity source.
    let created = app
        .post(
            &organizations,
            &json!({"description": "this is the tenant partner",
            "displayName": "Test Tenant - DSC", "state": "configured",
            "identitySources": [{"@odata.type": "microsoft.graph.domainidentitysource",
                "displayName": "Test Tenant - DSC", "domainName": domain}]}),
        )
        .await
        .expect(201);
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["identitySources"][0]["@odata.type"],
        "#microsoft.graph.domainIdentitySource"
    );
    for side in ["externalSponsors", "internalSponsors"] {
        let object = ok(&app, &format!("/beta/directoryObjects/{adele}")).await;
        let kind = object["@odata.type"]
            .as_str()
            .unwrap()
            .rsplit('.')
            .next()
            .unwrap();
        assert_eq!(kind, "user");
        app.post(
            &format!("{organizations}/{id}/{side}/$ref"),
            &json!({"@odata.id": format!("https://graph.microsoft.com/beta/{kind}s/{adele}")}),
        )
        .await
        .expect(204);
    }

    // Second run: found, both sponsors Adele.
    let found = organization_get(&app, "Test Tenant - DSC").await.unwrap();
    assert_eq!(found["state"], "configured");
    assert_eq!(organization_sponsors(&app, &found).await, [ADELE, ADELE]);

    // Example 2: a new description and the partner as an Entra tenant.
    organization_get(&app, "Test Tenant - DSC").await.unwrap();
    sponsor_id(&app).await;
    sponsor_id(&app).await;
    app.patch(&format!("{organizations}/{id}"), &json!({
        "description": "This is the tenant partner - Updated", "displayName": "Test Tenant - DSC",
        "state": "configured", "identitySources": [{"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant",
            "displayName": "o365dsc", "tenantId": PARTNER}]}))
        .await
        .expect(204);
    let updated = organization_get(&app, "Test Tenant - DSC").await.unwrap();
    assert_eq!(
        updated["description"],
        "This is the tenant partner - Updated"
    );
    assert_eq!(updated["identitySources"][0]["tenantId"], PARTNER);

    // Export.
    for organization in all(&app, &organizations).await {
        let read = ok(
            &app,
            &format!("{organizations}/{}", organization["id"].as_str().unwrap()),
        )
        .await;
        organization_sponsors(&app, &read).await;
    }

    // Ensure = Absent.
    organization_get(&app, "Test Tenant - DSC").await.unwrap();
    app.delete(&format!("{organizations}/{id}"))
        .await
        .expect(204);
    assert!(organization_get(&app, "Test Tenant - DSC").await.is_none());

    // A tenant the emulator was not told of is not found.
    app.get(
        "/beta/tenantRelationships/microsoft.graph.findTenantInformationByTenantId(tenantId='6babcaad-604b-40ac-a9d7-9fd97c0b779f')",
    )
    .await
    .assert_graph_error(404, "Request_ResourceNotFound");
}

// ---- AADEntitlementManagementRoleAssignment ----

/// Get-TargetResource: the principal by name, the role by display name, then the
/// assignment by both.
async fn role_assignment_get(app: &TestApp) -> (String, String, Option<Value>) {
    let user = sponsor_id(app).await;
    let definitions = filter(
        &format!("{ROLES}/roleDefinitions"),
        "DisplayName eq 'Catalog creator'",
    );
    let role = page(app, &definitions).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let assignments = filter(
        &format!("{ROLES}/roleAssignments"),
        &format!("PrincipalId eq '{user}' and RoleDefinitionId eq '{role}'"),
    );
    let found = page(app, &assignments).await.into_iter().next();
    (user, role, found)
}

#[actix_web::test]
async fn role_assignment_is_created_exported_and_removed() {
    let app = spawn_app().await;
    app.post(
        USERS,
        &json!({"accountEnabled": true, "displayName": "Adele Vance",
        "mailNickname": "AdeleV", "userPrincipalName": ADELE,
        "passwordProfile": {"password": "xWwvJ]6NMw+bWH-d"}}),
    )
    .await
    .expect(201);

    for _ in 0..2 {
        assert!(role_assignment_get(&app).await.2.is_none());
    }
    let (user, role, _) = role_assignment_get(&app).await;
    let created = app
        .post(
            &format!("{ROLES}/roleAssignments"),
            &json!({"appScopeId": "/", "principalId": user, "roleDefinitionId": role}),
        )
        .await
        .expect(201);
    let id = created["id"].as_str().unwrap().to_owned();

    // Second run: found.
    let found = role_assignment_get(&app).await.2.unwrap();
    assert_eq!(found["id"], id.as_str());
    assert_eq!(found["appScopeId"], "/");

    // Export: every assignment, its role by id, then Get with the principal's id.
    for assignment in all(&app, &format!("{ROLES}/roleAssignments")).await {
        let role = ok(
            &app,
            &format!(
                "{ROLES}/roleDefinitions/{}",
                assignment["roleDefinitionId"].as_str().unwrap()
            ),
        )
        .await;
        assert!(role["displayName"].is_string());
        ok(
            &app,
            &format!(
                "{ROLES}/roleAssignments/{}",
                assignment["id"].as_str().unwrap()
            ),
        )
        .await;
        ok(
            &app,
            &format!("{USERS}/{}", assignment["principalId"].as_str().unwrap()),
        )
        .await;
    }

    // Ensure = Absent.
    role_assignment_get(&app).await.2.unwrap();
    app.delete(&format!("{ROLES}/roleAssignments/{id}"))
        .await
        .expect(204);
    assert!(role_assignment_get(&app).await.2.is_none());
}
