//! Successful Graph responses: an entity with its `@odata.context`, and OData's headers.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::Error;

/// What Graph sends for JSON payloads (reference §4.3).
pub const ODATA_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

pub const ODATA_VERSION: HeaderName = HeaderName::from_static("odata-version");

#[derive(Serialize)]
struct Entity<'a, T> {
    #[serde(rename = "@odata.context")]
    context: &'a str,
    #[serde(flatten)]
    value: &'a T,
}

/// 200 with one entity.
pub fn ok<T: Serialize>(context: &str, value: &T) -> Result<HttpResponse, Error> {
    entity(StatusCode::OK, context, value, None)
}

/// 201 with the stored entity and a `Location` pointing at it.
pub fn created<T: Serialize>(
    context: &str,
    location: &str,
    value: &T,
) -> Result<HttpResponse, Error> {
    entity(StatusCode::CREATED, context, value, Some(location))
}

fn entity<T: Serialize>(
    status: StatusCode,
    context: &str,
    value: &T,
    location: Option<&str>,
) -> Result<HttpResponse, Error> {
    let body = serde_json::to_vec(&Entity { context, value }).map_err(Error::internal)?;
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CONTENT_TYPE, ODATA_JSON))
        .insert_header((ODATA_VERSION, HeaderValue::from_static("4.0")));
    if let Some(location) = location {
        response.insert_header((header::LOCATION, location));
    }
    Ok(response.body(body))
}
