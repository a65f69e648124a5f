//! What the invoicing services return: a document with its lines, what each line bills, its VAT
//! groups, payments and credits, and its status derived from them.
use mesure_domain::invoicing::draft::Grouping;
use mesure_domain::invoicing::payments::{self, Facts, Status};
use mesure_domain::invoicing::states::{
    CreditReason, DocKind, DocStatus, ItemKind, LineKind, PaymentMethod,
};
use mesure_domain::invoicing::totals::{self, Vat};
use mesure_domain::{Currency, Language};
use mesure_store::invoicing::{InvoiceRow, ItemRow, LineRow, PaymentRow};
use serde::Serialize;
use uuid::Uuid;

/// One thing a line bills.
#[derive(Clone, Debug, Serialize)]
pub struct BilledView {
    pub kind: ItemKind,
    /// The entry, milestone, change request or (for a retainer month) project.
    pub id: Uuid,
    /// `YYYYMM` for a retainer month, else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<i32>,
    pub minutes: i64,
    pub amount_minor: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LineView {
    pub id: Uuid,
    pub position: i32,
    pub kind: LineKind,
    pub project_id: Option<Uuid>,
    pub description: String,
    pub detail: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price_minor: i64,
    pub vat: Vat,
    pub net_minor: i64,
    pub minutes: i64,
    pub free_value_minor: i64,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
    /// The ids of what it bills.
    pub bills: Vec<BilledView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VatGroupView {
    pub vat: Vat,
    pub base_minor: i64,
    pub amount_minor: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PaymentView {
    pub id: Uuid,
    pub amount_minor: i64,
    pub currency: Currency,
    pub paid_on: i32,
    pub method: PaymentMethod,
    pub reference: String,
}

/// Another document this one points to or is pointed to by.
#[derive(Clone, Debug, Serialize)]
pub struct DocRef {
    pub id: Uuid,
    pub number: Option<String>,
    pub status: DocStatus,
    pub gross_minor: i64,
    pub reason: Option<CreditReason>,
}

/// An invoice or credit note as its readers see it (invoicing readers only: all is money).
#[derive(Clone, Debug, Serialize)]
pub struct InvoiceView {
    pub id: Uuid,
    pub kind: DocKind,
    pub number: Option<String>,
    /// Derived: draft, issued, sent, partially_paid, paid, overdue, credited, cancelled.
    pub status: Status,
    pub client_id: Uuid,
    pub client_name: String,
    pub currency: Currency,
    pub language: Language,
    pub issued_on: Option<i32>,
    pub due_on: Option<i32>,
    pub period_from: i32,
    pub period_to: i32,
    pub grouping: Grouping,
    pub note: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub paid_minor: i64,
    pub credited_minor: i64,
    pub balance_minor: i64,
    pub vat_groups: Vec<VatGroupView>,
    pub lines: Vec<LineView>,
    pub payments: Vec<PaymentView>,
    /// For a credit note: the invoice it corrects.
    pub corrects: Option<DocRef>,
    pub credit_reason: Option<CreditReason>,
    /// For an invoice: its credit notes.
    pub credit_notes: Vec<DocRef>,
    /// Its work was released for re-billing by a full credit note.
    pub work_released: bool,
    pub content_hash: Option<String>,
    pub previous_hash: Option<String>,
    pub version: i32,
}

/// A document in a list.
#[derive(Clone, Debug, Serialize)]
pub struct InvoiceSummary {
    pub id: Uuid,
    pub kind: DocKind,
    pub number: Option<String>,
    pub status: Status,
    pub client_id: Uuid,
    pub client_name: String,
    pub currency: Currency,
    pub issued_on: Option<i32>,
    pub due_on: Option<i32>,
    pub period_from: i32,
    pub period_to: i32,
    pub net_minor: i64,
    pub gross_minor: i64,
    pub balance_minor: i64,
    pub created_at: i64,
}

/// The facts a status is derived from.
pub fn facts(r: &InvoiceRow, today: i32) -> Facts {
    Facts {
        issued: r.status == DocStatus::Issued,
        cancelled: r.status == DocStatus::Cancelled,
        sent: r.sent_at.is_some(),
        gross: r.gross_minor,
        paid: r.paid_minor,
        credited: if r.kind == DocKind::Invoice {
            r.credited_minor
        } else {
            0
        },
        due_on: if r.kind == DocKind::Invoice {
            r.due_on
        } else {
            None
        },
        today,
    }
}

/// A document's status today. A credit note is never due: once issued it is `issued`/`sent`.
pub fn status_of(r: &InvoiceRow, today: i32) -> Status {
    let f = facts(r, today);
    if r.kind == DocKind::CreditNote && r.status == DocStatus::Issued {
        return if f.sent { Status::Sent } else { Status::Issued };
    }
    payments::status(&f)
}

/// What is left to pay (zero for drafts, cancelled documents and credit notes).
pub fn balance_of(r: &InvoiceRow, today: i32) -> i64 {
    if r.kind == DocKind::Invoice && r.status == DocStatus::Issued {
        facts(r, today).balance()
    } else {
        0
    }
}

impl InvoiceSummary {
    pub fn of(r: &InvoiceRow, client_name: String, today: i32) -> InvoiceSummary {
        InvoiceSummary {
            id: r.id,
            kind: r.kind,
            number: r.number.clone(),
            status: status_of(r, today),
            client_id: r.client_id,
            client_name,
            currency: r.currency,
            issued_on: r.issued_on,
            due_on: r.due_on,
            period_from: r.period_from,
            period_to: r.period_to,
            net_minor: r.net_minor,
            gross_minor: r.gross_minor,
            balance_minor: balance_of(r, today),
            created_at: r.created_at,
        }
    }
}

pub fn line_views(lines: &[LineRow], items: &[ItemRow]) -> Vec<LineView> {
    lines
        .iter()
        .map(|l| LineView {
            id: l.id,
            position: l.position,
            kind: l.kind,
            project_id: l.project_id,
            description: l.description.clone(),
            detail: l.detail.clone(),
            quantity: l.quantity.clone(),
            unit: l.unit.clone(),
            unit_price_minor: l.unit_price_minor,
            vat: l.vat,
            net_minor: l.net_minor,
            minutes: l.minutes,
            free_value_minor: l.free_value_minor,
            period_from: l.period_from,
            period_to: l.period_to,
            bills: items
                .iter()
                .filter(|i| i.line_id == l.id)
                .map(|i| BilledView {
                    kind: i.kind,
                    id: i.ref_id,
                    month: (i.kind == ItemKind::Month).then_some(i.month),
                    minutes: i.minutes,
                    amount_minor: i.amount_minor,
                })
                .collect(),
        })
        .collect()
}

/// The VAT groups of stored lines (EN 16931: each rate's VAT on the sum of its line nets).
pub fn vat_groups(lines: &[LineRow]) -> Vec<VatGroupView> {
    let nets: Vec<(Vat, i64)> = lines.iter().map(|l| (l.vat, l.net_minor)).collect();
    totals::totals_of(&nets)
        .map(|t| {
            t.groups
                .iter()
                .map(|g| VatGroupView {
                    vat: g.vat,
                    base_minor: g.base,
                    amount_minor: g.amount,
                })
                .collect()
        })
        .unwrap_or_default()
}

impl From<&PaymentRow> for PaymentView {
    fn from(p: &PaymentRow) -> PaymentView {
        PaymentView {
            id: p.id,
            amount_minor: p.amount_minor,
            currency: p.currency,
            paid_on: p.paid_on,
            method: p.method,
            reference: p.reference.clone(),
        }
    }
}

impl From<&InvoiceRow> for DocRef {
    fn from(r: &InvoiceRow) -> DocRef {
        DocRef {
            id: r.id,
            number: r.number.clone(),
            status: r.status,
            gross_minor: r.gross_minor,
            reason: r.credit_reason,
        }
    }
}
