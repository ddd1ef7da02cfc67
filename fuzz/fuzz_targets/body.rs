//! Request-body decoding and validation: any bytes give a value or a 4xx-class error.
#![no_main]

use entitlement_emulator::graph::body::decode;
use entitlement_emulator::graph::{Beta, V1};
use entitlement_emulator::resources::access_package::{
    BetaCreateAccessPackage, BetaUpdateAccessPackage, V1CreateAccessPackage,
};
use entitlement_emulator::resources::AccessPackageDialect;
use libfuzzer_sys::fuzz_target;

fn client_error(error: &entitlement_emulator::Error) {
    assert!(error.status().is_client_error(), "{error:?}");
}

fuzz_target!(|data: &[u8]| {
    match decode::<BetaCreateAccessPackage>(data) {
        Ok(body) => {
            if let Err(e) = <Beta as AccessPackageDialect>::validate(body) {
                client_error(&e);
            }
        }
        Err(e) => client_error(&e),
    }
    match decode::<V1CreateAccessPackage>(data) {
        Ok(body) => {
            if let Err(e) = <V1 as AccessPackageDialect>::validate(body) {
                client_error(&e);
            }
        }
        Err(e) => client_error(&e),
    }
    if let Err(e) = decode::<BetaUpdateAccessPackage>(data) {
        client_error(&e);
    }
});
