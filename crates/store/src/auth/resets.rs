//! Password-reset tokens, stored hashed, single use, short-lived.
use crate::{Conn, Result};
use uuid::Uuid;

crate::registry::row! {
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
}

pub async fn insert(c: &mut Conn<'_>, r: &ResetRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(r.workspace_id),
                crate::Bind::from(r.id),
                crate::Bind::from(r.user_id),
                crate::Bind::from(&r.token_hash),
                crate::Bind::from(r.expires_at),
                crate::Bind::from(r.used_at),
                crate::Bind::from(r.created_at),
            ],
        )
        .await?;
    Ok(())
}

/// An unused, unexpired reset by token hash.
pub async fn find_valid(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<Option<ResetRow>> {
    FIND_VALID
        .fetch_optional::<ResetRow>(c, &[crate::Bind::from(token_hash), crate::Bind::from(now)])
        .await
}

/// Marks every open reset of a user used (the one just used, and older ones).
pub async fn use_all(c: &mut Conn<'_>, ws: Uuid, user: Uuid, now: i64) -> Result<()> {
    USE_ALL
        .exec(
            c,
            &[
                crate::Bind::from(ws),
                crate::Bind::from(user),
                crate::Bind::from(now),
            ],
        )
        .await?;
    Ok(())
}

crate::registry::statements! {
    INSERT(7) [] = "INSERT INTO password_resets (workspace_id, id, user_id, token_hash, expires_at, used_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    FIND_VALID(2) ["workspace_id", "id", "user_id", "token_hash", "expires_at", "used_at", "created_at"] = "SELECT workspace_id, id, user_id, token_hash, expires_at, used_at, created_at FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    USE_ALL(3) [] = "UPDATE password_resets SET used_at = $3 WHERE workspace_id = $1 AND user_id = $2 AND used_at IS NULL";
}
