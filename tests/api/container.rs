//! The Dockerfile's runtime contract, checked on the binary (there is no Docker engine
//! where this is developed): its ENV, port, volume, working directory and HEALTHCHECK.

use std::path::Path;

use crate::helpers::*;

struct Dockerfile {
    env: Vec<(String, String)>,
    expose: String,
    volume: String,
    workdir: String,
    user: String,
    healthcheck: String,
    entrypoint: String,
}

/// The instructions of the final stage.
fn dockerfile() -> Dockerfile {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile")).unwrap();
    let joined = text.replace("\\\n", " ");
    let final_stage = joined.rsplit("\nFROM ").next().unwrap();
    let mut file = Dockerfile {
        env: Vec::new(),
        expose: String::new(),
        volume: String::new(),
        workdir: String::new(),
        user: String::new(),
        healthcheck: String::new(),
        entrypoint: String::new(),
    };
    for line in final_stage.lines().map(str::trim) {
        let (instruction, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim().to_owned();
        match instruction {
            "ENV" => {
                let (name, value) = rest.split_once('=').expect("ENV NAME=value");
                file.env.push((name.to_owned(), value.to_owned()));
            }
            "EXPOSE" => file.expose = rest,
            "VOLUME" => file.volume = rest,
            "WORKDIR" => file.workdir = rest,
            "USER" => file.user = rest,
            "HEALTHCHECK" => file.healthcheck = rest,
            "ENTRYPOINT" => file.entrypoint = rest,
            _ => {}
        }
    }
    file
}

#[test]
fn the_dockerfile_is_consistent_with_itself() {
    let file = dockerfile();
    let env = |name: &str| {
        file.env
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("ENV {name} missing"))
    };

    assert_eq!(
        env("EMULATOR__SERVER__HOST"),
        "0.0.0.0",
        "reachable from outside the container"
    );
    assert_eq!(
        format!(
            "{} {}",
            env("EMULATOR__SERVER__PORT"),
            env("EMULATOR__TLS__PORT")
        ),
        file.expose,
        "HTTP and HTTPS ports exposed"
    );
    assert!(env("EMULATOR__DATABASE__URL").starts_with(&format!("sqlite://{}/", file.volume)));
    assert_eq!(file.workdir, file.volume);
    assert!(!file.user.is_empty() && file.user != "root" && file.user != "0");
    assert!(
        file.healthcheck
            .contains(r#"CMD ["entitlement-emulator", "healthcheck"]"#),
        "{}",
        file.healthcheck
    );
    assert_eq!(file.entrypoint, r#"["entitlement-emulator"]"#);
}

#[actix_web::test]
async fn the_binary_runs_as_the_image_runs_it() {
    let file = dockerfile();
    let data = tempfile::tempdir().unwrap();
    let volume = data.path().to_str().unwrap();
    // The image's environment, with its volume mapped to a temporary directory; the port is
    // left to the OS so tests can run in parallel.
    let env: Vec<(String, String)> = file
        .env
        .iter()
        .map(|(name, value)| (name.clone(), value.replace(&file.volume, volume)))
        .collect();
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();

    let mut command = emulator_command(&["--port", "0", "--tls", "--tls-port", "0"], &env_refs);
    command.current_dir(data.path());
    let mut emulator = RunningEmulator::start(command);
    assert!(
        emulator.address.starts_with("http://0.0.0.0:"),
        "{}",
        emulator.address
    );
    assert!(emulator
        .next_line()
        .starts_with("listening on https://0.0.0.0:"));
    assert_eq!(
        emulator.next_line(),
        format!(
            "TLS certificate: {}",
            data.path().join("emulator-cert.pem").display()
        ),
        "the generated certificate is kept in the volume"
    );
    let port = emulator.port.to_string();

    // The HEALTHCHECK command, with the same environment.
    let healthy = emulator_command(&["--port", &port, "healthcheck"], &env_refs)
        .output()
        .unwrap();
    assert!(
        healthy.status.success(),
        "{}",
        String::from_utf8_lossy(&healthy.stderr)
    );

    let response = send(
        awc::Client::default()
            .post(format!("http://127.0.0.1:{port}{BETA}/accessPackages"))
            .insert_header(("Authorization", BEARER))
            .insert_header(("Content-Type", "application/json")),
        Some(
            serde_json::json!({"catalogId": GENERAL, "displayName": "in a container"})
                .to_string()
                .into(),
        ),
    )
    .await;
    response.expect(201);

    // `docker stop` sends SIGTERM.
    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));
    let database = data.path().join("emulator.db");
    assert!(database.is_file(), "the database lives in the volume");
    assert_eq!(count_rows(&database, "access_packages").await, 1);

    let unhealthy = emulator_command(&["--port", &port, "healthcheck"], &env_refs)
        .output()
        .unwrap();
    assert_eq!(unhealthy.status.code(), Some(1), "nothing listens any more");
}
