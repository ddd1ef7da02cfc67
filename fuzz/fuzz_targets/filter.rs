//! The `$filter` parser: any text parses or gives a 4xx-class error, within its limits.
#![no_main]

use entitlement_emulator::graph::odata::{filter, Limits};
use entitlement_emulator::resources::access_package::{BETA_SCHEMA, V1_SCHEMA};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let limits = Limits {
        max_depth: 32,
        max_nodes: 256,
    };
    for schema in [&BETA_SCHEMA, &V1_SCHEMA] {
        if let Err(e) = filter::parse(text, schema, limits) {
            assert!(e.status().is_client_error(), "{e:?}");
        }
    }
});
