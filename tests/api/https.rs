//! An HTTPS client for tests: rustls verifying against one certificate file (as a user
//! trusting it with SSL_CERT_FILE would), HTTP/1.1 over a blocking socket on a blocking
//! thread, one request per connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;

use crate::helpers::TestApp;

/// Sends `request` over TLS to `address` (`https://host:port`), verifying the server as
/// `server_name` against `trusted`; returns the whole response text, or the TLS error.
pub async fn https_exchange(
    address: &str,
    server_name: &str,
    trusted: &Path,
    request: String,
) -> Result<String, String> {
    let socket = address
        .strip_prefix("https://")
        .expect("an https address")
        .to_owned();
    let server_name = ServerName::try_from(server_name.to_owned()).expect("a server name");
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(trusted).expect("a PEM file") {
        roots.add(certificate.expect("a certificate")).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    actix_web::rt::task::spawn_blocking(move || {
        let connection = rustls::ClientConnection::new(Arc::new(config), server_name).unwrap();
        let mut stream = rustls::StreamOwned::new(connection, TcpStream::connect(socket).unwrap());
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        match stream.read_to_end(&mut response) {
            Ok(_) => {}
            // A peer closing without close_notify after `Connection: close` is not a failure
            // of what was received.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {}
            Err(e) => return Err(e.to_string()),
        }
        Ok(String::from_utf8_lossy(&response).into_owned())
    })
    .await
    .unwrap()
}

/// A response read whole; header names lower-cased.
#[derive(Debug)]
pub struct HttpsResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpsResponse {
    pub fn parse(raw: &str) -> Self {
        let (head, body) = raw.split_once("\r\n\r\n").expect("a header block");
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(name, value)| name == "transfer-encoding" && value.contains("chunked"));
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// `method path` to the app's HTTPS listener, addressed and verified as `localhost` (so
/// the base URL the emulator sees is `https://localhost:PORT`), with `headers` and a body.
pub async fn https(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> HttpsResponse {
    let address = app.https_address.as_deref().expect("TLS is on");
    let port = address.rsplit(':').next().expect("a port");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || method == "POST" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let certificate = app.certificate.as_deref().expect("a certificate");
    let raw = https_exchange(address, "localhost", certificate, request)
        .await
        .expect("the TLS exchange succeeds");
    HttpsResponse::parse(&raw)
}

/// `https://localhost:PORT`: the app's HTTPS base URL as a client configured with
/// `localhost` sees it.
pub fn base_url(app: &TestApp) -> String {
    let address = app.https_address.as_deref().expect("TLS is on");
    format!(
        "https://localhost:{}",
        address.rsplit(':').next().expect("a port")
    )
}
