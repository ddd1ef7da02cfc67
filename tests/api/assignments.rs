//! Assignment requests and assignments, as the docs and tutorials run them (reference:
//! elm-surface §2, §3; elm-clients §5.3, §5.4, §5.8): from a request to delivered access,
//! group membership as its effect, and removal taking it away, in both versions.

use awc::http::Method;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn v1_admin_add_delivers_a_group_membership_and_admin_remove_takes_it_away() {
    let app = spawn_app().await;
    let story = story(&app, "sales").await;
    let created = app
        .post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    assert_eq!(created.header("Content-Type"), ODATA_JSON);
    let request = created.json();
    let id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("Location"),
        format!("{}{V1}/assignmentRequests/{id}", app.address)
    );
    // The real 201: submitted, accepted, not yet dated, the default schedule.
    assert_eq!(
        request,
        json!({
        "@odata.context": format!("{}/v1.0/$metadata#identityGovernance/entitlementManagement/assignmentRequests/$entity", app.address),
        "id": id, "requestType": "adminAdd", "state": "submitted", "status": "Accepted", "justification": null,
        "schedule": {"startDateTime": null, "recurrence": null,
            "expiration": {"endDateTime": null, "duration": null, "type": "notSpecified"}},
        "answers": [], "createdDateTime": null, "completedDateTime": null,
        // The v1.0 create page's response ends with it too.
        "customExtensionCalloutInstances": []})
    );

    // The next read: delivered, dated, and the assignment is there with the request's id.
    let read = app
        .get(&format!(
            "{V1}/assignmentRequests/{id}?$expand=assignment($expand=target),accessPackage"
        ))
        .await
        .json();
    assert_eq!(read["state"], "delivered");
    assert_eq!(read["status"], "Delivered");
    assert_graph_timestamp(&read["createdDateTime"]);
    assert_graph_timestamp(&read["completedDateTime"]);
    assert_eq!(read["assignment"]["id"], id.as_str());
    assert_eq!(
        read["assignment"]["target"]["objectId"],
        story.user.as_str()
    );
    assert_eq!(read["accessPackage"]["id"], story.package.as_str());
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);

    // The docs' filters: by package and target (any case), by state in any case.
    let assignments = format!("{V1}/assignments");
    let found = app
        .get(&query(
            &assignments,
            &format!(
        "$expand=accessPackage,target&$filter=accessPackage/id eq '{}' and target/objectid eq '{}'",
        story.package, story.user),
        ))
        .await
        .json();
    let found = found["value"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["state"], "delivered");
    assert_eq!(found[0]["schedule"]["expiration"]["type"], "noExpiration");
    assert_eq!(found[0]["target"]["subjectType"], "user");
    assert_eq!(found[0]["target"]["subjectLifecycle"], "governed");
    let delivered = app
        .get(&query(&assignments, "$filter=state eq 'Delivered'"))
        .await
        .json();
    assert_eq!(delivered["value"].as_array().unwrap().len(), 1);

    // Removal (ex.2): the assignment ends, stays listed as expired, the member is gone.
    let removal = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminRemove", "assignment": {"id": id}}),
        )
        .await;
    assert_eq!(
        removal.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&removal.body)
    );
    assert_eq!(removal.json()["state"], "submitted");
    let ended = app.get(&format!("{assignments}/{id}")).await.json();
    assert_eq!(ended["state"], "expired");
    assert_eq!(ended["status"], "Expired");
    assert_graph_timestamp(&ended["expiredDateTime"]);
    assert_eq!(members(&app, &story.group).await, Vec::<String>::new());
    let delivered = app
        .get(&query(&assignments, "$filter=state eq 'delivered'"))
        .await
        .json();
    assert_eq!(delivered["value"], json!([]));
    app.post(
        &format!("{V1}/assignmentRequests"),
        &json!({"requestType": "adminRemove", "assignment": {"id": id}}),
    )
    .await
    .assert_graph_error(400, "InvalidRequest");

    // Direct writes of assignments are not served; only requests make and end them.
    for (method, path) in [
        (Method::POST, assignments.clone()),
        (Method::DELETE, format!("{assignments}/{id}")),
        (Method::PATCH, format!("{assignments}/{id}")),
    ] {
        let response = send(
            app.request(method.clone(), &path)
                .insert_header(("Content-Type", "application/json")),
            Some("{}".into()),
        )
        .await;
        assert_eq!(response.status.as_u16(), 405, "{method} {path}");
    }
    // Ended access does not hold the package; finished requests may be deleted.
    assert_eq!(
        app.delete(&format!("{V1}/assignmentRequests/{id}"))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(
        app.delete(&format!("{V1}/assignmentPolicies/{}", story.policy))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(
        app.delete(&format!("{V1}/accessPackages/{}", story.package))
            .await
            .status
            .as_u16(),
        204
    );
}

#[actix_web::test]
async fn beta_tutorial_user_add_is_delivered_and_cleaned_up_in_the_tutorials_order() {
    let app = spawn_app().await;
    let story = story(&app, "marketing").await;
    let upn = "marketing-user@contoso.com";
    // Step 7: the tutorial's beta policy, the user as the one allowed requestor.
    let policy = id_of(&app.post(&format!("{BETA}/accessPackageAssignmentPolicies"), &json!({
        "accessPackageId": story.package, "displayName": "Specific users",
        "description": "Specific users can request assignment", "durationInDays": 30,
        "requestorSettings": {"scopeType": "SpecificDirectorySubjects", "acceptRequests": true,
            "allowedRequestors": [{"@odata.type": "#microsoft.graph.singleUser", "isBackup": false,
                "id": story.user, "description": "Requestor1"}]},
        "requestApprovalSettings": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false,
            "isRequestorJustificationRequired": false, "approvalMode": "NoApproval", "approvalStages": []}})).await);
    // Step 8: the user asks for it themselves.
    let token = token_for(upn, &story.user);
    let requests = format!("{BETA}/accessPackageAssignmentRequests");
    let body = json!({"requestType": "UserAdd", "accessPackageAssignment": {"targetId": story.user,
        "assignmentPolicyId": policy, "accessPackageId": story.package}});
    let created = send_as(&app, &token, Method::POST, &requests, Some(&body)).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let request = created.json();
    let id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(
        request,
        json!({
        "@odata.context": format!("{}/beta/$metadata#identityGovernance/entitlementManagement/accessPackageAssignmentRequests/$entity", app.address),
        "id": id, "requestType": "UserAdd", "requestState": "Submitted", "requestStatus": "Accepted",
        "justification": null,
        "schedule": {"startDateTime": null, "recurrence": null, "expiration": {"endDateTime": null, "duration": null, "type": null}},
        "answers": [], "isValidationOnly": false, "expirationDateTime": null, "createdDateTime": null, "completedDate": null,
        "customExtensionCalloutInstances": []})
    );
    // Step 9, through the alias the beta docs move to.
    let read = app
        .get(&format!("{BETA}/assignmentRequests/{id}?$expand=requestor"))
        .await
        .json();
    assert_eq!(read["requestState"], "Delivered");
    assert_eq!(read["requestor"]["objectId"], story.user.as_str());
    assert_eq!(read["requestor"]["type"], "User");
    // Step 10: the tutorial's filter, in its spelling.
    let assignments = format!("{BETA}/accessPackageAssignments");
    let listed = app
        .get(&query(
            &assignments,
            &format!("$filter=(AccessPackageAssignmentPolicy/Id eq '{policy}')&$expand=target"),
        ))
        .await
        .json();
    let assignment = &listed["value"][0];
    assert_eq!(assignment["assignmentState"], "Delivered");
    assert_eq!(assignment["assignmentStatus"], "Delivered");
    assert_eq!(assignment["catalogId"], story.catalog.as_str());
    assert_eq!(assignment["accessPackageId"], story.package.as_str());
    assert_eq!(assignment["isExtended"], false);
    assert_eq!(
        assignment["targetId"], assignment["target"]["id"],
        "beta's targetId is the subject's id"
    );
    assert_eq!(
        assignment["schedule"]["expiration"]["type"],
        "afterDuration"
    );
    assert_eq!(assignment["schedule"]["expiration"]["duration"], "P30D");
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
    // Step 11: the policy and package cannot go while the assignment holds them.
    app.delete(&format!("{BETA}/accessPackageAssignmentPolicies/{policy}"))
        .await
        .assert_graph_error(400, "InvalidDeletePolicyHasAssignments");
    app.delete(&format!("{BETA}/accessPackages/{}", story.package))
        .await
        .assert_graph_error(400, "InvalidDeleteAccessPackageHasAssignments");
    let removal = app
        .post(
            &requests,
            &json!({"requestType": "AdminRemove",
        "accessPackageAssignment": {"id": assignment["id"]}}),
        )
        .await;
    assert_eq!(
        removal.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&removal.body)
    );
    assert_eq!(members(&app, &story.group).await, Vec::<String>::new());
    assert_eq!(
        app.delete(&format!("{BETA}/accessPackageAssignmentPolicies/{policy}"))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(
        app.delete(&format!(
            "{BETA}/accessPackageAssignmentPolicies/{}",
            story.policy
        ))
        .await
        .status
        .as_u16(),
        204
    );
    assert_eq!(
        app.delete(&format!("{BETA}/accessPackages/{}", story.package))
            .await
            .status
            .as_u16(),
        204
    );
    // What went with the package: its requests and ended assignments.
    assert_eq!(app.count_rows("assignment_requests").await, 0);
    assert_eq!(app.count_rows("assignments").await, 0);
}

/// A filter on a navigation's property is false, never unknown, for a row whose key is
/// null: `not (requestor/objectId eq …)` keeps the requests an application made (they
/// have no requestor), as `not` over OData's two-valued logic must.
#[actix_web::test]
async fn not_naming_a_requestor_keeps_the_requests_no_user_made() {
    let app = spawn_app().await;
    let story = story(&app, "no-requestor").await;
    // The default token names no user: an application's request, with no requestor.
    let made = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    let listed = |filter: String| {
        let app = &app;
        async move {
            let page = app
                .get(&query(&format!("{V1}/assignmentRequests"), &filter))
                .await
                .json();
            page["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|request| request["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // The user is a subject (the request's target), so the lookup finds a row.
    let user = &story.user;
    assert!(listed(format!("$filter=requestor/objectId eq '{user}'"))
        .await
        .is_empty());
    assert_eq!(
        listed(format!("$filter=not(requestor/objectId eq '{user}')")).await,
        vec![made.clone()]
    );
    assert_eq!(
        listed(format!("$filter=not(requestor/objectId in ('{user}'))")).await,
        vec![made]
    );
}
