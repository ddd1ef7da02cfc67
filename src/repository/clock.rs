//! The emulator clock and the pace, as `/_emulator/clock` and `/_emulator/lifecycle` move
//! them: stored in `emulator_clock`, and in force in the tenant's `Lifecycle`.

use std::sync::atomic::Ordering;

use serde_json::Value;
use time::OffsetDateTime;

use super::entity::{find, save};
use super::lifecycle::{millis, Lifecycle};
use super::Repository;
use crate::configuration::LifecycleSettings;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::lifecycle::State;
use crate::model::values::{format_instant, parse_instant};
use crate::Error;

impl Repository {
    /// The emulator clock: now, and its distance from real time.
    pub fn clock(&self) -> (OffsetDateTime, i64) {
        (self.lifecycle.now(), self.lifecycle.offset_ms())
    }

    /// Moves the emulator clock to `to` (never back), then carries out what came due.
    pub async fn move_clock(&self, to: OffsetDateTime) -> Result<(), Error> {
        let now = self.lifecycle.now();
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
        let offset = self.lifecycle.offset_ms() + millis(to) - millis(now);
        self.set_offset(offset).await?;
        self.settle().await
    }

    pub(super) async fn set_offset(&self, offset_ms: i64) -> Result<(), Error> {
        let _turn = self.lifecycle.settling.lock().await;
        sqlx::query("UPDATE emulator_clock SET offset_ms = $1 WHERE id = 1")
            .bind(offset_ms)
            .execute(&mut *self.writer.lock().await?)
            .await?;
        self.lifecycle.clock_set(offset_ms);
        Ok(())
    }

    pub fn pace(&self) -> LifecycleSettings {
        self.lifecycle.settings()
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
        sqlx::query("UPDATE emulator_clock SET offset_ms = 0, pace = NULL WHERE id = 1")
            .execute(&mut *self.writer.lock().await?)
            .await?;
        self.lifecycle.set_settings(None);
        self.lifecycle.clock_set(0);
        Ok(())
    }
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
