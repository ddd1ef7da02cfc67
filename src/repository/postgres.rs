//! A tenant's store in a PostgreSQL database: the same repository over connections that
//! reach that tenant's rows (the views of migrations/postgres). The schema is migrated by
//! whichever process opens it first (sqlx's migrator holds a lock meanwhile); a tenant's
//! built-in rows and clock are written the first time any process opens it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyConnection;

use super::connect::Connect;
use super::group_commit::CreateQueue;
use super::lifecycle::Lifecycle;
use super::readers::Readers;
use super::sql::Dialect;
use super::writer::Writer;
use super::{insert, OpenError, Repository};
use crate::configuration::{DatabaseSettings, LifecycleSettings};
use crate::model::{registry, Record};
use crate::Error;

/// `migrations/postgres`, compiled in; `sqlx migrate run --source migrations/postgres`
/// applies the same files.
pub static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The clock and pace of a tenant, and whether this open made the tenant.
struct Provisioned {
    created: bool,
    offset_ms: i64,
    pace: Option<String>,
}

impl Repository {
    /// As `open_postgres`, for the home tenant when the process starts: a server that
    /// cannot be reached yet (still starting beside the emulator, as in a compose file or a
    /// pod) is tried again, with pauses growing to 2 s, for `settings.start_wait_secs`. Any
    /// other failure (a wrong password, a database missing) ends the start at once.
    pub async fn open_postgres_waiting(
        settings: &DatabaseSettings,
        tenant: &str,
    ) -> Result<Self, OpenError> {
        // None: a wait too long to count is no limit.
        let deadline = Instant::now().checked_add(Duration::from_secs(settings.start_wait_secs));
        let mut pause = Duration::from_millis(100);
        loop {
            let opened = Self::open_postgres(settings, tenant).await;
            // Read after the attempt, which may itself have taken a while.
            let time_left = deadline.is_none_or(|deadline| Instant::now() + pause < deadline);
            match opened {
                Err(error) if error.unreachable() && time_left => {
                    tracing::warn!(%error, "the database cannot be reached yet: trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                opened => return opened,
            }
        }
    }

    /// `tenant`'s store in the PostgreSQL database at `settings.url`.
    pub async fn open_postgres(
        settings: &DatabaseSettings,
        tenant: &str,
    ) -> Result<Self, OpenError> {
        let url = shown(&settings.url);
        let open_error = |source| OpenError::Open {
            url: url.clone(),
            source,
        };
        let wait = Duration::from_millis(settings.busy_timeout_ms);
        let connect = Connect::postgres(settings.url.trim(), wait)
            .map_err(open_error)?
            .tenant(tenant);
        let mut writer = connect.connect().await.map_err(open_error)?;
        POSTGRES_MIGRATOR
            .run_direct(&mut writer)
            .await
            .map_err(|source| OpenError::migrating(&url, source))?;
        let provisioned =
            provision(&mut writer, tenant)
                .await
                .map_err(|error| OpenError::Provision {
                    url: url.clone(),
                    message: error.to_string(),
                })?;
        let pace = super::stored_pace(provisioned.pace);
        let writer = Arc::new(Writer::new(writer).reconnecting(connect.clone()));
        Writer::roll_back_promptly(&writer);
        let reader = Arc::new(Readers::pooled(connect, settings.max_read_connections));
        let creates = CreateQueue::new(Arc::clone(&writer), None);
        Ok(Self {
            writer,
            reader,
            creates,
            lifecycle: Arc::new(Lifecycle::new(
                LifecycleSettings::IMMEDIATE,
                provisioned.offset_ms,
                pace,
            )),
            baseline: None,
            created: provisioned.created,
            dialect: Dialect::Postgres,
        })
    }
}

impl Repository {
    /// The signing key every replica on this database signs with (PKCS#8 PEM), if one is
    /// kept yet.
    pub async fn shared_signing_key(&self) -> Result<Option<String>, Error> {
        let mut connection = self.reader.acquire().await?;
        let pem = sqlx::query_scalar("SELECT pem FROM shared.signing_key WHERE id = 1")
            .fetch_optional(&mut *connection)
            .await?;
        Ok(pem)
    }

    /// Keeps `pem` as the shared signing key unless a replica starting at the same time
    /// kept its own first: the key kept, which every replica then uses.
    pub async fn share_signing_key(&self, pem: &str) -> Result<String, Error> {
        let mut connection = self.writer.lock().await?;
        sqlx::query(
            "INSERT INTO shared.signing_key (id, pem) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(pem)
        .execute(&mut *connection)
        .await?;
        let kept = sqlx::query_scalar("SELECT pem FROM shared.signing_key WHERE id = 1")
            .fetch_one(&mut *connection)
            .await?;
        Ok(kept)
    }
}

/// The tenants a PostgreSQL database keeps (each has its clock), read and forgotten through
/// any tenant's store: these statements name the tenant, and reach the tables themselves.
impl Repository {
    pub async fn kept_tenants(&self) -> Result<Vec<String>, Error> {
        let mut connection = self.reader.acquire().await?;
        let kept = sqlx::query_scalar("SELECT tenant FROM stored.emulator_clock ORDER BY tenant")
            .fetch_all(&mut *connection)
            .await?;
        Ok(kept)
    }

    pub async fn is_tenant_kept(&self, tenant: &str) -> Result<bool, Error> {
        let mut connection = self.reader.acquire().await?;
        let kept: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM stored.emulator_clock WHERE tenant = $1")
                .bind(tenant)
                .fetch_optional(&mut *connection)
                .await?;
        Ok(kept.is_some())
    }

    /// Deletes every row `tenant` holds (migrations/postgres: `stored.forget_tenant`);
    /// whether it was kept.
    pub async fn forget_tenant(&self, tenant: &str) -> Result<bool, Error> {
        let mut connection = self.writer.lock().await?;
        let kept: i64 = sqlx::query_scalar("SELECT stored.forget_tenant($1)")
            .bind(tenant)
            .fetch_one(&mut *connection)
            .await?;
        Ok(kept == 1)
    }
}

/// The URL without its password or options, for messages.
fn shown(url: &str) -> String {
    match url.trim().parse::<AnyConnectOptions>() {
        Ok(AnyConnectOptions {
            mut database_url, ..
        }) => {
            if database_url.password().is_some() {
                let _ = database_url.set_password(Some("…"));
            }
            // Options may carry a password too (`?password=…`).
            database_url.set_query(None);
            database_url.to_string()
        }
        Err(_) => "the configured PostgreSQL URL".to_owned(),
    }
}

/// The tenant's clock, written with its built-in rows (from the declarations, as
/// SQLite's migrations write them) when it has none. Two processes opening a new tenant at
/// once make it once: the second waits for the first's lock, then finds its clock.
async fn provision(connection: &mut AnyConnection, tenant: &str) -> Result<Provisioned, Error> {
    sqlx::query("BEGIN").execute(&mut *connection).await?;
    let made = async {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(tenant)
            .execute(&mut *connection)
            .await?;
        let clock: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT offset_ms, pace FROM emulator_clock WHERE id = 1")
                .fetch_optional(&mut *connection)
                .await?;
        if let Some((offset_ms, pace)) = clock {
            return Ok(Provisioned {
                created: false,
                offset_ms,
                pace,
            });
        }
        sqlx::query("INSERT INTO emulator_clock (id, offset_ms) VALUES (1, 0)")
            .execute(&mut *connection)
            .await?;
        for entity in registry::ENTITY_TYPES {
            let builtins = Record::builtins(entity);
            let rows: Vec<&Record> = builtins.iter().collect();
            if rows.is_empty() {
                continue;
            }
            for outcome in insert::insert(connection, entity, &rows).await? {
                outcome?;
            }
        }
        Ok(Provisioned {
            created: true,
            offset_ms: 0,
            pace: None,
        })
    }
    .await;
    match made {
        Ok(provisioned) => {
            sqlx::query("COMMIT").execute(&mut *connection).await?;
            Ok(provisioned)
        }
        Err(error) => {
            // The first error is the one to report; the connection is dropped with it.
            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
            Err(error)
        }
    }
}
