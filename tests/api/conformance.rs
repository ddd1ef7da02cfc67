//! Every declared entity set, in both versions, through the protocol: create from the
//! declaration's example body, read back, list, each property selected, ordered and
//! filtered on, each navigation expanded, PATCH or PUT, delete, and the common errors —
//! every response validated against the OpenAPI document. A new declaration is tested
//! the moment it is in the registry.

use entitlement_emulator::model::assignment_request::ASSIGNMENT_REQUEST;
use entitlement_emulator::model::{registry, Edm, EntityType, Errors, Property, Update, Version};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::openapi::{assert_documented, document};

fn set_path(entity: &EntityType, version: Version) -> String {
    format!(
        "/{}/{}",
        version.segment(),
        entitlement_emulator::graph::version::set_path(entity, version)
    )
}

/// Creates one entity from the example body, first creating what its `{set}`
/// placeholders name.
fn create<'a>(
    app: &'a TestApp,
    doc: &'a Value,
    entity: &'static EntityType,
    version: Version,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Value> + 'a>> {
    Box::pin(async move {
        // Each example is unique where the directory wants it to be.
        let mut text = entity
            .example
            .get(version)
            .replace("{unique}", &uuid::Uuid::new_v4().simple().to_string()[..8])
            .replace("{uuid}", &uuid::Uuid::new_v4().to_string());
        for parent in registry::ENTITY_TYPES {
            let placeholder = format!("{{{}}}", parent.fixture);
            if text.contains(&placeholder) {
                let created = create(app, doc, parent, version).await;
                text = text.replace(&placeholder, created["id"].as_str().unwrap());
            }
        }
        let body: Value = serde_json::from_str(&text).expect("the example is JSON");
        let path = set_path(entity, version);
        let response = app.post(&path, &body).await;
        assert_eq!(
            response.status.as_u16(),
            201,
            "{path}: {}",
            String::from_utf8_lossy(&response.body)
        );
        assert_documented(doc, "post", &path, &response);
        response.json()
    })
}

/// `path?name=value`, the value percent-encoded.
fn with_query(path: &str, name: &str, value: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!("{path}?{name}={encoded}")
}

/// What a version writes without being asked (`$expand` adds the rest).
fn shown(property: &Property, version: Version) -> bool {
    property.expand_only != Some(version)
}

/// What `$filter` and `$orderby` take: stored scalar properties.
fn queryable(property: &Property) -> bool {
    property.is_stored() && !matches!(property.edm, Edm::Complex(_))
}

/// A `$filter` literal for a value as the version wrote it.
fn literal(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if text.contains("T") && text.ends_with('Z') => Some(text.clone()),
        Value::String(text) => Some(format!("'{}'", text.replace('\'', "''"))),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Null => Some("null".to_owned()),
        _ => None,
    }
}

#[actix_web::test]
async fn every_declared_set_serves_the_protocol_in_both_versions() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for entity in registry::ENTITY_TYPES {
        for version in Version::ALL {
            if entity.set(version).is_none() || !entity.operations.create {
                continue;
            }
            let path = set_path(entity, version);
            let item_template = format!("{path}/{{id}}");
            let created = create(&app, &doc, entity, version).await;
            let id = created["id"].as_str().expect("an id").to_owned();
            let item = format!("{path}/{id}");
            let label = format!("{} {}", version.segment(), entity.name);

            // Exactly the declared properties, and read back as created.
            let mut written = keys(&created);
            written.remove("@odata.context");
            let declared: std::collections::BTreeSet<String> = entity
                .properties_in(version)
                .filter(|(_, property)| shown(property, version))
                .map(|(name, _)| name.to_owned())
                .collect();
            assert_eq!(written, declared, "{label}");
            let read = app.get(&item).await;
            assert_documented(&doc, "get", &item_template, &read);
            // A request's 201 is the service's first answer (submitted, not yet dated);
            // reads show where the lifecycle (immediate by default) has taken it since.
            let created = if std::ptr::eq(*entity, &ASSIGNMENT_REQUEST) {
                assert_eq!(created["createdDateTime"], Value::Null, "{label}");
                assert_eq!(keys(&read.json()), keys(&created), "{label}");
                read.json()
            } else {
                assert_eq!(read.json(), created, "{label}");
                created
            };

            for (name, property) in entity.properties_in(version) {
                if !shown(property, version) {
                    let expanded = app.get(&format!("{item}?$expand={name}")).await;
                    assert_documented(&doc, "get", &item_template, &expanded);
                    assert!(
                        expanded.json().get(name).is_some(),
                        "{label} $expand={name}"
                    );
                    continue;
                }
                let selected = app.get(&format!("{item}?$select={name}")).await;
                assert_documented(&doc, "get", &item_template, &selected);
                let mut selected_keys = keys(&selected.json());
                selected_keys.remove("@odata.context");
                assert_eq!(selected_keys, set(&[name]), "{label} $select={name}");

                if !queryable(property) {
                    continue;
                }
                let ordered = app
                    .get(&with_query(&path, "$orderby", &format!("{name} desc")))
                    .await;
                assert_documented(&doc, "get", &path, &ordered);
                assert_eq!(ordered.status.as_u16(), 200, "{label} $orderby={name}");

                if let Some(literal) = literal(&created[name]) {
                    let filtered = app
                        .get(&with_query(
                            &path,
                            "$filter",
                            &format!("{name} eq {literal}"),
                        ))
                        .await;
                    assert_documented(&doc, "get", &path, &filtered);
                    let listed = filtered.json();
                    let found = listed["value"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|row| row["id"] == id.as_str())
                        .count();
                    assert_eq!(found, 1, "{label} $filter={name} eq {literal}: {listed}");
                }
            }
            for (name, navigation) in entity.navigations_in(version) {
                let expanded = app.get(&format!("{item}?$expand={name}")).await;
                assert_documented(&doc, "get", &item_template, &expanded);
                let value = &expanded.json()[name];
                assert!(
                    if navigation.is_collection() {
                        value.is_array()
                    } else {
                        value.is_object() || value.is_null()
                    },
                    "{label} $expand={name}: {value}"
                );
            }
            let counted = app.get(&format!("{path}/$count")).await;
            assert_documented(&doc, "get", &format!("{path}/$count"), &counted);

            // Each writable property, sent back as it is, changes nothing but the audit.
            let writable: serde_json::Map<String, Value> = entity
                .properties_in(version)
                .filter(|(_, property)| property.writable(false))
                .map(|(name, _)| (name.to_owned(), created[name].clone()))
                .collect();
            match entity.operations.update {
                Update::Patch => {
                    let patched = app.patch(&item, &Value::Object(writable)).await;
                    assert_documented(&doc, "patch", &item_template, &patched);
                    assert_eq!(patched.status.as_u16(), 204, "{label}");
                    let unknown = app.patch(&item, &json!({"notAProperty": 1})).await;
                    unknown.assert_graph_error(400, "RequestBodyRead");
                }
                Update::Put => {
                    let replaced = app.put(&item, &Value::Object(writable)).await;
                    assert_documented(&doc, "put", &item_template, &replaced);
                }
                Update::None => {}
            }

            let refused = app.post(&path, &json!(["not", "an", "object"])).await;
            assert_documented(&doc, "post", &path, &refused);
            refused.assert_graph_error(400, "RequestBodyRead");
            if entity.operations.delete {
                let deleted = app.delete(&item).await;
                assert_documented(&doc, "delete", &item_template, &deleted);
                assert_eq!(deleted.status.as_u16(), 204, "{label}");
                let gone = app.get(&item).await;
                assert_documented(&doc, "get", &item_template, &gone);
                let code = match entity.errors {
                    Errors::EntitlementManagement => "ResourceNotFound",
                    Errors::Directory => "Request_ResourceNotFound",
                };
                gone.assert_graph_error(404, code);
            }
        }
    }
}
