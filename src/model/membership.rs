//! What a directory object is a member of, as Graph's `directoryObject` actions ask it:
//! bound to users, groups and service principals alike (and to `directoryObjects/{id}`,
//! which `routes` mounts beside them), each transitive over nested groups.

use super::operation::{Answer, Behaviour, Binding, Operation};
use super::Names;

const fn action(name: &'static str, summary: &'static str, behaviour: Behaviour) -> Operation {
    Operation::new(
        Names::both(name),
        Binding::Item,
        Answer::Object,
        summary,
        behaviour,
    )
}

pub const CHECK_MEMBER_GROUPS: Operation = action(
    "checkMemberGroups",
    "Which of the given groups the object is a member of, directly or through nested groups",
    Behaviour::CheckMemberGroups,
);
pub const GET_MEMBER_GROUPS: Operation = action(
    "getMemberGroups",
    "Every group the object is a member of, directly or through nested groups",
    Behaviour::GetMemberGroups,
);
pub const CHECK_MEMBER_OBJECTS: Operation = action(
    "checkMemberObjects",
    "Which of the given groups and directory roles the object is a member of",
    Behaviour::CheckMemberObjects,
);
pub const GET_MEMBER_OBJECTS: Operation = action(
    "getMemberObjects",
    "Every group and directory role the object is a member of",
    Behaviour::GetMemberObjects,
);

/// The four, for an entity that has no other bound operations.
pub const ACTIONS: [Operation; 4] = [
    CHECK_MEMBER_GROUPS,
    GET_MEMBER_GROUPS,
    CHECK_MEMBER_OBJECTS,
    GET_MEMBER_OBJECTS,
];

/// What each action reads from its body and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// `{"groupIds": […]}` (or `{"ids": […]}`): those of the given ids it is in.
    Check(&'static str),
    /// `{"securityEnabledOnly": bool}`: all it is in.
    All,
}

pub fn question(behaviour: Behaviour) -> Option<Question> {
    match behaviour {
        Behaviour::CheckMemberGroups => Some(Question::Check("groupIds")),
        Behaviour::CheckMemberObjects => Some(Question::Check("ids")),
        Behaviour::GetMemberGroups | Behaviour::GetMemberObjects => Some(Question::All),
        _ => None,
    }
}

/// Graph checks at most 20 ids per call.
pub const MAX_CHECKED: usize = 20;
