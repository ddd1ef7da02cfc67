//! The request lifecycle in the test's hands: each pace (immediate, dwell, manual), the
//! emulator clock and expiry, approval stages, cancel, failed delivery and reprocess, and
//! what the lifecycle refuses. Dwell times run on the emulator clock, so moving the clock
//! moves requests: no test waits for real time.

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

async fn control(app: &TestApp, method: Method, path: &str, body: &Value) -> TestResponse {
    let request = app
        .request(method, path)
        .insert_header(("Content-Type", "application/json"));
    send(request, Some(body.to_string().into())).await
}

async fn set_pace(app: &TestApp, pace: Value) {
    let set = control(app, Method::PUT, "/_emulator/lifecycle", &pace).await;
    assert_eq!(
        set.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&set.body)
    );
    assert_eq!(set.json(), pace);
}

/// The pace set at run time is stored beside the clock: a request waiting on it still
/// waits after a restart, and a reset returns to the configured pace for good.
#[actix_web::test]
async fn a_pace_set_at_run_time_survives_a_restart_until_a_reset() {
    let app = spawn_app().await;
    set_pace(
        &app,
        json!({"pace": "manual", "dwell_ms": {"submitted": 1000, "delivering": 3000}}),
    )
    .await;
    let story = story(&app, "kept").await;
    let id = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    let app = app.restart().await;
    assert_eq!(
        app.get("/_emulator/lifecycle").await.json(),
        json!({"pace": "manual", "dwell_ms": {"submitted": 1000, "delivering": 3000}})
    );
    assert_eq!(
        state(&app, &id).await,
        "submitted",
        "still waits for a step"
    );
    let reset = send(app.request(Method::POST, "/_emulator/reset"), None).await;
    assert_eq!(reset.status.as_u16(), 204);
    let app = app.restart().await;
    assert_eq!(
        app.get("/_emulator/lifecycle").await.json()["pace"],
        "immediate",
        "the configured pace, after a reset and a restart"
    );
}

#[actix_web::test]
async fn manual_pace_moves_a_request_one_step_at_a_time() {
    let app = spawn_app_with(|settings| {
        settings.lifecycle.pace = entitlement_emulator::configuration::Pace::Manual;
    })
    .await;
    let story = story(&app, "manual").await;
    let id = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    for _ in 0..3 {
        assert_eq!(state(&app, &id).await, "submitted");
    }
    // A second request for the same target and package while this one is open.
    app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
        .await
        .assert_graph_error(400, "ExistingOpenRequest");
    let advance = format!("/_emulator/assignmentRequests/{id}/advance");
    let step = app.post(&advance, &json!({})).await.json();
    assert_eq!(
        (step["state"].clone(), step["status"].clone()),
        (json!("delivering"), json!("Delivering"))
    );
    let assignment = app.get(&format!("{V1}/assignments/{id}")).await.json();
    assert_eq!(assignment["state"], "delivering");
    assert_eq!(members(&app, &story.group).await, Vec::<String>::new());
    assert_eq!(
        app.post(&advance, &json!({})).await.json()["state"],
        "delivered"
    );
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
    app.post(&advance, &json!({}))
        .await
        .assert_graph_error(400, "InvalidRequestState");
    app.post(
        "/_emulator/assignmentRequests/00000000-0000-0000-0000-000000000000/advance",
        &json!({}),
    )
    .await
    .assert_graph_error(404, "ResourceNotFound");
    assert_eq!(
        app.get("/_emulator/lifecycle").await.json()["pace"],
        "manual"
    );
}

#[actix_web::test]
async fn dwell_times_run_on_the_emulator_clock() {
    let app = spawn_app().await;
    set_pace(
        &app,
        json!({"pace": "dwell", "dwell_ms": {"submitted": 60000, "delivering": 120000}}),
    )
    .await;
    let story = story(&app, "dwell").await;
    let id = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(state(&app, &id).await, "submitted");
    advance_clock(&app, "PT59S").await;
    assert_eq!(state(&app, &id).await, "submitted");
    advance_clock(&app, "PT1S").await;
    assert_eq!(state(&app, &id).await, "delivering");
    advance_clock(&app, "PT2M").await;
    assert_eq!(state(&app, &id).await, "delivered");
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);

    // A request waiting in manual pace moves once the pace is immediate again.
    set_pace(
        &app,
        json!({"pace": "manual", "dwell_ms": {"submitted": 0, "delivering": 0}}),
    )
    .await;
    let other = create_user(&app, "dwell-other").await;
    let mut body = admin_add(&story);
    body["assignment"]["targetId"] = json!(other);
    let waiting = id_of(&app.post(&format!("{V1}/assignmentRequests"), &body).await);
    advance_clock(&app, "P1D").await;
    assert_eq!(state(&app, &waiting).await, "submitted");
    set_pace(
        &app,
        json!({"pace": "immediate", "dwell_ms": {"submitted": 0, "delivering": 0}}),
    )
    .await;
    assert_eq!(state(&app, &waiting).await, "delivered");
    control(
        &app,
        Method::PUT,
        "/_emulator/lifecycle",
        &json!({"pace": "fast"}),
    )
    .await
    .assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn the_clock_ends_assignments_and_their_memberships_and_reset_turns_it_back() {
    let app = spawn_app().await;
    let mut policy = direct_policy();
    policy["expiration"] = json!({"type": "afterDuration", "duration": "P30D"});
    let story = story_with(&app, "expiry", policy).await;
    let id = id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    // A request's own schedule wins over the policy's 30 days.
    let second = create_user(&app, "expiry-second").await;
    let mut body = admin_add(&story);
    body["assignment"]["targetId"] = json!(second);
    body["schedule"] =
        json!({"startDateTime": null, "expiration": {"type": "afterDuration", "duration": "P7D"}});
    let short = id_of(&app.post(&format!("{V1}/assignmentRequests"), &body).await);
    let mut listed = members(&app, &story.group).await;
    listed.sort();
    let mut both = vec![story.user.clone(), second.clone()];
    both.sort();
    assert_eq!(listed, both);
    let assignment = app.get(&format!("{V1}/assignments/{id}")).await.json();
    assert_eq!(
        assignment["schedule"]["expiration"]["type"],
        "afterDuration"
    );
    let end = assignment["schedule"]["expiration"]["endDateTime"]
        .as_str()
        .unwrap()
        .to_owned();

    let before = app.get("/_emulator/clock").await.json();
    assert_eq!(before["offset_ms"], 0);
    advance_clock(&app, "P8D").await;
    assert_eq!(
        app.get(&format!("{V1}/assignments/{short}")).await.json()["state"],
        "expired"
    );
    assert_eq!(
        app.get(&format!("{V1}/assignments/{id}")).await.json()["state"],
        "delivered"
    );
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
    let moved = control(
        &app,
        Method::PUT,
        "/_emulator/clock",
        &json!({"now": "2999-01-01T00:00:00Z"}),
    )
    .await
    .json();
    // Real time goes on from there.
    assert!(
        moved["now"]
            .as_str()
            .unwrap()
            .starts_with("2999-01-01T00:00:0"),
        "{moved}"
    );
    let ended = app.get(&format!("{V1}/assignments/{id}")).await.json();
    assert_eq!(
        (ended["state"].clone(), ended["expiredDateTime"].clone()),
        (json!("expired"), json!(end))
    );
    assert_eq!(members(&app, &story.group).await, Vec::<String>::new());
    control(
        &app,
        Method::PUT,
        "/_emulator/clock",
        &json!({"now": "2000-01-01T00:00:00Z"}),
    )
    .await
    .assert_graph_error(400, "InvalidRequest");

    assert_eq!(
        app.post("/_emulator/reset", &json!({}))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(app.get("/_emulator/clock").await.json()["offset_ms"], 0);
}

#[actix_web::test]
async fn cancel_fail_and_reprocess_and_what_the_lifecycle_refuses() {
    let app = spawn_app().await;
    let story = story(&app, "refusals").await;
    let requests = format!("{V1}/assignmentRequests");
    set_pace(
        &app,
        json!({"pace": "manual", "dwell_ms": {"submitted": 0, "delivering": 0}}),
    )
    .await;
    let id = id_of(&app.post(&requests, &admin_add(&story)).await);
    app.delete(&format!("{requests}/{id}"))
        .await
        .assert_graph_error(400, "InvalidRequestState");
    let canceled = app
        .post(&format!("{requests}/{id}/cancel"), &json!({}))
        .await;
    canceled.expect(204);
    assert_eq!(state(&app, &id).await, "canceled");
    app.post(&format!("{requests}/{id}/cancel"), &json!({}))
        .await
        .assert_graph_error(400, "InvalidRequestState");
    assert_eq!(
        app.delete(&format!("{requests}/{id}"))
            .await
            .status
            .as_u16(),
        204
    );

    // Delivery made to fail, then reprocessed.
    set_pace(
        &app,
        json!({"pace": "immediate", "dwell_ms": {"submitted": 0, "delivering": 0}}),
    )
    .await;
    let failing = app
        .request(Method::POST, &requests)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("x-emulator-delivery", "fail"));
    let failed = id_of(&send(failing, Some(admin_add(&story).to_string().into())).await);
    assert_eq!(state(&app, &failed).await, "deliveryFailed");
    assert_eq!(
        app.get(&format!("{V1}/assignments/{failed}")).await.json()["state"],
        "deliveryFailed"
    );
    assert_eq!(members(&app, &story.group).await, Vec::<String>::new());
    app.post(&format!("{requests}/{failed}/cancel"), &json!({}))
        .await
        .assert_graph_error(400, "InvalidRequestState");
    let again = app
        .post(&format!("{requests}/{failed}/reprocess"), &json!({}))
        .await;
    again.expect(202);
    assert_eq!(state(&app, &failed).await, "delivered");
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
    app.post(&format!("{requests}/{failed}/reprocess"), &json!({}))
        .await
        .assert_graph_error(400, "InvalidRequestState");

    // A membership taken away by hand comes back when the assignment is reprocessed.
    let removed = app
        .delete(&format!(
            "{GROUPS}/{}/members/{}/$ref",
            story.group, story.user
        ))
        .await;
    removed.expect(204);
    let reprocessed = app
        .post(&format!("{V1}/assignments/{failed}/reprocess"), &json!({}))
        .await;
    reprocessed.expect(202);
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);

    // What a request must name, and what must exist.
    let mut unknown = admin_add(&story);
    unknown["assignment"]["targetId"] = json!("99999999-9999-9999-9999-999999999999");
    app.post(&requests, &unknown)
        .await
        .assert_graph_error(404, "ResourceNotFound");
    let other = create_user(&app, "refusals-other").await;
    let mut wrong_package = admin_add(&story);
    wrong_package["assignment"]["targetId"] = json!(other);
    wrong_package["assignment"]["accessPackageId"] =
        json!(app.create_beta_package("elsewhere").await.json()["id"]);
    app.post(&requests, &wrong_package)
        .await
        .assert_graph_error(400, "InvalidRequest");
    app.post(&requests, &admin_add(&story))
        .await
        .assert_graph_error(400, "InvalidRequest");
    app.post(
        &requests,
        &json!({"requestType": "systemAdd", "assignment": {"targetId": other}}),
    )
    .await
    .assert_graph_error(400, "InvalidModel");
    app.post(&requests, &json!({"assignment": {"targetId": other}}))
        .await
        .assert_graph_error(400, "InvalidModel");
    // A direct-assignment policy admits no one's own request.
    let token = token_for("refusals-other@contoso.com", &other);
    let mut own = admin_add(&story);
    own["requestType"] = json!("userAdd");
    own["assignment"]["targetId"] = json!(other);
    send_as(&app, &token, Method::POST, &requests, Some(&own))
        .await
        .assert_graph_error(400, "InvalidRequest");
}

#[actix_web::test]
async fn a_role_added_later_reaches_who_holds_the_package_and_leaves_with_it() {
    let app = spawn_app().await;
    let story = story(&app, "later").await;
    id_of(
        &app.post(&format!("{V1}/assignmentRequests"), &admin_add(&story))
            .await,
    );
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
    let second = create_group(&app, "later-second").await;
    id_of(&app.post(&format!("{V1}/resourceRequests"), &json!({"requestType": "adminAdd",
        "resource": {"originId": second, "originSystem": "AadGroup"}, "catalog": {"id": story.catalog}})).await);
    let resources = app
        .get(&query(
            &format!("{V1}/catalogs/{}/resources", story.catalog),
            &format!("$filter=originId eq '{second}'"),
        ))
        .await
        .json();
    let resource = resources["value"][0]["id"].as_str().unwrap().to_owned();
    let scope = id_of(&app.post(&format!("{V1}/accessPackages/{}/resourceRoleScopes", story.package),
        &json!({"role": {"originId": format!("Owner_{second}"), "originSystem": "AadGroup", "resource": {"id": resource}},
            "scope": {"originId": second, "originSystem": "AadGroup"}})).await);
    let owners = app.get(&format!("{GROUPS}/{second}/owners")).await.json();
    assert_eq!(owners["value"][0]["id"], story.user.as_str());
    let deleted = app
        .delete(&format!(
            "{V1}/accessPackages/{}/resourceRoleScopes/{scope}",
            story.package
        ))
        .await;
    deleted.expect(204);
    assert_eq!(
        app.get(&format!("{GROUPS}/{second}/owners")).await.json()["value"],
        json!([])
    );
    assert_eq!(members(&app, &story.group).await, vec![story.user.clone()]);
}

#[actix_web::test]
async fn parallel_requests_are_each_delivered_and_survive_export_and_seed() {
    let app = spawn_app().await;
    let story = story(&app, "parallel").await;
    let mut users = Vec::new();
    for n in 0..24 {
        users.push(create_user(&app, &format!("parallel-{n}")).await);
    }
    let requests = format!("{V1}/assignmentRequests");
    let created = futures_util::future::join_all(users.iter().map(|user| {
        let mut body = admin_add(&story);
        body["assignment"]["targetId"] = json!(user);
        let app = &app;
        let requests = &requests;
        async move { app.post(requests, &body).await }
    }))
    .await;
    for response in &created {
        assert_eq!(
            response.status.as_u16(),
            201,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
    }
    let delivered = app
        .get(&query(
            &format!("{V1}/assignments"),
            "$filter=state eq 'delivered'&$count=true",
        ))
        .await
        .json();
    assert_eq!(delivered["@odata.count"], 24);
    assert_eq!(members(&app, &story.group).await.len(), 24);

    // The fixture carries requests and assignments; memberships they grant come back.
    let exported = app.get("/_emulator/export").await.json();
    assert_eq!(exported["assignmentRequests"].as_array().unwrap().len(), 24);
    assert_eq!(exported["assignments"].as_array().unwrap().len(), 24);
    assert_eq!(exported["subjects"].as_array().unwrap().len(), 24);
    let seeded = app.post("/_emulator/seed?mode=replace", &exported).await;
    assert_eq!(
        seeded.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&seeded.body)
    );
    assert_eq!(members(&app, &story.group).await.len(), 24);
    assert_eq!(
        app.get(&format!("{V1}/assignments?$count=true"))
            .await
            .json()["@odata.count"],
        24
    );
}
