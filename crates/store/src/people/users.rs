//! Users: staff (owner, manager, staff) and client contacts with a portal login.
use crate::{Bind, Conn, Result, StoreError};
use mesure_domain::{Language, UserKind};
use mesure_domain::{UserId, WorkspaceId};
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// `staff` or `contact`
    pub kind: UserKind,
    /// A staff role, or a contact role for contacts.
    pub role: String,
    pub client_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub password_hash: Option<String>,
    pub language: Option<Language>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("kind", &self.kind)
            .field("role", &self.role)
            .field("password_hash", &"[redacted]")
            .finish_non_exhaustive()
    }
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, email, name, kind, role, client_id, contact_id, password_hash, language, active, created_at, updated_at"
    };
}

pub async fn insert(c: &mut Conn<'_>, u: &UserRow) -> Result<()> {
    insert_for_import(c, u, None).await
}

/// Inserts a user; `import`: the import that creates them, hidden until it is published
/// (`imports::visible`).
pub async fn insert_for_import(c: &mut Conn<'_>, u: &UserRow, import: Option<Uuid>) -> Result<()> {
    INSERT_FOR_IMPORT
        .exec(
            c,
            &[
                crate::Bind::from(u.workspace_id),
                crate::Bind::from(u.id),
                crate::Bind::from(&u.email),
                crate::Bind::from(&u.name),
                crate::Bind::from(u.kind),
                crate::Bind::from(&u.role),
                crate::Bind::from(u.client_id),
                crate::Bind::from(u.contact_id),
                crate::Bind::from(&u.password_hash),
                crate::Bind::from(u.language),
                crate::Bind::from(u.active),
                crate::Bind::from(u.created_at),
                crate::Bind::from(u.updated_at),
                crate::Bind::from(import),
            ],
        )
        .await?;
    Ok(())
}

/// Finds a login by e-mail across workspaces (the e-mail is the global login key).
pub async fn find_by_email(c: &mut Conn<'_>, email: &str) -> Result<Option<UserRow>> {
    // People made by an import without an address have an empty one: no address finds them.
    if email.trim().is_empty() {
        return Ok(None);
    }

    FIND_BY_EMAIL
        .fetch_optional::<UserRow>(c, &[crate::Bind::from(email.trim().to_lowercase())])
        .await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: UserId) -> Result<UserRow> {
    GET.fetch_optional::<UserRow>(
        c,
        &[crate::Bind::from(ws.uuid()), crate::Bind::from(id.uuid())],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// A staff member of the workspace: a portal contact's login is not found here (rates, capacity,
/// leave, time and project roles are for staff only).
pub async fn get_staff(c: &mut Conn<'_>, ws: WorkspaceId, id: UserId) -> Result<UserRow> {
    let u = get(c, ws, id).await?;
    if u.kind == UserKind::Staff {
        Ok(u)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Staff users of a workspace, by name (not those of an import still running).
pub async fn list_staff(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<UserRow>> {
    LIST_STAFF.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// The portal login of a contact, if any.
pub async fn find_for_contact(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    contact: Uuid,
) -> Result<Option<UserRow>> {
    FIND_FOR_CONTACT
        .fetch_optional::<UserRow>(
            c,
            &[crate::Bind::from(ws.uuid()), crate::Bind::from(contact)],
        )
        .await
}

pub async fn set_password(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    hash: &str,
    now: i64,
) -> Result<()> {
    let n = SET_PASSWORD
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id.uuid()),
                crate::Bind::from(hash),
                crate::Bind::from(now),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn update_profile(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    name: &str,
    language: Option<&str>,
    now: i64,
) -> Result<()> {
    let n = UPDATE_PROFILE
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id.uuid()),
                crate::Bind::from(name),
                crate::Bind::from(language),
                crate::Bind::from(now),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn set_active(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    active: bool,
    now: i64,
) -> Result<()> {
    SET_ACTIVE
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id.uuid()),
                crate::Bind::from(active),
                crate::Bind::from(now),
            ],
        )
        .await?;
    Ok(())
}

/// Follows a contact's changes on their portal login: e-mail, name and portal role.
pub async fn update_contact_login(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    email: &str,
    name: &str,
    role: &str,
    now: i64,
) -> Result<()> {
    UPDATE_CONTACT_LOGIN
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id.uuid()),
                crate::Bind::from(email),
                crate::Bind::from(name),
                crate::Bind::from(role),
                crate::Bind::from(now),
            ],
        )
        .await?;
    Ok(())
}

/// Changes a staff user's role and active flag (`now`: the use case's clock, like every
/// `updated_at` here).
pub async fn update_staff(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    role: &str,
    active: bool,
    now: i64,
) -> Result<()> {
    let n = UPDATE_STAFF
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id.uuid()),
                crate::Bind::from(role),
                crate::Bind::from(active),
                crate::Bind::from(now),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Active owners of a workspace.
pub async fn count_active_owners(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<i64> {
    let (n,): (i64,) = COUNT_ACTIVE_OWNERS
        .fetch_one(c, &[Bind::Uuid(ws.uuid())])
        .await?;
    Ok(n)
}

/// Gives a staff user without an address (made by an import) their login e-mail;
/// `Conflict("user_has_email")` when they have one already.
pub async fn set_first_email(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: UserId,
    email: &str,
    now: i64,
) -> Result<()> {
    let n = SET_FIRST_EMAIL
        .exec(
            c,
            &[
                crate::Bind::from(ws.uuid()),
                crate::Bind::from(id.uuid()),
                crate::Bind::from(email),
                crate::Bind::from(now),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("user_has_email".into()));
    }
    Ok(())
}

crate::registry::statements! {
    LIST_STAFF(1) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at"] = concat!(
        "SELECT ",
        sql_cols!(),
        " FROM users WHERE workspace_id = $1 AND kind = 'staff' AND ",
        crate::registry::visible_sql!("import_id"),
        " ORDER BY name, id"
    );
    COUNT_ACTIVE_OWNERS(1) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM users WHERE workspace_id = $1 AND kind = 'staff' AND role = 'owner' AND active";
    INSERT_FOR_IMPORT(14) [] = concat!("INSERT INTO users (", sql_cols!(), ", import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
    FIND_BY_EMAIL(1) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM users WHERE email = $1");
    GET(2) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM users WHERE workspace_id = $1 AND id = $2");
    FIND_FOR_CONTACT(2) ["workspace_id", "id", "email", "name", "kind", "role", "client_id", "contact_id", "password_hash", "language", "active", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM users WHERE workspace_id = $1 AND contact_id = $2");
    SET_PASSWORD(4) [] = "UPDATE users SET password_hash = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2";
    UPDATE_PROFILE(5) [] = "UPDATE users SET name = $3, language = $4, updated_at = $5 WHERE workspace_id = $1 AND id = $2";
    SET_ACTIVE(4) [] = "UPDATE users SET active = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2";
    UPDATE_CONTACT_LOGIN(6) [] = "UPDATE users SET email = $3, name = $4, role = $5, updated_at = $6 WHERE workspace_id = $1 AND id = $2 AND kind = 'contact'";
    SET_FIRST_EMAIL(4) [] = "UPDATE users SET email = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2 AND kind = 'staff' AND email = ''";
    UPDATE_STAFF(5) [] = "UPDATE users SET role = $3, active = $4, updated_at = $5 WHERE workspace_id = $1 AND id = $2 AND kind = 'staff'";
}
