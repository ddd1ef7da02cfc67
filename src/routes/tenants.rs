//! `/_emulator/tenants`: the tenants this emulator holds, made, listed and deleted. Each
//! tenant's own control surface is below its id (`/_emulator/tenants/{id}/reset`, `…/seed`,
//! `…/export`, `…/clock`, `…/lifecycle`, `…/requests`, `…/faults`), which
//! `tenants::select` serves as `/_emulator/…` for that tenant.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::graph::wire::fixture;
use crate::repository::SeedMode;
use crate::tenants::{Listed, TenantId, Tenants};
use crate::Error;

fn described(tenant: &Listed) -> Value {
    json!({"id": tenant.id.as_str(), "home": tenant.home, "open": tenant.open})
}

fn named(name: &str) -> Result<TenantId, Error> {
    TenantId::parse(name).ok_or_else(|| {
        Error::BadRequest(
            StatusCode::BAD_REQUEST,
            format!("'{name}' is neither a tenant's GUID nor a domain name."),
        )
    })
}

fn not_found(id: &TenantId) -> Error {
    Error::rule(
        404,
        "TenantNotFound",
        format!("There is no tenant '{id}'; POST /_emulator/tenants makes one."),
    )
}

/// `GET /_emulator/tenants`: every tenant with a store, home first.
pub async fn list(tenants: web::Data<Tenants>) -> Result<HttpResponse, Error> {
    let value: Vec<Value> = tenants.list().await?.iter().map(described).collect();
    Ok(HttpResponse::Ok().json(json!({ "value": value })))
}

/// What `POST /_emulator/tenants` may say: the tenant's id (a GUID or a domain name; none:
/// a new GUID) and a fixture to start from instead of the seed file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NewTenant {
    id: Option<String>,
    fixture: Option<Value>,
}

/// `POST /_emulator/tenants`: a new tenant, ready, as a new database starts (the built-in
/// General catalog, the seed file if configured, or the fixture given); 201 with it, 409
/// when the id is taken.
pub async fn create(tenants: web::Data<Tenants>, body: web::Bytes) -> Result<HttpResponse, Error> {
    let asked: NewTenant = if body.iter().all(u8::is_ascii_whitespace) {
        NewTenant::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            Error::BadRequest(
                StatusCode::BAD_REQUEST,
                format!("The body must be {{\"id\": \"<GUID or domain>\", \"fixture\": {{…}}}}, both optional: {e}"),
            )
        })?
    };
    // Checked whole before anything is made: a bad fixture makes no tenant.
    let rows = match &asked.fixture {
        Some(fixture) => Some(fixture::parse(fixture.to_string().as_bytes())?),
        None => None,
    };
    let id = match &asked.id {
        Some(name) => named(name)?,
        None => TenantId::random(),
    };
    if !tenants.admits(&id) {
        return Err(Error::BadRequest(
            StatusCode::BAD_REQUEST,
            format!("Tenant '{id}' is not among tenants.allowed."),
        ));
    }
    let Some(tenant) = tenants.create(&id).await? else {
        return Err(Error::rule(
            409,
            "TenantExists",
            format!("Tenant '{id}' exists already."),
        ));
    };
    if let Some(rows) = rows {
        let store = tenants.store(&tenant).await?;
        if let Err(error) = store.seed(rows, SeedMode::Replace).await {
            drop(store);
            tenants.delete(&id).await?;
            return Err(error);
        }
    }
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/_emulator/tenants/{id}")))
        .json(described(&Listed {
            id,
            home: false,
            open: true,
        })))
}

/// `GET /_emulator/tenants/{id}`.
pub async fn get(
    tenants: web::Data<Tenants>,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let id = named(&name)?;
    tenants
        .list()
        .await?
        .iter()
        .find(|tenant| tenant.id == id)
        .map(|tenant| HttpResponse::Ok().json(described(tenant)))
        .ok_or_else(|| not_found(&id))
}

/// `DELETE /_emulator/tenants/{id}`: the tenant and its files are gone; 204. The home
/// tenant is the configured database: reset it instead.
pub async fn delete(
    tenants: web::Data<Tenants>,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let id = named(&name)?;
    if id == *tenants.home().id() {
        return Err(Error::BadRequest(
            StatusCode::BAD_REQUEST,
            "The home tenant (auth.signin.tenant_id) cannot be deleted; POST /_emulator/reset empties it.".to_owned(),
        ));
    }
    if tenants.delete(&id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found(&id))
    }
}
