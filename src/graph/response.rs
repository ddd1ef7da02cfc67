//! Successful Graph responses: an entity with its `@odata.context`, and OData's headers.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::Error;

/// What Graph sends for JSON payloads (reference §4.3).
pub const ODATA_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

pub const ODATA_VERSION: HeaderName = HeaderName::from_static("odata-version");

/// An entity with its `@odata.context` first; with `location`, a 201 pointing at it.
pub fn entity(
    status: StatusCode,
    context: &str,
    mut value: Map<String, Value>,
    location: Option<&str>,
) -> Result<HttpResponse, Error> {
    let mut body = Map::with_capacity(value.len() + 1);
    body.insert("@odata.context".to_owned(), context.into());
    body.append(&mut value);
    let mut response = json(status, &body)?;
    if let Some(location) = location {
        let location = HeaderValue::from_str(location).map_err(Error::internal)?;
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// 201 with the stored entity and a `Location` pointing at it.
pub fn created(
    context: &str,
    location: &str,
    value: Map<String, Value>,
) -> Result<HttpResponse, Error> {
    entity(StatusCode::CREATED, context, value, Some(location))
}

/// 200 with a collection: `@odata.context`, `@odata.count` when asked, `@odata.nextLink`
/// when more rows remain, then `value`.
pub fn collection(
    context: &str,
    values: Vec<Map<String, Value>>,
    count: Option<i64>,
    next_link: Option<String>,
) -> Result<HttpResponse, Error> {
    let mut body = Map::new();
    body.insert("@odata.context".to_owned(), context.into());
    if let Some(count) = count {
        body.insert("@odata.count".to_owned(), count.into());
    }
    if let Some(next_link) = next_link {
        body.insert("@odata.nextLink".to_owned(), next_link.into());
    }
    body.insert(
        "value".to_owned(),
        Value::Array(values.into_iter().map(Value::Object).collect()),
    );
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
