//! A request body (or a fixture row) → the changes it asks for, checked against the
//! entity's declaration in one dialect.
//!
//! Lenient where Graph is: `@odata.type` and other annotations, read-only and navigation
//! properties echoed back from a GET, an explicit `null` for an optional property that
//! cannot be null (the default on create, unchanged on PATCH), enum members in any case,
//! `nav@odata.bind` URLs of any host. Strict where Graph is: an unknown property or a
//! wrong JSON type is 400 `RequestBodyRead` naming it; missing, blank or invalid values are
//! one 400 `InvalidModel` listing every problem, in declaration order.

use serde_json::{Map, Value};

use super::{describe, trailing_id};
use crate::error::Detail;
use crate::model::{
    json, values, Bound, Changes, Dialect, Edm, EntityType, Errors, Mode, Navigation, Nested,
    Property, Version,
};
use crate::Error;

pub fn decode(
    entity: &'static EntityType,
    dialect: Dialect,
    body: Value,
    mode: Mode,
) -> Result<Changes, Error> {
    decode_under(entity, dialect, body, mode, None)
}

/// As `decode`, for a body posted to a navigation (`/accessPackages/{id}/…Policies`):
/// `parent` binds that navigation already, and the body may repeat it but not change it.
pub fn decode_under(
    entity: &'static EntityType,
    dialect: Dialect,
    body: Value,
    mode: Mode,
    parent: Option<(&'static Navigation, &str)>,
) -> Result<Changes, Error> {
    let Value::Object(body) = body else {
        return Err(Error::RequestBodyRead(format!(
            "The request body must be a JSON object representing a '{}'.",
            entity.odata_type
        )));
    };
    let mut decoder = Decoder {
        entity,
        dialect,
        mode,
        problems: Vec::new(),
        candidates: Vec::new(),
        given: Vec::new(),
        nested: Vec::new(),
    };
    if let Some((navigation, id)) = parent {
        decoder.candidate(navigation, navigation.name.any(), id);
    }
    decoder.run(body)
}

pub(super) struct Decoder {
    pub(super) entity: &'static EntityType,
    pub(super) dialect: Dialect,
    pub(super) mode: Mode,
    /// Each with the declaration position it is reported at.
    pub(super) problems: Vec<(usize, Detail)>,
    pub(super) candidates: Vec<Bound>,
    /// Properties the body named (null included), for the required checks.
    pub(super) given: Vec<(&'static Property, Value)>,
    pub(super) nested: Vec<Nested>,
}

impl Decoder {
    fn run(mut self, body: Map<String, Value>) -> Result<Changes, Error> {
        for (key, raw) in body {
            if let Some((name, annotation)) = key.split_once('@') {
                self.annotation(&key, name, annotation, &raw)?;
            } else if let Some(property) = self.property(&key) {
                self.property_value(&key, property, raw)?;
            } else if let Some(navigation) = self.bindable(&key) {
                self.bind_object(&key, navigation, &raw)?;
            } else if let Some(navigation) = self.written_with(&key) {
                self.nested_items(&key, navigation, raw)?;
            } else if !self.is_navigation(&key) && !self.entity.ignored.contains(&key.as_str()) {
                return Err(unknown(self.entity, &key));
            }
        }
        let binds = self.settle_binds();
        if self.mode.whole() {
            self.required(&binds);
        } else {
            self.required_not_null();
        }
        if !self.problems.is_empty() {
            self.problems.sort_by_key(|(position, _)| *position);
            let details: Vec<Detail> = self
                .problems
                .into_iter()
                .map(|(_, detail)| detail)
                .collect();
            return Err(match self.entity.errors {
                Errors::EntitlementManagement => Error::InvalidModel(details),
                Errors::Directory => directory_error(self.entity, details),
            });
        }
        let values = self
            .given
            .into_iter()
            .filter(|(property, value)| !value.is_null() || property.nullable)
            .collect();
        Ok(Changes {
            values,
            binds,
            nested: self.nested,
        })
    }

    fn position(&self, property: &Property) -> usize {
        self.entity
            .column(property.column)
            .map_or(usize::MAX, |(index, _)| index)
    }

    pub(super) fn problem(
        &mut self,
        property: &Property,
        code: &'static str,
        target: &str,
        message: String,
    ) {
        let position = self.position(property);
        self.problems.push((
            position,
            Detail {
                code,
                message,
                target: target.to_owned(),
            },
        ));
    }

    fn property(&self, key: &str) -> Option<&'static Property> {
        self.entity
            .properties
            .iter()
            .find(|property| property.wire_name(self.dialect) == Some(key))
    }

    pub(super) fn version(&self) -> Option<Version> {
        match self.dialect {
            Dialect::Beta => Some(Version::Beta),
            Dialect::V1 => Some(Version::V1),
            Dialect::Fixture => None,
        }
    }

    fn is_navigation(&self, key: &str) -> bool {
        self.version()
            .is_some_and(|version| self.entity.navigation_named(version, key).is_some())
    }

    fn annotation(
        &mut self,
        key: &str,
        name: &str,
        annotation: &str,
        raw: &Value,
    ) -> Result<(), Error> {
        match (name, annotation) {
            // A type with derived types stores which one it is (`customCalloutExtension`).
            ("", "odata.type") => match self.entity.property_named(self.dialect, "@odata.type") {
                Some(property) => {
                    let text = raw
                        .as_str()
                        .ok_or_else(|| wrong_type(self.entity, key, raw, "a string"))?;
                    // With or without its `#`; a fixture says the stored name.
                    let spelled = match text.trim_start_matches('#') {
                        qualified if qualified.contains('.') => format!("#{qualified}"),
                        stored => stored.to_owned(),
                    };
                    self.property_value(key, property, Value::from(spelled))
                }
                None => check_type(self.entity, key, raw),
            },
            (_, "odata.bind") => {
                let Some(navigation) = self.bindable(name) else {
                    return Err(unknown(self.entity, name));
                };
                let Some(url) = raw.as_str() else {
                    return Err(wrong_type(self.entity, key, raw, "a string"));
                };
                let id = trailing_id(url).unwrap_or(url);
                self.candidate(navigation, key, id);
                Ok(())
            }
            // `@odata.context`, `@odata.id`, `@odata.etag`, `x@odata.nextLink`: not data.
            _ => Ok(()),
        }
    }

    fn property_value(
        &mut self,
        key: &str,
        property: &'static Property,
        raw: Value,
    ) -> Result<(), Error> {
        if let Some(navigation) = self.binding_fk(property) {
            match &raw {
                Value::Null => {}
                Value::String(id) => self.candidate(navigation, key, id),
                other => return Err(wrong_type(self.entity, key, other, "a string")),
            }
            return Ok(());
        }
        let fixture = self.dialect == Dialect::Fixture;
        if !fixture && !property.writable(self.mode.creating()) {
            return Ok(());
        }
        if let Edm::Derived(derived) = property.edm {
            return self.view(key, derived, &raw);
        }
        if raw.is_null() {
            self.given.push((property, Value::Null));
            return Ok(());
        }
        match self.value(key, property, &raw) {
            Ok(Ok(value)) => self.given.push((property, value)),
            Ok(Err(detail)) => {
                let position = self.position(property);
                self.problems.push((position, detail));
            }
            Err(Error::InvalidModel(details)) => {
                let position = self.position(property);
                self.problems
                    .extend(details.into_iter().map(|d| (position, d)));
            }
            Err(error) => return Err(error),
        }
        Ok(())
    }

    /// A view over other columns: what it sets, as if the body had named those columns.
    /// `null` is "not given".
    fn view(
        &mut self,
        key: &str,
        derived: &crate::model::Derived,
        raw: &Value,
    ) -> Result<(), Error> {
        let Some(version) = self.version() else {
            return Ok(());
        };
        if raw.is_null() {
            return Ok(());
        }
        let columns = match (derived.decode)(version, raw, key) {
            Ok(columns) => columns,
            Err(Error::InvalidModel(details)) => {
                self.problems
                    .extend(details.into_iter().map(|d| (usize::MAX, d)));
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        for (column, value) in columns {
            if let Some((_, property)) = self.entity.column(column) {
                self.given
                    .retain(|(given, _)| !std::ptr::eq(*given, property));
                self.given.push((property, value));
            }
        }
        Ok(())
    }

    /// One value by its declared type: outer `Err` is a 400 RequestBodyRead, inner a
    /// problem for InvalidModel.
    fn value(
        &self,
        key: &str,
        property: &Property,
        raw: &Value,
    ) -> Result<Result<Value, Detail>, Error> {
        let invalid = |message: String| Detail {
            code: "InvalidValue",
            message,
            target: key.to_owned(),
        };
        Ok(match property.edm {
            Edm::String => {
                let text = raw
                    .as_str()
                    .ok_or_else(|| wrong_type(self.entity, key, raw, "a string"))?;
                if property.not_blank && text.trim().is_empty() {
                    Err(invalid(format!("The {key} property must not be blank.")))
                } else {
                    Ok(Value::from(text))
                }
            }
            Edm::Guid => {
                let text = raw
                    .as_str()
                    .ok_or_else(|| wrong_type(self.entity, key, raw, "a string"))?;
                values::canonical_guid(text)
                    .map(Value::from)
                    .ok_or_else(|| invalid(not_a_guid(key)))
            }
            Edm::Bool => {
                Ok(Value::Bool(raw.as_bool().ok_or_else(|| {
                    wrong_type(self.entity, key, raw, "a boolean")
                })?))
            }
            Edm::Int32 => {
                let number = raw
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| wrong_type(self.entity, key, raw, "i32"))?;
                Ok(Value::from(number))
            }
            Edm::DateTimeOffset => {
                let text = raw
                    .as_str()
                    .ok_or_else(|| wrong_type(self.entity, key, raw, "a string"))?;
                match values::normalize_instant(text) {
                    // A client's own value comes back as it gave it (Terraform compares
                    // it verbatim); the fixture format stores Graph's form.
                    Ok(normal) if self.dialect == Dialect::Fixture => Ok(Value::from(normal)),
                    Ok(_) => Ok(Value::from(text.trim())),
                    Err(problem) => Err(invalid(format!("The {key} property: {problem}."))),
                }
            }
            Edm::Duration => {
                let text = raw
                    .as_str()
                    .ok_or_else(|| wrong_type(self.entity, key, raw, "a string"))?;
                Ok(json::duration(text, key)?)
            }
            Edm::Enum(enumeration) => {
                let text = raw
                    .as_str()
                    .ok_or_else(|| wrong_type(self.entity, key, raw, "a string"))?;
                let fixture = self.dialect == Dialect::Fixture;
                match enumeration.find(text) {
                    Some(member) if member.creatable || fixture => Ok(Value::from(member.stored)),
                    _ => Err(invalid(format!(
                        "The {key} property must be {}.",
                        enumeration.listing(self.dialect, !fixture)
                    ))),
                }
            }
            Edm::Complex(complex) => Ok((complex.decode)(self.dialect, raw, key)?),
            Edm::Derived(_) => return Err(Error::internal("a view decoded as a column")),
        })
    }

    /// A create (or a PUT) must say every required property and binding.
    fn required(&mut self, binds: &[Bound]) {
        let reported: Vec<usize> = self
            .problems
            .iter()
            .map(|(position, _)| *position)
            .collect();
        for property in self.entity.properties {
            let position = self.position(property);
            if reported.contains(&position) {
                continue;
            }
            if let Some(navigation) = self.binding_fk(property) {
                // A PUT may leave out what cannot change anyway.
                let required =
                    navigation.bind.is_some_and(|bind| bind.required) && self.mode.creating();
                if required && !binds.iter().any(|b| std::ptr::eq(b.navigation, navigation)) {
                    let target = property
                        .name
                        .in_dialect(self.dialect)
                        .or(self.version().and_then(|v| navigation.name.get(v)))
                        .unwrap_or(property.column);
                    self.missing(property, target);
                }
                continue;
            }
            let fixture_key = self.dialect == Dialect::Fixture && property.column == "id";
            if !(property.required || fixture_key) {
                continue;
            }
            let present = self
                .given
                .iter()
                .any(|(given, value)| std::ptr::eq(*given, property) && !value.is_null());
            if !present {
                self.missing(property, self.name(property));
            }
        }
    }

    /// A PATCH may leave a required property out, but not null it.
    fn required_not_null(&mut self) {
        let nulled: Vec<&'static Property> = self
            .given
            .iter()
            .filter(|(property, value)| property.required && value.is_null())
            .map(|(property, _)| *property)
            .collect();
        for property in nulled {
            self.missing(property, self.name(property));
        }
    }

    fn name(&self, property: &Property) -> &'static str {
        property
            .name
            .in_dialect(self.dialect)
            .unwrap_or(property.column)
    }

    pub(super) fn missing(&mut self, property: &Property, target: &str) {
        let message = format!("The {target} property is required.");
        self.problem(property, "MissingProperty", target, message);
    }
}

/// The directory's words for the first problem: `Request_BadRequest`, naming the property.
fn directory_error(entity: &EntityType, details: Vec<Detail>) -> Error {
    let Some(first) = details.into_iter().next() else {
        return Error::internal("a directory error without a problem");
    };
    let target = first.target.as_str();
    let resource = entity.odata_type.rsplit('.').next().unwrap_or(entity.name);
    let (message, code) = match first.code {
        "MissingProperty" => (
            format!("Property {target} value is required but is empty or missing."),
            "PropertyRequired",
        ),
        _ => (
            format!(
                "Invalid value specified for property '{target}' of resource '{}{}'.",
                resource[..1].to_uppercase(),
                &resource[1..]
            ),
            "InvalidValue",
        ),
    };
    Error::rule_on(400, "Request_BadRequest", message, code, target)
}

pub(super) fn not_a_guid(target: &str) -> String {
    format!("The {target} property must be a GUID, such as 'aa2f6514-3232-46e7-a08a-2411ad8d7128'.")
}

/// `@odata.type` must name the type the body is (with or without `#`, any case).
pub(super) fn check_type(expected: &EntityType, key: &str, raw: &Value) -> Result<(), Error> {
    let given = raw.as_str().unwrap_or_default();
    if expected.is_type(given) {
        Ok(())
    } else {
        Err(Error::RequestBodyRead(format!(
            "The type '{given}' given by '{key}' is not compatible with the expected type '{}'.",
            expected.odata_type
        )))
    }
}

fn unknown(entity: &EntityType, name: &str) -> Error {
    Error::RequestBodyRead(format!(
        "The property '{name}' does not exist on type '{}'. Make sure to only use property names that are defined by the type or mark the type as open type.",
        entity.odata_type
    ))
}

pub(crate) fn wrong_type(entity: &EntityType, path: &str, value: &Value, expected: &str) -> Error {
    Error::RequestBodyRead(format!(
        "Cannot read the value of property '{path}' of type '{}': invalid type: {}, expected {expected}.",
        entity.odata_type,
        describe(value)
    ))
}
