//! Who may request: beta's `requestorSettings` as a view over v1.0's `allowedTargetScope`
//! and `specificAllowedTargets`, and v1.0's own complex values. (How long access lasts
//! is `schedule`'s.)

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::complex::{read, schema_of, Kept, Plain};
use crate::model::json::{invalid, object};
use crate::model::subject_set::{self as subjects, BetaUserSets, SubjectSets};
use crate::model::{ComplexType, Derived, Dialect, EnumType, Member, Names};
use crate::Error;

/// beta's `scopeType` (a string) and v1.0's `allowedTargetScope` (an enum). Members one
/// version lacks are written in the other's words, respelled.
#[rustfmt::skip]
pub static ALLOWED_TARGET_SCOPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.allowedTargetScope"),
    members: &[
        //           stored                                      beta                                          v1.0
        Member::new("notSpecified",                             "NoSubjects",                                 "notSpecified"),
        Member::new("specificDirectoryUsers",                   "SpecificDirectorySubjects",                  "specificDirectoryUsers"),
        Member::new("specificConnectedOrganizationUsers",       "SpecificConnectedOrganizationSubjects",      "specificConnectedOrganizationUsers"),
        Member::new("specificDirectoryServicePrincipals",       "SpecificDirectoryServicePrincipals",         "specificDirectoryServicePrincipals"),
        Member::new("allMemberUsers",                           "AllExistingDirectoryMemberUsers",            "allMemberUsers"),
        Member::new("allDirectoryUsers",                        "AllExistingDirectorySubjects",               "allDirectoryUsers"),
        Member::new("allDirectoryServicePrincipals",            "AllDirectoryServicePrincipals",              "allDirectoryServicePrincipals"),
        Member::new("allConfiguredConnectedOrganizationUsers",  "AllConfiguredConnectedOrganizationSubjects", "allConfiguredConnectedOrganizationUsers"),
        // beta alone tells "existing" from "configured" connected organizations.
        Member::new("allExistingConnectedOrganizationSubjects", "AllExistingConnectedOrganizationSubjects",   "allConfiguredConnectedOrganizationUsers"),
        Member::new("allExternalUsers",                         "AllExternalSubjects",                        "allExternalUsers"),
        Member::new("allDirectoryAgentIdentities",              "AllDirectoryAgentIdentities",                "allDirectoryAgentIdentities"),
    ],
};

/// A list of subject sets (v1.0's `specificAllowedTargets`): stored as sent, checked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct SubjectList(#[schemars(with = "SubjectSets")] Vec<Value>);

// beta shows the list inside its requestorSettings instead.
impl Plain for SubjectList {
    fn check(&mut self, path: &str) -> Result<(), Error> {
        self.0 = subjects::checked(&self.0, path)?;
        Ok(())
    }
}

pub static SUBJECT_SETS: ComplexType =
    ComplexType::versioned::<SubjectList>("Collection(microsoft.graph.subjectSet)");

/// v1.0's self-service flags when a policy says nothing of them.
pub const SELF_SERVICE_OFF: &str = r#"{"enableTargetsToSelfAddAccess":false,"enableTargetsToSelfUpdateAccess":false,
    "enableTargetsToSelfRemoveAccess":false,"allowCustomAssignmentSchedule":false,
    "enableOnBehalfRequestorsToAddAccess":false,"enableOnBehalfRequestorsToUpdateAccess":false,
    "enableOnBehalfRequestorsToRemoveAccess":false,"onBehalfRequestors":[]}"#;

/// v1.0's `requestorSettings` (beta has none: its requestorSettings is another thing).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct RequestorSettings {
    pub enable_targets_to_self_add_access: bool,
    pub enable_targets_to_self_update_access: bool,
    pub enable_targets_to_self_remove_access: bool,
    pub allow_custom_assignment_schedule: bool,
    pub enable_on_behalf_requestors_to_add_access: bool,
    pub enable_on_behalf_requestors_to_update_access: bool,
    pub enable_on_behalf_requestors_to_remove_access: bool,
    #[schemars(with = "SubjectSets")]
    pub on_behalf_requestors: Vec<Value>,
}

impl Plain for RequestorSettings {
    fn check(&mut self, path: &str) -> Result<(), Error> {
        self.on_behalf_requestors = subjects::checked(
            &self.on_behalf_requestors,
            &format!("{path}.onBehalfRequestors"),
        )?;
        Ok(())
    }
}

pub static REQUESTOR_SETTINGS: ComplexType = ComplexType::versioned::<RequestorSettings>(
    "microsoft.graph.accessPackageAssignmentRequestorSettings",
);

/// Kept and returned, not acted on: the emulator makes no automatic requests.
pub static AUTOMATIC_REQUEST_SETTINGS: ComplexType =
    ComplexType::versioned::<Kept<AutomaticRequestSettings>>(
        "microsoft.graph.accessPackageAutomaticRequestSettings",
    );

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct AutomaticRequestSettings {
    request_access_for_allowed_targets: Option<bool>,
    remove_access_when_target_leaves_allowed_targets: Option<bool>,
    grace_period_before_access_removal: Option<String>,
}

/// Kept and returned, not acted on: the emulator sends no mail.
pub static NOTIFICATION_SETTINGS: ComplexType = ComplexType::versioned::<Kept<NotificationSettings>>(
    "microsoft.graph.accessPackageNotificationSettings",
);

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct NotificationSettings {
    is_assignment_notification_disabled: Option<bool>,
}

/// beta's `requestorSettings`, a view over `allowedTargetScope`, `acceptRequests` and
/// `specificAllowedTargets`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct BetaRequestorSettings {
    scope_type: Option<String>,
    accept_requests: Option<bool>,
    #[schemars(with = "BetaUserSets")]
    allowed_requestors: Vec<Value>,
}

pub static BETA_REQUESTOR_SETTINGS: Derived = Derived {
    name: "microsoft.graph.requestorSettings",
    project: |_, record| {
        let scope = record
            .get("allowed_target_scope")
            .as_str()
            .and_then(|s| ALLOWED_TARGET_SCOPE.stored(s));
        let stored: Vec<Value> = record
            .get("specific_allowed_targets")
            .as_array()
            .cloned()
            .unwrap_or_default();
        object([
            (
                "scopeType",
                scope.map_or(Value::Null, |member| Value::from(member.beta)),
            ),
            ("acceptRequests", record.get("accept_requests").clone()),
            (
                "allowedRequestors",
                Value::Array(subjects::to_beta(&stored, &[])),
            ),
        ])
    },
    decode: |_, value, path| {
        let settings: BetaRequestorSettings = read(value, path)?;
        let scope = match &settings.scope_type {
            None => "notSpecified",
            Some(text) => ALLOWED_TARGET_SCOPE
                .find(text)
                .map(|member| member.stored)
                .ok_or_else(|| {
                    invalid(
                        &format!("{path}.scopeType"),
                        format!(
                            "The scopeType must be {}.",
                            ALLOWED_TARGET_SCOPE.listing(Dialect::Beta, true)
                        ),
                    )
                })?,
        };
        let (requestors, _) = subjects::split_beta(
            &settings.allowed_requestors,
            &format!("{path}.allowedRequestors"),
        )?;
        Ok(vec![
            ("allowed_target_scope", Value::from(scope)),
            ("specific_allowed_targets", Value::Array(requestors)),
            // go-azure-sdk sends false as null (NoZero): inside the block, absent is false.
            (
                "accept_requests",
                Value::Bool(settings.accept_requests.unwrap_or(false)),
            ),
        ])
    },
    schema: |_| schema_of::<BetaRequestorSettings>(),
};
