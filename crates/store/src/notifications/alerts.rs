//! Alert marks (one per subject, kind, threshold and period while above it) and the in-app
//! notification list.
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

/// Sets the mark; answers true when it was not set (the crossing that fires the alert).
pub async fn mark(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    subject: Uuid,
    kind: &str,
    threshold: i32,
    period: i32,
    now: i64,
) -> Result<bool> {
    let n = MARK
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(subject),
                Bind::Text(kind.into()),
                Bind::Int(i64::from(threshold)),
                Bind::Int(i64::from(period)),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(n > 0)
}

/// Clears a mark (the figure fell back below the threshold: the next crossing fires again).
pub async fn unmark(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    subject: Uuid,
    kind: &str,
    threshold: i32,
    period: i32,
) -> Result<()> {
    UNMARK
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(subject),
                Bind::Text(kind.into()),
                Bind::Int(i64::from(threshold)),
                Bind::Int(i64::from(period)),
            ],
        )
        .await?;
    Ok(())
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct NotificationRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub subject_label: String,
    pub figure: i32,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, user_id, kind, subject_type, subject_id, subject_label, figure, link, created_at, read_at"
    };
}

pub async fn notify(c: &mut Conn<'_>, r: &NotificationRow) -> Result<()> {
    NOTIFY
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Uuid(r.user_id),
                Bind::Text(r.kind.clone()),
                Bind::Text(r.subject_type.clone()),
                Bind::Uuid(r.subject_id),
                Bind::Text(r.subject_label.clone()),
                Bind::Int(i64::from(r.figure)),
                Bind::Text(r.link.clone()),
                Bind::Int(r.created_at),
                Bind::OptInt(r.read_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    LIST.fetch(
        c,
        &[
            Bind::Uuid(ws.uuid()),
            Bind::Uuid(user),
            Bind::Int(limit.clamp(1, 500)),
        ],
    )
    .await
}

pub async fn unread(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<i64> {
    let r: Vec<(i64,)> = UNREAD
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await?;
    Ok(r.first().map(|x| x.0).unwrap_or(0))
}

pub async fn mark_read(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid, now: i64) -> Result<u64> {
    MARK_READ
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(user), Bind::Int(now)],
        )
        .await
}

crate::registry::statements! {
    LIST(3) ["workspace_id", "id", "user_id", "kind", "subject_type", "subject_id", "subject_label", "figure", "link", "created_at", "read_at"] = concat!("SELECT ", sql_cols!(), " FROM notifications WHERE workspace_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3");
    NOTIFY(11) [] = concat!("INSERT INTO notifications (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    MARK(6) [] = "INSERT INTO alert_marks (workspace_id, subject_id, kind, threshold, period, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, subject_id, kind, threshold, period) DO NOTHING";
    UNMARK(5) [] = "DELETE FROM alert_marks WHERE workspace_id = $1 AND subject_id = $2 AND kind = $3 AND threshold = $4 AND period = $5";
    UNREAD(2) ["unread"] = "SELECT CAST(COUNT(*) AS BIGINT) AS unread FROM notifications WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL";
    MARK_READ(3) [] = "UPDATE notifications SET read_at = $3 WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL";
}
