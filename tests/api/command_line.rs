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
    let output = emulator_command(args, envs).output().unwrap();

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
    assert_one_line_usage_error(&["--database", "postgres://x"], &[], "database.url");
    assert_one_line_usage_error(&["--database", "sqlite::memory:"], &[], "database.url");
    assert_one_line_usage_error(
        &["--config", "/nonexistent/emulator.toml"],
        &[],
        "/nonexistent/emulator.toml",
    );
}

#[test]
fn a_config_file_sits_between_defaults_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("emulator.toml");
    std::fs::write(&file, "[server]\nport = 1\n[log]\nlevel = \"warn\"\n").unwrap();
    let database = format!("sqlite://{}", dir.path().join("e.db").display());

    // The file sets port 1; the environment's 0 wins over it, so a free port is bound.
    let emulator = RunningEmulator::start(emulator_command(
        &["--config", file.to_str().unwrap(), "--database", &database],
        &[("EMULATOR__SERVER__PORT", "0")],
    ));

    assert_ne!(emulator.port, 1);
    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));
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
    assert_eq!(response.status.as_u16(), 201);

    let (code, rest_of_stdout) = emulator.terminate();
    assert_eq!(code, Some(0), "graceful shutdown exits 0");
    assert!(
        !rest_of_stdout.contains("listening on"),
        "exactly one listening line"
    );
    // The WAL was checkpointed into the file on the way out.
    assert_eq!(
        count_rows(&dir.path().join("e.db"), "access_packages").await,
        1
    );
}
