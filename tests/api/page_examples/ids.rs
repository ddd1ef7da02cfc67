//! Where the page's ids were, the world's: by the collection a path segment follows, by
//! the property a body value is under, by the kind of request the page's action needs.

use serde_json::Value;

use super::world::World;

pub fn is_guid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok()
}

/// What the id after a path segment names.
fn kind_after(segment: &str) -> Option<&'static str> {
    Some(match segment {
        "accessPackages" => "package",
        "incompatibleAccessPackages" | "accessPackagesIncompatibleWith" => "other_package",
        "accessPackageCatalogs" | "catalogs" => "catalog",
        "accessPackageAssignmentPolicies" | "assignmentPolicies" => "policy",
        "accessPackageAssignmentRequests" | "assignmentRequests" => "request",
        "accessPackageAssignments" | "assignments" => "assignment",
        "accessPackageAssignmentApprovals" => "pending",
        "stages" | "steps" => "stage",
        "connectedOrganizations" => "organization",
        "externalSponsors" | "internalSponsors" | "users" | "directoryObjects" => "sponsor",
        "incompatibleGroups" | "groups" => "group",
        "accessPackageResources" | "resources" => "resource",
        "accessPackageResourceRoles" | "resourceRoles" | "roles" => "role",
        "accessPackageResourceScopes" | "resourceScopes" | "scopes" => "scope",
        "accessPackageResourceRoleScopes" | "resourceRoleScopes" => "role_scope",
        "customWorkflowExtensions"
        | "accessPackageCustomWorkflowExtensions"
        | "customAccessPackageWorkflowExtensions" => "extension",
        "roleAssignments" => "role_assignment",
        "accessPackageResourceRequests" | "resourceRequests" => "resource_request",
        "accessPackageResourceEnvironments" | "resourceEnvironments" => "environment",
        "subjects" => "subject",
        _ => return None,
    })
}

/// A request of the state the page's action needs.
fn request_for(page: &str) -> &'static str {
    if page.contains("cancel") || page.starts_with("approval") {
        "pending"
    } else if page.contains("resume") {
        "waiting"
    } else if page.contains("reprocess") {
        "failed"
    } else {
        "request"
    }
}

/// The path with the world's ids where the page's are: the item a `DELETE` removes is
/// one nothing holds; a package a body links to is a spare one (one cannot be incompatible
/// with itself, nor linked twice).
pub fn substitute_path(
    path: &str,
    world: &World,
    page: &str,
    method: &str,
    linked: bool,
) -> String {
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let segments: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        let previous = if index > 0 { segments[index - 1] } else { "" };
        let placeholder = segment.starts_with('{') && segment.ends_with('}');
        let last = index + 1 == segments.len();
        let replaced = if is_guid(segment) || placeholder {
            let kind = match kind_after(previous) {
                Some("request") => Some(request_for(page)),
                Some(kind) if linked => Some(match kind {
                    "package" => "spare_package",
                    "sponsor" => "spare_sponsor",
                    "group" => "spare_group",
                    other => other,
                }),
                Some(kind) if method == "DELETE" && last => Some(match kind {
                    "package" => "spare_package",
                    "policy" => "spare_policy",
                    "catalog" => "spare_catalog",
                    other => other,
                }),
                Some("group") if previous == "incompatibleGroups" => Some("linked_group"),
                other => other,
            };
            kind.map_or_else(|| segment.to_string(), |kind| world.id(kind).to_owned())
        } else {
            substitute_call(segment, world)
        };
        out.push(replaced);
    }
    let path = out.join("/");
    match query {
        Some(query) => format!("{path}?{}", substitute_query(query, world)),
        None => path,
    }
}

/// `$filter`'s quoted ids, by the property compared.
fn substitute_query(query: &str, world: &World) -> String {
    let decoded = query
        .replace("%27", "'")
        .replace('+', " ")
        .replace("%20", " ");
    let mut out = String::new();
    let mut rest = decoded.as_str();
    while let Some(open) = rest.find('\'') {
        let Some(close) = rest[open + 1..].find('\'') else {
            break;
        };
        let value = &rest[open + 1..open + 1 + close];
        let before = rest[..open].trim_end().trim_end_matches("eq").trim_end();
        let property = before
            .rsplit([' ', '(', ',', '=', '&'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let site = decoded.contains("SharePointOnline");
        let kind = match property.as_str() {
            "originid" => Some("group"),
            "accesspackageresource/id" | "resource/id" if site => Some("site_resource"),
            "accesspackageresource/id" | "resource/id" | "id" => Some("resource"),
            _ => None,
        };
        out.push_str(&rest[..=open]);
        match kind.filter(|_| is_guid(value) || value.starts_with('{')) {
            Some(kind) => out.push_str(world.id(kind)),
            None if value.starts_with("/AccessPackageCatalog/") => {
                out.push_str(&format!("/AccessPackageCatalog/{}", world.id("catalog")));
            }
            None => out.push_str(value),
        }
        out.push('\'');
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// `name(key='guid',…)`: each GUID argument by its name.
fn substitute_call(segment: &str, world: &World) -> String {
    let mut text = segment.to_owned();
    for (argument, kind) in [
        ("objectId", "user"),
        ("accessPackageId", "package"),
        ("incompatibleAccessPackageId", "other_package"),
        ("tenantId", "tenant"),
    ] {
        let marker = format!("{argument}='");
        if let Some(start) = text.find(&marker) {
            let from = start + marker.len();
            if let Some(length) = text[from..].find('\'') {
                let value = &text[from..from + length];
                if is_guid(value) || value.starts_with('{') {
                    text.replace_range(from..from + length, world.id(kind));
                }
            }
        }
    }
    text
}

/// What a body's ids depend on besides their property: the page, whether it is about a
/// SharePoint site, whether it asks for someone new.
pub struct Context<'a> {
    pub page: &'a str,
    pub site: bool,
    pub new_request: bool,
    pub onboarding: bool,
}

/// The body with the world's ids where the page's are, by the property they are under.
pub fn substitute_body(value: &mut Value, parent: &str, world: &World, context: &Context) {
    match value {
        Value::Object(members) => {
            for (key, member) in members.iter_mut() {
                if let Value::String(text) = member {
                    if let Some(replaced) = substitute_value(key, parent, text, world, context) {
                        *text = replaced;
                    }
                } else {
                    substitute_body(member, key, world, context);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                substitute_body(item, parent, world, context);
            }
        }
        _ => {}
    }
}

fn substitute_value(
    key: &str,
    parent: &str,
    text: &str,
    world: &World,
    context: &Context,
) -> Option<String> {
    if key == "@odata.id" {
        let at = text.find("/beta/").or_else(|| text.find("/v1.0/"))?;
        let (host, path) = text.split_at(at + 5);
        let path = path.trim_start_matches('/');
        let path = path.strip_prefix("0/").unwrap_or(path);
        let path = substitute_path(&format!("/{path}"), world, context.page, "POST", true);
        return Some(format!("{host}{path}"));
    }
    if key == "appScopeId" {
        return text
            .strip_prefix("/AccessPackageCatalog/")
            .map(|_| format!("/AccessPackageCatalog/{}", world.id("catalog")));
    }
    if text.starts_with("https://") && text.contains(".sharepoint.com/") {
        return Some(world.id("site").to_owned());
    }
    if let Some(role) = text.strip_prefix("Member_").or(text.strip_prefix("Owner_")) {
        if is_guid(role) {
            let kind = if context.site { "group" } else { "spare_group" };
            return Some(format!(
                "{}{}",
                &text[..text.len() - role.len()],
                world.id(kind)
            ));
        }
    }
    if !is_guid(text) {
        return None;
    }
    let resource = if context.site {
        "site_resource"
    } else {
        "spare_resource"
    };
    let kind = match (key, parent) {
        ("catalogId", _) if context.onboarding => "spare_catalog",
        ("id", "catalog") if context.onboarding => "spare_catalog",
        ("catalogId", _) => "catalog",
        ("accessPackageId", _) => "package",
        ("assignmentPolicyId" | "policyId", _) => "policy",
        ("targetId" | "objectId", _) if context.new_request => "spare_user",
        ("targetId" | "objectId" | "principalId", _) => "user",
        ("userId" | "managerId", _) => "approver",
        ("groupId", _) => "group",
        ("customExtensionStageInstanceId", _) => "instance",
        ("connectedOrganizationId", _) => "organization",
        ("originId", _) => "spare_group",
        ("id", "accessPackage") => "package",
        ("id", "catalog" | "accessPackageCatalog") => "catalog",
        ("id", "customExtension") => "extension",
        ("id", "assignment" | "accessPackageAssignment") => "assignment",
        ("id", "assignmentPolicy" | "accessPackageAssignmentPolicy") => "policy",
        ("id", "accessPackageResource" | "resource") => resource,
        ("id", "accessPackageResourceRole" | "role") => "spare_role",
        ("id", "accessPackageResourceScope" | "scope") if context.site => "site_scope",
        ("id", "accessPackageResourceScope" | "scope") => "spare_scope",
        ("id", "connectedOrganization") => "organization",
        ("id", _) if parent.ends_with("Approvers") || parent.ends_with("Reviewers") => "group",
        ("id", "onBehalfRequestors" | "allowedRequestors" | "specificAllowedTargets") => "group",
        _ => return None,
    };
    Some(world.id(kind).to_owned())
}
