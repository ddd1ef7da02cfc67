//! Two replicas, two emulators on one PostgreSQL database, serving the same tenant: a
//! client that writes through one reads its write through the other; the clock and the
//! pace set through one are the other's; names stay unique and each due move is carried
//! out once, whichever replica settles.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};

use awc::http::Method;
use entitlement_emulator::configuration::AuthMode;
use futures_util::future::join_all;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::Database;
use crate::helpers::*;
use crate::signin::{signin_app, token_request, CLIENT, SECRET};

/// Two emulators on one new database, and the database, dropped after them.
async fn two_replicas() -> Option<([TestApp; 2], Database)> {
    let database = Database::new().await?;
    let url = database.url();
    let first = spawn_app_with(|settings| settings.database.url = url.clone()).await;
    let second = spawn_app_with(|settings| settings.database.url = url).await;
    Some(([first, second], database))
}

async fn send_to(app: &TestApp, method: Method, path: &str, body: Option<&Value>) -> TestResponse {
    let request = app.request(method, path);
    match body {
        Some(body) => {
            let request = request.insert_header(("Content-Type", "application/json"));
            send(request, Some(body.to_string().into())).await
        }
        None => send(request, None).await,
    }
}

/// The benchmark's 20 steps of the provisioning workflow, each sent to the other replica
/// than the one before, at a pace set through one replica; each request is delivered by
/// a clock moved through the replica that did not take it.
#[actix_web::test]
async fn the_workflow_alternating_between_two_replicas_reads_every_write() {
    let Some((replicas, _database)) = two_replicas().await else {
        return;
    };
    // Through the second: requests wait a minute in each automatic state.
    let pace = json!({"pace": "dwell", "dwell_ms": {"submitted": 60000, "delivering": 60000}});
    send_to(
        &replicas[1],
        Method::PUT,
        "/_emulator/lifecycle",
        Some(&pace),
    )
    .await
    .expect(200);
    let started = OffsetDateTime::now_utc();
    let mut requests = 0;

    let mut names = BTreeMap::from([
        ("unique".to_owned(), "two replicas".to_owned()),
        ("slug".to_owned(), "two-replicas".to_owned()),
    ]);
    let steps = workflow_steps();
    assert_eq!(steps.len(), 20);
    for (index, step) in steps.iter().enumerate() {
        let (this, other) = (&replicas[index % 2], &replicas[(index + 1) % 2]);
        let step = Step::read(step, &names);
        let (name, method, path) = (&step.name, &step.method, &step.path);
        let answer = send_to(this, method.clone(), path, step.body.as_ref())
            .await
            .expect(step.expect);
        // Moved by the clock below, not by polling: the first answer is the one awaited.
        assert!(step.arrived(&answer), "{name}: {answer}");
        for (pointer, equals) in &step.checks {
            assert_eq!(answer.pointer(pointer), Some(&json!(equals)), "{name}");
        }
        if let Some((_, id)) = step.capture(&answer, &mut names) {
            // Read back through the other replica at once.
            if method == Method::POST && !path.contains("accessPackageResourceRequests") {
                send_to(other, Method::GET, &format!("{path}/{id}"), None)
                    .await
                    .expect(200);
            }
        }
        if *method == Method::POST && path.ends_with("/accessPackageAssignmentRequests") {
            let request = format!(
                "{BETA}/accessPackageAssignmentRequests/{}",
                answer["id"].as_str().expect("a request id")
            );
            // The pace holds it on the other replica too, until the other moves the clock.
            let waiting = other.get(&request).await.expect(200);
            assert_eq!(waiting["requestState"], "Submitted", "{name}");
            // Dated by the emulator clock, which only the other replica has moved.
            let created = waiting["createdDateTime"]
                .as_str()
                .expect("a creation time");
            let created = OffsetDateTime::parse(created, &Rfc3339).expect("an RFC 3339 time");
            let moved_by = Duration::minutes(5) * requests;
            assert!(created - started >= moved_by, "{name}: {created}");
            requests += 1;
            advance_clock(other, "PT5M").await;
            let moved = this.get(&request).await.expect(200);
            assert_eq!(moved["requestState"], "Delivered", "{name}");
        }
    }
    // One clock: two moves of five minutes, both through the second.
    for replica in &replicas {
        assert_eq!(replica.get("/_emulator/lifecycle").await.expect(200), pace);
    }
    let clocks = join_all(replicas.iter().map(|app| app.get("/_emulator/clock"))).await;
    let offsets: Vec<i64> = clocks
        .iter()
        .map(|clock| clock.expect(200)["offset_ms"].as_i64().expect("an offset"))
        .collect();
    assert_eq!(offsets, [600_000, 600_000]);
}

/// 64 creators at once, half through each replica: 48 different names and 16 of one name.
/// Every distinct name is created once, the contested one once and refused 15 times, and
/// no answer is a 5xx.
#[actix_web::test]
async fn sixty_four_creators_across_two_replicas_make_each_name_once() {
    let Some((replicas, _database)) = two_replicas().await else {
        return;
    };
    let names: Vec<String> = (0..64)
        .map(|i| match i % 4 {
            0 => "contested".to_owned(),
            _ => format!("package {i}"),
        })
        .collect();
    let responses = join_all(
        names
            .iter()
            .enumerate()
            .map(|(i, name)| replicas[i % 2].create_beta_package(name)),
    )
    .await;
    let mut statuses: HashMap<(bool, u16), usize> = HashMap::new();
    for (name, response) in names.iter().zip(&responses) {
        *statuses
            .entry((name == "contested", response.status.as_u16()))
            .or_default() += 1;
    }
    let expected = HashMap::from([((false, 201), 48), ((true, 201), 1), ((true, 409), 15)]);
    assert_eq!(statuses, expected);
    for replica in &replicas {
        let listed = replica
            .get(&format!("{BETA}/accessPackages?$top=100"))
            .await
            .expect(200);
        let listed = texts_of(&listed, "displayName");
        let distinct: HashSet<&str> = listed.iter().copied().collect();
        assert_eq!((listed.len(), distinct.len()), (49, 49));
    }
}

/// A write through one replica that fails inside its transaction (the clock moved back:
/// 400, found once the stored clock is read under the tenant's lock) lets go of the lock
/// then, not at that replica's next write: the other replica's write goes through.
#[actix_web::test]
async fn a_write_failing_through_one_replica_does_not_hold_up_the_other() {
    let Some((replicas, _database)) = two_replicas().await else {
        return;
    };
    let [first, second] = &replicas;
    let package = id_of(&second.create_beta_package("held up?").await);
    let back = json!({"now": "2001-01-01T00:00:00Z"});
    let refused = send_to(first, Method::PUT, "/_emulator/clock", Some(&back)).await;
    refused.expect(400);
    let changed = second
        .patch(
            &format!("{BETA}/accessPackages/{package}"),
            &json!({"description": "changed through the other replica"}),
        )
        .await;
    assert_eq!(changed.status.as_u16(), 204, "{:?}", changed.body);
}

/// A token one replica signs is accepted by another (`auth.mode = "jwt"`, the emulator's
/// own key the only one), even one that serves no sign-in itself (plain HTTP behind a
/// proxy that ends TLS): the key is the database's, one row, made by the first replica to
/// start.
#[actix_web::test]
async fn a_token_signed_by_one_replica_is_accepted_by_the_other() {
    let Some(database) = Database::new().await else {
        return;
    };
    let url = database.url();
    // The one that serves no sign-in starts first, so the key is its to make.
    let second = spawn_app_with(|settings| {
        settings.database.url = url.clone();
        settings.auth.mode = AuthMode::Jwt;
    })
    .await;
    let first = signin_app(|settings| settings.database.url = url).await;
    let token = token_request(
        &first,
        &[
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("grant_type", "client_credentials"),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(token.status, 200, "{}", token.body);
    let bearer = format!(
        "Bearer {}",
        token.json()["access_token"].as_str().expect("a token")
    );
    let request = second
        .request(Method::GET, &format!("{BETA}/accessPackages"))
        .insert_header(("Authorization", bearer.as_str()));
    send(request, None).await.expect(200);
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM shared.signing_key")
        .fetch_one(&database.pool)
        .await
        .expect("the shared key is counted");
    assert_eq!(keys, 1);
}

/// Requests made through both replicas at once and read through the other at once: both
/// settle meanwhile, and each request is delivered once (one callout to the receiver for
/// each, one membership for each user).
#[actix_web::test]
async fn each_due_move_is_carried_out_once_whichever_replica_settles() {
    let Some((replicas, _database)) = two_replicas().await else {
        return;
    };
    let [first, second] = &replicas;
    let receiver = Receiver::start().await;
    let story = story(first, "once").await;
    let extension = second
        .post(
            &format!("{V1}/catalogs/{}/customWorkflowExtensions", story.catalog),
            &json!({
                "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
                "displayName": "told once", "description": "local receiver",
                "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint",
                    "targetUrl": receiver.url},
                "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"}
            }),
        )
        .await
        .expect(201);
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["customExtensionStageSettings"] = json!([{"stage": "assignmentRequestGranted",
        "customExtension": {"id": extension["id"]}}]);
    first
        .put(
            &format!("{V1}/assignmentPolicies/{}", story.policy),
            &policy,
        )
        .await
        .expect(200);

    const USERS: usize = 24;
    let nicknames: Vec<String> = (0..USERS).map(|i| format!("once-{i}")).collect();
    let users = join_all(
        nicknames
            .iter()
            .enumerate()
            .map(|(i, nickname)| create_user(&replicas[i % 2], nickname)),
    )
    .await;
    let replicas = &replicas;
    let made = join_all(users.iter().enumerate().map(|(i, user)| {
        let body = json!({"requestType": "adminAdd", "assignment": {"targetId": user,
            "assignmentPolicyId": story.policy, "accessPackageId": story.package}});
        async move {
            replicas[i % 2]
                .post(&format!("{V1}/assignmentRequests"), &body)
                .await
        }
    }))
    .await;
    let ids: Vec<String> = made.iter().map(id_of).collect();
    let states = join_all(
        ids.iter()
            .enumerate()
            .map(|(i, id)| state(&replicas[(i + 1) % 2], id)),
    )
    .await;
    assert!(
        states.iter().all(|state| state == "delivered"),
        "{states:?}"
    );

    let mut members = members(second, &story.group).await;
    members.sort();
    let mut expected = users.clone();
    expected.sort();
    assert_eq!(members, expected);
    // The callouts are sent after their settle commits: read once every answer is in.
    let told: Vec<String> = receiver
        .received()
        .iter()
        .filter_map(|payload| {
            payload["AccessPackageAssignmentRequestId"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    let distinct: HashSet<&String> = told.iter().collect();
    assert_eq!((told.len(), distinct.len()), (USERS, USERS), "{told:?}");
}

const WRITERS: usize = 8;
const KILL_AFTER: usize = 40;

/// Requests for `users`, one each, through the replica at `base`, until it stops answering;
/// each 201 is recorded with its user.
async fn requester(
    client: &awc::Client,
    base: &str,
    story: &Story,
    users: &RefCell<Vec<String>>,
    acknowledged: &RefCell<Vec<(String, String)>>,
    on_ack: &dyn Fn(),
) {
    loop {
        let Some(user) = users.borrow_mut().pop() else {
            return;
        };
        let body = json!({"requestType": "adminAdd", "assignment": {"targetId": user,
            "assignmentPolicyId": story.policy, "accessPackageId": story.package}});
        let sent = client
            .post(format!("{base}{V1}/assignmentRequests"))
            .insert_header(("Authorization", BEARER))
            .send_json(&body)
            .await;
        let Ok(mut response) = sent else { return };
        let Ok(bytes) = response.body().await else {
            return;
        };
        assert_eq!(response.status().as_u16(), 201, "{bytes:?}");
        let made: Value = serde_json::from_slice(&bytes).expect("a JSON 201 body");
        let id = made["id"].as_str().expect("an id").to_owned();
        acknowledged.borrow_mut().push((user, id));
        on_ack();
    }
}

/// Requests go to the first replica, a process, which delivers each one as the next
/// request arrives (the immediate pace), until it is killed (SIGKILL) mid-stream; the
/// second serves on. Every request the first acknowledged is delivered, once: one
/// delivered assignment and one membership for each user, none for a user twice.
#[actix_web::test]
async fn a_replica_killed_mid_delivery_leaves_every_acknowledged_request_to_the_other() {
    let Some(database) = Database::new().await else {
        return;
    };
    let url = database.url();
    let survivor = spawn_app_with(|settings| settings.database.url = url.clone()).await;
    let story = story(&survivor, "killed").await;
    let nicknames: Vec<String> = (0..WRITERS * 2 + KILL_AFTER * 2)
        .map(|i| format!("killed-{i}"))
        .collect();
    let users = join_all(nicknames.iter().map(|name| create_user(&survivor, name))).await;

    // Run in the survivor's folder, so that nothing it writes lands in the checkout.
    let dir = survivor.dir().display().to_string();
    let envs = [("EMULATOR__TLS__DIR", dir.as_str())];
    let mut command = emulator_command(&["--port", "0", "--database", url.as_str()], &envs);
    command.current_dir(survivor.dir());
    let mut doomed = RunningEmulator::start(command);
    let pid = libc::pid_t::try_from(doomed.child.id()).expect("a pid");
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let waiting = RefCell::new(users.clone());
    let acknowledged = RefCell::new(Vec::new());
    let acks = Cell::new(0);
    let on_ack = || {
        acks.set(acks.get() + 1);
        if acks.get() == KILL_AFTER {
            // SAFETY: kill(2) on the emulator this test started and has not waited for.
            let sent = unsafe { libc::kill(pid, libc::SIGKILL) };
            assert_eq!(sent, 0, "SIGKILL delivered");
        }
    };
    join_all((0..WRITERS).map(|_| {
        requester(
            &client,
            &doomed.address,
            &story,
            &waiting,
            &acknowledged,
            &on_ack,
        )
    }))
    .await;
    doomed.child.wait().expect("the killed process is reaped");
    let acknowledged = acknowledged.into_inner();
    assert!(acknowledged.len() >= KILL_AFTER, "ended before the kill");
    // Read behind the survivor's back: what the killed replica left to deliver.
    let waiting: i64 =
        sqlx::query_scalar("SELECT count(*) FROM assignment_requests WHERE state = 'submitted'")
            .fetch_one(&database.pool)
            .await
            .expect("the requests are counted");
    // Usually some; none if the last settle ran just before the kill.
    eprintln!("{waiting} acknowledged requests were left to deliver by the survivor");

    for (user, id) in &acknowledged {
        assert_eq!(state(&survivor, id).await, "delivered", "{user}: {id}");
    }
    let assignments = survivor
        .get(&query(
            &format!("{V1}/assignments"),
            "$filter=state eq 'delivered'&$expand=target&$top=500",
        ))
        .await
        .expect(200);
    let mut holders: Vec<&str> = assignments["value"]
        .as_array()
        .expect("assignments")
        .iter()
        .filter_map(|assignment| assignment["target"]["objectId"].as_str())
        .collect();
    holders.sort_unstable();
    let distinct: HashSet<&str> = holders.iter().copied().collect();
    assert_eq!(
        holders.len(),
        distinct.len(),
        "a user holds two: {holders:?}"
    );
    let members: HashSet<String> = members(&survivor, &story.group).await.into_iter().collect();
    assert_eq!(distinct.len(), members.len());
    for (user, _) in &acknowledged {
        assert!(distinct.contains(user.as_str()), "{user} holds nothing");
        assert!(members.contains(user), "{user} is no member");
    }
}
