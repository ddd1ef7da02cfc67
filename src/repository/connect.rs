//! How a connection is opened. The repository's statements run on sqlx's `Any`
//! connection, so that they are written once for SQLite and PostgreSQL; `Any` connects
//! from a URL alone, so SQLite's settings for each connection, which sqlx would send as
//! pragmas when it opens one, are sent here as the same pragmas once it is open, and a
//! PostgreSQL connection is given its tenant the same way.

use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection};

use crate::configuration::{DatabaseSettings, Synchronous};

#[derive(Clone, Debug)]
pub(super) struct Connect {
    options: AnyConnectOptions,
    /// Sent to every connection once it is open: SQLite's pragmas, PostgreSQL's settings.
    setup: Vec<String>,
    /// PostgreSQL: the tenant whose rows the connection's statements reach.
    tenant: Option<String>,
    /// How long opening a connection may take (SQLite's are files: they open at once).
    wait: Duration,
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
            options: file_url(options.get_filename())?.parse()?,
            setup: vec![
                // First, so that the pragmas after it wait for a lock as any statement does.
                format!("PRAGMA busy_timeout = {}", settings.busy_timeout_ms),
                "PRAGMA journal_mode = WAL".to_owned(),
                "PRAGMA foreign_keys = ON".to_owned(),
                format!("PRAGMA synchronous = {synchronous}"),
            ],
            tenant: None,
            wait: Duration::from_millis(settings.busy_timeout_ms),
        })
    }

    /// The PostgreSQL database at `url`. `wait` bounds what SQLite's busy timeout bounds,
    /// and what a server adds: a lock another replica holds (`lock_timeout`, then 55P03),
    /// and a connection the server does not give (a restart, a fail-over); then 503.
    pub fn postgres(url: &str, wait: Duration) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        Ok(Self {
            options: url.parse()?,
            setup: vec![
                // PostgreSQL reads 0 as "wait for ever", SQLite's busy timeout as "not at all".
                format!(
                    "SELECT set_config('lock_timeout', '{}ms', false)",
                    wait.as_millis().max(1)
                ),
                // Planned with the values bound, every time: a generic plan cannot tell a
                // catalog holding every package from an empty one, and `NOT EXISTS` on a
                // column one value fills looks cheapest as a scan that stops at its first
                // row, which for an empty catalog is the whole table (docs/src/decisions.md).
                "SET plan_cache_mode = force_custom_plan".to_owned(),
            ],
            tenant: None,
            wait,
        })
    }

    /// Every connection opened this way reaches `tenant`'s rows, and only those: the
    /// tenant's views (migrations/postgres) read the setting.
    pub fn tenant(mut self, tenant: &str) -> Self {
        self.tenant = Some(tenant.to_owned());
        self
    }

    /// How long a connection may take to open, or a statement to get its lock.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// One more pragma for every connection opened this way.
    pub fn pragma(mut self, name: &str, value: &str) -> Self {
        self.setup.push(format!("PRAGMA {name} = {value}"));
        self
    }

    pub async fn connect(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut connection = AnyConnection::connect_with(&self.options).await?;
        self.prepare(&mut connection).await?;
        Ok(connection)
    }

    /// The settings of every connection opened this way, sent once it is open.
    async fn prepare(&self, connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for statement in &self.setup {
            sqlx::query(statement).execute(&mut *connection).await?;
        }
        if let Some(tenant) = &self.tenant {
            sqlx::query("SELECT set_config('emulator.tenant', $1, false)")
                .bind(tenant)
                .execute(&mut *connection)
                .await?;
        }
        Ok(())
    }

    /// sqlx's pool of such connections, opened as they are first needed. A server reached
    /// over a network loses connections (a restart, a fail-over), and the pool tests each
    /// one before handing it out and opens another for one lost; a SQLite file's
    /// connections are never lost, and `Readers` spares them the test.
    pub fn pool(self, size: u32) -> AnyPool {
        let options = self.options.clone();
        // Not 0, which would refuse nearly every read.
        let wait = self.wait.max(Duration::from_millis(100));
        let setup = Arc::new(self);
        AnyPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(wait)
            .after_connect(move |connection, _| {
                let setup = Arc::clone(&setup);
                Box::pin(async move { setup.prepare(connection).await })
            })
            .connect_lazy_with(options)
    }
}

/// Bytes of a path written as they are in a URL; the rest percent-encoded, `%` included.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A `sqlite://` URL naming the file at `path` exactly, which sqlx's own `to_url_lossy` does
/// not: it leaves `%` as it is (decoded again on the way back), and URL parsing drops `..`
/// segments: the canonical path has none (of its folder, when the file is yet to be made).
fn file_url(path: &std::path::Path) -> Result<String, sqlx::Error> {
    let path = match (std::fs::canonicalize(path), path.parent(), path.file_name()) {
        (Ok(path), _, _) => path,
        (Err(_), Some(folder), Some(name)) => {
            let folder = if folder.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                folder
            };
            std::fs::canonicalize(folder)?.join(name)
        }
        (Err(error), _, _) => return Err(error.into()),
    };
    let text = path
        .to_str()
        .ok_or_else(|| sqlx::Error::Configuration("the database's path is not UTF-8".into()))?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        utf8_percent_encode(text, PATH)
    ))
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions;

    use super::*;

    /// A path with `..`, `%41`, a space, `#` and `?` names the same file after the trip
    /// through the URL that `Any` connects by.
    #[test]
    fn a_file_url_names_the_file_exactly() {
        let directory = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(directory.path().join("a")).expect("a folder");
        let file = directory.path().join("x%41 #?.db");
        std::fs::write(&file, b"").expect("the file");
        let winding = directory.path().join("a").join("..").join("x%41 #?.db");
        let url: sqlx::any::AnyConnectOptions = file_url(&winding)
            .expect("a URL")
            .parse()
            .expect("it parses");
        let back = SqliteConnectOptions::from_url(&url.database_url).expect("SQLite reads it");
        assert_eq!(
            back.get_filename(),
            std::fs::canonicalize(&file).expect("canonical")
        );
    }
}
