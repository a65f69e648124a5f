//! Running aggregates per project, client and person and month, kept up to date on every write
//! so that the radar reads a few hundred rows instead of millions of entries.
use crate::{Bind, Conn, Result, fetch};
use mesure_domain::WorkspaceId;
use mesure_domain::projects::engagement::Figures;
use std::collections::BTreeMap;
use uuid::Uuid;

const FIG: [&str; 14] = [
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
];

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
        let (s, m, r, ov) = (
            self.subject_id,
            self.month,
            self.revenue,
            self.over_servicing,
        );
        *self = MonthRow::from_figures(s, m, &f);
        self.revenue = r.saturating_add(o.revenue);
        self.over_servicing = ov.saturating_add(o.over_servicing);
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

/// `CAST(SUM(col) AS BIGINT) AS col` for every figure, revenue and over-servicing, joined.
fn sum_cols() -> String {
    FIG.iter()
        .chain(["revenue", "over_servicing"].iter())
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn month_cols(id_col: &str) -> String {
    format!(
        "{id_col} AS subject_id, month, {}, revenue, over_servicing",
        FIG.join(", ")
    )
}

/// Every month of one project, oldest first.
pub async fn project_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
) -> Result<Vec<MonthRow>> {
    let sql = format!(
        "SELECT {} FROM project_months WHERE workspace_id = $1 AND project_id = $2 ORDER BY month",
        month_cols("project_id")
    );
    fetch(c, &sql, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)]).await
}

/// Every month of one client, oldest first.
pub async fn client_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Vec<MonthRow>> {
    let sql = format!(
        "SELECT {} FROM client_months WHERE workspace_id = $1 AND client_id = $2 ORDER BY month",
        month_cols("client_id")
    );
    fetch(c, &sql, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)]).await
}

/// Totals of every project of a client (or of the workspace) over all months.
pub async fn project_totals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Option<Uuid>,
) -> Result<Vec<MonthRow>> {
    let sums = sum_cols();
    let mut b = vec![Bind::Uuid(ws.uuid())];
    let mut sql = format!(
        "SELECT project_id AS subject_id, CAST(0 AS INTEGER) AS month, {} FROM project_months WHERE workspace_id = $1",
        sums
    );
    if let Some(cl) = client {
        b.push(Bind::Uuid(cl));
        sql.push_str(" AND client_id = $2");
    }
    sql.push_str(" GROUP BY project_id");
    fetch(c, &sql, &b).await
}

/// All-time minutes of the given projects (a page of the project list).
pub async fn minutes_of_projects(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(200) {
        let mut b = vec![Bind::Uuid(ws.uuid())];
        b.extend(chunk.iter().map(|id| Bind::Uuid(*id)));
        let list = (2..=b.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT project_id, CAST(SUM(minutes) AS BIGINT) FROM project_months WHERE workspace_id = $1 AND project_id IN ({list}) GROUP BY project_id"
        );
        out.extend(fetch::<(Uuid, i64)>(c, &sql, &b).await?);
    }
    Ok(out)
}

/// Per-project sums of one client over `[from, to)` months (the client's hub).
pub async fn projects_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<MonthRow>> {
    let sums = sum_cols();
    let sql = format!(
        "SELECT project_id AS subject_id, CAST(0 AS INTEGER) AS month, {} FROM project_months WHERE workspace_id = $1 AND client_id = $2 AND month >= $3 AND month < $4 GROUP BY project_id",
        sums
    );
    fetch(
        c,
        &sql,
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
pub async fn clients_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<MonthRow>> {
    let sums = sum_cols();
    let sql = format!(
        "SELECT client_id AS subject_id, CAST(0 AS INTEGER) AS month, {} FROM client_months WHERE workspace_id = $1 AND month >= $2 AND month < $3 GROUP BY client_id",
        sums
    );
    fetch(
        c,
        &sql,
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
    if clients.is_empty() {
        return Ok(out);
    }
    let mut b = vec![
        Bind::Uuid(ws.uuid()),
        Bind::Int(i64::from(from)),
        Bind::Int(i64::from(to)),
    ];
    let mut ph = Vec::new();
    for cl in clients {
        b.push(Bind::Uuid(*cl));
        ph.push(format!("${}", b.len()));
    }
    let sql = format!(
        "SELECT {} FROM client_months WHERE workspace_id = $1 AND month >= $2 AND month < $3 AND client_id IN ({}) ORDER BY client_id, month",
        month_cols("client_id"),
        ph.join(", ")
    );
    let rows: Vec<MonthRow> = fetch(c, &sql, &b).await?;
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
    let mut add: Vec<&str> = FIG.to_vec();
    add.push("revenue");
    add.push("over_servicing");
    let ints = |month: i32, f: &Figures, rev: i64, over: i64| {
        let mut v = vec![i64::from(month)];
        v.extend(fig_values(f));
        v.push(rev);
        v.push(over);
        v
    };
    let mut int_cols = vec!["month"];
    int_cols.extend(add.iter().copied());
    let rows: Vec<crate::time::bulk::Row> = deltas
        .iter()
        .map(|(p, cl, m, f, r, o)| (vec![ws.uuid(), *p, *cl], ints(*m, f, *r, *o)))
        .collect();
    crate::time::bulk::upsert_add(
        c,
        "project_months",
        &["workspace_id", "project_id", "client_id"],
        &int_cols,
        &["workspace_id", "project_id", "month"],
        &add,
        &rows,
    )
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
    crate::time::bulk::upsert_add(
        c,
        "client_months",
        &["workspace_id", "client_id"],
        &int_cols,
        &["workspace_id", "client_id", "month"],
        &add,
        &rows,
    )
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
    crate::time::bulk::upsert_add(
        c,
        "person_months",
        &["workspace_id", "user_id"],
        &["month", "minutes", "billable_minutes"],
        &["workspace_id", "user_id", "month"],
        &["minutes", "billable_minutes"],
        &rows,
    )
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
    crate::time::bulk::upsert_add(
        c,
        "person_days",
        &["workspace_id", "user_id"],
        &["day", "minutes"],
        &["workspace_id", "user_id", "day"],
        &["minutes"],
        &rows,
    )
    .await
}

/// Every month of the projects whose ids lie between `lo` and `hi` (both included), by project
/// then month: a bounded slice of a workspace's months (ids compare as bytes on both engines).
pub async fn project_months_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    lo: Uuid,
    hi: Uuid,
) -> Result<Vec<MonthRow>> {
    let sql = format!(
        "SELECT {} FROM project_months WHERE workspace_id = $1 AND project_id >= $2 AND project_id <= $3 ORDER BY project_id, month",
        month_cols("project_id")
    );
    fetch(
        c,
        &sql,
        &[Bind::Uuid(ws.uuid()), Bind::Uuid(lo), Bind::Uuid(hi)],
    )
    .await
}

/// Every stored month of every project (`project`) or client (`client`) of a workspace, for
/// the totals check (a few rows per project and month).
pub async fn all_months(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    of_clients: bool,
) -> Result<Vec<MonthRow>> {
    let (table, col) = if of_clients {
        ("client_months", "client_id")
    } else {
        ("project_months", "project_id")
    };
    let sql = format!(
        "SELECT {} FROM {table} WHERE workspace_id = $1 ORDER BY {col}, month",
        month_cols(col)
    );
    fetch(c, &sql, &[Bind::Uuid(ws.uuid())]).await
}

/// Every person's days: (person, day, minutes).
pub async fn all_person_days(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, i32, i64)>> {
    ALL_PERSON_DAYS.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

crate::registry::statements! {
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
