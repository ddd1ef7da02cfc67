//! One world for every example: built once through the API, exported, and seeded into
//! each example's emulator.

use std::collections::HashMap;

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// The ids of the world, by what they are.
pub struct World {
    ids: HashMap<&'static str, String>,
    pub fixture: Value,
}

impl World {
    pub fn id(&self, kind: &str) -> &str {
        self.ids.get(kind).map_or("", String::as_str)
    }
}

/// The world, built once through the API, exported for each example's emulator.
pub async fn build_world() -> World {
    let app = spawn_app().await;
    let approver = create_user(&app, "approver").await;
    let mut policy = approval_policy(&approver);
    policy["allowedTargetScope"] = json!("allMemberUsers");
    let story = story_with(&app, "world", direct_policy()).await;
    let sponsor = create_user(&app, "sponsor").await;
    let resources = app
        .get(&format!(
            "{V1}/catalogs/{}/resources?$expand=roles,scopes",
            story.catalog
        ))
        .await
        .expect(200);
    let resource = &resources["value"][0];
    let role_scopes = app
        .get(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes",
            story.package
        ))
        .await
        .expect(200);
    let other = id_of(
        &app.post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": "other", "catalog": {"id": story.catalog}}),
        )
        .await,
    );
    // A second policy on the package: approved by the approver, for users themselves.
    policy["accessPackage"] = json!({"id": story.package});
    let approval = id_of(&app.post(&format!("{V1}/assignmentPolicies"), &policy).await);
    let delivered = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(state(&app, &delivered).await, "delivered");
    let assignment = app
        .get(&format!(
            "{V1}/assignmentRequests/{delivered}?$expand=assignment"
        ))
        .await
        .expect(200)["assignment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let asker = create_user(&app, "asker").await;
    let asking = token_for("asker@contoso.com", &asker);
    let pending = id_of(
        &send_as(
            &app,
            &asking,
            Method::POST,
            &format!("{V1}/assignmentRequests"),
            Some(
                &json!({"requestType": "userAdd", "assignment": {"assignmentPolicyId": approval,
                "accessPackageId": story.package}}),
            ),
        )
        .await,
    );
    let stage = app
        .get(&format!(
            "{V1}/accessPackageAssignmentApprovals/{pending}/stages"
        ))
        .await
        .expect(200)["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let organization = id_of(
        &app.post(
            &format!("{V1}/connectedOrganizations"),
            &json!({"displayName": "Fabrikam", "description": "partner", "state": "configured",
                "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource",
                    "domainName": "fabrikam.com", "displayName": "fabrikam.com"}]}),
        )
        .await,
    );
    for side in ["internalSponsors", "externalSponsors"] {
        app.post(
            &format!("{V1}/connectedOrganizations/{organization}/{side}/$ref"),
            &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{sponsor}")}),
        )
        .await
        .expect(204);
    }
    // The user holds the other package too, from before the two were made incompatible:
    // what additionalAccess finds.
    let mut both = direct_policy();
    both["displayName"] = json!("other");
    both["accessPackage"] = json!({"id": other});
    let both = id_of(&app.post(&format!("{V1}/assignmentPolicies"), &both).await);
    let second = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": story.user,
                "assignmentPolicyId": both, "accessPackageId": other}}),
        )
        .await,
    );
    assert_eq!(state(&app, &second).await, "delivered");
    app.post(
        &format!("{V1}/accessPackages/{}/incompatibleAccessPackages/$ref", story.package),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/{other}")}),
    )
    .await
    .expect(204);
    let extension = id_of(
        &app.post(
            &format!("{V1}/catalogs/{}/customWorkflowExtensions", story.catalog),
            &json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
                "displayName": "world", "description": "world",
                "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint",
                    "targetUrl": "http://127.0.0.1:9/trigger"},
                "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"}}),
        )
        .await,
    );
    // A request held by a launch-and-wait extension at its created stage.
    let receiver = Receiver::start().await;
    let waits = id_of(
        &app.post(
            &format!("{V1}/catalogs/{}/customWorkflowExtensions", story.catalog),
            &json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
                "displayName": "waits", "description": "waits",
                "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint",
                    "targetUrl": receiver.url},
                "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
                "callbackConfiguration": {"durationBeforeTimeout": "P1D"}}),
        )
        .await,
    );
    let mut held = direct_policy();
    held["displayName"] = json!("held");
    held["accessPackage"] = json!({"id": story.package});
    held["customExtensionStageSettings"] =
        json!([{"stage": "assignmentRequestCreated", "customExtension": {"id": waits}}]);
    let held = id_of(&app.post(&format!("{V1}/assignmentPolicies"), &held).await);
    let waiter = create_user(&app, "waiter").await;
    let waiting = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": waiter,
                "assignmentPolicyId": held, "accessPackageId": story.package}}),
        )
        .await,
    );
    let instance = app
        .get(&format!("{V1}/assignmentRequests/{waiting}"))
        .await
        .expect(200)["customExtensionCalloutInstances"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let role_assignment = id_of(
        &app.post(
            "/v1.0/roleManagement/entitlementManagement/roleAssignments",
            &json!({"appScopeId": format!("/AccessPackageCatalog/{}", story.catalog),
                "directoryScopeId": "/", "principalId": story.user,
                "roleDefinitionId": "ae79f266-94d4-4dab-b730-feca7e132178"}),
        )
        .await,
    );
    let resource_request = app.get(&format!("{V1}/resourceRequests")).await.expect(200)["value"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("{BETA}/accessPackageResourceRequests"),
        &json!({"catalogId": story.catalog, "requestType": "AdminAdd", "accessPackageResource":
            {"originId": "https://contoso.sharepoint.com/sites/Sales", "originSystem": "SharePointOnline"}}),
    )
    .await
    .expect(201);
    let environment = app
        .get(&format!("{BETA}/accessPackageResourceEnvironments"))
        .await
        .expect(200)["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let subject = app
        .get(&format!("{V1}/assignments/{assignment}?$expand=target"))
        .await
        .expect(200)["target"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A request whose delivery failed, for reprocess: failed on demand before it moves.
    let unlucky = create_user(&app, "unlucky").await;
    let failing = app
        .request(Method::POST, &format!("{V1}/assignmentRequests"))
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("x-emulator-delivery", "fail"));
    let body = json!({"requestType": "adminAdd", "assignment": {"targetId": unlucky,
        "assignmentPolicyId": story.policy, "accessPackageId": story.package}});
    let failed = id_of(&send(failing, Some(body.to_string().into())).await);
    assert_eq!(state(&app, &failed).await, "deliveryFailed");
    // Spares: what a create, a link or a delete can take without meeting what is held.
    let spare_user = create_user(&app, "spare").await;
    let spare_sponsor = create_user(&app, "spare-sponsor").await;
    let spare_group = create_group(&app, "spare-group").await;
    let linked_group = create_group(&app, "linked-group").await;
    let spare_catalog = new_catalog(&app, "spare").await;
    let spare_package = id_of(
        &app.post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": "spare", "catalog": {"id": story.catalog}}),
        )
        .await,
    );
    let mut spare_policy = direct_policy();
    spare_policy["displayName"] = json!("spare");
    spare_policy["accessPackage"] = json!({"id": story.package});
    let spare_policy = id_of(
        &app.post(&format!("{V1}/assignmentPolicies"), &spare_policy)
            .await,
    );
    app.post(
        &format!("{V1}/resourceRequests"),
        &json!({"requestType": "adminAdd", "resource": {"originId": spare_group, "originSystem": "AadGroup"},
            "catalog": {"id": story.catalog}}),
    )
    .await
    .expect(201);
    app.post(
        &format!(
            "{V1}/accessPackages/{}/incompatibleGroups/$ref",
            story.package
        ),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/groups/{linked_group}")}),
    )
    .await
    .expect(204);
    app.post(
        &format!("{V1}/accessPackages/{other}/incompatibleAccessPackages/$ref"),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/{}", story.package)}),
    )
    .await
    .expect(204);
    let onboarded = app
        .get(&format!(
            "{V1}/catalogs/{}/resources?$expand=scopes",
            story.catalog
        ))
        .await
        .expect(200);
    let find = |system: &str, origin: &str| {
        onboarded["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["originSystem"] == system && (origin.is_empty() || r["originId"] == origin))
            .cloned()
            .unwrap()
    };
    let site = find("SharePointOnline", "");
    let spare_resource = find("AadGroup", &spare_group);
    let spare_roles = app
        .get(
            &format!(
                "{V1}/catalogs/{}/resources/{}/roles?$filter=displayName eq 'Member'",
                story.catalog,
                spare_resource["id"].as_str().unwrap()
            )
            .replace(' ', "%20"),
        )
        .await
        .expect(200);
    let fixture = app.get("/_emulator/export").await.expect(200);
    let ids = HashMap::from([
        ("user", story.user),
        ("approver", approver),
        ("sponsor", sponsor),
        ("group", story.group),
        ("catalog", story.catalog),
        ("package", story.package),
        ("other_package", other),
        ("policy", story.policy),
        ("request", delivered),
        ("assignment", assignment),
        ("pending", pending),
        ("waiting", waiting),
        ("instance", instance),
        ("stage", stage),
        ("organization", organization),
        ("resource", resource["id"].as_str().unwrap().to_owned()),
        (
            "role",
            resource["roles"][0]["id"].as_str().unwrap().to_owned(),
        ),
        (
            "scope",
            resource["scopes"][0]["id"].as_str().unwrap().to_owned(),
        ),
        (
            "role_scope",
            role_scopes["value"][0]["id"].as_str().unwrap().to_owned(),
        ),
        ("extension", extension),
        ("role_assignment", role_assignment),
        ("resource_request", resource_request),
        ("environment", environment),
        ("subject", subject),
        ("tenant", "00000000-0000-4000-8000-000000000e11".to_owned()),
        ("spare_user", spare_user),
        ("spare_sponsor", spare_sponsor),
        ("spare_group", spare_group),
        ("linked_group", linked_group),
        ("spare_catalog", spare_catalog),
        ("spare_package", spare_package),
        ("spare_policy", spare_policy),
        (
            "spare_resource",
            spare_resource["id"].as_str().unwrap().to_owned(),
        ),
        (
            "spare_role",
            spare_roles["value"][0]["id"].as_str().unwrap().to_owned(),
        ),
        (
            "spare_scope",
            spare_resource["scopes"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
        ("failed", failed),
        ("site", site["originId"].as_str().unwrap().to_owned()),
        ("site_resource", site["id"].as_str().unwrap().to_owned()),
        (
            "site_scope",
            site["scopes"][0]["id"].as_str().unwrap().to_owned(),
        ),
    ]);
    World { ids, fixture }
}
