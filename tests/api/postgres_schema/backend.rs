//! The emulator served from PostgreSQL (`--database postgres://…`): real clients' call
//! sequences, as the SQLite tests send them, against a database of the test's own.

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
