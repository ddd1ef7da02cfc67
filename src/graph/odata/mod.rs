//! OData query options as Graph reads them: `$filter`, `$select`, `$expand`, `$orderby`,
//! `$top`, `$skip`, `$count`, `$skiptoken`, parsed against a resource type's schema into
//! typed values. The repository turns them into SQL; `shape` applies `$select`/`$expand`
//! to the JSON.

pub mod filter;
pub mod options;
pub mod shape;

use crate::domain::Field;
use crate::Error;

pub use filter::{Comparison, Filter, Limits, Operand, TextMatch};
pub use options::{Direction, Expand, ListOptions, ODataQuery, ODataSettings};

/// What queries may name on one resource type in one API version.
pub struct Schema {
    /// The OData type, for error messages: `microsoft.graph.accessPackage`.
    pub entity_type: &'static str,
    /// Wire name → stored field.
    pub properties: &'static [(&'static str, Field)],
    /// Single-valued navigation properties whose id can be filtered on, and the field
    /// holding that id: `("accessPackageCatalog", Field::CatalogId)`.
    pub references: &'static [(&'static str, Field)],
    /// Navigation properties `$expand` accepts, with the schema of what they lead to.
    pub expandable: &'static [(&'static str, &'static Schema)],
}

impl Schema {
    /// A property by name, ignoring case as Graph does; returns the canonical name.
    pub fn property(&self, name: &str) -> Result<(&'static str, Field), Error> {
        self.properties
            .iter()
            .find(|(wire, _)| wire.eq_ignore_ascii_case(name))
            .copied()
            .ok_or_else(|| self.no_property(name))
    }

    /// A property, or `reference/id` on a single-valued navigation property.
    pub fn filter_path(&self, path: &str) -> Result<Field, Error> {
        match path.split_once('/') {
            None => self.property(path).map(|(_, field)| field),
            Some((navigation, rest)) => {
                let reference = self
                    .references
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(navigation));
                match reference {
                    Some((_, field)) if rest.eq_ignore_ascii_case("id") => Ok(*field),
                    Some((name, _)) => Err(Error::InvalidQuery(format!(
                        "Only '{name}/id' can be filtered on; '{path}' is not supported."
                    ))),
                    None => Err(self.no_property(navigation)),
                }
            }
        }
    }

    pub fn expandable(&self, name: &str) -> Result<(&'static str, &'static Schema), Error> {
        self.expandable
            .iter()
            .find(|(wire, _)| wire.eq_ignore_ascii_case(name))
            .copied()
            .ok_or_else(|| {
                if self.properties.iter().any(|(wire, _)| wire.eq_ignore_ascii_case(name)) {
                    Error::InvalidQuery(format!(
                        "Property '{name}' on type '{}' is not a navigation property or complex property. Only navigation properties can be expanded.",
                        self.entity_type
                    ))
                } else {
                    self.no_property(name)
                }
            })
    }

    fn no_property(&self, name: &str) -> Error {
        Error::InvalidQuery(format!(
            "Could not find a property named '{name}' on type '{}'.",
            self.entity_type
        ))
    }
}
