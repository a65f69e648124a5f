//! Login sessions, kept in the database so several server processes can share them.
use crate::{Conn, Result};
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub workspace_id: Uuid,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}
}

pub async fn insert(c: &mut Conn<'_>, s: &SessionRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(&s.token_hash),
                crate::Bind::from(s.workspace_id),
                crate::Bind::from(s.user_id),
                crate::Bind::from(&s.csrf_token),
                crate::Bind::from(s.created_at),
                crate::Bind::from(s.expires_at),
            ],
        )
        .await?;
    Ok(())
}

/// A live session by its token hash.
pub async fn find(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<Option<SessionRow>> {
    FIND.fetch_optional::<SessionRow>(c, &[crate::Bind::from(token_hash), crate::Bind::from(now)])
        .await
}

pub async fn delete(c: &mut Conn<'_>, token_hash: &str) -> Result<()> {
    DELETE.exec(c, &[crate::Bind::from(token_hash)]).await?;
    Ok(())
}

/// Ends every session of a user (password change, deactivation).
pub async fn delete_for_user(c: &mut Conn<'_>, ws: Uuid, user: Uuid) -> Result<()> {
    DELETE_FOR_USER
        .exec(c, &[crate::Bind::from(ws), crate::Bind::from(user)])
        .await?;
    Ok(())
}

/// Ends every session and deletes every API token of a user: deactivation, a revoked portal, a
/// password change or reset. A token deleted is gone for good (reactivation starts without any).
pub async fn end_credentials(c: &mut Conn<'_>, ws: Uuid, user: Uuid) -> Result<()> {
    delete_for_user(c, ws, user).await?;
    DELETE_USER_TOKENS
        .exec(c, &[crate::Bind::from(ws), crate::Bind::from(user)])
        .await?;
    Ok(())
}

pub async fn delete_expired(c: &mut Conn<'_>, now: i64) -> Result<u64> {
    DELETE_EXPIRED.exec(c, &[crate::Bind::from(now)]).await
}

crate::registry::statements! {
    INSERT(6) [] = "INSERT INTO sessions (token_hash, workspace_id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
    FIND(2) ["token_hash", "workspace_id", "user_id", "csrf_token", "created_at", "expires_at"] = "SELECT token_hash, workspace_id, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2";
    DELETE(1) [] = "DELETE FROM sessions WHERE token_hash = $1";
    DELETE_FOR_USER(2) [] = "DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2";
    DELETE_USER_TOKENS(2) [] = "DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2";
    DELETE_EXPIRED(1) [] = "DELETE FROM sessions WHERE expires_at <= $1";
}
