//! The benchmark's provisioning workflow (`bench/workflow.json`), read step by step for
//! the tests that replay it: each step's request with the ids earlier steps captured filled
//! in, and what it captures from its answer.

use std::collections::BTreeMap;

use awc::http::Method;
use serde_json::Value;

const WORKFLOW: &str = include_str!("../../../bench/workflow.json");

/// A step, ready to send.
pub struct Step {
    pub name: String,
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
    pub expect: u16,
    /// `{"pointer", "equals", "polls"}`: a GET repeated until the answer says so, or null.
    pub until: Value,
    /// `{"pointer", "equals"}` each, `{name}`s filled in.
    pub checks: Vec<(String, String)>,
    /// The name the answer's id is kept under, and where in the answer it is.
    capture: Option<(String, String)>,
}

/// The workflow's steps, unread.
pub fn workflow_steps() -> Vec<Value> {
    let spec: Value = serde_json::from_str(WORKFLOW).expect("the workflow parses");
    spec["steps"].as_array().expect("steps").clone()
}

/// `{name}` in `text` replaced by what `names` holds for it.
pub fn fill_in(text: &str, names: &BTreeMap<String, String>) -> String {
    names.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

impl Step {
    pub fn read(step: &Value, names: &BTreeMap<String, String>) -> Self {
        let body = (!step["body"].is_null())
            .then(|| fill_in(&step["body"].to_string(), names))
            .map(|text| serde_json::from_str::<Value>(&text).expect("a filled-in body"));
        let checks = step["checks"].as_array().into_iter().flatten();
        Self {
            name: step["name"].as_str().unwrap_or_default().to_owned(),
            method: Method::from_bytes(step["method"].as_str().unwrap_or("GET").as_bytes())
                .expect("a method"),
            path: fill_in(step["path"].as_str().expect("a path"), names),
            body,
            expect: u16::try_from(step["expect"].as_u64().expect("a status")).expect("a status"),
            until: step["until"].clone(),
            checks: checks
                .map(|check| {
                    let pointer = check["pointer"].as_str().expect("a pointer").to_owned();
                    (
                        pointer,
                        fill_in(check["equals"].as_str().expect("a value"), names),
                    )
                })
                .collect(),
            capture: step["capture"].as_str().map(|name| {
                let pointer = step["pointer"].as_str().unwrap_or("/id");
                (name.to_owned(), pointer.to_owned())
            }),
        }
    }

    /// Whether `answer` is what the step waits for (any answer, when it waits for nothing).
    pub fn arrived(&self, answer: &Value) -> bool {
        self.until.is_null()
            || answer.pointer(self.until["pointer"].as_str().unwrap_or(""))
                == Some(&self.until["equals"])
    }

    /// Keeps the id the step captures from `answer` in `names`: its name and the id.
    pub fn capture(
        &self,
        answer: &Value,
        names: &mut BTreeMap<String, String>,
    ) -> Option<(String, String)> {
        let (name, pointer) = self.capture.as_ref()?;
        let id = answer.pointer(pointer).and_then(Value::as_str);
        let id = id.unwrap_or_else(|| panic!("{}: no {pointer} in {answer}", self.name));
        names.insert(name.clone(), id.to_owned());
        Some((name.clone(), id.to_owned()))
    }
}
