//! The read connections, outside sqlx's pool.
//!
//! sqlx runs each SQLite connection's statements on a thread of its own, so every statement
//! is a round trip to that thread and back. sqlx's pool adds a second round trip to every
//! read: it pings each connection handed back to it (`return_to_pool` runs `ping()`
//! unconditionally, in a task of its own). With a get by id costing about ten times the
//! CPU of a canned answer, most of it in the scheduler, that second trip is the part that
//! serves nothing: here a connection goes straight back to the idle list when its user is
//! done. The writer does the same for writes (`writer.rs`).
//!
//! A read cancelled halfway needs no ping to be safe: the connection's thread runs
//! commands in order, so the next user's statement waits for the abandoned one to stop,
//! and a dropped transaction queues its rollback before it lets go.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use sqlx::{AnyConnection, Connection};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::connect::Connect;
use crate::Error;

/// How long a read waits for a connection before answering 503, as the pool's acquire
/// timeout did.
const WAIT: Duration = Duration::from_secs(30);

pub(super) struct Readers {
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
        Self {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(size as usize),
            size,
            closed: AtomicBool::new(false),
        }
    }

    /// A connection of its own until the returned handle is dropped.
    pub async fn acquire(&self) -> Result<Reader<'_>, Error> {
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
        Ok(Reader {
            connection: Some(connection),
            readers: self,
            _permit: permit,
        })
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Waits for every read in progress to end, then closes the connections; reads after
    /// this answer 503.
    pub async fn close(&self) {
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

/// A read connection, back to the idle list when dropped.
pub(super) struct Reader<'r> {
    connection: Option<AnyConnection>,
    readers: &'r Readers,
    _permit: SemaphorePermit<'r>,
}

impl Deref for Reader<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        // Taken only in `drop`.
        self.connection
            .as_ref()
            .expect("a reader holds its connection")
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.connection
            .as_mut()
            .expect("a reader holds its connection")
    }
}

impl Drop for Reader<'_> {
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
