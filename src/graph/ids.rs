//! The ids Graph reports for every request: `request-id`, and `client-request-id` echoed.

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderName;
use uuid::Uuid;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The ids Graph reports in headers and in `innerError`.
#[derive(Debug, Clone)]
pub struct RequestIds {
    pub request_id: String,
    /// The caller's `client-request-id` header, or the request id when it sent none.
    pub client_request_id: String,
}

impl RequestIds {
    /// Ids for an answer that no request of its own carried (a `$batch` item refused
    /// before it ran).
    pub fn fresh() -> Self {
        let request_id = Uuid::new_v4().to_string();
        Self {
            client_request_id: request_id.clone(),
            request_id,
        }
    }

    pub fn for_request(req: &ServiceRequest) -> Self {
        let request_id = Uuid::new_v4().to_string();
        let client_request_id = req
            .headers()
            .get(&CLIENT_REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map_or_else(|| request_id.clone(), str::to_owned);
        Self {
            request_id,
            client_request_id,
        }
    }
}
