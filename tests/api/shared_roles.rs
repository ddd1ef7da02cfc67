//! One group's role granted by several access packages ("Sales" members through a "Sales
//! reps" package and a "Sales managers" package), the most common provisioning pattern: a
//! role scope's id `{roleId}_{scopeId}` is unique within its package only, and a member
//! stays a member until the last package granting the role lets go.

use serde_json::{json, Value};

use crate::helpers::*;

/// A second package in the story's catalog, with a policy, granting the same group role.
async fn second_package(app: &TestApp, story: &Story, name: &str) -> (String, String, Value) {
    let package = id_of(
        &app.post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": name, "catalog": {"id": story.catalog}}),
        )
        .await,
    );
    let scope = grant_member_role(app, story, &package).await;
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": package});
    let policy = id_of(&app.post(&format!("{V1}/assignmentPolicies"), &policy).await);
    (package, policy, scope)
}

/// The docs' v1.0 example 3 body (group membership), ids substituted.
async fn grant_member_role(app: &TestApp, story: &Story, package: &str) -> Value {
    let resource = app
        .get(&format!("{V1}/catalogs/{}/resources", story.catalog))
        .await
        .json()["value"][0]
        .clone();
    let created = app
        .post(
            &format!("{V1}/accessPackages/{package}/resourceRoleScopes"),
            &member_role_body(story, &resource),
        )
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    created.json()
}

fn member_role_body(story: &Story, resource: &Value) -> Value {
    json!({"role": {"displayName": "Member", "originSystem": "AadGroup",
            "originId": format!("Member_{}", story.group),
            "resource": {"id": resource["id"], "displayName": resource["displayName"],
                "originId": story.group, "originSystem": "AadGroup"}},
        "scope": {"displayName": "Root", "description": "Root Scope", "originId": story.group,
            "originSystem": "AadGroup", "isRootScope": true}})
}

async fn add(app: &TestApp, user: &str, policy: &str, package: &str) -> String {
    let request = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": user,
                "assignmentPolicyId": policy, "accessPackageId": package}}),
        )
        .await,
    );
    assert_eq!(
        app.get(&format!("{V1}/assignmentRequests/{request}"))
            .await
            .json()["state"],
        "delivered"
    );
    request
}

async fn remove(app: &TestApp, assignment: &str) {
    let request = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminRemove", "assignment": {"id": assignment}}),
        )
        .await,
    );
    assert_eq!(
        app.get(&format!("{V1}/assignmentRequests/{request}"))
            .await
            .json()["state"],
        "delivered"
    );
}

#[actix_web::test]
async fn one_group_role_in_two_packages_grants_until_the_last_lets_go() {
    let app = spawn_app().await;
    let story = story(&app, "sales-reps").await;
    let first = app
        .get(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes",
            story.package
        ))
        .await
        .json()["value"][0]
        .clone();
    let (managers, managers_policy, second) = second_package(&app, &story, "sales-managers").await;
    // The same role in the same scope: the same id, in each package.
    assert_eq!(second["id"], first["id"]);
    let id = first["id"].as_str().unwrap();
    for package in [&story.package, &managers] {
        let read = app
            .get(&format!(
                "{V1}/accessPackages/{package}/resourceRoleScopes/{id}?$expand=role,scope"
            ))
            .await;
        assert_eq!(
            read.status.as_u16(),
            200,
            "{}",
            String::from_utf8_lossy(&read.body)
        );
        assert_eq!(read.json()["id"], id);
        assert_eq!(
            read.json()["role"]["originId"],
            format!("Member_{}", story.group)
        );
    }
    // Within one package, a second identical grant is refused.
    let resource = app
        .get(&format!("{V1}/catalogs/{}/resources", story.catalog))
        .await
        .json()["value"][0]
        .clone();
    app.post(
        &format!("{V1}/accessPackages/{managers}/resourceRoleScopes"),
        &member_role_body(&story, &resource),
    )
    .await
    .assert_graph_error(409, "DuplicateKey");

    // Granted twice, removed once: still a member; removed twice: not.
    let reps = add(&app, &story.user, &story.policy, &story.package).await;
    let managed = add(&app, &story.user, &managers_policy, &managers).await;
    assert!(members(&app, &story.group).await.contains(&story.user));
    remove(&app, &reps).await;
    assert!(members(&app, &story.group).await.contains(&story.user));
    remove(&app, &managed).await;
    assert!(!members(&app, &story.group).await.contains(&story.user));

    // Taking the role out of one package leaves those the other still grants it to.
    let both = create_user(&app, "both").await;
    let only_reps = create_user(&app, "only-reps").await;
    add(&app, &both, &story.policy, &story.package).await;
    add(&app, &both, &managers_policy, &managers).await;
    add(&app, &only_reps, &story.policy, &story.package).await;
    let group = members(&app, &story.group).await;
    assert!(group.contains(&both) && group.contains(&only_reps));
    let deleted = app
        .delete(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes/{id}",
            story.package
        ))
        .await;
    deleted.expect(204);
    let group = members(&app, &story.group).await;
    assert!(
        group.contains(&both),
        "the managers package still grants it"
    );
    assert!(!group.contains(&only_reps));
    // The other package's role scope is untouched.
    assert_eq!(
        app.get(&format!(
            "{V1}/accessPackages/{managers}/resourceRoleScopes/{id}"
        ))
        .await
        .status
        .as_u16(),
        200
    );
    app.get(&format!(
        "{V1}/accessPackages/{}/resourceRoleScopes/{id}",
        story.package
    ))
    .await
    .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(
        app.delete(&format!(
            "{V1}/accessPackages/{managers}/resourceRoleScopes/{id}"
        ))
        .await
        .status
        .as_u16(),
        204
    );
    assert!(!members(&app, &story.group).await.contains(&both));
}

#[actix_web::test]
async fn beta_grants_the_same_role_to_two_packages_as_its_docs_do() {
    let app = spawn_app().await;
    let story = story(&app, "beta-reps").await;
    let other = id_of(
        &app.post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": story.catalog, "displayName": "beta managers"}),
        )
        .await,
    );
    let resource = app
        .get(&format!(
            "{BETA}/accessPackageCatalogs/{}/accessPackageResources",
            story.catalog
        ))
        .await
        .json()["value"][0]
        .clone();
    // The beta docs' example 1 body, ids substituted.
    let body = json!({"accessPackageResourceRole": {"originId": format!("Member_{}", story.group),
            "displayName": "Member", "originSystem": "AadGroup",
            "accessPackageResource": {"id": resource["id"], "resourceType": "O365 Group",
                "originId": story.group, "originSystem": "AadGroup"}},
        "accessPackageResourceScope": {"originId": story.group, "originSystem": "AadGroup"}});
    let created = app
        .post(
            &format!("{BETA}/accessPackages/{other}/accessPackageResourceRoleScopes"),
            &body,
        )
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert!(created
        .header("location")
        .ends_with(&format!("/accessPackageResourceRoleScopes/{id}")));
    app.post(
        &format!("{BETA}/accessPackages/{other}/accessPackageResourceRoleScopes"),
        &body,
    )
    .await
    .assert_graph_error(409, "DuplicateKey");
    for package in [&story.package, &other] {
        let expanded = app
            .get(&format!(
                "{BETA}/accessPackages/{package}?$expand=accessPackageResourceRoleScopes"
            ))
            .await
            .json();
        assert_eq!(
            expanded["accessPackageResourceRoleScopes"][0]["id"],
            id.as_str()
        );
    }
    // Export and seed keep both, as clients name them.
    let tenant = app.get("/_emulator/export").await.json();
    let scopes = tenant["resourceRoleScopes"].as_array().unwrap();
    assert_eq!(scopes.len(), 2);
    assert!(scopes.iter().all(|scope| scope["id"] == id.as_str()));
    let seeded = app.post("/_emulator/seed", &tenant).await;
    assert_eq!(
        seeded.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&seeded.body)
    );
    assert_eq!(app.get("/_emulator/export").await.json(), tenant);
    // The resource stays while a package's role scope uses it.
    let removal = json!({"requestType": "AdminRemove", "catalogId": story.catalog,
        "accessPackageResource": {"originId": story.group, "originSystem": "AadGroup"}});
    let refused = app
        .post(&format!("{BETA}/accessPackageResourceRequests"), &removal)
        .await;
    assert!(
        refused.status.is_client_error(),
        "{}",
        String::from_utf8_lossy(&refused.body)
    );
}
