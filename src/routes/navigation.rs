//! `/{set}/{id}/{navigation}` of a single-valued navigation: the entity it leads to. (A
//! collection-valued one is served by `entity_set`, addressed through `address`.)

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::set::{Key, NavigationRoute};
use super::shape::shape_one;
use crate::graph::{response, ServiceRoot};
use crate::model::Link;
use crate::odata::ODataQuery;
use crate::tenants::select::Store;
use crate::Error;

/// `GET /{set}/{id}/{navigation}` of a single-valued navigation: the related entity with
/// the same `$select`/`$expand` as when read directly.
pub async fn get_related(
    route: NavigationRoute,
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
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
