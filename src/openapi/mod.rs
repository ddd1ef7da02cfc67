//! The OpenAPI 3.1 description of what the emulator serves, at `GET /_emulator/openapi.json`.
//!
//! Built from the same declarations the handlers, the decoder and the SQL use, so it cannot
//! drift from them; `tests/api/openapi.rs` validates real responses against it. Component
//! names carry the version (`beta.…`, `v1.0.…`) because beta and v1.0 spell the same types
//! differently.

mod control;
mod entities;
mod lifecycle;
mod operations;
mod tenants;

use serde_json::{json, Map, Value};

use crate::model::{registry, Version};
pub use control::ERROR;
use control::{reference, with_errors};

pub fn document() -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for version in Version::ALL {
        paths.insert(
            format!("/{}/$batch", version.segment()),
            control::batch_path(version.segment()),
        );
        for entity in registry::ENTITY_TYPES {
            // Entities reached only through navigations (a role scope) have schemas too.
            entities::schemas(entity, version, &mut schemas);
            if entity.set(version).is_some() {
                entities::entity_set(entity, version, &mut paths);
            }
        }
        lifecycle::schemas(version, &mut schemas);
        operations::paths(version, &mut paths);
    }
    control::emulator_paths(&mut paths);
    lifecycle::control_paths(&mut paths);
    tenants::tenant_paths(&mut paths);
    // The control surface takes the admin token when one is configured, nothing otherwise;
    // health and this document are always open (their own `security: []`).
    for (path, item) in paths.iter_mut() {
        if !path.starts_with("/_emulator/") {
            continue;
        }
        if let Some(operations) = item.as_object_mut() {
            for operation in operations.values_mut().filter(|value| value.is_object()) {
                if operation.get("security").is_none() {
                    operation["security"] = json!([{ "admin": [] }, {}]);
                }
            }
        }
    }
    schemas.insert(ERROR.to_owned(), control::error_schema());
    schemas.insert("emulator.fixture".to_owned(), entities::fixture_schema());
    schemas.insert("emulator.faults".to_owned(), control::faults_schema());
    control::batch_schemas(&mut schemas);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "entitlement-emulator",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The Microsoft Graph Entitlement Management API as the emulator \
                serves it, under /beta and /v1.0 (the unversioned paths are beta). Graph \
                operations need `Authorization: Bearer <token>` (see auth.mode).",
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
                "admin": {
                    "type": "http", "scheme": "bearer",
                    "description": "admin.token, required only when it is set",
                },
            },
            "responses": {
                "error": {
                    "description": "Graph's error body",
                    "content": { "application/json": { "schema": reference(ERROR) } },
                },
            },
        },
    })
}

/// A query option. `$skiptoken` is not listed: it only appears inside `@odata.nextLink`,
/// which clients follow as given.
fn query(name: &str, mut schema: Value) -> Value {
    // An empty $filter, $select or $orderby is a syntax error; an empty $expand expands
    // nothing.
    if name != "$expand" && schema["type"] == "string" {
        schema["minLength"] = json!(1);
    }
    json!({ "name": name, "in": "query", "required": false, "schema": schema })
}

/// A success status with an optional entity body, and the error responses.
/// A required JSON request body of the schema.
fn body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": reference(schema) } } })
}

fn responses(status: &str, description: &str, body: Option<&str>) -> Value {
    let mut success = json!({ "description": description });
    if let Some(type_name) = body {
        success["content"] = json!({ "application/json": { "schema": reference(type_name) } });
    }
    if status == "201" {
        success["headers"] =
            json!({ "Location": { "schema": { "type": "string", "format": "uri" } } });
    }
    with_errors(json!({ status: success }))
}
