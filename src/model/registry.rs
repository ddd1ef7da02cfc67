//! Every declared entity set, parents before children: the order reset clears in reverse,
//! and seed, export and the routes follow.

use super::{access_package, assignment_policy, catalog, directory, EntityType};

pub static ENTITY_TYPES: &[&EntityType] = &[
    &directory::USER,
    &directory::GROUP,
    &directory::SERVICE_PRINCIPAL,
    &catalog::CATALOG,
    &access_package::ACCESS_PACKAGE,
    &assignment_policy::ASSIGNMENT_POLICY,
];

/// The entity whose rows the fixture format keeps under `key`.
pub fn by_fixture_key(key: &str) -> Option<&'static EntityType> {
    ENTITY_TYPES
        .iter()
        .copied()
        .find(|entity| entity.fixture == key)
}
