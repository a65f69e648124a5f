//! Projects and their scope: deliverables, milestones, change requests, rate cards and cost rates.
use crate::registry::{Cond, Variant, Variants, conds_sql, presence};
use crate::{Bind, Conn, Result, StoreError, opt_day};
use mesure_domain::projects::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, FixedRevenue, RolloverKind,
};
use mesure_domain::time::Rounding;
use mesure_domain::{Currency, ProjectId, WorkspaceId};
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct ProjectRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub client_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub manager_id: Option<Uuid>,
    pub starts_on: Option<i32>,
    pub ends_on: Option<i32>,
    pub currency: Currency,
    pub billing_model: BillingModel,
    pub hourly_rate_minor: i64,
    pub cap_minor: Option<i64>,
    pub fixed_price_minor: Option<i64>,
    pub fixed_revenue: FixedRevenue,
    pub retainer_fee_minor: Option<i64>,
    pub retainer_included_minutes: Option<i64>,
    pub rollover: RolloverKind,
    pub rollover_months: i32,
    pub budget_minutes: Option<i64>,
    pub budget_minor: Option<i64>,
    pub budget_monthly: bool,
    pub rounding: Option<Rounding>,
    pub alert_thresholds: String,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, client_id, name, name_key, manager_id, starts_on, ends_on, currency, billing_model, hourly_rate_minor, cap_minor, fixed_price_minor, fixed_revenue, retainer_fee_minor, retainer_included_minutes, rollover, rollover_months, budget_minutes, budget_minor, budget_monthly, rounding, alert_thresholds, archived_at, created_at, updated_at, version"
    };
}
const COLS: &str = sql_cols!();

fn binds(r: &ProjectRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::Uuid(r.id),
        Bind::Uuid(r.client_id),
        Bind::Text(r.name.clone()),
        Bind::Text(r.name_key.clone()),
        Bind::OptUuid(r.manager_id),
        opt_day(r.starts_on),
        opt_day(r.ends_on),
        r.currency.into(),
        r.billing_model.into(),
        Bind::Int(r.hourly_rate_minor),
        Bind::OptInt(r.cap_minor),
        Bind::OptInt(r.fixed_price_minor),
        r.fixed_revenue.into(),
        Bind::OptInt(r.retainer_fee_minor),
        Bind::OptInt(r.retainer_included_minutes),
        r.rollover.into(),
        Bind::Int(i64::from(r.rollover_months)),
        Bind::OptInt(r.budget_minutes),
        Bind::OptInt(r.budget_minor),
        Bind::Bool(r.budget_monthly),
        r.rounding.into(),
        Bind::Text(r.alert_thresholds.clone()),
        Bind::OptInt(r.archived_at),
        Bind::Int(r.created_at),
        Bind::Int(r.updated_at),
        Bind::Int(i64::from(r.version)),
    ]
}

/// Inserts many projects in multi-row statements (imports). `import`: the import that creates
/// them, hidden until it is published (`imports::visible`).
pub async fn insert_many(
    c: &mut Conn<'_>,
    rows: &[ProjectRow],
    import: Option<Uuid>,
) -> Result<()> {
    let b = crate::time::bulk::with_import(rows, binds, import);
    INSERT_MANY.run(c, &INSERT_MANY_SQL, &b).await
}

pub async fn insert(c: &mut Conn<'_>, r: &ProjectRow) -> Result<()> {
    INSERT.exec(c, &binds(r)).await?;
    Ok(())
}

/// Saves every field; `Conflict("version")` when the row changed meanwhile.
pub async fn update(c: &mut Conn<'_>, r: &ProjectRow, expected_version: i32) -> Result<()> {
    let mut b = crate::registry::without(COLS, binds(r), &["created_at", "version"]);
    b.push(Bind::Int(i64::from(expected_version)));
    if UPDATE.exec(c, &b).await? == 0 {
        return Err(StoreError::Conflict("version".into()));
    }
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ProjectId) -> Result<ProjectRow> {
    GET.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id.uuid())])
        .await
}

/// Projects of the workspace (optionally of one client), by name; archived ones on request.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Option<Uuid>,
    archived: bool,
) -> Result<Vec<ProjectRow>> {
    let (on, mut b) = crate::registry::present([client.map(|cl| vec![Bind::Uuid(cl)])]);
    b.insert(0, Bind::Uuid(ws.uuid()));
    LIST.get(&(on, archived))?.fetch(c, &b).await
}

/// One page of projects by name after the keyset cursor `(name_key, id)`, with the number of
/// projects matching the filters: lists never stop silently at a cap.
pub async fn page(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Option<Uuid>,
    archived: bool,
    after: Option<&(String, Uuid)>,
    limit: i64,
) -> Result<(Vec<ProjectRow>, i64)> {
    let (on, mut b) = crate::registry::present([client.map(|cl| vec![Bind::Uuid(cl)])]);
    b.insert(0, Bind::Uuid(ws.uuid()));
    let total: (i64,) = COUNT.get(&(on, archived))?.fetch_one(c, &b).await?;
    let cursor = after.map(|(key, id)| vec![Bind::Text(key.clone()), Bind::Uuid(*id)]);
    let key = ([on[0], cursor.is_some()], archived);
    b.extend(cursor.into_iter().flatten());
    b.push(Bind::Int(limit.clamp(1, 10_000)));
    Ok((PAGE.get(&key)?.fetch(c, &b).await?, total.0))
}

/// The list's optional conditions: the client, then the keyset cursor `(name_key, id)`.
const CONDS: [Cond; 2] = [
    (" AND client_id = ?1", 1),
    (" AND (name_key > ?1 OR (name_key = ?1 AND id > ?2))", 2),
];

/// ` WHERE …` with the conditions present and, unless `archived`, only live projects.
fn filter_sql(on: &[bool], archived: bool) -> (String, usize) {
    let (conds, next) = conds_sql(&CONDS, on, 2);
    let live = if archived {
        ""
    } else {
        " AND archived_at IS NULL"
    };
    (
        format!(
            " WHERE workspace_id = $1 AND {}{conds}{live}",
            crate::time::imports::visible("import_id")
        ),
        next,
    )
}

/// Keys: which of the client (and cursor) conditions are present, and whether archived
/// projects are in.
fn keys<const N: usize>() -> Vec<([bool; N], bool)> {
    presence::<N>()
        .into_iter()
        .flat_map(|p| [(p, false), (p, true)])
        .collect()
}

crate::registry::family! {
    /// Projects by name, per client filter and archive choice.
    LIST: ([bool; 1], bool) = keys::<1>, |(on, archived)| {
        let (w, next) = filter_sql(on, *archived);
        Variant::both(format!("SELECT {COLS} FROM projects{w} ORDER BY name_key, id"), next - 1, &COLS.split(", ").collect::<Vec<_>>())
    };
}
crate::registry::family! {
    /// How many projects match, per client filter and archive choice.
    COUNT: ([bool; 1], bool) = keys::<1>, |(on, archived)| {
        let (w, next) = filter_sql(on, *archived);
        Variant::both(format!("SELECT CAST(COUNT(*) AS BIGINT) AS total FROM projects{w}"), next - 1, &["total"])
    };
}
crate::registry::family! {
    /// A page of projects by name, per client filter, cursor and archive choice.
    PAGE: ([bool; 2], bool) = keys::<2>, |(on, archived)| {
        let (w, next) = filter_sql(on, *archived);
        Variant::both(format!("SELECT {COLS} FROM projects{w} ORDER BY name_key, id LIMIT ${next}"), next, &COLS.split(", ").collect::<Vec<_>>())
    };
}
const INSERT_MANY: crate::time::bulk::Insert = crate::time::bulk::Insert {
    table: "projects",
    cols: concat!(sql_cols!(), ", import_id"),
    max_rows: None,
    sqlite_only: false,
};
crate::registry::family! {
    /// Projects in multi-row inserts, per engine and row count.
    INSERT_MANY_SQL: crate::time::bulk::Key = || INSERT_MANY.keys(), |k| INSERT_MANY.sql(k);
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[&LIST, &COUNT, &PAGE, &INSERT_MANY_SQL];

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct DeliverableRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub estimate_minutes: i64,
    pub owner_id: Option<Uuid>,
    pub status: DeliverableStatus,
    pub accepted_on: Option<i32>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}
}

macro_rules! sql_dcols {
    () => {
        "workspace_id, id, project_id, name, name_key, estimate_minutes, owner_id, status, accepted_on, created_at, updated_at, version"
    };
}

pub async fn insert_deliverable(c: &mut Conn<'_>, r: &DeliverableRow) -> Result<()> {
    INSERT_DELIVERABLE
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Uuid(r.project_id),
                Bind::Text(r.name.clone()),
                Bind::Text(r.name_key.clone()),
                Bind::Int(r.estimate_minutes),
                Bind::OptUuid(r.owner_id),
                r.status.into(),
                opt_day(r.accepted_on),
                Bind::Int(r.created_at),
                Bind::Int(r.updated_at),
                Bind::Int(i64::from(r.version)),
            ],
        )
        .await?;
    Ok(())
}

pub async fn update_deliverable(c: &mut Conn<'_>, r: &DeliverableRow, expected: i32) -> Result<()> {
    let n = UPDATE_DELIVERABLE
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Text(r.name.clone()),
                Bind::Text(r.name_key.clone()),
                Bind::Int(r.estimate_minutes),
                Bind::OptUuid(r.owner_id),
                r.status.into(),
                opt_day(r.accepted_on),
                Bind::Int(r.updated_at),
                Bind::Int(i64::from(expected)),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("version".into()));
    }
    Ok(())
}

pub async fn deliverables(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
) -> Result<Vec<DeliverableRow>> {
    DELIVERABLES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await
}

pub async fn deliverable(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<DeliverableRow> {
    DELIVERABLE
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct MilestoneRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub amount_minor: i64,
    pub due_on: i32,
    pub reached_on: Option<i32>,
    pub created_at: i64,
}
}

macro_rules! sql_mcols {
    () => {
        "workspace_id, id, project_id, name, amount_minor, due_on, reached_on, created_at"
    };
}

pub async fn insert_milestone(c: &mut Conn<'_>, r: &MilestoneRow) -> Result<()> {
    INSERT_MILESTONE
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Uuid(r.project_id),
                Bind::Text(r.name.clone()),
                Bind::Int(r.amount_minor),
                Bind::Int(i64::from(r.due_on)),
                opt_day(r.reached_on),
                Bind::Int(r.created_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn set_milestone_reached(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    reached_on: Option<i32>,
) -> Result<()> {
    let n = SET_MILESTONE_REACHED
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), opt_day(reached_on)],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn milestones(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
) -> Result<Vec<MilestoneRow>> {
    MILESTONES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct ChangeRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub description: String,
    pub extra_minutes: i64,
    pub price_minor: i64,
    pub status: ChangeStatus,
    pub decided_on: Option<i32>,
    pub decided_by: Option<Uuid>,
    pub logged_minutes: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}
}

macro_rules! sql_ccols {
    () => {
        "workspace_id, id, project_id, title, description, extra_minutes, price_minor, status, decided_on, decided_by, logged_minutes, created_at, updated_at, version"
    };
}

pub async fn insert_change(c: &mut Conn<'_>, r: &ChangeRow) -> Result<()> {
    INSERT_CHANGE
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Uuid(r.project_id),
                Bind::Text(r.title.clone()),
                Bind::Text(r.description.clone()),
                Bind::Int(r.extra_minutes),
                Bind::Int(r.price_minor),
                r.status.into(),
                opt_day(r.decided_on),
                Bind::OptUuid(r.decided_by),
                Bind::Int(r.logged_minutes),
                Bind::Int(r.created_at),
                Bind::Int(r.updated_at),
                Bind::Int(i64::from(r.version)),
            ],
        )
        .await?;
    Ok(())
}

/// Moves a change request to a new status, only from `from_status` (so that a request is
/// approved once): `Conflict("change_requests_status")` otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn set_change_status(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    from_status: &str,
    to_status: &str,
    decided_on: Option<i32>,
    decided_by: Option<Uuid>,
    now: i64,
) -> Result<()> {
    let n = SET_CHANGE_STATUS
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::Text(from_status.into()),
                Bind::Text(to_status.into()),
                opt_day(decided_on),
                Bind::OptUuid(decided_by),
                Bind::Int(now),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("change_requests_status".into()));
    }
    Ok(())
}

pub async fn changes(c: &mut Conn<'_>, ws: WorkspaceId, project: Uuid) -> Result<Vec<ChangeRow>> {
    CHANGES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await
}

pub async fn change(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<ChangeRow> {
    CHANGE
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

/// Adds minutes to a deliverable's running total (every time-entry write keeps it).
pub async fn add_deliverable_minutes(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    delta: i64,
) -> Result<()> {
    ADD_DELIVERABLE_MINUTES
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::Int(delta)],
        )
        .await?;
    Ok(())
}

/// Minutes logged per deliverable of a project (the running totals).
pub async fn deliverable_minutes(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    project: Uuid,
) -> Result<Vec<(Uuid, i64)>> {
    DELIVERABLE_MINUTES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await
}

pub async fn add_change_minutes(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    delta: i64,
) -> Result<()> {
    ADD_CHANGE_MINUTES
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::Int(delta)],
        )
        .await?;
    Ok(())
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct RateRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub project_id: Option<Uuid>,
    pub user_id: Uuid,
    pub rate_minor: i64,
    pub valid_from: i32,
    pub created_at: i64,
}
}

pub async fn insert_rate(c: &mut Conn<'_>, r: &RateRow) -> Result<()> {
    INSERT_RATE
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::OptUuid(r.project_id),
                Bind::Uuid(r.user_id),
                Bind::Int(r.rate_minor),
                Bind::Int(i64::from(r.valid_from)),
                Bind::Int(r.created_at),
            ],
        )
        .await?;
    Ok(())
}

/// Rate cards of a person: their workspace-wide rates and their rates on one project.
pub async fn rates_of(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Vec<RateRow>> {
    RATES_OF
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await
}

pub async fn all_rates(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<RateRow>> {
    ALL_RATES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// Takes the row locks of projects until the transaction ends, in id order (no two writers wait
/// on each other in a cycle): a recomputation of earned revenue reads the project's months and
/// writes what they earn, and two servers must not interleave those. No-op on SQLite, whose
/// writes are serialised.
pub async fn lock(c: &mut Conn<'_>, ws: WorkspaceId, ids: &[Uuid]) -> Result<()> {
    if let Conn::Pg(_) = c {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            LOCK.exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
                .await?;
        }
    }
    Ok(())
}

/// Every project of the workspace, archived or not (batch recomputation).
pub async fn all(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<ProjectRow>> {
    ALL.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn all_deliverables(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<DeliverableRow>> {
    ALL_DELIVERABLES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn all_changes(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<ChangeRow>> {
    ALL_CHANGES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn all_milestones(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<MilestoneRow>> {
    ALL_MILESTONES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

crate::registry::statements! {
    INSERT(27) [] = concat!("INSERT INTO projects (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)");
    UPDATE(26) [] = "UPDATE projects SET client_id = $3, name = $4, name_key = $5, manager_id = $6, starts_on = $7, ends_on = $8, currency = $9, billing_model = $10, hourly_rate_minor = $11, cap_minor = $12, fixed_price_minor = $13, fixed_revenue = $14, retainer_fee_minor = $15, retainer_included_minutes = $16, rollover = $17, rollover_months = $18, budget_minutes = $19, budget_minor = $20, budget_monthly = $21, rounding = $22, alert_thresholds = $23, archived_at = $24, updated_at = $25, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $26";
    ALL(1) ["workspace_id", "id", "client_id", "name", "name_key", "manager_id", "starts_on", "ends_on", "currency", "billing_model", "hourly_rate_minor", "cap_minor", "fixed_price_minor", "fixed_revenue", "retainer_fee_minor", "retainer_included_minutes", "rollover", "rollover_months", "budget_minutes", "budget_minor", "budget_monthly", "rounding", "alert_thresholds", "archived_at", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_cols!(), " FROM projects WHERE workspace_id = $1 AND ", crate::registry::visible_sql!("import_id"));
    INSERT_MILESTONE(8) [] = concat!("INSERT INTO milestones (", sql_mcols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    MILESTONES(2) ["workspace_id", "id", "project_id", "name", "amount_minor", "due_on", "reached_on", "created_at"] = concat!("SELECT ", sql_mcols!(), " FROM milestones WHERE workspace_id = $1 AND project_id = $2 ORDER BY due_on, id");
    ALL_MILESTONES(1) ["workspace_id", "id", "project_id", "name", "amount_minor", "due_on", "reached_on", "created_at"] = concat!("SELECT ", sql_mcols!(), " FROM milestones WHERE workspace_id = $1");
    GET(2) ["workspace_id", "id", "client_id", "name", "name_key", "manager_id", "starts_on", "ends_on", "currency", "billing_model", "hourly_rate_minor", "cap_minor", "fixed_price_minor", "fixed_revenue", "retainer_fee_minor", "retainer_included_minutes", "rollover", "rollover_months", "budget_minutes", "budget_minor", "budget_monthly", "rounding", "alert_thresholds", "archived_at", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_cols!(), " FROM projects WHERE workspace_id = $1 AND id = $2");
    INSERT_DELIVERABLE(12) [] = concat!("INSERT INTO deliverables (", sql_dcols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    DELIVERABLES(2) ["workspace_id", "id", "project_id", "name", "name_key", "estimate_minutes", "owner_id", "status", "accepted_on", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_dcols!(), " FROM deliverables WHERE workspace_id = $1 AND project_id = $2 ORDER BY created_at, id");
    DELIVERABLE(2) ["workspace_id", "id", "project_id", "name", "name_key", "estimate_minutes", "owner_id", "status", "accepted_on", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_dcols!(), " FROM deliverables WHERE workspace_id = $1 AND id = $2");
    INSERT_CHANGE(14) [] = concat!("INSERT INTO change_requests (", sql_ccols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
    CHANGES(2) ["workspace_id", "id", "project_id", "title", "description", "extra_minutes", "price_minor", "status", "decided_on", "decided_by", "logged_minutes", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_ccols!(), " FROM change_requests WHERE workspace_id = $1 AND project_id = $2 ORDER BY created_at, id");
    CHANGE(2) ["workspace_id", "id", "project_id", "title", "description", "extra_minutes", "price_minor", "status", "decided_on", "decided_by", "logged_minutes", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_ccols!(), " FROM change_requests WHERE workspace_id = $1 AND id = $2");
    ALL_DELIVERABLES(1) ["workspace_id", "id", "project_id", "name", "name_key", "estimate_minutes", "owner_id", "status", "accepted_on", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_dcols!(), " FROM deliverables WHERE workspace_id = $1");
    ALL_CHANGES(1) ["workspace_id", "id", "project_id", "title", "description", "extra_minutes", "price_minor", "status", "decided_on", "decided_by", "logged_minutes", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_ccols!(), " FROM change_requests WHERE workspace_id = $1");
    UPDATE_DELIVERABLE(10) [] = "UPDATE deliverables SET name = $3, name_key = $4, estimate_minutes = $5, owner_id = $6, status = $7, accepted_on = $8, updated_at = $9, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $10";
    SET_MILESTONE_REACHED(3) [] = "UPDATE milestones SET reached_on = $3 WHERE workspace_id = $1 AND id = $2";
    SET_CHANGE_STATUS(7) [] = "UPDATE change_requests SET status = $4, decided_on = $5, decided_by = $6, updated_at = $7, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND status = $3";
    ADD_DELIVERABLE_MINUTES(3) [] = "UPDATE deliverables SET logged_minutes = logged_minutes + $3 WHERE workspace_id = $1 AND id = $2";
    DELIVERABLE_MINUTES(2) ["id", "logged_minutes"] = "SELECT id, logged_minutes FROM deliverables WHERE workspace_id = $1 AND project_id = $2";
    ADD_CHANGE_MINUTES(3) [] = "UPDATE change_requests SET logged_minutes = logged_minutes + $3 WHERE workspace_id = $1 AND id = $2";
    INSERT_RATE(7) [] = "INSERT INTO project_rates (workspace_id, id, project_id, user_id, rate_minor, valid_from, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    RATES_OF(2) ["workspace_id", "id", "project_id", "user_id", "rate_minor", "valid_from", "created_at"] = "SELECT workspace_id, id, project_id, user_id, rate_minor, valid_from, created_at FROM project_rates WHERE workspace_id = $1 AND user_id = $2 ORDER BY valid_from, created_at";
    ALL_RATES(1) ["workspace_id", "id", "project_id", "user_id", "rate_minor", "valid_from", "created_at"] = "SELECT workspace_id, id, project_id, user_id, rate_minor, valid_from, created_at FROM project_rates WHERE workspace_id = $1 ORDER BY user_id, valid_from, created_at";
    LOCK(2) ["id"] @postgres = "SELECT id FROM projects WHERE workspace_id = $1 AND id = $2 FOR NO KEY UPDATE";
    MILESTONE_PROJECT(2) ["project_id"] =
        "SELECT project_id FROM milestones WHERE workspace_id = $1 AND id = $2";
    DELIVERABLE_NAMES(1) ["id", "name"] =
        "SELECT id, name FROM deliverables WHERE workspace_id = $1";
    DELIVERABLE_LABELS(1) ["id", "project_id", "name"] =
        "SELECT id, project_id, name FROM deliverables WHERE workspace_id = $1 ORDER BY name_key";
    ACTIVE_RETAINERS(1) ["id"] =
        "SELECT id FROM projects WHERE workspace_id = $1 AND billing_model = 'retainer' AND archived_at IS NULL";
    NAMES_BY_AGE(1) ["id", "client_id", "name"] = concat!(
        "SELECT id, client_id, name FROM projects WHERE workspace_id = $1 AND ",
        crate::registry::visible_sql!("import_id"),
        " ORDER BY created_at, id"
    );
    ARCHIVED_SINCE(2) ["id"] =
        "SELECT id FROM projects WHERE workspace_id = $1 AND archived_at >= $2";
    RATED_SINCE(2) ["user_id"] =
        "SELECT user_id FROM project_rates WHERE workspace_id = $1 AND created_at >= $2 UNION SELECT user_id FROM cost_rates WHERE workspace_id = $1 AND created_at >= $2";
}

/// The project a milestone belongs to.
pub async fn milestone_project(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<Uuid> {
    let r: (Uuid,) = MILESTONE_PROJECT
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await?;
    Ok(r.0)
}

/// Every deliverable's id and name.
pub async fn deliverable_names(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, String)>> {
    DELIVERABLE_NAMES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// Every deliverable's id, project and name, by name.
pub async fn deliverable_labels(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
) -> Result<Vec<(Uuid, Uuid, String)>> {
    DELIVERABLE_LABELS.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// The retainers that are not archived.
pub async fn active_retainers(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = ACTIVE_RETAINERS.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Every visible project's id, client and name, oldest first (an import matches names to the
/// oldest).
pub async fn names_by_age(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, Uuid, String)>> {
    NAMES_BY_AGE.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// The projects archived at or after `since`.
pub async fn archived_since(c: &mut Conn<'_>, ws: WorkspaceId, since: i64) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = ARCHIVED_SINCE
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(since)])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The people given a project rate or a cost rate at or after `since`.
pub async fn rated_since(c: &mut Conn<'_>, ws: WorkspaceId, since: i64) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = RATED_SINCE
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(since)])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
