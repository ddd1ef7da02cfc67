//! What happens to a request after it is made, by someone's hand: cancel, reprocess, an
//! approver's decision, the emulator's own step and failure controls; and who may decide.

use serde_json::Value;

use super::entity::{find, save};
use super::insert::not_found;
use super::requests::Who;
use super::targets::{groups_of, subject_of};
use super::Repository;
use crate::model::admission;
use crate::model::approval::{self, Decision, APPROVAL_STAGE};
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::lifecycle::{self, Refused, State};
use crate::model::values::normalize_id;
use crate::model::Record;
use crate::Error;

fn refused(refusal: Refused) -> Error {
    let (code, message) = match refusal {
        Refused::Waiting(State::PendingApproval) => (
            "InvalidRequestState",
            "The request is waiting for an approver's decision.".to_owned(),
        ),
        Refused::Waiting(state) | Refused::NotPendingApproval(state) => (
            "InvalidRequestState",
            format!("The request is {}: it does not move from there.", state.stored()),
        ),
        Refused::NotCancellable(state) => (
            "InvalidRequestState",
            format!(
                "A request that is {} can not be canceled; only submitted, pending approval or scheduled ones can.",
                state.stored()
            ),
        ),
        Refused::NotReprocessable(state) => (
            "InvalidRequestState",
            format!(
                "A request that is {} can not be reprocessed; only one whose delivery failed can.",
                state.stored()
            ),
        ),
    };
    Error::rule(400, code, message)
}

impl Repository {
    /// Cancels a request that is not yet delivering.
    pub async fn cancel_request(&self, id: &str) -> Result<(), Error> {
        self.step(id, |state, _| lifecycle::cancel(state))
            .await
            .map(|_| ())
    }

    /// Delivers again a request whose delivery failed.
    pub async fn reprocess_request(&self, id: &str) -> Result<(), Error> {
        self.step(id, |state, _| lifecycle::reprocess(state))
            .await
            .map(|_| ())
    }

    /// `/_emulator/assignmentRequests/{id}/advance`: the next step, whatever the pace.
    pub async fn advance_request(&self, id: &str) -> Result<Record, Error> {
        let now = self.lifecycle.now();
        self.step(id, move |state, facts| {
            let mut facts = *facts;
            // Advancing a scheduled request means: its start is now.
            facts.starts_at = None;
            lifecycle::advance(state, &facts, now)
        })
        .await
    }

    /// `/_emulator/assignmentRequests/{id}/failDelivery`: its delivery will fail.
    pub async fn fail_request(&self, id: &str) -> Result<Record, Error> {
        let mut tx = self.writer.begin().await?;
        let mut request = find(&mut tx, &ASSIGNMENT_REQUEST, id)
            .await?
            .ok_or_else(|| not_found(&ASSIGNMENT_REQUEST, id))?;
        let state = State::parse(request.text("state")).unwrap_or(State::Submitted);
        if !state.is_open() {
            return Err(refused(Refused::Waiting(state)));
        }
        request.set("fail_delivery", Value::Bool(true));
        let stored = save(&mut tx, &request).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// One move of a request, decided by `decide` from its state, in a transaction.
    async fn step(
        &self,
        id: &str,
        decide: impl FnOnce(State, &lifecycle::Facts) -> Result<lifecycle::Move, Refused>,
    ) -> Result<Record, Error> {
        let mut tx = self.writer.begin().await?;
        let request = find(&mut tx, &ASSIGNMENT_REQUEST, id)
            .await?
            .ok_or_else(|| not_found(&ASSIGNMENT_REQUEST, id))?;
        let policy = self.policy_of(&mut tx, &request).await?;
        let state = State::parse(request.text("state")).unwrap_or(State::Submitted);
        let step = decide(state, &super::lifecycle::facts(&request, &policy)).map_err(refused)?;
        let stored = self
            .apply(&mut tx, request, &policy, step, self.lifecycle.now())
            .await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// An approver decides the stage `stage` of approval `approval` (the request's id):
    /// 409 when it is decided already, 403 when the caller may not decide it.
    pub async fn decide_stage(
        &self,
        approval_id: &str,
        stage_id: &str,
        decision: Decision,
        who: &Who,
    ) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let stage = find(&mut tx, &APPROVAL_STAGE, stage_id)
            .await?
            .filter(|stage| stage.text("approval_id") == normalize_id(approval_id))
            .ok_or(Error::ResourceNotFound)?;
        if stage.text("status") != "InProgress" {
            return Err(Error::rule(
                409,
                "Conflict",
                "The stage has been decided already, or is not open for a decision yet.",
            ));
        }
        let request = find(&mut tx, &ASSIGNMENT_REQUEST, approval_id)
            .await?
            .ok_or(Error::ResourceNotFound)?;
        let caller = self.caller_user(&mut tx, who).await?;
        let (users, groups) = approval::approvers(stage.get("settings"));
        let member_of = match &caller {
            Some(caller) => groups_of(&mut tx, caller.id()).await?,
            None => Vec::new(),
        };
        admission::may_decide(&users, &groups, caller.as_ref().map(Record::id), &member_of)?;
        let by = caller.as_ref().map_or_else(
            || serde_json::json!({"id": null, "displayName": who.actor}),
            |user| serde_json::json!({"id": user.id(), "displayName": user.get("display_name")}),
        );
        let result = if decision.approve {
            "Approved"
        } else {
            "Denied"
        };
        let now = self.lifecycle.now();
        super::delivery::close_stage(
            &mut tx,
            &request,
            result,
            Some((&by, decision.justification.as_deref())),
            now,
        )
        .await?;
        let policy = self.policy_of(&mut tx, &request).await?;
        let state = State::parse(request.text("state")).unwrap_or(State::Submitted);
        let position =
            usize::try_from(request.get("approval_stage").as_i64().unwrap_or(0)).unwrap_or(0);
        let facts = super::lifecycle::facts(&request, &policy);
        let step =
            lifecycle::decide(state, &facts, position, decision.approve, now).map_err(refused)?;
        self.apply(&mut tx, request, &policy, step, now).await?;
        tx.commit().await?;
        // The last approval reaches the approved stage: its callouts go before the answer.
        // The decision is made whatever becomes of them.
        if let Err(error) = self.send_callouts().await {
            tracing::warn!(?error, "sending the approved stage's callouts failed");
        }
        Ok(())
    }

    /// Delivers a delivered assignment again: what it grants and was taken away by hand
    /// comes back.
    pub async fn reprocess_assignment(&self, id: &str) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let mut assignment = find(&mut tx, &ASSIGNMENT, id)
            .await?
            .ok_or_else(|| not_found(&ASSIGNMENT, id))?;
        if assignment.text("state") != "delivered" {
            return Err(Error::rule(
                400,
                "InvalidRequestState",
                "Only a delivered assignment can be reprocessed.",
            ));
        }
        // Out and back in, so the membership triggers run again.
        for state in ["delivering", "delivered"] {
            assignment.set("state", Value::from(state));
            assignment = save(&mut tx, &assignment).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The ids of requests `who` may decide now: pending, with a stage open to them.
    pub async fn awaiting_approver(&self, who: &Who) -> Result<Vec<String>, Error> {
        let mut connection = self.reader.acquire().await?;
        let Some(caller) = self.caller_user(&mut connection, who).await? else {
            return Ok(Vec::new());
        };
        let member_of = groups_of(&mut connection, caller.id()).await?;
        let open: Vec<(String, String)> = sqlx::query_as(
            "SELECT approval_id, settings FROM approval_stages WHERE status = 'InProgress'",
        )
        .fetch_all(&mut *connection)
        .await?;
        Ok(open
            .into_iter()
            .filter(|(_, settings)| {
                let settings: Value = serde_json::from_str(settings).unwrap_or(Value::Null);
                let (users, groups) = approval::approvers(&settings);
                admission::names_approver(&users, &groups, caller.id(), &member_of)
            })
            .map(|(id, _)| id)
            .collect())
    }

    /// The subject id of the caller, when the caller is a user who has one.
    pub async fn caller_subject(&self, who: &Who) -> Result<Option<String>, Error> {
        let mut connection = self.reader.acquire().await?;
        let Some(user) = self.caller_user(&mut connection, who).await? else {
            return Ok(None);
        };
        Ok(subject_of(&mut connection, user.id())
            .await?
            .map(|subject| subject.id().to_owned()))
    }
}
