//! `microsoft.graph.accessPackageAssignmentRequestRequirements` (reference:
//! accesspackage-getapplicablepolicyrequirements, both versions): what a request through one
//! policy must bring: approval, a justification, answers, a schedule. v1.0 says approval per
//! kind of request (`isApprovalRequiredForAdd`/`…ForUpdate`) and whether a schedule of the
//! requestor's own is allowed; beta `isApprovalRequired`/`…ForExtension` and the answers
//! the subject gave before (`existingAnswers`: the emulator keeps none across requests).

use serde_json::{json, Value};

use super::approval;
use super::requestors::RequestorSettings;
use crate::model::questions::QUESTIONS;
use crate::model::schedule::{expiration, SCHEDULE};
use crate::model::{Dialect, Record};

/// A stored policy's requirements, in a dialect's shape.
pub fn requirements(policy: &Record, dialect: Dialect) -> Value {
    let approval = approval::settings(policy);
    let requestors: RequestorSettings =
        serde_json::from_value(policy.get("requestor_settings").clone()).unwrap_or_default();
    let questions = (QUESTIONS.encode)(dialect, policy.get("questions"));
    // What an assignment through the policy would get, starting when it is delivered.
    let schedule = (SCHEDULE.encode)(
        dialect,
        &json!({"startDateTime": null, "expiration": expiration(policy), "recurrence": null}),
    );
    let mut value = json!({
        "policyId": policy.id(),
        "policyDisplayName": policy.get("display_name"),
        "policyDescription": policy.get("description"),
        "isRequestorJustificationRequired": approval.is_requestor_justification_required,
        "questions": questions,
        "schedule": schedule,
    });
    match dialect {
        Dialect::Beta => {
            value["isApprovalRequired"] = json!(approval.is_approval_required_for_add);
            value["isApprovalRequiredForExtension"] =
                json!(approval.is_approval_required_for_update);
            value["existingAnswers"] = json!([]);
        }
        _ => {
            value["allowCustomAssignmentSchedule"] =
                json!(requestors.allow_custom_assignment_schedule);
            value["isApprovalRequiredForAdd"] = json!(approval.is_approval_required_for_add);
            value["isApprovalRequiredForUpdate"] = json!(approval.is_approval_required_for_update);
            value["verifiableCredentialRequirementStatus"] = Value::Null;
        }
    }
    value
}
