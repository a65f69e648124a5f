//! `/api/v1/projects` and their scope: deliverables, milestones, change requests; rate cards.
use crate::AppState;
use crate::api::{ApiJson, ApiQuery, rfc3339};
use crate::api::{amount, day, err, id_of};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mesure_domain::forms::NumberIn;
use mesure_domain::projects::engagement::ChangeStatus;
use mesure_domain::projects::forms::{ChangeForm, DeliverableForm, ProjectFields};
use mesure_domain::{ChangeRequestId, ClientId, DeliverableId, MilestoneId, ProjectId};
use mesure_services::projects::{self, MilestoneForm, RateForm};
use mesure_services::projects::{
    ChangeView, DeliverableView, MilestoneView, ProjectMoney, ProjectView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Minor units as a decimal string in a currency (`JPY` has no decimals).
fn amount_in(minor: i64, cur: mesure_domain::Currency) -> String {
    mesure_domain::Money::from_minor(minor, cur).to_decimal_string()
}

/// A project with its billing model. Amounts are decimal strings in the project's currency.
#[derive(Serialize, ToSchema)]
pub struct ProjectOut {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub manager_id: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub currency: String,
    /// `time_materials`, `fixed_fee` or `retainer`
    pub billing_model: String,
    /// Absent for readers without the right to see money (staff)
    pub hourly_rate: Option<String>,
    pub cap: Option<String>,
    pub fixed_price: Option<String>,
    /// `milestones` or `deliverables`
    pub fixed_revenue: String,
    pub retainer_fee: Option<String>,
    pub retainer_hours: Option<String>,
    /// `none`, `carry` or `debt`
    pub rollover: String,
    pub rollover_months: i32,
    pub budget_hours: Option<String>,
    pub budget_amount: Option<String>,
    pub budget_monthly: bool,
    /// `none`, `up6`, `up15`, `up30`; absent = the client's rule
    pub rounding: Option<String>,
    pub alert_thresholds: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
}

fn hours(m: i64) -> String {
    format!("{}.{:02}", m / 60, (m % 60) * 100 / 60)
}

impl From<ProjectView> for ProjectOut {
    fn from(p: ProjectView) -> Self {
        let cur = p.currency;
        let m = p.money.as_ref();
        let amount = |f: fn(&ProjectMoney) -> Option<i64>| m.and_then(f).map(|v| amount_in(v, cur));
        ProjectOut {
            id: p.id.to_string(),
            client_id: p.client_id.to_string(),
            manager_id: p.manager_id.map(|m| m.to_string()),
            starts_on: day(p.starts_on),
            ends_on: day(p.ends_on),
            currency: cur.code().to_string(),
            billing_model: p.billing_model.as_str().to_string(),
            hourly_rate: amount(|m| Some(m.hourly_rate)),
            cap: amount(|m| m.cap),
            fixed_price: amount(|m| m.fixed_price),
            fixed_revenue: p.fixed_revenue.as_str().to_string(),
            retainer_fee: amount(|m| m.retainer_fee),
            retainer_hours: p.retainer_included_minutes.map(hours),
            rollover: p.rollover.as_str().to_string(),
            rollover_months: p.rollover_months,
            budget_hours: p.budget_minutes.map(hours),
            budget_amount: amount(|m| m.budget),
            budget_monthly: p.budget_monthly,
            rounding: p.rounding.map(|r| r.as_str().to_string()),
            alert_thresholds: p.alert_thresholds,
            archived: p.archived,
            name: p.name,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
            version: p.version,
        }
    }
}

/// A project as sent to create or replace one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectBody {
    pub client_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub manager_id: Option<String>,
    /// `YYYY-MM-DD`
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub currency: Option<String>,
    /// `time_materials`, `fixed_fee` or `retainer`
    pub billing_model: String,
    /// Decimal string, e.g. `"95.00"`; overrides people's rates when set
    pub hourly_rate: Option<String>,
    pub cap: Option<String>,
    pub fixed_price: Option<String>,
    pub fixed_revenue: Option<String>,
    pub retainer_fee: Option<String>,
    /// Decimal hours
    pub retainer_hours: Option<String>,
    pub rollover: Option<String>,
    pub rollover_months: Option<i32>,
    pub budget_hours: Option<String>,
    pub budget_amount: Option<String>,
    pub budget_monthly: Option<bool>,
    pub rounding: Option<String>,
    /// Percentages, e.g. `"80,100"`
    pub alert_thresholds: Option<String>,
    #[schema(minimum = 1)]
    pub version: Option<i32>,
}

/// The body lends its fields as they are: `rollover_months` stays a number, `budget_monthly` a
/// boolean.
impl<'a> From<&'a ProjectBody> for ProjectFields<'a> {
    fn from(b: &'a ProjectBody) -> Self {
        ProjectFields {
            client_id: Some(&b.client_id),
            name: Some(&b.name),
            manager_id: b.manager_id.as_deref(),
            starts_on: b.starts_on.as_deref(),
            ends_on: b.ends_on.as_deref(),
            currency: b.currency.as_deref(),
            billing_model: Some(&b.billing_model),
            hourly_rate: b.hourly_rate.as_deref(),
            cap: b.cap.as_deref(),
            fixed_price: b.fixed_price.as_deref(),
            fixed_revenue: b.fixed_revenue.as_deref(),
            retainer_fee: b.retainer_fee.as_deref(),
            retainer_hours: b.retainer_hours.as_deref(),
            rollover: b.rollover.as_deref(),
            rollover_months: b.rollover_months.map(|m| NumberIn::Number(i64::from(m))),
            budget_hours: b.budget_hours.as_deref(),
            budget_amount: b.budget_amount.as_deref(),
            budget_monthly: b.budget_monthly,
            rounding: b.rounding.as_deref(),
            alert_thresholds: b.alert_thresholds.as_deref(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilters {
    pub client_id: Option<String>,
    /// Include archived projects
    pub archived: Option<bool>,
    /// Projects per page (default 500)
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (also in the `Link: …; rel="next"` header)
    pub cursor: Option<String>,
}

/// A page cursor of projects: `name_key` and id, URL-safe.
pub(crate) fn project_cursor(p: &ProjectView) -> String {
    format!(
        "{}.{}",
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            p.name_key.as_bytes()
        ),
        p.id.simple()
    )
}

pub(crate) fn parse_project_cursor(s: &str) -> Option<(String, uuid::Uuid)> {
    let (k, id) = s.split_once('.')?;
    let key = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, k).ok()?;
    Some((
        String::from_utf8(key).ok()?,
        uuid::Uuid::parse_str(id).ok()?,
    ))
}

/// List projects by name, a page at a time: `X-Total-Count` gives how many match, and the next
/// page (when there is one) is in `Link: <…>; rel="next"` and `X-Next-Cursor`.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectFilters),
    responses((status = 200, body = Vec<ProjectOut>, headers(("X-Total-Count" = i64, description = "Projects matching the filters"), ("X-Next-Cursor" = String, description = "Cursor of the next page, when there is one"), ("Link" = String, description = "The next page: `<url>; rel=\"next\"`"))), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<ProjectFilters>,
) -> Result<Response, ApiError> {
    let lang = c.ctx.language;
    let client = match f.client_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => {
            Some(ClientId::parse(id).ok_or_else(|| crate::api::bad_param(lang, "client_id"))?)
        }
        None => None,
    };
    let limit = f.limit.unwrap_or(500);
    if !(1..=5000).contains(&limit) {
        return Err(crate::api::bad_param(lang, "limit"));
    }
    let after = match f.cursor.as_deref().filter(|s| !s.is_empty()) {
        Some(k) => {
            Some(parse_project_cursor(k).ok_or_else(|| crate::api::bad_param(lang, "cursor"))?)
        }
        None => None,
    };
    let archived = f.archived.unwrap_or(false);
    let (rows, total) = projects::page(&s.app, &c.ctx, client, archived, after.as_ref(), limit)
        .await
        .map_err(|e| err(&c, e))?;
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(project_cursor))
        .flatten();
    let mut query = vec![("limit".to_string(), limit.to_string())];
    if let Some(cl) = client {
        query.push(("client_id".into(), cl.uuid().to_string()));
    }
    if archived {
        query.push(("archived".into(), "true".into()));
    }
    let body: Vec<ProjectOut> = rows.into_iter().map(ProjectOut::from).collect();
    Ok(crate::api::paged(
        body,
        total,
        next,
        "/api/v1/projects",
        query,
    ))
}

/// Create a project.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectBody,
    responses((status = 201, body = ProjectOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<ProjectBody>,
) -> Result<impl IntoResponse, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let row = projects::create(&s.app, &c.ctx, &body)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(ProjectOut::from(row))))
}

/// Read a project.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ProjectOut>, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    Ok(Json(ProjectOut::from(
        projects::get(&s.app, &c.ctx, id)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// Replace a project's fields (its client cannot change).
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = String, Path, description = "Project id")), request_body = ProjectBody,
    responses((status = 200, body = ProjectOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProjectBody>,
) -> Result<Json<ProjectOut>, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let id = id_of(&c, &id, ProjectId::parse)?;
    Ok(Json(ProjectOut::from(
        projects::update(&s.app, &c.ctx, id, &body, body.version)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// Archive a project: no more time can be logged on it.
#[utoipa::path(post, path = "/api/v1/projects/{id}/archive", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn archive(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ProjectOut>, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    Ok(Json(ProjectOut::from(
        projects::set_archived(&s.app, &c.ctx, id, true)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// Restore an archived project.
#[utoipa::path(post, path = "/api/v1/projects/{id}/unarchive", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn unarchive(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ProjectOut>, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    Ok(Json(ProjectOut::from(
        projects::set_archived(&s.app, &c.ctx, id, false)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// A deliverable of the baseline scope.
#[derive(Serialize, ToSchema)]
pub struct DeliverableOut {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub estimate_hours: String,
    pub owner_id: Option<String>,
    /// `planned`, `in_progress`, `done`, `accepted`
    pub status: String,
    pub accepted_on: Option<String>,
    pub version: i32,
}

impl From<DeliverableView> for DeliverableOut {
    fn from(d: DeliverableView) -> Self {
        DeliverableOut {
            id: d.id.to_string(),
            project_id: d.project_id.to_string(),
            name: d.name,
            estimate_hours: hours(d.estimate_minutes),
            owner_id: d.owner_id.map(|o| o.to_string()),
            status: d.status.as_str().to_string(),
            accepted_on: day(d.accepted_on),
            version: d.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverableBody {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Decimal hours
    pub estimate_hours: String,
    pub owner_id: Option<String>,
    pub status: Option<String>,
}

impl DeliverableBody {
    fn form(&self) -> DeliverableForm {
        DeliverableForm {
            name: self.name.clone(),
            estimate_hours: self.estimate_hours.clone(),
            owner_id: self.owner_id.clone(),
            status: self.status.clone(),
        }
    }
}

/// List a project's deliverables.
#[utoipa::path(get, path = "/api/v1/projects/{id}/deliverables", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Vec<DeliverableOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_deliverables(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeliverableOut>>, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    let rows = projects::deliverables(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(rows.into_iter().map(DeliverableOut::from).collect()))
}

/// Add a deliverable to a project's scope.
#[utoipa::path(post, path = "/api/v1/projects/{id}/deliverables", tag = "projects", params(("id" = String, Path, description = "Project id")), request_body = DeliverableBody,
    responses((status = 201, body = DeliverableOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_deliverable(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DeliverableBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    let row = projects::add_deliverable(&s.app, &c.ctx, id, &body.form())
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(DeliverableOut::from(row))))
}

/// Replace a deliverable (status `accepted` records the acceptance date).
#[utoipa::path(put, path = "/api/v1/deliverables/{id}", tag = "projects", params(("id" = String, Path, description = "Deliverable id")), request_body = DeliverableBody,
    responses((status = 200, body = DeliverableOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_deliverable(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DeliverableBody>,
) -> Result<Json<DeliverableOut>, ApiError> {
    let id = id_of(&c, &id, DeliverableId::parse)?;
    Ok(Json(
        projects::update_deliverable(&s.app, &c.ctx, id, &body.form())
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}

/// A fixed-fee milestone.
#[derive(Serialize, ToSchema)]
pub struct MilestoneOut {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// Absent for readers without the right to see money (staff)
    pub amount: Option<String>,
    pub due_on: Option<String>,
    pub reached_on: Option<String>,
}

impl From<MilestoneView> for MilestoneOut {
    fn from(m: MilestoneView) -> Self {
        MilestoneOut {
            id: m.id.to_string(),
            project_id: m.project_id.to_string(),
            name: m.name,
            amount: m.amount.map(amount),
            due_on: day(Some(m.due_on)),
            reached_on: day(m.reached_on),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub amount: String,
    /// `YYYY-MM-DD`
    pub due_on: String,
}

/// List a project's milestones.
#[utoipa::path(get, path = "/api/v1/projects/{id}/milestones", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Vec<MilestoneOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_milestones(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<MilestoneOut>>, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    let rows = projects::milestones(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(rows.into_iter().map(MilestoneOut::from).collect()))
}

/// Add a milestone.
#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "projects", params(("id" = String, Path, description = "Project id")), request_body = MilestoneBody,
    responses((status = 201, body = MilestoneOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_milestone(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MilestoneBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    let form = MilestoneForm {
        name: body.name,
        amount: body.amount,
        due_on: body.due_on,
    };
    let row = projects::add_milestone(&s.app, &c.ctx, id, &form)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(MilestoneOut::from(row))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReachedBody {
    pub reached: bool,
}

/// Mark a milestone reached (today) or not reached.
#[utoipa::path(put, path = "/api/v1/milestones/{id}/reached", tag = "projects", params(("id" = String, Path, description = "Milestone id")), request_body = ReachedBody,
    responses((status = 204, description = "Saved"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_reached(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReachedBody>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&c, &id, MilestoneId::parse)?;
    projects::set_milestone_reached_by_id(&s.app, &c.ctx, id, body.reached)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A change request: extra scope with its hours and price.
#[derive(Serialize, ToSchema)]
pub struct ChangeOut {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub description: String,
    pub extra_hours: String,
    /// Absent for readers without the right to see money (staff)
    pub price: Option<String>,
    /// `draft`, `sent`, `approved`, `rejected`
    pub status: String,
    pub decided_on: Option<String>,
    pub decided_by: Option<String>,
    pub logged_hours: String,
    pub created_at: String,
    pub version: i32,
}

impl From<ChangeView> for ChangeOut {
    fn from(r: ChangeView) -> Self {
        ChangeOut {
            id: r.id.to_string(),
            project_id: r.project_id.to_string(),
            title: r.title,
            description: r.description,
            extra_hours: hours(r.extra_minutes),
            price: r.price.map(amount),
            status: r.status.as_str().to_string(),
            decided_on: day(r.decided_on),
            decided_by: r.decided_by.map(|d| d.to_string()),
            logged_hours: hours(r.logged_minutes),
            created_at: rfc3339(r.created_at),
            version: r.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub description: Option<String>,
    pub extra_hours: String,
    pub price: String,
    /// `draft` (default) or `sent`
    pub status: Option<String>,
}

/// List a project's change requests (the scope history).
#[utoipa::path(get, path = "/api/v1/projects/{id}/change-requests", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Vec<ChangeOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_changes(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<ChangeOut>>, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    let rows = projects::changes(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(rows.into_iter().map(ChangeOut::from).collect()))
}

/// Propose a change request.
#[utoipa::path(post, path = "/api/v1/projects/{id}/change-requests", tag = "projects", params(("id" = String, Path, description = "Project id")), request_body = ChangeBody,
    responses((status = 201, body = ChangeOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_change(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = id_of(&c, &id, ProjectId::parse)?;
    let form = ChangeForm {
        title: body.title,
        description: body.description,
        extra_hours: body.extra_hours,
        price: body.price,
        status: body.status,
    };
    let row = projects::add_change(&s.app, &c.ctx, id, &form)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(ChangeOut::from(row))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `sent`, `approved` or `rejected`
    pub status: String,
}

/// Send, approve or reject a change request. Approved and rejected are final (409 afterwards).
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/decision", tag = "projects", params(("id" = String, Path, description = "Change request id")), request_body = DecisionBody,
    responses((status = 200, body = ChangeOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<ChangeOut>, ApiError> {
    let id = id_of(&c, &id, ChangeRequestId::parse)?;
    let to = ChangeStatus::parse(&body.status)
        .ok_or_else(|| crate::api::bad_param(c.ctx.language, "status"))?;
    Ok(Json(ChangeOut::from(
        projects::decide_change(&s.app, &c.ctx, id, to)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateBody {
    pub user_id: String,
    /// Only on this project (billing rates only)
    pub project_id: Option<String>,
    /// Hourly, decimal string
    pub rate: String,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    /// `YYYY-MM-DD` (cost rates only)
    pub valid_to: Option<String>,
}

impl RateBody {
    pub(crate) fn form(&self) -> RateForm {
        RateForm {
            user_id: self.user_id.clone(),
            project_id: self.project_id.clone(),
            rate: self.rate.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
        }
    }
}

/// A billing or cost rate.
#[derive(Serialize, ToSchema)]
pub struct RateOut {
    pub id: String,
    pub user_id: String,
    pub project_id: Option<String>,
    pub rate: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// Rate cards and cost rates.
#[derive(Serialize, ToSchema)]
pub struct RatesOut {
    pub billing: Vec<RateOut>,
    pub cost: Vec<RateOut>,
}

/// List billing rates and cost rates.
#[utoipa::path(get, path = "/api/v1/rates", tag = "projects",
    responses((status = 200, body = RatesOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_rates(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<RatesOut>, ApiError> {
    let (b, k) = projects::rates(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(RatesOut {
        billing: b
            .into_iter()
            .map(|r| RateOut {
                id: r.id.to_string(),
                user_id: r.user_id.to_string(),
                project_id: r.project_id.map(|p| p.to_string()),
                rate: amount(r.rate_minor),
                valid_from: day(Some(r.valid_from)),
                valid_to: None,
            })
            .collect(),
        cost: k
            .into_iter()
            .map(|r| RateOut {
                id: r.id.to_string(),
                user_id: r.user_id.to_string(),
                project_id: None,
                rate: amount(r.cost_minor),
                valid_from: day(Some(r.valid_from)),
                valid_to: day(r.valid_to),
            })
            .collect(),
    }))
}

/// Add a billing rate for a person (workspace-wide or on one project) from a date; their
/// uninvoiced entries from that date are repriced.
#[utoipa::path(post, path = "/api/v1/rates", tag = "projects", request_body = RateBody,
    responses((status = 201, description = "Created"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_rate(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<RateBody>,
) -> Result<StatusCode, ApiError> {
    projects::add_rate(&s.app, &c.ctx, &body.form())
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::CREATED)
}
