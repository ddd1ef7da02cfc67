//! Time at its limits: durations longer than Graph holds, ends past year 9999, the clock
//! moved to the calendar's end, dwell times of u64::MAX. Each once bricked the emulator (a
//! panic in the lifecycle's settle, run before every request, on a row that stayed due) or
//! dropped a connection. Now a value Graph would refuse is a 400 naming its property, an
//! end past the calendar is its last instant, and nothing stops the next request.

use entitlement_emulator::configuration::Pace;
use serde_json::{json, Value};

use crate::helpers::*;

const LAST_INSTANT: &str = "9999-12-31T23:59:59.9999999Z";

/// The emulator still answers: health, a read, and a reset.
async fn still_serving(app: &TestApp) {
    let health = app.get("/_emulator/health").await;
    health.expect(200);
    let read = app.get(&format!("{V1}/accessPackages")).await;
    assert_eq!(
        read.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&read.body)
    );
    let reset = app.post("/_emulator/reset", &json!({})).await;
    reset.expect(204);
    assert_eq!(app.get("/_emulator/health").await.status.as_u16(), 200);
}

fn target_of(error: &Value) -> &str {
    error["details"][0]["target"].as_str().unwrap_or_default()
}

#[actix_web::test]
async fn durations_longer_than_graph_holds_are_refused_naming_the_property() {
    let app = spawn_app().await;
    let story = story(&app, "too-long").await;

    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["expiration"] = json!({"type": "afterDuration", "duration": "P999999999D"});
    let error = app
        .post(&format!("{V1}/assignmentPolicies"), &policy)
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(target_of(&error), "expiration.duration");

    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["requestApprovalSettings"] = json!({"isApprovalRequiredForAdd": true,
        "isApprovalRequiredForUpdate": false, "isRequestorJustificationRequired": false,
        "stages": [{"durationBeforeAutomaticDenial": "P999999999D", "isApproverJustificationRequired": false,
            "isEscalationEnabled": false, "durationBeforeEscalation": "PT0S",
            "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": story.user}],
            "fallbackPrimaryApprovers": [], "escalationApprovers": [], "fallbackEscalationApprovers": []}]});
    let error = app
        .post(&format!("{V1}/assignmentPolicies"), &policy)
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(
        target_of(&error),
        "requestApprovalSettings.stages[0].durationBeforeAutomaticDenial"
    );

    // beta's whole days: within a TimeSpan (10,675,199 days), or refused.
    let error = app
        .post(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            &json!({"accessPackageId": story.package, "displayName": "forever", "durationInDays": 20_000_000}),
        )
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(target_of(&error), "durationInDays");

    let mut add = admin_add(&story);
    add["schedule"] = json!({"expiration": {"type": "afterDuration", "duration": "P999999999D"}});
    let error = app
        .post(&format!("{V1}/assignmentRequests"), &add)
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(target_of(&error), "schedule.expiration.duration");

    // Nothing was stored by the refusals, and everything still answers.
    let policies = app
        .get(&format!("{V1}/assignmentPolicies?$count=true"))
        .await
        .json();
    assert_eq!(policies["@odata.count"], 1);
    still_serving(&app).await;
}

#[actix_web::test]
async fn an_end_past_the_calendar_is_its_last_instant_and_the_clock_can_reach_it() {
    let app = spawn_app().await;
    let story = story(&app, "far-end").await;
    // 3,000,000 days is a TimeSpan, but no start plus it is a date.
    let policy = id_of(
        &app.post(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            // Terraform's minimal body (assignment_policies.rs) with a long durationInDays.
            &json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentPolicy",
                "accessPackageId": story.package, "canExtend": false, "description": "very long",
                "displayName": "very long", "durationInDays": 3_000_000, "expirationDateTime": null,
                "questions": []}),
        )
        .await,
    );
    let request = id_of(
        &app.post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "assignment": {"targetId": story.user,
                "assignmentPolicyId": policy, "accessPackageId": story.package}}),
        )
        .await,
    );
    assert_eq!(state(&app, &request).await, "delivered");
    let assignment = app.get(&format!("{V1}/assignments/{request}")).await.json();
    assert_eq!(
        assignment["schedule"]["expiration"]["endDateTime"],
        LAST_INSTANT
    );
    assert_eq!(app.get("/_emulator/health").await.status.as_u16(), 200);

    // The clock to the calendar's last second: everything still answers, and the
    // assignment ends when its time comes, not before.
    let moved = app
        .put("/_emulator/clock", &json!({"now": "9999-12-31T23:59:59Z"}))
        .await;
    assert_eq!(
        moved.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&moved.body)
    );
    let assignment = app.get(&format!("{V1}/assignments/{request}")).await.json();
    assert_eq!(assignment["state"], "delivered");
    // Real time keeps running at the end of the calendar, and the clock holds there.
    let clock = app.get("/_emulator/clock").await.json();
    assert!(clock["now"]
        .as_str()
        .unwrap()
        .starts_with("9999-12-31T23:59:59"));
    let further = app
        .post("/_emulator/clock/advance", &json!({"by": "P1D"}))
        .await;
    further.expect(400);
    assert!(
        String::from_utf8_lossy(&further.body).contains("by: the emulator clock cannot move past")
    );
    still_serving(&app).await;
}

#[actix_web::test]
async fn clock_moves_and_dwell_times_out_of_range_are_refused_or_held() {
    let app = spawn_app().await;
    for body in [
        json!({"ms": i64::MAX}),
        json!({"by": "P999999999D"}),
        json!({"by": "P10675199D"}),
    ] {
        let refused = app.post("/_emulator/clock/advance", &body).await;
        assert_eq!(refused.status.as_u16(), 400, "{body}");
        let named = if body.get("ms").is_some() {
            "ms: "
        } else {
            "by: "
        };
        assert!(
            refused.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(named),
            "{}",
            String::from_utf8_lossy(&refused.body)
        );
    }
    assert_eq!(
        app.get("/_emulator/clock").await.json()["offset_ms"],
        0,
        "a refused move leaves the clock"
    );

    // The longest dwell a u64 holds: the request waits, for ever, and nothing else does.
    let paced = app
        .put(
            "/_emulator/lifecycle",
            &json!({"pace": "dwell", "dwell_ms": {"submitted": u64::MAX, "delivering": u64::MAX}}),
        )
        .await;
    paced.expect(200);
    let story = story_with(&app, "dwell", direct_policy()).await;
    let request = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(state(&app, &request).await, "submitted");
    let moved = app
        .put("/_emulator/clock", &json!({"now": "9000-01-01T00:00:00Z"}))
        .await;
    moved.expect(200);
    assert_eq!(state(&app, &request).await, "submitted");
    still_serving(&app).await;
}

#[actix_web::test]
async fn a_password_starting_at_the_calendars_end_ends_there() {
    let app = spawn_app().await;
    let principal = create_service_principal(&app, "late").await;
    let id = principal["id"].as_str().unwrap();
    let added = app
        .post(
            &format!("/v1.0/servicePrincipals/{id}/addPassword"),
            &json!({"passwordCredential": {"displayName": "late", "startDateTime": "9999-12-31T00:00:00Z"}}),
        )
        .await;
    assert_eq!(
        added.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&added.body)
    );
    assert_eq!(added.json()["endDateTime"], LAST_INSTANT);
    still_serving(&app).await;
}

#[actix_web::test]
async fn a_panic_on_a_request_path_is_a_graph_500_and_the_server_goes_on() {
    let app = spawn_app().await;
    let request = app
        .request(awc::http::Method::GET, &format!("{V1}/accessPackages"))
        .insert_header(("x-emulator-fault", "panic"));
    let answered = send(request, None).await;
    let error = answered.assert_graph_error(500, "generalException");
    assert_eq!(error["message"], "An unexpected error occurred.");
    // The same connection pool, the next request: served.
    assert_eq!(
        app.get(&format!("{V1}/accessPackages"))
            .await
            .status
            .as_u16(),
        200
    );
}

/// Changes the database of a stopped emulator behind its back, as an older version or a
/// hand edit could have left it.
async fn tamper(database: &std::path::Path, statements: &[String]) {
    use sqlx::{ConnectOptions, Connection};
    let mut connection = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(database)
        .foreign_keys(false)
        .connect()
        .await
        .expect("the database opens");
    for statement in statements {
        sqlx::query(statement)
            .execute(&mut connection)
            .await
            .expect("the statement runs");
    }
    connection.close().await.expect("closes");
}

#[actix_web::test]
async fn a_database_holding_poisoned_due_requests_starts_and_recovers() {
    // The rows are poisoned in the file, behind the emulator's back.
    let app = spawn_app_on_sqlite_with(|settings| settings.lifecycle.pace = Pace::Manual).await;
    let long = story(&app, "poisoned-long").await;
    let orphan = story(&app, "poisoned-orphan").await;
    let long_request = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&long))
            .await,
    );
    let orphan_request = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&orphan))
            .await,
    );
    let stopped = app.stop().await;
    // What earlier versions let in: a duration no date can hold, and a request whose
    // policy is gone; both due long ago.
    tamper(
        &stopped.database_path(),
        &[
            format!("UPDATE assignment_policies SET expiration_type = 'afterDuration', expiration_duration = 'P999999999D' WHERE id = '{}'", long.policy),
            format!("UPDATE assignment_requests SET assignment_policy_id = '00000000-dead-4000-8000-000000000000' WHERE id = '{orphan_request}'"),
            "UPDATE assignment_requests SET next_step_at = '2020-01-01T00:00:00.0000000Z'".to_owned(),
        ],
    )
    .await;
    let app = stopped
        .start_with(|settings| settings.lifecycle.pace = Pace::Immediate)
        .await;

    assert_eq!(app.get("/_emulator/health").await.status.as_u16(), 200);
    // A stored duration longer than Graph holds is read as no end; the orphan is set aside
    // as a failed delivery, visibly, and holds up nothing.
    let delivered = app
        .get(&format!("{V1}/assignmentRequests/{long_request}"))
        .await;
    assert_eq!(delivered.json()["state"], "delivered");
    assert_eq!(
        app.get(&format!("{V1}/assignments/{long_request}"))
            .await
            .json()["schedule"]["expiration"]["endDateTime"],
        Value::Null
    );
    let failed = app
        .get(&format!("{V1}/assignmentRequests/{orphan_request}"))
        .await
        .json();
    assert_eq!(failed["state"], "deliveryFailed");
    assert_eq!(failed["status"], "DeliveryFailed");
    still_serving(&app).await;
}
