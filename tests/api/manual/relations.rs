//! A reference page's navigations and its rules: what each navigation leads to and serves,
//! what deleting the entity it names does, and the rules the store enforces with the errors
//! they raise.

use std::fmt::Write;

use entitlement_emulator::graph::version::set_path;
use entitlement_emulator::model::{
    registry, Constraint, EntityType, Link, Navigation, OnDelete, Restriction, Version,
};
use serde_json::Value;

use super::reference::code_or_dash;

pub fn navigations(entity: &'static EntityType, openapi: &Value, out: &mut String) {
    if entity
        .navigations
        .iter()
        .all(|n| n.name.beta.is_none() && n.name.v1.is_none())
    {
        return;
    }
    out.push_str(
        "\n## Navigations\n\n\
         | beta | v1.0 | to | kept as | at `…/{id}/{navigation}` | when the entity it names goes |\n\
         |---|---|---|---|---|---|\n",
    );
    for navigation in entity.navigations {
        if navigation.name.beta.is_none() && navigation.name.v1.is_none() {
            continue;
        }
        let targets: Vec<String> = navigation
            .targets()
            .iter()
            .map(|target| format!("[{0}]({0}.md)", target.name))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code_or_dash(navigation.name.beta),
            code_or_dash(navigation.name.v1),
            targets.join(" or "),
            kept_as(entity, navigation),
            served_at(entity, navigation, openapi),
            on_delete(navigation),
        );
    }
}

fn kept_as(entity: &EntityType, navigation: &Navigation) -> String {
    let mut text = match navigation.link {
        Link::ToOne { fk } => {
            let name = entity
                .column(fk)
                .and_then(|(_, property)| property.name.v1.or(property.name.beta));
            match name {
                Some(name) => format!("one, named by `{name}`"),
                None => "one".to_owned(),
            }
        }
        Link::ToMany { .. } => "many, that name it".to_owned(),
        Link::Linked {
            reverse: false,
            transitive: false,
            ..
        } => "links by reference".to_owned(),
        Link::Linked {
            reverse: true,
            transitive: false,
            ..
        } => "the links that name it (read-only)".to_owned(),
        Link::Linked {
            transitive: true, ..
        } => "links, through nested groups too (read-only)".to_owned(),
    };
    if navigation.inline {
        text.push_str("; in every answer");
    }
    if navigation.written_with_parent {
        text.push_str("; written with the entity's body");
    }
    if let Some(bind) = navigation.bind {
        text.push_str(if bind.required {
            "; a create must bind it"
        } else {
            "; a create may bind it"
        });
    }
    text
}

fn on_delete(navigation: &Navigation) -> String {
    match navigation.on_delete {
        None => String::new(),
        Some(OnDelete::Cascade) => "this row goes with it".to_owned(),
        Some(OnDelete::Forget) => "this row stays and forgets it".to_owned(),
        Some(OnDelete::Restrict(restriction)) => format!(
            "its delete is refused: {} `{}`{}",
            restriction.status,
            restriction.code,
            unless(&restriction)
        ),
    }
}

pub fn rules(entity: &'static EntityType, out: &mut String) {
    let mut lines = Vec::new();
    for constraint in entity.constraints {
        lines.push(match constraint {
            Constraint::Unique {
                columns,
                status,
                code,
                ..
            } => format!(
                "- Unique over {}: a create or update that clashes is {status} `{code}`.",
                columns
                    .iter()
                    .map(|column| format!("`{}`", wire_name(entity, column)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            Constraint::Check { .. } => {
                "- Its own state can refuse its delete (see the entity's behaviour).".to_owned()
            }
            Constraint::EndsAccess => "- Deleting it ends its access package assignments \
                 (a delivered `systemRemove` request each) and cancels its open requests, \
                 in the delete's transaction."
                .to_owned(),
            Constraint::Protected {
                column,
                value,
                code,
                ..
            } => format!(
                "- The built-in row whose `{}` is `{value}` cannot be deleted: `{code}`.",
                wire_name(entity, column)
            ),
        });
    }
    for dependent in registry::dependents(entity) {
        if let OnDelete::Restrict(restriction) = dependent.rule {
            lines.push(format!(
                "- Its delete is refused while [{0}]({0}.md) rows name it: {1} `{2}`{3}.",
                dependent.child.name,
                restriction.status,
                restriction.code,
                unless(&restriction)
            ));
        } else {
            lines.push(format!(
                "- Deleting it {} the [{1}]({1}.md) rows that name it.",
                match dependent.rule {
                    OnDelete::Cascade => "deletes",
                    _ => "keeps, forgetting it,",
                },
                dependent.child.name
            ));
        }
    }
    if entity.properties.iter().any(|p| p.required) {
        lines.push(
            "- A create without a required property, or with a blank one where it must not be \
             blank, is 400, naming it."
                .to_owned(),
        );
    }
    if !entity.ignored.is_empty() {
        lines.push(format!(
            "- Accepted in bodies and ignored: {}.",
            entity
                .ignored
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !entity.builtins.is_empty() {
        lines.push(format!(
            "- Every tenant has {} built-in row(s); reset restores them.",
            entity.builtins.len()
        ));
    }
    if !lines.is_empty() {
        out.push_str("\n## Rules and the errors they raise\n\n");
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
}

/// The name clients know a column by; the column itself where no version shows it.
fn wire_name(entity: &EntityType, column: &'static str) -> &'static str {
    entity
        .properties
        .iter()
        .find(|property| property.column == column)
        .and_then(|property| property.name.v1.or(property.name.beta))
        .unwrap_or(column)
}

/// The rows a restriction lets go with the entity (ended assignments, finished requests).
fn unless(restriction: &Restriction) -> String {
    restriction
        .unless
        .map(|(column, values)| {
            let values: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
            format!(
                " (except rows whose `{column}` is {}: those go with it)",
                values.join(" or ")
            )
        })
        .unwrap_or_default()
}

/// What `…/{id}/{navigation}` serves, as the OpenAPI document (built from the same
/// declarations) gives it: the collection's methods, its items', its `$ref`'s.
fn served_at(entity: &EntityType, navigation: &Navigation, openapi: &Value) -> String {
    let Some((version, name)) = [Version::V1, Version::Beta]
        .into_iter()
        .find_map(|v| Some((v, navigation.name.get(v)?)).filter(|_| entity.set(v).is_some()))
    else {
        return String::new();
    };
    let base = format!(
        "/{}/{}/{{id}}/{name}",
        version.segment(),
        set_path(entity, version)
    );
    let methods = |path: &str| -> Vec<String> {
        openapi["paths"][path]
            .as_object()
            .map(|item| {
                item.keys()
                    .filter(|key| *key != "parameters")
                    .map(|key| key.to_uppercase())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut parts = Vec::new();
    for (label, path) in [
        ("", base.clone()),
        ("items ", format!("{base}/{{key}}")),
        ("`$ref` ", format!("{base}/$ref")),
        ("a link's `$ref` ", format!("{base}/{{key}}/$ref")),
    ] {
        let served = methods(&path);
        if !served.is_empty() {
            parts.push(format!("{label}{}", served.join(", ")));
        }
    }
    if parts.is_empty() {
        "`$expand` only".to_owned()
    } else {
        parts.join("; ")
    }
}
