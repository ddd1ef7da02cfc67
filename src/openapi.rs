//! The OpenAPI 3.1 description of what the emulator serves, at `GET /_emulator/openapi.json`.
//!
//! Built from the same schemas `$filter` and `$select` use and from the request bodies'
//! read-only lists, so it cannot drift from the handlers; `tests/api/openapi.rs` validates
//! real responses against it. Component names carry the version (`beta.…`, `v1.0.…`)
//! because beta and v1.0 spell the same types differently.

use serde_json::{json, Map, Value};

use crate::domain::{CatalogState, CatalogType, Field, Kind};
use crate::graph::odata::Schema;
use crate::graph::version::ENTITLEMENT_MANAGEMENT;
use crate::graph::{ApiVersion, Beta, RequestBody, V1};
use crate::resources::access_package::{self, AccessPackageDialect};
use crate::resources::catalog::{CatalogDialect, ACCESS_PACKAGES};

/// Graph's own name for its error body type.
const ERROR: &str = "microsoft.graph.ODataErrors.ODataError";

pub fn document() -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    version::<Beta>(&mut paths, &mut schemas);
    version::<V1>(&mut paths, &mut schemas);
    emulator_paths(&mut paths);
    // The control surface takes the admin token when one is configured, nothing otherwise;
    // health and this document are always open (their own `security: []`).
    for (path, item) in paths.iter_mut() {
        if !path.starts_with("/_emulator/") {
            continue;
        }
        if let Some(operations) = item.as_object_mut() {
            for operation in operations.values_mut() {
                if operation.get("security").is_none() {
                    operation["security"] = json!([{ "admin": [] }, {}]);
                }
            }
        }
    }
    schemas.insert(ERROR.to_owned(), error_schema());
    schemas.insert("emulator.fixture".to_owned(), fixture_schema());
    schemas.insert("emulator.faults".to_owned(), faults_schema());
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

fn version<V: AccessPackageDialect + CatalogDialect>(
    paths: &mut Map<String, Value>,
    schemas: &mut Map<String, Value>,
) {
    let root = format!("/{}/{ENTITLEMENT_MANAGEMENT}", V::SEGMENT);
    paths.insert(
        format!("/{}/$batch", V::SEGMENT),
        json!({ "post": {
            "tags": [format!("{} batch", V::SEGMENT)],
            "summary": "Up to 20 requests in one (JSON batching)",
            "operationId": format!("{}.batch", V::SEGMENT),
            "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": reference("batchRequest") } },
            },
            "responses": with_errors(json!({ "200": {
                "description": "One response per request; each item has its own status",
                "content": { "application/json": { "schema": reference("batchResponse") } },
            } })),
        } }),
    );
    let package = format!("{}.{}", V::SEGMENT, "microsoft.graph.accessPackage");
    let catalog = format!("{}.{}", V::SEGMENT, "microsoft.graph.accessPackageCatalog");
    let package_set = access_package::ENTITY_SET;
    let catalog_set = <V as CatalogDialect>::ENTITY_SET;
    let packages_tag = format!("{} {package_set}", V::SEGMENT);
    let catalogs_tag = format!("{} {catalog_set}", V::SEGMENT);

    let package_schema = <V as AccessPackageDialect>::SCHEMA;
    let catalog_schema = <V as CatalogDialect>::SCHEMA;
    schemas.insert(
        package.clone(),
        entity::<V>(package_schema, &[(V::CATALOG_NAVIGATION, &catalog, false)]),
    );
    schemas.insert(
        catalog.clone(),
        entity::<V>(catalog_schema, &[(ACCESS_PACKAGES, &package, true)]),
    );
    schemas.insert(format!("{package}.collection"), collection(&package));
    schemas.insert(format!("{catalog}.collection"), collection(&catalog));
    // v1.0 names the catalog by binding the navigation property, not by a catalogId.
    let create_package = if package_schema.property("catalogId").is_ok() {
        writable::<V>(
            package_schema,
            <<V as AccessPackageDialect>::Create as RequestBody>::READ_ONLY,
            &["catalogId", "displayName"],
        )
    } else {
        let body = writable::<V>(
            package_schema,
            <<V as AccessPackageDialect>::Create as RequestBody>::READ_ONLY,
            &[V::CATALOG_NAVIGATION, "displayName"],
        );
        with_property(
            body,
            V::CATALOG_NAVIGATION,
            json!({
                "type": "object",
                "properties": { "id": { "type": "string" } },
                "required": ["id"],
            }),
        )
    };
    schemas.insert(format!("{package}.create"), create_package);
    schemas.insert(
        format!("{package}.update"),
        writable::<V>(
            package_schema,
            <<V as AccessPackageDialect>::Update as RequestBody>::READ_ONLY,
            &[],
        ),
    );
    schemas.insert(
        format!("{catalog}.create"),
        writable::<V>(
            catalog_schema,
            <<V as CatalogDialect>::Create as RequestBody>::READ_ONLY,
            &["displayName"],
        ),
    );
    schemas.insert(
        format!("{catalog}.update"),
        writable::<V>(
            catalog_schema,
            <<V as CatalogDialect>::Update as RequestBody>::READ_ONLY,
            &[],
        ),
    );

    for (set, type_name, tag, navigation) in [
        (
            package_set,
            &package,
            &packages_tag,
            (V::CATALOG_NAVIGATION, &catalog, false),
        ),
        (
            catalog_set,
            &catalog,
            &catalogs_tag,
            (ACCESS_PACKAGES, &package, true),
        ),
    ] {
        let id = json!({
            "name": "id", "in": "path", "required": true, "schema": { "type": "string" },
        });
        paths.insert(
            format!("{root}/{set}"),
            json!({
                "get": list(tag, &format!("List {set}"), type_name),
                "post": {
                    "tags": [tag],
                    "summary": format!("Create {}", type_name),
                    "operationId": format!("{}.{set}.create", V::SEGMENT),
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": {
                            "schema": reference(&format!("{type_name}.create")),
                        } },
                    },
                    "responses": responses("201", "Created", Some(type_name)),
                },
            }),
        );
        paths.insert(
            format!("{root}/{set}/$count"),
            json!({ "get": {
                "tags": [tag],
                "summary": format!("Count {set}"),
                "operationId": format!("{}.{set}.count", V::SEGMENT),
                "parameters": [query("$filter", json!({ "type": "string" }))],
                "responses": with_errors(json!({ "200": {
                    "description": "The number of matching entities",
                    "content": { "text/plain": { "schema": { "type": "integer", "minimum": 0 } } },
                } })),
            } }),
        );
        paths.insert(
            format!("{root}/{set}/{{id}}"),
            json!({
                "parameters": [id.clone()],
                "get": {
                    "tags": [tag],
                    "summary": format!("Get {type_name}"),
                    "operationId": format!("{}.{set}.get", V::SEGMENT),
                    "parameters": [
                        query("$select", json!({ "type": "string" })),
                        query("$expand", json!({ "type": "string" })),
                    ],
                    "responses": responses("200", "OK", Some(type_name)),
                },
                "patch": {
                    "tags": [tag],
                    "summary": format!("Update {type_name}"),
                    "operationId": format!("{}.{set}.update", V::SEGMENT),
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": {
                            "schema": reference(&format!("{type_name}.update")),
                        } },
                    },
                    "responses": responses("204", "Updated", None),
                },
                "delete": {
                    "tags": [tag],
                    "summary": format!("Delete {type_name}"),
                    "operationId": format!("{}.{set}.delete", V::SEGMENT),
                    "responses": responses("204", "Deleted", None),
                },
            }),
        );
        let (name, target, many) = navigation;
        let get = if many {
            list(tag, &format!("List the {name} of a {type_name}"), target)
        } else {
            json!({
                "tags": [tag],
                "summary": format!("Get the {name} of a {type_name}"),
                "parameters": [
                    query("$select", json!({ "type": "string" })),
                    query("$expand", json!({ "type": "string" })),
                ],
                "responses": responses("200", "OK", Some(target)),
            })
        };
        let mut get = get;
        get["operationId"] = json!(format!("{}.{set}.{name}", V::SEGMENT));
        paths.insert(
            format!("{root}/{set}/{{id}}/{name}"),
            json!({ "parameters": [id], "get": get }),
        );
    }
}

/// An entity as responses write it: every stored property, the navigation properties
/// `$expand` adds, and `@odata.context` on a single entity. Nothing else.
fn entity<V: ApiVersion>(schema: &Schema, navigation: &[(&str, &str, bool)]) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "@odata.context".to_owned(),
        json!({ "type": "string", "format": "uri" }),
    );
    for (name, field) in schema.properties {
        properties.insert((*name).to_owned(), property::<V>(*field));
    }
    for (name, target, many) in navigation {
        let target = reference(target);
        let value = if *many {
            json!({ "type": "array", "items": target })
        } else {
            target
        };
        properties.insert((*name).to_owned(), value);
    }
    json!({
        "type": "object",
        "description": format!("{} as {} writes it", schema.entity_type, V::SEGMENT),
        "properties": properties,
        "additionalProperties": false,
    })
}

/// A request body: the properties not in `read_only`. Instance annotations such as
/// `@odata.type`, which SDKs send, are allowed; any other property is a 400.
fn writable<V: ApiVersion>(schema: &Schema, read_only: &[&str], required: &[&str]) -> Value {
    let properties: Map<String, Value> = schema
        .properties
        .iter()
        .filter(|(name, _)| !read_only.contains(name))
        .map(|(name, field)| ((*name).to_owned(), input_property::<V>(*field)))
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "patternProperties": { "^@": {} },
        "additionalProperties": false,
    })
}

/// A property as a request may send it: the CSDL declares every property but `id`
/// nullable, and a `null` flag or enum is taken as not given (its default). Names must
/// not be null or blank.
fn input_property<V: ApiVersion>(field: Field) -> Value {
    let mut schema = property::<V>(field);
    if matches!(
        field.kind(),
        Kind::Bool | Kind::CatalogType | Kind::CatalogState
    ) {
        schema["type"] = json!([schema["type"], "null"]);
        if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
            values.push(Value::Null);
        }
    }
    schema
}

fn with_property(mut schema: Value, name: &str, value: Value) -> Value {
    schema["properties"][name] = value;
    schema
}

fn property<V: ApiVersion>(field: Field) -> Value {
    let beta = V::SEGMENT == Beta::SEGMENT;
    match field.kind() {
        Kind::Guid => json!({ "type": "string", "format": "uuid" }),
        // Blank names are refused (InvalidModel).
        Kind::Text if field == Field::DisplayName => {
            json!({ "type": "string", "minLength": 1, "pattern": "\\S" })
        }
        Kind::Text => json!({ "type": ["string", "null"] }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::DateTime => json!({ "type": "string", "format": "date-time" }),
        Kind::CatalogType => json!({ "type": "string", "enum": CatalogType::ALL
            .iter()
            .map(|kind| if beta { kind.beta_name() } else { kind.v1_name() })
            .collect::<Vec<_>>() }),
        Kind::CatalogState => json!({ "type": "string", "enum": CatalogState::ALL
            .iter()
            .map(|state| if beta { state.beta_name() } else { state.v1_name() })
            .collect::<Vec<_>>() }),
    }
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

fn list(tag: &str, summary: &str, type_name: &str) -> Value {
    json!({
        "tags": [tag],
        "summary": summary,
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
            "content": { "application/json": {
                "schema": reference(&format!("{type_name}.collection")),
            } },
        } })),
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

fn with_errors(mut responses: Value) -> Value {
    for status in ["4XX", "5XX"] {
        responses[status] = json!({ "$ref": "#/components/responses/error" });
    }
    responses
}

fn error_schema() -> Value {
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

/// Seed and export's format (`domain::fixture`): v1.0 spellings plus the audit fields.
fn fixture_schema() -> Value {
    let text = json!({ "type": ["string", "null"] });
    let flag = json!({ "type": ["boolean", "null"] });
    let time = json!({ "type": ["string", "null"], "format": "date-time" });
    let audit = |mut properties: Value| {
        for name in ["createdBy", "modifiedBy"] {
            properties[name] = text.clone();
        }
        for name in ["createdDateTime", "modifiedDateTime"] {
            properties[name] = time.clone();
        }
        properties
    };
    json!({
        "type": "object",
        "properties": {
            "catalogs": { "type": "array", "items": {
                "type": "object",
                "properties": audit(json!({
                    "id": { "type": "string", "format": "uuid" },
                    "displayName": { "type": "string", "minLength": 1 },
                    "description": text,
                    "catalogType": { "type": ["string", "null"] },
                    "state": { "type": ["string", "null"] },
                    "isExternallyVisible": flag,
                })),
                "required": ["id", "displayName"],
                "additionalProperties": false,
            } },
            "accessPackages": { "type": "array", "items": {
                "type": "object",
                "properties": audit(json!({
                    "id": { "type": "string", "format": "uuid" },
                    "catalogId": { "type": "string", "format": "uuid" },
                    "displayName": { "type": "string", "minLength": 1 },
                    "description": text,
                    "isHidden": flag,
                    "isRoleScopesVisible": flag,
                })),
                "required": ["id", "catalogId", "displayName"],
                "additionalProperties": false,
            } },
        },
        "additionalProperties": false,
    })
}

/// `[faults]` as JSON (`faults::FaultSettings`).
fn faults_schema() -> Value {
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
fn emulator_paths(paths: &mut Map<String, Value>) {
    paths.insert(
        "/_emulator/health".to_owned(),
        json!({ "get": {
            "tags": ["emulator"],
            "summary": "Health: 200 once the database answers",
            "operationId": "emulator.health",
            "security": [],
            "responses": with_errors(json!({ "200": {
                "description": "Healthy",
                "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": { "status": { "const": "ok" } },
                    "required": ["status"],
                } } },
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
                "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "catalogs": { "type": "integer", "minimum": 0 },
                        "accessPackages": { "type": "integer", "minimum": 0 },
                    },
                    "required": ["catalogs", "accessPackages"],
                    "additionalProperties": false,
                } } },
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

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
