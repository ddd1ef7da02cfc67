//! The `$filter` parser, for every declared set in both versions: what fuzzing finds here
//! is a panic or a stack overflow (the parser has no way to answer anything but a 4xx).
//! Whether parsed filters select the right rows is tests/api/query_oracle's.
#![no_main]

use entitlement_emulator::model::{registry, Version};
use entitlement_emulator::odata::{filter, Limits, Scope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let limits = Limits {
        max_depth: 32,
        max_nodes: 256,
    };
    for entity in registry::ENTITY_TYPES {
        for version in Version::ALL {
            if let Err(e) = filter::parse(text, Scope::new(entity, version), limits) {
                assert!(e.status().is_client_error(), "{e:?}");
            }
        }
    }
});
