//! Request-body decoding and validation, for every declared set in both versions: what
//! fuzzing finds here is a panic (decoding has no way to answer anything but a 4xx).
#![no_main]

use entitlement_emulator::graph::body::parse;
use entitlement_emulator::graph::wire::decode;
use entitlement_emulator::model::{registry, Mode, Version};
use libfuzzer_sys::fuzz_target;

fn client_error(error: &entitlement_emulator::Error) {
    assert!(error.status().is_client_error(), "{error:?}");
}

fuzz_target!(|data: &[u8]| {
    let value = match parse(data) {
        Ok(value) => value,
        Err(e) => return client_error(&e),
    };
    for entity in registry::ENTITY_TYPES {
        for version in Version::ALL {
            for mode in [Mode::Create, Mode::Update, Mode::Replace] {
                if let Err(e) = decode(entity, version.into(), value.clone(), mode) {
                    client_error(&e);
                }
            }
        }
    }
});
