//! SQLite has one writer: concurrent creates must queue, never fail; another process's lock
//! is waited for, then a 503.

use std::collections::HashSet;
use std::time::Instant;

use futures_util::future::join_all;
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};

use crate::helpers::*;

#[actix_web::test]
async fn sixty_four_simultaneous_creates_all_succeed() {
    let app = spawn_app().await;

    let started = Instant::now();
    let names: Vec<String> = (0..64).map(|i| format!("package {i}")).collect();
    let responses = join_all(names.iter().map(|name| app.create_beta_package(name))).await;
    let elapsed = started.elapsed();

    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert!(statuses.iter().all(|&s| s == 201), "statuses: {statuses:?}");
    let ids: HashSet<String> = responses
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 64);
    assert_eq!(app.count_rows("access_packages").await, 64);
    eprintln!("64 concurrent creates: 64 x 201, 0 errors, {elapsed:?} in all (debug build)");
}

#[actix_web::test]
async fn concurrent_duplicates_give_one_201_and_the_rest_409() {
    let app = spawn_app().await;

    let responses = join_all((0..16).map(|_| app.create_beta_package("contested"))).await;

    let created = responses
        .iter()
        .filter(|r| r.status.as_u16() == 201)
        .count();
    assert_eq!(created, 1);
    for response in responses.iter().filter(|r| r.status.as_u16() != 201) {
        response.assert_graph_error(409, "DuplicateAccessPackage");
    }
    assert_eq!(app.count_rows("access_packages").await, 1);
}

#[actix_web::test]
async fn reads_are_answered_while_writes_are_queued() {
    let app = spawn_app().await;
    let first = app.create_beta_package("first").await.json();
    let id = first["id"].as_str().unwrap().to_owned();
    let path = format!("{BETA}/accessPackages/{id}");

    let names: Vec<String> = (0..32).map(|i| format!("w{i}")).collect();
    let writes = join_all(names.iter().map(|name| app.create_beta_package(name)));
    let reads = join_all((0..32).map(|_| app.get(&path)));
    let (writes, reads) = futures_util::future::join(writes, reads).await;

    assert!(writes.iter().all(|r| r.status.as_u16() == 201));
    assert!(reads
        .iter()
        .all(|r| r.status.as_u16() == 200 && r.json() == first));
}

/// Another process's connection to the emulator's file, as a test's own tools would open it.
async fn other_process(app: &TestApp) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(app.database_path())
        .connect()
        .await
        .expect("the database opens")
}

/// SQL run on the emulator's file from outside: the test's instruments (triggers).
async fn execute(connection: &mut SqliteConnection, sql: &str) {
    sqlx::query(sql)
        .execute(&mut *connection)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Creates that arrive together are written together (one statement per batch); a row that
/// cannot go in must fail alone, with its own error, and leave its neighbours stored.
///
/// Two triggers, added from outside, make that visible. One logs, for every row written,
/// `changes()`: inside a statement that is the row count of the previous INSERT on the
/// emulator's single writer connection, so a value of 2 or more proves a multi-row
/// statement. The other aborts any statement holding a "poison" row, as an unexpected
/// database error would: its batch fails whole, and only the retry one row at a time can
/// still store the neighbours.
#[actix_web::test]
async fn in_a_batch_of_creates_each_bad_row_fails_alone() {
    // The instruments are SQLite triggers in the file.
    let app = spawn_app_on_sqlite().await;
    assert_eq!(app.create_beta_package("Taken").await.status.as_u16(), 201);
    let mut outside = other_process(&app).await;
    execute(
        &mut outside,
        "CREATE TABLE test_writes (id TEXT, previous_statement_rows INTEGER)",
    )
    .await;
    execute(
        &mut outside,
        "CREATE TRIGGER test_log AFTER INSERT ON access_packages BEGIN \
         INSERT INTO test_writes VALUES (NEW.id, changes()); END",
    )
    .await;

    // Whether concurrent creates meet in one batch depends on the machine's pace: on a
    // loaded machine each may be written before the next arrives. A few bursts make a
    // batch all but certain where batching works, and impossible where it does not.
    let mut widest = 0;
    let mut rounds = 0;
    for round in ["first", "second", "third", "fourth", "fifth"] {
        rounds += 1;
        burst(&app, round, false).await;
        // Alone, after the burst: its log entry tells the size of the burst's last statement.
        let last = app.create_beta_package(&format!("{round} last")).await;
        last.expect(201);
        widest = sqlx::query_scalar("SELECT max(previous_statement_rows) FROM test_writes")
            .fetch_one(&mut outside)
            .await
            .expect("the log is readable");
        if widest >= 2 {
            break;
        }
    }
    assert!(
        widest >= 2,
        "no statement wrote more than {widest} row(s): the creates were not batched"
    );

    execute(
        &mut outside,
        "CREATE TRIGGER test_poison BEFORE INSERT ON access_packages \
         WHEN NEW.display_name LIKE 'poison%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
    )
    .await;
    burst(&app, "tainted", true).await;
    // "Taken"; each round's 12 good, one contested winner and its "last"; the tainted
    // burst's 12 good and one winner (its poison rows refused).
    assert_eq!(
        app.count_rows("access_packages").await,
        1 + rounds * (12 + 1 + 1) + (12 + 1)
    );
}

/// 12 good creates, 12 naming a missing catalog, 12 clashing with a stored name, 4 clashing
/// with each other, and with `poison` 4 that the database refuses, all at once.
async fn burst(app: &TestApp, round: &str, poison: bool) {
    let missing = "0b7c2c5e-6d8a-4f5e-9a41-3c1f0d2e9b77";
    let path = format!("{BETA}/accessPackages");
    let path = &path;
    let post = |catalog: &str, name: String| {
        let body = json!({ "catalogId": catalog, "displayName": name });
        async move { app.post(path, &body).await }
    };
    let mut requests = Vec::new();
    for i in 0..12 {
        requests.push(("good", post(GENERAL, format!("{round} good {i}"))));
        requests.push(("no catalog", post(missing, format!("{round} orphan {i}"))));
        // Clashes with a stored row, ignoring case.
        requests.push(("taken", post(GENERAL, "TAKEN".to_owned())));
        if poison && i % 3 == 0 {
            requests.push(("poison", post(GENERAL, format!("poison {i}"))));
        }
    }
    // Clash with each other only: exactly one of the four wins.
    for _ in 0..4 {
        requests.push(("contested", post(GENERAL, format!("{round} contested"))));
    }
    let (kinds, futures): (Vec<_>, Vec<_>) = requests.into_iter().unzip();
    let responses = join_all(futures).await;

    let mut contested_wins = 0;
    for (kind, response) in kinds.iter().zip(&responses) {
        match *kind {
            "good" => {
                assert_eq!(
                    response.status.as_u16(),
                    201,
                    "{round}: {:?}",
                    response.body
                );
                let stored = app
                    .get(&format!(
                        "{BETA}/accessPackages/{}",
                        response.json()["id"].as_str().unwrap()
                    ))
                    .await;
                assert_eq!(stored.json(), response.json());
            }
            "no catalog" => {
                response.assert_graph_error(404, "ResourceNotFound");
            }
            "taken" => {
                response.assert_graph_error(409, "DuplicateAccessPackage");
            }
            "poison" => {
                response.assert_graph_error(500, "generalException");
            }
            _ if response.status.as_u16() == 201 => contested_wins += 1,
            _ => {
                response.assert_graph_error(409, "DuplicateAccessPackage");
            }
        }
    }
    assert_eq!(contested_wins, 1, "{round}");
}

/// Another process holding the write lock past `database.busy_timeout_ms` makes writes
/// 503 with Retry-After (the SDKs retry those), while reads, in WAL mode, go on.
#[actix_web::test]
async fn a_database_locked_past_the_busy_timeout_is_503_and_reads_go_on() {
    // The lock is the file's (PostgreSQL's counterpart, the tenant's lock held by another
    // replica, is postgres_schema/replicas.rs's).
    let app = spawn_app_on_sqlite_with(|settings| settings.database.busy_timeout_ms = 200).await;
    let created = app.create_beta_package("before").await;
    created.expect(201);
    let mut outside = other_process(&app).await;
    execute(&mut outside, "BEGIN IMMEDIATE").await;

    let refused = app.create_beta_package("while locked").await;
    // serviceNotAvailable is one of Graph's documented codes (reference §4.1); the message
    // and Retry-After: 1 are the emulator's decision (docs/src/decisions.md).
    let error = refused.assert_graph_error(503, "serviceNotAvailable");
    assert_eq!(
        error["message"],
        "The service is temporarily unavailable. Retry the request."
    );
    assert_eq!(refused.header("retry-after"), "1");
    let read = app.get(&format!("{BETA}/accessPackages")).await;
    read.expect(200);
    assert_eq!(read.json()["value"][0]["id"], created.json()["id"]);

    execute(&mut outside, "ROLLBACK").await;
    assert_eq!(
        app.create_beta_package("while locked")
            .await
            .status
            .as_u16(),
        201,
        "nothing of the refused create was kept"
    );
    assert_eq!(app.count_rows("access_packages").await, 2);
}
