//! Readiness: can this process serve requests that read and write the database now?
//!
//! Three probes, cheapest first: the schema's applied migrations (a query that also proves the
//! database answers), then one real write — an upsert of the single row of `readiness_probe`,
//! committed. A write rolled back would prove nothing on SQLite: its pages only reach the WAL at
//! the commit, which is where a full disk or a read-only file or mount fails. On PostgreSQL the
//! same upsert fails in a read-only transaction (a standby, `default_transaction_read_only`) and
//! when the server cannot extend its files.
use crate::{Db, is_storage_fault, migrate, now_us};
use std::time::Duration;

/// The answer of a readiness check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// The database does not answer (or answers with a connection error).
    Unreachable,
    /// Migrations of this binary that the database has not applied.
    NotMigrated(Vec<i64>),
    /// Reads work but a write fails with a storage fault (read-only, full, I/O error).
    CannotWrite,
    /// Reads and the schema are fine, and the write probe was skipped because another write held
    /// SQLite's write lock past the wait: the caller keeps what its previous probe found.
    WriteBusy,
}

impl Readiness {
    /// A short reason for operators (the body of a non-ready answer).
    pub fn reason(&self) -> String {
        match self {
            Readiness::Ready | Readiness::WriteBusy => "ready".into(),
            Readiness::Unreachable => "database unreachable".into(),
            Readiness::NotMigrated(v) => format!(
                "database schema not migrated (missing {}): run `mesure migrate`",
                v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ),
            Readiness::CannotWrite => "database cannot write (read-only or full)".into(),
        }
    }
}

crate::registry::statements! {
    /// Run on the pool itself rather than through `Stmt::exec`: readiness tells a storage fault
    /// from a lost connection by sqlx's own error.
    PROBE(1) [] = "INSERT INTO readiness_probe (id, probed_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at";
}

/// How long the write probe waits for SQLite's write lock before it is skipped.
const WRITE_LOCK_WAIT: Duration = Duration::from_millis(500);

/// Runs the probes once (uncached: callers that are polled cache the answer).
pub async fn readiness(db: &Db) -> Readiness {
    match migrate::missing(db).await {
        Ok(m) if !m.is_empty() => return Readiness::NotMigrated(m),
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            return Readiness::Unreachable;
        }
    }
    let written = match db {
        Db::Sqlite(p, lock) => {
            // The probe queues behind this process's writers like any write, but never for long.
            let Ok(_guard) = tokio::time::timeout(WRITE_LOCK_WAIT, lock.clone().lock_owned()).await
            else {
                return Readiness::WriteBusy;
            };
            sqlx::query(sqlx::AssertSqlSafe(PROBE.sql))
                .bind(now_us())
                .execute(p)
                .await
                .map(|_| ())
        }
        Db::Pg(p) => sqlx::query(sqlx::AssertSqlSafe(PROBE.sql))
            .bind(now_us())
            .execute(p)
            .await
            .map(|_| ()),
    };
    match written {
        Ok(()) => Readiness::Ready,
        Err(e) if is_storage_fault(&e) => {
            tracing::warn!(error = %e, "readiness: database cannot write");
            match e {
                // A lost connection is not a write fault.
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                    Readiness::Unreachable
                }
                _ => Readiness::CannotWrite,
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness: write probe failed");
            Readiness::CannotWrite
        }
    }
}
