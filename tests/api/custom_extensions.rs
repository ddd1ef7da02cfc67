//! Custom workflow extensions (reference: accesspackagecatalog-post- and
//! -list-accesspackagecustomworkflowextensions, accesspackageassignmentrequestworkflowextension-
//! get/update/delete, accesspackageassignmentworkflowextension-get; beta
//! customaccesspackageworkflowextension-*): a catalog's callout endpoints, each of the
//! derived type its `@odata.type` names.

use serde_json::{json, Value};

use crate::helpers::*;

/// The v1.0 page's example 1 (its response shows it inside a `value`, which no client
/// sends; the body is what the SDKs send).
fn request_extension() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
        "displayName": "test_action_0124_email",
        "description": "this is for graph testing only",
        "endpointConfiguration": {
            "@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
            "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d",
            "resourceGroupName": "test",
            "logicAppWorkflowName": "elm-extension-email"
        },
        "authenticationConfiguration": {
            "@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"
        },
        "callbackConfiguration": {
            "@odata.type": "microsoft.graph.customExtensionCallbackConfiguration",
            "durationBeforeTimeout": "PT1H"
        }
    })
}

#[actix_web::test]
async fn the_documented_extensions_are_created_read_replaced_and_deleted() {
    let app = spawn_app().await;
    let catalog = new_catalog(&app, "extensions").await;
    let v1 = format!("{V1}/catalogs/{catalog}/customWorkflowExtensions");
    let created = app.post(&v1, &request_extension()).await;
    let body = created.expect(201);
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(created.header("location").ends_with(&id));
    assert_eq!(
        body["@odata.type"],
        "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension"
    );
    assert_eq!(
        body["callbackConfiguration"]["durationBeforeTimeout"],
        "PT1H"
    );
    assert_eq!(
        body["endpointConfiguration"]["logicAppWorkflowName"],
        "elm-extension-email"
    );
    assert_eq!(body["clientConfiguration"], Value::Null);
    crate::assert_wire_snapshot!("custom_extension_v1_created", body, app);

    // Example 2: the pre-expiration kind, without a callback.
    let mut assignment = request_extension();
    assignment["@odata.type"] = json!("#microsoft.graph.accessPackageAssignmentWorkflowExtension");
    assignment["displayName"] = json!("test_action_0127_email");
    assignment
        .as_object_mut()
        .unwrap()
        .remove("callbackConfiguration");
    let second = app.post(&v1, &assignment).await.expect(201);
    assert_eq!(
        second["@odata.type"],
        "#microsoft.graph.accessPackageAssignmentWorkflowExtension"
    );

    // Listed under both beta names, in beta's shape.
    for name in [
        "accessPackageCustomWorkflowExtensions",
        "customAccessPackageWorkflowExtensions",
    ] {
        let listed = app
            .get(&format!("{BETA}/accessPackageCatalogs/{catalog}/{name}"))
            .await
            .expect(200);
        assert_eq!(listed["value"].as_array().unwrap().len(), 2, "{name}");
        assert!(
            listed["@odata.context"]
                .as_str()
                .unwrap()
                .ends_with(&format!("accessPackageCatalogs('{catalog}')/{name}"))
                || listed["@odata.context"].as_str().unwrap().contains(name)
        );
    }

    // The update page's PUT: what it names replaces the rest, the type stays.
    let replaced = app
        .put(
            &format!("{v1}/{id}"),
            &json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
                "displayName": "test_action_0124_email", "description": "this is for graph testing only",
                "endpointConfiguration": request_extension()["endpointConfiguration"],
                "authenticationConfiguration": request_extension()["authenticationConfiguration"]}),
        )
        .await
        .expect(200);
    assert_eq!(replaced["callbackConfiguration"], Value::Null);
    let read = app.get(&format!("{v1}/{id}")).await.expect(200);
    assert_eq!(read["displayName"], "test_action_0124_email");
    assert_eq!(read["callbackConfiguration"], Value::Null);

    // Deleted through beta's old name.
    app.delete(&format!(
        "{BETA}/accessPackageCatalogs/{catalog}/customAccessPackageWorkflowExtensions/{id}"
    ))
    .await
    .expect(204);
    app.get(&format!("{v1}/{id}")).await.expect(404);
}

#[actix_web::test]
async fn beta_creates_the_first_kind_and_bad_configurations_are_refused() {
    let app = spawn_app().await;
    let catalog = new_catalog(&app, "beta-extensions").await;
    let beta =
        format!("{BETA}/accessPackageCatalogs/{catalog}/customAccessPackageWorkflowExtensions");
    // The beta page's body: no @odata.type, a token authentication with its resource.
    let created = app
        .post(
            &beta,
            &json!({"displayName": "test_action_0124", "description": "this is for graph testing only",
                "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
                    "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d", "resourceGroupName": "EMLogicApp",
                    "logicAppWorkflowName": "customextension_test"},
                "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
                    "resourceId": "f604bd15-f785-4309-ad7c-6fad18ddb6cb"}}),
        )
        .await
        .expect(201);
    assert_eq!(
        created["authenticationConfiguration"]["resourceId"],
        "f604bd15-f785-4309-ad7c-6fad18ddb6cb"
    );

    let v1 = format!("{V1}/catalogs/{catalog}/customWorkflowExtensions");
    for (change, target) in [
        (
            json!({"@odata.type": "#microsoft.graph.somethingElse"}),
            "@odata.type",
        ),
        (
            json!({"endpointConfiguration": {"@odata.type": "#microsoft.graph.ftpEndpoint"}}),
            "endpointConfiguration.@odata.type",
        ),
        (
            json!({"endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint"}}),
            "endpointConfiguration.targetUrl",
        ),
        (
            json!({"callbackConfiguration": {"durationBeforeTimeout": "P1M"}}),
            "callbackConfiguration.durationBeforeTimeout",
        ),
        (
            json!({"authenticationConfiguration": null}),
            "authenticationConfiguration",
        ),
    ] {
        let mut body = request_extension();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let refused = app.post(&v1, &body).await.expect(400);
        assert!(refused.to_string().contains(target), "{target}: {refused}");
    }
    // An extension in no catalog: the catalog must exist.
    app.post(
        &format!("{V1}/catalogs/00000000-0000-0000-0000-0000000000c1/customWorkflowExtensions"),
        &request_extension(),
    )
    .await
    .expect(404);
    let listed = app.get(&v1).await.expect(200);
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
}

/// Example 3 of the v1.0 "Update accessPackageAssignmentPolicy" page, its ids substituted.
fn policy_with_stage(package: &str, extension: &str) -> Value {
    json!({
        "displayName": "API Created policy with updated customExtensionStageSettings",
        "description": "policy with updated customExtensionStageSettings",
        "allowedTargetScope": "notSpecified",
        "specificAllowedTargets": [],
        "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"},
        "requestorSettings": {"enableTargetsToSelfAddAccess": false, "enableTargetsToSelfUpdateAccess": false,
            "enableTargetsToSelfRemoveAccess": false, "allowCustomAssignmentSchedule": true,
            "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []},
        "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []},
        "accessPackage": {"id": package},
        "customExtensionStageSettings": [{
            "stage": "assignmentRequestCreated",
            "customExtension": {
                "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
                "id": extension
            }
        }]
    })
}

#[actix_web::test]
async fn policies_call_extensions_at_stages_written_in_their_body_and_read_with_expand() {
    let app = spawn_app().await;
    let story = story(&app, "staged").await;
    let extension = app
        .post(
            &format!("{V1}/catalogs/{}/customWorkflowExtensions", story.catalog),
            &request_extension(),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let policy = format!("{V1}/assignmentPolicies/{}", story.policy);
    app.put(&policy, &policy_with_stage(&story.package, &extension))
        .await
        .expect(200);
    // Not shown unless asked for, as the pages say.
    let plain = app.get(&policy).await.expect(200);
    assert_eq!(plain.get("customExtensionStageSettings"), None);
    let expanded = app
        .get(&format!(
            "{policy}?$expand=customExtensionStageSettings($expand=customExtension)"
        ))
        .await
        .expect(200);
    let settings = expanded["customExtensionStageSettings"].as_array().unwrap();
    assert_eq!(settings.len(), 1, "{expanded}");
    assert_eq!(settings[0]["stage"], "assignmentRequestCreated");
    assert!(settings[0]["id"].is_string());
    assert_eq!(settings[0]["customExtension"]["id"], extension.as_str());
    assert_eq!(
        settings[0]["customExtension"]["@odata.type"],
        "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension"
    );
    assert_eq!(
        settings[0]["customExtension"]["displayName"],
        "test_action_0124_email"
    );

    // Microsoft365DSC's read of the same policy through beta.
    let dsc = app
        .get(&format!(
            "{BETA}/accessPackageAssignmentPolicies/{}?$expand=customExtensionHandlers($expand=customExtension)",
            story.policy
        ))
        .await
        .expect(200);
    assert_eq!(
        dsc["customExtensionHandlers"][0]["customExtension"]["id"],
        extension.as_str()
    );

    // In use: the extension cannot go until the policy lets it go (the page's rule).
    let extension_url = format!(
        "{V1}/catalogs/{}/customWorkflowExtensions/{extension}",
        story.catalog
    );
    let refused = app.delete(&extension_url).await.expect(400);
    assert_eq!(refused["error"]["code"], "InvalidRequest");
    // A PUT that leaves them out keeps them; an empty list removes them (example 2).
    let mut without = policy_with_stage(&story.package, &extension);
    without
        .as_object_mut()
        .unwrap()
        .remove("customExtensionStageSettings");
    app.put(&policy, &without).await.expect(200);
    app.delete(&extension_url).await.expect(400);
    without["customExtensionStageSettings"] = json!([]);
    app.put(&policy, &without).await.expect(200);
    let expanded = app
        .get(&format!("{policy}?$expand=customExtensionStageSettings"))
        .await
        .expect(200);
    assert_eq!(expanded["customExtensionStageSettings"], json!([]));
    app.delete(&extension_url).await.expect(204);
}

#[actix_web::test]
async fn beta_creates_a_policy_with_handlers_and_an_unknown_extension_is_404() {
    let app = spawn_app().await;
    let story = story(&app, "handlers").await;
    let extension = app
        .post(
            &format!(
                "{BETA}/accessPackageCatalogs/{}/accessPackageCustomWorkflowExtensions",
                story.catalog
            ),
            &request_extension(),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Example 4 of beta's "Create accessPackageAssignmentPolicy".
    let body = |extension: &str| {
        json!({"displayName": "extension-policy", "description": "test", "accessPackageId": story.package,
            "expiration": {"type": "afterDuration", "duration": "P365D"}, "canExtend": false,
            "requestApprovalSettings": null,
            "requestorSettings": {"acceptRequests": true, "scopeType": "AllExistingDirectorySubjects",
                "allowedRequestors": [], "isOnBehalfAllowed": false},
            "accessReviewSettings": null, "questions": [],
            "customExtensionHandlers": [
                {"stage": "assignmentRequestCreated", "customExtension": {"id": extension}},
                {"stage": "assignmentRequestGranted", "customExtension": {"id": extension}}]})
    };
    let created = app
        .post(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            &body(&extension),
        )
        .await
        .expect(201);
    assert_eq!(created.get("customExtensionHandlers"), None);
    let id = created["id"].as_str().unwrap();
    let expanded = app
        .get(&format!(
            "{BETA}/accessPackageAssignmentPolicies/{id}?$expand=customExtensionHandlers"
        ))
        .await
        .expect(200);
    let stages: Vec<&str> = expanded["customExtensionHandlers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|handler| handler["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["assignmentRequestCreated", "assignmentRequestGranted"]
    );

    // No such extension: nothing is created.
    let before = app
        .get(&format!("{BETA}/accessPackageAssignmentPolicies"))
        .await
        .expect(200)["value"]
        .as_array()
        .unwrap()
        .len();
    let missing = app
        .post(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            &body("00000000-0000-0000-0000-0000000000e1"),
        )
        .await
        .expect(404);
    assert_eq!(missing["error"]["code"], "ResourceNotFound");
    let refused = app
        .post(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            &json!({"displayName": "bad stage", "accessPackageId": story.package,
                "customExtensionHandlers": [{"stage": "whenever", "customExtension": {"id": extension}}]}),
        )
        .await
        .expect(400);
    assert!(refused.to_string().contains("stage"), "{refused}");
    let after = app
        .get(&format!("{BETA}/accessPackageAssignmentPolicies"))
        .await
        .expect(200)["value"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}
