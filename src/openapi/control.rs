//! The emulator's own surface in the OpenAPI document: `/_emulator/…`, Graph's error body,
//! and `$batch`'s envelope.

use serde_json::{json, Map, Value};

/// Graph's own name for its error body type.
pub const ERROR: &str = "microsoft.graph.ODataErrors.ODataError";

/// `$batch`'s request and response envelopes.
pub fn batch_schemas(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "batchRequest".to_owned(),
        json!({
            "type": "object",
            "properties": { "requests": {
                "type": "array", "minItems": 1, "maxItems": crate::graph::batch::MAX_REQUESTS,
                "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string", "minLength": 1 },
                        "method": { "type": "string", "enum": ["GET", "POST", "PATCH", "PUT", "DELETE"] },
                        "url": { "type": "string", "minLength": 1 },
                        "headers": { "type": "object", "additionalProperties": { "type": "string" } },
                        "body": {},
                        "dependsOn": { "type": "array", "items": { "type": "string" } },
                    },
                    "required": ["id", "method", "url"],
                },
            } },
            "required": ["requests"],
            "additionalProperties": false,
        }),
    );
    schemas.insert(
        "batchResponse".to_owned(),
        json!({
            "type": "object",
            "properties": { "responses": { "type": "array", "items": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" },
                    "status": { "type": "integer" },
                    "headers": { "type": "object", "additionalProperties": { "type": "string" } },
                    "body": {},
                },
                "required": ["id", "status", "headers"],
                "additionalProperties": false,
            } } },
            "required": ["responses"],
            "additionalProperties": false,
        }),
    );
}

/// `POST /{version}/$batch`.
pub fn batch_path(segment: &str) -> Value {
    json!({ "post": {
        "tags": [format!("{segment} batch")],
        "summary": "Up to 20 requests in one (JSON batching)",
        "operationId": format!("{segment}.batch"),
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": reference("batchRequest") } },
        },
        "responses": with_errors(json!({ "200": {
            "description": "One response per request; each item has its own status",
            "content": { "application/json": { "schema": reference("batchResponse") } },
        } })),
    } })
}

pub fn with_errors(mut responses: Value) -> Value {
    for status in ["4XX", "5XX"] {
        responses[status] = json!({ "$ref": "#/components/responses/error" });
    }
    responses
}

pub fn error_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": { "type": "string" },
                    "message": { "type": "string" },
                    "details": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "code": { "type": "string" },
                                "message": { "type": "string" },
                                "target": { "type": "string" },
                            },
                            "required": ["code", "message", "target"],
                            "additionalProperties": false,
                        },
                    },
                    "innerError": {
                        "type": "object",
                        "properties": {
                            "date": { "type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$" },
                            "request-id": { "type": "string", "format": "uuid" },
                            "client-request-id": { "type": "string" },
                            "code": { "type": "string" },
                            "message": { "type": "string" },
                            "status": { "type": "string" },
                        },
                        "required": ["date", "request-id", "client-request-id"],
                        "additionalProperties": false,
                    },
                },
                "required": ["code", "message", "innerError"],
                "additionalProperties": false,
            },
        },
        "required": ["error"],
        "additionalProperties": false,
    })
}

/// `[faults]` as JSON (`faults::FaultSettings`).
pub fn faults_schema() -> Value {
    let rate = json!({ "type": "number", "minimum": 0, "maximum": 1 });
    let count = json!({ "type": "integer", "minimum": 0 });
    let statuses = json!({
        "type": "array", "minItems": 1,
        "items": { "type": "integer", "minimum": 500, "maximum": 599 },
    });
    let spec = |mut properties: Value, nullable: bool| {
        for (name, schema) in [
            ("throttle_rate", &rate),
            ("retry_after_secs", &count),
            ("error_rate", &rate),
            ("error_statuses", &statuses),
            ("latency_ms", &count),
            ("latency_jitter_ms", &count),
        ] {
            properties[name] = if nullable {
                json!({ "anyOf": [schema, { "type": "null" }] })
            } else {
                schema.clone()
            };
        }
        properties
    };
    json!({
        "type": "object",
        "properties": spec(json!({
            "enabled": { "type": "boolean" },
            "seed": count,
            "rules": { "type": "array", "items": {
                "type": "object",
                "properties": spec(json!({
                    "method": { "type": "string" },
                    "path": { "type": "string", "pattern": "^/" },
                }), true),
                "required": ["path"],
                "additionalProperties": false,
            } },
        }), false),
        "additionalProperties": false,
    })
}

/// `/_emulator/…`, the emulator's own control surface.
pub fn emulator_paths(paths: &mut Map<String, Value>) {
    paths.insert(
        "/_emulator/health".to_owned(),
        json!({ "get": {
            "tags": ["emulator"],
            "summary": "Health: 200 once the database answers, naming it; 503 while a PostgreSQL server does not",
            "operationId": "emulator.health",
            "security": [],
            "responses": with_errors(json!({ "200": {
                "description": "Healthy",
                "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "status": { "const": "ok" },
                        "backend": { "enum": ["sqlite", "postgresql"] },
                    },
                    "required": ["status", "backend"],
                } } },
            } })),
        } }),
    );
    paths.insert(
        "/_emulator/certificate".to_owned(),
        json!({ "get": {
            "tags": ["emulator"],
            "summary": "The certificate HTTPS presents, to trust (404 when HTTPS is not served)",
            "operationId": "emulator.certificate",
            "security": [],
            "responses": with_errors(json!({ "200": {
                "description": "The certificate file's PEM text",
                "content": { "application/x-pem-file": { "schema": { "type": "string" } } },
            } })),
        } }),
    );
    paths.insert(
        "/_emulator/openapi.json".to_owned(),
        json!({ "get": {
            "tags": ["emulator"],
            "summary": "This document",
            "operationId": "emulator.openapi",
            "security": [],
            "responses": { "200": {
                "description": "OpenAPI 3.1",
                "content": { "application/json": { "schema": { "type": "object" } } },
            } },
        } }),
    );
    paths.insert(
        "/_emulator/seed".to_owned(),
        json!({ "post": {
            "tags": ["emulator"],
            "summary": "Load a fixture in one transaction (replace, or merge by id)",
            "operationId": "emulator.seed",
            "parameters": [{
                "name": "mode", "in": "query", "required": false,
                "schema": { "type": "string", "enum": ["replace", "merge"] },
            }],
            "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": reference("emulator.fixture") } },
            },
            "responses": with_errors(json!({ "200": {
                "description": "Loaded",
                "content": { "application/json": { "schema": seeded_schema() } },
            } })),
        } }),
    );
    paths.insert(
        "/_emulator/export".to_owned(),
        json!({ "get": {
            "tags": ["emulator"],
            "summary": "The whole state, in the fixture format seed loads",
            "operationId": "emulator.export",
            "responses": with_errors(json!({ "200": {
                "description": "The state",
                "content": { "application/json": { "schema": reference("emulator.fixture") } },
            } })),
        } }),
    );
    paths.insert(
        "/_emulator/requests".to_owned(),
        json!({
            "get": {
                "tags": ["emulator"],
                "summary": "The request journal: the last Graph requests answered, oldest first",
                "operationId": "emulator.requests",
                "parameters": [{
                    "name": "last", "in": "query", "required": false,
                    "schema": { "type": "integer", "minimum": 0 },
                }],
                "responses": with_errors(json!({ "200": {
                    "description": "The journal",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "value": { "type": "array", "items": {
                            "type": "object",
                            "properties": {
                                "time": { "type": "string" },
                                "method": { "type": "string" },
                                "path": { "type": "string" },
                                "query": { "type": "string" },
                                "status": { "type": "integer" },
                                "durationMs": { "type": "number" },
                                "requestId": { "type": "string" },
                                "clientRequestId": { "type": "string" },
                                "headers": {
                                    "type": "object",
                                    "additionalProperties": { "type": "string" },
                                },
                                "requestBody": { "type": "string" },
                                "responseBody": { "type": "string" },
                            },
                            "required": ["time", "method", "path", "query", "status",
                                "durationMs", "requestId", "clientRequestId", "headers"],
                            "additionalProperties": false,
                        } } },
                        "required": ["value"],
                        "additionalProperties": false,
                    } } },
                } })),
            },
            "delete": {
                "tags": ["emulator"],
                "summary": "Empty the request journal",
                "operationId": "emulator.clearRequests",
                "responses": with_errors(json!({ "204": { "description": "Emptied" } })),
            },
        }),
    );
    let faults = reference("emulator.faults");
    paths.insert(
        "/_emulator/faults".to_owned(),
        json!({
            "get": {
                "tags": ["emulator"],
                "summary": "The fault injection in force",
                "operationId": "emulator.faults",
                "responses": with_errors(json!({ "200": {
                    "description": "In force",
                    "content": { "application/json": { "schema": faults } },
                } })),
            },
            "put": {
                "tags": ["emulator"],
                "summary": "Replace the fault injection ([faults] keys as JSON)",
                "operationId": "emulator.replaceFaults",
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": faults } },
                },
                "responses": with_errors(json!({ "200": {
                    "description": "Now in force",
                    "content": { "application/json": { "schema": faults } },
                } })),
            },
            "delete": {
                "tags": ["emulator"],
                "summary": "Stop injecting faults",
                "operationId": "emulator.clearFaults",
                "responses": with_errors(json!({ "204": { "description": "Cleared" } })),
            },
        }),
    );
    paths.insert(
        "/_emulator/reset".to_owned(),
        json!({ "post": {
            "tags": ["emulator"],
            "summary": "Put all data back to the seeded state, in one transaction",
            "operationId": "emulator.reset",
            "description": "Needs `Authorization: Bearer <admin.token>` when admin.token is set.",
            "responses": with_errors(json!({ "204": { "description": "Reset" } })),
        } }),
    );
}

/// What `POST /_emulator/seed` answers: rows written per set.
fn seeded_schema() -> Value {
    let sets: Vec<&str> = crate::model::registry::ENTITY_TYPES
        .iter()
        .map(|entity| entity.fixture)
        .collect();
    let counts: Map<String, Value> = sets
        .iter()
        .map(|set| {
            (
                (*set).to_owned(),
                json!({ "type": "integer", "minimum": 0 }),
            )
        })
        .collect();
    json!({
        "type": "object",
        "properties": counts,
        "required": sets,
        "additionalProperties": false,
    })
}

pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
