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
