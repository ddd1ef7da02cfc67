//! An entity set's declaration: properties, navigations, rules, built-in rows.

pub use super::navigation::{
    Bind, Link, LinkTable, Navigation, OnDelete, Restriction, Segment, LINKS,
};
pub use super::property::{
    Access, Copied, Default, Generated, Property, CREATED_AT, CREATED_BY, CREATION_ORDER,
    HIDDEN_CREATED_AT, MODIFIED_AT, MODIFIED_BY,
};
use super::{Names, Record, Version};

/// One declared entity type and the set(s) serving it.
#[derive(Debug)]
pub struct EntityType {
    /// The type's short name, as messages say it: `accessPackageCatalog`.
    pub name: &'static str,
    /// `microsoft.graph.accessPackageCatalog`.
    pub odata_type: &'static str,
    /// The entity set per version; `None` where a version does not serve it.
    pub sets: Names,
    /// Another name a version serves the same set under (beta's `assignmentRequests`).
    pub aliases: Names,
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
    /// What the entity keeps in step with its own properties on every write, the
    /// service's and a fixture's too (a user's principal-name identity): after `prepare`.
    pub derive: Option<fn(&mut Record)>,
    /// Directory objects the entity names (a policy's approvers), checked in the write's
    /// transaction.
    pub references: Option<fn(&Record) -> Vec<Reference>>,
    /// Properties of the real type that bodies may carry and that are accepted and
    /// ignored (`passwordProfile`: a password is never kept).
    pub ignored: &'static [&'static str],
    /// For an entity whose id is unique only within its container (CSDL containment: a
    /// role scope's `{roleId}_{scopeId}` may be in many packages), the foreign key of the
    /// container. The store keys such a row `{container}/{id}`; clients see `id` alone.
    pub keyed_within: Option<&'static str>,
    /// What it serves besides CRUD: actions, functions, its own create, links.
    pub bound: &'static [super::operation::Operation],
    /// A singleton (`/settings`): the id of its one row, a built-in, read and patched at
    /// the set's own path.
    pub singleton: Option<&'static str>,
    /// A second key a path may name an item by (`users/{id | userPrincipalName}`): the
    /// column it is looked up in, without regard to case, when the key is no GUID. Bodies
    /// name rows by id only.
    pub alternate_key: Option<&'static str>,
    /// Keys a path may name an item by instead of its id, as `/{set}(name='value')`
    /// (`servicePrincipals(appId='…')`): the name and the column it is looked up in. GET,
    /// PATCH and DELETE are served there as at `/{set}/{id}`.
    pub keys: &'static [(&'static str, &'static str)],
}

/// Between a container's id and a contained id in a stored key: no GUID holds it.
const CONTAINED_KEY: char = '/';

/// What an entity derives from what was sent, before a write.
pub type Prepare = fn(&mut Record) -> Result<(), crate::Error>;

pub use crate::error::Errors;

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

    /// Sets only the service writes (resources, assignments): GET alone.
    pub const READ_ONLY: Self = Self {
        create: false,
        update: Update::None,
        delete: false,
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
    /// Group commit: concurrent creates share one statement (see `repository::group_commit`).
    Batched,
    /// The entity's own code creates it (an onboarding request, a role scope resolved
    /// from origin ids): `routes::actions`.
    Custom,
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
    /// What the row's own state says against its deletion (a request still on its way).
    Check {
        refuse: fn(&Record) -> Option<crate::Error>,
    },
    /// The row is a directory object that access packages may be assigned to: deleting it
    /// ends its assignments (a `systemRemove` request each, delivered) and cancels its
    /// open requests, in the delete's transaction.
    EndsAccess,
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
        aliases: Names::NONE,
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
        derive: None,
        references: None,
        ignored: &[],
        keyed_within: None,
        bound: &[],
        singleton: None,
        alternate_key: None,
        keys: &[],
    };

    pub fn set(&self, version: Version) -> Option<&'static str> {
        self.sets.get(version)
    }

    /// The id a client sees for a stored one (`keyed_within`: without its container).
    pub fn wire_id<'a>(&self, stored: &'a str) -> &'a str {
        match self.keyed_within {
            Some(_) => stored
                .split_once(CONTAINED_KEY)
                .map_or(stored, |(_, id)| id),
            None => stored,
        }
    }

    /// The stored id of the row a client calls `id` in `container` (`keyed_within`).
    pub fn stored_id(&self, container: &str, id: &str) -> String {
        match self.keyed_within {
            Some(_) if !id.contains(CONTAINED_KEY) => format!("{container}{CONTAINED_KEY}{id}"),
            _ => id.to_owned(),
        }
    }

    /// A new or loaded row's stored id, from its container's foreign key.
    pub fn key_within_container(&self, record: &mut Record) {
        if let Some(fk) = self.keyed_within {
            let stored = self.stored_id(record.text(fk), record.id());
            record.set("id", serde_json::Value::from(stored));
        }
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

    /// Whether an `@odata.type` names this type or one derived from it (any case, with or
    /// without `#`): the members of its `@odata.type` property, when it has one.
    pub fn is_type(&self, given: &str) -> bool {
        let given = given.trim_start_matches('#');
        let derived = self
            .property_named(super::Dialect::V1, "@odata.type")
            .and_then(|property| match property.edm {
                super::Edm::Enum(kinds) => Some(kinds.members),
                _ => None,
            })
            .unwrap_or_default();
        given.eq_ignore_ascii_case(self.odata_type)
            || derived
                .iter()
                .any(|kind| kind.v1.trim_start_matches('#').eq_ignore_ascii_case(given))
    }

    /// `#microsoft.graph.accessPackage`, as `@odata.type` writes it.
    pub fn odata_type_annotation(&self) -> String {
        format!("#{}", self.odata_type)
    }
}
