//! What becomes of a guest Entitlement Management governs once its last assignment ends,
//! as the tenant's settings say (`model::settings`): its sign-in blocked, its deletion
//! scheduled; a new assignment before then lets it back in. Each runs in the transaction
//! of the move that ends or delivers the assignment; the deletion, when due, in the
//! lifecycle's settle.

use sqlx::AnyConnection;
use time::OffsetDateTime;

use super::entity::find;
use crate::model::directory::USER;
use crate::model::settings::{after_last_assignment, governs};
use crate::model::subject::SUBJECT;
use crate::model::values::format_instant;
use crate::Error;

/// Subject `subject_id`'s assignment ended at `at`: if it was its last and the rule
/// governs it, its user is blocked and its deletion scheduled as the settings say.
pub(super) async fn assignment_ended(
    tx: &mut AnyConnection,
    subject_id: &str,
    at: OffsetDateTime,
) -> Result<(), Error> {
    // A row or none, not `EXISTS`: its value is an integer in SQLite, a boolean in PostgreSQL.
    let still_assigned = sqlx::query(
        "SELECT 1 FROM assignments WHERE target_id = $1 AND state <> 'expired' LIMIT 1",
    )
    .bind(subject_id)
    .fetch_optional(&mut *tx)
    .await?;
    if still_assigned.is_some() {
        return Ok(());
    }
    let Some(subject) = find(tx, &SUBJECT, subject_id).await? else {
        return Ok(());
    };
    let Some(user) = find(tx, &USER, subject.text("object_id")).await? else {
        return Ok(());
    };
    if !governs(subject.text("subject_lifecycle"), &user) {
        return Ok(());
    }
    let (action, duration): (String, String) = sqlx::query_as(
        "SELECT external_user_lifecycle_action, duration_until_deleted FROM settings",
    )
    .fetch_one(&mut *tx)
    .await?;
    let outsider = after_last_assignment(&action, &duration, at);
    if outsider.blocked {
        sqlx::query("UPDATE users SET account_enabled = 0 WHERE id = $1 AND account_enabled = 1")
            .bind(user.id())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE subjects SET sign_in_blocked = CASE WHEN $2 = 1 THEN 1 ELSE sign_in_blocked END,
             cleanup_scheduled_date_time = $3
         WHERE id = $1",
    )
    .bind(subject_id)
    .bind(i64::from(outsider.blocked))
    .bind(outsider.removed_at.map(format_instant))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Subject `subject_id` has access again: what the rule did to it is undone.
pub(super) async fn assigned_again(tx: &mut AnyConnection, subject_id: &str) -> Result<(), Error> {
    sqlx::query(
        "UPDATE users SET account_enabled = 1
         WHERE id = (SELECT object_id FROM subjects WHERE id = $1 AND sign_in_blocked = 1)",
    )
    .bind(subject_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE subjects SET sign_in_blocked = 0, cleanup_scheduled_date_time = NULL
         WHERE id = $1 AND (sign_in_blocked = 1 OR cleanup_scheduled_date_time IS NOT NULL)",
    )
    .bind(subject_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The users whose deletion is due at `stamp`, oldest first: (subject id, user id).
pub(super) async fn due_for_cleanup(
    tx: &mut AnyConnection,
    stamp: &str,
    limit: i64,
) -> Result<Vec<(String, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT id, object_id FROM subjects WHERE cleanup_scheduled_date_time <= $1
         ORDER BY cleanup_scheduled_date_time, id LIMIT $2",
    )
    .bind(stamp)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?)
}

/// Its deletion done (or its user gone already): nothing more is scheduled.
pub(super) async fn cleaned_up(tx: &mut AnyConnection, subject_id: &str) -> Result<(), Error> {
    sqlx::query(
        "UPDATE subjects SET cleanup_scheduled_date_time = NULL, sign_in_blocked = 0 WHERE id = $1",
    )
    .bind(subject_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
