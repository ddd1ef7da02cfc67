//! What Entitlement Management sends a custom extension, and what it keeps of it
//! (reference: customextensioncalloutinstance, accesspackageassignmentrequest-resume, the
//! Logic App trigger schema of Microsoft's quickstart templates). A request records each
//! callout in `customExtensionCalloutInstances`; at `assignmentRequestCreated`, an
//! extension with a `callbackConfiguration` holds the request (status
//! `WaitingForCallback`) until `resume`, a denial, or its time-out.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use super::json::duration_seconds;
use super::lifecycle::{Kind, State};
use super::values::later;
use super::{ComplexType, Dialect, Record};

pub const CREATED: &str = "assignmentRequestCreated";
pub const APPROVED: &str = "assignmentRequestApproved";
pub const GRANTED: &str = "assignmentRequestGranted";
pub const REMOVED: &str = "assignmentRequestRemoved";

/// The stages an assignment reaches before it expires, and how many days before.
pub const BEFORE_EXPIRY: [(&str, i64); 2] = [
    ("assignmentFourteenDaysBeforeExpiration", 14),
    ("assignmentOneDayBeforeExpiration", 1),
];

/// A request's status while it waits for `resume`; the one state `resume` accepts.
pub const WAITING: &str = "WaitingForCallback";

/// One callout, stored with its stage (which v1.0 does not show).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    pub id: String,
    pub custom_extension_id: String,
    pub detail: Option<String>,
    pub external_correlation_id: Option<String>,
    pub status: String,
    pub stage: String,
}

/// `customExtensionCalloutInstances`: the same in both versions, without the stage.
pub static INSTANCES: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.customExtensionCalloutInstance)",
    decode: |_, value, _| Ok(value.clone()),
    encode: |dialect, stored| {
        match dialect {
        Dialect::Fixture => stored.clone(),
        _ => Value::Array(
            instances(stored)
                .into_iter()
                .map(|instance| {
                    json!({"id": instance.id, "customExtensionId": instance.custom_extension_id,
                        "detail": instance.detail, "externalCorrelationId": instance.external_correlation_id,
                        "status": instance.status})
                })
                .collect(),
        ),
    }
    },
    schema: |_| {
        json!({"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "customExtensionId": {"type": "string"},
            "detail": {"type": ["string", "null"]}, "externalCorrelationId": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": ["calloutSent", "callbackReceived", "calloutFailed",
                "callbackTimedOut", "waitingForCallback", "unknownFutureValue"]}}}})
    },
};

pub fn instances(stored: &Value) -> Vec<Instance> {
    serde_json::from_value(stored.clone()).unwrap_or_default()
}

/// Where a callout goes: an HTTP endpoint's `targetUrl`, or the Logic App trigger `url`
/// the extension was given. A Logic App named only by its Azure coordinates has no
/// address the emulator can reach.
pub fn target(endpoint: &Value) -> Option<String> {
    endpoint["targetUrl"]
        .as_str()
        .or_else(|| endpoint["url"].as_str())
        .map(str::to_owned)
}

/// How long a launch-and-wait extension waits for `resume`; `None` when it does not wait.
pub fn waits_for(callback: &Value) -> Option<Duration> {
    ["durationBeforeTimeout", "timeoutDuration"]
        .iter()
        .find_map(|name| callback[*name].as_str())
        .and_then(duration_seconds)
        .map(Duration::seconds)
}

/// What a request waiting at a stage does when its time comes, by its callouts there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtStage {
    /// Nothing holds it: the stage has no extension, or its callouts are answered.
    Go,
    /// An extension is to be called now.
    Call,
    /// Its extension never answered in time.
    TimedOut,
}

/// The created stage of a request with `settings` extensions there.
pub fn at_created(settings: usize, recorded: &[Instance]) -> AtStage {
    let here: Vec<&Instance> = recorded
        .iter()
        .filter(|instance| instance.stage == CREATED)
        .collect();
    if here.is_empty() && settings > 0 {
        AtStage::Call
    } else if here
        .iter()
        .any(|instance| instance.status == "waitingForCallback")
    {
        AtStage::TimedOut
    } else {
        AtStage::Go
    }
}

/// The stage a move from `from` to `to` reaches, past the created one (which holds the
/// request, and is taken up apart): approved when the last approval stage lets it go on,
/// granted or removed when delivered.
pub fn reached(from: State, to: State, kind: Kind) -> Option<&'static str> {
    match (from, to) {
        (State::PendingApproval, State::Scheduled | State::Delivering) => Some(APPROVED),
        (_, State::Delivered) if kind == Kind::Remove => Some(REMOVED),
        (_, State::Delivered) => Some(GRANTED),
        _ => None,
    }
}

/// When a request held at `now` times out.
pub fn deadline(now: OffsetDateTime, wait: Duration) -> OffsetDateTime {
    later(now, wait)
}

/// What a `resume` says: whom it answers and what it decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    pub instance: String,
    pub detail: Option<String>,
    /// `denied` or `canceled`: the request ends so; else it goes on.
    pub ends: Option<&'static str>,
}

/// The body of `resume`: `{source, type, data: {stage, customExtensionStageInstanceId,
/// customExtensionStageInstanceDetail, state}}`, as the reference's examples send it.
pub fn read_resume(body: &Value) -> Result<Resume, crate::Error> {
    let data = &body["data"];
    let instance = data["customExtensionStageInstanceId"]
        .as_str()
        .ok_or_else(|| {
            crate::Error::missing_value(
                "data.customExtensionStageInstanceId",
                "The callout answered is named by data.customExtensionStageInstanceId.",
            )
        })?
        .to_owned();
    let ends = match data["state"]
        .as_str()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => None,
        Some("denied") => Some("denied"),
        Some("canceled" | "cancelled") => Some("canceled"),
        Some(other) => {
            return Err(crate::Error::invalid_value(
                "data.state",
                format!("'{other}' is not a state a callback can set: denied or canceled."),
            ))
        }
    };
    Ok(Resume {
        instance,
        detail: data["customExtensionStageInstanceDetail"]
            .as_str()
            .map(str::to_owned),
        ends,
    })
}

/// The callout's body, as the Logic App trigger schema of Microsoft's quickstart
/// templates reads it: PascalCase, flat. `callback` is the wait, for a stage that waits.
pub struct Facts<'a> {
    pub request: &'a Record,
    pub instance: &'a str,
    pub stage: &'a str,
    pub package: &'a Record,
    pub catalog: &'a Record,
    pub policy: &'a Record,
    pub assignment: Option<&'a Record>,
    pub target: &'a Record,
    pub requestor: Option<&'a Record>,
    pub callback: Option<&'a Value>,
}

pub fn payload(facts: &Facts<'_>) -> Value {
    let named = |record: &Record| {
        json!({"Id": record.id(), "DisplayName": record.get("display_name"),
            "Description": record.get("description")})
    };
    let subject = |subject: &Record| {
        json!({"Id": subject.id(), "ObjectId": subject.get("object_id"),
            "DisplayName": subject.get("display_name"), "PrincipalName": subject.get("principal_name"),
            "Email": subject.get("email"), "ConnectedOrganization": Value::Null})
    };
    let request = facts.request;
    let mut body = json!({
        "AccessPackageAssignmentRequestId": request.id(),
        "CustomExtensionStageInstanceId": facts.instance,
        "Stage": facts.stage,
        "RequestType": request.get("request_type"),
        "Answers": request.get("answers"),
        "State": request.get("state"),
        "Status": request.get("status"),
        "AccessPackage": named(facts.package),
        "AccessPackageCatalog": named(facts.catalog),
        "Assignment": {
            "Id": facts.assignment.map(Record::id),
            "State": facts.assignment.map(|a| a.get("state").clone()),
            "Status": facts.assignment.map(|a| a.get("status").clone()),
            "Target": subject(facts.target),
            "AssignmentPolicy": {"Id": facts.policy.id(), "DisplayName": facts.policy.get("display_name")},
        },
        "Requestor": facts.requestor.map_or(Value::Null, subject),
    });
    if let Some(callback) = facts.callback {
        // Relative to the version's root: a Logic App posts to
        // `https://graph.microsoft.com/beta@{CallbackUriPath}`.
        body["CallbackUriPath"] = Value::from(format!(
            "/identityGovernance/entitlementManagement/assignmentRequests/{}/resume",
            request.id()
        ));
        body["CallbackConfiguration"] = json!({
            "DurationBeforeTimeout": callback["durationBeforeTimeout"].as_str()
                .or_else(|| callback["timeoutDuration"].as_str())
        });
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(stage: &str, status: &str) -> Instance {
        Instance {
            id: "i".into(),
            custom_extension_id: "e".into(),
            detail: None,
            external_correlation_id: None,
            status: status.into(),
            stage: stage.into(),
        }
    }

    #[test]
    fn the_created_stage_calls_once_then_waits_for_its_answer() {
        assert_eq!(at_created(0, &[]), AtStage::Go);
        assert_eq!(at_created(1, &[]), AtStage::Call);
        let waiting = [instance(CREATED, "waitingForCallback")];
        assert_eq!(at_created(1, &waiting), AtStage::TimedOut);
        let answered = [instance(CREATED, "callbackReceived")];
        assert_eq!(at_created(1, &answered), AtStage::Go);
        let other_stage = [instance(GRANTED, "calloutSent")];
        assert_eq!(at_created(1, &other_stage), AtStage::Call);
    }

    #[test]
    fn approval_and_delivery_reach_their_stages() {
        let approved = reached(State::PendingApproval, State::Delivering, Kind::Add);
        assert_eq!(approved, Some(APPROVED));
        let scheduled = reached(State::PendingApproval, State::Scheduled, Kind::Add);
        assert_eq!(scheduled, Some(APPROVED));
        let next_stage = reached(State::PendingApproval, State::PendingApproval, Kind::Add);
        assert_eq!(next_stage, None);
        assert_eq!(
            reached(State::PendingApproval, State::Denied, Kind::Add),
            None
        );
        assert_eq!(
            reached(State::Delivering, State::Delivered, Kind::Add),
            Some(GRANTED)
        );
        assert_eq!(
            reached(State::Delivering, State::Delivered, Kind::Remove),
            Some(REMOVED)
        );
        assert_eq!(
            reached(State::Submitted, State::Delivering, Kind::Add),
            None
        );
    }

    #[test]
    fn a_resume_denies_cancels_or_lets_go() {
        let body = json!({"data": {"customExtensionStageInstanceId": "x", "state": "Denied"}});
        assert_eq!(read_resume(&body).unwrap().ends, Some("denied"));
        let body = json!({"data": {"customExtensionStageInstanceId": "x"}});
        assert_eq!(read_resume(&body).unwrap().ends, None);
        assert!(read_resume(&json!({"data": {}})).is_err());
        let body = json!({"data": {"customExtensionStageInstanceId": "x", "state": "approved"}});
        assert!(read_resume(&body).is_err());
    }
}
