//! Files produced by background jobs (e.g. the audit-log export), kept for download.
use crate::{Conn, Result, StoreError};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
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
}

pub async fn insert(c: &mut Conn<'_>, e: &ExportRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(e.workspace_id),
                crate::Bind::from(e.id),
                crate::Bind::from(&e.kind),
                crate::Bind::from(&e.file_name),
                crate::Bind::from(&e.content),
                crate::Bind::from(e.created_by),
                crate::Bind::from(e.created_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<ExportRow> {
    GET.fetch_optional::<ExportRow>(c, &[crate::Bind::from(ws.uuid()), crate::Bind::from(id)])
        .await?
        .ok_or(StoreError::NotFound)
}

/// Recent exports without their content.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId, limit: i64) -> Result<Vec<ExportRow>> {
    LIST.fetch(
        c,
        &[
            crate::Bind::from(ws.uuid()),
            crate::Bind::Int(limit.clamp(1, 200)),
        ],
    )
    .await
}

crate::registry::statements! {
    LIST(2) ["workspace_id", "id", "kind", "file_name", "content", "created_by", "created_at"] = "SELECT workspace_id, id, kind, file_name, '' AS content, created_by, created_at FROM exports WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT $2";
    INSERT(7) [] = "INSERT INTO exports (workspace_id, id, kind, file_name, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    GET(2) ["workspace_id", "id", "kind", "file_name", "content", "created_by", "created_at"] = "SELECT workspace_id, id, kind, file_name, content, created_by, created_at FROM exports WHERE workspace_id = $1 AND id = $2";
}
