//! The portal's JSON API (`/api/v1/portal/…`): what a contact's own organisation shows them, as
//! their role allows — projects with progress and budget, issued documents with the entries each
//! line bills (paged). Another organisation's records answer 404, staff callers 403.
use crate::AppState;
use crate::api::{ApiQuery, bad_param, err};
use crate::error::{ApiError, Problem};
use crate::invoicing::api::{InvoiceItemOut, InvoiceOut, InvoicePage, day};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use mesure_services::portal;
use mesure_store::{Cursor, CursorKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A page cursor, from the previous page's `next_cursor`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CursorParam {
    pub cursor: Option<String>,
}

fn cursor(c: &ApiCaller, p: &CursorParam) -> Result<Option<(i64, Uuid)>, ApiError> {
    match p.cursor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match crate::cursor::decode(s) {
            Some(Cursor {
                key: CursorKey::Int(k),
                id,
            }) => Ok(Some((k, id))),
            _ => Err(bad_param(c.ctx.language, "cursor")),
        },
    }
}

fn id(c: &ApiCaller, s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s.trim()).map_err(|_| err(c, mesure_services::ServiceError::NotFound))
}

/// A project as its client's contacts see it: never a rate, a cost or a margin.
#[derive(Serialize, ToSchema)]
pub struct PortalProjectOut {
    pub id: String,
    pub name: String,
    /// `time_materials`, `fixed_fee`, `retainer`, `capped`, `non_billable`
    pub billing_model: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub currency: String,
    /// Deliverables shown on the portal, and how many are done or accepted
    pub deliverables: usize,
    pub deliverables_done: usize,
    /// The budget in minutes; a monthly budget burns the current month
    pub budget_minutes: Option<i64>,
    pub consumed_minutes: i64,
    pub monthly: bool,
    /// Project contacts only: the budget and the value of the work consumed, minor units
    pub budget_money_minor: Option<i64>,
    pub consumed_value_minor: Option<i64>,
    /// Change requests waiting for the client's decision
    pub pending_changes: usize,
}

/// The contact's organisation's projects (project and viewer contacts).
#[utoipa::path(get, path = "/api/v1/portal/projects", tag = "portal",
    responses((status = 200, body = Vec<PortalProjectOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn projects(
    State(s): State<AppState>,
    c: ApiCaller,
) -> Result<Json<Vec<PortalProjectOut>>, ApiError> {
    let rows = portal::projects(&s.app, &c.ctx)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(
        rows.into_iter()
            .map(|p| PortalProjectOut {
                id: p.id.to_string(),
                name: p.name,
                billing_model: p.model.as_str().into(),
                starts_on: p.starts_on.map(day),
                ends_on: p.ends_on.map(day),
                currency: p.currency.code().into(),
                deliverables: p.deliverables,
                deliverables_done: p.deliverables_done,
                budget_minutes: p.budget_minutes,
                consumed_minutes: p.consumed_minutes,
                monthly: p.monthly,
                budget_money_minor: p.budget_money,
                consumed_value_minor: p.consumed_value,
                pending_changes: p.pending_changes,
            })
            .collect(),
    ))
}

/// The organisation's issued invoices and credit notes, newest first, 100 a page (billing
/// contacts).
#[utoipa::path(get, path = "/api/v1/portal/invoices", tag = "portal", params(CursorParam),
    responses((status = 200, body = InvoicePage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn invoices(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(p): ApiQuery<CursorParam>,
) -> Result<Json<InvoicePage>, ApiError> {
    let after = cursor(&c, &p)?;
    let (rows, more) = portal::invoices(&s.app, &c.ctx, after)
        .await
        .map_err(|e| err(&c, e))?;
    let next_cursor = more
        .then(|| {
            rows.last().map(|r| {
                crate::cursor::encode(&Cursor {
                    key: CursorKey::Int(r.created_at),
                    id: r.id,
                })
            })
        })
        .flatten();
    Ok(Json(InvoicePage {
        items: rows.into_iter().map(InvoiceItemOut::from).collect(),
        next_cursor,
    }))
}

/// How many entries a line bills (read them with the line's `entries`).
#[derive(Serialize, ToSchema)]
pub struct LineEntriesCount {
    pub line_id: String,
    pub entries: i64,
}

/// An issued document of the organisation. Its lines' `bills` list milestones, retainer months
/// and change requests; the entries a line bills are paged at
/// `/api/v1/portal/invoices/{id}/lines/{line}/entries`.
#[derive(Serialize, ToSchema)]
pub struct PortalInvoiceOut {
    pub document: InvoiceOut,
    pub billed_entries: Vec<LineEntriesCount>,
}

/// One issued document of the contact's organisation (billing contacts).
#[utoipa::path(get, path = "/api/v1/portal/invoices/{id}", tag = "portal", params(("id" = String, Path, description = "Document id")),
    responses((status = 200, body = PortalInvoiceOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn invoice(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(doc): Path<String>,
) -> Result<Json<PortalInvoiceOut>, ApiError> {
    let doc = id(&c, &doc)?;
    let (v, _, counts) = portal::invoice(&s.app, &c.ctx, doc)
        .await
        .map_err(|e| err(&c, e))?;
    let mut billed_entries: Vec<LineEntriesCount> = v
        .lines
        .iter()
        .filter_map(|l| {
            counts.get(&l.id).map(|n| LineEntriesCount {
                line_id: l.id.to_string(),
                entries: *n,
            })
        })
        .collect();
    billed_entries.sort_by(|a, b| a.line_id.cmp(&b.line_id));
    let mut document = InvoiceOut::from(v);
    for l in &mut document.lines {
        l.bills.retain(|b| b.kind != "entry");
    }
    Ok(Json(PortalInvoiceOut {
        document,
        billed_entries,
    }))
}

/// An entry a line bills.
#[derive(Serialize, ToSchema)]
pub struct BilledEntryOut {
    pub id: String,
    /// `YYYY-MM-DD`
    pub date: String,
    pub person: String,
    pub note: String,
    pub minutes: i64,
    pub amount_minor: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BilledEntryPage {
    /// How many entries the line bills in all
    pub total: i64,
    /// By date, then id
    pub items: Vec<BilledEntryOut>,
    /// Pass as `cursor` for the next page; absent on the last page
    pub next_cursor: Option<String>,
}

/// The entries one line of an issued document bills, 200 a page (billing contacts).
#[utoipa::path(get, path = "/api/v1/portal/invoices/{id}/lines/{line}/entries", tag = "portal",
    params(("id" = String, Path, description = "Document id"), ("line" = String, Path, description = "Line id"), CursorParam),
    responses((status = 200, body = BilledEntryPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn line_entries(
    State(s): State<AppState>,
    c: ApiCaller,
    Path((doc, line)): Path<(String, String)>,
    ApiQuery(p): ApiQuery<CursorParam>,
) -> Result<Json<BilledEntryPage>, ApiError> {
    let (doc, line) = (id(&c, &doc)?, id(&c, &line)?);
    let after = match cursor(&c, &p)? {
        Some((k, e)) => Some((
            i32::try_from(k).map_err(|_| bad_param(c.ctx.language, "cursor"))?,
            e,
        )),
        None => None,
    };
    let l = portal::invoice_line_entries(&s.app, &c.ctx, doc, line, after)
        .await
        .map_err(|e| err(&c, e))?;
    let next_cursor = l
        .more
        .then(|| {
            l.entries.last().map(|e| {
                crate::cursor::encode(&Cursor {
                    key: CursorKey::Int(i64::from(e.work_date)),
                    id: e.id,
                })
            })
        })
        .flatten();
    Ok(Json(BilledEntryPage {
        total: l.total,
        items: l
            .entries
            .into_iter()
            .map(|e| BilledEntryOut {
                id: e.id.to_string(),
                date: day(e.work_date),
                person: e.person,
                note: e.note,
                minutes: e.minutes,
                amount_minor: e.amount_minor,
            })
            .collect(),
        next_cursor,
    }))
}
