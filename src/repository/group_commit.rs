//! Group commit for access-package creates.
//!
//! Creates are the emulator's hot write: parallel test suites fire them by the dozen. Each
//! sqlx statement is a round trip to the connection's worker thread, so one transaction per
//! create (BEGIN, check, INSERT, COMMIT) caps out at a few thousand per second. Instead, one
//! task takes every create waiting in the queue and writes them in a single transaction with
//! one multi-row `INSERT … RETURNING`; each caller is answered only after that commit.
//!
//! A row that cannot go in fails alone: the catalog join drops rows whose catalog does not
//! exist and `ON CONFLICT DO NOTHING` drops name clashes (with stored rows and within the
//! batch), so the statement never aborts for them. A batch that fails for any other reason
//! is retried one row at a time, so one bad row cannot fail its neighbours.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Serialize;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::Checkpoints;
use super::query::Table;
use crate::domain::AccessPackage;
use crate::Error;

/// Most rows written by one statement. Bounds a batch's latency and its JSON parameter;
/// far above what 64 concurrent clients queue between two commits.
const MAX_BATCH: usize = 256;

/// A create ready to be written: validated, with its id, actor and timestamp fixed.
#[derive(Debug, Serialize)]
pub(super) struct Row {
    pub id: String,
    pub catalog_id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub is_hidden: bool,
    pub is_role_scopes_visible: bool,
    pub actor: String,
    pub now: String,
}

struct Pending {
    row: Row,
    reply: oneshot::Sender<Result<AccessPackage, Error>>,
}

/// The handle requests use; the writing task stops when the last handle is dropped.
#[derive(Clone)]
pub(super) struct CreateQueue {
    sender: mpsc::Sender<Pending>,
}

impl CreateQueue {
    /// Starts the writing task on the current runtime.
    pub fn start(writer: SqlitePool, checkpoints: Checkpoints) -> Self {
        // Bounded, so a flood of creates waits in the handlers instead of growing memory.
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(writer, receiver, checkpoints));
        Self { sender }
    }

    /// Queues a row and waits until the transaction holding it has committed (or failed).
    pub async fn create(&self, row: Row) -> Result<AccessPackage, Error> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Pending { row, reply })
            .await
            .map_err(|_| Error::ServiceUnavailable)?;
        // The task drops the reply only if it is gone, i.e. the server is shutting down.
        answer.await.map_err(|_| Error::ServiceUnavailable)?
    }
}

async fn run(writer: SqlitePool, mut receiver: mpsc::Receiver<Pending>, checkpoints: Checkpoints) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for one create, then takes all that queued meanwhile: under load a batch is
    // whatever arrived during the previous commit; alone, a create is written at once.
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let rows: Vec<&Row> = batch.iter().map(|pending| &pending.row).collect();
        tracing::debug!(rows = rows.len(), "writing a batch of creates");
        let outcomes = match insert_batch(&writer, &rows).await {
            Ok(outcomes) => outcomes,
            Err(error) if rows.len() > 1 && !matches!(error, Error::ServiceUnavailable) => {
                tracing::warn!(%error, rows = rows.len(), "batch failed; writing its rows one by one");
                let mut outcomes = Vec::with_capacity(rows.len());
                for row in &rows {
                    outcomes.push(insert_one(&writer, row).await);
                }
                outcomes
            }
            Err(error) => vec![Err(error); rows.len()],
        };
        for (pending, outcome) in batch.drain(..).zip(outcomes) {
            // A caller that went away (client disconnected) no longer needs its answer.
            let _ = pending.reply.send(outcome);
        }
        // After the answers: the callers of this batch do not wait for it.
        checkpoints.catch_up(&writer).await;
    }
}

/// Rows are passed as one JSON array, so the statement text (and its cached prepared
/// statement) is the same whatever the batch size. `CROSS JOIN` keeps the array's order as
/// the outer loop: of two equal names in one batch, the first queued wins.
static INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO access_packages ({columns})
         SELECT r.value ->> 'id', c.id, r.value ->> 'display_name', r.value ->> 'description',
                r.value ->> 'is_hidden', r.value ->> 'is_role_scopes_visible',
                r.value ->> 'actor', r.value ->> 'now', r.value ->> 'actor', r.value ->> 'now'
         FROM json_each(?1) AS r CROSS JOIN catalogs AS c
         WHERE c.id = r.value ->> 'catalog_id'
         ON CONFLICT DO NOTHING
         RETURNING {columns}",
        columns = AccessPackage::COLUMNS
    )
});

async fn insert_batch(
    writer: &SqlitePool,
    rows: &[&Row],
) -> Result<Vec<Result<AccessPackage, Error>>, Error> {
    let json = serde_json::to_string(rows).map_err(Error::internal)?;
    // The INSERT is one statement, so SQLite runs it as its own transaction: it takes the
    // write lock before reading (the busy timeout covers waiting for it), checks the
    // catalogs and inserts under that lock, and commits when the last returned row has been
    // read. No BEGIN/COMMIT round trips to the connection's worker thread.
    let mut connection = writer.acquire().await?;
    let mut stored: HashMap<String, AccessPackage> = sqlx::query_as::<_, AccessPackage>(&INSERT)
        .bind(&json)
        .fetch_all(&mut *connection)
        .await?
        .into_iter()
        .map(|package| (package.id.clone(), package))
        .collect();
    // Rows left out either named a missing catalog or clashed on a name. Asked on the only
    // writer connection before it is handed back, so no write of this process can come
    // between the INSERT and the answer.
    let missing_catalogs: HashSet<String> = if stored.len() < rows.len() {
        sqlx::query_scalar(
            "SELECT DISTINCT r.value ->> 'catalog_id' FROM json_each(?1) AS r
             WHERE NOT EXISTS (SELECT 1 FROM catalogs WHERE id = r.value ->> 'catalog_id')",
        )
        .bind(&json)
        .fetch_all(&mut *connection)
        .await?
        .into_iter()
        .collect()
    } else {
        HashSet::new()
    };
    drop(connection);

    Ok(rows
        .iter()
        .map(|row| match stored.remove(&row.id) {
            Some(package) => Ok(package),
            None if missing_catalogs.contains(&row.catalog_id) => {
                Err(Error::CatalogNotFound(row.catalog_id.clone()))
            }
            None => Err(Error::DuplicateAccessPackage(row.display_name.clone())),
        })
        .collect())
}

/// The same write for a single row.
async fn insert_one(writer: &SqlitePool, row: &Row) -> Result<AccessPackage, Error> {
    insert_batch(writer, &[row])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::internal("a one-row batch returned no outcome")))
}
