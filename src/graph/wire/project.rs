//! A stored entity → a dialect's JSON: its properties in declaration order, enum members
//! respelled, complex values in the dialect's shape.

use serde_json::{Map, Value};

use crate::model::{Dialect, Edm, Property, Record};

/// The entity as `dialect` writes it; with `select`, only those properties.
pub fn project(
    record: &Record,
    dialect: Dialect,
    select: Option<&[&'static Property]>,
) -> Map<String, Value> {
    let mut object = Map::new();
    for (property, value) in record.iter() {
        let Some(name) = property.name.in_dialect(dialect) else {
            continue;
        };
        if select.is_some_and(|selected| !selected.iter().any(|s| std::ptr::eq(*s, property))) {
            continue;
        }
        object.insert(name.to_owned(), project_value(property, value, dialect));
    }
    object
}

/// One stored value as `dialect` writes it.
pub fn project_value(property: &Property, value: &Value, dialect: Dialect) -> Value {
    match (property.edm, value) {
        (Edm::Enum(enumeration), Value::String(stored)) => enumeration.stored(stored).map_or_else(
            || value.clone(),
            |member| Value::from(member.spelling(dialect)),
        ),
        (Edm::Complex(complex), value) if !value.is_null() => (complex.encode)(dialect, value),
        _ => value.clone(),
    }
}
