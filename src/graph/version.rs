//! The absolute URLs Graph writes into responses: `@odata.context`, `Location`,
//! `@odata.nextLink`, for whichever version the request was routed through.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};

use crate::model::{EntityType, Version};
use crate::Error;

/// `server.public_url`, when set: the base used instead of each request's scheme and Host.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub Option<String>);

/// `{base}/{version}` as the client addressed it.
pub struct ServiceRoot {
    base: String,
    path: String,
    pub version: Version,
}

/// `identityGovernance/entitlementManagement/accessPackages`: a set's path below the version.
pub fn set_path(entity: &EntityType, version: Version) -> String {
    let set = entity.set(version).unwrap_or(entity.name);
    if entity.root.is_empty() {
        set.to_owned()
    } else {
        format!("{}/{set}", entity.root)
    }
}

impl ServiceRoot {
    /// `{base}/{version}/$metadata#`
    pub fn metadata(&self) -> String {
        format!("{}/{}/$metadata#", self.base, self.version.segment())
    }

    /// `…/$metadata#identityGovernance/entitlementManagement/{set}{clause}/$entity`, with the
    /// `(…)` that `$select` adds.
    pub fn entity_context(&self, entity: &EntityType, clause: &str) -> String {
        // A singleton is addressed as itself, not as an entity of a set.
        let suffix = if entity.singleton.is_some() {
            ""
        } else {
            "/$entity"
        };
        format!(
            "{}{}{clause}{suffix}",
            self.metadata(),
            set_path(entity, self.version)
        )
    }

    /// `…/$metadata#identityGovernance/entitlementManagement/{set}{clause}`
    pub fn collection_context(&self, entity: &EntityType, clause: &str) -> String {
        format!(
            "{}{}{clause}",
            self.metadata(),
            set_path(entity, self.version)
        )
    }

    /// `…/$metadata#…/{set}('{id}')/{navigation}{clause}`
    pub fn navigation_context(
        &self,
        parent: &EntityType,
        id: &str,
        navigation: &str,
        clause: &str,
    ) -> String {
        format!(
            "{}{}('{id}')/{navigation}{clause}",
            self.metadata(),
            set_path(parent, self.version)
        )
    }

    /// The absolute URL of this request without its query, for `@odata.nextLink`.
    pub fn request_url(&self) -> String {
        format!("{}{}", self.base, self.path)
    }

    /// The URL a `$ref` listing gives for a linked object: a directory object's as a
    /// directory object, whatever its kind; anything else its own.
    pub fn reference_url(&self, entity: &EntityType, id: &str) -> String {
        match entity.root.is_empty() {
            true => format!(
                "{}/{}/directoryObjects/{id}",
                self.base,
                self.version.segment()
            ),
            false => self.entity_url(entity, id),
        }
    }

    /// The canonical URL of one entity, as sent in `Location`.
    pub fn entity_url(&self, entity: &EntityType, id: &str) -> String {
        format!(
            "{}/{}/{}/{id}",
            self.base,
            self.version.segment(),
            set_path(entity, self.version)
        )
    }
}

/// The base URL clients reached the emulator at: `server.public_url` when set, else the
/// request's scheme and Host (a published port's, behind Docker), which every URL the
/// emulator writes starts with.
pub fn base_url(req: &HttpRequest, public_url: Option<&str>) -> String {
    match public_url {
        Some(url) => url.to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

impl FromRequest for ServiceRoot {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let public_url = match req.app_data::<PublicUrl>() {
            Some(PublicUrl(url)) => url.as_deref(),
            None => None,
        };
        let base = base_url(req, public_url);
        ready(match req.app_data::<Version>() {
            Some(version) => Ok(Self {
                base,
                path: req.path().to_owned(),
                version: *version,
            }),
            None => Err(Error::internal("no version registered for this route")),
        })
    }
}
