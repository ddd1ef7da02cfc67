//! The PostgreSQL schema (`migrations/postgres`), applied by sqlx's migrator to a new
//! database on a real server: every table of SQLite's schema has its twin in the schema
//! `stored`, keyed by `tenant` (the same columns in byte-order collation, foreign keys
//! within the tenant, indexes, triggers), and the declarations' unique indexes are led by
//! `tenant`; `rules` shows its rules and membership triggers at work, `views` the tenant's
//! views the repository's statements run against, `plans` what the planner makes of a
//! column one value fills; `backend`, `replicas` and `outage` serve from it.
//!
//! The server is the one `.ci/postgres.sh` starts (its URL in `EMULATOR_TEST_POSTGRES_URL`);
//! without one the tests say so and pass, unless `EMULATOR_REQUIRE_POSTGRES` is set (CI
//! sets it).

use std::path::Path;

use entitlement_emulator::model::{registry, Constraint, Link};
use sqlx::migrate::Migrator;

use crate::helpers::*;

mod backend;
mod outage;
mod plans;
mod replicas;
mod rules;
mod views;

type Database = PostgresDatabase;

impl Database {
    async fn migrated() -> Option<Self> {
        let database = Self::new().await?;
        let migrator =
            Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres"))
                .await
                .expect("migrations/postgres reads");
        // With the server's search path, as `sqlx migrate run` has it: the tenant's views
        // are made in its first schema.
        let mut connection = database.connection().await;
        migrator
            .run(&mut connection)
            .await
            .expect("the migrations apply");
        // Applied migrations are recorded: a second run has nothing to do.
        migrator
            .run(&mut connection)
            .await
            .expect("a second run is a no-op");
        Some(database)
    }

    /// A table's columns in order: name, data type, NOT NULL.
    async fn columns(&self, table: &str) -> Vec<(String, String, bool)> {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT column_name::text, data_type::text, is_nullable::text
             FROM information_schema.columns
             WHERE table_schema = 'stored' AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&self.pool)
        .await
        .expect("PostgreSQL's columns")
        .into_iter()
        .map(|(name, kind, nullable)| (name, kind, nullable == "NO"))
        .collect()
    }

    async fn strings(&self, sql: &str, table: &str) -> Vec<String> {
        sqlx::query_scalar(sql)
            .bind(table)
            .fetch_all(&self.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }
}

#[actix_web::test]
async fn the_postgres_schema_holds_every_declaration_keyed_by_tenant() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    for entity in registry::ENTITY_TYPES {
        let table = entity.table;
        let columns = database.columns(table).await;
        assert_eq!(
            columns.first().map(|c| c.0.as_str()),
            Some("tenant"),
            "{table}: tenant is its first column"
        );
        for property in entity.stored() {
            let (_, kind, not_null) = columns
                .iter()
                .find(|c| c.0 == property.column)
                .unwrap_or_else(|| {
                    panic!("{table}.{} is declared but not a column", property.column)
                });
            let expected = match property.edm.sql_type() {
                "INTEGER" => "bigint",
                _ => "text",
            };
            assert_eq!(kind, expected, "{table}.{}", property.column);
            if property.column != "id" {
                assert_eq!(
                    !not_null, property.nullable,
                    "{table}.{} nullability",
                    property.column
                );
            }
        }
        let declared: Vec<&str> = entity.stored().map(|p| p.column).collect();
        for (name, _, _) in &columns {
            assert!(
                name == "tenant" || declared.contains(&name.as_str()),
                "{table}.{name} is not declared"
            );
        }
        let constraints = database
            .strings(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint AS c
                 WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'f')",
                table,
            )
            .await;
        assert!(
            constraints
                .iter()
                .any(|c| c.starts_with("PRIMARY KEY (tenant, ")),
            "{table}: its key is led by tenant: {constraints:?}"
        );
        for navigation in entity.navigations {
            if let Link::Linked { table: links, .. } = navigation.link {
                let mut ends = navigation.targets();
                ends.push(entity);
                for end in ends {
                    let bodies = database
                        .strings(
                            "SELECT p.prosrc FROM pg_trigger AS t JOIN pg_proc AS p ON p.oid = t.tgfoid
                             WHERE t.tgrelid = $1::regclass AND NOT t.tgisinternal",
                            end.table,
                        )
                        .await;
                    assert!(
                        bodies
                            .iter()
                            .any(|body| body
                                .contains(&format!("DELETE FROM stored.{}", links.table))),
                        "{}: no trigger removes the {} rows naming a deleted row",
                        end.table,
                        links.table
                    );
                }
            }
        }
        let unique = database
            .strings(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'stored' AND tablename = $1
                 AND indexdef LIKE 'CREATE UNIQUE INDEX%'",
                table,
            )
            .await;
        for constraint in entity.constraints {
            if let Constraint::Unique { columns, .. } = constraint {
                let wanted: Vec<&str> = std::iter::once("tenant")
                    .chain(columns.iter().copied())
                    .collect();
                let found = unique.iter().any(|index| index_columns(index) == wanted);
                assert!(
                    found,
                    "{table}: no unique index on (tenant, {columns:?}) in {unique:?}"
                );
            }
        }
    }
}

/// Every table of the SQLite schema has its twin: the same columns, types and nullability
/// after a leading `tenant`, the same foreign keys each within the tenant, the same
/// triggers; and no table more.
#[actix_web::test]
async fn every_sqlite_table_has_its_twin_keyed_by_tenant() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let app = spawn_app_on_sqlite().await;
    let mut sqlite = read_only(&app.database_path()).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut sqlite)
    .await
    .expect("SQLite's tables");
    let twins: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'stored'
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(&database.pool)
    .await
    .expect("PostgreSQL's tables");
    assert_eq!(twins, tables, "the same tables");
    for table in &tables {
        let columns: Vec<(String, String, bool)> = sqlx::query_as::<_, (String, String, i64)>(
            "SELECT name, type, \"notnull\" FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(&mut sqlite)
        .await
        .expect("SQLite's columns")
        .into_iter()
        .map(|(name, kind, not_null)| {
            let kind = match kind.as_str() {
                "INTEGER" => "bigint",
                "REAL" => "double precision",
                _ => "text",
            };
            (name, kind.to_owned(), not_null == 1)
        })
        .collect();
        let twin = database.columns(table).await;
        let mut expected = vec![("tenant".to_owned(), "text".to_owned(), true)];
        // SQLite lets a key column be NULL unless it says NOT NULL; PostgreSQL never does.
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) WHERE pk > 0")
                .bind(table)
                .fetch_all(&mut sqlite)
                .await
                .expect("SQLite's key");
        expected.extend(columns.into_iter().map(|(name, kind, not_null)| {
            let not_null = not_null || keys.contains(&name);
            (name, kind, not_null)
        }));
        assert_eq!(twin, expected, "{table}: columns");
        let mut wanted: Vec<String> = sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?1)",
        )
        .bind(table)
        .fetch_all(&mut sqlite)
        .await
        .expect("SQLite's foreign keys")
        .into_iter()
        .map(|(from, parent, to, on_delete)| {
            let rule = match on_delete.as_str() {
                "NO ACTION" => String::new(),
                other => format!(" ON DELETE {other}"),
            };
            format!("FOREIGN KEY (tenant, {from}) REFERENCES {parent}(tenant, {to}){rule}")
        })
        .collect();
        let mut foreign = database
            .strings(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint AS c
                 WHERE c.conrelid = $1::regclass AND c.contype = 'f'",
                table,
            )
            .await;
        wanted.sort();
        foreign.sort();
        assert_eq!(foreign, wanted, "{table}: foreign keys");
        let mut triggers: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
        )
        .bind(table)
        .fetch_all(&mut sqlite)
        .await
        .expect("SQLite's triggers");
        let mut twin_triggers = database
            .strings(
                "SELECT tgname::text FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal",
                table,
            )
            .await;
        triggers.sort();
        twin_triggers.sort();
        assert_eq!(twin_triggers, triggers, "{table}: triggers");
        // Text sorts by bytes, as SQLite's BINARY does, whatever the server's locale.
        let collations = database
            .strings(
                "SELECT column_name::text || ' ' || coalesce(collation_name::text, 'default')
                 FROM information_schema.columns WHERE table_schema = 'stored'
                 AND table_name = $1 AND data_type = 'text'",
                table,
            )
            .await;
        for collation in collations {
            assert!(collation.ends_with(" C"), "{table}: {collation}");
        }
        // The same indexes: each name, unique or not, partial or not, on the same columns
        // after tenant (NOCASE ones folded; an expression is counted, not read).
        let indexes: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT name, \"unique\", partial FROM pragma_index_list(?1) WHERE origin = 'c'",
        )
        .bind(table)
        .fetch_all(&mut sqlite)
        .await
        .expect("SQLite's indexes");
        for (name, unique, partial) in indexes {
            let definition: String = sqlx::query_scalar(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'stored' AND indexname = $1",
            )
            .bind(&name)
            .fetch_optional(&database.pool)
            .await
            .expect("PostgreSQL's index")
            .unwrap_or_else(|| panic!("{table}: no index {name}"));
            assert_eq!(
                definition.starts_with("CREATE UNIQUE"),
                unique == 1,
                "{name}: {definition}"
            );
            assert_eq!(
                definition.contains(" WHERE "),
                partial == 1,
                "{name}: {definition}"
            );
            let keys: Vec<(Option<String>, String)> = sqlx::query_as(
                "SELECT name, coll FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
            )
            .bind(&name)
            .fetch_all(&mut sqlite)
            .await
            .expect("SQLite's index columns");
            let twin = index_columns(&definition);
            assert_eq!(twin.first(), Some(&"tenant"), "{name}: {definition}");
            assert_eq!(twin.len(), keys.len() + 1, "{name}: {definition}");
            for ((column, collation), twin) in keys.iter().zip(&twin[1..]) {
                if let Some(column) = column {
                    assert_eq!(column, twin, "{name}: {definition}");
                    assert_eq!(
                        collation == "NOCASE",
                        definition.contains(&format!("translate({column},")),
                        "{name}: {definition}"
                    );
                }
            }
        }
    }
}

/// The columns of `CREATE … INDEX … (a, translate(b, …), …)`, a case-folded one by its name.
fn index_columns(definition: &str) -> Vec<&str> {
    let Some((_, list)) = definition.split_once(" (") else {
        return Vec::new();
    };
    let mut columns = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (at, character) in list.char_indices() {
        match character {
            '(' => depth += 1,
            ')' if depth == 0 => {
                columns.push(list[start..at].trim());
                break;
            }
            ')' => depth -= 1,
            ',' if depth == 0 => {
                columns.push(list[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    columns
        .into_iter()
        .map(|column| {
            column
                .strip_prefix("translate(")
                .and_then(|inner| inner.split(',').next())
                .unwrap_or(column)
                .trim_matches('"')
        })
        .collect()
}
