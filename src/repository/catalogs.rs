use uuid::Uuid;

use super::{normalize_id, Repository};
use crate::domain::{timestamp, Catalog, CatalogState, CatalogType, NewCatalog};
use crate::Error;

impl Repository {
    /// Creates a catalog; unset values default to a published, user-managed catalog that
    /// is not externally visible. Returns the stored row.
    #[tracing::instrument(skip_all)]
    pub async fn create_catalog(&self, new: NewCatalog, actor: &str) -> Result<Catalog, Error> {
        let id = Uuid::new_v4().to_string();
        let now = timestamp::now();
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let stored = sqlx::query_as::<_, Catalog>(
            "INSERT INTO catalogs (
                 id, display_name, description, catalog_type, state, is_externally_visible,
                 created_by, created_date_time, modified_by, modified_date_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)
             RETURNING id, display_name, description, catalog_type, state,
                 is_externally_visible, created_by, created_date_time, modified_by,
                 modified_date_time",
        )
        .bind(&id)
        .bind(&new.display_name)
        .bind(&new.description)
        .bind(new.catalog_type.unwrap_or(CatalogType::UserManaged))
        .bind(new.state.unwrap_or(CatalogState::Published))
        .bind(new.is_externally_visible.unwrap_or(false))
        .bind(actor)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn catalog(&self, id: &str) -> Result<Catalog, Error> {
        sqlx::query_as::<_, Catalog>(
            "SELECT id, display_name, description, catalog_type, state, is_externally_visible,
                 created_by, created_date_time, modified_by, modified_date_time
             FROM catalogs WHERE id = ?1",
        )
        .bind(normalize_id(id))
        .fetch_optional(&self.reader)
        .await?
        .ok_or(Error::ResourceNotFound)
    }
}
