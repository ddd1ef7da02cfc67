//! Graph's resource types as each API version writes them on the wire: the bodies clients
//! send to create them and the JSON they get back. Beta and v1.0 differ in property names
//! and in how an access package names its catalog; both store into the same domain types.

pub mod access_package;
pub mod catalog;

pub use access_package::AccessPackageDialect;
pub use catalog::CatalogDialect;

/// The read-only properties both entity types share: the key and the audit trail, which
/// v1.0 reduces to timestamps.
const BETA_READ_ONLY: &[&str] = &[
    "id",
    "createdBy",
    "createdDateTime",
    "modifiedBy",
    "modifiedDateTime",
];
const V1_READ_ONLY: &[&str] = &["id", "createdDateTime", "modifiedDateTime"];

/// `Option<Option<T>>` for PATCH: absent → `None`, `null` → `Some(None)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}
