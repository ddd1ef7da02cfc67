//! GET answers against the example responses of Microsoft's reference pages, property for
//! property (approval-get, rbacapplication-list-roledefinitions, unifiedroledefinition-get,
//! accesspackagesubject-get, rbacapplication-list-roleassignments), and Microsoft365DSC's
//! resource requests with `originSystem: "AADGroup"`.

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

fn without_context(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("@odata.context");
    }
    value
}

#[actix_web::test]
async fn an_approval_answers_with_its_stages_as_approval_get_shows() {
    let app = spawn_app().await;
    let approver = create_user(&app, "approver").await;
    let story = story_with(&app, "approved", approval_policy(&approver)).await;
    let requester = token_for("approved-user@contoso.com", &story.user);
    let id = id_of(
        &send_as(
            &app,
            &requester,
            Method::POST,
            &format!("{V1}/assignmentRequests"),
            Some(&json!({"requestType": "userAdd", "assignment": {"accessPackageId": story.package}})),
        )
        .await,
    );
    let stage_keys = set(&[
        "id",
        "displayName",
        "reviewedDateTime",
        "reviewResult",
        "status",
        "assignedToMe",
        "justification",
        "reviewedBy",
    ]);
    for (root, stages) in [(V1, "stages"), (BETA, "steps")] {
        // No $expand: the page's request has none, and its answer holds the stages.
        let approval = app
            .get(&format!("{root}/accessPackageAssignmentApprovals/{id}"))
            .await;
        approval.expect(200);
        let approval = without_context(approval.json());
        assert_eq!(keys(&approval), set(&["id", stages]), "{approval}");
        assert_eq!(approval["id"], id.as_str());
        let stage = &approval[stages][0];
        assert_eq!(keys(stage), stage_keys, "{stage}");
        assert_eq!(stage["reviewResult"], "NotReviewed");
        assert_eq!(stage["status"], "InProgress");
        assert_eq!(stage["reviewedBy"], Value::Null);
        assert_eq!(stage["reviewedDateTime"], Value::Null);
    }
}

/// rbacapplication-list-roledefinitions, v1.0 example 2: the five built-in roles.
fn documented_roles() -> Value {
    let role = |id: &str, name: &str, actions: &[&str]| {
        json!({"id": id, "displayName": name, "description": name, "isBuiltIn": true, "isEnabled": true,
            "templateId": id, "version": "1.0",
            "rolePermissions": [{"allowedResourceActions": actions, "condition": null}]})
    };
    json!([
        role("ae79f266-94d4-4dab-b730-feca7e132178", "Catalog owner",
            &["microsoft.entitlementManagement/allEntities/allTasks"]),
        role("44272f93-9762-48e8-af59-1b5351b1d6b3", "Catalog reader",
            &["microsoft.entitlementManagement/allEntities/Read"]),
        role("7f480852-ebdc-47d4-87de-0d8498384a83", "AccessPackages manager",
            &["microsoft.entitlementManagement/AccessPackageCatalog/AccessPackage/allTasks",
              "microsoft.entitlementManagement/AccessPackageCatalog/allEntities/Read"]),
        role("ba92d953-d8e0-4e39-a797-0cbedb0a89e8", "Catalog creator",
            &["microsoft.entitlementManagement/AccessPackageCatalog/Create"]),
        role("e2182095-804a-4656-ae11-64734e9b7ae5", "AccessPackage assignment manager",
            &["microsoft.entitlementManagement/AccessPackageCatalog/AccessPackage/GrantRequests/allTasks",
              "microsoft.entitlementManagement/AccessPackageCatalog/AccessPackage/Grants/allTasks",
              "microsoft.entitlementManagement/AccessPackageCatalog/allEntities/Read"]),
    ])
}

#[actix_web::test]
async fn the_built_in_roles_are_what_the_reference_lists() {
    let app = spawn_app().await;
    let listed = app
        .get("/v1.0/roleManagement/entitlementManagement/roleDefinitions")
        .await
        .json();
    let listed = listed["value"].as_array().unwrap();
    for documented in documented_roles().as_array().unwrap() {
        let served = listed
            .iter()
            .find(|role| role["id"] == documented["id"])
            .unwrap_or_else(|| panic!("{} is not listed", documented["id"]));
        assert_eq!(served, documented);
    }
    assert_eq!(listed.len(), 5);

    // unifiedroledefinition-get, beta example 5, whole (beta writes no condition).
    let creator = app
        .get("/beta/roleManagement/entitlementManagement/roleDefinitions/ba92d953-d8e0-4e39-a797-0cbedb0a89e8")
        .await
        .json();
    assert!(creator["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/beta/$metadata#roleManagement/entitlementManagement/roleDefinitions/$entity"));
    assert_eq!(
        without_context(creator),
        json!({"id": "ba92d953-d8e0-4e39-a797-0cbedb0a89e8", "displayName": "Catalog creator",
            "description": "Catalog creator", "isBuiltIn": true, "isEnabled": true,
            "templateId": "ba92d953-d8e0-4e39-a797-0cbedb0a89e8", "version": "1.0",
            "rolePermissions": [{"allowedResourceActions": ["microsoft.entitlementManagement/AccessPackageCatalog/Create"]}]})
    );
    // DSC looks roles up by name.
    let found = app
        .get("/beta/roleManagement/entitlementManagement/roleDefinitions?$filter=DisplayName%20eq%20'AccessPackages%20manager'")
        .await
        .json();
    assert_eq!(
        found["value"][0]["id"],
        "7f480852-ebdc-47d4-87de-0d8498384a83"
    );
}

#[actix_web::test]
async fn a_subject_has_the_properties_accesspackagesubject_get_shows() {
    let app = spawn_app().await;
    let story = story(&app, "subject").await;
    id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    let v1 = app
        .get(&format!("{V1}/subjects(objectId='{}')", story.user))
        .await
        .json();
    crate::assert_wire_snapshot!("subject_v1", v1, app);
    assert_eq!(v1["subjectType"], "user");
    assert_eq!(v1["subjectLifecycle"], "governed");
    assert_eq!(v1["onPremisesSecurityIdentifier"], Value::Null);
    let beta = app
        .get(&format!("{BETA}/subjects(objectId='{}')", story.user))
        .await
        .json();
    crate::assert_wire_snapshot!("subject_beta", beta, app);
    assert_eq!(beta["type"], "User");
    assert_eq!(beta["altSecId"], Value::Null);
    assert_eq!(beta["connectedOrganizationId"], Value::Null);
}

#[actix_web::test]
async fn role_assignments_expand_their_principal_typed_and_their_role() {
    let app = spawn_app().await;
    let catalog = new_catalog(&app, "delegated").await;
    let user = create_user(&app, "owner").await;
    let group = create_group(&app, "owners").await;
    let assignments = "/v1.0/roleManagement/entitlementManagement/roleAssignments";
    for principal in [&user, &group] {
        // rbacapplication-post-roleassignments' body, ids substituted.
        id_of(
            &app.post(
                assignments,
                &json!({"principalId": principal, "roleDefinitionId": "ae79f266-94d4-4dab-b730-feca7e132178",
                    "appScopeId": format!("/AccessPackageCatalog/{catalog}")}),
            )
            .await,
        );
    }
    // The list page's example 3, ids substituted.
    let listed = app
        .get(&format!(
            "{assignments}?$filter=appScopeId%20eq%20'/AccessPackageCatalog/{catalog}'&$expand=principal"
        ))
        .await;
    assert_eq!(
        listed.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&listed.body)
    );
    let listed = listed.json();
    let value = listed["value"].as_array().unwrap();
    assert_eq!(value.len(), 2);
    for assignment in value {
        for key in [
            "id",
            "principalId",
            "roleDefinitionId",
            "appScopeId",
            "principal",
        ] {
            assert!(assignment.get(key).is_some(), "{key} in {assignment}");
        }
        let principal = &assignment["principal"];
        assert_eq!(principal["id"], assignment["principalId"]);
        let expected = if principal["id"] == user.as_str() {
            "#microsoft.graph.user"
        } else {
            "#microsoft.graph.group"
        };
        assert_eq!(principal["@odata.type"], expected, "{principal}");
        assert_eq!(
            principal.as_object().unwrap().keys().next().unwrap(),
            "@odata.type"
        );
    }
    let id = value[0]["id"].as_str().unwrap();
    let one = app
        .get(&format!(
            "{assignments}/{id}?$expand=roleDefinition,principal"
        ))
        .await
        .json();
    assert_eq!(one["roleDefinition"]["displayName"], "Catalog owner");
    assert_eq!(one["principal"]["id"], one["principalId"]);
}

/// Microsoft365DSC's catalog-resource examples send `"originSystem": "AADGroup"`: added and
/// removed in that spelling, answered in Graph's, and the catalog can then go.
#[actix_web::test]
async fn dsc_onboards_and_removes_a_group_spelled_aadgroup() {
    let app = spawn_app().await;
    let catalog = new_catalog(&app, "dsc").await;
    let group = create_group(&app, "dsc-group").await;
    let body = |kind: &str| {
        json!({"catalogId": catalog, "requestType": kind,
            "accessPackageResource": {"displayName": "dsc-group", "description": "dsc-group",
                "originId": group, "originSystem": "AADGroup", "resourceType": "Security Group",
                "url": format!("https://account.activedirectory.windowsazure.com/r?tenantId=x#/manageMembership?objectType=Group&objectId={group}"),
                "attributes": []}})
    };
    let requests = format!("{BETA}/accessPackageResourceRequests");
    let added = app.post(&requests, &body("AdminAdd")).await;
    assert_eq!(
        added.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&added.body)
    );
    let resources = app
        .get(&format!(
            "{BETA}/accessPackageCatalogs/{catalog}/accessPackageResources"
        ))
        .await
        .json();
    assert_eq!(resources["value"][0]["originSystem"], "AadGroup");
    let removed = app.post(&requests, &body("AdminRemove")).await;
    assert_eq!(
        removed.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&removed.body)
    );
    let resources = app
        .get(&format!(
            "{BETA}/accessPackageCatalogs/{catalog}/accessPackageResources"
        ))
        .await
        .json();
    assert_eq!(resources["value"], json!([]));
    assert_eq!(
        app.delete(&format!("{BETA}/accessPackageCatalogs/{catalog}"))
            .await
            .status
            .as_u16(),
        204
    );
}
