//! A person's saved ticket views (migration 19): a name and the list's query string, private or
//! shared with the whole desk.
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
/// A saved view.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SavedRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub query: String,
    pub shared: bool,
}
}

crate::registry::statements! {
    VISIBLE(2) ["id", "user_id", "name", "query", "shared"] = "SELECT id, user_id, name, query, shared FROM desk_saved_views WHERE workspace_id = $1 AND (user_id = $2 OR shared) ORDER BY name, id";
    GET(2) ["id", "user_id", "name", "query", "shared"] = "SELECT id, user_id, name, query, shared FROM desk_saved_views WHERE workspace_id = $1 AND id = $2";
    OWN_COUNT(2) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_saved_views WHERE workspace_id = $1 AND user_id = $2";
    INSERT(7) [] = "INSERT INTO desk_saved_views (workspace_id, id, user_id, name, query, shared, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    DELETE(2) [] = "DELETE FROM desk_saved_views WHERE workspace_id = $1 AND id = $2";
}

/// The views `user` sees: their own and the shared ones, by name.
pub async fn visible(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Vec<SavedRow>> {
    VISIBLE
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<SavedRow> {
    GET.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

/// How many views `user` saved.
pub async fn own_count(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<i64> {
    let (n,): (i64,) = OWN_COUNT
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await?;
    Ok(n)
}

pub async fn insert(c: &mut Conn<'_>, ws: WorkspaceId, r: &SavedRow, now: i64) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(r.id),
                Bind::Uuid(r.user_id),
                Bind::from(&r.name),
                Bind::from(&r.query),
                Bind::Bool(r.shared),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<()> {
    DELETE
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await?;
    Ok(())
}
