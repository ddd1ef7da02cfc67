use uuid::Uuid;

use super::{normalize_id, Repository};
use crate::domain::{timestamp, AccessPackage, NewAccessPackage};
use crate::Error;

impl Repository {
    /// Creates an access package in one transaction: the catalog must exist, the name must be
    /// free in it, unset flags default to false, and the stored row is returned.
    #[tracing::instrument(skip_all)]
    pub async fn create_access_package(
        &self,
        new: NewAccessPackage,
        actor: &str,
    ) -> Result<AccessPackage, Error> {
        let id = Uuid::new_v4().to_string();
        let now = timestamp::now();
        // IMMEDIATE takes the write lock up front, so the busy timeout covers waiting for it.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;

        let catalog = sqlx::query_scalar::<_, i64>("SELECT 1 FROM catalogs WHERE id = ?1")
            .bind(&new.catalog_id)
            .fetch_optional(&mut *tx)
            .await?;
        if catalog.is_none() {
            return Err(Error::CatalogNotFound(new.catalog_id));
        }

        let stored = sqlx::query_as::<_, AccessPackage>(
            "INSERT INTO access_packages (
                 id, catalog_id, display_name, description, is_hidden, is_role_scopes_visible,
                 created_by, created_date_time, modified_by, modified_date_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)
             RETURNING id, catalog_id, display_name, description, is_hidden,
                 is_role_scopes_visible, created_by, created_date_time, modified_by,
                 modified_date_time",
        )
        .bind(&id)
        .bind(&new.catalog_id)
        .bind(&new.display_name)
        .bind(&new.description)
        .bind(new.is_hidden.unwrap_or(false))
        .bind(new.is_role_scopes_visible.unwrap_or(false))
        .bind(actor)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| match error.as_database_error() {
            Some(e) if e.is_unique_violation() => {
                Error::DuplicateAccessPackage(new.display_name.clone())
            }
            // Unreachable while the check above runs in this transaction; kept as the
            // schema's own guarantee.
            Some(e) if e.is_foreign_key_violation() => {
                Error::CatalogNotFound(new.catalog_id.clone())
            }
            _ => Error::from(error),
        })?;

        tx.commit().await?;
        Ok(stored)
    }

    pub async fn access_package(&self, id: &str) -> Result<AccessPackage, Error> {
        sqlx::query_as::<_, AccessPackage>(
            "SELECT id, catalog_id, display_name, description, is_hidden,
                 is_role_scopes_visible, created_by, created_date_time, modified_by,
                 modified_date_time
             FROM access_packages WHERE id = ?1",
        )
        .bind(normalize_id(id))
        .fetch_optional(&self.reader)
        .await?
        .ok_or(Error::ResourceNotFound)
    }
}
