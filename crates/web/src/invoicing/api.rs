//! `/api/v1/invoices` and `/api/v1/credit-notes`: drafts from the work, manual lines, issue,
//! payments, credit notes, the Factur-X XML and the PDF; `/api/v1/invoicing/settings`.
use crate::AppState;
use crate::api::{ApiJson, ApiQuery, PageParams, bad_param, err, page_params};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mesure_domain::invoicing::states::{DocKind, DocStatus};
use mesure_services::ServiceError;
use mesure_services::invoicing::{
    self, BillingInput, CreditInput, DraftInput, InvoiceSummary, InvoiceView, LineInput,
    PaymentInput, SettingsInput,
};
use mesure_store::{Cursor, CursorKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One thing a line bills.
#[derive(Serialize, ToSchema)]
pub struct BilledOut {
    /// `entry`, `milestone`, `month` (a retainer month of a project), `change`, `deliverable` (an accepted deliverable's share of a fixed price)
    pub kind: String,
    /// The entry, milestone, change request, deliverable or (for a month) project
    pub id: String,
    /// `YYYYMM`, for a retainer month
    pub month: Option<i32>,
    pub minutes: i64,
    pub amount_minor: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LineOut {
    pub id: String,
    pub position: i32,
    /// `time`, `capped`, `milestone`, `retainer`, `change`, `manual`, `free`, `credit`
    pub kind: String,
    pub project_id: Option<String>,
    pub description: String,
    pub detail: String,
    /// Decimal
    pub quantity: String,
    /// UN/ECE rec. 20: `HUR`, `C62`, `DAY`, `MON`
    pub unit: String,
    pub unit_price_minor: i64,
    /// `20`, `10`, `5.5`, `2.1`, `franchise`, `reverse_charge`, `outside_eu`
    pub vat: String,
    pub net_minor: i64,
    pub minutes: i64,
    /// For free work: the value given (the net is zero)
    pub free_value_minor: i64,
    /// What the line bills
    pub bills: Vec<BilledOut>,
}

#[derive(Serialize, ToSchema)]
pub struct VatGroupOut {
    pub vat: String,
    pub base_minor: i64,
    pub amount_minor: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentOut {
    pub id: String,
    pub amount_minor: i64,
    pub currency: String,
    /// `YYYY-MM-DD`
    pub paid_on: String,
    pub method: String,
    pub reference: String,
}

#[derive(Serialize, ToSchema)]
pub struct DocRefOut {
    pub id: String,
    pub number: Option<String>,
    pub gross_minor: i64,
    pub reason: Option<String>,
}

/// An invoice or a credit note.
#[derive(Serialize, ToSchema)]
pub struct InvoiceOut {
    pub id: String,
    /// `invoice` or `credit_note`
    pub kind: String,
    pub number: Option<String>,
    /// `draft`, `issued`, `sent`, `partially_paid`, `paid`, `overdue`, `credited`, `cancelled`
    pub status: String,
    pub client_id: String,
    pub client_name: String,
    pub currency: String,
    pub language: String,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    pub period_from: String,
    pub period_to: String,
    pub grouping: String,
    pub note: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub paid_minor: i64,
    pub credited_minor: i64,
    pub balance_minor: i64,
    pub vat_groups: Vec<VatGroupOut>,
    pub lines: Vec<LineOut>,
    pub payments: Vec<PaymentOut>,
    /// For a credit note: the invoice it corrects
    pub corrects: Option<DocRefOut>,
    pub credit_reason: Option<String>,
    pub credit_notes: Vec<DocRefOut>,
    pub work_released: bool,
    /// SHA-256 of its canonical content chained to the previous document's
    pub content_hash: Option<String>,
    pub previous_hash: Option<String>,
    pub version: i32,
}

/// `YYYYMMDD` as `YYYY-MM-DD`.
pub fn day(k: i32) -> String {
    format!("{:04}-{:02}-{:02}", k / 10_000, (k / 100) % 100, k % 100)
}

impl From<InvoiceView> for InvoiceOut {
    fn from(v: InvoiceView) -> Self {
        let r = |d: invoicing::views::DocRef| DocRefOut {
            id: d.id.to_string(),
            number: d.number,
            gross_minor: d.gross_minor,
            reason: d.reason.map(|r| r.as_str().into()),
        };
        InvoiceOut {
            id: v.id.to_string(),
            kind: v.kind.as_str().into(),
            number: v.number,
            status: v.status.as_str().into(),
            client_id: v.client_id.to_string(),
            client_name: v.client_name,
            currency: v.currency.code().into(),
            language: v.language.as_str().into(),
            issued_on: v.issued_on.map(day),
            due_on: v.due_on.map(day),
            period_from: day(v.period_from),
            period_to: day(v.period_to),
            grouping: v.grouping.as_str().into(),
            note: v.note,
            net_minor: v.net_minor,
            vat_minor: v.vat_minor,
            gross_minor: v.gross_minor,
            paid_minor: v.paid_minor,
            credited_minor: v.credited_minor,
            balance_minor: v.balance_minor,
            vat_groups: v
                .vat_groups
                .into_iter()
                .map(|g| VatGroupOut {
                    vat: g.vat.as_str().into(),
                    base_minor: g.base_minor,
                    amount_minor: g.amount_minor,
                })
                .collect(),
            lines: v
                .lines
                .into_iter()
                .map(|l| LineOut {
                    id: l.id.to_string(),
                    position: l.position,
                    kind: l.kind.as_str().into(),
                    project_id: l.project_id.map(|p| p.to_string()),
                    description: l.description,
                    detail: l.detail,
                    quantity: l.quantity,
                    unit: l.unit,
                    unit_price_minor: l.unit_price_minor,
                    vat: l.vat.as_str().into(),
                    net_minor: l.net_minor,
                    minutes: l.minutes,
                    free_value_minor: l.free_value_minor,
                    bills: l
                        .bills
                        .into_iter()
                        .map(|b| BilledOut {
                            kind: b.kind.as_str().into(),
                            id: b.id.to_string(),
                            month: b.month,
                            minutes: b.minutes,
                            amount_minor: b.amount_minor,
                        })
                        .collect(),
                })
                .collect(),
            payments: v
                .payments
                .into_iter()
                .map(|p| PaymentOut {
                    id: p.id.to_string(),
                    amount_minor: p.amount_minor,
                    currency: p.currency.code().into(),
                    paid_on: day(p.paid_on),
                    method: p.method.as_str().into(),
                    reference: p.reference,
                })
                .collect(),
            corrects: v.corrects.map(r),
            credit_reason: v.credit_reason.map(|c| c.as_str().into()),
            credit_notes: v.credit_notes.into_iter().map(r).collect(),
            work_released: v.work_released,
            content_hash: v.content_hash,
            previous_hash: v.previous_hash,
            version: v.version,
        }
    }
}

/// A document in a list.
#[derive(Serialize, ToSchema)]
pub struct InvoiceItemOut {
    pub id: String,
    pub kind: String,
    pub number: Option<String>,
    pub status: String,
    pub client_id: String,
    pub client_name: String,
    pub currency: String,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    pub period_from: String,
    pub period_to: String,
    pub net_minor: i64,
    pub gross_minor: i64,
    pub balance_minor: i64,
}

impl From<InvoiceSummary> for InvoiceItemOut {
    fn from(v: InvoiceSummary) -> Self {
        InvoiceItemOut {
            id: v.id.to_string(),
            kind: v.kind.as_str().into(),
            number: v.number,
            status: v.status.as_str().into(),
            client_id: v.client_id.to_string(),
            client_name: v.client_name,
            currency: v.currency.code().into(),
            issued_on: v.issued_on.map(day),
            due_on: v.due_on.map(day),
            period_from: day(v.period_from),
            period_to: day(v.period_to),
            net_minor: v.net_minor,
            gross_minor: v.gross_minor,
            balance_minor: v.balance_minor,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<InvoiceItemOut>,
    /// Pass as `cursor` for the next page; absent on the last page
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceFilters {
    pub client_id: Option<String>,
    /// `draft`, `issued` or `cancelled` (stored state)
    pub status: Option<String>,
    /// Issued on or after, `YYYY-MM-DD`
    pub from: Option<String>,
    /// Issued on or before, `YYYY-MM-DD`
    pub to: Option<String>,
}

fn parse_id(c: &ApiCaller, id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id.trim()).map_err(|_| err(c, ServiceError::NotFound))
}

async fn list_kind(
    s: &AppState,
    c: &ApiCaller,
    kind: DocKind,
    f: InvoiceFilters,
    p: PageParams,
) -> Result<Json<InvoicePage>, ApiError> {
    let lang = c.ctx.language;
    let (limit, after) = page_params(&p, lang)?;
    let after = match after {
        Some(Cursor {
            key: CursorKey::Int(at),
            id,
        }) => Some((at, id)),
        Some(_) => return Err(bad_param(lang, "cursor")),
        None => None,
    };
    let client = match f.client_id.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Some(Uuid::parse_str(v.trim()).map_err(|_| bad_param(lang, "client_id"))?),
        None => None,
    };
    let status = match f.status.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Some(DocStatus::parse(v).ok_or_else(|| bad_param(lang, "status"))?),
        None => None,
    };
    let date = |v: Option<String>, field: &str| -> Result<Option<i32>, ApiError> {
        match v.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => mesure_domain::forms::parse_day(v)
                .map(Some)
                .ok_or_else(|| bad_param(lang, field)),
            None => Ok(None),
        }
    };
    let q = mesure_store::invoicing::ListQuery {
        client,
        kind: Some(kind),
        status,
        from: date(f.from, "from")?,
        to: date(f.to, "to")?,
        after,
        limit,
    };
    let (rows, more) = invoicing::list(&s.app, &c.ctx, q)
        .await
        .map_err(|e| err(c, e))?;
    let next_cursor = if more {
        rows.last().map(|r| {
            crate::cursor::encode(&Cursor {
                key: CursorKey::Int(r.created_at),
                id: r.id,
            })
        })
    } else {
        None
    };
    Ok(Json(InvoicePage {
        items: rows.into_iter().map(InvoiceItemOut::from).collect(),
        next_cursor,
    }))
}

/// List invoices, newest first.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "invoicing", params(InvoiceFilters, PageParams),
    responses((status = 200, body = InvoicePage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<InvoiceFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<InvoicePage>, ApiError> {
    list_kind(&s, &c, DocKind::Invoice, f, p).await
}

/// List credit notes, newest first.
#[utoipa::path(get, path = "/api/v1/credit-notes", tag = "invoicing", params(InvoiceFilters, PageParams),
    responses((status = 200, body = InvoicePage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_credit_notes(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<InvoiceFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<InvoicePage>, ApiError> {
    list_kind(&s, &c, DocKind::CreditNote, f, p).await
}

/// A draft for a client and period.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftBody {
    pub client_id: String,
    /// `YYYY-MM-DD`
    pub from: String,
    /// `YYYY-MM-DD`
    pub to: String,
    pub currency: Option<String>,
    /// `deliverable`, `person`, `task`, `together`
    pub grouping: Option<String>,
    pub free_work: Option<bool>,
    pub note: Option<String>,
}

/// Build a draft from the recorded work (reserves what it bills).
#[utoipa::path(post, path = "/api/v1/invoices", tag = "invoicing", request_body = DraftBody,
    responses((status = 201, body = InvoiceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<DraftBody>,
) -> Result<impl IntoResponse, ApiError> {
    let client_id = parse_id(&c, &b.client_id)?;
    let v = invoicing::create_draft(
        &s.app,
        &c.ctx,
        &DraftInput {
            client_id,
            from: b.from,
            to: b.to,
            currency: b.currency,
            grouping: b.grouping,
            free_work: b.free_work,
            note: b.note,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(InvoiceOut::from(v))))
}

/// Month-end invoicing over a period.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthEndBody {
    /// `YYYY-MM-DD`, first day of the period
    pub from: String,
    /// `YYYY-MM-DD`, last day of the period
    pub to: String,
    /// Issue each draft once built
    #[serde(default)]
    pub issue: bool,
}

/// A document the batch made.
#[derive(Serialize, ToSchema)]
pub struct MonthEndDocOut {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub currency: String,
    /// Its number once issued
    pub number: Option<String>,
    pub lines: usize,
    /// What its lines bill
    pub items: usize,
    pub gross_minor: i64,
}

/// A client the batch could not invoice, and why.
#[derive(Serialize, ToSchema)]
pub struct MonthEndSkipOut {
    pub client_id: String,
    pub client_name: String,
    /// The draft left unissued, if one was built
    pub draft_id: Option<String>,
    pub errors: Vec<crate::error::FieldProblem>,
}

/// What a month-end batch did.
#[derive(Serialize, ToSchema)]
pub struct MonthEndOut {
    /// `YYYY-MM-DD`
    pub from: String,
    /// `YYYY-MM-DD`
    pub to: String,
    pub issue: bool,
    /// Clients with at least one document
    pub clients: usize,
    pub drafts: usize,
    pub issued: usize,
    pub documents: Vec<MonthEndDocOut>,
    pub skipped: Vec<MonthEndSkipOut>,
}

/// Month-end invoicing: a draft per client and currency with something to bill over the
/// period (each client in its own transaction), issued at once on request; clients that cannot
/// be invoiced are skipped with the reason, the others go on.
#[utoipa::path(post, path = "/api/v1/invoices/month-end", tag = "invoicing", request_body = MonthEndBody,
    responses((status = 200, body = MonthEndOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn month_end(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<MonthEndBody>,
) -> Result<Json<MonthEndOut>, ApiError> {
    let r = invoicing::month_end(
        &s.app,
        &c.ctx,
        &invoicing::MonthEndInput {
            from: b.from,
            to: b.to,
            issue: b.issue,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    let lang = c.ctx.language;
    Ok(Json(MonthEndOut {
        from: day(r.from),
        to: day(r.to),
        issue: r.issue,
        clients: r.clients,
        drafts: r.documents.len(),
        issued: r.issued,
        documents: r
            .documents
            .into_iter()
            .map(|d| MonthEndDocOut {
                id: d.id.to_string(),
                client_id: d.client_id.to_string(),
                client_name: d.client_name,
                currency: d.currency.code().into(),
                number: d.number,
                lines: d.lines,
                items: d.items,
                gross_minor: d.gross_minor,
            })
            .collect(),
        skipped: r
            .skipped
            .into_iter()
            .map(|k| MonthEndSkipOut {
                client_id: k.client_id.to_string(),
                client_name: k.client_name,
                draft_id: k.draft.map(|d| d.to_string()),
                errors: crate::error::field_problems(lang, &k.reason),
            })
            .collect(),
    }))
}

/// Read an invoice or credit note, each line with the ids of what it bills.
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")),
    responses((status = 200, body = InvoiceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let id = parse_id(&c, &id)?;
    let v = invoicing::get(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(v.into()))
}

/// An edit of a draft: absent fields keep their value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftEditBody {
    /// `YYYY-MM-DD`
    pub from: Option<String>,
    /// `YYYY-MM-DD`
    pub to: Option<String>,
    /// `deliverable`, `person`, `task`, `together`
    pub grouping: Option<String>,
    pub free_work: Option<bool>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Edit a draft: its note, or its period, grouping or free work, which gather its lines from the
/// work again (manual lines kept).
#[utoipa::path(patch, path = "/api/v1/invoices/{id}", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")), request_body = DraftEditBody,
    responses((status = 200, body = InvoiceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DraftEditBody>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let id = parse_id(&c, &id)?;
    let v = invoicing::update_draft(
        &s.app,
        &c.ctx,
        id,
        &invoicing::DraftEdit {
            from: b.from,
            to: b.to,
            grouping: b.grouping,
            free_work: b.free_work,
            note: b.note,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok(Json(v.into()))
}

/// Cancel a draft (it releases what it reserved and consumes no number).
#[utoipa::path(delete, path = "/api/v1/invoices/{id}", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")),
    responses((status = 204, description = "Cancelled"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&c, &id)?;
    invoicing::cancel(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A manual line.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    #[schema(min_length = 1, max_length = 1000)]
    pub description: String,
    /// Decimal, at most four places, not zero
    pub quantity: String,
    #[schema(minimum = 0)]
    pub unit_price_minor: i64,
    pub vat: Option<String>,
    /// `C62`, `HUR`, `DAY`, `MON`
    pub unit: Option<String>,
}

/// Add a manual line to a draft.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/lines", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")), request_body = LineBody,
    responses((status = 201, body = InvoiceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_line(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<LineBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&c, &id)?;
    let v = invoicing::add_line(
        &s.app,
        &c.ctx,
        id,
        &LineInput {
            description: b.description,
            quantity: b.quantity,
            unit_price_minor: b.unit_price_minor,
            vat: b.vat,
            unit: b.unit,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(InvoiceOut::from(v))))
}

/// Remove a line of a draft (releases what it billed).
#[utoipa::path(delete, path = "/api/v1/invoices/{id}/lines/{line}", tag = "invoicing", params(("id" = String, Path, description = "Invoice id"), ("line" = String, Path, description = "Line id")),
    responses((status = 200, body = InvoiceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_line(
    State(s): State<AppState>,
    c: ApiCaller,
    Path((id, line)): Path<(String, String)>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let id = parse_id(&c, &id)?;
    let line = parse_id(&c, &line)?;
    let v = invoicing::delete_line(&s.app, &c.ctx, id, line)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(v.into()))
}

/// Issue a draft: the next number of the year's gapless sequence, its content frozen and
/// chained; exactly one of two concurrent issues wins, the other gets 409.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/issue", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")),
    responses((status = 200, body = InvoiceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn issue(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let id = parse_id(&c, &id)?;
    let v = invoicing::issue(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(v.into()))
}

/// Send an issued document by e-mail to the client's billing contacts, its PDF attached; it
/// becomes `sent`.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/send", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")),
    responses((status = 200, body = InvoiceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn send(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let id = parse_id(&c, &id)?;
    invoicing::send(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    let v = invoicing::get(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(v.into()))
}

/// A payment received.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    #[schema(minimum = 1)]
    pub amount_minor: i64,
    /// The invoice's currency (default)
    pub currency: Option<String>,
    /// `YYYY-MM-DD`
    pub paid_on: String,
    /// `transfer`, `card`, `cheque`, `cash`, `direct_debit`, `other`
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// Record a payment against an issued invoice.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/payments", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")), request_body = PaymentBody,
    responses((status = 201, body = InvoiceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_payment(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PaymentBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&c, &id)?;
    let v = invoicing::add_payment(
        &s.app,
        &c.ctx,
        id,
        &PaymentInput {
            amount_minor: b.amount_minor,
            currency: b.currency,
            paid_on: b.paid_on,
            method: b.method,
            reference: b.reference,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(InvoiceOut::from(v))))
}

/// A credit note on an issued invoice.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditBody {
    pub invoice_id: String,
    /// `wrong_rate`, `wrong_hours`, `duplicate`, `wrong_client`, `wrong_vat` (billing errors),
    /// `commercial`, `cancellation`
    pub reason: String,
    /// Partial: the net amount credited; absent: the whole invoice
    #[schema(minimum = 1)]
    pub net_minor: Option<i64>,
    pub vat: Option<String>,
    /// A full credit note may release the invoice's work for re-billing
    pub release_work: Option<bool>,
    pub note: Option<String>,
}

/// Make and issue a credit note (its own gapless sequence).
#[utoipa::path(post, path = "/api/v1/credit-notes", tag = "invoicing", request_body = CreditBody,
    responses((status = 201, body = InvoiceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_credit_note(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<CreditBody>,
) -> Result<impl IntoResponse, ApiError> {
    let invoice = parse_id(&c, &b.invoice_id)?;
    let v = invoicing::credit(
        &s.app,
        &c.ctx,
        invoice,
        &CreditInput {
            reason: b.reason,
            net_minor: b.net_minor,
            vat: b.vat,
            release_work: b.release_work,
            note: b.note,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(InvoiceOut::from(v))))
}

/// The Factur-X XML (EN 16931, UN/CEFACT CII) of an issued document.
#[utoipa::path(get, path = "/api/v1/invoices/{id}/facturx.xml", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")),
    responses((status = 200, description = "Factur-X XML", content_type = "application/xml", body = String), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn facturx(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&c, &id)?;
    let (number, xml) = invoicing::facturx(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{number}-factur-x.xml\""),
            ),
        ],
        xml,
    ))
}

/// The PDF (PDF/A-3b, Factur-X XML embedded as `factur-x.xml`) of an issued document, in the
/// client's language.
#[utoipa::path(get, path = "/api/v1/invoices/{id}/pdf", tag = "invoicing", params(("id" = String, Path, description = "Invoice id")),
    responses((status = 200, description = "PDF/A-3b", content_type = "application/pdf", body = Vec<u8>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn pdf(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&c, &id)?;
    let (number, bytes) = invoicing::pdf(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(pdf_response(&number, bytes))
}

/// A PDF download named after the document's number.
pub fn pdf_response(number: &str, bytes: Vec<u8>) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{number}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A client's billing details.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingBody {
    pub postcode: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2
    pub country: Option<String>,
    pub business: Option<bool>,
    pub delivery_address: Option<String>,
    pub show_free_work: Option<bool>,
}

/// Set a client's billing details (postcode, city, country, business, free work shown).
#[utoipa::path(put, path = "/api/v1/clients/{id}/billing", tag = "invoicing", params(("id" = String, Path, description = "Client id")), request_body = BillingBody,
    responses((status = 200, body = BillingBody), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_billing(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<BillingBody>,
) -> Result<Json<BillingBody>, ApiError> {
    let id = crate::clients::api::parse_client_id(&c, &id)?;
    let r = invoicing::save_billing(
        &s.app,
        &c.ctx,
        id,
        &BillingInput {
            postcode: b.postcode,
            city: b.city,
            country: b.country,
            business: b.business,
            delivery_address: b.delivery_address,
            show_free_work: b.show_free_work,
        },
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok(Json(BillingBody {
        postcode: Some(r.postcode),
        city: Some(r.city),
        country: Some(r.country),
        business: Some(r.business),
        delivery_address: r.delivery_address,
        show_free_work: Some(r.show_free_work),
    }))
}

/// The seller's data and invoicing choices.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    pub legal_name: Option<String>,
    pub address_line: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub siren: Option<String>,
    pub registry_city: Option<String>,
    pub legal_form: Option<String>,
    pub share_capital_minor: Option<i64>,
    pub vat_number: Option<String>,
    pub franchise: Option<bool>,
    pub vat_on_debits: Option<bool>,
    pub default_vat: Option<String>,
    pub invoice_prefix: Option<String>,
    pub credit_prefix: Option<String>,
    #[schema(minimum = 0, maximum = 60)]
    pub payment_days: Option<i32>,
    pub penalty_rate: Option<String>,
    pub reminder_days: Option<String>,
    pub iban: Option<String>,
    pub grouping: Option<String>,
    pub account_sales: Option<String>,
    pub account_vat: Option<String>,
    pub account_clients: Option<String>,
    #[schema(minimum = 0)]
    pub version: Option<i32>,
}

impl From<mesure_store::invoicing::SettingsRow> for SettingsBody {
    fn from(r: mesure_store::invoicing::SettingsRow) -> Self {
        SettingsBody {
            legal_name: Some(r.legal_name),
            address_line: Some(r.address_line),
            postcode: Some(r.postcode),
            city: Some(r.city),
            country: Some(r.country),
            siren: Some(r.siren),
            registry_city: Some(r.registry_city),
            legal_form: Some(r.legal_form),
            share_capital_minor: r.share_capital_minor,
            vat_number: r.vat_number,
            franchise: Some(r.franchise),
            vat_on_debits: Some(r.vat_on_debits),
            default_vat: Some(r.default_vat.as_str().into()),
            invoice_prefix: Some(r.invoice_prefix),
            credit_prefix: Some(r.credit_prefix),
            payment_days: Some(r.payment_days),
            penalty_rate: Some(r.penalty_rate),
            reminder_days: Some(r.reminder_days),
            iban: r.iban,
            grouping: Some(r.grouping.as_str().into()),
            account_sales: Some(r.account_sales),
            account_vat: Some(r.account_vat),
            account_clients: Some(r.account_clients),
            version: Some(r.version),
        }
    }
}

/// Read the invoicing settings.
#[utoipa::path(get, path = "/api/v1/invoicing/settings", tag = "invoicing",
    responses((status = 200, body = SettingsBody), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_settings(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<SettingsBody>, ApiError> {
    let r = invoicing::settings(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(r.into()))
}

/// Save the invoicing settings (fields absent stay as they are).
#[utoipa::path(put, path = "/api/v1/invoicing/settings", tag = "invoicing", request_body = SettingsBody,
    responses((status = 200, body = SettingsBody), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_settings(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<SettingsBody>,
) -> Result<Json<SettingsBody>, ApiError> {
    let input = SettingsInput {
        legal_name: b.legal_name,
        address_line: b.address_line,
        postcode: b.postcode,
        city: b.city,
        country: b.country,
        siren: b.siren,
        registry_city: b.registry_city,
        legal_form: b.legal_form,
        share_capital_minor: b.share_capital_minor,
        vat_number: b.vat_number,
        franchise: b.franchise,
        vat_on_debits: b.vat_on_debits,
        default_vat: b.default_vat,
        invoice_prefix: b.invoice_prefix,
        credit_prefix: b.credit_prefix,
        payment_days: b.payment_days,
        penalty_rate: b.penalty_rate,
        reminder_days: b.reminder_days,
        iban: b.iban,
        grouping: b.grouping,
        account_sales: b.account_sales,
        account_vat: b.account_vat,
        account_clients: b.account_clients,
        version: b.version,
    };
    let r = invoicing::save_settings(&s.app, &c.ctx, &input)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(r.into()))
}

/// Set the workspace's logo printed on invoices: the raw bytes of a PNG or JPEG image, 512 KiB
/// and 2,000 × 2,000 pixels at most (422 on the field `logo` otherwise).
#[utoipa::path(put, path = "/api/v1/invoicing/logo", tag = "invoicing", request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG or JPEG image"),
    responses((status = 204, description = "Saved"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_logo(
    State(s): State<AppState>,
    c: ApiCaller,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    invoicing::set_logo(&s.app, &c.ctx, Some(body.to_vec()))
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the workspace's logo.
#[utoipa::path(delete, path = "/api/v1/invoicing/logo", tag = "invoicing",
    responses((status = 204, description = "Removed"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_logo(State(s): State<AppState>, c: ApiCaller) -> Result<StatusCode, ApiError> {
    invoicing::set_logo(&s.app, &c.ctx, None)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}
