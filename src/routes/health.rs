//! `GET /_emulator/health`: 200 once the database is migrated and answering. Needs no token,
//! so container health checks and test harnesses can poll it.

use actix_web::{web, HttpResponse};

use crate::repository::Repository;
use crate::Error;

pub async fn health(repository: web::Data<Repository>) -> Result<HttpResponse, Error> {
    repository.ping().await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}
