//! A database error as the client sees it: 503 where a retry may succeed, else 500; and a
//! count of connections found lost, which the writer reads (`repository::writer`).

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::sqlite::SqliteError;

use super::Error;

/// How many times a statement found its connection lost or refused, in this process. The
/// errors are turned into `Error` far from the connection they came from, so a connection
/// that holds its own (the writer's) learns of a loss by this count changing, and checks
/// itself.
static LOST: AtomicU64 = AtomicU64::new(0);

pub fn connections_lost() -> u64 {
    LOST.load(Ordering::Relaxed)
}

/// A connection lost or refused: a server restarting or failing over (class 08, 57P01 to
/// 57P03, too many connections), a stream cut, or a pool that could not open one in time
/// (or hand one out: a load spike counts too, and costs the writer one test of its own).
pub fn is_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(e) if e.try_downcast_ref::<SqliteError>().is_none() => {
            e.code().is_some_and(|code| {
                matches!(&*code, "53300" | "57P01" | "57P02" | "57P03") || code.starts_with("08")
            })
        }
        _ => false,
    }
}

/// SQLITE_BUSY (5) and SQLITE_LOCKED (6), extended codes included; PostgreSQL's
/// serialization failure, deadlock and lock wait cut short; and a store closed under a
/// request (its tenant deleted meanwhile).
fn busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(e) if e.try_downcast_ref::<SqliteError>().is_some() => e
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| matches!(&*code, "40001" | "40P01" | "55P03")),
        _ => false,
    }
}

impl From<sqlx::Error> for Error {
    /// Busy or lost, the request may succeed if retried: 503 with `Retry-After`.
    fn from(error: sqlx::Error) -> Self {
        if is_lost(&error) {
            LOST.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%error, "database connection lost");
            Self::ServiceUnavailable
        } else if busy(&error) {
            tracing::warn!(%error, "database busy");
            Self::ServiceUnavailable
        } else {
            Self::internal(error)
        }
    }
}
