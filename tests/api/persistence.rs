//! State lives in the SQLite file: it survives restarts, and the file's migrations are
//! checked against the ones this version knows.

use std::path::Path;

use entitlement_emulator::repository::{MIGRATOR, POSTGRES_MIGRATOR};
use entitlement_emulator::startup::Application;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::helpers::*;

#[actix_web::test]
async fn data_survives_a_restart_on_the_same_file() {
    let app = spawn_app().await;
    let created = app.create_beta_package("durable").await.json();
    let id = created["id"].as_str().unwrap().to_owned();

    let app = app.restart().await;

    let response = app.get(&format!("{BETA}/accessPackages/{id}")).await;
    response.expect(200);
    let mut read = response.json();
    let mut expected = created;
    // Only the host part of @odata.context may differ: the port is new.
    read.as_object_mut().unwrap().remove("@odata.context");
    expected.as_object_mut().unwrap().remove("@odata.context");
    assert_eq!(read, expected);
    // The duplicate check still sees the old row.
    app.create_beta_package("DURABLE")
        .await
        .assert_graph_error(409, "DuplicateAccessPackage");
    assert_eq!(
        app.count_rows("catalogs").await,
        1,
        "General is seeded once, not per start"
    );
}

/// What `sqlx migrate run --source migrations` does: sqlx-cli runs this same `Migrator`,
/// read from the folder at run time rather than compiled in.
async fn migrate_like_sqlx_cli(database: &Path) {
    let mut connection = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(true)
        .connect()
        .await
        .expect("a new database");
    let from_folder = Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .await
        .expect("the migrations folder reads");
    assert_eq!(from_folder.iter().count(), MIGRATOR.iter().count());
    from_folder
        .run(&mut connection)
        .await
        .expect("migrations apply");
    connection.close().await.expect("closes");
}

#[actix_web::test]
async fn a_database_migrated_beforehand_starts_without_complaint() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("emulator.db");
    migrate_like_sqlx_cli(&database).await;

    let settings = test_settings(dir.path());
    let application = Application::build(settings)
        .await
        .expect("starts on a pre-migrated file");
    let address = format!("http://{}", application.address());
    let handle = application.handle();
    let served = actix_web::rt::spawn(application.run_until_stopped());

    let response = send(
        awc::Client::default()
            .get(format!("{address}{BETA}/accessPackageCatalogs/{GENERAL}"))
            .insert_header(("Authorization", BEARER)),
        None,
    )
    .await;
    response.expect(200);
    handle.stop(true).await;
    served.await.unwrap().unwrap();
    assert_eq!(count_rows(&database, "catalogs").await, 1);
}

#[actix_web::test]
async fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let app = spawn_app().await;
    app.create_beta_package("precious").await;
    let known = match app.on_postgres() {
        true => POSTGRES_MIGRATOR.iter().count(),
        false => MIGRATOR.iter().count(),
    };

    // A later version would have recorded a migration this one does not have (on
    // PostgreSQL: a replica of a newer version, started first on the shared database).
    let checksum = match app.on_postgres() {
        true => "'\\x00'::bytea",
        false => "x'00'",
    };
    let future = format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', true, {checksum}, 0)"
    );
    behind_its_back(&app, &future).await;

    let error = match Application::build(app.settings.clone()).await {
        Ok(_) => panic!("a newer database must be refused"),
        Err(error) => error.to_string(),
    };

    assert!(error.contains("99990101000000"), "{error}");
    assert!(error.contains("newer version"), "{error}");
    assert_eq!(app.count_rows("access_packages").await, 1);
    let applied = behind_its_back(&app, "SELECT count(*) FROM _sqlx_migrations").await;
    assert_eq!(applied, Some(known as i64 + 1));
}

/// One statement on the app's database from outside it; the first column of its first row,
/// when that is a number.
async fn behind_its_back(app: &TestApp, sql: &str) -> Option<i64> {
    let row = match app.postgres() {
        Some(database) => {
            let mut connection = database.connection().await;
            sqlx::query_scalar(sql)
                .fetch_optional(&mut connection)
                .await
        }
        None => {
            let mut connection = SqliteConnectOptions::new()
                .filename(app.database_path())
                .connect()
                .await
                .unwrap();
            sqlx::query_scalar(sql)
                .fetch_optional(&mut connection)
                .await
        }
    };
    row.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The database holds the digests of client secrets: a new one, with its WAL and shared
/// memory, is its owner's alone.
#[cfg(unix)]
#[actix_web::test]
async fn a_new_database_and_its_wal_are_readable_by_their_owner_alone() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app_on_sqlite().await;
    assert_eq!(
        app.create_beta_package("written").await.status.as_u16(),
        201
    );
    let database = app.database_path();
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", database.display());
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{path}: {:o}", mode & 0o777);
    }
}

/// What a database holds besides its rows: every table, index and trigger as SQLite keeps
/// them, and which migrations it records with their checksums.
async fn shape(database: &Path) -> (Vec<(String, String, Option<String>)>, Vec<(i64, Vec<u8>)>) {
    let mut connection = read_only(database).await;
    let schema = sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut connection)
    .await
    .expect("reads the schema");
    let applied = sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut connection)
        .await
        .expect("reads the migrations");
    connection.close().await.expect("closes");
    (schema, applied)
}

/// A new database starts as a copy of one migrated when the binary was built: it must be
/// exactly what replaying `migrations/` makes (schema, recorded checksums, built-in rows),
/// and `sqlx migrate run` must find nothing to do on it.
#[actix_web::test]
async fn a_new_database_is_what_the_migrations_make() {
    // Its SQLite file is what this test reads.
    let app = spawn_app_on_sqlite().await;
    let made = app.database_path();
    let dir = tempfile::tempdir().unwrap();
    let replayed = dir.path().join("replayed.db");
    migrate_like_sqlx_cli(&replayed).await;

    let (schema, applied) = shape(&made).await;
    let (replayed_schema, replayed_applied) = shape(&replayed).await;
    assert!(schema.len() > 100, "{} objects", schema.len());
    let differ: Vec<_> = schema
        .iter()
        .filter(|object| !replayed_schema.contains(object))
        .chain(
            replayed_schema
                .iter()
                .filter(|object| !schema.contains(object)),
        )
        .collect();
    assert!(differ.is_empty(), "only in one of the two: {differ:?}");
    assert_eq!(applied.len(), MIGRATOR.iter().count());
    assert_eq!(
        applied, replayed_applied,
        "the recorded migrations and checksums"
    );
    for table in ["catalogs", "role_definitions", "emulator_clock", "settings"] {
        assert_eq!(
            count_rows(&made, table).await,
            count_rows(&replayed, table).await,
            "{table}"
        );
    }
    // What `sqlx migrate run` does next on it: checks every checksum, applies nothing.
    let mut connection = SqliteConnectOptions::new()
        .filename(&made)
        .connect()
        .await
        .expect("opens");
    let from_folder = Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .await
        .expect("the migrations folder reads");
    from_folder
        .run(&mut connection)
        .await
        .expect("every checksum matches");
    connection.close().await.expect("closes");
    assert_eq!(
        count_rows(&made, "_sqlx_migrations").await,
        MIGRATOR.iter().count() as i64
    );
}
