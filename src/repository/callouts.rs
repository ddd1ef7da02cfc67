//! Custom extensions called out to (`model::callout`): a move that reaches a stage queues
//! one callout per extension its policy calls there, in the move's transaction; once the
//! settle commits, the queue is sent, with no transaction open (an endpoint may call
//! `resume` before it answers). `resume` lets a held request go on, or ends it.

use std::time::Duration as StdDuration;

use serde_json::Value;
use sqlx::AnyConnection;
use time::{Duration, OffsetDateTime};

use super::entity::{find, save};
use super::quarantine::{release, set_aside_on_failure};
use super::sql::Dialect;
use super::Repository;
use crate::model::access_package::ACCESS_PACKAGE;
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_policy::ASSIGNMENT_POLICY;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::callout::{self, Facts, Instance, Resume, CREATED, WAITING};
use crate::model::catalog::CATALOG;
use crate::model::lifecycle::State;
use crate::model::subject::SUBJECT;
use crate::model::values::{format_instant, new_id, normalize_id};
use crate::model::Record;
use crate::Error;

/// A queued callout, claimed to be sent: id, owner, owner id, url, body, time-out, retries.
type Claimed = (String, String, String, Option<String>, String, i64, i64);

/// An extension a policy calls at a stage: id, endpoint, client and callback settings.
type Called = (String, String, Option<String>, Option<String>);

/// The callout's own time-out and retries when its extension says none: the reference's
/// default time-out, and no retry, so that a failure shows at once.
const TIMEOUT_MS: i64 = 1000;

fn json(text: Option<&str>) -> Value {
    text.and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
}

/// Whose callout it is: a request's stage, or an assignment's before it expires.
enum Owner {
    Request(String),
    Assignment(String),
}

impl Owner {
    fn of(table: &str, id: String) -> Self {
        match table {
            "assignments" => Self::Assignment(id),
            _ => Self::Request(id),
        }
    }

    /// The `callouts` row's `owner` and `owner_id`.
    fn row(&self) -> (&'static str, &str) {
        match self {
            Self::Request(id) => ("assignment_requests", id),
            Self::Assignment(id) => ("assignments", id),
        }
    }
}

/// When a pre-expiration stage of delivered assignment `a`, called at by stage setting
/// `s`, comes: its end less the stage's days, in the stored instant format (the date
/// moved, the time of day kept), so that it compares with stored instants exactly.
fn reminder_due_at(dialect: Dialect) -> String {
    let days: String = callout::BEFORE_EXPIRY
        .iter()
        .map(|(stage, days)| format!(" WHEN '{stage}' THEN {days}"))
        .collect();
    dialect.days_before("a.ends_at", &format!("CASE s.stage{days} END"))
}

/// A request that delivered assignment `a` (bound as $1 where `a` is not in scope): an
/// add or update, delivered.
const DELIVERED_IT: &str = "r.assignment_id = $1 AND r.state = 'delivered'
    AND r.request_type IN ('adminAdd', 'userAdd', 'adminUpdate', 'userUpdate')";

/// The pre-expiration stages not yet called at, of assignments that began before them
/// (one of 14 days or less never reaches its 14-day stage) and that a request delivered
/// (the callout tells of it; a seeded assignment without one has none to tell).
///
/// The stage settings lead (CROSS JOIN fixes SQLite's order): there are few, and each
/// finds its policy's assignments by index. Led by the assignments, every settle read all
/// of them through the `ends_at` index (nearly all have an end), which made each request
/// cost more as assignments grew: 230 requests/s at 9,000 assignments, falling.
fn reminders_pending(dialect: Dialect) -> String {
    let due = reminder_due_at(dialect);
    let delivered_it = DELIVERED_IT.replace("$1", "a.id");
    format!(
        "FROM custom_extension_stage_settings AS s {join} assignments AS a
             ON a.assignment_policy_id = s.assignment_policy_id
         WHERE a.state = 'delivered' AND a.ends_at IS NOT NULL AND {due} IS NOT NULL
             AND {due} > coalesce({started}, a.created_date_time)
             AND EXISTS (SELECT 1 FROM assignment_requests AS r WHERE {delivered_it})
             AND NOT EXISTS (SELECT 1 FROM {instances}
                             WHERE {stage} = s.stage)",
        join = dialect.join_in_order(),
        started = dialect.json_member("a.schedule", "startDateTime"),
        instances = dialect.elements_as("a.custom_extension_callout_instances", "i"),
        stage = dialect.json_member("i.value", "stage"),
    )
}

/// The earliest pending pre-expiration stage, for the settle's next due time.
pub(super) fn next_reminder(dialect: Dialect) -> String {
    format!(
        "SELECT min({}) {}",
        reminder_due_at(dialect),
        reminders_pending(dialect)
    )
}

/// The assignment with `more` callouts recorded.
fn record(assignment: &mut Record, more: Vec<Instance>) -> Result<(), Error> {
    let mut instances = callout::instances(assignment.get("custom_extension_callout_instances"));
    instances.extend(more);
    with_instances(assignment, &instances)
}

/// The request with its recorded callouts replaced.
fn with_instances(request: &mut Record, instances: &[Instance]) -> Result<(), Error> {
    request.set(
        "custom_extension_callout_instances",
        serde_json::to_value(instances).map_err(Error::internal)?,
    );
    Ok(())
}

impl Repository {
    /// The extensions the policy calls at `stage`, in the order named.
    pub(super) async fn called_at(
        &self,
        tx: &mut AnyConnection,
        policy: &str,
        stage: &str,
    ) -> Result<Vec<Called>, Error> {
        Ok(sqlx::query_as(
            "SELECT e.id, e.endpoint_configuration, e.client_configuration, e.callback_configuration
             FROM custom_extension_stage_settings AS s
                 JOIN custom_extensions AS e ON e.id = s.custom_extension_id
             WHERE s.assignment_policy_id = $1 AND s.stage = $2
             ORDER BY s.created_date_time, s.id",
        )
        .bind(policy)
        .bind(stage)
        .fetch_all(&mut *tx)
        .await?)
    }

    /// In a move's transaction: the request reaches `stage`, and each extension its
    /// policy calls there is queued a callout, recorded on the request. The wait, when one
    /// holds the request (a launch-and-wait extension at the created stage).
    pub(super) async fn call_out(
        &self,
        tx: &mut AnyConnection,
        request: &mut Record,
        stage: &str,
    ) -> Result<Option<Duration>, Error> {
        let owner = Owner::Request(request.id().to_owned());
        let queued = self.queue(tx, request, None, stage, &owner).await?;
        if queued.is_empty() {
            return Ok(None);
        }
        let mut instances = callout::instances(request.get("custom_extension_callout_instances"));
        let wait = queued.iter().filter_map(|(_, wait)| *wait).max();
        instances.extend(queued.into_iter().map(|(instance, _)| instance));
        with_instances(request, &instances)?;
        Ok(wait)
    }

    /// Queues a callout to each extension the request's policy calls at `stage`: the
    /// instances to record, each with the wait it holds the request for.
    async fn queue(
        &self,
        tx: &mut AnyConnection,
        request: &Record,
        assignment: Option<&Record>,
        stage: &str,
        owner: &Owner,
    ) -> Result<Vec<(Instance, Option<Duration>)>, Error> {
        let policy_id = assignment.map_or_else(
            || request.text("assignment_policy_id"),
            |assignment| assignment.text("assignment_policy_id"),
        );
        let called = self.called_at(tx, policy_id, stage).await?;
        if called.is_empty() {
            return Ok(Vec::new());
        }
        let missing = || Error::internal("a request's package, catalog or policy is gone");
        let package = find(tx, &ACCESS_PACKAGE, request.text("access_package_id"))
            .await?
            .ok_or_else(missing)?;
        let catalog = find(tx, &CATALOG, request.text("catalog_id"))
            .await?
            .ok_or_else(missing)?;
        let policy = find(tx, &ASSIGNMENT_POLICY, policy_id)
            .await?
            .ok_or_else(missing)?;
        let target = find(tx, &SUBJECT, request.text("target_id"))
            .await?
            .ok_or_else(missing)?;
        let requestor = match request.get("requestor_id").as_str() {
            Some(id) => find(tx, &SUBJECT, id).await?,
            None => None,
        };
        let assignment = match (assignment, request.get("assignment_id").as_str()) {
            (Some(assignment), _) => Some(assignment.clone()),
            (None, Some(id)) => find(tx, &ASSIGNMENT, id).await?,
            (None, None) => None,
        };
        let (owner_table, owner_id) = owner.row();
        let mut queued = Vec::new();
        for (extension, endpoint, client, callback) in called {
            let callback = json(callback.as_deref());
            let waits = (stage == CREATED)
                .then(|| callout::waits_for(&callback))
                .flatten();
            let instance = new_id();
            let body = callout::payload(&Facts {
                request,
                instance: &instance,
                stage,
                package: &package,
                catalog: &catalog,
                policy: &policy,
                assignment: assignment.as_ref(),
                target: &target,
                requestor: requestor.as_ref(),
                callback: waits.map(|_| &callback),
            });
            let client = json(client.as_deref());
            sqlx::query(
                "INSERT INTO callouts (id, owner, owner_id, url, payload, timeout_ms, retries)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&instance)
            .bind(owner_table)
            .bind(owner_id)
            .bind(callout::target(&json(Some(&endpoint))))
            .bind(body.to_string())
            .bind(
                client["timeoutInMilliseconds"]
                    .as_i64()
                    .unwrap_or(TIMEOUT_MS),
            )
            .bind(client["maximumRetries"].as_i64().unwrap_or(0))
            .execute(&mut *tx)
            .await?;
            let status = if waits.is_some() {
                "waitingForCallback"
            } else {
                "calloutSent"
            };
            let recorded = Instance {
                id: instance,
                custom_extension_id: extension,
                detail: None,
                external_correlation_id: None,
                status: status.to_owned(),
                stage: stage.to_owned(),
            };
            queued.push((recorded, waits));
        }
        Ok(queued)
    }

    /// In the settle's transaction: each delivered assignment whose policy calls an
    /// extension 14 days or 1 day before it expires, and which has come that near (having
    /// begun before then), is called out to once per stage, recorded on the assignment.
    /// Each under a savepoint: one that cannot be called out to is recorded as failed,
    /// so it is neither due again nor in the way of the rest of the settle.
    pub(super) async fn remind_before_expiry(
        &self,
        tx: &mut AnyConnection,
        stamp: &str,
    ) -> Result<(), Error> {
        let dialect = Dialect::of(tx);
        let due: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT DISTINCT a.id, s.stage {} AND {} <= $1 ORDER BY a.id, s.stage",
            reminders_pending(dialect),
            reminder_due_at(dialect)
        ))
        .bind(stamp)
        .fetch_all(&mut *tx)
        .await?;
        for (id, stage) in due {
            sqlx::query("SAVEPOINT one_move").execute(&mut *tx).await?;
            let reminded = set_aside_on_failure(self.remind(tx, &id, &stage)).await;
            match reminded {
                Ok(()) => release(tx).await?,
                Err(cause) => {
                    sqlx::query("ROLLBACK TO one_move")
                        .execute(&mut *tx)
                        .await?;
                    tracing::error!(assignment = id, stage, cause, "a reminder failed");
                    let failed = Instance {
                        id: new_id(),
                        custom_extension_id: String::new(),
                        detail: Some(cause),
                        external_correlation_id: None,
                        status: "calloutFailed".to_owned(),
                        stage,
                    };
                    if let Some(mut assignment) = find(tx, &ASSIGNMENT, &id).await? {
                        record(&mut assignment, vec![failed])?;
                        save(tx, &assignment).await?;
                    }
                    release(tx).await?;
                }
            }
        }
        Ok(())
    }

    /// One reminder: the extensions the assignment's policy calls at `stage`, told of
    /// the request that delivered it.
    async fn remind(&self, tx: &mut AnyConnection, id: &str, stage: &str) -> Result<(), Error> {
        let missing = || Error::internal("a reminded assignment or its request is gone");
        let mut assignment = find(tx, &ASSIGNMENT, id).await?.ok_or_else(missing)?;
        let request: Option<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM assignment_requests AS r WHERE {DELIVERED_IT}
             ORDER BY created_date_time DESC, id DESC LIMIT 1"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let request = find(tx, &ASSIGNMENT_REQUEST, &request.ok_or_else(missing)?)
            .await?
            .ok_or_else(missing)?;
        let owner = Owner::Assignment(id.to_owned());
        let queued = self
            .queue(tx, &request, Some(&assignment), stage, &owner)
            .await?;
        record(
            &mut assignment,
            queued.into_iter().map(|(instance, _)| instance).collect(),
        )?;
        save(tx, &assignment).await.map(drop)
    }

    /// Sends what the settle queued, each callout once: claimed, then sent with no
    /// transaction open, then a failure recorded on its request (which fails with it when
    /// it waited for the answer).
    pub(super) async fn send_callouts(&self) -> Result<(), Error> {
        let claimed: Vec<Claimed> = sqlx::query_as(
            "UPDATE callouts SET sent = 1 WHERE sent = 0
                 RETURNING id, owner, owner_id, url, payload, timeout_ms, retries",
        )
        .fetch_all(&mut *self.writer.lock().await?)
        .await?;
        for (instance, owner, owner_id, url, payload, timeout_ms, retries) in claimed {
            let outcome = match url {
                Some(url) => post(&url, payload, timeout_ms, retries).await,
                None => Err("the extension's endpoint has no url the emulator can call: give a Logic App endpoint its url, or use an httpRequestEndpoint".to_owned()),
            };
            if let Err(problem) = outcome {
                tracing::warn!(
                    callout = instance,
                    problem,
                    "a custom extension callout failed"
                );
                let owner = Owner::of(&owner, owner_id);
                self.callout_failed(&owner, &instance, &problem).await?;
            }
        }
        Ok(())
    }

    async fn callout_failed(
        &self,
        owner: &Owner,
        instance: &str,
        problem: &str,
    ) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let (entity, id) = match owner {
            Owner::Request(id) => (&ASSIGNMENT_REQUEST, id),
            Owner::Assignment(id) => (&ASSIGNMENT, id),
        };
        let Some(mut record) = find(&mut tx, entity, id).await? else {
            return Ok(());
        };
        let mut instances = callout::instances(record.get("custom_extension_callout_instances"));
        let mut held = false;
        for recorded in instances
            .iter_mut()
            .filter(|recorded| recorded.id == instance)
        {
            held = recorded.status == "waitingForCallback";
            recorded.status = "calloutFailed".to_owned();
            recorded.detail = Some(problem.to_owned());
        }
        with_instances(&mut record, &instances)?;
        if held && matches!(owner, Owner::Request(_)) && record.text("status") == WAITING {
            end(&mut record, State::DeliveryFailed, self.lifecycle.now());
        }
        save(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `resume`: the answer to a callout the request waits for. It goes on at once, or
    /// ends as the answer says.
    pub async fn resume(&self, id: &str, resume: Resume) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let mut request = find(&mut tx, &ASSIGNMENT_REQUEST, id)
            .await?
            .ok_or(Error::ResourceNotFound)?;
        let mut instances = callout::instances(request.get("custom_extension_callout_instances"));
        let answered = normalize_id(&resume.instance);
        let Some(recorded) = instances
            .iter_mut()
            .find(|recorded| normalize_id(&recorded.id) == answered)
        else {
            return Err(Error::RelatedNotFound {
                target: "data.customExtensionStageInstanceId".to_owned(),
                entity: "customExtensionCalloutInstance",
                id: resume.instance,
            });
        };
        if recorded.status != "waitingForCallback" || request.text("status") != WAITING {
            return Err(Error::rule(
                400,
                "InvalidRequestState",
                format!(
                    "The request is not waiting for this callout: it is {}.",
                    recorded.status
                ),
            ));
        }
        recorded.status = "callbackReceived".to_owned();
        recorded.detail = resume.detail;
        with_instances(&mut request, &instances)?;
        let now = self.lifecycle.now();
        match resume.ends {
            Some("denied") => end(&mut request, State::Denied, now),
            Some(_) => end(&mut request, State::Canceled, now),
            None => {
                request.set("status", State::Submitted.status().into());
                request.set("next_step_at", format_instant(now).into());
            }
        }
        let stored = save(&mut tx, &request).await?;
        tx.commit().await?;
        self.note_due(stored.get("next_step_at"));
        Ok(())
    }
}

/// A held request ends in `state`, at `now`.
fn end(request: &mut Record, state: State, now: OffsetDateTime) {
    let stamp = format_instant(now);
    request.set("state", state.stored().into());
    request.set("status", state.status().into());
    request.set("next_step_at", Value::Null);
    request.set("state_changed_at", stamp.as_str().into());
    request.set("completed_date_time", stamp.into());
}

/// One callout: POSTed as JSON, tried again up to `retries` times; any 2xx is taken.
async fn post(url: &str, payload: String, timeout_ms: i64, retries: i64) -> Result<(), String> {
    let client = awc::Client::builder()
        .timeout(StdDuration::from_millis(
            u64::try_from(timeout_ms.clamp(1, 60_000)).unwrap_or(1000),
        ))
        .finish();
    let mut problem = String::new();
    for _ in 0..=retries.clamp(0, 5) {
        match client
            .post(url)
            .insert_header(("Content-Type", "application/json"))
            .send_body(payload.clone())
            .await
        {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(response) => problem = format!("{url} answered {}", response.status()),
            Err(error) => problem = format!("{url}: {error}"),
        }
    }
    Err(problem)
}
