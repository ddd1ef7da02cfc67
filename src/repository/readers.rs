//! The read connections: a SQLite file's outside sqlx's pool, a server's in it.
//!
//! sqlx runs each SQLite connection's statements on a thread of its own, so every statement
//! is a round trip to that thread and back. sqlx's pool adds a second round trip to every
//! read: it pings each connection handed back to it (`return_to_pool` runs `ping()`
//! unconditionally, in a task of its own). With a get by id costing about ten times the
//! CPU of a canned answer, most of it in the scheduler, that second trip is the part that
//! serves nothing: here a connection goes straight back to the idle list when its user is
//! done. The writer does the same for writes (`writer.rs`).
//!
//! A PostgreSQL server's reads use sqlx's pool as it is (`Connect::pool`): there a
//! connection can be lost (a restart, a fail-over), and the ping before handing one out,
//! a network round trip, is what finds it so.
//!
//! A read cancelled halfway needs no ping to be safe: the connection's thread runs
//! commands in order, so the next user's statement waits for the abandoned one to stop,
//! and a dropped transaction queues its rollback before it lets go.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::connect::Connect;
use crate::Error;

/// How long a read waits for a connection before answering 503, as the pool's acquire
/// timeout did.
const WAIT: Duration = Duration::from_secs(30);

pub(super) enum Readers {
    /// A SQLite file's.
    Own(Box<Own>),
    /// A PostgreSQL server's, whose connections can be lost (`Connect::pool`).
    Pooled(AnyPool),
}

pub(super) struct Own {
    options: Connect,
    idle: Mutex<Vec<AnyConnection>>,
    /// One per connection that may be open: how many reads run at once.
    permits: Semaphore,
    size: u32,
    closed: AtomicBool,
}

impl Readers {
    /// Connections are opened on first use (which keeps start-up fast), at most `size`.
    pub fn new(options: Connect, size: u32) -> Self {
        let size = size.max(1);
        Self::Own(Box::new(Own {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(size as usize),
            size,
            closed: AtomicBool::new(false),
        }))
    }

    /// A PostgreSQL server's connections, at most `size`.
    pub fn pooled(options: Connect, size: u32) -> Self {
        Self::Pooled(options.pool(size.max(1)))
    }

    /// A connection of its own until the returned handle is dropped.
    pub async fn acquire(&self) -> Result<Reader<'_>, Error> {
        match self {
            Self::Own(own) => own.acquire().await.map(Reader::Own),
            Self::Pooled(pool) => Ok(Reader::Pooled(pool.acquire().await?)),
        }
    }

    /// How long a read waits for a connection before answering 503.
    pub fn wait(&self) -> Duration {
        match self {
            Self::Own(_) => WAIT,
            Self::Pooled(pool) => pool.options().get_acquire_timeout(),
        }
    }

    pub fn is_closed(&self) -> bool {
        match self {
            Self::Own(own) => own.closed.load(Ordering::Acquire),
            Self::Pooled(pool) => pool.is_closed(),
        }
    }

    /// Waits for every read in progress to end, then closes the connections; reads after
    /// this answer 503.
    pub async fn close(&self) {
        match self {
            Self::Own(own) => own.close().await,
            Self::Pooled(pool) => pool.close().await,
        }
    }
}

impl Own {
    async fn acquire(&self) -> Result<OwnReader<'_>, Error> {
        let permit = tokio::time::timeout(WAIT, self.permits.acquire())
            .await
            .map_err(|_| Error::from(sqlx::Error::PoolTimedOut))?
            .map_err(|_| Error::from(sqlx::Error::PoolClosed))?;
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.options.connect().await?,
        };
        Ok(OwnReader {
            connection: Some(connection),
            readers: self,
            _permit: permit,
        })
    }

    async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        // Holding every permit means no read holds a connection.
        let all = self.permits.acquire_many(self.size).await;
        self.permits.close();
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(PoisonError::into_inner));
        for connection in idle {
            if let Err(error) = connection.close().await {
                tracing::warn!(%error, "closing a read connection");
            }
        }
        drop(all);
    }
}

/// A read connection, back where it came from when dropped.
pub(super) enum Reader<'r> {
    Own(OwnReader<'r>),
    Pooled(PoolConnection<Any>),
}

impl Deref for Reader<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            // Taken only in `drop`.
            Self::Own(own) => own
                .connection
                .as_ref()
                .expect("a reader holds its connection"),
            Self::Pooled(pooled) => pooled,
        }
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Own(own) => own
                .connection
                .as_mut()
                .expect("a reader holds its connection"),
            Self::Pooled(pooled) => pooled,
        }
    }
}

/// A connection of `Own`'s, back to its idle list when dropped.
pub(super) struct OwnReader<'r> {
    connection: Option<AnyConnection>,
    readers: &'r Own,
    _permit: SemaphorePermit<'r>,
}

impl Drop for OwnReader<'_> {
    fn drop(&mut self) {
        // Back to the list even when closing: `close` closes it there and waits for that.
        // Dropped instead, its thread would close it later, perhaps after the writer, and
        // the last connection to close is the one that folds the WAL into the file.
        // (`drop` runs before the permit field is released, so `close` sees it listed.)
        if let Some(connection) = self.connection.take() {
            self.readers
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(connection);
        }
    }
}
