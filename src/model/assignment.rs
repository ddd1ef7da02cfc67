//! `microsoft.graph.accessPackageAssignment` (reference: elm-surface §3): access someone
//! holds. beta `accessPackageAssignments`, v1.0 `assignments`. Only requests make and end
//! them (`lifecycle`); an ended one stays listed as `expired`. Its schedule is `schedule`'s.

use super::entity::HIDDEN_CREATED_AT;
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::schedule::{NO_SCHEDULE, SCHEDULE};
use super::subject::SUBJECT;
use super::{
    access_package, assignment_policy, Default, Edm, EntityType, EnumType, Member, Names,
    Navigation, OnDelete, Operations, Property, Restriction, Segment, Writes,
};

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
        // Its pre-expiration stages' callouts; beta's assignment does not show them.
        Property::new(
            "custom_extension_callout_instances",
            Names::v1("customExtensionCalloutInstances"),
            Edm::Complex(&super::callout::INSTANCES),
        )
        .read_only()
        .default(Default::Json("[]")),
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
