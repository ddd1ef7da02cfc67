//! An access package's own actions (reference: accesspackage-getapplicablepolicyrequirements,
//! v1.0 and beta; accesspackage-movetocatalog, beta): what a user may request it through,
//! and moving it to another catalog.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// A self-service policy with a question, added to the story's package (v1.0).
async fn requestable(app: &TestApp, story: &Story, approver: &str) -> String {
    let mut policy = approval_policy(approver);
    policy["displayName"] = json!("Initial Policy");
    policy["accessPackage"] = json!({"id": story.package});
    policy["expiration"] = json!({"type": "afterDuration", "duration": "P30D"});
    policy["questions"] = json!([{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
        "isRequired": true, "sequence": 0, "isSingleLineQuestion": true,
        "text": "What is your display name", "localizations": []}]);
    id_of(&app.post(&format!("{V1}/assignmentPolicies"), &policy).await)
}

#[actix_web::test]
async fn a_user_learns_what_each_policy_it_may_request_through_requires() {
    let app = spawn_app().await;
    let story = story(&app, "requirements").await;
    let approver = create_user(&app, "requirements-approver").await;
    let policy = requestable(&app, &story, &approver).await;
    let as_user = token_for("requirements-user@contoso.com", &story.user);
    let path = |version: &str| {
        format!(
            "{version}/identityGovernance/entitlementManagement/accessPackages/{}/getApplicablePolicyRequirements",
            story.package
        )
    };

    // The v1.0 page's request: no body. The direct policy admits no one of its own accord.
    let v1 = send_as(&app, &as_user, Method::POST, &path("/v1.0"), None)
        .await
        .expect(200);
    assert!(v1["@odata.context"].as_str().unwrap().ends_with(
        "/v1.0/$metadata#Collection(microsoft.graph.accessPackageAssignmentRequestRequirements)"
    ));
    let found = v1["value"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v1}");
    let only = &found[0];
    assert_eq!(only["policyId"], policy.as_str());
    assert_eq!(only["policyDisplayName"], "Initial Policy");
    assert_eq!(only["isApprovalRequiredForAdd"], true);
    assert_eq!(only["isApprovalRequiredForUpdate"], false);
    assert_eq!(only["allowCustomAssignmentSchedule"], false);
    assert_eq!(only["isRequestorJustificationRequired"], false);
    assert_eq!(only["questions"][0]["text"], "What is your display name");
    assert_eq!(only["schedule"]["expiration"]["duration"], "P30D");
    assert_eq!(only["schedule"]["expiration"]["type"], "afterDuration");

    // beta's shape: its approval names and its questions' text object.
    let beta = send_as(&app, &as_user, Method::POST, &path("/beta"), None)
        .await
        .expect(200);
    let only = &beta["value"][0];
    assert_eq!(only["policyId"], policy.as_str());
    assert_eq!(only["isApprovalRequired"], true);
    assert_eq!(only["isApprovalRequiredForExtension"], false);
    assert_eq!(only["existingAnswers"], json!([]));
    assert_eq!(
        only["questions"][0]["text"]["defaultText"],
        "What is your display name"
    );
    assert_eq!(only.get("isApprovalRequiredForAdd"), None);

    // beta's example 2: an administrator asks for a user.
    let for_user = app
        .post(
            &path("/beta"),
            &json!({"subject": {"objectId": story.user}}),
        )
        .await
        .expect(200);
    assert_eq!(for_user["value"][0]["policyId"], policy.as_str());
}

#[actix_web::test]
async fn no_policy_for_the_caller_is_an_empty_collection_and_no_package_is_404() {
    let app = spawn_app().await;
    let story = story(&app, "no-requirements").await;
    let path = format!(
        "{V1}/accessPackages/{}/getApplicablePolicyRequirements",
        story.package
    );
    // Only the direct policy: nothing a user may ask through.
    let as_user = token_for("no-requirements-user@contoso.com", &story.user);
    let none = send_as(&app, &as_user, Method::POST, &path, None)
        .await
        .expect(200);
    assert_eq!(none["value"], json!([]));
    // A guest is not a member user, whom the self-service policy admits.
    let approver = create_user(&app, "no-requirements-approver").await;
    requestable(&app, &story, &approver).await;
    let guest = app
        .post(USERS, &json!({"accountEnabled": true, "displayName": "Guest", "mailNickname": "g_fabrikam.com",
            "userPrincipalName": "g_fabrikam.com#EXT#@contoso.onmicrosoft.com", "mail": "g@fabrikam.com",
            "userType": "Guest"}))
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let for_guest = app
        .post(&path, &json!({"subject": {"objectId": guest}}))
        .await
        .expect(200);
    assert_eq!(for_guest["value"], json!([]));
    let missing = app
        .post(
            &format!("{V1}/accessPackages/00000000-0000-0000-0000-000000000009/getApplicablePolicyRequirements"),
            &Value::Null,
        )
        .await
        .expect(404);
    assert_eq!(missing["error"]["code"], "ResourceNotFound");
}

/// Onboards `group` into `catalog`.
async fn onboard(app: &TestApp, catalog: &str, group: &str) {
    id_of(&app
        .post(&format!("{V1}/resourceRequests"), &json!({"requestType": "adminAdd",
            "resource": {"originId": group, "originSystem": "AadGroup"}, "catalog": {"id": catalog}}))
        .await);
}

#[actix_web::test]
async fn a_package_moves_to_a_catalog_holding_its_resources_and_keeps_its_members() {
    let app = spawn_app().await;
    let story = story(&app, "mover").await;
    let assigned = app
        .post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
        .await
        .expect(201);
    assert_eq!(
        state(&app, assigned["id"].as_str().unwrap()).await,
        "delivered"
    );
    let target = new_catalog(&app, "mover-target").await;
    let move_path = format!("{BETA}/accessPackages/{}/moveToCatalog", story.package);

    // Not onboarded there yet: refused, nothing moves.
    let refused = app
        .post(&move_path, &json!({"catalogId": target}))
        .await
        .expect(400);
    assert_eq!(
        refused["error"]["message"],
        "The resources in the access package must be present in the target catalog."
    );
    let package = app
        .get(&format!(
            "{V1}/accessPackages/{}?$expand=catalog",
            story.package
        ))
        .await
        .expect(200);
    assert_eq!(package["catalog"]["id"], story.catalog.as_str());

    onboard(&app, &target, &story.group).await;
    let moved = app.post(&move_path, &json!({"catalogId": target})).await;
    assert_eq!(moved.status.as_u16(), 200);
    assert!(moved.body.is_empty());
    let beta = app
        .get(&format!("{BETA}/accessPackages/{}", story.package))
        .await
        .expect(200);
    assert_eq!(beta["catalogId"], target.as_str());
    let listed = app
        .get(&format!("{V1}/catalogs/{target}/accessPackages"))
        .await
        .expect(200);
    assert_eq!(listed["value"][0]["id"], story.package.as_str());
    // Its role scope names the target catalog's role of the same group.
    let scopes = app
        .get(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes?$expand=role($expand=resource),scope",
            story.package
        ))
        .await
        .expect(200);
    let role = &scopes["value"][0]["role"];
    assert_eq!(role["originId"], format!("Member_{}", story.group));
    let target_roles = app
        .get(&format!("{V1}/catalogs/{target}/resourceRoles"))
        .await
        .expect(200);
    assert!(target_roles["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|candidate| candidate["id"] == role["id"]));
    // Its policy and assignment went with it; the member stays a member.
    let policy = app
        .get(&format!(
            "{V1}/assignmentPolicies/{}?$expand=catalog",
            story.policy
        ))
        .await
        .expect(200);
    assert_eq!(policy["catalog"]["id"], target.as_str());
    assert!(members(&app, &story.group).await.contains(&story.user));
    // The old catalog can lose the group now: no package there uses it.
    let again = app.post(&move_path, &json!({"catalogId": target})).await;
    assert_eq!(again.status.as_u16(), 200);
}

#[actix_web::test]
async fn a_move_to_no_catalog_or_without_one_is_refused() {
    let app = spawn_app().await;
    let story = story(&app, "nowhere").await;
    let path = format!("{BETA}/accessPackages/{}/moveToCatalog", story.package);
    let missing = app
        .post(
            &path,
            &json!({"catalogId": "3301434b-99bd-46be-923b-d762c30c8e8b"}),
        )
        .await
        .expect(404);
    assert_eq!(missing["error"]["code"], "ResourceNotFound");
    app.post(&path, &json!({})).await.expect(400);
    app.post(&path, &json!({"catalogId": 7})).await.expect(400);
    // v1.0 has no such action.
    app.post(
        &format!("{V1}/accessPackages/{}/moveToCatalog", story.package),
        &json!({"catalogId": story.catalog}),
    )
    .await
    .expect(400);
}

/// Reference: accesspackage-filterbycurrentuser (v1.0 and beta) and
/// approval-filterbycurrentuser (v1.0): My Access's list of what a user may request, and
/// of what awaits an approver.
#[actix_web::test]
async fn a_user_lists_what_it_may_request_and_an_approver_what_awaits_it() {
    let app = spawn_app().await;
    let story = story(&app, "mine").await;
    let closed = story_with(&app, "not-mine", direct_policy()).await;
    let approver = create_user(&app, "mine-approver").await;
    requestable(&app, &story, &approver).await;
    let as_user = token_for("mine-user@contoso.com", &story.user);
    for version in [V1, BETA] {
        let listed = send_as(
            &app,
            &as_user,
            Method::GET,
            &format!("{version}/accessPackages/filterByCurrentUser(on='allowedRequestor')"),
            None,
        )
        .await
        .expect(200);
        let ids: Vec<&str> = listed["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|package| package["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [story.package.as_str()], "{version}");
        assert!(!ids.contains(&closed.package.as_str()));
    }
    let wrong = send_as(
        &app,
        &as_user,
        Method::GET,
        &format!("{V1}/accessPackages/filterByCurrentUser(on='target')"),
        None,
    )
    .await
    .expect(400);
    assert!(wrong["error"]["message"]
        .as_str()
        .unwrap()
        .contains("allowedRequestor"));

    // The user asks; the approver finds it among the approvals awaiting them.
    let id = id_of(
        &send_as(
            &app,
            &as_user,
            Method::POST,
            &format!("{V1}/assignmentRequests"),
            Some(&json!({"requestType": "userAdd", "assignment": {"accessPackageId": story.package},
                "answers": [{"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": "me",
                    "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
                        "id": question(&app).await}}]})),
        )
        .await,
    );
    assert_eq!(state(&app, &id).await, "pendingApproval");
    let as_approver = token_for("mine-approver@contoso.com", &approver);
    let awaiting = send_as(
        &app,
        &as_approver,
        Method::GET,
        &format!("{V1}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')"),
        None,
    )
    .await
    .expect(200);
    assert_eq!(awaiting["value"].as_array().unwrap().len(), 1);
    assert_eq!(awaiting["value"][0]["id"], id.as_str());
    let none = send_as(
        &app,
        &as_user,
        Method::GET,
        &format!("{V1}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')"),
        None,
    )
    .await
    .expect(200);
    assert_eq!(none["value"], json!([]));
}

/// The id the service gave the self-service policy's question.
async fn question(app: &TestApp) -> String {
    let policies = app
        .get(&query(
            &format!("{V1}/assignmentPolicies"),
            "$filter=displayName eq 'Initial Policy'&$expand=questions",
        ))
        .await
        .expect(200);
    policies["value"][0]["questions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
