//! The `$filter` parser, for every declared set in both versions: any text parses or
//! gives a 4xx-class error, within its limits.
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
