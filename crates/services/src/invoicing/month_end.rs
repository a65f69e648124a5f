//! Month-end invoicing: for a period, a draft per client and currency with something to bill
//! (built by [`super::create_draft`], each in its own transaction), optionally issued at once
//! ([`super::issue`]). A client that cannot be invoiced (no SIREN, no address …) is skipped with
//! the legal check's error; one client's failure never stops the others.
use super::{DraftInput, default_settings, document, period_fields, vat_for};
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::invoicing::mentions;
use mesure_domain::validate::Checker;
use mesure_domain::{ClientId, Currency, Invalid, InvoicingAction};
use mesure_store::invoicing::{self as store, sources};
use uuid::Uuid;

/// The period and whether to issue the drafts.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct MonthEndInput {
    /// `YYYY-MM-DD`, first day of the period.
    pub from: String,
    /// `YYYY-MM-DD`, last day of the period.
    pub to: String,
    /// Issue each draft once built (numbers in client-name order).
    pub issue: bool,
}

/// A document the batch made.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MonthEndDoc {
    pub id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub currency: Currency,
    /// Its number once issued.
    pub number: Option<String>,
    pub lines: usize,
    /// What its lines bill (entries, milestones, months, change requests).
    pub items: usize,
    pub gross_minor: i64,
}

/// A client the batch could not invoice, and why (the legal check's or the draft's errors).
#[derive(Clone, Debug)]
pub struct MonthEndSkip {
    pub client_id: Uuid,
    pub client_name: String,
    pub reason: Invalid,
    /// A draft was built but could not be issued: it stays a draft.
    pub draft: Option<Uuid>,
}

/// What a month-end batch did.
#[derive(Clone, Debug)]
pub struct MonthEndSummary {
    /// `YYYYMMDD`.
    pub from: i32,
    pub to: i32,
    pub issue: bool,
    /// Clients with at least one document.
    pub clients: usize,
    /// Every draft built (issued or not), by client name.
    pub documents: Vec<MonthEndDoc>,
    pub issued: usize,
    pub skipped: Vec<MonthEndSkip>,
}

/// The error of one client's step, as field errors (conflicts under `form`).
fn reason_of(e: ServiceError) -> Invalid {
    match e {
        ServiceError::Invalid(i) => i,
        ServiceError::Conflict(key) => Invalid::one("form", key),
        ServiceError::NotFound => Invalid::one("client_id", "err-not-found"),
        ServiceError::Unavailable(_) | ServiceError::Retry(_) => {
            Invalid::one("form", "err-unavailable")
        }
        other => {
            tracing::error!(error = %other, "month-end invoicing of a client failed");
            Invalid::one("form", "err-internal")
        }
    }
}

/// Refreshes the statistics of `invoice_items` (PostgreSQL only), outside any draft's
/// transaction so that the lock `ANALYZE` takes is not held while a draft waits for rows.
pub(crate) async fn analyze_items(app: &App, with_entries: bool) -> Result<()> {
    if app.db.backend() == mesure_store::Backend::Postgres {
        crate::write_tx!(app, tx => {
            sources::analyze_items(&mut tx.conn(), with_entries).await?;
        })?;
    }
    Ok(())
}

/// [`analyze_items`] when this process has reserved enough items since the last refresh for
/// the planner's picture to be stale (decision 89).
pub(crate) async fn refresh_item_stats(app: &App) -> Result<()> {
    if sources::items_stale() {
        analyze_items(app, false).await?;
    }
    Ok(())
}

fn is_nothing_to_bill(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Invalid(i) if i.0.iter().all(|f| f.code == "err-invoice-nothing-to-bill"))
}

/// Runs month-end invoicing over `[from, to]` for every client with something to bill.
pub async fn month_end(app: &App, ctx: &Ctx, i: &MonthEndInput) -> Result<MonthEndSummary> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let (from, to) = period_fields(&mut c, &i.from, &i.to);
    c.finish()?;
    // Who may have something to bill, with what the legal check needs, read once.
    let mut candidates = Vec::new();
    {
        let mut r = app.db.read().await?;
        let mut conn = r.conn();
        let s = store::settings(&mut conn, ctx.workspace)
            .await?
            .unwrap_or_else(|| default_settings(ctx.workspace, &ctx.workspace_name));
        for id in sources::clients_to_bill(&mut conn, ctx.workspace, from, to).await? {
            let client =
                mesure_store::clients::get(&mut conn, ctx.workspace, ClientId::from_uuid(id))
                    .await?;
            if client.archived_at.is_some() {
                continue;
            }
            let billing = store::billing(&mut conn, ctx.workspace, id).await?;
            let buyer = document::buyer(&client, billing.as_ref());
            let legal = mentions::check(&document::seller(&s), &buyer, &[vat_for(&s, &buyer)]);
            if let Err(inv) = &legal
                && inv.0.iter().any(|f| f.field.starts_with("seller_"))
            {
                // The seller's data is missing: no client can be invoiced.
                return Err(Invalid(
                    inv.0
                        .iter()
                        .filter(|f| f.field.starts_with("seller_"))
                        .cloned()
                        .collect(),
                )
                .into());
            }
            let currencies = sources::currencies(&mut conn, ctx.workspace, id).await?;
            candidates.push((client.name, id, legal.err(), currencies));
        }
    }
    candidates.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out = MonthEndSummary {
        from,
        to,
        issue: i.issue,
        clients: 0,
        documents: Vec::new(),
        issued: 0,
        skipped: Vec::new(),
    };
    let day = |k: i32| {
        mesure_domain::projects::engagement::day_from_key(k)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    // Fresh planner statistics of the items before the batch; each draft refreshes them as the
    // batch grows (`refresh_item_stats`): PostgreSQL otherwise plans the "not yet billed"
    // checks of every draft for the table as it was before the batch.
    analyze_items(app, true).await?;
    let mut added = 0usize;
    for (name, client, legal, currencies) in candidates {
        if let Some(reason) = legal {
            out.skipped.push(MonthEndSkip {
                client_id: client,
                client_name: name,
                reason,
                draft: None,
            });
            continue;
        }
        let mut any = false;
        for currency in currencies {
            let input = DraftInput {
                client_id: client,
                from: day(from),
                to: day(to),
                currency: Some(currency.code().to_string()),
                grouping: None,
                free_work: None,
                note: None,
            };
            let draft = match super::create_draft(app, ctx, &input).await {
                Ok(d) => d,
                Err(e) if is_nothing_to_bill(&e) => continue,
                Err(e) => {
                    out.skipped.push(MonthEndSkip {
                        client_id: client,
                        client_name: name.clone(),
                        reason: reason_of(e),
                        draft: None,
                    });
                    continue;
                }
            };
            let view = if i.issue {
                match super::issue(app, ctx, draft.id).await {
                    Ok(v) => {
                        out.issued += 1;
                        v
                    }
                    Err(e) => {
                        out.skipped.push(MonthEndSkip {
                            client_id: client,
                            client_name: name.clone(),
                            reason: reason_of(e),
                            draft: Some(draft.id),
                        });
                        draft
                    }
                }
            } else {
                draft
            };
            any = true;
            added += view.lines.iter().map(|l| l.bills.len()).sum::<usize>();
            out.documents.push(MonthEndDoc {
                id: view.id,
                client_id: client,
                client_name: name.clone(),
                currency: view.currency,
                number: view.number.clone(),
                lines: view.lines.len(),
                items: view.lines.iter().map(|l| l.bills.len()).sum(),
                gross_minor: view.gross_minor,
            });
        }
        if any {
            out.clients += 1;
        }
    }
    if added > 0 {
        analyze_items(app, false).await?;
    }
    if !out.documents.is_empty() || !out.skipped.is_empty() {
        let batch = Uuid::now_v7();
        let skipped: Vec<Uuid> = out.skipped.iter().map(|s| s.client_id).collect();
        let summary = serde_json::json!({
            "name": format!("{} – {}", day(from), day(to)),
            "period_from": from,
            "period_to": to,
            "drafts": out.documents.len(),
            "issued": out.issued,
            "skipped": skipped.len(),
        });
        crate::write_tx!(app, tx => {
            record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "invoice_batch", batch, "month_end", None, Some(&summary)).await?;
        })?;
    }
    Ok(out)
}
