//! PostgreSQL's plans where one value fills a column: 20,000 packages in one catalog, as a
//! team's shared tenant or the benchmark's grown database has them. A list the repository
//! binds as JSON (`src/repository/sql/dialect.rs`, `among_json_texts`) must be estimated
//! from the column's statistics, so that asking about another catalog reads an index
//! rather than the table. (Each connection of the emulator's also plans with the values
//! bound every time, `plan_cache_mode`; the benchmark's grown database is what shows why.)

use entitlement_emulator::repository::Dialect;
use serde_json::json;

use super::Database;
use crate::helpers::*;

#[actix_web::test]
async fn a_list_bound_as_json_reads_an_index_where_one_value_fills_the_column() {
    let Some(database) = Database::new().await else {
        return;
    };
    let url = database.url();
    let app = spawn_app_with(|settings| settings.database.url = url).await;
    app.create_beta_package("the first").await.expect(201);
    let mut connection = database.connection().await;
    // Copies of the stored row, each with an id and a name of its own.
    sqlx::query(
        "INSERT INTO stored.access_packages
         SELECT (jsonb_populate_record(p, jsonb_build_object(
             'id', gen_random_uuid()::text, 'display_name', 'copy ' || n))).*
         FROM stored.access_packages AS p, generate_series(1, 20000) AS n",
    )
    .execute(&mut connection)
    .await
    .expect("the copies go in");
    sqlx::query("ANALYZE stored.access_packages")
        .execute(&mut connection)
        .await
        .expect("analysed");

    // The repository's own text for "catalog_id is one of these", the list bound as JSON,
    // as the repository binds it.
    let another = json!(["0b7c2c5e-6d8a-4f5e-9a41-3c1f0d2e9b77"]).to_string();
    let among = Dialect::Postgres.among_json_texts("catalog_id", "$2");
    let plan: Vec<String> = sqlx::query_scalar(&format!(
        "EXPLAIN SELECT count(*) FROM stored.access_packages WHERE tenant = $1 AND {among}"
    ))
    .bind(app.home_tenant())
    .bind(another)
    .fetch_all(&mut connection)
    .await
    .expect("explained");
    let plan = plan.join("\n");
    assert!(plan.contains("Index"), "{plan}");
    assert!(!plan.contains("Seq Scan"), "{plan}");
}
