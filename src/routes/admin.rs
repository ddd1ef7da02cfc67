//! `/_emulator/…`: the emulator's control surface (not Graph). Guarded by `admin.token`
//! when it is set (see `auth`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use crate::faults::FaultSettings;
use crate::graph::wire::fixture;
use crate::repository::SeedMode;
use crate::tenants::select::{Chosen, Store};
use crate::tls::ServedCertificate;
use crate::Error;

/// `POST /_emulator/reset`: back to the seeded state, in one transaction; 204.
pub async fn reset(repository: Store) -> Result<HttpResponse, Error> {
    repository.reset().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /_emulator/seed[?mode=replace|merge]`: loads a fixture in one transaction and
/// answers with what it wrote; an invalid fixture is refused whole (400 InvalidFixture).
pub async fn seed(
    request: HttpRequest,
    repository: Store,
    body: web::Bytes,
) -> Result<HttpResponse, Error> {
    let mode = match query_value(&request, "mode").as_deref() {
        None | Some("replace") => SeedMode::Replace,
        Some("merge") => SeedMode::Merge,
        Some(other) => {
            return Err(Error::InvalidQuery(format!(
                "Invalid value '{other}' for mode; use replace or merge."
            )))
        }
    };
    let seeded = repository.seed(fixture::parse(&body)?, mode).await?;
    let counts: Map<String, Value> = seeded
        .0
        .into_iter()
        .map(|(set, rows)| (set.to_owned(), Value::from(rows)))
        .collect();
    Ok(HttpResponse::Ok().json(counts))
}

/// `GET /_emulator/export`: the whole state, in the fixture format `seed` loads.
pub async fn export(repository: Store) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(fixture::export(repository.export().await?)))
}

fn query_value(request: &HttpRequest, name: &str) -> Option<String> {
    form_urlencoded::parse(request.query_string().as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// `GET /_emulator/requests[?last=N]`: the journal, oldest first.
pub async fn requests(request: HttpRequest, Chosen(tenant): Chosen) -> Result<HttpResponse, Error> {
    let last = match query_value(&request, "last") {
        None => None,
        Some(text) => Some(text.trim().parse::<usize>().map_err(|_| {
            Error::InvalidQuery(format!(
                "Invalid value '{text}' for last; use a non-negative integer."
            ))
        })?),
    };
    Ok(HttpResponse::Ok().json(json!({ "value": tenant.journal().entries(last) })))
}

/// `DELETE /_emulator/requests`: empties the journal.
pub async fn clear_requests(Chosen(tenant): Chosen) -> HttpResponse {
    tenant.journal().clear();
    HttpResponse::NoContent().finish()
}

/// `GET /_emulator/faults`: the fault injection in force.
pub async fn faults(Chosen(tenant): Chosen) -> HttpResponse {
    HttpResponse::Ok().json(tenant.faults().settings())
}

/// `PUT /_emulator/faults`: replaces the fault injection (the `[faults]` keys, as JSON) and
/// restarts the random generator from its seed; answers with what is now in force.
pub async fn replace_faults(
    Chosen(tenant): Chosen,
    body: web::Bytes,
) -> Result<HttpResponse, Error> {
    let faults = tenant.faults();
    let deserializer = &mut serde_json::Deserializer::from_slice(&body);
    let settings: FaultSettings = serde_path_to_error::deserialize(deserializer)
        .map_err(|e| Error::InvalidFaults(format!("{}: {}", e.path(), e.inner())))?;
    settings.validate().map_err(Error::InvalidFaults)?;
    faults.replace(settings);
    Ok(HttpResponse::Ok().json(faults.settings()))
}

/// `DELETE /_emulator/faults`: no more injected faults until configured again.
pub async fn clear_faults(Chosen(tenant): Chosen) -> HttpResponse {
    tenant.faults().replace(FaultSettings::default());
    HttpResponse::NoContent().finish()
}

/// `GET /_emulator/certificate`: the certificate chain HTTPS presents, as PEM, so a
/// client reaching a container's mapped port can trust it without a volume. 404 when HTTPS
/// is not served.
pub async fn certificate(served: web::Data<ServedCertificate>) -> Result<HttpResponse, Error> {
    match &served.0 {
        Some(pem) => Ok(HttpResponse::Ok()
            .content_type("application/x-pem-file")
            .body(pem.to_string())),
        None => Err(Error::rule(
            404,
            "HttpsNotServed",
            "HTTPS is not served, so there is no certificate: start the emulator with --tls (EMULATOR__TLS__ENABLED=true).",
        )),
    }
}

/// `GET /_emulator/openapi.json`: the OpenAPI 3.1 description of the Graph surface served.
/// Open like health: it describes, it reveals no state.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}
