//! Creates that are an entity's own code, not the generic insert: a resource request
//! (carried out at once) and a role scope (resolved from what the client names); and an
//! access package's own actions.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::address::Collection;
use super::set::{Key, Set};
use crate::auth::Caller;
use crate::graph::wire::{decode, project};
use crate::graph::{response, JsonBody, OptionalJsonBody, ServiceRoot};
use crate::model::assignment_policy::requirements;
use crate::model::json::wrong_type;
use crate::model::resource_request::Described;
use crate::model::role_scope::{named, ROLE_SCOPE};
use crate::model::{Mode, Record};
use crate::tenants::select::Store;
use crate::Error;

/// `POST /accessPackageResourceRequests` (v1.0 `/resourceRequests`): carried out at once.
pub async fn create_resource_request(
    set: Set,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    // The resource is described, not bound: `accessPackageResource` (beta) or `resource`.
    let key = ["accessPackageResource", "resource"]
        .into_iter()
        .find(|key| body.0.get(*key).is_some_and(|value| !value.is_null()));
    let described = match key {
        Some(key) => Described::read(&body.0[key], key)?,
        None => Described::default(),
    };
    let changes = decode(set.entity, set.version.into(), body.0, Mode::Create)?;
    let request = Record::create(set.entity, changes, &caller.actor);
    let stored = repository
        .resource_request(request, described, &caller.actor)
        .await?;
    let location = root.entity_url(set.entity, stored.id());
    response::created(
        &root.entity_context(set.entity, ""),
        &location,
        project(&stored, set.version.into(), None),
    )
}

/// `POST /accessPackages/{id}/accessPackageResourceRoleScopes` (v1.0 `…/resourceRoleScopes`).
pub async fn create_role_scope(
    package: Collection,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    if !body.0.is_object() {
        return Err(Error::RequestBodyRead(format!(
            "The request body must be a JSON object representing a '{}'.",
            ROLE_SCOPE.odata_type
        )));
    }
    let parent = package
        .under
        .as_ref()
        .ok_or_else(|| Error::internal("a role scope created outside its package"))?;
    let stored = repository
        .add_role_scope(parent.parent.id(), named(&body.0)?, &caller.actor)
        .await?;
    let location = format!("{}/{}", root.request_url(), ROLE_SCOPE.wire_id(stored.id()));
    let value = project(&stored, package.target.version.into(), None);
    response::created(&package.entity_context(&root, ""), &location, value)
}

/// `POST /accessPackages/{id}/getApplicablePolicyRequirements`: one requirements object per
/// policy through which the caller may request the package (beta: or the user a
/// `subject.objectId` names); an empty collection when none admits them.
pub async fn applicable_policy_requirements(
    Key(id): Key,
    caller: Caller,
    root: ServiceRoot,
    body: OptionalJsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let subject = match &body.0["subject"]["objectId"] {
        Value::Null => None,
        Value::String(id) => Some(id.as_str()),
        other => return Err(wrong_type("subject.objectId", other, "a string")),
    };
    let policies = repository
        .applicable_policies(&id, &caller.who(), subject)
        .await?;
    let dialect = root.version.into();
    let value = policies
        .iter()
        .filter_map(|policy| match requirements(policy, dialect) {
            Value::Object(object) => Some(object),
            _ => None,
        })
        .collect();
    let context = format!(
        "{}Collection(microsoft.graph.accessPackageAssignmentRequestRequirements)",
        root.metadata()
    );
    response::collection(&context, value, None, None)
}

/// `POST /accessPackages/{id}/moveToCatalog` `{"catalogId": "…"}` (beta): 200, no body.
pub async fn move_to_catalog(
    Key(id): Key,
    caller: Caller,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let catalog = match &body.0["catalogId"] {
        Value::String(catalog) => catalog.clone(),
        Value::Null => {
            return Err(Error::missing_value(
                "catalogId",
                "The catalog to move to is required: catalogId.",
            ))
        }
        other => return Err(wrong_type("catalogId", other, "a string")),
    };
    repository
        .move_to_catalog(&id, &catalog, &caller.actor)
        .await?;
    Ok(HttpResponse::Ok().finish())
}

/// `POST /accessPackageCatalogs/{id}/accessPackageResources/{key}/refresh` (v1.0
/// `/catalogs/{id}/resources/{key}/refresh`): the resource's name, description and type
/// read again from its directory object; 200, no body.
pub async fn refresh_resource(
    Key(resource): Key,
    catalog: web::Path<(String, String)>,
    repository: Store,
) -> Result<HttpResponse, Error> {
    repository.refresh_resource(&catalog.0, &resource).await?;
    Ok(HttpResponse::Ok().finish())
}
