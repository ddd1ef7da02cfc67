//! Where the emulator was laxer than the manual says Graph is: members a complex type does
//! not define, an origin system that is no string, a schedule the assignment object
//! carries, fixture rows missing what the row cannot be without, a pace without dwell
//! times.

use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn members_a_small_complex_type_does_not_define_are_refused() {
    let app = spawn_app().await;
    let story = story(&app, "strict").await;
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["expiration"] = json!({"a": 1});
    let error = app
        .post(&format!("{V1}/assignmentPolicies"), &policy)
        .await
        .assert_graph_error(400, "RequestBodyRead");
    assert_eq!(
        error["message"],
        "The property 'a' does not exist on type 'microsoft.graph.expirationPattern'. Make sure to only use property names that are defined by the type or mark the type as open type."
    );
    // Annotations are not members.
    policy["expiration"] =
        json!({"@odata.type": "#microsoft.graph.expirationPattern", "type": "noExpiration"});
    id_of(&app.post(&format!("{V1}/assignmentPolicies"), &policy).await);

    let mut add = admin_add(&story);
    add["schedule"] = json!({"startDateTime": null, "stop": true});
    app.post(&format!("{V1}/assignmentRequests"), &add)
        .await
        .assert_graph_error(400, "RequestBodyRead");
}

#[actix_web::test]
async fn the_assignments_own_schedule_is_checked_and_used() {
    let app = spawn_app().await;
    let story = story(&app, "own-schedule").await;
    let mut add = admin_add(&story);
    add["assignment"]["schedule"] =
        json!({"expiration": {"type": "afterDuration", "duration": "P1M"}});
    let error = app
        .post(&format!("{V1}/assignmentRequests"), &add)
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(
        error["details"][0]["target"],
        "assignment.schedule.expiration.duration"
    );
    add["assignment"]["schedule"] =
        json!({"expiration": {"type": "afterDuration", "duration": "P7D"}});
    let request = id_of(&app.post(&format!("{V1}/assignmentRequests"), &add).await);
    assert_eq!(state(&app, &request).await, "delivered");
    let assignment = app.get(&format!("{V1}/assignments/{request}")).await.json();
    assert_eq!(assignment["schedule"]["expiration"]["duration"], "P7D");
}

#[actix_web::test]
async fn an_origin_system_is_a_known_name_in_any_case() {
    let app = spawn_app().await;
    let story = story(&app, "origins").await;
    let resource = app
        .get(&format!("{V1}/catalogs/{}/resources", story.catalog))
        .await
        .json()["value"][0]["id"]
        .clone();
    let scopes = format!("{V1}/accessPackages/{}/resourceRoleScopes", story.package);
    let body = |system: serde_json::Value| {
        json!({"role": {"originId": format!("Owner_{}", story.group), "originSystem": system,
            "resource": {"id": resource}}, "scope": {"originId": story.group, "originSystem": "AadGroup"}})
    };
    app.post(&scopes, &body(json!(5)))
        .await
        .assert_graph_error(400, "RequestBodyRead");
    app.post(&scopes, &body(json!("Nothing")))
        .await
        .assert_graph_error(400, "ArgumentException");
    id_of(&app.post(&scopes, &body(json!("AADGROUP"))).await);
}

#[actix_web::test]
async fn a_fixture_row_missing_what_it_cannot_be_without_is_invalid_and_changes_nothing() {
    let app = spawn_app().await;
    assert_eq!(app.create_beta_package("kept").await.status.as_u16(), 201);
    let error = app
        .post(
            "/_emulator/seed?mode=merge",
            &json!({"assignments": [{"id": "6f1c4d36-0000-4000-8000-000000000001"}]}),
        )
        .await
        .assert_graph_error(400, "InvalidFixture");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("The fixture was not loaded: assignments[0]."),
        "{error}"
    );
    assert!(error["message"].as_str().unwrap().ends_with("is required"));
    assert_eq!(app.count_rows("access_packages").await, 1);
    assert_eq!(app.count_rows("assignments").await, 0);
}

#[actix_web::test]
async fn a_pace_other_than_dwell_needs_no_dwell_times() {
    let app = spawn_app().await;
    let paced = app
        .put("/_emulator/lifecycle", &json!({"pace": "immediate"}))
        .await;
    assert_eq!(
        paced.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&paced.body)
    );
    assert_eq!(
        paced.json(),
        json!({"pace": "immediate", "dwell_ms": {"submitted": 2000, "delivering": 5000}})
    );
}
