//! The tenant's views: what the repository's statements, written once for SQLite and
//! PostgreSQL, run against. Each shows SQLite's columns (no `tenant`) and the rows of the
//! tenant the connection has set; writes through it stay in that tenant.

use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};

use super::Database;
use crate::helpers::*;

/// A connection as the repository has one: the default search path, so `catalogs` is the
/// view, and the tenant set for the session.
async fn as_tenant(database: &Database, tenant: Option<&str>) -> PgConnection {
    let mut connection = database.connection().await;
    if let Some(tenant) = tenant {
        sqlx::query("SELECT set_config('emulator.tenant', $1, false)")
            .bind(tenant)
            .execute(&mut connection)
            .await
            .expect("the tenant is set");
    }
    connection
}

/// Every SQLite table and view has a view of the same name with its columns, in order.
#[actix_web::test]
async fn each_sqlite_table_is_a_view_with_its_columns() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let app = spawn_app_on_sqlite().await;
    let mut sqlite = read_only(&app.database_path()).await;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut sqlite)
    .await
    .expect("SQLite's tables and views");
    let views: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.views
         WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&database.pool)
    .await
    .expect("PostgreSQL's views");
    assert_eq!(views, names, "one view per SQLite table and view");
    for name in &names {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .bind(name)
                .fetch_all(&mut sqlite)
                .await
                .expect("SQLite's columns");
        let shown: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(name)
        .fetch_all(&database.pool)
        .await
        .expect("the view's columns");
        assert_eq!(shown, columns, "{name}: the view's columns");
    }
}

/// Statements that name no tenant, as SQLite's do, read and write the connection's
/// tenant's rows only; a connection that set none reads and writes nothing.
#[actix_web::test]
async fn statements_reach_the_connections_tenant_only() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let catalog = "INSERT INTO catalogs (id, display_name, catalog_type, state,
        is_externally_visible, created_date_time, modified_date_time)
        VALUES ($1, $2, 'userManaged', 'published', 0, 'now', 'now')
        ON CONFLICT DO NOTHING RETURNING id";
    let mut a = as_tenant(&database, Some("a")).await;
    let mut b = as_tenant(&database, Some("b")).await;
    for (connection, name) in [(&mut a, "Sales"), (&mut b, "Sales")] {
        let made: Option<String> = sqlx::query_scalar(catalog)
            .bind("c1")
            .bind(name)
            .fetch_optional(&mut *connection)
            .await
            .expect("the insert runs");
        assert_eq!(made.as_deref(), Some("c1"), "the same id in each tenant");
    }
    let clash: Option<String> = sqlx::query_scalar(catalog)
        .bind("c1")
        .bind("Again")
        .fetch_optional(&mut a)
        .await
        .expect("a clash is dropped, not an error");
    assert_eq!(clash, None, "the id is taken within the tenant");
    let updated = sqlx::query("UPDATE catalogs SET description = 'mine'")
        .execute(&mut a)
        .await
        .expect("an update of every row");
    assert_eq!(updated.rows_affected(), 1, "every row of tenant a: its one");
    let description: Option<String> =
        sqlx::query_scalar("SELECT description FROM catalogs WHERE id = 'c1'")
            .fetch_one(&mut b)
            .await
            .expect("tenant b's catalog");
    assert_eq!(description, None, "tenant b's row is untouched");
    sqlx::query("DELETE FROM catalogs")
        .execute(&mut a)
        .await
        .expect("a delete of every row");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM catalogs")
        .fetch_one(&mut b)
        .await
        .expect("tenant b counts");
    assert_eq!(left, 1, "tenant b's row is still there");
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT tenant, id FROM stored.catalogs ORDER BY tenant")
            .fetch_all(&database.pool)
            .await
            .expect("the table itself");
    assert_eq!(stored, [("b".to_owned(), "c1".to_owned())]);
    // Another tenant cannot be named: the views have no such column.
    let named = sqlx::query("UPDATE catalogs SET tenant = 'a'")
        .execute(&mut b)
        .await
        .expect_err("tenant is not a column of the view");
    assert!(named.to_string().contains("tenant"), "{named}");

    let mut nobody = as_tenant(&database, None).await;
    let unset = sqlx::query("SELECT count(*) FROM catalogs")
        .fetch_one(&mut nobody)
        .await
        .expect_err("no tenant set");
    assert!(unset.as_database_error().is_some(), "{unset}");
    // A setting that a transaction made and took back leaves an empty one: nothing matches.
    let mut tx = nobody.begin().await.expect("a transaction");
    sqlx::query("SELECT set_config('emulator.tenant', 'b', true)")
        .execute(&mut *tx)
        .await
        .expect("set for the transaction");
    tx.commit().await.expect("commits");
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM catalogs")
        .fetch_one(&mut nobody)
        .await
        .expect("an emptied setting");
    assert_eq!(seen, 0, "no tenant's rows");
    let refused = sqlx::query(catalog)
        .bind("c3")
        .bind("Nobody's")
        .fetch_optional(&mut nobody)
        .await
        .expect_err("no write without a tenant");
    assert!(
        refused
            .as_database_error()
            .is_some_and(|e| e.is_check_violation()),
        "{refused}"
    );
}

/// The view's tenant predicate is the leading key of the table's indexes: a read by id
/// is an index lookup within the tenant.
#[actix_web::test]
async fn a_read_through_a_view_uses_the_tenants_index() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let mut a = as_tenant(&database, Some("a")).await;
    // An empty table would be read whole whatever the indexes: ask whether one serves.
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut a)
        .await
        .expect("set");
    let plan: Vec<String> = sqlx::query("EXPLAIN SELECT id FROM access_packages WHERE id = 'p'")
        .fetch_all(&mut a)
        .await
        .expect("a plan")
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Index Cond: ((tenant = current_setting('emulator.tenant'::text)) AND (id = 'p'::text))"),
        "{plan}"
    );
}
