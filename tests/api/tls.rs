//! HTTPS: a generated certificate that verifies for the loopback names and is reused, a
//! given certificate served as is, and HTTP and HTTPS served at once.
//!
//! The client is rustls verifying against the certificate file alone (as a user trusting it
//! with SSL_CERT_FILE would), speaking HTTP/1.1 over a blocking socket on a blocking thread.

use crate::helpers::*;
use crate::https::https_exchange;

fn get(path: &str, host: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {BEARER}\r\nConnection: close\r\n\r\n"
    )
}

async fn spawn_tls_app(
    customise: impl FnOnce(&mut entitlement_emulator::configuration::Settings),
) -> TestApp {
    spawn_app_with(|settings| {
        settings.tls.enabled = true;
        settings.tls.port = 0;
        customise(settings);
    })
    .await
}

#[actix_web::test]
async fn a_generated_certificate_verifies_for_localhost_and_loopback_addresses() {
    let app = spawn_tls_app(|_| {}).await;
    let https = app.https_address.clone().expect("HTTPS is served");
    let certificate = app.certificate.clone().expect("a certificate path");
    assert!(certificate.is_absolute());
    assert_eq!(
        certificate,
        app.dir().join("emulator-cert.pem"),
        "kept next to the database"
    );

    for name in ["localhost", "127.0.0.1"] {
        let response = https_exchange(
            &https,
            name,
            &certificate,
            get(&format!("{BETA}/accessPackages?$top=1"), name),
        )
        .await
        .unwrap_or_else(|e| panic!("TLS to {name} fails: {e}"));
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        // Links are written with the scheme the client used.
        assert!(
            response.contains(&format!("\"@odata.context\":\"https://{name}")),
            "{response}"
        );
    }

    // A name the certificate was not made for is refused by the client.
    let refused = https_exchange(&https, "example.com", &certificate, get("/", "x")).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.contains("not valid for name")),
        "{refused:?}"
    );

    // The key is the owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(app.dir().join("emulator-key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "key mode {mode:o}");
    }
}

#[actix_web::test]
async fn http_and_https_are_served_at_once_on_the_same_state() {
    let app = spawn_tls_app(|_| {}).await;
    let https = app.https_address.clone().unwrap();
    assert_ne!(https.replace("https", "http"), app.address);

    let created = app.create_beta_package("Over plain HTTP").await;
    created.expect(201);
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let response = https_exchange(
        &https,
        "localhost",
        app.certificate.as_ref().unwrap(),
        get(&format!("{BETA}/accessPackages/{id}"), "localhost"),
    )
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains("\"displayName\":\"Over plain HTTP\""));
}

#[actix_web::test]
async fn the_generated_certificate_is_reused_until_the_names_change() {
    let app = spawn_tls_app(|_| {}).await;
    let path = app.certificate.clone().unwrap();
    let first = std::fs::read(&path).unwrap();

    let app = app.restart().await;
    assert_eq!(std::fs::read(&path).unwrap(), first, "reused on restart");

    // Same folder, new names: a new certificate that covers them.
    let renamed = app
        .restart_with(|settings| settings.tls.names = vec!["emulator.test".into()])
        .await;
    let certificate = renamed.certificate.clone().unwrap();
    assert_eq!(certificate, path);
    assert_ne!(
        std::fs::read(&path).unwrap(),
        first,
        "made anew for the names"
    );
    let response = https_exchange(
        renamed.https_address.as_ref().unwrap(),
        "emulator.test",
        &certificate,
        get("/_emulator/health", "emulator.test"),
    )
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
}

#[actix_web::test]
async fn a_given_certificate_and_key_are_served_instead() {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["given.test".to_owned()]).unwrap();
    let cert_file = dir.path().join("given-cert.pem");
    let key_file = dir.path().join("given-key.pem");
    std::fs::write(&cert_file, generated.cert.pem()).unwrap();
    std::fs::write(&key_file, generated.signing_key.serialize_pem()).unwrap();

    let app = spawn_tls_app(|settings| {
        settings.tls.cert_file = cert_file.display().to_string();
        settings.tls.key_file = key_file.display().to_string();
        settings.tls.only = true;
    })
    .await;
    assert_eq!(app.certificate.as_deref(), Some(cert_file.as_path()));
    assert!(
        !app.dir().join("emulator-cert.pem").exists(),
        "nothing generated when a pair is given"
    );
    let https = app.https_address.clone().unwrap();
    assert_eq!(
        app.address.replace("http://", "https://"),
        https,
        "tls.only: the one listener is HTTPS"
    );
    let response = https_exchange(
        &https,
        "given.test",
        &cert_file,
        get("/_emulator/health", "given.test"),
    )
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
}

#[test]
fn the_binary_prints_both_addresses_and_the_absolute_certificate_path() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("e.db").display());
    let mut emulator = RunningEmulator::start(emulator_command(
        &[
            "--port",
            "0",
            "--tls",
            "--tls-port",
            "0",
            "--database",
            &database,
        ],
        &[],
    ));
    assert!(emulator.address.starts_with("http://127.0.0.1:"));
    let https = emulator.next_line();
    assert!(
        https.starts_with("listening on https://127.0.0.1:"),
        "{https}"
    );
    let certificate = emulator.next_line();
    assert_eq!(
        certificate,
        format!(
            "TLS certificate: {}",
            dir.path().join("emulator-cert.pem").display()
        )
    );
    assert_eq!(emulator.next_line(), "ready", "the last start-up line");
    let (code, _) = emulator.terminate();
    assert_eq!(code, Some(0));
}

#[test]
fn half_a_given_pair_or_one_port_for_both_is_a_usage_error() {
    // One port for both must be a real port; one this test holds, so a regression that
    // tried to listen on it fails at once instead of taking a fixed port from others.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = held.local_addr().unwrap().port().to_string();
    for (envs, mentions) in [
        (
            vec![("EMULATOR__TLS__CERT_FILE", "/nonexistent/cert.pem")],
            "tls.cert_file",
        ),
        (
            vec![
                ("EMULATOR__SERVER__PORT", taken.as_str()),
                ("EMULATOR__TLS__PORT", taken.as_str()),
            ],
            "tls.port",
        ),
    ] {
        let output = refused_start(&["--tls"], &envs);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(mentions) && stderr.lines().count() == 1,
            "{stderr}"
        );
    }
}

#[test]
fn tls_only_without_tls_is_a_usage_error() {
    let output = refused_start(&[], &[("EMULATOR__TLS__ONLY", "true")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("tls.only"), "{stderr}");
}

#[test]
fn an_unreadable_given_certificate_fails_start_up_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("e.db").display());
    let bogus = dir.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    let output = emulator_command(
        &[
            "--tls",
            "--tls-port",
            "0",
            "--port",
            "0",
            "--database",
            &database,
        ],
        &[
            ("EMULATOR__TLS__CERT_FILE", &bogus.display().to_string()),
            ("EMULATOR__TLS__KEY_FILE", &bogus.display().to_string()),
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bogus.pem") && stderr.contains("certificate"),
        "{stderr}"
    );
}

#[actix_web::test]
async fn the_certificate_downloads_over_plain_http_with_no_token() {
    // An admin token closes the rest of the control surface; the certificate stays open,
    // as HTTPS presents it to anyone who connects.
    let app = spawn_tls_app(|settings| settings.admin.token = "admin secret".into()).await;
    // `get` sends a Graph token, which is not the admin token.
    let downloaded = app.get("/_emulator/certificate").await;
    assert_eq!(downloaded.status.as_u16(), 200);
    assert_eq!(downloaded.header("content-type"), "application/x-pem-file");
    let file = std::fs::read(app.certificate.as_ref().unwrap()).unwrap();
    assert_eq!(
        certificates(&downloaded.body),
        certificates(&file),
        "the certificate of the file the start-up line names"
    );
    assert_eq!(certificates(&file).len(), 1);

    app.get("/_emulator/export")
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
}

#[actix_web::test]
async fn without_https_there_is_no_certificate_to_download() {
    let app = spawn_app().await;
    let error = app
        .get("/_emulator/certificate")
        .await
        .assert_graph_error(404, "HttpsNotServed");
    assert!(error["message"].as_str().unwrap().contains("--tls"));
}

/// The DER certificates of a PEM text, whatever else it holds.
fn certificates(pem: &[u8]) -> Vec<Vec<u8>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .map(|certificate| certificate.unwrap().to_vec())
        .collect()
}

#[actix_web::test]
async fn a_certificate_file_holding_the_key_too_serves_only_the_certificate() {
    // One PEM for both cert_file and key_file, as some tools write them.
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["given.test".to_owned()]).unwrap();
    let both = dir.path().join("both.pem");
    std::fs::write(
        &both,
        format!(
            "{}{}",
            generated.cert.pem(),
            generated.signing_key.serialize_pem()
        ),
    )
    .unwrap();
    let app = spawn_tls_app(|settings| {
        settings.tls.cert_file = both.display().to_string();
        settings.tls.key_file = both.display().to_string();
    })
    .await;
    let downloaded = app.get("/_emulator/certificate").await;
    assert_eq!(downloaded.status.as_u16(), 200);
    let text = String::from_utf8_lossy(&downloaded.body);
    assert!(!text.contains("PRIVATE KEY"), "{text}");
    assert_eq!(
        certificates(&downloaded.body),
        vec![generated.cert.der().to_vec()]
    );
}
