//! `/_emulator/…`: the emulator's control surface (not Graph). Guarded by `admin.token`
//! when it is set (see `auth`).

use actix_web::{web, HttpResponse};

use crate::repository::Repository;
use crate::Error;

/// `POST /_emulator/reset`: back to the seeded state, in one transaction; 204.
pub async fn reset(repository: web::Data<Repository>) -> Result<HttpResponse, Error> {
    repository.reset().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /_emulator/openapi.json`: the OpenAPI 3.1 description of the Graph surface served.
/// Open like health: it describes, it reveals no state.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}
