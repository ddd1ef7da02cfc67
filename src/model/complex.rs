//! Complex values as typed shapes. A complex property is a Rust type of the shape it is
//! stored in (v1.0's), with serde, schemars, and the conversion to and from beta's shape
//! (`Versioned`); `ComplexType::versioned` bridges it into the declarations, so
//! `graph::wire` and `openapi` see it as any other complex type. What the two versions
//! really do differently is the conversion; reading JSON, locating errors and describing
//! the shape are done once, here.
//!
//! Reading is lenient where Graph's deserializer is: `null` is absent, members a shape
//! does not know are ignored (the SDKs' models send members of the real type that the
//! emulator does not keep), and the rules a well-typed value can still break (a GUID, an
//! enum member, a duration) are `check`ed with the property's path.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::edm::ComplexType;
use super::{Dialect, Version};
use crate::Error;

/// A complex type stored in v1.0's shape, with beta's beside it.
pub trait Versioned: Serialize + DeserializeOwned + JsonSchema {
    type Beta: Serialize + DeserializeOwned + JsonSchema;

    /// The raw JSON made readable before reading, in either version: what clients spell
    /// in several ways (an `@odata.type` in any case, without its namespace).
    fn normalize(_raw: &mut Value, _path: &str) -> Result<(), Error> {
        Ok(())
    }

    fn from_beta(beta: Self::Beta, path: &str) -> Result<Self, Error>;

    fn to_beta(&self) -> Self::Beta;

    /// What v1.0 cannot say, dropped when a v1.0 client sends it.
    fn without_beta_only(self) -> Self {
        self
    }

    /// Members kept as sent (an object the emulator passes through) take the raw value,
    /// nulls included, which reading dropped.
    fn keep_raw(&mut self, _raw: &Value) {}

    /// What a well-typed value must still be; may put members in their canonical form.
    fn check(&mut self, _path: &str) -> Result<(), Error> {
        Ok(())
    }

    /// v1.0's JSON of the stored value, when v1.0 shows less than is stored.
    fn to_v1(&self) -> Value {
        to_json(self)
    }
}

/// A complex type both versions write alike: its beta shape is itself.
pub trait Plain: Serialize + DeserializeOwned + JsonSchema + Clone {
    fn normalize(_raw: &mut Value, _path: &str) -> Result<(), Error> {
        Ok(())
    }

    fn check(&mut self, _path: &str) -> Result<(), Error> {
        Ok(())
    }

    fn keep_raw(&mut self, _raw: &Value) {}
}

impl<T: Plain> Versioned for T {
    type Beta = T;

    fn normalize(raw: &mut Value, path: &str) -> Result<(), Error> {
        <T as Plain>::normalize(raw, path)
    }

    fn from_beta(beta: T, _: &str) -> Result<Self, Error> {
        Ok(beta)
    }

    fn to_beta(&self) -> T {
        self.clone()
    }

    fn check(&mut self, path: &str) -> Result<(), Error> {
        <T as Plain>::check(self, path)
    }

    fn keep_raw(&mut self, raw: &Value) {
        <T as Plain>::keep_raw(self, raw);
    }
}

impl ComplexType {
    pub const fn versioned<T: Versioned>(name: &'static str) -> Self {
        Self {
            name,
            decode: decode::<T>,
            encode: encode::<T>,
            schema: schema::<T>,
        }
    }
}

fn decode<T: Versioned>(dialect: Dialect, value: &Value, path: &str) -> Result<Value, Error> {
    let mut raw = value.clone();
    T::normalize(&mut raw, path)?;
    let mut stored = match dialect {
        Dialect::Beta => T::from_beta(read(&raw, path)?, path)?,
        Dialect::V1 => read::<T>(&raw, path)?.without_beta_only(),
        Dialect::Fixture => read::<T>(&raw, path)?,
    };
    if dialect != Dialect::Beta {
        stored.keep_raw(value);
    }
    stored.check(path)?;
    Ok(to_json(&stored))
}

fn encode<T: Versioned>(dialect: Dialect, stored: &Value) -> Value {
    // The stored value is the emulator's own; one it cannot read (a row edited by hand)
    // is shown as stored rather than not at all.
    match serde_json::from_value::<T>(stored.clone()) {
        Ok(typed) => match dialect {
            Dialect::Beta => to_json(&typed.to_beta()),
            Dialect::V1 => typed.to_v1(),
            Dialect::Fixture => to_json(&typed),
        },
        Err(_) => stored.clone(),
    }
}

fn schema<T: Versioned>(version: Version) -> Value {
    match version {
        Version::Beta => schema_of::<T::Beta>(),
        Version::V1 => schema_of::<T>(),
    }
}

/// An object the emulator keeps and returns as sent but does not act on: any members,
/// nulls included; OpenAPI describes it as `S`, the members Graph defines.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Kept<S>(Map<String, Value>, #[serde(skip)] PhantomData<fn() -> S>);

impl<S> Clone for Kept<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<S> std::default::Default for Kept<S> {
    fn default() -> Self {
        Self(Map::new(), PhantomData)
    }
}

impl<S: JsonSchema> JsonSchema for Kept<S> {
    fn schema_name() -> Cow<'static, str> {
        S::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        S::json_schema(generator)
    }
}

impl<S: JsonSchema> Plain for Kept<S> {
    fn keep_raw(&mut self, raw: &Value) {
        if let Value::Object(members) = raw {
            self.0 = members.clone();
        }
    }
}

/// A list of values of several derived types: each item's `@odata.type` written as
/// `known` spells it (`#microsoft.graph.domainIdentitySource`), however the client spelled
/// it (any case, with or without `#` and the namespace: the PowerShell SDK sends
/// `microsoft.graph.domainidentitysource`), so serde can tell the types apart.
pub fn canonical_types(raw: &mut Value, path: &str, known: &[&'static str]) -> Result<(), Error> {
    for (index, item) in raw.as_array_mut().into_iter().flatten().enumerate() {
        canonical_type(item, &format!("{path}[{index}]"), known)?;
    }
    Ok(())
}

/// One value of several derived types, its `@odata.type` spelled as `known` spells it.
pub fn canonical_type(raw: &mut Value, path: &str, known: &[&'static str]) -> Result<(), Error> {
    let Some(members) = raw.as_object_mut() else {
        return Ok(());
    };
    let given = members
        .get("@odata.type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = given.trim_start_matches('#');
    let name = name.strip_prefix("microsoft.graph.").unwrap_or(name);
    let kind = known
        .iter()
        .find(|kind| {
            kind.rsplit('.')
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| {
            Error::invalid_value(
                &format!("{path}.@odata.type"),
                format!("'{given}' is not one of {}", known.join(", ")),
            )
        })?;
    members.insert("@odata.type".to_owned(), Value::from(*kind));
    Ok(())
}

/// A type's JSON Schema, self-contained (no `$defs`), for the OpenAPI document.
pub fn schema_of<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.remove("$schema");
        object.remove("title");
    }
    value
}

pub fn to_json<T: Serialize>(value: &T) -> Value {
    // Serializing a Rust value built of strings, numbers, maps and vectors cannot fail.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `value` as a `T`, `null` members read as absent; a wrong type is 400 `RequestBodyRead`
/// naming where it is, as the top-level decoder names top-level properties.
pub fn read<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, Error> {
    let value = without_nulls(value.clone());
    serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.path().to_string();
        let at = match (path, inner.as_str()) {
            (_, ".") => path.to_owned(),
            ("", inner) => inner.to_owned(),
            (path, inner) => format!("{path}.{inner}"),
        };
        Error::RequestBodyRead(format!(
            "Cannot read the value of property '{at}': {}.",
            error.inner()
        ))
    })
}

fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .filter(|(_, member)| !member.is_null())
                .map(|(name, member)| (name, without_nulls(member)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The member of `known` that `text` names, in any letter case, in its canonical
/// spelling; else 400 `InvalidModel` at `path` listing them.
pub fn one_of(text: &str, known: &[&'static str], path: &str) -> Result<&'static str, Error> {
    known
        .iter()
        .find(|member| member.eq_ignore_ascii_case(text.trim()))
        .copied()
        .ok_or_else(|| {
            Error::invalid_value(
                path,
                format!("'{text}' is not one of {}.", known.join(", ")),
            )
        })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, JsonSchema, Default)]
    #[serde(rename_all = "camelCase", default)]
    struct Shape {
        is_on: bool,
        name: Option<String>,
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize, JsonSchema, Default)]
    #[serde(rename_all = "camelCase", default)]
    struct Inner {
        is_on: bool,
    }

    #[test]
    fn null_is_absent_unknown_is_ignored_and_a_wrong_type_is_located() {
        let shape: Shape = read(
            &serde_json::json!({"isOn": null, "name": "x", "other": 1, "items": [{"isOn": true}]}),
            "p",
        )
        .unwrap();
        assert!(!shape.is_on);
        assert!(shape.items[0].is_on);
        let error = read::<Shape>(&serde_json::json!({"items": [{"isOn": "yes"}]}), "p")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "Cannot read the value of property 'p.items[0].isOn': invalid type: string \"yes\", expected a boolean."
        );
        let schema = schema_of::<Shape>();
        assert_eq!(schema["type"], "object");
        assert!(schema["properties"]["items"]["items"]["properties"]["isOn"].is_object());
    }
}
