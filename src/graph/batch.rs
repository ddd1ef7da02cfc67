//! JSON batching (`POST /{version}/$batch`, reference §7): the envelope's shape and rules.
//! Executing the items is `routes::batch`'s job; this module only says what a valid batch
//! is, in which order its items may run, and how the answer is written.

use std::collections::{HashMap, HashSet};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error_body;
use super::ids::RequestIds;
use crate::Error;

/// Graph's limit.
pub const MAX_REQUESTS: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    requests: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: String,
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub depends_on: Vec<String>,
}

/// A batch that passed every envelope rule, its items in an order that runs each after
/// what it depends on.
#[derive(Debug)]
pub struct Batch {
    pub items: Vec<Item>,
}

/// Characters that cannot stand in a request target as sent; `%` is kept, so URLs that
/// arrive encoded are not encoded twice.
const NOT_IN_TARGET: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

impl Batch {
    /// Parses and checks the envelope: at most 20 requests, unique ids, known methods,
    /// dependencies on ids in the batch without cycles. Any violation fails the whole
    /// batch with 400, as Graph does.
    pub fn parse(body: &[u8]) -> Result<Self, Error> {
        let invalid = |message: String| Error::InvalidBatch(message);
        let value: Value = serde_json::from_slice(body)
            .map_err(|_| invalid("The batch request body is not valid JSON.".to_owned()))?;
        let envelope: Envelope = serde_path_to_error::deserialize(value).map_err(|e| {
            invalid(format!(
                "Invalid batch payload at '{}': {}",
                e.path(),
                e.inner()
            ))
        })?;
        let items = envelope.requests;
        if items.is_empty() {
            return Err(invalid("The batch holds no requests.".to_owned()));
        }
        if items.len() > MAX_REQUESTS {
            return Err(invalid(format!(
                "The batch holds {} requests; the limit is {MAX_REQUESTS}.",
                items.len()
            )));
        }
        let mut ids = HashSet::new();
        for item in &items {
            if item.id.trim().is_empty() {
                return Err(invalid("Every request needs a non-empty id.".to_owned()));
            }
            if !ids.insert(item.id.as_str()) {
                return Err(invalid(format!(
                    "The request id '{}' appears more than once.",
                    item.id
                )));
            }
            if !matches!(
                item.method.to_ascii_uppercase().as_str(),
                "GET" | "POST" | "PATCH" | "PUT" | "DELETE"
            ) {
                return Err(invalid(format!(
                    "Request '{}' has an unsupported method '{}'.",
                    item.id, item.method
                )));
            }
            if item.url.trim().is_empty() {
                return Err(invalid(format!("Request '{}' has no url.", item.id)));
            }
        }
        for item in &items {
            if let Some(unknown) = item.depends_on.iter().find(|id| !ids.contains(id.as_str())) {
                return Err(invalid(format!(
                    "Request '{}' depends on '{unknown}', which is not in the batch.",
                    item.id
                )));
            }
        }
        Ok(Self {
            items: in_dependency_order(items)?,
        })
    }
}

/// The items, each after its dependencies, otherwise in the order sent; a cycle is a 400.
fn in_dependency_order(items: Vec<Item>) -> Result<Vec<Item>, Error> {
    let mut pending = items;
    let mut done: HashSet<String> = HashSet::new();
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|item| item.depends_on.iter().all(|id| done.contains(id)))
            .ok_or_else(|| {
                Error::InvalidBatch(format!(
                    "The dependencies of request '{}' form a cycle.",
                    pending[0].id
                ))
            })?;
        let item = pending.remove(ready);
        done.insert(item.id.clone());
        ordered.push(item);
    }
    Ok(ordered)
}

/// The path and query an item's url names, under `/{version}`: relative to the version
/// (`/identityGovernance/…`, `identityGovernance/…`), or carrying one (`/beta/…`, as the
/// JavaScript SDK sends it), or absolute (`https://graph.microsoft.com/v1.0/…`); spaces
/// and other characters a request target cannot hold are percent-encoded.
pub fn item_target(url: &str, version: &str) -> String {
    let url = url.trim();
    let path = match url.split_once("://") {
        // Absolute: keep what follows the host.
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => url,
    };
    let path = path.trim_start_matches('/');
    let carries_version = ["beta", "v1.0"].iter().any(|segment| {
        path.strip_prefix(segment)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    });
    let target = if carries_version {
        format!("/{path}")
    } else {
        format!("/{version}/{path}")
    };
    utf8_percent_encode(&target, NOT_IN_TARGET).to_string()
}

/// One answer in the batch response.
#[derive(Debug, Serialize)]
pub struct ItemResponse {
    pub id: String,
    pub status: u16,
    pub headers: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

#[derive(Debug, Serialize)]
pub struct BatchResponse {
    pub responses: Vec<ItemResponse>,
}

impl ItemResponse {
    /// An item answered without running: Graph's error body with ids of its own.
    pub fn error(id: String, error: &Error) -> Self {
        let ids = RequestIds::fresh();
        let body = serde_json::from_slice(&error_body::render(error, &ids)).ok();
        let mut headers = Map::new();
        for (name, value) in [
            ("Content-Type", "application/json"),
            ("request-id", ids.request_id.as_str()),
            ("client-request-id", ids.client_request_id.as_str()),
        ] {
            headers.insert(name.to_owned(), Value::String(value.to_owned()));
        }
        Self {
            id,
            status: error.status().as_u16(),
            headers,
            body,
        }
    }
}

/// A response header as Graph spells it in a batch item's `headers` (`Content-Type`,
/// `OData-Version`, `Location`): clients read those exact keys (the JavaScript SDK's
/// `BatchResponseContent` looks up `headers["Content-Type"]`). Graph's own lower-case
/// headers (`request-id`, `client-request-id`) stay as they are.
pub fn header_name(name: &str) -> String {
    const SPELLINGS: [&str; 9] = [
        "Content-Type",
        "OData-Version",
        "Location",
        "Retry-After",
        "WWW-Authenticate",
        "Allow",
        "Cache-Control",
        "ETag",
        "Preference-Applied",
    ];
    SPELLINGS
        .iter()
        .find(|spelling| spelling.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_owned(), |spelling| (*spelling).to_owned())
}

/// Which items have succeeded (2xx) so far, for `dependsOn`.
#[derive(Debug, Default)]
pub struct Outcomes(HashMap<String, bool>);

impl Outcomes {
    pub fn record(&mut self, id: &str, status: u16) {
        self.0.insert(id.to_owned(), (200..300).contains(&status));
    }

    /// The first dependency of `item` that did not succeed.
    pub fn failed_dependency<'a>(&self, item: &'a Item) -> Option<&'a str> {
        item.depends_on
            .iter()
            .find(|id| !self.0.get(id.as_str()).copied().unwrap_or(false))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_urls_land_under_one_version_encoded_once() {
        let cases = [
            (
                "/identityGovernance/x",
                "beta",
                "/beta/identityGovernance/x",
            ),
            ("identityGovernance/x", "v1.0", "/v1.0/identityGovernance/x"),
            (
                "/beta/identityGovernance/x",
                "v1.0",
                "/beta/identityGovernance/x",
            ),
            (
                "https://graph.microsoft.com/v1.0/identityGovernance/x?$top=1",
                "beta",
                "/v1.0/identityGovernance/x?$top=1",
            ),
            (
                "/identityGovernance/x?$filter=displayName eq 'a b'",
                "beta",
                "/beta/identityGovernance/x?$filter=displayName%20eq%20'a%20b'",
            ),
            (
                "/identityGovernance/x?$filter=displayName%20eq%20'a'",
                "beta",
                "/beta/identityGovernance/x?$filter=displayName%20eq%20'a'",
            ),
            ("/betamax/x", "beta", "/beta/betamax/x"),
        ];
        for (url, version, expected) in cases {
            assert_eq!(item_target(url, version), expected, "{url}");
        }
    }

    #[test]
    fn dependencies_run_first_and_cycles_are_refused() {
        let batch = Batch::parse(
            br#"{"requests":[
                {"id":"2","method":"GET","url":"/a","dependsOn":["1"]},
                {"id":"1","method":"GET","url":"/b"}]}"#,
        )
        .unwrap();
        let order: Vec<&str> = batch.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(order, ["1", "2"]);
        let cycle = Batch::parse(
            br#"{"requests":[
                {"id":"1","method":"GET","url":"/a","dependsOn":["2"]},
                {"id":"2","method":"GET","url":"/b","dependsOn":["1"]}]}"#,
        );
        assert!(cycle.unwrap_err().to_string().contains("cycle"));
    }
}
