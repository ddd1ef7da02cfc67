//! Who a policy names — requestors, approvers, reviewers. v1.0 writes `subjectSet`s
//! (`{"@odata.type":"#microsoft.graph.singleUser","userId":…}`) and keeps backups in
//! separate `fallback…` lists; beta writes `userSet`s with one `id` field and an
//! `isBackup` flag in a single list. Stored in v1.0's shape.

use schemars::JsonSchema;
use serde_json::{Map, Value};

use crate::model::json::{invalid, Object};
use crate::model::values::canonical_guid;
use crate::model::Version;
use crate::Error;

/// A subject set kind: its v1.0 id member, and what else it carries.
struct Kind {
    name: &'static str,
    id: Option<&'static str>,
    described: bool,
    manager_level: bool,
}

const fn kind(
    name: &'static str,
    id: Option<&'static str>,
    described: bool,
    manager_level: bool,
) -> Kind {
    Kind {
        name,
        id,
        described,
        manager_level,
    }
}

const KINDS: &[Kind] = &[
    kind("singleUser", Some("userId"), true, false),
    kind("groupMembers", Some("groupId"), true, false),
    kind(
        "connectedOrganizationMembers",
        Some("connectedOrganizationId"),
        true,
        false,
    ),
    kind(
        "singleServicePrincipal",
        Some("servicePrincipalId"),
        true,
        false,
    ),
    kind("requestorManager", None, false, true),
    kind("targetManager", None, false, true),
    kind("internalSponsors", None, false, false),
    kind("externalSponsors", None, false, false),
    kind("targetUserSponsors", None, false, false),
    kind("targetApplicationOwners", None, false, false),
    kind("attributeRuleMembers", None, true, false),
];

/// One subject in stored form, from either version's JSON.
fn decode_one(version: Version, value: &Value, path: &str) -> Result<Value, Error> {
    let set = Object::of(value, path)?;
    let name = set.odata_type().unwrap_or_default();
    let Some(kind) = KINDS
        .iter()
        .find(|kind| kind.name.eq_ignore_ascii_case(name))
    else {
        let known: Vec<&str> = KINDS.iter().map(|kind| kind.name).collect();
        return Err(invalid(
            &format!("{path}.@odata.type"),
            format!(
                "'{name}' is not a subject set; use one of {}",
                known.join(", ")
            ),
        ));
    };
    let mut stored = Map::new();
    stored.insert(
        "@odata.type".to_owned(),
        Value::from(format!("#microsoft.graph.{}", kind.name)),
    );
    if let Some(member) = kind.id {
        let given = match version {
            Version::Beta => "id",
            Version::V1 => member,
        };
        let id = set.str(given)?.unwrap_or_default();
        let id = canonical_guid(id).ok_or_else(|| {
            invalid(
                &set.path(given),
                format!("A {} names its subject by a GUID in {given}.", kind.name),
            )
        })?;
        stored.insert(member.to_owned(), Value::from(id));
    }
    if kind.described {
        stored.insert(
            "description".to_owned(),
            set.str("description")?.map_or(Value::Null, Value::from),
        );
    }
    if kind.manager_level {
        stored.insert(
            "managerLevel".to_owned(),
            Value::from(set.int("managerLevel")?.unwrap_or(1)),
        );
    }
    if kind.name == "attributeRuleMembers" {
        stored.insert(
            "membershipRule".to_owned(),
            set.str("membershipRule")?.map_or(Value::Null, Value::from),
        );
    }
    Ok(Value::Object(stored))
}

/// A beta list split by `isBackup` into (primary, fallback), each in stored form.
pub fn split_beta(items: &[Value], path: &str) -> Result<(Vec<Value>, Vec<Value>), Error> {
    let (mut primary, mut fallback) = (Vec::new(), Vec::new());
    for (index, item) in items.iter().enumerate() {
        let at = format!("{path}[{index}]");
        let backup = Object::of(item, &at)?.bool("isBackup")?.unwrap_or(false);
        let stored = decode_one(Version::Beta, item, &at)?;
        if backup {
            fallback.push(stored)
        } else {
            primary.push(stored)
        }
    }
    Ok((primary, fallback))
}

/// A stored subject as beta writes it.
fn beta_one(stored: &Value, backup: bool) -> Value {
    let type_name = stored["@odata.type"].clone();
    let name = type_name
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("#microsoft.graph.");
    let Some(kind) = KINDS.iter().find(|kind| kind.name == name) else {
        return stored.clone();
    };
    let mut set = Map::new();
    set.insert("@odata.type".to_owned(), type_name);
    set.insert("isBackup".to_owned(), Value::Bool(backup));
    if let Some(member) = kind.id {
        set.insert("id".to_owned(), stored[member].clone());
    }
    for member in ["description", "managerLevel", "membershipRule"] {
        if let Some(value) = stored.get(member) {
            set.insert(member.to_owned(), value.clone());
        }
    }
    Value::Object(set)
}

/// A stored list, checked and in stored form: what a v1.0 body's list becomes.
pub fn checked(items: &[Value], path: &str) -> Result<Vec<Value>, Error> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| decode_one(Version::V1, item, &format!("{path}[{index}]")))
        .collect()
}

/// Stored lists as one beta list: the primary subjects, then the backups.
pub fn to_beta(primary: &[Value], fallback: &[Value]) -> Vec<Value> {
    primary
        .iter()
        .map(|subject| beta_one(subject, false))
        .chain(fallback.iter().map(|subject| beta_one(subject, true)))
        .collect()
}

/// v1.0's subjectSet, as OpenAPI describes it: its kind, then the members kinds carry.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SubjectSet {
    #[serde(rename = "@odata.type")]
    odata_type: String,
    user_id: Option<String>,
    group_id: Option<String>,
    connected_organization_id: Option<String>,
    service_principal_id: Option<String>,
    description: Option<String>,
    manager_level: Option<i64>,
    membership_rule: Option<String>,
}

pub type SubjectSets = Vec<SubjectSet>;

/// beta's userSet: one `id` whatever the kind, and `isBackup`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct BetaUserSet {
    #[serde(rename = "@odata.type")]
    odata_type: String,
    is_backup: Option<bool>,
    id: Option<String>,
    description: Option<String>,
    manager_level: Option<i64>,
    membership_rule: Option<String>,
}

pub type BetaUserSets = Vec<BetaUserSet>;

/// The directory objects a stored subject list names, for the policy's reference check.
pub fn references(list: &Value, target: &str, found: &mut Vec<crate::model::Reference>) {
    use crate::model::connected_organization::CONNECTED_ORGANIZATION;
    use crate::model::directory::{GROUP, SERVICE_PRINCIPAL, USER};
    let none = Vec::new();
    for subject in list.as_array().unwrap_or(&none) {
        let kinds: (&str, &'static [fn() -> &'static crate::model::EntityType]) =
            match subject["@odata.type"].as_str() {
                Some("#microsoft.graph.singleUser") => ("userId", &[|| &USER]),
                Some("#microsoft.graph.groupMembers") => ("groupId", &[|| &GROUP]),
                Some("#microsoft.graph.singleServicePrincipal") => {
                    ("servicePrincipalId", &[|| &SERVICE_PRINCIPAL])
                }
                Some("#microsoft.graph.connectedOrganizationMembers") => {
                    ("connectedOrganizationId", &[|| &CONNECTED_ORGANIZATION])
                }
                _ => continue,
            };
        if let Some(id) = subject[kinds.0].as_str() {
            found.push(crate::model::Reference {
                id: id.to_owned(),
                kinds: kinds.1,
                target: target.to_owned(),
            });
        }
    }
}
