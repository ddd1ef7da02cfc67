//! Reads and writes of any declared entity. Writes run in one transaction with the rules
//! their declaration states: referenced entities exist, unique names, rows that block a
//! delete, built-in rows.

use sqlx::AnyConnection;

use super::deletion::{deletes_in_one_statement, remove, unblocked_delete};
use super::insert::{self, conflict, not_found};
use super::nested::write_nested;
use super::sql::{self, Dialect, ListQuery, Statement, Within};
use super::{rows, Repository};
use crate::model::{values, Changes, Constraint, EntityType, Mode, Navigation, Record, Writes};
use crate::odata::{Direction, Filter};
use crate::Error;

impl Repository {
    pub async fn get(&self, entity: &'static EntityType, id: &str) -> Result<Record, Error> {
        let mut connection = self.reader.acquire().await?;
        // A path's other keys (a user's principal name) are ids by now: `routes::set::Key`.
        find(&mut connection, entity, id)
            .await?
            .ok_or_else(|| not_found(entity, id))
    }

    /// One page of rows (at most `limit`), in order, after the token's position.
    pub async fn list(
        &self,
        entity: &'static EntityType,
        query: &ListQuery<'_>,
    ) -> Result<Vec<Record>, Error> {
        let mut statement = sql::list(entity, self.dialect, "", query)?;
        let found = statement
            .build()
            .fetch_all(&mut *self.reader.acquire().await?)
            .await?;
        rows::records(entity, &found)
    }

    /// How many rows match, ignoring paging: `$count=true` and the `/$count` segment.
    pub async fn count(
        &self,
        entity: &'static EntityType,
        filter: Option<&Filter>,
        scope: Option<Within<'_>>,
    ) -> Result<i64, Error> {
        let mut statement = Statement::new(
            entity,
            self.dialect,
            &format!("SELECT count(*) FROM {}", entity.table),
        );
        statement.conditions(filter, scope);
        Ok(statement
            .sql
            .build_query_scalar::<i64>()
            .fetch_one(&mut *self.reader.acquire().await?)
            .await?)
    }

    /// The query plan SQLite chooses for a listing, for tests that check index use.
    pub async fn explain_list(
        &self,
        entity: &'static EntityType,
        query: &ListQuery<'_>,
    ) -> Result<Vec<String>, Error> {
        let mut statement = sql::list(entity, self.dialect, "EXPLAIN QUERY PLAN ", query)?;
        let rows: Vec<(i64, i64, i64, String)> = statement
            .build_query_as()
            .fetch_all(&mut *self.reader.acquire().await?)
            .await?;
        Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
    }

    /// Rows whose `column` is one of `values`, in the entity's default order: what
    /// `$expand` embeds.
    pub async fn related(
        &self,
        entity: &'static EntityType,
        column: &str,
        values: &[String],
    ) -> Result<Vec<Record>, Error> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let mut statement = Statement::new(
            entity,
            self.dialect,
            &format!(
                "SELECT {} FROM {} WHERE {column} IN (",
                sql::columns(entity),
                entity.table
            ),
        );
        statement.sql.push_binds(values.iter().cloned()).push(")");
        let order: Vec<_> = entity
            .default_order
            .iter()
            .chain(["id"].iter())
            .filter_map(|column| entity.column(column))
            .map(|(_, property)| (crate::odata::Column::own(property), Direction::Ascending))
            .collect();
        let order = statement.order(&order, None)?;
        statement.sql.push(format!(" ORDER BY {order}"));
        let found = statement
            .sql
            .build()
            .fetch_all(&mut *self.reader.acquire().await?)
            .await?;
        rows::records(entity, &found)
    }

    /// The `select` column of the rows whose `column` is `value`: the ids a function's
    /// filter names.
    pub async fn values_where(
        &self,
        entity: &'static EntityType,
        select: &str,
        column: &str,
        value: &str,
    ) -> Result<Vec<String>, Error> {
        let (Some(_), Some(_)) = (entity.column(select), entity.column(column)) else {
            return Err(Error::internal(format!(
                "{} lacks {select} or {column}",
                entity.name
            )));
        };
        Ok(sqlx::query_scalar(&format!(
            "SELECT DISTINCT {select} FROM {} WHERE {column} = $1 AND {select} IS NOT NULL",
            entity.table
        ))
        .bind(values::normalize_id(value))
        .fetch_all(&mut *self.reader.acquire().await?)
        .await?)
    }

    /// Stores a new entity; referenced entities must exist and names must be free. The
    /// stored row is returned once its transaction has committed.
    #[tracing::instrument(level = "debug", skip_all, fields(entity = record.entity().name))]
    pub async fn create(&self, mut record: Record) -> Result<Record, Error> {
        let entity = record.entity();
        if let Some(prepare) = entity.prepare {
            prepare(&mut record)?;
        }
        record.derive();
        if entity.writes == Writes::Batched {
            return self.creates.create(record).await;
        }
        let references = entity.references.map(|references| references(&record));
        let one_row = |outcome: Vec<Result<Record, Error>>| {
            outcome
                .into_iter()
                .next()
                .unwrap_or_else(|| Err(Error::internal("a one-row insert returned no outcome")))
        };
        if references.as_ref().is_none_or(Vec::is_empty) {
            // Nothing to check outside the statement, which is then its own transaction:
            // one round trip to the connection instead of three.
            let mut connection = self.writer.lock().await?;
            return one_row(insert::insert(&mut connection, entity, &[&record]).await?);
        }
        let mut tx = self.writer.begin().await?;
        check_directory(&mut tx, &record).await?;
        let outcome = one_row(insert::insert(&mut tx, entity, &[&record]).await?);
        tx.commit().await?;
        outcome
    }

    /// PATCH (`Update`) or PUT (`Replace`): the stored entity after the change. A PATCH that
    /// sets nothing changes nothing, not even `modifiedDateTime`.
    #[tracing::instrument(level = "debug", skip_all, fields(entity = entity.name))]
    pub async fn update(
        &self,
        entity: &'static EntityType,
        id: &str,
        changes: Changes,
        mode: Mode,
        actor: &str,
    ) -> Result<Record, Error> {
        let mut tx = self.writer.begin().await?;
        let current = find(&mut tx, entity, id)
            .await?
            .ok_or_else(|| not_found(entity, id))?;
        if mode == Mode::Update && changes.is_empty() {
            return Ok(current);
        }
        let mut changes = changes;
        let nested = std::mem::take(&mut changes.nested);
        let mut next = current.updated(changes, mode, actor)?;
        if let Some(prepare) = entity.prepare {
            prepare(&mut next)?;
        }
        next.derive();
        check_references(&mut tx, &next).await?;
        check_directory(&mut tx, &next).await?;
        let stored = save(&mut tx, &next).await?;
        write_nested(&mut tx, &stored, nested, actor).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Deletes an entity, in one transaction with the rules that can forbid it.
    #[tracing::instrument(level = "debug", skip_all, fields(entity = entity.name))]
    pub async fn delete(&self, entity: &'static EntityType, id: &str) -> Result<(), Error> {
        let mut connection = self.writer.lock().await?;
        // The usual case first, as one statement: the row exists and nothing keeps it or
        // hangs off it. Only when that deletes nothing are the rules checked one by one,
        // to cascade or to say why not, on the same connection.
        if deletes_in_one_statement(entity) {
            let dialect = Dialect::of(&connection);
            let deleted = sqlx::query(&sql::cached(
                entity,
                "unblocked delete",
                dialect,
                unblocked_delete,
            ))
            .bind(values::normalize_id(id))
            .execute(&mut *connection)
            .await?;
            if deleted.rows_affected() > 0 {
                return Ok(());
            }
        }
        let mut tx = connection.begin().await?;
        let current = find(&mut tx, entity, id)
            .await?
            .ok_or_else(|| not_found(entity, id))?;
        for constraint in entity.constraints {
            match constraint {
                Constraint::Protected {
                    column,
                    value,
                    code,
                    message,
                } if current.text(column) == *value => {
                    return Err(Error::rule(400, code, *message));
                }
                Constraint::Check { refuse } => {
                    if let Some(error) = refuse(&current) {
                        return Err(error);
                    }
                }
                Constraint::EndsAccess => self.end_access_of(&mut tx, current.id()).await?,
                _ => {}
            }
        }
        remove(&mut tx, entity, vec![current.id().to_owned()]).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Writes a changed record over its stored row; the stored row comes back.
pub(super) async fn save(tx: &mut AnyConnection, record: &Record) -> Result<Record, Error> {
    let entity = record.entity();
    let dialect = Dialect::of(tx);
    let assignments: Vec<String> = entity
        .stored()
        .filter(|property| property.column != "id" && property.copied.is_none())
        .map(|property| {
            format!(
                "{} = {}",
                property.column,
                sql::json_column(property, dialect)
            )
        })
        .collect();
    let row = serde_json::to_string(&rows::json_row(record)).map_err(Error::internal)?;
    let updated = sqlx::query(&format!(
        "UPDATE {table} SET {assignments} FROM {source} WHERE {table}.id = $2 RETURNING {columns}",
        table = entity.table,
        assignments = assignments.join(", "),
        source = dialect.json_row("$1"),
        columns = sql::columns(entity),
    ))
    .bind(&row)
    .bind(record.id())
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| match error.as_database_error() {
        Some(e) if e.is_unique_violation() => conflict(entity, record, false),
        _ => Error::from(error),
    })?;
    rows::record(entity, &updated)
}

/// The row with this id (in any GUID spelling), on the caller's connection or transaction.
pub(super) async fn find(
    connection: &mut AnyConnection,
    entity: &'static EntityType,
    id: &str,
) -> Result<Option<Record>, Error> {
    let text = sql::cached(entity, "find", Dialect::of(connection), |entity, _| {
        format!(
            "SELECT {} FROM {} WHERE id = $1",
            sql::columns(entity),
            entity.table
        )
    });
    let row = sqlx::query(&text)
        .bind(values::normalize_id(id))
        .fetch_optional(&mut *connection)
        .await?;
    row.map(|row| rows::record(entity, &row)).transpose()
}

/// Every directory object `record` names exists, as one of the kinds it may be.
pub(super) async fn check_directory(
    connection: &mut AnyConnection,
    record: &Record,
) -> Result<(), Error> {
    let Some(references) = record.entity().references else {
        return Ok(());
    };
    for reference in references(record) {
        let mut found = false;
        for kind in reference.kinds {
            let sql = format!("SELECT 1 FROM {} WHERE id = $1", kind().table);
            if sqlx::query(&sql)
                .bind(&reference.id)
                .fetch_optional(&mut *connection)
                .await?
                .is_some()
            {
                found = true;
                break;
            }
        }
        if !found {
            let entity = match reference.kinds {
                [only] => only().name,
                _ => "directoryObject",
            };
            return Err(Error::RelatedNotFound {
                target: reference.target,
                entity,
                id: reference.id,
            });
        }
    }
    Ok(())
}

/// Every single-valued navigation of `record` names an entity that exists.
pub(super) async fn check_references(
    connection: &mut AnyConnection,
    record: &Record,
) -> Result<(), Error> {
    match missing_reference(connection, record).await? {
        None => Ok(()),
        Some((navigation, _, id)) => Err(Error::RelatedNotFound {
            target: navigation.name.any().to_owned(),
            entity: navigation.target().name,
            id,
        }),
    }
}

/// The first single-valued navigation of `record` naming an entity that does not exist,
/// with its foreign key and the id.
pub(super) async fn missing_reference(
    connection: &mut AnyConnection,
    record: &Record,
) -> Result<Option<(&'static Navigation, &'static str, String)>, Error> {
    for navigation in record.entity().navigations {
        let Some(fk) = navigation.foreign_key() else {
            continue;
        };
        let id = record.text(fk);
        if id.is_empty() {
            continue;
        }
        let exists = sqlx::query(&format!(
            "SELECT 1 FROM {} WHERE id = $1",
            navigation.target().table
        ))
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
        if exists.is_none() {
            return Ok(Some((navigation, fk, id.to_owned())));
        }
    }
    Ok(None)
}

impl Repository {
    /// A record's value of a sort key, as a paging token carries it.
    pub fn sort_key(record: &Record, property: &crate::model::Property) -> crate::odata::Scalar {
        sql::scalar(record.get(property.column))
    }
}
