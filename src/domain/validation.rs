//! Collects every problem with a request's values, so one 400 `InvalidModel` lists them all
//! in `details`, each with the property as `target`.

use uuid::Uuid;

use crate::error::{Detail, Error};

#[derive(Debug, Default)]
pub struct Validation {
    problems: Vec<Detail>,
}

impl Validation {
    pub fn problem(&mut self, target: &str, code: &'static str, message: String) {
        self.problems.push(Detail {
            code,
            message,
            target: target.to_owned(),
        });
    }

    pub fn missing(&mut self, target: &str) {
        self.problem(
            target,
            "MissingProperty",
            format!("The {target} property is required."),
        );
    }

    /// A string that must be present and not blank.
    pub fn required_text(&mut self, target: &str, value: Option<String>) -> Option<String> {
        match value {
            Some(text) if !text.trim().is_empty() => Some(text),
            Some(_) => {
                self.problem(
                    target,
                    "InvalidValue",
                    format!("The {target} property must not be blank."),
                );
                None
            }
            None => {
                self.missing(target);
                None
            }
        }
    }

    /// A replacement for a required string (PATCH): absent leaves it, `null` or blank is
    /// refused.
    pub fn replacement_text(
        &mut self,
        target: &str,
        sent: Option<Option<String>>,
    ) -> Option<String> {
        sent.and_then(|text| self.required_text(target, text))
    }

    /// A GUID that must be present; returned in Graph's lower-case hyphenated form.
    pub fn required_guid(&mut self, target: &str, value: Option<&str>) -> Option<String> {
        let Some(text) = value else {
            self.missing(target);
            return None;
        };
        match canonical_guid(text) {
            Some(guid) => Some(guid),
            None => {
                self.problem(
                    target,
                    "InvalidValue",
                    format!("The {target} property must be a GUID, such as 'aa2f6514-3232-46e7-a08a-2411ad8d7128'."),
                );
                None
            }
        }
    }

    /// `Ok(value)` when nothing was wrong; otherwise every problem found, as `InvalidModel`.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Error> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ if self.problems.is_empty() => Err(Error::internal("validation produced no value")),
            _ => Err(Error::InvalidModel(self.problems)),
        }
    }
}

/// A GUID in any form .NET parses (upper case, braces, no hyphens), written as Graph writes
/// and the database stores ids: lower case, hyphenated. `None` when it is not a GUID.
pub fn canonical_guid(text: &str) -> Option<String> {
    Uuid::try_parse(text.trim())
        .ok()
        .map(|guid| guid.hyphenated().to_string())
}
