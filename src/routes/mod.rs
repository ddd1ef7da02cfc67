//! The URL space. Every declared entity set is mounted under `/beta` and `/v1.0` by the
//! name that version gives it, and unversioned (`/identityGovernance/…`, as on Microsoft's
//! doc pages), which is beta. One scope per path segment lets
//! `graph::routing::unknown_segment` name the segment that matched nothing.

mod actions;
mod address;
mod admin;
pub mod batch;
mod control;
mod directory;
mod entity_set;
mod health;
pub mod lifecycle;
mod links;
mod listing;
mod membership;
mod navigation;
mod operations;
mod resource_manager;
mod set;
mod shape;
mod tenants;

use actix_web::web::{self, ServiceConfig};

use crate::graph::routing::{endpoint, Endpoint};
use crate::model::directory::USER;
use crate::model::operation::Binding;
use crate::model::{registry, EntityType, Link, Navigation, Segment, Update, Version};
pub use set::{NavigationRoute, Set};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        web::scope("/_emulator")
            .service(endpoint("/health").get(health::health))
            .service(endpoint("/openapi.json").get(admin::openapi))
            .service(endpoint("/certificate").get(admin::certificate))
            .service(endpoint("/reset").post(admin::reset))
            .service(endpoint("/seed").post(admin::seed))
            .service(endpoint("/export").get(admin::export))
            .service(
                endpoint("/tenants")
                    .get(tenants::list)
                    .post(tenants::create),
            )
            .service(
                endpoint("/tenants/{id}")
                    .get(tenants::get)
                    .delete(tenants::delete),
            )
            .service(
                endpoint("/faults")
                    .get(admin::faults)
                    .put(admin::replace_faults)
                    .delete(admin::clear_faults),
            )
            .service(
                endpoint("/requests")
                    .get(admin::requests)
                    .delete(admin::clear_requests),
            )
            .service(
                endpoint("/clock")
                    .get(control::clock)
                    .put(control::set_clock),
            )
            .service(endpoint("/clock/advance").post(control::advance_clock))
            .service(
                endpoint("/lifecycle")
                    .get(control::lifecycle)
                    .put(control::set_lifecycle),
            )
            .service(endpoint("/assignmentRequests/{id}/advance").post(control::advance_request))
            .service(
                endpoint("/assignmentRequests/{id}/failDelivery").post(control::fail_delivery),
            ),
    );
    for version in Version::ALL {
        cfg.service(
            web::scope(&format!("/{}", version.segment()))
                .app_data(version)
                .service(endpoint("/$batch").post(batch::batch))
                .service(me_scope(version))
                .service(
                    web::scope("/directoryObjects")
                        .service(endpoint("/getByIds").post(membership::get_by_ids))
                        .service(operations::directory_object_actions(
                            version,
                            web::scope("/{id}").service(endpoint("").get(directory::get_object)),
                        )),
                )
                .service(
                    endpoint(&format!(
                        "/tenantRelationships{}",
                        operations::call(r"(microsoft\.graph\.)?findTenantInformationByTenantId")
                    ))
                    .get(directory::find_tenant),
                )
                .configure(|cfg| entity_sets(cfg, version)),
        );
    }
    cfg.configure(resource_manager::configure);
    entity_sets(cfg, Version::Beta);
}

/// Every set the version serves, below its root path.
fn entity_sets(cfg: &mut ServiceConfig, version: Version) {
    let served: Vec<&'static EntityType> = registry::ENTITY_TYPES
        .iter()
        .copied()
        .filter(|entity| entity.set(version).is_some())
        .collect();
    mount(cfg, version, "", &served);
}

/// The sets whose root is `prefix` here, and a scope per next segment for the rest.
fn mount(
    cfg: &mut ServiceConfig,
    version: Version,
    prefix: &str,
    entities: &[&'static EntityType],
) {
    let mut segments: Vec<&'static str> = Vec::new();
    for entity in entities {
        if entity.root == prefix {
            operations::alternate_keys(entity, version, cfg, |at| {
                item_methods(entity, at.get(entity_set::get))
            });
            for name in [entity.set(version), entity.aliases.get(version)]
                .into_iter()
                .flatten()
            {
                cfg.service(set_scope(entity, version, name));
            }
            continue;
        }
        let rest = entity
            .root
            .strip_prefix(prefix)
            .unwrap_or(entity.root)
            .trim_start_matches('/');
        let next = rest.split('/').next().unwrap_or(rest);
        if !segments.contains(&next) {
            segments.push(next);
        }
    }
    for segment in segments {
        let below = if prefix.is_empty() {
            segment.to_owned()
        } else {
            format!("{prefix}/{segment}")
        };
        let under: Vec<&'static EntityType> = entities
            .iter()
            .copied()
            .filter(|entity| entity.root == below || entity.root.starts_with(&format!("{below}/")))
            .collect();
        cfg.service(
            web::scope(&format!("/{segment}"))
                .app_data(version)
                .configure(|cfg| mount(cfg, version, &below, &under)),
        );
    }
}

/// `/{set}`, `/{set}/$count`, `/{set}/{id}` and its navigations, with the methods the
/// declaration serves (so 405 lists the right ones). `/$count` comes before `/{id}`,
/// which would otherwise take it for an id.
fn set_scope(entity: &'static EntityType, version: Version, name: &str) -> actix_web::Scope {
    let set = Set { entity, version };
    if let Some(id) = entity.singleton {
        // Read and changed as itself: `GET`, `PATCH /settings`.
        return web::scope(&format!("/{name}"))
            .app_data(set)
            .app_data(set::FixedKey(id))
            .service(endpoint("").get(entity_set::get).patch(entity_set::update));
    }
    let operations = entity.operations;
    let mut collection = endpoint("").get(entity_set::list);
    if operations.create {
        collection = operations::own_or(entity, Binding::Create, collection, |at| {
            at.post(entity_set::create)
        });
    }
    let item = item_methods(entity, endpoint("").get(entity_set::get));
    let mut by_id = web::scope("/{id}").service(item);
    for (name, navigation) in entity.navigations_in(version) {
        if navigation.segment != Segment::None {
            by_id = by_id.service(navigation_scope(set, navigation, name));
        }
    }
    by_id = operations::item_operations(entity, version, by_id);
    let scope = web::scope(&format!("/{name}"))
        .app_data(set)
        .service(collection)
        .service(endpoint("/$count").get(entity_set::count));
    operations::collection_functions(entity, version, scope).service(by_id)
}

/// `/me`: the signed-in user's item, as `/users/{id}` serves it (GET and PATCH; a user
/// does not delete itself), with its navigations and actions.
fn me_scope(version: Version) -> actix_web::Scope {
    let set = Set {
        entity: &USER,
        version,
    };
    let mut me = web::scope("/me")
        .app_data(set)
        .app_data(set::Me)
        .service(endpoint("").get(entity_set::get).patch(entity_set::update));
    for (name, navigation) in USER.navigations_in(version) {
        if navigation.segment != Segment::None {
            me = me.service(navigation_scope(set, navigation, name));
        }
    }
    operations::item_operations(&USER, version, me)
}

/// What an item of the set serves besides GET, as its declaration says.
fn item_methods(entity: &EntityType, mut item: Endpoint) -> Endpoint {
    item = match entity.operations.update {
        Update::Patch => item.patch(entity_set::update),
        Update::Put => item.put(entity_set::replace),
        Update::None => item,
    };
    if entity.operations.delete {
        item = item.delete(entity_set::delete);
    }
    item
}

fn navigation_scope(
    parent: Set,
    navigation: &'static Navigation,
    name: &'static str,
) -> actix_web::Scope {
    let route = NavigationRoute {
        parent,
        navigation,
        name,
    };
    let scope = web::scope(&format!("/{name}")).app_data(route);
    match navigation.link {
        Link::ToOne { .. } => return scope.service(endpoint("").get(navigation::get_related)),
        Link::Linked { .. } => return links_scope(scope, navigation),
        Link::ToMany { .. } => {}
    }
    let contained = navigation.segment == Segment::Contained;
    let target = route.target();
    let mut collection = endpoint("").get(entity_set::list);
    if contained && target.entity.operations.create {
        collection = operations::own_or(target.entity, Binding::Create, collection, |at| {
            at.post(entity_set::create)
        });
    }
    let mut item = endpoint("").get(entity_set::get);
    if contained {
        item = match target.entity.operations.update {
            Update::Patch => operations::own_or(target.entity, Binding::Update, item, |at| {
                at.patch(entity_set::update)
            }),
            // A contained set replaced whole (PUT) also takes a PATCH, as it always has.
            Update::Put => operations::own_or(target.entity, Binding::Update, item, |at| {
                at.patch(entity_set::update)
            })
            .put(entity_set::replace),
            Update::None => item,
        };
    }
    if contained && target.entity.operations.delete {
        item = item.delete(entity_set::delete);
    }
    // The item's own navigations: `/catalogs/{id}/resources/{key}/roles`.
    let mut by_key = web::scope("/{key}").service(item);
    for (nested, next) in target.entity.navigations_in(target.version) {
        if next.segment == Segment::Read {
            by_key = by_key
                .service(navigation_scope(target, next, nested).app_data(set::KeyName("key")));
        }
    }
    by_key =
        operations::within_item_operations(target.entity, parent.entity, target.version, by_key);
    scope
        .service(collection)
        .service(endpoint("/$count").get(entity_set::count))
        .service(by_key)
}

/// A link by reference: listed (through the generic listing when it leads to one kind),
/// and, unless read-only, its `$ref`s listed, added and removed.
fn links_scope(mut scope: actix_web::Scope, navigation: &'static Navigation) -> actix_web::Scope {
    scope = match navigation.kinds {
        Some(_) => scope.service(endpoint("").get(links::list::<false>)),
        None => scope
            .service(endpoint("").get(entity_set::list))
            .service(endpoint("/$count").get(entity_set::count)),
    };
    if navigation.segment == Segment::Ref {
        scope = scope
            .service(endpoint("/$ref").get(links::list::<true>).post(links::add))
            .service(endpoint("/{key}/$ref").delete(links::remove));
    }
    scope
}
