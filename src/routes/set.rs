//! What a route serves, as its scope registers it: an entity set in a version, or a
//! navigation below one of its entities, and what its path names (keys, a function's
//! arguments). Handlers are written once and take these.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};

use crate::model::{EntityType, Navigation, Version};
use crate::odata::Scope;
use crate::Error;

/// `/{version}/…/{set}`.
#[derive(Debug, Clone, Copy)]
pub struct Set {
    pub entity: &'static EntityType,
    pub version: Version,
}

impl Set {
    pub fn scope(self) -> Scope {
        Scope::new(self.entity, self.version)
    }
}

/// `/{version}/…/{set}/{id}/{navigation}`.
#[derive(Debug, Clone, Copy)]
pub struct NavigationRoute {
    pub parent: Set,
    pub navigation: &'static Navigation,
    /// The navigation's name in this version.
    pub name: &'static str,
}

impl NavigationRoute {
    /// The set the navigation leads to, as this version spells it.
    pub fn target(self) -> Set {
        Set {
            entity: self.navigation.target(),
            version: self.parent.version,
        }
    }
}

fn registered<T: Copy + 'static>(req: &HttpRequest) -> Ready<Result<T, Error>> {
    ready(
        req.app_data::<T>()
            .copied()
            .ok_or_else(|| Error::internal("a route without its registration")),
    )
}

impl FromRequest for Set {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        registered(req)
    }
}

impl FromRequest for NavigationRoute {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        registered(req)
    }
}

/// The `{id}` of the entity a route addresses.
pub struct Key(pub String);

/// The path segment holding a navigation's parent key, when it is not `{id}` (a
/// navigation of an item reached through another navigation).
#[derive(Debug, Clone, Copy)]
pub struct KeyName(pub &'static str);

/// The key of a singleton's one row, which its path does not carry.
#[derive(Debug, Clone, Copy)]
pub struct FixedKey(pub &'static str);

/// The `{key}` of a contained navigation's item.
pub struct ItemKey(pub String);

fn segment(req: &HttpRequest, name: &str) -> Ready<Result<String, Error>> {
    ready(
        req.match_info()
            .get(name)
            .map(str::to_owned)
            .ok_or_else(|| Error::internal("a route without its key")),
    )
}

impl FromRequest for Key {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(FixedKey(id)) = req.app_data::<FixedKey>() {
            return ready(Ok(Key((*id).to_owned())));
        }
        let name = req.app_data::<KeyName>().map_or("id", |key| key.0);
        ready(segment(req, name).into_inner().map(Key))
    }
}

impl FromRequest for ItemKey {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, "key").into_inner().map(ItemKey))
    }
}

/// `name(key='value',…)` → its arguments, percent-decoded.
pub fn arguments(call: &str) -> Result<Vec<(String, String)>, Error> {
    let decoded: String = percent_decode(call);
    let inner = decoded
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .ok_or_else(|| Error::InvalidQuery(format!("'{decoded}' is not a function call.")))?;
    inner
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').ok_or_else(|| {
                Error::InvalidQuery(format!("The function argument '{part}' has no value."))
            })?;
            let value = value.trim();
            let value = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or(value);
            Ok((key.trim().to_owned(), value.replace("''", "'")))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at)
                .and_then(|byte| char::from(*byte).to_digit(16))
        };
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn argument(arguments: &[(String, String)], name: &str) -> Result<String, Error> {
    arguments
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
        .ok_or_else(|| Error::InvalidQuery(format!("The function needs the parameter '{name}'.")))
}
