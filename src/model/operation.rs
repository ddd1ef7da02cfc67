//! What an entity serves besides its CRUD: actions, functions, a create that is its own
//! code, an alternate key, a decision. Declared with the entity, as CSDL
//! declares bound operations; `routes` mounts every declaration in one loop and
//! `openapi` describes them from the same list. The behaviour itself is named by a
//! `Behaviour`, which `routes::operations` maps to its handler: the model knows no HTTP.

use super::Names;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `POST /{set}` (or through the navigation that contains the set): a create that is
    /// the entity's own code.
    Create,
    /// `PATCH /{set}/{id}/{navigation}/{key}` on a contained item: an update that is the
    /// entity's own code (an approver's decision).
    Update,
    /// `POST /{set}/{id}/{name}`: an action bound to one item.
    Item,
    /// `POST /{parent}/{id}/{navigation}/{key}/{name}`: an action bound to an item as its
    /// container (the entity named) reaches it, the only address its page gives (a
    /// catalog's resource's `refresh`); not through other navigations to it.
    WithinItem(&'static str),
    /// `GET /{set}/{name}(p='…',…)`: a function bound to the collection.
    Collection,
    /// `GET /{set}(p='…')`: the entity by an alternate key.
    AlternateKey,
}

/// What a successful call answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 with one entity of the set.
    Entity,
    /// 200 with a listing of the set (paged, `$filter`, `$select`, `$expand`, `$count`).
    Collection,
    /// 201 with the entity made.
    Created,
    /// 200 with a body of the operation's own.
    Object,
    /// 202, the work goes on.
    Accepted,
    /// 204.
    NoContent,
}

impl Answer {
    pub fn status(self) -> u16 {
        match self {
            Self::Entity | Self::Collection | Self::Object => 200,
            Self::Created => 201,
            Self::Accepted => 202,
            Self::NoContent => 204,
        }
    }
}

/// The code that does what an operation is for. One variant per behaviour; a new
/// operation adds one here and its handler in `routes::operations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    CreateRequest,
    CreateResourceRequest,
    CreateRoleScope,
    CancelRequest,
    ReprocessRequest,
    ResumeRequest,
    ReprocessAssignment,
    DecideStage,
    RequestsOfCurrentUser,
    AssignmentsOfCurrentUser,
    ApprovalsOfCurrentUser,
    PackagesOfCurrentUser,
    AdditionalAccess,
    SubjectByObjectId,
    UpdateSubjectByObjectId,
    ApplicablePolicyRequirements,
    MoveToCatalog,
    RefreshResource,
    AddPassword,
    RemovePassword,
    CheckMemberGroups,
    GetMemberGroups,
    CheckMemberObjects,
    GetMemberObjects,
}

/// A function parameter: its name, and the values it takes when they are few (each gets
/// its own path in the OpenAPI document, as the reference pages list them).
#[derive(Debug, Clone, Copy)]
pub struct Parameter {
    pub name: &'static str,
    pub values: &'static [&'static str],
}

#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// Per version; `Names::NONE` for creates and updates, which have no segment.
    pub name: Names,
    pub binding: Binding,
    pub parameters: &'static [Parameter],
    pub answer: Answer,
    pub summary: &'static str,
    pub behaviour: Behaviour,
}

impl Operation {
    pub const fn new(
        name: Names,
        binding: Binding,
        answer: Answer,
        summary: &'static str,
        behaviour: Behaviour,
    ) -> Self {
        Self {
            name,
            binding,
            parameters: &[],
            answer,
            summary,
            behaviour,
        }
    }

    pub const fn with(self, parameters: &'static [Parameter]) -> Self {
        Self { parameters, ..self }
    }
}
