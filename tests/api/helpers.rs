//! The one way tests start the emulator: in-process on 127.0.0.1 port 0 with a fresh
//! SQLite file in a temporary directory, or as the built binary for what only a process
//! shows (flags, exit codes, signals).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use entitlement_emulator::configuration::Settings;
use entitlement_emulator::startup::Application;
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tempfile::TempDir;

/// The built-in catalog, and the catalogId of the seed page's example.
pub const GENERAL: &str = "aa2f6514-3232-46e7-a08a-2411ad8d7128";
pub const BETA: &str = "/beta/identityGovernance/entitlementManagement";
pub const V1: &str = "/v1.0/identityGovernance/entitlementManagement";
pub const BEARER: &str = "Bearer test-token";
pub const ODATA_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

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
    handle: ServerHandle,
    served: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
    client: awc::Client,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
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

pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut settings = test_settings(dir.path());
    customise(&mut settings);
    start(settings, dir).await
}

async fn start(settings: Settings, dir: TempDir) -> TestApp {
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
        Stopped { settings, dir }
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

    /// The seed page's request body, with a display name of the caller's choosing.
    pub async fn create_beta_package(&self, display_name: &str) -> TestResponse {
        self.post(
            &format!("{BETA}/accessPackages"),
            &serde_json::json!({
                "catalogId": GENERAL,
                "displayName": display_name,
                "description": "outside sales representatives"
            }),
        )
        .await
    }

    /// Rows in a table, read straight from the file: proof of what was (not) stored.
    pub async fn count_rows(&self, table: &str) -> i64 {
        count_rows(&self.database_path(), table).await
    }
}

/// An emulator stopped by `TestApp::stop`: its database can be changed behind its back.
pub struct Stopped {
    settings: Settings,
    dir: TempDir,
}

impl Stopped {
    pub fn database_path(&self) -> PathBuf {
        self.dir.path().join("emulator.db")
    }

    pub async fn start_with(self, customise: impl FnOnce(&mut Settings)) -> TestApp {
        let Stopped { mut settings, dir } = self;
        settings.server.port = 0;
        settings.tls.port = 0;
        customise(&mut settings);
        start(settings, dir).await
    }
}

pub async fn count_rows(database: &Path, table: &str) -> i64 {
    let mut connection = SqliteConnectOptions::new()
        .filename(database)
        .read_only(true)
        .connect()
        .await
        .expect("the database opens");
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

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
            .to_str()
            .expect("a text header")
    }

    /// Asserts Graph's error envelope, exactly, and returns `error`.
    pub fn assert_graph_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), "application/json");
        let body = self.json();
        assert_eq!(keys(&body), set(&["error"]));
        let error = body["error"].clone();
        let mut expected = set(&["code", "message", "innerError"]);
        if error.get("details").is_some() {
            expected.insert("details".to_owned());
        }
        assert_eq!(keys(&error), expected);
        assert_eq!(error["code"], code, "{error}");
        assert!(!error["message"].as_str().unwrap_or_default().is_empty());
        let inner = &error["innerError"];
        assert_eq!(
            keys(inner),
            set(&["date", "request-id", "client-request-id"])
        );
        assert_eq!(
            inner["request-id"].as_str(),
            Some(self.header("request-id"))
        );
        assert_eq!(
            inner["client-request-id"].as_str(),
            Some(self.header("client-request-id"))
        );
        let date = inner["date"].as_str().expect("a date");
        assert!(
            date.len() == 19 && date.as_bytes()[10] == b'T' && !date.ends_with('Z'),
            "innerError.date as Graph writes it: {date}"
        );
        error
    }
}

pub fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// Graph's DateTimeOffset: `2020-08-21T19:45:33.2042281Z`.
pub fn assert_graph_timestamp(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let (seconds, fraction) = text.split_once('.').expect("a fraction");
    assert_eq!(seconds.len(), 19, "{text}");
    assert_eq!(fraction.len(), 8, "seven digits and Z: {text}");
    assert!(fraction.ends_with('Z'), "{text}");
    assert!(fraction[..7].bytes().all(|b| b.is_ascii_digit()), "{text}");
}

/// The emulator as a separate process, with no `EMULATOR__` variables from the test's own
/// environment unless given.
pub fn emulator_command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entitlement-emulator"));
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("EMULATOR__") {
            command.env_remove(name);
        }
    }
    command.envs(envs.iter().copied());
    command
}

/// Runs the binary to its end where it is expected to refuse to start (exit 2 or 1). Should
/// it start after all, it must fail the test rather than hang it, take a fixed port or write
/// `emulator.db` into the checkout: it runs in a temporary folder, with `--port 0` and a
/// database there given beneath everything the test sets (a config file; flags instead when
/// the test passes its own `--config`), and is killed after 30 s.
pub fn refused_start(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = format!("sqlite://{}", dir.path().join("refused.db").display());
    let mut all: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    if args.contains(&"--config") {
        all.extend(["--port".to_owned(), "0".to_owned()]);
        all.extend(["--database".to_owned(), database]);
    } else {
        let file = dir.path().join("fallback.toml");
        std::fs::write(
            &file,
            format!("[server]\nport = 0\n[tls]\nport = 0\n[database]\nurl = \"{database}\"\n"),
        )
        .expect("a config file");
        all.extend(["--config".to_owned(), file.display().to_string()]);
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let mut command = emulator_command(&all, envs);
    let child = command
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let (exited, watch) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if watch.recv_timeout(Duration::from_secs(30)).is_err() {
            // SAFETY: a pid this test spawned; at worst it is already gone.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let output = child.wait_with_output().expect("the process ends");
    let _ = exited.send(());
    assert!(
        output.status.code().is_some(),
        "{args:?} {envs:?} started a server (killed after 30 s): {}",
        String::from_utf8_lossy(&output.stdout)
    );
    output
}

pub struct RunningEmulator {
    pub child: Child,
    pub address: String,
    pub port: u16,
    stdout: BufReader<ChildStdout>,
}

/// A test that panics before `terminate` must not leave its emulator running.
impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl RunningEmulator {
    /// Starts the binary and waits for its "listening on" line (no sleeping: the read blocks
    /// until the line comes or the process ends).
    pub fn start(mut command: Command) -> RunningEmulator {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("stdout is readable");
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        let port = address
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .expect("a port");
        RunningEmulator {
            child,
            address,
            port,
            stdout,
        }
    }

    /// The next line of stdout, blocking until it is printed.
    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("stdout is readable");
        line.trim_end().to_owned()
    }

    /// Sends SIGTERM, as `docker stop` does, and returns the exit code and the rest of stdout.
    pub fn terminate(self) -> (Option<i32>, String) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) with a pid this test spawned and has not yet waited for.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM delivered");
        self.terminate_already_signalled()
    }

    /// Waits for a process the test has already sent SIGTERM; returns as `terminate` does.
    pub fn terminate_already_signalled(mut self) -> (Option<i32>, String) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // A watchdog, not a synchronisation: a process that ignores SIGTERM fails the test
        // (killed, so no exit code) instead of hanging the suite.
        let (exited, watch) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if watch.recv_timeout(Duration::from_secs(30)).is_err() {
                // SAFETY: a pid this test spawned; at worst it is already gone.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        });
        let exit = self.child.wait().expect("the process ends");
        let _ = exited.send(());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).expect("stdout is readable");
        (exit.code(), rest)
    }
}
