//! A service principal's password credentials: Graph's `passwordCredentials`, a collection
//! of a complex type kept as one JSON column, written by the actions `addPassword` and
//! `removePassword` and read by sign-in (`signin::directory`).
//!
//! A secret is made here, answered once by `addPassword`, and from then on only its
//! SHA-256 exists: Graph shows a credential with `secretText: null` and the secret's first
//! three characters as `hint`, and the fixture carries the digest as `secretSha256`. A
//! hand-written fixture may give `secretText` instead; it is hashed as it is read.

use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::json::{invalid, object, wrong_type, Object};
use super::operation::{Answer, Behaviour, Binding, Operation};
use super::values::{canonical_guid, format_instant, later, new_id, parse_instant};
use super::{ComplexType, Default, Dialect, Edm, Names, Property};
use crate::secret::{hex, parse_digest, sha256, Digest};
use crate::Error;

/// The column a service principal or an application keeps them in.
pub const COLUMN: &str = "password_credentials";

/// `passwordCredentials`, written only by `addPassword` and `removePassword` (and the
/// fixture).
pub const PROPERTY: Property = Property::new(
    COLUMN,
    Names::both("passwordCredentials"),
    Edm::Complex(&PASSWORD_CREDENTIALS),
)
.read_only()
.default(Default::Json("[]"));

/// The actions that change them, bound to an item of a set that has them.
pub const ADD_PASSWORD: Operation = Operation::new(
    Names::both("addPassword"),
    Binding::Item,
    Answer::Object,
    "A new client secret, shown only in this answer",
    Behaviour::AddPassword,
);
pub const REMOVE_PASSWORD: Operation = Operation::new(
    Names::both("removePassword"),
    Binding::Item,
    Answer::NoContent,
    "Remove a client secret by its keyId",
    Behaviour::RemovePassword,
);

pub static PASSWORD_CREDENTIALS: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.passwordCredential)",
    decode: |_, value, path| decode(value, path),
    encode: |dialect, stored| match dialect {
        Dialect::Fixture => stored.clone(),
        Dialect::Beta | Dialect::V1 => Value::Array(
            items(stored)
                .iter()
                .map(|credential| Value::Object(shown(credential, None)))
                .collect(),
        ),
    },
    schema: |_| json!({ "type": "array", "items": item_schema() }),
};

/// One `microsoft.graph.passwordCredential` as Graph writes it, for OpenAPI.
pub fn item_schema() -> Value {
    let text = json!({ "type": ["string", "null"] });
    let instant = json!({ "type": ["string", "null"], "format": "date-time" });
    json!({ "type": "object", "properties": {
        "customKeyIdentifier": text, "displayName": text, "endDateTime": instant,
        "hint": text, "keyId": { "type": "string", "format": "uuid" },
        "secretText": text, "startDateTime": instant,
    }, "required": ["keyId"] })
}

/// The members of Graph's type, which a body may carry.
const MEMBERS: [&str; 7] = [
    "customKeyIdentifier",
    "displayName",
    "endDateTime",
    "hint",
    "keyId",
    "secretText",
    "startDateTime",
];

fn items(stored: &Value) -> &[Value] {
    stored.as_array().map_or(&[], Vec::as_slice)
}

/// A stored credential as Graph shows it: the secret only in `addPassword`'s answer.
fn shown(stored: &Value, secret: Option<&str>) -> Map<String, Value> {
    MEMBERS
        .iter()
        .map(|name| {
            let value = match *name {
                "secretText" => secret.map_or(Value::Null, Value::from),
                name => stored.get(name).cloned().unwrap_or(Value::Null),
            };
            ((*name).to_owned(), value)
        })
        .collect()
}

/// The stored form, in a fixed order: Graph's members without the secret, then its digest.
fn stored(credential: &Map<String, Value>, key_id: String, digest: &Digest) -> Value {
    let member = |name: &str| credential.get(name).cloned().unwrap_or(Value::Null);
    object([
        ("customKeyIdentifier", member("customKeyIdentifier")),
        ("displayName", member("displayName")),
        ("endDateTime", member("endDateTime")),
        ("hint", member("hint")),
        ("keyId", Value::from(key_id)),
        ("startDateTime", member("startDateTime")),
        ("secretSha256", Value::from(hex(digest))),
    ])
}

/// A fixture's credentials → the stored form.
fn decode(value: &Value, path: &str) -> Result<Value, Error> {
    let Value::Array(credentials) = value else {
        return Err(wrong_type(path, value, "an array"));
    };
    let mut out: Vec<Value> = Vec::with_capacity(credentials.len());
    for (index, item) in credentials.iter().enumerate() {
        let at = format!("{path}[{index}]");
        let credential = Object::of(item, &at)?;
        let key_id = match credential.str("keyId")? {
            Some(id) => canonical_guid(id).ok_or_else(|| {
                invalid(&credential.path("keyId"), "A credential's keyId is a GUID.")
            })?,
            None => new_id(),
        };
        if out.iter().any(|other| other["keyId"] == key_id.as_str()) {
            return Err(invalid(
                &credential.path("keyId"),
                format!("Another credential has the keyId {key_id}."),
            ));
        }
        let mut members = Map::new();
        let (digest, hint) = match (credential.str("secretSha256")?, credential.str("secretText")?) {
            (Some(digest), _) => (
                parse_digest(digest).ok_or_else(|| {
                    invalid(&credential.path("secretSha256"), "A secret's SHA-256 is 64 hex digits.")
                })?,
                None,
            ),
            (None, Some(secret)) => (sha256(secret), Some(hint_of(secret))),
            (None, None) => {
                return Err(invalid(
                    &credential.path("secretSha256"),
                    "A credential needs the SHA-256 of its secret (secretSha256), or the secret (secretText).",
                ))
            }
        };
        for name in ["customKeyIdentifier", "displayName", "hint"] {
            if let Some(text) = credential.str(name)? {
                members.insert(name.to_owned(), Value::from(text));
            }
        }
        if let Some(hint) = hint {
            members.entry("hint").or_insert(Value::from(hint));
        }
        for name in ["startDateTime", "endDateTime"] {
            if let Some(text) = credential.str(name)? {
                let instant = parse_instant(text)
                    .map_err(|problem| invalid(&credential.path(name), problem))?;
                members.insert(name.to_owned(), Value::from(format_instant(instant)));
            }
        }
        out.push(stored(&members, key_id, &digest));
    }
    Ok(Value::Array(out))
}

fn hint_of(secret: &str) -> String {
    secret.chars().take(3).collect()
}

/// `addPassword`'s answer and what is stored: the only moment a secret exists.
pub struct NewPassword {
    /// Goes into the service principal's column (the secret as its digest).
    pub stored: Value,
    /// `microsoft.graph.passwordCredential`, `secretText` included.
    pub answer: Map<String, Value>,
}

impl NewPassword {
    /// From `{"passwordCredential": {displayName?, startDateTime?, endDateTime?}}` or `{}`.
    /// The other members of the type (`keyId`, `hint`, `secretText`, …) are the service's
    /// to choose: accepted and ignored.
    pub fn from_body(body: &Value) -> Result<Self, Error> {
        let parameters = parameters(body, "addPassword", &["passwordCredential"])?;
        let given = match parameters.get("passwordCredential") {
            None => Map::new(),
            Some(value) => {
                Object::of(value, "passwordCredential")?
                    .only(&MEMBERS, "microsoft.graph.passwordCredential")?;
                value.as_object().cloned().unwrap_or_default()
            }
        };
        Self::from_members(&given)
    }

    fn from_members(given: &Map<String, Value>) -> Result<Self, Error> {
        let text = |name: &str| -> Result<Option<String>, Error> {
            match given.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(other) => Err(wrong_type(
                    &format!("passwordCredential.{name}"),
                    other,
                    "a string",
                )),
            }
        };
        let instant = |name: &str| -> Result<Option<OffsetDateTime>, Error> {
            text(name)?
                .map(|text| parse_instant(&text).map_err(|_| invalid_property(name)))
                .transpose()
        };
        let start = instant("startDateTime")?.unwrap_or_else(OffsetDateTime::now_utc);
        let end = match instant("endDateTime")? {
            Some(end) if end <= start => return Err(invalid_property("endDateTime")),
            Some(end) => end,
            None => two_years_after(start),
        };
        let secret = new_secret()?;
        let mut members = Map::new();
        members.insert(
            "displayName".to_owned(),
            text("displayName")?.map_or(Value::Null, Value::from),
        );
        members.insert("endDateTime".to_owned(), Value::from(format_instant(end)));
        members.insert("hint".to_owned(), Value::from(hint_of(&secret)));
        members.insert(
            "startDateTime".to_owned(),
            Value::from(format_instant(start)),
        );
        let stored = stored(&members, new_id(), &sha256(&secret));
        let answer = shown(&stored, Some(&secret));
        Ok(Self { stored, answer })
    }
}

/// `removePassword`'s `{"keyId": "…"}`.
pub fn key_to_remove(body: &Value) -> Result<String, Error> {
    let parameters = parameters(body, "removePassword", &["keyId"])?;
    let Some(key_id) = parameters.str("keyId")? else {
        return Err(Error::rule_on(
            400,
            "Request_BadRequest",
            "Property keyId value is required but is empty or missing.",
            "PropertyRequired",
            "keyId",
        ));
    };
    canonical_guid(key_id).ok_or_else(|| {
        Error::RequestBodyRead(format!(
            "Cannot convert the literal '{key_id}' to the expected type 'Edm.Guid'."
        ))
    })
}

/// The credentials without the one `key_id` names; `None` when none has it.
pub fn without(stored: &Value, key_id: &str) -> Option<Value> {
    let all = items(stored);
    let kept: Vec<Value> = all
        .iter()
        .filter(|credential| credential["keyId"] != key_id)
        .cloned()
        .collect();
    (kept.len() < all.len()).then_some(Value::Array(kept))
}

/// `removePassword` of a keyId the service principal does not have: 400, as Graph answers.
pub fn unknown_key(key_id: &str) -> Error {
    Error::rule(
        400,
        "Request_BadRequest",
        format!("No password credential found with keyId {key_id}."),
    )
}

/// A stored credential as sign-in needs it: the digest's hex and the validity.
pub struct StoredSecret<'a> {
    pub sha256: &'a str,
    pub start: Option<&'a str>,
    pub end: Option<&'a str>,
}

pub fn stored_secrets(stored: &Value) -> impl Iterator<Item = StoredSecret<'_>> {
    items(stored).iter().filter_map(|credential| {
        Some(StoredSecret {
            sha256: credential.get("secretSha256")?.as_str()?,
            start: credential.get("startDateTime").and_then(Value::as_str),
            end: credential.get("endDateTime").and_then(Value::as_str),
        })
    })
}

/// An action's parameters: an object naming only the action's own.
fn parameters<'a>(body: &'a Value, action: &str, known: &[&str]) -> Result<Object<'a>, Error> {
    let Value::Object(members) = body else {
        return Err(Error::RequestBodyRead(format!(
            "The request body of '{action}' must be a JSON object."
        )));
    };
    if let Some(name) = members
        .keys()
        .find(|name| !name.contains('@') && !known.contains(&name.as_str()))
    {
        return Err(Error::RequestBodyRead(format!(
            "The parameter '{name}' in the request payload is not a valid parameter for the operation '{action}'."
        )));
    }
    Object::of(body, "")
}

/// The directory's words for a value it does not take.
fn invalid_property(name: &str) -> Error {
    Error::rule_on(
        400,
        "Request_BadRequest",
        format!("Invalid value specified for property '{name}' of resource 'PasswordCredential'."),
        "InvalidValue",
        name,
    )
}

/// Graph's default lifetime, two calendar years (29 February to 28 February, as .NET's
/// `AddYears` does).
fn two_years_after(start: OffsetDateTime) -> OffsetDateTime {
    let year = start.year() + 2;
    start
        .replace_year(year)
        .or_else(|_| start.replace_day(28).and_then(|day| day.replace_year(year)))
        .unwrap_or_else(|_| later(start, time::Duration::days(730)))
}

/// Entra's secrets are 40 characters: three, a version digit, `Q~`, then 34 more. Each
/// character is drawn uniformly from the system's secure random source.
fn new_secret() -> Result<String, Error> {
    const HEAD: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_~.";
    const TAIL: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_~.-";
    let random = SystemRandom::new();
    let mut secret = String::with_capacity(40);
    draw(&random, HEAD, 3, &mut secret)?;
    secret.push_str("8Q~");
    draw(&random, TAIL, 34, &mut secret)?;
    Ok(secret)
}

fn draw(
    random: &SystemRandom,
    alphabet: &[u8],
    count: usize,
    out: &mut String,
) -> Result<(), Error> {
    // Bytes at or above the last whole multiple of the alphabet are dropped, so that no
    // character is likelier than another.
    let limit = 256 - 256 % alphabet.len();
    let mut drawn = 0;
    while drawn < count {
        let mut bytes = [0u8; 64];
        random
            .fill(&mut bytes)
            .map_err(|_| Error::internal("the system's random source failed"))?;
        for byte in bytes.map(usize::from) {
            if drawn == count {
                break;
            }
            if byte < limit {
                out.push(char::from(alphabet[byte % alphabet.len()]));
                drawn += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_look_like_entras_and_differ() {
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), 40);
        assert_eq!(&secret[3..6], "8Q~");
        assert!(secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_~.-".contains(&b)));
        assert_ne!(secret, new_secret().unwrap());
    }

    #[test]
    fn two_years_as_dotnet_adds_them() {
        let leap = parse_instant("2024-02-29T12:00:00Z").unwrap();
        assert_eq!(
            format_instant(two_years_after(leap)),
            "2026-02-28T12:00:00.0000000Z"
        );
        let plain = parse_instant("2019-09-09T19:50:29.3086381Z").unwrap();
        assert_eq!(
            format_instant(two_years_after(plain)),
            "2021-09-09T19:50:29.3086381Z"
        );
    }

    #[test]
    fn graph_never_shows_the_digest_and_the_fixture_keeps_it() {
        let new =
            NewPassword::from_body(&json!({"passwordCredential": {"displayName": "ci"}})).unwrap();
        let secret = new.answer["secretText"].as_str().unwrap().to_owned();
        assert_eq!(new.answer["hint"], secret[..3]);
        let column = Value::Array(vec![new.stored.clone()]);
        let shown = (PASSWORD_CREDENTIALS.encode)(Dialect::V1, &column);
        assert_eq!(shown[0]["secretText"], Value::Null);
        assert!(shown[0].get("secretSha256").is_none());
        assert!(!shown.to_string().contains(&secret));
        let fixture = (PASSWORD_CREDENTIALS.encode)(Dialect::Fixture, &column);
        assert_eq!(fixture[0]["secretSha256"], hex(&sha256(&secret)));
        assert_eq!(decode(&fixture, "passwordCredentials").unwrap(), column);
    }
}
