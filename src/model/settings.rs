//! `microsoft.graph.entitlementManagementSettings` (elm-surface §6.4): the singleton
//! `/settings`, and the rule it sets: what happens to an external user whose last
//! assignment ends. v1.0 says how long before deletion as a duration
//! (`durationUntilExternalUserDeletedAfterBlocked`, and has an `id`); beta in days
//! (`daysUntilExternalUserDeletedAfterBlocked`) and spells the action in PascalCase.

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::admission::is_guest;
use super::json::duration_seconds;
use super::schedule::{days_into, days_of, days_schema};
use super::subject::GOVERNED;
use super::values::later;
use super::{
    Default, Derived, Edm, EntityType, EnumType, Member, Names, Operations, PerVersion, Property,
    Record, Update, Writes,
};

pub static EXTERNAL_USER_LIFECYCLE_ACTION: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageExternalUserLifecycleAction"),
    members: &[
        Member::new("none", "None", "none"),
        Member::new("blockSignIn", "BlockSignIn", "blockSignIn"),
        Member::new(
            "blockSignInAndDelete",
            "BlockSignInAndDelete",
            "blockSignInAndDelete",
        ),
        Member::new(
            "unknownFutureValue",
            "unknownFutureValue",
            "unknownFutureValue",
        )
        .not_creatable(),
    ],
};

/// The id v1.0 shows for the one row.
pub const SINGLETON: &str = "singleton";

/// beta's days, over the stored duration.
static DAYS_UNTIL_DELETED: Derived = Derived {
    name: "Edm.Int64",
    project: |_, record| days_of(record, "duration_until_deleted"),
    decode: |_, value, path| days_into("duration_until_deleted", Value::from("P0D"), value, path),
    schema: days_schema,
};

pub static SETTINGS: EntityType = EntityType {
    name: "entitlementManagementSettings",
    odata_type: "microsoft.graph.entitlementManagementSettings",
    sets: Names::both("settings"),
    fixture: "settings",
    table: "settings",
    properties: &[
        // beta shows no id.
        Property::new("id", Names::v1("id"), Edm::String).read_only(),
        Property::enumeration(
            "external_user_lifecycle_action",
            Names::both("externalUserLifecycleAction"),
            &EXTERNAL_USER_LIFECYCLE_ACTION,
        )
        .default_text("blockSignInAndDelete"),
        Property::new(
            "duration_until_deleted",
            Names::v1("durationUntilExternalUserDeletedAfterBlocked"),
            Edm::Duration,
        )
        .default_text("P30D"),
        Property::derived(
            Names::beta("daysUntilExternalUserDeletedAfterBlocked"),
            &DAYS_UNTIL_DELETED,
        ),
    ],
    // A new tenant's, as the portal shows them: block, then remove after 30 days.
    builtins: &[&[
        ("id", Default::Text(SINGLETON)),
        (
            "external_user_lifecycle_action",
            Default::Text("blockSignInAndDelete"),
        ),
        ("duration_until_deleted", Default::Text("P30D")),
    ]],
    default_order: &[],
    operations: Operations {
        create: false,
        update: Update::Patch,
        delete: false,
    },
    writes: Writes::Direct,
    // The update page's example (its v1.0 copy spells the member as beta does).
    example: PerVersion::each(
        r#"{"externalUserLifecycleAction": "None"}"#,
        r#"{"externalUserLifecycleAction": "None"}"#,
    ),
    singleton: Some(SINGLETON),
    ..EntityType::BASE
};

/// What becomes of an external user when its last assignment ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outsider {
    /// Its sign-in is blocked (`accountEnabled` false).
    pub blocked: bool,
    /// It is deleted from the directory then, on the emulator clock.
    pub removed_at: Option<OffsetDateTime>,
}

/// Whether the rule applies to a subject: a guest Entitlement Management governs.
pub fn governs(subject_lifecycle: &str, user: &Record) -> bool {
    subject_lifecycle == GOVERNED && is_guest(user)
}

/// The settings' rule, from the stored action and duration, for an external user whose
/// last assignment ended at `now`.
pub fn after_last_assignment(action: &str, duration: &str, now: OffsetDateTime) -> Outsider {
    match action {
        "blockSignIn" => Outsider {
            blocked: true,
            removed_at: None,
        },
        "blockSignInAndDelete" => Outsider {
            blocked: true,
            removed_at: Some(later(
                now,
                Duration::seconds(duration_seconds(duration).unwrap_or(0)),
            )),
        },
        _ => Outsider {
            blocked: false,
            removed_at: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outsiders_last_assignment_blocks_then_removes_as_the_settings_say() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let kept = after_last_assignment("none", "P30D", now);
        assert_eq!(
            kept,
            Outsider {
                blocked: false,
                removed_at: None
            }
        );
        let blocked = after_last_assignment("blockSignIn", "P30D", now);
        assert_eq!(
            blocked,
            Outsider {
                blocked: true,
                removed_at: None
            }
        );
        let removed = after_last_assignment("blockSignInAndDelete", "P4D", now);
        assert_eq!(removed.removed_at, Some(now + Duration::days(4)));
        assert!(removed.blocked);
    }
}
