//! The entity data model: every entity set the emulator serves, declared as data.
//!
//! A declaration (`model/<entity>.rs`) names an entity's columns, how beta and v1.0 spell
//! each property and enum member, its navigations and how a request binds them, and the
//! rules the store enforces (unique names, rows that block a delete, built-in rows). The
//! generic code carries out the protocol for every declared set: `routes` mounts them,
//! `graph::wire` decodes and projects their JSON, `odata` parses queries against them,
//! `repository` builds their SQL, `openapi` describes them. What is not CRUD (a state
//! machine, an onboarding rule, a version mapping) is typed code in the entity's own file.
//!
//! Nothing here knows HTTP or SQL text.

pub mod access_package;
pub mod admission;
pub mod application;
pub mod approval;
pub mod assignment;
pub mod assignment_policy;
pub mod assignment_request;
pub mod callout;
pub mod catalog;
pub mod complex;
pub mod connected_organization;
pub mod custom_extension;
pub mod directory;
mod edm;
mod entity;
pub mod json;
pub mod lifecycle;
pub mod membership;
mod navigation;
pub mod operation;
pub mod password_credential;
pub mod principal_names;
mod property;
pub mod questions;
mod record;
pub mod registry;
pub mod resource_environment;
pub mod resource_request;
pub mod resources;
pub mod role_management;
pub mod role_scope;
pub mod schedule;
pub mod settings;
pub mod subject;
pub mod subject_set;
pub mod values;
mod write;

pub use edm::{ComplexType, Derived, Edm, EnumType, Member};
pub use entity::{
    Access, Bind, Constraint, Copied, Default, EntityType, Errors, Generated, Link, LinkTable,
    Navigation, OnDelete, Operations, Property, Reference, Restriction, Segment, Update, Writes,
    LINKS,
};
pub use record::{FixtureRow, Links, Record};
pub use write::{Bound, Changes, Mode, Nested};

/// A Graph API version. The unversioned paths of Microsoft's doc pages are beta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    Beta,
    V1,
}

impl Version {
    pub const ALL: [Self; 2] = [Self::Beta, Self::V1];

    /// The path segment: `beta` or `v1.0`.
    pub fn segment(self) -> &'static str {
        match self {
            Self::Beta => "beta",
            Self::V1 => "v1.0",
        }
    }
}

/// Who reads or writes a shape: one of the API versions, or the fixture format that seed
/// and export use (v1.0's names, beta's where v1.0 has none, every value in stored form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Beta,
    V1,
    Fixture,
}

impl From<Version> for Dialect {
    fn from(version: Version) -> Self {
        match version {
            Version::Beta => Self::Beta,
            Version::V1 => Self::V1,
        }
    }
}

/// Something that may differ between beta and v1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerVersion<T> {
    pub beta: T,
    pub v1: T,
}

impl<T: Copy> PerVersion<T> {
    pub const fn each(beta: T, v1: T) -> Self {
        Self { beta, v1 }
    }

    pub fn get(self, version: Version) -> T {
        match version {
            Version::Beta => self.beta,
            Version::V1 => self.v1,
        }
    }
}

/// A name per version; `None` where the version does not have the thing.
pub type Names = PerVersion<Option<&'static str>>;

impl Names {
    pub const NONE: Self = Self::each(None, None);

    pub const fn both(name: &'static str) -> Self {
        Self::each(Some(name), Some(name))
    }

    pub const fn beta(name: &'static str) -> Self {
        Self::each(Some(name), None)
    }

    pub const fn v1(name: &'static str) -> Self {
        Self::each(None, Some(name))
    }

    pub const fn differ(beta: &'static str, v1: &'static str) -> Self {
        Self::each(Some(beta), Some(v1))
    }

    /// The name in a dialect; the fixture format takes v1.0's, else beta's.
    pub fn in_dialect(self, dialect: Dialect) -> Option<&'static str> {
        match dialect {
            Dialect::Beta => self.beta,
            Dialect::V1 => self.v1,
            Dialect::Fixture => self.v1.or(self.beta),
        }
    }

    /// Any name it has, for messages about the stored thing.
    pub fn any(self) -> &'static str {
        self.v1.or(self.beta).unwrap_or_default()
    }
}
