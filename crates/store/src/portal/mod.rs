//! The client portal's own rows: what a project's portal shows (time detail, entry notes) and
//! which deliverables stay off it.
pub mod questions;

use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::statements! {
    SETTINGS(2) ["show_time", "show_notes"] = "SELECT show_time, show_notes FROM portal_projects WHERE workspace_id = $1 AND project_id = $2";
    SAVE_SETTINGS(5) [] = "INSERT INTO portal_projects (workspace_id, project_id, show_time, show_notes, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, project_id) DO UPDATE SET show_time = excluded.show_time, show_notes = excluded.show_notes, updated_at = excluded.updated_at";
    HIDDEN(2) ["deliverable_id"] = "SELECT deliverable_id FROM portal_hidden_deliverables WHERE workspace_id = $1 AND project_id = $2 ORDER BY deliverable_id";
    HIDE(3) [] = "INSERT INTO portal_hidden_deliverables (workspace_id, deliverable_id, project_id) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, deliverable_id) DO NOTHING";
    SHOW(2) [] = "DELETE FROM portal_hidden_deliverables WHERE workspace_id = $1 AND deliverable_id = $2";
    REPORT_RECIPIENTS(2) ["email", "language"] = "SELECT k.email, k.language FROM contacts k JOIN users u ON u.workspace_id = k.workspace_id AND u.contact_id = k.id WHERE k.workspace_id = $1 AND k.client_id = $2 AND k.archived_at IS NULL AND u.active = TRUE AND k.contact_role IN ('billing', 'project') AND k.email IS NOT NULL ORDER BY k.email";
    MARK_REPORT_SENT(5) [] = "INSERT INTO value_reports_sent (workspace_id, client_id, month, recipients, sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, client_id, month) DO NOTHING";
    TIME_SUMS(4) ["deliverable_id", "user_id", "minutes"] = concat!(
        "SELECT deliverable_id, user_id, CAST(SUM(minutes) AS BIGINT) AS minutes FROM time_entries",
        " WHERE workspace_id = $1 AND project_id = $2 AND work_date >= $3 AND work_date <= $4 AND ",
        crate::registry::visible_sql!("import_id"),
        " GROUP BY deliverable_id, user_id"
    );
}

/// A project's minutes over `[from, to]` (`YYYYMMDD`, both included) by deliverable and person.
pub async fn time_sums(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<(Option<Uuid>, Uuid, i64)>> {
    TIME_SUMS
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(project),
                Bind::from(from),
                Bind::from(to),
            ],
        )
        .await
}

/// What a project's portal shows: (time detail, entry notes); both by default.
pub async fn settings(c: &mut Conn<'_>, ws: WorkspaceId, project: Uuid) -> Result<(bool, bool)> {
    let rows: Vec<(bool, bool)> = SETTINGS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await?;
    Ok(rows.first().copied().unwrap_or((true, true)))
}

/// Saves what a project's portal shows.
pub async fn save_settings(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
    (show_time, show_notes): (bool, bool),
    now: i64,
) -> Result<()> {
    SAVE_SETTINGS
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(project),
                Bind::Bool(show_time),
                Bind::Bool(show_notes),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

/// The deliverables of a project kept off its portal.
pub async fn hidden(c: &mut Conn<'_>, ws: WorkspaceId, project: Uuid) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = HIDDEN
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Keeps a deliverable off its project's portal (`visible` false) or shows it again.
pub async fn set_visible(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
    deliverable: Uuid,
    visible: bool,
) -> Result<()> {
    if visible {
        SHOW.exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(deliverable)])
            .await?;
    } else {
        HIDE.exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(deliverable),
                Bind::Uuid(project),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The e-mail addresses and languages of a client's active contacts with a portal login in the
/// billing or project role: who receives the monthly value report.
pub async fn report_recipients(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Vec<(String, mesure_domain::Language)>> {
    REPORT_RECIPIENTS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await
}

/// Records a client's report of `month` (`YYYYMM`) as sent; false when it was already.
pub async fn mark_report_sent(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    month: i32,
    recipients: i64,
    now: i64,
) -> Result<bool> {
    let n = MARK_REPORT_SENT
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(client),
                Bind::from(month),
                Bind::Int(recipients),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(n == 1)
}
