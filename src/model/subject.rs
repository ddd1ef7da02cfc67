//! `microsoft.graph.accessPackageSubject` (reference: elm-surface §3.5): who a request or
//! an assignment is for, and who asked. `subjects` in both versions, and
//! `subjects(objectId='…')`. The service makes one per directory object the first time a
//! request names it; its id is its own, not the object's.

use super::entity::HIDDEN_CREATED_AT;
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::{
    connected_organization, Default, Edm, EntityType, EnumType, Member, Names, Navigation,
    OnDelete, Operations, PerVersion, Property, Segment, Update, Writes,
};

pub static SUBJECT_TYPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageSubjectType"),
    members: &[
        Member::new("user", "User", "user"),
        Member::new("servicePrincipal", "ServicePrincipal", "servicePrincipal"),
    ],
};

pub static SUBJECT_LIFECYCLE: EnumType = EnumType {
    name: Names::both("microsoft.graph.accessPackageSubjectLifecycle"),
    members: &[
        Member::new("notDefined", "notDefined", "notDefined"),
        Member::new("notGoverned", "notGoverned", "notGoverned"),
        Member::new("governed", "governed", "governed"),
        Member::new(
            "unknownFutureValue",
            "unknownFutureValue",
            "unknownFutureValue",
        )
        .not_creatable(),
    ],
};

pub const GOVERNED: &str = "governed";
pub const NOT_GOVERNED: &str = "notGoverned";

const BY_OBJECT_ID: &[Parameter] = &[Parameter {
    name: "objectId",
    values: &[],
}];

pub static SUBJECT: EntityType = EntityType {
    name: "accessPackageSubject",
    odata_type: "microsoft.graph.accessPackageSubject",
    sets: Names::both("subjects"),
    fixture: "subjects",
    table: "subjects",
    properties: &[
        Property::key(),
        Property::guid("object_id", Names::both("objectId")).read_only(),
        // beta only; "Not Supported" on its reference page: always null.
        Property::text("alt_sec_id", Names::beta("altSecId"))
            .nullable()
            .read_only(),
        Property::text("display_name", Names::both("displayName"))
            .nullable()
            .read_only(),
        Property::text("principal_name", Names::both("principalName"))
            .nullable()
            .read_only(),
        Property::text("email", Names::both("email"))
            .nullable()
            .read_only(),
        // The principal's security identifier when it is synchronised from on-premises;
        // the emulator's directory has none.
        Property::text(
            "on_premises_security_identifier",
            Names::both("onPremisesSecurityIdentifier"),
        )
        .nullable()
        .read_only(),
        // beta calls it `type`, a string (`User`).
        Property::enumeration(
            "subject_type",
            Names::differ("type", "subjectType"),
            &SUBJECT_TYPE,
        )
        .read_only()
        .default_text("user"),
        // Whether the settings' rule for external users applies (`model::settings`): a
        // guest Entitlement Management invited is `governed`, one the directory had before
        // is `notGoverned` until an administrator says otherwise (the one property a PATCH
        // changes); members are `governed`, as the reference's example shows.
        Property::enumeration(
            "subject_lifecycle",
            Names::both("subjectLifecycle"),
            &SUBJECT_LIFECYCLE,
        )
        .default_text(GOVERNED),
        // beta only: when the settings' rule deletes this guest from the directory.
        Property::new(
            "cleanup_scheduled_date_time",
            Names::beta("cleanupScheduledDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable()
        .read_only(),
        // Whether that rule blocked its sign-in, so that a new assignment lets it back in
        // (and a block an administrator set stays).
        Property::internal("sign_in_blocked", "signInBlocked", Edm::Bool)
            .read_only()
            .default(Default::Bool(false)),
        // beta only: the connected organization an external subject came from.
        Property::text(
            "connected_organization_id",
            Names::beta("connectedOrganizationId"),
        )
        .nullable()
        .read_only(),
        HIDDEN_CREATED_AT,
    ],
    navigations: &[
        // `requestor($expand=connectedOrganization)`: where an external subject came from.
        Navigation::to_one(
            Names::both("connectedOrganization"),
            || &connected_organization::CONNECTED_ORGANIZATION,
            "connected_organization_id",
        )
        .segment(Segment::Read)
        .on_delete(OnDelete::Forget),
    ],
    operations: Operations {
        create: false,
        update: Update::Patch,
        delete: false,
    },
    writes: Writes::Custom,
    bound: &[
        Operation::new(
            Names::both("subjects"),
            Binding::AlternateKey,
            Answer::Entity,
            "The subject of a directory object",
            Behaviour::SubjectByObjectId,
        )
        .with(BY_OBJECT_ID),
        Operation::new(
            Names::both("subjects"),
            Binding::AlternateKey,
            Answer::NoContent,
            "Update the subject of a directory object",
            Behaviour::UpdateSubjectByObjectId,
        )
        .with(BY_OBJECT_ID),
    ],
    example: PerVersion::each(
        r#"{"subjectLifecycle": "governed"}"#,
        r#"{"subjectLifecycle": "governed"}"#,
    ),
    ..EntityType::BASE
};
