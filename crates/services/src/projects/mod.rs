//! Projects and their scope: create and edit projects, deliverables, milestones, change requests,
//! rate cards and cost rates. Every change that moves revenue recomputes the project's figures.
pub mod views;

use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::ProjectsAction;
use mesure_domain::forms::{amount_field, parse_day, rate_field};
use mesure_domain::projects::engagement::{ChangeStatus, DeliverableStatus, day_key};
use mesure_domain::projects::forms::{ChangeForm, DeliverableForm, ProjectFields, ProjectInput};
use mesure_domain::{
    ChangeRequestId, ClientId, DeliverableId, Invalid, MilestoneId, ProjectId, RateId, UserId,
};
use mesure_store::people::costs::{self, CostRow};
use mesure_store::projects::{self, ChangeRow, DeliverableRow, MilestoneRow, ProjectRow, RateRow};
use mesure_store::{Conn, clients, people::users};
use uuid::Uuid;
pub use views::{
    ChangeView, DeliverableView, MilestoneView, ProjectMoney, ProjectView, sees_money,
};

fn fill(row: &mut ProjectRow, i: ProjectInput) {
    row.client_id = i.client_id;
    row.name_key = mesure_domain::text::name_key(&i.name);
    row.name = i.name;
    row.manager_id = i.manager_id;
    row.starts_on = i.starts_on;
    row.ends_on = i.ends_on;
    row.currency = i.currency;
    row.billing_model = i.billing_model;
    row.hourly_rate_minor = i.hourly_rate_minor;
    row.cap_minor = i.cap_minor;
    row.fixed_price_minor = i.fixed_price_minor;
    row.fixed_revenue = i.fixed_revenue;
    row.retainer_fee_minor = i.retainer_fee_minor;
    row.retainer_included_minutes = i.retainer_included_minutes;
    row.rollover = i.rollover;
    row.rollover_months = i.rollover_months;
    row.budget_minutes = i.budget_minutes;
    row.budget_minor = i.budget_minor;
    row.budget_monthly = i.budget_monthly;
    row.rounding = i.rounding;
    row.alert_thresholds = i.alert_thresholds;
}

async fn check_refs(c: &mut Conn<'_>, ctx: &Ctx, i: &ProjectInput) -> Result<()> {
    match clients::get(c, ctx.workspace, ClientId::from_uuid(i.client_id)).await {
        Ok(_) => {}
        Err(mesure_store::StoreError::NotFound) => {
            return Err(Invalid::one("client_id", "err-not-found").into());
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(m) = i.manager_id {
        match users::get_staff(c, ctx.workspace, UserId::from_uuid(m)).await {
            Ok(u) if u.kind == mesure_domain::UserKind::Staff => {}
            Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("manager_id", "err-not-found").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Creates a project from the HTML form or the JSON body (both lend their [`ProjectFields`]).
pub async fn create<'a>(
    app: &App,
    ctx: &Ctx,
    fields: impl Into<ProjectFields<'a>>,
) -> Result<ProjectView> {
    ctx.require(ProjectsAction::Write)?;
    let input = fields.into().check(ctx.workspace_currency)?;
    let now = app.now();
    let mut row = ProjectRow {
        workspace_id: ctx.workspace.uuid(),
        id: ProjectId::new().uuid(),
        client_id: input.client_id,
        name: String::new(),
        name_key: String::new(),
        manager_id: None,
        starts_on: None,
        ends_on: None,
        currency: input.currency,
        billing_model: input.billing_model,
        hourly_rate_minor: 0,
        cap_minor: None,
        fixed_price_minor: None,
        fixed_revenue: input.fixed_revenue,
        retainer_fee_minor: None,
        retainer_included_minutes: None,
        rollover: input.rollover,
        rollover_months: 0,
        budget_minutes: None,
        budget_minor: None,
        budget_monthly: false,
        rounding: None,
        alert_thresholds: String::new(),
        archived_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    crate::write_tx!(app, tx => {
        check_refs(&mut tx.conn(), ctx, &input).await?;
        fill(&mut row, input.clone());
        projects::insert(&mut tx.conn(), &row)
            .await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "project",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        crate::radar::recompute(&mut tx.conn(), app, ctx, row.id).await?;
    })?;
    Ok(ProjectView::of(ctx, &row))
}

pub async fn update<'a>(
    app: &App,
    ctx: &Ctx,
    id: ProjectId,
    fields: impl Into<ProjectFields<'a>>,
    version: Option<i32>,
) -> Result<ProjectView> {
    ctx.require(ProjectsAction::Write)?;
    let input = fields.into().check(ctx.workspace_currency)?;
    let row = crate::write_tx!(app, tx => {
        let before = projects::get(&mut tx.conn(), ctx.workspace, id).await?;
        if input.client_id != before.client_id {
            return Err(Invalid::one("client_id", "err-project-client-fixed").into());
        }
        check_refs(&mut tx.conn(), ctx, &input).await?;
        let mut after = before.clone();
        fill(&mut after, input.clone());
        after.updated_at = app.now();
        projects::update(&mut tx.conn(), &after, version.unwrap_or(before.version))
            .await?;
        after.version = before.version + 1;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "project",
            after.id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        crate::radar::recompute(&mut tx.conn(), app, ctx, after.id).await?;
        after
    })?;
    Ok(ProjectView::of(ctx, &row))
}

pub async fn set_archived(
    app: &App,
    ctx: &Ctx,
    id: ProjectId,
    archived: bool,
) -> Result<ProjectView> {
    ctx.require(ProjectsAction::Write)?;
    let row = crate::write_tx!(app, tx => {
        let before = projects::get(&mut tx.conn(), ctx.workspace, id).await?;
        let mut after = before.clone();
        after.archived_at = archived.then(|| app.now());
        after.updated_at = app.now();
        projects::update(&mut tx.conn(), &after, before.version).await?;
        after.version += 1;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "project",
            id.uuid(),
            if archived { "archive" } else { "unarchive" },
            Some(&before),
            Some(&after),
        )
        .await?;
        after
    })?;
    Ok(ProjectView::of(ctx, &row))
}

pub async fn get(app: &App, ctx: &Ctx, id: ProjectId) -> Result<ProjectView> {
    ctx.require(ProjectsAction::Read)?;
    let mut c = app.db.read().await?;
    Ok(ProjectView::of(
        ctx,
        &projects::get(&mut c.conn(), ctx.workspace, id).await?,
    ))
}

/// A page of projects by name after `after` (`(name_key, id)`), and how many match.
pub async fn page(
    app: &App,
    ctx: &Ctx,
    client: Option<ClientId>,
    archived: bool,
    after: Option<&(String, uuid::Uuid)>,
    limit: i64,
) -> Result<(Vec<ProjectView>, i64)> {
    ctx.require(ProjectsAction::Read)?;
    let mut c = app.db.read().await?;
    let (rows, total) = projects::page(
        &mut c.conn(),
        ctx.workspace,
        client.map(ClientId::uuid),
        archived,
        after,
        limit,
    )
    .await?;
    Ok((ProjectView::all(ctx, &rows), total))
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    client: Option<ClientId>,
    archived: bool,
) -> Result<Vec<ProjectView>> {
    ctx.require(ProjectsAction::Read)?;
    let mut c = app.db.read().await?;
    let rows = projects::list(
        &mut c.conn(),
        ctx.workspace,
        client.map(ClientId::uuid),
        archived,
    )
    .await?;
    Ok(ProjectView::all(ctx, &rows))
}

pub async fn deliverables(
    app: &App,
    ctx: &Ctx,
    project: ProjectId,
) -> Result<Vec<DeliverableView>> {
    ctx.require(ProjectsAction::Read)?;
    let mut c = app.db.read().await?;
    projects::get(&mut c.conn(), ctx.workspace, project).await?;
    Ok(DeliverableView::all(
        &projects::deliverables(&mut c.conn(), ctx.workspace, project.uuid()).await?,
    ))
}

async fn check_owner(c: &mut Conn<'_>, ctx: &Ctx, owner: Option<Uuid>) -> Result<()> {
    if let Some(o) = owner {
        match users::get_staff(c, ctx.workspace, UserId::from_uuid(o)).await {
            Ok(u) if u.kind == mesure_domain::UserKind::Staff => {}
            Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("owner_id", "err-not-found").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

pub async fn add_deliverable(
    app: &App,
    ctx: &Ctx,
    project: ProjectId,
    form: &DeliverableForm,
) -> Result<DeliverableView> {
    ctx.require(ProjectsAction::Write)?;
    let input = form.parse()?;
    let now = app.now();
    let row = crate::write_tx!(app, tx => {
        projects::get(&mut tx.conn(), ctx.workspace, project).await?;
        check_owner(&mut tx.conn(), ctx, input.owner_id).await?;
        let row = DeliverableRow {
            workspace_id: ctx.workspace.uuid(),
            id: DeliverableId::new().uuid(),
            project_id: project.uuid(),
            name_key: mesure_domain::text::name_key(&input.name),
            name: input.name.clone(),
            estimate_minutes: input.estimate_minutes,
            owner_id: input.owner_id,
            status: input.status,
            accepted_on: (input.status == DeliverableStatus::Accepted).then(|| today(app, ctx)),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        projects::insert_deliverable(&mut tx.conn(), &row)
            .await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "deliverable",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        crate::radar::recompute(&mut tx.conn(), app, ctx, project.uuid()).await?;
        row
    })?;
    Ok(DeliverableView::of(&row))
}

pub async fn update_deliverable(
    app: &App,
    ctx: &Ctx,
    id: DeliverableId,
    form: &DeliverableForm,
) -> Result<DeliverableView> {
    ctx.require(ProjectsAction::Write)?;
    let input = form.parse()?;
    let row = crate::write_tx!(app, tx => {
        let before = projects::deliverable(&mut tx.conn(), ctx.workspace, id.uuid()).await?;
        check_owner(&mut tx.conn(), ctx, input.owner_id).await?;
        let mut after = before.clone();
        after.name_key = mesure_domain::text::name_key(&input.name);
        after.name = input.name.clone();
        after.estimate_minutes = input.estimate_minutes;
        after.owner_id = input.owner_id;
        after.status = input.status;
        after.accepted_on = match input.status {
            DeliverableStatus::Accepted => before.accepted_on.or(Some(today(app, ctx))),
            _ => None,
        };
        after.updated_at = app.now();
        projects::update_deliverable(&mut tx.conn(), &after, before.version)
            .await?;
        after.version += 1;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "deliverable",
            after.id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        crate::radar::recompute(&mut tx.conn(), app, ctx, after.project_id).await?;
        after
    })?;
    Ok(DeliverableView::of(&row))
}

/// Today in the workspace's time zone, as stored.
pub fn today(app: &App, ctx: &Ctx) -> i32 {
    day_key(crate::time::today_date(app, ctx))
}

/// A milestone as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct MilestoneForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub due_on: String,
}

pub async fn add_milestone(
    app: &App,
    ctx: &Ctx,
    project: ProjectId,
    form: &MilestoneForm,
) -> Result<MilestoneView> {
    ctx.require(ProjectsAction::Write)?;
    let row = crate::write_tx!(app, tx => {
        let p = projects::get(&mut tx.conn(), ctx.workspace, project).await?;
        let mut c = mesure_domain::validate::Checker::new();
        let name = c.required("name", &form.name, 200);
        let amount = amount_field(&mut c, "amount", &form.amount, p.currency);
        let due = parse_day(&form.due_on);
        if due.is_none() {
            c.add("due_on", "err-date");
        }
        c.finish()?;
        let row = MilestoneRow {
            workspace_id: ctx.workspace.uuid(),
            id: MilestoneId::new().uuid(),
            project_id: project.uuid(),
            name,
            amount_minor: amount.unwrap_or(0),
            due_on: due.unwrap_or(0),
            reached_on: None,
            created_at: app.now(),
        };
        projects::insert_milestone(&mut tx.conn(), &row).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            row.created_at,
            "milestone",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        row
    })?;
    Ok(MilestoneView::of(ctx, &row))
}

/// Marks a milestone reached today (or not reached); a reached milestone earns its amount.
pub async fn set_milestone_reached(
    app: &App,
    ctx: &Ctx,
    project: ProjectId,
    id: MilestoneId,
    reached: bool,
) -> Result<()> {
    ctx.require(ProjectsAction::Write)?;
    crate::write_tx!(app, tx => {
        let list = projects::milestones(&mut tx.conn(), ctx.workspace, project.uuid()).await?;
        let before = list
            .into_iter()
            .find(|m| m.id == id.uuid())
            .ok_or(ServiceError::NotFound)?;
        let reached_on = reached.then(|| before.reached_on.unwrap_or(today(app, ctx)));
        projects::set_milestone_reached(&mut tx.conn(), ctx.workspace, id.uuid(), reached_on).await?;
        let mut after = before.clone();
        after.reached_on = reached_on;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "milestone",
            id.uuid(),
            if reached { "reach" } else { "unreach" },
            Some(&before),
            Some(&after),
        )
        .await?;
        crate::radar::recompute(&mut tx.conn(), app, ctx, project.uuid()).await?;
    })
}

/// Same, finding the milestone's project from its id.
pub async fn set_milestone_reached_by_id(
    app: &App,
    ctx: &Ctx,
    id: MilestoneId,
    reached: bool,
) -> Result<()> {
    ctx.require(ProjectsAction::Write)?;
    let project = {
        let mut c = app.db.read().await?;
        mesure_store::projects::milestone_project(&mut c.conn(), ctx.workspace, id.uuid()).await?
    };
    set_milestone_reached(app, ctx, ProjectId::from_uuid(project), id, reached).await
}

pub async fn milestones(app: &App, ctx: &Ctx, project: ProjectId) -> Result<Vec<MilestoneView>> {
    ctx.require(ProjectsAction::Read)?;
    let mut c = app.db.read().await?;
    projects::get(&mut c.conn(), ctx.workspace, project).await?;
    let rows = projects::milestones(&mut c.conn(), ctx.workspace, project.uuid()).await?;
    Ok(MilestoneView::all(ctx, &rows))
}

pub async fn changes(app: &App, ctx: &Ctx, project: ProjectId) -> Result<Vec<ChangeView>> {
    ctx.require(ProjectsAction::Read)?;
    let mut c = app.db.read().await?;
    projects::get(&mut c.conn(), ctx.workspace, project).await?;
    Ok(ChangeView::all(
        ctx,
        &projects::changes(&mut c.conn(), ctx.workspace, project.uuid()).await?,
    ))
}

pub async fn add_change(
    app: &App,
    ctx: &Ctx,
    project: ProjectId,
    form: &ChangeForm,
) -> Result<ChangeView> {
    ctx.require(ProjectsAction::Write)?;
    let row = crate::write_tx!(app, tx => {
        let p = projects::get(&mut tx.conn(), ctx.workspace, project).await?;
        let input = form.parse(p.currency)?;
        let now = app.now();
        let row = ChangeRow {
            workspace_id: ctx.workspace.uuid(),
            id: ChangeRequestId::new().uuid(),
            project_id: project.uuid(),
            title: input.title,
            description: input.description,
            extra_minutes: input.extra_minutes,
            price_minor: input.price_minor,
            status: input.status,
            decided_on: None,
            decided_by: None,
            logged_minutes: 0,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        projects::insert_change(&mut tx.conn(), &row).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "change_request",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        row
    })?;
    Ok(ChangeView::of(ctx, &row))
}

/// Moves a change request: draft → sent, draft/sent → approved or rejected. Approved and rejected
/// are final: a second approval is refused (`err-change-decided`) and changes nothing.
pub async fn decide_change(
    app: &App,
    ctx: &Ctx,
    id: ChangeRequestId,
    to: ChangeStatus,
) -> Result<ChangeView> {
    ctx.require(ProjectsAction::Write)?;
    let row = crate::write_tx!(app, tx => {
        let before = projects::change(&mut tx.conn(), ctx.workspace, id.uuid()).await?;
        decide_change_in(&mut tx.conn(), app, ctx, &before, to).await?
    })?;
    Ok(ChangeView::of(ctx, &row))
}

/// Moves a change request to `to` in the caller's transaction, recorded with who and when (a
/// staff member, or a contact deciding from the portal) and with the project's radar
/// recomputed: an approval extends the budget. The caller checked the decider's right.
pub(crate) async fn decide_change_in(
    c: &mut mesure_store::Conn<'_>,
    app: &App,
    ctx: &Ctx,
    before: &projects::ChangeRow,
    to: ChangeStatus,
) -> Result<projects::ChangeRow> {
    let from = before.status;
    if from.is_final() {
        return Err(ServiceError::Conflict("err-change-decided"));
    }
    if to == ChangeStatus::Draft || (to == ChangeStatus::Sent && from == ChangeStatus::Sent) {
        return Err(Invalid::one("status", "err-choice").into());
    }
    let (on, by) = if to.is_final() {
        (Some(today(app, ctx)), Some(ctx.user.uuid()))
    } else {
        (None, None)
    };
    let now = app.now();
    projects::set_change_status(
        c,
        ctx.workspace,
        before.id,
        from.as_str(),
        to.as_str(),
        on,
        by,
        now,
    )
    .await?;
    let mut after = before.clone();
    after.status = to;
    after.decided_on = on;
    after.decided_by = by;
    after.updated_at = now;
    after.version += 1;
    record(
        c,
        ctx.workspace,
        &ctx.actor(),
        now,
        "change_request",
        before.id,
        to.as_str(),
        Some(before),
        Some(&after),
    )
    .await?;
    crate::radar::recompute(c, app, ctx, before.project_id).await?;
    Ok(after)
}

/// A rate (billing or cost) as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub user_id: String,
    pub project_id: Option<String>,
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// A valid rate: person, project (or all), hourly amount, from, to.
type RateInput = (Uuid, Option<Uuid>, i64, i32, Option<i32>);

pub(crate) fn parse_rate(ctx: &Ctx, f: &RateForm) -> Result<RateInput> {
    let mut c = mesure_domain::validate::Checker::new();
    let user = Uuid::parse_str(f.user_id.trim()).ok();
    if user.is_none() {
        c.add("user_id", "err-required");
    }
    let project = match f
        .project_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => {
            let p = Uuid::parse_str(s).ok();
            if p.is_none() {
                c.add("project_id", "err-invalid");
            }
            p
        }
    };
    let rate = rate_field(&mut c, "rate", &f.rate, ctx.workspace_currency);
    let from = parse_day(&f.valid_from);
    if from.is_none() {
        c.add("valid_from", "err-date");
    }
    let to = match f
        .valid_to
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => {
            let d = parse_day(s);
            if d.is_none() || d < from {
                c.add("valid_to", "err-date");
            }
            d
        }
    };
    c.finish()?;
    Ok((
        user.unwrap_or_default(),
        project,
        rate.unwrap_or(0),
        from.unwrap_or(0),
        to,
    ))
}

/// The person a rate is for must be a user of the workspace (else 422 on `user_id`).
pub(crate) async fn check_person(c: &mut Conn<'_>, ctx: &Ctx, user: Uuid) -> Result<()> {
    match users::get_staff(c, ctx.workspace, UserId::from_uuid(user)).await {
        Ok(_) => Ok(()),
        Err(mesure_store::StoreError::NotFound) => {
            Err(Invalid::one("user_id", "err-not-found").into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds a billing rate for a person (workspace-wide or on one project) from a date; entries from
/// that date on are repriced.
pub async fn add_rate(app: &App, ctx: &Ctx, form: &RateForm) -> Result<RateRow> {
    ctx.require(ProjectsAction::Write)?;
    // A billing rate runs until the next one begins (the rate at a day is the latest started
    // by then); an end date would be silently meaningless, so it is refused.
    if form
        .valid_to
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty())
    {
        return Err(Invalid::one("valid_to", "err-rate-no-end").into());
    }
    let (user, project, rate, from, _) = parse_rate(ctx, form)?;
    crate::write_tx!(app, tx => {
        check_person(&mut tx.conn(), ctx, user).await?;
        if let Some(p) = project {
            projects::get(&mut tx.conn(), ctx.workspace, ProjectId::from_uuid(p))
                .await
                .map_err(|_| ServiceError::Invalid(Invalid::one("project_id", "err-not-found")))?;
        }
        let row = RateRow {
            workspace_id: ctx.workspace.uuid(),
            id: RateId::new().uuid(),
            project_id: project,
            user_id: user,
            rate_minor: rate,
            valid_from: from,
            created_at: app.now(),
        };
        projects::insert_rate(&mut tx.conn(), &row).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            row.created_at,
            "rate",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        crate::time::reprice(&mut tx.conn(), app, ctx, user, from).await?;
        row
    })
}

pub async fn rates(app: &App, ctx: &Ctx) -> Result<(Vec<RateRow>, Vec<CostRow>)> {
    ctx.require(ProjectsAction::Write)?;
    let mut c = app.db.read().await?;
    Ok((
        projects::all_rates(&mut c.conn(), ctx.workspace).await?,
        costs::all_costs(&mut c.conn(), ctx.workspace).await?,
    ))
}
