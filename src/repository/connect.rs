//! How a connection is opened. The repository's statements run on sqlx's `Any`
//! connection, so that they are written once for SQLite and PostgreSQL; `Any` connects
//! from a URL alone, so SQLite's settings for each connection, which sqlx would send as
//! pragmas when it opens one, are sent here as the same pragmas once it is open, and a
//! PostgreSQL connection is given its tenant the same way.

use sqlx::any::AnyConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection};

use crate::configuration::{DatabaseSettings, Synchronous};

#[derive(Clone, Debug)]
pub(super) struct Connect {
    options: AnyConnectOptions,
    pragmas: Vec<String>,
    /// PostgreSQL: the tenant whose rows the connection's statements reach.
    tenant: Option<String>,
}

impl Connect {
    /// The file `options` names, with the configured durability and lock wait.
    pub fn sqlite(
        options: &SqliteConnectOptions,
        settings: &DatabaseSettings,
    ) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let synchronous = match settings.synchronous {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
        };
        Ok(Self {
            options: AnyConnectOptions::from_url(&options.to_url_lossy())?,
            pragmas: vec![
                // First, so that the pragmas after it wait for a lock as any statement does.
                format!("PRAGMA busy_timeout = {}", settings.busy_timeout_ms),
                "PRAGMA journal_mode = WAL".to_owned(),
                "PRAGMA foreign_keys = ON".to_owned(),
                format!("PRAGMA synchronous = {synchronous}"),
            ],
            tenant: None,
        })
    }

    /// The PostgreSQL database at `url`.
    pub fn postgres(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        Ok(Self {
            options: url.parse()?,
            pragmas: Vec::new(),
            tenant: None,
        })
    }

    /// Every connection opened this way reaches `tenant`'s rows, and only those: the
    /// tenant's views (migrations/postgres) read the setting.
    pub fn tenant(mut self, tenant: &str) -> Self {
        self.tenant = Some(tenant.to_owned());
        self
    }

    /// Sets the tenant for the rest of `connection`'s session.
    pub async fn enter(connection: &mut AnyConnection, tenant: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT set_config('emulator.tenant', $1, false)")
            .bind(tenant)
            .execute(connection)
            .await
            .map(|_| ())
    }

    /// One more pragma for every connection opened this way.
    pub fn pragma(mut self, name: &str, value: &str) -> Self {
        self.pragmas.push(format!("PRAGMA {name} = {value}"));
        self
    }

    pub async fn connect(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut connection = AnyConnection::connect_with(&self.options).await?;
        for pragma in &self.pragmas {
            sqlx::query(pragma).execute(&mut connection).await?;
        }
        if let Some(tenant) = &self.tenant {
            Self::enter(&mut connection, tenant).await?;
        }
        Ok(connection)
    }
}
