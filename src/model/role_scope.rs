//! `microsoft.graph.accessPackageResourceRoleScope` (reference: elm-surface §5): a
//! resource role, in a scope, granted by an access package. beta
//! `accessPackages/{id}/accessPackageResourceRoleScopes`, v1.0 `…/resourceRoleScopes`.
//! Created through the package, resolving its role and scope from what the client names
//! (Terraform names them by origin ids only); its id is `{roleId}_{scopeId}`, unique within
//! its package.

use serde_json::Value;

use super::entity::{CREATED_AT, CREATED_BY, MODIFIED_AT, MODIFIED_BY};
use super::json::Object;
use super::operation::{Answer, Behaviour, Binding, Operation};
use super::resource_request::Origin;
use super::resources::{ROLE, SCOPE};
use super::OnDelete;
use super::{
    access_package, Edm, EntityType, Generated, Names, Navigation, Operations, Property, Record,
    Segment, Update, Writes,
};
use crate::Error;

pub static ROLE_SCOPE: EntityType = EntityType {
    name: "accessPackageResourceRoleScope",
    odata_type: "microsoft.graph.accessPackageResourceRoleScope",
    fixture: "resourceRoleScopes",
    table: "role_scopes",
    properties: &[
        // Not a GUID: `{roleId}_{scopeId}`.
        Property::text("id", Names::both("id"))
            .read_only()
            .generated(Generated::Id),
        Property::internal("access_package_id", "accessPackageId", Edm::Guid).read_only(),
        Property::internal("role_id", "roleId", Edm::Guid).read_only(),
        Property::internal("scope_id", "scopeId", Edm::Guid).read_only(),
        CREATED_BY,
        CREATED_AT,
        MODIFIED_BY,
        MODIFIED_AT,
    ],
    navigations: &[
        Navigation::to_one(
            Names::differ("accessPackageResourceRole", "role"),
            || &ROLE,
            "role_id",
        )
        .segment(Segment::Read),
        Navigation::to_one(
            Names::differ("accessPackageResourceScope", "scope"),
            || &SCOPE,
            "scope_id",
        )
        .segment(Segment::Read),
        // Contained in its package: it goes with it.
        Navigation::to_one(
            Names::NONE,
            || &access_package::ACCESS_PACKAGE,
            "access_package_id",
        )
        .on_delete(OnDelete::Cascade),
    ],
    operations: Operations {
        create: true,
        update: Update::None,
        delete: true,
    },
    writes: Writes::Custom,
    // Its id is unique within its package only: one group's Member role in several
    // packages is the most common provisioning pattern.
    keyed_within: Some("access_package_id"),
    prepare: Some(|record| {
        let id = format!("{}_{}", record.text("role_id"), record.text("scope_id"));
        record.set("id", Value::from(id));
        ROLE_SCOPE.key_within_container(record);
        Ok(())
    }),
    // Its role and scope are resolved from what the client names.
    bound: &[Operation::new(
        Names::NONE,
        Binding::Create,
        Answer::Created,
        "Grant a resource role in a scope through the package",
        Behaviour::CreateRoleScope,
    )],
    ..EntityType::BASE
};

/// How a body names a role or scope: an id, or an origin id (with the resource that
/// holds it, by id or origin id).
#[derive(Debug, Default)]
pub struct Named {
    pub id: Option<String>,
    pub origin_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_origin_id: Option<String>,
}

/// The role and scope objects of a body, in either version's names:
/// beta `accessPackageResourceRole{…, accessPackageResource}` and
/// `accessPackageResourceScope`, v1.0 `role{…, resource}` and `scope`.
pub fn named(body: &Value) -> Result<(Named, Named), Error> {
    let object = Object::of(body, "")?;
    let pick = |keys: [&'static str; 2]| {
        keys.into_iter()
            .find_map(|key| object.get(key).map(|value| (key, value)))
    };
    let read = |found: Option<(&str, &Value)>| -> Result<Named, Error> {
        let Some((key, value)) = found else {
            return Ok(Named::default());
        };
        let item = Object::of(value, key)?;
        let resource = ["accessPackageResource", "resource"]
            .into_iter()
            .find_map(|k| item.get(k).map(|v| (k, v)));
        let (resource_id, resource_origin_id) = match resource {
            Some((k, value)) => {
                let resource = Object::of(value, k)?;
                (
                    resource.str("id")?.map(str::to_owned),
                    resource.str("originId")?.map(str::to_owned),
                )
            }
            None => (None, None),
        };
        // Not kept (the role's resource says it), but it must be one, in any case.
        if let Some(system) = item.str("originSystem")? {
            Origin::parse(system)?;
        }
        Ok(Named {
            id: item.str("id")?.map(str::to_owned),
            origin_id: item.str("originId")?.map(str::to_owned),
            resource_id,
            resource_origin_id,
        })
    };
    Ok((
        read(pick(["accessPackageResourceRole", "role"]))?,
        read(pick(["accessPackageResourceScope", "scope"]))?,
    ))
}

/// A resolved role scope of `package`.
pub fn role_scope(package: &str, role: &Record, scope: &Record, actor: &str) -> Record {
    let mut record = Record::create(&ROLE_SCOPE, super::Changes::default(), actor);
    record.set("access_package_id", Value::from(package));
    record.set("role_id", Value::from(role.id()));
    record.set("scope_id", Value::from(scope.id()));
    record
}
