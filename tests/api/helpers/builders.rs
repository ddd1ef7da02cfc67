//! What real clients send, built once: the docs' and Terraform's bodies, and the
//! provisioning sequence a request needs around it.

use awc::http::Method;
use serde_json::{json, Value};

use super::*;

impl TestApp {
    /// The seed page's request body, with a display name of the caller's choosing.
    pub async fn create_beta_package(&self, display_name: &str) -> TestResponse {
        self.post(
            &format!("{BETA}/accessPackages"),
            &serde_json::json!({
                "catalogId": GENERAL,
                "displayName": display_name,
                "description": "outside sales representatives"
            }),
        )
        .await
    }
}

/// What a request needs around it: a user, a group onboarded into a catalog, a package
/// granting the group's Member role, and a policy for the package.
pub struct Story {
    pub user: String,
    pub group: String,
    pub catalog: String,
    pub package: String,
    pub policy: String,
}

/// An unsigned JWT naming a user, as `auth.mode = "any"` reads it: the caller of a
/// self-service request or an approval.
pub fn token_for(upn: &str, oid: &str) -> String {
    use base64::Engine;
    let payload = json!({"upn": upn, "oid": oid, "scp": "EntitlementManagement.ReadWrite.All"});
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("Bearer e30.{encoded}.sig")
}

pub async fn send_as(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> TestResponse {
    let request = app
        .request(method, path)
        .insert_header(("Authorization", token))
        .insert_header(("Content-Type", "application/json"));
    send(request, body.map(|body| body.to_string().into())).await
}

pub fn id_of(response: &TestResponse) -> String {
    assert!(
        response.status.is_success(),
        "{}: {}",
        response.status,
        String::from_utf8_lossy(&response.body)
    );
    response.json()["id"].as_str().unwrap().to_owned()
}

/// The v1.0 provisioning sequence (elm-clients §5.8 steps 1–7) with `policy` as the
/// policy body (its `accessPackage` is filled in).
pub async fn story_with(app: &TestApp, name: &str, mut policy: Value) -> Story {
    let user = create_user(app, &format!("{name}-user")).await;
    let group = create_group(app, &format!("{name}-group")).await;
    let catalog = id_of(
        &app.post(&format!("{V1}/catalogs"), &json!({"displayName": name}))
            .await,
    );
    let onboarded = app
        .post(&format!("{V1}/resourceRequests"), &json!({"requestType": "adminAdd",
            "resource": {"originId": group, "originSystem": "AadGroup"}, "catalog": {"id": catalog}}))
        .await;
    id_of(&onboarded);
    let resources = app
        .get(&format!("{V1}/catalogs/{catalog}/resources"))
        .await
        .json();
    let resource = resources["value"][0]["id"].as_str().unwrap().to_owned();
    let package = id_of(
        &app.post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": name, "catalog": {"id": catalog}}),
        )
        .await,
    );
    id_of(&app.post(&format!("{V1}/accessPackages/{package}/resourceRoleScopes"),
        &json!({"role": {"originId": format!("Member_{group}"), "originSystem": "AadGroup",
            "resource": {"id": resource}}, "scope": {"originId": group, "originSystem": "AadGroup"}})).await);
    policy["accessPackage"] = json!({"id": package});
    let policy = id_of(&app.post(&format!("{V1}/assignmentPolicies"), &policy).await);
    Story {
        user,
        group,
        catalog,
        package,
        policy,
    }
}

/// The docs' direct-assignment policy (v1.0 ex.1).
pub fn direct_policy() -> Value {
    json!({"displayName": "New Policy", "description": "policy for assignment", "allowedTargetScope": "notSpecified",
        "specificAllowedTargets": [], "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"},
        "requestorSettings": {"enableTargetsToSelfAddAccess": false, "enableTargetsToSelfUpdateAccess": false,
            "enableTargetsToSelfRemoveAccess": false, "allowCustomAssignmentSchedule": true,
            "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []},
        "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []}})
}

pub async fn story(app: &TestApp, name: &str) -> Story {
    story_with(app, name, direct_policy()).await
}

/// The v1.0 docs' admin direct assignment (ex.1).
pub fn admin_add(story: &Story) -> Value {
    json!({"requestType": "adminAdd", "assignment": {"targetId": story.user,
        "assignmentPolicyId": story.policy, "accessPackageId": story.package}})
}

pub async fn members(app: &TestApp, group: &str) -> Vec<String> {
    let listed = app.get(&format!("{GROUPS}/{group}/members")).await.json();
    listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| member["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn query(path: &str, query: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{path}?{}", encoded.replace("%3D", "=").replace("%26", "&"))
}

/// `POST /v1.0/users` as the docs' example sends it, under a name of the caller's choosing.
pub async fn create_user(app: &TestApp, nickname: &str) -> String {
    let response = app
        .post(USERS, &json!({"accountEnabled": true, "displayName": format!("{nickname} (test)"),
            "mailNickname": nickname, "userPrincipalName": format!("{nickname}@contoso.com"),
            "passwordProfile": {"forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"}}))
        .await;
    assert_eq!(
        response.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()["id"].as_str().unwrap().to_owned()
}

/// A security group, as azuread_group creates one.
pub async fn create_group(app: &TestApp, name: &str) -> String {
    let response = app
        .post(
            GROUPS,
            &json!({"displayName": name, "mailEnabled": false, "mailNickname": name,
            "securityEnabled": true, "groupTypes": [], "description": format!("{name} group")}),
        )
        .await;
    assert_eq!(
        response.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()["id"].as_str().unwrap().to_owned()
}

/// A service principal with an app role, as an application resource needs.
pub async fn create_service_principal(app: &TestApp, name: &str) -> Value {
    let response = app
        .post(SERVICE_PRINCIPALS, &json!({"appId": uuid::Uuid::new_v4().to_string(), "displayName": name,
            "appRoles": [{"displayName": "Admin", "value": "admin", "description": "Administers", "allowedMemberTypes": ["User"]}]}))
        .await;
    assert_eq!(
        response.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

pub async fn new_catalog(app: &TestApp, name: &str) -> String {
    let created = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": name}),
        )
        .await;
    created.json()["id"].as_str().unwrap().to_owned()
}

pub async fn state(app: &TestApp, id: &str) -> Value {
    app.get(&format!("{V1}/assignmentRequests/{id}"))
        .await
        .json()["state"]
        .clone()
}

pub async fn advance_clock(app: &TestApp, by: &str) -> Value {
    let moved = app
        .post("/_emulator/clock/advance", &json!({"by": by}))
        .await;
    assert_eq!(
        moved.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&moved.body)
    );
    moved.json()
}

/// A policy users request themselves, approved by `approver` in one stage of 2 days.
pub fn approval_policy(approver: &str) -> Value {
    json!({"displayName": "Approved", "description": "needs approval", "allowedTargetScope": "allMemberUsers",
        "expiration": {"type": "noExpiration"},
        "requestorSettings": {"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfUpdateAccess": false,
            "enableTargetsToSelfRemoveAccess": true, "allowCustomAssignmentSchedule": false,
            "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []},
        "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": false,
            "isRequestorJustificationRequired": false, "stages": [{"durationBeforeAutomaticDenial": "P2D",
                "isApproverJustificationRequired": false, "isEscalationEnabled": false, "durationBeforeEscalation": "PT0S",
                "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": approver}],
                "fallbackPrimaryApprovers": [], "escalationApprovers": [], "fallbackEscalationApprovers": []}]}})
}
