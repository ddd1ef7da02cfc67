//! `microsoft.graph.approval` (reference: elm-surface §6.1): the decisions a request that
//! needs approval waits for. `accessPackageAssignmentApprovals/{requestId}` in both
//! versions, its stages as v1.0 `stages`, beta `steps`. An approver decides a stage with
//! `PATCH …/stages/{id}` `{reviewResult, justification}`; `lifecycle::decide` moves the
//! request.

use serde_json::Value;

use super::entity::HIDDEN_CREATED_AT;
use super::json::Object;
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::OnDelete;
use super::{
    ComplexType, Default, Edm, EntityType, Names, Navigation, Operations, Property, Segment,
    Update, Writes,
};
use crate::Error;

pub static APPROVAL: EntityType = EntityType {
    name: "approval",
    odata_type: "microsoft.graph.approval",
    sets: Names::both("accessPackageAssignmentApprovals"),
    fixture: "approvals",
    table: "approvals",
    properties: &[
        Property::guid("id", Names::both("id")).read_only(),
        HIDDEN_CREATED_AT,
    ],
    navigations: &[
        Navigation::to_many(
            Names::differ("steps", "stages"),
            || &APPROVAL_STAGE,
            "approval_id",
        )
        .segment(Segment::Contained)
        .inline(),
        // Its id is its request's: it goes with the request.
        Navigation::to_one(
            Names::NONE,
            || &super::assignment_request::ASSIGNMENT_REQUEST,
            "id",
        )
        .on_delete(OnDelete::Cascade),
    ],
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    bound: &[Operation::new(
        Names::both("filterByCurrentUser"),
        Binding::Collection,
        Answer::Collection,
        "The approvals awaiting the caller's decision",
        Behaviour::ApprovalsOfCurrentUser,
    )
    .with(&[Parameter {
        name: "on",
        values: &["approver"],
    }])],
    ..EntityType::BASE
};

/// `identity` of the approver who decided, as Graph writes it.
static IDENTITY: ComplexType = ComplexType {
    name: "microsoft.graph.identity",
    decode: |_, value, _| Ok(value.clone()),
    encode: |_, stored| stored.clone(),
    schema: |_| super::complex::schema_of::<Option<UserIdentity>>(),
};

/// `reviewedBy`: the user who decided.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct UserIdentity {
    id: Option<String>,
    display_name: Option<String>,
    user_principal_name: Option<String>,
}

/// The policy stage a stage follows, kept in v1.0's stored form.
static STAGE_SETTINGS: ComplexType = ComplexType {
    name: "microsoft.graph.accessPackageApprovalStage",
    decode: |_, value, _| Ok(value.clone()),
    encode: |_, stored| stored.clone(),
    schema: |_| serde_json::json!({"type": "object"}),
};

pub static APPROVAL_STAGE: EntityType = EntityType {
    name: "approvalStage",
    odata_type: "microsoft.graph.approvalStage",
    fixture: "approvalStages",
    table: "approval_stages",
    properties: &[
        Property::key(),
        Property::internal("approval_id", "approvalId", Edm::Guid).read_only(),
        Property::internal("position", "position", Edm::Int32).read_only(),
        Property::text("display_name", Names::both("displayName"))
            .nullable()
            .read_only(),
        Property::text("review_result", Names::both("reviewResult"))
            .read_only()
            .default_text("NotReviewed"),
        Property::text("status", Names::both("status"))
            .read_only()
            .default_text("NotStarted"),
        Property::boolean("assigned_to_me", Names::both("assignedToMe")).read_only(),
        Property::text("justification", Names::both("justification"))
            .nullable()
            .read_only(),
        Property::new(
            "reviewed_by",
            Names::both("reviewedBy"),
            Edm::Complex(&IDENTITY),
        )
        .nullable()
        .read_only(),
        Property::new(
            "reviewed_date_time",
            Names::both("reviewedDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable()
        .read_only(),
        Property::internal("settings", "settings", Edm::Complex(&STAGE_SETTINGS))
            .read_only()
            .default(Default::Json("{}")),
    ],
    navigations: &[
        Navigation::to_one(Names::NONE, || &APPROVAL, "approval_id").on_delete(OnDelete::Cascade)
    ],
    default_order: &["position"],
    operations: Operations {
        create: false,
        update: Update::Patch,
        delete: false,
    },
    writes: Writes::Custom,
    bound: &[Operation::new(
        Names::NONE,
        Binding::Update,
        Answer::NoContent,
        "Approve or deny the stage",
        Behaviour::DecideStage,
    )],
    ..EntityType::BASE
};

/// An approver's decision, as the PATCH body says it.
#[derive(Debug)]
pub struct Decision {
    pub approve: bool,
    pub justification: Option<String>,
}

/// `{"reviewResult": "Approve" | "Deny", "justification": …}`; the past tense (as the
/// stage writes it) and any letter case are read too.
pub fn decision(body: &Value) -> Result<Decision, Error> {
    let object = Object::of(body, "")?;
    let result = object.str("reviewResult")?.ok_or_else(|| {
        Error::missing_value("reviewResult", "The reviewResult property is required.")
    })?;
    let approve = match result.trim().to_ascii_lowercase().as_str() {
        "approve" | "approved" => true,
        "deny" | "denied" => false,
        _ => {
            return Err(Error::invalid_value(
                "reviewResult",
                format!("'{result}' is not a review result: send Approve or Deny."),
            ))
        }
    };
    Ok(Decision {
        approve,
        justification: object.str("justification")?.map(str::to_owned),
    })
}

/// The directory objects that may decide a stage: its primary approvers, then the
/// fallback and escalation ones (`singleUser` ids, `groupMembers` group ids).
pub fn approvers(settings: &Value) -> (Vec<String>, Vec<String>) {
    let mut users = Vec::new();
    let mut groups = Vec::new();
    for list in [
        "primaryApprovers",
        "fallbackPrimaryApprovers",
        "escalationApprovers",
        "fallbackEscalationApprovers",
    ] {
        for approver in settings[list].as_array().into_iter().flatten() {
            if let Some(user) = approver["userId"].as_str() {
                users.push(super::values::normalize_id(user));
            }
            if let Some(group) = approver["groupId"].as_str() {
                groups.push(super::values::normalize_id(group));
            }
        }
    }
    (users, groups)
}

/// The stages a request must pass under `policy`: the policy's, when it asks for approval
/// of this kind of request from the user who makes it. An admin's requests, and removals,
/// need none.
pub fn stages_for(policy: &super::Record, request_type: &str) -> Vec<Value> {
    use super::lifecycle::Kind;
    if !Kind::is_self_service(request_type) {
        return Vec::new();
    }
    let settings = policy.get("request_approval_settings");
    let required = match Kind::of(request_type) {
        Some(Kind::Add) => &settings["isApprovalRequiredForAdd"],
        Some(Kind::Update) => &settings["isApprovalRequiredForUpdate"],
        _ => &Value::Null,
    };
    match required.as_bool() {
        Some(true) => settings["stages"].as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    }
}
