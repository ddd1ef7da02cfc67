//! `microsoft.graph.accessPackageCatalog`, beta and v1.0 (reference §2).

use serde::{Deserialize, Serialize};

use super::{BETA_READ_ONLY, V1_READ_ONLY};
use crate::domain::catalog::CatalogChanges;
use crate::domain::validation::Validation;
use crate::domain::{Catalog, CatalogState, CatalogType, Field, NewCatalog};
use crate::graph::odata::Schema;
use crate::graph::{ApiVersion, Beta, RequestBody, UndeclaredProperties, V1};
use crate::Error;

const ENTITY_TYPE: &str = "microsoft.graph.accessPackageCatalog";

/// How one API version spells a catalog, and where its catalogs live.
pub trait CatalogDialect: ApiVersion {
    /// `accessPackageCatalogs` in beta, `catalogs` in v1.0.
    const ENTITY_SET: &'static str;
    const SCHEMA: &'static Schema;
    type Create: RequestBody + 'static;
    type Update: RequestBody + 'static;
    type Representation: Serialize + From<Catalog>;

    fn validate(body: Self::Create) -> Result<NewCatalog, Error>;
    fn validate_update(body: Self::Update) -> Result<CatalogChanges, Error>;
}

/// The navigation property from a catalog to its access packages, in both versions.
pub const ACCESS_PACKAGES: &str = "accessPackages";

pub static BETA_SCHEMA: Schema = Schema {
    entity_type: ENTITY_TYPE,
    properties: &[
        ("id", Field::Id),
        ("displayName", Field::DisplayName),
        ("description", Field::Description),
        ("catalogType", Field::CatalogType),
        ("catalogStatus", Field::State),
        ("isExternallyVisible", Field::IsExternallyVisible),
        ("createdBy", Field::CreatedBy),
        ("createdDateTime", Field::CreatedDateTime),
        ("modifiedBy", Field::ModifiedBy),
        ("modifiedDateTime", Field::ModifiedDateTime),
    ],
    references: &[],
    expandable: &[(ACCESS_PACKAGES, &super::access_package::BETA_SCHEMA)],
};

pub static V1_SCHEMA: Schema = Schema {
    entity_type: ENTITY_TYPE,
    properties: &[
        ("id", Field::Id),
        ("displayName", Field::DisplayName),
        ("description", Field::Description),
        ("catalogType", Field::CatalogType),
        ("state", Field::State),
        ("isExternallyVisible", Field::IsExternallyVisible),
        ("createdDateTime", Field::CreatedDateTime),
        ("modifiedDateTime", Field::ModifiedDateTime),
    ],
    references: &[],
    expandable: &[(ACCESS_PACKAGES, &super::access_package::V1_SCHEMA)],
};

/// PATCH, beta. catalogType is read-only here: the type of a catalog does not change.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BetaUpdateCatalog {
    #[serde(default, deserialize_with = "super::present")]
    display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::present")]
    description: Option<Option<String>>,
    is_externally_visible: Option<bool>,
    catalog_status: Option<String>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for BetaUpdateCatalog {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "catalogType",
        "createdBy",
        "createdDateTime",
        "modifiedBy",
        "modifiedDateTime",
    ];

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

/// PATCH, v1.0.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1UpdateCatalog {
    #[serde(default, deserialize_with = "super::present")]
    display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::present")]
    description: Option<Option<String>>,
    is_externally_visible: Option<bool>,
    state: Option<String>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for V1UpdateCatalog {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] =
        &["id", "catalogType", "createdDateTime", "modifiedDateTime"];

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

fn validate_update(
    display_name: Option<Option<String>>,
    description: Option<Option<String>>,
    is_externally_visible: Option<bool>,
    (state, state_property): (Option<String>, &str),
) -> Result<CatalogChanges, Error> {
    let mut validation = Validation::default();
    let display_name = validation.replacement_text("displayName", display_name);
    let state = state.and_then(|text| parse_state(&mut validation, &text, state_property));
    validation.finish(Some(CatalogChanges {
        display_name,
        description,
        is_externally_visible,
        state,
    }))
}

fn parse_state(validation: &mut Validation, text: &str, property: &str) -> Option<CatalogState> {
    let parsed = CatalogState::parse(text);
    if parsed.is_none() {
        validation.problem(
            property,
            "InvalidValue",
            format!("The {property} property must be published or unpublished."),
        );
    }
    parsed
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BetaCreateCatalog {
    display_name: Option<String>,
    description: Option<String>,
    is_externally_visible: Option<bool>,
    catalog_type: Option<String>,
    catalog_status: Option<String>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for BetaCreateCatalog {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] = BETA_READ_ONLY;

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1CreateCatalog {
    display_name: Option<String>,
    description: Option<String>,
    is_externally_visible: Option<bool>,
    catalog_type: Option<String>,
    state: Option<String>,
    #[serde(flatten)]
    undeclared: UndeclaredProperties,
}

impl RequestBody for V1CreateCatalog {
    const ENTITY_TYPE: &'static str = ENTITY_TYPE;
    const READ_ONLY: &'static [&'static str] = V1_READ_ONLY;

    fn undeclared(&self) -> &UndeclaredProperties {
        &self.undeclared
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BetaCatalog {
    id: String,
    display_name: String,
    description: Option<String>,
    catalog_type: &'static str,
    catalog_status: &'static str,
    is_externally_visible: bool,
    created_by: Option<String>,
    created_date_time: String,
    modified_by: Option<String>,
    modified_date_time: String,
}

impl From<Catalog> for BetaCatalog {
    fn from(row: Catalog) -> Self {
        Self {
            id: row.id,
            display_name: row.display_name,
            description: row.description,
            catalog_type: row.catalog_type.beta_name(),
            catalog_status: row.state.beta_name(),
            is_externally_visible: row.is_externally_visible,
            created_by: row.created_by,
            created_date_time: row.created_date_time,
            modified_by: row.modified_by,
            modified_date_time: row.modified_date_time,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V1Catalog {
    id: String,
    display_name: String,
    description: Option<String>,
    catalog_type: &'static str,
    state: &'static str,
    is_externally_visible: bool,
    created_date_time: String,
    modified_date_time: String,
}

impl From<Catalog> for V1Catalog {
    fn from(row: Catalog) -> Self {
        Self {
            id: row.id,
            display_name: row.display_name,
            description: row.description,
            catalog_type: row.catalog_type.v1_name(),
            state: row.state.v1_name(),
            is_externally_visible: row.is_externally_visible,
            created_date_time: row.created_date_time,
            modified_date_time: row.modified_date_time,
        }
    }
}

impl CatalogDialect for Beta {
    const ENTITY_SET: &'static str = "accessPackageCatalogs";
    const SCHEMA: &'static Schema = &BETA_SCHEMA;
    type Create = BetaCreateCatalog;
    type Update = BetaUpdateCatalog;
    type Representation = BetaCatalog;

    fn validate_update(body: BetaUpdateCatalog) -> Result<CatalogChanges, Error> {
        validate_update(
            body.display_name,
            body.description,
            body.is_externally_visible,
            (body.catalog_status, "catalogStatus"),
        )
    }

    fn validate(body: BetaCreateCatalog) -> Result<NewCatalog, Error> {
        validate(
            body.display_name,
            body.description,
            body.is_externally_visible,
            (body.catalog_type, "catalogType"),
            (body.catalog_status, "catalogStatus"),
        )
    }
}

impl CatalogDialect for V1 {
    const ENTITY_SET: &'static str = "catalogs";
    const SCHEMA: &'static Schema = &V1_SCHEMA;
    type Create = V1CreateCatalog;
    type Update = V1UpdateCatalog;
    type Representation = V1Catalog;

    fn validate_update(body: V1UpdateCatalog) -> Result<CatalogChanges, Error> {
        validate_update(
            body.display_name,
            body.description,
            body.is_externally_visible,
            (body.state, "state"),
        )
    }

    fn validate(body: V1CreateCatalog) -> Result<NewCatalog, Error> {
        validate(
            body.display_name,
            body.description,
            body.is_externally_visible,
            (body.catalog_type, "catalogType"),
            (body.state, "state"),
        )
    }
}

/// Both versions carry the same values; only the names of the status property differ.
fn validate(
    display_name: Option<String>,
    description: Option<String>,
    is_externally_visible: Option<bool>,
    (catalog_type, type_property): (Option<String>, &str),
    (state, state_property): (Option<String>, &str),
) -> Result<NewCatalog, Error> {
    let mut validation = Validation::default();
    let display_name = validation.required_text("displayName", display_name);
    let catalog_type = catalog_type.and_then(|text| {
        let parsed = CatalogType::creatable(&text);
        if parsed.is_none() {
            validation.problem(
                type_property,
                "InvalidValue",
                format!("The {type_property} property must be userManaged or serviceManaged."),
            );
        }
        parsed
    });
    let state = state.and_then(|text| parse_state(&mut validation, &text, state_property));
    let new = display_name.map(|display_name| NewCatalog {
        display_name,
        description,
        catalog_type,
        state,
        is_externally_visible,
    });
    validation.finish(new)
}
