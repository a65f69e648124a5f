//! Billed value on the radar: each issued document's shares by project and work month
//! (`billed_shares`) and their running sum on the project and client months (`billed_value`).
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
/// One share of an issued document: what it bills of a project's month (negative for a credit).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShareRow {
    pub document_id: Uuid,
    pub project_id: Uuid,
    pub client_id: Uuid,
    pub month: i32,
    pub amount_minor: i64,
}
}

macro_rules! month_cols {
    () => {
        "minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing"
    };
}

crate::registry::row! {
/// What one line of a document bills, with the work month where the item has one: the entry's
/// day for an entry, the month for a retainer month (0 otherwise).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ItemMonth {
    pub line_id: Uuid,
    pub month: i32,
    pub work_date: Option<i32>,
    pub minutes: i64,
    pub amount_minor: i64,
}
}

crate::registry::statements! {
    ITEM_MONTHS(2) ["line_id", "month", "work_date", "minutes", "amount_minor"] = "SELECT i.line_id, i.month, t.work_date, i.minutes, i.amount_minor FROM invoice_items i LEFT JOIN time_entries t ON i.kind = 'entry' AND t.workspace_id = i.workspace_id AND t.id = i.ref_id WHERE i.workspace_id = $1 AND i.invoice_id = $2";
    INSERT_SHARE(6) [] = "INSERT INTO billed_shares (workspace_id, document_id, project_id, client_id, month, amount_minor) VALUES ($1, $2, $3, $4, $5, $6)";
    SHARES_OF(2) ["document_id", "project_id", "client_id", "month", "amount_minor"] = "SELECT document_id, project_id, client_id, month, amount_minor FROM billed_shares WHERE workspace_id = $1 AND document_id = $2";
    ALL_SHARES(1) ["document_id", "project_id", "client_id", "month", "amount_minor"] = "SELECT document_id, project_id, client_id, month, amount_minor FROM billed_shares WHERE workspace_id = $1";
    WITHOUT_SHARES(1) ["id"] = "SELECT i.id FROM invoices i WHERE i.workspace_id = $1 AND i.status = 'issued' AND NOT EXISTS (SELECT 1 FROM billed_shares s WHERE s.workspace_id = i.workspace_id AND s.document_id = i.id) ORDER BY i.chain_index";
    HAS_SHARES(2) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM billed_shares WHERE workspace_id = $1 AND document_id = $2";
    ADD_PROJECT_BILLED(5) [] = concat!("INSERT INTO project_months (workspace_id, project_id, client_id, month, ", month_cols!(), ", billed_value) VALUES ($1, $2, $3, $4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $5) ON CONFLICT (workspace_id, project_id, month) DO UPDATE SET billed_value = project_months.billed_value + excluded.billed_value");
    ADD_CLIENT_BILLED(4) [] = concat!("INSERT INTO client_months (workspace_id, client_id, month, ", month_cols!(), ", billed_value) VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $4) ON CONFLICT (workspace_id, client_id, month) DO UPDATE SET billed_value = client_months.billed_value + excluded.billed_value");
}

/// Records a document's shares and adds them to the project and client months, in the caller's
/// transaction (the document's issue).
pub async fn record(c: &mut Conn<'_>, ws: WorkspaceId, shares: &[ShareRow]) -> Result<()> {
    let w = Bind::Uuid(ws.uuid());
    for s in shares {
        INSERT_SHARE
            .exec(
                c,
                &[
                    w.clone(),
                    Bind::Uuid(s.document_id),
                    Bind::Uuid(s.project_id),
                    Bind::Uuid(s.client_id),
                    Bind::from(s.month),
                    Bind::from(s.amount_minor),
                ],
            )
            .await?;
        ADD_PROJECT_BILLED
            .exec(
                c,
                &[
                    w.clone(),
                    Bind::Uuid(s.project_id),
                    Bind::Uuid(s.client_id),
                    Bind::from(s.month),
                    Bind::from(s.amount_minor),
                ],
            )
            .await?;
        ADD_CLIENT_BILLED
            .exec(
                c,
                &[
                    w.clone(),
                    Bind::Uuid(s.client_id),
                    Bind::from(s.month),
                    Bind::from(s.amount_minor),
                ],
            )
            .await?;
    }
    Ok(())
}

/// What every line of a document bills, with work months.
pub async fn item_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    document: Uuid,
) -> Result<Vec<ItemMonth>> {
    ITEM_MONTHS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(document)])
        .await
}

/// The shares of one document.
pub async fn shares_of(c: &mut Conn<'_>, ws: WorkspaceId, document: Uuid) -> Result<Vec<ShareRow>> {
    SHARES_OF
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(document)])
        .await
}

/// Whether a document's shares are recorded (documents issued before billed value existed have
/// none until the backfill).
pub async fn has_shares(c: &mut Conn<'_>, ws: WorkspaceId, document: Uuid) -> Result<bool> {
    let (n,): (i64,) = HAS_SHARES
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(document)])
        .await?;
    Ok(n > 0)
}

/// Every share of a workspace (the totals check).
pub async fn all_shares(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<ShareRow>> {
    ALL_SHARES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// Issued documents without any share, in chain order (the backfill's work list).
pub async fn issued_without_shares(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = WITHOUT_SHARES.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
