//! Resolving a request's identity in one query: the session or token, its user and workspace.
use crate::people::users::UserRow;
use crate::registry::{Row, Shape};
use crate::{Bind, Conn, Result};
use mesure_domain::{Currency, Language};
use uuid::Uuid;

/// A user with the workspace settings a request needs, and what identified them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IdentityRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub ws_name: String,
    pub ws_time_zone: String,
    pub ws_language: Language,
    pub ws_currency: Currency,
    /// The API token's id (token path only).
    pub token_id: Option<Uuid>,
    pub token_last_used_at: Option<i64>,
    /// The session's CSRF token (session path only).
    pub csrf_token: Option<String>,
}

/// Its columns: `UserRow`'s (flattened), then its own, as the statements below answer them.
impl Row for IdentityRow {
    const SHAPE: Shape = Shape::Fields(&[
        "workspace_id",
        "id",
        "email",
        "name",
        "kind",
        "role",
        "client_id",
        "contact_id",
        "password_hash",
        "language",
        "active",
        "created_at",
        "updated_at",
        "ws_name",
        "ws_time_zone",
        "ws_language",
        "ws_currency",
        "token_id",
        "token_last_used_at",
        "csrf_token",
    ]);
}

macro_rules! user_cols {
    () => {
        "u.workspace_id, u.id, u.email, u.name, u.kind, u.role, u.client_id, u.contact_id, u.password_hash, u.language, u.active, u.created_at, u.updated_at, w.name AS ws_name, w.time_zone AS ws_time_zone, w.language AS ws_language, w.currency AS ws_currency"
    };
}

/// A portal login works only while its contact and the contact's organisation are not archived
/// (whatever path archived them); staff logins have no contact.
macro_rules! live_contact {
    () => {
        " AND (u.contact_id IS NULL OR EXISTS (SELECT 1 FROM contacts ct JOIN clients cl ON cl.workspace_id = ct.workspace_id AND cl.id = ct.client_id WHERE ct.workspace_id = u.workspace_id AND ct.id = u.contact_id AND ct.archived_at IS NULL AND cl.archived_at IS NULL))"
    };
}

/// The session path; `$null_uuid` is a typed NULL for the token's id, spelled per engine.
macro_rules! by_session {
    ($null_uuid:literal) => {
        concat!(
            "SELECT ",
            user_cols!(),
            ", CAST(NULL AS ",
            $null_uuid,
            ") AS token_id, CAST(NULL AS BIGINT) AS token_last_used_at, s.csrf_token FROM sessions s JOIN users u ON u.workspace_id = s.workspace_id AND u.id = s.user_id JOIN workspaces w ON w.id = u.workspace_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
            live_contact!()
        )
    };
}

/// Whether a login may sign in: staff always, a contact while their contact and organisation are
/// not archived.
pub async fn login_allowed(c: &mut Conn<'_>, u: &UserRow) -> Result<bool> {
    let Some(contact) = u.contact_id else {
        return Ok(true);
    };
    let (n,): (i64,) = LOGIN_ALLOWED
        .fetch_one(c, &[Bind::Uuid(u.workspace_id), Bind::Uuid(contact)])
        .await?;
    Ok(n > 0)
}

/// The identity behind a live, active session.
pub async fn by_session(
    c: &mut Conn<'_>,
    token_hash: &str,
    now: i64,
) -> Result<Option<IdentityRow>> {
    let stmt = match c {
        Conn::Sqlite(_) => &BY_SESSION_SQLITE,
        Conn::Pg(_) => &BY_SESSION_PG,
    };
    stmt.fetch_optional(c, &[Bind::Text(token_hash.into()), Bind::Int(now)])
        .await
}

/// The identity behind an unrevoked API token of an active user.
pub async fn by_token(c: &mut Conn<'_>, token_hash: &str) -> Result<Option<IdentityRow>> {
    BY_TOKEN
        .fetch_optional(c, &[Bind::Text(token_hash.into())])
        .await
}

crate::registry::statements! {
    LOGIN_ALLOWED(2) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM contacts ct JOIN clients cl ON cl.workspace_id = ct.workspace_id AND cl.id = ct.client_id WHERE ct.workspace_id = $1 AND ct.id = $2 AND ct.archived_at IS NULL AND cl.archived_at IS NULL";
    BY_SESSION_SQLITE(2) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at", "ws_name", "ws_time_zone", "ws_language", "ws_currency", "token_id", "token_last_used_at", "csrf_token"] @sqlite = by_session!("BLOB");
    BY_SESSION_PG(2) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at", "ws_name", "ws_time_zone", "ws_language", "ws_currency", "token_id", "token_last_used_at", "csrf_token"] @postgres = by_session!("UUID");
    BY_TOKEN(1) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at", "ws_name", "ws_time_zone", "ws_language", "ws_currency", "token_id", "token_last_used_at", "csrf_token"] = concat!(
        "SELECT ",
        user_cols!(),
        ", t.id AS token_id, t.last_used_at AS token_last_used_at, CAST(NULL AS TEXT) AS csrf_token FROM api_tokens t JOIN users u ON u.workspace_id = t.workspace_id AND u.id = t.user_id JOIN workspaces w ON w.id = u.workspace_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active",
        live_contact!()
    );
}
