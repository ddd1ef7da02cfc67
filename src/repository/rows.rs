//! Rows ⇄ records: each column read by its declared type.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::model::{Edm, EntityType, Record};
use crate::Error;

/// A row selected with `sql::columns(entity)`, in that order.
pub(super) fn record(entity: &'static EntityType, row: &AnyRow) -> Result<Record, Error> {
    let mut values = Vec::with_capacity(entity.properties.len());
    let mut index = 0;
    for property in entity.properties {
        if !property.is_stored() {
            values.push(Value::Null);
            continue;
        }
        let value = match property.edm {
            // 0 or 1 in both backends: SQLite has no boolean type, and PostgreSQL's
            // columns are BIGINT so that the two read alike.
            Edm::Bool => row
                .try_get::<Option<i64>, _>(index)?
                .map_or(Value::Null, |flag| Value::Bool(flag != 0)),
            Edm::Int32 => row
                .try_get::<Option<i64>, _>(index)?
                .map_or(Value::Null, Value::from),
            Edm::Complex(_) => match row.try_get::<Option<String>, _>(index)? {
                None => Value::Null,
                Some(text) => serde_json::from_str(&text).map_err(|e| {
                    Error::internal(format!(
                        "{}.{}: stored JSON does not parse: {e}",
                        entity.table, property.column
                    ))
                })?,
            },
            _ => row
                .try_get::<Option<String>, _>(index)?
                .map_or(Value::Null, Value::String),
        };
        values.push(value);
        index += 1;
    }
    Ok(Record::new(entity, values))
}

pub(super) fn records(entity: &'static EntityType, rows: &[AnyRow]) -> Result<Vec<Record>, Error> {
    rows.iter().map(|row| record(entity, row)).collect()
}

/// A record as one JSON object of SQL-ready values (complex values as their JSON text),
/// for statements that read rows from `json_each`.
pub(super) fn json_row(record: &Record) -> serde_json::Map<String, Value> {
    record
        .iter()
        .filter(|(property, _)| property.is_stored())
        .map(|(property, value)| {
            let value = match (property.edm, value) {
                // 0 or 1, as the columns hold flags in both backends.
                (Edm::Bool, Value::Bool(flag)) => Value::from(i64::from(*flag)),
                (Edm::Complex(_), Value::Null) => Value::Null,
                (Edm::Complex(_), value) => Value::String(value.to_string()),
                (_, value) => value.clone(),
            };
            (property.column.to_owned(), value)
        })
        .collect()
}
