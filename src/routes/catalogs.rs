//! `/identityGovernance/entitlementManagement/accessPackageCatalogs` (beta) and `/catalogs` (v1.0)

use actix_web::{web, HttpResponse};

use crate::auth::Caller;
use crate::graph::{response, GraphJson, ServiceRoot};
use crate::repository::Repository;
use crate::resources::CatalogDialect;
use crate::Error;

/// Create accessPackageCatalog: `POST /{catalogs}` → 201 with the stored catalog.
pub async fn create<V: CatalogDialect>(
    caller: Caller,
    root: ServiceRoot<V>,
    body: GraphJson<V::Create>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let new = V::validate(body.into_inner())?;
    let stored = repository.create_catalog(new, &caller.actor).await?;
    let location = root.entity_url(V::ENTITY_SET, &stored.id);
    response::created(
        &root.entity_context(V::ENTITY_SET),
        &location,
        &V::Representation::from(stored),
    )
}

/// Get accessPackageCatalog: `GET /{catalogs}/{id}` → 200, or 404 when there is no such id.
pub async fn get<V: CatalogDialect>(
    root: ServiceRoot<V>,
    id: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let stored = repository.catalog(&id).await?;
    response::ok(
        &root.entity_context(V::ENTITY_SET),
        &V::Representation::from(stored),
    )
}
