//! What a fixed-fee project earning by accepted deliverables may bill: its deliverables with
//! their estimates, acceptance day and whether a document already bills their share, and what
//! its deliverable shares have billed so far.
use crate::{Bind, Conn, Result};
use mesure_domain::{Currency, WorkspaceId};
use uuid::Uuid;

crate::registry::row! {
/// A deliverable of a fixed-fee project that earns by accepted deliverables.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShareDeliverable {
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub estimate_minutes: i64,
    pub accepted_on: Option<i32>,
    pub fixed_price_minor: i64,
    /// An unreleased item of a document holds its share.
    pub billed: bool,
}
}

crate::registry::statements! {
    DELIVERABLES(3) ["id", "project_id", "name", "estimate_minutes", "accepted_on", "fixed_price_minor", "billed"] = "SELECT d.id, d.project_id, d.name, d.estimate_minutes, d.accepted_on, p.fixed_price_minor, EXISTS (SELECT 1 FROM invoice_items i WHERE i.workspace_id = $1 AND i.kind = 'deliverable' AND i.ref_id = d.id AND i.month = 0 AND i.released = FALSE) AS billed FROM deliverables d JOIN projects p ON p.workspace_id = d.workspace_id AND p.id = d.project_id WHERE d.workspace_id = $1 AND p.client_id = $2 AND p.currency = $3 AND p.billing_model = 'fixed_fee' AND p.fixed_revenue = 'deliverables' AND p.fixed_price_minor > 0 ORDER BY d.project_id, d.accepted_on, d.id";
    SHARES_BILLED(2) ["billed"] = "SELECT CAST(COALESCE(SUM(i.amount_minor), 0) AS BIGINT) AS billed FROM invoice_items i JOIN deliverables d ON d.workspace_id = i.workspace_id AND d.id = i.ref_id WHERE i.workspace_id = $1 AND i.kind = 'deliverable' AND i.released = FALSE AND d.project_id = $2";
}

/// Every deliverable of the client's fixed-fee projects in `currency` that earn by accepted
/// deliverables, by project then acceptance.
pub async fn deliverables(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    currency: Currency,
) -> Result<Vec<ShareDeliverable>> {
    DELIVERABLES
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(client),
                Bind::from(currency),
            ],
        )
        .await
}

/// What a project's deliverable shares have billed (drafts included, released ones not).
pub async fn shares_billed(c: &mut Conn<'_>, ws: WorkspaceId, project: Uuid) -> Result<i64> {
    let (n,): (i64,) = SHARES_BILLED
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await?;
    Ok(n)
}
