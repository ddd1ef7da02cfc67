//! Value rules every entity shares: GUIDs and timestamps as Graph writes them, defaults.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::{datetime, format_description};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::Default;

/// A GUID in any form .NET parses (upper case, braces, no hyphens), written as Graph writes
/// and the database stores ids: lower case, hyphenated. `None` when it is not a GUID.
pub fn canonical_guid(text: &str) -> Option<String> {
    Uuid::try_parse(text.trim())
        .ok()
        .map(|guid| guid.hyphenated().to_string())
}

/// Ids are stored lower-case and hyphenated; a GUID in any other form still finds its row.
pub fn normalize_id(id: &str) -> String {
    canonical_guid(id).unwrap_or_else(|| id.to_owned())
}

pub fn new_id() -> String {
    Uuid::new_v4().to_string()
}

/// Now, as Graph writes DateTimeOffset values: UTC, seven fractional digits, `Z`
/// (`2020-08-21T19:45:33.2042281Z`).
pub fn now() -> String {
    format_instant(OffsetDateTime::now_utc())
}

pub fn format_instant(instant: OffsetDateTime) -> String {
    instant
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]Z"
        ))
        // Only fails for years beyond 9999, which `parse_instant` refuses.
        .unwrap_or_default()
}

/// An RFC 3339 instant in years 1-9999, or why not.
pub fn parse_instant(text: &str) -> Result<OffsetDateTime, String> {
    let parsed = OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map_err(|e| format!("'{text}' is not an RFC 3339 date-time ({e})"))?;
    // An offset can carry a date at the calendar's edge past it (`to_offset` would panic).
    match parsed.checked_to_offset(time::UtcOffset::UTC) {
        Some(utc) if (1..=9999).contains(&utc.year()) => Ok(utc),
        _ => Err(format!("'{text}' is outside years 1-9999")),
    }
}

/// The first and last instants Graph's wire format writes (.NET's `DateTimeOffset.MinValue`
/// and `MaxValue`, to the tick).
pub const FIRST_INSTANT: OffsetDateTime = datetime!(0001-01-01 00:00:00 UTC);
pub const LAST_INSTANT: OffsetDateTime = datetime!(9999-12-31 23:59:59.9999999 UTC);

/// `at` moved by `by`, held within years 1-9999: an end that a long duration puts past the
/// calendar is its last instant, not a panic (`OffsetDateTime + Duration` panics on
/// overflow) and not an error long after the value that caused it was accepted.
pub fn later(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    match at.checked_add(by) {
        Some(moved) => moved.clamp(FIRST_INSTANT, LAST_INSTANT),
        None if by.is_negative() => FIRST_INSTANT,
        None => LAST_INSTANT,
    }
}

/// `at` moved by `by`, or `None` when that leaves years 1-9999.
pub fn moved(at: OffsetDateTime, by: Duration) -> Option<OffsetDateTime> {
    at.checked_add(by)
        .filter(|moved| (FIRST_INSTANT..=LAST_INSTANT).contains(moved))
}

/// An instant in Graph's stored form.
pub fn normalize_instant(text: &str) -> Result<String, String> {
    parse_instant(text).map(format_instant)
}

pub fn default_value(default: Default) -> Value {
    match default {
        Default::Null => Value::Null,
        Default::Bool(flag) => Value::Bool(flag),
        Default::Int(number) => Value::from(number),
        Default::Text(text) => Value::from(text),
        Default::Json(text) => serde_json::from_str(text).unwrap_or(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn moving_an_instant_never_leaves_the_calendar() {
        use super::{later, moved, LAST_INSTANT};
        use time::Duration;
        let end = datetime!(9999-12-31 23:59:59 UTC);
        assert_eq!(later(end, Duration::days(1)), LAST_INSTANT);
        assert_eq!(later(end, Duration::MAX), LAST_INSTANT);
        assert_eq!(later(end, Duration::MIN), super::FIRST_INSTANT);
        assert_eq!(moved(end, Duration::days(1)), None);
        assert_eq!(
            later(datetime!(2027-01-01 0:00 UTC), Duration::days(1)),
            datetime!(2027-01-02 0:00 UTC)
        );
        assert_eq!(
            super::format_instant(LAST_INSTANT),
            "9999-12-31T23:59:59.9999999Z"
        );
        assert!(super::parse_instant("9999-12-31T23:59:59-12:00").is_err());
        assert!(super::parse_instant("0001-01-01T00:00:00+14:00").is_err());
    }

    #[test]
    fn seven_fractional_digits_and_z() {
        assert_eq!(
            super::format_instant(datetime!(2020-08-21 19:45:33.204228123 UTC)),
            "2020-08-21T19:45:33.2042281Z"
        );
    }

    #[test]
    fn instants_normalise_to_utc() {
        assert_eq!(
            super::normalize_instant("2024-01-02T03:04:05+01:00").unwrap(),
            "2024-01-02T02:04:05.0000000Z"
        );
        assert!(super::normalize_instant("yesterday").is_err());
    }
}
