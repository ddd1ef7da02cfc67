//! `microsoft.graph.accessPackageAssignmentPolicy` (reference: elm-surface §1): beta
//! `accessPackageAssignmentPolicies`, v1.0 `assignmentPolicies`.
//!
//! The two versions shape a policy differently; it is stored in v1.0's shape, and what
//! beta says differently is converted here and in the files beside this one:
//!
//! | beta | v1.0 (stored) |
//! |---|---|
//! | `accessPackageId` | `accessPackage: {id}` |
//! | `requestorSettings.scopeType` (`NoSubjects`, `SpecificDirectorySubjects`, …) | `allowedTargetScope` (`notSpecified`, `specificDirectoryUsers`, …) |
//! | `requestorSettings.allowedRequestors` (userSets, `id`) | `specificAllowedTargets` (subjectSets, `userId`/`groupId`…) |
//! | `requestorSettings.acceptRequests` | — (kept; v1.0 does not show it) |
//! | `canExtend` | — (kept; v1.0 does not show it) |
//! | `durationInDays`, `expirationDateTime` | `expiration {type, duration: P{n}D, endDateTime}` |
//! | `requestApprovalSettings` (`approvalStages`, days, minutes, `isBackup`) | `requestApprovalSettings` (`stages`, ISO durations, `fallback…` lists) |
//! | `accessReviewSettings` | `reviewSettings` |
//! | `questions` inline | `questions`, a navigation (`$expand=questions`) |
//! | — | `requestorSettings` (self-service flags), `automaticRequestSettings`, `notificationSettings` (v1.0 only) |

mod approval;
mod requestors;
mod requirements;
mod review;

use super::entity::{CREATED_AT, CREATED_BY, CREATION_ORDER, MODIFIED_AT, MODIFIED_BY};
use super::{
    access_package, catalog, custom_extension, Bind, Default, Edm, EntityType, Names, Navigation,
    Operations, PerVersion, Property, Record, Reference, Segment, Update, Version, Writes,
};
use super::{subject_set, OnDelete};

pub use approval::settings as approval_settings;
pub use requestors::ALLOWED_TARGET_SCOPE;
pub use requirements::requirements;

pub static ASSIGNMENT_POLICY: EntityType = EntityType {
    name: "accessPackageAssignmentPolicy",
    odata_type: "microsoft.graph.accessPackageAssignmentPolicy",
    sets: Names::differ("accessPackageAssignmentPolicies", "assignmentPolicies"),
    fixture: "assignmentPolicies",
    table: "assignment_policies",
    properties: &[
        Property::key(),
        Property::guid("access_package_id", Names::beta("accessPackageId")).on_create(),
        // A policy is in its package's catalog, which cannot change.
        Property::internal("catalog_id", "catalogId", Edm::Guid)
            .copied("access_package_id", "catalog_id"),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("description", Names::both("description")).nullable(),
        Property::boolean("can_extend", Names::beta("canExtend")),
        Property::derived(
            Names::beta("durationInDays"),
            &super::schedule::DURATION_IN_DAYS,
        ),
        // As a client set it: Terraform compares it verbatim.
        Property::new(
            "expiration_date_time",
            Names::beta("expirationDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable(),
        Property::internal("expiration_duration", "expirationDuration", Edm::String).nullable(),
        Property::internal("expiration_type", "expirationType", Edm::String)
            .default_text("noExpiration"),
        Property::derived(Names::v1("expiration"), &super::schedule::POLICY_EXPIRATION),
        // beta answers durationInDays and expirationDateTime, but takes v1.0's form too
        // (its create page's example 4); shown only when asked for.
        Property::derived(
            Names::beta("expiration"),
            &super::schedule::POLICY_EXPIRATION,
        )
        .expand_only(Version::Beta),
        Property::enumeration(
            "allowed_target_scope",
            Names::v1("allowedTargetScope"),
            &ALLOWED_TARGET_SCOPE,
        )
        .default_text("notSpecified"),
        Property::new(
            "specific_allowed_targets",
            Names::v1("specificAllowedTargets"),
            Edm::Complex(&requestors::SUBJECT_SETS),
        )
        .default(Default::Json("[]")),
        Property::internal("accept_requests", "acceptRequests", Edm::Bool)
            .default(Default::Bool(true)),
        Property::derived(
            Names::beta("requestorSettings"),
            &requestors::BETA_REQUESTOR_SETTINGS,
        ),
        Property::new(
            "requestor_settings",
            Names::v1("requestorSettings"),
            Edm::Complex(&requestors::REQUESTOR_SETTINGS),
        )
        .default(Default::Json(requestors::SELF_SERVICE_OFF)),
        Property::new(
            "request_approval_settings",
            Names::both("requestApprovalSettings"),
            Edm::Complex(&approval::APPROVAL_SETTINGS),
        )
        .default(Default::Json(approval::NONE)),
        Property::new(
            "review_settings",
            Names::differ("accessReviewSettings", "reviewSettings"),
            Edm::Complex(&review::REVIEW_SETTINGS),
        )
        .nullable(),
        Property::new(
            "automatic_request_settings",
            Names::v1("automaticRequestSettings"),
            Edm::Complex(&requestors::AUTOMATIC_REQUEST_SETTINGS),
        )
        .nullable(),
        Property::new(
            "notification_settings",
            Names::v1("notificationSettings"),
            Edm::Complex(&requestors::NOTIFICATION_SETTINGS),
        )
        .nullable(),
        Property::new(
            "questions",
            Names::both("questions"),
            Edm::Complex(&super::questions::QUESTIONS),
        )
        .default(Default::Json("[]"))
        .expand_only(Version::V1),
        CREATED_BY,
        CREATED_AT,
        MODIFIED_BY,
        MODIFIED_AT,
    ],
    navigations: &[
        Navigation::to_one(
            Names::both("accessPackage"),
            || &access_package::ACCESS_PACKAGE,
            "access_package_id",
        )
        .bound(Bind {
            required: true,
            aliases: PerVersion::each(&[], &[]),
        })
        .segment(Segment::Read)
        // Contained in its package (CSDL): it goes with it.
        .on_delete(OnDelete::Cascade),
        Navigation::to_one(
            Names::differ("accessPackageCatalog", "catalog"),
            || &catalog::CATALOG,
            "catalog_id",
        )
        .segment(Segment::Read)
        .on_delete(OnDelete::Cascade),
        // Custom extensions the policy calls, written in its body, read with `$expand`
        // (neither version writes them otherwise); beta has both names.
        Navigation::to_many(
            Names::both("customExtensionStageSettings"),
            || &custom_extension::STAGE_SETTING,
            "assignment_policy_id",
        )
        .written_with_parent(),
        Navigation::to_many(
            Names::beta("customExtensionHandlers"),
            || &custom_extension::STAGE_SETTING,
            "assignment_policy_id",
        )
        .written_with_parent(),
    ],
    builtins: &[],
    default_order: CREATION_ORDER,
    references: Some(references),
    operations: Operations {
        create: true,
        update: Update::Put,
        delete: true,
    },
    writes: Writes::Direct,
    // Terraform azuread 3.x's minimal policy, and the v1.0 documentation's first example.
    example: PerVersion::each(
        r##"{"@odata.type": "#microsoft.graph.accessPackageAssignmentPolicy", "accessPackageId": "{accessPackages}",
            "canExtend": false, "description": "direct assignments", "displayName": "direct",
            "durationInDays": 0, "expirationDateTime": null, "questions": []}"##,
        r#"{"displayName": "New Policy", "description": "policy for assignment", "allowedTargetScope": "notSpecified",
            "specificAllowedTargets": [], "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"},
            "requestorSettings": {"enableTargetsToSelfAddAccess": false, "enableTargetsToSelfUpdateAccess": false,
              "enableTargetsToSelfRemoveAccess": false, "allowCustomAssignmentSchedule": true,
              "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
              "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []},
            "accessPackage": {"id": "{accessPackages}"}}"#,
    ),
    ..EntityType::BASE
};

/// Every user, group and service principal a policy names as requestor, approver or
/// reviewer must exist in the directory.
fn references(record: &Record) -> Vec<Reference> {
    let mut found = Vec::new();
    subject_set::references(
        record.get("specific_allowed_targets"),
        "specificAllowedTargets",
        &mut found,
    );
    subject_set::references(
        &record.get("requestor_settings")["onBehalfRequestors"],
        "requestorSettings",
        &mut found,
    );
    for mut stage in approval::settings(record).stages {
        for (_, list) in stage.approvers() {
            let list = serde_json::Value::Array(std::mem::take(list));
            subject_set::references(&list, "requestApprovalSettings", &mut found);
        }
    }
    for list in ["primaryReviewers", "fallbackReviewers"] {
        subject_set::references(
            &record.get("review_settings")[list],
            "reviewSettings",
            &mut found,
        );
    }
    found
}
