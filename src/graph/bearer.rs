//! `Authorization: Bearer <token>` as Graph's callers send it, and the unchecked payload of a
//! JWT: who the caller says it is, and which tenant it names, before (or without) the
//! token being verified.

use actix_web::http::header::{HeaderMap, AUTHORIZATION};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::de::DeserializeOwned;

/// The token of `Authorization: Bearer <token>`, if there is a non-empty one.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// JWT payloads are base64url; some issuers pad them, so padding is optional.
pub const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The payload of a JWT, unchecked; `None` for an opaque token.
pub fn payload<T: DeserializeOwned>(token: &str) -> Option<T> {
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    serde_json::from_slice(&BASE64URL.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_empty_bearer_tokens_count() {
        let mut headers = HeaderMap::new();
        assert_eq!(token(&headers), None);
        for (value, expected) in [
            ("Bearer abc", Some("abc")),
            ("bearer  abc ", Some("abc")),
            ("Bearer ", None),
            ("Basic abc", None),
        ] {
            headers.insert(AUTHORIZATION, value.parse().unwrap());
            assert_eq!(token(&headers), expected, "{value}");
        }
    }
}
