//! Defence in depth: a panic on a request path is a defect, but it must cost that one
//! request, never the connection (actix drops a connection whose handler panicked, which a
//! client sees as an empty reply) and never the other requests. It is answered as any
//! unexpected error is, 500 with Graph's body and ids, and logged with what the panic said.

use std::panic::AssertUnwindSafe;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use futures_util::FutureExt;

use super::error_body;
use super::ids::{RequestIds, CLIENT_REQUEST_ID, REQUEST_ID};
use crate::Error;

/// Runs just inside `request_context`, whose ids it answers with. The answer travels as an
/// actix error carrying the finished response: the request itself was consumed by the
/// call that panicked (and cannot be cloned beforehand: routing needs it unshared).
pub async fn contain_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let ids = req
        .extensions()
        .get::<RequestIds>()
        .cloned()
        .unwrap_or_else(RequestIds::fresh);
    let method = req.method().clone();
    let path = req.path().to_owned();
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(answer) => answer,
        Err(panic) => {
            let said = panic
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(%method, %path, request_id = %ids.request_id, panic = said, "a request panicked");
            let body = error_body::render(&Error::internal(said), &ids);
            let response = HttpResponse::build(StatusCode::INTERNAL_SERVER_ERROR)
                .content_type("application/json")
                .insert_header((REQUEST_ID, ids.request_id.as_str()))
                .insert_header((CLIENT_REQUEST_ID, ids.client_request_id.as_str()))
                .body(body);
            Err(InternalError::from_response("a request panicked", response).into())
        }
    }
}
