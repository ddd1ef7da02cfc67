//! A move of the settle that fails, or panics, is undone alone between a savepoint and
//! its release, and what it was about is set aside, visibly, so that one poisoned row
//! never holds up every other (nor every request, as settle runs before each).

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use sqlx::AnyConnection;

use crate::Error;

/// One move inside the settle's transaction, between a savepoint and its release: its
/// cause comes back when it fails or panics.
pub(super) async fn set_aside_on_failure(
    connection_use: impl std::future::Future<Output = Result<(), Error>>,
) -> Result<(), String> {
    match AssertUnwindSafe(connection_use).catch_unwind().await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("{error:?}")),
        Err(panic) => Err(panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned())),
    }
}

pub(super) async fn release(tx: &mut AnyConnection) -> Result<(), Error> {
    sqlx::query("RELEASE one_move").execute(&mut *tx).await?;
    Ok(())
}

/// A request whose move failed ends as Graph shows a failed delivery, visibly and for
/// good (reprocess may try it again); its assignment, if it has one, fails with it.
pub(super) async fn quarantine_request(
    tx: &mut AnyConnection,
    id: &str,
    stamp: &str,
    cause: &str,
) -> Result<(), Error> {
    tracing::error!(
        request = id,
        cause,
        "a lifecycle move failed; the request is set aside as deliveryFailed"
    );
    sqlx::query("ROLLBACK TO one_move")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE assignment_requests SET state = 'deliveryFailed', status = 'DeliveryFailed',
             next_step_at = NULL, state_changed_at = $2, completed_date_time = $2
         WHERE id = $1",
    )
    .bind(id)
    .bind(stamp)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE assignments SET state = 'deliveryFailed', status = 'DeliveryFailed'
         WHERE id = (SELECT assignment_id FROM assignment_requests WHERE id = $1) AND state = 'delivering'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("RELEASE one_move").execute(&mut *tx).await?;
    Ok(())
}

/// An assignment whose end failed keeps its state, no longer due, and the failure is logged.
pub(super) async fn quarantine_assignment(
    tx: &mut AnyConnection,
    id: &str,
    cause: &str,
) -> Result<(), Error> {
    tracing::error!(
        assignment = id,
        cause,
        "ending an assignment failed; it is no longer due"
    );
    sqlx::query("ROLLBACK TO one_move")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE assignments SET ends_at = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("RELEASE one_move").execute(&mut *tx).await?;
    Ok(())
}

/// A guest whose deletion failed stays, no longer due, and the failure is logged.
pub(super) async fn quarantine_cleanup(
    tx: &mut AnyConnection,
    subject: &str,
    cause: &str,
) -> Result<(), Error> {
    tracing::error!(
        subject,
        cause,
        "deleting an external user as the settings say failed; it is no longer due"
    );
    sqlx::query("ROLLBACK TO one_move")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE subjects SET cleanup_scheduled_date_time = NULL WHERE id = $1")
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    sqlx::query("RELEASE one_move").execute(&mut *tx).await?;
    Ok(())
}
