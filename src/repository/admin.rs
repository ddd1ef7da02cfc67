//! The emulator's own control operations, for test suites between tests: reset, seed and
//! export, over every declared set in dependency order.

use sqlx::{AnyConnection, Connection};

use super::entity::missing_reference;
use super::links::{kept_links, restore_links};
use super::sql::Dialect;
use super::{rows, sql, Repository, MIGRATOR};
use crate::model::{registry, EntityType, FixtureRow, Links, Record};
use crate::Error;

/// How `seed` treats what is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedMode {
    /// The state becomes the built-in rows plus the fixture.
    Replace,
    /// The fixture's rows are added, or replace the rows with their ids.
    Merge,
}

/// How many rows of each set a seed wrote, by fixture key, in registry order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded(pub Vec<(&'static str, usize)>);

/// A `--seed` fixture, checked, which `reset` restores.
#[derive(Debug, Clone)]
pub struct Baseline(Vec<FixtureRow>);

impl Repository {
    /// Puts all data back to the seeded state (the built-in rows, plus the `--seed`
    /// fixture when one was given) in one transaction: readers see the state before or
    /// after, never between, and queued writes run before or after it.
    #[tracing::instrument(skip_all)]
    pub async fn reset(&self) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        clear(&mut tx).await?;
        if let Some(baseline) = self.baseline.as_deref() {
            write(&mut tx, &baseline.0).await?;
        }
        super::requests::regrant(&mut tx).await?;
        tx.commit().await?;
        self.reset_lifecycle().await
    }

    /// Loads a fixture in one transaction; an invalid one changes nothing. References and
    /// unique names are checked inside the transaction, against what it holds.
    #[tracing::instrument(skip_all)]
    pub async fn seed(&self, rows: Vec<FixtureRow>, mode: SeedMode) -> Result<Seeded, Error> {
        let mut tx = self.writer.begin().await?;
        if mode == SeedMode::Replace {
            clear(&mut tx).await?;
        }
        write(&mut tx, &rows).await?;
        super::requests::regrant(&mut tx).await?;
        tx.commit().await?;
        // Seeded requests may be due.
        self.recompute_due().await?;
        Ok(counts(&rows))
    }

    /// Checks a fixture as seed in replace mode would, by loading it into a scratch
    /// in-memory database: for `--seed`, so a bad file stops start-up whether or not it
    /// is applied to this database.
    pub async fn validate_baseline(rows: Vec<FixtureRow>) -> Result<Baseline, Error> {
        sqlx::any::install_default_drivers();
        // One connection: each connection to `sqlite::memory:` is a database of its own.
        let mut scratch = AnyConnection::connect("sqlite::memory:").await?;
        MIGRATOR
            .run_direct(&mut scratch)
            .await
            .map_err(Error::internal)?;
        let mut tx = scratch.begin().await?;
        clear(&mut tx).await?;
        write(&mut tx, &rows).await?;
        tx.rollback().await?;
        scratch.close().await?;
        Ok(Baseline(rows))
    }

    /// Everything stored, read in one snapshot, set by set in default order.
    pub async fn export(&self) -> Result<Vec<(&'static EntityType, Vec<(Record, Links)>)>, Error> {
        let mut reader = self.reader.acquire().await?;
        let mut tx = reader.begin().await?;
        let mut sets = Vec::new();
        for entity in registry::ENTITY_TYPES {
            let order: Vec<&str> = entity.default_order.iter().copied().chain(["id"]).collect();
            let found = sqlx::query(&format!(
                "SELECT {} FROM {} ORDER BY {}",
                sql::columns(entity),
                entity.table,
                order.join(", ")
            ))
            .fetch_all(&mut *tx)
            .await?;
            let mut links = kept_links(&mut tx, entity).await?;
            let rows = rows::records(entity, &found)?
                .into_iter()
                .map(|record| {
                    let linked = links.remove(record.id()).unwrap_or_default();
                    (record, linked)
                })
                .collect();
            sets.push((*entity, rows));
        }
        tx.commit().await?;
        Ok(sets)
    }
}

fn counts(rows: &[FixtureRow]) -> Seeded {
    Seeded(
        registry::ENTITY_TYPES
            .iter()
            .map(|entity| {
                let n = rows
                    .iter()
                    .filter(|row| std::ptr::eq(row.record.entity(), *entity))
                    .count();
                (entity.fixture, n)
            })
            .collect(),
    )
}

/// Everything gone but the built-in rows, as migrations leave it: children first.
async fn clear(tx: &mut AnyConnection) -> Result<(), Error> {
    for entity in registry::ENTITY_TYPES.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", entity.table))
            .execute(&mut *tx)
            .await?;
    }
    for entity in registry::ENTITY_TYPES {
        for record in Record::builtins(entity) {
            upsert(tx, &record).await?;
        }
    }
    Ok(())
}

/// Inserts the rows (parents' sets come first), or replaces those whose id exists. A
/// missing reference or a name already used rolls back all, naming the row.
async fn write(tx: &mut AnyConnection, rows: &[FixtureRow]) -> Result<(), Error> {
    for row in rows {
        let entity = row.record.entity();
        if let Some((navigation, fk, id)) = missing_reference(tx, &row.record).await? {
            let property = entity
                .column(fk)
                .map_or(fk, |(_, property)| property.name.any());
            return Err(Error::InvalidFixture(format!(
                "{}.{property}: no {} with id '{id}' in the fixture or the emulator",
                row.at,
                navigation.target().name
            )));
        }
        upsert(tx, &row.record).await.map_err(|error| match error {
            Error::Rule { message, .. } => {
                Error::InvalidFixture(format!("{}: {message}", unique_place(row)))
            }
            other => other,
        })?;
    }
    // Links once every row is there: either end may come later in the fixture.
    for row in rows {
        restore_links(tx, row).await?;
    }
    Ok(())
}

/// `accessPackages[1].displayName`: the row and the last column of its unique rule.
fn unique_place(row: &FixtureRow) -> String {
    let entity = row.record.entity();
    let column = entity
        .constraints
        .iter()
        .find_map(|constraint| match constraint {
            crate::model::Constraint::Unique { columns, .. } => columns.last().copied(),
            _ => None,
        });
    match column.and_then(|column| entity.column(column)) {
        Some((_, property)) => format!("{}.{} is already used", row.at, property.name.any()),
        None => format!("{} is already used", row.at),
    }
}

/// A row replaces the stored one whole, or is inserted: an update by id, then an insert
/// when it updated nothing. (Not `INSERT … ON CONFLICT (id) DO UPDATE`: PostgreSQL's tenant
/// views have no unique index of their own to name; the table's is on `(tenant, id)`.) A
/// clash with another row's unique name is the declared 409, as `Rule`.
async fn upsert(tx: &mut AnyConnection, record: &Record) -> Result<(), Error> {
    let entity = record.entity();
    let dialect = Dialect::of(tx);
    let row = serde_json::to_string(&rows::json_row(record)).map_err(Error::internal)?;
    let clash = |error: sqlx::Error| match error.as_database_error() {
        Some(e) if e.is_unique_violation() => super::insert::conflict(entity, record, false),
        _ => Error::from(error),
    };
    let updated = sqlx::query(&format!(
        "UPDATE {table} SET {assignments} FROM {source} WHERE {table}.id = $2",
        table = entity.table,
        assignments = sql::json_assignments(entity, dialect),
        source = dialect.json_row("$1"),
    ))
    .bind(&row)
    .bind(record.id())
    .execute(&mut *tx)
    .await
    .map_err(clash)?;
    if updated.rows_affected() == 0 {
        sqlx::query(&format!(
            "INSERT INTO {table} ({columns}) SELECT {values} FROM {source}",
            table = entity.table,
            columns = sql::columns(entity),
            values = sql::json_values(entity, dialect),
            source = dialect.json_row("$1"),
        ))
        .bind(&row)
        .execute(&mut *tx)
        .await
        .map_err(clash)?;
    }
    Ok(())
}
