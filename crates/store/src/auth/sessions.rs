//! Login sessions, kept in the database so several server processes can share them.
use crate::{Conn, Result, on};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub workspace_id: Uuid,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

pub async fn insert(c: &mut Conn<'_>, s: &SessionRow) -> Result<()> {
    on!(c, c => sqlx::query("INSERT INTO sessions (token_hash, workspace_id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&s.token_hash).bind(s.workspace_id).bind(s.user_id).bind(&s.csrf_token).bind(s.created_at).bind(s.expires_at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A live session by its token hash.
pub async fn find(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<Option<SessionRow>> {
    Ok(
        on!(c, c => sqlx::query_as::<_, SessionRow>("SELECT token_hash, workspace_id, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash).bind(now).fetch_optional(&mut **c).await)?,
    )
}

pub async fn delete(c: &mut Conn<'_>, token_hash: &str) -> Result<()> {
    on!(c, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user (password change, deactivation).
pub async fn delete_for_user(c: &mut Conn<'_>, ws: Uuid, user: Uuid) -> Result<()> {
    on!(c, c => sqlx::query("DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2").bind(ws).bind(user).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session and deletes every API token of a user: deactivation, a revoked portal, a
/// password change or reset. A token deleted is gone for good (reactivation starts without any).
pub async fn end_credentials(c: &mut Conn<'_>, ws: Uuid, user: Uuid) -> Result<()> {
    delete_for_user(c, ws, user).await?;
    on!(c, c => sqlx::query("DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2").bind(ws).bind(user).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_expired(c: &mut Conn<'_>, now: i64) -> Result<u64> {
    Ok(
        on!(c, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut **c).await.map(|r| r.rows_affected()))?,
    )
}
