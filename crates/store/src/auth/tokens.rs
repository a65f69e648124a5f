//! API bearer tokens, stored as SHA-256 hashes.
use crate::{Bind, Conn, Result, StoreError};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, user_id, name, token_hash, prefix, created_at, last_used_at, revoked_at"
    };
}

pub async fn insert(c: &mut Conn<'_>, t: &TokenRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                Bind::Uuid(t.workspace_id),
                Bind::Uuid(t.id),
                Bind::Uuid(t.user_id),
                Bind::Text(t.name.clone()),
                Bind::Text(t.token_hash.clone()),
                Bind::Text(t.prefix.clone()),
                Bind::Int(t.created_at),
                Bind::OptInt(t.last_used_at),
                Bind::OptInt(t.revoked_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn list_for_user(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Vec<TokenRow>> {
    LIST_FOR_USER
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await
}

/// Revocation deletes: a revoked token can never come back (the audit log keeps the event).
pub async fn revoke(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid, id: Uuid) -> Result<()> {
    let n = REVOKE
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(user),
                crate::Bind::from(id),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Records use at most once a minute per token, to keep reads cheap.
pub async fn touch(c: &mut Conn<'_>, ws: Uuid, id: Uuid, now: i64) -> Result<()> {
    TOUCH
        .exec(
            c,
            &[
                crate::Bind::from(ws),
                crate::Bind::from(id),
                crate::Bind::from(now),
                crate::Bind::from(now - 60_000_000),
            ],
        )
        .await?;
    Ok(())
}

crate::registry::statements! {
    INSERT(9) [] = concat!("INSERT INTO api_tokens (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    LIST_FOR_USER(2) ["workspace_id", "id", "user_id", "name", "token_hash", "prefix", "created_at", "last_used_at", "revoked_at"] = concat!("SELECT ", sql_cols!(), " FROM api_tokens WHERE workspace_id = $1 AND user_id = $2 ORDER BY created_at DESC");
    REVOKE(3) [] = "DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2 AND id = $3";
    TOUCH(4) [] = "UPDATE api_tokens SET last_used_at = $3 WHERE workspace_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < $4)";
}
