//! The two decoders every request meets — the JSON body and `$filter` — called directly
//! with 100,000+ generated inputs: each is accepted or refused with a client error, none
//! panics and none is a server error. (The HTTP-level property tests in `hostile_filters`
//! show the same through the server; here the case count is affordable.)

use entitlement_emulator::graph::body::decode;
use entitlement_emulator::graph::odata::{filter, Limits};
use entitlement_emulator::graph::{Beta, V1};
use entitlement_emulator::resources::access_package::{
    BetaCreateAccessPackage, BetaUpdateAccessPackage, V1CreateAccessPackage, BETA_SCHEMA, V1_SCHEMA,
};
use entitlement_emulator::resources::{AccessPackageDialect, CatalogDialect};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::hostile_filters::filter_text;

const CASES: u32 = 40_000;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

/// JSON-ish text: real property names and values, SQL and hostile strings, broken syntax.
fn body_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just(r#""catalogId""#.to_owned()),
        Just(r#""displayName""#.to_owned()),
        Just(r#""description""#.to_owned()),
        Just(r#""isHidden""#.to_owned()),
        Just(r#""catalog""#.to_owned()),
        Just(r#""id""#.to_owned()),
        Just(r#""@odata.type""#.to_owned()),
        Just(r#""aa2f6514-3232-46e7-a08a-2411ad8d7128""#.to_owned()),
        Just(r#""'; DROP TABLE access_packages; --""#.to_owned()),
        Just(r#""\u0000\ud800""#.to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("1e400".to_owned()),
        Just("-0".to_owned()),
        Just("18446744073709551616".to_owned()),
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        "[ -~]{0,6}",
    ];
    proptest::collection::vec(token, 0..24).prop_map(|tokens| tokens.concat())
}

fn must_be_client_error(error: &entitlement_emulator::Error) -> Result<(), TestCaseError> {
    prop_assert!(
        error.status().is_client_error(),
        "{error:?} is {}",
        error.status()
    );
    Ok(())
}

#[test]
fn generated_bodies_are_accepted_or_refused_with_a_4xx() {
    let mut runner = runner();
    runner
        .run(&body_text(), |text| {
            let bytes = text.as_bytes();
            match decode::<BetaCreateAccessPackage>(bytes) {
                Ok(body) => {
                    if let Err(error) = <Beta as AccessPackageDialect>::validate(body) {
                        must_be_client_error(&error)?;
                    }
                }
                Err(error) => must_be_client_error(&error)?,
            }
            match decode::<V1CreateAccessPackage>(bytes) {
                Ok(body) => {
                    if let Err(error) = <V1 as AccessPackageDialect>::validate(body) {
                        must_be_client_error(&error)?;
                    }
                }
                Err(error) => must_be_client_error(&error)?,
            }
            if let Err(error) = decode::<BetaUpdateAccessPackage>(bytes) {
                must_be_client_error(&error)?;
            }
            if let Err(error) = decode::<<Beta as CatalogDialect>::Create>(bytes) {
                must_be_client_error(&error)?;
            }
            Ok(())
        })
        .expect("no generated body panics or is a server error");
}

/// Raw bytes, most of them not UTF-8 or not JSON at all.
#[test]
fn arbitrary_bytes_are_refused_with_a_4xx() {
    let mut runner = runner();
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..256), |bytes| {
            if let Err(error) = decode::<BetaCreateAccessPackage>(&bytes) {
                must_be_client_error(&error)?;
            }
            Ok(())
        })
        .expect("no byte string panics or is a server error");
}

#[test]
fn generated_filters_parse_or_are_refused_with_a_4xx() {
    let limits = Limits {
        max_depth: 32,
        max_nodes: 256,
    };
    let mut runner = runner();
    runner
        .run(&filter_text(), |text| {
            for schema in [&BETA_SCHEMA, &V1_SCHEMA] {
                if let Err(error) = filter::parse(&text, schema, limits) {
                    must_be_client_error(&error)?;
                }
            }
            Ok(())
        })
        .expect("no generated $filter panics or is a server error");
}
