//! Applications (`/applications`): the registration a service principal is made for
//! (`POST /servicePrincipals {"appId": …}`, as `az ad sp create --id` sends), with client
//! secrets of its own (`addPassword`), which sign in as the service principal of its
//! `appId` does. Only what Entitlement Management and the Azure CLI's `az ad app` read is
//! kept; the rest of an application's many settings is accepted and dropped (`ignored`).

use super::directory::{APP_ROLES, STRINGS};
use super::entity::CREATED_AT;
use super::operation::{Answer, Behaviour, Binding, Operation};
use super::{
    password_credential, Constraint, Default, Edm, EntityType, Errors, Generated, Names,
    PerVersion, Property, Record,
};

fn app_id_taken(_: &Record) -> String {
    "Another object with the same value for property appId already exists.".to_owned()
}

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
        Property::new(
            "app_roles",
            Names::both("appRoles"),
            Edm::Complex(&APP_ROLES),
        )
        .default(Default::Json("[]")),
        Property::new(
            password_credential::COLUMN,
            Names::both("passwordCredentials"),
            Edm::Complex(&password_credential::PASSWORD_CREDENTIALS),
        )
        .read_only()
        .default(Default::Json("[]")),
        CREATED_AT,
    ],
    constraints: &[Constraint::Unique {
        columns: &["app_id"],
        status: 400,
        code: "Request_BadRequest",
        message: app_id_taken,
    }],
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
        Operation::new(
            Names::both("addPassword"),
            Binding::Item,
            Answer::Object,
            "A new client secret, shown only in this answer",
            Behaviour::AddPassword,
        ),
        Operation::new(
            Names::both("removePassword"),
            Binding::Item,
            Answer::NoContent,
            "Remove a client secret by its keyId",
            Behaviour::RemovePassword,
        ),
    ],
    ..EntityType::BASE
};
