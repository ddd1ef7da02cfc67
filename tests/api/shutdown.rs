//! SIGTERM (or SIGINT) while creates are in flight: the accepted ones finish with 201, none
//! gets a 5xx, the WAL is checkpointed into the file, and the process exits 0; what takes
//! longer than `server.shutdown_timeout_secs` is cut off.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

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
    // creates are queued, being written or being answered at that moment. A create the stop
    // cuts off only ends its writer here, so this is a load test of the stop (no 5xx, no
    // answered create lost); that in-flight requests are answered is shown below.
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

/// A create whose head has reached the emulator (it answered `100 Continue`) and whose body
/// is sent only once the emulator has stopped accepting connections: a graceful stop must
/// still answer it with 201 and store it; an abrupt one cuts it off. Its injected latency
/// keeps it in flight well after the stop reached every worker.
fn create_in_flight_across(signal: libc::c_int, label: &str) -> (RunningEmulator, TempDirDb) {
    let db = TempDirDb::new();
    let emulator = RunningEmulator::start(emulator_command(
        &["--port", "0", "--database", &db.url],
        &[("EMULATOR__SERVER__SHUTDOWN_TIMEOUT_SECS", "30")],
    ));
    let address = emulator.address.trim_start_matches("http://").to_owned();
    let body = json!({"catalogId": GENERAL, "displayName": label}).to_string();
    let mut stream = head_with_expect(&address, &body, 500);

    let pid = libc::pid_t::try_from(emulator.child.id()).expect("a pid");
    // SAFETY: kill(2) on the emulator this test started.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    wait_until_refused(&address);

    stream.write_all(body.as_bytes()).expect("the body is sent");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 201 Created\r\n") && answer.contains(label),
        "the in-flight create was not answered: {answer:?}"
    );
    (emulator, db)
}

#[actix_web::test]
async fn sigterm_answers_a_create_that_was_in_flight() {
    let (emulator, db) = create_in_flight_across(libc::SIGTERM, "in flight at SIGTERM");
    db.assert_stopped_cleanly(emulator, 1).await;
}

#[actix_web::test]
async fn sigint_answers_a_create_that_was_in_flight() {
    let (emulator, db) = create_in_flight_across(libc::SIGINT, "in flight at SIGINT");
    db.assert_stopped_cleanly(emulator, 1).await;
}

/// `server.shutdown_timeout_secs` bounds the wait: a request that would take 20 s more is
/// cut off after about one, and the process still exits 0 with its WAL checkpointed.
#[actix_web::test]
async fn the_shutdown_timeout_cuts_off_what_takes_longer() {
    let db = TempDirDb::new();
    let emulator = RunningEmulator::start(emulator_command(
        &["--port", "0", "--database", &db.url],
        &[("EMULATOR__SERVER__SHUTDOWN_TIMEOUT_SECS", "1")],
    ));
    let address = emulator.address.trim_start_matches("http://").to_owned();
    let body = json!({"catalogId": GENERAL, "displayName": "too slow"}).to_string();
    let mut stream = head_with_expect(&address, &body, 20_000);
    stream.write_all(body.as_bytes()).expect("the body is sent");

    let started = Instant::now();
    let pid = libc::pid_t::try_from(emulator.child.id()).expect("a pid");
    // SAFETY: kill(2) on the emulator this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.is_empty(), "answered after all: {answer:?}");
    db.assert_stopped_cleanly(emulator, 0).await;
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(10),
        "the stop waited {waited:?}, not about shutdown_timeout_secs = 1"
    );
}

/// Sends a create's head with `Expect: 100-continue` and `latency_ms` of injected delay, and
/// returns once the emulator has answered `100 Continue`: proof that the request is being
/// served, not waiting in a queue the stop would drop.
fn head_with_expect(address: &str, body: &str, latency_ms: u64) -> TcpStream {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .expect("a read timeout");
    let head = format!(
        "POST {BETA}/accessPackages HTTP/1.1\r\nHost: localhost\r\nAuthorization: {BEARER}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         x-emulator-fault: latency={latency_ms}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("the head is sent");
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("an interim answer");
        assert_eq!(n, 1, "closed before 100 Continue: {interim:?}");
        interim.push(byte[0]);
    }
    assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream
}

/// Returns once the emulator's listener is closed, which it does when the stop begins.
/// Polls connect, which is the only outside sign of it; bounded so a stop that never comes
/// fails instead of hanging.
fn wait_until_refused(address: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect(address) {
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => return,
            // A probe caught in the listener's queue as it closes is reset: closed too.
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => return,
            Err(error) => panic!("connect: {error}"),
            Ok(probe) => drop(probe),
        }
        assert!(
            Instant::now() < deadline,
            "still accepting 10 s after the signal"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A database file in its own temporary folder.
struct TempDirDb {
    dir: tempfile::TempDir,
    url: String,
}

impl TempDirDb {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("stop.db").display());
        Self { dir, url }
    }

    /// Exit 0, the WAL checkpointed and removed, `rows` packages in the file.
    async fn assert_stopped_cleanly(&self, emulator: RunningEmulator, rows: i64) {
        let (code, _) = emulator.terminate_already_signalled();
        assert_eq!(code, Some(0));
        assert!(
            !self.dir.path().join("stop.db-wal").exists(),
            "the WAL is left"
        );
        assert_eq!(
            count_rows(&self.dir.path().join("stop.db"), "access_packages").await,
            rows
        );
    }
}
