//! The operations every declared entity set serves, written once, and served as well by
//! the collections a navigation contains under a parent (`address`). Each reads like its
//! page in Graph's docs: what it takes, what it answers.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::address::{Collection, Item};
use super::listing;
use super::shape::{shape, shape_one};
use crate::auth::Caller;
use crate::graph::wire::{decode, decode_under, project};
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::{Mode, Record};
use crate::odata::{Filter, ODataQuery};
use crate::repository::Repository;
use crate::tenants::select::Store;
use crate::Error;

/// `GET /{set}` (or `/{set}/{id}/{navigation}`): a page of entities with `$filter`,
/// `$select`, `$expand`, `$orderby`, `$top`, `$skip` and `$count`; `@odata.nextLink` when
/// more remain.
pub async fn list(
    collection: Collection,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
) -> Result<HttpResponse, Error> {
    list_where(collection, root, query, repository, None).await
}

/// A listing narrowed by `only` besides the client's `$filter`: what a function such as
/// `filterByCurrentUser` returns.
pub async fn list_where(
    collection: Collection,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
    only: Option<Filter>,
) -> Result<HttpResponse, Error> {
    let scope = collection.target.scope();
    let mut options = query.list_options(scope)?;
    if let Some(only) = only {
        options.filter = Some(match options.filter.take() {
            Some(asked) => Filter::And(Box::new(only), Box::new(asked)),
            None => only,
        });
    }
    let page = listing::page(&repository, scope.entity, &options, collection.scope()?).await?;
    let next_link = page.next_link(&query, &root);
    let value = shape(&repository, scope, page.rows, &options.selection).await?;
    let context = collection.collection_context(&root, &options.selection.context_clause(scope));
    response::collection(&context, value, page.count, next_link)
}

/// `GET /{set}/$count`: how many match `$filter` (and the directory's `$search`), as
/// plain text.
pub async fn count(
    collection: Collection,
    query: ODataQuery,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let scope = collection.target.scope();
    let filter = query.count_filter(scope)?;
    let total = repository
        .count(scope.entity, filter.as_ref(), collection.scope()?)
        .await?;
    Ok(response::count(total))
}

/// `POST /{set}`: 201 with the stored entity and its `Location`; through a parent, bound
/// to it.
pub async fn create(
    collection: Collection,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let target = collection.target;
    let mut changes = decode_under(
        target.entity,
        target.version.into(),
        body.0,
        Mode::Create,
        collection.bind()?,
    )?;
    let nested = std::mem::take(&mut changes.nested);
    let stored = repository
        .create_with(
            Record::create(target.entity, changes, &caller.actor),
            nested,
            &caller.actor,
        )
        .await?;
    let location = root.entity_url(target.entity, stored.id());
    response::created(
        &collection.entity_context(&root, ""),
        &location,
        project(&stored, target.version.into(), None),
    )
}

/// `GET /{set}/{id}` with `$select` and `$expand`: 200, or 404 when there is no such id.
pub async fn get(
    item: Item,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let scope = item.collection.target.scope();
    let selection = query.entity_options(scope)?;
    let context = item
        .collection
        .entity_context(&root, &selection.context_clause(scope));
    let value = shape_one(&repository, scope, item.record, &selection).await?;
    response::entity(StatusCode::OK, &context, value, None)
}

/// The item as the body changes it (`Mode::Update`: what it names; `Mode::Replace`: the
/// whole entity), stored.
async fn write(
    item: &Item,
    caller: &Caller,
    body: JsonBody,
    mode: Mode,
    repository: &Repository,
) -> Result<Record, Error> {
    let target = item.collection.target;
    let changes = decode(target.entity, target.version.into(), body.0, mode)?;
    repository
        .update(
            target.entity,
            item.record.id(),
            changes,
            mode,
            &caller.actor,
        )
        .await
}

/// `PATCH /{set}/{id}`: what the body names changes; 204.
pub async fn update(
    item: Item,
    caller: Caller,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    write(&item, &caller, body, Mode::Update, &repository).await?;
    Ok(response::no_content())
}

/// `PUT /{set}/{id}`: the body replaces the entity whole; 200 with what is stored.
pub async fn replace(
    item: Item,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let stored = write(&item, &caller, body, Mode::Replace, &repository).await?;
    let target = item.collection.target;
    response::entity(
        StatusCode::OK,
        &item.collection.entity_context(&root, ""),
        project(&stored, target.version.into(), None),
        None,
    )
}

/// `DELETE /{set}/{id}`: 204.
pub async fn delete(item: Item, repository: Store) -> Result<HttpResponse, Error> {
    repository
        .delete(item.collection.target.entity, item.record.id())
        .await?;
    Ok(response::no_content())
}
