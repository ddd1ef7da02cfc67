//! The repository: all SQL, all transactions. Handlers call its methods with checked
//! records and get stored ones back; the SQL for every declared entity is built here from
//! its declaration.
//!
//! SQLite has one writer at a time, so writes go through exactly one connection (`writer`):
//! concurrent writers queue in-process instead of racing for the file lock and failing
//! with SQLITE_BUSY. Creates of sets declared `Writes::Batched` queue for that connection
//! in batches (`group_commit`). Reads use their own pool and, in WAL mode, never wait for
//! writes.
//!
//! Commits never copy the WAL back into the database file: automatic checkpoints are off
//! on the writer and `checkpoint` does it between requests instead.

mod admin;
mod callouts;
mod checkpoint;
mod clock;
mod connect;
mod decisions;
mod deletion;
mod delivery;
mod directory;
mod due;
mod entity;
mod group_commit;
mod insert;
mod lifecycle;
mod links;
mod nested;
mod outsiders;
mod packages;
mod passwords;
mod postgres;
mod quarantine;
mod readers;
mod removal;
mod requests;
mod resources;
mod rows;
mod sql;
mod targets;
mod writer;

use std::sync::Arc;

use sqlx::migrate::{MigrateError, Migrator};

pub use self::admin::{Baseline, SeedMode, Seeded};
use self::checkpoint::Checkpoints;
use self::connect::Connect;
use self::group_commit::CreateQueue;
use self::lifecycle::Lifecycle;
pub use self::postgres::POSTGRES_MIGRATOR;
use self::readers::Readers;
pub use self::requests::Who;
pub use self::sql::Dialect;
pub use self::sql::{ListQuery, Within};
use self::writer::Writer;
use crate::configuration::{ConfigurationError, DatabaseSettings, LifecycleSettings};

/// The migrations in `migrations/`, compiled in; `sqlx migrate run` applies the same files.
pub static MIGRATOR: Migrator = sqlx::migrate!();

#[derive(Clone)]
pub struct Repository {
    writer: Arc<Writer>,
    reader: Arc<Readers>,
    creates: CreateQueue,
    lifecycle: Arc<Lifecycle>,
    /// The `--seed` fixture, which `reset` restores along with the built-in rows.
    baseline: Option<Arc<Baseline>>,
    /// Whether this open created the database (no migration had run before).
    created: bool,
    dialect: Dialect,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Configuration(#[from] ConfigurationError),
    #[error("cannot open the database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("the database {url} holds migration {version}, which this version of entitlement-emulator does not know: it was written by a newer version. Refusing to start; the database is left untouched.")]
    NewerDatabase { url: String, version: i64 },
    #[error("cannot migrate the database {url}: {source}")]
    Migrate { url: String, source: MigrateError },
    #[error("cannot write the tenant's built-in rows in {url}: {message}")]
    Provision { url: String, message: String },
}

impl OpenError {
    /// The server could not be reached, or refused connections for now (starting up).
    pub fn unreachable(&self) -> bool {
        matches!(self, Self::Open { source, .. } if crate::error::is_lost(source))
    }

    /// A migration that failed, or a database a newer version migrated.
    fn migrating(url: &str, source: MigrateError) -> Self {
        match source {
            MigrateError::VersionMissing(version) => Self::NewerDatabase {
                url: url.to_owned(),
                version,
            },
            source => Self::Migrate {
                url: url.to_owned(),
                source,
            },
        }
    }
}

/// The pace `PUT /_emulator/lifecycle` stored, if any (`emulator_clock.pace`).
fn stored_pace(text: Option<String>) -> Option<LifecycleSettings> {
    serde_json::from_str(&text?)
        .inspect_err(|error| {
            tracing::warn!(%error, "the stored pace does not parse: the configured one applies");
        })
        .ok()
}

/// Every migration applied, as sqlx records them (build.rs): what a new database starts as.
static MIGRATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/migrated.db"));

/// Makes a new database file, when there is none, as a copy of the migrated template:
/// answers whether it did. The copy is written under a name of its own and linked into
/// place, so a process killed meanwhile leaves no half-written database, and two processes
/// starting on one path cannot both make it (the second's link finds the file). It is
/// readable by its owner alone (it will hold the digests of client secrets; SQLite gives
/// its `-wal` and `-shm` files the same permissions); an existing file keeps the
/// permissions its owner gave it. Where the file system has no hard links, the file is
/// made empty, as before the template, and the migrations make it.
fn create_migrated(path: &std::path::Path) -> std::io::Result<bool> {
    use std::io::Write;
    if path.exists() {
        return Ok(false);
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".{}.partial", uuid::Uuid::new_v4().simple()));
    let partial = std::path::PathBuf::from(partial);
    let written = owner_only(&partial).and_then(|mut file| {
        file.write_all(MIGRATED)?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&partial, path));
    let _ = std::fs::remove_file(&partial);
    match linked {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(_) => match owner_only(path) {
            Ok(_) => Ok(false),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(error) => Err(error),
        },
    }
}

/// A new file, readable and writable by its owner alone; an error if it exists.
fn owner_only(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

impl Repository {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(settings: &DatabaseSettings) -> Result<Self, OpenError> {
        Self::open_with(settings, settings.connect_options()?, settings.url.clone()).await
    }

    /// Opens `path` as `open` does the configured file, with the same settings: a tenant's
    /// own file.
    pub async fn open_file(
        settings: &DatabaseSettings,
        path: &std::path::Path,
    ) -> Result<Self, OpenError> {
        let options = settings.connect_options()?.filename(path);
        Self::open_with(settings, options, path.display().to_string()).await
    }

    async fn open_with(
        settings: &DatabaseSettings,
        options: sqlx::sqlite::SqliteConnectOptions,
        url: String,
    ) -> Result<Self, OpenError> {
        let copied = create_migrated(options.get_filename()).map_err(|source| OpenError::Open {
            url: url.clone(),
            source: sqlx::Error::Io(source),
        })?;
        let open_error = |source| OpenError::Open {
            url: url.clone(),
            source,
        };
        let connect = Connect::sqlite(&options, settings).map_err(open_error)?;
        let mut writer = connect
            .clone()
            .pragma("wal_autocheckpoint", "0")
            // A WAL that grew past twice the checkpoint step under a burst is cut
            // back when it starts over.
            .pragma("journal_size_limit", "268435456")
            .connect()
            .await
            .map_err(open_error)?;
        let created = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM sqlite_master WHERE name = '_sqlx_migrations'",
        )
        .fetch_one(&mut writer)
        .await
        .map_err(open_error)?
            == 0
            || copied;
        // `run_direct` is what `run` calls on the connection it acquires; called directly it
        // keeps this future `Send` (rustc cannot prove `run`'s `Acquire` bound for any
        // lifetime), which opening a tenant's store on the server's own runtime needs.
        MIGRATOR
            .run_direct(&mut writer)
            .await
            .map_err(|source| OpenError::migrating(&url, source))?;
        // Opened on first use, which keeps start-up fast.
        let reader = Arc::new(Readers::new(
            connect.pragma("query_only", "ON"),
            settings.max_read_connections,
        ));
        let (offset_ms, pace): (i64, Option<String>) =
            sqlx::query_as("SELECT offset_ms, pace FROM emulator_clock WHERE id = 1")
                .fetch_one(&mut writer)
                .await
                .map_err(open_error)?;
        let pace = stored_pace(pace);
        let checkpoints = Checkpoints::start(Arc::clone(&reader));
        let writer = Arc::new(Writer::new(writer).checkpointed(checkpoints.clone()));
        Writer::roll_back_promptly(&writer);
        let creates = CreateQueue::new(Arc::clone(&writer), Some(checkpoints));
        Ok(Self {
            writer,
            reader,
            creates,
            lifecycle: Arc::new(Lifecycle::new(
                LifecycleSettings::IMMEDIATE,
                offset_ms,
                pace,
            )),
            baseline: None,
            created,
            dialect: Dialect::Sqlite,
        })
    }

    /// True when this open made a new database: the moment a `--seed` fixture applies.
    pub fn created(&self) -> bool {
        self.created
    }

    /// How fast requests move (`[lifecycle]`), and what reset returns to; a pace set at
    /// run time and stored stays in force until then.
    pub fn with_lifecycle(mut self, settings: LifecycleSettings) -> Self {
        self.lifecycle = Arc::new(Lifecycle::new(
            settings,
            self.lifecycle.offset_ms(),
            self.lifecycle.stored_pace(),
        ));
        self
    }

    /// Makes `reset` restore `fixture` (the `--seed` file) besides the built-in rows.
    pub fn with_baseline(mut self, fixture: Arc<Baseline>) -> Self {
        self.baseline = Some(fixture);
        self
    }

    /// Whether the store still serves: it was opened and migrated, and not yet closed.
    /// Asked without a statement, since a health check polled between tests should cost
    /// what the pipeline costs, not a round trip to SQLite's thread (most of its CPU).
    pub fn is_open(&self) -> bool {
        !self.reader.is_closed()
    }

    /// The database the store is kept in, as health names it.
    pub fn backend(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgresql",
        }
    }

    /// Whether the store can serve: it is open, and a server holding it answers a statement
    /// within two seconds (a file is always there; asking it would cost every health check
    /// a round trip to a connection's thread).
    pub async fn is_reachable(&self) -> bool {
        if !self.is_open() {
            return false;
        }
        if self.dialect == Dialect::Sqlite {
            return true;
        }
        let asked = async {
            let mut connection = self.reader.acquire().await?;
            sqlx::query("SELECT 1").execute(&mut *connection).await?;
            Ok::<(), crate::Error>(())
        };
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(2), asked).await,
            Ok(Ok(()))
        )
    }

    /// Closes every connection; the last one to close checkpoints the WAL into the file.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}
