//! An entity set's declaration: properties, navigations, rules, built-in rows.

use super::{Edm, EnumType, Names, Record, Version};

/// One declared entity type and the set(s) serving it.
#[derive(Debug)]
pub struct EntityType {
    /// The type's short name, as messages say it: `accessPackageCatalog`.
    pub name: &'static str,
    /// `microsoft.graph.accessPackageCatalog`.
    pub odata_type: &'static str,
    /// The entity set per version; `None` where a version does not serve it.
    pub sets: Names,
    /// The path from the version root to the set's parent: `identityGovernance/entitlementManagement`.
    pub root: &'static str,
    /// The key of its rows in the fixture format (seed and export).
    pub fixture: &'static str,
    pub table: &'static str,
    /// Declaration order is the order responses write the properties in.
    pub properties: &'static [Property],
    pub navigations: &'static [Navigation],
    pub constraints: &'static [Constraint],
    /// Rows every tenant has, as (column, value) over the defaults; reset restores them
    /// and `Protected` constraints keep them.
    pub builtins: &'static [&'static [(&'static str, Default)]],
    /// Columns listings sort by when `$orderby` is absent; `id` always ends the key.
    pub default_order: &'static [&'static str],
    pub operations: Operations,
    pub writes: Writes,
    /// A create body per version that the conformance test and OpenAPI use. `{set}`
    /// placeholders name another set whose example provides the id.
    pub example: super::PerVersion<&'static str>,
    /// Whose error words it speaks: Entitlement Management's or the directory's.
    pub errors: Errors,
    /// Runs on every create and update before the write: what the entity derives from
    /// what was sent (a role assignment's catalog from its appScopeId), or refuses.
    pub prepare: Option<Prepare>,
    /// Directory objects the entity names (a policy's approvers), checked in the write's
    /// transaction.
    pub references: Option<fn(&Record) -> Vec<Reference>>,
    /// Properties of the real type that bodies may carry and that are accepted and
    /// ignored (`passwordProfile`: a password is never kept).
    pub ignored: &'static [&'static str],
}

/// What an entity derives from what was sent, before a write.
pub type Prepare = fn(&mut Record) -> Result<(), crate::Error>;

/// Entitlement Management answers `ResourceNotFound`/`InvalidModel`; the directory
/// (users, groups) answers `Request_ResourceNotFound`/`Request_BadRequest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errors {
    EntitlementManagement,
    Directory,
}

/// A directory object a record names by id: one of `kinds` must have it.
#[derive(Debug, Clone)]
pub struct Reference {
    pub id: String,
    pub kinds: &'static [fn() -> &'static EntityType],
    /// Where the body named it, for the error.
    pub target: String,
}

/// Which of the standard operations a set serves.
#[derive(Debug, Clone, Copy)]
pub struct Operations {
    pub create: bool,
    pub update: Update,
    pub delete: bool,
}

impl Operations {
    pub const CRUD: Self = Self {
        create: true,
        update: Update::Patch,
        delete: true,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    None,
    /// Merge: what the body names changes, the rest stays. 204.
    Patch,
    /// Full replacement: what the body leaves out goes back to its default. 200 + entity.
    Put,
}

/// How creates reach the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// One transaction per create.
    Direct,
    /// Group commit: concurrent creates share one statement (see `repository::batch_insert`).
    Batched,
    /// The entity's own code creates it (an onboarding request, a role scope resolved
    /// from origin ids): `routes::actions`.
    Custom,
}

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

#[derive(Debug)]
pub struct Navigation {
    pub name: Names,
    /// A function, so that declarations can point at each other.
    pub target: fn() -> &'static EntityType,
    pub link: Link,
    /// How a create names the related entity, for single-valued navigations.
    pub bind: Option<Bind>,
    pub segment: Segment,
}

#[derive(Debug, Clone, Copy)]
pub enum Link {
    /// This entity's column `fk` holds the related entity's id.
    ToOne { fk: &'static str },
    /// The related entities' column `fk` holds this entity's id.
    ToMany { fk: &'static str },
}

/// A create binds a single-valued navigation by the foreign-key property, by the
/// navigation as an object `{"id": …}` (or an alias of it), or by `name@odata.bind`.
/// Once set, it cannot change.
#[derive(Debug, Clone, Copy)]
pub struct Bind {
    pub required: bool,
    /// More object names accepted per version (azuread 2.x sends v1.0's `catalog` on beta).
    pub aliases: super::PerVersion<&'static [&'static str]>,
}

/// Whether `/{set}/{id}/{navigation}` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    None,
    /// GET only.
    Read,
    /// GET and POST on the collection, GET/PATCH/DELETE on its items.
    Contained,
}

impl Navigation {
    pub const fn to_one(
        name: Names,
        target: fn() -> &'static EntityType,
        fk: &'static str,
    ) -> Self {
        Self::new(name, target, Link::ToOne { fk })
    }

    pub const fn to_many(
        name: Names,
        target: fn() -> &'static EntityType,
        fk: &'static str,
    ) -> Self {
        Self::new(name, target, Link::ToMany { fk })
    }

    const fn new(name: Names, target: fn() -> &'static EntityType, link: Link) -> Self {
        Self {
            name,
            target,
            link,
            bind: None,
            segment: Segment::None,
        }
    }

    pub const fn bound(self, bind: Bind) -> Self {
        Self {
            bind: Some(bind),
            ..self
        }
    }

    pub const fn segment(self, segment: Segment) -> Self {
        Self { segment, ..self }
    }

    pub fn target(&self) -> &'static EntityType {
        (self.target)()
    }

    pub fn is_collection(&self) -> bool {
        matches!(self.link, Link::ToMany { .. })
    }
}

/// A rule the store enforces, with the Graph error its violation becomes.
#[derive(Debug)]
pub enum Constraint {
    /// A unique index over `columns`; a clash is this status (409 in Entitlement
    /// Management, 400 in the directory).
    Unique {
        columns: &'static [&'static str],
        status: u16,
        code: &'static str,
        message: fn(&Record) -> String,
    },
    /// Rows of `child` whose `fk` names this row block its deletion.
    Restrict {
        child: fn() -> &'static EntityType,
        fk: &'static str,
        status: u16,
        code: &'static str,
        message: fn(i64) -> String,
    },
    /// Rows of `child` whose `fk` names this row go with it (contained entities).
    Cascade {
        child: fn() -> &'static EntityType,
        fk: &'static str,
    },
    /// A row whose `column` holds `value` cannot be deleted (a built-in row).
    Protected {
        column: &'static str,
        value: &'static str,
        code: &'static str,
        message: &'static str,
    },
}

/// Where Entitlement Management's sets live below the version.
pub const ENTITLEMENT_MANAGEMENT: &str = "identityGovernance/entitlementManagement";

impl EntityType {
    /// What every declaration states (the placeholders) and the defaults of the rest:
    /// a declaration is `EntityType { …, ..EntityType::BASE }`.
    pub const BASE: Self = Self {
        name: "",
        odata_type: "",
        sets: Names::NONE,
        root: ENTITLEMENT_MANAGEMENT,
        fixture: "",
        table: "",
        properties: &[],
        navigations: &[],
        constraints: &[],
        builtins: &[],
        default_order: CREATION_ORDER,
        operations: Operations::CRUD,
        writes: Writes::Direct,
        example: super::PerVersion::each("{}", "{}"),
        errors: Errors::EntitlementManagement,
        prepare: None,
        references: None,
        ignored: &[],
    };

    pub fn set(&self, version: Version) -> Option<&'static str> {
        self.sets.get(version)
    }

    /// The position and declaration of a column.
    pub fn column(&self, column: &str) -> Option<(usize, &'static Property)> {
        self.properties
            .iter()
            .enumerate()
            .find(|(_, property)| property.column == column && property.is_stored())
    }

    /// The properties that are columns, in declaration order.
    pub fn stored(&self) -> impl Iterator<Item = &'static Property> + '_ {
        self.properties
            .iter()
            .filter(|property| property.is_stored())
    }

    /// A property by its wire name in a dialect, ignoring case as Graph's queries do.
    pub fn property_named(&self, dialect: super::Dialect, name: &str) -> Option<&'static Property> {
        self.properties.iter().find(|property| {
            property
                .name
                .in_dialect(dialect)
                .is_some_and(|wire| wire.eq_ignore_ascii_case(name))
        })
    }

    pub fn navigation_named(&self, version: Version, name: &str) -> Option<&'static Navigation> {
        self.navigations.iter().find(|navigation| {
            navigation
                .name
                .get(version)
                .is_some_and(|wire| wire.eq_ignore_ascii_case(name))
        })
    }

    /// The single-valued navigation whose foreign key is `column`.
    pub fn reference(&self, column: &str) -> Option<&'static Navigation> {
        self.navigations
            .iter()
            .find(|navigation| matches!(navigation.link, Link::ToOne { fk } if fk == column))
    }

    pub fn properties_in(
        &self,
        version: Version,
    ) -> impl Iterator<Item = (&'static str, &'static Property)> + '_ {
        self.properties
            .iter()
            .filter_map(move |property| property.name.get(version).map(|name| (name, property)))
    }

    pub fn navigations_in(
        &self,
        version: Version,
    ) -> impl Iterator<Item = (&'static str, &'static Navigation)> + '_ {
        self.navigations.iter().filter_map(move |navigation| {
            navigation.name.get(version).map(|name| (name, navigation))
        })
    }

    /// `#microsoft.graph.accessPackage`, as `@odata.type` writes it.
    pub fn odata_type_annotation(&self) -> String {
        format!("#{}", self.odata_type)
    }
}
