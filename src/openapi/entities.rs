//! Each declared entity set in one version: its paths, and the schemas of its entity, its
//! collections and its request bodies.

use serde_json::{json, Map, Value};

use super::control::{reference, with_errors};
use super::{body, query, responses};
use crate::graph::version::set_path;
use crate::model::{registry, Dialect, Edm, EntityType, Link, Property, Segment, Update, Version};

/// `beta.microsoft.graph.accessPackage`
fn type_name(entity: &EntityType, version: Version) -> String {
    format!("{}.{}", version.segment(), entity.odata_type)
}

/// The entity, its collection and its request bodies, as `version` writes them.
pub fn schemas(entity: &'static EntityType, version: Version, schemas: &mut Map<String, Value>) {
    let name = type_name(entity, version);
    schemas.insert(name.clone(), entity_schema(entity, version));
    schemas.insert(format!("{name}.collection"), collection(&name));
    schemas.insert(format!("{name}.create"), request(entity, version, true));
    schemas.insert(format!("{name}.update"), request(entity, version, false));
}

pub fn entity_set(entity: &'static EntityType, version: Version, paths: &mut Map<String, Value>) {
    let name = type_name(entity, version);

    let set = entity.set(version).unwrap_or(entity.name);
    let tag = format!("{} {set}", version.segment());
    let root = format!("/{}/{}", version.segment(), set_path(entity, version));
    let operation = |verb: &str| format!("{}.{set}.{verb}", version.segment());
    if entity.singleton.is_some() {
        paths.insert(root, json!({
            "get": {
                "tags": [tag], "summary": format!("Get {name}"), "operationId": operation("get"),
                "responses": responses("200", "OK", Some(&name)),
            },
            "patch": {
                "tags": [tag], "summary": format!("Update {name}"), "operationId": operation("update"),
                "requestBody": body(&format!("{name}.update")),
                "responses": responses("204", "Updated", None),
            },
        }));
        return;
    }
    let mut collection_item = Map::new();
    collection_item.insert(
        "get".to_owned(),
        list(&tag, &format!("List {set}"), &name, &operation("list")),
    );
    if entity.operations.create {
        collection_item.insert("post".to_owned(), json!({
            "tags": [tag], "summary": format!("Create {name}"), "operationId": operation("create"),
            "requestBody": body(&format!("{name}.create")),
            "responses": responses("201", "Created", Some(&name)),
        }));
    }
    paths.insert(root.clone(), Value::Object(collection_item));
    paths.insert(
        format!("{root}/$count"),
        count(&tag, &format!("Count {set}"), &operation("count")),
    );

    let id =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } });
    let mut item = Map::new();
    item.insert("parameters".to_owned(), json!([id.clone()]));
    item.insert("get".to_owned(), json!({
        "tags": [tag], "summary": format!("Get {name}"), "operationId": operation("get"),
        "parameters": [query("$select", json!({ "type": "string" })), query("$expand", json!({ "type": "string" }))],
        "responses": responses("200", "OK", Some(&name)),
    }));
    match entity.operations.update {
        Update::Patch => item.insert("patch".to_owned(), json!({
            "tags": [tag], "summary": format!("Update {name}"), "operationId": operation("update"),
            "requestBody": body(&format!("{name}.update")),
            "responses": responses("204", "Updated", None),
        })),
        Update::Put => item.insert("put".to_owned(), json!({
            "tags": [tag], "summary": format!("Replace {name}"), "operationId": operation("replace"),
            "requestBody": body(&format!("{name}.create")),
            "responses": responses("200", "Replaced", Some(&name)),
        })),
        Update::None => None,
    };
    if entity.operations.delete {
        item.insert("delete".to_owned(), json!({
            "tags": [tag], "summary": format!("Delete {name}"), "operationId": operation("delete"),
            "responses": responses("204", "Deleted", None),
        }));
    }
    // The same item by another key: `servicePrincipals(appId='{appId}')`.
    for (key, _) in entity.keys {
        let mut by_key = item.clone();
        by_key.insert(
            "parameters".to_owned(),
            json!([{ "name": key, "in": "path", "required": true, "schema": { "type": "string" } }]),
        );
        for described in by_key
            .values_mut()
            .filter(|value| value.get("operationId").is_some())
        {
            let id = described["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            described["operationId"] = Value::from(format!("{id}.by.{key}"));
        }
        paths.insert(format!("{root}({key}='{{{key}}}')"), Value::Object(by_key));
    }
    paths.insert(format!("{root}/{{id}}"), Value::Object(item));

    for (navigation_name, navigation) in entity.navigations_in(version) {
        if navigation.segment == Segment::None {
            continue;
        }
        let target = type_name(navigation.target(), version);
        let operation_id = operation(navigation_name);
        let get = match navigation.link {
            // Directory objects of several kinds, each with its @odata.type.
            Link::Linked { .. } if navigation.kinds.is_some() => json!({
                "tags": [tag], "summary": format!("List the {navigation_name} of a {name}"), "operationId": operation_id,
                "parameters": [query("$top", json!({ "type": "integer", "minimum": 0 }))],
                "responses": responses("200", "OK", None),
            }),
            Link::ToMany { .. } | Link::Linked { .. } => list(
                &tag,
                &format!("List the {navigation_name} of a {name}"),
                &target,
                &operation_id,
            ),
            Link::ToOne { .. } => json!({
                "tags": [tag], "summary": format!("Get the {navigation_name} of a {name}"), "operationId": operation_id,
                "parameters": [query("$select", json!({ "type": "string" })), query("$expand", json!({ "type": "string" }))],
                "responses": responses("200", "OK", Some(&target)),
            }),
        };
        let mut navigation_item = json!({ "parameters": [id.clone()], "get": get });
        if navigation.segment == Segment::Contained && navigation.target().operations.create {
            navigation_item["post"] = json!({
                "tags": [tag], "summary": format!("Create a {target} in a {name}"),
                "operationId": format!("{operation_id}.create"),
                "requestBody": body(&format!("{target}.create")),
                "responses": responses("201", "Created", Some(&target)),
            });
        }
        if navigation.segment == Segment::Contained {
            let key = json!({ "name": "key", "in": "path", "required": true, "schema": { "type": "string" } });
            let contained = navigation.target();
            let mut item = json!({
                "parameters": [id.clone(), key],
                "get": {
                    "tags": [tag], "summary": format!("Get a {target} of a {name}"), "operationId": format!("{operation_id}.get"),
                    "parameters": [query("$select", json!({ "type": "string" })), query("$expand", json!({ "type": "string" }))],
                    "responses": responses("200", "OK", Some(&target)),
                },
            });
            if contained.operations.update != Update::None {
                item["patch"] = json!({
                    "tags": [tag], "summary": format!("Update a {target} of a {name}"), "operationId": format!("{operation_id}.update"),
                    "requestBody": body(&format!("{target}.update")),
                    "responses": responses("204", "Updated", None),
                });
            }
            // A contained set replaced whole takes its PATCH and its PUT (`routes`).
            if contained.operations.update == Update::Put {
                item["put"] = json!({
                    "tags": [tag], "summary": format!("Replace a {target} of a {name}"), "operationId": format!("{operation_id}.replace"),
                    "requestBody": body(&format!("{target}.create")),
                    "responses": responses("200", "Replaced", Some(&target)),
                });
            }
            if contained.operations.delete {
                item["delete"] = json!({
                    "tags": [tag], "summary": format!("Delete a {target} of a {name}"), "operationId": format!("{operation_id}.delete"),
                    "responses": responses("204", "Deleted", None),
                });
            }
            paths.insert(format!("{root}/{{id}}/{navigation_name}/{{key}}"), item);
        }
        if navigation.segment == Segment::Ref {
            links(
                paths,
                &format!("{root}/{{id}}/{navigation_name}"),
                &tag,
                &operation_id,
                &id,
            );
        }
        paths.insert(format!("{root}/{{id}}/{navigation_name}"), navigation_item);
    }
}

/// A link by reference's `$ref` paths: listed, added by `@odata.id`, removed by key.
fn links(paths: &mut Map<String, Value>, linked: &str, tag: &str, operation_id: &str, id: &Value) {
    let reference = json!({ "type": "object", "properties": { "@odata.id": { "type": "string" } },
        "required": ["@odata.id"] });
    paths.insert(format!("{linked}/$ref"), json!({ "parameters": [id], "get": {
        "tags": [tag], "summary": "The links, by reference", "operationId": format!("{operation_id}.refs"),
        "responses": with_errors(json!({ "200": { "description": "OK", "content": { "application/json": {
            "schema": { "type": "object", "properties": {
                "@odata.context": { "type": "string" },
                "@odata.nextLink": { "type": "string", "format": "uri" },
                "value": { "type": "array", "items": reference } } } } } } })),
    }, "post": {
        "tags": [tag], "summary": "Add a link by its @odata.id", "operationId": format!("{operation_id}.add"),
        "requestBody": { "required": true, "content": { "application/json": { "schema": reference } } },
        "responses": with_errors(json!({ "204": { "description": "Added" } })),
    } }));
    let key =
        json!({ "name": "key", "in": "path", "required": true, "schema": { "type": "string" } });
    paths.insert(
        format!("{linked}/{{key}}/$ref"),
        json!({ "parameters": [id, key], "delete": {
        "tags": [tag], "summary": "Remove a link", "operationId": format!("{operation_id}.remove"),
        "responses": with_errors(json!({ "204": { "description": "Removed" } })),
    } }),
    );
}

fn count(tag: &str, summary: &str, operation_id: &str) -> Value {
    json!({ "get": {
        "tags": [tag], "summary": summary, "operationId": operation_id,
        "parameters": [query("$filter", json!({ "type": "string" }))],
        "responses": with_errors(json!({ "200": {
            "description": "The number of matching entities",
            "content": { "text/plain": { "schema": { "type": "integer", "minimum": 0 } } },
        } })),
    } })
}

fn list(tag: &str, summary: &str, type_name: &str, operation_id: &str) -> Value {
    json!({
        "tags": [tag], "summary": summary, "operationId": operation_id,
        "parameters": [
            query("$filter", json!({ "type": "string" })),
            query("$select", json!({ "type": "string" })),
            query("$expand", json!({ "type": "string" })),
            query("$orderby", json!({ "type": "string" })),
            query("$top", json!({ "type": "integer", "minimum": 0 })),
            query("$skip", json!({ "type": "integer", "minimum": 0 })),
            query("$count", json!({ "type": "boolean" })),
        ],
        "responses": with_errors(json!({ "200": {
            "description": "OK",
            "content": { "application/json": { "schema": reference(&format!("{type_name}.collection")) } },
        } })),
    })
}

fn collection(type_name: &str) -> Value {
    json!({
        "type": "object",
        "properties": {
            "@odata.context": { "type": "string", "format": "uri" },
            "@odata.count": { "type": "integer", "minimum": 0 },
            "@odata.nextLink": { "type": "string", "format": "uri" },
            "value": { "type": "array", "items": reference(type_name) },
        },
        "required": ["@odata.context", "value"],
        "additionalProperties": false,
    })
}

/// An entity as responses write it: every property, the navigations `$expand` adds,
/// `@odata.context` on a single entity, and `@odata.type` where its kind must be told
/// (a directory object in a mixed list or a polymorphic navigation). Nothing else.
fn entity_schema(entity: &'static EntityType, version: Version) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "@odata.context".to_owned(),
        json!({ "type": "string", "format": "uri" }),
    );
    properties.insert(
        "@odata.type".to_owned(),
        json!({ "const": format!("#{}", entity.odata_type) }),
    );
    for (name, property) in entity.properties_in(version) {
        properties.insert(
            name.to_owned(),
            value_schema(property, version.into(), property.nullable),
        );
    }
    for (name, navigation) in entity.navigations_in(version) {
        let kinds: Vec<Value> = navigation
            .targets()
            .into_iter()
            .map(|kind| reference(&type_name(kind, version)))
            .collect();
        let target = match kinds.len() {
            1 => kinds.into_iter().next().unwrap_or_default(),
            _ => json!({ "anyOf": kinds }),
        };
        let value = match navigation.link {
            Link::ToMany { .. } | Link::Linked { .. } => {
                json!({ "type": "array", "items": target })
            }
            Link::ToOne { .. } => json!({ "anyOf": [target, { "type": "null" }] }),
        };
        properties.insert(name.to_owned(), value);
    }
    json!({
        "type": "object",
        "description": format!("{} as {} writes it", entity.odata_type, version.segment()),
        "properties": properties,
        "additionalProperties": false,
    })
}

/// A create (or PUT) body, or with `creating` false a PATCH body. Read-only properties
/// clients echo back are allowed (and ignored); annotations (`@odata.type`,
/// `x@odata.bind`) too; anything else is a 400.
fn request(entity: &'static EntityType, version: Version, creating: bool) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut binds = Vec::new();
    for (name, property) in entity.properties_in(version) {
        let writable = property.writable(creating);
        // A null for a property that cannot be null means "not given".
        let mut schema = value_schema(property, version.into(), !property.required);
        if !writable {
            schema = json!({ "readOnly": true });
        }
        properties.insert(name.to_owned(), schema);
        let bound = entity
            .reference(property.column)
            .is_some_and(|n| n.bind.is_some());
        if creating && property.required && !bound {
            required.push(name);
        }
    }
    for (name, navigation) in entity.navigations_in(version) {
        let Some(bind) = navigation.bind else {
            properties.insert(name.to_owned(), json!({ "readOnly": true }));
            continue;
        };
        let object = json!({
            "type": "object",
            "properties": { "id": { "type": "string", "format": "uuid" } },
            "required": ["id"],
        });
        let mut forms = vec![name];
        forms.extend(bind.aliases.get(version).iter().copied());
        for form in &forms {
            properties.insert((*form).to_owned(), object.clone());
        }
        if let Link::ToOne { fk } = navigation.link {
            if let Some(own) = entity.column(fk).and_then(|(_, p)| p.name.get(version)) {
                forms.insert(0, own);
            }
        }
        if creating && bind.required {
            binds.push(json!({ "anyOf": forms.iter().map(|form| json!({ "required": [form] })).collect::<Vec<_>>() }));
        }
    }
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "patternProperties": { "@": {} },
        "additionalProperties": false,
    });
    if !binds.is_empty() {
        schema["allOf"] = Value::Array(binds);
    }
    schema
}

/// A property's value in a dialect; `nullable` adds `null`.
fn value_schema(property: &Property, dialect: Dialect, nullable: bool) -> Value {
    let mut schema = match property.edm {
        Edm::Guid => json!({ "type": "string", "format": "uuid" }),
        Edm::String if property.not_blank => {
            json!({ "type": "string", "minLength": 1, "pattern": "\\S" })
        }
        Edm::String => json!({ "type": "string" }),
        Edm::Bool => json!({ "type": "boolean" }),
        Edm::Int32 => json!({ "type": "integer", "minimum": i32::MIN, "maximum": i32::MAX }),
        Edm::DateTimeOffset => json!({ "type": "string", "format": "date-time" }),
        Edm::Duration => json!({ "type": "string", "format": "duration" }),
        Edm::Enum(enumeration) => json!({ "type": "string", "enum": enumeration
            .members
            .iter()
            .map(|member| member.spelling(dialect))
            .collect::<Vec<_>>() }),
        Edm::Complex(complex) => match dialect {
            Dialect::Beta => (complex.schema)(Version::Beta),
            _ => (complex.schema)(Version::V1),
        },
        Edm::Derived(derived) => match dialect {
            Dialect::Beta => (derived.schema)(Version::Beta),
            _ => (derived.schema)(Version::V1),
        },
    };
    if nullable {
        schema = match schema.get("type").cloned() {
            Some(Value::String(kind)) if schema.get("enum").is_none() => {
                schema["type"] = json!([kind, "null"]);
                schema
            }
            _ => json!({ "anyOf": [schema, { "type": "null" }] }),
        };
    }
    schema
}

/// Seed and export's format (`graph::wire::fixture`): each set's rows, every property by
/// its fixture name, stored spellings.
pub fn fixture_schema() -> Value {
    let mut sets = Map::new();
    for entity in registry::ENTITY_TYPES {
        let mut properties = Map::new();
        let mut required = vec!["id"];
        for property in entity.properties {
            let Some(name) = property.wire_name(Dialect::Fixture) else {
                continue;
            };
            let bound = entity
                .reference(property.column)
                .is_some_and(|n| n.bind.is_some_and(|b| b.required));
            if property.required || bound {
                required.push(name);
            }
            let nullable = !(property.required || bound || property.column == "id");
            properties.insert(
                name.to_owned(),
                value_schema(property, Dialect::Fixture, nullable),
            );
        }
        sets.insert(
            entity.fixture.to_owned(),
            json!({ "type": "array", "items": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        } }),
        );
    }
    json!({ "type": "object", "properties": sets, "additionalProperties": false })
}
