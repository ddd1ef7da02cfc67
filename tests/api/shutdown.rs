//! SIGTERM while creates are in flight: the accepted ones finish with 201, none gets a 5xx,
//! the WAL is checkpointed into the file, and the process exits 0.

use std::cell::RefCell;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::*;

#[actix_web::test]
async fn sigterm_lets_in_flight_creates_finish_then_exits_0() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("shutdown.db");
    let url = format!("sqlite://{}", db.display());
    let args = ["--port", "0", "--database", url.as_str()];
    let emulator = RunningEmulator::start(emulator_command(&args, &[]));
    let pid = libc::pid_t::try_from(emulator.child.id()).expect("a pid");
    let base = emulator.address.clone();
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let acknowledged = RefCell::new(Vec::<Value>::new());
    let terminated = std::cell::Cell::new(false);

    // 32 clients each create until refused; the first 201 triggers SIGTERM, so the others'
    // creates are queued, being written or being answered at that moment.
    join_all((0..32).map(|w| {
        let (client, base, acknowledged, terminated) = (&client, &base, &acknowledged, &terminated);
        async move {
            for n in 0.. {
                let sent = client
                    .post(format!("{base}{BETA}/accessPackages"))
                    .insert_header(("Authorization", BEARER))
                    .send_json(&json!({"catalogId": GENERAL, "displayName": format!("w{w} n{n}")}))
                    .await;
                let Ok(mut response) = sent else { return };
                let Ok(body) = response.body().await else {
                    return;
                };
                assert_eq!(response.status().as_u16(), 201, "{body:?}");
                acknowledged
                    .borrow_mut()
                    .push(serde_json::from_slice(&body).expect("JSON"));
                if !terminated.replace(true) {
                    // SAFETY: kill(2) on the emulator this test started.
                    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
                }
            }
        }
    }))
    .await;

    let (code, _) = emulator.terminate_already_signalled();
    assert_eq!(code, Some(0));
    assert!(
        !dir.path().join("shutdown.db-wal").exists(),
        "the WAL was not checkpointed and removed"
    );

    let acknowledged = acknowledged.into_inner();
    assert!(!acknowledged.is_empty());
    // Every answered create is stored (graceful: nothing is cut off mid-commit).
    let stored = count_rows(&db, "access_packages").await;
    let answered = i64::try_from(acknowledged.len()).expect("a count");
    assert!(stored >= answered, "{stored} stored, {answered} answered");
    eprintln!("SIGTERM under 32 clients: {answered} creates answered, {stored} stored, exit 0");
}
