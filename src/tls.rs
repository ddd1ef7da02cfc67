//! HTTPS: the certificate the emulator serves, given or generated once and kept.
//!
//! Stock Graph clients only attach tokens over https (the JavaScript SDK's middleware) or
//! refuse http outright (Go), so the emulator must speak TLS with a certificate users can
//! trust with one environment variable. A generated certificate is self-signed and is its
//! own trust anchor: `NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE` or `REQUESTS_CA_BUNDLE` point
//! at the same file the server presents.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};

use crate::configuration::{DatabaseSettings, TlsSettings};

/// The names every generated certificate covers, so `https://localhost`, `127.0.0.1` and
/// `[::1]` all verify.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];
const CERT_FILE: &str = "emulator-cert.pem";
const KEY_FILE: &str = "emulator-key.pem";
/// First line of a generated certificate file: the names it was made for, so a change of
/// `tls.names` makes a new one. PEM readers (OpenSSL, rustls) skip text outside the block.
const NAMES_PREFIX: &str = "# entitlement-emulator certificate for:";

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} holds no usable {what}: {problem}")]
    Pem {
        path: PathBuf,
        what: &'static str,
        problem: String,
    },
    #[error("cannot generate the self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("the certificate and key do not make a TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The certificate chain HTTPS presents, as PEM, for clients to download and trust
/// (`GET /_emulator/certificate`); none when HTTPS is not served.
#[derive(Debug, Clone, Default)]
pub struct ServedCertificate(pub Option<Arc<str>>);

/// What HTTPS serves, where its certificate lives (absolute), for the start-up line, and
/// its chain as PEM, for `GET /_emulator/certificate`.
pub struct Tls {
    pub config: rustls::ServerConfig,
    pub certificate: PathBuf,
    pub pem: String,
}

impl Tls {
    /// Loads `tls.cert_file`/`tls.key_file` when given; otherwise the generated pair in
    /// `tls.dir` (default: the database's folder), made now if missing or made for other
    /// names.
    pub fn load(settings: &TlsSettings, database: &DatabaseSettings) -> Result<Self, TlsError> {
        let (certificate, key) = if settings.cert_file.is_empty() {
            let dir = if settings.dir.is_empty() {
                database_folder(database)
            } else {
                PathBuf::from(&settings.dir)
            };
            generated_pair(&dir, &certificate_names(&settings.names))?
        } else {
            (
                PathBuf::from(&settings.cert_file),
                PathBuf::from(&settings.key_file),
            )
        };
        let chain = read_certificates(&certificate)?;
        // Written from the parsed chain, not the file: a file holding the key as well
        // (one PEM for cert_file and key_file) must not hand it to whoever asks.
        let pem = pem::encode_many_config(
            &chain
                .iter()
                .map(|certificate| pem::Pem::new("CERTIFICATE", certificate.as_ref()))
                .collect::<Vec<_>>(),
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        );
        let key = read_key(&key)?;
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
        let certificate = std::path::absolute(&certificate).map_err(|source| TlsError::Read {
            path: certificate.clone(),
            source,
        })?;
        Ok(Self {
            config,
            certificate,
            pem,
        })
    }
}

/// The loopback names followed by the configured ones, without repeats.
fn certificate_names(configured: &[String]) -> Vec<String> {
    let mut names: Vec<String> = LOOPBACK_NAMES.iter().map(|&n| n.to_owned()).collect();
    for name in configured.iter().map(|n| n.trim()) {
        if !name.is_empty() && !names.iter().any(|known| known.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    names
}

/// The folder holding the database file (the working directory for a bare file name).
pub(crate) fn database_folder(database: &DatabaseSettings) -> PathBuf {
    database
        .connect_options()
        .ok()
        .and_then(|options| options.get_filename().parent().map(Path::to_path_buf))
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The generated certificate and key in `dir`, reused when they were made for `names`.
fn generated_pair(dir: &Path, names: &[String]) -> Result<(PathBuf, PathBuf), TlsError> {
    let certificate = dir.join(CERT_FILE);
    let key = dir.join(KEY_FILE);
    let header = format!("{NAMES_PREFIX} {}", names.join(" "));
    let reusable = fs::read_to_string(&certificate)
        .map(|text| text.lines().next() == Some(header.as_str()))
        .unwrap_or(false)
        && key.is_file();
    if reusable {
        return Ok((certificate, key));
    }

    let mut params = CertificateParams::new(names.to_vec())?;
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, "entitlement-emulator");
    params.distinguished_name = subject;
    // No basicConstraints and no keyUsage: OpenSSL then accepts the certificate as its own
    // trust anchor, and rustls (webpki) as an end-entity certificate. serverAuth only.
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(3650);
    let signing_key = KeyPair::generate()?;
    let generated = params.self_signed(&signing_key)?;

    fs::create_dir_all(dir).map_err(|source| TlsError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    write_private(&key, &signing_key.serialize_pem())?;
    fs::write(&certificate, format!("{header}\n{}", generated.pem())).map_err(|source| {
        TlsError::Write {
            path: certificate.clone(),
            source,
        }
    })?;
    Ok((certificate, key))
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, contents: &str) -> Result<(), TlsError> {
    let error = |source| TlsError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(error)?;
    file.write_all(contents.as_bytes()).map_err(error)
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read(path)?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(path, "certificate", e))?;
    if chain.is_empty() {
        return Err(pem_error(path, "certificate", "no CERTIFICATE block"));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = read(path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| pem_error(path, "private key", e))
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn pem_error(path: &Path, what: &'static str, problem: impl std::fmt::Display) -> TlsError {
    TlsError::Pem {
        path: path.to_path_buf(),
        what,
        problem: problem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_names_follow_the_loopback_ones_once() {
        let names = certificate_names(&[
            "emulator.test".into(),
            "LOCALHOST".into(),
            " ".into(),
            "10.0.0.5".into(),
        ]);
        assert_eq!(
            names,
            ["localhost", "127.0.0.1", "::1", "emulator.test", "10.0.0.5"]
        );
    }
}
