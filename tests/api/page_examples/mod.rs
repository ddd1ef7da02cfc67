//! Every example of every reference page in `documented_operations.md`, sent as the page
//! prints it. `page_examples.json` holds, per example, the page's request (method, path
//! after the version, body verbatim) and what its response shows (status, the properties
//! of the entity or of a collection's first item). Each example is sent to an emulator of
//! its own, seeded with one world (a catalog, packages, policies, a delivered assignment, a
//! request pending approval, one waiting for its callout, a connected organization, …),
//! its ids put where the page's ids are: by the collection a path segment follows, by the
//! property a body value is under. An example passes when the status is the page's and
//! every property the page shows is there. `page_examples.md` lists each example that does
//! not, with why; the test fails on any other outcome, so the list is the truth.

mod ids;
mod world;

use std::collections::BTreeMap;

use awc::http::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::helpers::*;
use ids::{substitute_body, substitute_path, Context};
use world::{build_world, World};

#[derive(Debug, Deserialize)]
struct Example {
    version: String,
    page: String,
    example: u32,
    method: String,
    path: String,
    body: String,
    status: Option<u16>,
    properties: Option<Vec<String>>,
    collection: bool,
}

impl Example {
    fn name(&self) -> String {
        format!("{} {} #{}", self.version, self.page, self.example)
    }
}

/// Who sends it: an approver decides and lists what awaits them, a user asks for
/// themselves; the rest is an application's.
fn caller_for(example: &Example, world: &World) -> String {
    let path = &example.path;
    let approver = token_for("approver@contoso.com", world.id("approver"));
    let user = if example.method == "POST" {
        token_for("spare@contoso.com", world.id("spare_user"))
    } else {
        token_for("adele@contoso.com", world.id("user"))
    };
    if path.contains("on='approver'") || example.page.starts_with("approvalst") {
        approver
    } else if path.contains("filterByCurrentUser")
        || path.contains("getApplicablePolicyRequirements")
        || example.body.contains("userAdd")
        || example.body.contains("UserAdd")
    {
        user
    } else {
        BEARER.to_owned()
    }
}

/// The path as a client sends it: what a URL cannot hold percent-encoded.
fn escape(path: &str) -> String {
    let mut out = String::new();
    for character in path.chars() {
        if character.is_ascii_alphanumeric() || "-._~!$&()*+,;=:@/?%".contains(character) {
            out.push(character);
        } else {
            let mut bytes = [0; 4];
            for byte in character.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// What happened to one example: `None` when it passed.
async fn outcome(example: &Example, world: &World) -> Option<String> {
    let app = spawn_app().await;
    app.post("/_emulator/seed", &world.fixture)
        .await
        .expect(200);
    let path = substitute_path(&example.path, world, &example.page, &example.method, false);
    let body = if example.body.trim().is_empty() {
        None
    } else {
        let mut value: Value = match serde_json::from_str(&example.body) {
            Ok(value) => value,
            Err(error) => return Some(format!("the page's body is not JSON ({error})")),
        };
        let context = Context {
            page: &example.page,
            site: example.body.contains("SharePointOnline"),
            new_request: example.method == "POST" && example.path.ends_with("ssignmentRequests"),
            onboarding: example.method == "POST"
                && example.path.ends_with("esourceRequests")
                && example.body.contains("dminAdd"),
        };
        substitute_body(&mut value, "", world, &context);
        Some(value)
    };
    let method = Method::from_bytes(example.method.as_bytes()).unwrap();
    let address = format!("/{}{}", example.version, escape(&path));
    let response = send_as(
        &app,
        &caller_for(example, world),
        method,
        &address,
        body.as_ref(),
    )
    .await;
    let status = response.status.as_u16();
    if Some(status) != example.status {
        let text = String::from_utf8_lossy(&response.body);
        return Some(format!(
            "status {status}, the page's {:?}: {}",
            example.status,
            text.chars().take(160).collect::<String>()
        ));
    }
    let Some(properties) = &example.properties else {
        return None;
    };
    let answer: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let shown = if example.collection {
        match answer["value"].as_array().and_then(|items| items.first()) {
            Some(first) => first.clone(),
            None if properties.is_empty() => return None,
            None => return Some("an empty collection where the page shows items".to_owned()),
        }
    } else {
        answer
    };
    let missing: Vec<&String> = properties
        .iter()
        .filter(|property| shown.get(property.as_str()).is_none())
        .collect();
    (!missing.is_empty()).then(|| format!("without {missing:?}"))
}

/// `page_examples.md`: the examples judged not to pass, `| version | page | example | why |`.
pub fn judged() -> BTreeMap<String, String> {
    include_str!("../page_examples.md")
        .lines()
        .filter(|line| line.starts_with("| v1.0 ") || line.starts_with("| beta "))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (
                format!("{} {} #{}", cells[1], cells[2], cells[3]),
                cells[4].to_owned(),
            )
        })
        .collect()
}

async fn replay(part: usize, parts: usize) {
    let examples: Vec<Example> =
        serde_json::from_str(include_str!("../page_examples.json")).expect("the corpus parses");
    let world = build_world().await;
    let judged = judged();
    let mut wrong = Vec::new();
    for example in examples.iter().skip(part).step_by(parts) {
        let name = example.name();
        match (outcome(example, &world).await, judged.contains_key(&name)) {
            (None, false) | (Some(_), true) => {}
            (None, true) => wrong.push(format!(
                "{name}: passes, but page_examples.md says it does not"
            )),
            (Some(why), false) => wrong.push(format!("{name}: {why}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[actix_web::test]
async fn reference_examples_part_1() {
    replay(0, 4).await;
}

#[actix_web::test]
async fn reference_examples_part_2() {
    replay(1, 4).await;
}

#[actix_web::test]
async fn reference_examples_part_3() {
    replay(2, 4).await;
}

#[actix_web::test]
async fn reference_examples_part_4() {
    replay(3, 4).await;
}
