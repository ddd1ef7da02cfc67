//! `microsoft.graph.customCalloutExtension` as Entitlement Management uses it (reference:
//! accesspackagecatalog-post-accesspackagecustomworkflowextensions and the extensions'
//! get/update/delete pages, v1.0 and beta): a Logic App (or other HTTP endpoint) a catalog
//! calls out to at a stage of a request or an assignment. Contained in its catalog: v1.0
//! `catalogs/{id}/customWorkflowExtensions`; beta
//! `accessPackageCatalogs/{id}/accessPackageCustomWorkflowExtensions` and the older
//! `…/customAccessPackageWorkflowExtensions`. Its derived type is its `@odata.type`,
//! stored, and fixed once created; updates replace it whole (`PUT`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::complex::{canonical_type, Kept, Plain};
use super::entity::HIDDEN_CREATED_AT;
use super::json::duration;
use super::{
    catalog, Bind, ComplexType, Default, Edm, EntityType, EnumType, Generated, Member, Names,
    Navigation, OnDelete, Operations, PerVersion, Property, Restriction, Update, Writes,
};
use crate::Error;

/// The derived types, told apart by `@odata.type`: one for a request's stages (which may
/// wait for a callback), one for an assignment's pre-expiration stages, and beta's first.
pub static KIND: EnumType = EnumType {
    name: Names::NONE,
    members: &[
        Member::new(
            "accessPackageAssignmentRequestWorkflowExtension",
            "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
            "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
        ),
        Member::new(
            "accessPackageAssignmentWorkflowExtension",
            "#microsoft.graph.accessPackageAssignmentWorkflowExtension",
            "#microsoft.graph.accessPackageAssignmentWorkflowExtension",
        ),
        Member::new(
            "customAccessPackageWorkflowExtension",
            "#microsoft.graph.customAccessPackageWorkflowExtension",
            "#microsoft.graph.customAccessPackageWorkflowExtension",
        ),
    ],
};

const ENDPOINTS: [&str; 2] = [
    "#microsoft.graph.logicAppTriggerEndpointConfiguration",
    "#microsoft.graph.httpRequestEndpoint",
];

/// Where the callout goes: a Logic App by its Azure coordinates (and the trigger `url`
/// the service fills in), or any HTTP endpoint by URL.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "@odata.type", rename_all_fields = "camelCase")]
pub enum Endpoint {
    #[serde(rename = "#microsoft.graph.logicAppTriggerEndpointConfiguration")]
    LogicApp {
        #[serde(default)]
        subscription_id: Option<String>,
        #[serde(default)]
        resource_group_name: Option<String>,
        #[serde(default)]
        logic_app_workflow_name: Option<String>,
        #[serde(default)]
        url: Option<String>,
    },
    #[serde(rename = "#microsoft.graph.httpRequestEndpoint")]
    Http {
        #[serde(default)]
        target_url: Option<String>,
    },
}

impl Plain for Endpoint {
    fn normalize(raw: &mut Value, path: &str) -> Result<(), Error> {
        canonical_type(raw, path, &ENDPOINTS)
    }

    fn check(&mut self, path: &str) -> Result<(), Error> {
        match self {
            Self::LogicApp {
                logic_app_workflow_name: None,
                url: None,
                ..
            } => Err(Error::missing_value(
                &format!("{path}.logicAppWorkflowName"),
                "A Logic App endpoint names its workflow: logicAppWorkflowName.",
            )),
            Self::Http { target_url: None } => Err(Error::missing_value(
                &format!("{path}.targetUrl"),
                "An HTTP endpoint names its targetUrl.",
            )),
            _ => Ok(()),
        }
    }
}

const AUTHENTICATIONS: [&str; 3] = [
    "#microsoft.graph.azureAdPopTokenAuthentication",
    "#microsoft.graph.azureAdTokenAuthentication",
    "#microsoft.graph.basicAuthentication",
];

/// How the callout proves it comes from Entitlement Management.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "@odata.type", rename_all_fields = "camelCase")]
pub enum Authentication {
    #[serde(rename = "#microsoft.graph.azureAdPopTokenAuthentication")]
    PopToken {},
    #[serde(rename = "#microsoft.graph.azureAdTokenAuthentication")]
    Token {
        #[serde(default)]
        resource_id: Option<String>,
    },
    #[serde(rename = "#microsoft.graph.basicAuthentication")]
    Basic {
        #[serde(default)]
        username: Option<String>,
        #[serde(default)]
        password: Option<String>,
    },
}

impl Plain for Authentication {
    fn normalize(raw: &mut Value, path: &str) -> Result<(), Error> {
        canonical_type(raw, path, &AUTHENTICATIONS)
    }
}

/// How long a launch-and-wait stage waits for `resume`. The pages' examples say
/// `durationBeforeTimeout`, the resource page `timeoutDuration`: either is kept as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    odata_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    duration_before_timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout_duration: Option<String>,
}

impl Plain for Callback {
    fn check(&mut self, path: &str) -> Result<(), Error> {
        for (name, value) in [
            ("durationBeforeTimeout", &self.duration_before_timeout),
            ("timeoutDuration", &self.timeout_duration),
        ] {
            if let Some(text) = value {
                duration(text, &format!("{path}.{name}"))?;
            }
        }
        Ok(())
    }
}

/// `customExtensionClientConfiguration`: the callout's own time-out and retries.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Client {
    maximum_retries: Option<i32>,
    timeout_in_milliseconds: Option<i32>,
}

static ENDPOINT: ComplexType =
    ComplexType::versioned::<Endpoint>("microsoft.graph.customExtensionEndpointConfiguration");
static AUTHENTICATION: ComplexType = ComplexType::versioned::<Authentication>(
    "microsoft.graph.customExtensionAuthenticationConfiguration",
);
static CALLBACK: ComplexType =
    ComplexType::versioned::<Callback>("microsoft.graph.customExtensionCallbackConfiguration");
static CLIENT: ComplexType =
    ComplexType::versioned::<Kept<Client>>("microsoft.graph.customExtensionClientConfiguration");

pub static CUSTOM_EXTENSION: EntityType = EntityType {
    name: "customCalloutExtension",
    odata_type: "microsoft.graph.customCalloutExtension",
    fixture: "customExtensions",
    table: "custom_extensions",
    properties: &[
        Property::enumeration("odata_type", Names::both("@odata.type"), &KIND)
            .on_create()
            .default_text("accessPackageAssignmentRequestWorkflowExtension"),
        Property::key(),
        Property::internal("catalog_id", "catalogId", Edm::Guid).read_only(),
        Property::text("display_name", Names::both("displayName"))
            .required()
            .name_like(),
        Property::text("description", Names::both("description")).nullable(),
        Property::new("created_by", Names::both("createdBy"), Edm::String)
            .nullable()
            .read_only()
            .generated(Generated::CreatedBy),
        Property::new(
            "created_date_time",
            Names::both("createdDateTime"),
            Edm::DateTimeOffset,
        )
        .read_only()
        .generated(Generated::CreatedAt),
        Property::new(
            "last_modified_by",
            Names::both("lastModifiedBy"),
            Edm::String,
        )
        .nullable()
        .read_only()
        .generated(Generated::ModifiedBy),
        Property::new(
            "last_modified_date_time",
            Names::both("lastModifiedDateTime"),
            Edm::DateTimeOffset,
        )
        .read_only()
        .generated(Generated::ModifiedAt),
        Property::new(
            "client_configuration",
            Names::both("clientConfiguration"),
            Edm::Complex(&CLIENT),
        )
        .nullable(),
        Property::new(
            "endpoint_configuration",
            Names::both("endpointConfiguration"),
            Edm::Complex(&ENDPOINT),
        )
        .required(),
        Property::new(
            "authentication_configuration",
            Names::both("authenticationConfiguration"),
            Edm::Complex(&AUTHENTICATION),
        )
        .required(),
        Property::new(
            "callback_configuration",
            Names::both("callbackConfiguration"),
            Edm::Complex(&CALLBACK),
        )
        .nullable()
        .default(Default::Null),
    ],
    navigations: &[
        // Contained in its catalog: it goes with it.
        Navigation::to_one(Names::NONE, || &catalog::CATALOG, "catalog_id")
            .on_delete(OnDelete::Cascade),
    ],
    operations: Operations {
        create: true,
        update: Update::Put,
        delete: true,
    },
    writes: Writes::Direct,
    // The v1.0 page's first example (its beta copy is the same, inside a `value`).
    example: PerVersion::each(EXAMPLE, EXAMPLE),
    ..EntityType::BASE
};

const EXAMPLE: &str = r##"{"@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
    "displayName": "test_action_0124_email", "description": "this is for graph testing only",
    "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
        "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d", "resourceGroupName": "test",
        "logicAppWorkflowName": "elm-extension-email"},
    "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
    "callbackConfiguration": {"@odata.type": "microsoft.graph.customExtensionCallbackConfiguration",
        "durationBeforeTimeout": "PT1H"}}"##;

/// When in a request's or an assignment's life an extension is called.
pub static STAGE: EnumType = EnumType {
    name: Names::both("microsoft.graph.accessPackageCustomExtensionStage"),
    members: &[
        Member::new(
            "assignmentRequestCreated",
            "assignmentRequestCreated",
            "assignmentRequestCreated",
        ),
        Member::new(
            "assignmentRequestApproved",
            "assignmentRequestApproved",
            "assignmentRequestApproved",
        ),
        Member::new(
            "assignmentRequestGranted",
            "assignmentRequestGranted",
            "assignmentRequestGranted",
        ),
        Member::new(
            "assignmentRequestRemoved",
            "assignmentRequestRemoved",
            "assignmentRequestRemoved",
        ),
        Member::new(
            "assignmentFourteenDaysBeforeExpiration",
            "assignmentFourteenDaysBeforeExpiration",
            "assignmentFourteenDaysBeforeExpiration",
        ),
        Member::new(
            "assignmentOneDayBeforeExpiration",
            "assignmentOneDayBeforeExpiration",
            "assignmentOneDayBeforeExpiration",
        ),
        Member::new(
            "unknownFutureValue",
            "unknownFutureValue",
            "unknownFutureValue",
        )
        .not_creatable(),
    ],
};

/// `customExtensionStageSetting` (beta also `customExtensionHandler`): a policy calls this
/// extension at this stage. Written in the policy's body (`customExtensionStageSettings`,
/// beta `customExtensionHandlers`), read with `$expand`.
pub static STAGE_SETTING: EntityType = EntityType {
    name: "customExtensionStageSetting",
    odata_type: "microsoft.graph.customExtensionStageSetting",
    fixture: "customExtensionStageSettings",
    table: "custom_extension_stage_settings",
    properties: &[
        Property::key(),
        Property::internal("assignment_policy_id", "assignmentPolicyId", Edm::Guid).read_only(),
        Property::enumeration("stage", Names::both("stage"), &STAGE).required(),
        Property::internal("custom_extension_id", "customExtensionId", Edm::Guid).on_create(),
        HIDDEN_CREATED_AT,
    ],
    navigations: &[
        Navigation::to_one(
            Names::both("customExtension"),
            || &CUSTOM_EXTENSION,
            "custom_extension_id",
        )
        .bound(Bind {
            required: true,
            aliases: PerVersion::each(&[], &[]),
        })
        // "The custom workflow extension must first be removed from any associated
        // policies before it can be deleted."
        .on_delete(OnDelete::Restrict(Restriction {
            unless: None,
            status: 400,
            code: "InvalidRequest",
            message: |n| {
                format!("The custom workflow extension is used by {n} policy stage(s); remove it from the policies first.")
            },
        })),
        // Part of its policy: it goes with it.
        Navigation::to_one(
            Names::NONE,
            || &super::assignment_policy::ASSIGNMENT_POLICY,
            "assignment_policy_id",
        )
        .on_delete(OnDelete::Cascade),
    ],
    operations: Operations::READ_ONLY,
    writes: Writes::Direct,
    ..EntityType::BASE
};
