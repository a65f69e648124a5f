//! The durable job queue: rows with a status, a due time and a lease. Enqueued in the transaction
//! of the change that needs them; claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL and by the
//! single worker on SQLite (whose write transactions are serialised anyway).
use crate::{Conn, Result, StoreError, on};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct JobRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub payload: String,
    /// `queued`, `running`, `done` or `dead`
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: i64,
    pub locked_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "workspace_id, id, kind, payload, status, attempts, max_attempts, run_at, locked_until, last_error, created_at, updated_at";

pub async fn insert(c: &mut Conn<'_>, j: &JobRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO jobs ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    on!(c, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(j.workspace_id).bind(j.id).bind(&j.kind).bind(&j.payload).bind(&j.status).bind(j.attempts)
        .bind(j.max_attempts).bind(j.run_at).bind(j.locked_until).bind(&j.last_error).bind(j.created_at).bind(j.updated_at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Claims the next due job (or one whose lease expired) for `lease_us`; call inside a transaction.
pub async fn claim(c: &mut Conn<'_>, now: i64, lease_us: i64) -> Result<Option<JobRow>> {
    let pick = format!(
        "SELECT {COLS} FROM jobs WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1) ORDER BY run_at, id LIMIT 1"
    );
    let job = match c {
        Conn::Sqlite(c) => {
            sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(pick.as_str()))
                .bind(now)
                .fetch_optional(&mut **c)
                .await?
        }
        Conn::Pg(c) => {
            let sql = format!("{pick} FOR UPDATE SKIP LOCKED");
            sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(now)
                .fetch_optional(&mut **c)
                .await?
        }
    };
    let Some(mut job) = job else { return Ok(None) };
    job.status = "running".into();
    job.attempts += 1;
    job.locked_until = Some(now + lease_us);
    on!(c, c => sqlx::query("UPDATE jobs SET status = 'running', attempts = $3, locked_until = $4, updated_at = $5 WHERE workspace_id = $1 AND id = $2")
        .bind(job.workspace_id).bind(job.id).bind(job.attempts).bind(job.locked_until).bind(now)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(Some(job))
}

pub async fn complete(c: &mut Conn<'_>, ws: Uuid, id: Uuid, now: i64) -> Result<()> {
    on!(c, c => sqlx::query("UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = $3 WHERE workspace_id = $1 AND id = $2")
        .bind(ws).bind(id).bind(now).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a failure: back to the queue at `retry_at`, or `dead` when attempts are used up.
pub async fn fail(
    c: &mut Conn<'_>,
    job: &JobRow,
    error: &str,
    now: i64,
    retry_at: i64,
) -> Result<()> {
    let dead = job.attempts >= job.max_attempts;
    on!(c, c => sqlx::query("UPDATE jobs SET status = $3, run_at = $4, locked_until = NULL, last_error = $5, updated_at = $6 WHERE workspace_id = $1 AND id = $2")
        .bind(job.workspace_id).bind(job.id).bind(if dead { "dead" } else { "queued" })
        .bind(if dead { job.run_at } else { retry_at }).bind(error).bind(now)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Puts a dead job back in the queue with fresh attempts.
pub async fn retry(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, now: i64) -> Result<()> {
    let n = on!(c, c => sqlx::query("UPDATE jobs SET status = 'queued', attempts = 0, run_at = $3, updated_at = $3 WHERE workspace_id = $1 AND id = $2 AND status = 'dead'")
        .bind(ws.uuid()).bind(id).bind(now).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<JobRow> {
    let sql = format!("SELECT {COLS} FROM jobs WHERE workspace_id = $1 AND id = $2");
    on!(c, c => sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(ws.uuid()).bind(id).fetch_optional(&mut **c).await)?
        .ok_or(StoreError::NotFound)
}

/// The workspace's jobs, newest first, optionally of one status.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<JobRow>> {
    let limit = limit.clamp(1, 1000);
    Ok(match status {
        Some(s) => {
            let sql = format!(
                "SELECT {COLS} FROM jobs WHERE workspace_id = $1 AND status = $2 ORDER BY created_at DESC, id DESC LIMIT {limit}"
            );
            on!(c, c => sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(ws.uuid()).bind(s).fetch_all(&mut **c).await)?
        }
        None => {
            let sql = format!(
                "SELECT {COLS} FROM jobs WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT {limit}"
            );
            on!(c, c => sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(ws.uuid()).fetch_all(&mut **c).await)?
        }
    })
}

/// Counts per status for the workspace: (queued, running, done, dead).
pub async fn counts(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(String, i64)>> {
    Ok(
        on!(c, c => sqlx::query_as::<_, (String, i64)>("SELECT status, CAST(COUNT(*) AS BIGINT) FROM jobs WHERE workspace_id = $1 GROUP BY status ORDER BY status")
        .bind(ws.uuid()).fetch_all(&mut **c).await)?,
    )
}
