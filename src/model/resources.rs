//! What a catalog holds (reference: elm-surface §4): resources onboarded into it by a
//! resource request (`resource_request`), each with its roles and scopes. beta
//! `accessPackageResources`/`…Roles`/`…Scopes`, v1.0 `resources`/`resourceRoles`/
//! `resourceScopes`. Never written directly: only onboarding makes and removes them.

use serde_json::Value;

use super::entity::{CREATED_AT, MODIFIED_AT};
use super::operation::{Answer, Behaviour, Binding, Operation};
use super::{
    directory::STRINGS, Default, Edm, EntityType, Generated, Names, Navigation, OnDelete,
    Operations, Property, Restriction, Segment, Writes,
};

/// Resources, roles and scopes name their catalog and resource; clients do not see these
/// columns, they see the navigations.
const CATALOG: Property = Property::internal("catalog_id", "catalogId", Edm::Guid).read_only();
const RESOURCE_ID: Property =
    Property::internal("resource_id", "resourceId", Edm::Guid).read_only();
const ORIGIN_ID: Property = Property::text("origin_id", Names::both("originId")).read_only();
const ORIGIN_SYSTEM: Property =
    Property::text("origin_system", Names::both("originSystem")).read_only();
const DISPLAY_NAME: Property =
    Property::text("display_name", Names::both("displayName")).read_only();
const DESCRIPTION: Property = Property::text("description", Names::both("description"))
    .nullable()
    .read_only();

/// A role's or scope's resource, which it goes with.
const TO_RESOURCE: Navigation = Navigation::to_one(
    Names::differ("accessPackageResource", "resource"),
    || &RESOURCE,
    "resource_id",
)
.segment(Segment::Read)
.on_delete(OnDelete::Cascade);

/// The catalog a role or scope is in (its resource's): it goes with the catalog.
const TO_CATALOG: Navigation =
    Navigation::to_one(Names::NONE, || &super::catalog::CATALOG, "catalog_id")
        .on_delete(OnDelete::Cascade);

pub static RESOURCE: EntityType = EntityType {
    name: "accessPackageResource",
    odata_type: "microsoft.graph.accessPackageResource",
    sets: Names::differ("accessPackageResources", "resources"),
    fixture: "resources",
    table: "access_package_resources",
    properties: &[
        Property::key(),
        CATALOG,
        ORIGIN_ID,
        ORIGIN_SYSTEM,
        DISPLAY_NAME,
        DESCRIPTION,
        Property::text("resource_type", Names::beta("resourceType"))
            .nullable()
            .read_only(),
        Property::text("url", Names::beta("url"))
            .nullable()
            .read_only(),
        Property::new(
            "is_pending_onboarding",
            Names::beta("isPendingOnboarding"),
            Edm::Bool,
        )
        .default(Default::Bool(false))
        .read_only(),
        Property::text("added_by", Names::beta("addedBy"))
            .nullable()
            .read_only()
            .generated(Generated::CreatedBy),
        Property::new("added_on", Names::beta("addedOn"), Edm::DateTimeOffset)
            .read_only()
            .generated(Generated::CreatedAt),
        Property::new(
            "attributes",
            Names::both("attributes"),
            Edm::Complex(&STRINGS_OR_OBJECTS),
        )
        .default(Default::Json("[]"))
        .read_only(),
        Property::internal("environment_id", "environmentId", Edm::Guid)
            .nullable()
            .read_only(),
        Property {
            name: Names::v1("createdDateTime"),
            ..CREATED_AT
        },
        Property {
            name: Names::v1("modifiedDateTime"),
            ..MODIFIED_AT
        },
    ],
    navigations: &[
        Navigation::to_many(
            Names::differ("accessPackageResourceRoles", "roles"),
            || &ROLE,
            "resource_id",
        )
        .segment(Segment::Read),
        Navigation::to_many(
            Names::differ("accessPackageResourceScopes", "scopes"),
            || &SCOPE,
            "resource_id",
        )
        .segment(Segment::Read),
        // Where it lives: a SharePoint site's tenant.
        Navigation::to_one(
            Names::differ("accessPackageResourceEnvironment", "environment"),
            || &super::resource_environment::ENVIRONMENT,
            "environment_id",
        )
        .segment(Segment::Read),
        // Resources leave a catalog through a resource request (AdminRemove), not with it.
        Navigation::to_one(Names::NONE, || &super::catalog::CATALOG, "catalog_id").on_delete(
            OnDelete::Restrict(Restriction {
                unless: None,
                status: 409,
                code: "CatalogNotEmpty",
                message: |n| {
                    format!("The catalog still holds {n} resource(s); remove them with a resource request first.")
                },
            }),
        ),
    ],
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    bound: &[Operation::new(
        Names::both("refresh"),
        Binding::WithinItem("accessPackageCatalog"),
        Answer::Object,
        "Read the resource's name and description again from the directory",
        Behaviour::RefreshResource,
    )],
    ..EntityType::BASE
};

/// `attributes`: kept as sent.
static STRINGS_OR_OBJECTS: super::ComplexType = super::ComplexType {
    name: "Collection(microsoft.graph.accessPackageResourceAttribute)",
    decode: |_, value, path| match value {
        Value::Array(_) => Ok(value.clone()),
        other => Err(super::json::wrong_type(path, other, "an array")),
    },
    encode: |_, stored| stored.clone(),
    schema: STRINGS.schema,
};

pub static ROLE: EntityType = EntityType {
    name: "accessPackageResourceRole",
    odata_type: "microsoft.graph.accessPackageResourceRole",
    fixture: "resourceRoles",
    table: "access_package_resource_roles",
    properties: &[
        Property::key(),
        CATALOG,
        RESOURCE_ID,
        ORIGIN_ID,
        ORIGIN_SYSTEM,
        DISPLAY_NAME,
        DESCRIPTION,
    ],
    navigations: &[TO_RESOURCE, TO_CATALOG],
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    default_order: &["origin_id"],
    ..EntityType::BASE
};

pub static SCOPE: EntityType = EntityType {
    name: "accessPackageResourceScope",
    odata_type: "microsoft.graph.accessPackageResourceScope",
    fixture: "resourceScopes",
    table: "access_package_resource_scopes",
    properties: &[
        Property::key(),
        CATALOG,
        RESOURCE_ID,
        ORIGIN_ID,
        ORIGIN_SYSTEM,
        DISPLAY_NAME,
        DESCRIPTION,
        Property::new("is_root_scope", Names::both("isRootScope"), Edm::Bool)
            .default(Default::Bool(true))
            .read_only(),
        Property::text("url", Names::beta("url"))
            .nullable()
            .read_only(),
    ],
    navigations: &[TO_RESOURCE, TO_CATALOG],
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    default_order: &["origin_id"],
    ..EntityType::BASE
};
