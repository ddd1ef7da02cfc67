//! OData query options as Graph reads them: `$filter`, `$select`, `$expand`, `$orderby`,
//! `$top`, `$skip`, `$count`, `$skiptoken`, parsed against an entity's declaration in one
//! API version into typed values. The repository turns them into SQL; the routes shape the
//! JSON with them. Nothing here knows HTTP responses or SQL text.

pub mod advanced;
pub mod ast;
pub mod expand;
pub mod filter;
mod lambda;
mod lexer;
pub mod options;
mod types;

use crate::model::{EntityType, Link, Navigation, Property, Version};
use crate::Error;

pub use ast::{Comparison, Filter, Limits, Operand, TextMatch};
pub use expand::{Expansion, Selection};
pub use options::{Direction, ListOptions, ODataQuery, ODataSettings, PlainPage};

/// A stored value, as bound into SQL or carried in a paging token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
}

/// A property a query names: the entity's own, or one of an entity it references
/// (`accessPackageCatalog/id`, `target/objectId`).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub property: &'static Property,
    /// The single-valued navigation the property is reached through.
    pub via: Option<&'static Navigation>,
}

/// Declarations are statics: the same property is the same address.
impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.property, other.property)
            && match (self.via, other.via) {
                (None, None) => true,
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                _ => false,
            }
    }
}

impl Column {
    pub fn own(property: &'static Property) -> Self {
        Self {
            property,
            via: None,
        }
    }
}

/// What queries resolve names against: an entity as one version spells it.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub entity: &'static EntityType,
    pub version: Version,
}

impl Scope {
    pub fn new(entity: &'static EntityType, version: Version) -> Self {
        Self { entity, version }
    }

    /// A property by name, ignoring case as Graph does.
    pub fn property(&self, name: &str) -> Result<&'static Property, Error> {
        self.entity
            .property_named(self.version.into(), name)
            .ok_or_else(|| self.no_property(name))
    }

    /// A property, or `navigation/property` through a single-valued navigation.
    pub fn filter_path(&self, path: &str) -> Result<Column, Error> {
        let column = self.path(path)?;
        if !column.property.is_stored()
            || matches!(column.property.edm, crate::model::Edm::Complex(_))
        {
            return Err(Error::InvalidQuery(format!(
                "The property '{path}' cannot be used in $filter or $orderby."
            )));
        }
        Ok(column)
    }

    fn path(&self, path: &str) -> Result<Column, Error> {
        let Some((first, rest)) = path.split_once('/') else {
            return self.property(path).map(Column::own);
        };
        let navigation = self
            .entity
            .navigation_named(self.version, first)
            .ok_or_else(|| self.no_property(first))?;
        if !matches!(navigation.link, Link::ToOne { .. }) {
            return Err(Error::InvalidQuery(format!(
                "'{path}' goes through the collection '{first}'; lambda operators (any, all) are not supported."
            )));
        }
        let target = Scope::new(navigation.target(), self.version);
        if rest.contains('/') {
            return Err(Error::InvalidQuery(format!(
                "'{path}' goes through more than one navigation property; only one is supported."
            )));
        }
        let property = target.property(rest)?;
        // The related entity's id is this entity's own foreign key: no join, and its index.
        if let (Link::ToOne { fk }, "id") = (navigation.link, property.column) {
            if let Some((_, own)) = self.entity.column(fk) {
                return Ok(Column::own(own));
            }
        }
        // Another property of a navigation to several kinds would be looked up in one.
        if navigation.kinds.is_some() {
            return Err(Error::InvalidQuery(format!(
                "'{path}': only the id of '{first}' can be filtered on."
            )));
        }
        Ok(Column {
            property,
            via: Some(navigation),
        })
    }

    pub fn navigation(&self, name: &str) -> Result<&'static Navigation, Error> {
        self.entity
            .navigation_named(self.version, name)
            .ok_or_else(|| {
                if self.entity.property_named(self.version.into(), name).is_some() {
                    Error::InvalidQuery(format!(
                        "Property '{name}' on type '{}' is not a navigation property or complex property. Only navigation properties can be expanded.",
                        self.entity.odata_type
                    ))
                } else {
                    self.no_property(name)
                }
            })
    }

    /// The property's name in this version (declarations always have one where resolved).
    pub fn name_of(&self, property: &Property) -> &'static str {
        property.name.get(self.version).unwrap_or(property.column)
    }

    fn no_property(&self, name: &str) -> Error {
        Error::InvalidQuery(format!(
            "Could not find a property named '{name}' on type '{}'.",
            self.entity.odata_type
        ))
    }
}
