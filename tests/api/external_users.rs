//! Users from other organizations (reference: entitlementmanagement-post-assignmentrequests
//! example 5, entitlementmanagement-post-assignmentpolicies example 2, accesspackagesubject):
//! a request for someone the directory does not know invites them as a guest; policies
//! for connected organizations' users admit guests by the organization their mail's
//! domain belongs to; a subject shows where it came from.

use serde_json::{json, Value};

use crate::helpers::*;

/// Reference example 2 of "Create assignmentPolicy" (v1.0), its approvals dropped (the
/// stages' approvers are ids of the docs' tenant) and its package filled in.
fn connected_organization_users(package: &str) -> Value {
    json!({
        "displayName": "policy for external access requests",
        "description": "policy for users from connected organizations to request access, with two stages of approval.",
        "allowedTargetScope": "allConfiguredConnectedOrganizationUsers",
        "specificAllowedTargets": [],
        "expiration": {"type": "noExpiration"},
        "requestorSettings": {
            "enableTargetsToSelfAddAccess": true, "enableTargetsToSelfUpdateAccess": true,
            "enableTargetsToSelfRemoveAccess": true, "allowCustomAssignmentSchedule": false,
            "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []
        },
        "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []},
        "accessPackage": {"id": package}
    })
}

async fn organization(app: &TestApp, domain: &str, state: &str) -> String {
    let created = app
        .post(
            &format!("{V1}/connectedOrganizations"),
            &json!({"displayName": domain, "state": state, "identitySources": [
                {"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": domain, "displayName": domain}]}),
        )
        .await
        .expect(201);
    created["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn an_administrator_invites_a_user_the_directory_does_not_know() {
    let app = spawn_app().await;
    let story = story(&app, "invite").await;
    let fabrikam = organization(&app, "fabrikam.com", "configured").await;
    // Example 5 as the v1.0 page prints it: beta's names, on v1.0.
    let created = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({
                "requestType": "AdminAdd",
                "accessPackageAssignment": {
                    "target": {"email": "Megan@Fabrikam.com"},
                    "assignmentPolicyId": story.policy,
                    "accessPackageId": story.package
                }
            }),
        )
        .await;
    let request = created.expect(201);
    assert_eq!(request["state"], "submitted");
    assert_eq!(request["status"], "Accepted");
    let id = request["id"].as_str().unwrap();
    assert_eq!(state(&app, id).await, "delivered");

    // The guest, in the directory, and a member of what the package grants.
    let guests = app
        .get(&query(USERS, "$filter=userType eq 'Guest'"))
        .await
        .expect(200);
    let guest = &guests["value"][0];
    assert_eq!(guest["mail"], "Megan@Fabrikam.com");
    assert_eq!(
        guest["userPrincipalName"],
        "Megan_Fabrikam.com#EXT#@contoso.onmicrosoft.com"
    );
    let guest_id = guest["id"].as_str().unwrap();
    assert!(members(&app, &story.group)
        .await
        .contains(&guest_id.to_owned()));

    // Its subject came from the organization of its mail's domain.
    let assignments = app
        .get(&query(
            &format!("{V1}/assignments"),
            &format!("$filter=target/objectId eq '{guest_id}'&$expand=target($expand=connectedOrganization)"),
        ))
        .await
        .expect(200);
    let target = &assignments["value"][0]["target"];
    assert_eq!(target["email"], "Megan@Fabrikam.com");
    assert_eq!(target["connectedOrganization"]["id"], fabrikam.as_str());
    assert_eq!(
        target["connectedOrganization"]["displayName"],
        "fabrikam.com"
    );
    let beta = app
        .get(&format!("{BETA}/subjects(objectId='{guest_id}')"))
        .await
        .expect(200);
    assert_eq!(beta["connectedOrganizationId"], fabrikam.as_str());

    // Deleting the organization leaves the subject, which forgets it.
    app.delete(&format!("{V1}/connectedOrganizations/{fabrikam}"))
        .await
        .expect(204);
    let beta = app
        .get(&format!("{BETA}/subjects(objectId='{guest_id}')"))
        .await
        .expect(200);
    assert_eq!(beta["connectedOrganizationId"], Value::Null);
}

#[actix_web::test]
async fn connected_organization_policies_admit_guests_by_their_organization() {
    let app = spawn_app().await;
    let story = story(&app, "partners").await;
    let policy = app
        .post(
            &format!("{V1}/assignmentPolicies"),
            &connected_organization_users(&story.package),
        )
        .await
        .expect(201);
    let policy = policy["id"].as_str().unwrap();
    organization(&app, "fabrikam.com", "configured").await;
    organization(&app, "tailspin.com", "proposed").await;
    let guest = |mail: &str| {
        json!({"accountEnabled": true, "displayName": mail, "mailNickname": mail.replace('@', "_"),
            "userPrincipalName": format!("{}#EXT#@contoso.onmicrosoft.com", mail.replace('@', "_")),
            "mail": mail, "userType": "Guest"})
    };
    let mut ids = Vec::new();
    for mail in [
        "alice@fabrikam.com",
        "bob@tailspin.com",
        "carol@fabrikam.com",
    ] {
        let created = app.post(USERS, &guest(mail)).await.expect(201);
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let own = |user: &str| {
        json!({"requestType": "userAdd", "assignment": {"targetId": user,
            "assignmentPolicyId": policy, "accessPackageId": story.package}})
    };
    let path = format!("{V1}/assignmentRequests");
    // A guest of a configured organization asks for itself.
    let alice = token_for("alice_fabrikam.com#EXT#@contoso.onmicrosoft.com", &ids[0]);
    let asked = send_as(
        &app,
        &alice,
        awc::http::Method::POST,
        &path,
        Some(&own(&ids[0])),
    )
    .await;
    asked.expect(201);
    // A proposed organization's guest is not in a configured organization.
    let bob = token_for("bob_tailspin.com#EXT#@contoso.onmicrosoft.com", &ids[1]);
    send_as(
        &app,
        &bob,
        awc::http::Method::POST,
        &path,
        Some(&own(&ids[1])),
    )
    .await
    .assert_graph_error(400, "InvalidRequest");
    // A member of this directory is no external user.
    let member = token_for("partners-user@contoso.com", &story.user);
    send_as(
        &app,
        &member,
        awc::http::Method::POST,
        &path,
        Some(&own(&story.user)),
    )
    .await
    .assert_graph_error(400, "InvalidRequest");

    // Naming the organization: specificConnectedOrganizationUsers, by connectedOrganizationMembers.
    let tailspin = app
        .get(&query(
            &format!("{V1}/connectedOrganizations"),
            "$filter=displayName eq 'tailspin.com'",
        ))
        .await
        .expect(200);
    let tailspin = tailspin["value"][0]["id"].as_str().unwrap().to_owned();
    let mut specific = connected_organization_users(&story.package);
    specific["displayName"] = json!("tailspin only");
    specific["allowedTargetScope"] = json!("specificConnectedOrganizationUsers");
    specific["specificAllowedTargets"] = json!([{"@odata.type": "#microsoft.graph.connectedOrganizationMembers",
        "connectedOrganizationId": tailspin, "description": "Tailspin"}]);
    let specific = app
        .post(&format!("{V1}/assignmentPolicies"), &specific)
        .await
        .expect(201);
    let mut bobs = own(&ids[1]);
    bobs["assignment"]["assignmentPolicyId"] = specific["id"].clone();
    send_as(&app, &bob, awc::http::Method::POST, &path, Some(&bobs))
        .await
        .expect(201);
    // beta shows the set with its organization as `id`.
    let beta = app
        .get(&format!(
            "{BETA}/accessPackageAssignmentPolicies/{}",
            specific["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(
        beta["requestorSettings"]["allowedRequestors"][0]["id"],
        tailspin.as_str()
    );
    // An organization that does not exist cannot be named.
    let mut missing = connected_organization_users(&story.package);
    missing["displayName"] = json!("nobody");
    missing["allowedTargetScope"] = json!("specificConnectedOrganizationUsers");
    missing["specificAllowedTargets"] = json!([{"@odata.type": "#microsoft.graph.connectedOrganizationMembers",
        "connectedOrganizationId": "0f0e0d0c-0b0a-4909-8807-060504030201"}]);
    app.post(&format!("{V1}/assignmentPolicies"), &missing)
        .await
        .assert_graph_error(404, "ResourceNotFound");
}

#[actix_web::test]
async fn a_policy_for_all_external_users_proposes_an_organization_for_a_new_domain() {
    let app = spawn_app().await;
    let story = story(&app, "anyone").await;
    let mut everyone = connected_organization_users(&story.package);
    everyone["displayName"] = json!("anyone outside");
    everyone["allowedTargetScope"] = json!("allExternalUsers");
    let everyone = app
        .post(&format!("{V1}/assignmentPolicies"), &everyone)
        .await
        .expect(201);
    let request = json!({"requestType": "adminAdd", "assignment": {"target": {"email": "dan@woodgrove.com"},
        "assignmentPolicyId": everyone["id"], "accessPackageId": story.package}});
    // Checked but not kept: neither the guest nor the organization stays.
    let checked = json!({"requestType": "AdminAdd", "isValidationOnly": true,
        "accessPackageAssignment": {"target": {"email": "dan@woodgrove.com"},
        "assignmentPolicyId": everyone["id"], "accessPackageId": story.package}});
    app.post(&format!("{BETA}/accessPackageAssignmentRequests"), &checked)
        .await
        .expect(201);
    assert_eq!(app.count_rows("connected_organizations").await, 0);
    assert_eq!(app.count_rows("users").await, 1);

    app.post(&format!("{V1}/assignmentRequests"), &request)
        .await
        .expect(201);
    let proposed = app
        .get(&format!("{BETA}/connectedOrganizations"))
        .await
        .expect(200);
    assert_eq!(proposed["value"][0]["displayName"], "woodgrove.com");
    assert_eq!(proposed["value"][0]["state"], "proposed");
    assert_eq!(
        proposed["value"][0]["identitySources"],
        json!([{"@odata.type": "#microsoft.graph.domainIdentitySource",
            "displayName": "woodgrove.com", "domainName": "woodgrove.com"}])
    );
    // Not an address: 400 naming it.
    let mut bad = request.clone();
    bad["assignment"]["target"]["email"] = json!("dan at woodgrove");
    let error = app
        .post(&format!("{V1}/assignmentRequests"), &bad)
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(error["details"][0]["target"], "assignment.target.email");
}
