//! The durable job queue: rows with a status, a due time and a lease. Enqueued in the transaction
//! of the change that needs them; claimed one at a time, at most one running job per workspace,
//! with `FOR UPDATE SKIP LOCKED` on PostgreSQL (several processes) and inside SQLite's serialised
//! write transactions.
use crate::{Bind, Conn, Result, StoreError};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
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
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, kind, payload, status, attempts, max_attempts, run_at, locked_until, last_error, created_at, updated_at"
    };
}

pub async fn insert(c: &mut Conn<'_>, j: &JobRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(j.workspace_id),
                crate::Bind::from(j.id),
                crate::Bind::from(&j.kind),
                crate::Bind::from(&j.payload),
                crate::Bind::from(&j.status),
                crate::Bind::from(j.attempts),
                crate::Bind::from(j.max_attempts),
                crate::Bind::from(j.run_at),
                crate::Bind::from(j.locked_until),
                crate::Bind::from(&j.last_error),
                crate::Bind::from(j.created_at),
                crate::Bind::from(j.updated_at),
            ],
        )
        .await?;
    Ok(())
}

/// What a claim found.
#[derive(Debug)]
pub enum Claimed {
    /// A job, now `running` under a lease.
    Job(JobRow),
    /// No job is due outside the workspaces that have one running.
    Nothing,
    /// Another worker was claiming a job of the same workspace at the same moment; try again.
    Raced,
}

/// Claims the next due job (or one whose lease expired) for `lease_us`; call inside a
/// transaction. Never two jobs of one workspace at once: a workspace with a job running under a
/// live lease is skipped, so one tenant's slow jobs hold one worker slot, never the others'.
///
/// On PostgreSQL several processes claim at once: the job row is taken with
/// `FOR UPDATE SKIP LOCKED` (no job is claimed twice), then the workspace's row with
/// `FOR NO KEY UPDATE SKIP LOCKED` (held until commit, so two claimers of one workspace cannot
/// pass together; foreign-key checks take weaker locks and are not blocked) and the workspace is
/// checked again for a running job another claimer committed meanwhile. On SQLite write
/// transactions are serialised, so the first check is enough.
pub async fn claim(c: &mut Conn<'_>, now: i64, lease_us: i64) -> Result<Claimed> {
    let job: Option<JobRow> = match c {
        Conn::Sqlite(_) => PICK_SQLITE.fetch_optional(c, &[Bind::Int(now)]).await?,
        Conn::Pg(_) => {
            let job: Option<JobRow> = PICK_PG.fetch_optional(c, &[Bind::Int(now)]).await?;
            if let Some(j) = &job {
                let locked: Option<(Uuid,)> = LOCK_WORKSPACE
                    .fetch_optional(c, &[Bind::Uuid(j.workspace_id)])
                    .await?;
                if locked.is_none() {
                    return Ok(Claimed::Raced);
                }
                let busy: Option<(Uuid,)> = OTHER_RUNNING
                    .fetch_optional(
                        c,
                        &[Bind::Uuid(j.workspace_id), Bind::Int(now), Bind::Uuid(j.id)],
                    )
                    .await?;
                if busy.is_some() {
                    return Ok(Claimed::Raced);
                }
            }
            job
        }
    };
    let Some(mut job) = job else {
        return Ok(Claimed::Nothing);
    };
    job.status = "running".into();
    job.attempts += 1;
    job.locked_until = Some(now + lease_us);
    CLAIM
        .exec(
            c,
            &[
                crate::Bind::from(job.workspace_id),
                crate::Bind::from(job.id),
                crate::Bind::from(job.attempts),
                crate::Bind::from(job.locked_until),
                crate::Bind::from(now),
            ],
        )
        .await?;
    Ok(Claimed::Job(job))
}

pub async fn complete(c: &mut Conn<'_>, ws: Uuid, id: Uuid, now: i64) -> Result<()> {
    COMPLETE
        .exec(
            c,
            &[
                crate::Bind::from(ws),
                crate::Bind::from(id),
                crate::Bind::from(now),
            ],
        )
        .await?;
    Ok(())
}

/// Records a failure: back to the queue at `retry_at`, or `dead` when attempts are used up.
/// `error` is what the workspace may see (a catalogue key), never the cause's detail.
pub async fn fail(
    c: &mut Conn<'_>,
    job: &JobRow,
    error: &str,
    now: i64,
    retry_at: i64,
) -> Result<()> {
    let dead = job.attempts >= job.max_attempts;
    FAIL.exec(
        c,
        &[
            crate::Bind::from(job.workspace_id),
            crate::Bind::from(job.id),
            crate::Bind::from(if dead { "dead" } else { "queued" }),
            crate::Bind::from(if dead { job.run_at } else { retry_at }),
            crate::Bind::from(error),
            crate::Bind::from(now),
        ],
    )
    .await?;
    Ok(())
}

/// Puts a dead job back in the queue with fresh attempts.
pub async fn retry(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, now: i64) -> Result<()> {
    let n = RETRY
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id),
                crate::Bind::from(now),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<JobRow> {
    GET.fetch_optional::<JobRow>(c, &[crate::Bind::from(ws.uuid()), crate::Bind::from(id)])
        .await?
        .ok_or(StoreError::NotFound)
}

/// The workspace's jobs, newest first, optionally of one status.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<JobRow>> {
    let limit = Bind::Int(limit.clamp(1, 1000));
    match status {
        Some(s) => {
            LIST_OF_STATUS
                .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Text(s.into()), limit])
                .await
        }
        None => LIST.fetch(c, &[Bind::Uuid(ws.uuid()), limit]).await,
    }
}

/// Counts per status for the workspace: (queued, running, done, dead).
pub async fn counts(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(String, i64)>> {
    COUNTS
        .fetch::<(String, i64)>(c, &[crate::Bind::from(ws.uuid())])
        .await
}

/// The next due job (or one whose lease expired) outside the workspaces with a job running.
macro_rules! pick {
    () => {
        concat!(
            "SELECT ",
            sql_cols!(),
            " FROM jobs j WHERE ((j.status = 'queued' AND j.run_at <= $1) OR (j.status = 'running' AND j.locked_until < $1)) ",
            "AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.workspace_id = j.workspace_id AND r.status = 'running' AND r.locked_until >= $1) ",
            "ORDER BY j.run_at, j.id LIMIT 1"
        )
    };
}

crate::registry::statements! {
    PICK_SQLITE(1) ["workspace_id", "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "locked_until", "last_error", "created_at", "updated_at"] @sqlite = pick!();
    PICK_PG(1) ["workspace_id", "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "locked_until", "last_error", "created_at", "updated_at"] @postgres = concat!(pick!(), " FOR UPDATE SKIP LOCKED");
    LOCK_WORKSPACE(1) ["id"] @postgres = "SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED";
    OTHER_RUNNING(3) ["id"] @postgres = "SELECT id FROM jobs WHERE workspace_id = $1 AND status = 'running' AND locked_until >= $2 AND id <> $3 LIMIT 1";
    LIST(2) ["workspace_id", "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "locked_until", "last_error", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM jobs WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2");
    LIST_OF_STATUS(3) ["workspace_id", "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "locked_until", "last_error", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM jobs WHERE workspace_id = $1 AND status = $2 ORDER BY created_at DESC, id DESC LIMIT $3");
    INSERT(12) [] = concat!("INSERT INTO jobs (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    GET(2) ["workspace_id", "id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "locked_until", "last_error", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM jobs WHERE workspace_id = $1 AND id = $2");
    CLAIM(5) [] = "UPDATE jobs SET status = 'running', attempts = $3, locked_until = $4, updated_at = $5 WHERE workspace_id = $1 AND id = $2";
    COMPLETE(3) [] = "UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = $3 WHERE workspace_id = $1 AND id = $2";
    FAIL(6) [] = "UPDATE jobs SET status = $3, run_at = $4, locked_until = NULL, last_error = $5, updated_at = $6 WHERE workspace_id = $1 AND id = $2";
    RETRY(3) [] = "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $3, updated_at = $3 WHERE workspace_id = $1 AND id = $2 AND status = 'dead'";
    COUNTS(1) ["status", "n"] = "SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM jobs WHERE workspace_id = $1 GROUP BY status ORDER BY status";
}
