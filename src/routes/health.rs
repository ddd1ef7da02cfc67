//! `GET /_emulator/health`: 200 while the tenant's store can serve (it is migrated before
//! the server listens), naming the database it is kept in; 503 with `Retry-After` while a
//! PostgreSQL server does not answer. Needs no token, so container health checks, load
//! balancers and test harnesses can poll it.

use actix_web::HttpResponse;
use serde_json::json;

use crate::tenants::select::Store;
use crate::Error;

pub async fn health(repository: Store) -> Result<HttpResponse, Error> {
    if !repository.is_reachable().await {
        return Err(Error::ServiceUnavailable);
    }
    Ok(HttpResponse::Ok().json(json!({"status": "ok", "backend": repository.backend()})))
}
