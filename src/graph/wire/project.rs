//! A stored entity → a dialect's JSON: its properties in declaration order, enum members
//! respelled, complex values in the dialect's shape, views computed from what is stored.

use serde_json::{Map, Value};

use crate::model::{Dialect, Edm, Property, Record, Version};

/// The entity as `dialect` writes it; with `select`, only those properties. Properties
/// that a version treats as navigations are left to `$expand` (`project_expanded`).
pub fn project(
    record: &Record,
    dialect: Dialect,
    select: Option<&[&'static Property]>,
) -> Map<String, Value> {
    let mut object = Map::new();
    for (property, value) in record.iter() {
        let Some(name) = property.wire_name(dialect) else {
            continue;
        };
        let chosen = |p: &&'static Property| std::ptr::eq(*p, property);
        if select.is_some_and(|selected| !selected.iter().any(chosen)) {
            continue;
        }
        if property
            .expand_only
            .is_some_and(|v| Dialect::from(v) == dialect)
        {
            continue;
        }
        let value = match (property.column, value) {
            ("id", Value::String(stored)) => Value::from(record.entity().wire_id(stored)),
            _ => project_value(record, property, value, dialect),
        };
        object.insert(name.to_owned(), value);
    }
    object
}

/// A directory object in a list of several kinds (a group's members, `getByIds`): its
/// `@odata.type` first, then its properties.
pub fn project_typed(record: &Record, dialect: Dialect) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert(
        "@odata.type".to_owned(),
        Value::from(crate::model::directory::odata_type(record.entity())),
    );
    object.extend(project(record, dialect, None));
    object
}

/// One property's value as `dialect` writes it.
pub fn project_value(
    record: &Record,
    property: &Property,
    value: &Value,
    dialect: Dialect,
) -> Value {
    match (property.edm, value) {
        (Edm::Enum(enumeration), Value::String(stored)) => enumeration.stored(stored).map_or_else(
            || value.clone(),
            |member| Value::from(member.spelling(dialect)),
        ),
        (Edm::Complex(complex), value) if !value.is_null() => (complex.encode)(dialect, value),
        (Edm::Derived(derived), _) => match dialect {
            Dialect::Beta => (derived.project)(Version::Beta, record),
            Dialect::V1 => (derived.project)(Version::V1, record),
            Dialect::Fixture => Value::Null,
        },
        _ => value.clone(),
    }
}
