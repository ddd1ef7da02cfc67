//! The one connection that writes, outside sqlx's pool.
//!
//! SQLite has one writer at a time, so every write of this process goes through a single
//! connection, and concurrent writers queue here, in-process, instead of racing for the
//! file lock. A pool of one connection would queue them too, but sqlx's pool pings every
//! connection it is handed back (`return_to_pool` runs `ping()` unconditionally): one more
//! round trip to the connection's worker thread after every write, during which the next
//! writer waits. A `tokio::sync::Mutex` hands the connection straight to the next writer,
//! first come first served.
//!
//! Transactions are `BEGIN IMMEDIATE` … `COMMIT`, sent as plain statements: sqlx's
//! `begin_with` with a custom statement asks the worker thread a second time whether the
//! transaction really began. One that is dropped before `commit` (an error returned with
//! `?`, a request cancelled) is rolled back by the next user of the connection, before
//! its own first statement.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::{Connection, SqliteConnection};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use crate::Error;

/// How long a write waits for the connection before answering 503 (as the pool's acquire
/// timeout did): a queue of writers is normal, and waiting long is better than failing.
const WAIT: Duration = Duration::from_secs(30);

pub(super) struct Writer {
    /// `None` once closed.
    connection: Mutex<Option<SqliteConnection>>,
    /// A transaction may still be open on the connection: its `WriteTx` was dropped
    /// without a commit. Changed only while the mutex is held.
    abandoned: AtomicBool,
}

impl Writer {
    pub fn new(connection: SqliteConnection) -> Self {
        Self {
            connection: Mutex::new(Some(connection)),
            abandoned: AtomicBool::new(false),
        }
    }

    /// The connection, for statements that are their own transaction (autocommit), or
    /// to `begin` one.
    pub async fn lock(&self) -> Result<WriteLock<'_>, Error> {
        let locked = tokio::time::timeout(WAIT, self.connection.lock())
            .await
            .map_err(|_| Error::ServiceUnavailable)?;
        let mut connection =
            MutexGuard::try_map(locked, Option::as_mut).map_err(|_| Error::ServiceUnavailable)?;
        if self.abandoned.swap(false, Ordering::Relaxed) {
            // Fails harmlessly when SQLite already ended the transaction itself.
            if let Err(error) = sqlx::query("ROLLBACK").execute(&mut *connection).await {
                tracing::debug!(%error, "rolling back an abandoned transaction");
            }
        }
        Ok(WriteLock {
            connection,
            abandoned: &self.abandoned,
        })
    }

    /// A write transaction: it holds SQLite's write lock from the start, so its reads
    /// see what it then changes, even with another process writing the same file.
    pub async fn begin(&self) -> Result<WriteTx<'_>, Error> {
        self.lock().await?.begin().await
    }

    /// Closes the connection (the last connection to close checkpoints the WAL); writes
    /// after this answer 503.
    pub async fn close(&self) {
        let taken = self.connection.lock().await.take();
        if let Some(connection) = taken {
            if let Err(error) = connection.close().await {
                tracing::warn!(%error, "closing the writer connection");
            }
        }
    }
}

/// The writer connection, held: no other write of this process runs until it is dropped.
pub(super) struct WriteLock<'a> {
    connection: MappedMutexGuard<'a, SqliteConnection>,
    abandoned: &'a AtomicBool,
}

impl<'a> WriteLock<'a> {
    /// Begins a transaction on the connection already held, so that no other write
    /// comes between what was done with it and the transaction.
    pub async fn begin(mut self) -> Result<WriteTx<'a>, Error> {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *self.connection)
            .await?;
        Ok(WriteTx {
            connection: self.connection,
            abandoned: self.abandoned,
            open: true,
        })
    }
}

impl Deref for WriteLock<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.connection
    }
}

impl DerefMut for WriteLock<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }
}

/// An open write transaction; dropped without `commit`, it is rolled back.
pub(super) struct WriteTx<'a> {
    connection: MappedMutexGuard<'a, SqliteConnection>,
    abandoned: &'a AtomicBool,
    open: bool,
}

impl WriteTx<'_> {
    pub async fn commit(mut self) -> Result<(), Error> {
        sqlx::query("COMMIT").execute(&mut *self.connection).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Still under the mutex: the next `lock` sees it before any statement.
            self.abandoned.store(true, Ordering::Relaxed);
        }
    }
}

impl Deref for WriteTx<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.connection
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }
}
