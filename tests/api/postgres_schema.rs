//! The PostgreSQL schema (`migrations/postgres`), applied by sqlx's migrator to a new
//! database on a real server: every table of SQLite's schema has its twin keyed by
//! `tenant` (the same columns, foreign keys within the tenant, triggers), the declarations'
//! unique indexes are led by `tenant`, and its rules and membership triggers hold within a
//! tenant and only there. The PostgreSQL backend is not built yet; this is its schema.
//!
//! The server is the one `.ci/postgres.sh` starts (its URL in `EMULATOR_TEST_POSTGRES_URL`);
//! without one the tests say so and pass, unless `EMULATOR_REQUIRE_POSTGRES` is set (CI
//! sets it).

use std::path::Path;

use entitlement_emulator::model::{registry, Constraint, Link};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

use crate::helpers::*;

/// A database of its own on the test server, dropped at the end: tests run in parallel.
struct Database {
    server: PgConnectOptions,
    name: String,
    pool: PgPool,
}

impl Database {
    async fn new() -> Option<Self> {
        let Ok(url) = std::env::var("EMULATOR_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("EMULATOR_REQUIRE_POSTGRES").is_none(),
                "EMULATOR_REQUIRE_POSTGRES is set but EMULATOR_TEST_POSTGRES_URL is not"
            );
            eprintln!("no EMULATOR_TEST_POSTGRES_URL: the PostgreSQL schema is not checked");
            return None;
        };
        let server: PgConnectOptions = url.parse().expect("EMULATOR_TEST_POSTGRES_URL parses");
        let name = format!("emulator_{}", uuid::Uuid::new_v4().simple());
        let mut admin = server.connect().await.expect("the test server answers");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("a database is made");
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(server.clone().database(&name))
            .await
            .expect("the new database opens");
        Some(Self { server, name, pool })
    }

    async fn migrated() -> Option<Self> {
        let database = Self::new().await?;
        let migrator =
            Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres"))
                .await
                .expect("migrations/postgres reads");
        migrator
            .run(&database.pool)
            .await
            .expect("the migrations apply");
        // Applied migrations are recorded: a second run has nothing to do.
        migrator
            .run(&database.pool)
            .await
            .expect("a second run is a no-op");
        Some(database)
    }

    async fn drop(self) {
        self.pool.close().await;
        let mut admin = self
            .server
            .connect()
            .await
            .expect("the test server answers");
        admin
            .execute(format!("DROP DATABASE {} WITH (FORCE)", self.name).as_str())
            .await
            .expect("the database is dropped");
        let _ = admin.close().await;
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
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_nullable::text
             FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&database.pool)
        .await
        .expect("columns");
        assert_eq!(
            columns.first().map(|c| c.0.as_str()),
            Some("tenant"),
            "{table}: tenant is its first column"
        );
        for property in entity.stored() {
            let (_, kind, nullable) = columns
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
                    nullable == "YES",
                    property.nullable,
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
                            .any(|body| body.contains(&format!("DELETE FROM {}", links.table))),
                        "{}: no trigger removes the {} rows naming a deleted row",
                        end.table,
                        links.table
                    );
                }
            }
        }
        let unique = database
            .strings(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1
                 AND indexdef LIKE 'CREATE UNIQUE INDEX%'",
                table,
            )
            .await;
        for constraint in entity.constraints {
            if let Constraint::Unique { columns, .. } = constraint {
                let found = unique.iter().any(|index| {
                    let Some(list) = index.split_once(" (").map(|(_, list)| list) else {
                        return false;
                    };
                    let mut rest = list.strip_prefix("tenant, ").unwrap_or("");
                    columns.iter().all(|column| match rest.find(column) {
                        Some(at) => {
                            rest = &rest[at + column.len()..];
                            true
                        }
                        None => false,
                    })
                });
                assert!(
                    found,
                    "{table}: no unique index on (tenant, {columns:?}) in {unique:?}"
                );
            }
        }
    }
    database.drop().await;
}

/// Every table of the SQLite schema has its twin: the same columns, types and nullability
/// after a leading `tenant`, the same foreign keys each within the tenant, the same
/// triggers; and no table more.
#[actix_web::test]
async fn every_sqlite_table_has_its_twin_keyed_by_tenant() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let app = spawn_app().await;
    let mut sqlite = read_only(&app.database_path()).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut sqlite)
    .await
    .expect("SQLite's tables");
    let twins: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'
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
        let twin: Vec<(String, String, bool)> = sqlx::query_as::<_, (String, String, String)>(
            "SELECT column_name::text, data_type::text, is_nullable::text
             FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&database.pool)
        .await
        .expect("PostgreSQL's columns")
        .into_iter()
        .map(|(name, kind, nullable)| (name, kind, nullable == "NO"))
        .collect();
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
    }
    database.drop().await;
}

/// What a rule forbids within a tenant, another tenant may do: the same ids, and names
/// that differ only in ASCII case, which SQLite's NOCASE treats as equal (and `É` and `é`,
/// which it does not).
#[actix_web::test]
async fn rules_hold_within_a_tenant_and_only_there() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let catalog = "INSERT INTO catalogs (tenant, id, display_name, catalog_type, state,
        is_externally_visible, created_date_time, modified_date_time)
        VALUES ($1, 'general', 'General', 'serviceDefault', 'published', 1, 'now', 'now')";
    let package = "INSERT INTO access_packages (tenant, id, catalog_id, display_name, is_hidden,
        is_role_scopes_visible, created_date_time, modified_date_time)
        VALUES ($1, $2, 'general', $3, 0, 0, 'now', 'now')";
    for tenant in ["a", "b"] {
        sqlx::query(catalog)
            .bind(tenant)
            .execute(&database.pool)
            .await
            .expect("the same id in each tenant");
    }
    let insert = |tenant: &'static str, id: &'static str, name: &'static str| {
        sqlx::query(package)
            .bind(tenant)
            .bind(id)
            .bind(name)
            .execute(&database.pool)
    };
    insert("a", "p1", "Sales Reps")
        .await
        .expect("a first package");
    let clash = insert("a", "p2", "SALES reps")
        .await
        .expect_err("the same name in other letters' case");
    assert!(
        clash
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation()),
        "{clash}"
    );
    insert("b", "p1", "sales reps")
        .await
        .expect("another tenant's package of that name and id");
    insert("a", "p3", "Équipe")
        .await
        .expect("a name with a non-ASCII capital");
    insert("a", "p4", "équipe")
        .await
        .expect("NOCASE folds ASCII letters only");
    // A package names a catalog of its own tenant only.
    let orphan = insert("c", "p1", "Sales Reps")
        .await
        .expect_err("tenant c has no catalog");
    assert!(
        orphan
            .as_database_error()
            .is_some_and(|e| e.is_foreign_key_violation()),
        "{orphan}"
    );
    database.drop().await;
}

/// The membership triggers, written anew in PL/pgSQL: delivering an assignment makes its
/// holder a member (or owner, for an `Owner_` role in any ASCII case) of the groups its
/// package's role scopes name; ending it or removing the role scope takes that away; and
/// none of it reaches another tenant holding the same ids.
#[actix_web::test]
async fn memberships_follow_assignments_and_role_scopes_within_a_tenant() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let world = [
        "INSERT INTO catalogs VALUES ($1, 'c', 'General', NULL, 'serviceDefault', 'published', 1, NULL, 'now', NULL, 'now')",
        "INSERT INTO access_packages (tenant, id, catalog_id, display_name, is_hidden, is_role_scopes_visible, created_date_time, modified_date_time)
         VALUES ($1, 'p', 'c', 'Sales', 0, 0, 'now', 'now')",
        "INSERT INTO users (tenant, id, account_enabled, display_name, mail_nickname, user_principal_name, user_type, created_date_time)
         VALUES ($1, 'u', 1, 'Megan', 'megan', 'megan@contoso.test', 'Member', 'now')",
        "INSERT INTO groups (tenant, id, display_name, mail_enabled, mail_nickname, security_enabled, group_types, created_date_time)
         VALUES ($1, 'g', 'Sales', 0, 'sales', 1, '[]', 'now')",
        "INSERT INTO access_package_resources (tenant, id, catalog_id, origin_id, origin_system, display_name, is_pending_onboarding, added_on, attributes, created_date_time, modified_date_time)
         VALUES ($1, 'r', 'c', 'g', 'AadGroup', 'Sales', 0, 'now', '[]', 'now', 'now')",
        "INSERT INTO access_package_resource_roles (tenant, id, catalog_id, resource_id, origin_id, origin_system, display_name)
         VALUES ($1, 'member', 'c', 'r', 'Member_g', 'AadGroup', 'Member'), ($1, 'owner', 'c', 'r', 'OWNER_g', 'AadGroup', 'Owner')",
        "INSERT INTO access_package_resource_scopes (tenant, id, catalog_id, resource_id, origin_id, origin_system, display_name, is_root_scope)
         VALUES ($1, 's', 'c', 'r', 'g', 'AadGroup', 'Root', 1)",
        "INSERT INTO subjects (tenant, id, object_id, subject_type, subject_lifecycle, created_date_time)
         VALUES ($1, 'subject', 'u', 'user', 'governed', 'now')",
        "INSERT INTO assignment_policies (tenant, id, access_package_id, catalog_id, display_name, can_extend, expiration_type, allowed_target_scope, specific_allowed_targets, accept_requests, requestor_settings, request_approval_settings, questions, created_date_time, modified_date_time)
         VALUES ($1, 'policy', 'p', 'c', 'Direct', 0, 'noExpiration', 'notSpecified', '[]', 1, '{}', '{}', '[]', 'now', 'now')",
        "INSERT INTO role_scopes (tenant, id, access_package_id, role_id, scope_id, created_date_time, modified_date_time)
         VALUES ($1, 'member_s', 'p', 'member', 's', 'now', 'now'), ($1, 'owner_s', 'p', 'owner', 's', 'now', 'now')",
        "INSERT INTO assignments (tenant, id, access_package_id, assignment_policy_id, catalog_id, target_id, state, status, schedule, is_extended, created_date_time)
         VALUES ($1, 'a', 'p', 'policy', 'c', 'subject', 'delivering', 'Delivering', '{}', 0, 'now')",
    ];
    for tenant in ["a", "b"] {
        for statement in world {
            sqlx::query(statement)
                .bind(tenant)
                .execute(&database.pool)
                .await
                .unwrap_or_else(|error| panic!("{statement}: {error}"));
        }
    }
    let members = |tenant: &'static str| {
        sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT group_id, relation, member_id, managed FROM group_members
             WHERE tenant = $1 ORDER BY relation",
        )
        .bind(tenant)
        .fetch_all(&database.pool)
    };
    let state = |state: &'static str| {
        sqlx::query("UPDATE assignments SET state = $1 WHERE tenant = 'a' AND id = 'a'")
            .bind(state)
            .execute(&database.pool)
    };
    let both = vec![
        ("g".to_owned(), "members".to_owned(), "u".to_owned(), 1),
        ("g".to_owned(), "owners".to_owned(), "u".to_owned(), 1),
    ];
    assert_eq!(
        members("a").await.expect("members"),
        vec![],
        "nothing delivered yet"
    );
    state("delivered").await.expect("delivered");
    assert_eq!(members("a").await.expect("members"), both);
    assert_eq!(
        members("b").await.expect("members"),
        vec![],
        "another tenant's same ids"
    );
    // One statement's memberships share one place in the order, as SQLite's max + 1 gives.
    let added: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT added FROM group_members")
        .fetch_all(&database.pool)
        .await
        .expect("added");
    assert_eq!(added.len(), 1, "{added:?}");
    sqlx::query("DELETE FROM role_scopes WHERE tenant = 'a' AND id = 'owner_s'")
        .execute(&database.pool)
        .await
        .expect("a role scope removed");
    assert_eq!(members("a").await.expect("members"), both[..1].to_vec());
    state("expired").await.expect("expired");
    assert_eq!(
        members("a").await.expect("members"),
        vec![],
        "the assignment ended"
    );
    // A deleted member leaves the group; a deleted group takes its links.
    state("delivered").await.expect("delivered again");
    assert_eq!(members("a").await.expect("members"), both[..1].to_vec());
    sqlx::query("INSERT INTO links (tenant, source_id, relation, target_id, target_type) VALUES ('a', 'p', 'incompatibleGroups', 'g', 'groups'), ('b', 'p', 'incompatibleGroups', 'g', 'groups')")
        .execute(&database.pool)
        .await
        .expect("links");
    sqlx::query("DELETE FROM assignments WHERE tenant = 'a'")
        .execute(&database.pool)
        .await
        .expect("the assignment deleted");
    sqlx::query("DELETE FROM groups WHERE tenant = 'a' AND id = 'g'")
        .execute(&database.pool)
        .await
        .expect("the group deleted");
    let links: Vec<String> = sqlx::query_scalar("SELECT tenant FROM links")
        .fetch_all(&database.pool)
        .await
        .expect("links");
    assert_eq!(links, ["b"], "only tenant a's link went with its group");
    database.drop().await;
}
