//! `/api/v1/radar`, a client's and a project's radar, people's utilisation.
use super::views::{ClientRadarOut, DashboardOut, ProjectRadarOut};
use crate::AppState;
use crate::api::{ApiQuery, err, id_of};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use mesure_domain::{ClientId, ProjectId, RadarAction};
use mesure_services::{ServiceError, radar};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The radar: clients ranked by over-servicing over the trailing twelve months, with revenue
/// concentration (shares, top-3, HHI) and each client's trend. Money in minor units.
#[utoipa::path(get, path = "/api/v1/radar", tag = "radar",
    responses((status = 200, description = "The dashboard's figures", body = DashboardOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn dashboard(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<DashboardOut>, ApiError> {
    let d = radar::dashboard(&s.app, &c.ctx, 50)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json((&d).into()))
}

/// A client's radar: its figures rolled up from its projects, month by month, its trend and its
/// share of revenue.
#[utoipa::path(get, path = "/api/v1/clients/{id}/radar", tag = "radar", params(("id" = String, Path, description = "Client id")),
    responses((status = 200, description = "The client's figures", body = ClientRadarOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn client_radar(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ClientRadarOut>, ApiError> {
    c.ctx.require(RadarAction::View).map_err(|e| err(&c, e))?;
    let id = ClientId::parse(&id).ok_or_else(|| err(&c, ServiceError::NotFound))?;
    let r = radar::client(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json((&r).into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthRange {
    /// First month `YYYY-MM` (default: this month)
    pub from: Option<String>,
    /// Month after the last, `YYYY-MM` (default: next month)
    pub to: Option<String>,
}

/// Parses `YYYY-MM` into `YYYYMM`.
pub fn parse_month(s: &str) -> Option<i32> {
    let (y, m) = s.trim().split_once('-')?;
    let (y, m): (i32, i32) = (y.parse().ok()?, m.parse().ok()?);
    ((1900..=9999).contains(&y) && (1..=12).contains(&m)).then_some(y * 100 + m)
}

/// Billable utilisation per person: billable hours / available hours (weekly capacity over
/// working days, minus French public holidays and leave).
#[utoipa::path(get, path = "/api/v1/radar/utilisation", tag = "radar", params(MonthRange),
    responses((status = 200, description = "One line per person", body = UtilisationOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn utilisation(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(r): ApiQuery<MonthRange>,
) -> Result<Json<UtilisationOut>, ApiError> {
    let lang = c.ctx.language;
    let this = mesure_domain::projects::engagement::month_of(mesure_services::projects::today(
        &s.app, &c.ctx,
    ));
    let from = match r.from.as_deref().filter(|s| !s.is_empty()) {
        Some(m) => parse_month(m).ok_or_else(|| crate::api::bad_param(lang, "from"))?,
        None => this,
    };
    let next = mesure_domain::projects::engagement::month_key(
        mesure_domain::projects::engagement::year_month(from).next(),
    );
    let to = match r.to.as_deref().filter(|s| !s.is_empty()) {
        Some(m) => parse_month(m)
            .filter(|t| *t > from)
            .ok_or_else(|| crate::api::bad_param(lang, "to"))?,
        None => next,
    };
    let u = radar::utilisation(&s.app, &c.ctx, from, to)
        .await
        .map_err(|e| err(&c, e))?;
    let month = |m: i32| format!("{}-{:02}", m / 100, m % 100);
    Ok(Json(UtilisationOut {
        from: month(from),
        to: month(to),
        people: u
            .into_iter()
            .map(|p| PersonUtilisation {
                user_id: p.user_id.to_string(),
                name: p.name,
                minutes: p.minutes,
                billable_minutes: p.billable_minutes,
                available_minutes: p.available_minutes,
                utilisation: p.utilisation.map(|d| d.normalize().to_string()),
            })
            .collect(),
    }))
}

/// Billable utilisation over `[from, to)` months.
#[derive(Serialize, ToSchema)]
pub struct UtilisationOut {
    /// First month, `YYYY-MM`
    pub from: String,
    /// Month after the last, `YYYY-MM`
    pub to: String,
    pub people: Vec<PersonUtilisation>,
}

/// One person's utilisation.
#[derive(Serialize, ToSchema)]
pub struct PersonUtilisation {
    pub user_id: String,
    pub name: String,
    pub minutes: i64,
    pub billable_minutes: i64,
    /// Weekly capacity over the working days, minus public holidays and leave
    pub available_minutes: i64,
    /// Billable ÷ available, a decimal string; null when nothing is available
    pub utilisation: Option<String>,
}

/// Every radar figure of a project: budget burn, forecast, scope creep, revenue, margin, free and
/// written-off value, retainer balance per month. Money in minor units; ratios as decimals.
#[utoipa::path(get, path = "/api/v1/projects/{id}/radar", tag = "radar", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, description = "The project's figures", body = ProjectRadarOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn project_radar(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ProjectRadarOut>, ApiError> {
    c.ctx
        .require(mesure_domain::Action::Radar(RadarAction::View))
        .map_err(|e| err(&c, e))?;
    let id = id_of(&c, &id, ProjectId::parse)?;
    let r = radar::project(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    let m = r
        .money
        .as_ref()
        .ok_or(ServiceError::Forbidden)
        .map_err(|e| err(&c, e))?;
    Ok(Json(ProjectRadarOut::of(&r, m)))
}
