//! What each entity declares besides CRUD (`model::operation`), mounted from the
//! declarations: where an operation goes follows from its binding, and `attach` is the one
//! place that says which handler does which behaviour.

use actix_web::{web, Scope};

use super::set::KeyName;
use super::{actions, directory, lifecycle, membership};
use crate::graph::routing::{endpoint, Endpoint};
use crate::model::operation::{Behaviour, Binding, Operation};
use crate::model::{EntityType, Version};

fn bound(entity: &EntityType, binding: Binding) -> impl Iterator<Item = &'static Operation> + '_ {
    entity
        .bound
        .iter()
        .filter(move |operation| operation.binding == binding)
}

/// The handler of a behaviour, with the method it answers; the behaviour is the
/// endpoint's data, for a handler that serves more than one.
fn attach(behaviour: Behaviour, at: Endpoint) -> Endpoint {
    let at = at.app_data(behaviour);
    match behaviour {
        Behaviour::CreateRequest => at.post(lifecycle::create_request),
        Behaviour::CreateResourceRequest => at.post(actions::create_resource_request),
        Behaviour::CreateRoleScope => at.post(actions::create_role_scope),
        Behaviour::CancelRequest => at.post(lifecycle::cancel),
        Behaviour::ReprocessRequest => at.post(lifecycle::reprocess_request),
        Behaviour::ResumeRequest => at.post(lifecycle::resume),
        Behaviour::ReprocessAssignment => at.post(lifecycle::reprocess_assignment),
        Behaviour::DecideStage => at.patch(lifecycle::decide),
        Behaviour::RequestsOfCurrentUser
        | Behaviour::AssignmentsOfCurrentUser
        | Behaviour::ApprovalsOfCurrentUser
        | Behaviour::PackagesOfCurrentUser => at.get(lifecycle::of_current_user),
        Behaviour::AdditionalAccess => at.get(lifecycle::additional_access),
        Behaviour::SubjectByObjectId => at.get(lifecycle::subject_by_object_id),
        Behaviour::UpdateSubjectByObjectId => at.patch(lifecycle::update_subject_by_object_id),
        Behaviour::ApplicablePolicyRequirements => at.post(actions::applicable_policy_requirements),
        Behaviour::MoveToCatalog => at.post(actions::move_to_catalog),
        Behaviour::RefreshResource => at.post(actions::refresh_resource),
        Behaviour::AddPassword => at.post(directory::add_password),
        Behaviour::RemovePassword => at.post(directory::remove_password),
        Behaviour::CheckMemberGroups
        | Behaviour::GetMemberGroups
        | Behaviour::CheckMemberObjects
        | Behaviour::GetMemberObjects => at.post(membership::membership),
    }
}

/// The entity's own create (`POST` on its collection, or the navigation containing it) or
/// update (`PATCH` on a contained item), when it declares one; else the generic one.
pub fn own_or(
    entity: &EntityType,
    binding: Binding,
    at: Endpoint,
    generic: impl FnOnce(Endpoint) -> Endpoint,
) -> Endpoint {
    match bound(entity, binding).next() {
        Some(operation) => attach(operation.behaviour, at),
        None => generic(at),
    }
}

/// `name(…)` as a path segment, in either spelling of its parenthesis; one segment
/// only, so that `…(appId='x')/addPassword` is not taken for it.
pub(super) fn call(name: &str) -> String {
    format!(r"/{{call:{name}(\(|%28)[^/]*}}")
}

/// The functions bound to the collection, beside `/{id}` (registered before it, which
/// would take them for ids).
pub fn collection_functions(entity: &EntityType, version: Version, mut scope: Scope) -> Scope {
    for operation in bound(entity, Binding::Collection) {
        if let Some(name) = operation.name.get(version) {
            scope = scope.service(attach(operation.behaviour, endpoint(&call(name))));
        }
    }
    scope
}

/// `/{set}(key='…')`, beside the set itself: one resource, a method per operation; or,
/// for an entity with `keys`, the item's GET, PATCH and DELETE (`item`).
pub fn alternate_keys(
    entity: &'static EntityType,
    version: Version,
    cfg: &mut web::ServiceConfig,
    item: impl FnOnce(Endpoint) -> Endpoint,
) {
    let Some(set) = entity.set(version) else {
        return;
    };
    if !entity.keys.is_empty() {
        let at = endpoint(&call(set))
            .app_data(super::Set { entity, version })
            .app_data(super::set::KeyCall);
        cfg.service(item(at));
        return;
    }
    let mut operations = bound(entity, Binding::AlternateKey).peekable();
    if operations.peek().is_none() {
        return;
    }
    cfg.service(operations.fold(endpoint(&call(set)), |at, operation| {
        attach(operation.behaviour, at)
    }));
}

/// The membership actions under `directoryObjects/{id}`, whichever kind the id is: the
/// same declarations the kinds carry.
pub fn directory_object_actions(version: Version, mut by_id: Scope) -> Scope {
    for operation in crate::model::membership::ACTIONS.iter() {
        if let Some(name) = operation.name.get(version) {
            by_id = by_id.service(attach(operation.behaviour, endpoint(&format!("/{name}"))));
        }
    }
    by_id
}

/// The actions bound to an item, under its `/{id}`.
pub fn item_operations(entity: &EntityType, version: Version, mut by_id: Scope) -> Scope {
    for operation in entity.bound {
        let Some(name) = operation.name.get(version) else {
            continue;
        };
        by_id = match operation.binding {
            Binding::Item => {
                by_id.service(attach(operation.behaviour, endpoint(&format!("/{name}"))))
            }
            _ => by_id,
        };
    }
    by_id
}

/// The actions bound to an item reached through its container's navigation, under its
/// `/{key}`.
pub fn within_item_operations(
    entity: &EntityType,
    container: &EntityType,
    version: Version,
    mut by_key: Scope,
) -> Scope {
    let within = Binding::WithinItem(container.name);
    for operation in bound(entity, within) {
        if let Some(name) = operation.name.get(version) {
            let at = endpoint(&format!("/{name}")).app_data(KeyName("key"));
            by_key = by_key.service(attach(operation.behaviour, at));
        }
    }
    by_key
}
