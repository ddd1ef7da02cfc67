//! Access reviews of a policy's assignments. v1.0's `reviewSettings` has a schedule
//! (start, an expiration pattern, a recurrence pattern), primary and fallback reviewers and
//! `isSelfReview`; beta's `accessReviewSettings` has `recurrenceType`, `reviewerType`,
//! `durationInDays` and one reviewer list with `isBackup`. Stored in v1.0's shape; `null`
//! means no reviews in both.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::model::complex::Versioned;
use crate::model::json::DurationUnit;
use crate::model::schedule::Schedule;
use crate::model::subject_set::{self as subjects, BetaUserSets, SubjectSets};
use crate::model::ComplexType;
use crate::Error;

pub static REVIEW_SETTINGS: ComplexType = ComplexType::versioned::<ReviewSettings>(
    "microsoft.graph.accessPackageAssignmentReviewSettings",
);

/// beta's recurrence types as v1.0 patterns: (type, interval).
const RECURRENCES: [(&str, &str, i64); 5] = [
    ("weekly", "weekly", 1),
    ("monthly", "absoluteMonthly", 1),
    ("quarterly", "absoluteMonthly", 3),
    ("halfyearly", "absoluteMonthly", 6),
    ("annual", "absoluteYearly", 1),
];

const REVIEWER_TYPES: [&str; 3] = ["Reviewers", "Manager", "Self"];

const MANAGER: &str = "#microsoft.graph.requestorManager";

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ReviewSettings {
    pub is_enabled: bool,
    pub expiration_behavior: Option<String>,
    pub is_recommendation_enabled: bool,
    pub is_reviewer_justification_required: bool,
    pub is_self_review: bool,
    /// Start, expiration and recurrence patterns, kept as sent.
    #[schemars(with = "Option<Schedule>")]
    pub schedule: Option<Value>,
    #[schemars(with = "SubjectSets")]
    pub primary_reviewers: Vec<Value>,
    #[schemars(with = "SubjectSets")]
    pub fallback_reviewers: Vec<Value>,
}

/// What Graph assumes of what a client leaves out: recommendations and justifications on.
impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            expiration_behavior: None,
            is_recommendation_enabled: true,
            is_reviewer_justification_required: true,
            is_self_review: false,
            schedule: None,
            primary_reviewers: Vec::new(),
            fallback_reviewers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BetaReviewSettings {
    pub access_review_timeout_behavior: Option<String>,
    pub duration_in_days: Option<i64>,
    pub is_access_recommendation_enabled: bool,
    pub is_approval_justification_required: bool,
    pub is_enabled: bool,
    pub recurrence_type: Option<String>,
    pub reviewer_type: Option<String>,
    #[schemars(with = "BetaUserSets")]
    pub reviewers: Vec<Value>,
    pub start_date_time: Option<String>,
}

impl Versioned for ReviewSettings {
    type Beta = BetaReviewSettings;

    fn from_beta(beta: BetaReviewSettings, path: &str) -> Result<Self, Error> {
        // A string in beta, not an enum: what is neither Self nor Manager is Reviewers.
        let named = beta.reviewer_type.as_deref().unwrap_or("Reviewers");
        let reviewer_type = REVIEWER_TYPES
            .into_iter()
            .find(|kind| kind.eq_ignore_ascii_case(named))
            .unwrap_or("Reviewers");
        let (mut primary, fallback) =
            subjects::split_beta(&beta.reviewers, &format!("{path}.reviewers"))?;
        if reviewer_type == "Manager" {
            primary.insert(0, json!({"@odata.type": MANAGER, "managerLevel": 1}));
        }
        let recurrence = match &beta.recurrence_type {
            None => Value::Null,
            Some(kind) => {
                let (_, pattern, interval) = RECURRENCES
                    .iter()
                    .find(|(beta, _, _)| beta.eq_ignore_ascii_case(kind))
                    .ok_or_else(|| {
                        Error::invalid_value(
                            &format!("{path}.recurrenceType"),
                            format!(
                                "'{kind}' is not weekly, monthly, quarterly, halfyearly or annual"
                            ),
                        )
                    })?;
                json!({"pattern": {"type": pattern, "interval": interval},
                    "range": {"type": "noEnd", "numberOfOccurrences": 0}})
            }
        };
        let duration = DurationUnit::Days
            .duration(beta.duration_in_days, &format!("{path}.durationInDays"))?;
        let text = |text: Option<String>| text.filter(|text| !text.is_empty());
        Ok(Self {
            is_enabled: beta.is_enabled,
            expiration_behavior: text(beta.access_review_timeout_behavior),
            is_recommendation_enabled: beta.is_access_recommendation_enabled,
            is_reviewer_justification_required: beta.is_approval_justification_required,
            is_self_review: reviewer_type == "Self",
            schedule: Some(json!({"startDateTime": text(beta.start_date_time),
                "expiration": {"endDateTime": null, "duration": duration, "type": "afterDuration"},
                "recurrence": recurrence})),
            primary_reviewers: primary,
            fallback_reviewers: fallback,
        })
    }

    fn to_beta(&self) -> BetaReviewSettings {
        let schedule = self.schedule.clone().unwrap_or(Value::Null);
        let pattern = &schedule["recurrence"]["pattern"];
        let recurrence = RECURRENCES
            .iter()
            .find(|(_, kind, interval)| {
                pattern["type"] == *kind && pattern["interval"] == *interval
            })
            .map(|(beta, _, _)| (*beta).to_owned());
        let managed = |subject: &Value| subject["@odata.type"] == MANAGER;
        let reviewer_type = match (
            self.is_self_review,
            self.primary_reviewers.iter().any(managed),
        ) {
            (true, _) => "Self",
            (_, true) => "Manager",
            _ => "Reviewers",
        };
        let others: Vec<Value> = self
            .primary_reviewers
            .iter()
            .filter(|subject| !managed(subject))
            .cloned()
            .collect();
        BetaReviewSettings {
            access_review_timeout_behavior: self.expiration_behavior.clone(),
            duration_in_days: DurationUnit::Days.count(schedule["expiration"]["duration"].as_str()),
            is_access_recommendation_enabled: self.is_recommendation_enabled,
            is_approval_justification_required: self.is_reviewer_justification_required,
            is_enabled: self.is_enabled,
            recurrence_type: recurrence,
            reviewer_type: Some(reviewer_type.to_owned()),
            reviewers: subjects::to_beta(&others, &self.fallback_reviewers),
            start_date_time: schedule["startDateTime"].as_str().map(str::to_owned),
        }
    }

    fn keep_raw(&mut self, raw: &Value) {
        self.schedule = raw
            .get("schedule")
            .filter(|schedule| !schedule.is_null())
            .cloned();
    }

    fn check(&mut self, path: &str) -> Result<(), Error> {
        self.primary_reviewers =
            subjects::checked(&self.primary_reviewers, &format!("{path}.primaryReviewers"))?;
        self.fallback_reviewers = subjects::checked(
            &self.fallback_reviewers,
            &format!("{path}.fallbackReviewers"),
        )?;
        Ok(())
    }
}
