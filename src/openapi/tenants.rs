//! `/_emulator/tenants` in the OpenAPI document. Each tenant's own control surface
//! (`/_emulator/tenants/{id}/reset`, …) is the one described at `/_emulator/…`, served for
//! that tenant, and is not repeated.

use serde_json::{json, Map, Value};

use super::control::{reference, with_errors};

fn tenant_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": { "type": "string", "format": "uuid" },
            "home": { "type": "boolean" },
            "open": { "type": "boolean" },
        },
        "required": ["id", "home", "open"],
        "additionalProperties": false,
    })
}

pub fn tenant_paths(paths: &mut Map<String, Value>) {
    let tenant = tenant_schema();
    let id = json!({
        "name": "id", "in": "path", "required": true,
        "description": "The tenant's GUID, or a domain name standing for it",
        "schema": { "type": "string" },
    });
    paths.insert(
        "/_emulator/tenants".to_owned(),
        json!({
            "get": {
                "tags": ["emulator"],
                "summary": "Every tenant with a store, home first",
                "operationId": "emulator.tenants",
                "responses": with_errors(json!({ "200": {
                    "description": "The tenants",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "value": { "type": "array", "items": tenant } },
                        "required": ["value"],
                    } } },
                } })),
            },
            "post": {
                "tags": ["emulator"],
                "summary": "A new tenant, as a new database starts or from a fixture",
                "operationId": "emulator.createTenant",
                "requestBody": {
                    "required": false,
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": {
                            "id": { "type": "string", "description": "A GUID or a domain name; none: a new GUID" },
                            "fixture": reference("emulator.fixture"),
                        },
                        "additionalProperties": false,
                    } } },
                },
                "responses": with_errors(json!({ "201": {
                    "description": "Made",
                    "content": { "application/json": { "schema": tenant } },
                } })),
            },
        }),
    );
    paths.insert(
        "/_emulator/tenants/{id}".to_owned(),
        json!({
            "get": {
                "tags": ["emulator"],
                "summary": "A tenant",
                "operationId": "emulator.tenant",
                "parameters": [id],
                "responses": with_errors(json!({ "200": {
                    "description": "The tenant",
                    "content": { "application/json": { "schema": tenant } },
                } })),
            },
            "delete": {
                "tags": ["emulator"],
                "summary": "Delete a tenant and its store (not the home tenant)",
                "operationId": "emulator.deleteTenant",
                "parameters": [id],
                "responses": with_errors(json!({ "204": { "description": "Deleted" } })),
            },
        }),
    );
}
