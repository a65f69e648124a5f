//! Questions in the portal (a contact asks on an invoice, a line, a deliverable, a change
//! request or a project, and follows the thread) and for staff (the list with its KPIs, a
//! thread to answer and resolve, optionally by a credit note).
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, error_page, parse_id, render, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mesure_domain::portal::questions::QuestionStatus;
use mesure_services::ServiceError;
use mesure_services::portal::questions::{self, AskInput, Thread};
use mesure_store::portal::questions::QuestionRow;
use uuid::Uuid;

/// A question in a list.
pub struct QuestionLine {
    pub id: String,
    pub title: String,
    pub client: String,
    pub status: (String, &'static str),
    pub asked: String,
    pub first_response: String,
}

pub fn status_badge(lang: mesure_domain::Language, s: QuestionStatus) -> (String, &'static str) {
    let class = match s {
        QuestionStatus::Open => "warn",
        QuestionStatus::Answered => "info",
        QuestionStatus::Resolved => "ok",
    };
    (
        mesure_i18n::t(lang, &format!("question-status-{}", s.as_str())),
        class,
    )
}

/// Business minutes as hours and minutes ("1:30").
fn response(lang: mesure_domain::Language, q: &QuestionRow) -> String {
    q.first_response_minutes
        .map(|m| fmt::hours(lang, m))
        .unwrap_or_else(|| "—".into())
}

fn when(page: &Page, us: i64) -> String {
    fmt::moment(page.ctx.language, us, &page.ctx.time_zone)
}

pub fn lines(
    page: &Page,
    rows: &[QuestionRow],
    names: &std::collections::HashMap<Uuid, String>,
) -> Vec<QuestionLine> {
    let lang = page.ctx.language;
    rows.iter()
        .map(|q| QuestionLine {
            id: q.id.to_string(),
            title: q.title.clone(),
            client: names.get(&q.client_id).cloned().unwrap_or_default(),
            status: status_badge(lang, q.status),
            asked: when(page, q.created_at),
            first_response: response(lang, q),
        })
        .collect()
}

#[derive(serde::Deserialize)]
pub struct AskForm {
    pub subject: String,
    pub body: String,
}

/// A contact asks: `subject` is `kind:id` or `invoice_line:invoice:line`.
pub async fn ask(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: AskForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut parts = f.subject.split(':');
    let kind = parts.next().unwrap_or_default().to_string();
    let ids: Vec<Uuid> = parts.filter_map(|p| Uuid::parse_str(p).ok()).collect();
    let (subject_id, invoice_id) = match (kind.as_str(), ids.as_slice()) {
        ("invoice_line", [inv, line]) => (*line, Some(*inv)),
        (_, [id]) => (*id, None),
        _ => {
            return invalid(&page, mesure_domain::Invalid::one("subject", "err-choice"));
        }
    };
    let input = AskInput {
        subject: kind,
        subject_id,
        invoice_id,
        body: f.body,
    };
    match questions::ask(&s.app, &page.ctx, &input).await {
        Ok(q) => see_other(&format!("/portal/questions/{}", q.id), "question-asked"),
        Err(ServiceError::Invalid(inv)) => invalid(&page, inv),
        Err(e) => error_page(&page, e),
    }
}

fn invalid(page: &Page, inv: mesure_domain::Invalid) -> Response {
    let lang = page.ctx.language;
    let body = crate::html::message_page(
        lang,
        "question-not-sent",
        crate::html::listed_errors(lang, &inv),
    );
    (StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(body)).into_response()
}

#[derive(Template)]
#[template(path = "portal/questions.html")]
struct ListPage {
    base: Base,
    rows: Vec<QuestionLine>,
    staff: bool,
    kpis: Vec<(String, String, String)>,
    /// The KPIs' period (staff), its choices, label, and why a requested one was refused.
    period: crate::html::period::Period,
    periods: Vec<(&'static str, String, bool)>,
    period_label: String,
    error: Option<String>,
}

/// The contact's questions.
pub async fn own(State(s): State<AppState>, page: Page) -> Response {
    match questions::own(&s.app, &page.ctx).await {
        Ok(rows) => {
            let (period, _) =
                crate::html::period::period_or_default(&s, &page, &Default::default());
            render(&ListPage {
                base: Base::new(
                    &page,
                    "questions-title",
                    "/portal/questions",
                    "/portal/questions",
                ),
                rows: lines(&page, &rows, &Default::default()),
                staff: false,
                kpis: Vec::new(),
                periods: Vec::new(),
                period_label: String::new(),
                error: None,
                period,
            })
        }
        Err(e) => error_page(&page, e),
    }
}

/// The three question KPIs as cards: (figure, label, definition).
pub fn kpi_cards(
    lang: mesure_domain::Language,
    k: &mesure_domain::portal::questions::QuestionKpis,
) -> Vec<(String, String, String)> {
    let t = |key: &str| mesure_i18n::t(lang, key);
    let per = k
        .per_invoice_x100()
        .map(|v| mesure_i18n::number(lang, rust_decimal::Decimal::new(v, 2), 2))
        .unwrap_or_else(|| t("radar-no-data"));
    vec![
        (
            per,
            t("question-kpi-per-invoice"),
            t("question-kpi-per-invoice-help"),
        ),
        (
            k.median_first_response
                .map(|m| fmt::hours(lang, m))
                .unwrap_or_else(|| t("radar-no-data")),
            t("question-kpi-first-response"),
            t("question-kpi-first-response-help"),
        ),
        (
            k.share_questioned_pct()
                .map(|p| format!("{p} %"))
                .unwrap_or_else(|| t("radar-no-data")),
            t("question-kpi-share"),
            t("question-kpi-share-help"),
        ),
    ]
}

/// A client's questions as its client page and radar show them: the KPIs of the last twelve
/// months and the questions still open or answered (not resolved), newest first.
#[derive(Default)]
pub struct ClientQuestions {
    pub kpis: Vec<(String, String, String)>,
    pub open: Vec<QuestionLine>,
    /// Questions resolved (not listed).
    pub resolved: usize,
}

/// [`ClientQuestions`] of `client`, for staff who read clients.
pub async fn client_summary(
    s: &AppState,
    page: &Page,
    client: Uuid,
) -> Result<ClientQuestions, ServiceError> {
    let today = mesure_services::portal::today(&s.app, &page.ctx);
    let rows = questions::of_client(&s.app, &page.ctx, client, 500).await?;
    let k = questions::kpis(&s.app, &page.ctx, Some(client), today - 10_000, today).await?;
    let (open, resolved): (Vec<QuestionRow>, Vec<QuestionRow>) = rows
        .into_iter()
        .partition(|q| q.status != QuestionStatus::Resolved);
    Ok(ClientQuestions {
        kpis: kpi_cards(page.ctx.language, &k),
        open: lines(page, &open, &std::collections::HashMap::new()),
        resolved: resolved.len(),
    })
}

/// Staff: every question, open first, with the KPIs of a period (the last twelve months by
/// default).
pub async fn staff_list(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<crate::html::period::PeriodQuery>,
) -> Response {
    let lang = page.ctx.language;
    let (period, error) = crate::html::period::period_or_default(&s, &page, &q);
    let (from, to) = (
        period.from_key(),
        mesure_domain::projects::engagement::day_key(period.last_day()),
    );
    let result = async {
        let rows = questions::latest(&s.app, &page.ctx, 300).await?;
        let k = questions::kpis(&s.app, &page.ctx, None, from, to).await?;
        let mut conn = s.app.db.read().await?;
        let names: std::collections::HashMap<Uuid, String> =
            mesure_store::clients::names(&mut conn.conn(), page.ctx.workspace)
                .await?
                .into_iter()
                .collect();
        Ok::<_, ServiceError>((rows, k, names))
    }
    .await;
    match result {
        Ok((rows, k, names)) => {
            let kpis = kpi_cards(lang, &k);
            render(&ListPage {
                base: Base::new(&page, "questions-title", "/questions", "/questions"),
                rows: lines(&page, &rows, &names),
                staff: true,
                kpis,
                periods: period.options(lang),
                period_label: period.label(lang),
                error,
                period,
            })
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "portal/question.html")]
struct ThreadPage {
    base: Base,
    th: Thread,
    status: (String, &'static str),
    messages: Vec<(String, bool, String, String)>,
    staff: bool,
    can_answer: bool,
    /// (credit note id, number) of the client, for resolving.
    credit_notes: Vec<(String, String)>,
    first_response: String,
    link: Option<String>,
    subject_label: String,
}

async fn thread_page(s: &AppState, page: &Page, id: Uuid, notice: Option<&str>) -> Response {
    let lang = page.ctx.language;
    let staff = page.ctx.client.is_none();
    let t = match questions::thread(&s.app, &page.ctx, id).await {
        Ok(t) => t,
        Err(e) => return error_page(page, e),
    };
    let credit_notes = if staff && page.ctx.may(mesure_domain::InvoicingAction::Read) {
        let q = mesure_store::invoicing::ListQuery {
            client: Some(t.question.client_id),
            kind: Some(mesure_domain::invoicing::states::DocKind::CreditNote),
            status: Some(mesure_domain::invoicing::states::DocStatus::Issued),
            limit: 100,
            ..Default::default()
        };
        match mesure_services::invoicing::list(&s.app, &page.ctx, q).await {
            Ok((rows, _)) => rows
                .iter()
                .map(|r| (r.id.to_string(), r.number.clone().unwrap_or_default()))
                .collect(),
            Err(e) => return error_page(page, e),
        }
    } else {
        Vec::new()
    };
    let q = &t.question;
    let link = match (staff, q.invoice_id, q.project_id) {
        (true, Some(i), _) => Some(format!("/invoices/{i}")),
        (true, None, Some(p)) => Some(format!("/projects/{p}")),
        (false, Some(i), _) => Some(format!("/portal/invoices/{i}")),
        (false, None, Some(p)) => Some(format!("/portal/projects/{p}")),
        _ => None,
    };
    let (home, here) = if staff {
        ("/questions", format!("/questions/{id}"))
    } else {
        ("/portal/questions", format!("/portal/questions/{id}"))
    };
    let mut base = Base::new(page, "questions-title", home, &here).with_notice(notice);
    base.title = q.title.clone();
    render(&ThreadPage {
        status: status_badge(lang, q.status),
        messages: t
            .messages
            .iter()
            .map(|m| {
                (
                    m.author.clone(),
                    m.from_staff,
                    when(page, m.at),
                    m.body.clone(),
                )
            })
            .collect(),
        staff,
        can_answer: !staff || page.ctx.may(mesure_domain::ClientsAction::Write),
        credit_notes,
        first_response: response(lang, q),
        subject_label: mesure_i18n::t(
            lang,
            &format!("question-subject-{}", q.subject_type.as_str()),
        ),
        link,
        base,
        th: t,
    })
}

pub async fn thread(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<crate::html::NoticeQuery>,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    thread_page(&s, &page, id, q.notice.as_deref()).await
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    pub body: String,
}

pub async fn reply(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: ReplyForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let back = if page.ctx.client.is_some() {
        format!("/portal/questions/{id}")
    } else {
        format!("/questions/{id}")
    };
    match questions::reply(&s.app, &page.ctx, id, &f.body).await {
        Ok(()) => see_other(&back, "question-replied"),
        Err(ServiceError::Invalid(inv)) => invalid(&page, inv),
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct ResolveForm {
    pub credit_note_id: Option<String>,
}

pub async fn resolve(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: ResolveForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let cn = match f
        .credit_note_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => match Uuid::parse_str(v) {
            Ok(u) => Some(u),
            Err(_) => {
                return invalid(
                    &page,
                    mesure_domain::Invalid::one("credit_note_id", "err-question-credit-note"),
                );
            }
        },
        None => None,
    };
    match questions::resolve(&s.app, &page.ctx, id, cn).await {
        Ok(()) => see_other(&format!("/questions/{id}"), "question-resolved"),
        Err(ServiceError::Invalid(inv)) => invalid(&page, inv),
        Err(e) => error_page(&page, e),
    }
}
