//! `/api/v1/me`, `/workspace`, `/users`, `/audit`, `/jobs`.
use crate::AppState;
use crate::api::ApiQuery;
use crate::api::err;
use crate::api::{ApiJson, rfc3339};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::State;
use mesure_domain::DashboardAction;
use mesure_services::{jobs, workspaces};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Workspace settings (the SMTP password is never returned).
#[derive(Serialize, ToSchema)]
pub struct WorkspaceOut {
    pub id: String,
    pub name: String,
    pub currency: String,
    pub time_zone: String,
    pub language: String,
    pub mail_from: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<i32>,
    pub smtp_tls: String,
    pub smtp_username: Option<String>,
    pub smtp_password_set: bool,
    /// Whether this server lets workspaces send through their own SMTP server; when not, the
    /// `smtp_*` settings are kept but unused (the server's relay sends) and a new host is refused.
    pub smtp_allowed: bool,
}

impl WorkspaceOut {
    fn new(w: mesure_store::workspaces::WorkspaceRow, smtp_allowed: bool) -> Self {
        WorkspaceOut {
            id: w.id.to_string(),
            name: w.name,
            currency: w.currency.code().to_string(),
            time_zone: w.time_zone,
            language: w.language.as_str().to_string(),
            mail_from: w.mail_from,
            smtp_host: w.smtp_host,
            smtp_port: w.smtp_port,
            smtp_tls: w.smtp_tls,
            smtp_username: w.smtp_username,
            smtp_password_set: w.smtp_password.is_some(),
            smtp_allowed,
        }
    }
}

/// Workspace settings as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    pub currency: Option<String>,
    pub time_zone: Option<String>,
    pub language: Option<String>,
    pub mail_from: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    /// `none`, `starttls` or `tls`
    pub smtp_tls: Option<String>,
    pub smtp_username: Option<String>,
    /// Omit to keep the stored password
    pub smtp_password: Option<String>,
}

/// Read the workspace settings.
#[utoipa::path(get, path = "/api/v1/workspace", tag = "settings", responses((status = 200, body = WorkspaceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_workspace(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<WorkspaceOut>, ApiError> {
    c.ctx
        .require(DashboardAction::View)
        .map_err(|e| err(&c, e))?;
    let w = workspaces::get(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(WorkspaceOut::new(
        w,
        s.app.mail_policy.allow_workspace_smtp,
    )))
}

/// Change the workspace settings (owners).
#[utoipa::path(put, path = "/api/v1/workspace", tag = "settings", request_body = WorkspaceBody,
    responses((status = 200, body = WorkspaceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_workspace(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<WorkspaceBody>,
) -> Result<Json<WorkspaceOut>, ApiError> {
    let form = workspaces::SettingsForm {
        name: b.name,
        currency: b.currency,
        time_zone: b.time_zone,
        language: b.language,
        mail_from: b.mail_from,
        smtp_host: b.smtp_host,
        smtp_port: b.smtp_port.map(|p| p.to_string()),
        smtp_tls: b.smtp_tls,
        smtp_username: b.smtp_username,
        smtp_password: b.smtp_password,
    };
    let w = workspaces::update(&s.app, &c.ctx, &form)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(WorkspaceOut::new(
        w,
        s.app.mail_policy.allow_workspace_smtp,
    )))
}

/// A background job.
#[derive(Serialize, ToSchema)]
pub struct JobOut {
    pub id: String,
    pub kind: String,
    /// `queued`, `running`, `done` or `dead`
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: String,
    /// Why the last attempt failed, in the caller's language: a generic message (the cause is in
    /// the server's log only).
    pub last_error: Option<String>,
    /// The same as a stable code: `job-error-mail`, `job-error-mail-address` or
    /// `job-error-internal`.
    pub last_error_code: Option<String>,
    pub created_at: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFilters {
    /// `queued`, `running`, `done`, `dead`
    pub status: Option<String>,
}

/// List the workspace's recent background jobs.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "settings", params(JobFilters),
    responses((status = 200, body = Vec<JobOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_jobs(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<JobFilters>,
) -> Result<Json<Vec<JobOut>>, ApiError> {
    let status = f.status.filter(|s| !s.is_empty());
    if let Some(st) = &status
        && !["queued", "running", "done", "dead"].contains(&st.as_str())
    {
        return Err(crate::api::bad_param(c.ctx.language, "status"));
    }
    let rows = jobs::list(&s.app, &c.ctx, status.as_deref())
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(
        rows.into_iter()
            .map(|j| JobOut {
                id: j.id.to_string(),
                kind: j.kind,
                status: j.status,
                attempts: j.attempts,
                max_attempts: j.max_attempts,
                run_at: rfc3339(j.run_at),
                last_error: j.error.map(|k| mesure_i18n::t(c.ctx.language, k)),
                last_error_code: j.error.map(str::to_string),
                created_at: rfc3339(j.created_at),
            })
            .collect(),
    ))
}
