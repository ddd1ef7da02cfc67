//! Custom extensions called out to, for real: a local HTTP receiver stands in for the
//! Logic App (reference: accesspackageassignmentrequest-resume examples 1 and 2,
//! customextensioncalloutinstance, the quickstart templates' trigger schema).

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// A request extension pointed at `url`; `wait` makes it launch-and-wait.
async fn new_extension(app: &TestApp, catalog: &str, url: &str, wait: bool) -> String {
    let mut body = extension_body("accessPackageAssignmentRequestWorkflowExtension", url);
    if wait {
        body["callbackConfiguration"] = json!({
            "@odata.type": "microsoft.graph.customExtensionCallbackConfiguration",
            "durationBeforeTimeout": "PT1H"});
    }
    app.post(
        &format!("{V1}/catalogs/{catalog}/customWorkflowExtensions"),
        &body,
    )
    .await
    .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An extension of derived type `kind` calling `url`.
fn extension_body(kind: &str, url: &str) -> Value {
    json!({
        "@odata.type": format!("#microsoft.graph.{kind}"),
        "displayName": "sod-check", "description": "local receiver",
        "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint", "targetUrl": url},
        "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"}
    })
}

/// The story's policy, calling `extension` at `stage`.
async fn call_at(app: &TestApp, story: &Story, stage: &str, extension: &str) {
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["customExtensionStageSettings"] =
        json!([{"stage": stage, "customExtension": {"id": extension}}]);
    app.put(
        &format!("{V1}/assignmentPolicies/{}", story.policy),
        &policy,
    )
    .await
    .expect(200);
}

async fn request(app: &TestApp, id: &str) -> Value {
    app.get(&format!("{V1}/assignmentRequests/{id}"))
        .await
        .expect(200)
}

#[actix_web::test]
async fn a_request_waits_for_its_extension_and_goes_on_when_resumed() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let story = story(&app, "callout").await;
    let extension = new_extension(&app, &story.catalog, &receiver.url, true).await;
    call_at(&app, &story, "assignmentRequestCreated", &extension).await;
    let id = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );

    // The next request to the emulator moves it: the callout is sent, the request waits.
    let waiting = request(&app, &id).await;
    assert_eq!(waiting["state"], "submitted");
    assert_eq!(waiting["status"], "WaitingForCallback");
    let instance = &waiting["customExtensionCalloutInstances"][0];
    assert_eq!(instance["status"], "waitingForCallback");
    assert_eq!(instance["customExtensionId"], extension.as_str());
    let sent = receiver.received();
    assert_eq!(sent.len(), 1);
    let payload = &sent[0];
    assert_eq!(payload["Stage"], "assignmentRequestCreated");
    assert_eq!(payload["AccessPackageAssignmentRequestId"], id.as_str());
    assert_eq!(payload["CustomExtensionStageInstanceId"], instance["id"]);
    assert_eq!(payload["AccessPackage"]["Id"], story.package.as_str());
    assert_eq!(
        payload["Assignment"]["Target"]["ObjectId"],
        story.user.as_str()
    );
    assert_eq!(
        payload["CallbackConfiguration"]["DurationBeforeTimeout"],
        "PT1H"
    );
    let callback = payload["CallbackUriPath"].as_str().unwrap();
    assert_eq!(
        callback,
        format!("/identityGovernance/entitlementManagement/assignmentRequests/{id}/resume")
    );
    // Nothing is delivered while it waits.
    assert!(!members(&app, &story.group).await.contains(&story.user));

    // Example 1 of the resume page, posted where CallbackUriPath says (beta, as the
    // dynamic-approval page's Logic App does).
    app.post(
        &format!("/beta{callback}"),
        &json!({
            "source": "Contoso.SodCheckProcess",
            "type": "microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated",
            "data": {
                "@odata.type": "microsoft.graph.accessPackageAssignmentRequestCallbackData",
                "stage": "assignmentRequestCreated",
                "customExtensionStageInstanceId": instance["id"],
                "customExtensionStageInstanceDetail": "This user is all verified"
            }
        }),
    )
    .await
    .expect(204);
    assert_eq!(state(&app, &id).await, "delivered");
    let done = request(&app, &id).await;
    assert_eq!(
        done["customExtensionCalloutInstances"][0]["status"],
        "callbackReceived"
    );
    assert_eq!(
        done["customExtensionCalloutInstances"][0]["detail"],
        "This user is all verified"
    );
    assert!(members(&app, &story.group).await.contains(&story.user));
    // Once answered, the callout cannot be answered again.
    app.post(
        &format!("{V1}/assignmentRequests/{id}/resume"),
        &json!({"data": {"customExtensionStageInstanceId": instance["id"]}}),
    )
    .await
    .expect(400);
}

#[actix_web::test]
async fn a_resume_denies_and_an_unanswered_callout_times_out() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let story = story(&app, "denied").await;
    let extension = new_extension(&app, &story.catalog, &receiver.url, true).await;
    call_at(&app, &story, "assignmentRequestCreated", &extension).await;
    let first = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    let instance = request(&app, &first).await["customExtensionCalloutInstances"][0]["id"].clone();

    // Example 2: resume and deny (its stage in PascalCase, its state in lower case).
    app.post(
        &format!("{V1}/assignmentRequests/{first}/resume"),
        &json!({
            "source": "Contoso.SodCheckProcess",
            "type": "microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated",
            "data": {
                "@odata.type": "microsoft.graph.accessPackageAssignmentRequestCallbackData",
                "stage": "AssignmentRequestCreated",
                "customExtensionStageInstanceId": instance,
                "state": "denied",
                "customExtensionStageInstanceDetail": "Potential risk user based on the SOD check"
            }
        }),
    )
    .await
    .expect(204);
    let denied = request(&app, &first).await;
    assert_eq!(denied["state"], "denied");
    assert_eq!(denied["status"], "Denied");

    // A second request nobody answers: after the callback's hour, it has failed.
    let second = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(request(&app, &second).await["status"], "WaitingForCallback");
    advance_clock(&app, "PT59M").await;
    assert_eq!(request(&app, &second).await["status"], "WaitingForCallback");
    advance_clock(&app, "PT2M").await;
    let failed = request(&app, &second).await;
    assert_eq!(failed["state"], "deliveryFailed");
    assert_eq!(
        failed["customExtensionCalloutInstances"][0]["status"],
        "callbackTimedOut"
    );
    assert!(!members(&app, &story.group).await.contains(&story.user));
    assert_eq!(receiver.received().len(), 2);

    // An id no callout has, and a request that waits for nothing.
    app.post(
        &format!("{V1}/assignmentRequests/{second}/resume"),
        &json!({"data": {"customExtensionStageInstanceId": "00000000-0000-0000-0000-0000000000f1"}}),
    )
    .await
    .expect(404);
    app.post(
        &format!("{V1}/assignmentRequests/{second}/resume"),
        &json!({"data": {}}),
    )
    .await
    .expect(400);
}

#[actix_web::test]
async fn granted_and_removed_stages_are_told_and_an_unreachable_endpoint_fails_the_wait() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let story = story(&app, "told").await;
    let extension = new_extension(&app, &story.catalog, &receiver.url, false).await;
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["customExtensionStageSettings"] = json!([
        {"stage": "assignmentRequestGranted", "customExtension": {"id": extension}},
        {"stage": "assignmentRequestRemoved", "customExtension": {"id": extension}}]);
    app.put(
        &format!("{V1}/assignmentPolicies/{}", story.policy),
        &policy,
    )
    .await
    .expect(200);
    let add = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(state(&app, &add).await, "delivered");
    let granted = request(&app, &add).await;
    assert_eq!(
        granted["customExtensionCalloutInstances"][0]["status"],
        "calloutSent"
    );
    let remove = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminRemove", "assignment": {"id": add}}),
        )
        .await,
    );
    assert_eq!(state(&app, &remove).await, "delivered");
    let stages: Vec<Value> = receiver
        .received()
        .iter()
        .map(|payload| payload["Stage"].clone())
        .collect();
    assert_eq!(
        stages,
        [
            json!("assignmentRequestGranted"),
            json!("assignmentRequestRemoved")
        ]
    );
    assert_eq!(receiver.received()[0]["CallbackUriPath"], Value::Null);
    // Told once the stage is reached: the grant is done.
    assert_eq!(receiver.received()[0]["State"], "delivered");

    // A launch-and-wait extension whose endpoint nobody listens on: the request fails.
    let other = story_with(&app, "unreachable", direct_policy()).await;
    let closed = new_extension(&app, &other.catalog, "http://127.0.0.1:9/trigger", true).await;
    call_at(&app, &other, "assignmentRequestCreated", &closed).await;
    let id = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&other))
            .await,
    );
    request(&app, &id).await;
    let failed = request(&app, &id).await;
    assert_eq!(failed["state"], "deliveryFailed", "{failed}");
    let instance = &failed["customExtensionCalloutInstances"][0];
    assert_eq!(instance["status"], "calloutFailed");
    assert!(instance["detail"].as_str().unwrap().contains("127.0.0.1:9"));
}

#[actix_web::test]
async fn the_last_approval_reaches_the_approved_stage_before_its_answer() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let approver = create_user(&app, "approving-boss").await;
    let story = story_with(&app, "approved-stage", approval_policy(&approver)).await;
    let extension = new_extension(&app, &story.catalog, &receiver.url, false).await;
    let mut policy = approval_policy(&approver);
    policy["accessPackage"] = json!({"id": story.package});
    policy["customExtensionStageSettings"] =
        json!([{"stage": "assignmentRequestApproved", "customExtension": {"id": extension}}]);
    app.put(
        &format!("{V1}/assignmentPolicies/{}", story.policy),
        &policy,
    )
    .await
    .expect(200);
    let requester = token_for("approved-stage-user@contoso.com", &story.user);
    let boss = token_for("approving-boss@contoso.com", &approver);
    let body = json!({"requestType": "userAdd", "assignment": {"accessPackageId": story.package}});
    let requests = format!("{V1}/assignmentRequests");
    let id = id_of(&send_as(&app, &requester, Method::POST, &requests, Some(&body)).await);
    assert_eq!(state(&app, &id).await, "pendingApproval");
    assert!(receiver.received().is_empty());
    let approval = app
        .get(&format!(
            "{V1}/accessPackageAssignmentApprovals/{id}?$expand=stages"
        ))
        .await
        .json();
    let stage = format!(
        "{V1}/accessPackageAssignmentApprovals/{id}/stages/{}",
        approval["stages"][0]["id"].as_str().unwrap()
    );
    let decided = send_as(
        &app,
        &boss,
        Method::PATCH,
        &stage,
        Some(&json!({"reviewResult": "Approve", "justification": "OK"})),
    )
    .await;
    assert_eq!(decided.status.as_u16(), 204);

    // Sent before the decision was answered, with no further call to the emulator.
    let sent = receiver.received();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["Stage"], "assignmentRequestApproved");
    assert_eq!(sent[0]["AccessPackageAssignmentRequestId"], id.as_str());
    let told = request(&app, &id).await;
    assert_eq!(
        told["customExtensionCalloutInstances"][0]["status"],
        "calloutSent"
    );
    assert_eq!(state(&app, &id).await, "delivered");
}

#[actix_web::test]
async fn an_assignment_is_called_out_for_fourteen_days_and_one_day_before_it_expires() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut policy = direct_policy();
    policy["expiration"] = json!({"type": "afterDuration", "duration": "P30D"});
    let story = story_with(&app, "expiring", policy.clone()).await;
    let body = extension_body("accessPackageAssignmentWorkflowExtension", &receiver.url);
    let extension = app
        .post(
            &format!("{V1}/catalogs/{}/customWorkflowExtensions", story.catalog),
            &body,
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    policy["accessPackage"] = json!({"id": story.package});
    policy["customExtensionStageSettings"] = json!([
        {"stage": "assignmentFourteenDaysBeforeExpiration", "customExtension": {"id": extension}},
        {"stage": "assignmentOneDayBeforeExpiration", "customExtension": {"id": extension}}]);
    app.put(
        &format!("{V1}/assignmentPolicies/{}", story.policy),
        &policy,
    )
    .await
    .expect(200);
    let request = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(state(&app, &request).await, "delivered");
    let assignment = app
        .get(&format!(
            "{V1}/assignmentRequests/{request}?$expand=assignment"
        ))
        .await
        .expect(200)["assignment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let instances = || async {
        app.get(&format!("{V1}/assignments/{assignment}"))
            .await
            .expect(200)["customExtensionCalloutInstances"]
            .clone()
    };
    assert_eq!(instances().await, json!([]));
    assert!(receiver.received().is_empty());

    // 17 days on: 13 days left, past the 14-day stage.
    advance_clock(&app, "P17D").await;
    let told = instances().await;
    assert_eq!(told.as_array().unwrap().len(), 1, "{told}");
    assert_eq!(told[0]["status"], "calloutSent");
    assert_eq!(told[0]["customExtensionId"], extension.as_str());
    let sent = receiver.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["Stage"], "assignmentFourteenDaysBeforeExpiration");
    assert_eq!(sent[0]["Assignment"]["Id"], assignment.as_str());
    assert_eq!(sent[0]["CustomExtensionStageInstanceId"], told[0]["id"]);

    // Once per stage: nothing more until a day is left, then the 1-day stage.
    advance_clock(&app, "P11D").await;
    assert_eq!(receiver.received().len(), 1);
    advance_clock(&app, "P1DT1H").await;
    let stages: Vec<Value> = receiver
        .received()
        .iter()
        .map(|payload| payload["Stage"].clone())
        .collect();
    assert_eq!(
        stages,
        [
            json!("assignmentFourteenDaysBeforeExpiration"),
            json!("assignmentOneDayBeforeExpiration")
        ]
    );
    assert_eq!(instances().await.as_array().unwrap().len(), 2);
    // beta's assignment has no such property.
    let beta = app
        .get(&format!("{BETA}/accessPackageAssignments/{assignment}"))
        .await
        .expect(200);
    assert!(
        beta.get("customExtensionCalloutInstances").is_none(),
        "{beta}"
    );

    // A jump past the end of another: both stages are told before it expires.
    let second = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": create_user(&app, "second-expiring").await,
                "assignmentPolicyId": story.policy, "accessPackageId": story.package}}),
        )
        .await,
    );
    assert_eq!(state(&app, &second).await, "delivered");
    advance_clock(&app, "P31D").await;
    assert_eq!(receiver.received().len(), 2 + 2);

    // An assignment of 14 days begins at its 14-day stage: only its last day is told.
    policy["expiration"] = json!({"type": "afterDuration", "duration": "P14D"});
    app.put(
        &format!("{V1}/assignmentPolicies/{}", story.policy),
        &policy,
    )
    .await
    .expect(200);
    let short = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": create_user(&app, "short-lived").await,
                "assignmentPolicyId": story.policy, "accessPackageId": story.package}}),
        )
        .await,
    );
    assert_eq!(state(&app, &short).await, "delivered");
    assert_eq!(receiver.received().len(), 4, "no 14-day stage at its start");
    advance_clock(&app, "P13DT1H").await;
    let last = receiver.received();
    assert_eq!(last.len(), 5);
    assert_eq!(last[4]["Stage"], "assignmentOneDayBeforeExpiration");
}
