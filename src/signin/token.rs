//! `POST /{tenant}/oauth2/v2.0/token` and v1's `/{tenant}/oauth2/token`: the client
//! credentials grant (and, in `password`, the resource-owner password grant), answered
//! and refused as Entra ID does. Tokens are v1 tokens, as Graph's always are, whichever
//! endpoint issued them: `iss` `https://sts.windows.net/{tid}/`, `appid`, `ver` 1.0.

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use serde_json::json;

use super::clients::{Client, SecretCheck};
use super::{issuer, password, SignIn, SignInError, Tenancy};
use crate::tenants::TenantId;
use crate::Error;

/// The form body. A parameter sent empty counts as not sent; the first of repeats wins.
pub(super) struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    /// A parameter's value, trimmed: names, ids and scopes survive a stray space.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.secret(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// A secret's value exactly as sent (Entra compares secrets and passwords whole: a
    /// space is part of them).
    pub(super) fn secret(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    pub(super) fn require(&self, name: &str) -> Result<&str, SignInError> {
        self.get(name).ok_or_else(|| SignInError::missing(name))
    }
}

pub async fn token(
    signin: &SignIn,
    at: &Tenancy,
    req: &HttpRequest,
    base: &str,
    v1: bool,
    body: &[u8],
) -> Result<HttpResponse, Error> {
    let form = Form::parse(body);
    let asked = Asked {
        signin,
        at,
        req,
        base,
        v1,
        form: &form,
    };
    match form.require("grant_type")? {
        "client_credentials" => client_credentials(&asked).await,
        "password" => password::grant(&asked).await,
        other => Err(SignInError::bad_request(
            "unsupported_grant_type",
            70_003,
            format!("The app requested an unsupported grant type '{other}'."),
        )
        .into()),
    }
}

/// A token request as a grant reads it: where it came to, in which version, with what.
pub(super) struct Asked<'a> {
    pub signin: &'a SignIn,
    /// The tenant the path names, and its directory.
    pub at: &'a Tenancy,
    pub req: &'a HttpRequest,
    /// The emulator's base URL, as the client reached it.
    pub base: &'a str,
    pub v1: bool,
    pub form: &'a Form,
}

async fn client_credentials(asked: &Asked<'_>) -> Result<HttpResponse, Error> {
    let (signin, form, v1) = (asked.signin, asked.form, asked.v1);
    let (client_id, secret) = credentials(form, asked.req)?;
    let resource = if v1 {
        form.require("resource")?.to_owned()
    } else {
        default_scope(form.require("scope")?)?
    };
    let aud = signin.graph_audience(asked.base, &resource, &asked.at.id)?;
    let client = authenticate(asked, &client_id, secret.as_deref(), true).await?;
    let mut claims = Issued::new(asked, aud.clone(), &client, "1");
    claims.app_displayname = Some(client.display_name.clone());
    claims.idp = Some(issuer(&asked.at.id));
    claims.idtyp = "app";
    claims.oid = client.object_id.clone();
    claims.sub = client.object_id.clone();
    claims.roles = (!client.roles.is_empty()).then(|| client.roles.clone());
    respond(signin, v1, &aud, &claims, None)
}

/// Client credentials ask for one resource's `/.default` (OIDC scopes aside).
fn default_scope(scope: &str) -> Result<String, SignInError> {
    let asked: Vec<&str> = scope
        .split_whitespace()
        .filter(|s| !OIDC_SCOPES.contains(s))
        .collect();
    match asked.as_slice() {
        [one] => match one.strip_suffix("/.default") {
            Some(resource) if !resource.is_empty() => Ok(resource.to_owned()),
            _ => Err(SignInError::bad_request(
                "invalid_scope",
                1_002_012,
                format!("The provided value for scope {one} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
            )),
        },
        _ => Err(invalid_scope(scope)),
    }
}

pub(super) const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

pub(super) fn invalid_scope(scope: &str) -> SignInError {
    SignInError::bad_request(
        "invalid_scope",
        70_011,
        format!("The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."),
    )
}

impl SignIn {
    /// The `aud` of a token for `resource`, if it is one of Graph's names here: those of
    /// `auth.jwt.audiences`, `server.public_url`, or the emulator's own origin, the port
    /// aside. Terraform asks for the base URL the metadata document names Graph; kiota
    /// without configured scopes asks for the Graph request's scheme and host, without
    /// its port, and that host may be another loopback name than the token request's.
    pub(super) fn graph_audience(
        &self,
        base: &str,
        resource: &str,
        tenant: &TenantId,
    ) -> Result<String, Error> {
        let trimmed = resource.trim_end_matches('/');
        let named = self
            .graph_names
            .iter()
            .map(String::as_str)
            .chain(self.public_url.as_deref())
            .any(|name| name.trim_end_matches('/').eq_ignore_ascii_case(trimmed));
        if named || same_host(base, trimmed) {
            return Ok(trimmed.to_owned());
        }
        Err(SignInError::bad_request(
            "invalid_resource",
            500_011,
            format!("The resource principal named {resource} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", tenant),
        )
        .into())
    }
}

/// Whether `url` is an http(s) origin on the host of `base`, any port; loopback names
/// count as one host.
fn same_host(base: &str, url: &str) -> bool {
    fn host(url: &str) -> Option<String> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        if rest.contains('/') || rest.is_empty() {
            return None;
        }
        let host = match rest.strip_prefix('[') {
            Some(v6) => v6.split(']').next()?,
            None => rest.split(':').next()?,
        };
        let host = host.to_ascii_lowercase();
        Some(match host.as_str() {
            "localhost" | "127.0.0.1" | "::1" => "loopback".to_owned(),
            _ => host,
        })
    }
    matches!((host(base), host(url)), (Some(a), Some(b)) if a == b)
}

/// `client_id` (required) and `client_secret` from the body, else from HTTP Basic
/// (client_secret_basic: each form-encoded, then base64 of `id:secret`).
pub(super) fn credentials(
    form: &Form,
    req: &HttpRequest,
) -> Result<(String, Option<String>), SignInError> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| STANDARD.decode(encoded.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |text: &str| {
                form_urlencoded::parse(format!("v={text}").as_bytes())
                    .next()
                    .map(|(_, value)| value.into_owned())
            };
            Some((decode(id)?, decode(secret)?))
        });
    let (basic_id, basic_secret) = basic.unzip();
    let client_id = form
        .get("client_id")
        .map(str::to_owned)
        .or(basic_id)
        .ok_or_else(|| SignInError::missing("client_id"))?;
    let secret = form
        .secret("client_secret")
        .map(str::to_owned)
        .or(basic_secret);
    Ok((client_id, secret))
}

/// The client, its secret checked. `secret_required` is false for the password grant,
/// which public clients send without one.
pub(super) async fn authenticate(
    asked: &Asked<'_>,
    client_id: &str,
    secret: Option<&str>,
    secret_required: bool,
) -> Result<Client, Error> {
    let Some(client) = asked
        .signin
        .client(client_id, asked.at.store.as_deref())
        .await?
    else {
        return Err(SignInError::bad_request(
            "unauthorized_client",
            700_016,
            format!("Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", asked.at.id),
        )
        .into());
    };
    if !client.enabled {
        return Err(SignInError::bad_request(
            "unauthorized_client",
            7_000_112,
            format!(
                "Application '{}'({}) is disabled.",
                client.client_id, client.display_name
            ),
        )
        .into());
    }
    match secret {
        None if !secret_required => Ok(client),
        None => Err(SignInError::invalid_client(
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
        .into()),
        Some(secret) => match client.check(secret) {
            SecretCheck::Valid => Ok(client),
            SecretCheck::Wrong => Err(SignInError::invalid_client(
                7_000_215,
                format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
            )
            .into()),
            SecretCheck::Expired => Err(SignInError::invalid_client(
                7_000_222,
                format!("The provided client secret keys for app '{client_id}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds"),
            )
            .into()),
        },
    }
}

/// The claims of a v1 access token, in the order Entra writes them.
#[derive(Serialize)]
pub(super) struct Issued {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amr: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_displayname: Option<String>,
    pub appid: String,
    /// "0" public client, "1" client secret.
    pub appidacr: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp: Option<String>,
    pub idtyp: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub oid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    pub sub: String,
    pub tid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    pub uti: String,
    pub ver: &'static str,
}

impl Issued {
    pub(super) fn new(asked: &Asked<'_>, aud: String, client: &Client, acr: &'static str) -> Self {
        let now = now();
        Self {
            aud,
            iss: issuer(&asked.at.id),
            // Entra dates iat and nbf five minutes back, for clients whose clocks lag.
            iat: now.saturating_sub(300),
            nbf: now.saturating_sub(300),
            exp: now + asked.signin.settings.token_lifetime_secs,
            amr: None,
            app_displayname: None,
            appid: client.client_id.clone(),
            appidacr: acr,
            idp: None,
            idtyp: "user",
            name: None,
            oid: String::new(),
            roles: None,
            scp: None,
            sub: String::new(),
            tid: asked.at.id.to_string(),
            unique_name: None,
            upn: None,
            uti: uuid::Uuid::new_v4().simple().to_string(),
            ver: "1.0",
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Entra's answer: v2 with numbers (`scope` for delegated tokens); v1 with every number
/// a string, plus `expires_on`, `not_before` and `resource`.
pub(super) fn respond(
    signin: &SignIn,
    v1: bool,
    resource: &str,
    claims: &Issued,
    scope: Option<String>,
) -> Result<HttpResponse, Error> {
    let token = signin.key()?.sign(claims).map_err(Error::internal)?;
    let lifetime = signin.settings.token_lifetime_secs;
    let mut body = serde_json::Map::new();
    body.insert("token_type".into(), json!("Bearer"));
    if let Some(scope) = scope {
        body.insert("scope".into(), json!(scope));
    }
    if v1 {
        for (name, value) in [
            ("expires_in", lifetime),
            ("ext_expires_in", lifetime),
            ("expires_on", claims.exp),
            ("not_before", claims.nbf),
        ] {
            body.insert(name.into(), json!(value.to_string()));
        }
        body.insert("resource".into(), json!(resource));
    } else {
        body.insert("expires_in".into(), json!(lifetime));
        body.insert("ext_expires_in".into(), json!(lifetime));
    }
    body.insert("access_token".into(), json!(token));
    let body = serde_json::Value::Object(body);
    let mut response = HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .body(body.to_string());
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulators_own_origin_counts_on_any_port_and_loopback_name() {
        let base = "https://localhost:8443";
        for own in [
            "https://localhost:8443",
            "https://localhost",
            "http://127.0.0.1",
            "https://[::1]:9",
        ] {
            assert!(same_host(base, own), "{own}");
        }
        for foreign in [
            "https://graph.example",
            "https://localhost:8443/beta",
            "localhost",
        ] {
            assert!(!same_host(base, foreign), "{foreign}");
        }
        assert!(same_host(
            "https://emulator.test:1",
            "https://EMULATOR.test"
        ));
    }

    #[test]
    fn client_credentials_need_one_default_scope() {
        assert_eq!(
            default_scope("https://graph.microsoft.com/.default").unwrap(),
            "https://graph.microsoft.com"
        );
        assert_eq!(
            default_scope("openid https://localhost:8443//.default profile").unwrap(),
            "https://localhost:8443/"
        );
        for (scope, code) in [
            ("https://graph.microsoft.com/User.Read", 1_002_012),
            ("/.default", 1_002_012),
            ("a/.default b/.default", 70_011),
            ("openid", 70_011),
        ] {
            assert_eq!(
                default_scope(scope).unwrap_err().code,
                Some(code),
                "{scope}"
            );
        }
    }
}
