//! `microsoft.graph.connectedOrganization` (elm-surface §6.2): another organization whose
//! users may ask for access, known by its identity sources; `connectedOrganizations` in
//! both versions, with internal and external sponsors by reference. beta adds `createdBy`
//! and `modifiedBy`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::complex::{canonical_types, Plain};
use super::directory::{GROUP, USER};
use super::entity::{CREATED_AT, CREATED_BY, MODIFIED_AT, MODIFIED_BY};
use super::values::canonical_guid;
use super::{
    ComplexType, Default, Edm, EntityType, EnumType, Member, Names, Navigation, Operations,
    PerVersion, Property, Writes, LINKS,
};
use crate::Error;

pub static STATE: EnumType = EnumType {
    name: Names::both("microsoft.graph.connectedOrganizationState"),
    members: &[
        Member::new("configured", "configured", "configured"),
        Member::new("proposed", "proposed", "proposed"),
        Member::new(
            "unknownFutureValue",
            "unknownFutureValue",
            "unknownFutureValue",
        )
        .not_creatable(),
    ],
};

const KINDS: [&str; 5] = [
    "#microsoft.graph.azureActiveDirectoryTenant",
    "#microsoft.graph.crossCloudAzureActiveDirectoryTenant",
    "#microsoft.graph.domainIdentitySource",
    "#microsoft.graph.externalDomainFederation",
    "#microsoft.graph.socialIdentitySource",
];

/// Where the organization's users sign in from: one of the derived types of
/// `identitySource`, named by its `@odata.type`, alike in both versions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "@odata.type", rename_all_fields = "camelCase")]
enum IdentitySource {
    #[serde(rename = "#microsoft.graph.azureActiveDirectoryTenant")]
    Tenant {
        #[serde(default)]
        display_name: Option<String>,
        #[serde(default)]
        tenant_id: Option<String>,
    },
    #[serde(rename = "#microsoft.graph.crossCloudAzureActiveDirectoryTenant")]
    CrossCloudTenant {
        #[serde(default)]
        display_name: Option<String>,
        #[serde(default)]
        tenant_id: Option<String>,
        #[serde(default)]
        cloud_instance: Option<String>,
    },
    #[serde(rename = "#microsoft.graph.domainIdentitySource")]
    Domain {
        #[serde(default)]
        display_name: Option<String>,
        #[serde(default)]
        domain_name: Option<String>,
    },
    #[serde(rename = "#microsoft.graph.externalDomainFederation")]
    Federation {
        #[serde(default)]
        display_name: Option<String>,
        #[serde(default)]
        domain_name: Option<String>,
        #[serde(default)]
        issuer_uri: Option<String>,
    },
    #[serde(rename = "#microsoft.graph.socialIdentitySource")]
    Social {
        #[serde(default)]
        display_name: Option<String>,
        #[serde(default)]
        social_identity_source_type: Option<String>,
    },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct IdentitySources(Vec<IdentitySource>);

impl Plain for IdentitySources {
    fn normalize(raw: &mut Value, path: &str) -> Result<(), Error> {
        canonical_types(raw, path, &KINDS)
    }

    /// A tenant is named by its id; a domain by its name, in lower case.
    fn check(&mut self, path: &str) -> Result<(), Error> {
        for (index, source) in self.0.iter_mut().enumerate() {
            match source {
                IdentitySource::Tenant { tenant_id, .. }
                | IdentitySource::CrossCloudTenant { tenant_id, .. } => {
                    let Some(id) = tenant_id.as_deref() else {
                        return Err(Error::missing_value(
                            &format!("{path}[{index}].tenantId"),
                            "A tenant is named by its tenantId.",
                        ));
                    };
                    *tenant_id = Some(canonical_guid(id).ok_or_else(|| {
                        Error::invalid_value(
                            &format!("{path}[{index}].tenantId"),
                            format!("'{id}' is not a GUID."),
                        )
                    })?);
                }
                IdentitySource::Domain { domain_name, .. }
                | IdentitySource::Federation { domain_name, .. } => {
                    let Some(domain) = domain_name.as_deref().map(str::trim) else {
                        return Err(Error::missing_value(
                            &format!("{path}[{index}].domainName"),
                            "A domain is named by its domainName.",
                        ));
                    };
                    *domain_name = Some(domain.to_ascii_lowercase());
                }
                IdentitySource::Social { .. } => {}
            }
        }
        Ok(())
    }
}

pub static IDENTITY_SOURCES: ComplexType =
    ComplexType::versioned::<IdentitySources>("Collection(microsoft.graph.identitySource)");

/// The domains an organization's users come from, in lower case: for matching a guest's
/// mail to the organization it belongs to.
pub fn domains(identity_sources: &Value) -> Vec<String> {
    let sources: IdentitySources =
        serde_json::from_value(identity_sources.clone()).unwrap_or_default();
    sources
        .0
        .into_iter()
        .filter_map(|source| match source {
            IdentitySource::Domain { domain_name, .. }
            | IdentitySource::Federation { domain_name, .. } => domain_name,
            _ => None,
        })
        .collect()
}

/// Sponsors are users or groups of this directory, by reference.
const SPONSORS: &[fn() -> &'static EntityType] = &[|| &USER, || &GROUP];

pub static CONNECTED_ORGANIZATION: EntityType = EntityType {
    name: "connectedOrganization",
    odata_type: "microsoft.graph.connectedOrganization",
    sets: Names::both("connectedOrganizations"),
    fixture: "connectedOrganizations",
    table: "connected_organizations",
    properties: &[
        Property::key(),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("description", Names::both("description")).nullable(),
        Property::new(
            "identity_sources",
            Names::both("identitySources"),
            Edm::Complex(&IDENTITY_SOURCES),
        )
        .default(Default::Json("[]")),
        // Graph does not say what a create without a state gets; a connected organization
        // made in the portal is configured.
        Property::enumeration("state", Names::both("state"), &STATE).default_text("configured"),
        CREATED_BY,
        CREATED_AT,
        MODIFIED_BY,
        MODIFIED_AT,
    ],
    navigations: &[
        Navigation::linked(
            Names::both("internalSponsors"),
            || &USER,
            &LINKS,
            "internalSponsors",
        )
        .of_kinds(SPONSORS),
        Navigation::linked(
            Names::both("externalSponsors"),
            || &USER,
            &LINKS,
            "externalSponsors",
        )
        .of_kinds(SPONSORS),
    ],
    operations: Operations::CRUD,
    writes: Writes::Direct,
    // The reference page's example (v1.0 and beta alike).
    example: PerVersion::each(
        r##"{"displayName": "Connected organization name", "description": "Connected organization description",
            "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "example.com", "displayName": "example.com"}],
            "state": "proposed"}"##,
        r##"{"displayName": "Connected organization name", "description": "Connected organization description",
            "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "example.com", "displayName": "example.com"}],
            "state": "proposed"}"##,
    ),
    ..EntityType::BASE
};
