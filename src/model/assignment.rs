//! `microsoft.graph.accessPackageAssignment` (reference: elm-surface §3): access someone
//! holds. beta `accessPackageAssignments`, v1.0 `assignments`. Only requests make and end
//! them (`lifecycle`); an ended one stays listed as `expired`. Also the schedule type
//! requests and assignments share, and when it says access starts and ends.

use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use super::entity::HIDDEN_CREATED_AT;
use super::json::{duration, duration_seconds, invalid, wrong_type, Object, EXPIRATION_PATTERN};
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::subject::SUBJECT;
use super::values::{format_instant, later, normalize_instant, parse_instant};
use super::{
    access_package, assignment_policy, ComplexType, Default, Edm, EntityType, EnumType, Member,
    Names, Navigation, OnDelete, Operations, Property, Record, Restriction, Segment, Writes,
};
use crate::Error;

pub static ASSIGNMENT_STATE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageAssignmentState"),
    members: &[
        Member::new("delivering", "Delivering", "delivering"),
        Member::new(
            "partiallyDelivered",
            "PartiallyDelivered",
            "partiallyDelivered",
        ),
        Member::new("delivered", "Delivered", "delivered"),
        Member::new("expired", "Expired", "expired"),
        Member::new("deliveryFailed", "DeliveryFailed", "deliveryFailed"),
    ],
};

pub static ASSIGNMENT: EntityType = EntityType {
    name: "accessPackageAssignment",
    odata_type: "microsoft.graph.accessPackageAssignment",
    sets: Names::differ("accessPackageAssignments", "assignments"),
    fixture: "assignments",
    table: "assignments",
    properties: &[
        Property::key(),
        Property::guid("access_package_id", Names::beta("accessPackageId")).read_only(),
        Property::guid("assignment_policy_id", Names::beta("assignmentPolicyId")).read_only(),
        Property::guid("catalog_id", Names::beta("catalogId")).read_only(),
        // The subject's id, not the user's: a known oddity of beta (docs#6456).
        Property::guid("target_id", Names::beta("targetId")).read_only(),
        Property::enumeration(
            "state",
            Names::differ("assignmentState", "state"),
            &ASSIGNMENT_STATE,
        )
        .read_only()
        .default_text("delivering"),
        Property::text("status", Names::differ("assignmentStatus", "status"))
            .read_only()
            .default_text("Delivering"),
        Property::new("schedule", Names::both("schedule"), Edm::Complex(&SCHEDULE))
            .read_only()
            .default(Default::Json(NO_SCHEDULE)),
        Property::new(
            "expired_date_time",
            Names::both("expiredDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable()
        .read_only(),
        Property::boolean("is_extended", Names::beta("isExtended")).read_only(),
        Property::internal("ends_at", "endsAt", Edm::DateTimeOffset)
            .nullable()
            .read_only(),
        HIDDEN_CREATED_AT,
    ],
    navigations: &[
        access_package::READ_PACKAGE.on_delete(held_by_assignments(
            "InvalidDeleteAccessPackageHasAssignments",
            |n| {
                format!("The access package can not be deleted because it has {n} active assignment(s); remove them with adminRemove requests first.")
            },
        )),
        Navigation::to_one(
            Names::differ("accessPackageAssignmentPolicy", "assignmentPolicy"),
            || &assignment_policy::ASSIGNMENT_POLICY,
            "assignment_policy_id",
        )
        .segment(Segment::Read)
        .on_delete(held_by_assignments(
            "InvalidDeletePolicyHasAssignments",
            |n| {
                format!("The policy can not be deleted because {n} active assignment(s) were made through it; remove them with adminRemove requests first.")
            },
        )),
        Navigation::to_one(Names::both("target"), || &SUBJECT, "target_id").segment(Segment::Read),
        Navigation::to_many(
            Names::beta("accessPackageAssignmentRequests"),
            || &super::assignment_request::ASSIGNMENT_REQUEST,
            "assignment_id",
        )
        .segment(Segment::Read),
        Navigation::to_one(Names::NONE, || &super::catalog::CATALOG, "catalog_id")
            .on_delete(OnDelete::Cascade),
    ],
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    bound: &[
        Operation::new(
            Names::both("reprocess"),
            Binding::Item,
            Answer::Accepted,
            "Grant a delivered assignment's access again",
            Behaviour::ReprocessAssignment,
        ),
        Operation::new(
            Names::both("filterByCurrentUser"),
            Binding::Collection,
            Answer::Collection,
            "The caller's assignments",
            Behaviour::AssignmentsOfCurrentUser,
        )
        .with(&[Parameter {
            name: "on",
            values: &["target", "createdBy"],
        }]),
        Operation::new(
            Names::both("additionalAccess"),
            Binding::Collection,
            Answer::Collection,
            "Assignments whose targets also hold the incompatible package",
            Behaviour::AdditionalAccess,
        )
        .with(&[
            Parameter {
                name: "accessPackageId",
                values: &[],
            },
            Parameter {
                name: "incompatibleAccessPackageId",
                values: &[],
            },
        ]),
    ],
    ..EntityType::BASE
};

/// Assignments that have not ended hold what they were made through (their package, their
/// policy): its delete is 400 `code`. Ended ones go with it.
const fn held_by_assignments(code: &'static str, message: fn(i64) -> String) -> OnDelete {
    OnDelete::Restrict(Restriction {
        unless: Some(("state", &["expired"])),
        status: 400,
        code,
        message,
    })
}

/// The schedule of a request that names none, as the service answers it.
pub const NO_SCHEDULE: &str = r#"{"startDateTime":null,"recurrence":null,
    "expiration":{"endDateTime":null,"duration":null,"type":"notSpecified"}}"#;

const EXPIRATION_TYPES: [&str; 4] = [
    "notSpecified",
    "noExpiration",
    "afterDateTime",
    "afterDuration",
];

/// v1.0's `entitlementManagementSchedule`, beta's `requestSchedule`: the same shape, but
/// beta writes an unspecified expiration type as `null`.
pub static SCHEDULE: ComplexType = ComplexType {
    name: "microsoft.graph.entitlementManagementSchedule",
    decode: |_, value, path| decode_schedule(value, path),
    encode: |dialect, stored| {
        let mut value = stored.clone();
        if dialect == super::Dialect::Beta && value["expiration"]["type"] == "notSpecified" {
            value["expiration"]["type"] = Value::Null;
        }
        value
    },
    schema: |_| {
        serde_json::json!({"type": "object", "properties": {
            "startDateTime": {"type": ["string", "null"], "format": "date-time"},
            "recurrence": {},
            "expiration": {"type": ["object", "null"], "properties": {
                "endDateTime": {"type": ["string", "null"], "format": "date-time"},
                "duration": {"type": ["string", "null"]},
                "type": {"type": ["string", "null"]}}}}})
    },
};

pub fn decode_schedule(value: &Value, path: &str) -> Result<Value, Error> {
    if value.is_null() {
        return serde_json::from_str(NO_SCHEDULE).map_err(Error::internal);
    }
    let schedule = Object::of(value, path)?;
    // v1.0's entitlementManagementSchedule and beta's requestSchedule alike.
    schedule.only(
        &["startDateTime", "expiration", "recurrence"],
        "microsoft.graph.entitlementManagementSchedule",
    )?;
    let instant = |object: &Object, key: &str| -> Result<Value, Error> {
        match object.str(key)? {
            Some(text) => normalize_instant(text)
                .map(Value::from)
                .map_err(|problem| invalid(&object.path(key), problem)),
            None => Ok(Value::Null),
        }
    };
    let start = instant(&schedule, "startDateTime")?;
    let expiration_path = schedule.path("expiration");
    let (end, duration, kind) = match schedule.get("expiration") {
        None | Some(Value::Null) => (Value::Null, Value::Null, None),
        Some(value) => {
            let expiration = Object::of(value, &expiration_path)?;
            expiration.only(EXPIRATION_PATTERN, "microsoft.graph.expirationPattern")?;
            let duration = match expiration.str("duration")? {
                Some(text) => duration(text, &expiration.path("duration"))?,
                None => Value::Null,
            };
            let kind = match expiration.str("type")? {
                Some(text) => Some(
                    EXPIRATION_TYPES
                        .into_iter()
                        .find(|kind| kind.eq_ignore_ascii_case(text.trim()))
                        .ok_or_else(|| {
                            invalid(
                                &expiration.path("type"),
                                format!("'{text}' is not one of {}.", EXPIRATION_TYPES.join(", ")),
                            )
                        })?,
                ),
                None => None,
            };
            (instant(&expiration, "endDateTime")?, duration, kind)
        }
    };
    let kind = kind.unwrap_or(if !end.is_null() {
        "afterDateTime"
    } else if !duration.is_null() {
        "afterDuration"
    } else {
        "notSpecified"
    });
    let recurrence = match schedule.get("recurrence") {
        None => Value::Null,
        Some(value @ (Value::Null | Value::Object(_))) => value.clone(),
        Some(other) => return Err(wrong_type(&schedule.path("recurrence"), other, "an object")),
    };
    let mut expiration = Map::new();
    expiration.insert("endDateTime".to_owned(), end);
    expiration.insert("duration".to_owned(), duration);
    expiration.insert("type".to_owned(), Value::from(kind));
    Ok(
        serde_json::json!({"startDateTime": start, "recurrence": recurrence,
        "expiration": Value::Object(expiration)}),
    )
}

/// When a stored schedule says access starts, if it says.
pub fn starts_at(schedule: &Value) -> Option<OffsetDateTime> {
    schedule["startDateTime"]
        .as_str()
        .and_then(|text| parse_instant(text).ok())
}

/// An expiration (`{endDateTime, duration, type}`, stored form) counted from `start`:
/// `None` for no end, or one it does not state (then the policy's applies).
fn end_of(expiration: &Value, start: OffsetDateTime) -> Option<Option<OffsetDateTime>> {
    match expiration["type"].as_str() {
        Some("noExpiration") => Some(None),
        Some("afterDateTime") => Some(
            expiration["endDateTime"]
                .as_str()
                .and_then(|text| parse_instant(text).ok()),
        ),
        Some("afterDuration") => Some(
            expiration["duration"]
                .as_str()
                .and_then(duration_seconds)
                .map(|seconds| later(start, Duration::seconds(seconds))),
        ),
        _ => None,
    }
}

/// The schedule an assignment gets when delivered at `now`: the request's start (or now)
/// and its expiration, else the policy's (`expiration`, v1.0's stored form); `ends_at` is
/// when the emulator clock ends it.
pub fn assignment_schedule(
    requested: &Value,
    policy: &Record,
    now: OffsetDateTime,
) -> (Value, Option<String>) {
    let start = starts_at(requested).unwrap_or(now);
    let mut policy_expiration = assignment_policy::expiration(policy);
    if !matches!(
        policy_expiration["type"].as_str(),
        Some("afterDateTime" | "afterDuration")
    ) {
        policy_expiration["type"] = Value::from("noExpiration");
    }
    let (expiration, end) = match end_of(&requested["expiration"], start) {
        Some(end) => (requested["expiration"].clone(), end),
        None => {
            let end = end_of(&policy_expiration, start).flatten();
            (policy_expiration, end)
        }
    };
    let mut expiration = expiration;
    let end_text = end.map(format_instant);
    if let Some(text) = &end_text {
        expiration["endDateTime"] = Value::from(text.as_str());
    }
    (
        serde_json::json!({"startDateTime": format_instant(start), "recurrence": null,
            "expiration": expiration}),
        end_text,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Record;

    fn policy(kind: &str, duration: Option<&str>) -> Record {
        let mut record = Record::defaults(&assignment_policy::ASSIGNMENT_POLICY);
        record.set("expiration_type", Value::from(kind));
        record.set(
            "expiration_duration",
            duration.map_or(Value::Null, Value::from),
        );
        record
    }

    #[test]
    fn a_schedule_is_read_leniently_and_stored_whole() {
        let stored = decode_schedule(
            &serde_json::json!({"startDateTime": "2027-01-01T00:00:00Z",
                "expiration": {"duration": "P7D"}}),
            "schedule",
        )
        .unwrap();
        assert_eq!(stored["startDateTime"], "2027-01-01T00:00:00.0000000Z");
        assert_eq!(stored["expiration"]["type"], "afterDuration");
        assert_eq!(stored["recurrence"], Value::Null);
        assert!(
            decode_schedule(&serde_json::json!({"expiration": {"duration": "P1M"}}), "s").is_err()
        );
        assert_eq!(
            decode_schedule(&Value::Null, "s").unwrap()["expiration"]["type"],
            "notSpecified"
        );
    }

    #[test]
    fn the_request_decides_the_end_and_else_the_policy() {
        let now = parse_instant("2027-01-01T00:00:00Z").unwrap();
        let none: Value = serde_json::from_str(NO_SCHEDULE).unwrap();
        let (schedule, end) =
            assignment_schedule(&none, &policy("afterDuration", Some("P30D")), now);
        assert_eq!(end.as_deref(), Some("2027-01-31T00:00:00.0000000Z"));
        assert_eq!(schedule["expiration"]["type"], "afterDuration");
        assert_eq!(schedule["startDateTime"], "2027-01-01T00:00:00.0000000Z");
        let (_, end) = assignment_schedule(&none, &policy("noExpiration", None), now);
        assert_eq!(end, None);
        let asked = decode_schedule(
            &serde_json::json!({"expiration": {"endDateTime": "2027-01-02T00:00:00Z"}}),
            "s",
        )
        .unwrap();
        let (_, end) = assignment_schedule(&asked, &policy("afterDuration", Some("P30D")), now);
        assert_eq!(end.as_deref(), Some("2027-01-02T00:00:00.0000000Z"));
    }
}
