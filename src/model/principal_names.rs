//! The names a directory object is found by besides its id, which Entra keeps in step with
//! the object: a user's `identities` hold the principal name it signs in with, and a
//! service principal's `servicePrincipalNames` hold its `appId`. The Azure CLI looks
//! service principals up by the latter (`servicePrincipalNames/any(c:c eq '{appId}')`).

use serde_json::{Map, Value};

use super::complex::schema_of;
use super::json::{wrong_type, Object};
use super::{ComplexType, Record};

/// One `microsoft.graph.objectIdentity`, as OpenAPI describes it.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct ObjectIdentity {
    sign_in_type: Option<String>,
    issuer: Option<String>,
    issuer_assigned_id: Option<String>,
}

/// What an identity holds, as Graph names it and the store keeps it.
pub const IDENTITY_MEMBERS: [&str; 3] = ["signInType", "issuer", "issuerAssignedId"];

/// A user's `identities`: objects of three strings, kept as sent.
pub static IDENTITIES: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.objectIdentity)",
    decode: |_, value, path| {
        let Value::Array(items) = value else {
            return Err(wrong_type(path, value, "an array"));
        };
        let mut identities = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let at = format!("{path}[{index}]");
            let identity = Object::of(item, &at)?;
            identity.only(&IDENTITY_MEMBERS, "microsoft.graph.objectIdentity")?;
            let mut kept = Map::new();
            for member in IDENTITY_MEMBERS {
                let text = identity.str(member)?;
                kept.insert(member.to_owned(), text.map_or(Value::Null, Value::from));
            }
            identities.push(Value::Object(kept));
        }
        Ok(Value::Array(identities))
    },
    encode: |_, stored| stored.clone(),
    schema: |_| schema_of::<Vec<ObjectIdentity>>(),
};

/// Before a user is written: its `userPrincipalName` identity names its current
/// principal name (the domain after `@` as the issuer), whatever else it has.
pub fn user_identities(record: &mut Record) {
    let name = record.text("user_principal_name").to_owned();
    let issuer = name.split_once('@').map_or("", |(_, domain)| domain);
    let mut identities: Vec<Value> = record
        .get("identities")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|identity| identity["signInType"] != "userPrincipalName")
        .collect();
    identities.insert(
        0,
        serde_json::json!({"signInType": "userPrincipalName", "issuer": issuer,
            "issuerAssignedId": name}),
    );
    record.set("identities", Value::Array(identities));
}

/// Before a service principal is written: its `appId` is first among its names, once.
pub fn service_principal_names(record: &mut Record) {
    let app_id = record.text("app_id").to_owned();
    let mut names = vec![Value::from(app_id.as_str())];
    let given = record
        .get("service_principal_names")
        .as_array()
        .cloned()
        .unwrap_or_default();
    for name in given {
        let same = name
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(&app_id));
        if !same && !names.contains(&name) {
            names.push(name);
        }
    }
    record.set("service_principal_names", Value::Array(names));
}
