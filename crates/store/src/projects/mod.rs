//! Projects and their scope: deliverables, milestones, change requests, rate cards and cost rates.
use crate::time::imports::visible;
use crate::{Bind, Conn, Result, StoreError, exec, fetch, fetch_one, opt_day};
use mesure_domain::projects::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, FixedRevenue, RolloverKind,
};
use mesure_domain::time::Rounding;
use mesure_domain::{Currency, ProjectId, WorkspaceId};
use uuid::Uuid;

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

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts many projects in multi-row statements (imports). `import`: the import that creates
/// them, hidden until it is published (`imports::visible`).
pub async fn insert_many(
    c: &mut Conn<'_>,
    rows: &[ProjectRow],
    import: Option<Uuid>,
) -> Result<()> {
    let b: Vec<Vec<Bind>> = rows
        .iter()
        .map(|r| {
            let mut b = binds(r);
            b.push(Bind::OptUuid(import));
            b
        })
        .collect();
    crate::time::bulk::insert_rows(c, "projects", &format!("{COLS}, import_id"), &b).await
}

pub async fn insert(c: &mut Conn<'_>, r: &ProjectRow) -> Result<()> {
    let b = binds(r);
    let sql = format!(
        "INSERT INTO projects ({COLS}) VALUES ({})",
        placeholders(b.len())
    );
    exec(c, &sql, &b).await?;
    Ok(())
}

/// Saves every field; `Conflict("version")` when the row changed meanwhile.
pub async fn update(c: &mut Conn<'_>, r: &ProjectRow, expected_version: i32) -> Result<()> {
    let mut b = binds(r);
    let sets: Vec<String> = COLS
        .split(", ")
        .enumerate()
        .filter(|(_, col)| !matches!(*col, "workspace_id" | "id" | "created_at" | "version"))
        .map(|(i, col)| format!("{col} = ${}", i + 1))
        .collect();
    b.push(Bind::Int(i64::from(expected_version)));
    let sql = format!(
        "UPDATE projects SET {}, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = ${}",
        sets.join(", "),
        b.len()
    );
    if exec(c, &sql, &b).await? == 0 {
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
    let mut b = vec![Bind::Uuid(ws.uuid())];
    let mut sql = format!(
        "SELECT {COLS} FROM projects WHERE workspace_id = $1 AND {}",
        visible("import_id")
    );
    if let Some(cl) = client {
        b.push(Bind::Uuid(cl));
        sql.push_str(" AND client_id = $2");
    }
    if !archived {
        sql.push_str(" AND archived_at IS NULL");
    }
    sql.push_str(" ORDER BY name_key, id");
    fetch(c, &sql, &b).await
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
    let mut b = vec![Bind::Uuid(ws.uuid())];
    let mut filter = format!(" WHERE workspace_id = $1 AND {}", visible("import_id"));
    if let Some(cl) = client {
        b.push(Bind::Uuid(cl));
        filter.push_str(&format!(" AND client_id = ${}", b.len()));
    }
    if !archived {
        filter.push_str(" AND archived_at IS NULL");
    }
    let total: (i64,) = fetch_one(
        c,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM projects{filter}"),
        &b,
    )
    .await?;
    if let Some((key, id)) = after {
        b.push(Bind::Text(key.clone()));
        b.push(Bind::Uuid(*id));
        filter.push_str(&format!(
            " AND (name_key > ${} OR (name_key = ${} AND id > ${}))",
            b.len() - 1,
            b.len() - 1,
            b.len()
        ));
    }
    let sql = format!(
        "SELECT {COLS} FROM projects{filter} ORDER BY name_key, id LIMIT {}",
        limit.clamp(1, 10_000)
    );
    Ok((fetch(c, &sql, &b).await?, total.0))
}

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

const MCOLS: &str =
    "workspace_id, id, project_id, name, amount_minor, due_on, reached_on, created_at";

pub async fn insert_milestone(c: &mut Conn<'_>, r: &MilestoneRow) -> Result<()> {
    let sql = format!("INSERT INTO milestones ({MCOLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    exec(
        c,
        &sql,
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
    let sql = format!(
        "SELECT {MCOLS} FROM milestones WHERE workspace_id = $1 AND project_id = $2 ORDER BY due_on, id"
    );
    fetch(c, &sql, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)]).await
}

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
    let sql = format!(
        "SELECT {COLS} FROM projects WHERE workspace_id = $1 AND {}",
        visible("import_id")
    );
    fetch(c, &sql, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn all_deliverables(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<DeliverableRow>> {
    ALL_DELIVERABLES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn all_changes(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<ChangeRow>> {
    ALL_CHANGES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn all_milestones(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<MilestoneRow>> {
    let sql = format!("SELECT {MCOLS} FROM milestones WHERE workspace_id = $1");
    fetch(c, &sql, &[Bind::Uuid(ws.uuid())]).await
}

crate::registry::statements! {
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
