//! Whether a request may be made, and who may decide a stage: the rules, as pure
//! functions over the facts the repository loads. The repository loads them in the
//! writer's transaction that then stores the request (or the decision), so a rule is
//! never decided on facts another write has changed meanwhile.

use super::lifecycle::Kind;
use super::values::normalize_id;
use super::Record;
use crate::error::Detail;
use crate::Error;

/// How the body named the access package, against the policy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageNamed {
    /// Not at all, or as the policy's own.
    Same,
    /// Another package, which exists: no policy of it is this one.
    Other,
}

/// Access the target has that an access package declares incompatible with itself
/// (`incompatibleAccessPackages`, `incompatibleGroups`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatible {
    /// An access package the target holds (an assignment not ended): its name.
    Package(String),
    /// A group the target is a member of: its name.
    Group(String),
}

/// What a request's admission depends on.
#[derive(Debug)]
pub struct Facts<'a> {
    pub kind: Kind,
    /// A user asking for themselves (`userAdd`, …), not an administrator.
    pub self_service: bool,
    /// The directory id of the calling user, when the caller is one.
    pub caller: Option<&'a str>,
    /// The directory id the request is for.
    pub target: &'a str,
    /// For an add: the user or service principal itself, and the groups it is in.
    pub target_object: Option<(&'a Record, &'a [String])>,
    /// For a guest (or an email the directory does not know): its connected organization.
    pub organization: Option<&'a Record>,
    /// For an add by `target: {email}` of someone the directory does not know yet, whom
    /// it invites.
    pub invited: bool,
    pub policy: &'a Record,
    pub package: PackageNamed,
    /// For an add: the target holds the package already (an assignment not ended).
    pub holds: bool,
    /// For an update or removal: the assignment has ended.
    pub ended: bool,
    /// For an add: what the target has that the package is incompatible with.
    pub incompatible: &'a [Incompatible],
}

/// Separation of duties: neither a user nor an administrator may add a package to a
/// target holding access it is declared incompatible with. Graph documents the rule, not
/// its error; the code and details are the emulator's (docs/src/decisions.md).
fn incompatible(found: &[Incompatible]) -> Error {
    let names: Vec<String> = found
        .iter()
        .map(|what| match what {
            Incompatible::Package(name) => format!("access package '{name}'"),
            Incompatible::Group(name) => format!("group '{name}'"),
        })
        .collect();
    let details = found
        .iter()
        .map(|what| match what {
            Incompatible::Package(name) => Detail {
                code: "IncompatibleAccessPackage",
                message: name.clone(),
                target: "accessPackageAssignments".to_owned(),
            },
            Incompatible::Group(name) => Detail {
                code: "IncompatibleGroup",
                message: name.clone(),
                target: "groups".to_owned(),
            },
        })
        .collect();
    Error::Rule {
        status: 400,
        code: "IncompatibleAccess",
        message: format!(
            "The target has access incompatible with this access package: {}.",
            names.join(", ")
        ),
        details,
    }
}

/// The one message the service gives when no policy admits a request.
fn no_valid_policy() -> Error {
    Error::rule(
        400,
        "InvalidRequest",
        "No valid policy was found in the request.",
    )
}

/// Admits `request` or says why not, in the order the service checks.
pub fn admit(facts: &Facts<'_>, request: &Record) -> Result<(), Error> {
    if facts.package == PackageNamed::Other {
        return Err(no_valid_policy());
    }
    if facts.self_service && facts.caller.is_some_and(|caller| caller != facts.target) {
        return Err(no_valid_policy());
    }
    match facts.kind {
        Kind::Add => {
            // Only an administrator brings in someone the directory does not know (the
            // reference's "user who doesn't exist in the directory", through a direct
            // assignment policy); a user's own request is for a user that exists.
            if facts.invited && facts.self_service {
                return Err(no_valid_policy());
            }
            if let (true, Some((target, groups))) = (facts.self_service, facts.target_object) {
                if !admits(facts.policy, target, groups, facts.organization) {
                    return Err(no_valid_policy());
                }
                if let Some((id, text)) = unanswered(facts.policy, request).into_iter().next() {
                    return Err(Error::missing_value(
                        "answers",
                        format!("The question '{text}' ({id}) requires an answer."),
                    ));
                }
                let required = super::assignment_policy::approval_settings(facts.policy)
                    .is_requestor_justification_required;
                if required && request.text("justification").trim().is_empty() {
                    return Err(Error::missing_value(
                        "justification",
                        "The policy requires a justification.",
                    ));
                }
            }
            if facts.holds {
                return Err(Error::rule(400, "InvalidRequest", "The target already has an assignment to this access package; change it with an update request."));
            }
            if !facts.incompatible.is_empty() {
                return Err(incompatible(facts.incompatible));
            }
        }
        Kind::Update | Kind::Remove if facts.ended => {
            return Err(Error::rule(
                400,
                "InvalidRequest",
                "The assignment has ended already.",
            ))
        }
        Kind::Update | Kind::Remove => {}
    }
    Ok(())
}

/// The question ids a request answers.
pub fn answered(request: &Record) -> Vec<String> {
    request
        .get("answers")
        .as_array()
        .map(|answers| {
            answers
                .iter()
                .filter_map(|answer| answer["answeredQuestion"]["id"].as_str())
                .map(normalize_id)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `policy` lets `target` (a user or service principal) ask for the package
/// itself, given the groups `target` is a member of and, for a guest, the connected
/// organization it belongs to (elm-surface §1, `allowedTargetScope`). `notSpecified`
/// policies are for an administrator's direct assignments only.
pub fn admits(
    policy: &Record,
    target: &Record,
    groups: &[String],
    organization: Option<&Record>,
) -> bool {
    let accepts = policy.get("accept_requests");
    if accepts.as_bool() == Some(false) || accepts.as_i64() == Some(0) {
        return false;
    }
    let is_user = target.entity().table == super::directory::USER.table;
    let guest = is_user && is_guest(target);
    let sets = || {
        policy
            .get("specific_allowed_targets")
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let names = |set: &serde_json::Value, key: &str, id: &str| {
        set[key]
            .as_str()
            .is_some_and(|named| normalize_id(named) == id)
    };
    let listed = || {
        sets().iter().any(|set| {
            names(set, "userId", target.id())
                || names(set, "servicePrincipalId", target.id())
                || set["groupId"]
                    .as_str()
                    .is_some_and(|group| groups.contains(&normalize_id(group)))
        })
    };
    let organization_listed = || {
        organization.is_some_and(|organization| {
            sets()
                .iter()
                .any(|set| names(set, "connectedOrganizationId", organization.id()))
        })
    };
    let configured = organization.is_some_and(|org| org.text("state") == "configured");
    match policy.text("allowed_target_scope") {
        "specificDirectoryUsers" | "specificDirectoryServicePrincipals" => listed(),
        "allMemberUsers" => is_user && !guest,
        "allDirectoryUsers" => is_user,
        "allDirectoryServicePrincipals" => !is_user,
        "allExternalUsers" => guest,
        "allConfiguredConnectedOrganizationUsers" => guest && configured,
        "allExistingConnectedOrganizationSubjects" => guest && organization.is_some(),
        "specificConnectedOrganizationUsers" => guest && organization_listed(),
        _ => false,
    }
}

/// A user from outside the organization (`userType` Guest).
pub fn is_guest(user: &Record) -> bool {
    user.text("user_type").eq_ignore_ascii_case("Guest")
}

/// Questions the policy requires an answer to that `request` leaves unanswered: (id, text).
pub fn unanswered(policy: &Record, request: &Record) -> Vec<(String, String)> {
    let answered = answered(request);
    policy
        .get("questions")
        .as_array()
        .into_iter()
        .flatten()
        .filter(|question| question["isRequired"].as_bool() == Some(true))
        .filter_map(|question| {
            let id = normalize_id(question["id"].as_str()?);
            let text = question["text"].as_str().unwrap_or_default().to_owned();
            (!answered.contains(&id)).then_some((id, text))
        })
        .collect()
}

/// Whether a stage whose approvers are `users` and `groups` names `caller`, directly or
/// through a group it is in (`member_of`).
pub fn names_approver(
    users: &[String],
    groups: &[String],
    caller: &str,
    member_of: &[String],
) -> bool {
    users.iter().any(|user| user == caller) || groups.iter().any(|group| member_of.contains(group))
}

/// Whether `caller` (a user's directory id, in `member_of` groups) may decide a stage
/// whose approvers are `users` and `groups`. A stage that names neither (only managers,
/// sponsors, which the directory does not have) may be decided by anyone. A caller the
/// stage does not name gets ELM's own 403, as for a missing permission.
pub fn may_decide(
    users: &[String],
    groups: &[String],
    caller: Option<&str>,
    member_of: &[String],
) -> Result<(), Error> {
    let open_to_anyone = users.is_empty() && groups.is_empty();
    match open_to_anyone
        || caller.is_some_and(|caller| names_approver(users, groups, caller, member_of))
    {
        true => Ok(()),
        false => Err(Error::AccessDenied(
            crate::error::Errors::EntitlementManagement,
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::model::assignment_policy::ASSIGNMENT_POLICY;
    use crate::model::assignment_request::ASSIGNMENT_REQUEST;
    use crate::model::directory::USER;

    fn policy(scope: &str, approval: Value) -> Record {
        let mut policy = Record::defaults(&ASSIGNMENT_POLICY);
        policy.set("allowed_target_scope", Value::from(scope));
        policy.set("request_approval_settings", approval);
        policy.set(
            "questions",
            json!([{"id": "11111111-1111-1111-1111-111111111111", "isRequired": true, "text": "Why?"}]),
        );
        policy
    }

    fn facts<'a>(policy: &'a Record, user: &'a Record, kind: Kind) -> Facts<'a> {
        Facts {
            kind,
            self_service: true,
            caller: Some("u"),
            target: "u",
            target_object: Some((user, &[])),
            organization: None,
            invited: false,
            policy,
            package: PackageNamed::Same,
            holds: false,
            ended: false,
            incompatible: &[],
        }
    }

    fn code(result: Result<(), Error>) -> String {
        match result {
            Ok(()) => "admitted".to_owned(),
            Err(error) => {
                let details = error.details().into_iter().map(|d| d.message);
                format!(
                    "{}: {error} {}",
                    error.code(),
                    details.collect::<Vec<_>>().join(" ")
                )
            }
        }
    }

    #[test]
    fn a_users_own_request_meets_scope_questions_and_justification_in_turn() {
        let mut user = Record::defaults(&USER);
        user.set("id", Value::from("u"));
        let request = Record::defaults(&ASSIGNMENT_REQUEST);
        let closed = policy("notSpecified", json!({}));
        assert!(
            code(admit(&facts(&closed, &user, Kind::Add), &request)).contains("No valid policy")
        );
        let open = policy(
            "allMemberUsers",
            json!({"isRequestorJustificationRequired": true}),
        );
        let said = code(admit(&facts(&open, &user, Kind::Add), &request));
        assert!(said.contains("requires an answer"), "{said}");
        let mut answered = Record::defaults(&ASSIGNMENT_REQUEST);
        answered.set(
            "answers",
            json!([{"answeredQuestion": {"id": "11111111-1111-1111-1111-111111111111"}}]),
        );
        assert!(code(admit(&facts(&open, &user, Kind::Add), &answered)).contains("justification"));
        answered.set("justification", Value::from("for work"));
        assert_eq!(
            code(admit(&facts(&open, &user, Kind::Add), &answered)),
            "admitted"
        );
        let holds = Facts {
            holds: true,
            ..facts(&open, &user, Kind::Add)
        };
        assert!(code(admit(&holds, &answered)).contains("already has an assignment"));
        let conflicts = [
            Incompatible::Package("Development".to_owned()),
            Incompatible::Group("Auditors".to_owned()),
        ];
        let incompatible = Facts {
            incompatible: &conflicts,
            ..facts(&open, &user, Kind::Add)
        };
        let said = code(admit(&incompatible, &answered));
        assert!(said.starts_with("IncompatibleAccess"), "{said}");
        assert!(
            said.contains("'Development'") && said.contains("'Auditors'"),
            "{said}"
        );
        let admin = Facts {
            self_service: false,
            ..incompatible
        };
        assert!(code(admit(&admin, &answered)).starts_with("IncompatibleAccess"));
        let someone_else = Facts {
            caller: Some("v"),
            ..facts(&open, &user, Kind::Add)
        };
        assert!(code(admit(&someone_else, &answered)).contains("No valid policy"));
    }

    #[test]
    fn an_ended_assignment_cannot_be_changed_and_other_packages_have_no_such_policy() {
        let user = Record::defaults(&USER);
        let admin = policy("notSpecified", json!({}));
        let request = Record::defaults(&ASSIGNMENT_REQUEST);
        let remove = Facts {
            self_service: false,
            target_object: None,
            ended: true,
            ..facts(&admin, &user, Kind::Remove)
        };
        assert!(code(admit(&remove, &request)).contains("ended already"));
        let other = Facts {
            package: PackageNamed::Other,
            ..remove
        };
        assert!(code(admit(&other, &request)).contains("No valid policy"));
    }

    #[test]
    fn only_a_stages_approvers_decide_it_unless_it_names_none() {
        let users = ["a".to_owned()];
        let groups = ["g".to_owned()];
        assert!(may_decide(&users, &groups, Some("a"), &[]).is_ok());
        assert!(may_decide(&users, &groups, Some("b"), &["g".to_owned()]).is_ok());
        assert!(may_decide(&users, &groups, Some("b"), &[]).is_err());
        assert!(may_decide(&users, &groups, None, &[]).is_err());
        assert!(may_decide(&[], &[], None, &[]).is_ok());
    }
}
