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
