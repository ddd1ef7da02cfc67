//! `microsoft.graph.accessPackage` (reference §1): `accessPackages` in both versions.

use super::entity::{CREATED_AT, CREATED_BY, MODIFIED_AT, MODIFIED_BY};
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::{
    assignment_policy, catalog, directory, role_scope, Bind, Constraint, EntityType, Names,
    Navigation, OnDelete, PerVersion, Property, Record, Restriction, Segment, Writes, LINKS,
};

/// The relations of `LINKS` that separate duties.
pub const INCOMPATIBLE_PACKAGES: &str = "incompatibleAccessPackages";
pub const INCOMPATIBLE_GROUPS: &str = "incompatibleGroups";

pub static ACCESS_PACKAGE: EntityType = EntityType {
    name: "accessPackage",
    odata_type: "microsoft.graph.accessPackage",
    sets: Names::both("accessPackages"),
    fixture: "accessPackages",
    table: "access_packages",
    properties: &[
        Property::key(),
        // Beta binds the catalog with it and shows it; v1.0 binds `catalog: {id}`.
        Property::guid("catalog_id", Names::beta("catalogId")).on_create(),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("description", Names::both("description")).nullable(),
        Property::boolean("is_hidden", Names::both("isHidden")),
        Property::boolean("is_role_scopes_visible", Names::beta("isRoleScopesVisible")),
        CREATED_BY,
        CREATED_AT,
        MODIFIED_BY,
        MODIFIED_AT,
    ],
    navigations: &[
        Navigation::to_one(
            Names::differ("accessPackageCatalog", "catalog"),
            || &catalog::CATALOG,
            "catalog_id",
        )
        // azuread 3.x sends the catalog it read as `accessPackageCatalog`; 2.x sends both
        // `catalogId` and v1.0's `catalog` on beta.
        .bound(Bind {
            required: true,
            aliases: PerVersion::each(&["catalog"], &[]),
        })
        .segment(Segment::Read)
        .on_delete(OnDelete::Restrict(Restriction {
            unless: None,
            status: 409,
            code: "CatalogNotEmpty",
            message: |n| {
                format!("The catalog still holds {n} access package(s); delete or move them first.")
            },
        })),
        // Created, listed and changed through the package too, as the generated SDKs do.
        Navigation::to_many(
            Names::differ("accessPackageAssignmentPolicies", "assignmentPolicies"),
            || &assignment_policy::ASSIGNMENT_POLICY,
            "access_package_id",
        )
        .segment(Segment::Contained),
        Navigation::to_many(
            Names::differ("accessPackageResourceRoleScopes", "resourceRoleScopes"),
            || &role_scope::ROLE_SCOPE,
            "access_package_id",
        )
        .segment(Segment::Contained),
        // Separation of duties: whoever holds one of these packages, or is in one of
        // these groups, may not be given this one (`admission`). Each link is one way;
        // the reverse is read-only.
        Navigation::linked(
            Names::both("incompatibleAccessPackages"),
            || &ACCESS_PACKAGE,
            &LINKS,
            INCOMPATIBLE_PACKAGES,
        ),
        Navigation::linked(
            Names::both("incompatibleGroups"),
            || &directory::GROUP,
            &LINKS,
            INCOMPATIBLE_GROUPS,
        ),
        Navigation::linking(
            Names::both("accessPackagesIncompatibleWith"),
            || &ACCESS_PACKAGE,
            &LINKS,
            INCOMPATIBLE_PACKAGES,
        ),
    ],
    constraints: &[Constraint::Unique {
        columns: &["catalog_id", "display_name"],
        status: 409,
        code: "DuplicateAccessPackage",
        message: duplicate_name,
    }],
    // Parallel test suites create packages by the dozen: the hot write.
    writes: Writes::Batched,
    example: PerVersion::each(
        r#"{"catalogId": "{catalogs}", "displayName": "sales reps", "description": "outside sales representatives", "isHidden": false}"#,
        r#"{"catalog": {"id": "{catalogs}"}, "displayName": "sales reps", "description": "outside sales representatives", "isHidden": false}"#,
    ),
    bound: &[
        Operation::new(
            Names::both("getApplicablePolicyRequirements"),
            Binding::Item,
            Answer::Object,
            "The policies the caller may request the package through, and what each requires",
            Behaviour::ApplicablePolicyRequirements,
        ),
        Operation::new(
            Names::both("filterByCurrentUser"),
            Binding::Collection,
            Answer::Collection,
            "The packages the caller may request (My Access's list)",
            Behaviour::PackagesOfCurrentUser,
        )
        .with(&[Parameter {
            name: "on",
            values: &["allowedRequestor"],
        }]),
        Operation::new(
            Names::beta("moveToCatalog"),
            Binding::Item,
            Answer::Object,
            "Move the package to another catalog holding its resources",
            Behaviour::MoveToCatalog,
        ),
    ],
    ..EntityType::BASE
};

/// `accessPackage`, read-only, from whatever names a package by `access_package_id`
/// (an assignment, a request).
pub const READ_PACKAGE: Navigation = Navigation::to_one(
    Names::both("accessPackage"),
    || &ACCESS_PACKAGE,
    "access_package_id",
)
.segment(Segment::Read);

/// Graph's words for a name taken in the catalog (ignoring case, as the index does).
fn duplicate_name(record: &Record) -> String {
    format!(
        "There's an existing access package with name \"{}\" in the catalog.",
        record.text("display_name")
    )
}
