//! Billed value for the radar: an issued document's net attributed to the projects and work
//! months it bills (decision 83), recorded in the issuing transaction and summed on the project
//! and client months, so realisation and unbilled work in progress read from the month rows.
use crate::{App, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::invoicing::shares::{self, ShareLine, Shares};
use mesure_domain::invoicing::states::DocKind;
use mesure_domain::projects::engagement::month_of;
use mesure_store::Conn;
use mesure_store::invoicing::{self as docs, InvoiceRow, LineRow};
use mesure_store::radar::billed::{self as store, ShareRow};
use std::collections::HashMap;
use uuid::Uuid;

/// The shares of an issued document: an invoice's from its lines and what they bill, a credit
/// note's as the same fraction of its invoice's shares, negative.
async fn shares_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    inv: &InvoiceRow,
    lines: &[LineRow],
) -> Result<Shares> {
    let fallback = month_of(inv.period_to);
    Ok(match inv.kind {
        DocKind::Invoice => {
            let mut by_line: HashMap<Uuid, Vec<(i32, i64, i64)>> = HashMap::new();
            for it in store::item_months(c, ws, inv.id).await? {
                let month = match it.work_date {
                    Some(d) => month_of(d),
                    None => it.month,
                };
                by_line
                    .entry(it.line_id)
                    .or_default()
                    .push((month, it.amount_minor, it.minutes));
            }
            let share_lines: Vec<ShareLine> = lines
                .iter()
                .map(|l| {
                    // Milestones and change requests fall on their line's day.
                    let own = l.period_to.map_or(fallback, month_of);
                    ShareLine {
                        project: l.project_id,
                        net: l.net_minor,
                        items: by_line
                            .remove(&l.id)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(m, a, mi)| (if m == 0 { own } else { m }, a, mi))
                            .collect(),
                    }
                })
                .collect();
            shares::of_invoice(&share_lines, fallback)
        }
        DocKind::CreditNote => {
            let Some(of) = inv.credited_invoice_id else {
                return Ok(Shares::new());
            };
            let credited = docs::invoice(c, ws, of).await?;
            let base: Shares = store::shares_of(c, ws, of)
                .await?
                .into_iter()
                .map(|s| ((s.project_id, s.month), s.amount_minor))
                .collect();
            shares::of_credit(&base, credited.net_minor, inv.net_minor)
        }
    })
}

/// Records the shares of a document being issued (its `net_minor` set), in the issuing
/// transaction.
pub(crate) async fn record_issued(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    inv: &InvoiceRow,
    lines: &[LineRow],
) -> Result<()> {
    let rows: Vec<ShareRow> = shares_of(c, ws, inv, lines)
        .await?
        .into_iter()
        .map(|((p, m), a)| ShareRow {
            document_id: inv.id,
            project_id: p,
            client_id: inv.client_id,
            month: m,
            amount_minor: a,
        })
        .collect();
    store::record(c, ws, &rows).await?;
    Ok(())
}

/// Documents issued before billed value existed get their shares, in chain order (an invoice
/// before its credit notes); documents that bill no project's work stay without any. Run at
/// start-up; returns how many documents gained shares.
pub async fn backfill(app: &App, ws: WorkspaceId) -> Result<usize> {
    crate::write_tx!(app, tx => {
        let mut n = 0;
        for id in store::issued_without_shares(&mut tx.conn(), ws).await? {
            let inv = docs::invoice(&mut tx.conn(), ws, id).await?;
            let lines = docs::lines(&mut tx.conn(), ws, id).await?;
            record_issued(&mut tx.conn(), ws, &inv, &lines).await?;
            if store::has_shares(&mut tx.conn(), ws, id).await? {
                n += 1;
            }
        }
        n
    })
}

/// The backfill of every workspace (the worker's periodic pass). Two processes racing on one
/// document conflict on its shares' primary key: one transaction wins, the other is retried or
/// logged, and nothing is counted twice.
pub async fn backfill_all(app: &App) -> Result<usize> {
    let list = {
        let mut c = app.db.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let mut n = 0;
    for w in list {
        n += backfill(app, WorkspaceId::from_uuid(w.id)).await?;
    }
    Ok(n)
}
