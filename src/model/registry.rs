//! Every declared entity set, parents before children: the order reset clears in reverse,
//! and seed, export and the routes follow.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{
    access_package, application, approval, assignment, assignment_policy, assignment_request,
    catalog, connected_organization, custom_extension, directory, resource_environment,
    resource_request, resources, role_management, role_scope, settings, subject, EntityType,
    OnDelete,
};

pub static ENTITY_TYPES: &[&EntityType] = &[
    &directory::USER,
    &directory::GROUP,
    &directory::SERVICE_PRINCIPAL,
    &application::APPLICATION,
    &connected_organization::CONNECTED_ORGANIZATION,
    &settings::SETTINGS,
    &catalog::CATALOG,
    &custom_extension::CUSTOM_EXTENSION,
    &access_package::ACCESS_PACKAGE,
    &resource_environment::ENVIRONMENT,
    &resources::RESOURCE,
    &resources::ROLE,
    &resources::SCOPE,
    &resource_request::RESOURCE_REQUEST,
    &assignment_policy::ASSIGNMENT_POLICY,
    &custom_extension::STAGE_SETTING,
    &role_scope::ROLE_SCOPE,
    &role_management::ROLE_DEFINITION,
    &role_management::ROLE_ASSIGNMENT,
    &subject::SUBJECT,
    &assignment::ASSIGNMENT,
    &assignment_request::ASSIGNMENT_REQUEST,
    &approval::APPROVAL,
    &approval::APPROVAL_STAGE,
];

/// What `directoryObjects/{id}` may name.
pub const DIRECTORY_OBJECTS: &[fn() -> &'static EntityType] = &[
    || &directory::USER,
    || &directory::GROUP,
    || &directory::SERVICE_PRINCIPAL,
    || &application::APPLICATION,
];

/// The entity whose rows the fixture format keeps under `key`.
pub fn by_fixture_key(key: &str) -> Option<&'static EntityType> {
    ENTITY_TYPES
        .iter()
        .copied()
        .find(|entity| entity.fixture == key)
}

/// A set whose rows name an entity, and what deleting that entity does to them.
#[derive(Debug, Clone, Copy)]
pub struct Dependent {
    pub child: &'static EntityType,
    pub fk: &'static str,
    pub rule: OnDelete,
}

/// The rows that name `entity` by foreign key, as their declarations state (`on_delete`):
/// the restricting ones first, in registry order, then those that go with it. Read off
/// the children once; a parent names none of them.
pub fn dependents(entity: &EntityType) -> &'static [Dependent] {
    static INDEX: OnceLock<HashMap<&'static str, Vec<Dependent>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<&'static str, Vec<Dependent>> = HashMap::new();
        for child in ENTITY_TYPES.iter().copied() {
            for navigation in child.navigations {
                if let (Some(fk), Some(rule)) = (navigation.foreign_key(), navigation.on_delete) {
                    index
                        .entry(navigation.target().table)
                        .or_default()
                        .push(Dependent { child, fk, rule });
                }
            }
        }
        for dependents in index.values_mut() {
            dependents.sort_by_key(|d| matches!(d.rule, OnDelete::Cascade));
        }
        index
    });
    index.get(entity.table).map_or(&[], Vec::as_slice)
}
