//! What a route serves, as its scope registers it: an entity set in a version, or a
//! navigation below one of its entities, and what its path names (keys, a function's
//! arguments). Handlers are written once and take these.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::auth::Caller;
use crate::model::{values, EntityType, Navigation, Version};
use crate::odata::Scope;
use crate::tenants::select::Store;
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

/// The `{id}` of the entity a route addresses; a key other than the id that the path
/// names (`users/{userPrincipalName}`, `servicePrincipals(appId='…')`) is looked up
/// here, so that every handler gets the id. A key that names nothing is the set's 404.
pub struct Key(pub String);

/// The route names its item as `/{set}(name='value')` (`EntityType::keys`).
#[derive(Debug, Clone, Copy)]
pub struct KeyCall;

/// The route names the signed-in user: `/me` and below it.
#[derive(Debug, Clone, Copy)]
pub struct Me;

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
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let given = |key: Result<String, Error>| -> Self::Future { Box::pin(ready(key.map(Key))) };
        if let Some(FixedKey(id)) = req.app_data::<FixedKey>() {
            return given(Ok((*id).to_owned()));
        }
        let set = req.app_data::<Set>().copied();
        let repository = Store::of(req).ok();
        // `/me` names the parent of what is below it; an item under it keeps its `{key}`.
        if req.app_data::<Me>().is_some() && req.app_data::<KeyName>().is_none() {
            let who = req.extensions().get::<Caller>().map(Caller::who);
            let (Some(who), Some(repository)) = (who, repository) else {
                return given(Err(Error::internal("/me without its caller")));
            };
            return Box::pin(async move {
                match repository.signed_in_user(&who).await? {
                    Some(user) => Ok(Key(user.id().to_owned())),
                    // A token of an application signs in no user.
                    None => Err(Error::rule(
                        400,
                        "BadRequest",
                        "/me request is only valid with delegated authentication flow.",
                    )),
                }
            });
        }
        if req.app_data::<KeyCall>().is_some() {
            let (Some(set), Some(repository)) = (set, repository) else {
                return given(Err(Error::internal("a key route without its set")));
            };
            let call = segment(req, "call").into_inner();
            return Box::pin(async move {
                let (column, value) = named_key(set.entity, &arguments(&call?)?)?;
                let id = repository.id_by_key(set.entity, Some(column), &value);
                Ok(Key(id.await?))
            });
        }
        let name = req.app_data::<KeyName>().map_or("id", |key| key.0);
        let key = match segment(req, name).into_inner() {
            Ok(key) => key,
            Err(error) => return given(Err(error)),
        };
        // Only the set's own `{id}` may be another key; GUIDs are ids.
        match (set, repository) {
            (Some(set), Some(repository))
                if name == "id"
                    && set.entity.alternate_key.is_some()
                    && values::canonical_guid(&key).is_none() =>
            {
                Box::pin(
                    async move { Ok(Key(repository.id_by_key(set.entity, None, &key).await?)) },
                )
            }
            _ => given(Ok(key)),
        }
    }
}

/// `(appId='…')` → the column of the key it names and the value.
fn named_key(
    entity: &EntityType,
    arguments: &[(String, String)],
) -> Result<(&'static str, String), Error> {
    let [(name, value)] = arguments else {
        return Err(Error::InvalidQuery(format!(
            "A {} is named by one key: {}.",
            entity.name,
            key_names(entity)
        )));
    };
    entity
        .keys
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, column)| (*column, value.clone()))
        .ok_or_else(|| {
            Error::InvalidQuery(format!(
                "'{name}' is no key of {}: {}.",
                entity.name,
                key_names(entity)
            ))
        })
}

fn key_names(entity: &EntityType) -> String {
    entity
        .keys
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
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
