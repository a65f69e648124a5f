//! Invoice pages: the list with a new-draft form, one document with its lines opening onto what
//! they bill and its actions (lines, issue, cancel, payments, credit notes, PDF, XML), and the
//! invoicing settings.
use crate::AppState;
use crate::html::{Base, Errors, Values, error_page, render, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mesure_domain::invoicing::draft::Grouping;
use mesure_domain::invoicing::payments::Status;
use mesure_domain::invoicing::states::{CreditReason, DocKind, DocStatus, PaymentMethod};
use mesure_domain::invoicing::totals::Vat;
use mesure_domain::projects::engagement::day_from_key;
use mesure_domain::{Currency, InvoicingAction, Language, Money};
use mesure_services::ServiceError;
use mesure_services::invoicing::{
    self, CreditInput, DraftInput, InvoiceSummary, InvoiceView, LineInput, PaymentInput,
    SettingsInput,
};
use mesure_store::invoicing::ListQuery;
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 50;

fn day(lang: Language, k: i32) -> String {
    day_from_key(k)
        .map(|d| mesure_i18n::date(lang, d))
        .unwrap_or_default()
}

fn money(lang: Language, minor: i64, c: Currency) -> String {
    mesure_i18n::money(lang, Money::from_minor(minor, c))
}

/// A status as a badge: its label and its class.
pub fn status_badge(lang: Language, s: Status) -> (String, &'static str) {
    let class = match s {
        Status::Paid | Status::Credited => "ok",
        Status::Overdue => "danger",
        Status::PartiallyPaid | Status::Draft => "warn",
        _ => "",
    };
    (
        mesure_i18n::t(
            lang,
            &format!("invoice-status-{}", s.as_str().replace('_', "-")),
        ),
        class,
    )
}

/// One row of the list, formatted.
pub struct Row {
    pub id: Uuid,
    pub number: String,
    pub client: String,
    pub period: String,
    pub issued: String,
    pub due: String,
    pub net: String,
    pub gross: String,
    pub balance: String,
    pub status: (String, &'static str),
}

impl Row {
    fn of(lang: Language, s: &InvoiceSummary) -> Row {
        Row {
            id: s.id,
            number: s
                .number
                .clone()
                .unwrap_or_else(|| mesure_i18n::t(lang, "invoice-draft-number")),
            client: s.client_name.clone(),
            period: format!("{} – {}", day(lang, s.period_from), day(lang, s.period_to)),
            issued: s.issued_on.map(|d| day(lang, d)).unwrap_or_default(),
            due: s.due_on.map(|d| day(lang, d)).unwrap_or_default(),
            net: money(lang, s.net_minor, s.currency),
            gross: money(lang, s.gross_minor, s.currency),
            balance: if s.balance_minor != 0 {
                money(lang, s.balance_minor, s.currency)
            } else {
                String::new()
            },
            status: status_badge(lang, s.status),
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    pub kind: Option<String>,
    pub client: Option<String>,
    pub status: Option<String>,
    pub after: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "invoicing/list.html")]
struct ListPage {
    base: Base,
    rows: Vec<Row>,
    credit_notes: bool,
    client: String,
    status: String,
    clients: Vec<(String, String)>,
    next: Option<String>,
    can_write: bool,
    values: Values,
    errors: Errors,
    groupings: Vec<(String, String)>,
    receivables: Option<Receivables>,
    month_end: Option<MonthEndPanel>,
}

/// What a month-end batch did, for the invoices page.
pub struct MonthEndPanel {
    pub title: String,
    pub counts: String,
    /// Document id, client, number (or "draft"), total incl. VAT.
    pub documents: Vec<(String, String, String, String)>,
    /// Client, the reason.
    pub skipped: Vec<(String, String)>,
}

fn month_end_panel(lang: Language, r: &invoicing::MonthEndSummary) -> MonthEndPanel {
    let n = |v: usize| mesure_i18n::Arg::Num(i64::try_from(v).unwrap_or(i64::MAX));
    MonthEndPanel {
        title: mesure_i18n::t_args(
            lang,
            "month-end-result",
            &[
                ("from", mesure_i18n::Arg::Str(&day(lang, r.from))),
                ("to", mesure_i18n::Arg::Str(&day(lang, r.to))),
            ],
        ),
        counts: mesure_i18n::t_args(
            lang,
            "month-end-counts",
            &[
                ("clients", n(r.clients)),
                ("drafts", n(r.documents.len())),
                ("issued", n(r.issued)),
                ("skipped", n(r.skipped.len())),
            ],
        ),
        documents: r
            .documents
            .iter()
            .map(|d| {
                (
                    d.id.to_string(),
                    d.client_name.clone(),
                    d.number
                        .clone()
                        .unwrap_or_else(|| mesure_i18n::t(lang, "invoice-draft-number")),
                    money(lang, d.gross_minor, d.currency),
                )
            })
            .collect(),
        skipped: r
            .skipped
            .iter()
            .map(|k| {
                let mut why: Vec<String> = k
                    .reason
                    .0
                    .iter()
                    .map(|e| {
                        let label = format!("field-{}", e.field.replace('_', "-"));
                        let msg = crate::error::field_message(lang, e);
                        if mesure_i18n::has(lang, &label) {
                            format!("{} : {msg}", mesure_i18n::t(lang, &label))
                        } else {
                            msg
                        }
                    })
                    .collect();
                if k.draft.is_some() {
                    why.push(mesure_i18n::t(lang, "month-end-kept-draft"));
                }
                (k.client_name.clone(), why.join(" ; "))
            })
            .collect(),
    }
}

/// Unpaid invoices by age and days sales outstanding.
pub struct Receivables {
    pub buckets: Vec<(String, String)>,
    pub total: String,
    pub dso: String,
}

fn groupings(lang: Language) -> Vec<(String, String)> {
    Grouping::ALL
        .iter()
        .map(|g| {
            (
                g.as_str().to_string(),
                mesure_i18n::t(lang, &format!("invoice-grouping-{}", g.as_str())),
            )
        })
        .collect()
}

async fn list_page(
    s: &AppState,
    page: &Page,
    p: &ListParams,
    values: Values,
    errors: Errors,
    status: StatusCode,
) -> Response {
    list_page_with(s, page, p, values, errors, status, None).await
}

async fn list_page_with(
    s: &AppState,
    page: &Page,
    p: &ListParams,
    values: Values,
    errors: Errors,
    status: StatusCode,
    month_end: Option<MonthEndPanel>,
) -> Response {
    let lang = page.ctx.language;
    let credit_notes = p.kind.as_deref() == Some("credit_note");
    let after = p.after.as_deref().and_then(|a| {
        let (at, id) = a.split_once('_')?;
        Some((at.parse().ok()?, Uuid::parse_str(id).ok()?))
    });
    let q = ListQuery {
        client: p.client.as_deref().and_then(|c| Uuid::parse_str(c).ok()),
        kind: Some(if credit_notes {
            DocKind::CreditNote
        } else {
            DocKind::Invoice
        }),
        status: p.status.as_deref().and_then(DocStatus::parse),
        from: None,
        to: None,
        after,
        limit: PAGE_SIZE,
    };
    let (rows, more) = match invoicing::list(&s.app, &page.ctx, q).await {
        Ok(r) => r,
        Err(e) => return error_page(page, e),
    };
    let clients = crate::section!(
        page,
        mesure_services::clients::names(&s.app, &page.ctx).await
    )
    .into_iter()
    .map(|(id, n)| (id.to_string(), n))
    .collect();
    let receivables = match invoicing::receivables(&s.app, &page.ctx, None).await {
        Ok(r) => Some(receivables_of(lang, &r)),
        Err(e) => return error_page(page, e),
    };
    let next = if more {
        rows.last().map(|r| format!("{}_{}", r.created_at, r.id))
    } else {
        None
    };
    let tpl = ListPage {
        base: Base::new(
            page,
            if credit_notes {
                "credit-notes-title"
            } else {
                "invoices-title"
            },
            "/invoices",
            "/invoices",
        )
        .with_notice(p.notice.as_deref()),
        rows: rows.iter().map(|r| Row::of(lang, r)).collect(),
        credit_notes,
        client: p.client.clone().unwrap_or_default(),
        status: p.status.clone().unwrap_or_default(),
        clients,
        next,
        can_write: page.ctx.may(InvoicingAction::Write),
        values,
        errors,
        groupings: groupings(lang),
        receivables,
        month_end,
    };
    render_status(status, &tpl)
}

/// Receivables formatted for a page.
pub fn receivables_of(lang: Language, r: &invoicing::ReceivablesView) -> Receivables {
    let c = r.currency;
    let labels = [
        "ageing-not-due",
        "ageing-1-30",
        "ageing-31-60",
        "ageing-61-90",
        "ageing-90-plus",
    ];
    Receivables {
        buckets: labels
            .iter()
            .zip(r.buckets.iter())
            .map(|(k, v)| (mesure_i18n::t(lang, k), money(lang, *v, c)))
            .collect(),
        total: money(lang, r.buckets.iter().sum(), c),
        dso: match r.dso_days {
            Some(d) => mesure_i18n::t_args(
                lang,
                "receivables-dso-days",
                &[("days", mesure_i18n::Arg::Num(d))],
            ),
            None => mesure_i18n::t(lang, "kpi-no-data"),
        },
    }
}

pub async fn list(State(s): State<AppState>, page: Page, Query(p): Query<ListParams>) -> Response {
    let mut v = Values::default();
    if let Some(d) = day_from_key(invoicing::today(&s.app, &page.ctx)) {
        let first = d.first_of_month();
        let prev = first
            .checked_sub(jiff::Span::new().months(1))
            .unwrap_or(first);
        v.set("from", Some(&prev.to_string()));
        v.set("to", Some(&prev.last_of_month().to_string()));
    }
    list_page(&s, &page, &p, v, Errors::default(), StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct DraftForm {
    pub client_id: String,
    pub from: String,
    pub to: String,
    pub grouping: Option<String>,
    pub free_work: Option<String>,
}

pub async fn create(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: DraftForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = page.ctx.language;
    let Ok(client_id) = Uuid::parse_str(f.client_id.trim()) else {
        let errors = Errors::one("client_id", mesure_i18n::t(lang, "err-required"));
        return list_page(
            &s,
            &page,
            &ListParams::default(),
            Values::from_body(&body),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = DraftInput {
        client_id,
        from: f.from,
        to: f.to,
        currency: None,
        grouping: f.grouping,
        free_work: Some(f.free_work.is_some()),
        note: None,
    };
    match invoicing::create_draft(&s.app, &page.ctx, &input).await {
        Ok(v) => see_other(&format!("/invoices/{}", v.id), "invoice-draft-created"),
        Err(ServiceError::Invalid(inv)) => {
            list_page(
                &s,
                &page,
                &ListParams::default(),
                Values::from_body(&body),
                Errors::from_invalid(lang, &inv),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Conflict(key)) => {
            list_page(
                &s,
                &page,
                &ListParams::default(),
                Values::from_body(&body),
                Errors::one("form", mesure_i18n::t(lang, key)),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct MonthEndForm {
    pub from: String,
    pub to: String,
    pub issue: Option<String>,
}

/// Month-end invoicing from the invoices page: the summary shows on the page.
pub async fn month_end(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: MonthEndForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = page.ctx.language;
    let input = invoicing::MonthEndInput {
        from: f.from,
        to: f.to,
        issue: f.issue.is_some(),
    };
    let (errors, status, panel) = match invoicing::month_end(&s.app, &page.ctx, &input).await {
        Ok(r) => (
            Errors::default(),
            StatusCode::OK,
            Some(month_end_panel(lang, &r)),
        ),
        Err(ServiceError::Invalid(inv)) => (
            Errors::from_invalid(lang, &inv),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        Err(e) => return error_page(&page, e),
    };
    let mut values = Values::from_body(&body);
    values.set("month_end", Some("1"));
    list_page_with(
        &s,
        &page,
        &ListParams::default(),
        values,
        errors,
        status,
        panel,
    )
    .await
}

/// A line of the document page.
pub struct LineRow {
    pub id: Uuid,
    pub description: String,
    pub detail: String,
    pub quantity: String,
    pub unit_price: String,
    pub vat: String,
    pub net: String,
    pub muted: bool,
    /// What it bills: entries (date, person, note, duration, amount) or other items.
    pub entries: Vec<[String; 5]>,
    /// How many entries the line bills in all (more than `entries` holds when paged).
    pub total: i64,
    /// Where all its entries are listed, a page at a time, when `entries` shows only the first.
    pub more: Option<String>,
    pub others: Vec<String>,
}

#[derive(Template)]
#[template(path = "invoicing/show.html")]
struct ShowPage {
    base: Base,
    v: InvoiceView,
    title: String,
    status: (String, &'static str),
    meta: Vec<(String, String)>,
    lines: Vec<LineRow>,
    totals: Vec<(String, String)>,
    payments: Vec<[String; 4]>,
    credit_notes: Vec<(Uuid, String, String, String)>,
    corrects: Option<(Uuid, String)>,
    is_draft: bool,
    is_issued: bool,
    is_invoice: bool,
    can_write: bool,
    values: Values,
    errors: Errors,
    vats: Vec<(String, String)>,
    reasons: Vec<(String, String)>,
    methods: Vec<(String, String)>,
    groupings: Vec<(String, String)>,
    today: String,
    /// Questions the client asked on this document: (id, title, status).
    questions: Vec<(String, String, (String, &'static str))>,
}

fn vat_options(lang: Language) -> Vec<(String, String)> {
    Vat::ALL
        .iter()
        .map(|v| {
            (
                v.as_str().to_string(),
                mesure_i18n::t(
                    lang,
                    &format!("vat-{}", v.as_str().replace(['.', '_'], "-")),
                ),
            )
        })
        .collect()
}

/// What a document page shows, for staff and for the client portal alike: its title, details,
/// lines with what they bill, totals and payments.
pub struct DocParts {
    pub title: String,
    pub meta: Vec<(String, String)>,
    pub lines: Vec<LineRow>,
    pub totals: Vec<(String, String)>,
    pub payments: Vec<[String; 4]>,
}

/// A billed entry's cells as a document page shows them: date, person, note, duration, amount.
pub fn entry_cells(
    lang: Language,
    e: &mesure_store::invoicing::BilledEntry,
    c: Currency,
) -> [String; 5] {
    [
        day(lang, e.work_date),
        e.person.clone(),
        e.note.clone(),
        invoicing::draft::duration(e.minutes),
        money(lang, e.amount_minor, c),
    ]
}

/// The parts of document `v` whose lines bill `entries`, in `lang`.
pub fn doc_parts(
    lang: Language,
    v: &InvoiceView,
    entries: &[mesure_store::invoicing::BilledEntry],
) -> DocParts {
    let c = v.currency;
    let title = match (v.kind, &v.number) {
        (DocKind::Invoice, Some(n)) => mesure_i18n::t_args(
            lang,
            "invoice-pdf-title-invoice",
            &[("number", mesure_i18n::Arg::Str(n))],
        ),
        (DocKind::CreditNote, Some(n)) => mesure_i18n::t_args(
            lang,
            "invoice-pdf-title-credit",
            &[("number", mesure_i18n::Arg::Str(n))],
        ),
        (_, None) => mesure_i18n::t(lang, "invoice-draft-title"),
    };
    let mut meta = vec![(mesure_i18n::t(lang, "field-client"), v.client_name.clone())];
    meta.push((
        mesure_i18n::t(lang, "invoice-pdf-period"),
        format!("{} – {}", day(lang, v.period_from), day(lang, v.period_to)),
    ));
    if let Some(d) = v.issued_on {
        meta.push((mesure_i18n::t(lang, "invoice-pdf-date"), day(lang, d)));
    }
    if let Some(d) = v.due_on {
        meta.push((mesure_i18n::t(lang, "invoice-pdf-due"), day(lang, d)));
    }
    if let Some(r) = v.credit_reason {
        meta.push((
            mesure_i18n::t(lang, "field-credit-reason"),
            mesure_i18n::t(
                lang,
                &format!("credit-reason-{}", r.as_str().replace('_', "-")),
            ),
        ));
    }
    if let Some(h) = &v.content_hash {
        meta.push((
            mesure_i18n::t(lang, "invoice-hash"),
            h.chars().take(16).collect::<String>() + "…",
        ));
    }
    let lines = v
        .lines
        .iter()
        .map(|l| LineRow {
            id: l.id,
            description: l.description.clone(),
            detail: l.detail.clone(),
            quantity: mesure_services::invoicing::pdf::quantity_text(lang, &l.quantity, &l.unit),
            unit_price: money(lang, l.unit_price_minor, c),
            vat: mesure_services::invoicing::pdf::vat_text(lang, l.vat),
            net: money(lang, l.net_minor, c),
            muted: l.net_minor == 0,
            total: entries.iter().filter(|e| e.line_id == l.id).count() as i64,
            more: None,
            entries: entries
                .iter()
                .filter(|e| e.line_id == l.id)
                .map(|e| entry_cells(lang, e, c))
                .collect(),
            others: l
                .bills
                .iter()
                .filter(|b| b.kind != mesure_domain::invoicing::states::ItemKind::Entry)
                .map(|b| {
                    let what = mesure_i18n::t(lang, &format!("invoice-item-{}", b.kind.as_str()));
                    match b.month {
                        Some(m) => format!(
                            "{what} {:04}-{:02} · {}",
                            m / 100,
                            m % 100,
                            money(lang, b.amount_minor, c)
                        ),
                        None => format!("{what} · {}", money(lang, b.amount_minor, c)),
                    }
                })
                .collect(),
        })
        .collect();
    let mut totals = vec![(
        mesure_i18n::t(lang, "invoice-pdf-total-net"),
        money(lang, v.net_minor, c),
    )];
    for g in &v.vat_groups {
        totals.push((
            mesure_i18n::t_args(
                lang,
                "invoice-pdf-vat-of",
                &[
                    (
                        "rate",
                        mesure_i18n::Arg::Str(&mesure_services::invoicing::pdf::vat_text(
                            lang, g.vat,
                        )),
                    ),
                    ("base", mesure_i18n::Arg::Str(&money(lang, g.base_minor, c))),
                ],
            ),
            money(lang, g.amount_minor, c),
        ));
    }
    totals.push((
        mesure_i18n::t(lang, "invoice-pdf-total-gross"),
        money(lang, v.gross_minor, c),
    ));
    if v.kind == DocKind::Invoice && v.paid_minor > 0 {
        totals.push((
            mesure_i18n::t(lang, "invoice-paid"),
            money(lang, v.paid_minor, c),
        ));
    }
    if v.kind == DocKind::Invoice && v.credited_minor > 0 {
        totals.push((
            mesure_i18n::t(lang, "invoice-credited"),
            money(lang, v.credited_minor, c),
        ));
    }
    if v.kind == DocKind::Invoice && v.number.is_some() {
        totals.push((
            mesure_i18n::t(lang, "invoice-balance"),
            money(lang, v.balance_minor, c),
        ));
    }
    let payments = v
        .payments
        .iter()
        .map(|p| {
            [
                day(lang, p.paid_on),
                money(lang, p.amount_minor, c),
                mesure_i18n::t(
                    lang,
                    &format!("payment-method-{}", p.method.as_str().replace('_', "-")),
                ),
                p.reference.clone(),
            ]
        })
        .collect();
    DocParts {
        title,
        meta,
        lines,
        totals,
        payments,
    }
}

async fn show_page(
    s: &AppState,
    page: &Page,
    id: Uuid,
    values: Values,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let lang = page.ctx.language;
    let v = match invoicing::get(&s.app, &page.ctx, id).await {
        Ok(v) => v,
        Err(e) => return error_page(page, e),
    };
    let entries = match invoicing::billed_entries(&s.app, &page.ctx, id).await {
        Ok(e) => e,
        Err(e) => return error_page(page, e),
    };
    let questions =
        match mesure_services::portal::questions::of_invoice(&s.app, &page.ctx, id).await {
            Ok(q) => q
                .iter()
                .map(|q| {
                    (
                        q.id.to_string(),
                        q.title.clone(),
                        crate::portal::questions::status_badge(lang, q.status),
                    )
                })
                .collect(),
            Err(e) => return error_page(page, e),
        };
    let DocParts {
        title,
        meta,
        lines,
        totals,
        payments,
    } = doc_parts(lang, &v, &entries);
    let c = v.currency;
    let credit_notes = v
        .credit_notes
        .iter()
        .map(|d| {
            (
                d.id,
                d.number.clone().unwrap_or_default(),
                money(lang, d.gross_minor, c),
                d.reason
                    .map(|r| {
                        mesure_i18n::t(
                            lang,
                            &format!("credit-reason-{}", r.as_str().replace('_', "-")),
                        )
                    })
                    .unwrap_or_default(),
            )
        })
        .collect();
    let corrects = v
        .corrects
        .as_ref()
        .map(|d| (d.id, d.number.clone().unwrap_or_default()));
    let today = day_from_key(invoicing::today(&s.app, &page.ctx))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let status_badge = status_badge(lang, v.status);
    let is_draft = v.status == Status::Draft;
    let mut values = values;
    if is_draft && values.get("from").is_empty() {
        // The edit form starts from the draft as it is.
        let iso = |d: i32| day_from_key(d).map(|d| d.to_string()).unwrap_or_default();
        values.set("from", Some(&iso(v.period_from)));
        values.set("to", Some(&iso(v.period_to)));
        values.set("grouping", Some(v.grouping.as_str()));
        values.set("note", Some(&v.note));
    }
    let is_issued = v.number.is_some();
    let is_invoice = v.kind == DocKind::Invoice;
    let tpl = ShowPage {
        base: Base::new(
            page,
            "invoices-title",
            "/invoices",
            &format!("/invoices/{id}"),
        )
        .with_notice(notice),
        title,
        status: status_badge,
        meta,
        lines,
        totals,
        payments,
        credit_notes,
        corrects,
        is_draft,
        is_issued,
        is_invoice,
        can_write: page.ctx.may(InvoicingAction::Write),
        values,
        errors,
        vats: vat_options(lang),
        groupings: groupings(lang),
        questions,
        reasons: CreditReason::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    mesure_i18n::t(
                        lang,
                        &format!("credit-reason-{}", r.as_str().replace('_', "-")),
                    ),
                )
            })
            .collect(),
        methods: PaymentMethod::ALL
            .iter()
            .map(|m| {
                (
                    m.as_str().to_string(),
                    mesure_i18n::t(
                        lang,
                        &format!("payment-method-{}", m.as_str().replace('_', "-")),
                    ),
                )
            })
            .collect(),
        today,
        v,
    };
    render_status(status, &tpl)
}

fn parse(page: &Page, id: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(id.trim()).map_err(|_| error_page(page, ServiceError::NotFound))
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    show_page(
        &s,
        &page,
        id,
        Values::default(),
        Errors::default(),
        StatusCode::OK,
        q.notice.as_deref(),
    )
    .await
}

/// After an action on a document: back to it with a notice, or the page again with the errors.
async fn after(
    s: &AppState,
    page: &Page,
    id: Uuid,
    body: &[u8],
    r: Result<(), ServiceError>,
    notice: &str,
) -> Response {
    let lang = page.ctx.language;
    match r {
        Ok(()) => see_other(&format!("/invoices/{id}"), notice),
        Err(ServiceError::Invalid(inv)) => {
            let mut errors = Errors::from_invalid(lang, &inv);
            // Legal checks name fields of the settings and the client: say which, in full.
            errors
                .0
                .insert("form".into(), crate::html::listed_errors(lang, &inv));
            show_page(
                s,
                page,
                id,
                Values::from_body(body),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(ServiceError::Conflict(key)) => {
            show_page(
                s,
                page,
                id,
                Values::from_body(body),
                Errors::one("form", mesure_i18n::t(lang, key)),
                StatusCode::CONFLICT,
                None,
            )
            .await
        }
        Err(e) => error_page(page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub async fn issue(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Empty>(&body) {
        return r;
    }
    let r = invoicing::issue(&s.app, &page.ctx, id).await.map(|_| ());
    after(&s, &page, id, &body, r, "invoice-issued").await
}

pub async fn cancel(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Empty>(&body) {
        return r;
    }
    let r = invoicing::cancel(&s.app, &page.ctx, id).await;
    after(&s, &page, id, &body, r, "invoice-cancelled").await
}

pub async fn send(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Empty>(&body) {
        return r;
    }
    let r = invoicing::send(&s.app, &page.ctx, id).await.map(|_| ());
    after(&s, &page, id, &body, r, "invoice-sent").await
}

#[derive(serde::Deserialize)]
pub struct LineForm {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub vat: Option<String>,
}

pub async fn add_line(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: LineForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let r = match mesure_domain::forms::parse_amount(&f.unit_price, Currency::EUR) {
        Some(price) => invoicing::add_line(
            &s.app,
            &page.ctx,
            id,
            &LineInput {
                description: f.description,
                quantity: f.quantity,
                unit_price_minor: price,
                vat: f.vat,
                unit: None,
            },
        )
        .await
        .map(|_| ()),
        None => Err(ServiceError::Invalid(mesure_domain::Invalid::one(
            "unit_price",
            "err-amount",
        ))),
    };
    after(&s, &page, id, &body, r, "invoice-line-added").await
}

#[derive(serde::Deserialize)]
pub struct EditForm {
    pub from: Option<String>,
    pub to: Option<String>,
    pub grouping: Option<String>,
    pub note: Option<String>,
}

/// Edits a draft from its page: period, grouping and note (the lines are gathered again).
pub async fn edit_draft(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: EditForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let edit = invoicing::DraftEdit {
        from: f.from,
        to: f.to,
        grouping: f.grouping,
        free_work: None,
        note: f.note,
    };
    let r = invoicing::update_draft(&s.app, &page.ctx, id, &edit)
        .await
        .map(|_| ());
    after(&s, &page, id, &body, r, "invoice-draft-updated").await
}

pub async fn delete_line(
    State(s): State<AppState>,
    page: Page,
    Path((id, line)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let (id, line) = match (parse(&page, &id), parse(&page, &line)) {
        (Ok(i), Ok(l)) => (i, l),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    if let Err(r) = page.form::<Empty>(&body) {
        return r;
    }
    let r = invoicing::delete_line(&s.app, &page.ctx, id, line)
        .await
        .map(|_| ());
    after(&s, &page, id, &body, r, "invoice-line-removed").await
}

#[derive(serde::Deserialize)]
pub struct PaymentForm {
    pub amount: String,
    pub paid_on: String,
    pub method: Option<String>,
    pub reference: Option<String>,
}

pub async fn add_payment(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: PaymentForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let r = match mesure_domain::forms::parse_amount(&f.amount, Currency::EUR) {
        Some(amount) => invoicing::add_payment(
            &s.app,
            &page.ctx,
            id,
            &PaymentInput {
                amount_minor: amount,
                currency: None,
                paid_on: f.paid_on,
                method: f.method,
                reference: f.reference,
            },
        )
        .await
        .map(|_| ())
        .map_err(|e| match e {
            ServiceError::Invalid(mut inv) => {
                for f in &mut inv.0 {
                    if f.field == "amount_minor" {
                        f.field = "amount".into();
                    }
                }
                ServiceError::Invalid(inv)
            }
            other => other,
        }),
        None => Err(ServiceError::Invalid(mesure_domain::Invalid::one(
            "amount",
            "err-amount",
        ))),
    };
    after(&s, &page, id, &body, r, "invoice-payment-recorded").await
}

#[derive(serde::Deserialize)]
pub struct CreditForm {
    pub reason: String,
    /// `credit_amount`: the page's payment form has its own `amount` (one id per page).
    #[serde(rename = "credit_amount")]
    pub amount: Option<String>,
    pub vat: Option<String>,
    pub release_work: Option<String>,
    pub note: Option<String>,
}

pub async fn credit(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: CreditForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let amount = f.amount.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let net = match amount.map(|a| mesure_domain::forms::parse_amount(a, Currency::EUR)) {
        Some(None) => {
            let r = Err(ServiceError::Invalid(mesure_domain::Invalid::one(
                "credit_amount",
                "err-amount",
            )));
            return after(&s, &page, id, &body, r, "").await;
        }
        Some(Some(n)) => Some(n),
        None => None,
    };
    match invoicing::credit(
        &s.app,
        &page.ctx,
        id,
        &CreditInput {
            reason: f.reason,
            net_minor: net,
            vat: f.vat,
            release_work: Some(f.release_work.is_some()),
            note: f.note,
        },
    )
    .await
    {
        Ok(cn) => see_other(&format!("/invoices/{}", cn.id), "credit-note-issued"),
        Err(ServiceError::Invalid(mut inv)) => {
            for f in &mut inv.0 {
                if f.field == "net_minor" {
                    f.field = "credit_amount".into();
                }
            }
            after(&s, &page, id, &body, Err(ServiceError::Invalid(inv)), "").await
        }
        Err(e) => after(&s, &page, id, &body, Err(e), "").await,
    }
}

pub async fn pdf(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match invoicing::pdf(&s.app, &page.ctx, id).await {
        Ok((number, bytes)) => crate::invoicing::api::pdf_response(&number, bytes),
        Err(e) => error_page(&page, e),
    }
}

pub async fn xml(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match invoicing::facturx(&s.app, &page.ctx, id).await {
        Ok((number, xml)) => (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/xml".to_string(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{number}-factur-x.xml\""),
                ),
            ],
            xml,
        )
            .into_response(),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "invoicing/settings.html")]
struct SettingsPage {
    base: Base,
    values: Values,
    errors: Errors,
    vats: Vec<(String, String)>,
    groupings: Vec<(String, String)>,
}

/// The settings page with its values, errors and notice.
fn settings_page(
    page: &Page,
    values: Values,
    errors: Errors,
    notice: Option<&str>,
) -> SettingsPage {
    let lang = page.ctx.language;
    SettingsPage {
        base: Base::new(
            page,
            "invoicing-settings-title",
            "/settings/invoicing",
            "/settings/invoicing",
        )
        .with_notice(notice),
        values,
        errors,
        vats: vat_options(lang),
        groupings: groupings(lang),
    }
}

fn settings_values(r: &mesure_store::invoicing::SettingsRow) -> Values {
    let mut v = Values::default();
    for (k, val) in [
        ("legal_name", r.legal_name.clone()),
        ("address_line", r.address_line.clone()),
        ("postcode", r.postcode.clone()),
        ("city", r.city.clone()),
        ("country", r.country.clone()),
        ("siren", r.siren.clone()),
        ("registry_city", r.registry_city.clone()),
        ("legal_form", r.legal_form.clone()),
        ("vat_number", r.vat_number.clone().unwrap_or_default()),
        ("default_vat", r.default_vat.as_str().to_string()),
        ("invoice_prefix", r.invoice_prefix.clone()),
        ("credit_prefix", r.credit_prefix.clone()),
        ("payment_days", r.payment_days.to_string()),
        ("penalty_rate", r.penalty_rate.clone()),
        ("reminder_days", r.reminder_days.clone()),
        ("iban", r.iban.clone().unwrap_or_default()),
        ("grouping", r.grouping.as_str().to_string()),
        ("account_sales", r.account_sales.clone()),
        ("account_vat", r.account_vat.clone()),
        ("account_clients", r.account_clients.clone()),
        ("version", r.version.to_string()),
    ] {
        v.set(k, Some(&val));
    }
    v.set(
        "share_capital",
        r.share_capital_minor
            .map(|m| Money::from_minor(m, Currency::EUR).to_decimal_string())
            .as_deref(),
    );
    if r.franchise {
        v.set("franchise", Some("on"));
    }
    if r.vat_on_debits {
        v.set("vat_on_debits", Some("on"));
    }
    v
}

pub async fn settings(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    let r = match invoicing::settings(&s.app, &page.ctx).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    render(&settings_page(
        &page,
        settings_values(&r),
        Errors::default(),
        q.notice.as_deref(),
    ))
}

#[derive(serde::Deserialize)]
pub struct SettingsForm {
    pub legal_name: String,
    pub address_line: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub registry_city: String,
    pub legal_form: String,
    pub share_capital: Option<String>,
    pub vat_number: Option<String>,
    pub franchise: Option<String>,
    pub vat_on_debits: Option<String>,
    pub default_vat: String,
    pub invoice_prefix: String,
    pub credit_prefix: String,
    pub payment_days: String,
    pub penalty_rate: String,
    pub reminder_days: String,
    pub iban: Option<String>,
    pub grouping: String,
    pub account_sales: String,
    pub account_vat: String,
    pub account_clients: String,
    pub version: Option<i32>,
}

pub async fn save_settings(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let f: SettingsForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = page.ctx.language;
    let mut bad = mesure_domain::Invalid(Vec::new());
    let capital = match f
        .share_capital
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => match mesure_domain::forms::parse_amount(c, Currency::EUR) {
            Some(m) => Some(m),
            None => {
                bad.push("share_capital", "err-amount");
                None
            }
        },
        None => None,
    };
    let days = match f.payment_days.trim().parse::<i32>() {
        Ok(d) => Some(d),
        Err(_) => {
            bad.push("payment_days", "err-payment-days");
            None
        }
    };
    let input = SettingsInput {
        legal_name: Some(f.legal_name),
        address_line: Some(f.address_line),
        postcode: Some(f.postcode),
        city: Some(f.city),
        country: Some(f.country),
        siren: Some(f.siren),
        registry_city: Some(f.registry_city),
        legal_form: Some(f.legal_form),
        share_capital_minor: capital,
        vat_number: Some(f.vat_number.unwrap_or_default()),
        franchise: Some(f.franchise.is_some()),
        vat_on_debits: Some(f.vat_on_debits.is_some()),
        default_vat: Some(f.default_vat),
        invoice_prefix: Some(f.invoice_prefix),
        credit_prefix: Some(f.credit_prefix),
        payment_days: days,
        penalty_rate: Some(f.penalty_rate),
        reminder_days: Some(f.reminder_days),
        iban: Some(f.iban.unwrap_or_default()),
        grouping: Some(f.grouping),
        account_sales: Some(f.account_sales),
        account_vat: Some(f.account_vat),
        account_clients: Some(f.account_clients),
        version: f.version,
    };
    let r = if bad.0.is_empty() {
        invoicing::save_settings(&s.app, &page.ctx, &input)
            .await
            .map(|_| ())
    } else {
        Err(ServiceError::Invalid(bad))
    };
    let errors = match r {
        Ok(()) => return see_other("/settings/invoicing", "invoicing-settings-saved"),
        Err(ServiceError::Invalid(inv)) => (
            Errors::from_invalid(lang, &inv),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::Conflict(key)) => (
            Errors::one("form", mesure_i18n::t(lang, key)),
            StatusCode::CONFLICT,
        ),
        Err(e) => return error_page(&page, e),
    };
    render_status(
        errors.1,
        &settings_page(&page, Values::from_body(&body), errors.0, None),
    )
}

#[derive(serde::Deserialize, Default)]
pub struct ExportParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The accountant's CSV of issued documents over a period (the current year by default).
pub async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(p): Query<ExportParams>,
) -> Response {
    let today = invoicing::today(&s.app, &page.ctx);
    let from = p
        .from
        .as_deref()
        .and_then(mesure_domain::forms::parse_day)
        .unwrap_or(today / 10_000 * 10_000 + 101);
    let to =
        p.to.as_deref()
            .and_then(mesure_domain::forms::parse_day)
            .unwrap_or(today / 10_000 * 10_000 + 1231);
    match invoicing::accountant_csv(&s.app, &page.ctx, from, to).await {
        Ok(body) => crate::html::csv_response("invoices.csv", body),
        Err(e) => error_page(&page, e),
    }
}

/// The invoicing section of a client's page: billing details, billing errors over the last
/// twelve months, and what the client owes.
pub struct ClientBilling {
    pub client: Uuid,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub business: bool,
    pub show_free_work: bool,
    pub delivery_address: String,
    /// The billing details exist (else an invoice cannot be issued).
    pub complete: bool,
    pub error_rate: String,
    pub errors: String,
    pub credited: String,
    pub receivables: Receivables,
    pub can_write: bool,
}

/// The client page's invoicing section, for readers of invoices (`None` for others).
pub async fn client_billing(
    s: &AppState,
    page: &Page,
    client: mesure_domain::ClientId,
) -> Result<Option<ClientBilling>, ServiceError> {
    if !page.ctx.may(InvoicingAction::Read) {
        return Ok(None);
    }
    let lang = page.ctx.language;
    let b = invoicing::billing(&s.app, &page.ctx, client).await?;
    let today = invoicing::today(&s.app, &page.ctx);
    let from = day_from_key(today)
        .and_then(|d| d.checked_sub(jiff::Span::new().years(1)).ok())
        .map(mesure_domain::projects::engagement::day_key)
        .unwrap_or(today);
    let e = invoicing::billing_errors(&s.app, &page.ctx, Some(client.uuid()), from, today).await?;
    let r = invoicing::receivables(&s.app, &page.ctx, Some(client.uuid())).await?;
    Ok(Some(ClientBilling {
        client: client.uuid(),
        postcode: b.as_ref().map(|b| b.postcode.clone()).unwrap_or_default(),
        city: b.as_ref().map(|b| b.city.clone()).unwrap_or_default(),
        country: b
            .as_ref()
            .map_or_else(|| "FR".to_string(), |b| b.country.clone()),
        business: b.as_ref().is_none_or(|b| b.business),
        show_free_work: b.as_ref().is_none_or(|b| b.show_free_work),
        delivery_address: b
            .as_ref()
            .and_then(|b| b.delivery_address.clone())
            .unwrap_or_default(),
        complete: b.is_some(),
        error_rate: crate::html::fmt::pct(lang, e.rate),
        errors: mesure_i18n::t_args(
            lang,
            "billing-errors-count",
            &[
                ("errors", mesure_i18n::Arg::Num(e.errors)),
                ("invoices", mesure_i18n::Arg::Num(e.invoices)),
            ],
        ),
        credited: money(lang, e.credited_minor, page.ctx.workspace_currency),
        receivables: receivables_of(lang, &r),
        can_write: page.ctx.may(InvoicingAction::Write),
    }))
}

#[derive(serde::Deserialize)]
pub struct BillingForm {
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub business: Option<String>,
    pub show_free_work: Option<String>,
    pub delivery_address: Option<String>,
}

/// Saves a client's billing details from its page.
pub async fn save_client_billing(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let client = match crate::html::parse_id(&page, &id, mesure_domain::ClientId::parse) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let f: BillingForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let input = invoicing::BillingInput {
        postcode: f.postcode,
        city: f.city,
        country: f.country,
        business: Some(f.business.is_some()),
        delivery_address: f.delivery_address,
        show_free_work: Some(f.show_free_work.is_some()),
    };
    match invoicing::save_billing(&s.app, &page.ctx, client, &input).await {
        Ok(_) => see_other(&format!("/clients/{client}"), "billing-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let lang = page.ctx.language;
            let body = crate::html::message_page(
                lang,
                "client-billing-title",
                crate::html::listed_errors(lang, &inv),
            );
            (StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(body)).into_response()
        }
        Err(e) => error_page(&page, e),
    }
}
