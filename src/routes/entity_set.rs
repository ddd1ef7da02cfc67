//! The operations every declared entity set serves, written once. Each reads like its
//! page in Graph's docs: what it takes, what it answers.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::listing;
use super::set::{Key, Set};
use super::shape::{shape, shape_one};
use crate::auth::Caller;
use crate::graph::wire::{decode, project};
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::{Mode, Record};
use crate::odata::{Filter, ODataQuery};
use crate::repository::Repository;
use crate::Error;

/// `GET /{set}`: a page of entities with `$filter`, `$select`, `$expand`, `$orderby`,
/// `$top`, `$skip` and `$count`; `@odata.nextLink` when more remain.
pub async fn list(
    set: Set,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    list_where(set, root, query, repository, None).await
}

/// A listing of the set narrowed by `only` besides the client's `$filter`: what a
/// function such as `filterByCurrentUser` returns.
pub async fn list_where(
    set: Set,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
    only: Option<Filter>,
) -> Result<HttpResponse, Error> {
    let scope = set.scope();
    let mut options = query.list_options(scope)?;
    if let Some(only) = only {
        options.filter = Some(match options.filter.take() {
            Some(asked) => Filter::And(Box::new(only), Box::new(asked)),
            None => only,
        });
    }
    let page = listing::page(&repository, set.entity, &options, None).await?;
    let next_link = page.next_link(&query, &root);
    let value = shape(&repository, scope, page.rows, &options.selection).await?;
    let context = root.collection_context(set.entity, &options.selection.context_clause(scope));
    response::collection(&context, value, page.count, next_link)
}

/// `GET /{set}/$count`: how many match `$filter`, as plain text.
pub async fn count(
    set: Set,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let filter = query.filter(set.scope())?;
    Ok(response::count(
        repository.count(set.entity, filter.as_ref(), None).await?,
    ))
}

/// `POST /{set}`: 201 with the stored entity and its `Location`.
pub async fn create(
    set: Set,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let changes = decode(set.entity, set.version.into(), body.0, Mode::Create)?;
    let stored = repository
        .create(Record::create(set.entity, changes, &caller.actor))
        .await?;
    let location = root.entity_url(set.entity, stored.id());
    let context = root.entity_context(set.entity, "");
    response::created(
        &context,
        &location,
        project(&stored, set.version.into(), None),
    )
}

/// `GET /{set}/{id}` with `$select` and `$expand`: 200, or 404 when there is no such id.
pub async fn get(
    set: Set,
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let scope = set.scope();
    let selection = query.entity_options(scope)?;
    let stored = repository.get(set.entity, &id).await?;
    let value = shape_one(&repository, scope, stored, &selection).await?;
    response::entity(
        StatusCode::OK,
        &root.entity_context(set.entity, &selection.context_clause(scope)),
        value,
        None,
    )
}

/// `PATCH /{set}/{id}`: what the body names changes; 204.
pub async fn update(
    set: Set,
    caller: Caller,
    Key(id): Key,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let changes = decode(set.entity, set.version.into(), body.0, Mode::Update)?;
    repository
        .update(set.entity, &id, changes, Mode::Update, &caller.actor)
        .await?;
    Ok(response::no_content())
}

/// `PUT /{set}/{id}`: the body replaces the entity whole; 200 with what is stored.
pub async fn replace(
    set: Set,
    caller: Caller,
    Key(id): Key,
    root: ServiceRoot,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let changes = decode(set.entity, set.version.into(), body.0, Mode::Replace)?;
    let stored = repository
        .update(set.entity, &id, changes, Mode::Replace, &caller.actor)
        .await?;
    let context = root.entity_context(set.entity, "");
    response::entity(
        StatusCode::OK,
        &context,
        project(&stored, set.version.into(), None),
        None,
    )
}

/// `DELETE /{set}/{id}`: 204.
pub async fn delete(
    set: Set,
    Key(id): Key,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    repository.delete(set.entity, &id).await?;
    Ok(response::no_content())
}
