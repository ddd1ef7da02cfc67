//! The emulator served from PostgreSQL (`--database postgres://…`): real clients' call
//! sequences, as the SQLite tests send them, against a database of the test's own; and
//! its tenants administered as rows of that database.

use awc::http::Method;
use serde_json::json;

use super::Database;
use crate::helpers::*;

/// The emulator on a new database on the test server (migrated by the emulator itself),
/// and that database, dropped after the emulator.
async fn spawn_on_postgres() -> Option<(TestApp, Database)> {
    let database = Database::new().await?;
    let url = database.url();
    let app = spawn_app_with(|settings| settings.database.url = url).await;
    Some((app, database))
}

#[actix_web::test]
async fn terraform_3_catalog_and_access_package_lifecycles_on_postgres() {
    let Some((app, _database)) = spawn_on_postgres().await else {
        return;
    };
    crate::real_clients::terraform_3_catalog_and_access_package_lifecycles(&app).await;
}

const TENANT: &str = "3f1d6a52-0c8e-4d6e-9a55-0a7e0f1e2d3c";

/// The rows `tenant` holds in every table of the schema.
async fn rows_of(database: &Database, tenant: &str) -> i64 {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns
         WHERE table_schema = 'stored' AND column_name = 'tenant'",
    )
    .fetch_all(&database.pool)
    .await
    .expect("the tenants' tables");
    let mut rows = 0;
    for table in tables {
        rows += database.count_rows(&table, tenant).await;
    }
    rows
}

/// `POST /v1.0/identityGovernance/entitlementManagement/catalogs` in the tenant.
async fn new_catalog_in_tenant(app: &TestApp, name: &str) -> TestResponse {
    let request = app
        .request(Method::POST, &format!("{V1}/catalogs"))
        .insert_header(("X-Emulator-Tenant", TENANT))
        .insert_header(("Content-Type", "application/json"));
    let body = json!({"displayName": name}).to_string();
    send(request, Some(body.into())).await
}

/// Tenants administered through two replicas on one database: made through one, listed
/// and written through the other, deleted through the first, with every row it held.
#[actix_web::test]
async fn tenants_are_made_listed_and_deleted_with_their_rows_across_replicas() {
    let Some((first, database)) = spawn_on_postgres().await else {
        return;
    };
    let url = database.url();
    let second = spawn_app_with(|settings| settings.database.url = url).await;
    first
        .post("/_emulator/tenants", &json!({"id": TENANT}))
        .await
        .expect(201);
    first
        .post("/_emulator/tenants", &json!({"id": TENANT}))
        .await
        .assert_graph_error(409, "TenantExists");
    let listed = second.get("/_emulator/tenants").await.expect(200);
    let ids = texts_of(&listed, "id");
    assert_eq!(ids, ["00000000-0000-4000-8000-000000000e11", TENANT]);
    new_catalog_in_tenant(&second, "its own").await.expect(201);
    assert!(rows_of(&database, TENANT).await > 0);

    first
        .delete(&format!("/_emulator/tenants/{TENANT}"))
        .await
        .expect(204);
    assert_eq!(rows_of(&database, TENANT).await, 0);
    second
        .get(&format!("/_emulator/tenants/{TENANT}"))
        .await
        .assert_graph_error(404, "TenantNotFound");
    first
        .delete(&format!("/_emulator/tenants/{TENANT}"))
        .await
        .assert_graph_error(404, "TenantNotFound");
    // The home tenant keeps its own.
    assert!(rows_of(&database, "00000000-0000-4000-8000-000000000e11").await > 0);

    // The second still holds the tenant's store open: its requests in it answer 503 and
    // write nothing, and it can make the tenant again, from the start.
    new_catalog_in_tenant(&second, "late")
        .await
        .assert_graph_error(503, "serviceNotAvailable");
    assert_eq!(rows_of(&database, TENANT).await, 0);
    second
        .post("/_emulator/tenants", &json!({"id": TENANT}))
        .await
        .expect(201);
    let request = first
        .request(Method::GET, &format!("{V1}/catalogs"))
        .insert_header(("X-Emulator-Tenant", TENANT));
    let listed = send(request, None).await.expect(200);
    assert_eq!(
        listed["value"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert_eq!(listed["value"][0]["displayName"], "General");
}
