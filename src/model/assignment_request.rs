//! `microsoft.graph.accessPackageAssignmentRequest` (reference: elm-surface §2): someone
//! asking for an access package, or for its removal. beta `accessPackageAssignmentRequests`
//! (and `assignmentRequests`, the name beta's docs move to), v1.0 `assignmentRequests`.
//! How it moves is `lifecycle`; this file is its shape and what a create body may say.

use serde_json::{Map, Value};

use super::assignment::ASSIGNMENT;
use super::json::Object;
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::questions::ANSWERS;
use super::schedule::{decode_schedule, NO_SCHEDULE, SCHEDULE};
use super::subject::SUBJECT;
use super::values::normalize_id;
use super::{
    access_package, assignment_policy, Constraint, Default, Edm, EntityType, EnumType, Member,
    Names, Navigation, OnDelete, Operations, Property, Restriction, Segment, Update, Writes,
};
use crate::Error;

/// v1.0 declares an enum, beta a PascalCase string; either spelling in any case is read.
pub static REQUEST_TYPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageRequestType"),
    members: &[
        Member::new("notSpecified", "NotSpecified", "notSpecified").not_creatable(),
        Member::new("userAdd", "UserAdd", "userAdd"),
        Member::new("userUpdate", "UserUpdate", "userUpdate"),
        Member::new("userRemove", "UserRemove", "userRemove"),
        Member::new("adminAdd", "AdminAdd", "adminAdd"),
        Member::new("adminUpdate", "AdminUpdate", "adminUpdate"),
        Member::new("adminRemove", "AdminRemove", "adminRemove"),
        Member::new("systemAdd", "SystemAdd", "systemAdd").not_creatable(),
        Member::new("systemUpdate", "SystemUpdate", "systemUpdate").not_creatable(),
        Member::new("systemRemove", "SystemRemove", "systemRemove").not_creatable(),
        Member::new("onBehalfAdd", "OnBehalfAdd", "onBehalfAdd").not_creatable(),
    ],
};

pub static REQUEST_STATE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageRequestState"),
    members: &[
        Member::new("submitted", "Submitted", "submitted"),
        Member::new("pendingApproval", "PendingApproval", "pendingApproval"),
        Member::new("delivering", "Delivering", "delivering"),
        Member::new("delivered", "Delivered", "delivered"),
        Member::new("deliveryFailed", "DeliveryFailed", "deliveryFailed"),
        Member::new("denied", "Denied", "denied"),
        Member::new("scheduled", "Scheduled", "scheduled"),
        Member::new("canceled", "Canceled", "canceled"),
        Member::new(
            "partiallyDelivered",
            "PartiallyDelivered",
            "partiallyDelivered",
        ),
    ],
};

/// Internal columns: the lifecycle's, and the ids a request names, which clients see
/// through the navigations.
const fn internal(column: &'static str, fixture: &'static str, edm: Edm) -> Property {
    Property::internal(column, fixture, edm).read_only()
}

pub static ASSIGNMENT_REQUEST: EntityType = EntityType {
    name: "accessPackageAssignmentRequest",
    odata_type: "microsoft.graph.accessPackageAssignmentRequest",
    sets: Names::differ("accessPackageAssignmentRequests", "assignmentRequests"),
    aliases: Names::beta("assignmentRequests"),
    fixture: "assignmentRequests",
    table: "assignment_requests",
    properties: &[
        Property::key(),
        Property::enumeration("request_type", Names::both("requestType"), &REQUEST_TYPE)
            .required()
            .on_create(),
        Property::enumeration(
            "state",
            Names::differ("requestState", "state"),
            &REQUEST_STATE,
        )
        .read_only()
        .default_text("submitted"),
        Property::text("status", Names::differ("requestStatus", "status"))
            .read_only()
            .default_text("Accepted"),
        internal("access_package_id", "accessPackageId", Edm::Guid),
        internal("assignment_policy_id", "assignmentPolicyId", Edm::Guid),
        internal("catalog_id", "catalogId", Edm::Guid).copied("access_package_id", "catalog_id"),
        internal("target_id", "targetId", Edm::Guid),
        internal("requestor_id", "requestorId", Edm::Guid).nullable(),
        internal("assignment_id", "assignmentId", Edm::Guid).nullable(),
        Property::text("justification", Names::both("justification"))
            .nullable()
            .on_create(),
        Property::new("schedule", Names::both("schedule"), Edm::Complex(&SCHEDULE))
            .on_create()
            .default(Default::Json(NO_SCHEDULE)),
        Property::new("answers", Names::both("answers"), Edm::Complex(&ANSWERS))
            .on_create()
            .default(Default::Json("[]")),
        Property::boolean("is_validation_only", Names::beta("isValidationOnly")).on_create(),
        Property::new(
            "expiration_date_time",
            Names::beta("expirationDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable()
        .read_only(),
        internal("created_by", "createdBy", Edm::String)
            .nullable()
            .generated(super::Generated::CreatedBy),
        // Null in the 201 (the service dates a request once it takes it up).
        super::entity::CREATED_AT.nullable(),
        Property::new(
            "completed_date_time",
            Names::differ("completedDate", "completedDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable()
        .read_only(),
        // What its policy's custom extensions were sent, and what came of it.
        Property::new(
            "custom_extension_callout_instances",
            Names::both("customExtensionCalloutInstances"),
            Edm::Complex(&super::callout::INSTANCES),
        )
        .read_only()
        .default(Default::Json("[]")),
        internal("state_changed_at", "stateChangedAt", Edm::DateTimeOffset)
            .generated(super::Generated::CreatedAt),
        internal("next_step_at", "nextStepAt", Edm::DateTimeOffset).nullable(),
        internal("fail_delivery", "failDelivery", Edm::Bool).default(Default::Bool(false)),
        internal("approval_stage", "approvalStage", Edm::Int32).default(Default::Int(0)),
    ],
    navigations: &[
        access_package::READ_PACKAGE.on_delete(held_by_open_requests(
            "InvalidDeleteAccessPackageHasOpenRequests",
            |n| {
                format!("The access package can not be deleted because {n} request(s) for it are still open; cancel them first.")
            },
        )),
        // A request that names an assignment goes with it.
        Navigation::to_one(
            Names::differ("accessPackageAssignment", "assignment"),
            || &ASSIGNMENT,
            "assignment_id",
        )
        .segment(Segment::Read)
        .on_delete(OnDelete::Cascade),
        Navigation::to_one(Names::both("requestor"), || &SUBJECT, "requestor_id")
            .segment(Segment::Read),
        Navigation::to_one(
            Names::NONE,
            || &assignment_policy::ASSIGNMENT_POLICY,
            "assignment_policy_id",
        )
        .on_delete(held_by_open_requests(
            "InvalidDeletePolicyHasOpenRequests",
            |n| {
                format!("The policy can not be deleted because {n} request(s) made through it are still open; cancel them first.")
            },
        )),
        Navigation::to_one(Names::NONE, || &SUBJECT, "target_id"),
        Navigation::to_one(Names::NONE, || &super::catalog::CATALOG, "catalog_id")
            .on_delete(OnDelete::Cascade),
    ],
    constraints: &[
        Constraint::Unique {
            columns: &["access_package_id", "target_id"],
            status: 400,
            code: "ExistingOpenRequest",
            message: |_| {
                "There is already an open request for this target and access package; wait for it to complete or cancel it.".to_owned()
            },
        },
        Constraint::Check {
            refuse: |record| {
                let state = super::lifecycle::State::parse(record.text("state"));
                (!state.is_some_and(super::lifecycle::State::is_final)).then(|| {
                    Error::rule(
                        400,
                        "InvalidRequestState",
                        "Only a request that is denied, canceled, delivered or failed can be deleted.",
                    )
                })
            },
        },
    ],
    operations: Operations {
        create: true,
        update: Update::None,
        delete: true,
    },
    writes: Writes::Custom,
    // What SDK models carry and the service ignores here.
    ignored: &[
        "parameters",
        "customExtensionHandlerInstances",
        "history",
        "verifiedCredentialsData",
    ],
    // The docs' direct assignment; the policy names the package.
    example: super::PerVersion::each(
        r#"{"requestType": "AdminAdd", "accessPackageAssignment": {"targetId": "{users}",
            "assignmentPolicyId": "{assignmentPolicies}"}}"#,
        r#"{"requestType": "adminAdd", "assignment": {"targetId": "{users}",
            "assignmentPolicyId": "{assignmentPolicies}"}}"#,
    ),
    bound: &[
        Operation::new(
            Names::NONE,
            Binding::Create,
            Answer::Created,
            "Request an access package assignment (or its change or removal)",
            Behaviour::CreateRequest,
        ),
        Operation::new(
            Names::both("cancel"),
            Binding::Item,
            Answer::NoContent,
            "Cancel a request not yet delivering",
            Behaviour::CancelRequest,
        ),
        Operation::new(
            Names::both("reprocess"),
            Binding::Item,
            Answer::Accepted,
            "Deliver a failed request again",
            Behaviour::ReprocessRequest,
        ),
        Operation::new(
            Names::both("resume"),
            Binding::Item,
            Answer::NoContent,
            "Answer a custom extension's callout the request waits for",
            Behaviour::ResumeRequest,
        ),
        Operation::new(
            Names::both("filterByCurrentUser"),
            Binding::Collection,
            Answer::Collection,
            "The caller's requests",
            Behaviour::RequestsOfCurrentUser,
        )
        .with(&[Parameter {
            name: "on",
            values: &["target", "createdBy", "approver"],
        }]),
    ],
    ..EntityType::BASE
};

/// What a create body names inside `assignment` (beta `accessPackageAssignment`; either
/// is read in either version, as the docs mix them).
#[derive(Debug, Default, Clone)]
pub struct Asked {
    /// An existing assignment (updates and removals).
    pub assignment_id: Option<String>,
    pub target_object_id: Option<String>,
    pub target_email: Option<String>,
    pub policy_id: Option<String>,
    pub package_id: Option<String>,
    /// The assignment's own `schedule` (an accessPackageAssignment has one), checked as
    /// the request's is; stored form.
    pub schedule: Option<Value>,
}

/// Takes the assignment object out of `body`, leaving what the declaration decodes.
pub fn take_asked(body: &mut Map<String, Value>) -> Result<Asked, Error> {
    let mut asked = Asked::default();
    for key in ["assignment", "accessPackageAssignment"] {
        let Some(value) = body.remove(key) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        let object = Object::of(&value, key)?;
        let id = |keys: &[&str]| -> Result<Option<String>, Error> {
            for key in keys {
                if let Some(text) = object.str(key)? {
                    return Ok(Some(normalize_id(text)));
                }
            }
            Ok(None)
        };
        let nested = |keys: &[&str], member: &str| -> Result<Option<String>, Error> {
            for key in keys {
                if let Some(value) = object.get(key) {
                    let path = object.path(key);
                    if let Some(text) = Object::of(value, &path)?.str(member)? {
                        return Ok(Some(normalize_id(text)));
                    }
                }
            }
            Ok(None)
        };
        // The Python SDK's doc snippet sends the undeclared ids in snake_case.
        asked.assignment_id = asked.assignment_id.or(id(&["id"])?);
        asked.target_object_id = asked
            .target_object_id
            .or(id(&["targetId", "target_id"])?)
            .or(nested(&["target"], "objectId")?);
        asked.target_email = asked.target_email.or(nested(&["target"], "email")?);
        asked.policy_id = asked
            .policy_id
            .or(id(&["assignmentPolicyId", "assignment_policy_id"])?)
            .or(nested(
                &["assignmentPolicy", "accessPackageAssignmentPolicy"],
                "id",
            )?);
        asked.package_id = asked
            .package_id
            .or(id(&["accessPackageId", "access_package_id"])?)
            .or(nested(&["accessPackage"], "id")?);
        if let Some(schedule) = object.get("schedule") {
            asked.schedule = Some(decode_schedule(schedule, &object.path("schedule"))?);
        }
    }
    Ok(asked)
}

/// Requests still on their way hold what they were made through (their package, their
/// policy): a client that got 201 must not find its request gone. Its delete is 400
/// `code` until they finish or are cancelled; finished ones go with it.
const fn held_by_open_requests(code: &'static str, message: fn(i64) -> String) -> OnDelete {
    OnDelete::Restrict(Restriction {
        unless: Some((
            "state",
            &[
                "delivered",
                "deliveryFailed",
                "partiallyDelivered",
                "denied",
                "canceled",
            ],
        )),
        status: 400,
        code,
        message,
    })
}
