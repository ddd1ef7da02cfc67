//! When the lifecycle next has work: read after every write that could change it.

use super::sql::Dialect;
use super::Repository;
use crate::Error;

/// When the next thing falls due: a request's step, an assignment's end, a subject's
/// cleanup, a reminder. Run after every write that could change it, so each part must be
/// read off an index, never a scan: `IS NOT NULL` (which min ignores anyway) is what lets
/// SQLite use the partial indexes, without it `min(next_step_at)` read every request (8 ms
/// at 9,000).
pub(super) fn next_due(dialect: Dialect) -> String {
    format!(
        "SELECT min(t) FROM (
             SELECT min(next_step_at) AS t FROM assignment_requests WHERE next_step_at IS NOT NULL
             UNION ALL SELECT min(ends_at) FROM assignments
                 WHERE ends_at IS NOT NULL AND state <> 'expired'
             UNION ALL SELECT min(cleanup_scheduled_date_time) FROM subjects
                 WHERE cleanup_scheduled_date_time IS NOT NULL
             UNION ALL {}) AS due",
        super::callouts::next_reminder(dialect)
    )
}

impl Repository {
    /// The query plan of `next_due`, for the test that checks it reads indexes only.
    pub async fn explain_next_due(&self) -> Result<Vec<String>, Error> {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", next_due(self.dialect)))
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?;
        Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
    }
}
