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
    after_help = "Every setting can also be given in a TOML file (--config) or as an environment \
variable EMULATOR__SECTION__KEY, e.g. EMULATOR__SERVER__PORT=9000. \
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
    /// sqlx SQLite URL of the database (database.url) [default: sqlite://emulator.db].
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
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
}

impl Cli {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            host: self.host.clone(),
            port: self.port,
            database: self.database.clone(),
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
