//! Signing in the way clients sign in to Entra ID, so that their unchanged credential code
//! (azure-identity's `ClientSecretCredential`, MSAL, Terraform's azuread provider) gets a
//! token from the emulator: the OAuth 2.0 token endpoint, OIDC discovery, the JWKS, MSAL's
//! instance discovery and Azure's cloud metadata document (`/metadata/endpoints`), whose
//! login and Graph endpoints are the emulator itself.
//!
//! These paths are not Graph's: they need no bearer token (this is where tokens come
//! from), failures have Entra's error body (`error`), faults are never injected into them,
//! and the journal records them without bodies (they carry secrets and tokens). They are
//! served over HTTPS only unless `auth.signin.allow_http`: every client library refuses an
//! http authority anyway.
//!
//! Tokens are RS256, signed with the emulator's own key (`key`), with the claims Graph's
//! app-only and delegated v1 tokens carry; `auth.mode = "jwt"` accepts them unconfigured.
//! Every tenant signs in (`crate::tenants`): a token's `tid` and issuer are the tenant of
//! its URL, and a client is looked up among the configured ones, then in that tenant's
//! directory.

pub mod clients;
pub mod directory;
mod discovery;
pub mod key;
mod password;
pub use crate::configuration::signin as settings;
mod token;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use jsonwebtoken::DecodingKey;

use self::clients::{Client, Configured};
use self::key::{KeyError, SigningKey};
use self::settings::SignInSettings;
use crate::configuration::Settings;
pub use crate::error::SignInError;
use crate::graph::routing;
pub use crate::graph::signin_endpoints::{is_signin_path, Endpoint};
use crate::repository::Repository;
use crate::tenants::{TenantId, Tenants};
use crate::Error;

/// The emulator's own key as the verifier needs it. Its tokens' issuer is
/// `issuer(tid)`, for the tenant each names.
pub struct OwnKey {
    pub kid: String,
    pub key: DecodingKey,
}

/// v1 tokens' issuer, which Graph's tokens carry whichever endpoint issued them.
pub fn issuer(tenant: &impl std::fmt::Display) -> String {
    format!("https://sts.windows.net/{tenant}/")
}

/// The tenant a sign-in request is for, and its directory's store when it has one: a
/// sign-in makes no tenant (its first Graph request does), and a tenant without a store
/// has no service principals of its own.
pub struct Tenancy {
    pub id: TenantId,
    pub store: Option<std::sync::Arc<Repository>>,
}

/// Sign-in's settings, key and client sources, shared by every worker.
pub struct SignIn {
    settings: SignInSettings,
    key: Option<SigningKey>,
    configured: Arc<Configured>,
    /// `auth.jwt.audiences`: the names of Graph a token may be asked for, besides the
    /// emulator's own base URL.
    graph_names: Vec<String>,
    public_url: Option<String>,
}

impl SignIn {
    /// The signing key is generated only where sign-in is served (`is_served`); an
    /// existing one is always loaded, so its tokens keep verifying. `shared`: the key the
    /// database keeps for every replica, when `auth.signin.key_file` names none.
    pub fn load(settings: &Settings, shared: Option<SigningKey>) -> Result<Self, KeyError> {
        let signin = &settings.auth.signin;
        let path = if signin.key_file.is_empty() {
            crate::tls::database_folder(&settings.database).join(key::KEY_FILE)
        } else {
            PathBuf::from(&signin.key_file)
        };
        let key = match shared {
            Some(key) => Some(key),
            None => SigningKey::load(&path, Self::is_served(settings))?,
        };
        let configured = Arc::new(Configured::new(signin));
        let base = settings.public_url_base();
        Ok(Self {
            settings: signin.clone(),
            key,
            configured,
            graph_names: settings.auth.jwt.audiences.clone(),
            public_url: (!base.is_empty()).then_some(base),
        })
    }

    /// Sign-in is served: HTTPS on, or `auth.signin.allow_http`.
    pub fn is_served(settings: &Settings) -> bool {
        settings.tls.enabled || settings.auth.signin.allow_http
    }

    /// `tenantInformation` of a tenant the emulator knows: its own, or one configured.
    pub fn tenant(&self, id: &str) -> Option<settings::TenantSettings> {
        self.settings.tenant(id)
    }

    /// The directory's own tenant, and the subscriptions the resource manager lists.
    pub fn home_tenant(&self) -> settings::TenantSettings {
        self.settings.home_tenant()
    }

    pub fn subscriptions(&self) -> &[settings::SubscriptionSettings] {
        &self.settings.subscriptions
    }

    pub fn verification_key(&self) -> Result<Option<OwnKey>, String> {
        let Some(key) = &self.key else {
            return Ok(None);
        };
        Ok(Some(OwnKey {
            kid: key.kid().to_owned(),
            key: key.decoding_key()?,
        }))
    }

    /// The tenant a path's segment names: any tenant `tenants.allowed` admits, by GUID or
    /// domain name, and the home tenant for the multi-tenant aliases a client may use
    /// before it knows the tenant.
    fn tenant_named(
        &self,
        tenants: &Tenants,
        segment: &str,
        error: &'static str,
    ) -> Result<TenantId, SignInError> {
        if segment.eq_ignore_ascii_case("common") || segment.eq_ignore_ascii_case("organizations") {
            return Ok(tenants.home().id().clone());
        }
        TenantId::parse(segment)
            .filter(|id| tenants.admits(id))
            .ok_or_else(|| Self::unknown_tenant(segment, error))
    }

    fn unknown_tenant(tenant: &str, error: &'static str) -> SignInError {
        SignInError::bad_request(
            error,
            90_002,
            format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."),
        )
    }

    /// The base URL clients reached the emulator at, as `@odata.context` is built.
    fn base(&self, req: &HttpRequest) -> String {
        crate::graph::version::base_url(req, self.public_url.as_deref())
    }

    fn key(&self) -> Result<&SigningKey, Error> {
        self.key
            .as_ref()
            .ok_or_else(|| Error::internal("sign-in is served but no signing key was loaded"))
    }

    /// The client `client_id` names, from the first source that knows it; one nobody
    /// registered when `accept_any_client` admits it. That setting also lets in, with any
    /// secret, a service principal that has no password credentials to check.
    async fn client(
        &self,
        client_id: &str,
        store: Option<&Repository>,
    ) -> Result<Option<Client>, Error> {
        let found = match (self.configured.find(client_id), store) {
            (Some(client), _) => Some(client),
            (None, Some(store)) => {
                directory::client(store, client_id, &self.settings.roles).await?
            }
            (None, None) => None,
        };
        if let Some(mut client) = found {
            client.any_secret |= client.secrets.is_empty() && self.settings.accept_any_client;
            return Ok(Some(client));
        }
        Ok(self
            .settings
            .accept_any_client
            .then(|| Client::unregistered(client_id, &self.settings.roles)))
    }

    async fn answer(
        &self,
        endpoint: Endpoint<'_>,
        tenants: &Tenants,
        req: &HttpRequest,
        payload: web::Payload,
    ) -> Result<HttpResponse, Error> {
        if !req.app_config().secure() && !self.settings.allow_http {
            return Err(Error::SignIn(SignInError::emulator(
                "invalid_request",
                "The emulator serves sign-in over HTTPS only, as Entra ID does: start it with --tls (tls.enabled) and use its https:// address, or set auth.signin.allow_http = true.",
            )));
        }
        let post = endpoint_method(endpoint) == "POST";
        if req.method().as_str() != endpoint_method(endpoint) {
            return Err(Error::SignIn(SignInError::bad_request(
                "invalid_request",
                900_561,
                format!(
                    "The endpoint only accepts {} requests. Received a {} request.",
                    if post { "POST, OPTIONS" } else { "GET" },
                    req.method()
                ),
            )));
        }
        let base = self.base(req);
        match endpoint {
            Endpoint::Metadata => Ok(discovery::metadata(&base)),
            Endpoint::Instance => Ok(discovery::instance(&base, req.query_string())),
            Endpoint::Configuration { tenant, v1 } => {
                let id = self.tenant_named(tenants, tenant, "invalid_tenant")?;
                Ok(discovery::configuration(&base, tenant, id.as_str(), v1))
            }
            Endpoint::Keys { tenant, v1 } => {
                let id = self.tenant_named(tenants, tenant, "invalid_tenant")?;
                let issuer = (!v1).then(|| format!("{base}/{id}/v2.0"));
                Ok(discovery::keys(self.key()?, issuer.as_deref()))
            }
            Endpoint::Token { tenant, v1 } => {
                let id = self.tenant_named(tenants, tenant, "invalid_request")?;
                let tenant = tenants
                    .get(&id)
                    .ok_or_else(|| Self::unknown_tenant(tenant, "invalid_request"))?;
                let at = Tenancy {
                    store: tenants.existing_store(&tenant).await?,
                    id,
                };
                let body = web::Bytes::from_request(req, &mut payload.into_inner())
                    .await
                    .map_err(|_| {
                        SignInError::emulator(
                            "invalid_request",
                            "The request body could not be read (limits.max_body_bytes).",
                        )
                    })?;
                token::token(self, &at, req, &base, v1, &body).await
            }
        }
    }
}

fn endpoint_method(endpoint: Endpoint<'_>) -> &'static str {
    match endpoint {
        Endpoint::Token { .. } => "POST",
        _ => "GET",
    }
}

impl From<SignInError> for Error {
    fn from(error: SignInError) -> Self {
        Error::SignIn(error)
    }
}

/// Everything no route matched: a sign-in endpoint, or else Graph's 400 "Resource not
/// found for the segment". Being the default service costs Graph's own requests nothing.
pub async fn or_unknown_segment(
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Error> {
    let Some(endpoint) = Endpoint::parse(req.match_info().as_str()) else {
        return routing::unknown_segment(req).await;
    };
    let (Some(signin), Some(tenants)) = (
        req.app_data::<web::Data<SignIn>>().cloned(),
        req.app_data::<web::Data<Tenants>>().cloned(),
    ) else {
        return Err(Error::internal("sign-in is not registered"));
    };
    signin
        .answer(endpoint, &tenants, &req, payload)
        .await
        .map_err(|error| match error {
            Error::SignIn(_) => error,
            // Entra's shape even for the unexpected; the cause goes to the log only.
            other => {
                tracing::error!(cause = ?other, path = req.path(), "sign-in failed");
                Error::SignIn(SignInError::server_error())
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_endpoints() {
        let t = "00000000-0000-4000-8000-000000000e11";
        for (path, expected) in [
            ("/metadata/endpoints", Some(Endpoint::Metadata)),
            (
                &format!("/{t}/oauth2/v2.0/token") as &str,
                Some(Endpoint::Token {
                    tenant: t,
                    v1: false,
                }),
            ),
            (
                &format!("//{t}/oauth2/token"),
                Some(Endpoint::Token {
                    tenant: t,
                    v1: true,
                }),
            ),
            (
                "/common/v2.0/.well-known/openid-configuration",
                Some(Endpoint::Configuration {
                    tenant: "common",
                    v1: false,
                }),
            ),
            (
                "/common/discovery/keys",
                Some(Endpoint::Keys {
                    tenant: "common",
                    v1: true,
                }),
            ),
            ("/common/discovery/instance", Some(Endpoint::Instance)),
            (
                "/beta/identityGovernance/entitlementManagement/accessPackages",
                None,
            ),
            ("/oauth2/v2.0/token", None),
            ("/a/b/oauth2/v2.0/token", None),
            ("/metadata/endpoints/x", None),
        ] {
            assert_eq!(Endpoint::parse(path), expected, "{path}");
        }
    }
}
