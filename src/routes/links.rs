//! Links by reference, for any navigation declared `Navigation::linked`: `GET …/{name}` of
//! directory objects of several kinds (a group's members; a link to one kind is listed by
//! `entity_set::list`, with every query option), `GET …/{name}/$ref`, `POST …/{name}/$ref`
//! with `{"@odata.id": "…/{id}"}` (any host, any path that ends in the id), and
//! `DELETE …/{name}/{key}/$ref`.

use actix_web::HttpResponse;
use serde_json::{Map, Value};

use super::set::{ItemKey, Key, NavigationRoute};
use crate::graph::wire::{project_typed, trailing_id};
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::Record;
use crate::odata::{ODataQuery, Scalar};
use crate::repository::Repository;
use crate::tenants::select::Store;
use crate::Error;

/// One page of what the parent links to, and the next page's link.
async fn page(
    route: NavigationRoute,
    id: &str,
    root: &ServiceRoot,
    query: &ODataQuery,
    repository: &Repository,
) -> Result<(Vec<Record>, Option<String>), Error> {
    let page = query.plain_page(2)?;
    let after = match page.after.as_deref() {
        None => None,
        Some([Scalar::Int(added), Scalar::Text(target)]) => Some((*added, target.as_str())),
        Some(_) => {
            return Err(Error::InvalidQuery(
                "The $skiptoken is not valid for this request.".to_owned(),
            ))
        }
    };
    let parent = repository.get(route.parent.entity, id).await?;
    let mut linked = repository
        .linked(
            &parent,
            route.navigation,
            after,
            page.wanted.saturating_add(1),
        )
        .await?;
    let more = page.more(linked.len());
    linked.truncate(usize::try_from(page.wanted).unwrap_or(usize::MAX));
    let next_link = more
        .then(|| linked.last())
        .flatten()
        .map(|(_, (added, target))| {
            query.next_link(
                &root.request_url(),
                linked.len() as u64,
                &[Scalar::Int(*added), Scalar::Text(target.clone())],
            )
        });
    Ok((
        linked.into_iter().map(|(record, _)| record).collect(),
        next_link,
    ))
}

/// `GET /groups/{id}/members` (directory objects of any kind, each with its
/// `@odata.type`) and, with `REFS`, `GET …/{name}/$ref` (the linked objects' URLs): paged
/// as every listing is (`$top`, the page size, `@odata.nextLink`).
pub async fn list<const REFS: bool>(
    route: NavigationRoute,
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let (records, next_link) = page(route, &id, &root, &query, &repository).await?;
    let dialect = route.parent.version.into();
    let value = records
        .iter()
        .map(|record| match REFS {
            true => {
                let url = root.reference_url(record.entity(), record.id());
                Map::from_iter([("@odata.id".to_owned(), Value::from(url))])
            }
            false => project_typed(record, dialect),
        })
        .collect();
    let context = if REFS {
        "Collection($ref)"
    } else {
        "directoryObjects"
    };
    response::collection(
        &format!("{}{context}", root.metadata()),
        value,
        None,
        next_link,
    )
}

/// `POST …/{name}/$ref` with `{"@odata.id": "…"}`: 204.
pub async fn add(
    route: NavigationRoute,
    Key(id): Key,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let given = body.0.get("@odata.id").and_then(Value::as_str);
    let Some(target) = given.and_then(trailing_id) else {
        return Err(route
            .parent
            .entity
            .errors
            .bad_reference(given.unwrap_or_default()));
    };
    let parent = (route.parent.entity, id.as_str());
    repository
        .change_link(parent, route.navigation, target, true)
        .await?;
    Ok(response::no_content())
}

/// `DELETE …/{name}/{key}/$ref`: 204.
pub async fn remove(
    route: NavigationRoute,
    Key(id): Key,
    ItemKey(target): ItemKey,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let parent = (route.parent.entity, id.as_str());
    repository
        .change_link(parent, route.navigation, &target, false)
        .await?;
    Ok(response::no_content())
}
