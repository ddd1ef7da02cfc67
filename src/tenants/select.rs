//! Which tenant a request is for, decided before anything reads the request:
//!
//! 1. `/_emulator/tenants/{id}/…` is that tenant's control surface (`…/reset`,
//!    `…/clock`, `…/requests`): served as `/_emulator/…` for it.
//! 2. A sign-in path names its tenant first (`/{tenant}/oauth2/v2.0/token`); `common` and
//!    `organizations` are the home tenant. A name that is no tenant is left to sign-in to
//!    refuse, in Entra's words.
//! 3. A bearer token that is a JWT names its tenant in `tid`: every token the emulator
//!    issues does, and so do the tokens `jwt` mode verifies. Read here unchecked; the
//!    token is verified after, and a forged one gets its 401 before any store is opened.
//! 4. Otherwise (an opaque token, or none with `auth.mode = "none"`) the
//!    `X-Emulator-Tenant` header, which every HTTP client can send; without it, home.
//!
//! The items of a `$batch` run in the batch's tenant, whatever they carry.

use std::future::{ready, Ready};
use std::ops::Deref;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, Uri};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::Deserialize;

use super::{Tenant, TenantId, Tenants};
use crate::graph::signin_endpoints::Endpoint;
use crate::graph::{bearer, routing};
use crate::repository::Repository;
use crate::Error;

/// The header that chooses a tenant for a request whose token names none.
pub const HEADER: &str = "x-emulator-tenant";
const CONTROL: &str = "/_emulator/tenants/";

/// The tenant a request is for, in its extensions.
#[derive(Clone)]
pub struct Chosen(pub Arc<Tenant>);

#[derive(Deserialize)]
struct TenantClaim {
    tid: Option<String>,
}

/// Middleware: chooses the request's tenant, or answers why it cannot be used. The
/// tenant's journal and faults go into the request, for the middleware that keep them.
pub async fn select(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(tenants) = req.app_data::<web::Data<Tenants>>().cloned() else {
        let error = Error::internal("tenants are not registered");
        return Ok(req.error_response(error).map_into_right_body());
    };
    // A refused item of a batch is journaled where its batch is; anything else refused,
    // in the home tenant's journal.
    let outer = req
        .extensions()
        .get::<Chosen>()
        .map(|Chosen(outer)| Arc::clone(outer));
    let chosen = choose(&tenants, &mut req).await;
    let tenant = match (&chosen, &outer) {
        (Ok(tenant), _) | (Err(_), Some(tenant)) => tenant,
        (Err(_), None) => tenants.home(),
    };
    {
        let mut extensions = req.extensions_mut();
        extensions.insert(Arc::clone(tenant.journal()));
        extensions.insert(Arc::clone(tenant.faults()));
    }
    match chosen {
        Ok(tenant) => {
            req.extensions_mut().insert(Chosen(tenant));
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(error) => Ok(req.error_response(error).map_into_right_body()),
    }
}

async fn choose(tenants: &Tenants, req: &mut ServiceRequest) -> Result<Arc<Tenant>, Error> {
    let path = routing::routed_path(req);
    if let Some(rest) = path.strip_prefix(CONTROL) {
        return match rest.split_once('/') {
            Some((name, below)) if !below.is_empty() => {
                let below = below.to_owned();
                let named = TenantId::parse(name).ok_or_else(|| no_such_tenant(name))?;
                if !tenants.exists(&named).await? {
                    return Err(no_such_tenant(name));
                }
                let tenant = tenants.get(&named).ok_or_else(|| no_such_tenant(name))?;
                serve_as(req, &format!("/_emulator/{below}"));
                Ok(tenant)
            }
            // The registry itself: `/_emulator/tenants/{id}`.
            _ => Ok(Arc::clone(tenants.home())),
        };
    }
    if let Some(endpoint) = Endpoint::parse(path) {
        let named = match endpoint {
            Endpoint::Token { tenant, .. }
            | Endpoint::Configuration { tenant, .. }
            | Endpoint::Keys { tenant, .. } => TenantId::parse(tenant),
            Endpoint::Metadata | Endpoint::Instance => None,
        };
        return Ok(named
            .and_then(|id| tenants.get(&id))
            .unwrap_or_else(|| Arc::clone(tenants.home())));
    }
    let claimed = bearer::token(req.headers())
        .and_then(bearer::payload::<TenantClaim>)
        .and_then(|claim| claim.tid);
    let header = req
        .headers()
        .get(HEADER)
        .map(|value| value.to_str().unwrap_or_default().trim().to_owned());
    let batch = req.extensions().get::<Chosen>().cloned();
    let id = match (claimed, &header) {
        (Some(tid), _) => {
            let id = TenantId::parse(&tid).ok_or_else(|| {
                Error::InvalidAuthenticationToken(format!(
                    "The token's tenant '{tid}' is not a tenant id."
                ))
            })?;
            if let Some(named) = header.as_deref().and_then(TenantId::parse) {
                if named != id {
                    return Err(Error::InvalidAuthenticationToken(format!(
                        "The token is for tenant '{id}', not the tenant '{named}' that {HEADER} names."
                    )));
                }
            }
            Some(id)
        }
        (None, Some(name)) => Some(TenantId::parse(name).ok_or_else(|| {
            Error::BadRequest(
                StatusCode::BAD_REQUEST,
                format!("{HEADER}: '{name}' is neither a tenant's GUID nor a domain name."),
            )
        })?),
        (None, None) => None,
    };
    match (id, batch) {
        (None, Some(Chosen(outer))) => Ok(outer),
        (Some(id), Some(Chosen(outer))) if id != *outer.id() => {
            Err(Error::InvalidAuthenticationToken(format!(
                "A request of a batch in tenant '{}' cannot reach tenant '{id}'.",
                outer.id()
            )))
        }
        (None, None) => Ok(Arc::clone(tenants.home())),
        (Some(id), _) => tenants.get(&id).ok_or_else(|| {
            Error::InvalidAuthenticationToken(format!(
                "Tenant '{id}' is not served by this emulator (tenants.allowed)."
            ))
        }),
    }
}

fn no_such_tenant(name: &str) -> Error {
    Error::rule(
        404,
        "TenantNotFound",
        format!("There is no tenant '{name}'; POST /_emulator/tenants makes one."),
    )
}

/// Routes the request as if it had been sent to `path` (its query kept).
fn serve_as(req: &mut ServiceRequest, path: &str) {
    let target = match req.query_string() {
        "" => path.to_owned(),
        query => format!("{path}?{query}"),
    };
    if let Ok(uri) = target.parse::<Uri>() {
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
    }
}

/// The chosen tenant's store, as handlers take it.
#[derive(Clone)]
pub struct Store(Arc<Repository>);

impl Deref for Store {
    type Target = Repository;

    fn deref(&self) -> &Repository {
        &self.0
    }
}

impl Store {
    /// The store `open` put into the request.
    pub fn of(req: &HttpRequest) -> Result<Self, Error> {
        req.extensions()
            .get::<Store>()
            .cloned()
            .ok_or_else(|| Error::internal("no store: the tenant's store was not opened"))
    }
}

impl FromRequest for Store {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::of(req))
    }
}

/// Middleware, after authentication: opens the chosen tenant's store (making it, for a
/// tenant's first Graph request) for the routes. The control surface opens only tenants
/// that exist (health answers without a token, so it must make none; a tenant is made
/// with `POST /_emulator/tenants` or by its first Graph request). Sign-in finds its
/// tenant's store itself, and the registry's own routes need none.
pub async fn open(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = req.extensions().get::<Chosen>().cloned();
    let tenants = req.app_data::<web::Data<Tenants>>().cloned();
    let path = routing::routed_path(&req);
    let needed = !routing::is_signin(&req)
        && path != CONTROL.trim_end_matches('/')
        && !path.starts_with(CONTROL);
    if let (true, Some(Chosen(tenant)), Some(tenants)) = (needed, chosen, tenants) {
        let store = if routing::is_control(&req) {
            match tenants.existing_store(&tenant).await {
                Ok(Some(store)) => Ok(store),
                Ok(None) => Err(no_such_tenant(tenant.id().as_str())),
                Err(error) => Err(error),
            }
        } else {
            tenants.store(&tenant).await
        };
        match store {
            Ok(store) => {
                req.extensions_mut().insert(Store(store));
            }
            Err(error) => return Ok(req.error_response(error).map_into_right_body()),
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

impl FromRequest for Chosen {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Chosen>()
                .cloned()
                .ok_or_else(|| Error::internal("no tenant was chosen")),
        )
    }
}
