//! `/_emulator/clock`, `/_emulator/lifecycle` and `/_emulator/assignmentRequests/{id}/…`:
//! the test's hands on time and on the request lifecycle (not Graph).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use time::Duration;

use crate::configuration::LifecycleSettings;
use crate::graph::wire::project;
use crate::model::json::{duration_seconds, MAX_DURATION_SECONDS};
use crate::model::values::{format_instant, moved, parse_instant, LAST_INSTANT};
use crate::model::{Dialect, Record};
use crate::repository::Repository;
use crate::tenants::select::Store;
use crate::Error;

fn bad(message: impl Into<String>) -> Error {
    Error::BadRequest(StatusCode::BAD_REQUEST, message.into())
}

async fn reading(repository: &Repository) -> Result<HttpResponse, Error> {
    let (now, offset_ms) = repository.clock().await?;
    Ok(HttpResponse::Ok().json(json!({"now": format_instant(now), "offset_ms": offset_ms})))
}

/// `GET /_emulator/clock`: `{"now": …, "offset_ms": …}`.
pub async fn clock(repository: Store) -> Result<HttpResponse, Error> {
    reading(&repository).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: String,
}

/// `PUT /_emulator/clock` `{"now": "2027-01-01T00:00:00Z"}`: the clock jumps there (never
/// back); what came due meanwhile happens before the answer.
pub async fn set_clock(repository: Store, body: web::Bytes) -> Result<HttpResponse, Error> {
    let asked: SetClock = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "The body must be {{\"now\": \"<RFC 3339 time>\"}}: {e}"
        ))
    })?;
    let to = parse_instant(&asked.now).map_err(bad)?;
    repository.move_clock(|_| Ok(to)).await?;
    reading(&repository).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    /// An ISO 8601 duration: `P31D`, `PT90M`.
    by: Option<String>,
    ms: Option<i64>,
}

/// `POST /_emulator/clock/advance` `{"by": "P31D"}` or `{"ms": 1500}`.
pub async fn advance_clock(repository: Store, body: web::Bytes) -> Result<HttpResponse, Error> {
    let asked: Advance = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "The body must be {{\"by\": \"P1D\"}} or {{\"ms\": 1000}}: {e}"
        ))
    })?;
    let (by, named) = match (asked.by, asked.ms) {
        (Some(text), None) => (
            Duration::seconds(duration_seconds(&text).ok_or_else(|| {
                bad(format!(
                    "by: '{text}' is not an ISO 8601 duration in weeks, days, hours, minutes or seconds, at most P{}D.",
                    MAX_DURATION_SECONDS / 86_400
                ))
            })?),
            "by",
        ),
        (None, Some(ms)) => (Duration::milliseconds(ms), "ms"),
        _ => return Err(bad("Give one of by (an ISO 8601 duration) or ms.")),
    };
    // From the clock as the move finds it: two advances through two replicas add up.
    repository
        .move_clock(|now| {
            moved(now, by).ok_or_else(|| {
                bad(format!(
                    "{named}: the emulator clock cannot move past {}.",
                    format_instant(LAST_INSTANT)
                ))
            })
        })
        .await?;
    reading(&repository).await
}

/// `GET /_emulator/lifecycle`: the pace in force, as `[lifecycle]` spells it.
pub async fn lifecycle(repository: Store) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(repository.pace().await?))
}

/// `PUT /_emulator/lifecycle` `{"pace": "dwell", "dwell_ms": {"submitted": 500,
/// "delivering": 1500}}`: requests waiting now are rescheduled by the new pace.
pub async fn set_lifecycle(repository: Store, body: web::Bytes) -> Result<HttpResponse, Error> {
    let deserializer = &mut serde_json::Deserializer::from_slice(&body);
    let settings: LifecycleSettings = serde_path_to_error::deserialize(deserializer)
        .map_err(|e| bad(format!("{}: {}", e.path(), e.inner())))?;
    repository.set_pace(settings).await?;
    Ok(HttpResponse::Ok().json(repository.pace().await?))
}

fn request_reading(request: &Record) -> HttpResponse {
    HttpResponse::Ok().json(project(request, Dialect::V1, None))
}

/// `POST /_emulator/assignmentRequests/{id}/advance`: one step, whatever the pace; the
/// request after it, in v1.0's shape.
pub async fn advance_request(
    id: web::Path<String>,
    repository: Store,
) -> Result<HttpResponse, Error> {
    Ok(request_reading(&repository.advance_request(&id).await?))
}

/// `POST /_emulator/assignmentRequests/{id}/failDelivery`: its delivery will fail.
pub async fn fail_delivery(
    id: web::Path<String>,
    repository: Store,
) -> Result<HttpResponse, Error> {
    Ok(request_reading(&repository.fail_request(&id).await?))
}
