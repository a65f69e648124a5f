//! What staff choose a project's portal shows: its time detail, the notes of its entries, and
//! each deliverable's "visible to client" toggle.
use crate::audit::record;
use crate::{App, Ctx, Result};
use mesure_domain::{ProjectId, ProjectsAction};
use mesure_store::projects;
use uuid::Uuid;

/// A project's portal choices.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PortalSettings {
    pub show_time: bool,
    pub show_notes: bool,
    /// Deliverables kept off the portal.
    pub hidden: Vec<Uuid>,
}

/// A project's portal choices, for readers of the project.
pub async fn get(app: &App, ctx: &Ctx, project: ProjectId) -> Result<PortalSettings> {
    ctx.require(ProjectsAction::Read)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let p = projects::get(c, ctx.workspace, project).await?;
    let (show_time, show_notes) = mesure_store::portal::settings(c, ctx.workspace, p.id).await?;
    Ok(PortalSettings {
        show_time,
        show_notes,
        hidden: mesure_store::portal::hidden(c, ctx.workspace, p.id).await?,
    })
}

/// Saves whether the project's portal shows its time detail and its entries' notes.
pub async fn save(
    app: &App,
    ctx: &Ctx,
    project: ProjectId,
    show_time: bool,
    show_notes: bool,
) -> Result<()> {
    ctx.require(ProjectsAction::Write)?;
    crate::write_tx!(app, tx => {
        let p = projects::get(&mut tx.conn(), ctx.workspace, project).await?;
        let before = mesure_store::portal::settings(&mut tx.conn(), ctx.workspace, p.id).await?;
        let now = app.now();
        mesure_store::portal::save_settings(&mut tx.conn(), ctx.workspace, p.id, (show_time, show_notes), now).await?;
        let b = serde_json::json!({"name": p.name, "show_time": before.0, "show_notes": before.1});
        let a = serde_json::json!({"name": p.name, "show_time": show_time, "show_notes": show_notes});
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), now, "project", p.id, "portal", Some(&b), Some(&a)).await?;
    })
}

/// Shows a deliverable on its project's portal, or keeps it off.
pub async fn set_deliverable_visible(
    app: &App,
    ctx: &Ctx,
    deliverable: Uuid,
    visible: bool,
) -> Result<()> {
    ctx.require(ProjectsAction::Write)?;
    crate::write_tx!(app, tx => {
        let d = projects::deliverable(&mut tx.conn(), ctx.workspace, deliverable).await?;
        let hidden = mesure_store::portal::hidden(&mut tx.conn(), ctx.workspace, d.project_id).await?;
        let was = !hidden.contains(&d.id);
        mesure_store::portal::set_visible(&mut tx.conn(), ctx.workspace, d.project_id, d.id, visible).await?;
        let now = app.now();
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), now, "deliverable", d.id, "portal", Some(&serde_json::json!({"name": d.name, "portal_visible": was})), Some(&serde_json::json!({"name": d.name, "portal_visible": visible}))).await?;
    })
}
