//! Azure Resource Manager's wire format, for the few answers the emulator gives at its
//! origin as a custom cloud's resource manager: lists are `{"value": […], "count": …}`,
//! errors `{"error": {"code", "message"}}` without Graph's `innerError`.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde_json::{json, Value};

use crate::Error;

pub fn list(value: Vec<Value>) -> HttpResponse {
    let count = value.len();
    HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .json(json!({"value": value, "count": {"type": "Total", "value": count}}))
}

/// A subscription of the home tenant, enabled.
pub fn subscription(id: &str, display_name: &str, tenant_id: &str) -> Value {
    json!({
        "id": format!("/subscriptions/{id}"),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": id,
        "tenantId": tenant_id,
        "displayName": display_name,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off"
        }
    })
}

/// The home tenant, as `GET /tenants` lists it.
pub fn tenant(tenant_id: &str, display_name: &str, domain: &str) -> Value {
    json!({
        "id": format!("/tenants/{tenant_id}"),
        "tenantId": tenant_id,
        "countryCode": "US",
        "displayName": display_name,
        "domains": [domain],
        "tenantCategory": "Home",
        "defaultDomain": domain,
        "tenantType": "AAD"
    })
}

pub fn error(status: StatusCode, code: &'static str, message: impl Into<String>) -> Error {
    Error::ResourceManager {
        status,
        code,
        message: message.into(),
    }
}

pub fn with_body(response: ServiceResponse<BoxBody>, error: &Error) -> ServiceResponse<BoxBody> {
    let body = json!({"error": {"code": error.code(), "message": error.to_string()}});
    response.map_body(|head, _| {
        head.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        head.headers.remove(header::CONTENT_LENGTH);
        BoxBody::new(body.to_string())
    })
}
