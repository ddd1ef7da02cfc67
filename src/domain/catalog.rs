//! An access package catalog: the container access packages live in.

/// The built-in "General" catalog every tenant has (migrations create it). Its id is the
/// catalogId of the example on Microsoft's "Create accessPackage" page.
pub const GENERAL_ID: &str = "aa2f6514-3232-46e7-a08a-2411ad8d7128";

/// Stored with v1.0's spellings; beta's PascalCase forms are derived on the way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "camelCase")]
pub enum CatalogType {
    UserManaged,
    /// Only the built-in "General" catalog.
    ServiceDefault,
    ServiceManaged,
}

impl CatalogType {
    pub const ALL: [Self; 3] = [
        Self::UserManaged,
        Self::ServiceDefault,
        Self::ServiceManaged,
    ];

    /// Beta's spellings, case-insensitively, and v1.0's; `serviceDefault` belongs to the
    /// built-in catalog alone and cannot be chosen.
    pub fn creatable(text: &str) -> Option<Self> {
        [Self::UserManaged, Self::ServiceManaged]
            .into_iter()
            .find(|kind| kind.v1_name().eq_ignore_ascii_case(text))
    }

    /// Any catalog type, beta or v1.0 spelling, case-insensitively (for filters).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.v1_name().eq_ignore_ascii_case(text))
    }

    pub fn v1_name(self) -> &'static str {
        match self {
            Self::UserManaged => "userManaged",
            Self::ServiceDefault => "serviceDefault",
            Self::ServiceManaged => "serviceManaged",
        }
    }

    pub fn beta_name(self) -> &'static str {
        match self {
            Self::UserManaged => "UserManaged",
            Self::ServiceDefault => "ServiceDefault",
            Self::ServiceManaged => "ServiceManaged",
        }
    }
}

/// Beta calls it `catalogStatus`, v1.0 `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "camelCase")]
pub enum CatalogState {
    Published,
    Unpublished,
}

impl CatalogState {
    pub const ALL: [Self; 2] = [Self::Published, Self::Unpublished];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|state| state.v1_name().eq_ignore_ascii_case(text))
    }

    pub fn v1_name(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    pub fn beta_name(self) -> &'static str {
        match self {
            Self::Published => "Published",
            Self::Unpublished => "Unpublished",
        }
    }
}

/// A validated request to create a catalog; unset values take their defaults in the
/// repository.
#[derive(Debug, Clone)]
pub struct NewCatalog {
    pub display_name: String,
    pub description: Option<String>,
    pub catalog_type: Option<CatalogType>,
    pub state: Option<CatalogState>,
    pub is_externally_visible: Option<bool>,
}

/// A catalog as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Catalog {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub catalog_type: CatalogType,
    pub state: CatalogState,
    pub is_externally_visible: bool,
    pub created_by: Option<String>,
    pub created_date_time: String,
    pub modified_by: Option<String>,
    pub modified_date_time: String,
}

/// The properties a PATCH sent; `None` leaves a property as it is.
#[derive(Debug, Clone, Default)]
pub struct CatalogChanges {
    pub display_name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_externally_visible: Option<bool>,
    pub state: Option<CatalogState>,
}

impl CatalogChanges {
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none()
            && self.description.is_none()
            && self.is_externally_visible.is_none()
            && self.state.is_none()
    }
}
