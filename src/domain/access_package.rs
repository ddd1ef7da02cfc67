//! An access package: a bundle of access that users can request, kept in one catalog.

/// A validated request to create an access package. Unset flags take their defaults in
/// the repository, where the row is written.
#[derive(Debug, Clone)]
pub struct NewAccessPackage {
    /// Lower-case hyphenated GUID.
    pub catalog_id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub is_hidden: Option<bool>,
    pub is_role_scopes_visible: Option<bool>,
}

/// An access package as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessPackage {
    pub id: String,
    pub catalog_id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub is_hidden: bool,
    pub is_role_scopes_visible: bool,
    pub created_by: Option<String>,
    pub created_date_time: String,
    pub modified_by: Option<String>,
    pub modified_date_time: String,
}

/// The properties a PATCH sent; `None` leaves a property as it is. `description` can be
/// cleared, hence the inner option.
#[derive(Debug, Clone, Default)]
pub struct AccessPackageChanges {
    pub display_name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_hidden: Option<bool>,
    pub is_role_scopes_visible: Option<bool>,
}

impl AccessPackageChanges {
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none()
            && self.description.is_none()
            && self.is_hidden.is_none()
            && self.is_role_scopes_visible.is_none()
    }
}
