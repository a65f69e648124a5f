//! Time pages: the week (timer, quick entry, the weekly grid, duplicate last week), the entry
//! list behind every figure, timesheet approval, import, and the CSV export.
use crate::AppState;
use crate::html::choices;
use crate::html::fmt;
use crate::html::{Base, Errors, Values, error_page, parse_id, render, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mesure_domain::TimeAction;
use mesure_domain::forms::parse_day;
use mesure_domain::projects::engagement::{FreeReason, Scope, day_from_key, day_key, week_start};
use mesure_domain::time::forms::EntryForm;
use mesure_domain::time::import::Format;
use mesure_domain::{EntryId, UserId};
use mesure_services::projects::ProjectView;
use mesure_services::time::EntryView;
use mesure_services::time::{self as svc, ReasonForm, TimerForm};
use mesure_services::{ServiceError, people::users, projects, time::import};
use mesure_store::time::EntryQuery;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Deserialize, Default)]
pub struct WeekQuery {
    pub week: Option<String>,
    pub notice: Option<String>,
    /// After "duplicate last week": entries copied, left out as after today, refused.
    pub copied: Option<i64>,
    pub future: Option<i64>,
    pub refused: Option<i64>,
}

pub struct GridRow {
    pub project_id: String,
    pub deliverable_id: String,
    pub label: String,
    /// Per day: the value shown, whether the cell is editable (one entry or none), and the
    /// link to the entries when the cell holds several.
    pub cells: Vec<(String, bool, Option<String>, String)>,
    pub total: String,
}

pub struct EntryLine {
    pub id: String,
    pub date: String,
    pub project: String,
    pub project_id: String,
    pub deliverable: String,
    pub person: String,
    pub duration: String,
    pub note: String,
    pub flags: Vec<String>,
    pub editable: bool,
    pub can_write_off: bool,
    pub can_approve_free: bool,
}

#[derive(Template)]
#[template(path = "time/week.html")]
struct WeekPage {
    base: Base,
    week: String,
    week_label: String,
    /// The day the grid opens on where one day shows at a time (today in this week, else Monday).
    today_index: usize,
    prev: String,
    next: String,
    days: Vec<(String, String)>,
    grid: Vec<GridRow>,
    blank: Vec<usize>,
    day_totals: Vec<String>,
    week_total: String,
    projects: Vec<(String, String)>,
    deliverables: Vec<(String, String, String)>,
    entries: Vec<EntryLine>,
    timer: Option<(String, String, String)>,
    locked: Option<String>,
    values: Values,
    errors: Errors,
    reasons: Vec<(String, String)>,
    scopes: Vec<(String, String)>,
}

struct Names {
    projects: HashMap<Uuid, String>,
    deliverables: HashMap<Uuid, String>,
    people: HashMap<Uuid, String>,
}

async fn names(
    s: &AppState,
    page: &Page,
) -> Result<(Names, Vec<(String, String)>, Vec<(String, String, String)>), ServiceError> {
    let list = projects::list(&s.app, &page.ctx, None, true).await?;
    let mut c = s.app.db.read().await?;
    let clients: HashMap<Uuid, String> =
        mesure_store::clients::names(&mut c.conn(), page.ctx.workspace)
            .await?
            .into_iter()
            .collect();
    let dl: Vec<(Uuid, Uuid, String)> =
        mesure_store::projects::deliverable_labels(&mut c.conn(), page.ctx.workspace).await?;
    drop(c);
    let people = users::list_staff(&s.app, &page.ctx).await?;
    let label = |p: &ProjectView| {
        format!(
            "{} — {}",
            clients.get(&p.client_id).cloned().unwrap_or_default(),
            p.name
        )
    };
    let options: Vec<(String, String)> = list
        .iter()
        .filter(|p| !p.archived)
        .map(|p| (p.id.to_string(), label(p)))
        .collect();
    let deliverables = dl
        .iter()
        .map(|(id, p, n)| (id.to_string(), p.to_string(), n.clone()))
        .collect();
    Ok((
        Names {
            projects: list.iter().map(|p| (p.id, label(p))).collect(),
            deliverables: dl.into_iter().map(|(id, _, n)| (id, n)).collect(),
            people: people.into_iter().map(|u| (u.id, u.name)).collect(),
        },
        options,
        deliverables,
    ))
}

fn entry_line(lang: mesure_domain::Language, e: &EntryView, n: &Names, manager: bool) -> EntryLine {
    let t = |k: &str| mesure_i18n::t(lang, k);
    let mut flags = Vec::new();
    if !e.billable {
        flags.push(format!("{} ✗", t("time-billable")));
    }
    if e.scope == Scope::Free {
        flags.push(format!(
            "{} ({})",
            t("scope-free"),
            e.free_reason
                .map(|r| t(&format!("reason-{}", r.as_str())))
                .unwrap_or_default()
        ));
        if e.free_approved_by.is_none() {
            flags.push(t("time-free-pending"));
        }
    }
    if e.scope == Scope::ChangeRequest {
        flags.push(t("scope-change_request"));
    }
    if let Some(r) = e.write_off_reason {
        flags.push(format!(
            "{} ({})",
            t("time-written-off"),
            t(&format!("reason-{}", r.as_str()))
        ));
    }
    if e.locked {
        flags.push(t("time-locked"));
    }
    if e.billed_minutes != e.minutes {
        flags.push(format!("→ {}", fmt::hours(lang, e.billed_minutes)));
    }
    EntryLine {
        id: e.id.to_string(),
        date: fmt::day(lang, e.work_date),
        project: n.projects.get(&e.project_id).cloned().unwrap_or_default(),
        project_id: e.project_id.to_string(),
        deliverable: e
            .deliverable_id
            .and_then(|d| n.deliverables.get(&d).cloned())
            .unwrap_or_default(),
        person: n.people.get(&e.user_id).cloned().unwrap_or_default(),
        duration: fmt::hours(lang, e.minutes),
        note: e.note.clone(),
        flags,
        editable: !e.locked && e.invoiced_at.is_none(),
        can_write_off: manager
            && e.billable
            && e.scope != Scope::Free
            && e.write_off_reason.is_none()
            && e.invoiced_at.is_none(),
        can_approve_free: manager && e.scope == Scope::Free && e.free_approved_by.is_none(),
    }
}

fn this_week(s: &AppState, page: &Page, q: Option<&str>) -> jiff::civil::Date {
    let today = projects::today(&s.app, &page.ctx);
    let day = q.and_then(parse_day).unwrap_or(today);
    week_start(day_from_key(day).unwrap_or_else(|| jiff::civil::date(2026, 1, 5)))
}

pub async fn week(State(s): State<AppState>, page: Page, Query(q): Query<WeekQuery>) -> Response {
    let monday = this_week(&s, &page, q.week.as_deref());
    let notice_text = match (q.notice.as_deref(), q.copied) {
        (Some("duplicated"), Some(copied)) => {
            let n = |v: Option<i64>| mesure_i18n::Arg::Num(v.unwrap_or(0));
            Some(mesure_i18n::t_args(
                page.ctx.language,
                "time-duplicated-detail",
                &[
                    ("count", mesure_i18n::Arg::Num(copied)),
                    ("future", n(q.future)),
                    ("refused", n(q.refused)),
                ],
            ))
        }
        _ => None,
    };
    week_page_with(
        &s,
        &page,
        monday,
        q.notice.as_deref(),
        notice_text,
        Values::default(),
        Errors::default(),
    )
    .await
}

async fn week_page(
    s: &AppState,
    page: &Page,
    monday: jiff::civil::Date,
    notice: Option<&str>,
    values: Values,
    errors: Errors,
) -> Response {
    week_page_with(s, page, monday, notice, None, values, errors).await
}

/// The week page; `notice_text` (already translated) replaces the notice of key `notice`.
async fn week_page_with(
    s: &AppState,
    page: &Page,
    monday: jiff::civil::Date,
    notice: Option<&str>,
    notice_text: Option<String>,
    mut values: Values,
    errors: Errors,
) -> Response {
    let lang = page.ctx.language;
    let t = |k: &str| mesure_i18n::t(lang, k);
    if let Err(e) = page.ctx.require(TimeAction::Log) {
        return error_page(page, e);
    }
    let from = day_key(monday);
    let to = day_key(
        monday
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or(monday),
    );
    let result = async {
        let (n, options, deliverables) = names(s, page).await?;
        let entries = svc::list(
            &s.app,
            &page.ctx,
            EntryQuery {
                user: Some(page.ctx.user.uuid()),
                from: Some(from),
                to: Some(to),
                limit: 2000,
                ..EntryQuery::default()
            },
        )
        .await?;
        let timer = svc::timer(&s.app, &page.ctx).await?;
        let approval = svc::week_approval(&s.app, &page.ctx, page.ctx.user.uuid(), from).await?;
        Ok::<_, ServiceError>((n, options, deliverables, entries, timer, approval))
    }
    .await;
    let (n, options, deliverables, entries, timer, approval) = match result {
        Ok(r) => r,
        Err(e) => return error_page(page, e),
    };
    let days: Vec<jiff::civil::Date> = (0..7)
        .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    // Grid rows: one per (project, deliverable) of the week's entries.
    type Cells<'a> = BTreeMap<(String, Uuid, Option<Uuid>), Vec<Vec<&'a EntryView>>>;
    let mut cells: Cells = BTreeMap::new();
    for e in &entries {
        let label = n.projects.get(&e.project_id).cloned().unwrap_or_default();
        let row = cells
            .entry((label, e.project_id, e.deliverable_id))
            .or_insert_with(|| vec![Vec::new(); 7]);
        if let Some(i) = days.iter().position(|d| day_key(*d) == e.work_date)
            && let Some(slot) = row.get_mut(i)
        {
            slot.push(e);
        }
    }
    let mut day_totals = [0i64; 7];
    let grid: Vec<GridRow> = cells
        .into_iter()
        .map(|((label, pid, did), row)| {
            let mut total = 0;
            let cells = row
                .iter()
                .enumerate()
                .map(|(i, es)| {
                    let m: i64 = es.iter().map(|e| e.minutes).sum();
                    total += m;
                    if let Some(d) = day_totals.get_mut(i) {
                        *d += m;
                    }
                    let editable = es.len() <= 1
                        && es.iter().all(|e| {
                            !e.locked
                                && e.invoiced_at.is_none()
                                && e.scope == Scope::InScope
                                && e.write_off_reason.is_none()
                        });
                    let several = (es.len() > 1).then(|| {
                        let day = days.get(i).map(|d| d.to_string()).unwrap_or_default();
                        format!("/time/entries?project_id={pid}&from={day}&to={day}")
                    });
                    (
                        if m > 0 {
                            format!("{}:{:02}", m / 60, m % 60)
                        } else {
                            String::new()
                        },
                        editable && approval.is_none(),
                        several,
                        days.get(i)
                            .map(|d| fmt::weekday_day(lang, *d))
                            .unwrap_or_default(),
                    )
                })
                .collect();
            let dname = did.and_then(|d| n.deliverables.get(&d).cloned());
            GridRow {
                project_id: pid.to_string(),
                deliverable_id: did.map(|d| d.to_string()).unwrap_or_default(),
                label: match dname {
                    Some(d) => format!("{label} · {d}"),
                    None => label,
                },
                cells,
                total: fmt::hours(lang, total),
            }
        })
        .collect();
    let week_total = fmt::hours(lang, day_totals.iter().sum());
    let manager = page.ctx.may(TimeAction::Manage);
    let today = projects::today(&s.app, &page.ctx);
    let today_index = days.iter().position(|d| day_key(*d) == today).unwrap_or(0);
    if values.get("date").is_empty() {
        let d = if today >= from && today < to {
            today
        } else {
            from
        };
        values.set("date", Some(&fmt::iso(Some(d))));
    }
    let mut base = Base::new(page, "time-title", "/time", "/time").with_notice(notice);
    if notice_text.is_some() {
        base.notice = notice_text;
    }
    base.title = t("time-title");
    let week_label = mesure_i18n::t_args(
        lang,
        "time-week-of",
        &[(
            "date",
            mesure_i18n::Arg::Str(&mesure_i18n::date(lang, monday)),
        )],
    );
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &WeekPage {
            base,
            week: monday.to_string(),
            week_label,
            today_index,
            prev: monday
                .checked_sub(jiff::Span::new().days(7))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            next: monday
                .checked_add(jiff::Span::new().days(7))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            days: days
                .iter()
                .map(|d| (d.to_string(), fmt::weekday_day(lang, *d)))
                .collect(),
            blank: (grid.len()..grid.len() + 3).collect(),
            grid,
            day_totals: day_totals.iter().map(|m| fmt::hours(lang, *m)).collect(),
            week_total,
            entries: entries
                .iter()
                .map(|e| entry_line(lang, e, &n, manager))
                .collect(),
            timer: timer.map(|tm| {
                (
                    n.projects.get(&tm.project_id).cloned().unwrap_or_default(),
                    mesure_i18n::datetime(
                        lang,
                        mesure_store::ts(tm.started_at),
                        &page.ctx.time_zone,
                    ),
                    mesure_store::ts(tm.started_at).to_string(),
                )
            }),
            locked: approval.map(|a| {
                mesure_i18n::datetime(lang, mesure_store::ts(a.approved_at), &page.ctx.time_zone)
            }),
            projects: options,
            deliverables,
            values,
            errors,
            reasons: choices(lang, FreeReason::ALL, "reason"),
            // The week grid logs in scope or free; change requests are chosen per entry.
            scopes: choices(lang, &[Scope::InScope, Scope::Free], "scope"),
        },
    )
}

/// The list page a form came from (its `back` field, a local path), else the entry list.
fn back_to_list(body: &[u8]) -> String {
    crate::html::local_path(Values::from_body(body).get("back"))
        .unwrap_or_else(|| "/time/entries".into())
}

/// The week page a form came from (its `week` field, a day), else `default`.
fn back_to_week(body: &[u8], default: &str) -> String {
    match parse_day(Values::from_body(body).get("week")).and_then(day_from_key) {
        Some(d) => format!("/time?week={d}"),
        None => default.to_string(),
    }
}

pub async fn log(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let form: EntryForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let back = back_to_week(&body, "/time");
    match svc::log(&s.app, &page.ctx, &form).await {
        Ok(_) => see_other(&back, "time-logged"),
        Err(ServiceError::Invalid(inv)) => {
            let v = Values::from_body(&body);
            let monday = this_week(&s, &page, Some(v.get("week")).filter(|w| !w.is_empty()));
            week_page(
                &s,
                &page,
                monday,
                None,
                v,
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn timer_start(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let form: TimerForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match svc::start_timer(&s.app, &page.ctx, &form).await {
        Ok(_) => see_other("/time", "timer-started"),
        Err(ServiceError::Invalid(inv)) => {
            let monday = this_week(&s, &page, None);
            let v = Values::from_body(&body);
            week_page(
                &s,
                &page,
                monday,
                None,
                v,
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn timer_stop(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    match svc::stop_timer(&s.app, &page.ctx).await {
        Ok(Some(_)) => see_other("/time", "timer-stopped"),
        // Under 30 seconds (or no timer running): say that nothing was logged.
        Ok(None) => see_other("/time", "timer-nothing-logged"),
        Err(ServiceError::Invalid(inv)) => {
            let monday = this_week(&s, &page, None);
            week_page(
                &s,
                &page,
                monday,
                None,
                Values::default(),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

/// Saves the weekly grid all or nothing (`svc::save_week`): each cell becomes the total of its
/// (project, deliverable, day). A bad cell refuses the whole save; the page comes back with every
/// typed value, the bad cells marked and named by day and project in the summary.
pub async fn grid_save(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = page.ctx.language;
    let v: HashMap<String, String> = pairs.into_iter().collect();
    let monday = this_week(&s, &page, v.get("week").map(String::as_str));
    let mut cells = Vec::new();
    for i in 0..200 {
        let Some(project) = v.get(&format!("r{i}_project")).filter(|p| !p.is_empty()) else {
            continue;
        };
        let deliverable = v.get(&format!("r{i}_deliverable")).cloned();
        for d in 0..7i64 {
            let key = format!("r{i}_d{d}");
            if let Some(value) = v.get(&key) {
                cells.push(svc::WeekCell {
                    key,
                    project_id: project.clone(),
                    deliverable_id: deliverable.clone(),
                    day: d,
                    value: value.clone(),
                });
            }
        }
    }
    match svc::save_week(&s.app, &page.ctx, None, monday, &cells).await {
        Ok(_) => see_other(&format!("/time?week={monday}"), "week-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let mut errors = Errors::from_invalid(lang, &inv);
            // Name each bad cell by its day and project in the summary.
            let labels = match names(&s, &page).await {
                Ok((n, _, _)) => n,
                Err(e) => return error_page(&page, e),
            };
            for cell in &cells {
                if let Some(msg) = errors.0.get_mut(&cell.key) {
                    let day = monday
                        .checked_add(jiff::Span::new().days(cell.day))
                        .map(|d| fmt::weekday_day(lang, d))
                        .unwrap_or_default();
                    let project = Uuid::parse_str(&cell.project_id)
                        .ok()
                        .and_then(|p| labels.projects.get(&p).cloned())
                        .unwrap_or_default();
                    *msg = mesure_i18n::t_args(
                        lang,
                        "time-grid-cell-error",
                        &[
                            ("day", mesure_i18n::Arg::Str(&day)),
                            ("project", mesure_i18n::Arg::Str(&project)),
                            ("message", mesure_i18n::Arg::Str(msg)),
                        ],
                    );
                }
            }
            week_page(&s, &page, monday, None, Values::from_body(&body), errors).await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn duplicate(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let v: HashMap<String, String> = match page.form::<Vec<(String, String)>>(&body) {
        Ok(f) => f.into_iter().collect(),
        Err(r) => return r,
    };
    let week = v.get("week").cloned().unwrap_or_default();
    match svc::duplicate_last_week(&s.app, &page.ctx, &week).await {
        Ok(d) => axum::response::Redirect::to(&format!(
            "/time?week={week}&notice=duplicated&copied={}&future={}&refused={}",
            d.copied, d.skipped_future, d.skipped_refused
        ))
        .into_response(),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "time/entry_form.html")]
struct EntryEditPage {
    base: Base,
    id: String,
    values: Values,
    errors: Errors,
    projects: Vec<(String, String)>,
    deliverables: Vec<(String, String, String)>,
    scopes: Vec<(String, String)>,
    reasons: Vec<(String, String)>,
    billable: Vec<(String, String)>,
    back: String,
}

async fn entry_form_page(
    s: &AppState,
    page: &Page,
    id: EntryId,
    values: Values,
    errors: Errors,
) -> Response {
    let lang = page.ctx.language;
    let (_, projects, deliverables) = match names(s, page).await {
        Ok(n) => n,
        Err(e) => return error_page(page, e),
    };
    let week = values.get("date").to_string();
    let mut reasons = vec![(String::new(), "—".to_string())];
    reasons.extend(choices(lang, FreeReason::ALL, "reason"));
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &EntryEditPage {
            base: Base::new(page, "time-edit-entry", "/time", "/time"),
            id: id.uuid().to_string(),
            values,
            errors,
            projects,
            deliverables,
            scopes: choices(lang, Scope::ALL, "scope"),
            reasons,
            billable: vec![("true".into(), "✓".into()), ("false".into(), "✗".into())],
            back: format!("/time?week={week}"),
        },
    )
}

/// The form to change one entry (locked or invoiced ones answer 409).
pub async fn edit_entry(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse_id(&page, &id, EntryId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let e = match svc::get(&s.app, &page.ctx, id).await {
        Ok(e) => e,
        Err(e) => return error_page(&page, e),
    };
    if e.locked {
        return error_page(&page, ServiceError::Conflict("err-week-locked"));
    }
    if e.invoiced_at.is_some() {
        return error_page(&page, ServiceError::Conflict("err-entry-invoiced"));
    }
    let mut v = Values::default();
    v.set("project_id", Some(&e.project_id.to_string()));
    v.set(
        "deliverable_id",
        e.deliverable_id.map(|d| d.to_string()).as_deref(),
    );
    v.set("date", Some(&fmt::iso(Some(e.work_date))));
    v.set(
        "duration",
        Some(&format!("{}:{:02}", e.minutes / 60, e.minutes % 60)),
    );
    v.set("note", Some(&e.note));
    v.set("scope", Some(e.scope.as_str()));
    v.set("free_reason", e.free_reason.map(|r| r.as_str()));
    v.set("free_note", e.free_note.as_deref());
    v.set("billable", Some(if e.billable { "true" } else { "false" }));
    v.set("version", Some(&e.version.to_string()));
    entry_form_page(&s, &page, id, v, Errors::default()).await
}

pub async fn update_entry(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match parse_id(&page, &id, EntryId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form: EntryForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let values = Values::from_body(&body);
    let version = values.get("version").parse().ok();
    match svc::update(&s.app, &page.ctx, id, &form, version).await {
        Ok(e) => {
            let monday = day_from_key(e.work_date)
                .map(week_start)
                .map(|d| d.to_string())
                .unwrap_or_default();
            see_other(&format!("/time?week={monday}"), "time-logged")
        }
        Err(ServiceError::Invalid(inv)) => {
            entry_form_page(
                &s,
                &page,
                id,
                values,
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(ServiceError::Conflict(k)) => {
            let errors = Errors::one("form", mesure_i18n::t(page.ctx.language, k));
            entry_form_page(&s, &page, id, values, errors).await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn delete_entry(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match parse_id(&page, &id, EntryId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    let back = back_to_week(&body, "/time");
    match svc::delete(&s.app, &page.ctx, id).await {
        Ok(()) => see_other(&back, "entry-deleted"),
        Err(e) => error_page(&page, e),
    }
}

pub async fn write_off(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match parse_id(&page, &id, EntryId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form: ReasonForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let back = back_to_list(&body);
    match svc::write_off(&s.app, &page.ctx, id, &form).await {
        Ok(_) => see_other(&back, "written-off"),
        Err(e) => error_page(&page, e),
    }
}

pub async fn approve_free(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = match parse_id(&page, &id, EntryId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    let back = back_to_list(&body);
    match svc::approve_free(&s.app, &page.ctx, id).await {
        Ok(_) => see_other(&back, "free-approved"),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Deserialize, Default)]
pub struct EntriesQuery {
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub deliverable_id: Option<String>,
    /// First day (included).
    pub from: Option<String>,
    /// Day after the last (excluded), as the radar's links give it.
    pub to: Option<String>,
    /// Last day (included), as the filter form gives it.
    pub until: Option<String>,
    /// A named period of the picker (`this_month` …); overrides the dates.
    pub period: Option<String>,
    pub kind: Option<String>,
    /// The page's keyset cursor.
    pub after: Option<String>,
    pub notice: Option<String>,
}

/// Entries shown per page of the list.
const PAGE: i64 = 100;

fn query_of(q: &EntriesQuery, today: i32) -> EntryQuery {
    let id = |v: &Option<String>| v.as_deref().and_then(|s| Uuid::parse_str(s).ok());
    let mut from = q.from.as_deref().and_then(parse_day);
    let mut to = q.to.as_deref().and_then(parse_day).or_else(|| {
        q.until
            .as_deref()
            .and_then(parse_day)
            .and_then(day_from_key)
            .and_then(|d| d.checked_add(jiff::Span::new().days(1)).ok())
            .map(day_key)
    });
    if let Some(p) = q.period.as_deref().filter(|p| *p != "custom")
        && let Some((f, t)) = day_from_key(today).and_then(|d| crate::html::period::named(p, d))
    {
        from = Some(day_key(f));
        to = Some(day_key(t));
    }
    EntryQuery {
        user: id(&q.user_id),
        project: id(&q.project_id),
        client: id(&q.client_id),
        deliverable: id(&q.deliverable_id),
        from,
        to,
        kind: q.kind.clone().filter(|k| !k.is_empty()),
        after: q
            .after
            .as_deref()
            .and_then(mesure_store::time::EntryCursor::decode),
        limit: PAGE,
    }
}

#[derive(Template)]
#[template(path = "time/entries.html")]
struct EntriesPage {
    base: Base,
    entries: Vec<EntryLine>,
    /// Hours of every matching entry (not only this page's).
    total: String,
    count: i64,
    /// The filters as a query string (for the export, the next page and forms' way back).
    query: String,
    back: String,
    next: Option<String>,
    reasons: Vec<(String, String)>,
    filters: Values,
    periods: Vec<(&'static str, String, bool)>,
    people: Vec<(String, String)>,
    clients: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

/// The entries list: filters (period, person, client, project, kind), pages of 100 with the
/// total over every match, and the entries behind any radar figure.
pub async fn entries(
    State(s): State<AppState>,
    page: Page,
    uri: axum::http::Uri,
    Query(q): Query<EntriesQuery>,
) -> Response {
    let lang = page.ctx.language;
    let today = projects::today(&s.app, &page.ctx);
    let eq = query_of(&q, today);
    let manager = page.ctx.may(TimeAction::Manage);
    let result = async {
        let (n, options, _) = names(&s, &page).await?;
        let (rows, count, minutes) = svc::page(&s.app, &page.ctx, eq.clone()).await?;
        let clients = mesure_services::clients::names(&s.app, &page.ctx).await?;
        Ok::<_, ServiceError>((n, options, rows, count, minutes, clients))
    }
    .await;
    match result {
        Ok((n, options, rows, count, minutes, clients)) => {
            let raw = uri.query().unwrap_or("");
            // The filters without the paging and notice parameters.
            let query = serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "after" && k != "notice")
                .collect::<Vec<_>>();
            let query = serde_urlencoded::to_string(&query).unwrap_or_default();
            let back = format!("/time/entries?{query}");
            let next = (rows.len() as i64 == PAGE)
                .then(|| rows.last())
                .flatten()
                .map(|e| e.cursor().encode());
            let mut filters = Values::default();
            for (k, v) in [
                ("user_id", &q.user_id),
                ("client_id", &q.client_id),
                ("project_id", &q.project_id),
                ("kind", &q.kind),
                ("period", &q.period),
            ] {
                filters.set(k, v.as_deref());
            }
            filters.set("from", Some(&fmt::iso(eq.from)));
            filters.set(
                "until",
                Some(&fmt::iso(eq.to.and_then(day_from_key).and_then(|d| {
                    d.checked_sub(jiff::Span::new().days(1)).ok().map(day_key)
                }))),
            );
            let today_date = svc::today_date(&s.app, &page.ctx);
            let picked = crate::html::period::Period {
                name: q.period.clone().unwrap_or_else(|| "custom".into()),
                from: today_date,
                to: today_date,
            };
            let mut people: Vec<(String, String)> = if manager {
                n.people
                    .iter()
                    .map(|(id, name)| (id.to_string(), name.clone()))
                    .collect()
            } else {
                vec![]
            };
            people.sort_by(|a, b| a.1.cmp(&b.1));
            let mut clients: Vec<(String, String)> = clients
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect();
            clients.sort_by(|a, b| a.1.cmp(&b.1));
            render(&EntriesPage {
                base: Base::new(&page, "time-entries", "/time/entries", "/time/entries")
                    .with_notice(q.notice.as_deref()),
                count,
                entries: rows
                    .iter()
                    .map(|e| entry_line(lang, e, &n, manager))
                    .collect(),
                total: fmt::hours(lang, minutes),
                query,
                back,
                next,
                reasons: choices(lang, FreeReason::ALL, "reason"),
                filters,
                periods: picked.options(lang),
                people,
                clients,
                projects: options,
                kinds: [
                    "billable",
                    "non_billable",
                    "free",
                    "written_off",
                    "unplanned",
                    "change_request",
                ]
                .iter()
                .map(|k| {
                    (
                        k.to_string(),
                        mesure_i18n::t(lang, &format!("time-kind-{k}")),
                    )
                })
                .collect(),
            })
        }
        Err(e) => error_page(&page, e),
    }
}

/// Time entries as CSV (the generic import layout plus billing columns), honouring the filters.
pub async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<EntriesQuery>,
) -> Response {
    let today = projects::today(&s.app, &page.ctx);
    match svc::csv(&s.app, &page.ctx, query_of(&q, today)).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"time.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => error_page(&page, e),
    }
}

pub struct PersonWeek {
    pub id: String,
    pub name: String,
    pub hours: String,
    pub approved: bool,
}

#[derive(Template)]
#[template(path = "time/approvals.html")]
struct ApprovalsPage {
    base: Base,
    week: String,
    week_label: String,
    prev: String,
    next: String,
    people: Vec<PersonWeek>,
}

pub async fn approvals(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<WeekQuery>,
) -> Response {
    let lang = page.ctx.language;
    if let Err(e) = page.ctx.require(TimeAction::Manage) {
        return error_page(&page, e);
    }
    let monday = this_week(&s, &page, q.week.as_deref());
    let from = day_key(monday);
    let to = day_key(
        monday
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or(monday),
    );
    let result = async {
        let staff = users::list_staff(&s.app, &page.ctx).await?;
        let mut c = s.app.db.read().await?;
        let sums: Vec<(Uuid, i64)> = mesure_store::radar::totals::minutes_by_person(
            &mut c.conn(),
            page.ctx.workspace,
            from,
            to,
        )
        .await?;
        let approved =
            mesure_store::time::approvals(&mut c.conn(), page.ctx.workspace, from).await?;
        Ok::<_, ServiceError>((staff, sums, approved))
    }
    .await;
    match result {
        Ok((staff, sums, approved)) => {
            let people = staff
                .into_iter()
                .filter(|u| u.active)
                .map(|u| PersonWeek {
                    id: u.id.to_string(),
                    hours: fmt::hours(
                        lang,
                        sums.iter().find(|x| x.0 == u.id).map(|x| x.1).unwrap_or(0),
                    ),
                    approved: approved.iter().any(|a| a.user_id == u.id),
                    name: u.name,
                })
                .collect();
            render(&ApprovalsPage {
                base: Base::new(
                    &page,
                    "approvals-title",
                    "/time/approvals",
                    "/time/approvals",
                )
                .with_notice(q.notice.as_deref()),
                week: monday.to_string(),
                week_label: mesure_i18n::t_args(
                    lang,
                    "time-week-of",
                    &[(
                        "date",
                        mesure_i18n::Arg::Str(&mesure_i18n::date(lang, monday)),
                    )],
                ),
                prev: monday
                    .checked_sub(jiff::Span::new().days(7))
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                next: monday
                    .checked_add(jiff::Span::new().days(7))
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                people,
            })
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn approve(
    State(s): State<AppState>,
    page: Page,
    Path((user, week)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    week_action(s, page, user, week, body, true).await
}

pub async fn reopen(
    State(s): State<AppState>,
    page: Page,
    Path((user, week)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    week_action(s, page, user, week, body, false).await
}

async fn week_action(
    s: AppState,
    page: Page,
    user: String,
    week: String,
    body: Bytes,
    approved: bool,
) -> Response {
    let user = match parse_id(&page, &user, UserId::parse) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    match svc::set_week_approved(&s.app, &page.ctx, user, &week, approved).await {
        Ok(_) => see_other(
            &format!("/time/approvals?week={week}"),
            if approved {
                "week-approved"
            } else {
                "week-reopened"
            },
        ),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "time/import.html")]
struct ImportPage {
    base: Base,
    formats: Vec<(String, String)>,
    report: Option<import::Report>,
    summary: String,
    created: String,
    /// Duplicates found, and whether they were imported anyway; empty when none.
    duplicates: String,
    /// "Only the first N of M problems are listed"; empty when all are.
    truncated: String,
}

pub async fn import_form(page: Page) -> Response {
    if let Err(e) = page.ctx.require(TimeAction::Manage) {
        return error_page(&page, e);
    }
    import_page(&page, None, StatusCode::OK)
}

fn import_page(page: &Page, report: Option<import::Report>, status: StatusCode) -> Response {
    let lang = page.ctx.language;
    let mut formats = vec![(String::new(), mesure_i18n::t(lang, "import-format-auto"))];
    formats.extend(Format::ALL.iter().map(|f| {
        (
            f.as_str().to_string(),
            mesure_i18n::t(lang, &format!("format-name-{}", f.as_str())),
        )
    }));
    let summary = report
        .as_ref()
        .map(|r| {
            use mesure_i18n::Arg;
            let rows = i64::try_from(r.rows).unwrap_or(0);
            let skipped = i64::try_from(r.skipped_zero).unwrap_or(0);
            // Named only when the import read the file (then its format is known).
            let format_name = if r.errors.is_empty() {
                mesure_i18n::t(lang, &format!("format-name-{}", r.format))
            } else {
                String::new()
            };
            if !r.errors.is_empty() {
                mesure_i18n::t_args(
                    lang,
                    "import-failed",
                    &[("count", Arg::Num(i64::try_from(r.error_count).unwrap_or(0)))],
                )
            } else if r.dry_run {
                mesure_i18n::t_args(
                    lang,
                    "import-dry",
                    &[
                        ("rows", Arg::Num(rows)),
                        ("format", Arg::Str(&format_name)),
                        ("skipped", Arg::Num(skipped)),
                    ],
                )
            } else {
                mesure_i18n::t_args(
                    lang,
                    "import-done",
                    &[
                        ("rows", Arg::Num(rows)),
                        ("format", Arg::Str(&format_name)),
                        ("skipped", Arg::Num(skipped)),
                    ],
                )
            }
        })
        .unwrap_or_default();
    let created = report
        .as_ref()
        .map(|r| {
            let list: Vec<String> = r
                .new_people
                .iter()
                .chain(&r.new_clients)
                .chain(&r.new_projects)
                .cloned()
                .collect();
            if list.is_empty() {
                String::new()
            } else {
                mesure_i18n::t_args(
                    lang,
                    "import-new",
                    &[("list", mesure_i18n::Arg::Str(&list.join(", ")))],
                )
            }
        })
        .unwrap_or_default();
    let duplicates = report
        .as_ref()
        .filter(|r| r.duplicates > 0)
        .map(|r| import::duplicates_message(lang, r))
        .unwrap_or_default();
    let truncated = report
        .as_ref()
        .filter(|r| r.errors_truncated)
        .map(|r| import::truncated_message(lang, r))
        .unwrap_or_default();
    render_status(
        status,
        &ImportPage {
            base: Base::new(page, "import-title", "/time/import", "/time/import"),
            formats,
            report,
            summary,
            created,
            duplicates,
            truncated,
        },
    )
}

/// The import form posts multipart data: the file, the format, and the check boxes. The CSRF
/// token travels in the form's address (`?_csrf=`) or an `X-CSRF-Token` header, so that it and
/// the permission are checked before any of the body is read; the file then streams to a
/// temporary file (at most 512 MiB, else 413), never into memory.
pub async fn import_submit(
    State(s): State<AppState>,
    page: Page,
    request: axum::extract::Request,
) -> Response {
    use crate::time::upload::{self, SpoolError};
    use axum::extract::FromRequest;
    #[derive(serde::Deserialize)]
    struct Token {
        #[serde(rename = "_csrf", default)]
        csrf: String,
    }
    let lang = page.ctx.language;
    let from_query = request
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Token>(q).ok())
        .map(|t| t.csrf)
        .filter(|t| !t.is_empty());
    let from_header = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let csrf = from_query.or(from_header).unwrap_or_default();
    if csrf.is_empty() || !crate::session::constant_eq(&csrf, &page.csrf) {
        return crate::session::csrf_failed(lang);
    }
    if let Err(e) = page.ctx.require(TimeAction::Manage) {
        return error_page(&page, e);
    }
    let refused = |e: SpoolError| -> Response {
        match e {
            SpoolError::TooLarge => {
                let html = crate::html::simple_page(lang, "err-bad-request", "err-too-large");
                (StatusCode::PAYLOAD_TOO_LARGE, axum::response::Html(html)).into_response()
            }
            SpoolError::Body(_) => {
                let html =
                    crate::html::simple_page(lang, "err-bad-request", "err-bad-request-detail");
                (StatusCode::BAD_REQUEST, axum::response::Html(html)).into_response()
            }
            SpoolError::Io(io) => {
                error_page(&page, ServiceError::Unavailable(format!("upload: {io}")))
            }
        }
    };
    let mut multipart = match axum::extract::Multipart::from_request(request, &()).await {
        Ok(m) => m,
        Err(e) => return refused(SpoolError::Body(e.body_text())),
    };
    let dir = upload::upload_dir(&s.app);
    let mut opts = import::Options::default();
    let mut file = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return refused(upload::multipart_error(e)),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" && file.is_none() {
            opts.file_name = field.file_name().unwrap_or("import.csv").to_string();
            match upload::spool_field(&mut field, &dir, crate::MAX_IMPORT as u64).await {
                Ok(f) => file = Some(f),
                Err(e) => return refused(e),
            }
            continue;
        }
        let value = match upload::small_field(&mut field, 100).await {
            Ok(v) => v,
            Err(e) => return refused(e),
        };
        match name.as_str() {
            "format" => opts.format = Format::parse(&value),
            "create_missing" => opts.create_missing = value == "1",
            "dry_run" => opts.dry_run = value == "1",
            "allow_duplicates" => opts.allow_duplicates = value == "1",
            _ => {}
        }
    }
    let done = match file {
        Some(file) => upload::run_import(&s.app, &page.ctx, file, opts).await,
        // No file part: the import says the file is empty.
        None => import::import(&s.app, &page.ctx, &b""[..], &opts).await,
    };
    match done {
        Ok(r) => {
            let status = if r.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            import_page(&page, Some(r), status)
        }
        Err(e) => error_page(&page, e),
    }
}
