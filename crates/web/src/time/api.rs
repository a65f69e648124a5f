//! `/api/v1/time-entries`, the timer, timesheet approval, time import, the radar and alerts.
use crate::AppState;
use crate::api::day;
use crate::api::err;
use crate::api::{ApiJson, ApiQuery, rfc3339};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mesure_domain::TimeAction;
use mesure_domain::forms::parse_day;
use mesure_domain::time::forms::{DurationIn, EntryFields};
use mesure_domain::time::import::Format;
use mesure_domain::{EntryId, UserId};
use mesure_services::time::EntryView;
use mesure_services::time::{self, ReasonForm, TimerFields};
use mesure_services::{ServiceError, time::import};
use mesure_store::time::{EntryQuery, TimerRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A time entry. Raw minutes are kept; `billed_minutes` applies the rounding rule.
#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub client_id: String,
    pub deliverable_id: Option<String>,
    pub change_request_id: Option<String>,
    pub date: Option<String>,
    pub minutes: i64,
    pub billed_minutes: i64,
    pub note: String,
    pub billable: bool,
    /// `in_scope`, `change_request` or `free`
    pub scope: String,
    pub free_reason: Option<String>,
    pub free_note: Option<String>,
    pub free_approved_by: Option<String>,
    pub write_off_reason: Option<String>,
    pub write_off_note: Option<String>,
    pub write_off_by: Option<String>,
    /// Hourly billing rate and cost applied, decimal strings; absent for readers who may not see
    /// money (staff)
    pub rate: Option<String>,
    pub cost_rate: Option<String>,
    pub locked: bool,
    pub invoiced: bool,
    /// `manual`, `timer` or `import`
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
}

impl From<EntryView> for EntryOut {
    fn from(e: EntryView) -> Self {
        let a = crate::api::amount;
        EntryOut {
            id: e.id.to_string(),
            user_id: e.user_id.to_string(),
            project_id: e.project_id.to_string(),
            client_id: e.client_id.to_string(),
            deliverable_id: e.deliverable_id.map(|d| d.to_string()),
            change_request_id: e.change_request_id.map(|d| d.to_string()),
            date: day(Some(e.work_date)),
            minutes: e.minutes,
            billed_minutes: e.billed_minutes,
            note: e.note,
            billable: e.billable,
            scope: e.scope.as_str().to_string(),
            free_reason: e.free_reason.map(|r| r.as_str().to_string()),
            free_note: e.free_note,
            free_approved_by: e.free_approved_by.map(|u| u.to_string()),
            write_off_reason: e.write_off_reason.map(|r| r.as_str().to_string()),
            write_off_note: e.write_off_note,
            write_off_by: e.write_off_by.map(|u| u.to_string()),
            rate: e.money.map(|m| a(m.rate)),
            cost_rate: e.money.map(|m| a(m.cost_rate)),
            locked: e.locked,
            invoiced: e.invoiced_at.is_some(),
            source: e.source.as_str().to_string(),
            created_at: rfc3339(e.created_at),
            updated_at: rfc3339(e.updated_at),
            version: e.version,
        }
    }
}

/// A time entry as sent. Give the duration as `minutes` or as `duration` (`1:30`, `1.5`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryBody {
    /// Another person (managers only); default the caller
    pub user_id: Option<String>,
    pub project_id: String,
    pub deliverable_id: Option<String>,
    pub change_request_id: Option<String>,
    /// `YYYY-MM-DD`
    pub date: String,
    pub minutes: Option<i64>,
    pub duration: Option<String>,
    pub note: Option<String>,
    pub billable: Option<bool>,
    /// `in_scope` (default), `change_request` or `free`
    pub scope: Option<String>,
    /// Required for free work: `goodwill`, `our_error`, `pre_sales`, `strategic`
    pub free_reason: Option<String>,
    pub free_note: Option<String>,
    #[schema(minimum = 1)]
    pub version: Option<i32>,
}

/// The body lends its fields as they are: minutes stay a number, `billable` a boolean.
impl<'a> From<&'a EntryBody> for EntryFields<'a> {
    fn from(b: &'a EntryBody) -> Self {
        EntryFields {
            user_id: b.user_id.as_deref(),
            project_id: &b.project_id,
            deliverable_id: b.deliverable_id.as_deref(),
            change_request_id: b.change_request_id.as_deref(),
            date: &b.date,
            duration: match (&b.duration, b.minutes) {
                (Some(_), Some(_)) => DurationIn::Twice,
                (Some(d), None) => DurationIn::Text(d),
                (None, Some(m)) => DurationIn::Minutes(m),
                (None, None) => DurationIn::Text(""),
            },
            note: b.note.as_deref(),
            billable: b.billable,
            scope: b.scope.as_deref(),
            free_reason: b.free_reason.as_deref(),
            free_note: b.free_note.as_deref(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryFilters {
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub deliverable_id: Option<String>,
    /// First day, `YYYY-MM-DD` (included)
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (excluded)
    pub to: Option<String>,
    /// `billable`, `non_billable`, `free`, `written_off`, `unplanned`, `change_request`,
    /// `unbilled_scope` (non-billable work outside the approved scope), `no_deliverable`
    pub kind: Option<String>,
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (also in the `Link: …; rel="next"` header)
    pub cursor: Option<String>,
}

/// Turns list filters into a query, naming any bad parameter.
pub fn entry_query(c: &ApiCaller, f: &EntryFilters) -> Result<EntryQuery, ApiError> {
    let lang = c.ctx.language;
    let id = |v: &Option<String>, name: &str| -> Result<Option<uuid::Uuid>, ApiError> {
        match v.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => uuid::Uuid::parse_str(s)
                .map(Some)
                .map_err(|_| crate::api::bad_param(lang, name)),
        }
    };
    let d = |v: &Option<String>, name: &str| -> Result<Option<i32>, ApiError> {
        match v.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_day(s)
                .map(Some)
                .ok_or_else(|| crate::api::bad_param(lang, name)),
        }
    };
    let kind = f.kind.clone().filter(|k| !k.is_empty());
    if let Some(k) = &kind
        && ![
            "billable",
            "non_billable",
            "free",
            "written_off",
            "unplanned",
            "change_request",
            "unbilled_scope",
            "no_deliverable",
        ]
        .contains(&k.as_str())
    {
        return Err(crate::api::bad_param(lang, "kind"));
    }
    let limit = f.limit.unwrap_or(500);
    if !(1..=5000).contains(&limit) {
        return Err(crate::api::bad_param(lang, "limit"));
    }
    Ok(EntryQuery {
        user: id(&f.user_id, "user_id")?,
        project: id(&f.project_id, "project_id")?,
        client: id(&f.client_id, "client_id")?,
        deliverable: id(&f.deliverable_id, "deliverable_id")?,
        from: d(&f.from, "from")?,
        to: d(&f.to, "to")?,
        kind,
        after: match f.cursor.as_deref().filter(|s| !s.is_empty()) {
            Some(k) => Some(
                mesure_store::time::EntryCursor::decode(k)
                    .ok_or_else(|| crate::api::bad_param(lang, "cursor"))?,
            ),
            None => None,
        },
        limit,
    })
}

fn entry_id(c: &ApiCaller, s: &str) -> Result<EntryId, ApiError> {
    EntryId::parse(s).ok_or_else(|| err(c, ServiceError::NotFound))
}

/// List time entries (newest first), a page at a time; staff see their own only. Every radar
/// figure's entries are reachable with these filters. `X-Total-Count` gives how many match; the
/// next page (when there is one) is in `Link: <…>; rel="next"` and `X-Next-Cursor`.
#[utoipa::path(get, path = "/api/v1/time-entries", tag = "time", params(EntryFilters),
    responses((status = 200, body = Vec<EntryOut>, headers(("X-Total-Count" = i64, description = "Entries matching the filters"), ("X-Next-Cursor" = String, description = "Cursor of the next page, when there is one"), ("Link" = String, description = "The next page: `<url>; rel=\"next\"`"))), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<EntryFilters>,
) -> Result<axum::response::Response, ApiError> {
    let q = entry_query(&c, &f)?;
    let limit = q.limit;
    let (rows, total, _) = time::page(&s.app, &c.ctx, q)
        .await
        .map_err(|e| err(&c, e))?;
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|e| e.cursor().encode()))
        .flatten();
    let mut query: Vec<(String, String)> = [
        ("user_id", &f.user_id),
        ("project_id", &f.project_id),
        ("client_id", &f.client_id),
        ("deliverable_id", &f.deliverable_id),
        ("from", &f.from),
        ("to", &f.to),
        ("kind", &f.kind),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.clone()
            .filter(|v| !v.is_empty())
            .map(|v| (k.to_string(), v))
    })
    .collect();
    query.push(("limit".into(), limit.to_string()));
    let body: Vec<EntryOut> = rows.into_iter().map(EntryOut::from).collect();
    Ok(crate::api::paged(
        body,
        total,
        next,
        "/api/v1/time-entries",
        query,
    ))
}

/// Log time.
#[utoipa::path(post, path = "/api/v1/time-entries", tag = "time", request_body = EntryBody,
    responses((status = 201, body = EntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<EntryBody>,
) -> Result<impl IntoResponse, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let row = time::log(&s.app, &c.ctx, &body)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(EntryOut::from(row))))
}

/// Read a time entry.
#[utoipa::path(get, path = "/api/v1/time-entries/{id}", tag = "time", params(("id" = String, Path, description = "Entry id")),
    responses((status = 200, body = EntryOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<EntryOut>, ApiError> {
    let id = entry_id(&c, &id)?;
    Ok(Json(EntryOut::from(
        time::get(&s.app, &c.ctx, id)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// Replace a time entry (not when its week is approved or it is invoiced: 409).
#[utoipa::path(put, path = "/api/v1/time-entries/{id}", tag = "time", params(("id" = String, Path, description = "Entry id")), request_body = EntryBody,
    responses((status = 200, body = EntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EntryBody>,
) -> Result<Json<EntryOut>, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let id = entry_id(&c, &id)?;
    Ok(Json(EntryOut::from(
        time::update(&s.app, &c.ctx, id, &body, body.version)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// Delete a time entry (not when locked or invoiced: 409).
#[utoipa::path(delete, path = "/api/v1/time-entries/{id}", tag = "time", params(("id" = String, Path, description = "Entry id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = entry_id(&c, &id)?;
    time::delete(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// `goodwill`, `our_error`, `pre_sales` or `strategic`
    pub reason: String,
    pub note: Option<String>,
}

/// Write off a logged billable entry (managers): kept at its value, billed at zero.
#[utoipa::path(post, path = "/api/v1/time-entries/{id}/write-off", tag = "time", params(("id" = String, Path, description = "Entry id")), request_body = ReasonBody,
    responses((status = 200, body = EntryOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn write_off(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<EntryOut>, ApiError> {
    let id = entry_id(&c, &id)?;
    let form = ReasonForm {
        reason: body.reason,
        note: body.note,
    };
    Ok(Json(EntryOut::from(
        time::write_off(&s.app, &c.ctx, id, &form)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// Approve free work logged by someone else (managers).
#[utoipa::path(post, path = "/api/v1/time-entries/{id}/approve-free", tag = "time", params(("id" = String, Path, description = "Entry id")),
    responses((status = 200, body = EntryOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn approve_free(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<EntryOut>, ApiError> {
    let id = entry_id(&c, &id)?;
    Ok(Json(EntryOut::from(
        time::approve_free(&s.app, &c.ctx, id)
            .await
            .map_err(|e| err(&c, e))?,
    )))
}

/// The caller's running timer.
#[derive(Serialize, ToSchema)]
pub struct TimerOut {
    pub running: bool,
    pub project_id: Option<String>,
    pub deliverable_id: Option<String>,
    pub note: Option<String>,
    pub billable: Option<bool>,
    pub started_at: Option<String>,
}

fn timer_out(t: Option<TimerRow>) -> TimerOut {
    match t {
        Some(t) => TimerOut {
            running: true,
            project_id: Some(t.project_id.to_string()),
            deliverable_id: t.deliverable_id.map(|d| d.to_string()),
            note: Some(t.note),
            billable: Some(t.billable),
            started_at: Some(rfc3339(t.started_at)),
        },
        None => TimerOut {
            running: false,
            project_id: None,
            deliverable_id: None,
            note: None,
            billable: None,
            started_at: None,
        },
    }
}

/// Read the caller's timer.
#[utoipa::path(get, path = "/api/v1/timer", tag = "time",
    responses((status = 200, body = TimerOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_timer(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<TimerOut>, ApiError> {
    Ok(Json(timer_out(
        time::timer(&s.app, &c.ctx).await.map_err(|e| err(&c, e))?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimerBody {
    pub project_id: String,
    pub deliverable_id: Option<String>,
    pub note: Option<String>,
    pub billable: Option<bool>,
}

/// What starting or stopping a timer did.
#[derive(Serialize, ToSchema)]
pub struct TimerChange {
    pub timer: TimerOut,
    /// The entry made from the timer that was stopped, if any
    pub entry: Option<EntryOut>,
}

/// Start a timer; a running one is stopped and logged first (switch).
#[utoipa::path(post, path = "/api/v1/timer/start", tag = "time", request_body = TimerBody,
    responses((status = 200, body = TimerChange), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn start_timer(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<TimerBody>,
) -> Result<Json<TimerChange>, ApiError> {
    let fields = TimerFields {
        project_id: &body.project_id,
        deliverable_id: body.deliverable_id.as_deref(),
        note: body.note.as_deref(),
        billable: body.billable,
    };
    let (t, e) = time::start_timer(&s.app, &c.ctx, fields)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(TimerChange {
        timer: timer_out(Some(t)),
        entry: e.map(EntryOut::from),
    }))
}

/// Stop the timer: the elapsed time becomes an entry (under 30 seconds, nothing).
#[utoipa::path(post, path = "/api/v1/timer/stop", tag = "time",
    responses((status = 200, body = TimerChange), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn stop_timer(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<TimerChange>, ApiError> {
    let e = time::stop_timer(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(TimerChange {
        timer: timer_out(None),
        entry: e.map(EntryOut::from),
    }))
}

/// What approving or reopening a week did.
#[derive(Serialize, ToSchema)]
pub struct WeekOut {
    pub user_id: String,
    pub week_start: String,
    pub approved: bool,
    /// Entries locked or unlocked
    pub entries: u64,
}

/// One cell of a week: the total time of a (project, deliverable, day).
#[derive(Deserialize, ToSchema)]
pub struct WeekCellBody {
    pub project_id: String,
    pub deliverable_id: Option<String>,
    /// A day of the week, YYYY-MM-DD
    pub date: String,
    /// Minutes, decimal hours or `h:mm`; empty or `0` removes the cell's entry
    pub duration: String,
}

/// A week grid to save all or nothing.
#[derive(Deserialize, ToSchema)]
pub struct WeekBody {
    pub cells: Vec<WeekCellBody>,
}

/// What a week save changed.
#[derive(Serialize, ToSchema)]
pub struct WeekSavedOut {
    pub week_start: String,
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
}

/// Save a person's week grid all or nothing (`id` = `me` for oneself; others' weeks are the
/// managers'). Each cell becomes the total of its (project, deliverable, day); one bad cell
/// refuses the whole request, its errors named `cells[i]`, and nothing is written.
#[utoipa::path(put, path = "/api/v1/timesheets/{id}/{week}", tag = "time", params(("id" = String, Path, description = "User id, or `me`"), ("week" = String, Path, description = "Any day of the week, YYYY-MM-DD")), request_body = WeekBody,
    responses((status = 200, body = WeekSavedOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_week(
    State(s): State<AppState>,
    c: ApiCaller,
    Path((id, week)): Path<(String, String)>,
    ApiJson(body): ApiJson<WeekBody>,
) -> Result<Json<WeekSavedOut>, ApiError> {
    let user = if id == "me" {
        None
    } else {
        Some(
            UserId::parse(&id)
                .ok_or_else(|| err(&c, ServiceError::NotFound))?
                .uuid(),
        )
    };
    let monday = parse_day(&week)
        .and_then(time::week_bounds)
        .and_then(|(from, _)| mesure_domain::projects::engagement::day_from_key(from))
        .ok_or_else(|| {
            err(
                &c,
                ServiceError::Invalid(mesure_domain::Invalid::one("week", "err-date")),
            )
        })?;
    let mut bad = mesure_domain::Invalid(Vec::new());
    let mut cells = Vec::with_capacity(body.cells.len());
    for (i, cell) in body.cells.iter().enumerate() {
        let key = format!("cells[{i}]");
        let offset = parse_day(&cell.date)
            .and_then(mesure_domain::projects::engagement::day_from_key)
            .and_then(|d| monday.until(d).ok())
            .map(|span| i64::from(span.get_days()))
            .filter(|d| (0..7).contains(d));
        let Some(day) = offset else {
            bad.push(&key, "err-date-outside-week");
            continue;
        };
        cells.push(time::WeekCell {
            key,
            project_id: cell.project_id.clone(),
            deliverable_id: cell.deliverable_id.clone(),
            day,
            value: cell.duration.clone(),
        });
    }
    if !bad.0.is_empty() {
        return Err(err(&c, ServiceError::Invalid(bad)));
    }
    let done = time::save_week(&s.app, &c.ctx, user, monday, &cells)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(WeekSavedOut {
        week_start: monday.to_string(),
        created: done.created,
        updated: done.updated,
        deleted: done.deleted,
    }))
}

/// Approve a person's week (managers): its entries lock. `week` is any day of the week.
#[utoipa::path(post, path = "/api/v1/timesheets/{id}/{week}/approve", tag = "time", params(("id" = String, Path, description = "User id"), ("week" = String, Path, description = "Any day of the week, YYYY-MM-DD")),
    responses((status = 200, body = WeekOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn approve_week(
    State(s): State<AppState>,
    c: ApiCaller,
    Path((id, week)): Path<(String, String)>,
) -> Result<Json<WeekOut>, ApiError> {
    week_change(s, c, id, week, true).await
}

/// Reopen an approved week (managers): its entries unlock.
#[utoipa::path(post, path = "/api/v1/timesheets/{id}/{week}/reopen", tag = "time", params(("id" = String, Path, description = "User id"), ("week" = String, Path, description = "Any day of the week, YYYY-MM-DD")),
    responses((status = 200, body = WeekOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reopen_week(
    State(s): State<AppState>,
    c: ApiCaller,
    Path((id, week)): Path<(String, String)>,
) -> Result<Json<WeekOut>, ApiError> {
    week_change(s, c, id, week, false).await
}

async fn week_change(
    s: AppState,
    c: ApiCaller,
    id: String,
    week: String,
    approved: bool,
) -> Result<Json<WeekOut>, ApiError> {
    let user = UserId::parse(&id).ok_or_else(|| err(&c, ServiceError::NotFound))?;
    let n = time::set_week_approved(&s.app, &c.ctx, user, &week, approved)
        .await
        .map_err(|e| err(&c, e))?;
    let start = parse_day(&week).and_then(time::week_bounds).map(|w| w.0);
    Ok(Json(WeekOut {
        user_id: id,
        week_start: day(start).unwrap_or_default(),
        approved,
        entries: n,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `harvest`, `toggl`, `kimai` or `generic`; detected from the header when absent
    pub format: Option<String>,
    /// Create missing people, clients and projects
    pub create_missing: Option<bool>,
    /// Check and report without writing anything
    pub dry_run: Option<bool>,
    /// Import rows that already exist in the workspace (same person, day, project, minutes and
    /// note) or repeat an earlier row of the file; without it they are errors
    pub allow_duplicates: Option<bool>,
    /// The file's name as shown in the import history; `api.csv` when absent (a multipart file
    /// part's own file name otherwise)
    pub file_name: Option<String>,
}

/// A `text/csv` import: the request body is the CSV file itself.
/// (Documents the body; the handler streams it to a temporary file.)
pub struct CsvFile;

impl utoipa::PartialSchema for CsvFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some(
                "The CSV file (UTF-8, Harvest, Toggl Track, Kimai or generic columns)",
            ))
            .into()
    }
}

impl ToSchema for CsvFile {}

/// A `multipart/form-data` import: the CSV file in the `file` part and, optionally, the
/// options of the query string as text parts (a query parameter wins over a part of the same
/// name). Other parts are read and ignored.
#[derive(ToSchema)]
#[allow(dead_code)] // Documents the multipart body; the handler reads the parts as they stream.
pub struct ImportForm {
    /// The CSV file (UTF-8, Harvest, Toggl Track, Kimai or generic columns)
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// `harvest`, `toggl`, `kimai` or `generic`; detected from the header when absent
    pub format: Option<String>,
    /// Create missing people, clients and projects (`true` or `false`)
    pub create_missing: Option<bool>,
    /// Check and report without writing anything (`true` or `false`)
    pub dry_run: Option<bool>,
    /// Import rows that already exist in the workspace or repeat an earlier row (`true` or
    /// `false`)
    pub allow_duplicates: Option<bool>,
    /// The file's name as shown in the import history
    pub file_name: Option<String>,
}

/// An option sent as a multipart text part, read into the query's parameters unless the query
/// already set it.
fn form_option(
    p: &mut ImportParams,
    name: &str,
    text: &str,
    lang: mesure_domain::Language,
) -> Result<(), ApiError> {
    let text = text.trim();
    let flag = || match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" | "" => Ok(false),
        _ => Err(crate::api::bad_param(lang, name)),
    };
    match name {
        "format" if p.format.is_none() => p.format = Some(text.to_string()),
        "create_missing" if p.create_missing.is_none() => p.create_missing = Some(flag()?),
        "dry_run" if p.dry_run.is_none() => p.dry_run = Some(flag()?),
        "allow_duplicates" if p.allow_duplicates.is_none() => p.allow_duplicates = Some(flag()?),
        "file_name" if p.file_name.is_none() && !text.is_empty() => {
            p.file_name = Some(text.to_string())
        }
        _ => {}
    }
    Ok(())
}

/// The text parts of an import form that are options.
const FORM_OPTIONS: [&str; 5] = [
    "format",
    "create_missing",
    "dry_run",
    "allow_duplicates",
    "file_name",
];

/// The outcome of an import: nothing is written when `errors` is not empty or on a dry run.
#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub format: String,
    pub rows: u64,
    pub skipped_zero: u64,
    pub minutes: i64,
    pub new_people: Vec<String>,
    pub new_clients: Vec<String>,
    pub new_projects: Vec<String>,
    /// The first 200 problems, in file order
    pub errors: Vec<ImportProblem>,
    /// Every problem, listed or not
    pub error_count: u64,
    /// True when `errors` does not list them all
    pub errors_truncated: bool,
    /// Rows that already exist in the workspace or repeat an earlier row of the file
    pub duplicates: u64,
    /// Their line numbers (the first 200)
    pub duplicate_lines: Vec<u64>,
    pub imported: bool,
    pub dry_run: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ImportProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
    /// The refused value as written, cut to 40 characters with `…`
    pub value: String,
}

impl From<import::Report> for ImportOut {
    fn from(r: import::Report) -> Self {
        ImportOut {
            format: r.format,
            rows: r.rows,
            skipped_zero: r.skipped_zero,
            minutes: r.minutes,
            new_people: r.new_people,
            new_clients: r.new_clients,
            new_projects: r.new_projects,
            errors: r
                .errors
                .into_iter()
                .map(|e| ImportProblem {
                    line: e.line,
                    column: e.column,
                    message: e.message,
                    value: e.value,
                })
                .collect(),
            error_count: r.error_count,
            errors_truncated: r.errors_truncated,
            duplicates: r.duplicates,
            duplicate_lines: r.duplicate_lines,
            imported: r.imported,
            dry_run: r.dry_run,
        }
    }
}

/// Import time from a CSV file: the body itself (`text/csv`) or the `file` part of a
/// `multipart/form-data` body; Harvest, Toggl Track, Kimai or generic. Any bad row rejects the
/// whole file (422 with every bad row: line, column, reason) and writes nothing. The caller, the
/// CSRF token of a session and the permission are checked before any of the body is read; the
/// body goes to a temporary file (at most 512 MiB, else 413), never into memory. Other requests
/// are served while it runs: its rows appear all at once when it is published.
#[utoipa::path(post, path = "/api/v1/time-imports", tag = "time", params(ImportParams), request_body(description = "The CSV file: the body itself, or the `file` part of a form", content((CsvFile = "text/csv"), (ImportForm = "multipart/form-data"))),
    responses((status = 200, body = ImportOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, description = "Another import is running in the workspace", body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, description = "Every bad row (nothing written), a bad parameter or form part, or a form without a `file` part", content((ImportOut = "application/json"), (Problem = "application/problem+json")))))]
pub async fn import_csv(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(mut p): ApiQuery<ImportParams>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    use crate::time::upload::{self, SpoolError};
    // Everything that can refuse the request is decided from its head.
    c.ctx.require(TimeAction::Manage).map_err(|e| err(&c, e))?;
    let lang = c.ctx.language;
    let parse_format = |f: Option<&str>| match f.filter(|f| !f.is_empty()) {
        Some(f) => Format::parse(f)
            .map(Some)
            .ok_or_else(|| crate::api::bad_param(lang, "format")),
        None => Ok(None),
    };
    parse_format(p.format.as_deref())?;
    let essence = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let problem = |status: StatusCode, key: &str| {
        let mut e = ApiError::new(status, lang, key);
        e.problem.request_id = c.ctx.request_id.clone();
        e
    };
    let spool_error = |e: SpoolError| match e {
        SpoolError::TooLarge => problem(StatusCode::PAYLOAD_TOO_LARGE, "err-too-large"),
        SpoolError::Body(why) => {
            let mut e = problem(StatusCode::BAD_REQUEST, "err-bad-request");
            e.problem.detail = Some(why);
            e
        }
        SpoolError::Io(io) => err(&c, ServiceError::Unavailable(format!("upload: {io}"))),
    };
    let dir = upload::upload_dir(&s.app);
    let cap = crate::MAX_IMPORT as u64;
    let (file, part_name) = match essence.as_str() {
        "text/csv" => (
            upload::spool_body(request.into_body(), &dir, cap)
                .await
                .map_err(spool_error)?,
            None,
        ),
        "multipart/form-data" => {
            use axum::extract::FromRequest;
            let mut form = axum::extract::Multipart::from_request(request, &())
                .await
                .map_err(|e| spool_error(SpoolError::Body(e.body_text())))?;
            let mut found = None;
            while let Some(mut field) = form
                .next_field()
                .await
                .map_err(|e| spool_error(upload::multipart_error(e)))?
            {
                if found.is_none() && field.name() == Some("file") {
                    let name = field.file_name().map(str::to_string);
                    let f = upload::spool_field(&mut field, &dir, cap)
                        .await
                        .map_err(spool_error)?;
                    found = Some((f, name));
                } else if let Some(option) = field
                    .name()
                    .and_then(|n| FORM_OPTIONS.iter().find(|o| **o == n))
                {
                    let text = upload::small_field(&mut field, 1024)
                        .await
                        .map_err(spool_error)?;
                    form_option(&mut p, option, &text, lang)?;
                } else {
                    upload::skip_field(&mut field).await.map_err(spool_error)?;
                }
            }
            let Some((f, name)) = found else {
                let mut e = problem(StatusCode::UNPROCESSABLE_ENTITY, "err-validation");
                e.problem.errors = vec![crate::error::FieldProblem {
                    field: "file".into(),
                    message: mesure_i18n::t(lang, "err-import-no-file"),
                }];
                return Err(e);
            };
            (f, name)
        }
        _ => {
            let mut e = problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "err-import-media-type");
            e.problem.detail = Some(mesure_i18n::t(lang, "err-import-media-type-detail"));
            return Err(e);
        }
    };
    let format = parse_format(p.format.as_deref())?;
    let opts = import::Options {
        format,
        create_missing: p.create_missing.unwrap_or(false),
        dry_run: p.dry_run.unwrap_or(false),
        allow_duplicates: p.allow_duplicates.unwrap_or(false),
        file_name: p
            .file_name
            .or(part_name)
            .unwrap_or_else(|| "api.csv".into()),
        ..import::Options::default()
    };
    let report = upload::run_import(&s.app, &c.ctx, file, opts)
        .await
        .map_err(|e| err(&c, e))?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(ImportOut::from(report))))
}
