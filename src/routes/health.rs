//! `GET /_emulator/health`: 200 once the database is migrated and answering. Needs no token,
//! so container health checks and test harnesses can poll it.

use actix_web::HttpResponse;

use crate::tenants::select::Store;
use crate::Error;

pub async fn health(repository: Store) -> Result<HttpResponse, Error> {
    repository.ping().await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}
