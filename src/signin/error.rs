//! Entra ID's error body, which sign-in answers with instead of Graph's:
//! `{"error","error_description","error_codes","timestamp","trace_id","correlation_id",
//! "error_uri"}`, the description starting `AADSTSnnnn:` and ending in the trace,
//! correlation and time lines Entra appends.
//!
//! A sign-in failure is still `crate::Error` (`Error::SignIn`), so handlers and middleware
//! see one error type; only its body differs, written here for `request_context`.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use serde::Serialize;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::graph::ids::RequestIds;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInError {
    pub status: StatusCode,
    /// OAuth 2.0's error code: `invalid_client`, `invalid_scope`, …
    pub error: &'static str,
    /// Entra's AADSTS number; `None` for the emulator's own refusals, which have none.
    pub code: Option<u32>,
    pub description: String,
}

impl SignInError {
    fn new(status: StatusCode, error: &'static str, code: Option<u32>, text: String) -> Self {
        Self {
            status,
            error,
            code,
            description: text,
        }
    }

    pub fn bad_request(error: &'static str, code: u32, text: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, Some(code), text.into())
    }

    /// AADSTS900144, a parameter the request body lacks.
    pub fn missing(parameter: &str) -> Self {
        Self::bad_request(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    /// `invalid_client` is the one answered with 401 (RFC 6749 §5.2).
    pub fn invalid_client(code: u32, text: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            Some(code),
            text.into(),
        )
    }

    /// A refusal that is the emulator's and not Entra's (no AADSTS number).
    pub fn emulator(error: &'static str, text: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, None, text.into())
    }

    pub fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            None,
            "An unexpected error occurred in the emulator; its log has the cause.".to_owned(),
        )
    }
}

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
