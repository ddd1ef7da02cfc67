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

/// 200 with a collection: `@odata.context`, `@odata.count` when asked, `@odata.nextLink`
/// when more rows remain, then `value`.
pub fn collection(
    context: &str,
    values: Vec<serde_json::Map<String, serde_json::Value>>,
    count: Option<i64>,
    next_link: Option<String>,
) -> Result<HttpResponse, Error> {
    let mut body = serde_json::Map::new();
    body.insert("@odata.context".to_owned(), context.into());
    if let Some(count) = count {
        body.insert("@odata.count".to_owned(), count.into());
    }
    if let Some(next_link) = next_link {
        body.insert("@odata.nextLink".to_owned(), next_link.into());
    }
    body.insert(
        "value".to_owned(),
        serde_json::Value::Array(values.into_iter().map(serde_json::Value::Object).collect()),
    );
    json(StatusCode::OK, &body)
}

/// 200 with one entity already shaped by `$select`/`$expand`.
pub fn shaped_entity(
    context: &str,
    mut value: serde_json::Map<String, serde_json::Value>,
) -> Result<HttpResponse, Error> {
    let mut body = serde_json::Map::new();
    body.insert("@odata.context".to_owned(), context.into());
    body.append(&mut value);
    json(StatusCode::OK, &body)
}

/// Any JSON body with OData's content type and version header.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Result<HttpResponse, Error> {
    let bytes = serde_json::to_vec(body).map_err(Error::internal)?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, ODATA_JSON))
        .insert_header((ODATA_VERSION, HeaderValue::from_static("4.0")))
        .body(bytes))
}

/// 204 for PATCH and DELETE.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

/// The `/$count` segment: a bare integer as text.
pub fn count(total: i64) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain;charset=utf-8"))
        .insert_header((ODATA_VERSION, HeaderValue::from_static("4.0")))
        .body(total.to_string())
}
