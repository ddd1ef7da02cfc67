//! Who may request, and for how long: beta's `requestorSettings` and
//! `durationInDays`/`expirationDateTime` as views over v1.0's `allowedTargetScope`,
//! `specificAllowedTargets` and `expiration`, and v1.0's own complex values.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::complex::{read, schema_of, Plain};
use crate::model::json::{
    duration, duration_seconds, invalid, object, whole_duration, wrong_type, DurationUnit, Object,
    EXPIRATION_PATTERN,
};
use crate::model::subject_set::{self as subjects, BetaUserSets, SubjectSets};
use crate::model::values::normalize_instant;
use crate::model::{ComplexType, Derived, Dialect, EnumType, Member, Names, Record};
use crate::Error;

/// beta's `scopeType` (a string) and v1.0's `allowedTargetScope` (an enum). Members one
/// version lacks are written in the other's words, respelled.
pub static ALLOWED_TARGET_SCOPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.allowedTargetScope"),
    members: &[
        Member::new("notSpecified", "NoSubjects", "notSpecified"),
        Member::new(
            "specificDirectoryUsers",
            "SpecificDirectorySubjects",
            "specificDirectoryUsers",
        ),
        Member::new(
            "specificConnectedOrganizationUsers",
            "SpecificConnectedOrganizationSubjects",
            "specificConnectedOrganizationUsers",
        ),
        Member::new(
            "specificDirectoryServicePrincipals",
            "SpecificDirectoryServicePrincipals",
            "specificDirectoryServicePrincipals",
        ),
        Member::new(
            "allMemberUsers",
            "AllExistingDirectoryMemberUsers",
            "allMemberUsers",
        ),
        Member::new(
            "allDirectoryUsers",
            "AllExistingDirectorySubjects",
            "allDirectoryUsers",
        ),
        Member::new(
            "allDirectoryServicePrincipals",
            "AllDirectoryServicePrincipals",
            "allDirectoryServicePrincipals",
        ),
        Member::new(
            "allConfiguredConnectedOrganizationUsers",
            "AllConfiguredConnectedOrganizationSubjects",
            "allConfiguredConnectedOrganizationUsers",
        ),
        // beta alone tells "existing" from "configured" connected organizations.
        Member::new(
            "allExistingConnectedOrganizationSubjects",
            "AllExistingConnectedOrganizationSubjects",
            "allConfiguredConnectedOrganizationUsers",
        ),
        Member::new(
            "allExternalUsers",
            "AllExternalSubjects",
            "allExternalUsers",
        ),
        Member::new(
            "allDirectoryAgentIdentities",
            "AllDirectoryAgentIdentities",
            "allDirectoryAgentIdentities",
        ),
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

/// v1.0 objects this emulator keeps and returns but does not act on
/// (`automaticRequestSettings`, `notificationSettings`): any object, the members Graph
/// defines described.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct PassedThrough(#[schemars(with = "KeptSettings")] serde_json::Map<String, Value>);

/// What the kept objects hold on Graph (automaticRequestSettings, notificationSettings).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct KeptSettings {
    request_access_for_allowed_targets: Option<bool>,
    remove_access_when_target_leaves_allowed_targets: Option<bool>,
    grace_period_before_access_removal: Option<String>,
    is_assignment_notification_disabled: Option<bool>,
}

impl Plain for PassedThrough {
    fn keep_raw(&mut self, raw: &Value) {
        if let Value::Object(members) = raw {
            self.0 = members.clone();
        }
    }
}

pub static PASSED_THROUGH: ComplexType =
    ComplexType::versioned::<PassedThrough>("microsoft.graph.complexType");

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

/// beta's `durationInDays`: the days of an `afterDuration` expiration, else 0.
pub static DURATION_IN_DAYS: Derived = Derived {
    name: "Edm.Int32",
    project: |_, record| {
        let days = record
            .get("expiration_duration")
            .as_str()
            .and_then(duration_seconds)
            .map_or(0, |s| s / 86_400);
        Value::from(days)
    },
    decode: |_, value, path| {
        let days = value
            .as_i64()
            .filter(|days| *days >= 0)
            .ok_or_else(|| wrong_type(path, value, "a non-negative integer"))?;
        let duration = if days == 0 {
            Value::Null
        } else {
            Value::from(whole_duration(days, DurationUnit::Days, path)?)
        };
        Ok(vec![("expiration_duration", duration)])
    },
    schema: |_| {
        object([
            ("type", Value::from("integer")),
            ("minimum", Value::from(0)),
        ])
    },
};

const EXPIRATION_TYPES: [&str; 4] = [
    "notSpecified",
    "noExpiration",
    "afterDateTime",
    "afterDuration",
];

/// v1.0's `expiration`: its type follows from what is set, an end before a duration.
pub static EXPIRATION: Derived = Derived {
    name: "microsoft.graph.expirationPattern",
    project: |_, record| expiration(record),
    decode: |_, value, path| {
        let pattern = Object::of(value, path)?;
        pattern.only(EXPIRATION_PATTERN, "microsoft.graph.expirationPattern")?;
        let kind = match pattern.str("type")? {
            None => "noExpiration",
            Some(kind) => EXPIRATION_TYPES
                .iter()
                .find(|known| known.eq_ignore_ascii_case(kind))
                .ok_or_else(|| {
                    invalid(
                        &pattern.path("type"),
                        format!("The type must be {}.", EXPIRATION_TYPES.join(", ")),
                    )
                })?,
        };
        let end = match (kind, pattern.str("endDateTime")?) {
            ("afterDateTime", Some(end)) => {
                normalize_instant(end)
                    .map_err(|problem| invalid(&pattern.path("endDateTime"), problem))?;
                Value::from(end)
            }
            ("afterDateTime", None) => {
                return Err(invalid(
                    &pattern.path("endDateTime"),
                    "An afterDateTime expiration needs its endDateTime.",
                ))
            }
            _ => Value::Null,
        };
        let duration = match (kind, pattern.str("duration")?) {
            ("afterDuration", Some(text)) => duration(text, &pattern.path("duration"))?,
            ("afterDuration", None) => {
                return Err(invalid(
                    &pattern.path("duration"),
                    "An afterDuration expiration needs an ISO 8601 duration, such as P30D.",
                ))
            }
            _ => Value::Null,
        };
        Ok(vec![
            ("expiration_type", Value::from(kind)),
            ("expiration_date_time", end),
            ("expiration_duration", duration),
        ])
    },
    schema: |_| schema_of::<ExpirationPattern>(),
};

/// v1.0's `expirationPattern`, as OpenAPI describes it.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct ExpirationPattern {
    end_date_time: Option<String>,
    duration: Option<String>,
    r#type: Option<String>,
}

/// v1.0's `expiration` of a stored policy: its end, else its duration, else the type stored.
pub fn expiration(record: &Record) -> Value {
    let end = record.get("expiration_date_time");
    let duration = record.get("expiration_duration");
    let kind = match (end.is_null(), duration.is_null()) {
        (false, _) => Value::from("afterDateTime"),
        (true, false) => Value::from("afterDuration"),
        (true, true) => record.get("expiration_type").clone(),
    };
    object([
        ("endDateTime", end.clone()),
        ("duration", duration.clone()),
        ("type", kind),
    ])
}
