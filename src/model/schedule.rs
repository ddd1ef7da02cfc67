//! When access starts and ends. `expirationPattern` is a policy's `expiration` (stored as
//! three columns, which beta shows as `durationInDays` and `expirationDateTime`) and part of the `schedule` a request asks for and an assignment gets
//! (v1.0's `entitlementManagementSchedule`, beta's `requestSchedule`, stored whole). One
//! typed reader serves both, one enum declares its types, and one rule turns a pattern
//! into an end.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use super::complex::{read, schema_of, to_json};
use super::edm::ColumnValues;
use super::json::{
    duration, duration_seconds, invalid, object, whole_duration, wrong_type, DurationUnit, Object,
};
use super::values::{format_instant, later, normalize_instant, parse_instant};
use super::{ComplexType, Derived, Dialect, EnumType, Member, Names, Record, Version};
use crate::Error;

#[rustfmt::skip]
pub static EXPIRATION_TYPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.expirationPatternType"),
    members: &[
        Member::new("notSpecified", "notSpecified", "notSpecified"),
        Member::new("noExpiration", "noExpiration", "noExpiration"),
        Member::new("afterDateTime", "afterDateTime", "afterDateTime"),
        Member::new("afterDuration", "afterDuration", "afterDuration"),
    ],
};

const PATTERN: &str = "microsoft.graph.expirationPattern";

/// `expirationPattern`, as sent: members checked, `type` in its declared spelling.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpirationPattern {
    #[schemars(extend("format" = "date-time"))]
    pub end_date_time: Option<String>,
    /// ISO 8601, such as `P30D`.
    pub duration: Option<String>,
    pub r#type: Option<String>,
}

impl ExpirationPattern {
    fn read(value: &Value, path: &str) -> Result<Self, Error> {
        Object::of(value, path)?.only(&["duration", "endDateTime", "type"], PATTERN)?;
        let mut pattern: Self = read(value, path)?;
        if let Some(end) = &pattern.end_date_time {
            normalize_instant(end)
                .map_err(|problem| invalid(&format!("{path}.endDateTime"), problem))?;
        }
        if let Some(text) = &pattern.duration {
            duration(text, &format!("{path}.duration"))?;
            pattern.duration = Some(text.trim().to_owned());
        }
        if let Some(text) = &pattern.r#type {
            let member = EXPIRATION_TYPE.find(text).ok_or_else(|| {
                invalid(
                    &format!("{path}.type"),
                    format!(
                        "'{text}' is not one of {}.",
                        EXPIRATION_TYPE.listing(Dialect::V1, false)
                    ),
                )
            })?;
            pattern.r#type = Some(member.stored.to_owned());
        }
        Ok(pattern)
    }
}

/// The schedule of a request that names none, as the service answers it.
pub const NO_SCHEDULE: &str = r#"{"startDateTime":null,"recurrence":null,
    "expiration":{"endDateTime":null,"duration":null,"type":"notSpecified"}}"#;

/// v1.0's `entitlementManagementSchedule`, beta's `requestSchedule`: the same shape.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Schedule {
    #[schemars(extend("format" = "date-time"))]
    start_date_time: Option<String>,
    expiration: Option<ExpirationPattern>,
    recurrence: Option<Map<String, Value>>,
}

/// A request's and an assignment's `schedule`. beta writes an unspecified expiration
/// type as `null`.
pub static SCHEDULE: ComplexType = ComplexType {
    name: "microsoft.graph.entitlementManagementSchedule",
    decode: |_, value, path| decode_schedule(value, path),
    encode: |dialect, stored| {
        let mut value = stored.clone();
        if dialect == Dialect::Beta && value["expiration"]["type"] == "notSpecified" {
            value["expiration"]["type"] = Value::Null;
        }
        value
    },
    schema: |_| schema_of::<Schedule>(),
};

/// A schedule as stored: instants in Graph's form, the expiration's type said or
/// implied (an end before a duration), no other members.
pub fn decode_schedule(value: &Value, path: &str) -> Result<Value, Error> {
    if value.is_null() {
        return serde_json::from_str(NO_SCHEDULE).map_err(Error::internal);
    }
    let schedule = Object::of(value, path)?;
    schedule.only(
        &["startDateTime", "expiration", "recurrence"],
        SCHEDULE.name,
    )?;
    let start = match schedule.str("startDateTime")? {
        Some(text) => Value::from(
            normalize_instant(text)
                .map_err(|problem| invalid(&schedule.path("startDateTime"), problem))?,
        ),
        None => Value::Null,
    };
    let mut expiration = match schedule.get("expiration") {
        None | Some(Value::Null) => ExpirationPattern::default(),
        Some(value) => ExpirationPattern::read(value, &schedule.path("expiration"))?,
    };
    expiration.end_date_time = expiration
        .end_date_time
        .as_deref()
        .and_then(|end| normalize_instant(end).ok());
    let implied = match (&expiration.end_date_time, &expiration.duration) {
        (Some(_), _) => "afterDateTime",
        (None, Some(_)) => "afterDuration",
        (None, None) => "notSpecified",
    };
    expiration.r#type.get_or_insert_with(|| implied.to_owned());
    // Kept as sent: the emulator does not repeat access.
    let recurrence = match schedule.get("recurrence") {
        None => Value::Null,
        Some(value @ (Value::Null | Value::Object(_))) => value.clone(),
        Some(other) => return Err(wrong_type(&schedule.path("recurrence"), other, "an object")),
    };
    Ok(
        serde_json::json!({"startDateTime": start, "recurrence": recurrence,
        "expiration": to_json(&expiration)}),
    )
}

/// A policy's `expiration`, over its columns `expiration_type`, `…_date_time` and
/// `…_duration`: its type follows from what is set, an end before a duration.
pub static POLICY_EXPIRATION: Derived = Derived {
    name: PATTERN,
    project: |_, record| expiration(record),
    decode: |_, value, path| {
        let pattern = ExpirationPattern::read(value, path)?;
        let kind = pattern.r#type.as_deref().unwrap_or("noExpiration");
        let end = match (kind, pattern.end_date_time) {
            ("afterDateTime", Some(end)) => Value::from(end),
            ("afterDateTime", None) => {
                return Err(invalid(
                    &format!("{path}.endDateTime"),
                    "An afterDateTime expiration needs its endDateTime.",
                ))
            }
            _ => Value::Null,
        };
        let duration = match (kind, pattern.duration) {
            ("afterDuration", Some(text)) => Value::from(text),
            ("afterDuration", None) => {
                return Err(invalid(
                    &format!("{path}.duration"),
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

/// beta's `durationInDays`: the days of an `afterDuration` expiration, else 0.
pub static DURATION_IN_DAYS: Derived = Derived {
    name: "Edm.Int32",
    project: |_, record| days_of(record, "expiration_duration"),
    decode: |_, value, path| days_into("expiration_duration", Value::Null, value, path),
    schema: days_schema,
};

/// beta's whole days over a stored duration column (0 when there is none): the
/// `…InDays` views of what v1.0 says as a duration.
pub fn days_of(record: &Record, column: &str) -> Value {
    Value::from(
        DurationUnit::Days
            .count(record.get(column).as_str())
            .unwrap_or(0),
    )
}

/// beta's days into the stored duration column; `zero` is what 0 days stores.
pub fn days_into(
    column: &'static str,
    zero: Value,
    value: &Value,
    path: &str,
) -> Result<ColumnValues, Error> {
    let days = value
        .as_i64()
        .filter(|days| *days >= 0)
        .ok_or_else(|| wrong_type(path, value, "a non-negative integer"))?;
    let duration = match days {
        0 => zero,
        days => Value::from(whole_duration(days, DurationUnit::Days, path)?),
    };
    Ok(vec![(column, duration)])
}

pub fn days_schema(_: Version) -> Value {
    object([
        ("type", Value::from("integer")),
        ("minimum", Value::from(0)),
    ])
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
    let mut policy_expiration = expiration(policy);
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
    use crate::model::assignment_policy;

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
