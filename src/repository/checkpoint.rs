//! WAL checkpoints, kept off the request path.
//!
//! In WAL mode a commit appends pages to the `-wal` file; a checkpoint copies them into the
//! database file, and once all are copied the next write starts the WAL over. SQLite's own
//! automatic checkpoint runs inside COMMIT, so the request whose commit crosses the limit
//! waits for the copy. Here a background task copies instead (PASSIVE: it never blocks the
//! writer or readers), every 20 ms while writes come in. Under a steady stream of writes
//! that pass never catches up entirely, and a WAL that is never started over grows without
//! bound (1.4 GB after 8 s of creates), so when the WAL passes 128 MB the writer finishes
//! the job after it has answered a batch, copying only what was appended since the last
//! pass.
//!
//! Measured (wrk, creates at c=16): SQLite's automatic checkpoint, p99 8 ms; this with a
//! 32 MB step, p99 10.3 ms over 10 s; with 128 MB, p99 5.3 ms; no checkpoint at all, p99
//! 2.3 ms but an unbounded WAL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyConnection;

use super::readers::Readers;

/// Pause between passes when the last one copied everything.
const IDLE_PAUSE: Duration = Duration::from_millis(250);
/// Pause between passes while writes keep coming.
const BUSY_PAUSE: Duration = Duration::from_millis(20);
/// WAL frames (pages) above which the writer helps: 128 MB. Each help costs the queued
/// requests 3-5 ms; larger steps mean fewer of them, and more hot pages copied once. The
/// WAL lives in the page cache, not in the process's memory.
const LARGE_WAL_FRAMES: i64 = 32768;

#[derive(Clone)]
pub(super) struct Checkpoints {
    wal_is_large: Arc<AtomicBool>,
}

impl Checkpoints {
    /// Starts the background pass on a read connection (checkpointing is allowed under
    /// `query_only`); it stops when the pool closes.
    pub fn start(reader: Arc<Readers>) -> Self {
        let wal_is_large = Arc::new(AtomicBool::new(false));
        tokio::spawn(background(reader, Arc::clone(&wal_is_large)));
        Self { wal_is_large }
    }

    /// The last background pass found the WAL large: the writer should `catch_up`.
    pub fn wal_is_large(&self) -> bool {
        self.wal_is_large.load(Ordering::Relaxed)
    }

    /// Called by the writer between batches, on its connection: copies the rest of the
    /// WAL so that the next write can start it over.
    pub async fn catch_up(&self, writer: &mut AnyConnection) {
        if !self.wal_is_large.swap(false, Ordering::Relaxed) {
            return;
        }
        let started = std::time::Instant::now();
        match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&mut *writer)
            .await
        {
            Ok((busy, frames, copied)) => tracing::debug!(
                busy,
                frames,
                copied,
                elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
                "writer checkpoint"
            ),
            Err(error) => tracing::warn!(%error, "checkpoint by the writer failed"),
        }
    }
}

async fn background(reader: Arc<Readers>, wal_is_large: Arc<AtomicBool>) {
    let mut pause = IDLE_PAUSE;
    let mut last_frames = 0;
    loop {
        tokio::time::sleep(pause).await;
        if reader.is_closed() {
            return;
        }
        // Columns: busy, frames in the WAL, frames copied into the database.
        let pass = async {
            let mut connection = reader.acquire().await?;
            sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&mut *connection)
                .await
                .map_err(crate::Error::from)
        };
        match pass.await {
            Ok((busy, frames, copied)) => {
                tracing::debug!(busy, frames, copied, "background checkpoint");
                wal_is_large.store(frames >= LARGE_WAL_FRAMES, Ordering::Relaxed);
                // Frames keep coming while writes do: copy them in small steps, so that the
                // writer's share stays small.
                pause = if frames != last_frames || copied < frames {
                    BUSY_PAUSE
                } else {
                    IDLE_PAUSE
                };
                last_frames = frames;
            }
            Err(_) if reader.is_closed() => return,
            Err(error) => tracing::warn!(%error, "background checkpoint failed"),
        }
    }
}
