//! Separation of duties (reference: accesspackage-post-incompatibleaccesspackage,
//! -incompatiblegroup, their list and delete pages, accesspackage-list-
//! accesspackagesincompatiblewith; entitlement-management-access-package-incompatible):
//! links by reference between an access package and the packages and groups it is
//! incompatible with, and the rule they exist for.

use serde_json::{json, Value};

use crate::helpers::*;

/// Another package in the story's catalog, with the docs' direct-assignment policy: its
/// id and its policy's.
async fn second_package(app: &TestApp, story: &Story, name: &str) -> (String, String) {
    let package = id_of(
        &app.post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": name, "catalog": {"id": story.catalog}}),
        )
        .await,
    );
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": package});
    let policy = id_of(&app.post(&format!("{V1}/assignmentPolicies"), &policy).await);
    (package, policy)
}

fn admin_add_to(user: &str, package: &str, policy: &str) -> Value {
    json!({"requestType": "adminAdd", "assignment": {"targetId": user,
        "assignmentPolicyId": policy, "accessPackageId": package}})
}

/// The reference page's body, ids substituted.
fn reference(version: &str, path: &str) -> Value {
    json!({"@odata.id": format!("https://graph.microsoft.com/{version}/{path}")})
}

#[actix_web::test]
async fn incompatible_packages_are_added_listed_both_ways_and_removed_as_the_pages_show() {
    let app = spawn_app().await;
    let story = story(&app, "production").await;
    let (development, _) = second_package(&app, &story, "development").await;
    let links = format!(
        "{V1}/accessPackages/{}/incompatibleAccessPackages",
        story.package
    );

    // accesspackage-post-incompatibleaccesspackage, v1.0 example.
    let added = app
        .post(
            &format!("{links}/$ref"),
            &reference(
                "v1.0",
                &format!("identityGovernance/entitlementManagement/accessPackages/{development}"),
            ),
        )
        .await;
    added.expect(204);
    assert!(added.body.is_empty());

    // accesspackage-list-incompatibleaccesspackages: the packages themselves.
    let listed = app.get(&links).await.expect(200);
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    assert_eq!(listed["value"][0]["id"], development.as_str());
    assert_eq!(listed["value"][0]["displayName"], "development");
    crate::assert_wire_snapshot!("incompatible_packages_v1", listed, app);
    let beta = app
        .get(&format!(
            "{BETA}/accessPackages/{}/incompatibleAccessPackages",
            story.package
        ))
        .await
        .expect(200);
    assert_eq!(beta["value"][0]["catalogId"], story.catalog.as_str());

    // Their $refs, and the reverse: the package named lists who named it.
    let refs = app.get(&format!("{links}/$ref")).await.expect(200);
    assert_eq!(
        refs["value"][0]["@odata.id"],
        format!(
            "{}/v1.0/identityGovernance/entitlementManagement/accessPackages/{development}",
            app.address
        )
    );
    let reverse = app
        .get(&format!(
            "{V1}/accessPackages/{development}/accessPackagesIncompatibleWith"
        ))
        .await
        .expect(200);
    assert_eq!(reverse["value"][0]["id"], story.package.as_str());
    // One way only: the named package declares nothing itself.
    let theirs = app
        .get(&format!(
            "{V1}/accessPackages/{development}/incompatibleAccessPackages"
        ))
        .await
        .expect(200);
    assert_eq!(theirs["value"], json!([]));
    // Expandable, and listed with query options as any collection.
    let expanded = app
        .get(&format!(
            "{V1}/accessPackages/{}?$expand=incompatibleAccessPackages($select=displayName)",
            story.package
        ))
        .await
        .expect(200);
    assert_eq!(
        expanded["incompatibleAccessPackages"],
        json!([{"displayName": "development"}])
    );
    let filtered = app
        .get(&query(&links, "$filter=displayName eq 'nothing'"))
        .await
        .expect(200);
    assert_eq!(filtered["value"], json!([]));

    // accesspackage-delete-incompatibleaccesspackage: 204, then gone; again, 404.
    let removed = app.delete(&format!("{links}/{development}/$ref")).await;
    removed.expect(204);
    assert_eq!(app.get(&links).await.expect(200)["value"], json!([]));
    app.delete(&format!("{links}/{development}/$ref"))
        .await
        .assert_graph_error(404, "ResourceNotFound");
}

#[actix_web::test]
async fn a_package_refuses_targets_holding_an_incompatible_package_or_group_one_way() {
    let app = spawn_app().await;
    let story = story(&app, "approver").await;
    let (analyst, analyst_policy) = second_package(&app, &story, "analyst").await;
    // The user holds the analyst package and is in the auditors group.
    let held = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &admin_add_to(&story.user, &analyst, &analyst_policy),
        )
        .await,
    );
    assert_eq!(state(&app, &held).await, "delivered");
    let auditors = create_group(&app, "auditors").await;
    app.post(
        &format!("{GROUPS}/{auditors}/members/$ref"),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{}", story.user)}),
    )
    .await
    .expect(204);

    // Approver is incompatible with analyst: neither the user nor an admin may add it.
    app.post(
        &format!(
            "{BETA}/accessPackages/{}/incompatibleAccessPackages/$ref",
            story.package
        ),
        &reference(
            "beta",
            &format!("identityGovernance/entitlementManagement/accessPackages/{analyst}"),
        ),
    )
    .await
    .expect(204);
    let requests = app.count_rows("assignment_requests").await;
    let refused = app
        .post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
        .await;
    let error = refused.assert_graph_error(400, "IncompatibleAccess");
    assert_eq!(
        error["message"],
        "The target has access incompatible with this access package: access package 'analyst'."
    );
    assert_eq!(
        error["details"],
        json!([{"code": "IncompatibleAccessPackage", "message": "analyst", "target": "accessPackageAssignments"}])
    );
    assert_eq!(app.count_rows("assignment_requests").await, requests);

    // The link is one way: analyst itself still admits holders of approver (none here),
    // and the group rule adds its own conflict.
    app.post(
        &format!(
            "{V1}/accessPackages/{}/incompatibleGroups/$ref",
            story.package
        ),
        &reference("v1.0", &format!("groups/{auditors}")),
    )
    .await
    .expect(204);
    let listed = app
        .get(&format!(
            "{V1}/accessPackages/{}/incompatibleGroups",
            story.package
        ))
        .await
        .expect(200);
    assert_eq!(listed["value"][0]["id"], auditors.as_str());
    assert_eq!(listed["value"][0]["displayName"], "auditors");
    let refused = app
        .post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
        .await;
    let error = refused.assert_graph_error(400, "IncompatibleAccess");
    assert_eq!(error["details"][1]["code"], "IncompatibleGroup");
    assert_eq!(error["details"][1]["message"], "auditors");

    // Without the conflicts the same request is admitted.
    for (links, id) in [
        ("incompatibleAccessPackages", &analyst),
        ("incompatibleGroups", &auditors),
    ] {
        app.delete(&format!(
            "{V1}/accessPackages/{}/{links}/{id}/$ref",
            story.package
        ))
        .await
        .expect(204);
    }
    let admitted = app
        .post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
        .await;
    admitted.expect(201);
}

#[actix_web::test]
async fn links_name_existing_objects_once_and_never_themselves() {
    let app = spawn_app().await;
    let story = story(&app, "links").await;
    let links = format!(
        "{V1}/accessPackages/{}/incompatibleAccessPackages/$ref",
        story.package
    );
    let missing = "4b1f0f6e-1d1e-4d8a-9b0c-2f3a4b5c6d7e";
    app.post(
        &links,
        &reference(
            "v1.0",
            &format!("identityGovernance/entitlementManagement/accessPackages/{missing}"),
        ),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    // A group is no access package.
    app.post(
        &links,
        &reference("v1.0", &format!("groups/{}", story.group)),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    let myself = reference(
        "v1.0",
        &format!(
            "identityGovernance/entitlementManagement/accessPackages/{}",
            story.package
        ),
    );
    app.post(&links, &myself)
        .await
        .assert_graph_error(400, "InvalidRequest");
    app.post(&links, &json!({"@odata.id": 42}))
        .await
        .assert_graph_error(400, "InvalidModel");
    let (other, _) = second_package(&app, &story, "other").await;
    let named = reference(
        "v1.0",
        &format!("identityGovernance/entitlementManagement/accessPackages/{other}"),
    );
    app.post(&links, &named).await.expect(204);
    app.post(&links, &named)
        .await
        .assert_graph_error(400, "InvalidRequest");
    // An unknown package has no links to list.
    app.get(&format!(
        "{V1}/accessPackages/{missing}/incompatibleAccessPackages"
    ))
    .await
    .assert_graph_error(404, "ResourceNotFound");
}

#[actix_web::test]
async fn a_link_goes_with_either_end() {
    let app = spawn_app().await;
    let story = story(&app, "ends").await;
    let (other, other_policy) = second_package(&app, &story, "other").await;
    app.post(
        &format!(
            "{V1}/accessPackages/{}/incompatibleAccessPackages/$ref",
            story.package
        ),
        &reference(
            "v1.0",
            &format!("identityGovernance/entitlementManagement/accessPackages/{other}"),
        ),
    )
    .await
    .expect(204);
    app.post(
        &format!(
            "{V1}/accessPackages/{}/incompatibleGroups/$ref",
            story.package
        ),
        &reference("v1.0", &format!("groups/{}", story.group)),
    )
    .await
    .expect(204);
    assert_eq!(app.count_rows("links").await, 2);

    app.delete(&format!("{V1}/assignmentPolicies/{other_policy}"))
        .await
        .expect(204);
    app.delete(&format!("{V1}/accessPackages/{other}"))
        .await
        .expect(204);
    assert_eq!(app.count_rows("links").await, 1);
    let reference_scopes = app
        .get(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes",
            story.package
        ))
        .await
        .expect(200);
    for scope in reference_scopes["value"].as_array().unwrap() {
        app.delete(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes/{}",
            story.package,
            scope["id"].as_str().unwrap()
        ))
        .await
        .expect(204);
    }
    app.delete(&format!("{GROUPS}/{}", story.group))
        .await
        .expect(204);
    assert_eq!(app.count_rows("links").await, 0);
}
