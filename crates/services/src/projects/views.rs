//! What a reader is shown of projects and their scope: money only for readers the permission
//! table lets see it (`ProjectsAction::ReadMoney`); store rows stay in services.
use crate::Ctx;
use mesure_domain::projects::engagement::{
    BillingModel, ChangeStatus, DeliverableStatus, FixedRevenue, RolloverKind,
};
use mesure_domain::time::Rounding;
use mesure_domain::{Currency, ProjectsAction};
use mesure_store::projects::{ChangeRow, DeliverableRow, MilestoneRow, ProjectRow};
use uuid::Uuid;

/// Whether `ctx` may see money; the one place a view decides to carry it.
pub fn sees_money(ctx: &Ctx) -> bool {
    ctx.may(ProjectsAction::ReadMoney)
}

/// A project as its reader may see it.
#[derive(Clone, Debug)]
pub struct ProjectView {
    pub id: Uuid,
    pub client_id: Uuid,
    pub name: String,
    /// For ordering and cursors.
    pub name_key: String,
    pub manager_id: Option<Uuid>,
    /// `YYYYMMDD`.
    pub starts_on: Option<i32>,
    pub ends_on: Option<i32>,
    pub currency: Currency,
    pub billing_model: BillingModel,
    pub fixed_revenue: FixedRevenue,
    pub retainer_included_minutes: Option<i64>,
    pub rollover: RolloverKind,
    pub rollover_months: i32,
    pub budget_minutes: Option<i64>,
    pub budget_monthly: bool,
    /// `None`: the client's rule.
    pub rounding: Option<Rounding>,
    pub alert_thresholds: String,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
    /// Absent for readers who may not see money.
    pub money: Option<ProjectMoney>,
}

/// A project's amounts, in minor units of its currency.
#[derive(Clone, Debug)]
pub struct ProjectMoney {
    pub hourly_rate: i64,
    pub cap: Option<i64>,
    pub fixed_price: Option<i64>,
    pub retainer_fee: Option<i64>,
    pub budget: Option<i64>,
}

impl ProjectView {
    /// `p` as `ctx` may see it; typed states come typed from the row.
    pub fn of(ctx: &Ctx, p: &ProjectRow) -> ProjectView {
        ProjectView {
            id: p.id,
            client_id: p.client_id,
            name: p.name.clone(),
            name_key: p.name_key.clone(),
            manager_id: p.manager_id,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            currency: p.currency,
            billing_model: p.billing_model,
            fixed_revenue: p.fixed_revenue,
            retainer_included_minutes: p.retainer_included_minutes,
            rollover: p.rollover,
            rollover_months: p.rollover_months,
            budget_minutes: p.budget_minutes,
            budget_monthly: p.budget_monthly,
            rounding: p.rounding,
            alert_thresholds: p.alert_thresholds.clone(),
            archived: p.archived_at.is_some(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
            money: sees_money(ctx).then_some(ProjectMoney {
                hourly_rate: p.hourly_rate_minor,
                cap: p.cap_minor,
                fixed_price: p.fixed_price_minor,
                retainer_fee: p.retainer_fee_minor,
                budget: p.budget_minor,
            }),
        }
    }

    pub fn all(ctx: &Ctx, rows: &[ProjectRow]) -> Vec<ProjectView> {
        rows.iter().map(|p| ProjectView::of(ctx, p)).collect()
    }
}

/// A deliverable with its typed status.
#[derive(Clone, Debug)]
pub struct DeliverableView {
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub estimate_minutes: i64,
    pub owner_id: Option<Uuid>,
    pub status: DeliverableStatus,
    pub accepted_on: Option<i32>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}

impl DeliverableView {
    pub fn of(d: &DeliverableRow) -> DeliverableView {
        DeliverableView {
            id: d.id,
            project_id: d.project_id,
            name: d.name.clone(),
            estimate_minutes: d.estimate_minutes,
            owner_id: d.owner_id,
            status: d.status,
            accepted_on: d.accepted_on,
            created_at: d.created_at,
            updated_at: d.updated_at,
            version: d.version,
        }
    }

    pub fn all(rows: &[DeliverableRow]) -> Vec<DeliverableView> {
        rows.iter().map(DeliverableView::of).collect()
    }
}

/// A fixed-fee milestone; its amount only for readers who may see money.
#[derive(Clone, Debug)]
pub struct MilestoneView {
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub due_on: i32,
    pub reached_on: Option<i32>,
    pub created_at: i64,
    /// Minor units; absent for readers who may not see money.
    pub amount: Option<i64>,
}

impl MilestoneView {
    pub fn of(ctx: &Ctx, m: &MilestoneRow) -> MilestoneView {
        MilestoneView {
            id: m.id,
            project_id: m.project_id,
            name: m.name.clone(),
            due_on: m.due_on,
            reached_on: m.reached_on,
            created_at: m.created_at,
            amount: sees_money(ctx).then_some(m.amount_minor),
        }
    }

    pub fn all(ctx: &Ctx, rows: &[MilestoneRow]) -> Vec<MilestoneView> {
        rows.iter().map(|m| MilestoneView::of(ctx, m)).collect()
    }
}

/// A change request; its price only for readers who may see money.
#[derive(Clone, Debug)]
pub struct ChangeView {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub description: String,
    pub extra_minutes: i64,
    pub status: ChangeStatus,
    pub decided_on: Option<i32>,
    pub decided_by: Option<Uuid>,
    pub logged_minutes: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
    /// Minor units; absent for readers who may not see money.
    pub price: Option<i64>,
}

impl ChangeView {
    pub fn of(ctx: &Ctx, c: &ChangeRow) -> ChangeView {
        ChangeView {
            id: c.id,
            project_id: c.project_id,
            title: c.title.clone(),
            description: c.description.clone(),
            extra_minutes: c.extra_minutes,
            status: c.status,
            decided_on: c.decided_on,
            decided_by: c.decided_by,
            logged_minutes: c.logged_minutes,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
            price: sees_money(ctx).then_some(c.price_minor),
        }
    }

    pub fn all(ctx: &Ctx, rows: &[ChangeRow]) -> Vec<ChangeView> {
        rows.iter().map(|c| ChangeView::of(ctx, c)).collect()
    }
}
