//! `/identityGovernance/entitlementManagement/accessPackages`

use actix_web::{web, HttpResponse};

use crate::auth::Caller;
use crate::graph::{response, GraphJson, ServiceRoot};
use crate::repository::Repository;
use crate::resources::access_package::ENTITY_SET;
use crate::resources::AccessPackageDialect;
use crate::Error;

/// Create accessPackage: `POST /accessPackages` → 201 with the stored access package.
pub async fn create<V: AccessPackageDialect>(
    caller: Caller,
    root: ServiceRoot<V>,
    body: GraphJson<V::Create>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let new = V::validate(body.into_inner())?;
    let stored = repository.create_access_package(new, &caller.actor).await?;
    let location = root.entity_url(ENTITY_SET, &stored.id);
    response::created(
        &root.entity_context(ENTITY_SET),
        &location,
        &V::Representation::from(stored),
    )
}

/// Get accessPackage: `GET /accessPackages/{id}` → 200, or 404 when there is no such id.
pub async fn get<V: AccessPackageDialect>(
    root: ServiceRoot<V>,
    id: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let stored = repository.access_package(&id).await?;
    response::ok(
        &root.entity_context(ENTITY_SET),
        &V::Representation::from(stored),
    )
}
