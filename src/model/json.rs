//! Reading the complex values a declaration converts (`ComplexType`, `Derived`): typed
//! fields of a JSON object, each wrong type a 400 `RequestBodyRead` naming its path, as
//! the top-level decoder names top-level properties. Unknown members are ignored, since SDK
//! models carry members of the real type this emulator does not keep, except in the types
//! whose whole member list is known here (`Object::only`).

use serde_json::{Map, Value};

use crate::Error;

/// A JSON object being read, and where it stands in the body (`requestorSettings`).
#[derive(Clone, Copy)]
pub struct Object<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

/// How serde would describe a JSON value in a type error, so the messages of both readers
/// (this one, and `graph::wire`'s for declared properties) read alike.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("boolean `{flag}`"),
        Value::Number(number) if number.is_f64() => format!("floating point `{number}`"),
        Value::Number(number) => format!("integer `{number}`"),
        Value::String(text) => format!("string {text:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
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

    /// Refuses members other than `members` (annotations aside), as Graph refuses a
    /// property its type does not define. For types whose every member Graph defines is
    /// listed; others stay lenient, since SDK models carry members the emulator does not
    /// keep.
    pub fn only(&self, members: &[&str], type_name: &str) -> Result<(), Error> {
        match self
            .map
            .keys()
            .find(|name| !name.contains('@') && !members.contains(&name.as_str()))
        {
            Some(name) => Err(Error::RequestBodyRead(format!(
                "The property '{name}' does not exist on type '{type_name}'. Make sure to only use property names that are defined by the type or mark the type as open type."
            ))),
            None => Ok(()),
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

/// The longest duration Graph takes, in whole seconds: an `Edm.Duration` is a .NET
/// `TimeSpan`, whose largest value is 10,675,199 days 02:48:05.4775807.
pub const MAX_DURATION_SECONDS: i64 = i64::MAX / 10_000_000;

/// A duration as a body gives it, checked as Graph checks an `Edm.Duration`; stored as given.
pub fn duration(text: &str, path: &str) -> Result<Value, Error> {
    match duration_seconds(text) {
        Some(_) => Ok(Value::from(text.trim())),
        None => Err(invalid(
            path,
            format!(
                "'{text}' is not a duration Graph takes: an ISO 8601 duration in weeks, days, hours, minutes or seconds, at most P{}D.",
                MAX_DURATION_SECONDS / 86_400
            ),
        )),
    }
}

/// A whole number of `unit`s (beta's `…InDays`, `…InMinutes`) as the duration stored, within
/// what a `TimeSpan` holds.
pub fn whole_duration(count: i64, unit: DurationUnit, path: &str) -> Result<String, Error> {
    let (seconds, designator) = match unit {
        DurationUnit::Days => (unit.seconds(), "P{}D"),
        DurationUnit::Minutes => (unit.seconds(), "PT{}M"),
    };
    if !(0..=MAX_DURATION_SECONDS / seconds).contains(&count) {
        return Err(invalid(
            path,
            format!(
                "{count} is out of range: use 0 to {}.",
                MAX_DURATION_SECONDS / seconds
            ),
        ));
    }
    Ok(designator.replace("{}", &count.to_string()))
}

/// The units beta counts durations in, where v1.0 writes ISO 8601.
#[derive(Debug, Clone, Copy)]
pub enum DurationUnit {
    Days,
    Minutes,
}

impl DurationUnit {
    const fn seconds(self) -> i64 {
        match self {
            Self::Days => 86_400,
            Self::Minutes => 60,
        }
    }

    /// beta's count of these units, if it gave one, as v1.0's duration.
    pub fn duration(self, count: Option<i64>, path: &str) -> Result<Option<String>, Error> {
        count
            .map(|count| whole_duration(count, self, path))
            .transpose()
    }

    /// The whole units in v1.0's duration, for beta.
    pub fn count(self, duration: Option<&str>) -> Option<i64> {
        duration
            .and_then(duration_seconds)
            .map(|seconds| seconds / self.seconds())
    }
}

/// An ISO 8601 duration (`P14D`, `PT11520M`, `P1DT2H`) in seconds; `None` for month and
/// year durations, whose length is not fixed, and for any longer than a `TimeSpan` holds.
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
    (seconds <= MAX_DURATION_SECONDS).then_some(seconds)
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
        assert_eq!(duration_seconds("P10675199D"), Some(10_675_199 * 86_400));
        assert_eq!(duration_seconds("P10675200D"), None);
        assert_eq!(duration_seconds("P999999999D"), None);
    }
}
