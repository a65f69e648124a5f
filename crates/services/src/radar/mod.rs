//! The over-servicing radar: earned revenue recomputed on every write, budget and client alerts
//! (once per crossing), and the KPI views per project, client and person, read from the running
//! aggregates.
pub mod check;
use crate::projects::{ChangeView, DeliverableView, ProjectView, sees_money};
use crate::{App, Ctx, Result};
use mesure_domain::projects::budget::{self, BudgetTerms};
use mesure_domain::projects::engagement::{
    self, BillingModel, ChangeStatus, Earned, Figures, FixedEvents, Terms, day_from_key, month_of,
    parse_thresholds,
};
use mesure_domain::projects::retainer::MonthBalance;
use mesure_domain::radar::{self as kpi, Trend};
use mesure_domain::time::Minutes;
use mesure_domain::{ClientId, NotificationId, ProjectId, WorkspaceId};
use mesure_domain::{ProjectsAction, RadarAction, TimeAction};
use mesure_i18n::Arg;
use mesure_store::notifications::alerts::{self, NotificationRow};
use mesure_store::projects::{self, ChangeRow, DeliverableRow, ProjectRow};
use mesure_store::radar::totals::{self, MonthRow};
use mesure_store::{Conn, clients, people::users};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

pub fn terms_of(p: &ProjectRow) -> Terms {
    Terms {
        model: p.billing_model,
        hourly_rate_minor: p.hourly_rate_minor,
        cap_minor: p.cap_minor,
        fixed_price_minor: p.fixed_price_minor.unwrap_or(0),
        fixed_revenue: p.fixed_revenue,
        retainer_fee_minor: p.retainer_fee_minor.unwrap_or(0),
        retainer_included_minutes: p.retainer_included_minutes.unwrap_or(0),
        rollover: engagement::rollover(p.rollover, p.rollover_months),
        start_month: p.starts_on.map(month_of),
        end_month: p.ends_on.map(month_of),
    }
}

pub use mesure_domain::projects::budget::Budget;
pub use mesure_domain::radar::windows::{trailing, window12};

/// The budget of a project with its scope and change requests (`domain::projects::budget`):
/// as set on the project, else from its billing model, plus every approved change request's
/// hours and price.
pub fn budget_of(p: &ProjectRow, deliverables: &[DeliverableRow], changes: &[ChangeRow]) -> Budget {
    let approved: Vec<&ChangeRow> = changes
        .iter()
        .filter(|c| c.status == ChangeStatus::Approved)
        .collect();
    let extra_min: i64 = approved.iter().map(|c| c.extra_minutes).sum();
    let extra_money: i64 = approved.iter().map(|c| c.price_minor).sum();
    let estimates: i64 = deliverables.iter().map(|d| d.estimate_minutes).sum();
    let terms = BudgetTerms {
        model: p.billing_model,
        budget_minutes: p.budget_minutes,
        budget_minor: p.budget_minor,
        budget_monthly: p.budget_monthly,
        fixed_price_minor: p.fixed_price_minor,
        retainer_included_minutes: p.retainer_included_minutes,
        retainer_fee_minor: p.retainer_fee_minor,
        cap_minor: p.cap_minor,
    };
    budget::budget(&terms, estimates, extra_min, extra_money)
}

/// `b` as `ctx` may see it: its money only for readers who may see money.
fn budget_for(ctx: &Ctx, b: Budget) -> Budget {
    Budget {
        money: b.money.filter(|_| sees_money(ctx)),
        ..b
    }
}

fn today_month(app: &App, ctx: &Ctx) -> i32 {
    month_of(crate::projects::today(app, ctx))
}

/// Recomputes a project's earned revenue and over-servicing per month from its billing model and
/// writes the differences into the project and client months; then checks its budget alerts and
/// its client's trend.
pub async fn recompute(c: &mut Conn<'_>, app: &App, ctx: &Ctx, project: Uuid) -> Result<()> {
    recompute_with(c, app, ctx, &[project], true, &[]).await?;
    Ok(())
}

/// After a time entry's write: `added` is the entry's contribution to its month, not yet in the
/// stored months; it is written together with the revenue it changes (one upsert per table).
/// The client's trend only moves when the entry's month lies in the trend's windows (the six
/// complete months before the current one), so it is checked then only.
pub async fn recompute_after_entry(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    project: Uuid,
    days: &[i32],
    added: &[(i32, Figures)],
) -> Result<()> {
    let now = today_month(app, ctx);
    let (from, _, to) = trailing(now);
    let trend = days
        .iter()
        .map(|d| month_of(*d))
        .any(|m| m >= from && m < to);
    recompute_with(c, app, ctx, &[project], trend, added).await?;
    Ok(())
}

/// What one recomputation reads: the projects with their months, scope and milestones.
struct Loaded {
    projects: Vec<ProjectRow>,
    months: BTreeMap<Uuid, Vec<MonthRow>>,
    deliverables: BTreeMap<Uuid, Vec<DeliverableRow>>,
    changes: BTreeMap<Uuid, Vec<ChangeRow>>,
    milestones: BTreeMap<Uuid, Vec<(i64, i32)>>,
}

/// Few projects are read one by one; many (an import) in a handful of workspace-wide queries.
async fn load(c: &mut Conn<'_>, ws: WorkspaceId, ids: &[Uuid]) -> Result<Loaded> {
    let mut l = Loaded {
        projects: Vec::new(),
        months: BTreeMap::new(),
        deliverables: BTreeMap::new(),
        changes: BTreeMap::new(),
        milestones: BTreeMap::new(),
    };
    if ids.len() <= 20 {
        for id in ids {
            let p = projects::get(c, ws, ProjectId::from_uuid(*id)).await?;
            l.months
                .insert(*id, totals::project_months(c, ws, *id).await?);
            // Scope and milestones are read only when the model or a budget needs them.
            let model = p.billing_model;
            let budgeted = p.budget_minutes.is_some()
                || p.budget_minor.is_some()
                || model != BillingModel::TimeMaterials
                || p.cap_minor.is_some();
            if model == BillingModel::FixedFee {
                l.deliverables
                    .insert(*id, projects::deliverables(c, ws, *id).await?);
                let ms = projects::milestones(c, ws, *id).await?;
                l.milestones.insert(
                    *id,
                    ms.into_iter()
                        .filter_map(|m| m.reached_on.map(|r| (m.amount_minor, month_of(r))))
                        .collect(),
                );
            }
            if budgeted {
                l.changes.insert(*id, projects::changes(c, ws, *id).await?);
            }
            l.projects.push(p);
        }
        return Ok(l);
    }
    let wanted: BTreeSet<Uuid> = ids.iter().copied().collect();
    l.projects = projects::all(c, ws)
        .await?
        .into_iter()
        .filter(|p| wanted.contains(&p.id))
        .collect();
    // The months of the id range the sorted ids span (ids between them are skipped).
    if let (Some(lo), Some(hi)) = (wanted.first(), wanted.last()) {
        for r in totals::project_months_between(c, ws, *lo, *hi).await? {
            if wanted.contains(&r.subject_id) {
                l.months.entry(r.subject_id).or_default().push(r);
            }
        }
    }
    for d in projects::all_deliverables(c, ws).await? {
        if wanted.contains(&d.project_id) {
            l.deliverables.entry(d.project_id).or_default().push(d);
        }
    }
    for ch in projects::all_changes(c, ws).await? {
        if wanted.contains(&ch.project_id) {
            l.changes.entry(ch.project_id).or_default().push(ch);
        }
    }
    for m in projects::all_milestones(c, ws).await? {
        if !wanted.contains(&m.project_id) {
            continue;
        }
        if let Some(r) = m.reached_on {
            l.milestones
                .entry(m.project_id)
                .or_default()
                .push((m.amount_minor, month_of(r)));
        }
    }
    Ok(l)
}

/// Recomputes a set of projects (one after a write, thousands after an import).
/// Projects are taken in steps of [`RECOMPUTE_STEP`] in id order, so what one step reads stays
/// small whatever the set's size; each touched client's trend is checked once, at the end.
pub async fn recompute_set(c: &mut Conn<'_>, app: &App, ctx: &Ctx, ids: &[Uuid]) -> Result<()> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut clients = BTreeSet::new();
    for step in ids.chunks(RECOMPUTE_STEP) {
        clients.extend(recompute_with(c, app, ctx, step, false, &[]).await?);
    }
    let now_month = today_month(app, ctx);
    for client in clients {
        check_trend(c, app, ctx.workspace, client, now_month).await?;
    }
    Ok(())
}

/// Projects recomputed per step of [`recompute_set`] (an import touches thousands: the months
/// of one step are a few megabytes, those of 10,000 projects twenty).
const RECOMPUTE_STEP: usize = 1000;

/// `added`: figures of a single project not yet written to its months (see
/// `recompute_after_entry`); empty otherwise. `ids` are sorted when there are many. The clients
/// of the projects (their trends are checked here when `trends`).
async fn recompute_with(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    ids: &[Uuid],
    trends: bool,
    added: &[(i32, Figures)],
) -> Result<BTreeSet<Uuid>> {
    let ws = ctx.workspace;
    let now_month = today_month(app, ctx);
    // The projects' locks before their months are read: another server's recomputation of the
    // same project waits, then reads what this one wrote.
    projects::lock(c, ws, ids).await?;
    let l = load(c, ws, ids).await?;
    let mut deltas: Vec<totals::MonthDelta> = Vec::new();
    let mut clients_touched = BTreeSet::new();
    let none = Vec::new();
    for p in &l.projects {
        clients_touched.insert(p.client_id);
        let rows = l.months.get(&p.id).unwrap_or(&none);
        let mut months: BTreeMap<i32, Figures> =
            rows.iter().map(|r| (r.month, r.figures())).collect();
        let mut pending: BTreeMap<i32, Figures> = BTreeMap::new();
        if ids.len() == 1 {
            for (m, f) in added {
                accumulate(months.entry(*m).or_default(), f);
                accumulate(pending.entry(*m).or_default(), f);
            }
        }
        let deliverables = l.deliverables.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let changes = l.changes.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let terms = terms_of(p);
        let mut fixed = FixedEvents::default();
        if terms.model == BillingModel::FixedFee {
            fixed.milestones = l.milestones.get(&p.id).cloned().unwrap_or_default();
            fixed.deliverables = deliverables
                .iter()
                .map(|d| (d.estimate_minutes, d.accepted_on.map(month_of)))
                .collect();
        }
        let earned = engagement::earned(&terms, &months, &fixed, now_month);
        let old: BTreeMap<i32, Earned> = rows
            .iter()
            .map(|r| {
                (
                    r.month,
                    Earned {
                        revenue: r.revenue,
                        over_servicing: r.over_servicing,
                    },
                )
            })
            .collect();
        let keys: BTreeSet<i32> = old
            .keys()
            .chain(earned.keys())
            .chain(pending.keys())
            .copied()
            .collect();
        for m in keys {
            let n = earned.get(&m).copied().unwrap_or_default();
            let o = old.get(&m).copied().unwrap_or_default();
            let f = pending.get(&m).copied().unwrap_or_default();
            if n != o || !f.is_zero() {
                deltas.push((
                    p.id,
                    p.client_id,
                    m,
                    f,
                    n.revenue - o.revenue,
                    n.over_servicing - o.over_servicing,
                ));
            }
        }
        check_budget(c, app, ws, p, &months, deliverables, changes, now_month).await?;
    }
    totals::add_many(c, ws, &deltas).await?;
    if trends {
        for client in &clients_touched {
            check_trend(c, app, ws, *client, now_month).await?;
        }
    }
    Ok(clients_touched)
}

/// Budget alerts of one project, on its figures as they now stand: a mark per threshold crossed,
/// an alert when the mark is new, the mark removed when the figure falls back below.
#[allow(clippy::too_many_arguments)]
async fn check_budget(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    p: &ProjectRow,
    months: &BTreeMap<i32, Figures>,
    deliverables: &[DeliverableRow],
    changes: &[ChangeRow],
    now_month: i32,
) -> Result<()> {
    let budget = budget_of(p, deliverables, changes);
    if budget.minutes.is_none() && budget.money.is_none() {
        return Ok(());
    }
    let consumed = if budget.monthly {
        months.get(&now_month).copied().unwrap_or_default()
    } else {
        let mut f = Figures::default();
        for m in months.values() {
            accumulate(&mut f, m);
        }
        f
    };
    let period = if budget.monthly { now_month } else { 0 };
    let thresholds = parse_thresholds(&p.alert_thresholds).unwrap_or_else(|| vec![80, 100]);
    for (kind, used, total) in [
        ("budget_hours", consumed.minutes, budget.minutes),
        ("budget_money", consumed.value, budget.money),
    ] {
        let Some(total) = total else { continue };
        let pct = budget::percent_used(used, total);
        for t in &thresholds {
            if pct >= i64::from(*t) {
                if alerts::mark(c, ws, p.id, kind, *t, period, app.now()).await? {
                    let link = format!("/projects/{}", p.id);
                    notify(
                        c,
                        app,
                        ws,
                        p.manager_id,
                        kind,
                        "project",
                        p.id,
                        &p.name,
                        *t,
                        &link,
                    )
                    .await?;
                }
            } else {
                alerts::unmark(c, ws, p.id, kind, *t, period).await?;
            }
        }
    }
    Ok(())
}

/// The client's work-vs-revenue trend over the two trailing three-month windows before `month`
/// (`domain::radar::windows`).
pub fn trend_of(months: &[MonthRow], month: i32) -> Option<Trend> {
    let rows: Vec<(i32, i64, i64)> = months
        .iter()
        .map(|r| (r.month, r.minutes, r.revenue))
        .collect();
    mesure_domain::radar::windows::trend(&rows, month)
}

/// Fires the work-outgrows-revenue alert of a client once per crossing. The windows are the
/// complete months before the current one, so the alert is decided once a month.
async fn check_trend(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    client: Uuid,
    month: i32,
) -> Result<()> {
    let rows = totals::client_months(c, ws, client).await?;
    let flagged = trend_of(&rows, month).is_some_and(|t| t.flagged);
    if flagged {
        if alerts::mark(c, ws, client, "work_vs_revenue", 15, month, app.now()).await? {
            let cl = clients::get(c, ws, ClientId::from_uuid(client)).await?;
            notify(
                c,
                app,
                ws,
                None,
                "work_vs_revenue",
                "client",
                client,
                &cl.name,
                15,
                &format!("/clients/{client}"),
            )
            .await?;
        }
    } else {
        alerts::unmark(c, ws, client, "work_vs_revenue", 15, month).await?;
    }
    Ok(())
}

/// Checks revenue concentration over the radar's twelve months for every client of a workspace
/// (run by the worker): a client above 20 % fires once, until it falls back below.
pub async fn check_concentration(app: &App, ws: WorkspaceId, month: i32) -> Result<usize> {
    crate::write_tx!(app, tx => {
        let (from12, to) = window12(month);
        let rows = totals::clients_between(&mut tx.conn(), ws, from12, to).await?;
        let revenues: Vec<Decimal> = rows.iter().map(|r| Decimal::new(r.revenue, 2)).collect();
        let mut fired = 0;
        if let Some(conc) = kpi::concentration(&revenues) {
            for (r, share) in rows.iter().zip(conc.shares.iter()) {
                let pct = i32::try_from((share * Decimal::from(100)).trunc().mantissa()).unwrap_or(0);
                if *share > kpi::concentration_limit() {
                    if alerts::mark(
                        &mut tx.conn(),
                        ws,
                        r.subject_id,
                        "concentration",
                        20,
                        0,
                        app.now(),
                    )
                    .await?
                    {
                        let cl =
                            clients::get(&mut tx.conn(), ws, ClientId::from_uuid(r.subject_id)).await?;
                        notify(
                            &mut tx.conn(),
                            app,
                            ws,
                            None,
                            "concentration",
                            "client",
                            r.subject_id,
                            &cl.name,
                            pct,
                            &format!("/clients/{}", r.subject_id),
                        )
                        .await?;
                        fired += 1;
                    }
                } else {
                    alerts::unmark(&mut tx.conn(), ws, r.subject_id, "concentration", 20, 0).await?;
                }
            }
        }
        fired
    })
}

/// Writes a notification for each recipient (the project's manager, and every active owner) and
/// queues an e-mail to each, in their language.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn notify(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    manager: Option<Uuid>,
    kind: &str,
    subject_type: &str,
    subject: Uuid,
    label: &str,
    figure: i32,
    link: &str,
) -> Result<()> {
    let staff = users::list_staff(c, ws).await?;
    let recipients: Vec<_> = staff
        .into_iter()
        .filter(|u| u.active && (u.role == "owner" || Some(u.id) == manager))
        .collect();
    for u in recipients {
        notify_user(
            c,
            app,
            ws,
            &u,
            kind,
            (subject_type, subject, label),
            figure,
            link,
        )
        .await?;
    }
    Ok(())
}

/// Writes one user's notification and queues its e-mail in their language.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn notify_user(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    u: &users::UserRow,
    kind: &str,
    (subject_type, subject, label): (&str, Uuid, &str),
    figure: i32,
    link: &str,
) -> Result<()> {
    let url = format!("{}{}", app.base_url.trim_end_matches('/'), link);
    alerts::notify(
        c,
        &NotificationRow {
            workspace_id: ws.uuid(),
            id: NotificationId::new().uuid(),
            user_id: u.id,
            kind: kind.into(),
            subject_type: subject_type.into(),
            subject_id: subject,
            subject_label: label.into(),
            figure,
            link: link.into(),
            created_at: app.now(),
            read_at: None,
        },
    )
    .await?;
    crate::people::users::queue_user_mail(
        c,
        app,
        ws,
        u,
        &format!("mail-alert-{}", kind.replace('_', "-")),
        &url,
        &[
            ("subject", Arg::Str(label)),
            ("figure", Arg::Num(i64::from(figure))),
        ],
    )
    .await?;
    Ok(())
}

/// Every radar figure of one subject (a project, or a client rolled up). Money in minor units;
/// ratios as decimals (0.8 = 80 %); `None` is "no data".
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Figures2 {
    pub minutes: i64,
    pub billable_minutes: i64,
    pub billed_minutes: i64,
    pub unplanned_minutes: i64,
    pub free_minutes: i64,
    pub written_off_minutes: i64,
    /// Non-billable work outside the approved scope.
    pub unbilled_scope_minutes: i64,
    pub value: i64,
    pub billable_value: i64,
    pub free_value: i64,
    pub written_off_value: i64,
    pub unbilled_scope_value: i64,
    pub revenue: i64,
    pub cost: i64,
    pub margin: i64,
    pub over_servicing: i64,
    pub over_servicing_share: Option<Decimal>,
    pub effective_rate: Option<i64>,
    /// Net billed on issued documents for this work (credit notes subtract).
    pub billed_value: i64,
    /// Earned revenue not yet billed (negative: billed ahead of the work).
    pub unbilled_wip: i64,
    /// Billed ÷ billable value at standard rates; no data without billable value.
    pub realisation: Option<Decimal>,
}

pub fn figures_of(m: &MonthRow) -> Figures2 {
    let revenue = Decimal::new(m.revenue, 0);
    let (_, share) = kpi::over_servicing(Decimal::new(m.over_servicing, 0), revenue);
    let rate = kpi::effective_billable_rate(revenue, Minutes::new(m.minutes))
        .and_then(|r| i64::try_from(r.round()).ok());
    Figures2 {
        minutes: m.minutes,
        billable_minutes: m.billable_minutes,
        billed_minutes: m.billed_minutes,
        unplanned_minutes: m.unplanned_minutes,
        free_minutes: m.free_minutes,
        written_off_minutes: m.written_off_minutes,
        unbilled_scope_minutes: m.unbilled_scope_minutes,
        value: m.value,
        billable_value: m.billable_value,
        free_value: m.free_value,
        written_off_value: m.written_off_value,
        unbilled_scope_value: m.unbilled_scope_value,
        revenue: m.revenue,
        cost: m.cost,
        margin: m.revenue - m.cost,
        over_servicing: m.over_servicing,
        over_servicing_share: share,
        effective_rate: rate,
        billed_value: m.billed_value,
        unbilled_wip: m.revenue.saturating_sub(m.billed_value),
        realisation: kpi::realisation(
            Decimal::new(m.billed_value, 0),
            Decimal::new(m.billable_value, 0),
        ),
    }
}

/// Adds `f` to a reader's total; an overflow (impossible within the input bounds) stays at the
/// bound and is logged, so one bad row never takes the radar down.
pub(crate) fn accumulate(acc: &mut Figures, f: &Figures) {
    if acc.add_saturating(f, 1).is_err() {
        tracing::error!("a radar total overflowed 64 bits; shown at its bound");
    }
}

fn sum_rows(rows: &[MonthRow]) -> MonthRow {
    let mut total = MonthRow::default();
    for r in rows {
        total.add(r);
    }
    total
}

pub use mesure_domain::radar::burn::{Runout, runout};

/// Hours of a project, or of one of its months.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hours {
    pub minutes: i64,
    pub billable_minutes: i64,
}

/// One project's radar as its reader may see it: hours for whoever may read the project, money
/// only for readers who may see it.
#[derive(Clone, Debug)]
pub struct ProjectRadar {
    pub project: ProjectView,
    pub client_name: String,
    pub hours: Hours,
    /// Months with work, in order.
    pub months: Vec<(i32, Hours)>,
    /// The budget; its money is absent for readers who may not see money.
    pub budget: Budget,
    /// Consumed in the budget's period (all time, or this month for a monthly budget).
    pub consumed_minutes: i64,
    pub burn_hours: Option<Decimal>,
    /// Hours (minutes) forecast at completion from the burn rate, when the project has dates.
    pub forecast_minutes: Option<i64>,
    /// Without an end date: when the hours budget runs out at the recent pace.
    pub runout: Option<Runout>,
    pub baseline_minutes: i64,
    pub outside_scope_minutes: i64,
    pub scope_creep: Option<Decimal>,
    pub retainer: Vec<(i32, MonthBalance)>,
    pub deliverables: Vec<DeliverableView>,
    pub changes: Vec<ChangeView>,
    /// Minutes logged per deliverable.
    pub deliverable_minutes: BTreeMap<Uuid, i64>,
    /// Absent for readers who may not see money.
    pub money: Option<ProjectRadarMoney>,
}

/// A project radar's money: every figure, in total and per month.
#[derive(Clone, Debug)]
pub struct ProjectRadarMoney {
    pub totals: Figures2,
    pub months: Vec<(i32, Figures2)>,
    /// Value consumed in the budget's period.
    pub consumed_value: i64,
    pub burn_money: Option<Decimal>,
}

impl Hours {
    fn of(m: &MonthRow) -> Hours {
        Hours {
            minutes: m.minutes,
            billable_minutes: m.billable_minutes,
        }
    }
}

pub async fn project(app: &App, ctx: &Ctx, id: ProjectId) -> Result<ProjectRadar> {
    ctx.require(ProjectsAction::Read)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let ws = ctx.workspace;
    let p = projects::get(c, ws, id).await?;
    let client_name = clients::get(c, ws, ClientId::from_uuid(p.client_id))
        .await?
        .name;
    let rows = totals::project_months(c, ws, p.id).await?;
    let deliverables = projects::deliverables(c, ws, p.id).await?;
    let changes = projects::changes(c, ws, p.id).await?;
    let by_deliverable = projects::deliverable_minutes(c, ws, p.id).await?;
    drop(conn);
    let total = sum_rows(&rows);
    let budget = budget_of(&p, &deliverables, &changes);
    let now_month = today_month(app, ctx);
    let (consumed_minutes, consumed_value) = if budget.monthly {
        rows.iter()
            .find(|r| r.month == now_month)
            .map(|r| (r.minutes, r.value))
            .unwrap_or((0, 0))
    } else {
        (total.minutes, total.value)
    };
    let burn_hours = budget
        .minutes
        .and_then(|b| kpi::budget_burn(Decimal::from(consumed_minutes), Decimal::from(b)));
    let burn_money = budget
        .money
        .and_then(|b| kpi::budget_burn(Decimal::from(consumed_value), Decimal::from(b)));
    let today = crate::projects::today(app, ctx);
    let forecast_minutes = match (
        p.starts_on.and_then(day_from_key),
        p.ends_on.and_then(day_from_key),
        day_from_key(today),
    ) {
        (Some(s), Some(e), Some(t)) if !budget.monthly => {
            kpi::burn::forecast_minutes(s, e, t, total.minutes)
        }
        _ => None,
    };
    let runout = match (p.ends_on, budget.minutes, day_from_key(today)) {
        (None, Some(b), Some(t)) if !budget.monthly => {
            let since = kpi::burn::runout_since(t);
            let from_month = month_of(engagement::day_key(since));
            let recent: i64 = rows
                .iter()
                .filter(|r| r.month >= from_month)
                .map(|r| r.minutes)
                .sum();
            Some(runout(since, t, recent, b - consumed_minutes))
        }
        _ => None,
    };
    let creep = kpi::burn::scope_creep(
        deliverables.iter().map(|d| d.estimate_minutes),
        total.unplanned_minutes,
        changes
            .iter()
            .map(|c| (c.status == ChangeStatus::Approved, c.logged_minutes)),
    );
    let terms = terms_of(&p);
    let retainer = engagement::retainer_walk(
        &terms,
        rows.first().map(|r| r.month),
        rows.last().map(|r| r.month),
        now_month,
        |m| {
            rows.iter()
                .find(|r| r.month == m)
                .map(|r| r.billed_minutes)
                .unwrap_or(0)
        },
    );
    let money = sees_money(ctx).then(|| ProjectRadarMoney {
        totals: figures_of(&total),
        months: rows.iter().map(|r| (r.month, figures_of(r))).collect(),
        consumed_value,
        burn_money,
    });
    Ok(ProjectRadar {
        client_name,
        hours: Hours::of(&total),
        months: rows.iter().map(|r| (r.month, Hours::of(r))).collect(),
        budget: budget_for(ctx, budget),
        consumed_minutes,
        burn_hours,
        forecast_minutes,
        runout,
        baseline_minutes: creep.baseline_minutes,
        outside_scope_minutes: creep.outside_minutes,
        scope_creep: creep.index,
        retainer,
        deliverables: DeliverableView::all(&deliverables),
        changes: ChangeView::all(ctx, &changes),
        deliverable_minutes: by_deliverable.into_iter().collect(),
        project: ProjectView::of(ctx, &p),
        money,
    })
}

/// One client's radar: its projects and months rolled up, its trend and its revenue share.
#[derive(Clone, Debug)]
pub struct ClientRadar {
    pub client_id: Uuid,
    pub client_name: String,
    pub totals: Figures2,
    pub months: Vec<(i32, Figures2)>,
    pub projects: Vec<(ProjectView, Figures2)>,
    pub trend: Option<TrendOut>,
    /// Share of the workspace's trailing-12-month revenue.
    pub revenue_share: Option<Decimal>,
}

#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct TrendOut {
    pub hours_change: Decimal,
    pub revenue_change: Option<Decimal>,
    pub flagged: bool,
}

impl From<Trend> for TrendOut {
    fn from(t: Trend) -> Self {
        TrendOut {
            hours_change: t.hours_change,
            revenue_change: t.revenue_change,
            flagged: t.flagged,
        }
    }
}

pub async fn client(app: &App, ctx: &Ctx, id: ClientId) -> Result<ClientRadar> {
    ctx.require(RadarAction::View)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let ws = ctx.workspace;
    let cl = clients::get(c, ws, id).await?;
    let rows = totals::client_months(c, ws, id.uuid()).await?;
    let plist = projects::list(c, ws, Some(id.uuid()), true).await?;
    let ptotals = totals::project_totals(c, ws, Some(id.uuid())).await?;
    let now_month = today_month(app, ctx);
    let (from12, to12) = window12(now_month);
    let mine: i64 = rows
        .iter()
        .filter(|r| r.month >= from12 && r.month < to12)
        .map(|r| r.revenue)
        .sum();
    let all = totals::clients_revenue(c, ws, from12, to12).await?;
    let by_project: BTreeMap<Uuid, MonthRow> =
        ptotals.into_iter().map(|r| (r.subject_id, r)).collect();
    Ok(ClientRadar {
        client_id: cl.id,
        client_name: cl.name,
        totals: figures_of(&sum_rows(&rows)),
        months: rows.iter().map(|r| (r.month, figures_of(r))).collect(),
        projects: plist
            .iter()
            .map(|p| {
                let f = by_project.get(&p.id).map(figures_of).unwrap_or_default();
                (ProjectView::of(ctx, p), f)
            })
            .collect(),
        trend: trend_of(&rows, now_month).map(TrendOut::from),
        revenue_share: (all > 0).then(|| Decimal::from(mine) / Decimal::from(all)),
    })
}

/// One project on its client's hub: the period's figures and the budget consumed so far.
#[derive(Clone, Debug)]
pub struct HubProject {
    pub project: ProjectView,
    /// Minutes logged over the period.
    pub minutes: i64,
    /// The period's figures; absent for readers who may not see money.
    pub money: Option<Figures2>,
    /// The budget; its money is absent for readers who may not see money.
    pub budget: Budget,
    /// Consumed in the budget's period (all time, or this month for a monthly budget).
    pub consumed_minutes: i64,
    pub burn_hours: Option<Decimal>,
}

/// A client's projects with their figures over the months `[from, to)` and their budget burn.
pub async fn client_hub(
    app: &App,
    ctx: &Ctx,
    id: ClientId,
    from: i32,
    to: i32,
) -> Result<Vec<HubProject>> {
    ctx.require(ProjectsAction::Read)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let ws = ctx.workspace;
    // Archived projects too: their hours of the period count in the client's total.
    let plist = projects::list(c, ws, Some(id.uuid()), true).await?;
    let period: BTreeMap<Uuid, MonthRow> = totals::projects_between(c, ws, id.uuid(), from, to)
        .await?
        .into_iter()
        .map(|r| (r.subject_id, r))
        .collect();
    let all_time: BTreeMap<Uuid, MonthRow> = totals::project_totals(c, ws, Some(id.uuid()))
        .await?
        .into_iter()
        .map(|r| (r.subject_id, r))
        .collect();
    let now_month = today_month(app, ctx);
    let mut out = Vec::with_capacity(plist.len());
    for p in plist {
        let all = all_time.get(&p.id).map(|r| r.minutes).unwrap_or(0);
        let (budget, consumed_minutes, burn_hours) =
            budget_status(c, ws, &p, all, now_month).await?;
        let figures = period.get(&p.id).map(figures_of).unwrap_or_default();
        out.push(HubProject {
            minutes: figures.minutes,
            money: sees_money(ctx).then_some(figures),
            budget: budget_for(ctx, budget),
            consumed_minutes,
            burn_hours,
            project: ProjectView::of(ctx, &p),
        });
    }
    Ok(out)
}

/// A project's budget, the minutes consumed in its period (all time, or this month for a monthly
/// budget) and the burn of its hours.
async fn budget_status(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    p: &ProjectRow,
    all_time_minutes: i64,
    now_month: i32,
) -> Result<(Budget, i64, Option<Decimal>)> {
    let deliverables = projects::deliverables(c, ws, p.id).await?;
    let changes = projects::changes(c, ws, p.id).await?;
    let budget = budget_of(p, &deliverables, &changes);
    let consumed = if budget.monthly {
        totals::project_months(c, ws, p.id)
            .await?
            .iter()
            .find(|r| r.month == now_month)
            .map(|r| r.minutes)
            .unwrap_or(0)
    } else {
        all_time_minutes
    };
    let burn = budget
        .minutes
        .and_then(|b| kpi::budget_burn(Decimal::from(consumed), Decimal::from(b)));
    Ok((budget, consumed, burn))
}

/// The budget status of the projects a person logged time on in the last four weeks.
pub async fn my_projects(app: &App, ctx: &Ctx) -> Result<Vec<HubProject>> {
    ctx.require(TimeAction::Log)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let ws = ctx.workspace;
    let today = crate::projects::today(app, ctx);
    let since = day_from_key(today)
        .and_then(|d| d.checked_sub(jiff::Span::new().days(28)).ok())
        .map(engagement::day_key)
        .unwrap_or(today);
    let ids = mesure_store::time::recent_projects(c, ws, ctx.user.uuid(), since, 20).await?;
    let now_month = today_month(app, ctx);
    let mut out = Vec::new();
    for id in ids {
        let p = projects::get(c, ws, ProjectId::from_uuid(id)).await?;
        let all = totals::project_months(c, ws, id)
            .await?
            .iter()
            .map(|r| r.minutes)
            .sum();
        let (budget, consumed_minutes, burn_hours) =
            budget_status(c, ws, &p, all, now_month).await?;
        out.push(HubProject {
            minutes: 0,
            money: None,
            budget: budget_for(ctx, budget),
            consumed_minutes,
            burn_hours,
            project: ProjectView::of(ctx, &p),
        });
    }
    out.sort_by(|a, b| a.project.name_key.cmp(&b.project.name_key));
    Ok(out)
}

/// A line of the radar's ranking: a client with its trailing-12-month figures.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RankedClient {
    pub client_id: Uuid,
    pub client_name: String,
    pub figures: Figures2,
    pub revenue_share: Option<Decimal>,
    pub trend: Option<TrendOut>,
    /// Minutes and revenue per month of the period (for the sparkline), oldest first; `None`
    /// for a month without data (no data, not zero).
    pub monthly_minutes: Vec<Option<i64>>,
    pub monthly_revenue: Vec<Option<i64>>,
}

/// The dashboard: clients ranked by over-servicing value (worst first), concentration.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Dashboard {
    pub from_month: i32,
    pub to_month: i32,
    pub clients: Vec<RankedClient>,
    pub total: Figures2,
    pub top3_share: Option<Decimal>,
    pub hhi: Option<Decimal>,
    pub clients_over_limit: usize,
}

pub async fn dashboard(app: &App, ctx: &Ctx, limit: usize) -> Result<Dashboard> {
    // Trailing twelve months including the current one.
    let (from, to) = window12(today_month(app, ctx));
    dashboard_between(app, ctx, from, to, limit).await
}

/// The radar over the months `[from, to)` (`YYYYMM`): clients ranked by over-servicing with their
/// monthly series, concentration over the same months. Trends stay trailing three months.
pub async fn dashboard_between(
    app: &App,
    ctx: &Ctx,
    from: i32,
    to: i32,
    limit: usize,
) -> Result<Dashboard> {
    ctx.require(RadarAction::View)?;
    if to <= from || engagement::year_month(from) > engagement::year_month(to) {
        return Err(mesure_domain::Invalid::one("to", "err-end-before-start").into());
    }
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let ws = ctx.workspace;
    let now_month = today_month(app, ctx);
    let rows = totals::clients_between(c, ws, from, to).await?;
    let revenues: Vec<Decimal> = rows.iter().map(|r| Decimal::new(r.revenue, 0)).collect();
    let conc = kpi::concentration(&revenues);
    let mut ranked: Vec<(usize, &MonthRow)> = rows.iter().enumerate().collect();
    ranked.sort_by(|x, y| {
        y.1.over_servicing
            .cmp(&x.1.over_servicing)
            .then(y.1.minutes.cmp(&x.1.minutes))
    });
    let top: Vec<(usize, &MonthRow)> = ranked.into_iter().take(limit).collect();
    let ids: Vec<Uuid> = top.iter().map(|(_, r)| r.subject_id).collect();
    let months = totals::months_of_clients(c, ws, &ids, from, to).await?;
    let mut names: BTreeMap<Uuid, String> = BTreeMap::new();
    if !ids.is_empty() {
        let found = mesure_store::clients::names_of(c, ws, &ids).await?;
        names.extend(found);
    }
    let mut clients_out = Vec::new();
    for (i, r) in top {
        let ms = months.get(&r.subject_id).cloned().unwrap_or_default();
        let mut series_min = Vec::new();
        let mut series_rev = Vec::new();
        let mut ym = engagement::year_month(from);
        while engagement::month_key(ym) < to {
            let k = engagement::month_key(ym);
            let row = ms.iter().find(|x| x.month == k);
            series_min.push(row.map(|x| x.minutes));
            series_rev.push(row.map(|x| x.revenue));
            ym = ym.next();
        }
        clients_out.push(RankedClient {
            client_id: r.subject_id,
            client_name: names.get(&r.subject_id).cloned().unwrap_or_default(),
            figures: figures_of(r),
            revenue_share: conc.as_ref().and_then(|c| c.shares.get(i).copied()),
            trend: trend_of(&ms, now_month).map(TrendOut::from),
            monthly_minutes: series_min,
            monthly_revenue: series_rev,
        });
    }
    let over = conc
        .as_ref()
        .map(|c| {
            c.shares
                .iter()
                .filter(|s| **s > kpi::concentration_limit())
                .count()
        })
        .unwrap_or(0);
    Ok(Dashboard {
        from_month: from,
        to_month: to,
        clients: clients_out,
        total: figures_of(&sum_rows(&rows)),
        top3_share: conc.as_ref().map(|c| c.top3),
        hhi: conc.as_ref().map(|c| c.hhi),
        clients_over_limit: over,
    })
}

/// Billable utilisation of each person over `[from, to)` months.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Utilisation {
    pub user_id: Uuid,
    pub name: String,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub available_minutes: i64,
    pub utilisation: Option<Decimal>,
}

/// Default weekly capacity when none is set: 35 hours (the French legal week).
pub const DEFAULT_WEEKLY_MINUTES: i64 = 35 * 60;

pub async fn utilisation(
    app: &App,
    ctx: &Ctx,
    from_month: i32,
    to_month: i32,
) -> Result<Vec<Utilisation>> {
    ctx.require(RadarAction::View)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let ws = ctx.workspace;
    let staff = users::list_staff(c, ws).await?;
    let rows = totals::person_months(c, ws, from_month, to_month).await?;
    let from_day = from_month * 100 + 1;
    let to_day = to_month * 100 + 1;
    let (Some(fd), Some(td)) = (day_from_key(from_day), day_from_key(to_day)) else {
        return Ok(Vec::new());
    };
    let mut holidays = Vec::new();
    for y in fd.year()..=td.year() {
        holidays.extend(engagement::french_holidays(y));
    }
    let mut out = Vec::new();
    for u in staff.into_iter().filter(|u| u.active) {
        let weekly = mesure_store::people::availability::capacity(c, ws, u.id)
            .await?
            .unwrap_or(DEFAULT_WEEKLY_MINUTES);
        let leave: BTreeMap<i32, i64> =
            mesure_store::people::availability::leave(c, ws, u.id, from_day, to_day)
                .await?
                .into_iter()
                .collect();
        let available = engagement::available_minutes(weekly, fd, td, &holidays, &leave);
        let (m, b) = rows
            .iter()
            .filter(|r| r.0 == u.id)
            .fold((0, 0), |acc, r| (acc.0 + r.2, acc.1 + r.3));
        out.push(Utilisation {
            user_id: u.id,
            name: u.name,
            minutes: m,
            billable_minutes: b,
            available_minutes: available,
            utilisation: kpi::billable_utilisation(Minutes::new(b), Minutes::new(available)),
        });
    }
    Ok(out)
}

/// The periodic radar pass of every workspace (run by the worker): retainer projects are
/// recomputed so that a new month's fee is earned without waiting for a write, and revenue
/// concentration is checked. Answers the alerts fired.
pub async fn sweep(app: &App) -> Result<usize> {
    let list = {
        let mut c = app.db.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let mut fired = 0;
    for w in list {
        let ctx = Ctx::system(&w, "radar");
        let retainers: Vec<Uuid> = {
            let mut c = app.db.read().await?;
            mesure_store::projects::active_retainers(&mut c.conn(), WorkspaceId::from_uuid(w.id))
                .await?
        };
        for p in retainers {
            crate::write_tx!(app, tx => {
                recompute(&mut tx.conn(), app, &ctx, p).await?;
            })?;
        }
        fired += check_concentration(app, ctx.workspace, today_month(app, &ctx)).await?;
    }
    Ok(fired)
}
