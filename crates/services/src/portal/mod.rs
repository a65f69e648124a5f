//! The client portal (issue 11): what a contact sees of their own organisation, per contact role
//! (projects and hours for project and viewer contacts, money and time reports for project
//! contacts, invoices for billing contacts), and the change requests they decide. Every read
//! starts from the contact's own client: another client's or workspace's record is `NotFound`.
pub mod calendar;
pub mod questions;
pub mod settings;
pub mod value_report;

use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::projects::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, day_key, month_of,
};
use mesure_domain::{ClientId, PortalAction, WorkspaceId};
use mesure_store::Conn;
use mesure_store::projects::{self, ChangeRow, DeliverableRow, ProjectRow};
use mesure_store::radar::totals;
use uuid::Uuid;

/// The contact's own organisation; a staff context has none.
pub(crate) fn own_client(ctx: &Ctx) -> Result<ClientId> {
    ctx.client.ok_or(ServiceError::NotFound)
}

/// A project of the contact's organisation, else `NotFound` (another client's, another
/// workspace's or archived projects alike).
pub(crate) async fn own_project(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<ProjectRow> {
    let client = own_client(ctx)?;
    let p = projects::get(c, ctx.workspace, mesure_domain::ProjectId::from_uuid(id)).await?;
    if p.client_id != client.uuid() || p.archived_at.is_some() {
        return Err(ServiceError::NotFound);
    }
    Ok(p)
}

/// Staff names by user id, with the users of `also` (contacts who decided) added.
async fn names(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    also: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>> {
    let mut out: std::collections::HashMap<Uuid, String> =
        mesure_store::people::users::list_staff(c, ws)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
    for id in also {
        if !out.contains_key(id)
            && let Ok(u) =
                mesure_store::people::users::get(c, ws, mesure_domain::UserId::from_uuid(*id)).await
        {
            out.insert(u.id, u.name);
        }
    }
    Ok(out)
}

/// A project as its client's contacts see it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PortalProject {
    pub id: Uuid,
    pub name: String,
    pub model: BillingModel,
    pub starts_on: Option<i32>,
    pub ends_on: Option<i32>,
    pub currency: mesure_domain::Currency,
    /// Deliverables shown on the portal, and how many of them are done or accepted.
    pub deliverables: usize,
    pub deliverables_done: usize,
    /// The budget in hours (minutes) and what its period consumed; a monthly budget burns the
    /// current month.
    pub budget_minutes: Option<i64>,
    pub consumed_minutes: i64,
    pub monthly: bool,
    /// Money, for project contacts only: the budget and the value of the work consumed.
    pub budget_money: Option<i64>,
    pub consumed_value: Option<i64>,
    /// Change requests waiting for the client's decision.
    pub pending_changes: usize,
    /// The project's portal shows its time detail.
    pub show_time: bool,
}

/// A deliverable on the portal: status, estimate and hours logged on it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PortalDeliverable {
    pub id: Uuid,
    pub name: String,
    pub status: DeliverableStatus,
    pub estimate_minutes: i64,
    pub logged_minutes: i64,
    pub accepted_on: Option<i32>,
}

/// A change request sent to the client or decided.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PortalChange {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub extra_minutes: i64,
    /// For project contacts only.
    pub price_minor: Option<i64>,
    pub status: ChangeStatus,
    pub decided_on: Option<i32>,
    /// Who decided, by name (a staff member or a contact).
    pub decided_by: Option<String>,
}

/// One project's portal page.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PortalProjectDetail {
    pub project: PortalProject,
    pub deliverables: Vec<PortalDeliverable>,
    pub changes: Vec<PortalChange>,
    /// The reader may approve or reject the sent change requests.
    pub can_decide: bool,
    /// The reader may open the time report.
    pub time_report: bool,
}

struct Parts {
    deliverables: Vec<DeliverableRow>,
    changes: Vec<ChangeRow>,
    hidden: Vec<Uuid>,
    show: (bool, bool),
}

async fn parts(c: &mut Conn<'_>, ws: WorkspaceId, p: &ProjectRow) -> Result<Parts> {
    Ok(Parts {
        deliverables: projects::deliverables(c, ws, p.id).await?,
        changes: projects::changes(c, ws, p.id).await?,
        hidden: mesure_store::portal::hidden(c, ws, p.id).await?,
        show: mesure_store::portal::settings(c, ws, p.id).await?,
    })
}

/// A project's card from its parts and its months in the running totals (`rows`).
fn summary(
    app: &App,
    ctx: &Ctx,
    p: &ProjectRow,
    parts: &Parts,
    rows: &[totals::MonthRow],
) -> PortalProject {
    let budget = crate::radar::budget_of(p, &parts.deliverables, &parts.changes);
    let this_month = month_of(crate::projects::today(app, ctx));
    let (consumed_minutes, consumed_value) = if budget.monthly {
        rows.iter()
            .find(|r| r.month == this_month)
            .map(|r| (r.minutes, r.value))
            .unwrap_or((0, 0))
    } else {
        rows.iter()
            .fold((0i64, 0i64), |(m, v), r| (m + r.minutes, v + r.value))
    };
    let money = ctx.may(PortalAction::ProjectMoney);
    let visible: Vec<&DeliverableRow> = parts
        .deliverables
        .iter()
        .filter(|d| !parts.hidden.contains(&d.id))
        .collect();
    PortalProject {
        id: p.id,
        name: p.name.clone(),
        model: p.billing_model,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        currency: p.currency,
        deliverables: visible.len(),
        deliverables_done: visible
            .iter()
            .filter(|d| {
                matches!(
                    d.status,
                    DeliverableStatus::Done | DeliverableStatus::Accepted
                )
            })
            .count(),
        budget_minutes: budget.minutes,
        consumed_minutes,
        monthly: budget.monthly,
        budget_money: budget.money.filter(|_| money),
        consumed_value: money.then_some(consumed_value),
        pending_changes: parts
            .changes
            .iter()
            .filter(|ch| ch.status == ChangeStatus::Sent)
            .count(),
        show_time: parts.show.0,
    }
}

/// The projects of the contact's organisation (archived ones apart), by name.
pub async fn projects(app: &App, ctx: &Ctx) -> Result<Vec<PortalProject>> {
    ctx.require(PortalAction::Projects)?;
    let client = own_client(ctx)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let mut out = Vec::new();
    for p in projects::list(c, ctx.workspace, Some(client.uuid()), false).await? {
        let parts = parts(c, ctx.workspace, &p).await?;
        let rows = totals::project_months(c, ctx.workspace, p.id).await?;
        out.push(summary(app, ctx, &p, &parts, &rows));
    }
    Ok(out)
}

/// One project of the contact's organisation: its deliverables shown on the portal with their
/// hours, and its change requests once sent (drafts stay internal).
pub async fn project(app: &App, ctx: &Ctx, id: Uuid) -> Result<PortalProjectDetail> {
    ctx.require(PortalAction::Projects)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let p = own_project(c, ctx, id).await?;
    let parts = parts(c, ctx.workspace, &p).await?;
    let rows = totals::project_months(c, ctx.workspace, p.id).await?;
    let project = summary(app, ctx, &p, &parts, &rows);
    let logged = projects::deliverable_minutes(c, ctx.workspace, p.id).await?;
    let deliverables = parts
        .deliverables
        .iter()
        .filter(|d| !parts.hidden.contains(&d.id))
        .map(|d| PortalDeliverable {
            id: d.id,
            name: d.name.clone(),
            status: d.status,
            estimate_minutes: d.estimate_minutes,
            logged_minutes: logged
                .iter()
                .find(|(k, _)| *k == d.id)
                .map_or(0, |(_, m)| *m),
            accepted_on: d.accepted_on,
        })
        .collect();
    let deciders: Vec<Uuid> = parts
        .changes
        .iter()
        .filter_map(|ch| ch.decided_by)
        .collect();
    let names = names(c, ctx.workspace, &deciders).await?;
    let money = ctx.may(PortalAction::ProjectMoney);
    let changes = parts
        .changes
        .iter()
        .filter(|ch| ch.status != ChangeStatus::Draft)
        .map(|ch| PortalChange {
            id: ch.id,
            title: ch.title.clone(),
            description: ch.description.clone(),
            extra_minutes: ch.extra_minutes,
            price_minor: money.then_some(ch.price_minor),
            status: ch.status,
            decided_on: ch.decided_on,
            decided_by: ch.decided_by.and_then(|u| names.get(&u).cloned()),
        })
        .collect();
    Ok(PortalProjectDetail {
        can_decide: ctx.may(PortalAction::DecideChange),
        time_report: ctx.may(PortalAction::TimeReport) && parts.show.0,
        project,
        deliverables,
        changes,
    })
}

/// One entry of a time report: never a rate, a cost or an internal flag.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PortalEntry {
    pub date: i32,
    pub person: String,
    /// The deliverable's name when it is shown on the portal.
    pub deliverable: Option<String>,
    /// The entry's note when the project's portal shows notes.
    pub note: Option<String>,
    pub minutes: i64,
}

/// A project's time over a period: a page of entries (newest first), and the minutes by
/// deliverable and by person over the whole period.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TimeReport {
    pub project: String,
    pub from: i32,
    pub to: i32,
    pub entries: Vec<PortalEntry>,
    /// More entries follow; the cursor of the next page.
    pub next: Option<String>,
    pub total_entries: i64,
    pub total_minutes: i64,
    /// (deliverable name or `None` for work outside the shown deliverables, minutes)
    pub by_deliverable: Vec<(Option<String>, i64)>,
    /// (person, minutes)
    pub by_person: Vec<(String, i64)>,
}

/// The most entries a time report page holds.
pub const REPORT_PAGE: i64 = 200;

/// A project's time report over `[from, to]` (`YYYYMMDD`), for project contacts, when the
/// project's portal shows its time; `after` is the cursor of a previous page.
pub async fn time_report(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    (from, to): (i32, i32),
    after: Option<&str>,
) -> Result<TimeReport> {
    ctx.require(PortalAction::TimeReport)?;
    let after = match after {
        Some(a) => Some(
            mesure_store::time::EntryCursor::decode(a)
                .ok_or_else(|| mesure_domain::Invalid::one("after", "err-cursor"))?,
        ),
        None => None,
    };
    if from > to {
        return Err(mesure_domain::Invalid::one("to", "err-period-order").into());
    }
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let p = own_project(c, ctx, id).await?;
    let parts = parts(c, ctx.workspace, &p).await?;
    if !parts.show.0 {
        return Err(ServiceError::NotFound);
    }
    let show_notes = parts.show.1;
    // The entry query's end is exclusive: the day after `to`.
    let end = mesure_domain::projects::engagement::day_from_key(to)
        .and_then(|d| d.tomorrow().ok())
        .map(day_key)
        .unwrap_or(to);
    let q = mesure_store::time::EntryQuery {
        project: Some(p.id),
        from: Some(from),
        to: Some(end),
        after,
        limit: REPORT_PAGE + 1,
        ..Default::default()
    };
    let (mut rows, total_entries, total_minutes) =
        mesure_store::time::page(c, ctx.workspace, &q).await?;
    let more = rows.len() as i64 > REPORT_PAGE;
    rows.truncate(usize::try_from(REPORT_PAGE).unwrap_or(0));
    let names = names(c, ctx.workspace, &[]).await?;
    let shown = |d: Option<Uuid>| -> Option<String> {
        let d = d?;
        if parts.hidden.contains(&d) {
            return None;
        }
        parts
            .deliverables
            .iter()
            .find(|x| x.id == d)
            .map(|x| x.name.clone())
    };
    let entries = rows
        .iter()
        .map(|e| PortalEntry {
            date: e.work_date,
            person: names.get(&e.user_id).cloned().unwrap_or_default(),
            deliverable: shown(e.deliverable_id),
            note: show_notes.then(|| e.note.clone()),
            minutes: e.minutes,
        })
        .collect();
    let next = more
        .then(|| {
            rows.last()
                .map(|e| mesure_store::time::EntryCursor::of(e).encode())
        })
        .flatten();
    let mut by_deliverable: std::collections::BTreeMap<Option<String>, i64> = Default::default();
    let mut by_person: std::collections::BTreeMap<String, i64> = Default::default();
    for (d, u, m) in mesure_store::portal::time_sums(c, ctx.workspace, p.id, from, to).await? {
        *by_deliverable.entry(shown(d)).or_default() += m;
        *by_person
            .entry(names.get(&u).cloned().unwrap_or_default())
            .or_default() += m;
    }
    Ok(TimeReport {
        project: p.name,
        from,
        to,
        entries,
        next,
        total_entries,
        total_minutes,
        by_deliverable: by_deliverable.into_iter().collect(),
        by_person: by_person.into_iter().collect(),
    })
}

/// Approves or rejects a change request sent to the contact's organisation: recorded with who
/// and when, notified to the project's manager (and the owners); approval extends the budget as
/// a staff decision does. A request decided already, not sent, or of another client is refused.
pub async fn decide_change(app: &App, ctx: &Ctx, id: Uuid, approve: bool) -> Result<()> {
    ctx.require(PortalAction::DecideChange)?;
    let to = if approve {
        ChangeStatus::Approved
    } else {
        ChangeStatus::Rejected
    };
    crate::write_tx!(app, tx => {
        let ch = projects::change(&mut tx.conn(), ctx.workspace, id).await?;
        let p = own_project(&mut tx.conn(), ctx, ch.project_id).await?;
        match ch.status {
            ChangeStatus::Sent => {}
            ChangeStatus::Draft => return Err(ServiceError::NotFound),
            ChangeStatus::Approved | ChangeStatus::Rejected => {
                return Err(ServiceError::Conflict("err-change-decided"))
            }
        }
        crate::projects::decide_change_in(&mut tx.conn(), app, ctx, &ch, to).await?;
        let kind = if approve { "change_approved" } else { "change_rejected" };
        let label = format!("{} — {} ({})", ch.title, p.name, ctx.label);
        crate::radar::notify(&mut tx.conn(), app, ctx.workspace, p.manager_id, kind, "project", p.id, &label, 0, &format!("/projects/{}", p.id)).await?;
    })?;
    Ok(())
}

/// Today as `YYYYMMDD` in the workspace's time zone.
pub fn today(app: &App, ctx: &Ctx) -> i32 {
    day_key(crate::time::today_date(app, ctx))
}

/// An issued document of the contact's organisation, else `NotFound` (drafts, cancelled
/// documents and other clients' alike).
async fn own_document(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    id: Uuid,
) -> Result<mesure_store::invoicing::InvoiceRow> {
    let client = own_client(ctx)?;
    let r = mesure_store::invoicing::invoice(c, ctx.workspace, id).await?;
    if r.client_id != client.uuid()
        || r.status != mesure_domain::invoicing::states::DocStatus::Issued
    {
        return Err(ServiceError::NotFound);
    }
    Ok(r)
}

/// The most documents a portal list holds per page.
pub const DOCUMENTS_PAGE: i64 = 100;

/// Issued invoices and credit notes of the contact's organisation, newest first, a page at a
/// time (`after`: the cursor of the previous page's last document); with whether more follow.
pub async fn invoices(
    app: &App,
    ctx: &Ctx,
    after: Option<(i64, Uuid)>,
) -> Result<(Vec<crate::invoicing::InvoiceSummary>, bool)> {
    ctx.require(PortalAction::Invoices)?;
    let client = own_client(ctx)?;
    let today = today(app, ctx);
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let q = mesure_store::invoicing::ListQuery {
        client: Some(client.uuid()),
        status: Some(mesure_domain::invoicing::states::DocStatus::Issued),
        after,
        limit: DOCUMENTS_PAGE + 1,
        ..Default::default()
    };
    let mut rows = mesure_store::invoicing::list(c, ctx.workspace, &q).await?;
    let more = rows.len() as i64 > DOCUMENTS_PAGE;
    rows.truncate(usize::try_from(DOCUMENTS_PAGE).unwrap_or(0));
    let name = mesure_store::clients::get(c, ctx.workspace, client)
        .await?
        .name;
    Ok((
        rows.iter()
            .map(|r| crate::invoicing::InvoiceSummary::of(r, name.clone(), today))
            .collect(),
        more,
    ))
}

/// How many entries a line shows on a document's page before "all entries" (which pages them).
pub const ENTRIES_HEAD: i64 = 20;
/// The most entries a page of one line's entries holds.
pub const ENTRIES_PAGE: i64 = 200;

/// One issued document of the contact's organisation with what each line bills: the first
/// [`ENTRIES_HEAD`] entries of each line (date, person, note, minutes, amount) and how many each
/// line bills in all; milestones, retainer months and change requests.
pub async fn invoice(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
) -> Result<(
    crate::invoicing::InvoiceView,
    Vec<mesure_store::invoicing::BilledEntry>,
    std::collections::HashMap<Uuid, i64>,
)> {
    ctx.require(PortalAction::Invoices)?;
    {
        let mut conn = app.db.read().await?;
        own_document(&mut conn.conn(), ctx, id).await?;
    }
    let v = crate::invoicing::load(app, ctx.workspace, id, today(app, ctx)).await?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let entries = mesure_store::invoicing::billed_head(c, ctx.workspace, id, ENTRIES_HEAD).await?;
    let counts = mesure_store::invoicing::billed_counts(c, ctx.workspace, id).await?;
    Ok((v, entries, counts))
}

/// One page of the entries line `line` of an issued document of the contact's organisation
/// bills.
pub struct LineEntries {
    /// The document's number.
    pub number: String,
    pub description: String,
    pub currency: mesure_domain::Currency,
    /// How many entries the line bills in all.
    pub total: i64,
    pub entries: Vec<mesure_store::invoicing::BilledEntry>,
    /// Whether more entries follow this page.
    pub more: bool,
}

/// The entries line `line` of document `id` bills, [`ENTRIES_PAGE`] at a time after the cursor
/// `(work_date, entry id)` of the previous page's last one. Another organisation's document, a
/// draft or a line of another document: `NotFound`.
pub async fn invoice_line_entries(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    line: Uuid,
    after: Option<(i32, Uuid)>,
) -> Result<LineEntries> {
    ctx.require(PortalAction::Invoices)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let doc = own_document(c, ctx, id).await?;
    let lines = mesure_store::invoicing::lines(c, ctx.workspace, id).await?;
    let l = lines
        .iter()
        .find(|l| l.id == line)
        .ok_or(ServiceError::NotFound)?;
    let total = mesure_store::invoicing::billed_counts(c, ctx.workspace, id)
        .await?
        .get(&line)
        .copied()
        .unwrap_or(0);
    let mut entries = mesure_store::invoicing::billed_line_page(
        c,
        ctx.workspace,
        id,
        line,
        after,
        ENTRIES_PAGE + 1,
    )
    .await?;
    let more = entries.len() as i64 > ENTRIES_PAGE;
    entries.truncate(usize::try_from(ENTRIES_PAGE).unwrap_or(0));
    Ok(LineEntries {
        number: doc.number.clone().unwrap_or_default(),
        description: l.description.clone(),
        currency: doc.currency,
        total,
        entries,
        more,
    })
}

/// The PDF of an issued document of the contact's organisation: (file name, bytes).
pub async fn invoice_pdf(app: &App, ctx: &Ctx, id: Uuid) -> Result<(String, Vec<u8>)> {
    ctx.require(PortalAction::Invoices)?;
    {
        let mut conn = app.db.read().await?;
        own_document(&mut conn.conn(), ctx, id).await?;
    }
    crate::invoicing::pdf_of(app, ctx.workspace, id).await
}
