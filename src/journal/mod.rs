//! The request journal: the last `journal.capacity` Graph requests, as the emulator
//! answered them, for tests that ask "what did my code send?" (`GET /_emulator/requests`).
//!
//! Recorded outside every other layer, so it sees the final status, the request-id and
//! the time the whole request took. `/_emulator/` calls are not recorded: they are the
//! test's own plumbing. The Authorization header (and cookies) are never kept, nor the
//! bodies of sign-in requests, which carry client secrets and tokens; everything else that
//! may hold a secret is redacted (`redact`).

mod redact;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, CONTENT_LENGTH, COOKIE, PROXY_AUTHORIZATION};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::HttpMessage;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::configuration::JournalSettings;
use crate::graph::routing;
use crate::model::values;

/// One answered request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub time: String,
    pub method: String,
    pub path: String,
    /// The raw query string, without the `?`; empty when none.
    pub query: String,
    pub status: u16,
    pub duration_ms: f64,
    pub request_id: String,
    pub client_request_id: String,
    pub headers: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// How requests are recorded, the same for every tenant.
pub struct Recording {
    settings: JournalSettings,
    /// `limits.max_body_bytes`: larger bodies are left for the handler to refuse.
    payload_limit: usize,
}

impl Recording {
    pub fn new(settings: &JournalSettings, payload_limit: usize) -> Self {
        Self {
            settings: settings.clone(),
            payload_limit,
        }
    }

    /// Body text as recorded: UTF-8 (lossy), cut at `journal.max_body_bytes`.
    fn body_text(&self, bytes: &[u8]) -> Option<String> {
        if bytes.is_empty() {
            return None;
        }
        let cut = &bytes[..bytes.len().min(self.settings.max_body_bytes)];
        Some(String::from_utf8_lossy(cut).into_owned())
    }
}

/// One tenant's journal; the request's own is in its extensions (`crate::tenants`).
pub struct Journal {
    entries: Mutex<VecDeque<Entry>>,
    capacity: usize,
}

impl Journal {
    pub fn new(settings: &JournalSettings) -> Self {
        Self {
            // Grown as requests come: a tenant used once holds one entry, not `capacity`.
            entries: Mutex::new(VecDeque::new()),
            capacity: settings.capacity,
        }
    }

    pub fn entries(&self, last: Option<usize>) -> Vec<Entry> {
        let entries = self.lock();
        let skip = last.map_or(0, |last| entries.len().saturating_sub(last));
        entries.iter().skip(skip).cloned().collect()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn push(&self, entry: Entry) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        // A panic while holding the lock cannot leave the deque inconsistent: recover it.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A `$batch` body with each item's `Authorization` header taken out, since the journal
/// never keeps tokens; anything that is not such a body is kept as sent.
fn without_item_tokens(bytes: &[u8]) -> Vec<u8> {
    let Ok(mut body) = serde_json::from_slice::<Value>(bytes) else {
        return bytes.to_vec();
    };
    if let Some(items) = body.get_mut("requests").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(headers) = item.get_mut("headers").and_then(Value::as_object_mut) {
                headers.retain(|name, _| {
                    !name.eq_ignore_ascii_case("authorization")
                        && !name.eq_ignore_ascii_case("proxy-authorization")
                        && !name.eq_ignore_ascii_case("cookie")
                });
            }
        }
    }
    serde_json::to_vec(&body).unwrap_or_default()
}

pub async fn record(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let recording = match req.app_data::<web::Data<Recording>>().cloned() {
        Some(recording) if recording.settings.capacity > 0 && !routing::is_control(&req) => {
            recording
        }
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let bodies = recording.settings.bodies && !routing::is_signin(&req);
    let started = Instant::now();
    let time = values::now();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let query = redact::query(req.query_string());
    let headers: Map<String, Value> = req
        .headers()
        .iter()
        .filter(|(name, _)| ![AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(name))
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                redact::header(name.as_str(), value.as_bytes()),
            )
        })
        .collect();
    let declared_length = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    // Read here and handed on as the same bytes, when its length is declared and within
    // the limit; anything else streams to the handler untouched (and may get its 413).
    let request_body = match declared_length {
        Some(length) if bodies && length <= recording.payload_limit => {
            match req.extract::<Bytes>().await {
                Ok(bytes) => {
                    let text = if routing::is_batch(&req) {
                        recording.body_text(&redact::body(&without_item_tokens(&bytes)))
                    } else {
                        recording.body_text(&redact::body(&bytes))
                    };
                    req.set_payload(bytes.into());
                    text
                }
                // The body did not arrive whole (the client went away): the handler gets
                // none and refuses the request as it would any empty body.
                Err(_) => None,
            }
        }
        _ => None,
    };

    let response = next.call(req).await?.map_into_boxed_body();
    let (response, response_body) = if bodies {
        let (request, response) = response.into_parts();
        let (head, body) = response.into_parts();
        let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
        let text = recording.body_text(&redact::body(&bytes));
        let response = ServiceResponse::new(request, head.set_body(BoxBody::new(bytes)));
        (response, text)
    } else {
        (response, None)
    };
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    // The tenant's journal, which the request learnt once its tenant was chosen.
    let Some(journal) = response
        .request()
        .extensions()
        .get::<Arc<Journal>>()
        .cloned()
    else {
        return Ok(response);
    };
    journal.push(Entry {
        time,
        method,
        path,
        query,
        status: response.status().as_u16(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        request_id: header("request-id"),
        client_request_id: header("client-request-id"),
        headers,
        request_body,
        response_body,
    });
    Ok(response)
}
