//! The emulator's own control operations, for test suites between tests.

use super::Repository;
use crate::Error;

/// The state migrations leave: only the built-in General catalog. Must match the row that
/// `migrations/20261128000001_…` inserts (a test compares the two).
const SEED: &str = "INSERT INTO catalogs (
    id, display_name, description, catalog_type, state, is_externally_visible,
    created_by, created_date_time, modified_by, modified_date_time
) VALUES (
    'aa2f6514-3232-46e7-a08a-2411ad8d7128', 'General', 'Built-in catalog.',
    'serviceDefault', 'published', 1,
    NULL, '2019-01-01T00:00:00.0000000Z', NULL, '2019-01-01T00:00:00.0000000Z'
)";

impl Repository {
    /// Puts all data back to the seeded state in one transaction: readers see the state
    /// before or after, never between, and queued writes run before or after it.
    #[tracing::instrument(skip_all)]
    pub async fn reset(&self) -> Result<(), Error> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM access_packages")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM catalogs")
            .execute(&mut *tx)
            .await?;
        sqlx::query(SEED).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
