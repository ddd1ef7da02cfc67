//! A response as the test reads it, and the assertions every test makes the same way.

use std::collections::BTreeSet;

use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use serde_json::Value;

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    /// Asserts the status, showing the body when it is another, and returns the body as
    /// JSON (`null` when empty).
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        match self.body.is_empty() {
            true => Value::Null,
            false => self.json(),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
            .to_str()
            .expect("a text header")
    }

    /// Asserts Graph's error envelope, exactly, and returns `error`.
    pub fn assert_graph_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), "application/json");
        let body = self.json();
        assert_eq!(keys(&body), set(&["error"]));
        let error = body["error"].clone();
        let mut expected = set(&["code", "message", "innerError"]);
        if error.get("details").is_some() {
            expected.insert("details".to_owned());
        }
        assert_eq!(keys(&error), expected);
        assert_eq!(error["code"], code, "{error}");
        assert!(!error["message"].as_str().unwrap_or_default().is_empty());
        let inner = &error["innerError"];
        assert_eq!(
            keys(inner),
            set(&["date", "request-id", "client-request-id"])
        );
        assert_eq!(
            inner["request-id"].as_str(),
            Some(self.header("request-id"))
        );
        assert_eq!(
            inner["client-request-id"].as_str(),
            Some(self.header("client-request-id"))
        );
        let date = inner["date"].as_str().expect("a date");
        assert!(
            date.len() == 19 && date.as_bytes()[10] == b'T' && !date.ends_with('Z'),
            "innerError.date as Graph writes it: {date}"
        );
        error
    }
}

pub fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

/// `property` of each item of a listing's `value`, in order, where it is text.
pub fn texts_of<'a>(listed: &'a Value, property: &str) -> Vec<&'a str> {
    listed["value"]
        .as_array()
        .expect("a listing's value")
        .iter()
        .filter_map(|item| item[property].as_str())
        .collect()
}

pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// Graph's DateTimeOffset: `2020-08-21T19:45:33.2042281Z`.
pub fn assert_graph_timestamp(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let (seconds, fraction) = text.split_once('.').expect("a fraction");
    assert_eq!(seconds.len(), 19, "{text}");
    assert_eq!(fraction.len(), 8, "seven digits and Z: {text}");
    assert!(fraction.ends_with('Z'), "{text}");
    assert!(fraction[..7].bytes().all(|b| b.is_ascii_digit()), "{text}");
}
