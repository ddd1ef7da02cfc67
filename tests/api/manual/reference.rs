//! One page per declared entity type: its paths per version, properties with their types
//! and the versions that show them, navigations, the requests served (from the OpenAPI
//! document, itself built from the declarations), what `$filter` takes, and the rules
//! the store enforces with the errors they raise.

use std::fmt::Write;
use std::path::PathBuf;

use entitlement_emulator::model::operation::Binding;
use entitlement_emulator::model::{
    registry, Access, Default, Edm, EntityType, Errors, Generated, Navigation, Property, Segment,
    Update, Version,
};
use entitlement_emulator::odata::Scope;
use serde_json::Value;

pub fn pages() -> Vec<(PathBuf, String)> {
    let openapi = entitlement_emulator::openapi::document();
    let mut pages: Vec<(PathBuf, String)> = registry::ENTITY_TYPES
        .iter()
        .map(|entity| {
            (
                super::docs().join(format!("reference/{}.md", entity.name)),
                page(entity, &openapi),
            )
        })
        .collect();
    pages.push((super::docs().join("reference/index.md"), index()));
    pages
}

/// The reference's front page: every type, its sets, in registry order.
fn index() -> String {
    let mut out = String::from("# Reference: every entity type\n\n");
    out.push_str(&super::banner("from the declarations (src/model)"));
    out.push_str(
        "\nOne page per declared entity type, parents before children (the order seed and \
         reset follow). Each lists its paths per version, its properties and which version \
         shows them, its navigations, every request served for it, what `$filter` takes, and \
         the rules the store enforces with the errors they raise.\n\n\
         | type | beta | v1.0 |\n|---|---|---|\n",
    );
    for entity in registry::ENTITY_TYPES {
        let _ = writeln!(
            out,
            "| [{0}]({0}.md) | {1} | {2} |",
            entity.name,
            code_or_dash(entity.set(Version::Beta)),
            code_or_dash(entity.set(Version::V1)),
        );
    }
    out
}

fn page(entity: &'static EntityType, openapi: &Value) -> String {
    let mut out = format!("# {}\n\n", entity.name);
    out.push_str(&super::banner("from its declaration (src/model)"));
    let _ = writeln!(
        out,
        "\n`{}` · kept in table `{}` · seed and export key `{}` · errors in {} words\n",
        entity.odata_type,
        entity.table,
        if entity.fixture.is_empty() {
            "—"
        } else {
            entity.fixture
        },
        match entity.errors {
            Errors::EntitlementManagement => "Entitlement Management's",
            Errors::Directory => "the directory's",
        }
    );
    out.push_str("| | beta | v1.0 |\n|---|---|---|\n");
    let per_version = |f: &dyn Fn(Version) -> String| (f(Version::Beta), f(Version::V1));
    let (beta, v1) = per_version(&|version| match entity.set(version) {
        Some(_) => format!(
            "`/{}/{}`",
            version.segment(),
            entitlement_emulator::graph::version::set_path(entity, version)
        ),
        None => "—".to_owned(),
    });
    let _ = writeln!(out, "| path | {beta} | {v1} |");
    if entity.aliases.beta.is_some() || entity.aliases.v1.is_some() {
        let _ = writeln!(
            out,
            "| also served as | {} | {} |",
            code_or_dash(entity.aliases.beta),
            code_or_dash(entity.aliases.v1)
        );
    }
    let _ = writeln!(
        out,
        "| methods | {} | {} |",
        methods(entity, Version::Beta),
        methods(entity, Version::V1)
    );
    if let Some(key) = entity.alternate_key {
        let _ = writeln!(
            out,
            "| an item also by | `{key}` (any case) | `{key}` (any case) |"
        );
    }
    for (name, column) in entity.keys {
        let _ = writeln!(
            out,
            "| an item also at | `({name}='…')` (column `{column}`) | same |"
        );
    }
    properties(entity, &mut out);
    super::relations::navigations(entity, openapi, &mut out);
    reached_through(entity, &mut out);
    requests(entity, openapi, &mut out);
    super::relations::rules(entity, &mut out);
    out
}

pub fn code_or_dash(name: Option<&str>) -> String {
    name.map_or_else(|| "—".to_owned(), |name| format!("`{name}`"))
}

/// The methods its own path serves in a version (a contained set has no path of its own).
fn methods(entity: &EntityType, version: Version) -> String {
    if entity.set(version).is_none() {
        return "—".to_owned();
    }
    if entity.singleton.is_some() {
        return "one built-in row: GET, PATCH".to_owned();
    }
    let mut verbs = vec!["GET"];
    if entity.operations.create || entity.bound.iter().any(|op| op.binding == Binding::Create) {
        verbs.push("POST");
    }
    match entity.operations.update {
        Update::Patch => verbs.push("PATCH"),
        Update::Put => verbs.push("PUT"),
        Update::None => {}
    }
    if entity.operations.delete {
        verbs.push("DELETE");
    }
    verbs.join(", ")
}

fn properties(entity: &'static EntityType, out: &mut String) {
    out.push_str(
        "\n## Properties\n\nIn the order answers write them. `$filter` names the versions \
         whose `$filter` and `$orderby` take the property.\n\n\
         | beta | v1.0 | type | written | on create | `$filter` |\n\
         |---|---|---|---|---|---|\n",
    );
    for property in entity.properties {
        if property.name.beta.is_none() && property.name.v1.is_none() {
            continue;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code_or_dash(property.name.beta),
            code_or_dash(property.name.v1),
            type_of(property),
            match property.access {
                Access::ReadOnly => "read-only",
                Access::Create => "on create only",
                Access::ReadWrite => "read-write",
            },
            on_create(entity, property),
            filterable(entity, property),
        );
    }
}

fn type_of(property: &Property) -> String {
    let beta = property.edm.name(Version::Beta);
    let v1 = property.edm.name(Version::V1);
    let mut text = if property.name.beta.is_some() && property.name.v1.is_some() && beta != v1 {
        format!("beta `{beta}`, v1.0 `{v1}`")
    } else if property.name.beta.is_some() {
        format!("`{beta}`")
    } else {
        format!("`{v1}`")
    };
    if let Edm::Enum(enumeration) = property.edm {
        let members: Vec<String> = enumeration
            .members
            .iter()
            .map(|member| {
                if member.beta == member.v1 {
                    format!("`{}`", member.v1)
                } else {
                    format!("`{}`/`{}`", member.beta, member.v1)
                }
            })
            .collect();
        let _ = write!(text, ": {}", members.join(", "));
    }
    if property.nullable {
        text.push_str(", nullable");
    }
    text
}

fn on_create(entity: &EntityType, property: &Property) -> String {
    let mut said = Vec::new();
    if property.required {
        said.push("required".to_owned());
    }
    if property.not_blank {
        said.push("not blank".to_owned());
    }
    match property.generated {
        Generated::None => {}
        Generated::Id => said.push("a new GUID".to_owned()),
        Generated::CreatedAt => said.push("the time of the create".to_owned()),
        Generated::ModifiedAt => said.push("the time of each write".to_owned()),
        Generated::CreatedBy => said.push("the caller".to_owned()),
        Generated::ModifiedBy => said.push("the caller of each write".to_owned()),
    }
    if let Some(copied) = property.copied {
        let from = entity
            .reference(copied.fk)
            .and_then(|navigation| navigation.name.v1.or(navigation.name.beta))
            .unwrap_or(copied.fk);
        said.push(format!("copied from its `{from}`"));
    }
    if property.generated == Generated::None && property.copied.is_none() {
        match property.default {
            Default::Null => {}
            Default::Bool(value) => said.push(format!("default `{value}`")),
            Default::Int(value) => said.push(format!("default `{value}`")),
            Default::Text(value) => said.push(format!("default `{value}`")),
            Default::Json(value) => said.push(format!("default `{value}`")),
        }
    }
    said.join("; ")
}

fn filterable(entity: &'static EntityType, property: &Property) -> String {
    let versions: Vec<&str> = Version::ALL
        .into_iter()
        .filter(|&version| {
            property
                .name
                .get(version)
                .is_some_and(|name| Scope::new(entity, version).filter_path(name).is_ok())
        })
        .map(Version::segment)
        .collect();
    versions.join(", ")
}

/// Whether a navigation serves a path to the entity's items.
fn reaches(navigation: &Navigation, entity: &EntityType) -> bool {
    navigation.segment != Segment::None
        && navigation
            .targets()
            .iter()
            .any(|target| target.name == entity.name)
}

fn reached_through(entity: &EntityType, out: &mut String) {
    let mut lines = Vec::new();
    for parent in registry::ENTITY_TYPES {
        for navigation in parent.navigations {
            if !reaches(navigation, entity) {
                continue;
            }
            for version in Version::ALL {
                if let (Some(set), Some(name)) = (parent.set(version), navigation.name.get(version))
                {
                    lines.push(format!(
                        "- {}: `{set}/{{id}}/{name}` ([{}]({}.md))",
                        version.segment(),
                        parent.name,
                        parent.name
                    ));
                }
            }
        }
    }
    if !lines.is_empty() {
        out.push_str("\n## Reached through\n\n");
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
}

/// Every path and method the OpenAPI document gives under this type's tag.
fn requests(entity: &EntityType, openapi: &Value, out: &mut String) {
    let mut rows = Vec::new();
    for version in Version::ALL {
        let tag = format!(
            "{} {}",
            version.segment(),
            entity.set(version).unwrap_or(entity.name)
        );
        let Some(paths) = openapi["paths"].as_object() else {
            continue;
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                let tagged = operation["tags"]
                    .as_array()
                    .is_some_and(|tags| tags.iter().any(|t| t == tag.as_str()));
                if tagged {
                    let status = operation["responses"]
                        .as_object()
                        .and_then(|responses| {
                            responses.keys().find(|code| code.starts_with('2')).cloned()
                        })
                        .unwrap_or_default();
                    rows.push(format!(
                        "| {} | {} | `{}` | {} | {} |",
                        version.segment(),
                        method.to_uppercase(),
                        path.replace('|', "\\|"),
                        status,
                        operation["summary"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
    }
    if rows.is_empty() {
        // A contained entity: its requests are its parents', through their navigations.
        let mut parents: Vec<&str> = registry::ENTITY_TYPES
            .iter()
            .filter(|parent| {
                parent
                    .navigations
                    .iter()
                    .any(|navigation| reaches(navigation, entity))
            })
            .map(|parent| parent.name)
            .collect();
        parents.dedup();
        if !parents.is_empty() {
            let links: Vec<String> = parents
                .iter()
                .map(|parent| format!("[{parent}]({parent}.md#requests-served)"))
                .collect();
            let _ = writeln!(
                out,
                "\n## Requests served\n\nThrough the navigations above: on {}'s page.",
                links.join(", ")
            );
        }
        return;
    }
    out.push_str(
        "\n## Requests served\n\nFrom the OpenAPI document (`GET /_emulator/openapi.json`), \
         which is built from the same declarations. List requests take `$filter`, `$select`, \
         `$expand`, `$orderby`, `$top`, `$skip` and `$count`; see [Query options](../query-options.md).\n\n\
         | version | method | path | success | summary |\n|---|---|---|---|---|\n",
    );
    out.push_str(&rows.join("\n"));
    out.push('\n');
}
