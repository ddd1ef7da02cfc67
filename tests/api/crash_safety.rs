//! `kill -9` in the middle of concurrent creates never loses an acknowledged write, never
//! leaves a row half-written, and never corrupts the file. The promise is for the process
//! dying (crash, OOM kill, `docker kill`): with `synchronous = "normal"` a commit is in the
//! operating system's hands before the 201 leaves, so only power loss could undo it. The
//! writers write in sixteen tenants (the home one and fifteen others), each tenant a file.

use std::cell::{Cell, RefCell};

use futures_util::future::join_all;
use serde_json::Value;
use sqlx::Connection;

use crate::helpers::*;

const WRITERS: usize = 16;
const ROUNDS: u64 = 5;

/// Writer `w` writes in tenant `w`; writer 0 in the home tenant.
fn tenant_of(w: usize) -> Option<String> {
    (w > 0).then(|| format!("tenant{w}.crash.test"))
}

fn in_tenant(request: awc::ClientRequest, tenant: Option<&str>) -> awc::ClientRequest {
    match tenant {
        Some(tenant) => request.insert_header(("X-Emulator-Tenant", tenant)),
        None => request,
    }
}

/// Creates until the connection fails (the server was killed); every 201 is recorded.
async fn writer(
    client: &awc::Client,
    base: &str,
    w: usize,
    name: String,
    acknowledged: &RefCell<Vec<(usize, Value)>>,
    on_ack: &dyn Fn(),
) {
    for n in 0.. {
        let body = serde_json::json!({
            "catalogId": GENERAL,
            "displayName": format!("{name} {n}"),
            "description": format!("acknowledged write {name} {n}"),
        });
        let request = client
            .post(format!("{base}{BETA}/accessPackages"))
            .insert_header(("Authorization", BEARER));
        let sent = in_tenant(request, tenant_of(w).as_deref())
            .send_json(&body)
            .await;
        let Ok(mut response) = sent else { return };
        let Ok(bytes) = response.body().await else {
            return;
        };
        assert_eq!(response.status().as_u16(), 201, "{bytes:?}");
        let created: Value = serde_json::from_slice(&bytes).expect("a JSON 201 body");
        acknowledged.borrow_mut().push((w, created));
        on_ack();
    }
}

fn kill_9(pid: u32) {
    let pid = libc::pid_t::try_from(pid).expect("a pid");
    // SAFETY: kill(2) on the emulator this test started and has not yet waited for.
    let sent = unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(sent, 0, "SIGKILL delivered");
}

#[actix_web::test]
async fn acknowledged_creates_in_sixteen_tenants_survive_kill_9() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("crash.db");
    let url = format!("sqlite://{}", db.display());
    let args = ["--port", "0", "--database", url.as_str()];
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let acknowledged = RefCell::new(Vec::new());

    for round in 0..ROUNDS {
        let mut emulator = RunningEmulator::start(emulator_command(&args, &[]));
        let pid = emulator.child.id();
        let base = emulator.address.clone();
        // A different kill point each round: after this many 201s of the round, while the
        // other writers' creates are queued, being written or being answered.
        let kill_after = 25 + round * 61;
        let acks = Cell::new(0);
        let on_ack = || {
            acks.set(acks.get() + 1);
            if acks.get() == kill_after {
                kill_9(pid);
            }
        };
        join_all((0..WRITERS).map(|w| {
            writer(
                &client,
                &base,
                w,
                format!("round {round} writer {w}"),
                &acknowledged,
                &on_ack,
            )
        }))
        .await;
        emulator.child.wait().expect("the killed process is reaped");
        assert!(
            acks.get() >= kill_after,
            "round {round} ended before its kill"
        );
    }

    // Restart on the same file: every acknowledged create is there, as it was answered.
    let emulator = RunningEmulator::start(emulator_command(&args, &[]));
    let base = emulator.address.clone();
    let acknowledged = acknowledged.into_inner();
    for (w, created) in &acknowledged {
        let id = created["id"].as_str().expect("an id");
        let request = client
            .get(format!("{base}{BETA}/accessPackages/{id}"))
            .insert_header(("Authorization", BEARER));
        let mut response = in_tenant(request, tenant_of(*w).as_deref())
            .send()
            .await
            .expect("the restarted emulator answers");
        assert_eq!(response.status().as_u16(), 200, "acknowledged {id} lost");
        let mut stored: Value = response.json().await.expect("a JSON body");
        // Each start listens on a new port, which @odata.context carries.
        let mut created = created.clone();
        for entity in [&mut stored, &mut created] {
            entity.as_object_mut().map(|e| e.remove("@odata.context"));
        }
        assert_eq!(stored, created, "acknowledged {id} changed");
    }
    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));

    // Nothing half-written: every row is whole, and every tenant's file is sound.
    let mut files = vec![db.clone()];
    for entry in std::fs::read_dir(dir.path().join("crash.db.tenants")).expect("the tenants") {
        let path = entry.expect("an entry").path();
        // (A template being built when the process was killed is no tenant.)
        let tenant = !path.to_string_lossy().contains("/.template-");
        if tenant && path.extension().is_some_and(|extension| extension == "db") {
            files.push(path);
        }
    }
    assert_eq!(files.len(), WRITERS, "{files:?}");
    let mut rows = 0;
    for file in &files {
        let mut connection =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
                .await
                .expect("the file opens");
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut connection)
            .await
            .expect("integrity_check runs");
        assert_eq!(integrity, "ok", "{}", file.display());
        let (stored, whole): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE display_name LIKE 'round % writer % %'
                 AND description = 'acknowledged write ' || display_name
                 AND created_date_time = modified_date_time AND created_by IS NOT NULL)
             FROM access_packages",
        )
        .fetch_one(&mut connection)
        .await
        .expect("rows are counted");
        assert_eq!(
            stored,
            whole,
            "rows that are not whole in {}",
            file.display()
        );
        rows += stored;
    }
    // Unacknowledged creates may have landed too (killed before their answer was sent).
    let acknowledged = i64::try_from(acknowledged.len()).expect("a count");
    assert!(
        rows >= acknowledged,
        "{rows} rows, {acknowledged} acknowledged"
    );
    eprintln!(
        "kill -9: {ROUNDS} rounds, {WRITERS} writers in {WRITERS} tenants, {acknowledged} \
         acknowledged creates all read back; {rows} rows; integrity_check ok in every file"
    );
}
