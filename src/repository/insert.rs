//! Inserts for any declared entity: one statement for any number of rows, which keeps a
//! row only when the entities it references exist and drops clashes (`ON CONFLICT DO
//! NOTHING`), then says for each left-out row why, in Graph's words. Group commit
//! (`group_commit`) and every direct or in-transaction create use it.

use std::collections::{HashMap, HashSet};

use sqlx::AnyConnection;

use super::rows;
use super::sql::{self, Dialect};
use crate::model::{Constraint, EntityType, Errors, Navigation, Record};
use crate::Error;

/// Rows are passed as one JSON array, so the statement text (and its cached prepared
/// statement) is the same whatever the batch size. Only rows whose referenced entities
/// exist are inserted; the array's order is kept, so of two equal names in one batch the
/// first queued wins.
fn statement(entity: &EntityType, dialect: Dialect) -> String {
    let columns = sql::columns(entity);
    let mut conditions = vec!["TRUE".to_owned()];
    for (navigation, fk) in bound(entity) {
        {
            let exists = format!(
                "EXISTS (SELECT 1 FROM {} AS p WHERE p.id = r.value ->> '{fk}')",
                navigation.target().table
            );
            let nullable = entity
                .column(fk)
                .is_some_and(|(_, property)| property.nullable);
            conditions.push(if nullable {
                format!("(r.value ->> '{fk}' IS NULL OR {exists})")
            } else {
                exists
            });
        }
    }
    format!(
        "INSERT INTO {table} ({columns}) SELECT {values} FROM {rows} WHERE {conditions} \
         ON CONFLICT DO NOTHING RETURNING {columns}",
        table = entity.table,
        values = sql::json_values(entity, dialect),
        rows = dialect.json_rows("$1"),
        conditions = conditions.join(" AND "),
    )
}

/// The single-valued navigations a row names itself (not those copied from a parent),
/// with their foreign keys.
fn bound(entity: &EntityType) -> impl Iterator<Item = (&'static Navigation, &'static str)> + '_ {
    entity
        .navigations
        .iter()
        .filter_map(move |navigation| match navigation.foreign_key() {
            Some(fk) if entity.column(fk).is_some_and(|(_, p)| p.copied.is_none()) => {
                Some((navigation, fk))
            }
            _ => None,
        })
}

/// Inserts the records on `connection` (inside the caller's transaction, or as one
/// statement's own) and says for each whether it went in and, if not, why.
pub(super) async fn insert(
    connection: &mut AnyConnection,
    entity: &'static EntityType,
    records: &[&Record],
) -> Result<Vec<Result<Record, Error>>, Error> {
    let json = serde_json::to_string(
        &records
            .iter()
            .map(|r| rows::json_row(r))
            .collect::<Vec<_>>(),
    )
    .map_err(Error::internal)?;
    // One statement is its own transaction: SQLite takes the write lock before reading
    // (the busy timeout covers waiting for it), checks and inserts under that lock, and
    // commits when the last returned row has been read.
    let dialect = Dialect::of(connection);
    let returned = sqlx::query(&sql::cached(entity, "insert", dialect, statement))
        .bind(&json)
        .fetch_all(&mut *connection)
        .await?;
    let mut stored: HashMap<String, Record> = rows::records(entity, &returned)?
        .into_iter()
        .map(|record| (record.id().to_owned(), record))
        .collect();
    if stored.len() == records.len() {
        return Ok(records
            .iter()
            .filter_map(|r| stored.remove(r.id()))
            .map(Ok)
            .collect());
    }
    // Rows left out named a missing entity or clashed. Asked on the same connection
    // before it is handed back, so no write of this process comes in between.
    let mut missing: Vec<(
        &'static crate::model::Navigation,
        &'static str,
        HashSet<String>,
    )> = Vec::new();
    for (navigation, fk) in bound(entity) {
        {
            let ids: HashSet<String> = sqlx::query_scalar(&format!(
                "SELECT DISTINCT r.value ->> '{fk}' FROM {}
                 WHERE r.value ->> '{fk}' IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM {} WHERE id = r.value ->> '{fk}')",
                dialect.json_rows("$1"),
                navigation.target().table
            ))
            .bind(&json)
            .fetch_all(&mut *connection)
            .await?
            .into_iter()
            .collect();
            missing.push((navigation, fk, ids));
        }
    }
    let taken: HashSet<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM {} WHERE id IN (SELECT r.value ->> 'id' FROM {})",
        entity.table,
        dialect.json_rows("$1")
    ))
    .bind(&json)
    .fetch_all(&mut *connection)
    .await?
    .into_iter()
    .collect();
    Ok(records
        .iter()
        .map(|record| {
            if let Some(stored) = stored.remove(record.id()) {
                return Ok(stored);
            }
            for (navigation, fk, ids) in &missing {
                let id = record.text(fk);
                if ids.contains(id) {
                    return Err(Error::RelatedNotFound {
                        target: navigation.name.any().to_owned(),
                        entity: navigation.target().name,
                        id: id.to_owned(),
                    });
                }
            }
            Err(conflict(entity, record, taken.contains(record.id())))
        })
        .collect())
}

/// The 409 a clash is: the declared unique constraint, or Graph's generic duplicate.
pub(super) fn conflict(entity: &EntityType, record: &Record, id_taken: bool) -> Error {
    let unique = entity
        .constraints
        .iter()
        .find_map(|constraint| match constraint {
            Constraint::Unique {
                columns,
                status,
                code,
                message,
            } => Some((columns, *status, *code, message(record))),
            _ => None,
        });
    match unique {
        // The directory names the property in details, as ObjectConflict.
        Some((columns, status, code, message))
            if !id_taken && entity.errors == Errors::Directory =>
        {
            let target = columns
                .last()
                .and_then(|column| entity.column(column))
                .map_or("", |(_, property)| property.name.any());
            Error::rule_on(status, code, message, "ObjectConflict", target)
        }
        Some((_, status, code, message)) if !id_taken => Error::rule(status, code, message),
        _ => Error::rule(409, "DuplicateKey", "There is already a duplicated entity."),
    }
}

/// "No such id", as the entity's part of Graph says it.
pub(super) fn not_found(entity: &EntityType, id: &str) -> Error {
    match entity.errors {
        Errors::EntitlementManagement => Error::ResourceNotFound,
        Errors::Directory => Error::rule(
            404,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        ),
    }
}
