//! The request lifecycle carried out (`model::lifecycle` decides, this writes): each move
//! of a request is one transaction with its effect on the assignment, and the triggers of
//! the assignments migration change group membership in the same statement.
//!
//! Nothing moves in the background. Every request first lets the lifecycle catch up with
//! the emulator clock (`settle`): whatever came due since is carried out, oldest first, in
//! one transaction, before the request is served. So what a client reads is always where
//! the pace and the clock say the request is, and no test has to wait for a timer. Until
//! something is due, that check is two atomic loads on SQLite; on PostgreSQL, where
//! replicas share the clock, one statement (`Repository::observe`).

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::RwLock;

use serde_json::Value;
use sqlx::AnyConnection;
use time::{Duration, OffsetDateTime};

use super::deletion::remove;
use super::delivery::{
    close_stage, deliver, end_assignment, open_stage, set_assignment, start_delivery,
};
use super::entity::{find, save};
use super::outsiders::{cleaned_up, due_for_cleanup};
use super::quarantine::{
    quarantine_assignment, quarantine_cleanup, quarantine_request, release, set_aside_on_failure,
};
use super::Repository;
use crate::configuration::{LifecycleSettings, Pace};
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_policy::ASSIGNMENT_POLICY;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::callout::{self, AtStage, CREATED, WAITING};
use crate::model::directory::USER;
use crate::model::json::duration_seconds;
use crate::model::lifecycle::{self, AssignmentState, Effect, Facts, Kind, Move, State};
use crate::model::schedule::starts_at;
use crate::model::values::{format_instant, later, parse_instant};
use crate::model::{approval, Record};
use crate::Error;

/// Nothing is due.
const NEVER: i64 = i64::MAX;
/// Requests moved per statement, and rounds per settle (a request needs at most three).
const DUE_PER_ROUND: i64 = 512;
const MAX_ROUNDS: usize = 64;

/// The emulator clock, the pace, and when the next move is due.
pub struct Lifecycle {
    /// The clock's distance from real time.
    offset_ms: AtomicI64,
    configured: LifecycleSettings,
    settings: RwLock<LifecycleSettings>,
    /// `settings` was set at run time (and stored), not configured.
    set_at_run_time: AtomicBool,
    /// A lower bound of the next due time (ms on the emulator clock).
    pub(super) earliest_ms: AtomicI64,
    /// Set by whoever adds a due time, so a settle that was computing `earliest_ms`
    /// meanwhile computes it again rather than overwrite the newer bound.
    dirty: AtomicBool,
    pub(super) settling: tokio::sync::Mutex<()>,
}

/// Now on a clock `offset_ms` from real time.
pub(super) fn at_offset(offset_ms: i64) -> OffsetDateTime {
    later(OffsetDateTime::now_utc(), Duration::milliseconds(offset_ms))
}

pub(super) fn millis(instant: OffsetDateTime) -> i64 {
    i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).unwrap_or(NEVER)
}

fn millis_of(text: &str) -> Option<i64> {
    parse_instant(text).ok().map(millis)
}

impl Lifecycle {
    /// `stored`: the pace set at run time, when one is stored; else `configured` applies.
    pub fn new(
        configured: LifecycleSettings,
        offset_ms: i64,
        stored: Option<LifecycleSettings>,
    ) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
            configured,
            settings: RwLock::new(stored.unwrap_or(configured)),
            set_at_run_time: AtomicBool::new(stored.is_some()),
            // Unknown until the first settle looks.
            earliest_ms: AtomicI64::new(i64::MIN),
            dirty: AtomicBool::new(false),
            settling: tokio::sync::Mutex::new(()),
        }
    }

    /// Now on the emulator clock.
    pub fn now(&self) -> OffsetDateTime {
        at_offset(self.offset_ms.load(Ordering::SeqCst))
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    pub fn settings(&self) -> LifecycleSettings {
        *self
            .settings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The pace configured, in force when none was set at run time.
    pub fn configured(&self) -> LifecycleSettings {
        self.configured
    }

    /// The pace set at run time, if one is in force.
    pub fn stored_pace(&self) -> Option<LifecycleSettings> {
        self.set_at_run_time
            .load(Ordering::SeqCst)
            .then(|| self.settings())
    }

    /// `None`: the configured pace again.
    pub(super) fn set_settings(&self, settings: Option<LifecycleSettings>) {
        *self
            .settings
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = settings.unwrap_or(self.configured);
        self.set_at_run_time
            .store(settings.is_some(), Ordering::SeqCst);
    }

    /// The clock was set `offset_ms` from real time: what came due by the jump is found
    /// by the next settle.
    pub(super) fn clock_set(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::SeqCst);
        self.earliest_ms.store(i64::MIN, Ordering::SeqCst);
    }

    /// As the database has it (`Repository::observe`): the clock's offset and the next
    /// due time.
    pub(super) fn observed(&self, offset_ms: i64, due: Option<&str>) {
        self.offset_ms.store(offset_ms, Ordering::SeqCst);
        let due = due.and_then(millis_of).unwrap_or(NEVER);
        self.earliest_ms.store(due, Ordering::SeqCst);
    }

    /// A move is due at `at` (stored form).
    fn note_due(&self, at: &Value) {
        if let Some(ms) = at.as_str().and_then(millis_of) {
            self.dirty.store(true, Ordering::SeqCst);
            self.earliest_ms.fetch_min(ms, Ordering::SeqCst);
        }
    }

    fn is_due(&self) -> bool {
        self.earliest_ms.load(Ordering::SeqCst) <= millis(self.now())
    }

    /// When a request that entered `state` at `at` moves on without anyone deciding:
    /// automatic states by the pace, a scheduled one at its start, an approval stage when
    /// its time for a decision runs out.
    pub(super) fn next_step(
        &self,
        state: State,
        at: OffsetDateTime,
        request: &Record,
        stage: Option<&Value>,
    ) -> Option<OffsetDateTime> {
        let settings = self.settings();
        let dwell = |ms: u64| {
            later(
                at,
                Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX)),
            )
        };
        match state {
            State::Submitted | State::Delivering => match settings.pace {
                Pace::Immediate => Some(at),
                Pace::Dwell if state == State::Submitted => {
                    Some(dwell(settings.dwell_ms.submitted))
                }
                Pace::Dwell => Some(dwell(settings.dwell_ms.delivering)),
                Pace::Manual => None,
            },
            State::Scheduled => starts_at(request.get("schedule")).or(Some(at)),
            State::PendingApproval => stage
                .and_then(|stage| stage["durationBeforeAutomaticDenial"].as_str())
                .and_then(duration_seconds)
                .map(|seconds| later(at, Duration::seconds(seconds))),
            _ => None,
        }
    }
}

/// What a request's moves depend on, from it and its policy.
pub(super) fn facts(request: &Record, policy: &Record) -> Facts {
    let request_type = request.text("request_type");
    Facts {
        kind: Kind::of(request_type).unwrap_or(Kind::Add),
        stages: approval::stages_for(policy, request_type).len(),
        starts_at: starts_at(request.get("schedule")),
        fail_delivery: request.get("fail_delivery").as_bool() == Some(true)
            || request.get("fail_delivery").as_i64() == Some(1),
    }
}

impl Repository {
    /// Carries out every move that has come due on the emulator clock.
    pub async fn settle(&self) -> Result<(), Error> {
        let life = &self.lifecycle;
        let turn = if self.dialect.replicated() {
            // Bounded as a read is: with the server gone, each turn's read waits that long,
            // and a queue of them must not add up.
            let turn = tokio::time::timeout(self.reader.wait(), life.settling.lock())
                .await
                .map_err(|_| Error::ServiceUnavailable)?;
            self.observe().await?;
            Some(turn)
        } else {
            None
        };
        if !life.is_due() {
            return Ok(());
        }
        let turn = match turn {
            Some(turn) => turn,
            None => life.settling.lock().await,
        };
        if !life.is_due() {
            return Ok(());
        }
        let now = life.now();
        let stamp = format_instant(now);
        let mut tx = self.writer.begin().await?;
        for _ in 0..MAX_ROUNDS {
            // Before what ends in this round: a jump past an end passes its reminders first.
            self.remind_before_expiry(&mut tx, &stamp).await?;
            let due: Vec<(String, String)> = sqlx::query_as(
                "SELECT id, next_step_at FROM assignment_requests WHERE next_step_at <= $1 ORDER BY next_step_at, id LIMIT $2",
            )
            .bind(&stamp)
            .bind(DUE_PER_ROUND)
            .fetch_all(&mut *tx)
            .await?;
            let ending: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM assignments WHERE ends_at <= $1 AND state <> 'expired' ORDER BY ends_at, id LIMIT $2",
            )
            .bind(&stamp)
            .bind(DUE_PER_ROUND)
            .fetch_all(&mut *tx)
            .await?;
            let leaving = due_for_cleanup(&mut tx, &stamp, DUE_PER_ROUND).await?;
            if due.is_empty() && ending.is_empty() && leaving.is_empty() {
                break;
            }
            for (id, due_at) in due {
                // A move happens when it came due, not when the clock was next looked at:
                // a stage opened by it then times out on time within the same jump.
                let at = parse_instant(&due_at).map_or(now, |due_at| due_at.min(now));
                sqlx::query("SAVEPOINT one_move").execute(&mut *tx).await?;
                let moved = async {
                    match find(&mut tx, &ASSIGNMENT_REQUEST, &id).await? {
                        Some(request) => self.move_by_itself(&mut tx, request, at).await.map(drop),
                        None => Ok(()),
                    }
                };
                match set_aside_on_failure(moved).await {
                    Ok(()) => release(&mut tx).await?,
                    Err(cause) => quarantine_request(&mut tx, &id, &stamp, &cause).await?,
                }
            }
            for id in ending {
                sqlx::query("SAVEPOINT one_move").execute(&mut *tx).await?;
                let ended = async {
                    match find(&mut tx, &ASSIGNMENT, &id).await? {
                        Some(assignment) => end_assignment(&mut tx, assignment, now, true).await,
                        None => Ok(()),
                    }
                };
                match set_aside_on_failure(ended).await {
                    Ok(()) => release(&mut tx).await?,
                    Err(cause) => quarantine_assignment(&mut tx, &id, &cause).await?,
                }
            }
            // Guests the settings delete, as an administrator's delete would.
            for (subject, user) in leaving {
                sqlx::query("SAVEPOINT one_move").execute(&mut *tx).await?;
                let deleted = async {
                    self.end_access_of(&mut tx, &user).await?;
                    remove(&mut tx, &USER, vec![user]).await?;
                    cleaned_up(&mut tx, &subject).await
                };
                match set_aside_on_failure(deleted).await {
                    Ok(()) => release(&mut tx).await?,
                    Err(cause) => quarantine_cleanup(&mut tx, &subject, &cause).await?,
                }
            }
        }
        tx.commit().await?;
        self.recompute_due().await?;
        // Sent with the turn given up: an endpoint may answer with `resume` at once.
        drop(turn);
        self.send_callouts().await
    }

    /// The lower bound of the next due time, from the database; redone while someone adds
    /// a due time meanwhile.
    pub(super) async fn recompute_due(&self) -> Result<(), Error> {
        loop {
            self.lifecycle.dirty.store(false, Ordering::SeqCst);
            let next: Option<String> = sqlx::query_scalar(&super::due::next_due(self.dialect))
                .fetch_one(&mut *self.writer.lock().await?)
                .await?;
            let ms = next.as_deref().and_then(millis_of).unwrap_or(NEVER);
            self.lifecycle.earliest_ms.store(ms, Ordering::SeqCst);
            if !self.lifecycle.dirty.load(Ordering::SeqCst) {
                return Ok(());
            }
        }
    }

    /// A due request moves on: its automatic step, its start, or its approval times out.
    async fn move_by_itself(
        &self,
        tx: &mut AnyConnection,
        mut request: Record,
        now: OffsetDateTime,
    ) -> Result<Record, Error> {
        let policy = self.policy_of(tx, &request).await?;
        let state = State::parse(request.text("state")).unwrap_or(State::Submitted);
        let step = match state {
            State::PendingApproval => {
                close_stage(tx, &request, "Expired", None, now).await?;
                lifecycle::time_out(state)
            }
            State::Submitted => {
                let recorded =
                    callout::instances(request.get("custom_extension_callout_instances"));
                let policy_id = request.text("assignment_policy_id").to_owned();
                let extensions = self.called_at(tx, &policy_id, CREATED).await?.len();
                match callout::at_created(extensions, &recorded) {
                    AtStage::Call => {
                        if let Some(wait) = self.call_out(tx, &mut request, CREATED).await? {
                            // Held until `resume`, or until it times out.
                            request.set("status", WAITING.into());
                            let deadline = format_instant(callout::deadline(now, wait));
                            request.set("next_step_at", deadline.into());
                            return save(tx, &request).await;
                        }
                        lifecycle::advance(state, &facts(&request, &policy), now)
                    }
                    AtStage::TimedOut => {
                        timed_out(&mut request, recorded)?;
                        lifecycle::callback_timed_out(state)
                    }
                    AtStage::Go => lifecycle::advance(state, &facts(&request, &policy), now),
                }
            }
            _ => lifecycle::advance(state, &facts(&request, &policy), now),
        };
        match step {
            Ok(step) => self.apply(tx, request, &policy, step, now).await,
            // Nothing to do after all: it waits from now on.
            Err(_) => {
                let mut request = request;
                request.set("next_step_at", Value::Null);
                save(tx, &request).await
            }
        }
    }

    pub(super) async fn policy_of(
        &self,
        tx: &mut AnyConnection,
        request: &Record,
    ) -> Result<Record, Error> {
        find(tx, &ASSIGNMENT_POLICY, request.text("assignment_policy_id"))
            .await?
            .ok_or_else(|| Error::internal("a request's policy is gone"))
    }

    /// Carries out a move and its effect; the request as stored after it.
    pub(super) async fn apply(
        &self,
        tx: &mut AnyConnection,
        mut request: Record,
        policy: &Record,
        step: Move,
        now: OffsetDateTime,
    ) -> Result<Record, Error> {
        let kind = Kind::of(request.text("request_type")).unwrap_or(Kind::Add);
        // A delivery failed on demand fails once: the retry goes through.
        if request.text("state") == State::DeliveryFailed.stored() {
            request.set("fail_delivery", Value::Bool(false));
        }
        let from = State::parse(request.text("state")).unwrap_or(State::Submitted);
        let mut stage = None;
        match step.effect {
            Effect::None => {}
            Effect::OpenApproval => stage = Some(open_stage(tx, &mut request, policy, now).await?),
            Effect::StartDelivery => start_delivery(tx, &mut request, kind, now).await?,
            Effect::Deliver => deliver(tx, &request, policy, kind, now).await?,
            Effect::FailDelivery => {
                if kind == Kind::Add {
                    set_assignment(tx, &request, AssignmentState::DeliveryFailed).await?;
                }
            }
        }
        let stamp = format_instant(now);
        request.set("state", Value::from(step.to.stored()));
        request.set("status", Value::from(step.to.status()));
        request.set("state_changed_at", Value::from(stamp.as_str()));
        let next = self
            .lifecycle
            .next_step(step.to, now, &request, stage.as_ref())
            .map(format_instant);
        request.set("next_step_at", next.map_or(Value::Null, Value::from));
        if step.to.is_final() {
            request.set("completed_date_time", Value::from(stamp));
        }
        // Called with the request as it is now, so the callout tells its new state.
        if let Some(reached) = callout::reached(from, step.to, kind) {
            self.call_out(tx, &mut request, reached).await?;
        }
        let stored = save(tx, &request).await?;
        self.lifecycle.note_due(stored.get("next_step_at"));
        Ok(stored)
    }

    /// When a request entering `state` at `at` moves on (stored form, or null).
    pub(super) fn lifecycle_next(
        &self,
        state: State,
        at: OffsetDateTime,
        request: &Record,
    ) -> Value {
        self.lifecycle
            .next_step(state, at, request, None)
            .map_or(Value::Null, |next| Value::from(format_instant(next)))
    }

    pub(super) fn note_due(&self, at: &Value) {
        self.lifecycle.note_due(at);
    }
}

/// The created stage's callouts that were still awaited time out.
fn timed_out(request: &mut Record, mut recorded: Vec<callout::Instance>) -> Result<(), Error> {
    for instance in recorded
        .iter_mut()
        .filter(|instance| instance.stage == CREATED && instance.status == "waitingForCallback")
    {
        instance.status = "callbackTimedOut".to_owned();
    }
    request.set(
        "custom_extension_callout_instances",
        serde_json::to_value(recorded).map_err(Error::internal)?,
    );
    Ok(())
}
