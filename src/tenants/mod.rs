//! Tenants: every tenant id that signs in gets a store of its own, in one process.
//!
//! A tenant is its database (entities, directory, service-principal secrets, the emulator
//! clock and the pace set at run time), plus what lives in memory beside it: the request
//! journal and the fault rules. Nothing is shared, so one tenant's ids, lists, counts, journal,
//! export, reset and clock cannot reach another's. The home tenant (`auth.signin.tenant_id`)
//! is the configured database and is always open; the others are opened on first use and,
//! beyond `tenants.max_open` open at once, the least recently used idle one is closed
//! (its journal and faults stay in memory) and opened again when next asked for.
//!
//! SQLite writes one transaction at a time per file, so tenants in different files commit
//! side by side: a writer in one never waits for another's commit.

mod files;
pub mod id;
mod kept;
pub mod select;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use self::files::Files;
pub use self::id::TenantId;
use crate::configuration::{
    faults::FaultSettings, ConfigurationError, DatabaseSettings, JournalSettings,
    LifecycleSettings, Settings,
};
use crate::faults::Faults;
use crate::journal::Journal;
use crate::repository::{Baseline, Repository};
use crate::Error;

/// Which tenants may be used: any, or those listed.
enum Admit {
    Any,
    Only(Vec<TenantId>),
}

/// One tenant: its store when open, and what it keeps in memory.
pub struct Tenant {
    id: TenantId,
    journal: Arc<Journal>,
    faults: Arc<Faults>,
    store: Mutex<Option<Arc<Repository>>>,
    /// One open at a time, and none while the tenant is being deleted.
    opening: tokio::sync::Mutex<()>,
    /// The close of a store found idle, awaited before the file is opened or removed again.
    closing: Mutex<Option<tokio::task::JoinHandle<()>>>,
    last_used: AtomicU64,
    home: bool,
    deleted: AtomicBool,
}

impl Tenant {
    pub fn id(&self) -> &TenantId {
        &self.id
    }

    pub fn journal(&self) -> &Arc<Journal> {
        &self.journal
    }

    pub fn faults(&self) -> &Arc<Faults> {
        &self.faults
    }

    pub fn is_home(&self) -> bool {
        self.home
    }

    fn slot(&self) -> MutexGuard<'_, Option<Arc<Repository>>> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn is_open(&self) -> bool {
        self.slot().is_some()
    }

    /// Waits for the close of a store found idle, so its file is not opened or removed
    /// under connections still closing.
    async fn closed(&self) {
        let closing = self
            .closing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(closing) = closing {
            let _ = closing.await;
        }
    }

    /// Takes the store away when no request holds it: the registry holds the only handle.
    fn close_if_idle(&self) -> Option<Arc<Repository>> {
        let mut slot = self.slot();
        if slot
            .as_ref()
            .is_some_and(|store| Arc::strong_count(store) == 1)
        {
            return slot.take();
        }
        None
    }
}

/// What a new tenant is made from, and the settings every tenant shares.
struct Shape {
    database: DatabaseSettings,
    lifecycle: LifecycleSettings,
    baseline: Option<Arc<Baseline>>,
    journal: JournalSettings,
    faults: FaultSettings,
}

pub struct Tenants {
    home: Arc<Tenant>,
    admit: Admit,
    files: Files,
    shape: Shape,
    max_open: usize,
    resident: Mutex<HashMap<TenantId, Arc<Tenant>>>,
    /// Tenants other than home with an open store.
    open: AtomicUsize,
    ticks: AtomicU64,
    template: tokio::sync::OnceCell<Arc<Vec<u8>>>,
    /// The runtime the server was built on, which outlives every worker: stores are opened
    /// there, so their background work (checkpoints, group commit's fallback) does not stop
    /// with the worker that happened to open them.
    runtime: tokio::runtime::Handle,
}

/// A tenant as `GET /_emulator/tenants` lists it.
pub struct Listed {
    pub id: TenantId,
    pub home: bool,
    pub open: bool,
}

impl Tenants {
    /// `home` is the configured database, already open and seeded.
    pub fn new(
        settings: &Settings,
        home: Repository,
        baseline: Option<Arc<Baseline>>,
    ) -> Result<Self, ConfigurationError> {
        let home_id = TenantId::parse(&settings.auth.signin.tenant_id)
            .ok_or_else(|| ConfigurationError::key("auth.signin.tenant_id", "must be a GUID"))?;
        let admit = if settings.tenants.allowed.iter().any(|name| name == "*") {
            Admit::Any
        } else {
            let mut listed = Vec::new();
            for name in &settings.tenants.allowed {
                listed.push(TenantId::parse(name).ok_or_else(|| {
                    ConfigurationError::key(
                        "tenants.allowed",
                        format!("`{name}` is neither \"*\", a GUID nor a domain name"),
                    )
                })?);
            }
            Admit::Only(listed)
        };
        let shape = Shape {
            database: settings.database.clone(),
            lifecycle: settings.lifecycle,
            baseline,
            journal: settings.journal.clone(),
            faults: settings.faults.clone(),
        };
        let home = Arc::new(shape.tenant(home_id, Some(home)));
        Ok(Self {
            home,
            admit,
            files: Files::new(&settings.database, &settings.tenants.dir),
            shape,
            max_open: settings.tenants.max_open,
            resident: Mutex::new(HashMap::new()),
            open: AtomicUsize::new(0),
            ticks: AtomicU64::new(0),
            template: tokio::sync::OnceCell::new(),
            runtime: tokio::runtime::Handle::current(),
        })
    }

    pub fn home(&self) -> &Arc<Tenant> {
        &self.home
    }

    /// The tenant `id` names, when it may be used here.
    pub fn admits(&self, id: &TenantId) -> bool {
        *id == self.home.id
            || match &self.admit {
                Admit::Any => true,
                Admit::Only(listed) => listed.contains(id),
            }
    }

    fn resident(&self) -> MutexGuard<'_, HashMap<TenantId, Arc<Tenant>>> {
        self.resident
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The tenant, known from now on (its store is opened, or made, when first used);
    /// `None` when `tenants.allowed` does not admit it.
    pub fn get(&self, id: &TenantId) -> Option<Arc<Tenant>> {
        if *id == self.home.id {
            return Some(Arc::clone(&self.home));
        }
        if !self.admits(id) {
            return None;
        }
        let mut resident = self.resident();
        Some(Arc::clone(resident.entry(id.clone()).or_insert_with(
            || Arc::new(self.shape.tenant(id.clone(), None)),
        )))
    }

    /// The tenant's store, opened (and for a new tenant made) on first use.
    pub async fn store(&self, tenant: &Tenant) -> Result<Arc<Repository>, Error> {
        tenant.last_used.store(
            self.ticks.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        if let Some(store) = tenant.slot().clone() {
            return Ok(store);
        }
        let _turn = tenant.opening.lock().await;
        self.open_locked(tenant).await
    }

    /// The store of a tenant that has one (a file, or home), never making one: what the
    /// control surface and sign-in may open, since they run before or without a Graph
    /// caller's authentication.
    pub async fn existing_store(&self, tenant: &Tenant) -> Result<Option<Arc<Repository>>, Error> {
        if self.has_store(tenant).await? {
            return self.store(tenant).await.map(Some);
        }
        Ok(None)
    }

    /// `store`, with the tenant's `opening` held.
    async fn open_locked(&self, tenant: &Tenant) -> Result<Arc<Repository>, Error> {
        if let Some(store) = tenant.slot().clone() {
            return Ok(store);
        }
        if tenant.deleted.load(Ordering::SeqCst) {
            return Err(Error::ServiceUnavailable);
        }
        tenant.closed().await;
        let store = Arc::new(self.open_store(tenant).await.map_err(|error| {
            tracing::error!(tenant = %tenant.id, %error, "cannot open the tenant's store");
            Error::ServiceUnavailable
        })?);
        *tenant.slot() = Some(Arc::clone(&store));
        self.open.fetch_add(1, Ordering::SeqCst);
        self.close_idle();
        Ok(store)
    }

    async fn open_store(&self, tenant: &Tenant) -> Result<Repository, String> {
        let database = self.shape.database.clone();
        // Opened on the server's runtime: see `runtime`.
        let opening = if database.is_postgres() {
            let id = tenant.id.clone();
            self.runtime
                .spawn(async move { Repository::open_postgres(&database, id.as_str()).await })
        } else {
            if !self.files.exists(&tenant.id) {
                let template = self.template().await?;
                self.files
                    .create(&tenant.id, &template)
                    .map_err(|e| e.to_string())?;
            }
            let path = self.files.path(&tenant.id);
            self.runtime
                .spawn(async move { Repository::open_file(&database, &path).await })
        };
        let store = opening
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let store = self.shape.dressed(store);
        // A tenant new to a database of every tenant starts from the `--seed` fixture, as a
        // new tenant's file does (its template was reset to it).
        if store.created() && self.shape.baseline.is_some() && self.on_postgres() {
            store.reset().await.map_err(|e| e.to_string())?;
        }
        Ok(store)
    }

    /// The bytes of a new tenant's database: migrated and seeded once, on first need.
    async fn template(&self) -> Result<Arc<Vec<u8>>, String> {
        self.template
            .get_or_try_init(|| async {
                std::fs::create_dir_all(self.files.dir()).map_err(|e| {
                    format!(
                        "cannot make the tenants' folder {}: {e}",
                        self.files.dir().display()
                    )
                })?;
                let scratch = self.files.scratch();
                let store = Repository::open_file(&self.shape.database, &scratch)
                    .await
                    .map_err(|e| e.to_string())?;
                let store = self.shape.dressed(store);
                if self.shape.baseline.is_some() {
                    store.reset().await.map_err(|e| e.to_string())?;
                }
                store.close().await;
                // The last connection's close copies the WAL into the file: bytes read
                // without that would miss the latest pages (`take_template` checks).
                let bytes = self
                    .files
                    .take_template(&scratch)
                    .map_err(|e| e.to_string())?;
                Ok(Arc::new(bytes))
            })
            .await
            .cloned()
    }

    /// Beyond `max_open` open stores, closes the least recently used idle ones.
    fn close_idle(&self) {
        let mut excess = self
            .open
            .load(Ordering::SeqCst)
            .saturating_sub(self.max_open);
        if excess == 0 {
            return;
        }
        let mut open: Vec<Arc<Tenant>> = self
            .resident()
            .values()
            .filter(|tenant| tenant.is_open())
            .cloned()
            .collect();
        open.sort_by_key(|tenant| tenant.last_used.load(Ordering::Relaxed));
        for tenant in open {
            if excess == 0 {
                break;
            }
            if let Some(store) = tenant.close_if_idle() {
                self.open.fetch_sub(1, Ordering::SeqCst);
                excess -= 1;
                let closing = self.runtime.spawn(async move { store.close().await });
                *tenant.closing.lock().unwrap_or_else(|p| p.into_inner()) = Some(closing);
            }
        }
    }

    /// A new tenant, ready: `None` when the id is taken (or not admitted). Made under
    /// the tenant's `opening`, so of two creates of one id one gets `None`.
    pub async fn create(&self, id: &TenantId) -> Result<Option<Arc<Tenant>>, Error> {
        if *id == self.home.id {
            return Ok(None);
        }
        let Some(tenant) = self.get(id) else {
            return Ok(None);
        };
        {
            let _turn = tenant.opening.lock().await;
            if self.has_store(&tenant).await? {
                return Ok(None);
            }
            // Open, it is a store of the tenant another replica deleted since: made again
            // from the start.
            self.close_store(&tenant).await;
            let store = self.open_locked(&tenant).await?;
            // Made by another replica between the check and the open: its, not this one's.
            if !store.created() && self.on_postgres() {
                return Ok(None);
            }
        }
        Ok(Some(tenant))
    }

    /// Closes the tenant's store, if this process holds it open: whether it did.
    async fn close_store(&self, tenant: &Tenant) -> bool {
        let store = tenant.slot().take();
        let was_open = store.is_some();
        if let Some(store) = store {
            self.open.fetch_sub(1, Ordering::SeqCst);
            store.close().await;
        }
        was_open
    }

    /// Deletes a tenant and its store; false when there was none. The store goes while the
    /// tenant's `opening` is held, and the tenant leaves the registry only after: a request
    /// meanwhile finds it deleted (503) rather than opening the store being removed, and
    /// one that held its store gets 503 too.
    pub async fn delete(&self, id: &TenantId) -> Result<bool, Error> {
        let tenant = {
            let mut resident = self.resident();
            Arc::clone(
                resident
                    .entry(id.clone())
                    .or_insert_with(|| Arc::new(self.shape.tenant(id.clone(), None))),
            )
        };
        let _turn = tenant.opening.lock().await;
        tenant.deleted.store(true, Ordering::SeqCst);
        let was_open = self.close_store(&tenant).await;
        tenant.closed().await;
        let existed = match self.forget(id).await {
            Ok(existed) => existed,
            Err(error) => {
                // Kept after all (the database refused, or was lost): usable again.
                tenant.deleted.store(false, Ordering::SeqCst);
                return Err(error);
            }
        };
        let mut resident = self.resident();
        if resident
            .get(id)
            .is_some_and(|held| Arc::ptr_eq(held, &tenant))
        {
            resident.remove(id);
        }
        Ok(existed || was_open)
    }

    /// Every tenant with a store: home first, then by id.
    pub async fn list(&self) -> Result<Vec<Listed>, Error> {
        let stored = self.kept().await?;
        let resident = self.resident();
        let mut listed = vec![Listed {
            id: self.home.id.clone(),
            home: true,
            open: true,
        }];
        listed.extend(stored.into_iter().map(|id| Listed {
            open: resident.get(&id).is_some_and(|tenant| tenant.is_open()),
            home: false,
            id,
        }));
        Ok(listed)
    }

    /// Closes every open store, the last step of a shutdown.
    pub async fn close(&self) {
        let tenants: Vec<Arc<Tenant>> = self.resident().values().cloned().collect();
        for tenant in tenants.iter().chain([&self.home]) {
            let store = tenant.slot().take();
            if let Some(store) = store {
                store.close().await;
            }
        }
    }
}

impl Shape {
    fn tenant(&self, id: TenantId, store: Option<Repository>) -> Tenant {
        Tenant {
            home: store.is_some(),
            id,
            journal: Arc::new(Journal::new(&self.journal)),
            faults: Arc::new(Faults::new(self.faults.clone())),
            store: Mutex::new(store.map(Arc::new)),
            opening: tokio::sync::Mutex::new(()),
            closing: Mutex::new(None),
            last_used: AtomicU64::new(0),
            deleted: AtomicBool::new(false),
        }
    }

    /// A tenant's store with the configured pace and the `--seed` fixture reset restores.
    fn dressed(&self, store: Repository) -> Repository {
        let store = store.with_lifecycle(self.lifecycle);
        match &self.baseline {
            Some(baseline) => store.with_baseline(Arc::clone(baseline)),
            None => store,
        }
    }
}
