//! Notifications: the alerts raised for a person (budget thresholds, trends, concentration), read
//! and marked read.
use crate::{App, Ctx, Result};
use mesure_domain::DashboardAction;
use mesure_store::notifications::alerts::{self, NotificationRow};

/// The caller's notifications, newest first, and how many are unread.
pub async fn notifications(app: &App, ctx: &Ctx) -> Result<(Vec<NotificationRow>, i64)> {
    ctx.require(DashboardAction::View)?;
    let mut c = app.db.read().await?;
    let list = alerts::list(&mut c.conn(), ctx.workspace, ctx.user.uuid(), 100).await?;
    let unread = alerts::unread(&mut c.conn(), ctx.workspace, ctx.user.uuid()).await?;
    Ok((list, unread))
}

pub async fn mark_read(app: &App, ctx: &Ctx) -> Result<u64> {
    ctx.require(DashboardAction::View)?;
    crate::write_tx!(app, tx => {
        alerts::mark_read(&mut tx.conn(), ctx.workspace, ctx.user.uuid(), app.now()).await?
    })
}
