//! What the journal must not keep: secrets a client sent or was given. The journal is read
//! over HTTP by tests and pasted into bug reports, so everything secret-bearing is replaced
//! by `[redacted]` while its presence stays visible:
//! - headers by allow-list: only headers known to carry no credential keep their value
//!   (an `X-Api-Key` or a proxy's own header is named, not shown);
//! - query parameters whose name says secret, token, password, key, code, signature or
//!   assertion;
//! - JSON string members with such names at any depth (`secretText`, `passwordProfile.password`,
//!   `client_secret`, …), in request and response bodies; a form body like a query string.

use serde_json::Value;

pub const REDACTED: &str = "[redacted]";

/// Headers whose values are kept: content negotiation, tracing ids, OData and Graph options,
/// the emulator's own test headers. Any other header is kept by name only.
const KEPT_HEADERS: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "cache-control",
    "client-request-id",
    "connection",
    "consistencylevel",
    "content-encoding",
    "content-length",
    "content-type",
    "host",
    "if-match",
    "if-none-match",
    "odata-maxversion",
    "odata-version",
    "prefer",
    "return-client-request-id",
    "sdkversion",
    "traceparent",
    "transfer-encoding",
    "user-agent",
    "x-emulator-delivery",
    "x-emulator-fault",
    "x-ms-client-request-id",
];

/// Parts of names that mark a value as a secret, matched without case, `_` or `-`.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "token",
    "password",
    "passwd",
    "apikey",
    "assertion",
    "signature",
    "credential",
];

/// Query parameters that are secrets by OAuth's and URL signing's conventions, though
/// their names say nothing (a JSON `code` is an error's code).
const SECRET_PARAMETERS: &[&str] = &["code", "sig", "key"];

fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_secret_name(name: &str) -> bool {
    let folded = folded(name);
    // `key` as a suffix (api_key, accessKey), but not `keyId`.
    folded.ends_with("key") || SECRET_WORDS.iter().any(|word| folded.contains(word))
}

fn is_secret_parameter(name: &str) -> bool {
    is_secret_name(name) || SECRET_PARAMETERS.contains(&folded(name).as_str())
}

/// A header's value as the journal keeps it.
pub fn header(name: &str, value: &[u8]) -> Value {
    if KEPT_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        Value::String(String::from_utf8_lossy(value).into_owned())
    } else {
        Value::from(REDACTED)
    }
}

/// A query string (or form body) with secret parameters' values replaced.
pub fn query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_parameter(&decoded(name)) => format!("{name}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn decoded(name: &str) -> String {
    form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(name, _)| name.into_owned())
        .unwrap_or_default()
}

/// A body as the journal keeps it: JSON with secret members replaced (byte for byte as
/// sent when there were none), a form like a query string, anything else as sent.
pub fn body(bytes: &[u8]) -> Vec<u8> {
    if let Ok(mut value) = serde_json::from_slice::<Value>(bytes) {
        return match json(&mut value) {
            true => serde_json::to_vec(&value).unwrap_or_default(),
            false => bytes.to_vec(),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if looks_like_a_form(text) => query(text).into_bytes(),
        _ => bytes.to_vec(),
    }
}

fn looks_like_a_form(text: &str) -> bool {
    !text.contains(char::is_whitespace) && text.contains('=')
}

/// Replaces secret string members in place; whether there were any. Every member is
/// visited, so no short-circuiting `any`.
fn json(value: &mut Value) -> bool {
    let mut changed = false;
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret_name(name) && member.is_string() {
                    *member = Value::from(REDACTED);
                    changed = true;
                } else {
                    changed |= json(member);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                changed |= json(item);
            }
        }
        _ => {}
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_their_neighbours() {
        for secret in [
            "secretText",
            "client_secret",
            "password",
            "access_token",
            "refresh_token",
            "X-Api-Key",
            "api_key",
            "client_assertion",
            "hs256Secret",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in [
            "displayName",
            "keyId",
            "signInAudience",
            "$filter",
            "hint",
            "startDateTime",
            "mode",
            "code",
        ] {
            assert!(!is_secret_name(plain), "{plain}");
        }
        for parameter in ["code", "sig", "key", "client_secret"] {
            assert!(is_secret_parameter(parameter), "{parameter}");
        }
    }

    #[test]
    fn json_members_at_any_depth_and_forms_and_queries() {
        let kept = body(
            br#"{"displayName":"x","passwordProfile":{"password":"p@ss","forceChangePasswordNextSignIn":true},"secretText":"s~1","keyId":"k"}"#,
        );
        let kept: Value = serde_json::from_slice(&kept).unwrap();
        assert_eq!(kept["passwordProfile"]["password"], REDACTED);
        assert_eq!(kept["secretText"], REDACTED);
        assert_eq!(kept["keyId"], "k");
        assert_eq!(kept["displayName"], "x");
        assert_eq!(
            query("$filter=a%20eq%201&client_secret=abc&access_token=t"),
            "$filter=a%20eq%201&client_secret=[redacted]&access_token=[redacted]"
        );
        assert_eq!(
            String::from_utf8(body(b"grant_type=client_credentials&client_secret=abc")).unwrap(),
            "grant_type=client_credentials&client_secret=[redacted]"
        );
        assert_eq!(header("x-api-key", b"k"), REDACTED);
        assert_eq!(
            header("Content-Type", b"application/json"),
            "application/json"
        );
    }
}
