//! Project pages: the list, the form, and the project page with its budget, scope, change
//! requests, milestones, retainer balance and burn chart.
use crate::AppState;
use crate::html::choices;
use crate::html::fmt::{self, bar_width};
use crate::html::{
    Base, Errors, NoticeQuery, Values, error_page, parse_id, render, render_status, see_other,
};
use crate::session::Page;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::projects::engagement::ChangeStatus;
use mesure_domain::projects::engagement::{
    BillingModel, DeliverableStatus, FixedRevenue, RolloverKind,
};
use mesure_domain::projects::forms::{ChangeForm, DeliverableForm, ProjectForm};
use mesure_domain::time::Rounding;
use mesure_domain::{ChangeRequestId, DeliverableId, MilestoneId, ProjectId};
use mesure_domain::{ProjectsAction, RadarAction};
use mesure_services::projects::ProjectView;
use mesure_services::projects::{self, MilestoneForm};
use mesure_services::{ServiceError, people::users, radar};
use serde::Deserialize;

pub struct ProjectLine {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub client: String,
    pub model: String,
    pub hours: String,
    pub archived: bool,
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ListPage {
    base: Base,
    rows: Vec<ProjectLine>,
    /// Projects matching (all pages).
    total: i64,
    next: Option<String>,
    can_write: bool,
    archived: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub archived: Option<String>,
    pub notice: Option<String>,
    /// The page's cursor (`name_key` and id).
    pub after: Option<String>,
}

/// Projects per page of the list.
const PAGE: i64 = 100;

pub async fn list(State(s): State<AppState>, page: Page, Query(q): Query<ListQuery>) -> Response {
    let lang = page.ctx.language;
    let archived = q.archived.as_deref() == Some("1");
    let after = q
        .after
        .as_deref()
        .and_then(crate::projects::api::parse_project_cursor);
    let result = async {
        let (rows, total) =
            projects::page(&s.app, &page.ctx, None, archived, after.as_ref(), PAGE).await?;
        let names = client_names(&s, &page).await?;
        let mut c = s.app.db.read().await?;
        // Only this page's projects: a workspace of 10,000 projects sums 100 of them.
        let ids: Vec<uuid::Uuid> = rows.iter().map(|p| p.id).collect();
        let totals: std::collections::HashMap<uuid::Uuid, i64> =
            mesure_store::radar::totals::minutes_of_projects(
                &mut c.conn(),
                page.ctx.workspace,
                &ids,
            )
            .await?
            .into_iter()
            .collect();
        Ok::<_, ServiceError>((rows, total, names, totals))
    }
    .await;
    match result {
        Ok((rows, total, names, totals)) => {
            let next = (rows.len() as i64 == PAGE)
                .then(|| rows.last())
                .flatten()
                .map(crate::projects::api::project_cursor);
            let lines = rows
                .into_iter()
                .filter(|p| archived || !p.archived)
                .map(|p| ProjectLine {
                    id: p.id.to_string(),
                    client: names.get(&p.client_id).cloned().unwrap_or_default(),
                    client_id: p.client_id.to_string(),
                    model: mesure_i18n::t(lang, &format!("billing-{}", p.billing_model.as_str())),
                    hours: fmt::hours(lang, totals.get(&p.id).copied().unwrap_or(0)),
                    archived: p.archived,
                    name: p.name,
                })
                .collect();
            let base = Base::new(&page, "projects-title", "/projects", "/projects")
                .with_notice(q.notice.as_deref());
            render(&ListPage {
                base,
                rows: lines,
                total,
                next,
                can_write: page.ctx.may(ProjectsAction::Write),
                archived,
            })
        }
        Err(e) => error_page(&page, e),
    }
}

/// Over-servicing beyond what the contract bills, apart from free work, write-offs and unbilled
/// out-of-scope work: a cap passed, a retainer's overrun carried as debt, a fixed fee's unplanned
/// billable work.
fn over_contract(model: BillingModel, f: &mesure_services::radar::Figures2) -> i64 {
    let unbilled = if model == BillingModel::FixedFee {
        0
    } else {
        f.unbilled_scope_value
    };
    f.over_servicing - f.free_value - f.written_off_value - unbilled
}

/// "Runs out around 14/02/2027 at the pace since 01/09/2026 (4:40 a week)".
fn runout_text(lang: mesure_domain::Language, ro: &mesure_services::radar::Runout) -> String {
    let args = |date: String| {
        mesure_i18n::t_args(
            lang,
            "project-runout",
            &[
                ("date", mesure_i18n::Arg::Str(&date)),
                ("since", mesure_i18n::Arg::Str(&fmt::day(lang, ro.since))),
                (
                    "pace",
                    mesure_i18n::Arg::Str(&fmt::hours(lang, ro.pace_minutes_per_week)),
                ),
            ],
        )
    };
    match ro.date {
        Some(d) => args(fmt::day(lang, d)),
        None if ro.remaining_minutes <= 0 => mesure_i18n::t(lang, "project-runout-spent"),
        None => mesure_i18n::t(lang, "project-runout-no-pace"),
    }
}

async fn client_names(
    s: &AppState,
    page: &Page,
) -> Result<std::collections::HashMap<uuid::Uuid, String>, ServiceError> {
    let mut c = s.app.db.read().await?;
    let rows: Vec<(uuid::Uuid, String)> =
        mesure_store::clients::names(&mut c.conn(), page.ctx.workspace).await?;
    Ok(rows.into_iter().collect())
}

#[derive(Template)]
#[template(path = "projects/form.html")]
struct FormPage {
    base: Base,
    values: Values,
    errors: Errors,
    action: String,
    cancel: String,
    clients: Vec<(String, String)>,
    managers: Vec<(String, String)>,
    models: Vec<(String, String)>,
    fixed_revenue: Vec<(String, String)>,
    rollovers: Vec<(String, String)>,
    roundings: Vec<(String, String)>,
    editing: bool,
}

async fn form_page(
    s: &AppState,
    page: &Page,
    values: Values,
    errors: Errors,
    editing: Option<&ProjectView>,
) -> Response {
    let lang = page.ctx.language;
    let t = |k: &str| mesure_i18n::t(lang, k);
    let names = match client_names(s, page).await {
        Ok(n) => n,
        Err(e) => return error_page(page, e),
    };
    let mut clients: Vec<(String, String)> = names
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    clients.sort_by_key(|a| a.1.to_lowercase());
    let staff = crate::section!(page, users::list_staff(&s.app, &page.ctx).await);
    let mut managers = vec![(String::new(), "—".to_string())];
    managers.extend(
        staff
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id.to_string(), u.name)),
    );
    let (title, action, cancel) = match editing {
        Some(p) => (
            "action-edit",
            format!("/projects/{}", p.id),
            format!("/projects/{}", p.id),
        ),
        None => (
            "projects-new",
            "/projects".to_string(),
            "/projects".to_string(),
        ),
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let tpl = FormPage {
        base: Base::new(page, title, "/projects", "/projects"),
        values,
        errors,
        action,
        cancel,
        clients,
        managers,
        models: choices(lang, BillingModel::ALL, "billing"),
        fixed_revenue: choices(lang, FixedRevenue::ALL, "fixed"),
        rollovers: choices(lang, RolloverKind::ALL, "rollover"),
        // "inherit": the client's rule (no rule on the project).
        roundings: [("inherit".to_string(), t("rounding-inherit"))]
            .into_iter()
            .chain(choices(lang, Rounding::ALL, "rounding"))
            .collect(),
        editing: editing.is_some(),
    };
    render_status(status, &tpl)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    pub client_id: Option<String>,
}

pub async fn new_form(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<NewQuery>,
) -> Response {
    if let Err(e) = page.ctx.require(ProjectsAction::Write) {
        return error_page(&page, e);
    }
    let mut v = Values::default();
    v.set("client_id", q.client_id.as_deref());
    v.set("billing_model", Some(BillingModel::TimeMaterials.as_str()));
    v.set("alert_thresholds", Some("80, 100"));
    v.set("currency", Some(page.ctx.workspace_currency.code()));
    form_page(&s, &page, v, Errors::default(), None).await
}

pub async fn create(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let form: ProjectForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match projects::create(&s.app, &page.ctx, &form).await {
        Ok(p) => see_other(&format!("/projects/{}", p.id), "project-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            form_page(&s, &page, Values::from_body(&body), errors, None).await
        }
        Err(ServiceError::Conflict(k)) => {
            let errors = Errors::one("name", mesure_i18n::t(page.ctx.language, k));
            form_page(&s, &page, Values::from_body(&body), errors, None).await
        }
        Err(e) => error_page(&page, e),
    }
}

/// The edit form's values. Only readers who may see money edit projects (the permission table
/// says so), so the amounts are there; were they absent, the fields would stay blank.
fn values_of(p: &ProjectView) -> Values {
    let m = p.money.as_ref();
    let mut v = Values::default();
    v.set("client_id", Some(&p.client_id.to_string()));
    v.set("name", Some(&p.name));
    v.set("manager_id", p.manager_id.map(|m| m.to_string()).as_deref());
    v.set("starts_on", Some(&fmt::iso(p.starts_on)));
    v.set("ends_on", Some(&fmt::iso(p.ends_on)));
    v.set("currency", Some(p.currency.code()));
    v.set("billing_model", Some(p.billing_model.as_str()));
    v.set(
        "hourly_rate",
        Some(&fmt::plain_amount(
            m.map(|m| m.hourly_rate).filter(|r| *r > 0),
        )),
    );
    v.set("cap", Some(&fmt::plain_amount(m.and_then(|m| m.cap))));
    v.set(
        "fixed_price",
        Some(&fmt::plain_amount(m.and_then(|m| m.fixed_price))),
    );
    v.set("fixed_revenue", Some(p.fixed_revenue.as_str()));
    v.set(
        "retainer_fee",
        Some(&fmt::plain_amount(m.and_then(|m| m.retainer_fee))),
    );
    v.set(
        "retainer_hours",
        Some(&fmt::plain_hours(p.retainer_included_minutes)),
    );
    v.set("rollover", Some(p.rollover.as_str()));
    v.set("rollover_months", Some(&p.rollover_months.to_string()));
    v.set("budget_hours", Some(&fmt::plain_hours(p.budget_minutes)));
    v.set(
        "budget_amount",
        Some(&fmt::plain_amount(m.and_then(|m| m.budget))),
    );
    v.set(
        "budget_monthly",
        Some(if p.budget_monthly { "1" } else { "" }),
    );
    v.set(
        "rounding",
        Some(p.rounding.map(|r| r.as_str()).unwrap_or("inherit")),
    );
    v.set("alert_thresholds", Some(&p.alert_thresholds));
    v.set("version", Some(&p.version.to_string()));
    v
}

pub async fn edit_form(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse_id(&page, &id, ProjectId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(e) = page.ctx.require(ProjectsAction::Write) {
        return error_page(&page, e);
    }
    match projects::get(&s.app, &page.ctx, id).await {
        Ok(p) => form_page(&s, &page, values_of(&p), Errors::default(), Some(&p)).await,
        Err(e) => error_page(&page, e),
    }
}

#[derive(Deserialize)]
struct VersionField {
    version: Option<i32>,
}

pub async fn update(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, form): (_, ProjectForm) = match project_request(&page, &id, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let version = serde_urlencoded::from_bytes::<VersionField>(&body)
        .ok()
        .and_then(|v| v.version);
    let current = match projects::get(&s.app, &page.ctx, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&page, e),
    };
    match projects::update(&s.app, &page.ctx, id, &form, version).await {
        Ok(p) => see_other(&format!("/projects/{}", p.id), "project-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            form_page(&s, &page, Values::from_body(&body), errors, Some(&current)).await
        }
        Err(ServiceError::Conflict(k)) => {
            let errors = Errors::one("form", mesure_i18n::t(page.ctx.language, k));
            form_page(&s, &page, Values::from_body(&body), errors, Some(&current)).await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn archive(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    set_archived(s, page, id, body, true).await
}

pub async fn unarchive(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    set_archived(s, page, id, body, false).await
}

async fn set_archived(
    s: AppState,
    page: Page,
    id: String,
    body: Bytes,
    archived: bool,
) -> Response {
    let id = match parse_id(&page, &id, ProjectId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    match projects::set_archived(&s.app, &page.ctx, id, archived).await {
        Ok(p) => see_other(&format!("/projects/{}", p.id), "project-saved"),
        Err(e) => error_page(&page, e),
    }
}

pub struct Bar {
    pub label: String,
    pub used: String,
    pub budget: String,
    pub pct: String,
    pub width: i64,
    pub level: &'static str,
    pub testid: &'static str,
}

pub struct Kpi {
    pub label: String,
    pub value: String,
    pub link: Option<String>,
    pub alarm: bool,
    /// A short explanation under the caption (how a figure was made, why there is none).
    pub note: String,
}

pub struct DelivLine {
    pub id: String,
    pub name: String,
    pub estimate: String,
    pub logged: String,
    pub status: String,
    pub status_label: String,
    pub over: bool,
    pub version: i32,
    pub estimate_plain: String,
}

pub struct ChangeLine {
    pub id: String,
    pub title: String,
    pub description: String,
    pub hours: String,
    /// Absent for readers who may not see money.
    pub price: Option<String>,
    pub status: String,
    pub status_label: String,
    pub logged: String,
    pub decided: String,
    pub open: bool,
    pub draft: bool,
}

pub struct MonthLine {
    pub month: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "projects/show.html")]
struct ShowPage {
    base: Base,
    p: ProjectView,
    client_name: String,
    model: String,
    bars: Vec<Bar>,
    kpis: Vec<Kpi>,
    chart: String,
    deliverables: Vec<DelivLine>,
    changes: Vec<ChangeLine>,
    milestones: Vec<(String, String, String, String, String, bool)>,
    retainer: Vec<MonthLine>,
    months: Vec<MonthLine>,
    can_write: bool,
    /// May export the months (a radar route).
    can_radar: bool,
    /// The service's view carried money: amounts and their columns are shown.
    money: bool,
    statuses: Vec<(String, String)>,
    values: Values,
    errors: Errors,
    fixed_fee: bool,
    /// What the client portal shows of the project (writers only): time detail, notes, and
    /// each deliverable (id, name, shown).
    portal: Option<PortalSection>,
}

/// The project page's client-space section: time detail shown, notes shown, and each
/// deliverable (id, name, shown).
type PortalSection = (bool, bool, Vec<(String, String, bool)>);

fn level(r: Option<rust_decimal::Decimal>) -> &'static str {
    match r {
        Some(r) if r >= rust_decimal::Decimal::ONE => "over",
        Some(r) if r >= rust_decimal::Decimal::new(8, 1) => "warn",
        _ => "ok",
    }
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let id = match parse_id(&page, &id, ProjectId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    show_page(
        &s,
        &page,
        id,
        q.notice.as_deref(),
        Values::default(),
        Errors::default(),
    )
    .await
}

async fn show_page(
    s: &AppState,
    page: &Page,
    id: ProjectId,
    notice: Option<&str>,
    values: Values,
    errors: Errors,
) -> Response {
    let lang = page.ctx.language;
    let t = |k: &str| mesure_i18n::t(lang, k);
    let r = match radar::project(&s.app, &page.ctx, id).await {
        Ok(r) => r,
        Err(e) => return error_page(page, e),
    };
    let milestones = crate::section!(page, projects::milestones(&s.app, &page.ctx, id).await);
    let cur = r.project.currency;
    let money = |m: i64| fmt::money(lang, m, cur.code());
    let can_radar = page.ctx.may(RadarAction::View);
    let rm = r.money.as_ref();
    let pid = r.project.id;
    let entries = |kind: &str| {
        Some(format!(
            "/time/entries?project_id={pid}{}{kind}",
            if kind.is_empty() { "" } else { "&kind=" }
        ))
    };
    let mut bars = Vec::new();
    if let Some(b) = r.budget.minutes {
        bars.push(Bar {
            label: t("project-burn-hours"),
            used: fmt::hours(lang, r.consumed_minutes),
            budget: fmt::hours(lang, b),
            pct: fmt::pct(lang, r.burn_hours),
            width: bar_width(r.burn_hours),
            level: level(r.burn_hours),
            testid: "budget-bar-hours",
        });
    }
    if let (Some(b), Some(rm)) = (r.budget.money, rm) {
        bars.push(Bar {
            label: t("project-burn-money"),
            used: money(rm.consumed_value),
            budget: money(b),
            pct: fmt::pct(lang, rm.burn_money),
            width: bar_width(rm.burn_money),
            level: level(rm.burn_money),
            testid: "budget-bar-money",
        });
    }
    let mut kpis = vec![
        Kpi {
            label: t("radar-hours"),
            value: fmt::hours(lang, r.hours.minutes),
            link: entries(""),
            alarm: false,
            note: String::new(),
        },
        Kpi {
            label: t("project-forecast"),
            value: match (&r.forecast_minutes, &r.runout) {
                (Some(m), _) => fmt::hours(lang, *m),
                (None, Some(ro)) => match ro.date {
                    Some(d) => fmt::day(lang, d),
                    None if ro.remaining_minutes <= 0 => t("project-runout-spent-short"),
                    None => t("radar-no-data"),
                },
                (None, None) => t("radar-no-data"),
            },
            link: None,
            alarm: matches!((r.forecast_minutes, r.budget.minutes), (Some(fc), Some(b)) if fc > b)
                || r.runout
                    .as_ref()
                    .is_some_and(|ro| ro.remaining_minutes <= 0),
            note: match (&r.forecast_minutes, &r.runout) {
                (None, Some(ro)) => runout_text(lang, ro),
                (None, None) if r.budget.minutes.is_none() => t("project-forecast-no-budget"),
                _ => String::new(),
            },
        },
        Kpi {
            label: t("project-scope-creep"),
            value: fmt::ratio(lang, r.scope_creep),
            link: entries("unplanned"),
            alarm: r
                .scope_creep
                .is_some_and(|x| x > rust_decimal::Decimal::new(1, 1)),
            note: String::new(),
        },
        Kpi {
            label: t("project-outside-scope"),
            // Without deliverables there is no baseline: every hour would be "outside" it.
            value: if r.baseline_minutes == 0 {
                "—".to_string()
            } else {
                fmt::hours(lang, r.outside_scope_minutes)
            },
            link: entries("unplanned"),
            alarm: false,
            note: if r.baseline_minutes == 0 {
                t("project-no-baseline")
            } else {
                String::new()
            },
        },
        Kpi {
            label: t("project-baseline"),
            value: fmt::hours(lang, r.baseline_minutes),
            link: None,
            alarm: false,
            note: String::new(),
        },
    ];
    if let Some(f) = rm.map(|m| &m.totals) {
        kpis.extend([
            Kpi {
                label: t("radar-revenue"),
                value: money(f.revenue),
                link: entries("billable"),
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-rate"),
                value: f
                    .effective_rate
                    .map(money)
                    .unwrap_or_else(|| t("radar-no-data")),
                link: entries(""),
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-realisation"),
                value: fmt::pct(lang, f.realisation),
                link: None,
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-billed"),
                value: money(f.billed_value),
                link: None,
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-wip"),
                value: money(f.unbilled_wip),
                link: None,
                alarm: false,
                note: t("radar-wip-help"),
            },
            Kpi {
                label: t("radar-cost"),
                value: money(f.cost),
                link: entries(""),
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-margin"),
                value: money(f.margin),
                link: None,
                alarm: f.margin < 0,
                note: String::new(),
            },
            Kpi {
                label: t("radar-free"),
                value: money(f.free_value),
                link: entries("free"),
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-written-off"),
                value: money(f.written_off_value),
                link: entries("written_off"),
                alarm: false,
                note: String::new(),
            },
            Kpi {
                label: t("radar-over"),
                value: money(f.over_servicing),
                link: None,
                alarm: f.over_servicing > 0,
                note: String::new(),
            },
            Kpi {
                label: t("radar-over-unbilled-scope"),
                value: money(f.unbilled_scope_value),
                link: entries("unbilled_scope"),
                alarm: false,
                note: if r.baseline_minutes == 0 {
                    t("project-no-baseline")
                } else {
                    String::new()
                },
            },
            Kpi {
                label: t("radar-over-contract"),
                value: money(over_contract(r.project.billing_model, f)),
                link: None,
                alarm: false,
                note: String::new(),
            },
        ]);
    }
    // Every month from the first with work to now (at most three years), cumulated; a month
    // without work keeps the line flat and has no marker.
    let mut points = Vec::new();
    if let Some((first, _)) = r.months.first() {
        let now = mesure_domain::projects::engagement::month_of(mesure_services::projects::today(
            &s.app, &page.ctx,
        ));
        let last = r.months.last().map(|(m, _)| *m).unwrap_or(now).max(now);
        // At most the last 36 months, the line starting from what was logged before them.
        let back = (last / 100) * 12 + (last % 100 - 1) - 35;
        let start = (back / 12 * 100 + back % 12 + 1).max(*first);
        let mut acc: i64 = r
            .months
            .iter()
            .filter(|(m, _)| *m < start)
            .map(|(_, f)| f.minutes)
            .sum();
        let mut ym = mesure_domain::projects::engagement::year_month(start);
        while mesure_domain::projects::engagement::month_key(ym) <= last && points.len() < 36 {
            let key = mesure_domain::projects::engagement::month_key(ym);
            let this = r
                .months
                .iter()
                .find(|(m, _)| *m == key)
                .map(|(_, f)| f.minutes);
            acc += this.unwrap_or(0);
            points.push(crate::html::svg::BurnPoint {
                label: fmt::month(lang, key),
                cumulative: acc,
                title: this.map(|m| {
                    mesure_i18n::t_args(
                        lang,
                        "project-burn-point",
                        &[
                            ("month", mesure_i18n::Arg::Str(&fmt::month(lang, key))),
                            ("hours", mesure_i18n::Arg::Str(&fmt::hours(lang, m))),
                            ("total", mesure_i18n::Arg::Str(&fmt::hours(lang, acc))),
                        ],
                    )
                }),
            });
            ym = ym.next();
        }
    }
    let budget_line = r.budget.minutes.filter(|_| !r.budget.monthly).map(|b| {
        (
            b,
            mesure_i18n::t_args(
                lang,
                "project-burn-budget",
                &[("hours", mesure_i18n::Arg::Str(&fmt::hours(lang, b)))],
            ),
        )
    });
    let chart = crate::html::svg::burn(
        &points,
        budget_line,
        60,
        &|m| fmt::hours(lang, m),
        &t("project-burn-legend"),
        &t("project-burndown"),
    );
    let deliverables: Vec<DelivLine> = r
        .deliverables
        .iter()
        .map(|d| {
            let logged = r.deliverable_minutes.get(&d.id).copied().unwrap_or(0);
            DelivLine {
                id: d.id.to_string(),
                name: d.name.clone(),
                estimate: fmt::hours(lang, d.estimate_minutes),
                estimate_plain: fmt::plain_hours(Some(d.estimate_minutes)),
                logged: fmt::hours(lang, logged),
                over: logged > d.estimate_minutes,
                status: d.status.as_str().to_string(),
                status_label: t(&format!("dstatus-{}", d.status.as_str())),
                version: d.version,
            }
        })
        .collect();
    let changes = r
        .changes
        .iter()
        .map(|c| ChangeLine {
            id: c.id.to_string(),
            title: c.title.clone(),
            description: c.description.clone(),
            hours: fmt::hours(lang, c.extra_minutes),
            price: c.price.map(money),
            status: c.status.as_str().to_string(),
            status_label: t(&format!("cstatus-{}", c.status.as_str())),
            logged: fmt::hours(lang, c.logged_minutes),
            decided: c.decided_on.map(|d| fmt::day(lang, d)).unwrap_or_default(),
            open: !c.status.is_final(),
            draft: c.status == ChangeStatus::Draft,
        })
        .collect();
    let milestones = milestones
        .into_iter()
        .map(|m| {
            (
                m.id.to_string(),
                m.name,
                m.amount.map(money).unwrap_or_default(),
                fmt::day(lang, m.due_on),
                m.reached_on.map(|d| fmt::day(lang, d)).unwrap_or_default(),
                m.reached_on.is_some(),
            )
        })
        .collect();
    let retainer = r
        .retainer
        .iter()
        .map(|(m, b)| MonthLine {
            month: fmt::month(lang, *m),
            cells: vec![
                fmt::hours(lang, b.included.get()),
                fmt::hours(lang, b.used.get()),
                fmt::hours(lang, b.carried_in.get()),
                fmt::hours(lang, b.overrun.get()),
                fmt::hours(lang, b.debt_out.get()),
            ],
        })
        .collect();
    let months = match rm {
        Some(rm) => rm
            .months
            .iter()
            .rev()
            .map(|(m, f)| MonthLine {
                month: fmt::month(lang, *m),
                cells: vec![
                    fmt::hours(lang, f.minutes),
                    fmt::hours(lang, f.billable_minutes),
                    money(f.revenue),
                    money(f.cost),
                    money(f.free_value + f.written_off_value),
                    money(f.over_servicing),
                ],
            })
            .collect(),
        None => r
            .months
            .iter()
            .rev()
            .map(|(m, h)| MonthLine {
                month: fmt::month(lang, *m),
                cells: vec![
                    fmt::hours(lang, h.minutes),
                    fmt::hours(lang, h.billable_minutes),
                ],
            })
            .collect(),
    };
    let statuses = choices(lang, DeliverableStatus::ALL, "dstatus");
    let model = t(&format!("billing-{}", r.project.billing_model.as_str()));
    let fixed_fee = r.project.billing_model == BillingModel::FixedFee;
    let path = format!("/projects/{}", r.project.id);
    let mut base = Base::new(page, "projects-title", "/projects", &path).with_notice(notice);
    base.title = r.project.name.clone();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let portal = if page.ctx.may(ProjectsAction::Write) {
        match mesure_services::portal::settings::get(&s.app, &page.ctx, id).await {
            Ok(ps) => Some((
                ps.show_time,
                ps.show_notes,
                deliverables
                    .iter()
                    .map(|d| {
                        (
                            d.id.clone(),
                            d.name.clone(),
                            !ps.hidden.iter().any(|h| h.to_string() == d.id),
                        )
                    })
                    .collect(),
            )),
            Err(e) => return error_page(page, e),
        }
    } else {
        None
    };
    render_status(
        status,
        &ShowPage {
            portal,
            base,
            client_name: r.client_name.clone(),
            model,
            bars,
            kpis,
            chart,
            deliverables,
            changes,
            milestones,
            retainer,
            months,
            can_write: page.ctx.may(ProjectsAction::Write),
            can_radar,
            money: r.money.is_some(),
            statuses,
            values,
            errors,
            fixed_fee,
            p: r.project,
        },
    )
}

pub async fn add_deliverable(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, form): (_, DeliverableForm) = match project_request(&page, &id, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match projects::add_deliverable(&s.app, &page.ctx, id, &form).await {
        Ok(_) => see_other(&format!("/projects/{}", id.uuid()), "deliverable-saved"),
        Err(ServiceError::Invalid(inv)) => {
            show_page(
                &s,
                &page,
                id,
                None,
                Values::from_body(&body),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(ServiceError::Conflict(k)) => {
            show_page(
                &s,
                &page,
                id,
                None,
                Values::from_body(&body),
                Errors::one("name", mesure_i18n::t(page.ctx.language, k)),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn update_deliverable(
    State(s): State<AppState>,
    page: Page,
    Path((pid, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (pid, id, form): (_, _, DeliverableForm) =
        match sub_request(&page, &pid, &id, DeliverableId::parse, &body) {
            Ok(x) => x,
            Err(r) => return r,
        };
    match projects::update_deliverable(&s.app, &page.ctx, id, &form).await {
        Ok(_) => see_other(&format!("/projects/{}", pid.uuid()), "deliverable-saved"),
        Err(e) => error_page(&page, e),
    }
}

pub async fn add_change(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, form): (_, ChangeForm) = match project_request(&page, &id, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match projects::add_change(&s.app, &page.ctx, id, &form).await {
        Ok(_) => see_other(&format!("/projects/{}", id.uuid()), "change-saved"),
        Err(ServiceError::Invalid(inv)) => {
            show_page(
                &s,
                &page,
                id,
                None,
                Values::from_body(&body),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Deserialize)]
struct Decision {
    status: String,
}

pub async fn decide_change(
    State(s): State<AppState>,
    page: Page,
    Path((pid, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (pid, id, d): (_, _, Decision) =
        match sub_request(&page, &pid, &id, ChangeRequestId::parse, &body) {
            Ok(x) => x,
            Err(r) => return r,
        };
    let Some(to) = ChangeStatus::parse(&d.status) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match projects::decide_change(&s.app, &page.ctx, id, to).await {
        Ok(_) => see_other(&format!("/projects/{}", pid.uuid()), "change-saved"),
        Err(e) => error_page(&page, e),
    }
}

pub async fn add_milestone(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, form): (_, MilestoneForm) = match project_request(&page, &id, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match projects::add_milestone(&s.app, &page.ctx, id, &form).await {
        Ok(_) => see_other(&format!("/projects/{}", id.uuid()), "milestone-saved"),
        Err(ServiceError::Invalid(inv)) => {
            show_page(
                &s,
                &page,
                id,
                None,
                Values::from_body(&body),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Deserialize)]
struct Reached {
    reached: String,
}

pub async fn milestone_reached(
    State(s): State<AppState>,
    page: Page,
    Path((pid, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (pid, id, f): (_, _, Reached) =
        match sub_request(&page, &pid, &id, MilestoneId::parse, &body) {
            Ok(x) => x,
            Err(r) => return r,
        };
    match projects::set_milestone_reached(&s.app, &page.ctx, pid, id, f.reached == "1").await {
        Ok(()) => see_other(&format!("/projects/{}", pid.uuid()), "milestone-saved"),
        Err(e) => error_page(&page, e),
    }
}

/// The project's months as CSV.
pub async fn months_csv(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse_id(&page, &id, ProjectId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(e) = page.ctx.require(RadarAction::View) {
        return error_page(&page, e);
    }
    match radar::project(&s.app, &page.ctx, id).await {
        Ok(radar::ProjectRadar {
            money: Some(m),
            project,
            ..
        }) => {
            let rows: Vec<(i32, &radar::Figures2)> =
                m.months.iter().map(|(m, f)| (*m, f)).collect();
            crate::radar::pages::months_csv_response(
                page.ctx.language,
                page.ctx.workspace_currency,
                &format!("project-{}.csv", project.id),
                &rows,
            )
        }
        Ok(_) => error_page(&page, mesure_services::ServiceError::Forbidden),
        Err(e) => error_page(&page, e),
    }
}

/// A project's id from the path and a form from the body (its CSRF token checked).
fn project_request<F: serde::de::DeserializeOwned>(
    page: &Page,
    id: &str,
    body: &[u8],
) -> Result<(ProjectId, F), Response> {
    let id = parse_id(page, id, ProjectId::parse)?;
    Ok((id, page.form(body)?))
}

/// A project's id and one of its parts' ids from the path, and a form from the body.
fn sub_request<I, F: serde::de::DeserializeOwned>(
    page: &Page,
    pid: &str,
    id: &str,
    parse: fn(&str) -> Option<I>,
    body: &[u8],
) -> Result<(ProjectId, I, F), Response> {
    let pid = parse_id(page, pid, ProjectId::parse)?;
    let id = parse_id(page, id, parse)?;
    Ok((pid, id, page.form(body)?))
}
