//! SLA warnings and breaches, from the job worker every minute: a running ticket whose next
//! deadline comes within the workspace's warning lead gets a `sla_warning` event, one whose
//! deadline passed a `sla_breach` event (and its breach flag); each once per deadline (the
//! event names the deadline, so a deadline moved by a pause or a policy change is judged again),
//! the assignee and the owners told in the app and by e-mail.
use super::clocks;
use crate::{App, Ctx, Result};
use mesure_store::desk::{self as store, EventRow, TicketRow};
use uuid::Uuid;

/// The most tickets one pass handles per workspace (the next pass takes the rest).
const BATCH: i64 = 200;

async fn alert(app: &App, ctx: &Ctx, t: &TicketRow, kind: &'static str) -> Result<bool> {
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let mut fresh = store::get(c, ctx.workspace, t.id).await?;
        // Moved meanwhile (answered, paused, resolved): the next pass judges it again.
        if fresh.due_at != t.due_at || fresh.version != t.version {
            return Ok(false);
        }
        let e = EventRow {
            workspace_id: ctx.workspace.uuid(),
            id: Uuid::now_v7(),
            ticket_id: t.id,
            at: now,
            kind: kind.into(),
            actor_id: None,
            customer: false,
            body: None,
            from_value: None,
            to_value: Some(t.due_at.to_string()),
            reason: None,
            message_id: None,
        };
        store::insert_event(c, &e).await?;
        if kind == "sla_breach" {
            let events = store::events(c, ctx.workspace, t.id).await?;
            let rules = clocks::rules(c, ctx.workspace, &ctx.time_zone, t.client_id).await?;
            clocks::refresh(&rules, &mut fresh, &clocks::changes(&events), now);
            fresh.breached = true;
            store::update(c, &fresh).await?;
        }
        let label = format!("#{} {}", t.number, t.subject);
        crate::radar::notify(c, app, ctx.workspace, t.assignee_id, &format!("desk_{kind}"), "desk_ticket", t.id, &label, 0, &format!("/desk/tickets/{}", t.id)).await?;
        true
    })
}

/// One pass over a workspace; answers how many alerts went out.
pub async fn sweep(app: &App, ctx: &Ctx) -> Result<usize> {
    let now = app.now();
    let (breaching, warning) = {
        let mut conn = app.db.read().await?;
        let c = &mut conn.conn();
        let warn = mesure_store::desk::setup::settings(c, ctx.workspace)
            .await?
            .map_or(clocks::DEFAULT_WARN_MINUTES, |s| s.warn_minutes);
        (
            store::breach_due(c, ctx.workspace, now, BATCH).await?,
            store::warn_due(c, ctx.workspace, now, now + warn * 60_000_000, BATCH).await?,
        )
    };
    let mut n = 0;
    for t in &breaching {
        n += usize::from(alert(app, ctx, t, "sla_breach").await?);
    }
    for t in &warning {
        n += usize::from(alert(app, ctx, t, "sla_warning").await?);
    }
    Ok(n)
}

/// One pass over every workspace.
pub async fn sweep_all(app: &App) -> Result<usize> {
    let list = {
        let mut c = app.db.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let mut n = 0;
    for w in list {
        n += sweep(app, &Ctx::system(&w, "sla")).await?;
    }
    Ok(n)
}
