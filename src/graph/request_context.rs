//! The middleware just inside the journal. It gives every request its ids, writes every error as Graph's
//! error body (whichever layer raised it), adds the headers Graph always sends, and logs
//! one line per request: at `debug`, since a line per request costs a sixth of the
//! throughput; 5xx at `error`.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::HttpMessage;

use super::error_body;
use super::ids::{RequestIds, CLIENT_REQUEST_ID, REQUEST_ID};
use crate::Error;

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let ids = RequestIds::for_request(&req);
    req.extensions_mut().insert(ids.clone());
    let method = req.method().clone();
    let path = req.path().to_owned();

    // Handlers' and extractors' errors arrive as error responses; inner middleware answers
    // with responses too, so `Err` here would be a bug in this crate.
    let response = next.call(req).await?.map_into_boxed_body();
    let failed = response.status().is_client_error() || response.status().is_server_error();
    let dialect = match response
        .response()
        .error()
        .and_then(|e| e.as_error::<Error>())
    {
        Some(Error::SignIn(error)) => Some(Ok(error.clone())),
        Some(error @ Error::ResourceManager { .. }) => Some(Err(error.clone())),
        _ => None,
    };
    let mut response = match dialect {
        Some(Ok(error)) => super::entra::with_entra_body(response, &error, &ids),
        Some(Err(error)) => super::resource_manager::with_body(response, &error),
        None if failed => with_graph_error_body(response, &ids),
        None => response,
    };

    let headers = response.headers_mut();
    for (name, value) in [
        (REQUEST_ID, &ids.request_id),
        (CLIENT_REQUEST_ID, &ids.client_request_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }

    let status = response.status();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let ours = response
        .response()
        .error()
        .and_then(|e| e.as_error::<Error>());
    // Injected faults are what the test asked for, not failures.
    let injected = matches!(ours, Some(Error::InjectedFault(_)));
    if status.is_server_error() && !injected {
        let cause = ours.map(|e| format!("{e:?}")).unwrap_or_default();
        tracing::error!(%method, %path, status = status.as_u16(), elapsed_ms, request_id = %ids.request_id, cause, "request failed");
    } else {
        tracing::debug!(%method, %path, status = status.as_u16(), elapsed_ms, request_id = %ids.request_id, "request");
    }
    Ok(response)
}

/// Replaces whatever body an error response had with Graph's error body. Errors of our own
/// type carry their code; anything actix produced by itself is classified by status.
fn with_graph_error_body(
    response: ServiceResponse<BoxBody>,
    ids: &RequestIds,
) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let foreign = |message: String| Error::from_foreign(status, message);
    let error = match response.response().error() {
        Some(error) => match error.as_error::<Error>() {
            Some(ours) => ours.clone(),
            None => foreign(error.to_string()),
        },
        None => foreign(status.canonical_reason().unwrap_or("Error").to_owned()),
    };
    let body = error_body::render(&error, ids);
    response.map_body(|head, _original| {
        let headers = &mut head.headers;
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.remove(header::CONTENT_LENGTH);
        // The SDKs' retry handlers honour Retry-After on 429 and 503.
        if let Some(seconds) = error.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        match status {
            // Both tell the client which authority to get a (better) token from.
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                    ),
                );
            }
            _ => {}
        }
        BoxBody::new(body)
    })
}
