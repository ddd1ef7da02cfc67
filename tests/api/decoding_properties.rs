//! The two decoders every request meets — the JSON body and `$filter` — called directly
//! with generated inputs for every declared entity set in both versions. What this can
//! catch is a panic (or a stack overflow): the decoders have no way to answer anything but
//! a client error, so "each is a 4xx" holds by construction and is asserted only to keep
//! it so. Whether a query answers the *right* rows is `query_oracle`'s; whether generated
//! filters survive SQL is `hostile_filters`'.

use entitlement_emulator::graph::body::parse;
use entitlement_emulator::graph::wire::decode;
use entitlement_emulator::model::{registry, Mode, Version};
use entitlement_emulator::odata::{filter, Limits, Scope};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

use crate::hostile_filters::filter_text;

const CASES: u32 = 40_000;

/// A fixed seed: the same inputs every run, so a failure seen once is seen again (and
/// printed, minimised, by proptest). `PROPTEST_RNG_SEED` is not read: change it here.
fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(20_261_201),
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

/// Which set, version and kind of write a case decodes for: generated with the input, so
/// every case costs one decode and the cases cover every declared set.
fn target() -> impl Strategy<Value = (usize, Version, Mode)> {
    (
        0..registry::ENTITY_TYPES.len(),
        prop_oneof![Just(Version::Beta), Just(Version::V1)],
        prop_oneof![Just(Mode::Create), Just(Mode::Update), Just(Mode::Replace)],
    )
}

fn decode_for(
    bytes: &[u8],
    (entity, version, mode): (usize, Version, Mode),
) -> Result<(), TestCaseError> {
    match parse(bytes) {
        Err(error) => must_be_client_error(&error),
        Ok(value) => match decode(registry::ENTITY_TYPES[entity], version.into(), value, mode) {
            Err(error) => must_be_client_error(&error),
            Ok(_) => Ok(()),
        },
    }
}

#[test]
fn generated_bodies_never_panic_the_decoder() {
    let mut runner = runner();
    runner
        .run(&(body_text(), target()), |(text, target)| {
            decode_for(text.as_bytes(), target)
        })
        .expect("no generated body panics");
}

/// Raw bytes, most of them not UTF-8 or not JSON at all.
#[test]
fn arbitrary_bytes_never_panic_the_decoder() {
    let mut runner = runner();
    runner
        .run(
            &(proptest::collection::vec(any::<u8>(), 0..256), target()),
            |(bytes, target)| decode_for(&bytes, target),
        )
        .expect("no byte string panics");
}

#[test]
fn generated_filters_never_panic_the_parser() {
    let limits = Limits {
        max_depth: 32,
        max_nodes: 256,
    };
    let mut runner = runner();
    runner
        .run(
            &(filter_text(), target()),
            |(text, (entity, version, _))| {
                let scope = Scope::new(registry::ENTITY_TYPES[entity], version);
                if let Err(error) = filter::parse(&text, scope, limits) {
                    must_be_client_error(&error)?;
                }
                Ok(())
            },
        )
        .expect("no generated $filter panics");
}
