//! `microsoft.graph.accessPackage`, beta and v1.0 (reference §1).

use serde::{Deserialize, Serialize};

use super::{BETA_READ_ONLY, V1_READ_ONLY};
use crate::domain::access_package::AccessPackageChanges;
use crate::domain::validation::Validation;
use crate::domain::{AccessPackage, Field, NewAccessPackage};
use crate::graph::odata::Schema;
use crate::graph::{ApiVersion, Beta, RequestBody, UndeclaredProperties, V1};
use crate::Error;

pub const ENTITY_SET: &str = "accessPackages";
const ENTITY_TYPE: &str = "microsoft.graph.accessPackage";

/// How one API version spells an access package.
pub trait AccessPackageDialect: ApiVersion {
    /// What `$filter`, `$select`, `$orderby` and `$expand` may name.
    const SCHEMA: &'static Schema;
    /// The navigation property leading to the catalog.
    const CATALOG_NAVIGATION: &'static str;
    type Create: RequestBody + 'static;
    type Update: RequestBody + 'static;
    type Representation: Serialize + From<AccessPackage>;

    fn validate(body: Self::Create) -> Result<NewAccessPackage, Error>;
    fn validate_update(body: Self::Update) -> Result<AccessPackageChanges, Error>;
}

pub static BETA_SCHEMA: Schema = Schema {
    entity_type: ENTITY_TYPE,
    properties: &[
        ("id", Field::Id),
        ("catalogId", Field::CatalogId),
        ("displayName", Field::DisplayName),
        ("description", Field::Description),
        ("isHidden", Field::IsHidden),
        ("isRoleScopesVisible", Field::IsRoleScopesVisible),
        ("createdBy", Field::CreatedBy),
        ("createdDateTime", Field::CreatedDateTime),
        ("modifiedBy", Field::ModifiedBy),
        ("modifiedDateTime", Field::ModifiedDateTime),
    ],
    references: &[("accessPackageCatalog", Field::CatalogId)],
    expandable: &[("accessPackageCatalog", &super::catalog::BETA_SCHEMA)],
};

pub static V1_SCHEMA: Schema = Schema {
    entity_type: ENTITY_TYPE,
    properties: &[
        ("id", Field::Id),
        ("displayName", Field::DisplayName),
        ("description", Field::Description),
        ("isHidden", Field::IsHidden),
        ("createdDateTime", Field::CreatedDateTime),
        ("modifiedDateTime", Field::ModifiedDateTime),
    ],
    references: &[("catalog", Field::CatalogId)],
    expandable: &[("catalog", &super::catalog::V1_SCHEMA)],
};

/// PATCH, beta: displayName, description, isHidden, isRoleScopesVisible.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BetaUpdateAccessPackage {
    #[serde(default, deserialize_with = "super::present")]
    display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::present")]
    description: Option<Option<String>>,
    is_hidden: Option<bool>,
    is_role_scopes_visible: Option<bool>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for BetaUpdateAccessPackage {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    /// catalogId is read-only after creation (moving is a separate action in Graph).
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "catalogId",
        "createdBy",
        "createdDateTime",
        "modifiedBy",
        "modifiedDateTime",
    ];

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

/// PATCH, v1.0: displayName, description, isHidden.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1UpdateAccessPackage {
    #[serde(default, deserialize_with = "super::present")]
    display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::present")]
    description: Option<Option<String>>,
    is_hidden: Option<bool>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for V1UpdateAccessPackage {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] = V1_READ_ONLY;

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

/// Beta binds the catalog with a `catalogId` property (the seed's request).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BetaCreateAccessPackage {
    catalog_id: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    is_hidden: Option<bool>,
    is_role_scopes_visible: Option<bool>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for BetaCreateAccessPackage {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] = BETA_READ_ONLY;

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

/// v1.0 binds the catalog as a nested object: `"catalog": {"id": "…"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1CreateAccessPackage {
    display_name: Option<String>,
    description: Option<String>,
    is_hidden: Option<bool>,
    catalog: Option<CatalogReference>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

/// Only `id` is read; other catalog properties an SDK may serialise are ignored.
#[derive(Debug, Deserialize)]
pub struct CatalogReference {
    id: Option<String>,
}

impl RequestBody for V1CreateAccessPackage {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] = V1_READ_ONLY;

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BetaAccessPackage {
    id: String,
    catalog_id: String,
    display_name: String,
    description: Option<String>,
    is_hidden: bool,
    is_role_scopes_visible: bool,
    created_by: Option<String>,
    created_date_time: String,
    modified_by: Option<String>,
    modified_date_time: String,
}

impl From<AccessPackage> for BetaAccessPackage {
    fn from(row: AccessPackage) -> Self {
        Self {
            id: row.id,
            catalog_id: row.catalog_id,
            display_name: row.display_name,
            description: row.description,
            is_hidden: row.is_hidden,
            is_role_scopes_visible: row.is_role_scopes_visible,
            created_by: row.created_by,
            created_date_time: row.created_date_time,
            modified_by: row.modified_by,
            modified_date_time: row.modified_date_time,
        }
    }
}

/// v1.0 has no catalogId, createdBy, modifiedBy or isRoleScopesVisible.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V1AccessPackage {
    id: String,
    display_name: String,
    description: Option<String>,
    is_hidden: bool,
    created_date_time: String,
    modified_date_time: String,
}

impl From<AccessPackage> for V1AccessPackage {
    fn from(row: AccessPackage) -> Self {
        Self {
            id: row.id,
            display_name: row.display_name,
            description: row.description,
            is_hidden: row.is_hidden,
            created_date_time: row.created_date_time,
            modified_date_time: row.modified_date_time,
        }
    }
}

impl AccessPackageDialect for Beta {
    const SCHEMA: &'static Schema = &BETA_SCHEMA;
    const CATALOG_NAVIGATION: &'static str = "accessPackageCatalog";
    type Create = BetaCreateAccessPackage;
    type Update = BetaUpdateAccessPackage;
    type Representation = BetaAccessPackage;

    fn validate_update(body: BetaUpdateAccessPackage) -> Result<AccessPackageChanges, Error> {
        let mut validation = Validation::default();
        let changes = AccessPackageChanges {
            display_name: validation.replacement_text("displayName", body.display_name),
            description: body.description,
            is_hidden: body.is_hidden,
            is_role_scopes_visible: body.is_role_scopes_visible,
        };
        validation.finish(Some(changes))
    }

    fn validate(body: BetaCreateAccessPackage) -> Result<NewAccessPackage, Error> {
        let mut validation = Validation::default();
        let catalog_id = validation.required_guid("catalogId", body.catalog_id.as_deref());
        let display_name = validation.required_text("displayName", body.display_name);
        let new = catalog_id
            .zip(display_name)
            .map(|(catalog_id, display_name)| NewAccessPackage {
                catalog_id,
                display_name,
                description: body.description,
                is_hidden: body.is_hidden,
                is_role_scopes_visible: body.is_role_scopes_visible,
            });
        validation.finish(new)
    }
}

impl AccessPackageDialect for V1 {
    const SCHEMA: &'static Schema = &V1_SCHEMA;
    const CATALOG_NAVIGATION: &'static str = "catalog";
    type Create = V1CreateAccessPackage;
    type Update = V1UpdateAccessPackage;
    type Representation = V1AccessPackage;

    fn validate_update(body: V1UpdateAccessPackage) -> Result<AccessPackageChanges, Error> {
        let mut validation = Validation::default();
        let changes = AccessPackageChanges {
            display_name: validation.replacement_text("displayName", body.display_name),
            description: body.description,
            is_hidden: body.is_hidden,
            is_role_scopes_visible: None,
        };
        validation.finish(Some(changes))
    }

    fn validate(body: V1CreateAccessPackage) -> Result<NewAccessPackage, Error> {
        let mut validation = Validation::default();
        let catalog_id = match &body.catalog {
            Some(catalog) => validation.required_guid("catalog.id", catalog.id.as_deref()),
            None => {
                validation.missing("catalog");
                None
            }
        };
        let display_name = validation.required_text("displayName", body.display_name);
        let new = catalog_id
            .zip(display_name)
            .map(|(catalog_id, display_name)| NewAccessPackage {
                catalog_id,
                display_name,
                description: body.description,
                is_hidden: body.is_hidden,
                is_role_scopes_visible: None,
            });
        validation.finish(new)
    }
}
