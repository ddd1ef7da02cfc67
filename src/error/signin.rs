//! A sign-in failure as Entra ID words it: OAuth 2.0's error code, Entra's AADSTS number
//! and its description. It is still `crate::Error` (`Error::SignIn`), so handlers and
//! middleware see one error type; `graph::entra` writes its body.

use actix_web::http::StatusCode;

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
