//! The documents clients read before they ask for a token, on the emulator's own base URL:
//! Azure's cloud metadata (Terraform's `ARM_METADATA_HOSTNAME`), OIDC discovery (MSAL),
//! the JWKS and MSAL's instance discovery.

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;
use serde_json::{json, Value};

use super::key::SigningKey;

fn document(value: &Value) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .body(value.to_string());
    // Entra lets clients cache these for a day; MSAL Python does so anyway.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=86400, private"),
    );
    response
}

/// `GET /metadata/endpoints?api-version=2022-09-01`, the document go-azure-sdk reads: the
/// login endpoint (without a trailing slash, which it would double) and Graph's resource
/// id, both the emulator, so Terraform asks it for the token and sends Graph calls to it.
/// Every `api-version` gets this shape: the azuread provider asks only `2022-09-01`.
pub fn metadata(base: &str) -> HttpResponse {
    document(&json!({
        "name": "EntitlementEmulator",
        "portal": base,
        "resourceManager": format!("{base}/"),
        "authentication": {
            "loginEndpoint": base,
            "audiences": [base],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "media": base,
        "graphAudience": base,
        "graph": base,
        // Without the slash Azure writes: go-azure-sdk trims it, other tools would build
        // `//v1.0/…` from it.
        "microsoftGraphResourceId": base,
        "suffixes": {},
    }))
}

/// `GET /{tenant}/v2.0/.well-known/openid-configuration` (or v1's). Endpoints keep the
/// tenant segment as asked; the issuer carries the tenant's GUID on the emulator's own
/// host, which is what msal-node's issuer check accepts (same scheme, host and port as
/// the authority).
pub fn configuration(base: &str, tenant: &str, tenant_id: &str, v1: bool) -> HttpResponse {
    let at = |path: &str| format!("{base}/{tenant}/{path}");
    let common = json!({
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "tenant_region_scope": "WW",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    });
    let own = if v1 {
        json!({
            "authorization_endpoint": at("oauth2/authorize"),
            "token_endpoint": at("oauth2/token"),
            "jwks_uri": format!("{base}/common/discovery/keys"),
            "end_session_endpoint": at("oauth2/logout"),
            "device_authorization_endpoint": at("oauth2/devicecode"),
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token", "token"],
            "scopes_supported": ["openid"],
            "issuer": format!("https://sts.windows.net/{tenant_id}/"),
        })
    } else {
        json!({
            "authorization_endpoint": at("oauth2/v2.0/authorize"),
            "token_endpoint": at("oauth2/v2.0/token"),
            "jwks_uri": at("discovery/v2.0/keys"),
            "end_session_endpoint": at("oauth2/v2.0/logout"),
            "device_authorization_endpoint": at("oauth2/v2.0/devicecode"),
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{base}/{tenant_id}/v2.0"),
            "request_uri_parameter_supported": false,
        })
    };
    let mut merged = common;
    if let (Some(into), Value::Object(from)) = (merged.as_object_mut(), own) {
        into.extend(from);
    }
    document(&merged)
}

/// `GET /{tenant}/discovery/v2.0/keys` (v2 names the issuer per key) or v1's.
pub fn keys(key: &SigningKey, issuer: Option<&str>) -> HttpResponse {
    document(&json!({ "keys": [key.jwk(issuer)] }))
}

/// `GET /common/discovery/instance`: the emulator is a cloud of one host. Neither MSAL asks
/// it (they send instance discovery to Microsoft unless it is disabled); it is here for a
/// client whose `login.microsoftonline.com` is pointed at the emulator.
pub fn instance(base: &str, query: &str) -> HttpResponse {
    let host = base.split_once("://").map_or(base, |(_, host)| host);
    // The tenant of the authority asked about: `…?authorization_endpoint=https://h/{t}/oauth2/…`.
    let tenant = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "authorization_endpoint")
        .and_then(|(_, url)| {
            let path = url.split_once("://").map(|(_, rest)| rest.to_owned())?;
            path.split('/').nth(1).map(str::to_owned)
        })
        .filter(|tenant| !tenant.is_empty())
        .unwrap_or_else(|| "common".to_owned());
    document(&json!({
        "tenant_discovery_endpoint": format!("{base}/{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{
            "preferred_network": host,
            "preferred_cache": host,
            "aliases": [host],
        }],
    }))
}
