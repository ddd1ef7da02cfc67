//! What a request addresses, whichever way the URL reached it: a set (`/{set}`), or the
//! collection a navigation holds under one existing parent (`/{set}/{id}/{navigation}`);
//! an item of either (`…/{id}`, `…/{navigation}/{key}`). The handlers of `entity_set` are
//! written once against these, so a set and a contained collection serve the same code.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::set::{ItemKey, Key, NavigationRoute, Set};
use crate::graph::ServiceRoot;
use crate::model::{Link, Navigation, Record};
use crate::repository::Within;
use crate::tenants::select::Store;
use crate::Error;

/// The parent a navigation's collection is under, as found.
pub struct Under {
    pub route: NavigationRoute,
    pub parent: Record,
}

impl Under {
    /// The column of the collection's entities that names the parent.
    fn fk(&self) -> Result<&'static str, Error> {
        match self.route.navigation.link {
            Link::ToMany { fk } => Ok(fk),
            Link::ToOne { .. } | Link::Linked { .. } => Err(Error::internal(
                "a collection without a foreign key to its parent",
            )),
        }
    }
}

/// A collection: of a set, or under a parent.
pub struct Collection {
    pub target: Set,
    pub under: Option<Under>,
}

impl Collection {
    /// A whole set.
    pub fn of(set: Set) -> Self {
        Self {
            target: set,
            under: None,
        }
    }

    /// The rows of the collection: all of the set, or those naming the parent, or those
    /// the parent links to.
    pub fn scope(&self) -> Result<Option<Within<'_>>, Error> {
        let Some(under) = &self.under else {
            return Ok(None);
        };
        let parent = under.parent.id();
        Ok(Some(match under.route.navigation.link {
            Link::Linked {
                table,
                relation,
                reverse,
                ..
            } => Within::Linked {
                link: table,
                relation,
                reverse,
                value: parent,
            },
            _ => Within::Column(under.fk()?, parent),
        }))
    }

    /// `@odata.context` of a listing of it.
    pub fn collection_context(&self, root: &ServiceRoot, clause: &str) -> String {
        match &self.under {
            None => root.collection_context(self.target.entity, clause),
            Some(under) => root.navigation_context(
                under.route.parent.entity,
                under.parent.id(),
                under.route.name,
                clause,
            ),
        }
    }

    /// `@odata.context` of one of its entities.
    pub fn entity_context(&self, root: &ServiceRoot, clause: &str) -> String {
        match &self.under {
            None => root.entity_context(self.target.entity, clause),
            Some(_) => format!("{}/$entity", self.collection_context(root, clause)),
        }
    }

    /// The navigation back to the parent, which a create through it binds.
    pub fn bind(&self) -> Result<Option<(&'static Navigation, &str)>, Error> {
        let Some(under) = &self.under else {
            return Ok(None);
        };
        let back = self.target.entity.reference(under.fk()?).ok_or_else(|| {
            Error::internal("a contained collection without a reference to its parent")
        })?;
        Ok(Some((back, under.parent.id())))
    }
}

/// One entity of a collection, as found: 404 when there is none (under a parent: none
/// that the parent holds).
pub struct Item {
    pub collection: Collection,
    pub record: Record,
}

type Found<T> = Pin<Box<dyn Future<Output = Result<T, Error>>>>;

fn repository(req: &HttpRequest) -> Result<Store, Error> {
    Store::of(req)
}

fn registered<T: Copy + 'static>(req: &HttpRequest) -> Option<T> {
    req.app_data::<T>().copied()
}

impl FromRequest for Collection {
    type Error = Error;
    type Future = Found<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let route = registered::<NavigationRoute>(req);
        let set = registered::<Set>(req);
        let key = route.map(|_| Key::from_request(req, payload));
        let repository = repository(req);
        Box::pin(async move {
            match (route, set, key) {
                (Some(route), _, Some(key)) => {
                    let parent = repository?.get(route.parent.entity, &key.await?.0).await?;
                    Ok(Self {
                        target: route.target(),
                        under: Some(Under { route, parent }),
                    })
                }
                (None, Some(set), _) => Ok(Self {
                    target: set,
                    under: None,
                }),
                _ => Err(Error::internal("a route without its registration")),
            }
        })
    }
}

impl FromRequest for Item {
    type Error = Error;
    type Future = Found<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let collection = Collection::from_request(req, payload);
        let under_a_parent = registered::<NavigationRoute>(req).is_some();
        let key: Found<String> = match under_a_parent {
            true => {
                let key = ItemKey::from_request(req, payload).into_inner();
                Box::pin(async move { key.map(|k| k.0) })
            }
            false => {
                let key = Key::from_request(req, payload);
                Box::pin(async move { key.await.map(|k| k.0) })
            }
        };
        let repository = repository(req);
        Box::pin(async move {
            let collection = collection.await?;
            let key = key.await;
            let repository = repository?;
            let target = collection.target.entity;
            let record = match &collection.under {
                None => repository.get(target, &key?).await?,
                Some(under) => {
                    let record = repository
                        .get(target, &target.stored_id(under.parent.id(), &key?))
                        .await?;
                    if record.text(under.fk()?) != under.parent.id() {
                        return Err(Error::ResourceNotFound);
                    }
                    record
                }
            };
            Ok(Self { collection, record })
        })
    }
}
