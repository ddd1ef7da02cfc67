//! The declarations checked against the migrated schema: what the compiler no longer
//! checks once entity sets are data. Every declared column exists with its type and
//! nullability and nothing else is in the table, every foreign key a navigation names is
//! a column, every unique rule has its index, and the built-in rows are what migrations
//! insert.

use std::collections::BTreeMap;

use entitlement_emulator::model::{registry, Constraint, Edm, Link, OnDelete, Record, Version};
use sqlx::Row;

use crate::helpers::*;

struct Column {
    kind: String,
    not_null: bool,
    primary_key: bool,
}

async fn table(connection: &mut sqlx::SqliteConnection, table: &str) -> BTreeMap<String, Column> {
    sqlx::query(&format!("PRAGMA table_xinfo({table})"))
        .fetch_all(&mut *connection)
        .await
        .expect("table_xinfo")
        .into_iter()
        .map(|row| {
            let column = Column {
                kind: row.get::<String, _>("type"),
                not_null: row.get::<i64, _>("notnull") == 1,
                primary_key: row.get::<i64, _>("pk") > 0,
            };
            (row.get::<String, _>("name"), column)
        })
        .collect()
}

/// The column sets of the table's unique indexes.
async fn unique_indexes(connection: &mut sqlx::SqliteConnection, table: &str) -> Vec<Vec<String>> {
    let indexes = sqlx::query(&format!("PRAGMA index_list({table})"))
        .fetch_all(&mut *connection)
        .await
        .expect("index_list");
    let mut unique = Vec::new();
    for index in indexes
        .iter()
        .filter(|row| row.get::<i64, _>("unique") == 1)
    {
        let name: String = index.get("name");
        let columns = sqlx::query(&format!("PRAGMA index_info('{name}')"))
            .fetch_all(&mut *connection)
            .await
            .expect("index_info")
            .into_iter()
            .map(|row| row.get::<String, _>("name"))
            .collect();
        unique.push(columns);
    }
    unique
}

#[actix_web::test]
async fn every_declaration_matches_the_migrated_schema() {
    // SQLite's schema: postgres_schema checks PostgreSQL's mirrors it.
    let app = spawn_app_on_sqlite().await;
    let mut connection = read_only(&app.database_path()).await;
    for entity in registry::ENTITY_TYPES {
        let columns = table(&mut connection, entity.table).await;
        assert!(
            !columns.is_empty(),
            "{}: no table {}",
            entity.name,
            entity.table
        );
        let declared: Vec<&str> = entity.stored().map(|p| p.column).collect();
        for name in columns.keys() {
            assert!(
                declared.contains(&name.as_str()),
                "{}.{name} is not declared",
                entity.table
            );
        }
        for property in entity.stored() {
            let column = columns.get(property.column).unwrap_or_else(|| {
                panic!(
                    "{}.{} is declared but not in the table",
                    entity.table, property.column
                )
            });
            assert_eq!(
                column.kind,
                property.edm.sql_type(),
                "{}.{}",
                entity.table,
                property.column
            );
            if !column.primary_key {
                assert_eq!(
                    column.not_null, !property.nullable,
                    "{}.{} nullability",
                    entity.table, property.column
                );
            }
            if let Edm::Enum(enumeration) = property.edm {
                assert!(
                    !enumeration.members.is_empty(),
                    "{}.{}",
                    entity.table,
                    property.column
                );
            }
        }
        for navigation in entity.navigations {
            match navigation.link {
                Link::ToOne { fk } => {
                    assert!(columns.contains_key(fk), "{}.{fk}", entity.table);
                    // A row that forgets a deleted entity needs somewhere to forget it.
                    if let Some(OnDelete::Forget) = navigation.on_delete {
                        assert!(
                            !columns[fk].not_null,
                            "{}.{fk} forgets on delete but is NOT NULL",
                            entity.table
                        );
                    }
                }
                Link::ToMany { fk } => {
                    let target = navigation.target();
                    assert!(
                        target.column(fk).is_some(),
                        "{}.{fk} (from {})",
                        target.table,
                        entity.name
                    );
                }
                // The link table has the columns declared, and a link goes when either
                // end does: every table an end may be in has a trigger that deletes the
                // links naming its rows (or, for a group's members, one per member table).
                Link::Linked { table: link, .. } => {
                    let link_columns = table(&mut connection, link.table).await;
                    for column in [
                        link.source,
                        link.relation,
                        link.target,
                        link.target_type,
                        link.added,
                    ] {
                        assert!(
                            link_columns.contains_key(column),
                            "{}.{column} (from {})",
                            link.table,
                            entity.name
                        );
                    }
                    let mut ends = navigation.targets();
                    ends.push(entity);
                    for end in ends {
                        let triggers: Vec<String> = sqlx::query_scalar(
                            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
                        )
                        .bind(end.table)
                        .fetch_all(&mut connection)
                        .await
                        .expect("triggers");
                        assert!(
                            triggers.iter().any(|sql| sql.contains("AFTER DELETE")
                                && sql.contains(&format!("DELETE FROM {}", link.table))),
                            "{}: no trigger removes the {} rows naming a deleted row ({} of {})",
                            end.table,
                            link.table,
                            navigation.name.get(Version::V1).unwrap_or_default(),
                            entity.name
                        );
                    }
                }
            }
        }
        // A delete of this entity must know every row that points at it: a foreign key
        // whose navigation states no on_delete (and no ON DELETE in SQL) would surface as
        // a 500. The rule is the child's; the registry gathers them.
        for other in registry::ENTITY_TYPES {
            let keys: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT \"from\", \"table\", on_delete FROM pragma_foreign_key_list(?1)",
            )
            .bind(other.table)
            .fetch_all(&mut connection)
            .await
            .expect("foreign keys");
            for (fk, parent, on_delete) in keys {
                if parent != entity.table || on_delete != "NO ACTION" {
                    continue;
                }
                let handled = registry::dependents(entity)
                    .iter()
                    .any(|dependent| dependent.child.table == other.table && dependent.fk == fk);
                assert!(
                    handled || !entity.operations.delete,
                    "{}.{fk} points at {} but its navigation states no on_delete",
                    other.table,
                    entity.table,
                );
            }
        }
        let unique = unique_indexes(&mut connection, entity.table).await;
        for constraint in entity.constraints {
            match constraint {
                Constraint::Unique {
                    columns: wanted, ..
                } => assert!(
                    unique
                        .iter()
                        .any(|index| index.iter().map(String::as_str).eq(wanted.iter().copied())),
                    "{}: no unique index on {wanted:?} (has {unique:?})",
                    entity.table
                ),
                Constraint::Check { .. } => {}
                // Only what an assignment can be for: the subjects' objects.
                Constraint::EndsAccess => assert!(
                    ["users", "service_principals"].contains(&entity.table),
                    "{}: EndsAccess on a set no assignment targets",
                    entity.name
                ),
                Constraint::Protected { column, .. } => {
                    assert!(
                        entity.column(column).is_some(),
                        "{}: protected {column}",
                        entity.name
                    )
                }
            }
        }
    }
}

#[actix_web::test]
async fn built_in_rows_are_what_migrations_insert() {
    let app = spawn_app().await;
    let exported = app.get("/_emulator/export").await.json();
    for entity in registry::ENTITY_TYPES {
        let rows = exported[entity.fixture]
            .as_array()
            .expect("every set is exported");
        for builtin in Record::builtins(entity) {
            let row = rows
                .iter()
                .find(|row| row["id"] == builtin.id())
                .unwrap_or_else(|| {
                    panic!(
                        "{}: built-in {} missing after migration",
                        entity.name,
                        builtin.id()
                    )
                });
            let expected = entitlement_emulator::graph::wire::project(
                &builtin,
                entitlement_emulator::model::Dialect::Fixture,
                None,
            );
            assert_eq!(row, &serde_json::Value::Object(expected), "{}", entity.name);
        }
    }
}

/// SQLite before 3.45 reads json_valid(NULL) as 0: a nullable column checked by
/// json_valid alone fails `PRAGMA integrity_check` there (Debian 12's sqlite3, Python's
/// sqlite3) on any row holding NULL, and such a build cannot write the NULL at all.
#[actix_web::test]
async fn nullable_json_columns_allow_null_on_any_sqlite() {
    let app = spawn_app_on_sqlite().await;
    let mut connection = read_only(&app.database_path()).await;
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%json_valid%'",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    assert!(!tables.is_empty());
    for (table, sql) in tables {
        let columns: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT name, \"notnull\" FROM pragma_table_xinfo('{table}')"
        ))
        .fetch_all(&mut connection)
        .await
        .unwrap();
        for (column, not_null) in columns {
            let bare = format!("CHECK (json_valid({column}))");
            if not_null == 0 && sql.contains(&bare) {
                panic!("{table}.{column} is nullable and checked by {bare} alone");
            }
        }
    }
}
