//! Invoices and credit notes: the seller's settings, clients' billing details, documents, their
//! lines and what each line bills, the gapless counters, the hash chain's head and payments.
pub mod deliverables;
pub mod sources;
use crate::registry::{Variant, Variants};
use crate::{Bind, Conn, Result, StoreError};
use mesure_domain::invoicing::draft::Grouping;
use mesure_domain::invoicing::states::{
    CreditReason, DocKind, DocStatus, ItemKind, LineKind, PaymentMethod,
};
use mesure_domain::invoicing::totals::Vat;
use mesure_domain::{Currency, Language, WorkspaceId};
use uuid::Uuid;

crate::registry::row! {
/// A workspace's seller data and invoicing choices (the logo apart).
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct SettingsRow {
    pub workspace_id: Uuid,
    pub legal_name: String,
    pub address_line: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub registry_city: String,
    pub legal_form: String,
    pub share_capital_minor: Option<i64>,
    pub vat_number: Option<String>,
    pub franchise: bool,
    pub vat_on_debits: bool,
    pub default_vat: Vat,
    pub invoice_prefix: String,
    pub credit_prefix: String,
    pub payment_days: i32,
    pub penalty_rate: String,
    pub reminder_days: String,
    pub iban: Option<String>,
    pub grouping: Grouping,
    pub account_sales: String,
    pub account_vat: String,
    pub account_clients: String,
    pub updated_at: i64,
    pub version: i32,
}
}

crate::registry::row! {
/// A client's billing details beyond the client record (which holds the legal name, SIREN, VAT
/// number and the street address).
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct BillingRow {
    pub workspace_id: Uuid,
    pub client_id: Uuid,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub business: bool,
    pub delivery_address: Option<String>,
    pub show_free_work: bool,
    pub updated_at: i64,
}
}

crate::registry::row! {
/// An invoice or a credit note.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct InvoiceRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub kind: DocKind,
    pub client_id: Uuid,
    pub currency: Currency,
    pub language: Language,
    pub status: DocStatus,
    pub number: Option<String>,
    pub year: Option<i32>,
    pub seq: Option<i32>,
    pub issued_on: Option<i32>,
    pub due_on: Option<i32>,
    pub period_from: i32,
    pub period_to: i32,
    pub grouping: Grouping,
    pub credited_invoice_id: Option<Uuid>,
    pub credit_reason: Option<CreditReason>,
    pub releases_work: bool,
    pub note: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub paid_minor: i64,
    pub credited_minor: i64,
    pub sent_at: Option<i64>,
    pub issued_data: Option<String>,
    pub content_hash: Option<String>,
    pub previous_hash: Option<String>,
    pub chain_index: Option<i64>,
    pub created_by: Uuid,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}
}

crate::registry::row! {
/// One line of a document.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct LineRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub position: i32,
    pub kind: LineKind,
    pub project_id: Option<Uuid>,
    pub description: String,
    pub detail: String,
    /// A decimal in text (`3.5`), exact.
    pub quantity: String,
    /// UN/ECE rec. 20 unit: `HUR` hours, `C62` one, `MON` month.
    pub unit: String,
    pub unit_price_minor: i64,
    pub vat: Vat,
    pub net_minor: i64,
    pub minutes: i64,
    /// For free-work lines: the value given (the line's net is zero).
    pub free_value_minor: i64,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
}
}

crate::registry::row! {
/// What a line bills: one entry, milestone, retainer month (`ref_id` the project, `month`
/// `YYYYMM`) or change request, with the minutes and value it had when the draft took it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct ItemRow {
    pub workspace_id: Uuid,
    pub line_id: Uuid,
    pub kind: ItemKind,
    pub ref_id: Uuid,
    pub month: i32,
    pub invoice_id: Uuid,
    pub minutes: i64,
    pub amount_minor: i64,
    pub released: bool,
}
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct PaymentRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount_minor: i64,
    pub currency: Currency,
    pub paid_on: i32,
    pub method: PaymentMethod,
    pub reference: String,
    pub created_by: Uuid,
    pub created_at: i64,
}
}

macro_rules! settings_cols {
    () => {
        "workspace_id, legal_name, address_line, postcode, city, country, siren, registry_city, legal_form, share_capital_minor, vat_number, franchise, vat_on_debits, default_vat, invoice_prefix, credit_prefix, payment_days, penalty_rate, reminder_days, iban, grouping, account_sales, account_vat, account_clients, updated_at, version"
    };
}
macro_rules! billing_cols {
    () => {
        "workspace_id, client_id, postcode, city, country, business, delivery_address, show_free_work, updated_at"
    };
}
macro_rules! invoice_cols {
    () => {
        "workspace_id, id, kind, client_id, currency, language, status, number, year, seq, issued_on, due_on, period_from, period_to, grouping, credited_invoice_id, credit_reason, releases_work, note, net_minor, vat_minor, gross_minor, paid_minor, credited_minor, sent_at, issued_data, content_hash, previous_hash, chain_index, created_by, created_at, updated_at, version"
    };
}
macro_rules! line_cols {
    () => {
        "workspace_id, id, invoice_id, position, kind, project_id, description, detail, quantity, unit, unit_price_minor, vat, net_minor, minutes, free_value_minor, period_from, period_to"
    };
}
macro_rules! item_cols {
    () => {
        "workspace_id, line_id, kind, ref_id, month, invoice_id, minutes, amount_minor, released"
    };
}
macro_rules! payment_cols {
    () => {
        "workspace_id, id, invoice_id, amount_minor, currency, paid_on, method, reference, created_by, created_at"
    };
}
const INVOICE_COLS: &str = invoice_cols!();

crate::registry::statements! {
    SETTINGS(1) ["workspace_id", "legal_name", "address_line", "postcode", "city", "country", "siren", "registry_city", "legal_form", "share_capital_minor", "vat_number", "franchise", "vat_on_debits", "default_vat", "invoice_prefix", "credit_prefix", "payment_days", "penalty_rate", "reminder_days", "iban", "grouping", "account_sales", "account_vat", "account_clients", "updated_at", "version"] = concat!("SELECT ", settings_cols!(), " FROM invoice_settings WHERE workspace_id = $1");
    INSERT_SETTINGS(26) [] = concat!("INSERT INTO invoice_settings (", settings_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)");
    UPDATE_SETTINGS(26) [] = "UPDATE invoice_settings SET legal_name = $2, address_line = $3, postcode = $4, city = $5, country = $6, siren = $7, registry_city = $8, legal_form = $9, share_capital_minor = $10, vat_number = $11, franchise = $12, vat_on_debits = $13, default_vat = $14, invoice_prefix = $15, credit_prefix = $16, payment_days = $17, penalty_rate = $18, reminder_days = $19, iban = $20, grouping = $21, account_sales = $22, account_vat = $23, account_clients = $24, updated_at = $25, version = version + 1 WHERE workspace_id = $1 AND version = $26";
    LOGO(1) ["logo", "logo_type"] = "SELECT logo, logo_type FROM invoice_settings WHERE workspace_id = $1";
    SET_LOGO(3) [] = "UPDATE invoice_settings SET logo = $2, logo_type = $3 WHERE workspace_id = $1";
    BILLING(2) ["workspace_id", "client_id", "postcode", "city", "country", "business", "delivery_address", "show_free_work", "updated_at"] = concat!("SELECT ", billing_cols!(), " FROM client_billing WHERE workspace_id = $1 AND client_id = $2");
    SAVE_BILLING(9) [] = concat!("INSERT INTO client_billing (", billing_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace_id, client_id) DO UPDATE SET postcode = excluded.postcode, city = excluded.city, country = excluded.country, business = excluded.business, delivery_address = excluded.delivery_address, show_free_work = excluded.show_free_work, updated_at = excluded.updated_at");
    INSERT_INVOICE(33) [] = concat!("INSERT INTO invoices (", invoice_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)");
    INVOICE(2) ["workspace_id", "id", "kind", "client_id", "currency", "language", "status", "number", "year", "seq", "issued_on", "due_on", "period_from", "period_to", "grouping", "credited_invoice_id", "credit_reason", "releases_work", "note", "net_minor", "vat_minor", "gross_minor", "paid_minor", "credited_minor", "sent_at", "issued_data", "content_hash", "previous_hash", "chain_index", "created_by", "created_at", "updated_at", "version"] = concat!("SELECT ", invoice_cols!(), " FROM invoices WHERE workspace_id = $1 AND id = $2");
    ISSUED(1) ["workspace_id", "id", "kind", "client_id", "currency", "language", "status", "number", "year", "seq", "issued_on", "due_on", "period_from", "period_to", "grouping", "credited_invoice_id", "credit_reason", "releases_work", "note", "net_minor", "vat_minor", "gross_minor", "paid_minor", "credited_minor", "sent_at", "issued_data", "content_hash", "previous_hash", "chain_index", "created_by", "created_at", "updated_at", "version"] = concat!("SELECT ", invoice_cols!(), " FROM invoices WHERE workspace_id = $1 AND status = 'issued' ORDER BY chain_index");
    CREDITS_OF(2) ["workspace_id", "id", "kind", "client_id", "currency", "language", "status", "number", "year", "seq", "issued_on", "due_on", "period_from", "period_to", "grouping", "credited_invoice_id", "credit_reason", "releases_work", "note", "net_minor", "vat_minor", "gross_minor", "paid_minor", "credited_minor", "sent_at", "issued_data", "content_hash", "previous_hash", "chain_index", "created_by", "created_at", "updated_at", "version"] = concat!("SELECT ", invoice_cols!(), " FROM invoices WHERE workspace_id = $1 AND credited_invoice_id = $2 ORDER BY created_at, id");
    SET_DRAFT(9) [] = "UPDATE invoices SET period_from = $3, period_to = $4, note = $5, net_minor = $6, vat_minor = $7, gross_minor = $8, updated_at = $9, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND status = 'draft'";
    SET_GROUPING(3) [] = "UPDATE invoices SET grouping = $3 WHERE workspace_id = $1 AND id = $2 AND status = 'draft'";
    CANCEL_DRAFT(3) [] = "UPDATE invoices SET status = 'cancelled', updated_at = $3, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND status = 'draft'";
    SET_ISSUED(12) [] = "UPDATE invoices SET status = 'issued', number = $3, year = $4, seq = $5, issued_on = $6, due_on = $7, issued_data = $8, content_hash = $9, previous_hash = $10, chain_index = $11, updated_at = $12, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND status = 'draft'";
    SET_SENT(3) [] = "UPDATE invoices SET sent_at = $3 WHERE workspace_id = $1 AND id = $2 AND status = 'issued' AND sent_at IS NULL";
    ADD_PAID(3) [] = "UPDATE invoices SET paid_minor = paid_minor + $3 WHERE workspace_id = $1 AND id = $2 AND status = 'issued'";
    ADD_CREDITED(3) [] = "UPDATE invoices SET credited_minor = credited_minor + $3 WHERE workspace_id = $1 AND id = $2 AND status = 'issued'";
    LINES(2) ["workspace_id", "id", "invoice_id", "position", "kind", "project_id", "description", "detail", "quantity", "unit", "unit_price_minor", "vat", "net_minor", "minutes", "free_value_minor", "period_from", "period_to"] = concat!("SELECT ", line_cols!(), " FROM invoice_lines WHERE workspace_id = $1 AND invoice_id = $2 ORDER BY position, id");
    DELETE_LINE(3) [] = "DELETE FROM invoice_lines WHERE workspace_id = $1 AND id = $2 AND invoice_id = $3 AND invoice_id IN (SELECT id FROM invoices WHERE workspace_id = $1 AND status = 'draft')";
    DELETE_LINES(2) [] = "DELETE FROM invoice_lines WHERE workspace_id = $1 AND invoice_id = $2 AND invoice_id IN (SELECT id FROM invoices WHERE workspace_id = $1 AND status = 'draft')";
    ITEMS(2) ["workspace_id", "line_id", "kind", "ref_id", "month", "invoice_id", "minutes", "amount_minor", "released"] = concat!("SELECT ", item_cols!(), " FROM invoice_items WHERE workspace_id = $1 AND invoice_id = $2");
    DELETE_ITEMS_OF_LINE(3) [] = "DELETE FROM invoice_items WHERE workspace_id = $1 AND line_id = $2 AND invoice_id = $3 AND invoice_id IN (SELECT id FROM invoices WHERE workspace_id = $1 AND status = 'draft')";
    DELETE_ITEMS(2) [] = "DELETE FROM invoice_items WHERE workspace_id = $1 AND invoice_id = $2 AND invoice_id IN (SELECT id FROM invoices WHERE workspace_id = $1 AND status = 'draft')";
    BILLED_ENTRIES(2) ["line_id", "id", "work_date", "person", "note", "minutes", "amount_minor"] = "SELECT i.line_id, t.id, t.work_date, u.name AS person, t.note, i.minutes, i.amount_minor FROM invoice_items i JOIN time_entries t ON t.workspace_id = i.workspace_id AND t.id = i.ref_id JOIN users u ON u.workspace_id = t.workspace_id AND u.id = t.user_id WHERE i.workspace_id = $1 AND i.invoice_id = $2 AND i.kind = 'entry'";
    BILLED_COUNTS(2) ["line_id", "n"] = "SELECT line_id, COUNT(*) AS n FROM invoice_items WHERE workspace_id = $1 AND invoice_id = $2 AND kind = 'entry' GROUP BY line_id";
    BILLED_HEAD(3) ["line_id", "id", "work_date", "person", "note", "minutes", "amount_minor"] = "SELECT line_id, id, work_date, person, note, minutes, amount_minor FROM (SELECT i.line_id, t.id, t.work_date, u.name AS person, t.note, i.minutes, i.amount_minor, ROW_NUMBER() OVER (PARTITION BY i.line_id ORDER BY t.work_date, t.id) AS rn FROM invoice_items i JOIN time_entries t ON t.workspace_id = i.workspace_id AND t.id = i.ref_id JOIN users u ON u.workspace_id = t.workspace_id AND u.id = t.user_id WHERE i.workspace_id = $1 AND i.invoice_id = $2 AND i.kind = 'entry') h WHERE rn <= $3";
    BILLED_LINE_PAGE(6) ["line_id", "id", "work_date", "person", "note", "minutes", "amount_minor"] = "SELECT i.line_id, t.id, t.work_date, u.name AS person, t.note, i.minutes, i.amount_minor FROM invoice_items i JOIN time_entries t ON t.workspace_id = i.workspace_id AND t.id = i.ref_id JOIN users u ON u.workspace_id = t.workspace_id AND u.id = t.user_id WHERE i.workspace_id = $1 AND i.invoice_id = $2 AND i.line_id = $3 AND i.kind = 'entry' AND (t.work_date > $4 OR (t.work_date = $4 AND t.id > $5)) ORDER BY t.work_date, t.id LIMIT $6";
    SALES_SINCE(3) ["sales"] = "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'invoice' THEN gross_minor ELSE -gross_minor END), 0) AS BIGINT) AS sales FROM invoices WHERE workspace_id = $1 AND status = 'issued' AND issued_on >= $2 AND currency = $3";
    CLIENT_SALES_SINCE(4) ["sales"] = "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'invoice' THEN gross_minor ELSE -gross_minor END), 0) AS BIGINT) AS sales FROM invoices WHERE workspace_id = $1 AND status = 'issued' AND issued_on >= $2 AND currency = $3 AND client_id = $4";
    ERRORS_BETWEEN(3) ["invoices", "errors", "credited"] = "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'invoice' THEN 1 ELSE 0 END), 0) AS BIGINT) AS invoices, CAST(COALESCE(SUM(CASE WHEN kind = 'credit_note' AND credit_reason IN ('wrong_rate', 'wrong_hours', 'duplicate', 'wrong_client', 'wrong_vat') THEN 1 ELSE 0 END), 0) AS BIGINT) AS errors, CAST(COALESCE(SUM(CASE WHEN kind = 'credit_note' AND credit_reason IN ('wrong_rate', 'wrong_hours', 'duplicate', 'wrong_client', 'wrong_vat') THEN gross_minor ELSE 0 END), 0) AS BIGINT) AS credited FROM invoices WHERE workspace_id = $1 AND status = 'issued' AND issued_on >= $2 AND issued_on <= $3";
    CLIENT_ERRORS_BETWEEN(4) ["invoices", "errors", "credited"] = "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'invoice' THEN 1 ELSE 0 END), 0) AS BIGINT) AS invoices, CAST(COALESCE(SUM(CASE WHEN kind = 'credit_note' AND credit_reason IN ('wrong_rate', 'wrong_hours', 'duplicate', 'wrong_client', 'wrong_vat') THEN 1 ELSE 0 END), 0) AS BIGINT) AS errors, CAST(COALESCE(SUM(CASE WHEN kind = 'credit_note' AND credit_reason IN ('wrong_rate', 'wrong_hours', 'duplicate', 'wrong_client', 'wrong_vat') THEN gross_minor ELSE 0 END), 0) AS BIGINT) AS credited FROM invoices WHERE workspace_id = $1 AND status = 'issued' AND issued_on >= $2 AND issued_on <= $3 AND client_id = $4";
    CLIENT_IDENTITIES(1) ["id", "name", "legal_name", "siren"] = "SELECT id, name, legal_name, siren FROM clients WHERE workspace_id = $1";
    DELETE_BILLING(2) [] = "DELETE FROM client_billing WHERE workspace_id = $1 AND client_id = $2";
    MARK_RELEASED(2) [] = "UPDATE invoices SET releases_work = TRUE WHERE workspace_id = $1 AND id = $2 AND kind = 'invoice' AND status = 'issued'";
    RELEASE_ITEMS(2) [] = "UPDATE invoice_items SET released = TRUE WHERE workspace_id = $1 AND invoice_id = $2";
    STALE_ENTRIES(2) ["n"] = "SELECT COUNT(*) AS n FROM invoice_items i LEFT JOIN time_entries t ON t.workspace_id = i.workspace_id AND t.id = i.ref_id WHERE i.workspace_id = $1 AND i.invoice_id = $2 AND i.kind = 'entry' AND (t.id IS NULL OR t.invoiced_at IS NOT NULL OR t.billed_minutes <> i.minutes)";
    MARK_ENTRIES_INVOICED(3) [] = "UPDATE time_entries SET invoiced_at = $3, version = version + 1 WHERE workspace_id = $1 AND id IN (SELECT ref_id FROM invoice_items WHERE workspace_id = $1 AND invoice_id = $2 AND kind = 'entry')";
    UNMARK_ENTRIES_INVOICED(2) [] = "UPDATE time_entries SET invoiced_at = NULL, version = version + 1 WHERE workspace_id = $1 AND id IN (SELECT ref_id FROM invoice_items WHERE workspace_id = $1 AND invoice_id = $2 AND kind = 'entry')";
    MAKE_COUNTER(3) [] = "INSERT INTO document_counters (workspace_id, kind, year, last_seq) VALUES ($1, $2, $3, 0) ON CONFLICT (workspace_id, kind, year) DO NOTHING";
    NEXT_SEQ(3) ["last_seq"] = "UPDATE document_counters SET last_seq = last_seq + 1 WHERE workspace_id = $1 AND kind = $2 AND year = $3 RETURNING last_seq";
    MAKE_CHAIN(2) [] = "INSERT INTO invoice_chains (workspace_id, head, length) VALUES ($1, $2, 0) ON CONFLICT (workspace_id) DO NOTHING";
    LOCK_CHAIN(1) ["head", "length"] = "UPDATE invoice_chains SET length = length WHERE workspace_id = $1 RETURNING head, length";
    SET_CHAIN(3) [] = "UPDATE invoice_chains SET head = $2, length = $3 WHERE workspace_id = $1";
    CHAIN(1) ["head", "length"] = "SELECT head, length FROM invoice_chains WHERE workspace_id = $1";
    INSERT_PAYMENT(10) [] = concat!("INSERT INTO payments (", payment_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    PAYMENTS(2) ["workspace_id", "id", "invoice_id", "amount_minor", "currency", "paid_on", "method", "reference", "created_by", "created_at"] = concat!("SELECT ", payment_cols!(), " FROM payments WHERE workspace_id = $1 AND invoice_id = $2 ORDER BY paid_on, created_at, id");
    ALL_PAYMENTS(1) ["workspace_id", "id", "invoice_id", "amount_minor", "currency", "paid_on", "method", "reference", "created_by", "created_at"] = concat!("SELECT ", payment_cols!(), " FROM payments WHERE workspace_id = $1 ORDER BY paid_on, created_at, id");
    REMINDED(3) ["n"] = "SELECT COUNT(*) AS n FROM invoice_reminders WHERE workspace_id = $1 AND invoice_id = $2 AND step = $3";
    MARK_REMINDED(4) [] = "INSERT INTO invoice_reminders (workspace_id, invoice_id, step, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, invoice_id, step) DO NOTHING";
    UNPAID(1) ["workspace_id", "id", "kind", "client_id", "currency", "language", "status", "number", "year", "seq", "issued_on", "due_on", "period_from", "period_to", "grouping", "credited_invoice_id", "credit_reason", "releases_work", "note", "net_minor", "vat_minor", "gross_minor", "paid_minor", "credited_minor", "sent_at", "issued_data", "content_hash", "previous_hash", "chain_index", "created_by", "created_at", "updated_at", "version"] = concat!("SELECT ", invoice_cols!(), " FROM invoices WHERE workspace_id = $1 AND status = 'issued' AND kind = 'invoice' AND paid_minor + credited_minor < gross_minor ORDER BY due_on, id");
    ISSUED_BETWEEN(3) ["workspace_id", "id", "kind", "client_id", "currency", "language", "status", "number", "year", "seq", "issued_on", "due_on", "period_from", "period_to", "grouping", "credited_invoice_id", "credit_reason", "releases_work", "note", "net_minor", "vat_minor", "gross_minor", "paid_minor", "credited_minor", "sent_at", "issued_data", "content_hash", "previous_hash", "chain_index", "created_by", "created_at", "updated_at", "version"] = concat!("SELECT ", invoice_cols!(), " FROM invoices WHERE workspace_id = $1 AND status = 'issued' AND issued_on >= $2 AND issued_on <= $3 ORDER BY kind DESC, year, seq");
    ISSUED_LINES_BETWEEN(3) ["workspace_id", "id", "invoice_id", "position", "kind", "project_id", "description", "detail", "quantity", "unit", "unit_price_minor", "vat", "net_minor", "minutes", "free_value_minor", "period_from", "period_to"] = "SELECT l.workspace_id, l.id, l.invoice_id, l.position, l.kind, l.project_id, l.description, l.detail, l.quantity, l.unit, l.unit_price_minor, l.vat, l.net_minor, l.minutes, l.free_value_minor, l.period_from, l.period_to FROM invoice_lines l JOIN invoices i ON i.workspace_id = l.workspace_id AND i.id = l.invoice_id WHERE l.workspace_id = $1 AND i.status = 'issued' AND i.issued_on >= $2 AND i.issued_on <= $3 ORDER BY l.invoice_id, l.position";
}

/// The seller settings of a workspace; `None` until saved once.
pub async fn settings(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Option<SettingsRow>> {
    SETTINGS.fetch_optional(c, &[Bind::Uuid(ws.uuid())]).await
}

fn settings_binds(r: &SettingsRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::from(&r.legal_name),
        Bind::from(&r.address_line),
        Bind::from(&r.postcode),
        Bind::from(&r.city),
        Bind::from(&r.country),
        Bind::from(&r.siren),
        Bind::from(&r.registry_city),
        Bind::from(&r.legal_form),
        Bind::from(r.share_capital_minor),
        Bind::from(&r.vat_number),
        Bind::Bool(r.franchise),
        Bind::Bool(r.vat_on_debits),
        Bind::Text(r.default_vat.as_str().into()),
        Bind::from(&r.invoice_prefix),
        Bind::from(&r.credit_prefix),
        Bind::from(r.payment_days),
        Bind::from(&r.penalty_rate),
        Bind::from(&r.reminder_days),
        Bind::from(&r.iban),
        Bind::Text(r.grouping.as_str().into()),
        Bind::from(&r.account_sales),
        Bind::from(&r.account_vat),
        Bind::from(&r.account_clients),
        Bind::from(r.updated_at),
        Bind::from(r.version),
    ]
}

/// Saves the settings: inserted the first time (`expected_version` 0, with the row's version),
/// else updated to the next version when the stored one is `expected_version`
/// (`Conflict("version")` otherwise).
pub async fn save_settings(c: &mut Conn<'_>, r: &SettingsRow, expected_version: i32) -> Result<()> {
    let mut b = settings_binds(r);
    if expected_version == 0 {
        INSERT_SETTINGS.exec(c, &b).await?;
        return Ok(());
    }
    if let Some(v) = b.last_mut() {
        *v = Bind::from(expected_version);
    }
    if UPDATE_SETTINGS.exec(c, &b).await? == 0 {
        return Err(StoreError::Conflict("version".into()));
    }
    Ok(())
}

/// The workspace's logo (base64) and its media type.
pub async fn logo(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Option<(String, String)>> {
    let r: Option<(Option<String>, Option<String>)> =
        LOGO.fetch_optional(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(match r {
        Some((Some(bytes), Some(kind))) => Some((bytes, kind)),
        _ => None,
    })
}

/// Sets (or with `None` removes) the logo (base64, media type); settings must exist.
pub async fn set_logo(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    logo: Option<(String, String)>,
) -> Result<u64> {
    let (bytes, kind) = match logo {
        Some((b, k)) => (Some(b), Some(k)),
        None => (None, None),
    };
    SET_LOGO
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::OptText(bytes),
                Bind::OptText(kind),
            ],
        )
        .await
}

pub async fn billing(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Option<BillingRow>> {
    BILLING
        .fetch_optional(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await
}

/// Removes a client's billing details (the client is being deleted).
pub async fn delete_billing(c: &mut Conn<'_>, ws: WorkspaceId, client: Uuid) -> Result<()> {
    DELETE_BILLING
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await?;
    Ok(())
}

pub async fn save_billing(c: &mut Conn<'_>, r: &BillingRow) -> Result<()> {
    SAVE_BILLING
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.client_id),
                Bind::from(&r.postcode),
                Bind::from(&r.city),
                Bind::from(&r.country),
                Bind::Bool(r.business),
                Bind::from(&r.delivery_address),
                Bind::Bool(r.show_free_work),
                Bind::from(r.updated_at),
            ],
        )
        .await?;
    Ok(())
}

fn invoice_binds(r: &InvoiceRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::Uuid(r.id),
        Bind::Text(r.kind.as_str().into()),
        Bind::Uuid(r.client_id),
        Bind::from(r.currency),
        Bind::from(r.language),
        Bind::Text(r.status.as_str().into()),
        Bind::from(&r.number),
        Bind::from(r.year),
        Bind::from(r.seq),
        Bind::from(r.issued_on),
        Bind::from(r.due_on),
        Bind::from(r.period_from),
        Bind::from(r.period_to),
        Bind::Text(r.grouping.as_str().into()),
        Bind::from(r.credited_invoice_id),
        Bind::OptText(r.credit_reason.map(|c| c.as_str().to_string())),
        Bind::Bool(r.releases_work),
        Bind::from(&r.note),
        Bind::from(r.net_minor),
        Bind::from(r.vat_minor),
        Bind::from(r.gross_minor),
        Bind::from(r.paid_minor),
        Bind::from(r.credited_minor),
        Bind::from(r.sent_at),
        Bind::from(&r.issued_data),
        Bind::from(&r.content_hash),
        Bind::from(&r.previous_hash),
        Bind::from(r.chain_index),
        Bind::Uuid(r.created_by),
        Bind::from(r.created_at),
        Bind::from(r.updated_at),
        Bind::from(r.version),
    ]
}

pub async fn insert_invoice(c: &mut Conn<'_>, r: &InvoiceRow) -> Result<()> {
    INSERT_INVOICE.exec(c, &invoice_binds(r)).await?;
    Ok(())
}

pub async fn invoice(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<InvoiceRow> {
    INVOICE
        .fetch_optional(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every issued document of the workspace, in chain order.
pub async fn issued(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<InvoiceRow>> {
    ISSUED.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// The credit notes (drafts included) that reference an invoice.
pub async fn credits_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
) -> Result<Vec<InvoiceRow>> {
    CREDITS_OF
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await
}

/// Gross invoiced less credited since `from` (`YYYYMMDD`) in `currency`, for one client or all.
pub async fn sales_since(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    currency: mesure_domain::Currency,
    client: Option<Uuid>,
) -> Result<i64> {
    let mut b = vec![
        Bind::Uuid(ws.uuid()),
        Bind::from(from),
        Bind::from(currency),
    ];
    let (n,): (i64,) = match client {
        Some(cl) => {
            b.push(Bind::Uuid(cl));
            CLIENT_SALES_SINCE.fetch_one(c, &b).await?
        }
        None => SALES_SINCE.fetch_one(c, &b).await?,
    };
    Ok(n)
}

/// Invoices issued within `[from, to]`, the credit notes for a billing error among the
/// documents of that period, and their gross: for one client or all.
pub async fn errors_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
    client: Option<Uuid>,
) -> Result<(i64, i64, i64)> {
    let mut b = vec![Bind::Uuid(ws.uuid()), Bind::from(from), Bind::from(to)];
    match client {
        Some(cl) => {
            b.push(Bind::Uuid(cl));
            CLIENT_ERRORS_BETWEEN.fetch_one(c, &b).await
        }
        None => ERRORS_BETWEEN.fetch_one(c, &b).await,
    }
}

/// Issued invoices not wholly paid or credited, by due date.
pub async fn unpaid(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<InvoiceRow>> {
    UNPAID.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// Issued documents dated within `[from, to]` (`YYYYMMDD`): invoices then credit notes, by number.
pub async fn issued_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<InvoiceRow>> {
    ISSUED_BETWEEN
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::from(from), Bind::from(to)],
        )
        .await
}

/// The lines of the documents [`issued_between`] returns.
pub async fn issued_lines_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<LineRow>> {
    ISSUED_LINES_BETWEEN
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::from(from), Bind::from(to)],
        )
        .await
}

/// Saves a draft's period, note and totals; false when it is no longer a draft.
#[allow(clippy::too_many_arguments)]
pub async fn set_draft(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    period: (i32, i32),
    note: &str,
    totals: (i64, i64, i64),
    now: i64,
) -> Result<bool> {
    let n = SET_DRAFT
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::from(period.0),
                Bind::from(period.1),
                Bind::from(note),
                Bind::from(totals.0),
                Bind::from(totals.1),
                Bind::from(totals.2),
                Bind::from(now),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Cancels a draft and releases what it reserved; false when it is no longer a draft.
pub async fn cancel_draft(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, now: i64) -> Result<bool> {
    let key = [Bind::Uuid(ws.uuid()), Bind::Uuid(id)];
    DELETE_ITEMS.exec(c, &key).await?;
    let n = CANCEL_DRAFT
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::from(now)])
        .await?;
    Ok(n == 1)
}

/// What issuing writes on a draft.
pub struct Issue<'a> {
    pub number: &'a str,
    pub year: i32,
    pub seq: i32,
    pub issued_on: i32,
    pub due_on: Option<i32>,
    pub data: &'a str,
    pub hash: &'a str,
    pub previous: &'a str,
    pub chain_index: i64,
    pub now: i64,
}

/// Issues a draft; false when it is no longer a draft (issued or cancelled meanwhile).
pub async fn set_issued(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    i: &Issue<'_>,
) -> Result<bool> {
    let n = SET_ISSUED
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::from(i.number),
                Bind::from(i.year),
                Bind::from(i.seq),
                Bind::from(i.issued_on),
                Bind::from(i.due_on),
                Bind::from(i.data),
                Bind::from(i.hash),
                Bind::from(i.previous),
                Bind::from(i.chain_index),
                Bind::from(i.now),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Marks an issued document as sent (the first time only).
pub async fn set_sent(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, at: i64) -> Result<()> {
    SET_SENT
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::from(at)])
        .await?;
    Ok(())
}

/// Adds a payment's amount to an issued invoice's paid total.
pub async fn add_paid(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, amount: i64) -> Result<()> {
    ADD_PAID
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::from(amount)],
        )
        .await?;
    Ok(())
}

/// Adds an issued credit note's gross to its invoice's credited total.
pub async fn add_credited(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid, amount: i64) -> Result<()> {
    ADD_CREDITED
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::from(amount)],
        )
        .await?;
    Ok(())
}

pub async fn lines(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid) -> Result<Vec<LineRow>> {
    LINES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await
}

/// What a document's lines bill, by line, kind, month and reference. Sorted here, not by the
/// query: an `ORDER BY line_id` lets SQLite walk the primary key (which leads with `line_id`)
/// over every item of the workspace instead of the document's index, which grows with the
/// history of invoices (17 s for a month-end after eleven months of history).
pub async fn items(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid) -> Result<Vec<ItemRow>> {
    let mut rows: Vec<ItemRow> = ITEMS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await?;
    rows.sort_by_key(|a| (a.line_id, a.kind.as_str(), a.month, a.ref_id));
    Ok(rows)
}

fn line_binds(r: &LineRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::Uuid(r.id),
        Bind::Uuid(r.invoice_id),
        Bind::from(r.position),
        Bind::Text(r.kind.as_str().into()),
        Bind::from(r.project_id),
        Bind::from(&r.description),
        Bind::from(&r.detail),
        Bind::from(&r.quantity),
        Bind::from(&r.unit),
        Bind::from(r.unit_price_minor),
        Bind::Text(r.vat.as_str().into()),
        Bind::from(r.net_minor),
        Bind::from(r.minutes),
        Bind::from(r.free_value_minor),
        Bind::from(r.period_from),
        Bind::from(r.period_to),
    ]
}

fn item_binds(r: &ItemRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::Uuid(r.line_id),
        Bind::Text(r.kind.as_str().into()),
        Bind::Uuid(r.ref_id),
        Bind::from(r.month),
        Bind::Uuid(r.invoice_id),
        Bind::from(r.minutes),
        Bind::from(r.amount_minor),
        Bind::Bool(r.released),
    ]
}

const INSERT_LINES: crate::time::bulk::Insert = crate::time::bulk::Insert {
    table: "invoice_lines",
    cols: line_cols!(),
    max_rows: Some(256),
    sqlite_only: false,
};
const INSERT_ITEMS: crate::time::bulk::Insert = crate::time::bulk::Insert {
    table: "invoice_items",
    cols: item_cols!(),
    max_rows: Some(1024),
    sqlite_only: false,
};
crate::registry::family! {
    /// Lines in multi-row inserts, per engine and row count.
    INSERT_LINES_SQL: crate::time::bulk::Key = || INSERT_LINES.keys(), |k| INSERT_LINES.sql(k);
}
crate::registry::family! {
    /// Billed items in multi-row inserts, per engine and row count.
    INSERT_ITEMS_SQL: crate::time::bulk::Key = || INSERT_ITEMS.keys(), |k| INSERT_ITEMS.sql(k);
}

/// Adds lines and what they bill to a draft. An item another draft or document holds fails the
/// whole insert with `Conflict("invoice_items_billed_once")`.
pub async fn insert_lines(c: &mut Conn<'_>, lines: &[LineRow], items: &[ItemRow]) -> Result<()> {
    let l: Vec<Vec<Bind>> = lines.iter().map(line_binds).collect();
    INSERT_LINES.run(c, &INSERT_LINES_SQL, &l).await?;
    let i: Vec<Vec<Bind>> = items.iter().map(item_binds).collect();
    INSERT_ITEMS.run(c, &INSERT_ITEMS_SQL, &i).await?;
    sources::note_items(items.len());
    Ok(())
}

/// Removes one line of a draft and releases what it billed; false when the document is not a
/// draft or has no such line.
pub async fn delete_line(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
    line: Uuid,
) -> Result<bool> {
    let b = [Bind::Uuid(ws.uuid()), Bind::Uuid(line), Bind::Uuid(invoice)];
    DELETE_ITEMS_OF_LINE.exec(c, &b).await?;
    Ok(DELETE_LINE.exec(c, &b).await? == 1)
}

/// Sets a draft's grouping (a rebuild with another grouping).
pub async fn set_grouping(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    grouping: Grouping,
) -> Result<()> {
    SET_GROUPING
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::Text(grouping.as_str().into()),
            ],
        )
        .await?;
    Ok(())
}

/// Removes every line of a draft and releases what they billed (a rebuild).
pub async fn delete_lines(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid) -> Result<()> {
    let b = [Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)];
    DELETE_ITEMS.exec(c, &b).await?;
    DELETE_LINES.exec(c, &b).await?;
    Ok(())
}

/// How many of a draft's entries were deleted, invoiced elsewhere or changed since the draft
/// took them.
pub async fn stale_entries(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid) -> Result<i64> {
    let (n,): (i64,) = STALE_ENTRIES
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await?;
    Ok(n)
}

crate::registry::row! {
/// An entry a document bills, as its reader sees it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct BilledEntry {
    pub line_id: Uuid,
    pub id: Uuid,
    pub work_date: i32,
    pub person: String,
    pub note: String,
    pub minutes: i64,
    pub amount_minor: i64,
}
}

/// Every client's id, name, legal name and SIREN (the accountant's export).
pub async fn client_identities(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
) -> Result<Vec<(Uuid, String, Option<String>, Option<String>)>> {
    CLIENT_IDENTITIES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// The entries a document bills, by line then date.
pub async fn billed_entries(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
) -> Result<Vec<BilledEntry>> {
    // Sorted here for the reason given at [`items`].
    let mut rows: Vec<BilledEntry> = BILLED_ENTRIES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await?;
    rows.sort_by_key(|a| (a.line_id, a.work_date, a.id));
    Ok(rows)
}

/// How many entries each line of a document bills: (line, count).
pub async fn billed_counts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
) -> Result<std::collections::HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = BILLED_COUNTS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await?;
    Ok(rows.into_iter().collect())
}

/// The first `per_line` entries of each line of a document (by date then id), by line then date:
/// what a document page shows before "all entries".
pub async fn billed_head(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
    per_line: i64,
) -> Result<Vec<BilledEntry>> {
    let mut rows: Vec<BilledEntry> = BILLED_HEAD
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(invoice),
                Bind::from(per_line),
            ],
        )
        .await?;
    rows.sort_by_key(|a| (a.line_id, a.work_date, a.id));
    Ok(rows)
}

/// One page of the entries a document's line bills, by date then id, after the cursor
/// `(work_date, id)` of the previous page's last entry (`None`: from the first).
pub async fn billed_line_page(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
    line: Uuid,
    after: Option<(i32, Uuid)>,
    limit: i64,
) -> Result<Vec<BilledEntry>> {
    let (day, id) = after.unwrap_or((i32::MIN, Uuid::nil()));
    BILLED_LINE_PAGE
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(invoice),
                Bind::Uuid(line),
                Bind::from(day),
                Bind::Uuid(id),
                Bind::from(limit),
            ],
        )
        .await
}

/// Locks a document's entries for good (`invoiced_at`).
pub async fn mark_entries_invoiced(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
    at: i64,
) -> Result<u64> {
    MARK_ENTRIES_INVOICED
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice), Bind::from(at)],
        )
        .await
}

/// Releases what an invoice billed for re-billing (a full credit note that allows it): its
/// items stop counting as billed and its entries are open again.
pub async fn release_work(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid) -> Result<()> {
    let b = [Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)];
    UNMARK_ENTRIES_INVOICED.exec(c, &b).await?;
    RELEASE_ITEMS.exec(c, &b).await?;
    MARK_RELEASED.exec(c, &b).await?;
    Ok(())
}

/// The next number of a gapless sequence, taken under the counter row's lock (held until the
/// transaction ends, so a rolled-back issue leaves no gap and two issuers never share one).
pub async fn next_seq(c: &mut Conn<'_>, ws: WorkspaceId, kind: DocKind, year: i32) -> Result<i32> {
    let b = [
        Bind::Uuid(ws.uuid()),
        Bind::Text(kind.as_str().into()),
        Bind::from(year),
    ];
    MAKE_COUNTER.exec(c, &b).await?;
    let (n,): (i32,) = NEXT_SEQ.fetch_one(c, &b).await?;
    Ok(n)
}

/// Locks the workspace's hash chain until the transaction ends and answers its head and length.
pub async fn lock_chain(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<(String, i64)> {
    MAKE_CHAIN
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::from(mesure_domain::invoicing::chain::GENESIS),
            ],
        )
        .await?;
    LOCK_CHAIN.fetch_one(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn set_chain(c: &mut Conn<'_>, ws: WorkspaceId, head: &str, length: i64) -> Result<()> {
    SET_CHAIN
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::from(head), Bind::from(length)],
        )
        .await?;
    Ok(())
}

/// The chain's head and length as stored (`None` before the first document).
pub async fn chain(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Option<(String, i64)>> {
    CHAIN.fetch_optional(c, &[Bind::Uuid(ws.uuid())]).await
}

pub async fn insert_payment(c: &mut Conn<'_>, p: &PaymentRow) -> Result<()> {
    INSERT_PAYMENT
        .exec(
            c,
            &[
                Bind::Uuid(p.workspace_id),
                Bind::Uuid(p.id),
                Bind::Uuid(p.invoice_id),
                Bind::from(p.amount_minor),
                Bind::from(p.currency),
                Bind::from(p.paid_on),
                Bind::Text(p.method.as_str().into()),
                Bind::from(&p.reference),
                Bind::Uuid(p.created_by),
                Bind::from(p.created_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn payments(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid) -> Result<Vec<PaymentRow>> {
    PAYMENTS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await
}

pub async fn all_payments(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<PaymentRow>> {
    ALL_PAYMENTS.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// Whether reminder `step` of an invoice was sent.
pub async fn reminded(c: &mut Conn<'_>, ws: WorkspaceId, invoice: Uuid, step: i32) -> Result<bool> {
    let (n,): (i64,) = REMINDED
        .fetch_one(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice), Bind::from(step)],
        )
        .await?;
    Ok(n > 0)
}

/// Records reminder `step` of an invoice; false when it was recorded already.
pub async fn mark_reminded(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
    step: i32,
    at: i64,
) -> Result<bool> {
    Ok(MARK_REMINDED
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(invoice),
                Bind::from(step),
                Bind::from(at),
            ],
        )
        .await?
        == 1)
}

/// What a document list shows.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub client: Option<Uuid>,
    pub kind: Option<DocKind>,
    pub status: Option<DocStatus>,
    /// Issued on or after / on or before (`YYYYMMDD`).
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// The last row of the previous page: its creation time and id (newest first).
    pub after: Option<(i64, Uuid)>,
    pub limit: i64,
}

/// The optional conditions of a list, in order.
const CONDS: [crate::registry::Cond; 5] = [
    (" AND client_id = ?1", 1),
    (" AND kind = ?1", 1),
    (" AND status = ?1", 1),
    (" AND issued_on >= ?1", 1),
    (" AND issued_on <= ?1", 1),
];

/// A list's shape: which conditions are present and whether it starts after a cursor.
type ListKey = ([bool; 5], bool);

fn list_keys() -> Vec<ListKey> {
    crate::registry::presence::<5>()
        .into_iter()
        .flat_map(|p| [(p, false), (p, true)])
        .collect()
}

fn list_sql(k: &ListKey) -> Variant {
    let (conds, next) = crate::registry::conds_sql(&CONDS, &k.0, 2);
    let (cursor, limit_at) = if k.1 {
        (
            format!(
                " AND (created_at < ${next} OR (created_at = ${next} AND id < ${}))",
                next + 1
            ),
            next + 2,
        )
    } else {
        (String::new(), next)
    };
    Variant::both(
        format!(
            "SELECT {INVOICE_COLS} FROM invoices WHERE workspace_id = $1{conds}{cursor} ORDER BY created_at DESC, id DESC LIMIT ${limit_at}"
        ),
        limit_at,
        &[
            "workspace_id",
            "id",
            "kind",
            "client_id",
            "currency",
            "language",
            "status",
            "number",
            "year",
            "seq",
            "issued_on",
            "due_on",
            "period_from",
            "period_to",
            "grouping",
            "credited_invoice_id",
            "credit_reason",
            "releases_work",
            "note",
            "net_minor",
            "vat_minor",
            "gross_minor",
            "paid_minor",
            "credited_minor",
            "sent_at",
            "issued_data",
            "content_hash",
            "previous_hash",
            "chain_index",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ],
    )
}

crate::registry::family! {
    /// A page of documents, newest first, per filter shape and cursor.
    LIST: ListKey = list_keys, list_sql;
}

pub(crate) static FAMILIES: &[&dyn Variants] = &[&LIST, &INSERT_LINES_SQL, &INSERT_ITEMS_SQL];

/// A page of documents, newest first: up to `limit` rows.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId, q: &ListQuery) -> Result<Vec<InvoiceRow>> {
    let (present, mut binds) = crate::registry::present([
        q.client.map(|v| vec![Bind::Uuid(v)]),
        q.kind.map(|v| vec![Bind::Text(v.as_str().into())]),
        q.status.map(|v| vec![Bind::Text(v.as_str().into())]),
        q.from.map(|v| vec![Bind::from(v)]),
        q.to.map(|v| vec![Bind::from(v)]),
    ]);
    binds.insert(0, Bind::Uuid(ws.uuid()));
    if let Some((at, id)) = q.after {
        binds.push(Bind::Int(at));
        binds.push(Bind::Uuid(id));
    }
    binds.push(Bind::Int(q.limit));
    LIST.get(&(present, q.after.is_some()))?
        .fetch(c, &binds)
        .await
}
