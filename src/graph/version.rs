//! The two API versions and the absolute URLs Graph writes into responses.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::{dev::Payload, FromRequest, HttpRequest};

use crate::Error;

/// Where every Entitlement Management path starts, below the version segment.
pub const ENTITLEMENT_MANAGEMENT: &str = "identityGovernance/entitlementManagement";

/// A Graph API version. Handlers are generic over it, so one handler serves both versions
/// and the types decide the wire shape.
pub trait ApiVersion: 'static {
    /// The path segment: `beta` or `v1.0`.
    const SEGMENT: &'static str;
}

pub struct Beta;

impl ApiVersion for Beta {
    const SEGMENT: &'static str = "beta";
}

pub struct V1;

impl ApiVersion for V1 {
    const SEGMENT: &'static str = "v1.0";
}

/// `server.public_url`, when set: the base used instead of each request's scheme and Host.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub Option<String>);

/// `{base}/{version}` as the client addressed it, for `@odata.context` and `Location`.
pub struct ServiceRoot<V> {
    base: String,
    path: String,
    version: PhantomData<V>,
}

impl<V: ApiVersion> ServiceRoot<V> {
    /// `…/$metadata#identityGovernance/entitlementManagement/{set}/$entity`
    pub fn entity_context(&self, entity_set: &str) -> String {
        self.selected_entity_context(entity_set, "")
    }

    /// As `entity_context`, with the `(…)` that `$select` adds: `…/{set}(id,displayName)/$entity`.
    pub fn selected_entity_context(&self, entity_set: &str, clause: &str) -> String {
        format!(
            "{}/{}/$metadata#{ENTITLEMENT_MANAGEMENT}/{entity_set}{clause}/$entity",
            self.base,
            V::SEGMENT
        )
    }

    /// `…/$metadata#identityGovernance/entitlementManagement/{set}(…)`
    pub fn collection_context(&self, entity_set: &str, clause: &str) -> String {
        format!(
            "{}/{}/$metadata#{ENTITLEMENT_MANAGEMENT}/{entity_set}{clause}",
            self.base,
            V::SEGMENT
        )
    }

    /// `…/$metadata#identityGovernance/entitlementManagement/{set}('{id}')/{navigation}(…)`
    pub fn navigation_context(
        &self,
        entity_set: &str,
        id: &str,
        navigation: &str,
        clause: &str,
    ) -> String {
        format!(
            "{}/{}/$metadata#{ENTITLEMENT_MANAGEMENT}/{entity_set}('{id}')/{navigation}{clause}",
            self.base,
            V::SEGMENT
        )
    }

    /// The absolute URL of this request without its query, for `@odata.nextLink`.
    pub fn request_url(&self) -> String {
        format!("{}{}", self.base, self.path)
    }

    /// The canonical URL of one entity, as sent in `Location`.
    pub fn entity_url(&self, entity_set: &str, id: &str) -> String {
        format!(
            "{}/{}/{ENTITLEMENT_MANAGEMENT}/{entity_set}/{id}",
            self.base,
            V::SEGMENT
        )
    }
}

impl<V: ApiVersion> FromRequest for ServiceRoot<V> {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let base = match req.app_data::<PublicUrl>() {
            Some(PublicUrl(Some(url))) => url.clone(),
            _ => {
                let info = req.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        };
        ready(Ok(Self {
            base,
            path: req.path().to_owned(),
            version: PhantomData,
        }))
    }
}
