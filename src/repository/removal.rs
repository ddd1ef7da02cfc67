//! Access that ends without anyone asking: a user or service principal deleted from the
//! directory. Entitlement Management tracks such endings as requests of its own
//! (`systemRemove`, which the reference lists among the request types "created
//! automatically for tracking access removal"), so each ended assignment gets one,
//! delivered, and whatever was still on its way for the object is cancelled.

use serde_json::Value;
use sqlx::AnyConnection;

use super::delivery::{carry_over, end_assignment, insert_one};
use super::entity::find;
use super::outsiders::cleaned_up;
use super::sql::Dialect;
use super::targets::subject_of;
use super::Repository;
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_request::ASSIGNMENT_REQUEST;
use crate::model::lifecycle::State;
use crate::model::values::format_instant;
use crate::model::{Changes, Record};
use crate::Error;

impl Repository {
    /// In the transaction deleting directory object `object_id`: its assignments end, as
    /// a removal would end them (the membership triggers take what they granted), and
    /// its open requests are cancelled.
    pub(super) async fn end_access_of(
        &self,
        tx: &mut AnyConnection,
        object_id: &str,
    ) -> Result<(), Error> {
        let Some(subject) = subject_of(tx, object_id).await? else {
            return Ok(());
        };
        let now = self.lifecycle.now();
        let stamp = format_instant(now);
        let open: Vec<&str> = State::OPEN.iter().map(|state| state.stored()).collect();
        sqlx::query(&format!(
            "UPDATE assignment_requests SET state = $2, status = $3, next_step_at = NULL,
                 state_changed_at = $4, completed_date_time = $4
             WHERE target_id = $1 AND {}",
            Dialect::of(tx).among_json_texts("state", "$5")
        ))
        .bind(subject.id())
        .bind(State::Canceled.stored())
        .bind(State::Canceled.status())
        .bind(&stamp)
        .bind(serde_json::json!(open).to_string())
        .execute(&mut *tx)
        .await?;
        let live: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE target_id = $1 AND state <> 'expired' ORDER BY id",
        )
        .bind(subject.id())
        .fetch_all(&mut *tx)
        .await?;
        for id in live {
            let Some(assignment) = find(tx, &ASSIGNMENT, &id).await? else {
                continue;
            };
            let mut removal = Record::create(&ASSIGNMENT_REQUEST, Changes::default(), "");
            carry_over(&assignment, &mut removal);
            removal.set("request_type", Value::from("systemRemove"));
            removal.set("state", Value::from(State::Delivered.stored()));
            removal.set("status", Value::from(State::Delivered.status()));
            removal.set("assignment_id", Value::from(assignment.id()));
            for column in [
                "created_date_time",
                "state_changed_at",
                "completed_date_time",
            ] {
                removal.set(column, Value::from(stamp.as_str()));
            }
            insert_one(tx, removal).await?;
            end_assignment(tx, assignment, now, false).await?;
        }
        // Its user is going: nothing is left for the settings' rule to do.
        cleaned_up(tx, subject.id()).await
    }
}
