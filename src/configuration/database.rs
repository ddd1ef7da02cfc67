//! The database URL: which backend it names, and SQLite's connection options.

use std::str::FromStr;

use super::{ConfigurationError, DatabaseSettings};

impl DatabaseSettings {
    /// A PostgreSQL URL (`postgres://…`): the repository's second backend.
    pub fn is_postgres(&self) -> bool {
        let url = self.url.trim();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }

    /// The sqlx options for the database file, with the pragmas every connection needs.
    pub fn connect_options(
        &self,
    ) -> Result<sqlx::sqlite::SqliteConnectOptions, ConfigurationError> {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

        let url = self.url.trim();
        if !url.starts_with("sqlite:") {
            return Err(ConfigurationError::key(
                "database.url",
                format!("`{url}` is neither a SQLite URL such as sqlite://data/emulator.db nor a PostgreSQL one (postgres://…)"),
            ));
        }
        // Reads and writes use separate connections, and each in-memory connection would
        // be a database of its own; a file (on a tmpfs if speed matters) is always shared.
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Err(ConfigurationError::key(
                "database.url",
                "in-memory databases are not supported; use a file, e.g. in a temporary directory",
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| ConfigurationError::key("database.url", e))?;
        Ok(options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .synchronous(self.synchronous.into())
            .busy_timeout(std::time::Duration::from_millis(self.busy_timeout_ms)))
    }
}
