//! Who is calling. In `auth.mode = "any"` every Graph request must carry a bearer token,
//! not validated, whose user claim (when it is a JWT) names the actor recorded in
//! `createdBy`/`modifiedBy`. In `"jwt"` the token is verified (`jwt`) and must grant the
//! permission the request needs.

mod control;
pub mod jwt;

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use self::control::ControlGuard;
use self::jwt::Verifier;
use crate::configuration::{AdminSettings, AuthMode, AuthSettings, ConfigurationError};
use crate::graph::{bearer, routing};
use crate::model::Errors;
use crate::signin::OwnKey;
use crate::Error;

/// The settings and, in jwt mode, the loaded keys.
pub struct Authenticator {
    settings: AuthSettings,
    verifier: Option<Verifier>,
    control: ControlGuard,
}

impl Authenticator {
    /// `own`: the key the emulator's sign-in signs with, which jwt mode trusts unasked;
    /// `public_authority`: host and port of `server.public_url`, which the control surface
    /// answers to.
    pub fn new(
        settings: &AuthSettings,
        admin: &AdminSettings,
        own: Option<OwnKey>,
        public_authority: Option<&str>,
    ) -> Result<Self, ConfigurationError> {
        let verifier = match settings.mode {
            AuthMode::Jwt => Some(Verifier::load(&settings.jwt, own)?),
            AuthMode::Any | AuthMode::None => None,
        };
        Ok(Self {
            settings: settings.clone(),
            verifier,
            control: ControlGuard::new(admin, public_authority, settings.mode == AuthMode::Jwt),
        })
    }
}

/// The authenticated caller of a Graph request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user principal name to record as createdBy/modifiedBy.
    pub actor: String,
    /// The token's `oid`: who "the current user" of `filterByCurrentUser` and a
    /// self-service request is.
    pub object_id: Option<String>,
}

impl Caller {
    fn from_headers(
        headers: &HeaderMap,
        auth: &Authenticator,
        write: bool,
        dialect: Errors,
    ) -> Result<Self, Error> {
        let settings = &auth.settings;
        let token = bearer::token(headers);
        if let Some(verifier) = &auth.verifier {
            let claims = verifier.verify(token.ok_or(Error::MissingAccessToken)?)?;
            if !claims.allows(write) {
                return Err(Error::AccessDenied(dialect));
            }
            let actor = claims
                .actor()
                .unwrap_or_else(|| settings.default_actor.clone());
            return Ok(Self {
                actor,
                object_id: claims.oid,
            });
        }
        if settings.mode == AuthMode::Any && token.is_none() {
            return Err(Error::MissingAccessToken);
        }
        let claims = token.and_then(unverified_claims);
        let actor = claims
            .as_ref()
            .and_then(jwt::Claims::actor)
            .unwrap_or_else(|| settings.default_actor.clone());
        Ok(Self {
            actor,
            object_id: claims.and_then(|claims| claims.oid),
        })
    }
}

/// Middleware: establishes the `Caller` of every Graph request, or answers 401.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(auth) = req.app_data::<web::Data<Authenticator>>().cloned() else {
        let error = Error::internal("auth settings are not registered");
        return Ok(req.error_response(error).map_into_right_body());
    };
    if routing::is_control(&req) {
        if let Err(error) = auth
            .control
            .admit(routing::routed_path(&req), req.headers())
        {
            return Ok(req.error_response(error).map_into_right_body());
        }
    } else if routing::is_signin(&req) {
        // Sign-in is where tokens come from: it needs none.
    } else {
        // Reads need Read.All or ReadWrite.All; anything that changes state ReadWrite.All.
        // A `$batch` envelope changes nothing itself: each item is checked as it runs.
        let write = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS")
            && !routing::is_batch(&req);
        match Caller::from_headers(req.headers(), &auth, write, routing::dialect(&req)) {
            Ok(caller) => {
                req.extensions_mut().insert(caller);
            }
            // A response, not `Err`, so the outer request context renders it like any other.
            Err(error) => return Ok(req.error_response(error).map_into_right_body()),
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

impl Caller {
    /// Who the caller is, as requests and approvals ask.
    pub fn who(&self) -> crate::repository::Who {
        crate::repository::Who {
            actor: self.actor.clone(),
            object_id: self.object_id.clone(),
        }
    }
}

impl FromRequest for Caller {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.extensions().get::<Caller>().cloned().ok_or_else(|| {
            Error::internal("no Caller: the authenticate middleware is not installed")
        }))
    }
}

/// The claims of a JWT, unchecked: in `any` mode they only decide what createdBy says
/// and who "the current user" is.
fn unverified_claims(token: &str) -> Option<jwt::Claims> {
    bearer::payload(token)
}

/// Who a JWT names (`Claims::actor`: upn, preferred_username, unique_name, then an app's name).
#[cfg(test)]
fn actor_claim(token: &str) -> Option<String> {
    unverified_claims(token)?.actor()
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::*;

    #[test]
    fn upn_wins_over_the_other_user_claims() {
        let payload = bearer::BASE64URL.encode(br#"{"preferred_username":"p@x","upn":"u@x"}"#);
        assert_eq!(
            actor_claim(&format!("e30.{payload}.sig")).as_deref(),
            Some("u@x")
        );
    }

    #[test]
    fn opaque_tokens_have_no_actor() {
        assert_eq!(actor_claim("not-a-jwt"), None);
        assert_eq!(actor_claim("a.%%%.c"), None);
    }
}
