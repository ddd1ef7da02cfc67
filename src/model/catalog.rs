//! `microsoft.graph.accessPackageCatalog` (reference §2): beta `accessPackageCatalogs`,
//! v1.0 `catalogs`.

use super::entity::{CREATED_AT, CREATED_BY, CREATION_ORDER, MODIFIED_AT, MODIFIED_BY};
use super::{
    access_package, custom_extension, resources, Constraint, Default, EntityType, EnumType, Member,
    Names, Navigation, Operations, PerVersion, Property, Segment, Writes,
};

/// The built-in "General" catalog every tenant has (migrations create it too). Its id is the
/// catalogId of the example on Microsoft's "Create accessPackage" page.
pub const GENERAL_ID: &str = "aa2f6514-3232-46e7-a08a-2411ad8d7128";
const GENERAL_CREATED: &str = "2019-01-01T00:00:00.0000000Z";

/// A string in beta, an enum in v1.0.
pub static CATALOG_TYPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageCatalogType"),
    members: &[
        Member::new("userManaged", "UserManaged", "userManaged"),
        // Only the built-in catalog.
        Member::new("serviceDefault", "ServiceDefault", "serviceDefault").not_creatable(),
        Member::new("serviceManaged", "ServiceManaged", "serviceManaged"),
    ],
};

pub static CATALOG_STATE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageCatalogState"),
    members: &[
        Member::new("published", "Published", "published"),
        Member::new("unpublished", "Unpublished", "unpublished"),
    ],
};

pub static CATALOG: EntityType = EntityType {
    name: "accessPackageCatalog",
    odata_type: "microsoft.graph.accessPackageCatalog",
    sets: Names::differ("accessPackageCatalogs", "catalogs"),
    fixture: "catalogs",
    table: "catalogs",
    properties: &[
        Property::key(),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("description", Names::both("description")).nullable(),
        // The type of a catalog does not change after creation.
        Property::enumeration("catalog_type", Names::both("catalogType"), &CATALOG_TYPE)
            .on_create()
            .default_text("userManaged"),
        Property::enumeration(
            "state",
            Names::differ("catalogStatus", "state"),
            &CATALOG_STATE,
        )
        .default_text("published"),
        Property::boolean("is_externally_visible", Names::both("isExternallyVisible")),
        CREATED_BY,
        CREATED_AT,
        MODIFIED_BY,
        MODIFIED_AT,
    ],
    navigations: &[
        Navigation::to_many(
            Names::both("accessPackages"),
            || &access_package::ACCESS_PACKAGE,
            "catalog_id",
        )
        .segment(Segment::Read),
        Navigation::to_many(
            Names::differ("accessPackageResources", "resources"),
            || &resources::RESOURCE,
            "catalog_id",
        )
        .segment(Segment::Read),
        Navigation::to_many(
            Names::differ("accessPackageResourceRoles", "resourceRoles"),
            || &resources::ROLE,
            "catalog_id",
        )
        .segment(Segment::Read),
        Navigation::to_many(
            Names::differ("accessPackageResourceScopes", "resourceScopes"),
            || &resources::SCOPE,
            "catalog_id",
        )
        .segment(Segment::Read),
        Navigation::to_many(
            Names::differ(
                "accessPackageCustomWorkflowExtensions",
                "customWorkflowExtensions",
            ),
            || &custom_extension::CUSTOM_EXTENSION,
            "catalog_id",
        )
        .segment(Segment::Contained),
        // beta's first name for them, still served.
        Navigation::to_many(
            Names::beta("customAccessPackageWorkflowExtensions"),
            || &custom_extension::CUSTOM_EXTENSION,
            "catalog_id",
        )
        .segment(Segment::Contained),
    ],
    constraints: &[Constraint::Protected {
        column: "catalog_type",
        value: "serviceDefault",
        code: "InvalidRequest",
        message: "The built-in catalog cannot be deleted.",
    }],
    // As the migration inserts it (a test compares the two).
    builtins: &[&[
        ("id", Default::Text(GENERAL_ID)),
        ("display_name", Default::Text("General")),
        ("description", Default::Text("Built-in catalog.")),
        ("catalog_type", Default::Text("serviceDefault")),
        ("state", Default::Text("published")),
        ("is_externally_visible", Default::Bool(true)),
        ("created_date_time", Default::Text(GENERAL_CREATED)),
        ("modified_date_time", Default::Text(GENERAL_CREATED)),
    ]],
    default_order: CREATION_ORDER,
    operations: Operations::CRUD,
    writes: Writes::Direct,
    example: PerVersion::each(
        r#"{"displayName": "sales", "description": "for sales", "isExternallyVisible": true, "catalogStatus": "Published"}"#,
        r#"{"displayName": "sales", "description": "for sales", "isExternallyVisible": true, "state": "published"}"#,
    ),
    ..EntityType::BASE
};
