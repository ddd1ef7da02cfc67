//! Entitlement Management's own roles (reference: elm-clients §3.6, §3.7):
//! `roleManagement/entitlementManagement/roleDefinitions`, the five built-in roles with
//! their well-known ids, and `roleAssignments` of a principal to a role in a catalog's
//! scope (`appScopeId: /AccessPackageCatalog/{id}`) or over all of it (`/`).

use serde_json::{json, Value};

use super::edm::ColumnValues;
use super::values::canonical_guid;
use super::OnDelete;
use super::{
    catalog, directory, Bind, Default, Derived, Edm, EntityType, Names, Navigation, Operations,
    PerVersion, Property, Reference, Segment, Update, Version,
};
use crate::Error;

const ROOT: &str = "roleManagement/entitlementManagement";

macro_rules! role {
    ($id:literal, $name:literal, $description:literal) => {
        &[
            ("id", Default::Text($id)),
            ("display_name", Default::Text($name)),
            ("description", Default::Text($description)),
            ("template_id", Default::Text($id)),
        ]
    };
}

pub static ROLE_DEFINITION: EntityType = EntityType {
    name: "unifiedRoleDefinition",
    odata_type: "microsoft.graph.unifiedRoleDefinition",
    sets: Names::both("roleDefinitions"),
    root: ROOT,
    fixture: "roleDefinitions",
    table: "role_definitions",
    // In the order Graph writes them (rbacapplication-list-roledefinitions, example 2).
    properties: &[
        Property::key(),
        Property::text("display_name", Names::both("displayName")).read_only(),
        Property::text("description", Names::both("description"))
            .nullable()
            .read_only(),
        Property::new("is_built_in", Names::both("isBuiltIn"), Edm::Bool)
            .default(Default::Bool(true))
            .read_only(),
        Property::new("is_enabled", Names::both("isEnabled"), Edm::Bool)
            .default(Default::Bool(true))
            .read_only(),
        Property::text("template_id", Names::both("templateId")).read_only(),
        Property::new("version", Names::both("version"), Edm::Derived(&VERSION)).read_only(),
        Property::new(
            "role_permissions",
            Names::both("rolePermissions"),
            Edm::Derived(&ROLE_PERMISSIONS),
        )
        .read_only(),
    ],
    // Graph's names, with the description the same words (the portal's are longer). In
    // the order listings give them: by name.
    builtins: &[
        role!(
            "e2182095-804a-4656-ae11-64734e9b7ae5",
            "AccessPackage assignment manager",
            "AccessPackage assignment manager"
        ),
        role!(
            "7f480852-ebdc-47d4-87de-0d8498384a83",
            "AccessPackages manager",
            "AccessPackages manager"
        ),
        role!(
            "ba92d953-d8e0-4e39-a797-0cbedb0a89e8",
            "Catalog creator",
            "Catalog creator"
        ),
        role!(
            "ae79f266-94d4-4dab-b730-feca7e132178",
            "Catalog owner",
            "Catalog owner"
        ),
        role!(
            "44272f93-9762-48e8-af59-1b5351b1d6b3",
            "Catalog reader",
            "Catalog reader"
        ),
    ],
    default_order: &["display_name"],
    operations: Operations {
        create: false,
        update: Update::None,
        delete: false,
    },
    ..EntityType::BASE
};

/// What each built-in role allows, as Graph lists it.
const PERMISSIONS: [(&str, &[&str]); 5] = [
    (
        "ae79f266-94d4-4dab-b730-feca7e132178",
        &["microsoft.entitlementManagement/allEntities/allTasks"],
    ),
    (
        "44272f93-9762-48e8-af59-1b5351b1d6b3",
        &["microsoft.entitlementManagement/allEntities/Read"],
    ),
    (
        "7f480852-ebdc-47d4-87de-0d8498384a83",
        &[
            "microsoft.entitlementManagement/AccessPackageCatalog/AccessPackage/allTasks",
            "microsoft.entitlementManagement/AccessPackageCatalog/allEntities/Read",
        ],
    ),
    (
        "ba92d953-d8e0-4e39-a797-0cbedb0a89e8",
        &["microsoft.entitlementManagement/AccessPackageCatalog/Create"],
    ),
    (
        "e2182095-804a-4656-ae11-64734e9b7ae5",
        &[
            "microsoft.entitlementManagement/AccessPackageCatalog/AccessPackage/GrantRequests/allTasks",
            "microsoft.entitlementManagement/AccessPackageCatalog/AccessPackage/Grants/allTasks",
            "microsoft.entitlementManagement/AccessPackageCatalog/allEntities/Read",
        ],
    ),
];

fn read_only(_: Version, _: &Value, path: &str) -> Result<ColumnValues, Error> {
    Err(Error::invalid_value(path, "The property is read-only."))
}

/// `"1.0"`, a string, for every built-in role.
static VERSION: Derived = Derived {
    name: "Edm.String",
    project: |_, _| Value::from("1.0"),
    decode: read_only,
    schema: |_| json!({"type": "string"}),
};

/// `[{"allowedResourceActions": [...], "condition": null}]`; beta's example has no
/// `condition`.
static ROLE_PERMISSIONS: Derived = Derived {
    name: "Collection(microsoft.graph.unifiedRolePermission)",
    project: |version, record| {
        let actions = PERMISSIONS
            .iter()
            .find(|(id, _)| *id == record.id())
            .map_or(&[][..], |(_, actions)| *actions);
        let mut permission = json!({"allowedResourceActions": actions});
        if version == Version::V1 {
            permission["condition"] = Value::Null;
        }
        json!([permission])
    },
    decode: read_only,
    schema: |version| {
        let mut properties =
            json!({"allowedResourceActions": {"type": "array", "items": {"type": "string"}}});
        if version == Version::V1 {
            properties["condition"] = json!({"type": ["string", "null"]});
        }
        json!({"type": "array", "items": {"type": "object", "properties": properties,
            "required": ["allowedResourceActions"]}})
    },
};

/// The one role assigned over all of Entitlement Management rather than a catalog.
const CATALOG_CREATOR: &str = "ba92d953-d8e0-4e39-a797-0cbedb0a89e8";

/// `/`: all of Entitlement Management, the reference's root scope.
const ROOT_SCOPE: &str = "/";

/// `/AccessPackageCatalog/{id}`: the catalog a role assignment is scoped to.
const CATALOG_SCOPE: &str = "/AccessPackageCatalog/";

pub static ROLE_ASSIGNMENT: EntityType = EntityType {
    name: "unifiedRoleAssignment",
    odata_type: "microsoft.graph.unifiedRoleAssignment",
    sets: Names::both("roleAssignments"),
    root: ROOT,
    fixture: "roleAssignments",
    table: "role_assignments",
    properties: &[
        Property::key(),
        Property::guid("principal_id", Names::both("principalId"))
            .required()
            .on_create(),
        Property::guid("role_definition_id", Names::both("roleDefinitionId")).on_create(),
        Property::text("app_scope_id", Names::both("appScopeId"))
            .name_like()
            .on_create(),
        Property::text("directory_scope_id", Names::both("directoryScopeId"))
            .default_text("/")
            .on_create(),
        Property::internal("catalog_id", "catalogId", Edm::Guid)
            .nullable()
            .read_only(),
    ],
    navigations: &[
        Navigation::to_one(
            Names::both("roleDefinition"),
            || &ROLE_DEFINITION,
            "role_definition_id",
        )
        .bound(Bind {
            required: true,
            aliases: PerVersion::each(&[], &[]),
        })
        .segment(Segment::Read),
        // The roles assigned over a catalog go with it.
        Navigation::to_one(Names::NONE, || &catalog::CATALOG, "catalog_id")
            .on_delete(OnDelete::Cascade),
        // `$expand=principal`: the user, group or service principal, typed.
        Navigation::to_one(
            Names::both("principal"),
            || &directory::USER,
            "principal_id",
        )
        .of_kinds(directory::PRINCIPALS),
    ],
    default_order: &["id"],
    operations: Operations {
        create: true,
        update: Update::None,
        delete: true,
    },
    // The catalog the scope names must exist: it is a foreign key once parsed. The root
    // scope `/` (where Catalog creator is assigned) names none.
    prepare: Some(|record| {
        let scope = record.text("app_scope_id").to_owned();
        if scope == ROOT_SCOPE {
            if canonical_guid(record.text("role_definition_id")).as_deref() != Some(CATALOG_CREATOR)
            {
                return Err(Error::invalid_value(
                    "appScopeId",
                    format!("Only Catalog creator is assigned at the root scope '{ROOT_SCOPE}'; this role is assigned over a catalog: {CATALOG_SCOPE}{{catalog id}}."),
                ));
            }
            record.set("catalog_id", Value::Null);
            return Ok(());
        }
        let catalog = scope
            .strip_prefix(CATALOG_SCOPE)
            .and_then(canonical_guid)
            .ok_or_else(|| {
                Error::invalid_value(
                    "appScopeId",
                    format!("'{scope}' is neither {ROOT_SCOPE} nor {CATALOG_SCOPE}{{catalog id}}."),
                )
            })?;
        record.set(
            "app_scope_id",
            Value::from(format!("{CATALOG_SCOPE}{catalog}")),
        );
        record.set("catalog_id", Value::from(catalog));
        Ok(())
    }),
    references: Some(|record| {
        vec![Reference {
            id: record.text("principal_id").to_owned(),
            kinds: directory::PRINCIPALS,
            target: "principalId".to_owned(),
        }]
    }),
    // Terraform's body, with the Catalog owner role.
    example: PerVersion::each(
        r#"{"appScopeId": "/AccessPackageCatalog/{catalogs}", "directoryScopeId": "/", "principalId": "{users}",
            "roleDefinitionId": "ae79f266-94d4-4dab-b730-feca7e132178"}"#,
        r#"{"appScopeId": "/AccessPackageCatalog/{catalogs}", "directoryScopeId": "/", "principalId": "{users}",
            "roleDefinitionId": "ae79f266-94d4-4dab-b730-feca7e132178"}"#,
    ),
    ..EntityType::BASE
};
