//! The least of Azure Resource Manager that a client signing in to a custom cloud needs
//! from the emulator, which its cloud metadata names the resource manager: `az login`
//! lists `GET /subscriptions` and, without `--tenant`, `GET /tenants`. ARM's own shapes,
//! not Graph's: `{"value": […]}` lists and `{"error": {"code", "message"}}` errors, and
//! every call names an `api-version`.

use crate::graph::resource_manager::{self, error, list};
use crate::graph::routing::endpoint;
use crate::signin::SignIn;
use crate::Error;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/subscriptions").get(subscriptions))
        .service(endpoint("/tenants").get(tenants))
        .service(web::resource("/subscriptions/{subscription}").to(subscription_not_found))
        .service(
            web::resource("/subscriptions/{subscription}/{rest:.*}").to(subscription_not_found),
        );
}

/// ARM refuses any call without `api-version` and answers any version it is given here.
fn api_version(req: &HttpRequest) -> Result<(), Error> {
    let named = form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(name, value)| name.eq_ignore_ascii_case("api-version") && !value.is_empty());
    if named {
        return Ok(());
    }
    Err(error(
        StatusCode::BAD_REQUEST,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
    ))
}

/// `GET /subscriptions`: those configured (`auth.signin.subscriptions`), in the home
/// tenant, enabled.
async fn subscriptions(req: HttpRequest, signin: web::Data<SignIn>) -> Result<HttpResponse, Error> {
    api_version(&req)?;
    let tenant = signin.home_tenant().tenant_id;
    Ok(list(
        signin
            .subscriptions()
            .iter()
            .map(|subscription| {
                resource_manager::subscription(
                    &subscription.subscription_id,
                    &subscription.display_name,
                    &tenant,
                )
            })
            .collect(),
    ))
}

/// `GET /tenants`: the directory's own tenant, the one its tokens are for.
async fn tenants(req: HttpRequest, signin: web::Data<SignIn>) -> Result<HttpResponse, Error> {
    api_version(&req)?;
    let tenant = signin.home_tenant();
    Ok(list(vec![resource_manager::tenant(
        &tenant.tenant_id,
        &tenant.display_name,
        &tenant.default_domain_name,
    )]))
}

/// Anything below a subscription: none is known unless configured, and none has resources.
async fn subscription_not_found(
    req: HttpRequest,
    signin: web::Data<SignIn>,
) -> Result<HttpResponse, Error> {
    api_version(&req)?;
    let id = req.match_info().get("subscription").unwrap_or_default();
    let known = signin
        .subscriptions()
        .iter()
        .any(|subscription| subscription.subscription_id.eq_ignore_ascii_case(id));
    if known {
        return Err(error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("The emulator serves no resources in subscription '{id}': it emulates Microsoft Graph, not Azure Resource Manager."),
        ));
    }
    Err(error(
        StatusCode::NOT_FOUND,
        "SubscriptionNotFound",
        format!("The subscription '{id}' could not be found."),
    ))
}
