//! Routing as Graph does it: what it answers for paths and methods it does not serve, and
//! which requests middleware must treat as the control surface or a `$batch` envelope.
//!
//! Routes are nested one scope per path segment, so when nothing matches, the innermost
//! scope that did match leaves exactly the unknown remainder in `match_info().unprocessed()`.

use actix_web::dev::{AppService, HttpServiceFactory, ServiceRequest};
use actix_web::http::header::{HeaderValue, ALLOW};
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder, Route};

use crate::model::{registry, Errors, Version};
use crate::Error;

/// The emulator's own control surface, outside Graph.
const CONTROL_PREFIX: &str = "/_emulator/";

/// The path as the router will match it: percent-decoded except `%`, `/` and `+`. Checks made
/// by middleware, before routing, must use this and not the raw path, or `/%5Femulator/…`
/// would be routed to a control endpoint without being treated as one.
pub fn routed_path(req: &ServiceRequest) -> &str {
    req.match_info().as_str()
}

/// Whether the request goes to `/_emulator/…`.
pub fn is_control(req: &ServiceRequest) -> bool {
    routed_path(req).starts_with(CONTROL_PREFIX)
}

/// Whether the request goes to a sign-in endpoint (`crate::signin`): no bearer token, no
/// faults, Entra's error body, no bodies in the journal.
pub fn is_signin(req: &ServiceRequest) -> bool {
    super::signin_endpoints::is_signin_path(routed_path(req))
}

/// The part of Graph a path belongs to, for errors raised before routing (a permission the
/// token lacks): the directory's own sets (`/users`, `/groups`, `/servicePrincipals`, with
/// or without a version) answer in the directory's dialect; everything else, `$batch` and
/// unknown paths included, in Entitlement Management's, which this emulator is about.
pub fn dialect(req: &ServiceRequest) -> Errors {
    let path = routed_path(req).trim_start_matches('/');
    let (version, rest) = Version::ALL
        .iter()
        .find_map(|version| {
            let rest = path.strip_prefix(version.segment())?;
            Some((*version, rest.strip_prefix('/').unwrap_or(rest)))
        })
        .unwrap_or((Version::Beta, path));
    let first = rest.split(['/', '(']).next().unwrap_or(rest);
    let directory = registry::ENTITY_TYPES.iter().any(|entity| {
        entity.errors == Errors::Directory
            && entity.root.is_empty()
            && entity.set(version) == Some(first)
    });
    if directory {
        Errors::Directory
    } else {
        Errors::EntitlementManagement
    }
}

/// Whether the request is a `$batch` envelope (`POST /beta/$batch`, `POST /v1.0/$batch`).
pub fn is_batch(req: &ServiceRequest) -> bool {
    req.method() == Method::POST && matches!(routed_path(req), "/beta/$batch" | "/v1.0/$batch")
}

/// A resource whose unknown methods get Graph's 405 with an `Allow` header listing the
/// methods it serves (RFC 9110), rather than actix's empty 405.
pub fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        allowed: Vec::new(),
    }
}

pub struct Endpoint {
    resource: Resource,
    allowed: Vec<&'static str>,
}

macro_rules! method {
    ($name:ident, $route:ident, $method:literal) => {
        pub fn $name<F, Args>(self, handler: F) -> Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.route($method, web::$route().to(handler))
        }
    };
}

impl Endpoint {
    /// Data the resource's handlers read (`Set`, `NavigationRoute`).
    pub fn app_data<T: 'static>(mut self, data: T) -> Self {
        self.resource = self.resource.app_data(data);
        self
    }

    method!(get, get, "GET");
    method!(post, post, "POST");
    method!(patch, patch, "PATCH");
    method!(put, put, "PUT");
    method!(delete, delete, "DELETE");

    fn route(mut self, method: &'static str, route: Route) -> Self {
        self.resource = self.resource.route(route);
        self.allowed.push(method);
        self
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let allow = self.allowed.join(", ");
        self.resource
            .default_service(web::to(move || method_not_allowed(allow.clone())))
            .register(config);
    }
}

async fn method_not_allowed(allow: String) -> HttpResponse {
    let mut response = HttpResponse::from_error(Error::MethodNotAllowed);
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

/// The default service: 400 `Resource not found for the segment '…'`, naming the first
/// segment that matched nothing.
pub async fn unknown_segment(req: HttpRequest) -> Result<HttpResponse, Error> {
    let first_unmatched = req
        .match_info()
        .unprocessed()
        .split('/')
        .find(|segment| !segment.is_empty());
    let segment = first_unmatched
        .or_else(|| req.path().split('/').rfind(|segment| !segment.is_empty()))
        .unwrap_or_default();
    Err(Error::UnknownSegment(segment.to_owned()))
}
