//! `GET /_emulator/health`: 200 while the tenant's store is open (it is migrated before
//! the server listens). Needs no token, so container health checks and test harnesses can
//! poll it.

use actix_web::HttpResponse;

use crate::tenants::select::Store;
use crate::Error;

pub async fn health(repository: Store) -> Result<HttpResponse, Error> {
    if !repository.is_open() {
        return Err(Error::ServiceUnavailable);
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#))
}
