//! The binary: flags, exit codes, the "listening on" line, shutdown on SIGTERM.

use crate::helpers::*;

#[test]
fn help_lists_every_flag_and_the_environment_form() {
    let output = emulator_command(&["--help"], &[]).output().unwrap();

    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for word in [
        "--config",
        "--host",
        "--port",
        "--database",
        "healthcheck",
        "EMULATOR__SERVER__PORT",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}

fn assert_one_line_usage_error(args: &[&str], envs: &[(&str, &str)], mentions: &str) {
    let output = refused_start(args, envs);

    assert_eq!(output.status.code(), Some(2), "{args:?} {envs:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
    assert!(
        stderr.contains(mentions),
        "{stderr:?} should name {mentions}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn bad_values_are_one_line_naming_the_key_and_exit_2() {
    assert_one_line_usage_error(&["--port", "eighty"], &[], "--port");
    assert_one_line_usage_error(&[], &[("EMULATOR__SERVER__PORT", "eighty")], "server.port");
    assert_one_line_usage_error(&[], &[("EMULATOR__AUTH__MODE", "sometimes")], "auth");
    assert_one_line_usage_error(&["--database", "mysql://x"], &[], "database.url");
    assert_one_line_usage_error(&["--database", "sqlite::memory:"], &[], "database.url");
    assert_one_line_usage_error(
        &["--config", "/nonexistent/emulator.toml"],
        &[],
        "/nonexistent/emulator.toml",
    );
    assert_one_line_usage_error(
        &[],
        &[("EMULATOR_CONFIG", "[server\nport = 1\n")],
        "EMULATOR_CONFIG",
    );
}

#[actix_web::test]
async fn a_whole_file_can_be_given_in_the_environment() {
    // What a container configured by its environment alone needs: a list of tables (a
    // sign-in client), which has no EMULATOR__ form. It sits over --config and under the
    // EMULATOR__ variables.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("emulator.toml");
    std::fs::write(&file, "[admin]\ntoken = \"from the file\"\n").unwrap();
    let inline = r#"
[admin]
token = "from the variable"
[server]
port = 1
[auth.signin]
allow_http = true
[[auth.signin.clients]]
client_id = "5e2c6a4f-0000-4000-8000-00000000e0c1"
secret = "a secret given in the environment alone"
"#;
    let mut command = emulator_command(
        &["--config", file.to_str().unwrap()],
        &[("EMULATOR_CONFIG", inline), ("EMULATOR__SERVER__PORT", "0")],
    );
    command.current_dir(dir.path());
    let emulator = RunningEmulator::start(command);
    assert_ne!(
        emulator.port, 1,
        "EMULATOR__SERVER__PORT over EMULATOR_CONFIG"
    );

    let reset = send(
        awc::Client::default()
            .post(format!("{}/_emulator/reset", emulator.address))
            .insert_header(("Authorization", "Bearer from the variable")),
        None,
    )
    .await;
    assert_eq!(reset.status.as_u16(), 204, "EMULATOR_CONFIG over --config");
    let token = send(
        awc::Client::default()
            .post(format!(
                "{}/00000000-0000-4000-8000-000000000e11/oauth2/v2.0/token",
                emulator.address
            ))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded")),
        Some(
            "grant_type=client_credentials&client_id=5e2c6a4f-0000-4000-8000-00000000e0c1\
             &client_secret=a%20secret%20given%20in%20the%20environment%20alone\
             &scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
                .into(),
        ),
    )
    .await;
    assert_eq!(
        token.status.as_u16(),
        200,
        "the client the variable registered"
    );

    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));
}

#[actix_web::test]
async fn a_config_file_sits_between_defaults_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("emulator.toml");
    let database = format!("sqlite://{}", dir.path().join("from-file.db").display());
    std::fs::write(
        &file,
        format!(
            "[server]\nport = 1\n[database]\nurl = \"{database}\"\n[admin]\ntoken = \"from the file\"\n"
        ),
    )
    .unwrap();

    // The file sets port 1; the environment's 0 wins over it, so a free port is bound. The
    // file's database and admin token win over the defaults (./emulator.db, none). Run in
    // the temporary folder, so a file that was ignored writes its default database there.
    let mut command = emulator_command(
        &["--config", file.to_str().unwrap()],
        &[("EMULATOR__SERVER__PORT", "0")],
    );
    command.current_dir(dir.path());
    let emulator = RunningEmulator::start(command);
    assert_ne!(emulator.port, 1);

    let reset = |token: Option<&str>| {
        let mut request =
            awc::Client::default().post(format!("{}/_emulator/reset", emulator.address));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        send(request, None)
    };
    reset(None)
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
    assert_eq!(reset(Some("from the file")).await.status.as_u16(), 204);

    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));
    assert!(
        dir.path().join("from-file.db").exists(),
        "the file's database"
    );
    assert!(
        !dir.path().join("emulator.db").exists(),
        "not the default one"
    );
}

#[actix_web::test]
async fn it_prints_one_listening_line_serves_and_exits_0_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("e.db").display());
    let emulator = RunningEmulator::start(emulator_command(
        &["--port", "0", "--database", &database],
        &[],
    ));
    assert!(
        emulator.address.starts_with("http://127.0.0.1:"),
        "{}",
        emulator.address
    );

    let response = send(
        awc::Client::default()
            .post(format!("{}{BETA}/accessPackages", emulator.address))
            .insert_header(("Authorization", BEARER))
            .insert_header(("Content-Type", "application/json")),
        Some(
            serde_json::json!({"catalogId": GENERAL, "displayName": "x"})
                .to_string()
                .into(),
        ),
    )
    .await;
    response.expect(201);

    let (code, rest_of_stdout) = emulator.terminate();
    assert_eq!(code, Some(0), "graceful shutdown exits 0");
    assert_eq!(
        rest_of_stdout, "ready\n",
        "one listening line, then the readiness line"
    );
    // The WAL was checkpointed into the file on the way out: a reader would still see a
    // leftover -wal, so its absence is the proof, the row count only that it was kept.
    assert!(!dir.path().join("e.db-wal").exists(), "the WAL is left");
    assert_eq!(
        count_rows(&dir.path().join("e.db"), "access_packages").await,
        1
    );
}
