//! The RSA key the emulator signs its tokens with, as Entra signs Graph's (RS256): given,
//! or generated on first start and kept beside the database (mode 0600), like the TLS
//! certificate, so tokens stay valid across restarts; in a PostgreSQL database, in the
//! database itself, so that every replica signs with it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::Serialize;
use serde_json::{json, Value};

use crate::secret::sha256;

pub const KEY_FILE: &str = "emulator-signing-key.pem";
/// Entra's signing keys are 2048-bit; ring signs with nothing smaller.
const BITS: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the signing key {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the signing key {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} holds no usable RSA private key (PEM, PKCS#8 or PKCS#1, 2048 bits or more): {problem}")]
    Unusable { path: PathBuf, problem: String },
    #[error("cannot generate the signing key: {0}")]
    Generate(String),
}

pub struct SigningKey {
    /// RFC 7638 thumbprint: stable for the key, and what `kid` in token headers names.
    kid: String,
    encoding: EncodingKey,
    modulus: String,
    exponent: String,
}

impl SigningKey {
    /// The key at `path`; when there is none and `generate` is set, a new one written there.
    pub fn load(path: &Path, generate: bool) -> Result<Option<Self>, KeyError> {
        match fs::read_to_string(path) {
            Ok(pem) => Self::from_pem(path, &pem).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && generate => {
                let pem = new_pem()?;
                write_private(path, pem.as_bytes())?;
                Self::from_pem(path, &pem).map(Some)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(KeyError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// The key `pem` holds; `path` names where it is kept, for messages.
    pub fn from_pem(path: &Path, pem: &str) -> Result<Self, KeyError> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|e| unusable(path, e))?;
        Self::from_key(path, &key)
    }

    fn from_key(path: &Path, key: &RsaPrivateKey) -> Result<Self, KeyError> {
        if key.size() * 8 < BITS {
            return Err(unusable(path, format!("{} bits", key.size() * 8)));
        }
        let der = key.to_pkcs1_der().map_err(|e| unusable(path, e))?;
        let modulus = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let exponent = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        // Members in lexicographic order, no spaces: RFC 7638's canonical form.
        let canonical = format!(r#"{{"e":"{exponent}","kty":"RSA","n":"{modulus}"}}"#);
        Ok(Self {
            kid: URL_SAFE_NO_PAD.encode(sha256(&canonical)),
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            modulus,
            exponent,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, for the emulator's own verifier.
    pub fn decoding_key(&self) -> Result<DecodingKey, String> {
        DecodingKey::from_rsa_components(&self.modulus, &self.exponent).map_err(|e| e.to_string())
    }

    /// The key as Entra's JWKS lists it (without `x5t`/`x5c`: there is no certificate).
    pub fn jwk(&self, issuer: Option<&str>) -> Value {
        let mut jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": self.modulus,
            "e": self.exponent,
        });
        if let (Some(issuer), Some(object)) = (issuer, jwk.as_object_mut()) {
            object.insert("issuer".to_owned(), Value::String(issuer.to_owned()));
        }
        jwk
    }

    /// A compact RS256 JWT (`typ: JWT`, this key's `kid`).
    pub fn sign(&self, claims: &impl Serialize) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }
}

/// A new key, as PKCS#8 PEM.
pub fn new_pem() -> Result<String, KeyError> {
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, BITS)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    Ok(pem.to_string())
}

fn unusable(path: &Path, problem: impl std::fmt::Display) -> KeyError {
    KeyError::Unusable {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    }
}

/// Created readable by its owner only; `create_new`, so a key another emulator wrote in
/// the meantime is never overwritten.
fn write_private(path: &Path, contents: &[u8]) -> Result<(), KeyError> {
    let error = |source| KeyError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(error)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(error)?;
    file.write_all(contents).map_err(error)
}
