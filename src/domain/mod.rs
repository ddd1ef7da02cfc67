//! What the emulator stores and the rules for making it, independent of API version.

pub mod access_package;
pub mod catalog;
pub mod field;
pub mod fixture;
pub mod timestamp;
pub mod validation;

pub use access_package::{AccessPackage, NewAccessPackage};
pub use catalog::{Catalog, CatalogState, CatalogType, NewCatalog};
pub use field::{Field, Kind, Scalar};
