//! `/{set}/{id}/{navigation}`: the entity a single-valued navigation leads to, or the
//! collection a collection-valued one holds; for contained collections, also create and
//! the item operations through the parent.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::listing;
use super::set::{ItemKey, Key, NavigationRoute};
use super::shape::{shape, shape_one};
use crate::auth::Caller;
use crate::graph::wire::{decode, decode_under, project};
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::{Link, Mode, Record};
use crate::odata::ODataQuery;
use crate::repository::Repository;
use crate::Error;

/// `GET /{set}/{id}/{navigation}` of a single-valued navigation: the related entity with
/// the same `$select`/`$expand` as when read directly.
pub async fn get_related(
    route: NavigationRoute,
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let target = route.target();
    let selection = query.entity_options(target.scope())?;
    let parent = repository.get(route.parent.entity, &id).await?;
    let Link::ToOne { fk } = route.navigation.link else {
        return Err(Error::internal("a collection routed as a single entity"));
    };
    let related = repository.get(target.entity, parent.text(fk)).await?;
    let value = shape_one(&repository, target.scope(), related, &selection).await?;
    let context = root.entity_context(target.entity, &selection.context_clause(target.scope()));
    response::entity(StatusCode::OK, &context, value, None)
}

/// The column of the collection's entities that names the parent.
fn parent_key(route: NavigationRoute) -> Result<&'static str, Error> {
    match route.navigation.link {
        Link::ToMany { fk } => Ok(fk),
        Link::ToOne { .. } => Err(Error::internal("a single entity routed as a collection")),
    }
}

/// `GET /{set}/{id}/{navigation}`: a page of the collection, with every list option.
pub async fn list_related(
    route: NavigationRoute,
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let target = route.target();
    let options = query.list_options(target.scope())?;
    let parent = repository.get(route.parent.entity, &id).await?;
    let page = listing::page(
        &repository,
        target.entity,
        &options,
        Some((parent_key(route)?, parent.id())),
    )
    .await?;
    let next_link = page.next_link(&query, &root);
    let value = shape(&repository, target.scope(), page.rows, &options.selection).await?;
    let clause = options.selection.context_clause(target.scope());
    let context = root.navigation_context(route.parent.entity, parent.id(), route.name, &clause);
    response::collection(&context, value, page.count, next_link)
}

/// `GET /{set}/{id}/{navigation}/$count`.
pub async fn count_related(
    route: NavigationRoute,
    Key(id): Key,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let target = route.target();
    let filter = query.filter(target.scope())?;
    let parent = repository.get(route.parent.entity, &id).await?;
    let total = repository
        .count(
            target.entity,
            filter.as_ref(),
            Some((parent_key(route)?, parent.id())),
        )
        .await?;
    Ok(response::count(total))
}

/// `POST /{set}/{id}/{navigation}`: creates an entity of the collection, bound to the
/// parent; 201.
pub async fn create_related(
    route: NavigationRoute,
    caller: Caller,
    Key(id): Key,
    root: ServiceRoot,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let target = route.target();
    let parent = repository.get(route.parent.entity, &id).await?;
    let back = reference_to_parent(route)?;
    let changes = decode_under(
        target.entity,
        target.version.into(),
        body.0,
        Mode::Create,
        Some((back, parent.id())),
    )?;
    let stored = repository
        .create(Record::create(target.entity, changes, &caller.actor))
        .await?;
    let location = root.entity_url(target.entity, stored.id());
    let context = format!(
        "{}/$entity",
        root.navigation_context(route.parent.entity, parent.id(), route.name, "")
    );
    response::created(
        &context,
        &location,
        project(&stored, target.version.into(), None),
    )
}

/// The collection's navigation back to the parent, which a create through it binds.
fn reference_to_parent(route: NavigationRoute) -> Result<&'static crate::model::Navigation, Error> {
    let fk = parent_key(route)?;
    route
        .target()
        .entity
        .reference(fk)
        .ok_or_else(|| Error::internal("a contained collection without a reference to its parent"))
}

/// The item `{key}` of the parent's collection, or 404 when the parent does not hold it.
async fn item(
    route: NavigationRoute,
    id: &str,
    key: &str,
    repository: &Repository,
) -> Result<Record, Error> {
    let parent = repository.get(route.parent.entity, id).await?;
    let target = route.target().entity;
    let item = repository
        .get(target, &target.stored_id(parent.id(), key))
        .await?;
    if item.text(parent_key(route)?) != parent.id() {
        return Err(Error::ResourceNotFound);
    }
    Ok(item)
}

/// `GET /{set}/{id}/{navigation}/{key}`.
pub async fn get_item(
    route: NavigationRoute,
    Key(id): Key,
    ItemKey(key): ItemKey,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let target = route.target();
    let selection = query.entity_options(target.scope())?;
    let found = item(route, &id, &key, &repository).await?;
    let value = shape_one(&repository, target.scope(), found, &selection).await?;
    let clause = selection.context_clause(target.scope());
    let context = format!(
        "{}/$entity",
        root.navigation_context(route.parent.entity, &id, route.name, &clause)
    );
    response::entity(StatusCode::OK, &context, value, None)
}

/// `PATCH /{set}/{id}/{navigation}/{key}`: a merge, as the generated SDKs send; 204.
pub async fn update_item(
    route: NavigationRoute,
    caller: Caller,
    Key(id): Key,
    ItemKey(key): ItemKey,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let target = route.target();
    let found = item(route, &id, &key, &repository).await?;
    let changes = decode(target.entity, target.version.into(), body.0, Mode::Update)?;
    repository
        .update(
            target.entity,
            found.id(),
            changes,
            Mode::Update,
            &caller.actor,
        )
        .await?;
    Ok(response::no_content())
}

/// `DELETE /{set}/{id}/{navigation}/{key}`: 204.
pub async fn delete_item(
    route: NavigationRoute,
    Key(id): Key,
    ItemKey(key): ItemKey,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let found = item(route, &id, &key, &repository).await?;
    repository.delete(route.target().entity, found.id()).await?;
    Ok(response::no_content())
}
