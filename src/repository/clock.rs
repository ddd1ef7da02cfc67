//! The emulator clock and the pace, as `/_emulator/clock` and `/_emulator/lifecycle` move
//! them: stored in `emulator_clock`, and in force in the tenant's `Lifecycle`.

use std::sync::atomic::Ordering;

use serde_json::Value;
use time::OffsetDateTime;

use super::due::next_due;
use super::entity::{find, save};
use super::lifecycle::{at_offset, millis, Lifecycle};
use super::Repository;
use crate::configuration::LifecycleSettings;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::lifecycle::State;
use crate::model::values::{format_instant, parse_instant};
use crate::Error;

impl Repository {
    /// The emulator clock: now, and its distance from real time.
    pub async fn clock(&self) -> Result<(OffsetDateTime, i64), Error> {
        let offset_ms = match self.stored_clock().await? {
            Some((offset_ms, _)) => offset_ms,
            None => self.lifecycle.offset_ms(),
        };
        let now = at_offset(offset_ms);
        Ok((now, offset_ms))
    }

    /// The pace in force.
    pub async fn pace(&self) -> Result<LifecycleSettings, Error> {
        Ok(match self.stored_clock().await? {
            Some((_, pace)) => super::stored_pace(pace).unwrap_or(self.lifecycle.configured()),
            None => self.lifecycle.settings(),
        })
    }

    /// The stored offset and pace, where replicas share them (PostgreSQL): read as they
    /// are, without the lifecycle's turn, so that reading them never waits on a settle.
    async fn stored_clock(&self) -> Result<Option<(i64, Option<String>)>, Error> {
        if !self.dialect.replicated() {
            return Ok(None);
        }
        let stored = sqlx::query_as("SELECT offset_ms, pace FROM emulator_clock WHERE id = 1")
            .fetch_optional(&mut *self.reader.acquire().await?)
            .await?;
        stored.map(Some).ok_or_else(deleted_elsewhere)
    }

    /// Moves the emulator clock to where `to` says from now (never back), then carries out
    /// what came due. Read and written under the tenant's write lock, so that two moves
    /// through two replicas add up rather than one overwrite the other.
    pub async fn move_clock(
        &self,
        to: impl FnOnce(OffsetDateTime) -> Result<OffsetDateTime, Error>,
    ) -> Result<(), Error> {
        {
            let _turn = self.lifecycle.settling.lock().await;
            let mut tx = self.writer.begin().await?;
            let offset_ms: i64 =
                sqlx::query_scalar("SELECT offset_ms FROM emulator_clock WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?;
            let now = at_offset(offset_ms);
            let to = to(now)?;
            if to < now {
                return Err(Error::rule(
                    400,
                    "InvalidRequest",
                    format!(
                        "The emulator clock only moves forward: it is {} already.",
                        format_instant(now)
                    ),
                ));
            }
            let offset_ms = offset_ms + millis(to) - millis(now);
            sqlx::query("UPDATE emulator_clock SET offset_ms = $1 WHERE id = 1")
                .bind(offset_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            self.lifecycle.clock_set(offset_ms);
        }
        self.settle().await
    }

    /// On a database other processes write too (PostgreSQL's replicas), the clock, the
    /// pace and when the next move is due are the database's, not this process's: read
    /// again, in one statement, before each settle, by the holder of the lifecycle's turn
    /// (a pace being changed is in force in memory before it is stored). SQLite's file has
    /// one process serving it, whose memory is kept in step as it writes.
    pub(super) async fn observe(&self) -> Result<(), Error> {
        let observed: Option<(i64, Option<String>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT offset_ms, pace, ({}) FROM emulator_clock WHERE id = 1",
            next_due(self.dialect)
        ))
        .fetch_optional(&mut *self.reader.acquire().await?)
        .await?;
        let (offset_ms, pace, due) = observed.ok_or_else(deleted_elsewhere)?;
        self.lifecycle.set_settings(super::stored_pace(pace));
        self.lifecycle.observed(offset_ms, due.as_deref());
        Ok(())
    }

    /// A new pace, stored: requests waiting in an automatic state are rescheduled by it.
    pub async fn set_pace(&self, settings: LifecycleSettings) -> Result<(), Error> {
        let _turn = self.lifecycle.settling.lock().await;
        // The waiting requests are rescheduled by the new pace, which is in force meanwhile;
        // rolled back (an error, or the request cancelled), the stored one is again.
        let restore = Restore {
            lifecycle: &self.lifecycle,
            previous: Some(self.lifecycle.stored_pace()),
        };
        self.lifecycle.set_settings(Some(settings));
        self.reschedule(settings).await?;
        restore.disarm();
        self.lifecycle.earliest_ms.store(i64::MIN, Ordering::SeqCst);
        Ok(())
    }

    /// Stores `settings` as the pace, and the waiting requests' next steps by it.
    async fn reschedule(&self, settings: LifecycleSettings) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("UPDATE emulator_clock SET pace = $1 WHERE id = 1")
            .bind(serde_json::to_string(&settings).map_err(Error::internal)?)
            .execute(&mut *tx)
            .await?;
        let waiting: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM assignment_requests WHERE state IN ('submitted', 'delivering')",
        )
        .fetch_all(&mut *tx)
        .await?;
        for id in waiting {
            let Some(mut request) = find(&mut tx, &ASSIGNMENT_REQUEST, &id).await? else {
                continue;
            };
            let state = State::parse(request.text("state")).unwrap_or(State::Submitted);
            let entered = parse_instant(request.text("state_changed_at"))
                .unwrap_or_else(|_| self.lifecycle.now());
            let next = self.lifecycle.next_step(state, entered, &request, None);
            request.set(
                "next_step_at",
                next.map(format_instant).map_or(Value::Null, Value::from),
            );
            save(&mut tx, &request).await?;
        }
        tx.commit().await
    }

    /// Reset: the configured pace and real time again.
    pub(super) async fn reset_lifecycle(&self) -> Result<(), Error> {
        let _turn = self.lifecycle.settling.lock().await;
        // Under the tenant's lock, as a clock move is, so that neither overwrites the other.
        let mut tx = self.writer.begin().await?;
        sqlx::query("UPDATE emulator_clock SET offset_ms = 0, pace = NULL WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.lifecycle.set_settings(None);
        self.lifecycle.clock_set(0);
        Ok(())
    }
}

/// A tenant whose clock row is gone was deleted by another replica while this process
/// held its store open: 503, as a request of a tenant deleted while it ran gets.
fn deleted_elsewhere() -> Error {
    tracing::warn!("the tenant's clock is gone: it was deleted through another replica");
    Error::ServiceUnavailable
}

/// Puts back the pace in force before a change that did not commit, when dropped armed.
struct Restore<'a> {
    lifecycle: &'a Lifecycle,
    previous: Option<Option<LifecycleSettings>>,
}

impl Restore<'_> {
    fn disarm(mut self) {
        self.previous = None;
    }
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            self.lifecycle.set_settings(previous);
        }
    }
}
