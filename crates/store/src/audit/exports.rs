//! Files produced by background jobs (e.g. the audit-log export), kept for download.
use crate::{Conn, Result, StoreError, on};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExportRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub content: String,
    pub created_by: Option<Uuid>,
    pub created_at: i64,
}

pub async fn insert(c: &mut Conn<'_>, e: &ExportRow) -> Result<()> {
    on!(c, c => sqlx::query("INSERT INTO exports (workspace_id, id, kind, file_name, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(e.workspace_id).bind(e.id).bind(&e.kind).bind(&e.file_name).bind(&e.content).bind(e.created_by).bind(e.created_at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<ExportRow> {
    on!(c, c => sqlx::query_as::<_, ExportRow>("SELECT workspace_id, id, kind, file_name, content, created_by, created_at FROM exports WHERE workspace_id = $1 AND id = $2")
        .bind(ws.uuid()).bind(id).fetch_optional(&mut **c).await)?
        .ok_or(StoreError::NotFound)
}

/// Recent exports without their content.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId, limit: i64) -> Result<Vec<ExportRow>> {
    let sql = format!(
        "SELECT workspace_id, id, kind, file_name, '' AS content, created_by, created_at FROM exports WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT {}",
        limit.clamp(1, 200)
    );
    Ok(
        on!(c, c => sqlx::query_as::<_, ExportRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(ws.uuid()).fetch_all(&mut **c).await)?,
    )
}
