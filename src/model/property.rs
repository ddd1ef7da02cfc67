//! A property's declaration: its column, its names per version, its type, who writes it
//! and what fills it; and the audit properties most entities share.

use super::{Edm, EnumType, Names, Version};

#[derive(Debug, Clone, Copy)]
pub struct Property {
    pub column: &'static str,
    pub name: Names,
    pub edm: Edm,
    pub nullable: bool,
    pub access: Access,
    /// Refused on create (and on PATCH as `null`) when absent: MissingProperty.
    pub required: bool,
    /// A text that must not be blank: InvalidValue.
    pub not_blank: bool,
    pub default: Default,
    pub generated: Generated,
    /// Filled on insert from the entity a foreign key names (a policy's catalog is its
    /// package's), never from a body.
    pub copied: Option<Copied>,
    /// The version in which the property is a navigation: written only when `$expand`
    /// names it (v1.0's policy `questions`).
    pub expand_only: Option<Version>,
    /// Its name in the fixture format when neither version shows it (a column only the
    /// emulator reads, such as a resource's catalog).
    pub fixture: Option<&'static str>,
}

/// `column` of the entity that this entity's foreign key `fk` names.
#[derive(Debug, Clone, Copy)]
pub struct Copied {
    pub fk: &'static str,
    pub column: &'static str,
}

/// Who writes a property. Read-only properties a client sends back are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    /// Set on create, fixed afterwards (ignored on update).
    Create,
    ReadWrite,
}

/// A create's value for a property the body leaves out.
#[derive(Debug, Clone, Copy)]
pub enum Default {
    Null,
    Bool(bool),
    Int(i64),
    Text(&'static str),
    /// A complex value in stored form.
    Json(&'static str),
}

/// Values the service fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    None,
    /// A new GUID.
    Id,
    CreatedAt,
    ModifiedAt,
    CreatedBy,
    ModifiedBy,
}

impl Property {
    pub const fn new(column: &'static str, name: Names, edm: Edm) -> Self {
        Self {
            column,
            name,
            edm,
            nullable: false,
            access: Access::ReadWrite,
            required: false,
            not_blank: false,
            default: Default::Null,
            generated: Generated::None,
            copied: None,
            expand_only: None,
            fixture: None,
        }
    }

    /// A view over other columns (see `Derived`), in the versions `name` gives.
    pub const fn derived(name: Names, derived: &'static super::Derived) -> Self {
        Self::new("", name, Edm::Derived(derived))
    }

    /// `id`: a GUID the service assigns.
    pub const fn key() -> Self {
        Self::new("id", Names::both("id"), Edm::Guid)
            .read_only()
            .generated(Generated::Id)
    }

    pub const fn text(column: &'static str, name: Names) -> Self {
        Self::new(column, name, Edm::String)
    }

    pub const fn guid(column: &'static str, name: Names) -> Self {
        Self::new(column, name, Edm::Guid)
    }

    /// A flag, false unless given.
    pub const fn boolean(column: &'static str, name: Names) -> Self {
        Self::new(column, name, Edm::Bool).default(Default::Bool(false))
    }

    pub const fn int32(column: &'static str, name: Names) -> Self {
        Self::new(column, name, Edm::Int32)
    }

    pub const fn enumeration(
        column: &'static str,
        name: Names,
        enumeration: &'static EnumType,
    ) -> Self {
        Self::new(column, name, Edm::Enum(enumeration))
    }

    pub const fn nullable(self) -> Self {
        Self {
            nullable: true,
            ..self
        }
    }

    /// A required, non-blank name.
    pub const fn name_like(self) -> Self {
        Self {
            required: true,
            not_blank: true,
            ..self
        }
    }

    pub const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    pub const fn read_only(self) -> Self {
        Self {
            access: Access::ReadOnly,
            ..self
        }
    }

    pub const fn on_create(self) -> Self {
        Self {
            access: Access::Create,
            ..self
        }
    }

    pub const fn default(self, default: Default) -> Self {
        Self { default, ..self }
    }

    pub const fn default_text(self, text: &'static str) -> Self {
        self.default(Default::Text(text))
    }

    pub const fn generated(self, generated: Generated) -> Self {
        Self { generated, ..self }
    }

    pub const fn copied(self, fk: &'static str, column: &'static str) -> Self {
        Self {
            copied: Some(Copied { fk, column }),
            access: Access::ReadOnly,
            ..self
        }
    }

    /// A column no version shows, named in the fixture format.
    pub const fn internal(column: &'static str, fixture: &'static str, edm: Edm) -> Self {
        Self {
            fixture: Some(fixture),
            ..Self::new(column, Names::NONE, edm)
        }
    }

    pub const fn expand_only(self, version: Version) -> Self {
        Self {
            expand_only: Some(version),
            ..self
        }
    }

    /// Whether it is a column (not a view over others).
    pub fn is_stored(&self) -> bool {
        !matches!(self.edm, Edm::Derived(_))
    }

    /// Its name where a dialect writes it: views are not part of the fixture format,
    /// which holds only what is stored.
    pub fn wire_name(&self, dialect: super::Dialect) -> Option<&'static str> {
        match (dialect, self.is_stored()) {
            (super::Dialect::Fixture, false) => None,
            (super::Dialect::Fixture, true) => self.name.in_dialect(dialect).or(self.fixture),
            _ => self.name.in_dialect(dialect),
        }
    }

    /// Whether a client may set it in this kind of write.
    pub fn writable(&self, creating: bool) -> bool {
        match self.access {
            Access::ReadWrite => true,
            Access::Create => creating,
            Access::ReadOnly => false,
        }
    }
}

/// The audit properties: beta writes who and when, v1.0 only when.
pub const CREATED_BY: Property = actor("created_by", "createdBy", Generated::CreatedBy);
pub const CREATED_AT: Property =
    instant("created_date_time", "createdDateTime", Generated::CreatedAt);
pub const MODIFIED_BY: Property = actor("modified_by", "modifiedBy", Generated::ModifiedBy);
pub const MODIFIED_AT: Property = instant(
    "modified_date_time",
    "modifiedDateTime",
    Generated::ModifiedAt,
);

/// When the service made it, for the default order, where Graph does not show it.
pub const HIDDEN_CREATED_AT: Property =
    Property::internal("created_date_time", "createdDateTime", Edm::DateTimeOffset)
        .read_only()
        .generated(Generated::CreatedAt);

/// Who did it: a user principal name, in beta only.
const fn actor(column: &'static str, name: &'static str, generated: Generated) -> Property {
    Property::text(column, Names::beta(name))
        .nullable()
        .read_only()
        .generated(generated)
}

/// When: in both versions.
const fn instant(column: &'static str, name: &'static str, generated: Generated) -> Property {
    Property::new(column, Names::both(name), Edm::DateTimeOffset)
        .read_only()
        .generated(generated)
}

/// Listings without `$orderby` come in creation order.
pub const CREATION_ORDER: &[&str] = &["created_date_time"];
