//! Random `$filter` strings through the server, so that those that parse reach the SQL the
//! repository builds: each is a 200 or a Graph-shaped 400, never a 500 from SQLite, and the
//! table survives. (This cannot tell a right answer from a wrong one; `query_oracle` does.)

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

use crate::helpers::*;

/// `$filter`-ish text: real properties, operators and functions, literals, SQL, deep
/// nesting and random characters. Shared with `decoding_properties`.
pub fn filter_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("displayName".to_owned()),
        Just("description".to_owned()),
        Just("isHidden".to_owned()),
        Just("catalogId".to_owned()),
        Just("accessPackageCatalog/id".to_owned()),
        Just("catalog/id".to_owned()),
        Just("createdDateTime".to_owned()),
        Just("eq".to_owned()),
        Just("ne".to_owned()),
        Just("le".to_owned()),
        Just("gt".to_owned()),
        Just("and".to_owned()),
        Just("or".to_owned()),
        Just("not".to_owned()),
        Just("in".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(",".to_owned()),
        Just("contains(".to_owned()),
        Just("startswith(".to_owned()),
        Just("tolower(".to_owned()),
        Just("null".to_owned()),
        Just("false".to_owned()),
        Just("true".to_owned()),
        Just("2020-01-01T00:00:00Z".to_owned()),
        Just("aa2f6514-3232-46e7-a08a-2411ad8d7128".to_owned()),
        Just("'x'''".to_owned()),
        Just("'it''s'".to_owned()),
        Just("'; DROP TABLE access_packages; --'".to_owned()),
        Just("((((((((((((((((((((((((((((((((((((".to_owned()),
        "[a-zA-Z0-9 '()/,.$%-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ];
    proptest::collection::vec(token, 0..16).prop_map(|tokens| tokens.join(" "))
}

#[test]
fn random_filters_never_give_a_5xx() {
    let system = actix_web::rt::System::new();
    let app = system.block_on(async {
        let app = spawn_app().await;
        app.create_beta_package("it's").await;
        app
    });
    // Fixed, as in decoding_properties: the same 300 filters every run.
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(20_261_201),
        ..Config::default()
    });
    runner
        .run(&filter_text(), |filter| {
            let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
            let response =
                system.block_on(app.get(&format!("{BETA}/accessPackages?$filter={encoded}")));
            let status = response.status.as_u16();
            prop_assert!(status == 200 || status == 400, "{filter:?} gave {status}");
            if status == 400 {
                // A GUID literal that is no GUID is ELM's InvalidFilter, with the
                // reference's message; every other refusal is BadRequest.
                let body = response.json();
                if body["error"]["code"] == "InvalidFilter" {
                    let error = response.assert_graph_error(400, "InvalidFilter");
                    prop_assert_eq!(
                        &error["message"],
                        "OData query is invalid: Unrecognized Guid format"
                    );
                } else {
                    response.assert_graph_error(400, "BadRequest");
                }
            }
            Ok(())
        })
        .expect("no filter makes the server fail");
    system.block_on(async {
        assert_eq!(
            app.count_rows("access_packages").await,
            1,
            "the table is intact"
        );
    });
}
