use uuid::Uuid;

use super::query::Table;
use super::{normalize_id, Repository};
use crate::domain::catalog::CatalogChanges;
use crate::domain::{timestamp, Catalog, CatalogState, CatalogType, Field, NewCatalog, Scalar};
use crate::Error;

impl Table for Catalog {
    const NAME: &'static str = "catalogs";
    const COLUMNS: &'static str = "id, display_name, description, catalog_type, state, \
        is_externally_visible, created_by, created_date_time, modified_by, modified_date_time";

    fn value(&self, field: Field) -> Scalar {
        let text = |value: &str| Scalar::Text(value.to_owned());
        let optional = |value: &Option<String>| value.as_deref().map_or(Scalar::Null, text);
        match field {
            Field::Id => text(&self.id),
            Field::DisplayName => text(&self.display_name),
            Field::Description => optional(&self.description),
            Field::CatalogType => text(self.catalog_type.v1_name()),
            Field::State => text(self.state.v1_name()),
            Field::IsExternallyVisible => Scalar::Bool(self.is_externally_visible),
            Field::CreatedBy => optional(&self.created_by),
            Field::CreatedDateTime => text(&self.created_date_time),
            Field::ModifiedBy => optional(&self.modified_by),
            Field::ModifiedDateTime => text(&self.modified_date_time),
            Field::CatalogId | Field::IsHidden | Field::IsRoleScopesVisible => Scalar::Null,
        }
    }
}

impl Repository {
    /// Creates a catalog; unset values default to a published, user-managed catalog that
    /// is not externally visible. Returns the stored row.
    #[tracing::instrument(skip_all)]
    pub async fn create_catalog(&self, new: NewCatalog, actor: &str) -> Result<Catalog, Error> {
        let id = Uuid::new_v4().to_string();
        let now = timestamp::now();
        let stored = sqlx::query_as::<_, Catalog>(&format!(
            "INSERT INTO catalogs ({columns})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)
             RETURNING {columns}",
            columns = Catalog::COLUMNS
        ))
        .bind(&id)
        .bind(&new.display_name)
        .bind(&new.description)
        .bind(new.catalog_type.unwrap_or(CatalogType::UserManaged))
        .bind(new.state.unwrap_or(CatalogState::Published))
        .bind(new.is_externally_visible.unwrap_or(false))
        .bind(actor)
        .bind(&now)
        .fetch_one(&self.writer)
        .await?;
        Ok(stored)
    }

    pub async fn catalog(&self, id: &str) -> Result<Catalog, Error> {
        sqlx::query_as::<_, Catalog>(&format!(
            "SELECT {} FROM catalogs WHERE id = ?1",
            Catalog::COLUMNS
        ))
        .bind(normalize_id(id))
        .fetch_optional(&self.reader)
        .await?
        .ok_or(Error::ResourceNotFound)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_catalog(
        &self,
        id: &str,
        changes: CatalogChanges,
        actor: &str,
    ) -> Result<(), Error> {
        if changes.is_empty() {
            return self.catalog(id).await.map(drop);
        }
        let updated = sqlx::query(
            "UPDATE catalogs SET
                 display_name = coalesce(?2, display_name),
                 description = CASE WHEN ?3 THEN ?4 ELSE description END,
                 is_externally_visible = coalesce(?5, is_externally_visible),
                 state = coalesce(?6, state),
                 modified_by = ?7,
                 modified_date_time = ?8
             WHERE id = ?1",
        )
        .bind(normalize_id(id))
        .bind(&changes.display_name)
        .bind(changes.description.is_some())
        .bind(changes.description.clone().flatten())
        .bind(changes.is_externally_visible)
        .bind(changes.state)
        .bind(actor)
        .bind(timestamp::now())
        .execute(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::ResourceNotFound);
        }
        Ok(())
    }

    /// Deletes an empty, user-created catalog, in one transaction with the checks.
    #[tracing::instrument(skip_all)]
    pub async fn delete_catalog(&self, id: &str) -> Result<(), Error> {
        let id = normalize_id(id);
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let catalog_type =
            sqlx::query_scalar::<_, CatalogType>("SELECT catalog_type FROM catalogs WHERE id = ?1")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(Error::ResourceNotFound)?;
        if catalog_type == CatalogType::ServiceDefault {
            return Err(Error::BuiltInCatalog);
        }
        let packages: i64 =
            sqlx::query_scalar("SELECT count(*) FROM access_packages WHERE catalog_id = ?1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        if packages > 0 {
            return Err(Error::CatalogNotEmpty(packages));
        }
        sqlx::query("DELETE FROM catalogs WHERE id = ?1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
