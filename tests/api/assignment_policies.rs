//! Assignment policies as Terraform azuread 3.x, the documentation and the SDKs use them:
//! beta and v1.0 shapes over one store, PUT as full replacement, the defaults the service
//! fills, the policy reached through its package.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const BETA_POLICIES: &str =
    "/beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies";
const V1_POLICIES: &str = "/v1.0/identityGovernance/entitlementManagement/assignmentPolicies";

/// Terraform's `simple` acceptance test body (reference §3.3), verbatim.
fn terraform_minimal(package: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentPolicy",
        "accessPackageId": package, "canExtend": false,
        "description": "Test Access Package Assignnment Policy 1", "displayName": "acctest-policy",
        "durationInDays": 0, "expirationDateTime": null, "questions": []})
}

/// Terraform's `complete` acceptance test body (reference §3.3), verbatim but for ids.
fn terraform_complete(package: &str, g1: &str, g2: &str, requestors: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentPolicy",
     "accessPackageId": package,
     "accessReviewSettings": {
        "accessReviewTimeoutBehavior": "acceptAccessRecommendation",
        "durationInDays": 10, "isAccessRecommendationEnabled": true,
        "isApprovalJustificationRequired": false, "isEnabled": true,
        "recurrenceType": "annual", "reviewerType": "Reviewers",
        "reviewers": [{"@odata.type": "#microsoft.graph.groupMembers", "id": g1, "isBackup": false}],
        "startDateTime": null},
     "canExtend": true, "description": "complete", "displayName": "acctest-complete",
     "durationInDays": 0, "expirationDateTime": "2096-09-23T01:02:03Z",
     "questions": [
       {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "isRequired": true, "sequence": 1,
        "text": {"defaultText": "Hello Why", "localizedTexts": [{"languageCode": "CN", "text": "Hello why CN?"},
                                                              {"languageCode": "FR", "text": "Hello why BE?"}]}},
       {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "isRequired": false, "sequence": 2,
        "choices": [{"actualValue": "a", "displayValue": {"defaultText": "AA",
                     "localizedTexts": [{"languageCode": "CN", "text": "AAB"}]}}],
        "text": {"defaultText": "Hello Why again", "localizedTexts": []}}],
     "requestApprovalSettings": {
        "approvalStages": [
          {"approvalStageTimeOutInDays": 14,
           "escalationApprovers": [{"@odata.type": "#microsoft.graph.groupMembers", "id": g2, "isBackup": false}],
           "escalationTimeInMinutes": 11520, "isApproverJustificationRequired": true, "isEscalationEnabled": true,
           "primaryApprovers": [{"@odata.type": "#microsoft.graph.requestorManager", "isBackup": false}]},
          {"approvalStageTimeOutInDays": 14, "escalationApprovers": [],
           "escalationTimeInMinutes": null, "isApproverJustificationRequired": null, "isEscalationEnabled": null,
           "primaryApprovers": [{"@odata.type": "#microsoft.graph.groupMembers", "id": g2, "isBackup": false},
                                {"@odata.type": "#microsoft.graph.groupMembers", "id": g1, "isBackup": true}]}],
        "isApprovalRequired": true, "isApprovalRequiredForExtension": true, "isRequestorJustificationRequired": true},
     "requestorSettings": {
        "acceptRequests": true,
        "allowedRequestors": [{"@odata.type": "#microsoft.graph.groupMembers", "id": requestors, "isBackup": false}],
        "scopeType": "SpecificDirectorySubjects"}})
}

async fn new_package(app: &TestApp, name: &str) -> String {
    app.create_beta_package(name).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The entity without what the service stamps (id, audit).
fn content(mut entity: Value) -> Value {
    for stamped in [
        "@odata.context",
        "id",
        "createdBy",
        "createdDateTime",
        "modifiedBy",
        "modifiedDateTime",
    ] {
        entity.as_object_mut().unwrap().remove(stamped);
    }
    entity
}

#[actix_web::test]
async fn terraform_minimal_policy_gets_the_defaults_the_service_fills() {
    let app = spawn_app().await;
    let package = new_package(&app, "with policy").await;
    let created = app.post(BETA_POLICIES, &terraform_minimal(&package)).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    assert!(created.header("location").ends_with(&format!(
        "/accessPackageAssignmentPolicies/{}",
        created.json()["id"].as_str().unwrap()
    )));
    let body = created.json();
    assert!(body["@odata.context"].as_str().unwrap().ends_with("/beta/$metadata#identityGovernance/entitlementManagement/accessPackageAssignmentPolicies/$entity"));
    assert_eq!(body["createdBy"], "admin@contoso.onmicrosoft.com");
    assert_graph_timestamp(&body["createdDateTime"]);
    assert_eq!(
        content(body.clone()),
        json!({"accessPackageId": package, "displayName": "acctest-policy",
            "description": "Test Access Package Assignnment Policy 1", "canExtend": false,
            "durationInDays": 0, "expirationDateTime": null,
            "requestorSettings": {"scopeType": "NoSubjects", "acceptRequests": true, "allowedRequestors": []},
            "requestApprovalSettings": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false,
                "isRequestorJustificationRequired": false, "approvalMode": "NoApproval", "approvalStages": []},
            "accessReviewSettings": null, "questions": []})
    );
    let read = app
        .get(&format!("{BETA_POLICIES}/{}", body["id"].as_str().unwrap()))
        .await;
    read.expect(200);
    assert_eq!(read.json(), body);
}

#[actix_web::test]
async fn terraform_complete_policy_round_trips_and_put_replaces_it_whole() {
    let app = spawn_app().await;
    let package = new_package(&app, "complete").await;
    // Approvers, reviewers and requestors must be in the directory.
    let (g1, g2, requestors) = (
        create_group(&app, "approvers").await,
        create_group(&app, "escalation").await,
        create_group(&app, "requestors").await,
    );
    let (g1, g2, requestors) = (g1.as_str(), g2.as_str(), requestors.as_str());
    let mut body = terraform_complete(&package, g1, g2, "99999999-0000-0000-0000-000000000009");
    let error = app
        .post(BETA_POLICIES, &body)
        .await
        .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(error["details"][0]["target"], "specificAllowedTargets");
    assert_eq!(
        error["details"][0]["message"],
        "No group with id '99999999-0000-0000-0000-000000000009' exists."
    );
    body = terraform_complete(&package, g1, g2, requestors);
    let created = app.post(BETA_POLICIES, &body).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let path = format!("{BETA_POLICIES}/{id}");
    let read = app.get(&path).await.json();

    // What Terraform's Read compares: verbatim where it compares verbatim.
    assert_eq!(read["expirationDateTime"], "2096-09-23T01:02:03Z");
    assert_eq!(read["canExtend"], true);
    assert_eq!(read["durationInDays"], 0);
    assert_eq!(
        read["requestorSettings"],
        json!({"scopeType": "SpecificDirectorySubjects", "acceptRequests": true,
        "allowedRequestors": [{"@odata.type": "#microsoft.graph.groupMembers", "isBackup": false, "id": requestors, "description": null}]})
    );
    let approval = &read["requestApprovalSettings"];
    assert_eq!(approval["isApprovalRequired"], true);
    assert_eq!(approval["isApprovalRequiredForExtension"], true);
    assert_eq!(approval["isRequestorJustificationRequired"], true);
    assert_eq!(
        approval["approvalMode"], "Serial",
        "inferred from two stages"
    );
    let stages = approval["approvalStages"].as_array().unwrap();
    assert_eq!(stages[0]["approvalStageTimeOutInDays"], 14);
    assert_eq!(stages[0]["escalationTimeInMinutes"], 11520);
    assert_eq!(stages[0]["isApproverJustificationRequired"], true);
    assert_eq!(
        stages[0]["primaryApprovers"],
        json!([{"@odata.type": "#microsoft.graph.requestorManager", "isBackup": false, "managerLevel": 1}])
    );
    assert_eq!(stages[0]["escalationApprovers"][0]["id"], g2);
    assert_eq!(stages[1]["escalationTimeInMinutes"], Value::Null);
    assert_eq!(stages[1]["isEscalationEnabled"], Value::Null);
    assert_eq!(stages[1]["escalationApprovers"], json!([]));
    let approvers = stages[1]["primaryApprovers"].as_array().unwrap();
    assert_eq!(
        (
            approvers[0]["id"].as_str(),
            approvers[0]["isBackup"].as_bool()
        ),
        (Some(g2), Some(false))
    );
    assert_eq!(
        (
            approvers[1]["id"].as_str(),
            approvers[1]["isBackup"].as_bool()
        ),
        (Some(g1), Some(true))
    );
    assert_eq!(
        read["accessReviewSettings"],
        json!({"accessReviewTimeoutBehavior": "acceptAccessRecommendation",
        "durationInDays": 10, "isAccessRecommendationEnabled": true, "isApprovalJustificationRequired": false,
        "isEnabled": true, "recurrenceType": "annual", "reviewerType": "Reviewers",
        "reviewers": [{"@odata.type": "#microsoft.graph.groupMembers", "isBackup": false, "id": g1, "description": null}],
        "startDateTime": null})
    );
    let questions = read["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(
        questions[0]["@odata.type"],
        "#microsoft.graph.accessPackageTextInputQuestion"
    );
    assert!(
        questions[0]["id"].as_str().is_some_and(|id| id.len() == 36),
        "the service assigns question ids"
    );
    assert_eq!(
        questions[0]["text"],
        json!({"defaultText": "Hello Why", "localizedTexts": [
        {"languageCode": "CN", "text": "Hello why CN?"}, {"languageCode": "FR", "text": "Hello why BE?"}]})
    );
    assert_eq!(
        questions[1]["@odata.type"],
        "#microsoft.graph.accessPackageMultipleChoiceQuestion"
    );
    assert_eq!(questions[1]["text"]["localizedTexts"], json!([]));
    assert_eq!(
        questions[1]["choices"],
        json!([{"actualValue": "a", "displayValue": {"defaultText": "AA",
        "localizedTexts": [{"languageCode": "CN", "text": "AAB"}]}}])
    );

    // Terraform's update is a PUT of the same body: 200 and the whole entity.
    let replaced = app.put(&path, &body).await;
    assert_eq!(
        replaced.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&replaced.body)
    );
    assert_eq!(
        replaced.json()["requestorSettings"],
        read["requestorSettings"]
    );
    assert!(replaced.json()["modifiedDateTime"].as_str() > read["modifiedDateTime"].as_str());
    // Full replacement: what the body leaves out goes back to its default.
    let minimal = app.put(&path, &terraform_minimal(&package)).await.json();
    assert_eq!(
        minimal["requestorSettings"],
        json!({"scopeType": "NoSubjects", "acceptRequests": true, "allowedRequestors": []})
    );
    assert_eq!(minimal["accessReviewSettings"], Value::Null);
    assert_eq!(minimal["expirationDateTime"], Value::Null);
    assert_eq!(
        minimal["requestApprovalSettings"]["approvalStages"],
        json!([])
    );
    assert_eq!(minimal["createdDateTime"], read["createdDateTime"]);

    // Top-level PATCH is not served, as on Graph: PUT is the update.
    let patched = app.patch(&path, &json!({"displayName": "x"})).await;
    patched.assert_graph_error(405, "Request_BadRequest");
    assert_eq!(patched.header("allow"), "GET, PUT, DELETE");

    assert_eq!(app.delete(&path).await.status.as_u16(), 204);
    for _ in 0..5 {
        app.get(&path)
            .await
            .assert_graph_error(404, "ResourceNotFound");
    }
}

#[actix_web::test]
async fn one_store_each_version_in_its_own_shape() {
    let app = spawn_app().await;
    let package = new_package(&app, "both versions").await;
    let user = &create_user(&app, "requestor").await;

    // v1.0's documented direct-assignment policy, read through beta.
    let v1_body = json!({"displayName": "New Policy", "description": "policy for assignment",
        "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
        "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"},
        "requestorSettings": {"enableTargetsToSelfAddAccess": false, "enableTargetsToSelfUpdateAccess": false,
            "enableTargetsToSelfRemoveAccess": false, "allowCustomAssignmentSchedule": true,
            "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []},
        "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []},
        "accessPackage": {"id": package}});
    let created = app.post(V1_POLICIES, &v1_body).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let v1 = created.json();
    assert_eq!(v1["automaticRequestSettings"], Value::Null);
    assert_eq!(v1["reviewSettings"], Value::Null);
    assert_eq!(
        v1["requestorSettings"]["allowCustomAssignmentSchedule"],
        true
    );
    assert!(
        v1.get("questions").is_none(),
        "a navigation in v1.0: only with $expand"
    );
    assert!(v1.get("accessPackageId").is_none() && v1.get("canExtend").is_none());
    let beta = app
        .get(&format!("{BETA_POLICIES}/{}", v1["id"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(beta["accessPackageId"], package.as_str());
    assert_eq!(beta["requestorSettings"]["scopeType"], "NoSubjects");
    assert_eq!(beta["durationInDays"], 0);
    assert_eq!(
        beta["requestApprovalSettings"]["approvalMode"],
        "NoApproval"
    );
    assert_eq!(beta["questions"], json!([]));

    // beta's self-service policy, read through v1.0; enum values in any case.
    let created = app
        .post(BETA_POLICIES, &json!({"accessPackageId": package, "displayName": "Specific users",
            "description": "Specific users can request assignment", "durationInDays": 30,
            "requestorSettings": {"scopeType": "specificdirectorysubjects", "acceptRequests": true,
                "allowedRequestors": [{"@odata.type": "#microsoft.graph.singleUser", "isBackup": false,
                    "id": user, "description": "Requestor1"}]},
            "requestApprovalSettings": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false,
                "isRequestorJustificationRequired": false, "approvalMode": "noapproval", "approvalStages": []}}))
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let beta = created.json();
    assert_eq!(
        beta["requestorSettings"]["scopeType"],
        "SpecificDirectorySubjects"
    );
    assert_eq!(
        beta["requestApprovalSettings"]["approvalMode"],
        "NoApproval"
    );
    assert_eq!(beta["durationInDays"], 30);
    let v1 = app
        .get(&format!(
            "{V1_POLICIES}/{}?$expand=questions",
            beta["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(v1["allowedTargetScope"], "specificDirectoryUsers");
    assert_eq!(
        v1["specificAllowedTargets"],
        json!([{"@odata.type": "#microsoft.graph.singleUser", "userId": user, "description": "Requestor1"}])
    );
    assert_eq!(
        v1["expiration"],
        json!({"endDateTime": null, "duration": "P30D", "type": "afterDuration"})
    );
    assert_eq!(v1["questions"], json!([]));
    assert_eq!(
        v1["requestApprovalSettings"],
        json!({"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false,
        "isRequestorJustificationRequired": false, "stages": []})
    );
}

#[actix_web::test]
async fn policies_through_their_package_and_the_rules_they_follow() {
    let app = spawn_app().await;
    let package = new_package(&app, "navigations").await;
    let other = new_package(&app, "other").await;
    let nested = format!("{BETA}/accessPackages/{package}/accessPackageAssignmentPolicies");

    // Through the package: no accessPackageId needed; a different one is refused.
    let mut body = terraform_minimal(&package);
    body.as_object_mut().unwrap().remove("accessPackageId");
    let created = app.post(&nested, &body).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let policy = created.json();
    assert_eq!(policy["accessPackageId"], package.as_str());
    body["accessPackageId"] = json!(other);
    app.post(&nested, &body)
        .await
        .assert_graph_error(400, "InvalidModel");

    let id = policy["id"].as_str().unwrap();
    let listed = app.get(&nested).await.json();
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    assert!(listed["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with(&format!(
            "accessPackages('{package}')/accessPackageAssignmentPolicies"
        )));
    // The generated SDKs PATCH the item through the package.
    let item = format!("{nested}/{id}");
    assert_eq!(
        app.patch(&item, &json!({"displayName": "renamed"}))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(app.get(&item).await.json()["displayName"], "renamed");
    app.get(&format!(
        "{BETA}/accessPackages/{other}/accessPackageAssignmentPolicies/{id}"
    ))
    .await
    .assert_graph_error(404, "ResourceNotFound");

    // The package of a policy cannot change; a missing package is named.
    let path = format!("{BETA_POLICIES}/{id}");
    let error = app
        .put(&path, &terraform_minimal(&other))
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(error["details"][0]["target"], "accessPackageId");
    let missing = "99999999-0000-0000-0000-000000000000";
    let error = app
        .post(BETA_POLICIES, &terraform_minimal(missing))
        .await
        .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(
        error["details"][0]["message"],
        format!("No accessPackage with id '{missing}' exists.")
    );
    app.post(BETA_POLICIES, &json!({"displayName": "no package"}))
        .await
        .assert_graph_error(400, "InvalidModel");

    // Filters and expansions both ways.
    for (path, filter) in [
        (
            BETA_POLICIES.to_owned(),
            format!("accessPackageId eq '{package}'"),
        ),
        (
            BETA_POLICIES.to_owned(),
            format!("(accessPackage/id eq '{package}')"),
        ),
        (
            V1_POLICIES.to_owned(),
            format!("accessPackage/id eq '{package}' and displayName eq 'renamed'"),
        ),
    ] {
        let found = app
            .get(&format!("{path}?$filter={}", filter.replace(' ', "%20")))
            .await
            .json();
        assert_eq!(
            found["value"].as_array().map(Vec::len),
            Some(1),
            "{filter}: {found}"
        );
    }
    let expanded = app
        .get(&format!(
            "{path}?$expand=accessPackage($select=id),accessPackageCatalog($select=id)"
        ))
        .await
        .json();
    assert_eq!(expanded["accessPackage"], json!({"id": package}));
    assert_eq!(expanded["accessPackageCatalog"], json!({"id": GENERAL}));
    let catalog = app
        .get(&format!("{path}/accessPackageCatalog"))
        .await
        .json();
    assert_eq!(catalog["id"], GENERAL);
    let owner = app
        .get(&format!("{V1_POLICIES}/{id}/accessPackage"))
        .await
        .json();
    assert_eq!(owner["id"], package.as_str());
    let v1 = app
        .get(&format!(
            "{V1_POLICIES}/{id}?$expand=catalog($select=displayName)"
        ))
        .await
        .json();
    assert_eq!(v1["catalog"], json!({"displayName": "General"}));
    let packages = app
        .get(&format!(
            "{V1}/accessPackages?$expand=assignmentPolicies($select=id)&$orderby=displayName"
        ))
        .await
        .json();
    assert_eq!(
        packages["value"][0]["assignmentPolicies"],
        json!([{"id": id}])
    );
    assert_eq!(
        packages["value"][1]["assignmentPolicies"],
        json!([]),
        "none: []"
    );

    // Contained: deleting the package deletes its policies.
    assert_eq!(
        send(
            app.request(Method::DELETE, &format!("{BETA}/accessPackages/{package}")),
            None
        )
        .await
        .status
        .as_u16(),
        204
    );
    app.get(&path)
        .await
        .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(app.count_rows("assignment_policies").await, 0);
}
