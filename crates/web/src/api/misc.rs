//! `/api/v1/me`, `/workspace`, `/users`, `/audit`, `/jobs`.
use super::ApiQuery;
use super::{ApiJson, rfc3339};
use crate::AppState;
use crate::api::err;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::State;
use mesure_domain::{Action, Principal};
use mesure_services::{audit, jobs, people::users, workspaces};
use mesure_store::audit::AuditQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
        workspace_id: c.user.workspace_id.to_string(),
        email: c.user.email.clone(),
        name: c.user.name.clone(),
        kind: c.user.kind.clone(),
        role: role.to_string(),
        language: c.ctx.language.as_str().to_string(),
    })
}

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
            currency: w.currency,
            time_zone: w.time_zone,
            language: w.language,
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
#[utoipa::path(get, path = "/api/v1/workspace", tag = "workspace", responses((status = 200, body = WorkspaceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_workspace(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<WorkspaceOut>, ApiError> {
    c.ctx
        .require(Action::ViewDashboard)
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
#[utoipa::path(put, path = "/api/v1/workspace", tag = "workspace", request_body = WorkspaceBody,
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

/// List the workspace's staff users.
#[utoipa::path(get, path = "/api/v1/users", tag = "people", responses((status = 200, body = Vec<UserOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_users(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    let rows = users::list_staff(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(
        rows.into_iter()
            .map(|u| UserOut {
                id: u.id.to_string(),
                email: u.email,
                name: u.name,
                role: u.role,
                active: u.active,
                created_at: rfc3339(u.created_at),
            })
            .collect(),
    ))
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
    Ok(Json(UserOut {
        id: u.id.to_string(),
        email: u.email,
        name: u.name,
        role: u.role,
        active: u.active,
        created_at: rfc3339(u.created_at),
    }))
}

/// An audit-log entry.
#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub id: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    /// The entity before the change (JSON), if any
    pub before: Option<serde_json::Value>,
    /// The entity after the change (JSON), if any
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// A page of audit entries, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilters {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    /// Inclusive start, RFC 3339
    pub from: Option<String>,
    /// Exclusive end, RFC 3339
    pub to: Option<String>,
    pub cursor: Option<String>,
    /// Page size (default 50)
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Read the audit log.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilters),
    responses((status = 200, body = AuditPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_audit(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<AuditFilters>,
) -> Result<Json<AuditPage>, ApiError> {
    let lang = c.ctx.language;
    let mut bad = vec![];
    let time = |v: &Option<String>, field: &str, bad: &mut Vec<String>| -> Option<i64> {
        let v = v.as_deref().filter(|s| !s.is_empty())?;
        match v.parse::<jiff::Timestamp>() {
            Ok(t) => Some(t.as_microsecond()),
            Err(_) => {
                bad.push(field.to_string());
                None
            }
        }
    };
    let from = time(&f.from, "from", &mut bad);
    let to = time(&f.to, "to", &mut bad);
    let entity_id = match f.entity_id.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(e) => match uuid::Uuid::parse_str(e) {
            Ok(u) => Some(u),
            Err(_) => {
                bad.push("entity_id".into());
                None
            }
        },
    };
    let before = match f.cursor.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(cur) => {
            let parsed = cur
                .split_once('_')
                .and_then(|(a, i)| Some((a.parse::<i64>().ok()?, uuid::Uuid::parse_str(i).ok()?)));
            if parsed.is_none() {
                bad.push("cursor".into());
            }
            parsed
        }
    };
    let limit = f.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        bad.push("limit".into());
    }
    if let Some(first) = bad.first() {
        let mut e = super::bad_param(lang, first);
        e.problem.errors = bad
            .iter()
            .map(|b| crate::error::FieldProblem {
                field: b.clone(),
                message: mesure_i18n::t(lang, "err-format"),
            })
            .collect();
        return Err(e);
    }
    let q = AuditQuery {
        entity_type: f.entity_type.filter(|s| !s.is_empty()),
        entity_id,
        actor_id: None,
        action: f.action.filter(|s| !s.is_empty()),
        from,
        to,
        before,
        limit,
    };
    let (rows, more) = audit::list(&s.app, &c.ctx, &q)
        .await
        .map_err(|e| err(&c, e))?;
    let next_cursor = if more {
        rows.last().map(|r| format!("{}_{}", r.at, r.id))
    } else {
        None
    };
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(Json(AuditPage {
        items: rows
            .into_iter()
            .map(|r| AuditOut {
                id: r.id.to_string(),
                at: rfc3339(r.at),
                actor_id: r.actor_id.map(|a| a.to_string()),
                actor: r.actor_label,
                entity_type: r.entity_type,
                entity_id: r.entity_id.to_string(),
                action: r.action,
                before: parse(r.before_json),
                after: parse(r.after_json),
                request_id: r.request_id,
            })
            .collect(),
        next_cursor,
    }))
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
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobFilters),
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
        return Err(super::bad_param(c.ctx.language, "status"));
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
