//! One stored entity: its column values in declaration order, as JSON values (`null`,
//! booleans, integers, text, and parsed JSON for complex columns).

use serde_json::Value;

use super::EntityType;

#[derive(Debug, Clone)]
pub struct Record {
    entity: &'static EntityType,
    values: Vec<Value>,
}

/// Declarations are statics: the same entity is the same address.
impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.entity, other.entity) && self.values == other.values
    }
}

impl Record {
    /// `values` holds one value per declared property, in order.
    pub fn new(entity: &'static EntityType, values: Vec<Value>) -> Self {
        debug_assert_eq!(values.len(), entity.properties.len());
        Self { entity, values }
    }

    /// Every property at its default: what a create starts from.
    pub fn defaults(entity: &'static EntityType) -> Self {
        let values = entity
            .properties
            .iter()
            .map(|property| super::values::default_value(property.default))
            .collect();
        Self { entity, values }
    }

    /// A built-in row: the defaults, then what the declaration states.
    pub fn builtin(entity: &'static EntityType, row: &[(&str, super::Default)]) -> Self {
        let mut record = Self::defaults(entity);
        for (column, value) in row {
            record.set(column, super::values::default_value(*value));
        }
        record
    }

    /// The entity's built-in rows.
    pub fn builtins(entity: &'static EntityType) -> Vec<Self> {
        entity
            .builtins
            .iter()
            .map(|row| Self::builtin(entity, row))
            .collect()
    }

    pub fn entity(&self) -> &'static EntityType {
        self.entity
    }

    /// A column's value; `null` for a column the entity does not have.
    pub fn get(&self, column: &str) -> &Value {
        self.entity
            .column(column)
            .and_then(|(index, _)| self.values.get(index))
            .unwrap_or(&Value::Null)
    }

    pub fn set(&mut self, column: &str, value: Value) {
        if let Some((index, _)) = self.entity.column(column) {
            if let Some(slot) = self.values.get_mut(index) {
                *slot = value;
            }
        }
    }

    /// A text column's value, or "" when it is null.
    pub fn text(&self, column: &str) -> &str {
        self.get(column).as_str().unwrap_or_default()
    }

    pub fn id(&self) -> &str {
        self.text("id")
    }

    /// What the entity derives from the row's own values (`EntityType::derive`).
    pub fn derive(&mut self) {
        if let Some(derive) = self.entity().derive {
            derive(self);
        }
    }

    /// Each property with its value, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static super::Property, &Value)> + '_ {
        self.entity.properties.iter().zip(&self.values)
    }

    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// A row of a fixture, with where it stood (`accessPackages[1]`) for errors, and the ids
/// it links to by reference, per navigation (`"incompatibleAccessPackages": ["…"]`).
#[derive(Debug, Clone)]
pub struct FixtureRow {
    pub at: String,
    pub record: Record,
    pub links: Links,
}

/// Ids linked by reference, per navigation.
pub type Links = Vec<(&'static super::Navigation, Vec<String>)>;
