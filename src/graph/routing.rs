//! What Graph answers for paths and methods it does not serve.
//!
//! Routes are nested one scope per path segment, so when nothing matches, the innermost
//! scope that did match leaves exactly the unknown remainder in `match_info().unprocessed()`.

use actix_web::{web, HttpRequest, HttpResponse, Resource};

use crate::Error;

/// A resource whose unknown methods get Graph's 405 rather than actix's empty one.
pub fn endpoint(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> Result<HttpResponse, Error> {
    Err(Error::MethodNotAllowed)
}

/// The default service: 400 `Resource not found for the segment '…'`, naming the first
/// segment that matched nothing.
pub async fn unknown_segment(req: HttpRequest) -> Result<HttpResponse, Error> {
    let first_unmatched = req
        .match_info()
        .unprocessed()
        .split('/')
        .find(|segment| !segment.is_empty());
    let segment = first_unmatched
        .or_else(|| req.path().split('/').rfind(|segment| !segment.is_empty()))
        .unwrap_or_default();
    Err(Error::UnknownSegment(segment.to_owned()))
}
