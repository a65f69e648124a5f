//! The portal's tickets: a contact lists their organisation's tickets (billing errors only for
//! billing contacts), opens one (a billing error names one of their invoices), follows its public
//! thread with the deadlines that apply, and replies (a reply to a closed ticket opens a new one
//! that follows it).
use super::pages::{WebQuery, event_lines, line, next_link, status_badge};
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, Errors, Values, error_page, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::desk::forms::TicketForm;
use mesure_domain::desk::states::{Priority, Status, TicketType};
use mesure_domain::{Language, PortalAction};
use mesure_services::ServiceError;
use mesure_services::desk::tickets;
use mesure_services::desk::views::{self, TicketView};
use uuid::Uuid;

fn t(lang: Language, key: &str) -> String {
    mesure_i18n::t(lang, key)
}

#[derive(Template)]
#[template(path = "desk/portal_list.html")]
struct ListTpl {
    base: Base,
    rows: Vec<super::pages::Line>,
    next: Option<String>,
    done: bool,
}

/// The contact's tickets: open ones, or (`view=all`) every one.
pub async fn list(State(s): State<AppState>, page: Page, Query(wq): Query<WebQuery>) -> Response {
    let Some(q) = wq.decoded() else {
        return error_page(
            &page,
            mesure_domain::Invalid::one("cursor", "err-invalid").into(),
        );
    };
    let p = match views::list(&s.app, &page.ctx, &q).await {
        Ok(p) => p,
        Err(e) => return error_page(&page, e),
    };
    let now = s.app.now();
    let warn = p.warn_us;
    render_status(
        StatusCode::OK,
        &ListTpl {
            base: Base::new(
                &page,
                "desk-portal-title",
                "/portal/tickets",
                "/portal/tickets",
            )
            .with_notice(wq.notice.as_deref()),
            rows: p.lines.iter().map(|l| line(&page, l, now, warn)).collect(),
            next: next_link("/portal/tickets", &wq, &p),
            done: p.view == views::View::All,
        },
    )
}

#[derive(Template)]
#[template(path = "desk/portal_new.html")]
struct NewTpl {
    base: Base,
    values: Values,
    errors: Errors,
    kinds: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    invoices: Vec<(String, String)>,
}

async fn new_page(s: &AppState, page: &Page, values: Values, errors: Errors) -> Response {
    let lang = page.ctx.language;
    let billing = page.ctx.may(PortalAction::Invoices);
    let kinds = TicketType::ALL
        .iter()
        .filter(|k| billing || **k != TicketType::BillingError)
        .map(|k| {
            (
                k.as_str().to_string(),
                t(lang, &format!("desk-kind-{}", k.as_str())),
            )
        })
        .collect();
    let mut invoices = vec![(String::new(), "—".to_string())];
    if billing {
        match mesure_services::portal::invoices(&s.app, &page.ctx, None).await {
            Ok((rows, _)) => invoices.extend(
                rows.iter()
                    .map(|r| (r.id.to_string(), r.number.clone().unwrap_or_default())),
            ),
            Err(e) => return error_page(page, e),
        }
    }
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &NewTpl {
            base: Base::new(
                page,
                "desk-portal-new-title",
                "/portal/tickets",
                "/portal/tickets/new",
            ),
            values,
            errors,
            kinds,
            priorities: [
                Priority::Low,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ]
            .iter()
            .map(|p| {
                (
                    p.as_str().to_string(),
                    t(lang, &format!("desk-priority-{}", p.as_str())),
                )
            })
            .collect(),
            invoices,
        },
    )
}

pub async fn new_form(State(s): State<AppState>, page: Page) -> Response {
    let mut values = Values::default();
    values.set("priority", Some("normal"));
    values.set("kind", Some("question"));
    new_page(&s, &page, values, Errors::default()).await
}

pub async fn create(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let mut f: TicketForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    // What a contact may not choose.
    f.client_id = None;
    f.contact_id = None;
    f.channel = None;
    f.category_id = None;
    match tickets::open(&s.app, &page.ctx, &f, false).await {
        Ok(t) => see_other(&format!("/portal/tickets/{}", t.id), "desk-ticket-sent"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            new_page(&s, &page, Values::from_body(&body), errors).await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "desk/portal_ticket.html")]
struct TicketTpl {
    base: Base,
    v: TicketView,
    status: (String, &'static str),
    kind: String,
    created: String,
    first_response_due: String,
    resolution_due: String,
    events: Vec<super::pages::EventLine>,
    values: Values,
    errors: Errors,
    closed: bool,
    /// `ask` (the contact may rate), `answered`, or empty; the score given.
    csat_state: &'static str,
    csat_score: String,
    csat_action: String,
    csat_csrf: String,
}

impl TicketTpl {
    /// A file's size for the reader.
    fn size(&self, n: &i64) -> String {
        super::inbound::size(self.base.lang, *n)
    }
}

pub(crate) async fn ticket_page(
    s: &AppState,
    page: &Page,
    id: Uuid,
    notice: Option<&str>,
    values: Values,
    errors: Errors,
) -> Response {
    let lang = page.ctx.language;
    let v = match views::ticket(&s.app, &page.ctx, id).await {
        Ok(v) => v,
        Err(e) => return error_page(page, e),
    };
    let tk = &v.line.ticket;
    let csat = match mesure_services::desk::csat::of_ticket(&s.app, &page.ctx, id).await {
        Ok(c) => c,
        Err(e) => return error_page(page, e),
    };
    let me = match s.app.db.read().await {
        Ok(mut c) => {
            mesure_store::people::users::get(&mut c.conn(), page.ctx.workspace, page.ctx.user)
                .await
                .ok()
                .and_then(|u| u.contact_id)
        }
        Err(_) => None,
    };
    let (csat_state, csat_score) = match &csat {
        Some(r) if r.answered_at.is_some() => (
            "answered",
            r.score.map(|s| s.to_string()).unwrap_or_default(),
        ),
        Some(r) if me.is_some() && r.contact_id == me => ("ask", String::new()),
        _ => ("", String::new()),
    };
    let due = |d: Option<i64>| {
        d.map_or_else(
            || "—".to_string(),
            |us| fmt::moment(lang, us, &page.ctx.time_zone),
        )
    };
    let mut base = Base::new(
        page,
        "desk-portal-title",
        "/portal/tickets",
        &format!("/portal/tickets/{id}"),
    )
    .with_notice(notice);
    base.title = format!("#{} {}", tk.number, tk.subject);
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &TicketTpl {
            status: status_badge(lang, tk.status),
            kind: t(lang, &format!("desk-kind-{}", tk.kind.as_str())),
            created: fmt::moment(lang, tk.created_at, &page.ctx.time_zone),
            first_response_due: due(tk.first_response_due),
            resolution_due: due(tk.resolution_due),
            events: event_lines(page, &v),
            closed: tk.status == Status::Closed,
            csat_state,
            csat_score,
            csat_action: format!("/portal/tickets/{id}/rate"),
            csat_csrf: page.csrf.clone(),
            values,
            errors,
            base,
            v,
        },
    )
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    ticket_page(
        &s,
        &page,
        id,
        q.notice.as_deref(),
        Values::default(),
        Errors::default(),
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub body: String,
}

pub async fn reply(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    let f: ReplyForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match tickets::customer_reply(&s.app, &page.ctx, id, &f.body).await {
        Ok(t) if t.id == id => see_other(&format!("/portal/tickets/{id}"), "desk-reply-sent"),
        Ok(t) => see_other(&format!("/portal/tickets/{}", t.id), "desk-followed"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            ticket_page(&s, &page, id, None, Values::from_body(&body), errors).await
        }
        Err(e) => error_page(&page, e),
    }
}
