//! What a lifecycle move does besides the request's own state: approval stages opened
//! and closed, the assignment made, delivered, failed or ended. Each runs inside the
//! move's transaction (`lifecycle::apply`).

use serde_json::Value;
use sqlx::AnyConnection;
use time::OffsetDateTime;

use super::entity::{find, save};
use super::{insert, outsiders};
use crate::model::approval::{self, APPROVAL, APPROVAL_STAGE};
use crate::model::assignment::ASSIGNMENT;
use crate::model::lifecycle::{AssignmentState, Kind};
use crate::model::schedule::assignment_schedule;
use crate::model::values::{format_instant, parse_instant};
use crate::model::{Changes, Record};
use crate::Error;

/// The next approval stage opens; the first makes the approval and all its stages. The
/// opened stage's policy settings come back (for its time-out).
pub(super) async fn open_stage(
    tx: &mut AnyConnection,
    request: &mut Record,
    policy: &Record,
    now: OffsetDateTime,
) -> Result<Value, Error> {
    let stages = approval::stages_for(policy, request.text("request_type"));
    let stamp = format_instant(now);
    let position = if find(tx, &APPROVAL, request.id()).await?.is_none() {
        let mut record = Record::create(&APPROVAL, Changes::default(), "");
        record.set("id", Value::from(request.id()));
        record.set("created_date_time", Value::from(stamp.as_str()));
        insert_one(tx, record).await?;
        for (position, settings) in stages.iter().enumerate() {
            let mut stage = Record::create(&APPROVAL_STAGE, Changes::default(), "");
            stage.set("approval_id", Value::from(request.id()));
            stage.set("position", Value::from(position));
            stage.set("settings", settings.clone());
            insert_one(tx, stage).await?;
        }
        0
    } else {
        request.get("approval_stage").as_i64().unwrap_or(0) + 1
    };
    request.set("approval_stage", Value::from(position));
    let stage: Option<String> = sqlx::query_scalar(
        "UPDATE approval_stages SET status = 'InProgress' WHERE approval_id = $1 AND position = $2 RETURNING id",
    )
    .bind(request.id())
    .bind(position)
    .fetch_optional(&mut *tx)
    .await?;
    stage.ok_or_else(|| Error::internal("an approval stage is missing"))?;
    Ok(usize::try_from(position)
        .ok()
        .and_then(|position| stages.get(position).cloned())
        .unwrap_or(Value::Null))
}

/// The current stage is decided (`Approved`, `Denied`) or ran out of time (`Expired`).
pub(super) async fn close_stage(
    tx: &mut AnyConnection,
    request: &Record,
    result: &str,
    decided: Option<(&Value, Option<&str>)>,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let (status, review) = match result {
        "Expired" => ("Expired", "NotReviewed"),
        other => ("Completed", other),
    };
    let (by, justification) = decided.map_or((Value::Null, None), |(by, why)| (by.clone(), why));
    sqlx::query(
        "UPDATE approval_stages SET status = $3, review_result = $4, reviewed_by = $5,
             justification = $6, reviewed_date_time = $7
         WHERE approval_id = $1 AND position = $2",
    )
    .bind(request.id())
    .bind(request.get("approval_stage").as_i64().unwrap_or(0))
    .bind(status)
    .bind(review)
    .bind((!by.is_null()).then(|| by.to_string()))
    .bind(justification)
    .bind(decided.map(|_| format_instant(now)))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub(super) async fn insert_one(
    tx: &mut AnyConnection,
    mut record: Record,
) -> Result<Record, Error> {
    record.derive();
    insert::insert(tx, record.entity(), &[&record])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::internal("a one-row insert returned no outcome")))
}

/// Delivery starts: an add gets its assignment (with the request's id, as the service
/// gives it), or a failed one is tried again.
pub(super) async fn start_delivery(
    tx: &mut AnyConnection,
    request: &mut Record,
    kind: Kind,
    now: OffsetDateTime,
) -> Result<(), Error> {
    if kind != Kind::Add {
        return Ok(());
    }
    if !request.get("assignment_id").is_null() {
        return set_assignment(tx, request, AssignmentState::Delivering).await;
    }
    let mut assignment = Record::create(&ASSIGNMENT, Changes::default(), "");
    carry_over(request, &mut assignment);
    assignment.set("id", Value::from(request.id()));
    assignment.set("created_date_time", Value::from(format_instant(now)));
    let stored = insert_one(tx, assignment).await?;
    request.set("assignment_id", Value::from(stored.id()));
    Ok(())
}

/// Delivered: an add's or update's assignment is delivered on its schedule (the trigger
/// grants its groups); a removal ends the assignment.
pub(super) async fn deliver(
    tx: &mut AnyConnection,
    request: &Record,
    policy: &Record,
    kind: Kind,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let Some(mut assignment) = find(tx, &ASSIGNMENT, request.text("assignment_id")).await? else {
        return Err(Error::internal("a delivered request has no assignment"));
    };
    if kind == Kind::Remove {
        return end_assignment(tx, assignment, now, false).await;
    }
    let (schedule, ends_at) = assignment_schedule(request.get("schedule"), policy, now);
    assignment.set("schedule", schedule);
    assignment.set("ends_at", ends_at.map_or(Value::Null, Value::from));
    mark(&mut assignment, AssignmentState::Delivered);
    let delivered = save(tx, &assignment).await?;
    outsiders::assigned_again(tx, delivered.text("target_id")).await
}

/// The assignment ends (removed, or its time is up): it stays listed as expired, and the
/// trigger takes away what it granted.
pub(super) async fn end_assignment(
    tx: &mut AnyConnection,
    mut assignment: Record,
    now: OffsetDateTime,
    by_clock: bool,
) -> Result<(), Error> {
    let when = match by_clock {
        true => parse_instant(assignment.text("ends_at")).map_or(now, |ends| ends.min(now)),
        false => now,
    };
    assignment.set("expired_date_time", Value::from(format_instant(when)));
    mark(&mut assignment, AssignmentState::Expired);
    let ended = save(tx, &assignment).await?;
    outsiders::assignment_ended(tx, ended.text("target_id"), when).await
}

/// What a request and its assignment have in common: whose, of which package, through
/// which policy, in which catalog.
pub(super) fn carry_over(from: &Record, to: &mut Record) {
    for column in [
        "access_package_id",
        "assignment_policy_id",
        "catalog_id",
        "target_id",
    ] {
        to.set(column, from.get(column).clone());
    }
}

fn mark(assignment: &mut Record, state: AssignmentState) {
    assignment.set("state", Value::from(state.stored()));
    assignment.set("status", Value::from(state.status()));
}

pub(super) async fn set_assignment(
    tx: &mut AnyConnection,
    request: &Record,
    state: AssignmentState,
) -> Result<(), Error> {
    if let Some(mut assignment) = find(tx, &ASSIGNMENT, request.text("assignment_id")).await? {
        mark(&mut assignment, state);
        save(tx, &assignment).await?;
    }
    Ok(())
}
