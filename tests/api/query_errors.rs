//! Query options that cannot be served: 400, with Graph's code and wording where the
//! reference has them and the emulator's own (marked) elsewhere.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::*;

const ID: &str = "4b8f2a77-1c65-4f0e-9a0b-6a1d2c3e4f50";

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The code and the wording of the query errors. Only "Could not find a property named …
/// on type …" and the GUID one are Graph's (reference §4.2); the code `BadRequest` and every
/// other fragment here are the emulator's own wording, recorded in docs/src/decisions.md.
#[actix_web::test]
async fn bad_query_options_are_400_naming_the_problem() {
    let app = spawn_app().await;
    assert_eq!(app.create_beta_package("Sales").await.status.as_u16(), 201);
    let deep = format!("{}displayName eq 'x'{}", "(".repeat(2000), ")".repeat(2000));
    let wide = vec!["isHidden"; 300].join(" or ");

    // A catalog filter with a non-GUID: Entitlement Management's InvalidFilter, verbatim
    // (reference §4.2, Microsoft365DSC#4032).
    for filter in ["catalogId eq 'not-a-guid'", "id eq 'Sales'"] {
        let error = app
            .get(&format!("{BETA}/accessPackages?$filter={}", encode(filter)))
            .await
            .assert_graph_error(400, "InvalidFilter");
        assert_eq!(
            error["message"], "OData query is invalid: Unrecognized Guid format",
            "{filter}"
        );
    }

    for (query, message) in [
        ("$filter=".to_owned(), "must not be empty"),
        (
            format!("$filter={}", encode("foo eq 1")),
            "Could not find a property named 'foo' on type 'microsoft.graph.accessPackage'.",
        ),
        (
            format!("$filter={}", encode("displayName eq")),
            "Syntax error",
        ),
        (
            format!("$filter={}", encode("displayName eq 'x")),
            "unterminated",
        ),
        (
            format!("$filter={}", encode("length(displayName) eq 3")),
            "unknown function",
        ),
        (
            format!("$filter={}", encode("displayName eq true")),
            "incompatible types",
        ),
        // A negative number is a number, not a property named '-1'.
        (
            format!("$filter={}", encode("displayName eq -1")),
            "incompatible types",
        ),
        // Keywords are not property names.
        (format!("$filter={}", encode("eq eq 'x'")), "Syntax error"),
        (
            format!("$filter={}", encode("displayName")),
            "not a Boolean",
        ),
        (format!("$filter={}", encode(&deep)), "nested"),
        (format!("$filter={}", encode(&wide)), "terms"),
        (
            "$orderby=colour".to_owned(),
            "Could not find a property named 'colour'",
        ),
        ("$top=-1".to_owned(), "non-negative integer"),
        ("$skip=many".to_owned(), "non-negative integer"),
        (
            "$select=nope".to_owned(),
            "Could not find a property named 'nope'",
        ),
        (
            "$expand=displayName".to_owned(),
            "not a navigation property",
        ),
        (
            "$expand=accessPackageCatalog($filter=x)".to_owned(),
            "only $select",
        ),
        ("$search=team".to_owned(), "'$search' is not supported"),
        ("$top=1&$top=2".to_owned(), "more than once"),
        ("$skiptoken=garbage".to_owned(), "$skiptoken"),
        // Forged: one value per sort key, but a number where displayName is text (and
        // text where isHidden is a boolean). SQLite would compare them anyway and
        // PostgreSQL refuse the statement: neither is an answer.
        (
            format!("$orderby=displayName&$skiptoken={}", token(&json!([5, ID]))),
            "$skiptoken",
        ),
        (
            format!("$orderby=isHidden&$skiptoken={}", token(&json!(["no", ID]))),
            "$skiptoken",
        ),
    ] {
        let response = app.get(&format!("{BETA}/accessPackages?{query}")).await;
        let error = response.assert_graph_error(400, "BadRequest");
        let text = error["message"].as_str().unwrap();
        assert!(text.contains(message), "{query}: {text}");
    }
}

/// A `$skiptoken` as the emulator writes one: its sort keys' values, JSON, base64url.
fn token(values: &Value) -> String {
    URL_SAFE_NO_PAD.encode(values.to_string())
}
