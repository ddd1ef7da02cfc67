//! The emulator in-process: started, restarted on the same file, stopped, and spoken to.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::http::Method;
use actix_web::web::Bytes;
use entitlement_emulator::configuration::Settings;
use entitlement_emulator::startup::Application;
use entitlement_emulator::tenants::TenantId;
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tempfile::TempDir;

use super::{PostgresDatabase, TestResponse, BEARER};

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        entitlement_emulator::telemetry::init("debug");
    }
});

pub struct TestApp {
    pub address: String,
    /// `https://…` when the settings enable TLS.
    pub https_address: Option<String>,
    /// The certificate HTTPS presents.
    pub certificate: Option<PathBuf>,
    pub settings: Settings,
    dir: TempDir,
    /// The database the emulator serves from, when the suite runs on PostgreSQL.
    postgres: Option<Arc<PostgresDatabase>>,
    handle: ServerHandle,
    served: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
    client: awc::Client,
}

/// Defaults, a fresh database file in `dir`, any free port.
pub fn test_settings(dir: &Path) -> Settings {
    let mut settings = Settings::defaults().expect("the default settings are valid");
    settings.server.port = 0;
    settings.server.workers = 2;
    settings.database.url = format!("sqlite://{}", dir.join("emulator.db").display());
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// With `EMULATOR_TEST_BACKEND=postgres`, on a PostgreSQL database of its own rather than
/// a SQLite file (unless `customise` names a database itself).
pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    let on_postgres = std::env::var("EMULATOR_TEST_BACKEND").as_deref() == Ok("postgres");
    spawn(customise, on_postgres).await
}

/// On a SQLite file whatever `EMULATOR_TEST_BACKEND` says: for the tests that compare
/// PostgreSQL's schema with SQLite's.
pub async fn spawn_app_on_sqlite() -> TestApp {
    spawn(|_| {}, false).await
}

/// As `spawn_app_on_sqlite`, with settings: for the tests of what only a SQLite file has
/// (its schema and query plans, its permissions, its lock, a file changed behind the
/// emulator's back).
pub async fn spawn_app_on_sqlite_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(customise, false).await
}

async fn spawn(customise: impl FnOnce(&mut Settings), on_postgres: bool) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut settings = test_settings(dir.path());
    let postgres = match on_postgres {
        true => {
            let database = PostgresDatabase::new()
                .await
                .expect("EMULATOR_TEST_BACKEND=postgres needs EMULATOR_TEST_POSTGRES_URL");
            settings.database.url = database.url();
            Some(Arc::new(database))
        }
        false => None,
    };
    customise(&mut settings);
    // With no database file, a generated certificate would be made in the working
    // directory (the crate's): the test's folder instead. (The signing key is the
    // database's.)
    if settings.database.is_postgres() && settings.tls.dir.is_empty() {
        settings.tls.dir = dir.path().display().to_string();
    }
    start(settings, dir, postgres).await
}

async fn start(
    settings: Settings,
    dir: TempDir,
    postgres: Option<Arc<PostgresDatabase>>,
) -> TestApp {
    LazyLock::force(&TRACING);
    let application = Application::build(settings.clone())
        .await
        .expect("the application starts");
    let address = format!("http://{}", application.address());
    let https_address = application
        .https_address()
        .map(|address| format!("https://{address}"));
    let certificate = application.certificate().map(Path::to_path_buf);
    let handle = application.handle();
    let served = actix_web::rt::spawn(application.run_until_stopped());
    TestApp {
        address,
        https_address,
        certificate,
        settings,
        dir,
        postgres,
        handle,
        served,
        client: awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish(),
    }
}

impl TestApp {
    /// The temporary directory holding the database (and a generated certificate).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn database_path(&self) -> PathBuf {
        self.dir.path().join("emulator.db")
    }

    /// Whether the app serves from a PostgreSQL database (`EMULATOR_TEST_BACKEND=postgres`).
    pub fn on_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The PostgreSQL database the app serves from, if it does.
    pub fn postgres(&self) -> Option<&PostgresDatabase> {
        self.postgres.as_deref()
    }

    /// Stops the server gracefully (closing the database), then starts a new one on the
    /// same file, as a user restarting the emulator would.
    pub async fn restart(self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// As `restart`, with settings changed in between (same folder, same database).
    pub async fn restart_with(self, customise: impl FnOnce(&mut Settings)) -> TestApp {
        self.stop().await.start_with(customise).await
    }

    /// Stops the server gracefully; the folder and database stay for `Stopped::start_with`.
    pub async fn stop(self) -> Stopped {
        let TestApp {
            settings,
            dir,
            postgres,
            handle,
            served,
            ..
        } = self;
        let stopping = async {
            handle.stop(true).await;
            served.await
        };
        tokio::time::timeout(Duration::from_secs(30), stopping)
            .await
            .expect("the server stops within 30 s")
            .expect("the server task ends")
            .expect("the server stops cleanly");
        Stopped {
            settings,
            dir,
            postgres,
        }
    }

    pub fn request(&self, method: Method, path: &str) -> awc::ClientRequest {
        self.client
            .request(method, format!("{}{path}", self.address))
            .insert_header(("Authorization", BEARER))
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        send(self.request(Method::GET, path), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.post_raw(path, "application/json", body.to_string())
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let request = self
            .request(Method::POST, path)
            .insert_header(("Content-Type", content_type));
        send(request, Some(body.into())).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> TestResponse {
        self.send_json(Method::PATCH, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> TestResponse {
        self.send_json(Method::PUT, path, body).await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        send(self.request(Method::DELETE, path), None).await
    }

    async fn send_json(&self, method: Method, path: &str, body: &Value) -> TestResponse {
        let request = self
            .request(method, path)
            .insert_header(("Content-Type", "application/json"));
        send(request, Some(body.to_string().into())).await
    }

    /// Rows in a table of the home tenant, read straight from the database (the file, or
    /// the PostgreSQL table behind the tenant's view): proof of what was (not) stored.
    pub async fn count_rows(&self, table: &str) -> i64 {
        match &self.postgres {
            Some(database) => database.count_rows(table, &self.home_tenant()).await,
            None => count_rows(&self.database_path(), table).await,
        }
    }
}

impl TestApp {
    /// The home tenant's key in a database of every tenant.
    pub fn home_tenant(&self) -> String {
        let id = TenantId::parse(&self.settings.auth.signin.tenant_id);
        id.expect("the home tenant's id").as_str().to_owned()
    }

    /// Two text columns of every row of the home tenant's `table`, read straight from the
    /// database, as `count_rows` reads it.
    pub async fn column_pairs(
        &self,
        table: &str,
        first: &str,
        second: &str,
    ) -> Vec<(String, String)> {
        match &self.postgres {
            Some(database) => {
                let columns = format!("{first}, {second}");
                database.rows(table, &columns, &self.home_tenant()).await
            }
            None => {
                let mut connection = read_only(&self.database_path()).await;
                let rows = sqlx::query_as(&format!("SELECT {first}, {second} FROM {table}"))
                    .fetch_all(&mut connection)
                    .await
                    .expect("the table has them");
                connection.close().await.expect("closes");
                rows
            }
        }
    }
}

impl TestApp {
    /// Whether `text` is anywhere in what the emulator stored: the database file and its
    /// write-ahead log, or every table on PostgreSQL.
    pub async fn stores_text(&self, text: &str) -> bool {
        if let Some(database) = &self.postgres {
            return database.holds_text(text).await;
        }
        let wal = self.dir.path().join("emulator.db-wal");
        [self.database_path(), wal].iter().any(|file| {
            std::fs::read(file).is_ok_and(|bytes| {
                bytes
                    .windows(text.len())
                    .any(|window| window == text.as_bytes())
            })
        })
    }

    /// The key the emulator signs its tokens with: the file beside a SQLite database, or
    /// the one row every replica on a PostgreSQL database shares. None when there is none.
    pub async fn signing_key(&self) -> Option<Vec<u8>> {
        match &self.postgres {
            Some(database) => database.signing_key().await.map(String::into_bytes),
            None => std::fs::read(self.dir.path().join("emulator-signing-key.pem")).ok(),
        }
    }
}

/// An emulator stopped by `TestApp::stop`: its database can be changed behind its back.
pub struct Stopped {
    settings: Settings,
    dir: TempDir,
    postgres: Option<Arc<PostgresDatabase>>,
}

impl Stopped {
    pub fn database_path(&self) -> PathBuf {
        self.dir.path().join("emulator.db")
    }

    pub async fn start_with(self, customise: impl FnOnce(&mut Settings)) -> TestApp {
        let Stopped {
            mut settings,
            dir,
            postgres,
        } = self;
        settings.server.port = 0;
        settings.tls.port = 0;
        customise(&mut settings);
        start(settings, dir, postgres).await
    }
}

/// A read-only connection to a database file, to look at what the emulator stored.
pub async fn read_only(database: &Path) -> sqlx::SqliteConnection {
    SqliteConnectOptions::new()
        .filename(database)
        .read_only(true)
        .connect()
        .await
        .expect("the database opens")
}

pub async fn count_rows(database: &Path, table: &str) -> i64 {
    let mut connection = read_only(database).await;
    let count = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut connection)
        .await
        .expect("the table exists");
    connection.close().await.expect("closes");
    count
}

pub async fn send(request: awc::ClientRequest, body: Option<Bytes>) -> TestResponse {
    let sent = match body {
        Some(body) => request.send_body(body).await,
        None => request.send().await,
    };
    let mut response = sent.expect("the server answers");
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("a readable body");
    TestResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body,
    }
}
