//! Arbitrary durations, dates, clock moves and dwell times through a policy, a request,
//! an approval stage and the clock: whatever a client or a test sends, every answer is
//! below 500, every connection answers, and the store can still be read and reset — no
//! value leaves a due row that stops the lifecycle (the settle step runs before every
//! request, so one such row stopped all of them).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{json, Value};

use crate::helpers::*;

/// Duration text: sensible, enormous, negative-looking, fractional, and not durations.
fn duration_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => (0u64..=u64::MAX).prop_map(|days| format!("P{days}D")),
        // Mostly durations Graph takes, so that most scenarios reach the lifecycle.
        4 => (0u64..20_000_000).prop_map(|days| format!("P{days}D")),
        1 => (0u64..=u64::MAX).prop_map(|seconds| format!("PT{seconds}S")),
        1 => (0u32..=u32::MAX, 0u32..100_000).prop_map(|(w, h)| format!("P{w}WT{h}H")),
        1 => Just("P10675199DT2H48M5S".to_owned()),
        1 => Just("P10675199DT2H48M6S".to_owned()),
        1 => Just("PT0S".to_owned()),
        1 => Just("P1M".to_owned()),
        1 => Just("-P1D".to_owned()),
        1 => "[PTDHMSW0-9.-]{0,12}",
    ]
}

/// Date text: every year the wire format writes, its edges, offsets, and not dates.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..=9999, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}T00:00:00Z")),
        Just("9999-12-31T23:59:59.9999999Z".to_owned()),
        Just("9999-12-31T23:59:59-12:00".to_owned()),
        Just("0001-01-01T00:00:00+14:00".to_owned()),
        Just("0000-01-01T00:00:00Z".to_owned()),
        "[0-9T:Z.-]{0,24}",
    ]
}

#[derive(Debug, Clone)]
enum ClockMove {
    To(String),
    Ms(i64),
    By(String),
}

fn clock_move() -> impl Strategy<Value = ClockMove> {
    prop_oneof![
        date_text().prop_map(ClockMove::To),
        any::<i64>().prop_map(ClockMove::Ms),
        (0i64..40 * 86_400_000).prop_map(ClockMove::Ms),
        duration_text().prop_map(ClockMove::By),
    ]
}

#[derive(Debug, Clone)]
struct Scenario {
    pace: &'static str,
    dwell: (u64, u64),
    expiration: String,
    beta_days: i64,
    denial: String,
    approval: bool,
    start: Option<String>,
    schedule: Option<String>,
    moves: Vec<ClockMove>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![Just("immediate"), Just("dwell"), Just("manual")],
        (any::<u64>(), 0u64..10_000),
        duration_text(),
        prop_oneof![1 => any::<i64>(), 3 => 0i64..20_000_000],
        duration_text(),
        any::<bool>(),
        proptest::option::of(date_text()),
        proptest::option::of(duration_text()),
        proptest::collection::vec(clock_move(), 0..4),
    )
        .prop_map(
            |(pace, dwell, expiration, beta_days, denial, approval, start, schedule, moves)| {
                Scenario {
                    pace,
                    dwell,
                    expiration,
                    beta_days,
                    denial,
                    approval,
                    start,
                    schedule,
                    moves,
                }
            },
        )
}

/// Below 500, and the body is JSON (an empty reply would have failed `send`).
fn fine(response: &TestResponse, what: &str) -> Result<(), TestCaseError> {
    let status = response.status.as_u16();
    prop_assert!(
        status < 500,
        "{what}: {status} {}",
        String::from_utf8_lossy(&response.body)
    );
    Ok(())
}

async fn run(app: &TestApp, scenario: &Scenario) -> Result<(), TestCaseError> {
    fine(&app.post("/_emulator/reset", &json!({})).await, "reset")?;
    let story: Story = story(app, "t").await;
    fine(
        &app.put(
            "/_emulator/lifecycle",
            &json!({"pace": scenario.pace,
                "dwell_ms": {"submitted": scenario.dwell.0, "delivering": scenario.dwell.1}}),
        )
        .await,
        "pace",
    )?;
    let mut policy = direct_policy();
    policy["accessPackage"] = json!({"id": story.package});
    policy["expiration"] = json!({"type": "afterDuration", "duration": scenario.expiration});
    if scenario.approval {
        policy["requestApprovalSettings"] = json!({"isApprovalRequiredForAdd": true,
            "isApprovalRequiredForUpdate": false, "stages": [{
                "durationBeforeAutomaticDenial": scenario.denial, "durationBeforeEscalation": "PT0S",
                "isApproverJustificationRequired": false, "isEscalationEnabled": false,
                "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": story.user}]}]});
    }
    let created = app.post(&format!("{V1}/assignmentPolicies"), &policy).await;
    fine(&created, "v1.0 policy")?;
    let beta = app
        .post(
            &format!("{BETA}/accessPackageAssignmentPolicies"),
            &json!({"accessPackageId": story.package, "displayName": "beta",
                "durationInDays": scenario.beta_days, "questions": []}),
        )
        .await;
    fine(&beta, "beta policy")?;
    let policy_id = [&created, &beta]
        .iter()
        .find(|answer| answer.status.as_u16() == 201)
        .map(|answer| answer.json()["id"].clone());
    let mut schedule = json!({});
    if let Some(start) = &scenario.start {
        schedule["startDateTime"] = json!(start);
    }
    if let Some(duration) = &scenario.schedule {
        schedule["expiration"] = json!({"type": "afterDuration", "duration": duration});
    }
    let request = app
        .post(
            &format!("{V1}/assignmentRequests"),
            &json!({"requestType": "adminAdd", "schedule": schedule, "assignment": {
                "targetId": story.user, "accessPackageId": story.package,
                "assignmentPolicyId": policy_id.unwrap_or(Value::from(GENERAL))}}),
        )
        .await;
    fine(&request, "adminAdd")?;
    for step in &scenario.moves {
        let moved = match step {
            ClockMove::To(now) => app.put("/_emulator/clock", &json!({"now": now})).await,
            ClockMove::Ms(ms) => {
                app.post("/_emulator/clock/advance", &json!({"ms": ms}))
                    .await
            }
            ClockMove::By(by) => {
                app.post("/_emulator/clock/advance", &json!({"by": by}))
                    .await
            }
        };
        fine(&moved, &format!("{step:?}"))?;
        fine(&app.get(&format!("{V1}/assignments")).await, "assignments")?;
    }
    fine(
        &app.get(&format!("{V1}/assignmentRequests?$expand=accessPackage"))
            .await,
        "requests",
    )?;
    fine(
        &app.get(&format!("{V1}/assignmentApprovals")).await,
        "approvals",
    )?;
    let health = app.get("/_emulator/health").await;
    prop_assert_eq!(health.status.as_u16(), 200);
    Ok(())
}

#[test]
fn no_time_value_makes_a_5xx_or_stops_the_lifecycle() {
    let system = actix_web::rt::System::new();
    let app = system.block_on(spawn_app());
    // Fixed, as the other generated-input tests: the same 96 scenarios every run.
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(20_261_206),
        ..Config::default()
    });
    runner
        .run(&scenario(), |scenario| {
            system.block_on(run(&app, &scenario))
        })
        .unwrap();
    // Whatever the last scenario left, the store resets and serves a story anew.
    system.block_on(async {
        assert_eq!(
            app.post("/_emulator/reset", &json!({}))
                .await
                .status
                .as_u16(),
            204
        );
        story(&app, "after").await;
    });
}
