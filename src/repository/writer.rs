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
//! Transactions begin with `Dialect::begin` (which takes the tenant's write lock) and end
//! with `COMMIT`, sent as plain statements: sqlx's `begin_with` with a custom statement asks
//! the worker thread a second time whether the transaction really began. One that is dropped
//! before `commit` (an error returned with `?`, a request cancelled) is rolled back by the
//! next user of the connection, before its own first statement.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyConnection, Connection};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard, Notify};

use super::checkpoint::Checkpoints;
use super::connect::Connect;
use super::sql::Dialect;
use crate::error::{connections_lost, is_lost};
use crate::Error;

/// How long a write waits for the connection before answering 503 (as the pool's acquire
/// timeout did): a queue of writers is normal, and waiting long is better than failing.
const WAIT: Duration = Duration::from_secs(30);

pub(super) struct Writer {
    /// `None` once closed.
    connection: Mutex<Option<AnyConnection>>,
    /// A transaction may still be open on the connection: a `BEGIN` was sent and no
    /// `COMMIT` is known to have succeeded. Changed only while the mutex is held.
    abandoned: AtomicBool,
    checkpoints: Option<Checkpoints>,
    /// How to open the connection again when it is lost (a server's, not a file's).
    reconnect: Option<Connect>,
    /// `connections_lost()` when the connection was last found sound.
    checked: AtomicU64,
    /// Told when a transaction is dropped without its `COMMIT` (`roll_back_promptly`).
    dropped: Arc<Notify>,
}

/// The task `roll_back_promptly` started ends with the writer.
impl Drop for Writer {
    fn drop(&mut self) {
        self.dropped.notify_one();
    }
}

impl Writer {
    pub fn new(connection: AnyConnection) -> Self {
        Self {
            connection: Mutex::new(Some(connection)),
            abandoned: AtomicBool::new(false),
            checkpoints: None,
            reconnect: None,
            checked: AtomicU64::new(connections_lost()),
            dropped: Arc::new(Notify::new()),
        }
    }

    /// A transaction dropped without its `COMMIT` (an error returned with `?` from inside
    /// it, a 404 found in it, a request cancelled) holds its locks until the connection's
    /// next user rolls it back: SQLite's file lock, and on PostgreSQL the tenant's lock,
    /// which every replica's writes wait for. A task of the writer's own rolls it back as
    /// soon as it is dropped.
    pub fn roll_back_promptly(writer: &Arc<Self>) {
        let (dropped, writer) = (Arc::clone(&writer.dropped), Arc::downgrade(writer));
        tokio::spawn(async move {
            loop {
                dropped.notified().await;
                let Some(writer) = writer.upgrade() else {
                    return;
                };
                if writer.abandoned.load(Ordering::Relaxed) {
                    // `lock` sends the ROLLBACK; a closed writer has nothing to roll back.
                    drop(writer.lock().await);
                }
            }
        });
    }

    /// A server's connection is lost when the server restarts or fails over. A statement
    /// then fails (503), and any connection of the process found lost (this one, or a
    /// reader's) makes the next write test this one and open it again if need be; a
    /// `BEGIN` that fails is sent again on a new connection. So the process serves on once
    /// the server is back.
    pub fn reconnecting(mut self, connect: Connect) -> Self {
        self.reconnect = Some(connect);
        self
    }

    /// Every write then helps the background checkpoint when it falls behind: the WAL can
    /// start over only once a checkpoint has copied all of it, and a stream of small
    /// writes (users, groups, policies: no batch to catch up after) grew it to 700 MB in
    /// 30,000 creates.
    pub fn checkpointed(mut self, checkpoints: Checkpoints) -> Self {
        self.checkpoints = Some(checkpoints);
        self
    }

    /// The connection, for statements that are their own transaction (autocommit), or
    /// to `begin` one.
    pub async fn lock(&self) -> Result<WriteLock<'_>, Error> {
        let locked = tokio::time::timeout(WAIT, self.connection.lock())
            .await
            .map_err(|_| Error::ServiceUnavailable)?;
        let mut connection =
            MutexGuard::try_map(locked, Option::as_mut).map_err(|_| Error::ServiceUnavailable)?;
        if self.abandoned.load(Ordering::Relaxed) {
            // Fails harmlessly when no transaction is open (SQLite ended it itself, or the
            // COMMIT of a cancelled caller went through). The flag is cleared only once
            // the ROLLBACK has run: a lock cancelled before that leaves it to the next.
            if let Err(error) = sqlx::query("ROLLBACK").execute(&mut *connection).await {
                tracing::debug!(%error, "rolling back an abandoned transaction");
                if let Some(connect) = &self.reconnect {
                    // Still abandoned if this fails: the next write tries again.
                    *connection = reconnect(connect).await?;
                }
            }
            self.abandoned.store(false, Ordering::Relaxed);
        }
        if let Some(connect) = &self.reconnect {
            let lost = connections_lost();
            if lost != self.checked.load(Ordering::Relaxed) {
                let tested = tokio::time::timeout(connect.wait(), connection.ping()).await;
                if !matches!(tested, Ok(Ok(()))) {
                    tracing::debug!("the writer's connection did not answer");
                    *connection = reconnect(connect).await?;
                }
                self.checked.store(lost, Ordering::Relaxed);
            }
        }
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.catch_up(&mut connection).await;
        }
        Ok(WriteLock {
            connection,
            abandoned: &self.abandoned,
            reconnect: self.reconnect.as_ref(),
            dropped: &self.dropped,
        })
    }

    /// A write transaction: it holds the tenant's write lock from the start (SQLite's file
    /// lock, PostgreSQL's advisory lock), so its reads see what it then changes, even with
    /// another process writing the same database.
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
    connection: MappedMutexGuard<'a, AnyConnection>,
    abandoned: &'a AtomicBool,
    reconnect: Option<&'a Connect>,
    dropped: &'a Notify,
}

impl<'a> WriteLock<'a> {
    /// Begins a transaction on the connection already held, so that no other write
    /// comes between what was done with it and the transaction.
    pub async fn begin(mut self) -> Result<WriteTx<'a>, Error> {
        // Set before the statement is sent: a caller cancelled while BEGIN is on its way
        // drops this lock, not a `WriteTx`, yet the worker thread still runs the BEGIN.
        // Were the flag not set, the next writer's statements would run inside that
        // transaction and never commit.
        self.abandoned.store(true, Ordering::Relaxed);
        if let Err(error) = begin(&mut self.connection).await {
            // Lost while idle (the server restarted): nothing is written yet, so the
            // transaction begins again on a new connection rather than answer 503. (A lock
            // waited for in vain is not retried: it has had its wait.)
            let Some(connect) = self.reconnect.filter(|_| is_lost(&error)) else {
                return Err(Error::from(error));
            };
            tracing::debug!(%error, "beginning a transaction");
            *self.connection = reconnect(connect).await?;
            begin(&mut self.connection).await?;
        }
        Ok(WriteTx {
            connection: self.connection,
            abandoned: self.abandoned,
            dropped: self.dropped,
            open: true,
        })
    }
}

async fn begin(connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for statement in Dialect::of(connection).begin() {
        sqlx::query(statement).execute(&mut *connection).await?;
    }
    Ok(())
}

/// The connection opened again, within the configured wait.
async fn reconnect(connect: &Connect) -> Result<AnyConnection, Error> {
    let fresh = tokio::time::timeout(connect.wait(), connect.connect())
        .await
        .map_err(|_| Error::ServiceUnavailable)??;
    tracing::info!("the writer's connection was opened again");
    Ok(fresh)
}

impl Deref for WriteLock<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.connection
    }
}

impl DerefMut for WriteLock<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.connection
    }
}

/// An open write transaction; dropped without `commit`, it is rolled back.
pub(super) struct WriteTx<'a> {
    connection: MappedMutexGuard<'a, AnyConnection>,
    abandoned: &'a AtomicBool,
    dropped: &'a Notify,
    open: bool,
}

impl WriteTx<'_> {
    pub async fn commit(mut self) -> Result<(), Error> {
        sqlx::query("COMMIT").execute(&mut *self.connection).await?;
        self.open = false;
        self.abandoned.store(false, Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Still under the mutex: the next `lock` sees it before any statement. (Set
            // since `begin` already; said again so that the rule is stated here.)
            self.abandoned.store(true, Ordering::Relaxed);
            self.dropped.notify_one();
        }
    }
}

impl Deref for WriteTx<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.connection
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.connection
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use sqlx::sqlite::SqliteConnectOptions;

    use super::super::connect::Connect;
    use super::*;
    use crate::configuration::Settings;

    async fn open(path: &std::path::Path) -> AnyConnection {
        let settings = Settings::defaults().expect("the default settings");
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        Connect::sqlite(&options, &settings.database)
            .expect("a SQLite URL")
            .connect()
            .await
            .expect("the database opens")
    }

    /// Rows another connection sees: what has committed.
    async fn committed(path: &std::path::Path) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM t")
            .fetch_one(&mut open(path).await)
            .await
            .expect("count")
    }

    /// Polls the future until it waits for the worker thread, then drops it, as actix
    /// does with a request whose client went away: what it sent still runs. The pause
    /// lets the worker get to it before the next statement is sent. False when the
    /// worker was quicker and the future finished.
    async fn cancel_on_its_way(future: impl Future) -> bool {
        let cancelled = tokio::select! {
            biased;
            _ = future => false,
            () = tokio::task::yield_now() => true,
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        cancelled
    }

    async fn writer() -> (tempfile::TempDir, std::path::PathBuf, Writer) {
        let directory = tempfile::tempdir().expect("a temporary directory");
        let path = directory.path().join("writer.db");
        let mut connection = open(&path).await;
        sqlx::query("CREATE TABLE t (n INTEGER)")
            .execute(&mut connection)
            .await
            .expect("create table");
        (directory, path, Writer::new(connection))
    }

    async fn insert(writer: &Writer, n: i64) {
        sqlx::query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(&mut *writer.lock().await.expect("lock"))
            .await
            .expect("insert");
    }

    #[tokio::test]
    async fn a_dropped_transaction_is_rolled_back_before_the_next_write() {
        let (_directory, path, writer) = writer().await;
        {
            let mut tx = writer.begin().await.expect("begin");
            sqlx::query("INSERT INTO t (n) VALUES (1)")
                .execute(&mut *tx)
                .await
                .expect("insert in the transaction");
        }
        insert(&writer, 2).await;
        assert_eq!(
            committed(&path).await,
            1,
            "only the autocommit row is there"
        );
        let tx = writer.begin().await.expect("a transaction begins again");
        tx.commit().await.expect("and commits");
    }

    #[tokio::test]
    async fn a_begin_cancelled_on_its_way_does_not_swallow_the_next_write() {
        let (_directory, path, writer) = writer().await;
        // A BEGIN that finished is a dropped `WriteTx`, the test above: try again.
        let mut tries = 0;
        while !cancel_on_its_way(writer.begin()).await {
            tries += 1;
            assert!(tries < 100, "the worker always answered before the cancel");
        }
        insert(&writer, 1).await;
        assert_eq!(committed(&path).await, 1, "the next write committed");
        let tx = writer.begin().await.expect("a transaction begins again");
        tx.commit().await.expect("and commits");
    }

    #[tokio::test]
    async fn a_commit_cancelled_on_its_way_leaves_a_usable_connection() {
        let (_directory, path, writer) = writer().await;
        let mut tx = writer.begin().await.expect("begin");
        sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut *tx)
            .await
            .expect("insert in the transaction");
        cancel_on_its_way(tx.commit()).await;
        insert(&writer, 2).await;
        let rows = committed(&path).await;
        // The COMMIT either went through before the ROLLBACK or never ran.
        assert!(rows == 2 || rows == 1, "{rows} rows");
        let tx = writer.begin().await.expect("a transaction begins again");
        tx.commit().await.expect("and commits");
    }

    #[tokio::test]
    async fn writes_after_close_are_503() {
        let (_directory, _path, writer) = writer().await;
        writer.close().await;
        assert!(matches!(
            writer.lock().await.err(),
            Some(Error::ServiceUnavailable)
        ));
    }
}
