//! Approval stages (reference: elm-surface §6.1): a self-service request waits for its
//! approver, who approves or denies once; no decision in time denies it. beta calls the
//! stages steps.

use awc::http::Method;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn approvals_stop_a_request_until_an_approver_decides_or_time_runs_out() {
    let app = spawn_app().await;
    let approver = create_user(&app, "boss").await;
    let story = story_with(&app, "approved", approval_policy(&approver)).await;
    let requester = token_for("approved-user@contoso.com", &story.user);
    let boss = token_for("boss@contoso.com", &approver);
    // userAdd names no policy: the package's one policy that admits the caller applies.
    let body = json!({"requestType": "userAdd", "assignment": {"accessPackageId": story.package}});
    let requests = format!("{V1}/assignmentRequests");
    let id = id_of(&send_as(&app, &requester, Method::POST, &requests, Some(&body)).await);
    assert_eq!(state(&app, &id).await, "pendingApproval");
    let approval = app
        .get(&format!(
            "{V1}/accessPackageAssignmentApprovals/{id}?$expand=stages"
        ))
        .await
        .json();
    let stage = approval["stages"][0].clone();
    assert_eq!(
        (stage["status"].clone(), stage["reviewResult"].clone()),
        (json!("InProgress"), json!("NotReviewed"))
    );
    let waiting = send_as(
        &app,
        &boss,
        Method::GET,
        &format!("{requests}/filterByCurrentUser(on='approver')"),
        None,
    )
    .await
    .json();
    assert_eq!(waiting["value"][0]["id"], id.as_str());
    let mine = send_as(
        &app,
        &requester,
        Method::GET,
        &format!("{requests}/filterByCurrentUser(on='target')"),
        None,
    )
    .await
    .json();
    assert_eq!(mine["value"].as_array().unwrap().len(), 1);
    let stage_path = format!(
        "{V1}/accessPackageAssignmentApprovals/{id}/stages/{}",
        stage["id"].as_str().unwrap()
    );

    // Only an approver decides, once.
    send_as(
        &app,
        &requester,
        Method::PATCH,
        &stage_path,
        Some(&json!({"reviewResult": "Approve"})),
    )
    .await
    .assert_graph_error(403, "UnAuthorized");
    let decided = send_as(
        &app,
        &boss,
        Method::PATCH,
        &stage_path,
        Some(&json!({"reviewResult": "Approve", "justification": "OK"})),
    )
    .await;
    assert_eq!(
        decided.status.as_u16(),
        204,
        "{}",
        String::from_utf8_lossy(&decided.body)
    );
    send_as(
        &app,
        &boss,
        Method::PATCH,
        &stage_path,
        Some(&json!({"reviewResult": "Deny"})),
    )
    .await
    .assert_graph_error(409, "Conflict");
    assert_eq!(state(&app, &id).await, "delivered");
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
    let reviewed = app.get(&stage_path).await.json();
    assert_eq!(reviewed["reviewResult"], "Approved");
    assert_eq!(reviewed["reviewedBy"]["id"], approver.as_str());
    assert_eq!(reviewed["justification"], "OK");
    assert_graph_timestamp(&reviewed["reviewedDateTime"]);
    // beta calls the stages steps.
    let steps = app
        .get(&format!(
            "{BETA}/accessPackageAssignmentApprovals/{id}/steps"
        ))
        .await
        .json();
    assert_eq!(steps["value"][0]["reviewResult"], "Approved");

    // Another member: denied by the approver; a third: nobody decides within two days.
    for (name, decide) in [("denied", true), ("timed-out", false)] {
        let user = create_user(&app, name).await;
        let token = token_for(&format!("{name}@contoso.com"), &user);
        let id = id_of(&send_as(&app, &token, Method::POST, &requests, Some(&body)).await);
        if decide {
            let approval = app
                .get(&format!(
                    "{V1}/accessPackageAssignmentApprovals/{id}/stages"
                ))
                .await
                .json();
            let path = format!(
                "{V1}/accessPackageAssignmentApprovals/{id}/stages/{}",
                approval["value"][0]["id"].as_str().unwrap()
            );
            let denied = send_as(
                &app,
                &boss,
                Method::PATCH,
                &path,
                Some(&json!({"reviewResult": "Deny"})),
            )
            .await;
            denied.expect(204);
        } else {
            advance_clock(&app, "P3D").await;
            let stages = app
                .get(&format!(
                    "{V1}/accessPackageAssignmentApprovals/{id}/stages"
                ))
                .await
                .json();
            assert_eq!(stages["value"][0]["status"], "Expired");
        }
        assert_eq!(state(&app, &id).await, "denied", "{name}");
        assert!(!members(&app, &story.group).await.contains(&user));
    }
}
