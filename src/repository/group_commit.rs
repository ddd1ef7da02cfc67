//! Group commit for the sets declared `Writes::Batched` (the insert itself, one statement
//! for many rows, is `insert`).
//!
//! Creates are the emulator's hot write: parallel test suites fire them by the dozen. Each
//! sqlx statement is a round trip to the connection's worker thread, so one transaction per
//! create (BEGIN, check, INSERT, COMMIT) caps out at a few thousand per second. Instead, one
//! task takes every create waiting in the queue and writes each entity's rows with a single
//! `INSERT … SELECT … FROM json_each(?) … RETURNING`; each caller is answered only after
//! that commit.
//!
//! A row that cannot go in fails alone: the statement keeps only rows whose referenced
//! entities exist, and `ON CONFLICT DO NOTHING` drops clashes (with stored rows and within
//! the batch), so it never aborts for them; what was left out is then diagnosed on the same
//! connection. A batch that fails for any other reason is retried one row at a time, so one
//! bad row cannot fail its neighbours. Direct creates use the same statement with one row.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use super::checkpoint::Checkpoints;
use super::insert::insert;
use super::sql::Dialect;
use super::writer::{WriteLock, Writer};
use crate::model::{EntityType, Record};
use crate::Error;

/// Most rows written by one statement. Bounds a batch's latency and its JSON parameter;
/// far above what 64 concurrent clients queue between two commits.
const MAX_BATCH: usize = 256;

struct Pending {
    record: Record,
    reply: oneshot::Sender<Result<Record, Error>>,
}

/// The handle requests use.
///
/// No task waits for creates: the create that finds the queue idle starts one on its
/// own runtime (the actix worker serving it), which writes until the queue is empty and
/// then ends. A writing task on a thread of its own would cost every batch two more
/// thread hand-offs: the requests' wake-up of that thread, and its answers back.
#[derive(Clone)]
pub(super) struct CreateQueue {
    shared: Arc<Shared>,
}

struct Shared {
    queue: Mutex<Queue>,
    writer: Arc<Writer>,
    /// SQLite's; PostgreSQL has no WAL of the emulator's to fold.
    checkpoints: Option<Checkpoints>,
    /// The runtime the repository was opened on, which lives as long as the server: a
    /// writing task whose own runtime stops (a worker shutting down) hands its queue on
    /// to a task there.
    fallback: Handle,
}

#[derive(Default)]
struct Queue {
    pending: Vec<Pending>,
    /// The batch a writing task was writing when its runtime stopped under it: those
    /// rows may have committed, so the next task looks before it writes them again.
    rescued: Vec<Pending>,
    /// A writing task is running (or about to): creates only queue.
    writing: bool,
}

impl CreateQueue {
    pub fn new(writer: Arc<Writer>, checkpoints: Option<Checkpoints>) -> Self {
        Self {
            shared: Arc::new(Shared {
                queue: Mutex::default(),
                writer,
                checkpoints,
                fallback: Handle::current(),
            }),
        }
    }

    /// Queues a record and waits until the statement holding it has committed (or failed).
    pub async fn create(&self, record: Record) -> Result<Record, Error> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queue = self.shared.lock();
            queue.pending.push(Pending { record, reply });
            !std::mem::replace(&mut queue.writing, true)
        };
        if start {
            tokio::spawn(run(Arc::clone(&self.shared), false));
        }
        // The reply is dropped unanswered only when no runtime is left to write on, i.e.
        // the server is shutting down.
        answer.await.map_err(|_| Error::ServiceUnavailable)?
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // Nothing panics while holding it; a poisoned queue is still consistent.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Marks the queue idle if the writing task ends before emptying it (its runtime shut
/// down under it), and hands what is queued on to the fallback runtime, with the batch it
/// was writing: an actix worker stops once its own connections are done, while the
/// task it runs may be writing the creates of another worker's requests, which are still
/// waiting for their answers.
struct Writing {
    shared: Arc<Shared>,
    on_fallback: bool,
    /// The batch being written; empty once it is answered.
    batch: Vec<Pending>,
    done: bool,
}

impl Drop for Writing {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let in_flight = std::mem::take(&mut self.batch);
        let mut queue = self.shared.lock();
        if self.on_fallback {
            // Nowhere left to write: the callers get 503.
            queue.writing = false;
            queue.pending.clear();
            queue.rescued.clear();
            drop(in_flight);
        } else {
            if !in_flight.is_empty() {
                tracing::info!(
                    rows = in_flight.len(),
                    "the runtime of a writing task stopped mid-batch: its batch goes on elsewhere"
                );
            }
            queue.rescued.extend(in_flight);
            drop(queue);
            self.shared
                .fallback
                .spawn(run(Arc::clone(&self.shared), true));
        }
    }
}

/// The writing task. Its guard exists before the first poll, so a task dropped unpolled
/// (spawned on a runtime already shut down) still lets go of the queue.
fn run(shared: Arc<Shared>, on_fallback: bool) -> impl Future<Output = ()> + Send {
    let writing = Writing {
        shared: Arc::clone(&shared),
        on_fallback,
        batch: Vec::with_capacity(MAX_BATCH),
        done: false,
    };
    write_until_empty(shared, writing)
}

async fn write_until_empty(shared: Arc<Shared>, mut writing: Writing) {
    loop {
        let rescued = std::mem::take(&mut shared.lock().rescued);
        if !rescued.is_empty() {
            writing.batch = rescued;
            answer_committed(&shared.writer, &mut writing.batch).await;
        } else {
            // Everything queued since the last batch: under load, whatever arrived during
            // the previous commit; alone, a create is written at once.
            let mut queue = shared.lock();
            if queue.pending.is_empty() {
                queue.writing = false;
                writing.done = true;
                return;
            }
            let take = queue.pending.len().min(MAX_BATCH);
            writing.batch.extend(queue.pending.drain(..take));
        }
        write_batch(&shared.writer, &mut writing.batch).await;
        // After the answers: the callers of this batch do not wait for it.
        if let Some(checkpoints) = shared.checkpoints.as_ref().filter(|c| c.wal_is_large()) {
            match shared.writer.lock().await {
                Ok(mut connection) => checkpoints.catch_up(&mut connection).await,
                Err(error) => tracing::warn!(%error, "no connection to checkpoint on"),
            }
        }
    }
}

/// Answers the rescued creates that are stored (their statement ran to its commit after
/// the task that sent it was dropped); the others stay in `batch`, to be written. A create's
/// id is new, so a row with it is that create's. The lock is taken after the dropped
/// statement: the connection runs statements in the order they were sent.
async fn answer_committed(writer: &Writer, batch: &mut Vec<Pending>) {
    let Ok(mut connection) = writer.lock().await else {
        return; // `write_batch` answers them with the same error.
    };
    for pending in std::mem::take(batch) {
        let record = &pending.record;
        match super::entity::find(&mut connection, record.entity(), record.id()).await {
            Ok(Some(stored)) => {
                let _ = pending.reply.send(Ok(stored));
            }
            Ok(None) | Err(_) => batch.push(pending),
        }
    }
}

/// Writes the batch and answers (and empties) it.
async fn write_batch(writer: &Writer, batch: &mut Vec<Pending>) {
    if batch.is_empty() {
        return;
    }
    tracing::debug!(rows = batch.len(), "writing a batch of creates");
    // Rows of one entity share a statement; entities go in the order they arrived.
    let mut entities: Vec<&'static EntityType> = Vec::new();
    for pending in batch.iter() {
        let entity = pending.record.entity();
        if !entities.iter().any(|seen| std::ptr::eq(*seen, entity)) {
            entities.push(entity);
        }
    }
    let mut outcomes: HashMap<usize, Result<Record, Error>> = HashMap::new();
    for entity in entities {
        let (positions, records): (Vec<usize>, Vec<&Record>) = batch
            .iter()
            .enumerate()
            .filter(|(_, pending)| std::ptr::eq(pending.record.entity(), entity))
            .map(|(position, pending)| (position, &pending.record))
            .unzip();
        let results = write(writer, entity, &records).await;
        outcomes.extend(positions.into_iter().zip(results));
    }
    for (position, pending) in batch.drain(..).enumerate() {
        let outcome = outcomes
            .remove(&position)
            .unwrap_or_else(|| Err(Error::internal("a queued create got no outcome")));
        // A caller that went away (client disconnected) no longer needs its answer.
        let _ = pending.reply.send(outcome);
    }
}

async fn write(
    writer: &Writer,
    entity: &'static EntityType,
    records: &[&Record],
) -> Vec<Result<Record, Error>> {
    let attempt = async { insert_batch(writer.lock().await?, entity, records).await };
    match attempt.await {
        Ok(outcomes) => outcomes,
        Err(error) if records.len() > 1 && !matches!(error, Error::ServiceUnavailable) => {
            tracing::warn!(%error, rows = records.len(), "batch failed; writing its rows one by one");
            let mut outcomes = Vec::with_capacity(records.len());
            for record in records {
                let one = async { insert_batch(writer.lock().await?, entity, &[*record]).await };
                outcomes.push(match one.await {
                    Ok(mut outcome) => outcome.pop().unwrap_or_else(|| {
                        Err(Error::internal("a one-row insert returned no outcome"))
                    }),
                    Err(error) => Err(error),
                });
            }
            outcomes
        }
        Err(error) => vec![Err(error); records.len()],
    }
}

/// One statement: with one process writing (SQLite), its own transaction. Where replicas
/// write beside this process (PostgreSQL) it takes the tenant's turn first, so that the
/// checks after it (which rows clashed, which named a missing entity) see no other
/// replica's write in between.
async fn insert_batch(
    mut connection: WriteLock<'_>,
    entity: &'static EntityType,
    records: &[&Record],
) -> Result<Vec<Result<Record, Error>>, Error> {
    if !Dialect::of(&connection).replicated() {
        return insert(&mut connection, entity, records).await;
    }
    let mut tx = connection.begin().await?;
    let outcomes = insert(&mut tx, entity, records).await?;
    tx.commit().await?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests;
