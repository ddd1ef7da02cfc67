//! The command line: serve (the default) or probe a running emulator's health.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::configuration::{Overrides, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "entitlement-emulator",
    version,
    about = "A local, persistent stand-in for the Microsoft Graph Entitlement Management API.",
    after_help = "Every setting can also be given in a TOML file (--config), as that file's text in \
the environment variable EMULATOR_CONFIG, or as an environment variable \
EMULATOR__SECTION__KEY, e.g. EMULATOR__SERVER__PORT=9000. \
See config/default.toml for all settings and their defaults."
)]
pub struct Cli {
    /// A TOML file of settings, layered over the built-in defaults.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Address to bind (server.host) [default: 127.0.0.1].
    #[arg(long, global = true)]
    pub host: Option<String>,
    /// TCP port, 0 for any free one (server.port) [default: 8080].
    #[arg(long, global = true)]
    pub port: Option<u16>,
    /// sqlx SQLite URL of the database, or a postgres:// URL (a preview) (database.url)
    /// [default: sqlite://emulator.db].
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
    /// A fixture (JSON, as GET /_emulator/export writes) loaded into a new database and
    /// restored by POST /_emulator/reset (seed.file).
    #[arg(long, global = true, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Serve HTTPS too, on --tls-port (tls.enabled); see config/default.toml [tls].
    #[arg(long, global = true)]
    pub tls: bool,
    /// HTTPS port, 0 for any free one (tls.port) [default: 8443].
    #[arg(long, global = true, value_name = "PORT")]
    pub tls_port: Option<u16>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (what runs when no command is given).
    Serve,
    /// Exit 0 if the emulator at the configured host and port answers its health check.
    /// Needs no curl or wget, so the Docker image's HEALTHCHECK can use it.
    Healthcheck,
    /// Print a bearer token that `auth.mode = "jwt"` accepts, signed with
    /// auth.jwt.hs256_secret: no Entra ID tenant needed.
    Token(TokenArgs),
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// Permissions to grant, e.g. EntitlementManagement.ReadWrite.All (repeat or separate
    /// with spaces or commas).
    #[arg(long = "scope", required = true, value_name = "PERMISSION")]
    pub scopes: Vec<String>,
    /// The signed-in user (upn), recorded as createdBy; with --app, the app's name.
    #[arg(long)]
    pub upn: Option<String>,
    /// An application token: permissions go in `roles`, not `scp`.
    #[arg(long)]
    pub app: bool,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub expires_in: u64,
    /// The tenant the token is for (its `tid`), whose store it reaches; default: the home
    /// tenant, auth.signin.tenant_id.
    #[arg(long)]
    pub tenant: Option<String>,
}

impl TokenArgs {
    pub fn permissions(&self) -> Vec<String> {
        self.scopes
            .iter()
            .flat_map(|scope| scope.split([' ', ',']))
            .filter(|scope| !scope.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

impl Cli {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            host: self.host.clone(),
            port: self.port,
            database: self.database.clone(),
            tls: self.tls,
            tls_port: self.tls_port,
            seed: self.seed.clone(),
        }
    }
}

/// Asks `GET /_emulator/health` of the emulator the settings describe.
pub fn healthcheck(settings: &Settings) -> Result<(), String> {
    // A wildcard bind address is reachable on loopback.
    let host = match settings.server.host.as_str() {
        "0.0.0.0" => "127.0.0.1",
        "::" | "[::]" => "[::1]",
        host if host.contains(':') && !host.starts_with('[') => {
            return probe(&format!(
                "http://[{host}]:{}/_emulator/health",
                settings.server.port
            ))
        }
        host => host,
    };
    probe(&format!(
        "http://{host}:{}/_emulator/health",
        settings.server.port
    ))
}

fn probe(url: &str) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(3))
            .finish();
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("{url}: status {}", response.status()))
        }
    })
}
