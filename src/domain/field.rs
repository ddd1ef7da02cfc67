//! The stored properties that queries can name, shared by both entity types. Each resource
//! type lists which of them it exposes and under what name; the repository maps them to
//! columns.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    CatalogId,
    DisplayName,
    Description,
    IsHidden,
    IsRoleScopesVisible,
    CatalogType,
    State,
    IsExternallyVisible,
    CreatedBy,
    CreatedDateTime,
    ModifiedBy,
    ModifiedDateTime,
}

/// How a field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Compared ignoring case, as Graph's directory collation does.
    Text,
    Guid,
    Bool,
    /// Graph's seven-digit UTC text, which orders correctly as text.
    DateTime,
    CatalogType,
    CatalogState,
}

impl Field {
    pub fn kind(self) -> Kind {
        match self {
            Self::Id | Self::CatalogId => Kind::Guid,
            Self::DisplayName | Self::Description | Self::CreatedBy | Self::ModifiedBy => {
                Kind::Text
            }
            Self::IsHidden | Self::IsRoleScopesVisible | Self::IsExternallyVisible => Kind::Bool,
            Self::CreatedDateTime | Self::ModifiedDateTime => Kind::DateTime,
            Self::CatalogType => Kind::CatalogType,
            Self::State => Kind::CatalogState,
        }
    }
}

/// A stored value, as bound into SQL or carried in a paging token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
}
