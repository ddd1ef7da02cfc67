//! Access reviews of a policy's assignments. v1.0's `reviewSettings` has a schedule
//! (start, an expiration pattern, a recurrence pattern), primary and fallback reviewers and
//! `isSelfReview`; beta's `accessReviewSettings` has `recurrenceType`, `reviewerType`,
//! `durationInDays` and one reviewer list with `isBackup`. Stored in v1.0's shape; `null`
//! means no reviews in both.

use serde_json::{Map, Value};

use super::subjects;
use crate::model::json::{duration_seconds, object, whole_duration, DurationUnit, Object};
use crate::model::{ComplexType, Dialect, Version};
use crate::Error;

pub static REVIEW_SETTINGS: ComplexType = ComplexType {
    name: "microsoft.graph.accessPackageAssignmentReviewSettings",
    decode,
    encode,
    schema,
};

/// beta's recurrence types as v1.0 patterns: (type, interval).
const RECURRENCES: [(&str, &str, i64); 5] = [
    ("weekly", "weekly", 1),
    ("monthly", "absoluteMonthly", 1),
    ("quarterly", "absoluteMonthly", 3),
    ("halfyearly", "absoluteMonthly", 6),
    ("annual", "absoluteYearly", 1),
];

fn decode(dialect: Dialect, value: &Value, path: &str) -> Result<Value, Error> {
    let review = Object::of(value, path)?;
    if dialect != Dialect::Beta {
        return decode_v1(review);
    }
    let text = |key| {
        review.str(key).map(|text| {
            text.filter(|t| !t.is_empty())
                .map_or(Value::Null, Value::from)
        })
    };
    let reviewer_type = review.str("reviewerType")?.unwrap_or("Reviewers");
    let (mut primary, fallback) =
        subjects::decode_beta_split(review.array("reviewers")?, &review.path("reviewers"))?;
    if reviewer_type.eq_ignore_ascii_case("Manager") {
        primary.insert(
            0,
            object([
                (
                    "@odata.type",
                    Value::from("#microsoft.graph.requestorManager"),
                ),
                ("managerLevel", Value::from(1)),
            ]),
        );
    }
    let recurrence = match review.str("recurrenceType")? {
        None => Value::Null,
        Some(kind) => {
            let (_, pattern, interval) = RECURRENCES
                .iter()
                .find(|(beta, _, _)| beta.eq_ignore_ascii_case(kind))
                .ok_or_else(|| {
                    crate::model::json::invalid(
                        &review.path("recurrenceType"),
                        format!("'{kind}' is not weekly, monthly, quarterly, halfyearly or annual"),
                    )
                })?;
            object([
                (
                    "pattern",
                    object([
                        ("type", Value::from(*pattern)),
                        ("interval", Value::from(*interval)),
                    ]),
                ),
                (
                    "range",
                    object([
                        ("type", Value::from("noEnd")),
                        ("numberOfOccurrences", Value::from(0)),
                    ]),
                ),
            ])
        }
    };
    let duration = match review.int("durationInDays")? {
        Some(days) => Value::from(whole_duration(
            days,
            DurationUnit::Days,
            &review.path("durationInDays"),
        )?),
        None => Value::Null,
    };
    Ok(object([
        (
            "isEnabled",
            Value::Bool(review.bool("isEnabled")?.unwrap_or(false)),
        ),
        ("expirationBehavior", text("accessReviewTimeoutBehavior")?),
        (
            "isRecommendationEnabled",
            Value::Bool(
                review
                    .bool("isAccessRecommendationEnabled")?
                    .unwrap_or(false),
            ),
        ),
        (
            "isReviewerJustificationRequired",
            Value::Bool(
                review
                    .bool("isApprovalJustificationRequired")?
                    .unwrap_or(false),
            ),
        ),
        (
            "isSelfReview",
            Value::Bool(reviewer_type.eq_ignore_ascii_case("Self")),
        ),
        (
            "schedule",
            object([
                ("startDateTime", text("startDateTime")?),
                (
                    "expiration",
                    object([
                        ("endDateTime", Value::Null),
                        ("duration", duration),
                        ("type", Value::from("afterDuration")),
                    ]),
                ),
                ("recurrence", recurrence),
            ]),
        ),
        ("primaryReviewers", Value::Array(primary)),
        ("fallbackReviewers", Value::Array(fallback)),
    ]))
}

fn decode_v1(review: Object<'_>) -> Result<Value, Error> {
    let flag = |key, default| {
        review
            .bool(key)
            .map(|flag| Value::Bool(flag.unwrap_or(default)))
    };
    let list = |key| {
        subjects::decode_list(Version::V1, review.array(key)?, &review.path(key)).map(Value::Array)
    };
    Ok(object([
        ("isEnabled", flag("isEnabled", false)?),
        (
            "expirationBehavior",
            review
                .str("expirationBehavior")?
                .map_or(Value::Null, Value::from),
        ),
        (
            "isRecommendationEnabled",
            flag("isRecommendationEnabled", true)?,
        ),
        (
            "isReviewerJustificationRequired",
            flag("isReviewerJustificationRequired", true)?,
        ),
        ("isSelfReview", flag("isSelfReview", false)?),
        (
            "schedule",
            review.get("schedule").cloned().unwrap_or(Value::Null),
        ),
        ("primaryReviewers", list("primaryReviewers")?),
        ("fallbackReviewers", list("fallbackReviewers")?),
    ]))
}

fn encode(dialect: Dialect, stored: &Value) -> Value {
    if dialect != Dialect::Beta {
        return stored.clone();
    }
    let schedule = &stored["schedule"];
    let pattern = &schedule["recurrence"]["pattern"];
    let recurrence = RECURRENCES
        .iter()
        .find(|(_, kind, interval)| pattern["type"] == *kind && pattern["interval"] == *interval)
        .map_or(Value::Null, |(beta, _, _)| Value::from(*beta));
    let days = schedule["expiration"]["duration"]
        .as_str()
        .and_then(duration_seconds)
        .map_or(Value::Null, |seconds| Value::from(seconds / 86_400));
    let managed = |subject: &Value| subject["@odata.type"] == "#microsoft.graph.requestorManager";
    let none = Vec::new();
    let primary = stored["primaryReviewers"].as_array().unwrap_or(&none);
    let reviewer_type = match (
        stored["isSelfReview"].as_bool(),
        primary.iter().any(managed),
    ) {
        (Some(true), _) => "Self",
        (_, true) => "Manager",
        _ => "Reviewers",
    };
    let others: Vec<Value> = primary.iter().filter(|s| !managed(s)).cloned().collect();
    object([
        (
            "accessReviewTimeoutBehavior",
            stored["expirationBehavior"].clone(),
        ),
        ("durationInDays", days),
        (
            "isAccessRecommendationEnabled",
            stored["isRecommendationEnabled"].clone(),
        ),
        (
            "isApprovalJustificationRequired",
            stored["isReviewerJustificationRequired"].clone(),
        ),
        ("isEnabled", stored["isEnabled"].clone()),
        ("recurrenceType", recurrence),
        ("reviewerType", Value::from(reviewer_type)),
        (
            "reviewers",
            subjects::beta_list(&Value::Array(others), &stored["fallbackReviewers"]),
        ),
        ("startDateTime", schedule["startDateTime"].clone()),
    ])
}

fn schema(version: Version) -> Value {
    let list = subjects::schema(version);
    let mut properties = Map::new();
    let names: &[&str] = match version {
        Version::Beta => &["reviewers"],
        Version::V1 => &["primaryReviewers", "fallbackReviewers"],
    };
    for name in names {
        properties.insert((*name).to_owned(), list.clone());
    }
    object([
        ("type", Value::from(["object", "null"])),
        ("properties", Value::Object(properties)),
    ])
}
