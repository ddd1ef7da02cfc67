//! Entitlement Management's own roles (reference: elm-clients §3.6, §3.7):
//! `roleManagement/entitlementManagement/roleDefinitions`, the five built-in roles with
//! their well-known ids, and `roleAssignments` of a principal to a role in a catalog's
//! scope (`appScopeId: /AccessPackageCatalog/{id}`).

use serde_json::Value;

use super::values::canonical_guid;
use super::{
    catalog, directory, Bind, Default, Edm, EntityType, Names, Navigation, Operations, PerVersion,
    Property, Reference, Segment, Update,
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
    properties: &[
        Property::key(),
        Property::text("display_name", Names::both("displayName")).read_only(),
        Property::text("description", Names::both("description"))
            .nullable()
            .read_only(),
        Property::text("template_id", Names::both("templateId")).read_only(),
        Property::new("is_built_in", Names::both("isBuiltIn"), Edm::Bool)
            .default(Default::Bool(true))
            .read_only(),
        Property::new("is_enabled", Names::both("isEnabled"), Edm::Bool)
            .default(Default::Bool(true))
            .read_only(),
    ],
    // In the order listings give them: by name.
    builtins: &[
        role!(
            "e2182095-804a-4656-ae11-64734e9b7ae5",
            "Access package assignment manager",
            "Manage the assignments of a catalog's access packages."
        ),
        role!(
            "7f480852-ebdc-47d4-87de-0d8498384a83",
            "Access package manager",
            "Manage the access packages of a catalog."
        ),
        role!(
            "ba92d953-d8e0-4e39-a797-0cbedb0a89e8",
            "Catalog creator",
            "Create and manage catalogs."
        ),
        role!(
            "ae79f266-94d4-4dab-b730-feca7e132178",
            "Catalog owner",
            "Manage a catalog: its access packages, resources and roles."
        ),
        role!(
            "44272f93-9762-48e8-af59-1b5351b1d6b3",
            "Catalog reader",
            "Read a catalog and everything in it."
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
        Property::internal("catalog_id", "catalogId", Edm::Guid).read_only(),
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
        Navigation::to_one(Names::NONE, || &catalog::CATALOG, "catalog_id"),
    ],
    default_order: &["id"],
    operations: Operations {
        create: true,
        update: Update::None,
        delete: true,
    },
    // The catalog the scope names must exist: it is a foreign key once parsed.
    prepare: Some(|record| {
        let scope = record.text("app_scope_id").to_owned();
        let catalog = scope
            .strip_prefix(CATALOG_SCOPE)
            .and_then(canonical_guid)
            .ok_or_else(|| {
                Error::invalid_value(
                    "appScopeId",
                    format!("'{scope}' is not {CATALOG_SCOPE}{{catalog id}}."),
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
