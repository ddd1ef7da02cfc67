//! `/identityGovernance/entitlementManagement/accessPackageCatalogs` (beta) and `/catalogs` (v1.0)

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::listing;
use super::Dialect;
use crate::auth::Caller;
use crate::domain::{AccessPackage, Catalog, Field};
use crate::graph::odata::{shape, Expand, ODataQuery};
use crate::graph::{response, GraphJson, ServiceRoot};
use crate::repository::Repository;
use crate::resources::{AccessPackageDialect, CatalogDialect};
use crate::Error;

/// Create accessPackageCatalog: `POST /{catalogs}` → 201 with the stored catalog.
pub async fn create<V: Dialect>(
    caller: Caller,
    root: ServiceRoot<V>,
    body: GraphJson<<V as CatalogDialect>::Create>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let new = <V as CatalogDialect>::validate(body.into_inner())?;
    let stored = repository.create_catalog(new, &caller.actor).await?;
    let location = root.entity_url(V::ENTITY_SET, &stored.id);
    response::created(
        &root.entity_context(V::ENTITY_SET),
        &location,
        &<V as CatalogDialect>::Representation::from(stored),
    )
}

/// List accessPackageCatalogs: `GET /{catalogs}` with the OData query options.
pub async fn list<V: Dialect>(
    root: ServiceRoot<V>,
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let options = query.list_options(<V as CatalogDialect>::SCHEMA)?;
    let page = listing::page::<Catalog>(&repository, &options, None).await?;
    let next_link = page.next_link(&query, &root);
    let values = shape_all::<V>(
        &repository,
        page.rows,
        options.select.as_deref(),
        &options.expand,
    )
    .await?;
    let clause = shape::context_clause(options.select.as_deref(), &options.expand);
    response::collection(
        &root.collection_context(V::ENTITY_SET, &clause),
        values,
        page.count,
        next_link,
    )
}

/// `/{catalogs}/$count`: how many match `$filter`, as plain text.
pub async fn count<V: Dialect>(
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let filter = query.filter(<V as CatalogDialect>::SCHEMA)?;
    let total = repository.count::<Catalog>(filter.as_ref(), None).await?;
    Ok(response::count(total))
}

/// Get accessPackageCatalog: `GET /{catalogs}/{id}` → 200, or 404 when there is no such id.
pub async fn get<V: Dialect>(
    root: ServiceRoot<V>,
    id: web::Path<String>,
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let (select, expand) = query.entity_options(<V as CatalogDialect>::SCHEMA)?;
    let stored = repository.catalog(&id).await?;
    let clause = shape::context_clause(select.as_deref(), &expand);
    let mut shaped = shape_all::<V>(&repository, vec![stored], select.as_deref(), &expand).await?;
    let value = shaped
        .pop()
        .ok_or_else(|| Error::internal("a shaped entity went missing"))?;
    response::shaped_entity(&root.selected_entity_context(V::ENTITY_SET, &clause), value)
}

/// Update accessPackageCatalog: `PATCH /{catalogs}/{id}` → 204.
pub async fn update<V: Dialect>(
    caller: Caller,
    id: web::Path<String>,
    body: GraphJson<<V as CatalogDialect>::Update>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let changes = <V as CatalogDialect>::validate_update(body.into_inner())?;
    repository
        .update_catalog(&id, changes, &caller.actor)
        .await?;
    Ok(response::no_content())
}

/// Delete accessPackageCatalog: `DELETE /{catalogs}/{id}` → 204; 409 while it holds
/// access packages; the built-in catalog cannot be deleted.
pub async fn delete(
    id: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    repository.delete_catalog(&id).await?;
    Ok(response::no_content())
}

/// Each catalog in its version's shape, trimmed by `$select`, with its access packages
/// embedded when `$expand=accessPackages` asks for them.
pub(super) async fn shape_all<V: Dialect>(
    repository: &Repository,
    rows: Vec<Catalog>,
    select: Option<&[&str]>,
    expand: &[Expand],
) -> Result<Vec<Map<String, Value>>, Error> {
    let expansion = expand.first();
    let mut packages: HashMap<String, Vec<AccessPackage>> = HashMap::new();
    if expansion.is_some() {
        let ids = rows.iter().map(|row| row.id.clone()).collect();
        for package in repository
            .related::<AccessPackage>(Field::CatalogId, ids)
            .await?
        {
            packages
                .entry(package.catalog_id.clone())
                .or_default()
                .push(package);
        }
    }
    rows.into_iter()
        .map(|row| {
            let contained = packages.remove(&row.id).unwrap_or_default();
            let mut object =
                shape::select(&<V as CatalogDialect>::Representation::from(row), select)?;
            if let Some(expansion) = expansion {
                let embedded = contained
                    .into_iter()
                    .map(|package| {
                        shape::select(
                            &<V as AccessPackageDialect>::Representation::from(package),
                            expansion.select.as_deref(),
                        )
                        .map(Value::Object)
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                object.insert(expansion.name.to_owned(), Value::Array(embedded));
            }
            Ok(object)
        })
        .collect()
}
