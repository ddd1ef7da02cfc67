//! The delete rules a declaration states, carried out: a row that blocks a delete
//! (`OnDelete::Restrict`, with its exceptions), rows that go with it (`Cascade`), links
//! that forget it (`Forget`), protected built-in rows, and the one-statement delete when
//! none of them stands in the way.

use sqlx::AnyConnection;

use super::sql::Dialect;
use crate::model::subject::SUBJECT;
use crate::model::{registry, Constraint, EntityType, OnDelete};
use crate::Error;

/// Whether `unblocked_delete` can decide for this entity: a `Check` is code that needs the
/// row, so an entity with one always takes the transaction.
pub(super) fn deletes_in_one_statement(entity: &EntityType) -> bool {
    !entity
        .constraints
        .iter()
        .any(|constraint| matches!(constraint, Constraint::Check { .. }))
}

/// `DELETE` of the row `$1` when no rule stands in the way: not a protected row, and no
/// row of a dependent set names it. Stricter than the rules: a restriction with `unless`,
/// which some of those rows would not block, and a cascade, whose rows must go first, both
/// leave the decision to the transaction. The triggers of the table fire as they do for
/// the transaction's `DELETE`.
pub(super) fn unblocked_delete(entity: &EntityType, _: Dialect) -> String {
    let mut sql = format!("DELETE FROM {} WHERE id = $1", entity.table);
    for dependent in registry::dependents(entity) {
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM {} WHERE {} = $1)",
            dependent.child.table, dependent.fk
        ));
    }
    for constraint in entity.constraints {
        match constraint {
            Constraint::Protected { column, value, .. } => {
                let value = value.replace('\'', "''");
                sql.push_str(&format!(" AND {column} IS DISTINCT FROM '{value}'"));
            }
            // Never assigned anything: nothing to end.
            Constraint::EndsAccess => sql.push_str(&format!(
                " AND NOT EXISTS (SELECT 1 FROM {} WHERE object_id = $1)",
                SUBJECT.table
            )),
            _ => {}
        }
    }
    sql
}

/// Deletes the rows and what they contain, refusing while rows that restrict it exist.
pub(super) fn remove<'a>(
    tx: &'a mut AnyConnection,
    entity: &'static EntityType,
    ids: Vec<String>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>> + 'a>> {
    Box::pin(async move {
        if ids.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(&ids).map_err(Error::internal)?;
        let dialect = Dialect::of(tx);
        let among = |fk: &str| dialect.among_json_texts(fk, "$1");
        let dependents = registry::dependents(entity);
        for dependent in dependents {
            let OnDelete::Restrict(restriction) = dependent.rule else {
                continue;
            };
            let except = restriction.unless.map_or(String::new(), |(column, _)| {
                format!(" AND NOT ({})", dialect.among_json_texts(column, "$2"))
            });
            let holding: i64 = sqlx::query_scalar(&format!(
                "SELECT count(*) FROM {} WHERE {}{except}",
                dependent.child.table,
                among(dependent.fk)
            ))
            .bind(&json)
            .bind(
                restriction
                    .unless
                    .map(|(_, values)| serde_json::json!(values).to_string()),
            )
            .fetch_one(&mut *tx)
            .await?;
            if holding > 0 {
                return Err(Error::rule(
                    restriction.status,
                    restriction.code,
                    (restriction.message)(holding),
                ));
            }
        }
        // Nothing holds it: what names it goes with it (the rows a restriction let pass
        // included).
        for dependent in dependents {
            if let OnDelete::Forget = dependent.rule {
                sqlx::query(&format!(
                    "UPDATE {} SET {fk} = NULL WHERE {}",
                    dependent.child.table,
                    among(dependent.fk),
                    fk = dependent.fk,
                ))
                .bind(&json)
                .execute(&mut *tx)
                .await?;
                continue;
            }
            let contained: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT id FROM {} WHERE {}",
                dependent.child.table,
                among(dependent.fk)
            ))
            .bind(&json)
            .fetch_all(&mut *tx)
            .await?;
            remove(tx, dependent.child, contained).await?;
        }
        sqlx::query(&format!(
            "DELETE FROM {} WHERE {}",
            entity.table,
            among("id")
        ))
        .bind(&json)
        .execute(&mut *tx)
        .await?;
        Ok(())
    })
}
