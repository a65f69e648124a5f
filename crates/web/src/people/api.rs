//! `/api/v1/me`, `/users`, a person's capacity and leave, cost rates.
use crate::AppState;
use crate::api::{ApiJson, err, rfc3339};
use crate::error::{ApiError, Problem};
use crate::projects::api::RateBody;
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mesure_domain::{Principal, UserId};
use mesure_services::ServiceError;
use mesure_services::people::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityBody {
    /// Working hours per week, decimal (default 35)
    pub weekly_hours: String,
}

/// Set a person's weekly capacity (managers).
#[utoipa::path(put, path = "/api/v1/people/{id}/capacity", tag = "people", params(("id" = String, Path, description = "User id")), request_body = CapacityBody,
    responses((status = 204, description = "Saved"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_capacity(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CapacityBody>,
) -> Result<StatusCode, ApiError> {
    let user = UserId::parse(&id).ok_or_else(|| err(&c, ServiceError::NotFound))?;
    mesure_services::people::availability::set_capacity(&s.app, &c.ctx, user, &body.weekly_hours)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveBody {
    /// `YYYY-MM-DD`
    pub day: String,
    /// Hours of leave that day, decimal; `0` clears it
    pub hours: String,
}

/// Record (or clear) a person's leave on a day (managers).
#[utoipa::path(put, path = "/api/v1/people/{id}/leave", tag = "people", params(("id" = String, Path, description = "User id")), request_body = LeaveBody,
    responses((status = 204, description = "Saved"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_leave(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LeaveBody>,
) -> Result<StatusCode, ApiError> {
    let user = UserId::parse(&id).ok_or_else(|| err(&c, ServiceError::NotFound))?;
    mesure_services::people::availability::set_leave(&s.app, &c.ctx, user, &body.day, &body.hours)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an internal hourly cost for a person, valid from a date (to an optional date).
#[utoipa::path(post, path = "/api/v1/cost-rates", tag = "people", request_body = RateBody,
    responses((status = 201, description = "Created"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_cost(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<RateBody>,
) -> Result<StatusCode, ApiError> {
    mesure_services::people::costs::add_cost(&s.app, &c.ctx, &body.form())
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::CREATED)
}

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: String,
    pub workspace_id: String,
    pub email: String,
    pub name: String,
    /// `staff` or `contact`
    pub kind: String,
    pub role: String,
    pub language: String,
}

/// Who am I?
#[utoipa::path(get, path = "/api/v1/me", tag = "people", responses((status = 200, body = MeOut), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(c: ApiCaller) -> Json<MeOut> {
    let role = match c.ctx.principal {
        Principal::Staff(r) => r.as_str(),
        Principal::Contact(r) => r.as_str(),
    };
    Json(MeOut {
        id: c.user.id.to_string(),
        workspace_id: c.ctx.workspace.uuid().to_string(),
        email: c.user.email.clone(),
        name: c.user.name.clone(),
        kind: c.user.kind.as_str().to_string(),
        role: role.to_string(),
        language: c.ctx.language.as_str().to_string(),
    })
}

/// A staff user.
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub created_at: String,
}

impl From<mesure_services::people::views::UserView> for UserOut {
    fn from(u: mesure_services::people::views::UserView) -> Self {
        UserOut {
            id: u.id.to_string(),
            email: u.email,
            name: u.name,
            role: u.role,
            active: u.active,
            created_at: rfc3339(u.created_at),
        }
    }
}

/// List the workspace's staff users.
#[utoipa::path(get, path = "/api/v1/users", tag = "people", responses((status = 200, body = Vec<UserOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_users(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    let rows = users::list_staff(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(rows.into_iter().map(UserOut::from).collect()))
}

/// A change of a staff user's role or active state.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    /// `owner`, `manager` or `staff`
    pub role: Option<String>,
    pub active: Option<bool>,
}

/// Change a staff user's role or active state (owners; the last active owner stays).
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "people", params(("id" = String, Path, description = "User id")), request_body = UserBody,
    responses((status = 200, body = UserOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_user(
    State(s): State<AppState>,
    c: ApiCaller,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(b): ApiJson<UserBody>,
) -> Result<Json<UserOut>, ApiError> {
    let id = mesure_domain::UserId::parse(&id)
        .ok_or_else(|| err(&c, mesure_services::ServiceError::NotFound))?;
    let u = users::update_staff(&s.app, &c.ctx, id, b.role.as_deref(), b.active)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(u.into()))
}

/// The e-mail that gives a person made by an import their login.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    pub email: String,
}

/// Give a person made by an import (no e-mail yet, so no login) their e-mail and send them a
/// link, valid a week, to choose their password (owners). 409 when they have an e-mail already.
#[utoipa::path(post, path = "/api/v1/users/{id}/invite", tag = "people", params(("id" = String, Path, description = "User id")), request_body = InviteBody,
    responses((status = 200, body = UserOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn invite_user(
    State(s): State<AppState>,
    c: ApiCaller,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(b): ApiJson<InviteBody>,
) -> Result<Json<UserOut>, ApiError> {
    let id = mesure_domain::UserId::parse(&id)
        .ok_or_else(|| err(&c, mesure_services::ServiceError::NotFound))?;
    let u = users::invite(&s.app, &c.ctx, id, &b.email)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(u.into()))
}
