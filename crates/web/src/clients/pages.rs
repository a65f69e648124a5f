//! Client organisation pages: list with search, sort, filters and pages; detail; forms; CSV.
use crate::AppState;
use crate::cursor;
use crate::html::{
    Base, Errors, Values, currency_options, error_page, language_options, parse_id, render,
    render_status, see_other,
};
use crate::html::{csv_response, qs};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::ClientId;
use mesure_domain::clients::ClientForm;
use mesure_domain::{AuditAction, ClientsAction, ProjectsAction};
use mesure_services::clients::ClientView;
use mesure_services::clients::ContactView;
use mesure_services::{ServiceError, audit, clients, clients::contacts};
use mesure_store::ArchiveFilter;
use mesure_store::audit::AuditQuery;
use mesure_store::clients::ListQuery;

pub const PAGE_SIZE: i64 = 50;

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub archived: Option<String>,
    pub segment: Option<String>,
    pub after: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "clients/list.html")]
struct ListPage {
    base: Base,
    rows: Vec<ClientView>,
    total: i64,
    q: String,
    sort: &'static str,
    archived: &'static str,
    segment: String,
    segments: Vec<String>,
    next: Option<String>,
    can_write: bool,
    query_string: String,
    later_page: bool,
}

impl ListPage {
    /// The link that sorts by `col`, flipping the direction when it is the current column.
    fn sort_link(&self, col: &str) -> String {
        let next = if self.sort == col {
            format!("-{col}")
        } else {
            col.to_string()
        };
        format!(
            "/clients?{}",
            qs(&[
                ("q", &self.q),
                ("archived", self.archived),
                ("segment", &self.segment),
                ("sort", &next)
            ])
        )
    }
    fn sort_state(&self, col: &str) -> &'static str {
        if self.sort == col {
            "ascending"
        } else if self.sort.strip_prefix('-') == Some(col) {
            "descending"
        } else {
            "none"
        }
    }
}

pub async fn list(State(s): State<AppState>, page: Page, Query(p): Query<ListParams>) -> Response {
    let sort = cursor::parse_sort(p.sort.as_deref()).unwrap_or_default();
    let archive = cursor::parse_archive(p.archived.as_deref()).unwrap_or_default();
    let q = ListQuery {
        search: p.q.clone(),
        archive,
        segment: p.segment.clone().filter(|s| !s.is_empty()),
        sort,
        after: p.after.as_deref().and_then(cursor::decode),
        limit: PAGE_SIZE,
    };
    let (rows, more, total) = match clients::list(&s.app, &page.ctx, &q).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let segments = crate::section!(&page, clients::segments(&s.app, &page.ctx).await);
    let (qv, sw, aw, seg) = (
        p.q.clone().unwrap_or_default(),
        cursor::sort_word(sort),
        cursor::archive_word(archive),
        p.segment.clone().unwrap_or_default(),
    );
    let query_string = qs(&[
        ("q", &qv),
        ("sort", sw),
        ("archived", aw),
        ("segment", &seg),
    ]);
    let next = if more {
        rows.last().map(|r| cursor::encode(&r.cursor(sort)))
    } else {
        None
    };
    let tpl = ListPage {
        base: Base::new(&page, "clients-title", "/clients", "/clients")
            .with_notice(p.notice.as_deref()),
        rows,
        total,
        q: qv,
        sort: sw,
        archived: aw,
        segment: seg,
        segments,
        next,
        can_write: page.ctx.may(ClientsAction::Write),
        query_string,
        later_page: p.after.is_some(),
    };
    render(&tpl)
}

pub async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(p): Query<ListParams>,
) -> Response {
    let q = ListQuery {
        search: p.q.clone(),
        archive: cursor::parse_archive(p.archived.as_deref()).unwrap_or_default(),
        segment: p.segment.clone().filter(|s| !s.is_empty()),
        sort: cursor::parse_sort(p.sort.as_deref()).unwrap_or_default(),
        after: None,
        limit: 1000,
    };
    match clients::csv(&s.app, &page.ctx, &q).await {
        Ok(body) => csv_response("clients.csv", body),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "clients/form.html")]
struct FormPage {
    base: Base,
    action: String,
    values: Values,
    errors: Errors,
    currencies: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    segments: Vec<String>,
    cancel: String,
}

async fn form_page(
    s: &AppState,
    page: &Page,
    id: Option<ClientId>,
    values: Values,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let (title, action, cancel) = match id {
        Some(id) => (
            "client-edit-title",
            format!("/clients/{id}"),
            format!("/clients/{id}"),
        ),
        None => (
            "client-new-title",
            "/clients".to_string(),
            "/clients".to_string(),
        ),
    };
    let tpl = FormPage {
        base: Base::new(page, title, "/clients", &cancel),
        action,
        values,
        errors,
        currencies: currency_options(),
        languages: language_options(page.ctx.language),
        segments: crate::section!(page, clients::segments(&s.app, &page.ctx).await),
        cancel,
    };
    render_status(status, &tpl)
}

pub async fn new_form(State(s): State<AppState>, page: Page) -> Response {
    if let Err(e) = page.ctx.require(ClientsAction::Write) {
        return error_page(&page, e);
    }
    let mut v = Values::default();
    v.set("currency", Some(page.ctx.workspace_currency.code()));
    v.set("language", Some(page.ctx.workspace_language.as_str()));
    v.set("time_zone", Some(&page.ctx.time_zone));
    form_page(&s, &page, None, v, Errors::default(), StatusCode::OK).await
}

fn values_of(c: &ClientView) -> Values {
    let mut v = Values::default();
    v.set("name", Some(&c.name));
    v.set("legal_name", c.legal_name.as_deref());
    v.set("siren", c.siren.as_deref());
    v.set("vat_number", c.vat_number.as_deref());
    v.set("billing_address", c.billing_address.as_deref());
    v.set("currency", Some(c.currency.code()));
    v.set("language", Some(c.language.as_str()));
    v.set("time_zone", Some(&c.time_zone));
    v.set("segment", c.segment.as_deref());
    v.set("notes", c.notes.as_deref());
    v.set("version", Some(&c.version.to_string()));
    v
}

/// Handles a failed save: field errors re-render the form, a stale version says so, the rest is an error page.
async fn save_failed(
    s: &AppState,
    page: &Page,
    id: Option<ClientId>,
    body: &[u8],
    e: ServiceError,
) -> Response {
    let lang = page.ctx.language;
    match e {
        ServiceError::Invalid(inv) => {
            form_page(
                s,
                page,
                id,
                Values::from_body(body),
                Errors::from_invalid(lang, &inv),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        ServiceError::Conflict(key) => {
            let field = if key == "err-conflict-client-name" {
                "name"
            } else {
                "form"
            };
            let errors = Errors::one(field, mesure_i18n::t(lang, key));
            form_page(
                s,
                page,
                id,
                Values::from_body(body),
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
        other => error_page(page, other),
    }
}

pub async fn create(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let form: ClientForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match clients::create(&s.app, &page.ctx, &form).await {
        Ok(c) => see_other(&format!("/clients/{}", c.id), "client-created"),
        Err(e) => save_failed(&s, &page, None, &body, e).await,
    }
}

#[derive(Template)]
#[template(path = "clients/show.html")]
struct ShowPage {
    base: Base,
    c: ClientView,
    contacts: Vec<ContactView>,
    history: Vec<crate::audit::text::AuditLine>,
    can_write: bool,
    can_write_contacts: bool,
    /// The client's hub: its projects over the period (when the reader may see projects).
    hub: Option<Hub>,
    /// No contact and no project refer to it: it may be deleted.
    deletable: bool,
    /// Billing details, billing errors and receivables (readers of invoices only).
    billing: Option<crate::invoicing::pages::ClientBilling>,
    /// The reader runs the client's satisfaction surveys.
    can_surveys: bool,
    /// Its portal questions: KPIs and those not yet resolved.
    questions: crate::portal::questions::ClientQuestions,
}

/// A client's projects over a period: hours, budget burn and (for readers of the radar) money.
pub struct Hub {
    pub period: crate::html::period::Period,
    pub periods: Vec<(&'static str, String, bool)>,
    pub period_label: String,
    pub money: bool,
    pub projects: Vec<HubLine>,
    pub total: HubLine,
}

pub struct HubLine {
    pub id: String,
    pub name: String,
    pub hours: String,
    pub hours_link: String,
    pub budget: String,
    pub burn: String,
    pub width: i64,
    pub level: &'static str,
    pub revenue: String,
    pub margin: String,
    pub over: String,
    pub free: String,
    pub written_off: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    pub notice: Option<String>,
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

async fn hub(
    s: &AppState,
    page: &Page,
    id: ClientId,
    q: &ShowQuery,
) -> Result<Option<Hub>, mesure_services::ServiceError> {
    if !page.ctx.may(ProjectsAction::Read) {
        return Ok(None);
    }
    let lang = page.ctx.language;
    let today = mesure_services::time::today_date(&s.app, &page.ctx);
    let period = crate::html::period::Period::parse(
        q.period.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
        today,
        "this_year",
    )
    .map_err(|code| {
        mesure_services::ServiceError::Invalid(mesure_domain::Invalid::one("from", code))
    })?;
    let (from, to) = period.months();
    let rows = mesure_services::radar::client_hub(&s.app, &page.ctx, id, from, to).await?;
    // The service leaves money out for readers who may not see it; its columns follow.
    let money = rows.iter().any(|h| h.money.is_some());
    let cur = page.ctx.workspace_currency.code();
    let m = |v: Option<i64>| {
        v.map(|v| crate::html::fmt::money(lang, v, cur))
            .unwrap_or_default()
    };
    let link = |p: Option<uuid::Uuid>| {
        let filter = match p {
            Some(p) => format!("&project_id={p}"),
            None => format!("&client_id={}", id.uuid()),
        };
        format!(
            "/time/entries?from={}&to={}{filter}",
            period.from, period.to
        )
    };
    let mut total = mesure_services::radar::Figures2::default();
    let projects = rows
        .iter()
        .map(|h| {
            let f = h.money.as_ref();
            total.minutes += h.minutes;
            if let Some(f) = f {
                total.revenue += f.revenue;
                total.margin += f.margin;
                total.over_servicing += f.over_servicing;
                total.free_value += f.free_value;
                total.written_off_value += f.written_off_value;
            }
            HubLine {
                id: h.project.id.to_string(),
                name: h.project.name.clone(),
                hours: crate::html::fmt::hours(lang, h.minutes),
                hours_link: link(Some(h.project.id)),
                budget: h
                    .budget
                    .minutes
                    .map(|b| crate::html::fmt::hours(lang, b))
                    .unwrap_or_default(),
                burn: h
                    .burn_hours
                    .map(|b| crate::html::fmt::pct(lang, Some(b)))
                    .unwrap_or_default(),
                width: crate::html::fmt::bar_width(h.burn_hours),
                level: match h.burn_hours {
                    Some(b) if b >= rust_decimal::Decimal::ONE => "over",
                    Some(b) if b >= rust_decimal::Decimal::new(8, 1) => "warn",
                    _ => "",
                },
                revenue: m(f.map(|f| f.revenue)),
                margin: m(f.map(|f| f.margin)),
                over: m(f.map(|f| f.over_servicing)),
                free: m(f.map(|f| f.free_value)),
                written_off: m(f.map(|f| f.written_off_value)),
            }
        })
        .collect();
    let total = HubLine {
        id: String::new(),
        name: mesure_i18n::t(lang, "report-total"),
        hours: crate::html::fmt::hours(lang, total.minutes),
        hours_link: link(None),
        budget: String::new(),
        burn: String::new(),
        width: 0,
        level: "",
        revenue: m(money.then_some(total.revenue)),
        margin: m(money.then_some(total.margin)),
        over: m(money.then_some(total.over_servicing)),
        free: m(money.then_some(total.free_value)),
        written_off: m(money.then_some(total.written_off_value)),
    };
    Ok(Some(Hub {
        periods: period.options(lang),
        period_label: period.months_label(lang),
        period,
        money,
        projects,
        total,
    }))
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(p): Query<ShowQuery>,
) -> Response {
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(e) = page.ctx.require(ClientsAction::Read) {
        return error_page(&page, e);
    }
    let c = match clients::get(&s.app, &page.ctx, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&page, e),
    };
    let cq = mesure_store::clients::contacts::ListQuery {
        client: Some(id),
        archive: ArchiveFilter::All,
        limit: 200,
        ..Default::default()
    };
    let contacts = crate::section!(
        &page,
        contacts::list(&s.app, &page.ctx, &cq).await.map(|r| r.0)
    );
    let base = Base::new(&page, "client-title", "/clients", &format!("/clients/{id}"))
        .with_notice(p.notice.as_deref());
    let history = if page.ctx.may(AuditAction::Read) {
        let q = AuditQuery {
            entity_type: Some("client".into()),
            entity_id: Some(id.uuid()),
            limit: 50,
            ..Default::default()
        };
        crate::section!(&page, audit::list(&s.app, &page.ctx, &q).await.map(|r| r.0))
    } else {
        vec![]
    };
    let history = match crate::audit::text::lines(&s, &page, &base, history).await {
        Ok(h) => h,
        Err(e) => return error_page(&page, e),
    };
    let hub = match hub(&s, &page, id, &p).await {
        Ok(h) => h,
        Err(e) => return error_page(&page, e),
    };
    let deletable = contacts.is_empty() && hub.as_ref().is_none_or(|h| h.projects.is_empty());
    let billing = crate::section!(
        &page,
        crate::invoicing::pages::client_billing(&s, &page, id).await
    );
    let questions = crate::section!(
        &page,
        crate::portal::questions::client_summary(&s, &page, id.uuid()).await
    );
    render(&ShowPage {
        questions,
        billing,
        deletable,
        base,
        c,
        contacts,
        hub,
        history,
        can_write: page.ctx.may(ClientsAction::Write),
        can_write_contacts: page.ctx.may(ClientsAction::WriteContacts),
        can_surveys: page.ctx.may(mesure_domain::NpsAction::Manage),
    })
}

pub async fn edit_form(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(e) = page.ctx.require(ClientsAction::Write) {
        return error_page(&page, e);
    }
    match clients::get(&s.app, &page.ctx, id).await {
        Ok(c) => {
            form_page(
                &s,
                &page,
                Some(id),
                values_of(&c),
                Errors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
struct Version {
    version: Option<i32>,
}

pub async fn update(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let form: ClientForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let version = serde_urlencoded::from_bytes::<Version>(&body)
        .ok()
        .and_then(|v| v.version);
    match clients::update(&s.app, &page.ctx, id, &form, version).await {
        Ok(c) => see_other(&format!("/clients/{}", c.id), "client-saved"),
        Err(e) => save_failed(&s, &page, Some(id), &body, e).await,
    }
}

async fn set_archived(
    s: AppState,
    page: Page,
    id: String,
    body: axum::body::Bytes,
    archived: bool,
) -> Response {
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    match clients::set_archived(&s.app, &page.ctx, id, archived).await {
        Ok(_) => see_other(
            &format!("/clients/{id}"),
            if archived {
                "client-archived"
            } else {
                "client-unarchived"
            },
        ),
        Err(e) => error_page(&page, e),
    }
}

pub async fn archive(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    set_archived(s, page, id, body, true).await
}

pub async fn unarchive(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    set_archived(s, page, id, body, false).await
}

pub async fn delete(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    match clients::delete(&s.app, &page.ctx, id).await {
        Ok(()) => see_other("/clients", "client-deleted"),
        Err(e) => error_page(&page, e),
    }
}
