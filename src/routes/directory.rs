//! `addPassword` and `removePassword` (of service principals and applications),
//! `directoryObjects/{id}`, and the tenants `findTenantInformationByTenantId` knows.
//! (A group's members and owners are declared links: `routes::links`.)

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::set::{argument, arguments, Key, Set};
use super::shape::shape_one;
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::password_credential::{self, NewPassword};
use crate::odata::ODataQuery;
use crate::signin::SignIn;
use crate::tenants::select::Store;
use crate::Error;

/// `POST /servicePrincipals/{id}/addPassword` (or `/applications/{id}/…`): 200 with the
/// new credential, the only answer that ever shows its `secretText`.
pub async fn add_password(
    set: Set,
    Key(id): Key,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let NewPassword { stored, answer } = NewPassword::from_body(&body.0)?;
    repository
        .change_passwords(set.entity, &id, |credentials| {
            let mut all = credentials.as_array().cloned().unwrap_or_default();
            all.push(stored);
            Ok((Value::Array(all), ()))
        })
        .await?;
    let context = format!("{}microsoft.graph.passwordCredential", root.metadata());
    response::entity(StatusCode::OK, &context, answer, None)
}

/// `POST /servicePrincipals/{id}/removePassword` with `{"keyId": "…"}`: 204.
pub async fn remove_password(
    set: Set,
    Key(id): Key,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let key_id = password_credential::key_to_remove(&body.0)?;
    repository
        .change_passwords(set.entity, &id, |credentials| {
            password_credential::without(credentials, &key_id)
                .map(|kept| (kept, ()))
                .ok_or_else(|| password_credential::unknown_key(&key_id))
        })
        .await?;
    Ok(response::no_content())
}

/// `GET /directoryObjects/{id}`: the user, group or service principal, as its own type
/// (`@odata.type` says which), under the base type's context.
pub async fn get_object(
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let record = repository.directory_object(&id).await?;
    let entity = record.entity();
    let scope = Set {
        entity,
        version: root.version,
    }
    .scope();
    let selection = query.entity_options(scope)?;
    let mut value = shape_one(&repository, scope, record, &selection).await?;
    value.insert(
        "@odata.type".to_owned(),
        Value::from(crate::model::directory::odata_type(entity)),
    );
    let context = format!("{}directoryObjects/$entity", root.metadata());
    response::entity(StatusCode::OK, &context, value, None)
}

/// `GET /tenantRelationships/findTenantInformationByTenantId(tenantId='…')`: the
/// directory's own tenant, or one configured (`auth.signin.tenants`); any other is 404,
/// as the emulator cannot know it.
pub async fn find_tenant(
    call: web::Path<String>,
    root: ServiceRoot,
    signin: web::Data<SignIn>,
) -> Result<HttpResponse, Error> {
    let id = argument(&arguments(&call)?, "tenantId")?;
    let tenant = signin.tenant(&id).ok_or_else(|| {
        Error::rule(
            404,
            "Request_ResourceNotFound",
            format!("Tenant '{id}' was not found: the emulator knows its own tenant and those in auth.signin.tenants."),
        )
    })?;
    let context = format!("{}microsoft.graph.tenantInformation", root.metadata());
    let value = json!({"tenantId": tenant.tenant_id, "federationBrandName": null,
        "displayName": tenant.display_name, "defaultDomainName": tenant.default_domain_name});
    let Value::Object(value) = value else {
        return Err(Error::internal("tenantInformation is an object"));
    };
    response::entity(StatusCode::OK, &context, value, None)
}
