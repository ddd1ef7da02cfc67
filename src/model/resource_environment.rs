//! `microsoft.graph.accessPackageResourceEnvironment` (reference:
//! accesspackageresourceenvironment, entitlementmanagement-list-resourceenvironments): where
//! an onboarded resource lives. beta `accessPackageResourceEnvironments`, v1.0
//! `resourceEnvironments`, read-only. The reference's examples are SharePoint Online's: a
//! site is in its tenant's SharePoint, named by the tenant's root URL, with the admin site
//! as its `originId` and `connectionInfo.url`. Onboarding a site makes its environment
//! once; the directory's own origins (groups, applications) need none here.

use serde_json::{json, Value};

use super::entity::{CREATED_AT, CREATED_BY, MODIFIED_AT, MODIFIED_BY};
use super::{
    ComplexType, Default, Edm, EntityType, Names, Navigation, Operations, Property, Segment, Writes,
};

pub static ENVIRONMENT: EntityType = EntityType {
    name: "accessPackageResourceEnvironment",
    odata_type: "microsoft.graph.accessPackageResourceEnvironment",
    sets: Names::differ("accessPackageResourceEnvironments", "resourceEnvironments"),
    fixture: "resourceEnvironments",
    table: "access_package_resource_environments",
    properties: &[
        Property::key(),
        Property::text("display_name", Names::both("displayName")).read_only(),
        Property::text("description", Names::both("description"))
            .nullable()
            .read_only(),
        Property::text("origin_system", Names::both("originSystem")).read_only(),
        Property::text("origin_id", Names::both("originId")).read_only(),
        Property::new(
            "is_default_environment",
            Names::both("isDefaultEnvironment"),
            Edm::Bool,
        )
        .default(Default::Bool(false))
        .read_only(),
        Property::new(
            "connection_info",
            Names::beta("connectionInfo"),
            Edm::Complex(&CONNECTION_INFO),
        )
        .nullable()
        .read_only(),
        Property {
            name: Names::beta("createdBy"),
            ..CREATED_BY
        },
        CREATED_AT,
        Property {
            name: Names::beta("modifiedBy"),
            ..MODIFIED_BY
        },
        MODIFIED_AT,
    ],
    navigations: &[Navigation::to_many(
        Names::differ("accessPackageResources", "resources"),
        || &super::resources::RESOURCE,
        "environment_id",
    )
    .segment(Segment::Read)],
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    ..EntityType::BASE
};

/// `connectionInfo`: `{url}`, beta's.
static CONNECTION_INFO: ComplexType = ComplexType {
    name: "microsoft.graph.connectionInfo",
    decode: |_, value, _| Ok(value.clone()),
    encode: |_, stored| stored.clone(),
    schema: |_| json!({"type": ["object", "null"], "properties": {"url": {"type": ["string", "null"]}}}),
};

/// A site's environment: its tenant's SharePoint (`https://contoso.sharepoint.com/`), whose
/// admin site (`https://contoso-admin.sharepoint.com/`) is its origin. `None` for a URL
/// with no host.
pub fn of_site(url: &str) -> Option<Site> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|host| !host.is_empty())?;
    let host = host.to_ascii_lowercase();
    let admin = match host.strip_suffix(".sharepoint.com") {
        Some(tenant) if !tenant.ends_with("-admin") => format!("{tenant}-admin.sharepoint.com"),
        _ => host.clone(),
    };
    Some(Site {
        root: format!("https://{host}/"),
        origin_id: format!("https://{admin}/"),
    })
}

/// What a site's environment is named by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// `displayName` and `description`.
    pub root: String,
    /// `originId` and `connectionInfo.url`.
    pub origin_id: String,
}

impl Site {
    pub fn connection_info(&self) -> Value {
        json!({"url": self.origin_id})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_in_its_tenants_sharepoint() {
        let site = of_site("https://Contoso.sharepoint.com/sites/Sales").unwrap();
        assert_eq!(site.root, "https://contoso.sharepoint.com/");
        assert_eq!(site.origin_id, "https://contoso-admin.sharepoint.com/");
        let elsewhere = of_site("https://intranet.example.com/teams/x").unwrap();
        assert_eq!(elsewhere.origin_id, "https://intranet.example.com/");
        assert_eq!(of_site("sites/Sales"), None);
    }
}
