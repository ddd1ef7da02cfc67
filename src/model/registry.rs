//! Every declared entity set, parents before children: the order reset clears in reverse,
//! and seed, export and the routes follow.

use super::{
    access_package, approval, assignment, assignment_policy, assignment_request, catalog,
    directory, resource_request, resources, role_management, role_scope, subject, EntityType,
};

pub static ENTITY_TYPES: &[&EntityType] = &[
    &directory::USER,
    &directory::GROUP,
    &directory::SERVICE_PRINCIPAL,
    &catalog::CATALOG,
    &access_package::ACCESS_PACKAGE,
    &resources::RESOURCE,
    &resources::ROLE,
    &resources::SCOPE,
    &resource_request::RESOURCE_REQUEST,
    &assignment_policy::ASSIGNMENT_POLICY,
    &role_scope::ROLE_SCOPE,
    &role_management::ROLE_DEFINITION,
    &role_management::ROLE_ASSIGNMENT,
    &subject::SUBJECT,
    &assignment::ASSIGNMENT,
    &assignment_request::ASSIGNMENT_REQUEST,
    &approval::APPROVAL,
    &approval::APPROVAL_STAGE,
];

/// The entity whose rows the fixture format keeps under `key`.
pub fn by_fixture_key(key: &str) -> Option<&'static EntityType> {
    ENTITY_TYPES
        .iter()
        .copied()
        .find(|entity| entity.fixture == key)
}
