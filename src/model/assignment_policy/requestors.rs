//! Who may request, and for how long: beta's `requestorSettings` and
//! `durationInDays`/`expirationDateTime` as views over v1.0's `allowedTargetScope`,
//! `specificAllowedTargets` and `expiration`, and v1.0's own complex values.

use serde_json::{Map, Value};

use super::subjects;
use crate::model::json::{
    duration, duration_seconds, invalid, object, whole_duration, wrong_type, DurationUnit, Object,
    EXPIRATION_PATTERN,
};
use crate::model::values::normalize_instant;
use crate::model::{ComplexType, Derived, Dialect, EnumType, Member, Names, Record, Version};

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

/// v1.0's `specificAllowedTargets` (and other subject lists): stored as sent, checked.
pub static SUBJECT_SETS: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.subjectSet)",
    decode: |_, value, path| match value {
        Value::Array(items) => subjects::decode_list(Version::V1, items, path).map(Value::Array),
        other => Err(wrong_type(path, other, "an array")),
    },
    encode: |_, stored| stored.clone(),
    schema: subjects::schema,
};

/// v1.0's self-service flags when a policy says nothing of them.
pub const SELF_SERVICE_OFF: &str = r#"{"enableTargetsToSelfAddAccess":false,"enableTargetsToSelfUpdateAccess":false,
    "enableTargetsToSelfRemoveAccess":false,"allowCustomAssignmentSchedule":false,
    "enableOnBehalfRequestorsToAddAccess":false,"enableOnBehalfRequestorsToUpdateAccess":false,
    "enableOnBehalfRequestorsToRemoveAccess":false,"onBehalfRequestors":[]}"#;

const SELF_SERVICE_FLAGS: [&str; 7] = [
    "enableTargetsToSelfAddAccess",
    "enableTargetsToSelfUpdateAccess",
    "enableTargetsToSelfRemoveAccess",
    "allowCustomAssignmentSchedule",
    "enableOnBehalfRequestorsToAddAccess",
    "enableOnBehalfRequestorsToUpdateAccess",
    "enableOnBehalfRequestorsToRemoveAccess",
];

/// v1.0's `requestorSettings`.
pub static REQUESTOR_SETTINGS: ComplexType = ComplexType {
    name: "microsoft.graph.accessPackageAssignmentRequestorSettings",
    decode: |_, value, path| {
        let settings = Object::of(value, path)?;
        let mut stored = Map::new();
        for flag in SELF_SERVICE_FLAGS {
            stored.insert(
                flag.to_owned(),
                Value::Bool(settings.bool(flag)?.unwrap_or(false)),
            );
        }
        let on_behalf = settings.array("onBehalfRequestors")?;
        let on_behalf =
            subjects::decode_list(Version::V1, on_behalf, &settings.path("onBehalfRequestors"))?;
        stored.insert("onBehalfRequestors".to_owned(), Value::Array(on_behalf));
        Ok(Value::Object(stored))
    },
    encode: |_, stored| stored.clone(),
    schema: |_| object([("type", Value::from("object"))]),
};

/// v1.0 objects this emulator keeps and returns but does not act on
/// (`automaticRequestSettings`, `notificationSettings`).
pub static PASSED_THROUGH: ComplexType = ComplexType {
    name: "microsoft.graph.complexType",
    decode: |_, value, path| Object::of(value, path).map(|_| value.clone()),
    encode: |_, stored| stored.clone(),
    schema: |_| object([("type", Value::from(["object", "null"]))]),
};

/// beta's `requestorSettings`: `scopeType`, `acceptRequests`, `allowedRequestors`.
pub static BETA_REQUESTOR_SETTINGS: Derived = Derived {
    name: "microsoft.graph.requestorSettings",
    project: |_, record| {
        let scope = record
            .get("allowed_target_scope")
            .as_str()
            .and_then(|s| ALLOWED_TARGET_SCOPE.stored(s));
        object([
            (
                "scopeType",
                scope.map_or(Value::Null, |member| Value::from(member.beta)),
            ),
            ("acceptRequests", record.get("accept_requests").clone()),
            (
                "allowedRequestors",
                subjects::beta_list(record.get("specific_allowed_targets"), &Value::Null),
            ),
        ])
    },
    decode: |_, value, path| {
        let settings = Object::of(value, path)?;
        let scope = match settings.str("scopeType")? {
            None => "notSpecified",
            Some(text) => ALLOWED_TARGET_SCOPE
                .find(text)
                .map(|member| member.stored)
                .ok_or_else(|| {
                    invalid(
                        &settings.path("scopeType"),
                        format!(
                            "The scopeType must be {}.",
                            ALLOWED_TARGET_SCOPE.listing(Dialect::Beta, true)
                        ),
                    )
                })?,
        };
        let requestors = settings.array("allowedRequestors")?;
        let (requestors, _) =
            subjects::decode_beta_split(requestors, &settings.path("allowedRequestors"))?;
        Ok(vec![
            ("allowed_target_scope", Value::from(scope)),
            ("specific_allowed_targets", Value::Array(requestors)),
            // go-azure-sdk sends false as null (NoZero): inside the block, absent is false.
            (
                "accept_requests",
                Value::Bool(settings.bool("acceptRequests")?.unwrap_or(false)),
            ),
        ])
    },
    schema: |_| object([("type", Value::from("object"))]),
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
    schema: |_| object([("type", Value::from("object"))]),
};

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
