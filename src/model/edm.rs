//! The types a property can have, as OData's EDM names them.

use serde_json::Value;

use super::{Dialect, Names, Version};
use crate::Error;

/// A property's type. Scalars are columns of their own; a complex type is one JSON column.
#[derive(Debug, Clone, Copy)]
pub enum Edm {
    String,
    Guid,
    Bool,
    Int32,
    /// Graph's DateTimeOffset; server-written values are UTC with seven fractional digits,
    /// which also sorts correctly as text.
    DateTimeOffset,
    /// Graph's Duration: ISO 8601, stored as given, checked as a .NET `TimeSpan` bounds it.
    Duration,
    Enum(&'static EnumType),
    Complex(&'static ComplexType),
    /// Not a column: computed from the stored columns of the entity and decoded into them
    /// (a beta property that v1.0 spreads over several, or the other way round).
    Derived(&'static Derived),
}

impl Edm {
    /// The type name OData errors use (`Edm.String`, `microsoft.graph.accessPackageCatalogState`).
    pub fn name(self, version: Version) -> &'static str {
        match self {
            Self::String => "Edm.String",
            Self::Guid => "Edm.Guid",
            Self::Bool => "Edm.Boolean",
            Self::Int32 => "Edm.Int32",
            Self::DateTimeOffset => "Edm.DateTimeOffset",
            Self::Duration => "Edm.Duration",
            Self::Enum(enumeration) => enumeration.name.get(version).unwrap_or("Edm.String"),
            Self::Complex(complex) => complex.name,
            Self::Derived(derived) => derived.name,
        }
    }

    /// Compared as text: strings, and enums that a version declares as plain strings.
    pub fn is_textual(self) -> bool {
        matches!(self, Self::String)
    }

    /// The column type in the STRICT table.
    pub fn sql_type(self) -> &'static str {
        match self {
            Self::Bool | Self::Int32 => "INTEGER",
            _ => "TEXT",
        }
    }
}

/// An enumeration: one stored spelling per member, and how each version writes it (beta
/// mostly PascalCase strings, v1.0 camelCase enum members). Any spelling is accepted in
/// any letter case, as Graph does.
#[derive(Debug)]
pub struct EnumType {
    /// The EDM type per version; `None` where the version declares a plain string.
    pub name: Names,
    pub members: &'static [Member],
}

#[derive(Debug)]
pub struct Member {
    pub stored: &'static str,
    pub beta: &'static str,
    pub v1: &'static str,
    /// False for members only the service sets (a built-in catalog's `serviceDefault`).
    pub creatable: bool,
}

impl Member {
    pub const fn new(stored: &'static str, beta: &'static str, v1: &'static str) -> Self {
        Self {
            stored,
            beta,
            v1,
            creatable: true,
        }
    }

    pub const fn not_creatable(self) -> Self {
        Self {
            creatable: false,
            ..self
        }
    }

    pub fn spelling(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Beta => self.beta,
            Dialect::V1 => self.v1,
            Dialect::Fixture => self.stored,
        }
    }
}

impl EnumType {
    /// The member any spelling names, ignoring case.
    pub fn find(&self, text: &str) -> Option<&'static Member> {
        let text = text.trim();
        self.members.iter().find(|member| {
            [member.stored, member.beta, member.v1]
                .iter()
                .any(|spelling| spelling.eq_ignore_ascii_case(text))
        })
    }

    /// The member stored as `stored`.
    pub fn stored(&self, stored: &str) -> Option<&'static Member> {
        self.members.iter().find(|member| member.stored == stored)
    }

    /// "a, b or c" in a dialect's spelling, for messages.
    pub fn listing(&self, dialect: Dialect, creatable_only: bool) -> String {
        let names: Vec<&str> = self
            .members
            .iter()
            .filter(|member| member.creatable || !creatable_only)
            .map(|member| member.spelling(dialect))
            .collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// A structured property, stored as one JSON column in the shape the entity's own code
/// chooses, and converted per dialect on the way in and out. The conversions live in the
/// entity's file: they are what really differs between the versions.
#[derive(Debug)]
pub struct ComplexType {
    /// `microsoft.graph.requestorSettings`, for messages and OpenAPI.
    pub name: &'static str,
    /// Wire JSON → stored JSON; the path names the property in errors.
    pub decode: fn(Dialect, &Value, &str) -> Result<Value, Error>,
    /// Stored JSON → the dialect's wire JSON.
    pub encode: fn(Dialect, &Value) -> Value,
    /// The JSON Schema of the wire shape, for OpenAPI.
    pub schema: fn(Version) -> Value,
}

/// Stored values by column, as a view's decoding sets them.
pub type ColumnValues = Vec<(&'static str, Value)>;

/// A property one version spells as a view of columns the entity stores in the other
/// version's shape. The conversions live in the entity's file.
#[derive(Debug)]
pub struct Derived {
    /// `microsoft.graph.requestorSettings`, for messages and OpenAPI.
    pub name: &'static str,
    /// The version's value, from the stored entity.
    pub project: fn(Version, &super::Record) -> Value,
    /// The version's value → the columns it sets, with their stored values.
    pub decode: fn(Version, &Value, &str) -> Result<ColumnValues, Error>,
    /// The JSON Schema of the wire shape, for OpenAPI.
    pub schema: fn(Version) -> Value,
}
