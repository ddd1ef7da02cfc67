//! Entitlement Management's settings (reference: entitlementmanagementsettings-get,
//! entitlementmanagementsettings-update, v1.0 and beta): one object per tenant at
//! `/settings`, and what it says becomes of an external user whose last assignment ends.

use serde_json::{json, Value};

use crate::helpers::*;

const SETTINGS_V1: &str = "/v1.0/identityGovernance/entitlementManagement/settings";
const SETTINGS_BETA: &str = "/beta/identityGovernance/entitlementManagement/settings";

#[actix_web::test]
async fn a_new_tenants_settings_read_in_each_versions_shape() {
    let app = spawn_app().await;
    let v1 = app.get(SETTINGS_V1).await.expect(200);
    assert_eq!(
        v1,
        json!({
            "@odata.context": format!("{}/v1.0/$metadata#identityGovernance/entitlementManagement/settings", app.address),
            "id": "singleton",
            "externalUserLifecycleAction": "blockSignInAndDelete",
            "durationUntilExternalUserDeletedAfterBlocked": "P30D"
        })
    );
    let beta = app.get(SETTINGS_BETA).await.expect(200);
    assert_eq!(
        beta,
        json!({
            "@odata.context": format!("{}/beta/$metadata#identityGovernance/entitlementManagement/settings", app.address),
            "externalUserLifecycleAction": "BlockSignInAndDelete",
            "daysUntilExternalUserDeletedAfterBlocked": 30
        })
    );
}

#[actix_web::test]
async fn the_documented_update_is_204_in_both_versions_and_reads_back() {
    let app = spawn_app().await;
    // The page's body, the same in both versions (v1.0's copy spells beta's member).
    app.patch(SETTINGS_V1, &json!({"externalUserLifecycleAction": "None"}))
        .await
        .expect(204);
    assert_eq!(
        app.get(SETTINGS_V1).await.expect(200)["externalUserLifecycleAction"],
        "none"
    );
    app.patch(
        SETTINGS_BETA,
        &json!({"externalUserLifecycleAction": "BlockSignIn", "daysUntilExternalUserDeletedAfterBlocked": 4}),
    )
    .await
    .expect(204);
    let v1 = app.get(SETTINGS_V1).await.expect(200);
    assert_eq!(v1["externalUserLifecycleAction"], "blockSignIn");
    assert_eq!(v1["durationUntilExternalUserDeletedAfterBlocked"], "P4D");
    // The v1.0 GET page's example values, sent back as a client that read them would.
    app.patch(
        SETTINGS_V1,
        &json!({"externalUserLifecycleAction": "blockSignInAndDelete", "durationUntilExternalUserDeletedAfterBlocked": "P4D"}),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get(SETTINGS_BETA).await.expect(200)["externalUserLifecycleAction"],
        "BlockSignInAndDelete"
    );
}

#[actix_web::test]
async fn bad_settings_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let before = app.get(SETTINGS_V1).await.expect(200);
    for (url, body, target) in [
        (
            SETTINGS_V1,
            json!({"externalUserLifecycleAction": "deleteAtOnce"}),
            "externalUserLifecycleAction",
        ),
        (
            SETTINGS_V1,
            json!({"durationUntilExternalUserDeletedAfterBlocked": "P1M"}),
            "durationUntilExternalUserDeletedAfterBlocked",
        ),
        (
            SETTINGS_V1,
            json!({"durationUntilExternalUserDeletedAfterBlocked": 4}),
            "durationUntilExternalUserDeletedAfterBlocked",
        ),
        (
            SETTINGS_BETA,
            json!({"daysUntilExternalUserDeletedAfterBlocked": -1}),
            "daysUntilExternalUserDeletedAfterBlocked",
        ),
    ] {
        let refused = app.patch(url, &body).await.expect(400);
        // Graph names the property: a wrong value in details, a wrong type in the message.
        assert!(refused.to_string().contains(target), "{refused}");
    }
    // Not a set: nothing to create, delete or address by key.
    app.post(SETTINGS_V1, &json!({})).await.expect(405);
    app.delete(SETTINGS_V1).await.expect(405);
    let keyed = app
        .get(&format!("{SETTINGS_V1}/singleton"))
        .await
        .expect(400);
    assert_eq!(
        keyed["error"]["message"],
        "Resource not found for the segment 'singleton'."
    );
    assert_eq!(app.get(SETTINGS_V1).await.expect(200), before);
}

/// Example 5 of "Create accessPackageAssignmentRequest": invites a guest; its user id and
/// assignment id.
async fn invite(app: &TestApp, story: &Story, email: &str) -> (String, String) {
    let request = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "AdminAdd", "accessPackageAssignment": {
                "target": {"email": email},
                "assignmentPolicyId": story.policy, "accessPackageId": story.package}}),
        )
        .await
        .expect(201);
    let assignment = app
        .get(&format!(
            "{V1}/assignmentRequests/{}?$expand=assignment",
            request["id"].as_str().unwrap()
        ))
        .await
        .expect(200)["assignment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let guest = app
        .get(&query(USERS, &format!("$filter=mail eq '{email}'")))
        .await
        .expect(200)["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (guest, assignment)
}

async fn remove(app: &TestApp, assignment: &str) {
    let request = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminRemove", "assignment": {"id": assignment}}),
        )
        .await
        .expect(201);
    assert_eq!(
        state(app, request["id"].as_str().unwrap()).await,
        "delivered"
    );
}

/// A guest's `accountEnabled`, and its beta subject's `subjectLifecycle` and
/// `cleanupScheduledDateTime`.
async fn guest(app: &TestApp, id: &str) -> (Value, Value, Value) {
    let user = app.get(&format!("{USERS}/{id}")).await.expect(200);
    let subject = app
        .get(&format!("{BETA}/subjects(objectId='{id}')"))
        .await
        .expect(200);
    (
        user["accountEnabled"].clone(),
        subject["subjectLifecycle"].clone(),
        subject["cleanupScheduledDateTime"].clone(),
    )
}

#[actix_web::test]
async fn an_invited_guests_last_assignment_ending_blocks_it_then_deletes_it() {
    let app = spawn_app().await;
    let story = story(&app, "lifecycle").await;
    app.patch(
        SETTINGS_V1,
        &json!({"durationUntilExternalUserDeletedAfterBlocked": "P4D"}),
    )
    .await
    .expect(204);
    let (megan, assignment) = invite(&app, &story, "megan@fabrikam.com").await;
    assert_eq!(
        guest(&app, &megan).await,
        (json!(true), json!("governed"), Value::Null)
    );

    remove(&app, &assignment).await;
    let now = app.get("/_emulator/clock").await.expect(200)["now"].clone();
    let (enabled, lifecycle, cleanup) = guest(&app, &megan).await;
    assert_eq!((enabled, lifecycle), (json!(false), json!("governed")));
    let cleanup = cleanup
        .as_str()
        .expect("a deletion is scheduled")
        .to_owned();
    // Four days after the removal, as the settings said then.
    let removed_at = time::OffsetDateTime::parse(
        now.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let scheduled =
        time::OffsetDateTime::parse(&cleanup, &time::format_description::well_known::Rfc3339)
            .unwrap();
    let after = scheduled - removed_at;
    assert!(
        after > time::Duration::days(4) - time::Duration::minutes(1)
            && after <= time::Duration::days(4),
        "{after}"
    );

    advance_clock(&app, "P3D").await;
    app.get(&format!("{USERS}/{megan}")).await.expect(200);
    advance_clock(&app, "P1D").await;
    app.get(&format!("{USERS}/{megan}")).await.expect(404);
    // Its history stays: the assignment expired, the subject no longer scheduled.
    let ended = app
        .get(&format!("{V1}/assignments/{assignment}"))
        .await
        .expect(200);
    assert_eq!(ended["state"], "expired");
    let subject = app
        .get(&format!("{BETA}/subjects(objectId='{megan}')"))
        .await
        .expect(200);
    assert_eq!(subject["cleanupScheduledDateTime"], Value::Null);
}

#[actix_web::test]
async fn the_settings_action_decides_and_a_new_assignment_lets_the_guest_back_in() {
    let app = spawn_app().await;
    let story = story(&app, "actions").await;
    // None: nothing happens.
    app.patch(SETTINGS_V1, &json!({"externalUserLifecycleAction": "None"}))
        .await
        .expect(204);
    let (kept, assignment) = invite(&app, &story, "kept@fabrikam.com").await;
    remove(&app, &assignment).await;
    assert_eq!(
        guest(&app, &kept).await,
        (json!(true), json!("governed"), Value::Null)
    );

    // beta's BlockSignIn: blocked, never deleted.
    app.patch(
        SETTINGS_BETA,
        &json!({"externalUserLifecycleAction": "BlockSignIn"}),
    )
    .await
    .expect(204);
    let (blocked, assignment) = invite(&app, &story, "blocked@fabrikam.com").await;
    remove(&app, &assignment).await;
    assert_eq!(
        guest(&app, &blocked).await,
        (json!(false), json!("governed"), Value::Null)
    );

    // The default, block then delete; a new assignment before the deletion undoes both.
    app.patch(
        SETTINGS_V1,
        &json!({"externalUserLifecycleAction": "blockSignInAndDelete"}),
    )
    .await
    .expect(204);
    let (back, assignment) = invite(&app, &story, "back@fabrikam.com").await;
    // A second assignment: ending one of two leaves the guest as it is.
    let other = story_with(&app, "actions-2", direct_policy()).await;
    let second = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": back,
                "assignmentPolicyId": other.policy, "accessPackageId": other.package}}),
        )
        .await
        .expect(201);
    assert_eq!(
        state(&app, second["id"].as_str().unwrap()).await,
        "delivered"
    );
    remove(&app, &assignment).await;
    assert_eq!(
        guest(&app, &back).await,
        (json!(true), json!("governed"), Value::Null)
    );
    let second = app
        .get(&query(
            &format!("{V1}/assignments"),
            &format!("$filter=target/objectId eq '{back}' and state eq 'delivered'"),
        ))
        .await
        .expect(200)["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    remove(&app, &second).await;
    let (enabled, _, cleanup) = guest(&app, &back).await;
    assert_eq!(enabled, json!(false));
    assert!(cleanup.is_string());
    let again = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": back,
                "assignmentPolicyId": story.policy, "accessPackageId": story.package}}),
        )
        .await
        .expect(201);
    assert_eq!(
        state(&app, again["id"].as_str().unwrap()).await,
        "delivered"
    );
    assert_eq!(
        guest(&app, &back).await,
        (json!(true), json!("governed"), Value::Null)
    );
    advance_clock(&app, "P31D").await;
    app.get(&format!("{USERS}/{back}")).await.expect(200);
    // The blocked guest of before is still there, still blocked: BlockSignIn deletes no one.
    assert_eq!(guest(&app, &blocked).await.0, json!(false));
}

#[actix_web::test]
async fn a_guest_the_directory_had_is_governed_only_once_an_administrator_says_so() {
    let app = spawn_app().await;
    let story = story(&app, "governed").await;
    let alice = app
        .post(
            USERS,
            &json!({"accountEnabled": true, "displayName": "Alice", "mailNickname": "alice_fabrikam.com",
                "userPrincipalName": "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com",
                "mail": "alice@fabrikam.com", "userType": "Guest"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let assign = |target: String| {
        json!({"requestType": "adminAdd", "assignment": {"targetId": target,
            "assignmentPolicyId": story.policy, "accessPackageId": story.package}})
    };
    let first = app
        .post(&format!("{V1}/assignmentRequests"), &assign(alice.clone()))
        .await
        .expect(201);
    assert_eq!(
        state(&app, first["id"].as_str().unwrap()).await,
        "delivered"
    );
    assert_eq!(
        guest(&app, &alice).await,
        (json!(true), json!("notGoverned"), Value::Null)
    );
    let assignment = first["id"].as_str().unwrap().to_owned();
    remove(&app, &assignment).await;
    assert_eq!(
        guest(&app, &alice).await,
        (json!(true), json!("notGoverned"), Value::Null)
    );

    // The v1.0 update page's request.
    app.patch(
        &format!("{V1}/subjects(objectId='{alice}')"),
        &json!({"subjectLifecycle": "governed"}),
    )
    .await
    .expect(204);
    let again = app
        .post(&format!("{V1}/assignmentRequests"), &assign(alice.clone()))
        .await
        .expect(201);
    assert_eq!(
        state(&app, again["id"].as_str().unwrap()).await,
        "delivered"
    );
    let assignment = app
        .get(&query(
            &format!("{V1}/assignments"),
            &format!("$filter=target/objectId eq '{alice}' and state eq 'delivered'"),
        ))
        .await
        .expect(200)["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    remove(&app, &assignment).await;
    let (enabled, lifecycle, cleanup) = guest(&app, &alice).await;
    assert_eq!((enabled, lifecycle), (json!(false), json!("governed")));
    assert!(cleanup.is_string());
}

#[actix_web::test]
async fn a_subject_is_updated_by_object_id_even_before_any_request() {
    let app = spawn_app().await;
    let user = create_user(&app, "never-asked").await;
    let by_object = format!("{BETA}/subjects(objectId='{user}')");
    app.get(&by_object).await.expect(404);
    app.patch(&by_object, &json!({"subjectLifecycle": "notGoverned"}))
        .await
        .expect(204);
    let subject = app.get(&by_object).await.expect(200);
    assert_eq!(subject["subjectLifecycle"], "notGoverned");
    assert_eq!(subject["objectId"], user.as_str());

    // Only the lifecycle changes; a wrong value or an unknown object is refused.
    let refused = app
        .patch(&by_object, &json!({"subjectLifecycle": "forever"}))
        .await
        .expect(400);
    assert_eq!(refused["error"]["details"][0]["target"], "subjectLifecycle");
    // Read-only properties are ignored, as on every PATCH.
    app.patch(&by_object, &json!({"displayName": "someone else"}))
        .await
        .expect(204);
    app.patch(
        &format!(
            "{V1}/subjects(objectId='{}')",
            "00000000-0000-0000-0000-000000000001"
        ),
        &json!({"subjectLifecycle": "governed"}),
    )
    .await
    .expect(404);
    assert_eq!(app.get(&by_object).await.expect(200), subject);
}
