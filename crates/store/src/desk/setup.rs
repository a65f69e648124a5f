//! How a workspace's desk is set up: its settings (ticket numbers, unknown senders, the default
//! SLA policy, the warning lead), per-client SLA policies, the category tree and canned replies.
use crate::portal::questions::CalendarRow;
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
/// The desk settings of a workspace; `policy` is the default SLA policy as JSON.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SettingsRow {
    pub unknown_senders: String,
    pub policy: String,
    pub warn_minutes: i64,
    /// The desk's own e-mail address (Reply-To of its mail; mail from it is a loop).
    pub address: Option<String>,
    /// The key in the public request form's link (`/help/{key}`); none: no public form.
    pub form_key: Option<String>,
}
}

crate::registry::row! {
/// A category of the tree.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct CategoryRow {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub archived_at: Option<i64>,
}
}

crate::registry::row! {
/// A canned reply.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct CannedRow {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub archived_at: Option<i64>,
}
}

crate::registry::statements! {
    ENSURE(6) [] = "INSERT INTO desk_settings (workspace_id, next_number, unknown_senders, policy, warn_minutes, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id) DO NOTHING";
    SETTINGS(1) ["unknown_senders", "policy", "warn_minutes", "address", "form_key"] = "SELECT unknown_senders, policy, warn_minutes, address, form_key FROM desk_settings WHERE workspace_id = $1";
    SAVE_SETTINGS(7) [] = "UPDATE desk_settings SET unknown_senders = $2, policy = $3, warn_minutes = $4, updated_at = $5, address = $6, form_key = $7 WHERE workspace_id = $1";
    BY_FORM_KEY(1) ["workspace_id"] = "SELECT workspace_id FROM desk_settings WHERE form_key = $1";
    CLIENT_POLICY(2) ["policy"] = "SELECT policy FROM desk_client_policies WHERE workspace_id = $1 AND client_id = $2";
    CLIENT_POLICIES(1) ["client_id", "policy"] = "SELECT client_id, policy FROM desk_client_policies WHERE workspace_id = $1 ORDER BY client_id";
    SAVE_CLIENT_POLICY(4) [] = "INSERT INTO desk_client_policies (workspace_id, client_id, policy, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, client_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at";
    DROP_CLIENT_POLICY(2) [] = "DELETE FROM desk_client_policies WHERE workspace_id = $1 AND client_id = $2";
    CLIENT_CALENDAR(2) ["time_zone", "week", "french_holidays", "days_off"] = "SELECT time_zone, week, french_holidays, days_off FROM desk_client_calendars WHERE workspace_id = $1 AND client_id = $2";
    CLIENT_CALENDARS(1) ["client_id"] = "SELECT client_id FROM desk_client_calendars WHERE workspace_id = $1 ORDER BY client_id";
    SAVE_CLIENT_CALENDAR(7) [] = "INSERT INTO desk_client_calendars (workspace_id, client_id, time_zone, week, french_holidays, days_off, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (workspace_id, client_id) DO UPDATE SET time_zone = excluded.time_zone, week = excluded.week, french_holidays = excluded.french_holidays, days_off = excluded.days_off, updated_at = excluded.updated_at";
    DROP_CLIENT_CALENDAR(2) [] = "DELETE FROM desk_client_calendars WHERE workspace_id = $1 AND client_id = $2";
    CATEGORIES(1) ["id", "parent_id", "name", "archived_at"] = "SELECT id, parent_id, name, archived_at FROM desk_categories WHERE workspace_id = $1 ORDER BY name, id";
    INSERT_CATEGORY(5) [] = "INSERT INTO desk_categories (workspace_id, id, parent_id, name, created_at) VALUES ($1, $2, $3, $4, $5)";
    SAVE_CATEGORY(5) [] = "UPDATE desk_categories SET parent_id = $3, name = $4, archived_at = $5 WHERE workspace_id = $1 AND id = $2";
    CANNED(1) ["id", "title", "body", "archived_at"] = "SELECT id, title, body, archived_at FROM desk_canned_replies WHERE workspace_id = $1 ORDER BY title, id";
    INSERT_CANNED(5) [] = "INSERT INTO desk_canned_replies (workspace_id, id, title, body, updated_at) VALUES ($1, $2, $3, $4, $5)";
    SAVE_CANNED(6) [] = "UPDATE desk_canned_replies SET title = $3, body = $4, archived_at = $5, updated_at = $6 WHERE workspace_id = $1 AND id = $2";
}

/// Makes the settings row if the workspace has none (numbers from 1, the given defaults).
pub async fn ensure(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    unknown_senders: &str,
    policy: &str,
    warn_minutes: i64,
    now: i64,
) -> Result<()> {
    ENSURE
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(1),
                Bind::from(unknown_senders),
                Bind::from(policy),
                Bind::Int(warn_minutes),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

pub async fn settings(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Option<SettingsRow>> {
    SETTINGS.fetch_optional(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn save_settings(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    s: &SettingsRow,
    now: i64,
) -> Result<()> {
    SAVE_SETTINGS
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::from(&s.unknown_senders),
                Bind::from(&s.policy),
                Bind::Int(s.warn_minutes),
                Bind::Int(now),
                Bind::from(s.address.clone()),
                Bind::from(s.form_key.clone()),
            ],
        )
        .await?;
    Ok(())
}

/// The workspace whose public request form has this key.
pub async fn workspace_of_form(c: &mut Conn<'_>, key: &str) -> Result<Option<Uuid>> {
    Ok(BY_FORM_KEY
        .fetch_optional::<(Uuid,)>(c, &[Bind::from(key)])
        .await?
        .map(|(w,)| w))
}

pub async fn client_policy(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Option<String>> {
    Ok(CLIENT_POLICY
        .fetch_optional::<(String,)>(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await?
        .map(|(p,)| p))
}

/// Every client policy of the workspace: (client, policy JSON).
pub async fn client_policies(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, String)>> {
    CLIENT_POLICIES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn save_client_policy(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    policy: Option<&str>,
    now: i64,
) -> Result<()> {
    match policy {
        Some(p) => {
            SAVE_CLIENT_POLICY
                .exec(
                    c,
                    &[
                        Bind::Uuid(ws.uuid()),
                        Bind::Uuid(client),
                        Bind::from(p),
                        Bind::Int(now),
                    ],
                )
                .await?
        }
        None => {
            DROP_CLIENT_POLICY
                .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
                .await?
        }
    };
    Ok(())
}

/// A client's own business calendar, if set.
pub async fn client_calendar(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Option<CalendarRow>> {
    CLIENT_CALENDAR
        .fetch_optional(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await
}

/// The clients that have their own calendar.
pub async fn client_calendars(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = CLIENT_CALENDARS.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Sets (or, with `None`, removes) a client's own calendar.
pub async fn save_client_calendar(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    cal: Option<&CalendarRow>,
    now: i64,
) -> Result<()> {
    match cal {
        Some(r) => {
            SAVE_CLIENT_CALENDAR
                .exec(
                    c,
                    &[
                        Bind::Uuid(ws.uuid()),
                        Bind::Uuid(client),
                        Bind::from(&r.time_zone),
                        Bind::from(&r.week),
                        Bind::Bool(r.french_holidays),
                        Bind::from(&r.days_off),
                        Bind::Int(now),
                    ],
                )
                .await?
        }
        None => {
            DROP_CLIENT_CALENDAR
                .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
                .await?
        }
    };
    Ok(())
}

/// The category tree's rows, archived ones included, by name.
pub async fn categories(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<CategoryRow>> {
    CATEGORIES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn insert_category(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    row: &CategoryRow,
    now: i64,
) -> Result<()> {
    INSERT_CATEGORY
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(row.id),
                Bind::from(row.parent_id),
                Bind::from(&row.name),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

pub async fn save_category(c: &mut Conn<'_>, ws: WorkspaceId, row: &CategoryRow) -> Result<()> {
    SAVE_CATEGORY
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(row.id),
                Bind::from(row.parent_id),
                Bind::from(&row.name),
                Bind::from(row.archived_at),
            ],
        )
        .await?;
    Ok(())
}

/// The canned replies, archived ones included, by title.
pub async fn canned(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<CannedRow>> {
    CANNED.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn insert_canned(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    row: &CannedRow,
    now: i64,
) -> Result<()> {
    INSERT_CANNED
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(row.id),
                Bind::from(&row.title),
                Bind::from(&row.body),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

pub async fn save_canned(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    row: &CannedRow,
    now: i64,
) -> Result<()> {
    SAVE_CANNED
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(row.id),
                Bind::from(&row.title),
                Bind::from(&row.body),
                Bind::from(row.archived_at),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}
