//! Which tenants have a store: a file each in the tenants' folder (SQLite), or rows in the
//! one database every tenant shares (PostgreSQL), asked through the home tenant's store.

use std::sync::Arc;

use super::id::TenantId;
use super::{Tenant, Tenants};
use crate::repository::Repository;
use crate::Error;

impl Tenants {
    pub(super) fn on_postgres(&self) -> bool {
        self.shape.database.is_postgres()
    }

    /// The home tenant's store, open while the emulator serves.
    fn home_store(&self) -> Result<Arc<Repository>, Error> {
        self.home.slot().clone().ok_or(Error::ServiceUnavailable)
    }

    /// Whether `id` has a store (home always has).
    pub async fn exists(&self, id: &TenantId) -> Result<bool, Error> {
        if *id == self.home.id {
            return Ok(true);
        }
        self.is_kept(id).await
    }

    /// Whether the tenant has a store. On PostgreSQL the database decides: a store this
    /// process holds open may be of a tenant another replica has deleted since.
    pub(super) async fn has_store(&self, tenant: &Tenant) -> Result<bool, Error> {
        if !self.on_postgres() && tenant.is_open() {
            return Ok(true);
        }
        self.is_kept(&tenant.id).await
    }

    pub(super) async fn is_kept(&self, id: &TenantId) -> Result<bool, Error> {
        match self.on_postgres() {
            true => self.home_store()?.is_tenant_kept(id.as_str()).await,
            false => Ok(self.files.exists(id)),
        }
    }

    /// Every tenant but home with a store, by id.
    pub(super) async fn kept(&self) -> Result<Vec<TenantId>, Error> {
        match self.on_postgres() {
            true => Ok(self
                .home_store()?
                .kept_tenants()
                .await?
                .iter()
                .filter_map(|tenant| TenantId::parse(tenant))
                .filter(|id| *id != self.home.id)
                .collect()),
            false => Ok(self.files.stored()),
        }
    }

    /// Removes the tenant's store, closed already: whether it had one.
    pub(super) async fn forget(&self, id: &TenantId) -> Result<bool, Error> {
        match self.on_postgres() {
            true => self.home_store()?.forget_tenant(id.as_str()).await,
            false => self.files.remove(id).map_err(Error::internal),
        }
    }
}
