//! Applications (`/applications`): the registration a service principal is made for
//! (`POST /servicePrincipals {"appId": …}`, as `az ad sp create --id` sends), with client
//! secrets of its own (`addPassword`), which sign in as the service principal of its
//! `appId` does. Only what Entitlement Management and the Azure CLI's `az ad app` read is
//! kept; the rest of an application's many settings is accepted and dropped (`ignored`).

use super::directory::{APP_ROLES_PROPERTY, STRINGS, UNIQUE_APP_ID};
use super::entity::CREATED_AT;
use super::{
    password_credential, Default, Edm, EntityType, Errors, Generated, Names, PerVersion, Property,
};

pub static APPLICATION: EntityType = EntityType {
    name: "application",
    odata_type: "microsoft.graph.application",
    sets: Names::both("applications"),
    root: "",
    fixture: "applications",
    table: "applications",
    properties: &[
        Property::key(),
        // Entra makes it; a client cannot choose it.
        Property::guid("app_id", Names::both("appId"))
            .read_only()
            .generated(Generated::Id),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("description", Names::both("description")).nullable(),
        Property::text("sign_in_audience", Names::both("signInAudience"))
            .default_text("AzureADMyOrg"),
        Property::new(
            "identifier_uris",
            Names::both("identifierUris"),
            Edm::Complex(&STRINGS),
        )
        .default(Default::Json("[]")),
        APP_ROLES_PROPERTY,
        password_credential::PROPERTY,
        CREATED_AT,
    ],
    constraints: &[UNIQUE_APP_ID],
    // Settings the emulator has no use for, which `az ad app create` and Terraform send.
    ignored: &[
        "web",
        "spa",
        "publicClient",
        "api",
        "requiredResourceAccess",
        "optionalClaims",
        "keyCredentials",
        "isFallbackPublicClient",
        "serviceManagementReference",
        "tags",
        "info",
        "notes",
        "groupMembershipClaims",
    ],
    errors: Errors::Directory,
    keys: &[("appId", "app_id")],
    example: PerVersion::each(
        r#"{"displayName": "Display name"}"#,
        r#"{"displayName": "Display name"}"#,
    ),
    bound: &[
        password_credential::ADD_PASSWORD,
        password_credential::REMOVE_PASSWORD,
    ],
    ..EntityType::BASE
};
