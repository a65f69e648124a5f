//! What each person costs per hour, from a date (the labour cost of margin).
use crate::{Bind, Conn, Result, opt_day};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct CostRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub cost_minor: i64,
    pub currency: String,
    pub valid_from: i32,
    pub valid_to: Option<i32>,
    pub created_at: i64,
}
}

pub async fn insert_cost(c: &mut Conn<'_>, r: &CostRow) -> Result<()> {
    INSERT_COST
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Uuid(r.user_id),
                Bind::Int(r.cost_minor),
                Bind::Text(r.currency.clone()),
                Bind::Int(i64::from(r.valid_from)),
                opt_day(r.valid_to),
                Bind::Int(r.created_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn costs_of(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Vec<CostRow>> {
    COSTS_OF
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await
}

pub async fn all_costs(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<CostRow>> {
    ALL_COSTS.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

crate::registry::statements! {
    INSERT_COST(8) [] = "INSERT INTO cost_rates (workspace_id, id, user_id, cost_minor, currency, valid_from, valid_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    COSTS_OF(2) ["workspace_id", "id", "user_id", "cost_minor", "currency", "valid_from", "valid_to", "created_at"] = "SELECT workspace_id, id, user_id, cost_minor, currency, valid_from, valid_to, created_at FROM cost_rates WHERE workspace_id = $1 AND user_id = $2 ORDER BY valid_from, created_at";
    ALL_COSTS(1) ["workspace_id", "id", "user_id", "cost_minor", "currency", "valid_from", "valid_to", "created_at"] = "SELECT workspace_id, id, user_id, cost_minor, currency, valid_from, valid_to, created_at FROM cost_rates WHERE workspace_id = $1 ORDER BY user_id, valid_from, created_at";
}
