//! The operations each entity declares besides CRUD (`model::operation`), described from
//! the same declarations that `routes::operations` mounts: actions on an item, functions
//! on a collection (one path per value of a parameter that takes few), alternate keys and
//! `$ref` links.

use serde_json::{json, Map, Value};

use super::control::with_errors;
use super::{body, query, responses};
use crate::graph::version::set_path;
use crate::model::operation::{Answer, Binding, Operation};
use crate::model::{registry, EntityType, Segment, Version};

fn type_name(entity: &EntityType, version: Version) -> String {
    format!("{}.{}", version.segment(), entity.odata_type)
}

fn path_parameter(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } })
}

fn action(tag: &str, operation: &Operation, operation_id: String) -> Value {
    let status = operation.answer.status().to_string();
    json!({ "parameters": [path_parameter("id")], "post": {
        "tags": [tag], "summary": operation.summary, "operationId": operation_id,
        "responses": with_errors(json!({ status: { "description": operation.summary } })),
    } })
}

/// A function answering a listing of the set: the query options apply to it.
fn function(tag: &str, operation: &Operation, operation_id: String, collection: &str) -> Value {
    json!({ "get": {
        "tags": [tag], "summary": operation.summary, "operationId": operation_id,
        "parameters": [
            query("$filter", json!({ "type": "string" })), query("$select", json!({ "type": "string" })),
            query("$expand", json!({ "type": "string" })), query("$top", json!({ "type": "integer", "minimum": 0 })),
        ],
        "responses": responses("200", "OK", Some(collection)),
    } })
}

/// Where a navigation reaches the entity's items: the parent set's path and the
/// navigation's name.
fn containers(
    entity: &EntityType,
    version: Version,
    container: &str,
) -> Vec<(String, &'static str)> {
    registry::ENTITY_TYPES
        .iter()
        .filter(|parent| parent.set(version).is_some() && parent.name == container)
        .flat_map(|parent| {
            parent
                .navigations_in(version)
                .filter(|(_, navigation)| {
                    navigation.is_collection()
                        && navigation.segment != Segment::None
                        && navigation.target().name == entity.name
                })
                .map(move |(name, _)| {
                    (
                        format!("/{}/{}", version.segment(), set_path(parent, version)),
                        name,
                    )
                })
        })
        .collect()
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Every declared operation of every set the version serves.
pub fn paths(version: Version, paths: &mut Map<String, Value>) {
    let v = version.segment();
    for entity in registry::ENTITY_TYPES.iter().copied() {
        let Some(set) = entity.set(version) else {
            continue;
        };
        let root = format!("/{v}/{}", set_path(entity, version));
        let tag = format!("{v} {set}");
        let entity_type = type_name(entity, version);
        let collection = format!("{entity_type}.collection");
        for operation in entity.bound {
            let Some(name) = operation.name.get(version) else {
                continue;
            };
            let id = format!("{v}.{set}.{name}");
            match operation.binding {
                Binding::Item => {
                    paths.insert(format!("{root}/{{id}}/{name}"), action(&tag, operation, id));
                }
                Binding::WithinItem(container) => {
                    for (parent, navigation) in containers(entity, version, container) {
                        let mut described = action(&tag, operation, format!("{id}.{navigation}"));
                        if let Some(list) = described["parameters"].as_array_mut() {
                            list.push(path_parameter("key"));
                        }
                        paths.insert(
                            format!("{parent}/{{id}}/{navigation}/{{key}}/{name}"),
                            described,
                        );
                    }
                }
                Binding::Collection => match operation.parameters {
                    // One path per value, as the reference pages list them.
                    [only] if !only.values.is_empty() => {
                        for value in only.values {
                            paths.insert(
                                format!("{root}/{name}({}='{value}')", only.name),
                                function(&tag, operation, format!("{id}.{value}"), &collection),
                            );
                        }
                    }
                    parameters => {
                        let mut described = function(&tag, operation, id, &collection);
                        let mut arguments = Vec::new();
                        for parameter in parameters {
                            if let Some(list) = described["get"]["parameters"].as_array_mut() {
                                list.push(path_parameter(parameter.name));
                            }
                            arguments.push(format!("{0}='{{{0}}}'", parameter.name));
                        }
                        paths.insert(format!("{root}/{name}({})", arguments.join(",")), described);
                    }
                },
                Binding::AlternateKey => {
                    for parameter in operation.parameters {
                        let by = format!("{v}.{set}.by{}", capitalised(parameter.name));
                        let (method, described) = match operation.answer {
                            Answer::NoContent => (
                                "patch",
                                json!({
                                    "tags": [tag], "summary": operation.summary,
                                    "operationId": format!("{by}.update"),
                                    "requestBody": body(&format!("{entity_type}.update")),
                                    "responses": responses("204", "Updated", None),
                                }),
                            ),
                            answer => (
                                "get",
                                json!({
                                    "tags": [tag], "summary": operation.summary,
                                    "operationId": by,
                                    "responses": responses("200", "OK", Some(match answer {
                                        Answer::Collection => collection.as_str(),
                                        _ => entity_type.as_str(),
                                    })),
                                }),
                            ),
                        };
                        let item = paths
                            .entry(format!("{root}({0}='{{{0}}}')", parameter.name))
                            .or_insert_with(
                                || json!({ "parameters": [path_parameter(parameter.name)] }),
                            );
                        item[method] = described;
                    }
                }
                // Described with the set's own create and update.
                Binding::Create | Binding::Update => {}
            }
        }
    }
}
