//! The emulator's own control operations, for test suites between tests: reset, seed
//! and export.

use std::collections::HashSet;

use sqlx::{Sqlite, Transaction};

use super::query::Table;
use super::Repository;
use crate::domain::fixture::{Fixture, ValidFixture};
use crate::domain::{AccessPackage, Catalog};
use crate::Error;

/// How `seed` treats what is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedMode {
    /// The state becomes the built-in catalog plus the fixture.
    Replace,
    /// The fixture's rows are added, or update the rows with their ids.
    Merge,
}

/// What a seed wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub catalogs: usize,
    pub access_packages: usize,
}

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
    /// Puts all data back to the seeded state (the built-in catalog, plus the `--seed`
    /// fixture when one was given) in one transaction: readers see the state before or
    /// after, never between, and queued writes run before or after it.
    #[tracing::instrument(skip_all)]
    pub async fn reset(&self) -> Result<(), Error> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        clear(&mut tx).await?;
        if let Some(baseline) = self.baseline.as_deref() {
            write(&mut tx, baseline).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Loads a fixture in one transaction; an invalid one changes nothing. Validation
    /// runs inside the transaction, against the catalogs that exist there.
    #[tracing::instrument(skip_all)]
    pub async fn seed(&self, fixture: Fixture, mode: SeedMode) -> Result<Seeded, Error> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        if mode == SeedMode::Replace {
            clear(&mut tx).await?;
        }
        let known: HashSet<String> = sqlx::query_scalar("SELECT id FROM catalogs")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let valid = fixture.validate(&known)?;
        write(&mut tx, &valid).await?;
        tx.commit().await?;
        Ok(Seeded {
            catalogs: valid.catalogs.len(),
            access_packages: valid.access_packages.len(),
        })
    }

    /// Checks a fixture as `seed` in replace mode would, without writing: for `--seed`,
    /// so a bad file stops start-up whether or not it is applied.
    pub fn validate_baseline(fixture: Fixture) -> Result<ValidFixture, Error> {
        let builtin = HashSet::from([crate::domain::catalog::GENERAL_ID.to_owned()]);
        fixture.validate(&builtin)
    }

    /// Everything stored, read in one snapshot.
    pub async fn export(&self) -> Result<Fixture, Error> {
        let mut tx = self.reader.begin().await?;
        let catalogs = sqlx::query_as::<_, Catalog>(&format!(
            "SELECT {} FROM catalogs ORDER BY created_date_time, id",
            Catalog::COLUMNS
        ))
        .fetch_all(&mut *tx)
        .await?;
        let access_packages = sqlx::query_as::<_, AccessPackage>(&format!(
            "SELECT {} FROM access_packages ORDER BY created_date_time, id",
            AccessPackage::COLUMNS
        ))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Fixture {
            catalogs: catalogs.into_iter().map(Into::into).collect(),
            access_packages: access_packages.into_iter().map(Into::into).collect(),
        })
    }
}

/// Everything gone but the built-in catalog, as migrations leave it.
async fn clear(tx: &mut Transaction<'_, Sqlite>) -> Result<(), Error> {
    sqlx::query("DELETE FROM access_packages")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM catalogs")
        .execute(&mut **tx)
        .await?;
    sqlx::query(SEED).execute(&mut **tx).await?;
    Ok(())
}

/// `INSERT … ON CONFLICT (id) DO UPDATE` over every column of `T`, bound in `T::COLUMNS`
/// order: a fixture row replaces the stored one whole.
fn upsert<T: Table>() -> String {
    let columns: Vec<&str> = T::COLUMNS.split(',').map(str::trim).collect();
    let values: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
    let updates: Vec<String> = columns
        .iter()
        .filter(|column| **column != "id")
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        T::NAME,
        T::COLUMNS,
        values.join(", "),
        updates.join(", ")
    )
}

/// Inserts the rows, or updates those whose id exists. A name taken by another stored
/// package in the same catalog (merge) is refused by the unique index, rolling back all.
async fn write(tx: &mut Transaction<'_, Sqlite>, fixture: &ValidFixture) -> Result<(), Error> {
    for catalog in &fixture.catalogs {
        sqlx::query(&upsert::<Catalog>())
            .bind(&catalog.id)
            .bind(&catalog.display_name)
            .bind(&catalog.description)
            .bind(catalog.catalog_type)
            .bind(catalog.state)
            .bind(catalog.is_externally_visible)
            .bind(&catalog.created_by)
            .bind(&catalog.created_date_time)
            .bind(&catalog.modified_by)
            .bind(&catalog.modified_date_time)
            .execute(&mut **tx)
            .await?;
    }
    for package in &fixture.access_packages {
        sqlx::query(&upsert::<AccessPackage>())
            .bind(&package.id)
            .bind(&package.catalog_id)
            .bind(&package.display_name)
            .bind(&package.description)
            .bind(package.is_hidden)
            .bind(package.is_role_scopes_visible)
            .bind(&package.created_by)
            .bind(&package.created_date_time)
            .bind(&package.modified_by)
            .bind(&package.modified_date_time)
            .execute(&mut **tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    Error::InvalidFixture(format!(
                        "access package '{}': the name \"{}\" is already used in catalog '{}'",
                        package.id, package.display_name, package.catalog_id
                    ))
                }
                _ => e.into(),
            })?;
    }
    Ok(())
}
