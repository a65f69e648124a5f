//! Imports and the rule that hides an import's rows until it is published.
//!
//! An import writes its rows (time entries, and the people, clients and projects it creates) in
//! short transactions, each row carrying the import's id, while its `imports` row says
//! `running`; one short transaction flips it to `published`. Readers keep a row when it has no
//! import id or its import is published ([`visible`]): the set of unpublished imports of a
//! workspace is tiny, so the test is one lookup in a small list per imported row. A failed
//! import (`failed`) has its rows deleted in short transactions, then its `imports` row.
use crate::{Bind, Conn, Result, StoreError};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

pub const RUNNING: &str = "running";
pub const PUBLISHED: &str = "published";
pub const FAILED: &str = "failed";

/// The condition that keeps rows of unpublished imports out of a query: `col` is the row's
/// `import_id` column (with its table alias when the query has several), and `$1` must be the
/// workspace id, as in every tenant query. Within one statement the engine reads one snapshot,
/// and an import's `imports` row is committed before any of its rows, so a reader sees all of a
/// published import or none of it.
pub fn visible(col: &str) -> String {
    format!(
        "({col} IS NULL OR {col} NOT IN (SELECT id FROM imports WHERE workspace_id = $1 AND state <> 'published'))"
    )
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ImportRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub format: String,
    pub file_name: String,
    pub rows_imported: i64,
    pub rows_skipped: i64,
    pub created_by: Uuid,
    pub created_at: i64,
    pub state: String,
    pub heartbeat_at: i64,
}
}

/// The running import of a workspace, if any: its id and last heartbeat.
pub async fn running(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Option<(Uuid, i64)>> {
    let rows: Vec<(Uuid, i64)> = RUNNING_IMPORTS.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows.into_iter().next())
}

/// Records a new running import. A workspace runs one import at a time: `Conflict("import")`
/// when another is running (the unique index `imports_running` decides between two starts).
pub async fn start(c: &mut Conn<'_>, r: &ImportRow) -> Result<()> {
    START
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Text(r.format.clone()),
                Bind::Text(r.file_name.clone()),
                Bind::Int(r.rows_imported),
                Bind::Int(r.rows_skipped),
                Bind::Uuid(r.created_by),
                Bind::Int(r.created_at),
                Bind::Int(r.heartbeat_at),
            ],
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict("import".into()),
            other => other,
        })?;
    Ok(())
}

/// Says a running import is alive.
pub async fn heartbeat(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, now: i64) -> Result<()> {
    HEARTBEAT
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::Int(now)])
        .await?;
    Ok(())
}

/// Makes a running import's rows visible, with its counts. `Conflict("state")` when it is no
/// longer running (found abandoned and failed meanwhile).
pub async fn publish(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    rows: i64,
    skipped: i64,
    now: i64,
) -> Result<()> {
    let n = PUBLISH
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::Int(rows),
                Bind::Int(skipped),
                Bind::Int(now),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("state".into()));
    }
    Ok(())
}

/// Marks an unpublished import failed: its rows stay hidden until [`delete_rows`] and
/// [`forget`] remove them.
pub async fn fail(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<()> {
    FAIL.exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await?;
    Ok(())
}

/// Imports to clean, in every workspace: failed ones, and running ones whose last heartbeat is
/// older than `stale_before` (their process died). `(workspace, import, state)`.
pub async fn abandoned(c: &mut Conn<'_>, stale_before: i64) -> Result<Vec<(Uuid, Uuid, String)>> {
    ABANDONED.fetch(c, &[Bind::Int(stale_before)]).await
}

/// Deletes at most `limit` time entries of a failed import; answers how many went.
pub async fn delete_rows(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, limit: i64) -> Result<u64> {
    DELETE_ROWS
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::Int(limit.clamp(1, 100_000)),
            ],
        )
        .await
}

/// Once its entries are gone, deletes what a failed import created (projects, clients, people)
/// and its `imports` row.
pub async fn forget(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<()> {
    let b = [Bind::Uuid(ws.uuid()), Bind::Uuid(id)];
    for stmt in [&FORGET_PROJECTS, &FORGET_CLIENTS, &FORGET_USERS] {
        stmt.exec(c, &b).await?;
    }
    FORGET.exec(c, &b).await?;
    Ok(())
}

/// Rows of `$table` made by the import `$2`, once it failed.
macro_rules! forget {
    ($table:literal) => {
        concat!(
            "DELETE FROM ",
            $table,
            " WHERE workspace_id = $1 AND import_id = $2 AND $2 IN (SELECT id FROM imports WHERE workspace_id = $1 AND state = 'failed')"
        )
    };
}

crate::registry::statements! {
    DELETE_ROWS(3) [] = "DELETE FROM time_entries WHERE workspace_id = $1 AND id IN (SELECT id FROM time_entries WHERE workspace_id = $1 AND import_id = $2 AND $2 IN (SELECT id FROM imports WHERE workspace_id = $1 AND state = 'failed') LIMIT $3)";
    FORGET_PROJECTS(2) [] = forget!("projects");
    FORGET_CLIENTS(2) [] = forget!("clients");
    FORGET_USERS(2) [] = forget!("users");
    RUNNING_IMPORTS(1) ["id", "heartbeat_at"] = "SELECT id, heartbeat_at FROM imports WHERE workspace_id = $1 AND state = 'running'";
    START(9) [] = "INSERT INTO imports (workspace_id, id, format, file_name, rows_imported, rows_skipped, created_by, created_at, state, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9)";
    HEARTBEAT(3) [] = "UPDATE imports SET heartbeat_at = $3 WHERE workspace_id = $1 AND id = $2 AND state = 'running'";
    PUBLISH(5) [] = "UPDATE imports SET state = 'published', rows_imported = $3, rows_skipped = $4, heartbeat_at = $5 WHERE workspace_id = $1 AND id = $2 AND state = 'running'";
    FAIL(2) [] = "UPDATE imports SET state = 'failed' WHERE workspace_id = $1 AND id = $2 AND state <> 'published'";
    ABANDONED(1) ["workspace_id", "id", "state"] = "SELECT workspace_id, id, state FROM imports WHERE state = 'failed' OR (state = 'running' AND heartbeat_at < $1)";
    FORGET(2) [] = "DELETE FROM imports WHERE workspace_id = $1 AND id = $2 AND state = 'failed'";
}
