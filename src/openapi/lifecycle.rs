//! The request lifecycle in the OpenAPI document: what a request's create body names
//! besides its declared properties, an approver's decision, and the emulator's clock and
//! pace. (The bound actions and functions come from the declarations: `operations`.)

use serde_json::{json, Map, Value};

use super::control::{reference, with_errors};
use crate::model::approval::APPROVAL_STAGE;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::Version;

fn type_name(odata_type: &str, version: Version) -> String {
    format!("{}.{odata_type}", version.segment())
}

/// The assignment a create names, as either version's docs send it.
fn asked() -> Value {
    let id = json!({ "type": ["string", "null"] });
    let reference = json!({ "type": ["object", "null"], "properties": { "id": id } });
    json!({ "type": ["object", "null"], "properties": {
        "id": id, "targetId": id, "assignmentPolicyId": id, "accessPackageId": id,
        "target": { "type": ["object", "null"], "properties": {
            "objectId": id, "email": id } },
        "accessPackage": reference, "assignmentPolicy": reference,
        "accessPackageAssignmentPolicy": reference,
    } })
}

/// Request bodies the declarations do not describe alone.
pub fn schemas(version: Version, schemas: &mut Map<String, Value>) {
    let create = format!(
        "{}.create",
        type_name(ASSIGNMENT_REQUEST.odata_type, version)
    );
    if let Some(properties) = schemas
        .get_mut(&create)
        .and_then(|schema| schema.get_mut("properties"))
        .and_then(Value::as_object_mut)
    {
        properties.insert("assignment".to_owned(), asked());
        properties.insert("accessPackageAssignment".to_owned(), asked());
    }
    schemas.insert(
        format!("{}.update", type_name(APPROVAL_STAGE.odata_type, version)),
        json!({ "type": "object", "properties": {
            "reviewResult": { "type": "string" },
            "justification": { "type": ["string", "null"] },
        }, "required": ["reviewResult"] }),
    );
}

/// `/_emulator/clock`, `/_emulator/lifecycle` and the request controls.
pub fn control_paths(paths: &mut Map<String, Value>) {
    let clock = json!({ "type": "object", "properties": {
        "now": { "type": "string", "format": "date-time" }, "offset_ms": { "type": "integer" } },
        "required": ["now", "offset_ms"] });
    let answer = |description: &str, schema: &Value| {
        with_errors(json!({ "200": { "description": description,
            "content": { "application/json": { "schema": schema } } } }))
    };
    let body = |schema: Value| json!({ "required": true, "content": { "application/json": { "schema": schema } } });
    paths.insert("/_emulator/clock".to_owned(), json!({
        "get": { "tags": ["emulator"], "summary": "The emulator clock", "operationId": "emulator.clock",
            "responses": answer("Now", &clock) },
        "put": { "tags": ["emulator"], "summary": "Move the clock forward to a time", "operationId": "emulator.setClock",
            "requestBody": body(json!({ "type": "object", "properties": { "now": { "type": "string" } }, "required": ["now"] })),
            "responses": answer("Now, after what came due", &clock) },
    }));
    paths.insert("/_emulator/clock/advance".to_owned(), json!({ "post": {
        "tags": ["emulator"], "summary": "Move the clock forward by a duration", "operationId": "emulator.advanceClock",
        "requestBody": body(json!({ "type": "object", "properties": {
            "by": { "type": "string" }, "ms": { "type": "integer" } } })),
        "responses": answer("Now, after what came due", &clock),
    } }));
    let pace = json!({ "type": "object", "properties": {
        "pace": { "enum": ["immediate", "dwell", "manual"] },
        "dwell_ms": { "type": "object", "properties": {
            "submitted": { "type": "integer", "minimum": 0 }, "delivering": { "type": "integer", "minimum": 0 } },
            "required": ["submitted", "delivering"] } },
        "required": ["pace", "dwell_ms"] });
    paths.insert("/_emulator/lifecycle".to_owned(), json!({
        "get": { "tags": ["emulator"], "summary": "How fast requests move", "operationId": "emulator.lifecycle",
            "responses": answer("In force", &pace) },
        "put": { "tags": ["emulator"], "summary": "Change how fast requests move", "operationId": "emulator.setLifecycle",
            "requestBody": body(pace.clone()), "responses": answer("Now in force", &pace) },
    }));
    let request = reference(&type_name(ASSIGNMENT_REQUEST.odata_type, Version::V1));
    let id =
        json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }]);
    for (path, summary, operation) in [
        (
            "advance",
            "Move a request one step, whatever the pace",
            "emulator.advanceRequest",
        ),
        (
            "failDelivery",
            "Make a request's delivery fail",
            "emulator.failDelivery",
        ),
    ] {
        paths.insert(format!("/_emulator/assignmentRequests/{{id}}/{path}"), json!({
            "parameters": id, "post": { "tags": ["emulator"], "summary": summary, "operationId": operation,
                "responses": answer("The request, in v1.0's shape", &request) },
        }));
    }
}
