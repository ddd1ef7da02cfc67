//! Entra ID's error body, which sign-in answers with instead of Graph's:
//! `{"error","error_description","error_codes","timestamp","trace_id","correlation_id",
//! "error_uri"}`, the description starting `AADSTSnnnn:` and ending in the trace,
//! correlation and time lines Entra appends. Beside Graph's (`error_body`): the wire
//! formats live here, sign-in's included.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use serde::Serialize;
use time::macros::format_description;
use time::OffsetDateTime;

use super::ids::RequestIds;
use crate::error::SignInError;

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    error_description: String,
    error_codes: Vec<u32>,
    timestamp: &'a str,
    trace_id: &'a str,
    correlation_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_uri: Option<String>,
}

/// The body for `error`: the trace id is the request-id, the correlation id the caller's
/// `client-request-id` (MSAL sends one, and Entra echoes it as the correlation id).
pub fn render(error: &SignInError, ids: &RequestIds) -> Vec<u8> {
    let timestamp = OffsetDateTime::now_utc()
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]Z"
        ))
        .unwrap_or_default();
    let prefix = error
        .code
        .map(|code| format!("AADSTS{code}: "))
        .unwrap_or_default();
    let body = Body {
        error: error.error,
        error_description: format!(
            "{prefix}{}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {timestamp}",
            error.description, ids.request_id, ids.client_request_id
        ),
        error_codes: error.code.into_iter().collect(),
        timestamp: &timestamp,
        trace_id: &ids.request_id,
        correlation_id: &ids.client_request_id,
        error_uri: error
            .code
            .map(|code| format!("https://login.microsoftonline.com/error?code={code}")),
    };
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Replaces an error response's body with Entra's, as `with_graph_error_body` does Graph's.
pub fn with_entra_body(
    response: ServiceResponse<BoxBody>,
    error: &SignInError,
    ids: &RequestIds,
) -> ServiceResponse<BoxBody> {
    let body = render(error, ids);
    response.map_body(|head, _original| {
        let headers = &mut head.headers;
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        );
        headers.remove(header::CONTENT_LENGTH);
        BoxBody::new(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_entras_fields_and_description_lines() {
        let ids = RequestIds {
            request_id: "trace".into(),
            client_request_id: "correlation".into(),
        };
        let error = SignInError::invalid_client(7_000_215, "Invalid client secret provided.");
        let body: serde_json::Value = serde_json::from_slice(&render(&error, &ids)).unwrap();
        assert_eq!(body["error"], "invalid_client");
        assert_eq!(body["error_codes"], serde_json::json!([7_000_215]));
        assert_eq!(body["trace_id"], "trace");
        assert_eq!(body["correlation_id"], "correlation");
        let timestamp = body["timestamp"].as_str().unwrap();
        assert_eq!(timestamp.len(), "2023-02-20 07:21:29Z".len(), "{timestamp}");
        assert_eq!(
            body["error_description"],
            format!("AADSTS7000215: Invalid client secret provided.\r\nTrace ID: trace\r\nCorrelation ID: correlation\r\nTimestamp: {timestamp}")
        );
        assert_eq!(
            body["error_uri"],
            "https://login.microsoftonline.com/error?code=7000215"
        );
    }
}
