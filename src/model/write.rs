//! What a write sets, and how a create, a PATCH and a PUT turn it into the stored entity.

use serde_json::Value;

use super::{values, Access, EntityType, Generated, Navigation, Property, Record};
use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    /// PATCH: only what is sent changes.
    Update,
    /// PUT: the body is the whole entity; what it leaves out goes back to its default.
    Replace,
}

impl Mode {
    pub fn creating(self) -> bool {
        self == Self::Create
    }

    /// Create and PUT say the whole entity, so required properties must be there.
    pub fn whole(self) -> bool {
        self != Self::Update
    }
}

/// What a body sets, checked and in stored form.
#[derive(Debug, Default)]
pub struct Changes {
    pub values: Vec<(&'static Property, Value)>,
    /// Ids binding single-valued navigations. A create stores them; an update must name
    /// what is stored already.
    pub binds: Vec<Bound>,
    /// Items of navigations written with the entity, each item's own changes.
    pub nested: Vec<Nested>,
}

/// A navigation's items as the parent's body gives them (`written_with_parent`).
#[derive(Debug)]
pub struct Nested {
    pub navigation: &'static Navigation,
    pub items: Vec<Changes>,
}

#[derive(Debug)]
pub struct Bound {
    pub navigation: &'static Navigation,
    pub fk: &'static Property,
    pub id: String,
    /// The property that named it, for errors: `catalogId`, `catalog.id`.
    pub target: String,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.binds.is_empty() && self.nested.is_empty()
    }
}

impl Record {
    /// A new entity: defaults, then what the body set and bound, then what the service
    /// fills in (id, times, who).
    pub fn create(entity: &'static EntityType, changes: Changes, actor: &str) -> Self {
        let mut record = Self::defaults(entity);
        for bound in changes.binds {
            record.set(bound.fk.column, Value::from(bound.id));
        }
        for (property, value) in changes.values {
            record.set(property.column, value);
        }
        let now = values::now();
        for property in entity.properties {
            let value = match property.generated {
                Generated::None => continue,
                Generated::Id => Value::from(values::new_id()),
                Generated::CreatedAt | Generated::ModifiedAt => Value::from(now.as_str()),
                Generated::CreatedBy | Generated::ModifiedBy => Value::from(actor),
            };
            record.set(property.column, value);
        }
        record
    }

    /// The entity after a PATCH (`Update`) or PUT (`Replace`). Bindings are fixed once
    /// created: naming another entity is refused.
    pub fn updated(&self, changes: Changes, mode: Mode, actor: &str) -> Result<Self, Error> {
        for bound in &changes.binds {
            if self.get(bound.fk.column).as_str() != Some(bound.id.as_str()) {
                return Err(Error::invalid_value(
                    &bound.target,
                    format!(
                        "The {} of a {} cannot be changed.",
                        bound.target,
                        self.entity().name
                    ),
                ));
            }
        }
        let mut record = self.clone();
        if mode == Mode::Replace {
            for property in self.entity().properties {
                if property.access == Access::ReadWrite {
                    record.set(property.column, values::default_value(property.default));
                }
            }
        }
        for (property, value) in changes.values {
            record.set(property.column, value);
        }
        let now = values::now();
        for property in self.entity().properties {
            match property.generated {
                Generated::ModifiedAt => record.set(property.column, Value::from(now.as_str())),
                Generated::ModifiedBy => record.set(property.column, Value::from(actor)),
                _ => {}
            }
        }
        Ok(record)
    }
}

impl Record {
    /// A fixture row: what it states over the defaults (over a built-in row's own values
    /// when it names one); created now unless it says when, modified when created unless
    /// it says. Built-in rows stay what makes them built in, and what only the service
    /// sets (a `serviceDefault` catalog) belongs to them alone. `Err` names the property
    /// (fixture name) and the problem.
    pub fn fixture(
        entity: &'static EntityType,
        changes: Changes,
    ) -> Result<Self, (String, String)> {
        let id = changes
            .values
            .iter()
            .find(|(property, _)| property.column == "id")
            .and_then(|(_, value)| value.as_str())
            .unwrap_or_default()
            .to_owned();
        let builtin = Self::builtins(entity)
            .into_iter()
            .find(|row| row.id() == id);
        let is_builtin = builtin.is_some();
        let mut record = builtin.unwrap_or_else(|| Self::defaults(entity));
        let given: Vec<&str> = changes
            .values
            .iter()
            .map(|(property, _)| property.column)
            .collect();
        for bound in changes.binds {
            record.set(bound.fk.column, Value::from(bound.id));
        }
        for (property, value) in &changes.values {
            record.set(property.column, value.clone());
        }
        // A fixture names a contained row as clients do; the store keys it in its container.
        entity.key_within_container(&mut record);
        if !is_builtin {
            let now = Value::from(values::now());
            let unsaid = |property: &Property, generated| {
                property.generated == generated && !given.contains(&property.column)
            };
            for property in entity
                .properties
                .iter()
                .filter(|p| unsaid(p, Generated::CreatedAt))
            {
                record.set(property.column, now.clone());
            }
            let created = entity
                .properties
                .iter()
                .find(|property| property.generated == Generated::CreatedAt)
                .map_or(now, |property| record.get(property.column).clone());
            for property in entity
                .properties
                .iter()
                .filter(|p| unsaid(p, Generated::ModifiedAt))
            {
                record.set(property.column, created.clone());
            }
        }
        let name = |property: &Property| {
            property
                .name
                .in_dialect(super::Dialect::Fixture)
                .unwrap_or(property.column)
                .to_owned()
        };
        // What no default fills and the row cannot be without (an assignment's package,
        // policy and target): named here rather than met as a NOT NULL failure.
        if let Some(missing) = entity.stored().find(|property| {
            !property.nullable && property.copied.is_none() && record.get(property.column).is_null()
        }) {
            return Err((name(missing), "is required".to_owned()));
        }
        for property in entity.properties {
            if let super::Edm::Enum(enumeration) = property.edm {
                let member = record
                    .get(property.column)
                    .as_str()
                    .and_then(|stored| enumeration.stored(stored));
                if member.is_some_and(|member| !member.creatable) && !is_builtin {
                    return Err((
                        name(property),
                        format!(
                            "{} belongs to the built-in {} rows alone",
                            record.text(property.column),
                            entity.name
                        ),
                    ));
                }
            }
        }
        if is_builtin {
            for constraint in entity.constraints {
                if let super::Constraint::Protected { column, value, .. } = constraint {
                    if record.text(column) != *value {
                        let property = entity
                            .column(column)
                            .map(|(_, p)| name(p))
                            .unwrap_or_default();
                        return Err((
                            property,
                            format!("the built-in {} is always {value}", entity.name),
                        ));
                    }
                }
            }
        }
        Ok(record)
    }
}
