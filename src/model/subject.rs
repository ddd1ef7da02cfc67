//! `microsoft.graph.accessPackageSubject` (reference: elm-surface §3.5): who a request or
//! an assignment is for, and who asked. `subjects` in both versions, and
//! `subjects(objectId='…')`. The service makes one per directory object the first time a
//! request names it; its id is its own, not the object's.

use super::entity::HIDDEN_CREATED_AT;
use super::operation::{Answer, Behaviour, Binding, Operation, Parameter};
use super::{
    connected_organization, EntityType, EnumType, Member, Names, Navigation, OnDelete, Operations,
    Property, Segment, Writes,
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
    ],
};

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
        // Entitlement Management made them, so it governs them.
        Property::enumeration(
            "subject_lifecycle",
            Names::both("subjectLifecycle"),
            &SUBJECT_LIFECYCLE,
        )
        .read_only()
        .default_text("governed"),
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
    operations: Operations::READ_ONLY,
    writes: Writes::Custom,
    bound: &[Operation::new(
        Names::both("subjects"),
        Binding::AlternateKey,
        Answer::Entity,
        "The subject of a directory object",
        Behaviour::SubjectByObjectId,
    )
    .with(&[Parameter {
        name: "objectId",
        values: &[],
    }])],
    ..EntityType::BASE
};
