//! The service desk (issue 12): tickets opened in the portal, by staff for a phone or chat
//! contact, or through the API; public replies and internal notes; moves (status, priority,
//! assignee, tier) recorded as events; SLA clocks on the business calendar kept on each ticket;
//! the desk's setup (SLA policies, categories, canned replies); the lists and a ticket's page.
pub mod alerts;
pub mod check;
pub mod clocks;
pub mod csat;
pub mod inbound;
pub mod kpis;
pub mod mailbox;
pub mod saved;
pub mod setup;
pub mod sums;
pub mod tickets;
pub mod views;

use crate::{Ctx, Result, ServiceError};
use mesure_domain::desk::states::TicketType;
use mesure_domain::{DeskAction, PortalAction};
use mesure_store::Conn;
use mesure_store::desk::{self as store, TicketRow};
use uuid::Uuid;

/// A ticket the reader may see: staff who read the desk any of the workspace's; a contact their
/// organisation's, billing errors only if they see invoices. Anything else is `NotFound`.
pub(crate) async fn readable(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<TicketRow> {
    let t = store::get(c, ctx.workspace, id).await?;
    visible(ctx, &t)?;
    Ok(t)
}

/// Whether `ctx` may see `t` (the rule of [`readable`]).
pub(crate) fn visible(ctx: &Ctx, t: &TicketRow) -> Result<()> {
    match ctx.client {
        Some(cl) => {
            ctx.require(DeskAction::Request)?;
            if t.client_id != cl.uuid()
                || (t.kind == TicketType::BillingError && !ctx.may(PortalAction::Invoices))
            {
                return Err(ServiceError::NotFound);
            }
        }
        None => ctx.require(DeskAction::Read)?,
    }
    Ok(())
}
