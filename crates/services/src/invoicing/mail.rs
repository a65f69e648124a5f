//! Invoices by e-mail: sending an issued document to the client's billing contacts with its PDF
//! attached, and the reminders of unpaid invoices on the workspace's schedule (days after the
//! due date), through the job queue, in the contact's language, until the invoice is paid.
use super::{DocKind, DocStatus, InvoicingAction, day_from_key, day_key, store, today};
use crate::people::users::html_escape;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::{ContactRole, Invalid, Language, Money, WorkspaceId};
use mesure_i18n::{Arg, t_args};
use mesure_store::Conn;
use mesure_store::clients::contacts::{self, ListQuery};
use mesure_store::invoicing::InvoiceRow;
use uuid::Uuid;

/// The addresses an invoice goes to: the client's billing contacts with an e-mail address (or,
/// without any, every contact with one), with their language.
async fn recipients(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Vec<(String, Language)>> {
    let q = ListQuery {
        client: Some(mesure_domain::ClientId::from_uuid(client)),
        archive: mesure_store::ArchiveFilter::Active,
        limit: 200,
        ..Default::default()
    };
    let (rows, _) = contacts::list(c, ws, &q).await?;
    let with_mail = |billing: bool| -> Vec<(String, Language)> {
        rows.iter()
            .filter(|r| !billing || r.contact_role == ContactRole::Billing)
            .filter_map(|r| {
                r.email
                    .clone()
                    .filter(|e| !e.trim().is_empty())
                    .map(|e| (e, r.language))
            })
            .collect()
    };
    let billing = with_mail(true);
    Ok(if billing.is_empty() {
        with_mail(false)
    } else {
        billing
    })
}

/// Queues one mail of `kind` (`invoice-mail` or `invoice-reminder`) about `inv` to `to`.
async fn enqueue(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    workspace: &str,
    inv: &InvoiceRow,
    (to, lang): &(String, Language),
    kind: &str,
) -> Result<()> {
    let lang = *lang;
    let number = inv.number.clone().unwrap_or_default();
    let amount = mesure_i18n::money(lang, Money::from_minor(inv.gross_minor, inv.currency));
    let balance = mesure_i18n::money(
        lang,
        Money::from_minor(
            inv.gross_minor - inv.paid_minor - inv.credited_minor,
            inv.currency,
        ),
    );
    let due = inv
        .due_on
        .and_then(day_from_key)
        .map(|d| mesure_i18n::date(lang, d))
        .unwrap_or_default();
    let args = [
        ("number", Arg::Str(&number)),
        ("amount", Arg::Str(&amount)),
        ("balance", Arg::Str(&balance)),
        ("due", Arg::Str(&due)),
        ("workspace", Arg::Str(workspace)),
    ];
    let subject = t_args(lang, &format!("{kind}-subject"), &args);
    let text = t_args(lang, &format!("{kind}-text"), &args);
    let html = plain_html(lang, &text);
    let payload = serde_json::json!({
        "to": to, "subject": subject, "text": text, "html": html,
        "attach_invoice": inv.id.to_string(),
    });
    crate::jobs::enqueue(c, app, ws, "mail", &payload).await?;
    Ok(())
}

/// A plain-text message as its HTML part: escaped, one paragraph, line breaks kept.
pub(crate) fn plain_html(lang: mesure_domain::Language, text: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><body><p>{}</p></body></html>",
        lang.as_str(),
        html_escape(text).replace('\n', "<br>"),
    )
}

/// Sends an issued document to the client's billing contacts with its PDF; marks it sent.
/// Answers how many messages were queued.
pub async fn send(app: &App, ctx: &Ctx, id: Uuid) -> Result<usize> {
    ctx.require(InvoicingAction::Write)?;
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, id).await?;
        if inv.status != DocStatus::Issued {
            return Err(ServiceError::Conflict("err-invoice-not-issued"));
        }
        let to = recipients(&mut tx.conn(), ctx.workspace, inv.client_id).await?;
        if to.is_empty() {
            return Err(Invalid::one("recipients", "err-invoice-no-recipient").into());
        }
        for recipient in &to {
            enqueue(&mut tx.conn(), app, ctx.workspace, &ctx.workspace_name, &inv, recipient, "invoice-mail").await?;
        }
        store::set_sent(&mut tx.conn(), ctx.workspace, id, app.now()).await?;
        crate::audit::record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "invoice", id, "send", None, Some(&serde_json::json!({"name": inv.number, "recipients": to.iter().map(|t| t.0.clone()).collect::<Vec<_>>().join(", ")}))).await?;
        to.len()
    })
}

/// The reminders due today in one workspace: for each unpaid issued invoice and each step of
/// the schedule whose day (due date + days) has come and that was not sent, one reminder to its
/// billing contacts (the latest due step only, so a late start sends one message, not all).
/// Answers how many invoices were reminded.
pub async fn remind(app: &App, ctx: &Ctx) -> Result<usize> {
    let today = today(app, ctx);
    let (settings, unpaid) = {
        let mut c = app.db.read().await?;
        (
            store::settings(&mut c.conn(), ctx.workspace).await?,
            store::unpaid(&mut c.conn(), ctx.workspace).await?,
        )
    };
    let Some(settings) = settings else {
        return Ok(0);
    };
    let steps = super::reminder_days(&settings.reminder_days).unwrap_or_default();
    let mut sent = 0;
    for inv in unpaid.iter().filter(|i| i.kind == DocKind::Invoice) {
        let Some(due) = inv.due_on.and_then(day_from_key) else {
            continue;
        };
        let due_steps: Vec<(i32, i32)> = steps
            .iter()
            .enumerate()
            .filter_map(|(k, days)| {
                let on = due
                    .checked_add(jiff::Span::new().days(i64::from(*days)))
                    .ok()?;
                (day_key(on) <= today).then_some((i32::try_from(k).ok()? + 1, *days))
            })
            .collect();
        let Some((step, _)) = due_steps.last().copied() else {
            continue;
        };
        let done = crate::write_tx!(app, tx => {
            // Paid or reminded meanwhile (another server, an earlier pass): nothing to send.
            let fresh = store::invoice(&mut tx.conn(), ctx.workspace, inv.id).await?;
            if fresh.gross_minor - fresh.paid_minor - fresh.credited_minor <= 0
                || !store::mark_reminded(&mut tx.conn(), ctx.workspace, inv.id, step, app.now()).await?
            {
                false
            } else {
                for s in 1..step {
                    store::mark_reminded(&mut tx.conn(), ctx.workspace, inv.id, s, app.now()).await?;
                }
                let to = recipients(&mut tx.conn(), ctx.workspace, fresh.client_id).await?;
                for recipient in &to {
                    enqueue(&mut tx.conn(), app, ctx.workspace, &ctx.workspace_name, &fresh, recipient, "invoice-reminder").await?;
                }
                !to.is_empty()
            }
        })?;
        if done {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The reminder pass of every workspace (run by the worker with the radar's sweep).
pub async fn remind_all(app: &App) -> Result<usize> {
    let list = {
        let mut c = app.db.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let mut n = 0;
    for w in list {
        let ctx = Ctx::system(&w, "reminders");
        n += remind(app, &ctx).await?;
    }
    Ok(n)
}
