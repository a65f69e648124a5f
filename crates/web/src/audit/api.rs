//! `/api/v1/audit`: the audit log, filtered and paged.
use crate::AppState;
use crate::api::{ApiQuery, err, rfc3339};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::State;
use mesure_services::audit;
use mesure_store::audit::AuditQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    /// The entity before the change, if any: a free-form JSON object snapshot of its stored
    /// fields (its shape follows `entity_type` and may grow; not a typed schema on purpose)
    pub before: Option<serde_json::Value>,
    /// The entity after the change, if any: a free-form JSON object snapshot like `before`
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
        let mut e = crate::api::bad_param(lang, first);
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
