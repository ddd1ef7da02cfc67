//! Custom extensions called out to (`model::callout`): a move that reaches a stage queues
//! one callout per extension its policy calls there, in the move's transaction; once the
//! settle commits, the queue is sent, with no transaction open (an endpoint may call
//! `resume` before it answers). `resume` lets a held request go on, or ends it.

use std::time::Duration as StdDuration;

use serde_json::Value;
use sqlx::SqliteConnection;
use time::{Duration, OffsetDateTime};

use super::entity::{find, save};
use super::Repository;
use crate::model::access_package::ACCESS_PACKAGE;
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_policy::ASSIGNMENT_POLICY;
use crate::model::callout::{self, Facts, Instance, Resume, CREATED, WAITING};
use crate::model::catalog::CATALOG;
use crate::model::lifecycle::State;
use crate::model::subject::SUBJECT;
use crate::model::values::{format_instant, new_id, normalize_id};
use crate::model::Record;
use crate::Error;

/// An extension a policy calls at a stage: id, endpoint, client and callback settings.
type Called = (String, String, Option<String>, Option<String>);

/// The callout's own time-out and retries when its extension says none: the reference's
/// default time-out, and no retry, so that a failure shows at once.
const TIMEOUT_MS: i64 = 1000;

fn json(text: Option<&str>) -> Value {
    text.and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
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
    /// The extensions the request's policy calls at `stage`, in the order named.
    pub(super) async fn called_at(
        &self,
        tx: &mut SqliteConnection,
        request: &Record,
        stage: &str,
    ) -> Result<Vec<Called>, Error> {
        Ok(sqlx::query_as(
            "SELECT e.id, e.endpoint_configuration, e.client_configuration, e.callback_configuration
             FROM custom_extension_stage_settings AS s
                 JOIN custom_extensions AS e ON e.id = s.custom_extension_id
             WHERE s.assignment_policy_id = ?1 AND s.stage = ?2
             ORDER BY s.created_date_time, s.id",
        )
        .bind(request.text("assignment_policy_id"))
        .bind(stage)
        .fetch_all(&mut *tx)
        .await?)
    }

    /// In a move's transaction: the request reaches `stage`, and each extension its
    /// policy calls there is queued a callout. The wait, when one holds the request
    /// (a launch-and-wait extension at the created stage).
    pub(super) async fn call_out(
        &self,
        tx: &mut SqliteConnection,
        request: &mut Record,
        stage: &str,
    ) -> Result<Option<Duration>, Error> {
        let called = self.called_at(tx, request, stage).await?;
        if called.is_empty() {
            return Ok(None);
        }
        let missing = || Error::internal("a request's package, catalog or policy is gone");
        let package = find(tx, &ACCESS_PACKAGE, request.text("access_package_id"))
            .await?
            .ok_or_else(missing)?;
        let catalog = find(tx, &CATALOG, request.text("catalog_id"))
            .await?
            .ok_or_else(missing)?;
        let policy = find(tx, &ASSIGNMENT_POLICY, request.text("assignment_policy_id"))
            .await?
            .ok_or_else(missing)?;
        let target = find(tx, &SUBJECT, request.text("target_id"))
            .await?
            .ok_or_else(missing)?;
        let requestor = match request.get("requestor_id").as_str() {
            Some(id) => find(tx, &SUBJECT, id).await?,
            None => None,
        };
        let assignment = match request.get("assignment_id").as_str() {
            Some(id) => find(tx, &ASSIGNMENT, id).await?,
            None => None,
        };
        let mut instances = callout::instances(request.get("custom_extension_callout_instances"));
        let mut wait = None;
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
                "INSERT INTO callouts (id, request_id, url, payload, timeout_ms, retries)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&instance)
            .bind(request.id())
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
            instances.push(Instance {
                id: instance,
                custom_extension_id: extension,
                detail: None,
                external_correlation_id: None,
                status: if waits.is_some() {
                    "waitingForCallback"
                } else {
                    "calloutSent"
                }
                .to_owned(),
                stage: stage.to_owned(),
            });
            wait = wait.max(waits);
        }
        with_instances(request, &instances)?;
        Ok(wait)
    }

    /// Sends what the settle queued, each callout once: claimed, then sent with no
    /// transaction open, then a failure recorded on its request (which fails with it when
    /// it waited for the answer).
    pub(super) async fn send_callouts(&self) -> Result<(), Error> {
        let claimed: Vec<(String, String, Option<String>, String, i64, i64)> = sqlx::query_as(
            "UPDATE callouts SET sent = 1 WHERE sent = 0
             RETURNING id, request_id, url, payload, timeout_ms, retries",
        )
        .fetch_all(&mut *self.writer.lock().await?)
        .await?;
        for (instance, request, url, payload, timeout_ms, retries) in claimed {
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
                self.callout_failed(&request, &instance, &problem).await?;
            }
        }
        Ok(())
    }

    async fn callout_failed(
        &self,
        request: &str,
        instance: &str,
        problem: &str,
    ) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let Some(mut record) = find(
            &mut tx,
            &crate::model::assignment_request::ASSIGNMENT_REQUEST,
            request,
        )
        .await?
        else {
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
        if held && record.text("status") == WAITING {
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
        let mut request = find(
            &mut tx,
            &crate::model::assignment_request::ASSIGNMENT_REQUEST,
            id,
        )
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
