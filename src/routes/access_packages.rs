//! `/identityGovernance/entitlementManagement/accessPackages`

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::listing::{self, Page};
use super::Dialect;
use crate::auth::Caller;
use crate::domain::{AccessPackage, Catalog, Field};
use crate::graph::odata::{shape, Expand, ListOptions, ODataQuery};
use crate::graph::{response, GraphJson, ServiceRoot};
use crate::repository::Repository;
use crate::resources::access_package::ENTITY_SET;
use crate::resources::{AccessPackageDialect, CatalogDialect};
use crate::Error;

/// Create accessPackage: `POST /accessPackages` → 201 with the stored access package.
pub async fn create<V: Dialect>(
    caller: Caller,
    root: ServiceRoot<V>,
    body: GraphJson<<V as AccessPackageDialect>::Create>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let new = <V as AccessPackageDialect>::validate(body.into_inner())?;
    let stored = repository.create_access_package(new, &caller.actor).await?;
    let location = root.entity_url(ENTITY_SET, &stored.id);
    response::created(
        &root.entity_context(ENTITY_SET),
        &location,
        &<V as AccessPackageDialect>::Representation::from(stored),
    )
}

/// List accessPackages: `GET /accessPackages` with `$filter`, `$select`, `$expand`,
/// `$orderby`, `$top`, `$skip`, `$count`, paged by `@odata.nextLink`.
pub async fn list<V: Dialect>(
    root: ServiceRoot<V>,
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let options = query.list_options(<V as AccessPackageDialect>::SCHEMA)?;
    let page = listing::page::<AccessPackage>(&repository, &options, None).await?;
    let clause = shape::context_clause(options.select.as_deref(), &options.expand);
    respond::<V>(
        &root,
        &query,
        &repository,
        page,
        &options,
        root.collection_context(ENTITY_SET, &clause),
    )
    .await
}

/// `GET /{catalogs}/{id}/accessPackages`: the access packages of one catalog.
pub async fn list_in_catalog<V: Dialect>(
    root: ServiceRoot<V>,
    id: web::Path<String>,
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let options = query.list_options(<V as AccessPackageDialect>::SCHEMA)?;
    let catalog = repository.catalog(&id).await?;
    let page = listing::page::<AccessPackage>(
        &repository,
        &options,
        Some((Field::CatalogId, &catalog.id)),
    )
    .await?;
    let clause = shape::context_clause(options.select.as_deref(), &options.expand);
    let context = root.navigation_context(
        <V as CatalogDialect>::ENTITY_SET,
        &catalog.id,
        ENTITY_SET,
        &clause,
    );
    respond::<V>(&root, &query, &repository, page, &options, context).await
}

/// A page of packages in the shape `$select`/`$expand` ask for, with its links.
async fn respond<V: Dialect>(
    root: &ServiceRoot<V>,
    query: &ODataQuery<V>,
    repository: &Repository,
    page: Page<AccessPackage>,
    options: &ListOptions,
    context: String,
) -> Result<HttpResponse, Error> {
    let next_link = page.next_link(query, root);
    let values = shape_all::<V>(
        repository,
        page.rows,
        options.select.as_deref(),
        &options.expand,
    )
    .await?;
    response::collection(&context, values, page.count, next_link)
}

/// `/accessPackages/$count`: how many match `$filter`, as plain text.
pub async fn count<V: Dialect>(
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let filter = query.filter(<V as AccessPackageDialect>::SCHEMA)?;
    let total = repository
        .count::<AccessPackage>(filter.as_ref(), None)
        .await?;
    Ok(response::count(total))
}

/// Get accessPackage: `GET /accessPackages/{id}` → 200, or 404 when there is no such id.
pub async fn get<V: Dialect>(
    root: ServiceRoot<V>,
    id: web::Path<String>,
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let (select, expand) = query.entity_options(<V as AccessPackageDialect>::SCHEMA)?;
    let stored = repository.access_package(&id).await?;
    let clause = shape::context_clause(select.as_deref(), &expand);
    let mut shaped = shape_all::<V>(&repository, vec![stored], select.as_deref(), &expand).await?;
    let value = shaped
        .pop()
        .ok_or_else(|| Error::internal("a shaped entity went missing"))?;
    response::shaped_entity(&root.selected_entity_context(ENTITY_SET, &clause), value)
}

/// Update accessPackage: `PATCH /accessPackages/{id}` → 204.
pub async fn update<V: Dialect>(
    caller: Caller,
    id: web::Path<String>,
    body: GraphJson<<V as AccessPackageDialect>::Update>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let changes = <V as AccessPackageDialect>::validate_update(body.into_inner())?;
    repository
        .update_access_package(&id, changes, &caller.actor)
        .await?;
    Ok(response::no_content())
}

/// Delete accessPackage: `DELETE /accessPackages/{id}` → 204.
pub async fn delete(
    id: web::Path<String>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    repository.delete_access_package(&id).await?;
    Ok(response::no_content())
}

/// `GET /accessPackages/{id}/accessPackageCatalog` (beta) or `/catalog` (v1.0): the
/// catalog, with the same `$select`/`$expand` as a catalog read directly.
pub async fn catalog<V: Dialect>(
    root: ServiceRoot<V>,
    id: web::Path<String>,
    query: ODataQuery<V>,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let (select, expand) = query.entity_options(<V as CatalogDialect>::SCHEMA)?;
    let package = repository.access_package(&id).await?;
    let catalog = repository.catalog(&package.catalog_id).await?;
    let clause = shape::context_clause(select.as_deref(), &expand);
    let mut shaped =
        super::catalogs::shape_all::<V>(&repository, vec![catalog], select.as_deref(), &expand)
            .await?;
    let value = shaped
        .pop()
        .ok_or_else(|| Error::internal("a shaped entity went missing"))?;
    response::shaped_entity(
        &root.selected_entity_context(<V as CatalogDialect>::ENTITY_SET, &clause),
        value,
    )
}

/// Each package in its version's shape, trimmed by `$select`, with its catalog embedded
/// when `$expand` asks for it.
async fn shape_all<V: Dialect>(
    repository: &Repository,
    rows: Vec<AccessPackage>,
    select: Option<&[&str]>,
    expand: &[Expand],
) -> Result<Vec<Map<String, Value>>, Error> {
    // The catalog navigation is the only one an access package has here.
    let expansion = expand.first();
    let catalogs: HashMap<String, Catalog> = match expansion {
        None => HashMap::new(),
        Some(_) => {
            let mut ids: Vec<String> = rows.iter().map(|row| row.catalog_id.clone()).collect();
            ids.sort();
            ids.dedup();
            repository
                .related::<Catalog>(Field::Id, ids)
                .await?
                .into_iter()
                .map(|catalog| (catalog.id.clone(), catalog))
                .collect()
        }
    };
    rows.into_iter()
        .map(|row| {
            let catalog = catalogs.get(&row.catalog_id).cloned();
            let mut object = shape::select(
                &<V as AccessPackageDialect>::Representation::from(row),
                select,
            )?;
            if let Some(expansion) = expansion {
                let embedded = match catalog {
                    Some(catalog) => Value::Object(shape::select(
                        &<V as CatalogDialect>::Representation::from(catalog),
                        expansion.select.as_deref(),
                    )?),
                    None => Value::Null,
                };
                object.insert(expansion.name.to_owned(), embedded);
            }
            Ok(object)
        })
        .collect()
}
