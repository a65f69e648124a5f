//! Running aggregates per project, client and person and month, kept up to date on every write
//! so that the radar reads a few hundred rows instead of millions of entries.
use crate::registry::{Variant, Variants, numbered};
use crate::time::bulk::{Key, Upsert};
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::projects::engagement::Figures;
use std::collections::BTreeMap;
use uuid::Uuid;

fn fig_values(f: &Figures) -> [i64; 14] {
    [
        f.minutes,
        f.billable_minutes,
        f.billed_minutes,
        f.value,
        f.unplanned_minutes,
        f.free_minutes,
        f.written_off_minutes,
        f.billable_value,
        f.unplanned_value,
        f.free_value,
        f.written_off_value,
        f.cost,
        f.unbilled_scope_minutes,
        f.unbilled_scope_value,
    ]
}

crate::registry::row! {
/// One month of a project or client, as stored.
#[derive(Clone, Debug, Default, sqlx::FromRow, serde::Serialize)]
pub struct MonthRow {
    pub subject_id: Uuid,
    pub month: i32,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub billed_minutes: i64,
    pub value: i64,
    pub unplanned_minutes: i64,
    pub free_minutes: i64,
    pub written_off_minutes: i64,
    pub billable_value: i64,
    pub unplanned_value: i64,
    pub free_value: i64,
    pub written_off_value: i64,
    pub cost: i64,
    pub unbilled_scope_minutes: i64,
    pub unbilled_scope_value: i64,
    pub revenue: i64,
    pub over_servicing: i64,
    /// Net billed on issued documents for this month's work (credit notes subtract).
    pub billed_value: i64,
}
}

impl MonthRow {
    pub fn figures(&self) -> Figures {
        Figures {
            minutes: self.minutes,
            billable_minutes: self.billable_minutes,
            billed_minutes: self.billed_minutes,
            value: self.value,
            unplanned_minutes: self.unplanned_minutes,
            free_minutes: self.free_minutes,
            written_off_minutes: self.written_off_minutes,
            billable_value: self.billable_value,
            unplanned_value: self.unplanned_value,
            free_value: self.free_value,
            written_off_value: self.written_off_value,
            cost: self.cost,
            unbilled_scope_minutes: self.unbilled_scope_minutes,
            unbilled_scope_value: self.unbilled_scope_value,
        }
    }
    /// Adds another month's figures (roll-ups).
    pub fn add(&mut self, o: &MonthRow) {
        let mut f = self.figures();
        if f.add_saturating(&o.figures(), 1).is_err() {
            tracing::error!("a month total overflowed 64 bits; shown at its bound");
        }
        let (s, m, r, ov, b) = (
            self.subject_id,
            self.month,
            self.revenue,
            self.over_servicing,
            self.billed_value,
        );
        *self = MonthRow::from_figures(s, m, &f);
        self.revenue = r.saturating_add(o.revenue);
        self.over_servicing = ov.saturating_add(o.over_servicing);
        self.billed_value = b.saturating_add(o.billed_value);
    }
    pub fn from_figures(subject_id: Uuid, month: i32, f: &Figures) -> MonthRow {
        MonthRow {
            subject_id,
            month,
            minutes: f.minutes,
            billable_minutes: f.billable_minutes,
            billed_minutes: f.billed_minutes,
            value: f.value,
            unplanned_minutes: f.unplanned_minutes,
            free_minutes: f.free_minutes,
            written_off_minutes: f.written_off_minutes,
            billable_value: f.billable_value,
            unplanned_value: f.unplanned_value,
            free_value: f.free_value,
            written_off_value: f.written_off_value,
            cost: f.cost,
            unbilled_scope_minutes: f.unbilled_scope_minutes,
            unbilled_scope_value: f.unbilled_scope_value,
            revenue: 0,
            over_servicing: 0,
            billed_value: 0,
        }
    }
}

/// Adds `delta` (figures, revenue, over-servicing) to a project's month and its client's month.
#[allow(clippy::too_many_arguments)]
pub async fn add(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
    client: Uuid,
    month: i32,
    delta: &Figures,
    revenue: i64,
    over: i64,
) -> Result<()> {
    add_many(c, ws, &[(project, client, month, *delta, revenue, over)]).await
}

/// Adds minutes to a person's month (utilisation).
pub async fn add_person(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    month: i32,
    minutes: i64,
    billable: i64,
) -> Result<()> {
    add_person_many(c, ws, &[(user, month, minutes, billable)]).await
}

/// Every month of one project, oldest first.
pub async fn project_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
) -> Result<Vec<MonthRow>> {
    PROJECT_MONTHS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await
}

/// Every month of one client, oldest first.
pub async fn client_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Vec<MonthRow>> {
    CLIENT_MONTHS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await
}

/// Totals of every project of a client (or of the workspace) over all months.
pub async fn project_totals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Option<Uuid>,
) -> Result<Vec<MonthRow>> {
    match client {
        Some(cl) => {
            PROJECT_TOTALS_OF_CLIENT
                .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(cl)])
                .await
        }
        None => PROJECT_TOTALS.fetch(c, &[Bind::Uuid(ws.uuid())]).await,
    }
}

/// All-time minutes of the given projects (a page of the project list).
pub async fn minutes_of_projects(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, i64)>> {
    crate::registry::fetch_in(c, &MINUTES_OF_PROJECTS, &[Bind::Uuid(ws.uuid())], ids).await
}

/// Per-project sums of one client over `[from, to)` months (the client's hub).
pub async fn projects_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<MonthRow>> {
    PROJECTS_BETWEEN
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(client),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

/// Per-client sums over `[from, to)` months (the radar's ranking and concentration).
/// Revenue, cost and over-servicing per client over the months `[from, to)` (the
/// satisfaction view's margins: four sums instead of every figure).
pub async fn client_margins(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<(Uuid, i64, i64, i64)>> {
    CLIENT_MARGINS
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

pub async fn clients_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<MonthRow>> {
    CLIENTS_BETWEEN
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

/// Months of several clients in `[from, to)` (trend sparklines).
pub async fn months_of_clients(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    clients: &[Uuid],
    from: i32,
    to: i32,
) -> Result<BTreeMap<Uuid, Vec<MonthRow>>> {
    let mut out: BTreeMap<Uuid, Vec<MonthRow>> = BTreeMap::new();
    let b = [
        Bind::Uuid(ws.uuid()),
        Bind::Int(i64::from(from)),
        Bind::Int(i64::from(to)),
    ];
    let rows: Vec<MonthRow> = crate::registry::fetch_in(c, &MONTHS_OF_CLIENTS, &b, clients).await?;
    for r in rows {
        out.entry(r.subject_id).or_default().push(r);
    }
    Ok(out)
}

/// A person's months in `[from, to)`: (month, minutes, billable minutes).
pub async fn person_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<(Uuid, i32, i64, i64)>> {
    PERSON_MONTHS
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

/// One change to a project's month: (project, client, month, figures, revenue, over-servicing).
pub type MonthDelta = (Uuid, Uuid, i32, Figures, i64, i64);

/// Adds many deltas at once to the project months and (summed per client and month) to the
/// client months.
pub async fn add_many(c: &mut Conn<'_>, ws: WorkspaceId, deltas: &[MonthDelta]) -> Result<()> {
    let ints = |month: i32, f: &Figures, rev: i64, over: i64| {
        let mut v = vec![i64::from(month)];
        v.extend(fig_values(f));
        v.push(rev);
        v.push(over);
        v
    };
    let rows: Vec<crate::time::bulk::Row> = deltas
        .iter()
        .map(|(p, cl, m, f, r, o)| (vec![ws.uuid(), *p, *cl], ints(*m, f, *r, *o)))
        .collect();
    ADD_PROJECT_MONTHS
        .run(c, &ADD_PROJECT_MONTHS_SQL, &rows)
        .await?;
    let mut per_client: BTreeMap<(Uuid, i32), (Figures, i64, i64)> = BTreeMap::new();
    for (_, cl, m, f, r, o) in deltas {
        let e = per_client.entry((*cl, *m)).or_default();
        e.0.add(f, 1)
            .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        e.1 =
            e.1.checked_add(*r)
                .ok_or_else(|| crate::StoreError::Corrupt("revenue overflow".into()))?;
        e.2 =
            e.2.checked_add(*o)
                .ok_or_else(|| crate::StoreError::Corrupt("over-servicing overflow".into()))?;
    }
    let rows: Vec<crate::time::bulk::Row> = per_client
        .iter()
        .map(|((cl, m), (f, r, o))| (vec![ws.uuid(), *cl], ints(*m, f, *r, *o)))
        .collect();
    ADD_CLIENT_MONTHS
        .run(c, &ADD_CLIENT_MONTHS_SQL, &rows)
        .await
}

/// Adds many (person, month, minutes, billable minutes) at once.
pub async fn add_person_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    rows: &[(Uuid, i32, i64, i64)],
) -> Result<()> {
    let rows: Vec<crate::time::bulk::Row> = rows
        .iter()
        .map(|(u, m, a, b)| (vec![ws.uuid(), *u], vec![i64::from(*m), *a, *b]))
        .collect();
    ADD_PERSON_MONTHS
        .run(c, &ADD_PERSON_MONTHS_SQL, &rows)
        .await
}

/// Adds many (person, day, minutes) at once (the 24-hour rule's running sums).
pub async fn add_days_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    rows: &[(Uuid, i32, i64)],
) -> Result<()> {
    let rows: Vec<crate::time::bulk::Row> = rows
        .iter()
        .map(|(u, d, m)| (vec![ws.uuid(), *u], vec![i64::from(*d), *m]))
        .collect();
    ADD_PERSON_DAYS.run(c, &ADD_PERSON_DAYS_SQL, &rows).await
}

/// Every month of the projects whose ids lie between `lo` and `hi` (both included), by project
/// then month: a bounded slice of a workspace's months (ids compare as bytes on both engines).
pub async fn project_months_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    lo: Uuid,
    hi: Uuid,
) -> Result<Vec<MonthRow>> {
    PROJECT_MONTHS_BETWEEN
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(lo), Bind::Uuid(hi)])
        .await
}

/// Every stored month of every project (`project`) or client (`client`) of a workspace, for
/// the totals check (a few rows per project and month).
pub async fn all_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    of_clients: bool,
) -> Result<Vec<MonthRow>> {
    let stmt = if of_clients {
        &ALL_CLIENT_MONTHS
    } else {
        &ALL_PROJECT_MONTHS
    };
    stmt.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// Every person's days: (person, day, minutes).
pub async fn all_person_days(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, i32, i64)>> {
    ALL_PERSON_DAYS.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

crate::registry::statements! {
    PROJECT_MONTHS(2) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT project_id AS subject_id, month, minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing, billed_value FROM project_months WHERE workspace_id = $1 AND project_id = $2 ORDER BY month";
    CLIENT_MONTHS(2) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT client_id AS subject_id, month, minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing, billed_value FROM client_months WHERE workspace_id = $1 AND client_id = $2 ORDER BY month";
    PROJECT_TOTALS(1) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT project_id AS subject_id, CAST(0 AS INTEGER) AS month, CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(billable_minutes) AS BIGINT) AS billable_minutes, CAST(SUM(billed_minutes) AS BIGINT) AS billed_minutes, CAST(SUM(value) AS BIGINT) AS value, CAST(SUM(unplanned_minutes) AS BIGINT) AS unplanned_minutes, CAST(SUM(free_minutes) AS BIGINT) AS free_minutes, CAST(SUM(written_off_minutes) AS BIGINT) AS written_off_minutes, CAST(SUM(billable_value) AS BIGINT) AS billable_value, CAST(SUM(unplanned_value) AS BIGINT) AS unplanned_value, CAST(SUM(free_value) AS BIGINT) AS free_value, CAST(SUM(written_off_value) AS BIGINT) AS written_off_value, CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(unbilled_scope_minutes) AS BIGINT) AS unbilled_scope_minutes, CAST(SUM(unbilled_scope_value) AS BIGINT) AS unbilled_scope_value, CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(over_servicing) AS BIGINT) AS over_servicing, CAST(SUM(billed_value) AS BIGINT) AS billed_value FROM project_months WHERE workspace_id = $1 GROUP BY project_id";
    PROJECT_TOTALS_OF_CLIENT(2) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT project_id AS subject_id, CAST(0 AS INTEGER) AS month, CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(billable_minutes) AS BIGINT) AS billable_minutes, CAST(SUM(billed_minutes) AS BIGINT) AS billed_minutes, CAST(SUM(value) AS BIGINT) AS value, CAST(SUM(unplanned_minutes) AS BIGINT) AS unplanned_minutes, CAST(SUM(free_minutes) AS BIGINT) AS free_minutes, CAST(SUM(written_off_minutes) AS BIGINT) AS written_off_minutes, CAST(SUM(billable_value) AS BIGINT) AS billable_value, CAST(SUM(unplanned_value) AS BIGINT) AS unplanned_value, CAST(SUM(free_value) AS BIGINT) AS free_value, CAST(SUM(written_off_value) AS BIGINT) AS written_off_value, CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(unbilled_scope_minutes) AS BIGINT) AS unbilled_scope_minutes, CAST(SUM(unbilled_scope_value) AS BIGINT) AS unbilled_scope_value, CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(over_servicing) AS BIGINT) AS over_servicing, CAST(SUM(billed_value) AS BIGINT) AS billed_value FROM project_months WHERE workspace_id = $1 AND client_id = $2 GROUP BY project_id";
    PROJECTS_BETWEEN(4) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT project_id AS subject_id, CAST(0 AS INTEGER) AS month, CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(billable_minutes) AS BIGINT) AS billable_minutes, CAST(SUM(billed_minutes) AS BIGINT) AS billed_minutes, CAST(SUM(value) AS BIGINT) AS value, CAST(SUM(unplanned_minutes) AS BIGINT) AS unplanned_minutes, CAST(SUM(free_minutes) AS BIGINT) AS free_minutes, CAST(SUM(written_off_minutes) AS BIGINT) AS written_off_minutes, CAST(SUM(billable_value) AS BIGINT) AS billable_value, CAST(SUM(unplanned_value) AS BIGINT) AS unplanned_value, CAST(SUM(free_value) AS BIGINT) AS free_value, CAST(SUM(written_off_value) AS BIGINT) AS written_off_value, CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(unbilled_scope_minutes) AS BIGINT) AS unbilled_scope_minutes, CAST(SUM(unbilled_scope_value) AS BIGINT) AS unbilled_scope_value, CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(over_servicing) AS BIGINT) AS over_servicing, CAST(SUM(billed_value) AS BIGINT) AS billed_value FROM project_months WHERE workspace_id = $1 AND client_id = $2 AND month >= $3 AND month < $4 GROUP BY project_id";
    CLIENT_MARGINS(3) ["client_id", "revenue", "cost", "over_servicing"] = "SELECT client_id, CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(over_servicing) AS BIGINT) AS over_servicing FROM client_months WHERE workspace_id = $1 AND month >= $2 AND month < $3 GROUP BY client_id";
    CLIENTS_BETWEEN(3) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT client_id AS subject_id, CAST(0 AS INTEGER) AS month, CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(billable_minutes) AS BIGINT) AS billable_minutes, CAST(SUM(billed_minutes) AS BIGINT) AS billed_minutes, CAST(SUM(value) AS BIGINT) AS value, CAST(SUM(unplanned_minutes) AS BIGINT) AS unplanned_minutes, CAST(SUM(free_minutes) AS BIGINT) AS free_minutes, CAST(SUM(written_off_minutes) AS BIGINT) AS written_off_minutes, CAST(SUM(billable_value) AS BIGINT) AS billable_value, CAST(SUM(unplanned_value) AS BIGINT) AS unplanned_value, CAST(SUM(free_value) AS BIGINT) AS free_value, CAST(SUM(written_off_value) AS BIGINT) AS written_off_value, CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(unbilled_scope_minutes) AS BIGINT) AS unbilled_scope_minutes, CAST(SUM(unbilled_scope_value) AS BIGINT) AS unbilled_scope_value, CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(over_servicing) AS BIGINT) AS over_servicing, CAST(SUM(billed_value) AS BIGINT) AS billed_value FROM client_months WHERE workspace_id = $1 AND month >= $2 AND month < $3 GROUP BY client_id";
    PROJECT_MONTHS_BETWEEN(3) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT project_id AS subject_id, month, minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing, billed_value FROM project_months WHERE workspace_id = $1 AND project_id >= $2 AND project_id <= $3 ORDER BY project_id, month";
    ALL_PROJECT_MONTHS(1) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT project_id AS subject_id, month, minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing, billed_value FROM project_months WHERE workspace_id = $1 ORDER BY project_id, month";
    ALL_CLIENT_MONTHS(1) ["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"] = "SELECT client_id AS subject_id, month, minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing, billed_value FROM client_months WHERE workspace_id = $1 ORDER BY client_id, month";
    PERSON_MONTHS(3) ["user_id", "month", "minutes", "billable_minutes"] = "SELECT user_id, month, minutes, billable_minutes FROM person_months WHERE workspace_id = $1 AND month >= $2 AND month < $3 ORDER BY user_id, month";
    ALL_PERSON_DAYS(1) ["user_id", "day", "minutes"] = "SELECT user_id, day, minutes FROM person_days WHERE workspace_id = $1";
    DAYS_BETWEEN(4) ["day", "minutes"] =
        "SELECT day, minutes FROM person_days WHERE workspace_id = $1 AND user_id = $2 AND day >= $3 AND day <= $4";
    DAYS(2) ["day", "minutes"] =
        "SELECT day, minutes FROM person_days WHERE workspace_id = $1 AND user_id = $2";
    MINUTES_BY_PERSON(3) ["user_id", "minutes"] =
        "SELECT user_id, CAST(SUM(minutes) AS BIGINT) AS minutes FROM person_days WHERE workspace_id = $1 AND day >= $2 AND day < $3 GROUP BY user_id";
    CLIENTS_REVENUE(3) ["revenue"] =
        "SELECT CAST(COALESCE(SUM(revenue), 0) AS BIGINT) AS revenue FROM client_months WHERE workspace_id = $1 AND month >= $2 AND month < $3";
}

/// The minutes of one person per day, every day, or from `from` to `to` (both included).
pub async fn days_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    between: Option<(i32, i32)>,
) -> Result<Vec<(i32, i64)>> {
    match between {
        Some((from, to)) => {
            DAYS_BETWEEN
                .fetch(
                    c,
                    &[
                        Bind::Uuid(ws.uuid()),
                        Bind::Uuid(user),
                        Bind::Int(i64::from(from)),
                        Bind::Int(i64::from(to)),
                    ],
                )
                .await
        }
        None => {
            DAYS.fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
                .await
        }
    }
}

/// The minutes of each person from day `from` to day `to` (excluded).
pub async fn minutes_by_person(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<(Uuid, i64)>> {
    MINUTES_BY_PERSON
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

/// The revenue of every client from month `from` to month `to` (excluded).
pub async fn clients_revenue(c: &mut Conn<'_>, ws: WorkspaceId, from: i32, to: i32) -> Result<i64> {
    let rows: Vec<(i64,)> = CLIENTS_REVENUE
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await?;
    Ok(rows.first().map(|x| x.0).unwrap_or(0))
}

/// The running totals' upserts: what each adds to.
/// A month row's integer columns: the month, then every figure, revenue and over-servicing,
/// which are what an upsert adds.
const MONTH_INTS: &[&str] = &[
    "month",
    "minutes",
    "billable_minutes",
    "billed_minutes",
    "value",
    "unplanned_minutes",
    "free_minutes",
    "written_off_minutes",
    "billable_value",
    "unplanned_value",
    "free_value",
    "written_off_value",
    "cost",
    "unbilled_scope_minutes",
    "unbilled_scope_value",
    "revenue",
    "over_servicing",
];
const MONTH_ADDS: &[&str] = MONTH_INTS.split_at(1).1;

const ADD_PROJECT_MONTHS: Upsert = Upsert {
    table: "project_months",
    uuid_cols: &["workspace_id", "project_id", "client_id"],
    int_cols: MONTH_INTS,
    keys: &["workspace_id", "project_id", "month"],
    add: MONTH_ADDS,
};
const ADD_CLIENT_MONTHS: Upsert = Upsert {
    table: "client_months",
    uuid_cols: &["workspace_id", "client_id"],
    int_cols: MONTH_INTS,
    keys: &["workspace_id", "client_id", "month"],
    add: MONTH_ADDS,
};
const ADD_PERSON_MONTHS: Upsert = Upsert {
    table: "person_months",
    uuid_cols: &["workspace_id", "user_id"],
    int_cols: &["month", "minutes", "billable_minutes"],
    keys: &["workspace_id", "user_id", "month"],
    add: &["minutes", "billable_minutes"],
};
const ADD_PERSON_DAYS: Upsert = Upsert {
    table: "person_days",
    uuid_cols: &["workspace_id", "user_id"],
    int_cols: &["day", "minutes"],
    keys: &["workspace_id", "user_id", "day"],
    add: &["minutes"],
};

crate::registry::family! {
    ADD_PROJECT_MONTHS_SQL: Key = || ADD_PROJECT_MONTHS.keys(), |k| ADD_PROJECT_MONTHS.sql(k);
}
crate::registry::family! {
    ADD_CLIENT_MONTHS_SQL: Key = || ADD_CLIENT_MONTHS.keys(), |k| ADD_CLIENT_MONTHS.sql(k);
}
crate::registry::family! {
    ADD_PERSON_MONTHS_SQL: Key = || ADD_PERSON_MONTHS.keys(), |k| ADD_PERSON_MONTHS.sql(k);
}
crate::registry::family! {
    ADD_PERSON_DAYS_SQL: Key = || ADD_PERSON_DAYS.keys(), |k| ADD_PERSON_DAYS.sql(k);
}
crate::registry::family! {
    /// All-time minutes of an `IN` list of projects, per registered length.
    MINUTES_OF_PROJECTS: usize = crate::registry::in_lengths, |n| Variant::both(
        format!("SELECT project_id, CAST(SUM(minutes) AS BIGINT) AS minutes FROM project_months WHERE workspace_id = $1 AND project_id IN ({}) GROUP BY project_id", numbered(2, *n)),
        n + 1,
        &["project_id", "minutes"],
    );
}
crate::registry::family! {
    /// Months in `[$2, $3)` of an `IN` list of clients, per registered length.
    MONTHS_OF_CLIENTS: usize = crate::registry::in_lengths, |n| Variant::both(
        format!("SELECT client_id AS subject_id, month, minutes, billable_minutes, billed_minutes, value, unplanned_minutes, free_minutes, written_off_minutes, billable_value, unplanned_value, free_value, written_off_value, cost, unbilled_scope_minutes, unbilled_scope_value, revenue, over_servicing, billed_value FROM client_months WHERE workspace_id = $1 AND month >= $2 AND month < $3 AND client_id IN ({}) ORDER BY client_id, month", numbered(4, *n)),
        n + 3,
        &["subject_id", "month", "minutes", "billable_minutes", "billed_minutes", "value", "unplanned_minutes", "free_minutes", "written_off_minutes", "billable_value", "unplanned_value", "free_value", "written_off_value", "cost", "unbilled_scope_minutes", "unbilled_scope_value", "revenue", "over_servicing", "billed_value"],
    );
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[
    &ADD_PROJECT_MONTHS_SQL,
    &ADD_CLIENT_MONTHS_SQL,
    &ADD_PERSON_MONTHS_SQL,
    &ADD_PERSON_DAYS_SQL,
    &MINUTES_OF_PROJECTS,
    &MONTHS_OF_CLIENTS,
];
