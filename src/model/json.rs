//! Reading the complex values a declaration converts (`ComplexType`, `Derived`): typed
//! fields of a JSON object, each wrong type a 400 `RequestBodyRead` naming its path, as
//! the top-level decoder names top-level properties. Unknown members are ignored: SDK
//! models carry members of the real type this emulator does not keep.

use serde_json::{Map, Value};

use crate::Error;

/// A JSON object being read, and where it stands in the body (`requestorSettings`).
#[derive(Clone, Copy)]
pub struct Object<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

fn describe(value: &Value) -> String {
    crate::graph::wire::describe(value)
}

/// 400 for a value of the wrong JSON type at `path`.
pub fn wrong_type(path: &str, value: &Value, expected: &str) -> Error {
    Error::RequestBodyRead(format!(
        "Cannot read the value of property '{path}': invalid type: {}, expected {expected}.",
        describe(value)
    ))
}

/// 400 `InvalidModel` for a value that has the right type but is not allowed.
pub fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::invalid_value(path, message)
}

impl<'a> Object<'a> {
    pub fn of(value: &'a Value, path: &'a str) -> Result<Self, Error> {
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            other => Err(wrong_type(path, other, "an object")),
        }
    }

    pub fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// A member's value; absent and `null` are both `None`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|value| !value.is_null())
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, Error> {
        self.get(key)
            .map(|value| {
                value
                    .as_bool()
                    .ok_or_else(|| wrong_type(&self.path(key), value, "a boolean"))
            })
            .transpose()
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, Error> {
        self.get(key)
            .map(|value| {
                value
                    .as_i64()
                    .ok_or_else(|| wrong_type(&self.path(key), value, "an integer"))
            })
            .transpose()
    }

    pub fn str(&self, key: &str) -> Result<Option<&'a str>, Error> {
        self.get(key)
            .map(|value| {
                value
                    .as_str()
                    .ok_or_else(|| wrong_type(&self.path(key), value, "a string"))
            })
            .transpose()
    }

    /// An array member; absent and `null` are empty.
    pub fn array(&self, key: &str) -> Result<&'a [Value], Error> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(wrong_type(&self.path(key), other, "an array")),
        }
    }

    /// `@odata.type` without `#` and `microsoft.graph.`: `singleUser`.
    pub fn odata_type(&self) -> Option<&'a str> {
        let annotation = self.map.get("@odata.type")?.as_str()?;
        let name = annotation.trim_start_matches('#');
        Some(name.strip_prefix("microsoft.graph.").unwrap_or(name))
    }
}

/// `{"a": …}` built from pairs, skipping nothing: `null`s are written as Graph writes them.
pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// An ISO 8601 duration (`P14D`, `PT11520M`, `P1DT2H`) in seconds; `None` for month and
/// year durations, whose length is not fixed.
pub fn duration_seconds(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut seconds = 0i64;
    for (part, units) in [
        (date, &[('W', 604_800), ('D', 86_400)][..]),
        (time, &[('H', 3_600), ('M', 60), ('S', 1)][..]),
    ] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, factor) = units.iter().find(|(unit, _)| *unit == c)?;
            seconds = seconds.checked_add(number.parse::<i64>().ok()?.checked_mul(*factor)?)?;
            number.clear();
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(seconds)
}

#[cfg(test)]
mod tests {
    use super::duration_seconds;

    #[test]
    fn durations_in_days_hours_minutes_and_seconds() {
        assert_eq!(duration_seconds("P14D"), Some(14 * 86_400));
        assert_eq!(duration_seconds("PT11520M"), Some(11_520 * 60));
        assert_eq!(
            duration_seconds("P1DT2H30M"),
            Some(86_400 + 2 * 3_600 + 30 * 60)
        );
        assert_eq!(duration_seconds("PT0S"), Some(0));
        assert_eq!(duration_seconds("P1M"), None);
        assert_eq!(duration_seconds("14 days"), None);
    }
}
