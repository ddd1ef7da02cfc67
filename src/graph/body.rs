//! Request bodies as Graph reads them: JSON only, within the size limit, syntax first
//! (400 BadRequest). What the JSON must hold is the wire decoder's business (`wire`).

use std::future::Future;
use std::pin::Pin;

use actix_web::error::PayloadError;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use serde_json::Value;

use crate::Error;

/// A JSON body, parsed but not yet checked against any type.
pub struct JsonBody(pub Value);

impl FromRequest for JsonBody {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json(req, payload, false);
        Box::pin(async move { body.await.map(JsonBody) })
    }
}

/// The body of an action whose page says to send none, which some callers fill anyway
/// (beta's `getApplicablePolicyRequirements` takes a `subject`): `null` when empty.
pub struct OptionalJsonBody(pub Value);

impl FromRequest for OptionalJsonBody {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json(req, payload, true);
        Box::pin(async move { body.await.map(OptionalJsonBody) })
    }
}

/// The body as JSON: a JSON content type first (unless the body may be empty and is),
/// then its bytes, then their syntax.
fn read_json(
    req: &HttpRequest,
    payload: &mut Payload,
    may_be_empty: bool,
) -> impl Future<Output = Result<Value, Error>> {
    let is_json = is_json(req);
    let bytes = read(req, payload);
    async move {
        if !is_json && !may_be_empty {
            return Err(Error::UnsupportedMediaType);
        }
        let bytes = bytes.await?;
        if may_be_empty && bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        if !is_json {
            return Err(Error::UnsupportedMediaType);
        }
        parse(&bytes)
    }
}

/// `application/json; charset=utf-8` and `+json` types are JSON too.
fn is_json(req: &HttpRequest) -> bool {
    let essence = req.content_type();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// The body's bytes, within actix's `PayloadConfig` limit, registered with the app.
fn read(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<web::Bytes, Error>> {
    let bytes = web::Bytes::from_request(req, payload);
    async move {
        bytes
            .await
            .map_err(|error| match error.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => Error::RequestEntityTooLarge,
                _ => {
                    Error::from_foreign(actix_web::http::StatusCode::BAD_REQUEST, error.to_string())
                }
            })
    }
}

/// Bytes → JSON, or Graph's "Unable to read JSON request payload".
pub fn parse(bytes: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(bytes).map_err(|_| Error::MalformedJson)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_json_is_told_apart_from_json() {
        assert!(matches!(
            parse(b"{\"displayName\":"),
            Err(Error::MalformedJson)
        ));
        assert!(matches!(parse(b""), Err(Error::MalformedJson)));
        assert!(parse(b"[1,2]").is_ok_and(|value| value.is_array()));
    }
}
