use uuid::Uuid;

use super::group_commit::Row;
use super::query::Table;
use super::{normalize_id, Repository};
use crate::domain::access_package::AccessPackageChanges;
use crate::domain::{timestamp, AccessPackage, Field, NewAccessPackage, Scalar};
use crate::Error;

impl Table for AccessPackage {
    const NAME: &'static str = "access_packages";
    const COLUMNS: &'static str = "id, catalog_id, display_name, description, is_hidden, \
        is_role_scopes_visible, created_by, created_date_time, modified_by, modified_date_time";

    fn value(&self, field: Field) -> Scalar {
        let text = |value: &str| Scalar::Text(value.to_owned());
        let optional = |value: &Option<String>| value.as_deref().map_or(Scalar::Null, text);
        match field {
            Field::Id => text(&self.id),
            Field::CatalogId => text(&self.catalog_id),
            Field::DisplayName => text(&self.display_name),
            Field::Description => optional(&self.description),
            Field::IsHidden => Scalar::Bool(self.is_hidden),
            Field::IsRoleScopesVisible => Scalar::Bool(self.is_role_scopes_visible),
            Field::CreatedBy => optional(&self.created_by),
            Field::CreatedDateTime => text(&self.created_date_time),
            Field::ModifiedBy => optional(&self.modified_by),
            Field::ModifiedDateTime => text(&self.modified_date_time),
            Field::CatalogType | Field::State | Field::IsExternallyVisible => Scalar::Null,
        }
    }
}

/// A name clash in the catalog's unique index is Graph's 409; anything else passes through.
fn duplicate_name(error: sqlx::Error, display_name: &str) -> Error {
    match error.as_database_error() {
        Some(e) if e.is_unique_violation() => {
            Error::DuplicateAccessPackage(display_name.to_owned())
        }
        _ => Error::from(error),
    }
}

impl Repository {
    /// Creates an access package: the catalog must exist, the name must be free in it, unset
    /// flags default to false, and the stored row is returned once its transaction has
    /// committed. The write itself is batched with concurrent creates (`group_commit`).
    #[tracing::instrument(skip_all)]
    pub async fn create_access_package(
        &self,
        new: NewAccessPackage,
        actor: &str,
    ) -> Result<AccessPackage, Error> {
        let now = timestamp::now();
        self.creates
            .create(Row {
                id: Uuid::new_v4().to_string(),
                catalog_id: new.catalog_id,
                display_name: new.display_name,
                description: new.description,
                is_hidden: new.is_hidden.unwrap_or(false),
                is_role_scopes_visible: new.is_role_scopes_visible.unwrap_or(false),
                actor: actor.to_owned(),
                now,
            })
            .await
    }

    pub async fn access_package(&self, id: &str) -> Result<AccessPackage, Error> {
        sqlx::query_as::<_, AccessPackage>(&format!(
            "SELECT {} FROM access_packages WHERE id = ?1",
            AccessPackage::COLUMNS
        ))
        .bind(normalize_id(id))
        .fetch_optional(&self.reader)
        .await?
        .ok_or(Error::ResourceNotFound)
    }

    /// Applies the properties that were sent; `modifiedBy`/`modifiedDateTime` move whenever
    /// anything is sent. A new name must be free in the catalog.
    #[tracing::instrument(skip_all)]
    pub async fn update_access_package(
        &self,
        id: &str,
        changes: AccessPackageChanges,
        actor: &str,
    ) -> Result<(), Error> {
        if changes.is_empty() {
            return self.access_package(id).await.map(drop);
        }
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let updated = sqlx::query(
            "UPDATE access_packages SET
                 display_name = coalesce(?2, display_name),
                 description = CASE WHEN ?3 THEN ?4 ELSE description END,
                 is_hidden = coalesce(?5, is_hidden),
                 is_role_scopes_visible = coalesce(?6, is_role_scopes_visible),
                 modified_by = ?7,
                 modified_date_time = ?8
             WHERE id = ?1",
        )
        .bind(normalize_id(id))
        .bind(&changes.display_name)
        .bind(changes.description.is_some())
        .bind(changes.description.clone().flatten())
        .bind(changes.is_hidden)
        .bind(changes.is_role_scopes_visible)
        .bind(actor)
        .bind(timestamp::now())
        .execute(&mut *tx)
        .await
        .map_err(|error| {
            duplicate_name(error, changes.display_name.as_deref().unwrap_or_default())
        })?;
        if updated.rows_affected() == 0 {
            return Err(Error::ResourceNotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn delete_access_package(&self, id: &str) -> Result<(), Error> {
        let deleted = sqlx::query("DELETE FROM access_packages WHERE id = ?1")
            .bind(normalize_id(id))
            .execute(&self.writer)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(Error::ResourceNotFound);
        }
        Ok(())
    }
}
