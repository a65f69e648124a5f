//! The radar's API answers as typed documents: what the dashboard, a client's and a project's
//! radar return, built from the services' views. Money in minor units of the project's (or
//! workspace's) currency, time in minutes, ratios as decimal strings (`"0.25"` = 25 %), months
//! as `YYYY-MM`.
use crate::projects::api::{ChangeOut, DeliverableOut, ProjectOut};
use mesure_domain::projects::retainer::MonthBalance;
use mesure_services::radar::{
    Budget, ClientRadar, Dashboard, Figures2, ProjectRadar, ProjectRadarMoney, RankedClient,
    Runout, TrendOut,
};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// `YYYYMM` as `YYYY-MM`.
fn month(m: i32) -> String {
    format!("{:04}-{:02}", m / 100, m % 100)
}

/// `YYYYMMDD` as `YYYY-MM-DD`.
fn day(d: i32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100)
}

fn ratio(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.normalize().to_string())
}

/// The figures of a project, a client or the workspace over a period.
#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    /// All minutes logged
    pub minutes: i64,
    pub billable_minutes: i64,
    /// Minutes billed after rounding
    pub billed_minutes: i64,
    /// Minutes logged outside the planned deliverables
    pub unplanned_minutes: i64,
    pub free_minutes: i64,
    pub written_off_minutes: i64,
    /// Non-billable work outside the approved scope
    pub unbilled_scope_minutes: i64,
    /// Value of all work at the billing rates (minor units)
    pub value: i64,
    pub billable_value: i64,
    pub free_value: i64,
    pub written_off_value: i64,
    pub unbilled_scope_value: i64,
    /// Earned revenue (minor units)
    pub revenue: i64,
    /// Cost at the people's cost rates (minor units)
    pub cost: i64,
    /// Revenue − cost (minor units)
    pub margin: i64,
    /// Over-servicing value: free, written-off and unbilled out-of-scope work (minor units)
    pub over_servicing: i64,
    /// Over-servicing ÷ value; null without value
    pub over_servicing_share: Option<String>,
    /// Revenue per hour (minor units); null without hours
    pub effective_rate: Option<i64>,
    /// Net billed for this work on issued invoices, less credit notes (minor units)
    pub billed_value: i64,
    /// Earned revenue not yet billed; negative when billed in advance (minor units)
    pub unbilled_wip: i64,
    /// Billed ÷ billable value at standard rates; null without billable value
    pub realisation: Option<String>,
}

impl From<&Figures2> for FiguresOut {
    fn from(f: &Figures2) -> Self {
        FiguresOut {
            minutes: f.minutes,
            billable_minutes: f.billable_minutes,
            billed_minutes: f.billed_minutes,
            unplanned_minutes: f.unplanned_minutes,
            free_minutes: f.free_minutes,
            written_off_minutes: f.written_off_minutes,
            unbilled_scope_minutes: f.unbilled_scope_minutes,
            value: f.value,
            billable_value: f.billable_value,
            free_value: f.free_value,
            written_off_value: f.written_off_value,
            unbilled_scope_value: f.unbilled_scope_value,
            revenue: f.revenue,
            cost: f.cost,
            margin: f.margin,
            over_servicing: f.over_servicing,
            over_servicing_share: ratio(f.over_servicing_share),
            effective_rate: f.effective_rate,
            billed_value: f.billed_value,
            unbilled_wip: f.unbilled_wip,
            realisation: ratio(f.realisation),
        }
    }
}

/// One month's figures.
#[derive(Serialize, ToSchema)]
pub struct MonthFiguresOut {
    /// `YYYY-MM`
    pub month: String,
    pub figures: FiguresOut,
}

fn months(m: &[(i32, Figures2)]) -> Vec<MonthFiguresOut> {
    m.iter()
        .map(|(k, f)| MonthFiguresOut {
            month: month(*k),
            figures: f.into(),
        })
        .collect()
}

/// The work-vs-revenue trend: trailing three months against the three before.
#[derive(Serialize, ToSchema)]
pub struct TrendView {
    /// Relative change of hours (`"0.2"` = +20 %)
    pub hours_change: String,
    /// Relative change of revenue; null when the earlier months had none
    pub revenue_change: Option<String>,
    /// Hours rose by 15 % or more while revenue did not rise
    pub flagged: bool,
}

impl From<&TrendOut> for TrendView {
    fn from(t: &TrendOut) -> Self {
        TrendView {
            hours_change: t.hours_change.normalize().to_string(),
            revenue_change: ratio(t.revenue_change),
            flagged: t.flagged,
        }
    }
}

/// A client on the radar dashboard.
#[derive(Serialize, ToSchema)]
pub struct RankedClientOut {
    pub client_id: String,
    pub client_name: String,
    pub figures: FiguresOut,
    /// Share of the workspace's revenue over the period
    pub revenue_share: Option<String>,
    pub trend: Option<TrendView>,
    /// Minutes per month of the period, oldest first; null for a month without data
    pub monthly_minutes: Vec<Option<i64>>,
    /// Revenue per month of the period (minor units), oldest first; null without data
    pub monthly_revenue: Vec<Option<i64>>,
}

impl From<&RankedClient> for RankedClientOut {
    fn from(c: &RankedClient) -> Self {
        RankedClientOut {
            client_id: c.client_id.to_string(),
            client_name: c.client_name.clone(),
            figures: (&c.figures).into(),
            revenue_share: ratio(c.revenue_share),
            trend: c.trend.as_ref().map(TrendView::from),
            monthly_minutes: c.monthly_minutes.clone(),
            monthly_revenue: c.monthly_revenue.clone(),
        }
    }
}

/// The radar dashboard: clients ranked by over-servicing value (worst first) and revenue
/// concentration.
#[derive(Serialize, ToSchema)]
pub struct DashboardOut {
    /// First month of the period, `YYYY-MM`
    pub from_month: String,
    /// Month after the last, `YYYY-MM`
    pub to_month: String,
    pub clients: Vec<RankedClientOut>,
    /// The whole workspace's figures over the period
    pub total: FiguresOut,
    /// Revenue share of the three largest clients
    pub top3_share: Option<String>,
    /// Herfindahl–Hirschman index of revenue (0 to 10 000)
    pub hhi: Option<String>,
    /// Clients above 20 % of revenue
    pub clients_over_limit: usize,
}

impl From<&Dashboard> for DashboardOut {
    fn from(d: &Dashboard) -> Self {
        DashboardOut {
            from_month: month(d.from_month),
            to_month: month(d.to_month),
            clients: d.clients.iter().map(RankedClientOut::from).collect(),
            total: (&d.total).into(),
            top3_share: ratio(d.top3_share),
            hhi: ratio(d.hhi),
            clients_over_limit: d.clients_over_limit,
        }
    }
}

/// A project of a client's radar with its figures.
#[derive(Serialize, ToSchema)]
pub struct ProjectFiguresOut {
    pub project: ProjectOut,
    pub figures: FiguresOut,
}

/// A client's radar: its figures rolled up from its projects.
#[derive(Serialize, ToSchema)]
pub struct ClientRadarOut {
    pub client_id: String,
    pub client_name: String,
    pub totals: FiguresOut,
    pub months: Vec<MonthFiguresOut>,
    pub projects: Vec<ProjectFiguresOut>,
    pub trend: Option<TrendView>,
    /// Share of the workspace's trailing-12-month revenue
    pub revenue_share: Option<String>,
}

impl From<&ClientRadar> for ClientRadarOut {
    fn from(r: &ClientRadar) -> Self {
        ClientRadarOut {
            client_id: r.client_id.to_string(),
            client_name: r.client_name.clone(),
            totals: (&r.totals).into(),
            months: months(&r.months),
            projects: r
                .projects
                .iter()
                .map(|(p, f)| ProjectFiguresOut {
                    project: p.clone().into(),
                    figures: f.into(),
                })
                .collect(),
            trend: r.trend.as_ref().map(TrendView::from),
            revenue_share: ratio(r.revenue_share),
        }
    }
}

/// The budget a project is measured against.
#[derive(Serialize, ToSchema)]
pub struct BudgetOut {
    /// Hours budget in minutes; null without one
    pub minutes: Option<i64>,
    /// Money budget (minor units); null without one
    pub money: Option<i64>,
    /// The budget is per month (retainers, monthly budgets)
    pub monthly: bool,
}

impl From<&Budget> for BudgetOut {
    fn from(b: &Budget) -> Self {
        BudgetOut {
            minutes: b.minutes,
            money: b.money,
            monthly: b.monthly,
        }
    }
}

/// When the hours budget runs out at the recent pace (projects without an end date).
#[derive(Serialize, ToSchema)]
pub struct RunoutOut {
    /// First day of the window the pace is measured on, `YYYY-MM-DD`
    pub since: String,
    pub pace_minutes_per_week: i64,
    /// Budget minutes left (negative: overrun)
    pub remaining_minutes: i64,
    /// The day the budget runs out, `YYYY-MM-DD`; null when used up or without a pace
    pub date: Option<String>,
}

impl From<&Runout> for RunoutOut {
    fn from(r: &Runout) -> Self {
        RunoutOut {
            since: day(r.since),
            pace_minutes_per_week: r.pace_minutes_per_week,
            remaining_minutes: r.remaining_minutes,
            date: r.date.map(day),
        }
    }
}

/// One month of a retainer's balance (minutes).
#[derive(Serialize, ToSchema)]
pub struct RetainerMonthOut {
    /// `YYYY-MM`
    pub month: String,
    pub included: i64,
    /// Unused minutes brought from earlier months (carry rule)
    pub carried_in: i64,
    /// Minutes owed from earlier months (debt rule)
    pub debt_in: i64,
    pub used: i64,
    /// Minutes used beyond what the month offered
    pub overrun: i64,
    /// Overrun billed this month
    pub billable_overrun: i64,
    /// Minutes offered but not used this month
    pub unused: i64,
    /// Carried minutes that reached their limit unused this month
    pub expired: i64,
    /// Unused minutes still available next month
    pub carried_out: i64,
    /// Minutes owed to next month
    pub debt_out: i64,
}

fn retainer_month(m: i32, b: &MonthBalance) -> RetainerMonthOut {
    RetainerMonthOut {
        month: month(m),
        included: b.included.get(),
        carried_in: b.carried_in.get(),
        debt_in: b.debt_in.get(),
        used: b.used.get(),
        overrun: b.overrun.get(),
        billable_overrun: b.billable_overrun.get(),
        unused: b.unused.get(),
        expired: b.expired.get(),
        carried_out: b.carried_out.get(),
        debt_out: b.debt_out.get(),
    }
}

/// A deliverable with the minutes logged on it.
#[derive(Serialize, ToSchema)]
pub struct DeliverableProgressOut {
    pub deliverable: DeliverableOut,
    pub logged_minutes: i64,
}

/// Every radar figure of a project.
#[derive(Serialize, ToSchema)]
pub struct ProjectRadarOut {
    pub project: ProjectOut,
    pub client_name: String,
    pub totals: FiguresOut,
    pub months: Vec<MonthFiguresOut>,
    pub budget: BudgetOut,
    /// Minutes consumed in the budget's period (all time, or this month for a monthly budget)
    pub consumed_minutes: i64,
    /// Value consumed in the budget's period (minor units)
    pub consumed_value: i64,
    /// Consumed ÷ budgeted hours
    pub burn_hours: Option<String>,
    /// Consumed ÷ budgeted money
    pub burn_money: Option<String>,
    /// Minutes forecast at completion from the burn rate (projects with dates)
    pub forecast_minutes: Option<i64>,
    /// Without an end date: when the hours budget runs out at the recent pace
    pub runout: Option<RunoutOut>,
    /// Estimated minutes of the planned deliverables
    pub baseline_minutes: i64,
    pub outside_scope_minutes: i64,
    /// Minutes outside the baseline ÷ baseline minutes
    pub scope_creep: Option<String>,
    /// Retainers: the balance month by month
    pub retainer: Vec<RetainerMonthOut>,
    pub deliverables: Vec<DeliverableProgressOut>,
    pub changes: Vec<ChangeOut>,
}

impl ProjectRadarOut {
    /// The radar with its money (the route is for readers of the radar, who see money).
    pub fn of(r: &ProjectRadar, m: &ProjectRadarMoney) -> Self {
        ProjectRadarOut {
            project: r.project.clone().into(),
            client_name: r.client_name.clone(),
            totals: (&m.totals).into(),
            months: months(&m.months),
            budget: (&r.budget).into(),
            consumed_minutes: r.consumed_minutes,
            consumed_value: m.consumed_value,
            burn_hours: ratio(r.burn_hours),
            burn_money: ratio(m.burn_money),
            forecast_minutes: r.forecast_minutes,
            runout: r.runout.as_ref().map(RunoutOut::from),
            baseline_minutes: r.baseline_minutes,
            outside_scope_minutes: r.outside_scope_minutes,
            scope_creep: ratio(r.scope_creep),
            retainer: r
                .retainer
                .iter()
                .map(|(m, b)| retainer_month(*m, b))
                .collect(),
            deliverables: r
                .deliverables
                .iter()
                .map(|d| DeliverableProgressOut {
                    logged_minutes: r.deliverable_minutes.get(&d.id).copied().unwrap_or(0),
                    deliverable: d.clone().into(),
                })
                .collect(),
            changes: r.changes.iter().cloned().map(ChangeOut::from).collect(),
        }
    }
}
