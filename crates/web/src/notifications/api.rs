//! `/api/v1/notifications`: the caller's alerts, and marking them read.
use crate::AppState;
use crate::api::{err, rfc3339};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// An in-app alert.
#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: String,
    /// `budget_hours`, `budget_money`, `work_vs_revenue`, `concentration`
    pub kind: String,
    pub subject_type: String,
    pub subject_id: String,
    pub subject_label: String,
    /// The threshold or share crossed, in percent
    pub figure: i32,
    pub message: String,
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

/// The caller's alerts, newest first.
#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationOut>,
    pub unread: i64,
}

/// List the caller's alerts.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = NotificationList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn notifications(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<NotificationList>, ApiError> {
    let (rows, unread) = mesure_services::notifications::notifications(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    let lang = c.ctx.language;
    Ok(Json(NotificationList {
        items: rows
            .into_iter()
            .map(|n| NotificationOut {
                message: crate::notifications::pages::notification_text(lang, &n),
                id: n.id.to_string(),
                kind: n.kind,
                subject_type: n.subject_type,
                subject_id: n.subject_id.to_string(),
                subject_label: n.subject_label,
                figure: n.figure,
                link: n.link,
                created_at: rfc3339(n.created_at),
                read: n.read_at.is_some(),
            })
            .collect(),
        unread,
    }))
}

/// Mark all the caller's alerts as read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    responses((status = 204, description = "Marked"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn mark_read(State(s): State<AppState>, c: ApiCaller) -> Result<StatusCode, ApiError> {
    mesure_services::notifications::mark_read(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}
