//! Password-reset tokens, stored hashed, single use, short-lived.
use crate::{Conn, Result, on};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResetRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub created_at: i64,
}

pub async fn insert(c: &mut Conn<'_>, r: &ResetRow) -> Result<()> {
    on!(c, c => sqlx::query("INSERT INTO password_resets (workspace_id, id, user_id, token_hash, expires_at, used_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(r.workspace_id).bind(r.id).bind(r.user_id).bind(&r.token_hash).bind(r.expires_at).bind(r.used_at).bind(r.created_at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An unused, unexpired reset by token hash.
pub async fn find_valid(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<Option<ResetRow>> {
    Ok(
        on!(c, c => sqlx::query_as::<_, ResetRow>("SELECT workspace_id, id, user_id, token_hash, expires_at, used_at, created_at FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(token_hash).bind(now).fetch_optional(&mut **c).await)?,
    )
}

/// Marks every open reset of a user used (the one just used, and older ones).
pub async fn use_all(c: &mut Conn<'_>, ws: Uuid, user: Uuid, now: i64) -> Result<()> {
    on!(c, c => sqlx::query("UPDATE password_resets SET used_at = $3 WHERE workspace_id = $1 AND user_id = $2 AND used_at IS NULL")
        .bind(ws).bind(user).bind(now).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
