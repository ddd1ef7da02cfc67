//! Settings, layered: the compiled-in `config/default.toml`, an optional `--config` file,
//! `EMULATOR__SECTION__KEY` environment variables, then command-line flags.
//!
//! Every problem is reported as one line naming the key, so `main` can print it and exit 2.

mod database;
pub mod faults;
mod inline;
pub mod signin;
mod tenants;

use std::path::PathBuf;
use std::str::FromStr;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;
use sqlx::sqlite::SqliteSynchronous;

pub use self::tenants::TenantsSettings;

/// The lists an environment variable can set, comma-separated; every other list is set in a
/// file (or `EMULATOR_CONFIG`).
pub const LIST_VARIABLES: [&str; 2] = ["admin.allowed_hosts", "tenants.allowed"];

/// The defaults ship inside the binary so that a container or a copied binary needs no files.
pub const DEFAULTS: &str = include_str!("../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub tls: TlsSettings,
    pub database: DatabaseSettings,
    pub tenants: TenantsSettings,
    pub auth: AuthSettings,
    pub admin: AdminSettings,
    pub seed: SeedSettings,
    pub journal: JournalSettings,
    pub faults: faults::FaultSettings,
    pub lifecycle: LifecycleSettings,
    pub limits: LimitSettings,
    pub odata: ODataConfig,
    pub log: LogSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ODataConfig {
    pub max_page_size: u64,
    pub max_filter_depth: usize,
    pub max_filter_nodes: usize,
    pub max_query_length: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    pub workers: usize,
    pub shutdown_timeout_secs: u64,
}

/// HTTPS, beside or instead of plain HTTP.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    pub enabled: bool,
    /// The HTTPS port; plain HTTP stays on `server.port`.
    pub port: u16,
    /// HTTPS only: no plain HTTP listener.
    pub only: bool,
    /// A PEM certificate chain and its key; both empty: a generated self-signed pair.
    pub cert_file: String,
    pub key_file: String,
    /// Where the generated pair is kept; empty: the database file's folder.
    pub dir: String,
    /// Names the generated certificate covers besides localhost, 127.0.0.1 and ::1.
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub busy_timeout_ms: u64,
    pub synchronous: Synchronous,
    pub max_read_connections: u32,
    pub start_wait_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    Normal,
    Full,
}

impl From<Synchronous> for SqliteSynchronous {
    fn from(value: Synchronous) -> Self {
        match value {
            Synchronous::Normal => SqliteSynchronous::Normal,
            Synchronous::Full => SqliteSynchronous::Full,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub mode: AuthMode,
    pub default_actor: String,
    pub jwt: JwtSettings,
    pub signin: signin::SignInSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// When set, `/_emulator/` (except health) needs `Authorization: Bearer <token>`.
    pub token: String,
    /// Host names the control surface answers to besides loopback names, IP literals and
    /// `server.public_url`'s host (`"*"`: any), e.g. a compose service's name.
    pub allowed_hosts: Vec<String>,
    /// With `auth.mode = "jwt"` and no token, the control surface is closed unless this
    /// says it is meant to be open.
    pub open: bool,
}

/// A fixture loaded into a new database and restored by reset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSettings {
    /// Path of a fixture JSON file (the format of `GET /_emulator/export`); empty: none.
    pub file: String,
}

/// The request journal (`GET /_emulator/requests`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalSettings {
    /// Requests kept, oldest dropped first; 0 turns the journal off.
    pub capacity: usize,
    /// Also keep request and response bodies (as text).
    pub bodies: bool,
    /// Longest body kept; longer ones are cut.
    pub max_body_bytes: usize,
}

/// How fast assignment requests move (`model::lifecycle`); `/_emulator/lifecycle` changes
/// it at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleSettings {
    pub pace: Pace,
    /// With `pace = "dwell"`: how long a request stays in each state that moves by itself;
    /// left out, the defaults (a pace other than dwell has no use for it).
    #[serde(default)]
    pub dwell_ms: DwellSettings,
}

impl LifecycleSettings {
    /// The default: delivered by the next read.
    pub const IMMEDIATE: Self = Self {
        pace: Pace::Immediate,
        dwell_ms: DwellSettings::DEFAULT,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pace {
    /// The 201 says submitted; the next read says delivered.
    Immediate,
    /// Each state lasts its `dwell_ms`.
    Dwell,
    /// Nothing moves by itself: `POST /_emulator/assignmentRequests/{id}/advance` moves
    /// a request one step.
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DwellSettings {
    pub submitted: u64,
    pub delivering: u64,
}

impl DwellSettings {
    const DEFAULT: Self = Self {
        submitted: 2000,
        delivering: 5000,
    };
}

impl Default for DwellSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How `auth.mode = "jwt"` checks tokens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtSettings {
    /// Shared secret for HS256 tokens (and for minting with `token`); empty: none.
    pub hs256_secret: String,
    /// A JWKS file of RSA (RS256) and EC P-256 (ES256) public keys; empty: none.
    pub jwks_file: String,
    /// Accepted `aud` values.
    pub audiences: Vec<String>,
    /// Accepted `iss` values; empty accepts any issuer.
    pub issuers: Vec<String>,
    pub clock_skew_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// No `Authorization` header needed.
    None,
    /// A non-empty bearer token must be present; it is not validated.
    Any,
    /// A JWT verified offline, carrying the permission the request needs.
    Jwt,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    pub max_body_bytes: usize,
    pub request_head_timeout_ms: u64,
    pub keep_alive_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
}

/// What the command line may set on top of files and environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    /// `--tls`: serve HTTPS (tls.enabled).
    pub tls: bool,
    pub tls_port: Option<u16>,
    /// `--seed FILE` (seed.file).
    pub seed: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigurationError(String);

impl ConfigurationError {
    pub(crate) fn key(key: &str, problem: impl std::fmt::Display) -> Self {
        Self(format!("invalid value for `{key}`: {problem}"))
    }
}

impl From<config::ConfigError> for ConfigurationError {
    fn from(error: config::ConfigError) -> Self {
        // The config crate already names the key and source; keep it to one line.
        Self(error.to_string().replace('\n', " "))
    }
}

impl Settings {
    /// All layers: defaults, `--config` file, `EMULATOR__…` environment, flags.
    pub fn load(overrides: &Overrides) -> Result<Self, ConfigurationError> {
        Self::build(overrides, true)
    }

    /// The compiled-in defaults alone, ignoring the environment: what tests start from.
    pub fn defaults() -> Result<Self, ConfigurationError> {
        Self::build(&Overrides::default(), false)
    }

    fn build(overrides: &Overrides, with_environment: bool) -> Result<Self, ConfigurationError> {
        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        if let Some(path) = &overrides.config_file {
            if !path.is_file() {
                return Err(ConfigurationError(format!(
                    "configuration file {} does not exist",
                    path.display()
                )));
            }
            builder = builder.add_source(File::from(path.clone()).format(FileFormat::Toml));
        }
        if with_environment {
            if let Some(text) = inline::file_text()? {
                builder = builder.add_source(File::from_str(&text, FileFormat::Toml));
            }
            builder = builder.add_source(
                Environment::with_prefix("EMULATOR")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key(LIST_VARIABLES[0])
                    .with_list_parse_key(LIST_VARIABLES[1]),
            );
        }
        if let Some(host) = &overrides.host {
            builder = builder.set_override("server.host", host.as_str())?;
        }
        if let Some(port) = overrides.port {
            builder = builder.set_override("server.port", u64::from(port))?;
        }
        if let Some(database) = &overrides.database {
            builder = builder.set_override("database.url", database.as_str())?;
        }
        if overrides.tls {
            builder = builder.set_override("tls.enabled", true)?;
        }
        if let Some(path) = &overrides.seed {
            builder = builder.set_override("seed.file", path.display().to_string())?;
        }
        if let Some(port) = overrides.tls_port {
            builder = builder.set_override("tls.port", u64::from(port))?;
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigurationError> {
        let url = &self.public_url_base();
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigurationError::key(
                "server.public_url",
                "must be empty or an absolute http:// or https:// URL",
            ));
        }
        if self.server.host.trim().is_empty() {
            return Err(ConfigurationError::key("server.host", "must not be empty"));
        }
        if !self.database.is_postgres() {
            self.database.connect_options()?;
        }
        self.faults
            .validate()
            .map_err(|problem| ConfigurationError::key("faults", problem))?;
        if self.tls.cert_file.is_empty() != self.tls.key_file.is_empty() {
            return Err(ConfigurationError::key(
                "tls.cert_file",
                "tls.cert_file and tls.key_file are given together, or neither (a generated certificate)",
            ));
        }
        if self.tls.only && !self.tls.enabled {
            return Err(ConfigurationError::key(
                "tls.only",
                "needs tls.enabled = true (or --tls): without HTTPS there would be no listener",
            ));
        }
        if self.tls.enabled
            && !self.tls.only
            && self.tls.port == self.server.port
            && self.tls.port != 0
        {
            return Err(ConfigurationError::key(
                "tls.port",
                "must differ from server.port, which keeps serving plain HTTP (or set tls.only = true)",
            ));
        }
        if self.database.max_read_connections == 0 {
            return Err(ConfigurationError::key(
                "database.max_read_connections",
                "must be at least 1",
            ));
        }
        self.tenants.validate()?;
        if self.limits.max_body_bytes == 0 {
            return Err(ConfigurationError::key(
                "limits.max_body_bytes",
                "must be at least 1",
            ));
        }
        // Where sign-in is served, the emulator's own signing key is a verification key.
        let signin_served = self.tls.enabled || self.auth.signin.allow_http;
        if self.auth.mode == AuthMode::Jwt
            && self.auth.jwt.hs256_secret.is_empty()
            && self.auth.jwt.jwks_file.is_empty()
            && !signin_served
        {
            return Err(ConfigurationError::key(
                "auth.jwt",
                "jwt mode needs auth.jwt.hs256_secret, auth.jwt.jwks_file, or sign-in served (--tls or auth.signin.allow_http) for the emulator's own tokens",
            ));
        }
        self.auth.signin.validate()?;
        if self.limits.request_head_timeout_ms == 0 {
            return Err(ConfigurationError::key(
                "limits.request_head_timeout_ms",
                "must be at least 1",
            ));
        }
        for (key, value) in [
            ("odata.max_page_size", self.odata.max_page_size as usize),
            ("odata.max_filter_depth", self.odata.max_filter_depth),
            ("odata.max_filter_nodes", self.odata.max_filter_nodes),
            ("odata.max_query_length", self.odata.max_query_length),
        ] {
            if value == 0 {
                return Err(ConfigurationError::key(key, "must be at least 1"));
            }
        }
        if self.auth.default_actor.trim().is_empty() {
            return Err(ConfigurationError::key(
                "auth.default_actor",
                "must not be empty",
            ));
        }
        tracing_subscriber::EnvFilter::from_str(&self.log.level)
            .map_err(|e| ConfigurationError::key("faults", e))?;
        Ok(())
    }

    /// `server.public_url` without a trailing slash; empty when unset.
    pub fn public_url_base(&self) -> String {
        self.server
            .public_url
            .trim()
            .trim_end_matches('/')
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_match_the_documented_values() {
        let settings = Settings::defaults().expect("defaults are valid");
        assert_eq!(settings.server.host, "127.0.0.1");
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.database.url, "sqlite://emulator.db");
        assert_eq!(settings.auth.mode, AuthMode::Any);
        assert_eq!(settings.limits.max_body_bytes, 4 * 1024 * 1024);
    }

    #[test]
    fn flags_override_defaults() {
        let overrides = Overrides {
            host: Some("0.0.0.0".into()),
            port: Some(0),
            database: Some("sqlite://elsewhere.db".into()),
            config_file: None,
            ..Overrides::default()
        };
        let settings = Settings::build(&overrides, false).expect("valid");
        assert_eq!(settings.server.host, "0.0.0.0");
        assert_eq!(settings.server.port, 0);
        assert_eq!(settings.database.url, "sqlite://elsewhere.db");
    }

    #[test]
    fn in_memory_databases_are_refused_naming_the_key() {
        let overrides = Overrides {
            database: Some("sqlite::memory:".into()),
            ..Overrides::default()
        };
        let error = Settings::build(&overrides, false).unwrap_err().to_string();
        assert!(error.contains("database.url"), "{error}");
        assert!(!error.contains('\n'));
    }
}
