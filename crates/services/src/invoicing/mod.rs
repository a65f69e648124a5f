//! Invoicing: drafts built from the work, issuing under a gapless number and the hash chain,
//! credit notes, payments, the seller's settings and a client's billing details.
pub mod billed;
pub mod document;
pub mod draft;
pub mod mail;
pub mod month_end;
pub mod pdf;
pub mod views;
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use document::IssuedData;
pub use mail::{remind, remind_all, send};
use mesure_domain::invoicing::chain;
use mesure_domain::invoicing::draft::Grouping;
use mesure_domain::invoicing::mentions;
use mesure_domain::invoicing::numbering;
use mesure_domain::invoicing::payments::{self, Payment};
use mesure_domain::invoicing::states::{CreditReason, DocKind, DocStatus, LineKind, PaymentMethod};
use mesure_domain::invoicing::totals::{self, Vat};
use mesure_domain::projects::engagement::{day_from_key, day_key};
use mesure_domain::validate::Checker;
use mesure_domain::{ClientId, Currency, Invalid, InvoicingAction, WorkspaceId};
use mesure_store::Conn;
use mesure_store::clients::{self, ClientRow};
use mesure_store::invoicing::{
    self as store, BillingRow, InvoiceRow, LineRow, PaymentRow, SettingsRow,
};
pub use month_end::{MonthEndInput, MonthEndSummary, month_end};
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;
pub use views::{InvoiceSummary, InvoiceView};

/// Today (`YYYYMMDD`) in the workspace's time zone.
pub fn today(app: &App, ctx: &Ctx) -> i32 {
    day_key(crate::time::today_date(app, ctx))
}

/// The longest text of a line or note.
const MAX_TEXT: usize = 1000;
/// The most lines a draft holds.
pub const MAX_LINES: usize = 2000;

/// Settings as they are until the owner saves them.
pub fn default_settings(ws: WorkspaceId, legal_name: &str) -> SettingsRow {
    SettingsRow {
        workspace_id: ws.uuid(),
        legal_name: legal_name.to_string(),
        address_line: String::new(),
        postcode: String::new(),
        city: String::new(),
        country: "FR".into(),
        siren: String::new(),
        registry_city: String::new(),
        legal_form: String::new(),
        share_capital_minor: None,
        vat_number: None,
        franchise: false,
        vat_on_debits: false,
        default_vat: Vat::Standard,
        invoice_prefix: DocKind::Invoice.default_prefix().into(),
        credit_prefix: DocKind::CreditNote.default_prefix().into(),
        payment_days: 30,
        penalty_rate: "3 × taux d'intérêt légal".into(),
        reminder_days: "7,30".into(),
        iban: None,
        grouping: Grouping::Deliverable,
        account_sales: "706000".into(),
        account_vat: "445710".into(),
        account_clients: "411000".into(),
        updated_at: 0,
        version: 0,
    }
}

async fn settings_or_default(c: &mut Conn<'_>, ctx: &Ctx) -> Result<SettingsRow> {
    Ok(store::settings(c, ctx.workspace)
        .await?
        .unwrap_or_else(|| default_settings(ctx.workspace, &ctx.workspace_name)))
}

/// The seller settings (defaults until saved).
pub async fn settings(app: &App, ctx: &Ctx) -> Result<SettingsRow> {
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    settings_or_default(&mut c.conn(), ctx).await
}

/// The settings form or body, as text.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SettingsInput {
    pub legal_name: Option<String>,
    pub address_line: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub siren: Option<String>,
    pub registry_city: Option<String>,
    pub legal_form: Option<String>,
    /// Minor units.
    pub share_capital_minor: Option<i64>,
    pub vat_number: Option<String>,
    pub franchise: Option<bool>,
    pub vat_on_debits: Option<bool>,
    /// `20`, `10`, `5.5`, `2.1`, `franchise`, `reverse_charge`, `outside_eu`.
    pub default_vat: Option<String>,
    pub invoice_prefix: Option<String>,
    pub credit_prefix: Option<String>,
    pub payment_days: Option<i32>,
    pub penalty_rate: Option<String>,
    /// Days after the due date, comma-separated (`7,30`).
    pub reminder_days: Option<String>,
    pub iban: Option<String>,
    pub grouping: Option<String>,
    pub account_sales: Option<String>,
    pub account_vat: Option<String>,
    pub account_clients: Option<String>,
    pub version: Option<i32>,
}

/// Parses reminder days: 1–6 distinct day counts 1–365, ascending.
pub fn reminder_days(s: &str) -> Option<Vec<i32>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d: i32 = part.parse().ok()?;
        if !(1..=365).contains(&d) {
            return None;
        }
        out.push(d);
    }
    out.sort_unstable();
    out.dedup();
    (out.len() <= 6).then_some(out)
}

fn apply_settings(row: &mut SettingsRow, i: &SettingsInput) -> std::result::Result<(), Invalid> {
    let mut c = Checker::new();
    let text =
        |c: &mut Checker, field: &str, v: &Option<String>, keep: &str, max: usize| -> String {
            match v {
                Some(v) => c.optional(field, Some(v), max).unwrap_or_default(),
                None => keep.to_string(),
            }
        };
    row.legal_name = text(&mut c, "legal_name", &i.legal_name, &row.legal_name, 200);
    row.address_line = text(
        &mut c,
        "address_line",
        &i.address_line,
        &row.address_line,
        300,
    );
    row.postcode = text(&mut c, "postcode", &i.postcode, &row.postcode, 20);
    row.city = text(&mut c, "city", &i.city, &row.city, 100);
    row.country = text(&mut c, "country", &i.country, &row.country, 2).to_ascii_uppercase();
    if row.country.len() != 2 || !row.country.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.add("country", "err-country");
    }
    row.siren = mesure_domain::validate::compact(&text(&mut c, "siren", &i.siren, &row.siren, 20));
    if !row.siren.is_empty() && !mesure_domain::validate::is_siren(&row.siren) {
        c.add("siren", "err-siren");
    }
    row.registry_city = text(
        &mut c,
        "registry_city",
        &i.registry_city,
        &row.registry_city,
        100,
    );
    row.legal_form = text(&mut c, "legal_form", &i.legal_form, &row.legal_form, 50);
    if let Some(cap) = i.share_capital_minor {
        if !(0..=mesure_domain::max_amount_minor(Currency::EUR)).contains(&cap) {
            c.add("share_capital_minor", "err-amount-range");
        }
        row.share_capital_minor = Some(cap);
    }
    if let Some(v) = &i.vat_number {
        let v = mesure_domain::validate::compact(v).to_ascii_uppercase();
        if !v.is_empty() && !mesure_domain::validate::is_vat_number(&v) {
            c.add("vat_number", "err-vat");
        }
        row.vat_number = (!v.is_empty()).then_some(v);
    }
    if let Some(f) = i.franchise {
        row.franchise = f;
    }
    if let Some(f) = i.vat_on_debits {
        row.vat_on_debits = f;
    }
    if let Some(v) = &i.default_vat {
        match Vat::parse(v) {
            Some(v) => row.default_vat = v,
            None => c.add("default_vat", "err-vat-rate"),
        }
    }
    for (field, v, target) in [
        ("invoice_prefix", &i.invoice_prefix, &mut row.invoice_prefix),
        ("credit_prefix", &i.credit_prefix, &mut row.credit_prefix),
    ] {
        if let Some(v) = v {
            let v = v.trim().to_string();
            if numbering::valid_prefix(&v) {
                *target = v;
            } else {
                c.add(field, "err-invoice-prefix");
            }
        }
    }
    if row.invoice_prefix == row.credit_prefix {
        c.add("credit_prefix", "err-invoice-prefix-same");
    }
    if let Some(d) = i.payment_days {
        if !(0..=60).contains(&d) {
            c.add("payment_days", "err-payment-days");
        }
        row.payment_days = d;
    }
    row.penalty_rate = text(
        &mut c,
        "penalty_rate",
        &i.penalty_rate,
        &row.penalty_rate,
        200,
    );
    if row.penalty_rate.is_empty() {
        c.add("penalty_rate", "err-required");
    }
    if let Some(r) = &i.reminder_days {
        match reminder_days(r) {
            Some(days) => {
                row.reminder_days = days
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            }
            None => c.add("reminder_days", "err-reminder-days"),
        }
    }
    if let Some(v) = &i.iban {
        let v = mesure_domain::validate::compact(v).to_ascii_uppercase();
        if !v.is_empty() && !(15..=34).contains(&v.len()) {
            c.add("iban", "err-iban");
        }
        row.iban = (!v.is_empty()).then_some(v);
    }
    if let Some(g) = &i.grouping {
        match Grouping::parse(g) {
            Some(g) => row.grouping = g,
            None => c.add("grouping", "err-choice"),
        }
    }
    row.account_sales = text(
        &mut c,
        "account_sales",
        &i.account_sales,
        &row.account_sales,
        20,
    );
    row.account_vat = text(&mut c, "account_vat", &i.account_vat, &row.account_vat, 20);
    row.account_clients = text(
        &mut c,
        "account_clients",
        &i.account_clients,
        &row.account_clients,
        20,
    );
    c.finish()
}

/// Saves the seller settings; every bad field reported at once.
pub async fn save_settings(app: &App, ctx: &Ctx, input: &SettingsInput) -> Result<SettingsRow> {
    ctx.require(InvoicingAction::Settings)?;
    crate::write_tx!(app, tx => {
        let before = settings_or_default(&mut tx.conn(), ctx).await?;
        let mut after = before.clone();
        apply_settings(&mut after, input)?;
        after.updated_at = app.now();
        let expected = input.version.unwrap_or(before.version);
        if expected != before.version {
            return Err(ServiceError::Conflict("err-stale"));
        }
        after.version = before.version + 1;
        store::save_settings(&mut tx.conn(), &after, before.version).await?;
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), after.updated_at, "invoice_settings", ctx.workspace.uuid(), "update", Some(&before), Some(&after)).await?;
        after
    })
}

/// The most bytes a logo takes.
pub const MAX_LOGO: usize = 512 * 1024;

/// Sets the workspace's logo (PNG or JPEG) or, with `None`, removes it.
pub async fn set_logo(app: &App, ctx: &Ctx, logo: Option<Vec<u8>>) -> Result<()> {
    use base64::Engine;
    ctx.require(InvoicingAction::Settings)?;
    let logo = match logo {
        Some(bytes) => {
            let kind = logo_kind(&bytes)?;
            Some((
                base64::engine::general_purpose::STANDARD.encode(&bytes),
                kind.to_string(),
            ))
        }
        None => None,
    };
    crate::write_tx!(app, tx => {
        let s = store::settings(&mut tx.conn(), ctx.workspace).await?;
        if s.is_none() {
            let mut d = default_settings(ctx.workspace, &ctx.workspace_name);
            d.updated_at = app.now();
            d.version = 1;
            store::save_settings(&mut tx.conn(), &d, 0).await?;
        }
        store::set_logo(&mut tx.conn(), ctx.workspace, logo.clone()).await?;
        let what = serde_json::json!({"logo": logo.as_ref().map(|(_, k)| k.clone())});
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "invoice_settings", ctx.workspace.uuid(), "logo", None, Some(&what)).await?;
    })
}

/// The media type of a logo: a PNG or JPEG that decodes, within 512 KiB and 2000 × 2000
/// pixels; else a field error.
pub fn logo_kind(bytes: &[u8]) -> std::result::Result<&'static str, Invalid> {
    use mesure_pdf::LogoError;
    mesure_pdf::check_logo(bytes)
        .map(|k| k.mime())
        .map_err(|e| {
            Invalid::one(
                "logo",
                match e {
                    LogoError::TooBig => "err-logo-too-big",
                    LogoError::TooLarge => "err-logo-too-large",
                    LogoError::NotAnImage => "err-logo-not-image",
                },
            )
        })
}

/// The logo, if any.
pub async fn logo(app: &App, ctx: &Ctx) -> Result<Option<(Vec<u8>, String)>> {
    use base64::Engine;
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    Ok(store::logo(&mut c.conn(), ctx.workspace)
        .await?
        .and_then(|(b, k)| Some((base64::engine::general_purpose::STANDARD.decode(b).ok()?, k))))
}

/// A client's billing details (what the client record lacks for an invoice).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct BillingInput {
    pub postcode: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// A business (SIREN, the 40 € indemnity), not a consumer.
    pub business: Option<bool>,
    pub delivery_address: Option<String>,
    /// Show free work given on invoices, at zero with its value.
    pub show_free_work: Option<bool>,
}

pub async fn billing(app: &App, ctx: &Ctx, client: ClientId) -> Result<Option<BillingRow>> {
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    clients::get(&mut c.conn(), ctx.workspace, client).await?;
    Ok(store::billing(&mut c.conn(), ctx.workspace, client.uuid()).await?)
}

pub async fn save_billing(
    app: &App,
    ctx: &Ctx,
    client: ClientId,
    i: &BillingInput,
) -> Result<BillingRow> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let postcode = c
        .optional("postcode", i.postcode.as_deref(), 20)
        .unwrap_or_default();
    let city = c
        .optional("city", i.city.as_deref(), 100)
        .unwrap_or_default();
    let country = c
        .optional("country", i.country.as_deref(), 2)
        .unwrap_or_default()
        .to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.add("country", "err-country");
    }
    let delivery = c.optional("delivery_address", i.delivery_address.as_deref(), 300);
    c.finish()?;
    crate::write_tx!(app, tx => {
        clients::get(&mut tx.conn(), ctx.workspace, client).await?;
        let before = store::billing(&mut tx.conn(), ctx.workspace, client.uuid()).await?;
        let row = BillingRow {
            workspace_id: ctx.workspace.uuid(),
            client_id: client.uuid(),
            postcode: postcode.clone(),
            city: city.clone(),
            country: country.clone(),
            business: i.business.unwrap_or(true),
            delivery_address: delivery.clone(),
            show_free_work: i.show_free_work.unwrap_or(true),
            updated_at: app.now(),
        };
        store::save_billing(&mut tx.conn(), &row).await?;
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), row.updated_at, "client_billing", client.uuid(), "update", before.as_ref(), Some(&row)).await?;
        row
    })
}

/// What a new draft gathers.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct DraftInput {
    pub client_id: Uuid,
    /// `YYYY-MM-DD`, first day of the period.
    pub from: String,
    /// `YYYY-MM-DD`, last day of the period.
    pub to: String,
    /// The projects' currency to bill (the client's by default).
    pub currency: Option<String>,
    /// `deliverable`, `person`, `task` or `together` (the settings' by default).
    pub grouping: Option<String>,
    /// Show free work at zero (the client's choice by default).
    pub free_work: Option<bool>,
    pub note: Option<String>,
}

/// A grouping from a form or body: absent or blank is `None`, an unknown one an error.
fn grouping_field(c: &mut Checker, v: Option<&str>) -> Option<Grouping> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    let g = Grouping::parse(v);
    if g.is_none() {
        c.add("grouping", "err-choice");
    }
    g
}

fn day_field(c: &mut Checker, field: &str, v: &str) -> i32 {
    match mesure_domain::forms::parse_day(v) {
        Some(d) => d,
        None => {
            c.add(field, "err-date");
            0
        }
    }
}

/// A period's `from` and `to` (`YYYY-MM-DD`) as day keys, each error named.
fn period_fields(c: &mut Checker, from: &str, to: &str) -> (i32, i32) {
    let from = day_field(c, "from", from);
    let to = day_field(c, "to", to);
    if from != 0 && to != 0 && from > to {
        c.add("to", "err-period-order");
    }
    (from, to)
}

/// The VAT a client's lines take: zero with its legal ground where the seller or buyer calls
/// for it, else the settings' rate.
fn vat_for(s: &SettingsRow, b: &mentions::Buyer<'_>) -> Vat {
    let country = b.address.country.trim().to_ascii_uppercase();
    if s.franchise {
        Vat::Franchise
    } else if !country.is_empty() && !mentions::EU.contains(&country.as_str()) {
        Vat::OutsideEu
    } else if country != "FR" && b.business && b.vat_number.is_some() && !country.is_empty() {
        Vat::ReverseCharge
    } else {
        s.default_vat
    }
}

/// Names the draft's lines use: people and deliverables.
async fn names(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
) -> Result<(HashMap<Uuid, String>, HashMap<Uuid, String>)> {
    let people = mesure_store::people::users::list_staff(c, ws)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let deliverables = mesure_store::projects::deliverable_names(c, ws)
        .await?
        .into_iter()
        .collect();
    Ok((people, deliverables))
}

/// What a draft gathers: for which document, period, currency and grouping (the settings' when
/// absent), whether free work shows (the client's choice when absent), from which position.
struct Gather {
    invoice: Uuid,
    from: i32,
    to: i32,
    currency: Currency,
    grouping: Option<Grouping>,
    free_work: Option<bool>,
    first: i32,
}

/// The lines a draft gathers from the recorded work, what they bill, and the grouping used.
async fn gather(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    client: &ClientRow,
    g: Gather,
) -> Result<(Vec<LineRow>, Vec<store::ItemRow>, Grouping)> {
    let s = settings_or_default(c, ctx).await?;
    let billing = store::billing(c, ctx.workspace, client.id).await?;
    // The client's projects only (archived ones too: their work may still be unbilled).
    let projects: Vec<_> = mesure_store::projects::list(c, ctx.workspace, Some(client.id), true)
        .await?
        .into_iter()
        .filter(|p| p.currency == g.currency)
        .collect();
    let (people, deliverables) = names(c, ctx.workspace).await?;
    let buyer = document::buyer(client, billing.as_ref());
    let scope = draft::Scope {
        ws: ctx.workspace,
        invoice: g.invoice,
        client: client.id,
        from: g.from,
        to: g.to,
        currency: g.currency,
        grouping: g.grouping.unwrap_or(s.grouping),
        free_work: g
            .free_work
            .unwrap_or(billing.as_ref().is_none_or(|b| b.show_free_work)),
        vat: vat_for(&s, &buyer),
        lang: client.language,
        projects: &projects,
        people: &people,
        deliverables: &deliverables,
    };
    let (lines, items) = draft::lines(c, &scope, g.first).await?;
    if lines.len() > MAX_LINES {
        return Err(Invalid::one("grouping", "err-invoice-too-many-lines").into());
    }
    Ok((lines, items, scope.grouping))
}

/// Builds a draft for a client and period from the recorded work; it reserves what it bills.
pub async fn create_draft(app: &App, ctx: &Ctx, i: &DraftInput) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let (from, to) = period_fields(&mut c, &i.from, &i.to);
    let currency = match i
        .currency
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => match Currency::parse(s) {
            Some(cur) => Some(cur),
            None => {
                c.add("currency", "err-currency");
                None
            }
        },
        None => None,
    };
    let grouping = grouping_field(&mut c, i.grouping.as_deref());
    let note = c
        .optional("note", i.note.as_deref(), MAX_TEXT)
        .unwrap_or_default();
    c.finish()?;
    month_end::refresh_item_stats(app).await?;
    let id = Uuid::now_v7();
    crate::write_tx!(app, tx => {
        let client = clients::get(&mut tx.conn(), ctx.workspace, ClientId::from_uuid(i.client_id)).await?;
        let currency = currency.unwrap_or(client.currency);
        let (lines, items, grouping) = gather(
            &mut tx.conn(),
            ctx,
            &client,
            Gather { invoice: id, from, to, currency, grouping, free_work: i.free_work, first: 1 },
        )
        .await?;
        if lines.is_empty() {
            return Err(Invalid::one("to", "err-invoice-nothing-to-bill").into());
        }
        if lines.len() > MAX_LINES {
            return Err(Invalid::one("grouping", "err-invoice-too-many-lines").into());
        }
        let now = app.now();
        let row = InvoiceRow {
            workspace_id: ctx.workspace.uuid(),
            id,
            kind: DocKind::Invoice,
            client_id: client.id,
            currency,
            language: client.language,
            status: DocStatus::Draft,
            number: None,
            year: None,
            seq: None,
            issued_on: None,
            due_on: None,
            period_from: from,
            period_to: to,
            grouping,
            credited_invoice_id: None,
            credit_reason: None,
            releases_work: false,
            note: note.clone(),
            net_minor: 0,
            vat_minor: 0,
            gross_minor: 0,
            paid_minor: 0,
            credited_minor: 0,
            sent_at: None,
            issued_data: None,
            content_hash: None,
            previous_hash: None,
            chain_index: None,
            created_by: ctx.user.uuid(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        store::insert_invoice(&mut tx.conn(), &row).await?;
        store::insert_lines(&mut tx.conn(), &lines, &items).await?;
        retotal(&mut tx.conn(), ctx.workspace, &row, now).await?;
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), now, "invoice", id, "draft", None, Some(&serde_json::json!({"client_id": client.id, "period_from": from, "period_to": to, "lines": lines.len(), "items": items.len()}))).await?;
    })?;
    get(app, ctx, id).await
}

/// An edit of a draft; absent fields keep their value.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DraftEdit {
    /// `YYYY-MM-DD`
    pub from: Option<String>,
    /// `YYYY-MM-DD`
    pub to: Option<String>,
    /// `deliverable`, `person`, `task` or `together`.
    pub grouping: Option<String>,
    /// Show free work at zero.
    pub free_work: Option<bool>,
    pub note: Option<String>,
}

/// Edits a draft invoice: its note, or its period, grouping or free work, which gather its
/// lines from the work again (its manual lines kept, after them); what it no longer bills is
/// released, what it newly bills is reserved.
pub async fn update_draft(app: &App, ctx: &Ctx, id: Uuid, e: &DraftEdit) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let from = e.from.as_deref().map(|v| day_field(&mut c, "from", v));
    let to = e.to.as_deref().map(|v| day_field(&mut c, "to", v));
    let grouping = grouping_field(&mut c, e.grouping.as_deref());
    let note = e
        .note
        .as_deref()
        .map(|n| c.optional("note", Some(n), MAX_TEXT).unwrap_or_default());
    c.finish()?;
    let rebuild = from.is_some() || to.is_some() || grouping.is_some() || e.free_work.is_some();
    if rebuild {
        month_end::refresh_item_stats(app).await?;
    }
    crate::write_tx!(app, tx => {
        let mut inv = store::invoice(&mut tx.conn(), ctx.workspace, id).await?;
        if inv.kind != DocKind::Invoice || inv.status != DocStatus::Draft {
            return Err(ServiceError::Conflict("err-invoice-not-draft"));
        }
        let before = serde_json::json!({"period_from": inv.period_from, "period_to": inv.period_to, "grouping": inv.grouping.as_str(), "note": inv.note});
        let (from, to) = (from.unwrap_or(inv.period_from), to.unwrap_or(inv.period_to));
        if from > to {
            return Err(Invalid::one("to", "err-period-order").into());
        }
        if rebuild {
            let manual: Vec<LineRow> = store::lines(&mut tx.conn(), ctx.workspace, id)
                .await?
                .into_iter()
                .filter(|l| l.kind == LineKind::Manual)
                .collect();
            store::delete_lines(&mut tx.conn(), ctx.workspace, id).await?;
            let client = clients::get(&mut tx.conn(), ctx.workspace, ClientId::from_uuid(inv.client_id)).await?;
            let g = Gather { invoice: id, from, to, currency: inv.currency, grouping: grouping.or(Some(inv.grouping)), free_work: e.free_work, first: 1 };
            let (mut lines, items, grouping) = gather(&mut tx.conn(), ctx, &client, g).await?;
            let next = i32::try_from(lines.len()).unwrap_or(i32::MAX);
            for (k, mut l) in manual.into_iter().enumerate() {
                l.position = next.saturating_add(i32::try_from(k).unwrap_or(0)).saturating_add(1);
                lines.push(l);
            }
            if lines.is_empty() {
                return Err(Invalid::one("to", "err-invoice-nothing-to-bill").into());
            }
            if lines.len() > MAX_LINES {
                return Err(Invalid::one("grouping", "err-invoice-too-many-lines").into());
            }
            store::insert_lines(&mut tx.conn(), &lines, &items).await?;
            store::set_grouping(&mut tx.conn(), ctx.workspace, id, grouping).await?;
            inv.grouping = grouping;
        }
        inv.period_from = from;
        inv.period_to = to;
        if let Some(n) = &note {
            inv.note = n.clone();
        }
        let now = app.now();
        retotal(&mut tx.conn(), ctx.workspace, &inv, now).await?;
        let after = audit_of(&inv, serde_json::json!({"period_from": from, "period_to": to, "grouping": inv.grouping.as_str(), "note": inv.note}));
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), now, "invoice", id, "update", Some(&audit_of(&inv, before)), Some(&after)).await?;
    })?;
    get(app, ctx, id).await
}

/// What an invoice's audit entry records: its number once issued (a draft is named after its
/// client by the audit text), its client, and `more`.
fn audit_of(inv: &InvoiceRow, mut more: serde_json::Value) -> serde_json::Value {
    if let Some(m) = more.as_object_mut() {
        m.insert(
            "client_id".into(),
            serde_json::Value::String(inv.client_id.to_string()),
        );
        if let Some(n) = &inv.number {
            m.insert("name".into(), serde_json::Value::String(n.clone()));
        }
    }
    more
}

/// Recomputes a draft's totals from its lines.
async fn retotal(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    r: &InvoiceRow,
    now: i64,
) -> Result<(i64, i64, i64)> {
    let lines = store::lines(c, ws, r.id).await?;
    let t = totals_of(&lines)?;
    if !store::set_draft(c, ws, r.id, (r.period_from, r.period_to), &r.note, t, now).await? {
        return Err(ServiceError::Conflict("err-invoice-not-draft"));
    }
    Ok(t)
}

fn totals_of(lines: &[LineRow]) -> Result<(i64, i64, i64)> {
    let nets: Vec<(Vat, i64)> = lines.iter().map(|l| (l.vat, l.net_minor)).collect();
    let t =
        totals::totals_of(&nets).ok_or_else(|| Invalid::one("lines", "err-amount-too-large"))?;
    Ok((t.net, t.vat, t.gross))
}

/// A manual line.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct LineInput {
    pub description: String,
    /// A decimal, at most four places (`1`, `2.5`).
    pub quantity: String,
    /// Minor units per unit, excluding VAT, not negative.
    pub unit_price_minor: i64,
    /// `20`, `10`, `5.5`, `2.1`, `franchise`, `reverse_charge`, `outside_eu`; the draft's
    /// default when absent.
    pub vat: Option<String>,
    /// `C62` (unit) by default; `HUR` hours, `DAY` days, `MON` months.
    pub unit: Option<String>,
}

const UNITS: &[&str] = &["C62", "HUR", "DAY", "MON"];

/// Adds a manual line to a draft.
pub async fn add_line(app: &App, ctx: &Ctx, id: Uuid, i: &LineInput) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let description = c.required("description", &i.description, MAX_TEXT);
    let q: Option<Decimal> = i.quantity.trim().replace(',', ".").parse().ok();
    let quantity = match q {
        Some(q) if q.scale() <= 4 && !q.is_zero() && q.abs() <= Decimal::from(1_000_000) => {
            q.normalize()
        }
        _ => {
            c.add("quantity", "err-quantity");
            Decimal::ONE
        }
    };
    if !(0..=mesure_domain::max_amount_minor(Currency::EUR)).contains(&i.unit_price_minor) {
        c.add("unit_price_minor", "err-amount-range");
    }
    let vat = match i.vat.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => match Vat::parse(v) {
            Some(v) => Some(v),
            None => {
                c.add("vat", "err-vat-rate");
                None
            }
        },
        None => None,
    };
    let unit = i
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("C62");
    if !UNITS.contains(&unit) {
        c.add("unit", "err-choice");
    }
    let net = totals::Line {
        quantity,
        unit_price: i.unit_price_minor,
        vat: Vat::Standard,
    }
    .net();
    if net.is_none_or(|n| {
        n.unsigned_abs() > mesure_domain::max_amount_minor(Currency::EUR).unsigned_abs()
    }) {
        c.add("quantity", "err-amount-too-large");
    }
    c.finish()?;
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, id).await?;
        if inv.status != DocStatus::Draft || inv.kind != DocKind::Invoice {
            return Err(ServiceError::Conflict("err-invoice-not-draft"));
        }
        let lines = store::lines(&mut tx.conn(), ctx.workspace, id).await?;
        if lines.len() >= MAX_LINES {
            return Err(Invalid::one("description", "err-invoice-too-many-lines").into());
        }
        let s = settings_or_default(&mut tx.conn(), ctx).await?;
        let client = clients::get(&mut tx.conn(), ctx.workspace, ClientId::from_uuid(inv.client_id)).await?;
        let billing = store::billing(&mut tx.conn(), ctx.workspace, client.id).await?;
        let line = LineRow {
            workspace_id: ctx.workspace.uuid(),
            id: Uuid::now_v7(),
            invoice_id: id,
            position: lines.iter().map(|l| l.position).max().unwrap_or(0) + 1,
            kind: LineKind::Manual,
            project_id: None,
            description: description.clone(),
            detail: String::new(),
            quantity: quantity.to_string(),
            unit: unit.to_string(),
            unit_price_minor: i.unit_price_minor,
            vat: vat.unwrap_or_else(|| vat_for(&s, &document::buyer(&client, billing.as_ref()))),
            net_minor: net.unwrap_or(0),
            minutes: 0,
            free_value_minor: 0,
            period_from: None,
            period_to: None,
        };
        store::insert_lines(&mut tx.conn(), std::slice::from_ref(&line), &[]).await?;
        retotal(&mut tx.conn(), ctx.workspace, &inv, app.now()).await?;
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "invoice", id, "add_line", None, Some(&audit_of(&inv, serde_json::json!({"description": line.description, "quantity": line.quantity, "unit_price_minor": line.unit_price_minor, "vat": line.vat.as_str(), "net_minor": line.net_minor})))).await?;
    })?;
    get(app, ctx, id).await
}

/// Removes a line of a draft, releasing what it billed.
pub async fn delete_line(app: &App, ctx: &Ctx, id: Uuid, line: Uuid) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, id).await?;
        if inv.status != DocStatus::Draft {
            return Err(ServiceError::Conflict("err-invoice-not-draft"));
        }
        if !store::delete_line(&mut tx.conn(), ctx.workspace, id, line).await? {
            return Err(ServiceError::NotFound);
        }
        retotal(&mut tx.conn(), ctx.workspace, &inv, app.now()).await?;
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "invoice", id, "delete_line", None, Some(&audit_of(&inv, serde_json::json!({})))).await?;
    })?;
    get(app, ctx, id).await
}

/// Cancels a draft: it keeps no number and releases what it reserved.
pub async fn cancel(app: &App, ctx: &Ctx, id: Uuid) -> Result<()> {
    ctx.require(InvoicingAction::Write)?;
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, id).await?;
        if inv.status != DocStatus::Draft {
            return Err(ServiceError::Conflict("err-invoice-not-draft"));
        }
        if !store::cancel_draft(&mut tx.conn(), ctx.workspace, id, app.now()).await? {
            return Err(ServiceError::Conflict("err-invoice-not-draft"));
        }
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "invoice", id, "cancel", None, Some(&audit_of(&inv, serde_json::json!({})))).await?;
    })
}

/// Legal checks of seller, buyer and VAT for a document of `lines`.
fn legal_check(
    s: &SettingsRow,
    client: &ClientRow,
    b: Option<&BillingRow>,
    lines: &[LineRow],
) -> Result<()> {
    let vats: Vec<Vat> = lines.iter().map(|l| l.vat).collect();
    mentions::check(&document::seller(s), &document::buyer(client, b), &vats)?;
    Ok(())
}

/// Numbers, hashes and freezes a draft (an invoice or a credit note) in the caller's
/// transaction. The chain's row lock is taken first: issuers of one workspace go one at a time,
/// and a draft issued meanwhile is refused (409) before it takes a number.
async fn issue_in(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    corrects: Option<String>,
    today: i32,
) -> Result<InvoiceRow> {
    let (head, length) = store::lock_chain(c, ctx.workspace).await?;
    let mut inv = store::invoice(c, ctx.workspace, id).await?;
    if inv.status != DocStatus::Draft {
        return Err(ServiceError::Conflict("err-invoice-not-draft"));
    }
    let lines = store::lines(c, ctx.workspace, id).await?;
    let (net, vat, gross) = totals_of(&lines)?;
    if lines.is_empty() || gross <= 0 {
        return Err(Invalid::one("lines", "err-invoice-empty").into());
    }
    if store::stale_entries(c, ctx.workspace, id).await? > 0 {
        return Err(ServiceError::Conflict("err-invoice-work-changed"));
    }
    let s = store::settings(c, ctx.workspace)
        .await?
        .unwrap_or_else(|| default_settings(ctx.workspace, ""));
    let client = clients::get(c, ctx.workspace, ClientId::from_uuid(inv.client_id)).await?;
    let billing = store::billing(c, ctx.workspace, client.id).await?;
    legal_check(&s, &client, billing.as_ref(), &lines)?;
    let year = today / 10_000;
    let seq = store::next_seq(c, ctx.workspace, inv.kind, year).await?;
    let prefix = match inv.kind {
        DocKind::Invoice => &s.invoice_prefix,
        DocKind::CreditNote => &s.credit_prefix,
    };
    let number = numbering::format(
        prefix,
        i16::try_from(year).unwrap_or(i16::MAX),
        u32::try_from(seq).unwrap_or(0),
    );
    let due_on = match inv.kind {
        DocKind::Invoice => day_from_key(today)
            .and_then(|d| {
                d.checked_add(jiff::Span::new().days(i64::from(s.payment_days)))
                    .ok()
            })
            .map(day_key),
        DocKind::CreditNote => None,
    };
    let data: IssuedData = document::issued_data(
        inv.language,
        &s,
        &client,
        billing.as_ref(),
        &lines,
        due_on,
        corrects,
    );
    inv.number = Some(number.clone());
    inv.year = Some(year);
    inv.seq = Some(seq);
    inv.issued_on = Some(today);
    inv.due_on = due_on;
    inv.net_minor = net;
    inv.vat_minor = vat;
    inv.gross_minor = gross;
    inv.issued_data =
        Some(serde_json::to_string(&data).map_err(|e| ServiceError::Internal(e.to_string()))?);
    let content = document::canonical(&inv, &lines);
    let hash = chain::link(&head, &content);
    let now = app.now();
    if !store::set_draft(
        c,
        ctx.workspace,
        id,
        (inv.period_from, inv.period_to),
        &inv.note,
        (net, vat, gross),
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict("err-invoice-not-draft"));
    }
    let issued = store::Issue {
        number: &number,
        year,
        seq,
        issued_on: today,
        due_on,
        data: inv.issued_data.as_deref().unwrap_or(""),
        hash: &hash,
        previous: &head,
        chain_index: length + 1,
        now,
    };
    if !store::set_issued(c, ctx.workspace, id, &issued).await? {
        return Err(ServiceError::Conflict("err-invoice-not-draft"));
    }
    store::set_chain(c, ctx.workspace, &hash, length + 1).await?;
    billed::record_issued(c, ctx.workspace, &inv, &lines).await?;
    if inv.kind == DocKind::Invoice {
        store::mark_entries_invoiced(c, ctx.workspace, id, now).await?;
    }
    inv.status = DocStatus::Issued;
    inv.content_hash = Some(hash);
    inv.previous_hash = Some(head);
    inv.chain_index = Some(length + 1);
    record::<(), _>(
        c,
        ctx.workspace,
        &ctx.actor(),
        now,
        "invoice",
        id,
        "issue",
        None,
        Some(&audit_of(&inv, serde_json::json!({"gross_minor": gross}))),
    )
    .await?;
    Ok(inv)
}

/// Issues a draft invoice: the next number of its year, its content frozen and chained, its
/// entries locked for good.
pub async fn issue(app: &App, ctx: &Ctx, id: Uuid) -> Result<InvoiceView> {
    issue_dated(app, ctx, id, today(app, ctx)).await
}

/// Issues a draft dated `on` (`YYYYMMDD`): the demo's history. Numbers follow issue order, so
/// dates must not go back in time (the demo issues in date order).
#[doc(hidden)]
pub async fn issue_dated(app: &App, ctx: &Ctx, id: Uuid, on: i32) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, id).await?;
        if inv.kind != DocKind::Invoice {
            return Err(ServiceError::Conflict("err-invoice-not-draft"));
        }
        issue_in(&mut tx.conn(), app, ctx, id, None, on).await?;
    })?;
    // The document is now read by its client (the portal's pages of its billed entries): the
    // planner's picture of the items it reserved is refreshed now rather than at the next draft.
    // Best effort: the document is issued whatever ANALYZE answers.
    if let Err(e) = month_end::refresh_item_stats(app).await {
        tracing::warn!(error = %e, "refreshing invoice item statistics failed");
    }
    get(app, ctx, id).await
}

/// A credit note on an issued invoice.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct CreditInput {
    /// `wrong_rate`, `wrong_hours`, `duplicate`, `wrong_client`, `wrong_vat` (billing errors),
    /// `commercial`, `cancellation`.
    pub reason: String,
    /// Net amount to credit (minor units) for a partial credit note; absent: every line, in
    /// full.
    pub net_minor: Option<i64>,
    /// VAT of a partial credit note (the invoice's first line's by default).
    pub vat: Option<String>,
    /// A full credit note may release the invoice's work for billing again.
    pub release_work: Option<bool>,
    pub note: Option<String>,
}

/// Makes and issues a credit note referencing an invoice (full or partial) in one transaction.
pub async fn credit(app: &App, ctx: &Ctx, invoice: Uuid, i: &CreditInput) -> Result<InvoiceView> {
    credit_dated(app, ctx, invoice, i, today(app, ctx)).await
}

/// [`credit`] dated `on` (the demo's history).
#[doc(hidden)]
pub async fn credit_dated(
    app: &App,
    ctx: &Ctx,
    invoice: Uuid,
    i: &CreditInput,
    on: i32,
) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let reason = CreditReason::parse(&i.reason);
    if reason.is_none() {
        c.add("reason", "err-credit-reason");
    }
    if let Some(n) = i.net_minor
        && !(1..=mesure_domain::max_amount_minor(Currency::EUR)).contains(&n)
    {
        c.add("net_minor", "err-amount-range");
    }
    let vat = match i.vat.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => match Vat::parse(v) {
            Some(v) => Some(v),
            None => {
                c.add("vat", "err-vat-rate");
                None
            }
        },
        None => None,
    };
    if i.net_minor.is_some() && i.release_work == Some(true) {
        c.add("release_work", "err-credit-release-partial");
    }
    let note = c
        .optional("note", i.note.as_deref(), MAX_TEXT)
        .unwrap_or_default();
    c.finish()?;
    let reason = reason.ok_or_else(|| Invalid::one("reason", "err-credit-reason"))?;
    let id = Uuid::now_v7();
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, invoice).await?;
        if inv.kind != DocKind::Invoice || inv.status != DocStatus::Issued {
            return Err(ServiceError::Conflict("err-credit-not-issued"));
        }
        let lines = store::lines(&mut tx.conn(), ctx.workspace, invoice).await?;
        let now = app.now();
        let new_lines: Vec<LineRow> = match i.net_minor {
            None => lines
                .iter()
                .map(|l| LineRow { id: Uuid::now_v7(), invoice_id: id, ..l.clone() })
                .collect(),
            Some(net) => {
                let v = vat.unwrap_or_else(|| lines.first().map_or(Vat::Standard, |l| l.vat));
                vec![LineRow {
                    workspace_id: ctx.workspace.uuid(),
                    id: Uuid::now_v7(),
                    invoice_id: id,
                    position: 1,
                    kind: LineKind::Credit,
                    project_id: None,
                    description: mesure_i18n::t_args(inv.language, "invoice-line-credit", &[("number", mesure_i18n::Arg::Str(inv.number.as_deref().unwrap_or("")))]),
                    detail: mesure_i18n::t(inv.language, &format!("credit-reason-{}", reason.as_str().replace('_', "-"))),
                    quantity: "1".into(),
                    unit: "C62".into(),
                    unit_price_minor: net,
                    vat: v,
                    net_minor: net,
                    minutes: 0,
                    free_value_minor: 0,
                    period_from: None,
                    period_to: None,
                }]
            }
        };
        let (_, _, gross) = totals_of(&new_lines)?;
        let remaining = inv.gross_minor - inv.credited_minor;
        if gross > remaining {
            return Err(Invalid::one("net_minor", "err-credit-over-remaining").into());
        }
        let full = i.net_minor.is_none();
        if full && inv.credited_minor > 0 {
            return Err(Invalid::one("net_minor", "err-credit-over-remaining").into());
        }
        let row = InvoiceRow {
            id,
            kind: DocKind::CreditNote,
            status: DocStatus::Draft,
            number: None,
            year: None,
            seq: None,
            issued_on: None,
            due_on: None,
            credited_invoice_id: Some(invoice),
            credit_reason: Some(reason),
            releases_work: full && i.release_work == Some(true),
            note: note.clone(),
            net_minor: 0,
            vat_minor: 0,
            gross_minor: 0,
            paid_minor: 0,
            credited_minor: 0,
            sent_at: None,
            issued_data: None,
            content_hash: None,
            previous_hash: None,
            chain_index: None,
            created_by: ctx.user.uuid(),
            created_at: now,
            updated_at: now,
            version: 1,
            ..inv.clone()
        };
        store::insert_invoice(&mut tx.conn(), &row).await?;
        store::insert_lines(&mut tx.conn(), &new_lines, &[]).await?;
        let issued = issue_in(&mut tx.conn(), app, ctx, id, inv.number.clone(), on).await?;
        store::add_credited(&mut tx.conn(), ctx.workspace, invoice, issued.gross_minor).await?;
        if row.releases_work {
            store::release_work(&mut tx.conn(), ctx.workspace, invoice).await?;
        }
    })?;
    get(app, ctx, id).await
}

/// A payment received.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct PaymentInput {
    pub amount_minor: i64,
    /// The invoice's currency.
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    pub paid_on: String,
    /// `transfer`, `card`, `cheque`, `cash`, `direct_debit`, `other`.
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// Records a payment against an issued invoice.
pub async fn add_payment(
    app: &App,
    ctx: &Ctx,
    invoice: Uuid,
    i: &PaymentInput,
) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Write)?;
    let mut c = Checker::new();
    let paid_on = day_field(&mut c, "paid_on", &i.paid_on);
    let method = match i.method.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => PaymentMethod::parse(m).unwrap_or_else(|| {
            c.add("method", "err-choice");
            PaymentMethod::Other
        }),
        None => PaymentMethod::Transfer,
    };
    let reference = c
        .optional("reference", i.reference.as_deref(), 200)
        .unwrap_or_default();
    c.finish()?;
    let today = today(app, ctx);
    crate::write_tx!(app, tx => {
        let inv = store::invoice(&mut tx.conn(), ctx.workspace, invoice).await?;
        if inv.kind != DocKind::Invoice || inv.status != DocStatus::Issued {
            return Err(ServiceError::Conflict("err-payment-not-issued"));
        }
        let currency = i.currency.clone().unwrap_or_else(|| inv.currency.to_string());
        let facts = views::facts(&inv, today);
        payments::check_payment(
            &Payment { amount: i.amount_minor, currency: &currency, date: paid_on },
            inv.currency.code(),
            inv.issued_on.unwrap_or(0),
            facts.balance(),
            today,
        )
        .map_err(|mut e| {
            for f in &mut e.0 {
                f.field = match f.field.as_str() {
                    "amount" => "amount_minor".into(),
                    "date" => "paid_on".into(),
                    other => other.into(),
                };
            }
            e
        })?;
        let row = PaymentRow {
            workspace_id: ctx.workspace.uuid(),
            id: Uuid::now_v7(),
            invoice_id: invoice,
            amount_minor: i.amount_minor,
            currency: inv.currency,
            paid_on,
            method,
            reference: reference.clone(),
            created_by: ctx.user.uuid(),
            created_at: app.now(),
        };
        store::insert_payment(&mut tx.conn(), &row).await?;
        store::add_paid(&mut tx.conn(), ctx.workspace, invoice, i.amount_minor).await?;
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), row.created_at, "invoice", invoice, "payment", None, Some(&audit_of(&inv, serde_json::json!({"amount_minor": row.amount_minor, "paid_on": row.paid_on, "payment_method": row.method.as_str(), "reference": row.reference})))).await?;
    })?;
    get(app, ctx, invoice).await
}

/// One document with its lines, what they bill, payments and credits.
pub async fn get(app: &App, ctx: &Ctx, id: Uuid) -> Result<InvoiceView> {
    ctx.require(InvoicingAction::Read)?;
    load(app, ctx.workspace, id, today(app, ctx)).await
}

/// One document of workspace `ws` as of `today`, for a caller that checked its reader's right
/// (the invoicing pages, the portal for its own organisation's documents).
pub(crate) async fn load(app: &App, ws: WorkspaceId, id: Uuid, today: i32) -> Result<InvoiceView> {
    let mut c = app.db.read().await?;
    let c = &mut c.conn();
    let r = store::invoice(c, ws, id).await?;
    let lines = store::lines(c, ws, id).await?;
    let items = store::items(c, ws, id).await?;
    let payments = store::payments(c, ws, id).await?;
    let client = clients::get(c, ws, ClientId::from_uuid(r.client_id)).await?;
    let corrects = match r.credited_invoice_id {
        Some(i) => Some(views::DocRef::from(&store::invoice(c, ws, i).await?)),
        None => None,
    };
    let credit_notes = if r.kind == DocKind::Invoice {
        store::credits_of(c, ws, id)
            .await?
            .iter()
            .map(views::DocRef::from)
            .collect()
    } else {
        Vec::new()
    };
    Ok(InvoiceView {
        id: r.id,
        kind: r.kind,
        number: r.number.clone(),
        status: views::status_of(&r, today),
        client_id: r.client_id,
        client_name: client.name,
        currency: r.currency,
        language: r.language,
        issued_on: r.issued_on,
        due_on: r.due_on,
        period_from: r.period_from,
        period_to: r.period_to,
        grouping: r.grouping,
        note: r.note.clone(),
        net_minor: r.net_minor,
        vat_minor: r.vat_minor,
        gross_minor: r.gross_minor,
        paid_minor: r.paid_minor,
        credited_minor: r.credited_minor,
        balance_minor: views::balance_of(&r, today),
        vat_groups: views::vat_groups(&lines),
        lines: views::line_views(&lines, &items),
        payments: payments.iter().map(views::PaymentView::from).collect(),
        corrects,
        credit_reason: r.credit_reason,
        credit_notes,
        work_released: r.kind == DocKind::Invoice && r.releases_work,
        content_hash: r.content_hash.clone(),
        previous_hash: r.previous_hash.clone(),
        version: r.version,
    })
}

/// The entries each line of a document bills (date, person, note, minutes, amount).
pub async fn billed_entries(app: &App, ctx: &Ctx, id: Uuid) -> Result<Vec<store::BilledEntry>> {
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    store::invoice(&mut c.conn(), ctx.workspace, id).await?;
    Ok(store::billed_entries(&mut c.conn(), ctx.workspace, id).await?)
}

/// A page of documents, newest first, with whether more follow.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    mut q: store::ListQuery,
) -> Result<(Vec<InvoiceSummary>, bool)> {
    ctx.require(InvoicingAction::Read)?;
    let today = today(app, ctx);
    let limit = q.limit.clamp(1, 500);
    q.limit = limit + 1;
    let mut c = app.db.read().await?;
    let mut rows = store::list(&mut c.conn(), ctx.workspace, &q).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(0);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let names: HashMap<Uuid, String> = clients::names(&mut c.conn(), ctx.workspace)
        .await?
        .into_iter()
        .collect();
    Ok((
        rows.iter()
            .map(|r| {
                InvoiceSummary::of(
                    r,
                    names.get(&r.client_id).cloned().unwrap_or_default(),
                    today,
                )
            })
            .collect(),
        more,
    ))
}

/// The Factur-X XML of an issued document.
pub async fn facturx(app: &App, ctx: &Ctx, id: Uuid) -> Result<(String, String)> {
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    let r = store::invoice(&mut c.conn(), ctx.workspace, id).await?;
    if r.status != DocStatus::Issued {
        return Err(ServiceError::Conflict("err-invoice-not-issued"));
    }
    let lines = store::lines(&mut c.conn(), ctx.workspace, id).await?;
    let xml = document::facturx_xml(&r, &lines)
        .ok_or_else(|| ServiceError::Internal("factur-x of an issued document".into()))?;
    Ok((r.number.unwrap_or_default(), xml))
}

/// The PDF of an issued document (PDF/A-3b with its Factur-X XML), and its number.
pub async fn pdf(app: &App, ctx: &Ctx, id: Uuid) -> Result<(String, Vec<u8>)> {
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    let r = store::invoice(&mut c.conn(), ctx.workspace, id).await?;
    if r.status != DocStatus::Issued {
        return Err(ServiceError::Conflict("err-invoice-not-issued"));
    }
    let lines = store::lines(&mut c.conn(), ctx.workspace, id).await?;
    let logo = {
        use base64::Engine;
        store::logo(&mut c.conn(), ctx.workspace)
            .await?
            .and_then(|(b, _)| base64::engine::general_purpose::STANDARD.decode(b).ok())
    };
    drop(c);
    render_pdf(r, lines, logo).await
}

/// The PDF of an issued document for the job worker (no reader: the mail job was queued by
/// someone allowed to send it).
pub async fn pdf_of(app: &App, ws: WorkspaceId, id: Uuid) -> Result<(String, Vec<u8>)> {
    let mut c = app.db.read().await?;
    let r = store::invoice(&mut c.conn(), ws, id).await?;
    if r.status != DocStatus::Issued {
        return Err(ServiceError::Conflict("err-invoice-not-issued"));
    }
    let lines = store::lines(&mut c.conn(), ws, id).await?;
    let logo = {
        use base64::Engine;
        store::logo(&mut c.conn(), ws)
            .await?
            .and_then(|(b, _)| base64::engine::general_purpose::STANDARD.decode(b).ok())
    };
    drop(c);
    render_pdf(r, lines, logo).await
}

/// Renders a document's PDF off the async threads.
pub async fn render_pdf(
    r: InvoiceRow,
    lines: Vec<LineRow>,
    logo: Option<Vec<u8>>,
) -> Result<(String, Vec<u8>)> {
    let xml = document::facturx_xml(&r, &lines)
        .ok_or_else(|| ServiceError::Internal("factur-x of an issued document".into()))?;
    let doc = pdf::document(&r, &lines, xml, logo)
        .ok_or_else(|| ServiceError::Internal("pdf of an issued document".into()))?;
    let number = doc.document_number.clone();
    let bytes = tokio::task::spawn_blocking(move || mesure_pdf::render(&doc))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((number, bytes))
}

/// Unpaid invoices by days past due and days sales outstanding, in the workspace's currency.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReceivablesView {
    pub currency: Currency,
    /// Not yet due, 1–30, 31–60, 61–90, over 90 days past due.
    pub buckets: [i64; 5],
    /// Receivables ÷ the last 90 days' sales × 90; `None` without sales.
    pub dso_days: Option<i64>,
}

/// The window days sales outstanding looks back on.
pub const DSO_DAYS: i64 = 90;

/// Receivables for the workspace or one client.
pub async fn receivables(app: &App, ctx: &Ctx, client: Option<Uuid>) -> Result<ReceivablesView> {
    ctx.require(InvoicingAction::Read)?;
    let today = today(app, ctx);
    let currency = ctx.workspace_currency;
    let mut c = app.db.read().await?;
    let unpaid: Vec<(i32, i64)> = store::unpaid(&mut c.conn(), ctx.workspace)
        .await?
        .iter()
        .filter(|r| r.currency == currency && client.is_none_or(|cl| cl == r.client_id))
        .map(|r| (r.due_on.unwrap_or(today), views::balance_of(r, today)))
        .collect();
    let buckets =
        payments::ageing(today, &unpaid).ok_or_else(|| ServiceError::Internal("ageing".into()))?;
    let since = day_from_key(today)
        .and_then(|d| d.checked_sub(jiff::Span::new().days(DSO_DAYS)).ok())
        .map(day_key)
        .unwrap_or(today);
    let sales = store::sales_since(&mut c.conn(), ctx.workspace, since, currency, client).await?;
    let owed: i64 = buckets.iter().sum();
    Ok(ReceivablesView {
        currency,
        buckets,
        dso_days: payments::dso(owed, sales, DSO_DAYS),
    })
}

/// Billing errors over a period: invoices issued, credit notes for a billing error, the error
/// rate (credit notes for error ÷ invoices issued, `None` without invoices) and the gross
/// credited for them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BillingErrors {
    pub invoices: i64,
    pub errors: i64,
    pub rate: Option<Decimal>,
    pub credited_minor: i64,
}

/// Billing errors of the workspace or one client within `[from, to]` (`YYYYMMDD`).
pub async fn billing_errors(
    app: &App,
    ctx: &Ctx,
    client: Option<Uuid>,
    from: i32,
    to: i32,
) -> Result<BillingErrors> {
    ctx.require(InvoicingAction::Read)?;
    let mut c = app.db.read().await?;
    let (invoices, errors, credited) =
        store::errors_between(&mut c.conn(), ctx.workspace, from, to, client).await?;
    Ok(BillingErrors {
        invoices,
        errors,
        rate: mesure_domain::invoicing::payments::error_rate(errors, invoices),
        credited_minor: credited,
    })
}

/// The accountant's export: one row per issued document and VAT rate within `[from, to]`
/// (`YYYYMMDD`), invoices then credit notes by number, credit notes negative; with the
/// workspace's account codes. In the reader's CSV dialect.
pub async fn accountant_csv(app: &App, ctx: &Ctx, from: i32, to: i32) -> Result<String> {
    ctx.require(InvoicingAction::Read)?;
    let lang = ctx.language;
    let mut c = app.db.read().await?;
    let s = settings_or_default(&mut c.conn(), ctx).await?;
    let docs = store::issued_between(&mut c.conn(), ctx.workspace, from, to).await?;
    let lines = store::issued_lines_between(&mut c.conn(), ctx.workspace, from, to).await?;
    let clients: HashMap<Uuid, (String, Option<String>)> =
        store::client_identities(&mut c.conn(), ctx.workspace)
            .await?
            .into_iter()
            .map(|(id, name, legal, siren)| {
                (
                    id,
                    (
                        legal.filter(|n| !n.trim().is_empty()).unwrap_or(name),
                        siren,
                    ),
                )
            })
            .collect();
    let mut by_doc: HashMap<Uuid, Vec<(Vat, i64)>> = HashMap::new();
    for l in &lines {
        by_doc
            .entry(l.invoice_id)
            .or_default()
            .push((l.vat, l.net_minor));
    }
    let mut w = crate::csv_out::writer_for(lang);
    let csv_err = |e: csv::Error| ServiceError::Internal(e.to_string());
    w.header(&[
        "kind",
        "number",
        "date",
        "client",
        "siren",
        "currency",
        "vat_rate",
        "net",
        "vat",
        "gross",
        "account_sales",
        "account_vat",
        "account_clients",
    ])
    .map_err(csv_err)?;
    for d in &docs {
        let nets = by_doc.get(&d.id).cloned().unwrap_or_default();
        let t = totals::totals_of(&nets).ok_or_else(|| ServiceError::Internal("totals".into()))?;
        let sign = if d.kind == DocKind::CreditNote { -1 } else { 1 };
        let (client, siren) = clients.get(&d.client_id).cloned().unwrap_or_default();
        let fr = lang == mesure_domain::Language::Fr;
        let amount = |m: i64| {
            let plain = mesure_domain::Money::from_minor(m * sign, d.currency).to_decimal_string();
            if fr { plain.replace('.', ",") } else { plain }
        };
        for g in &t.groups {
            let row = [
                d.kind.as_str().to_string(),
                d.number.clone().unwrap_or_default(),
                d.issued_on
                    .and_then(day_from_key)
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
                client.clone(),
                siren.clone().unwrap_or_default(),
                d.currency.code().to_string(),
                g.vat.as_str().to_string(),
                amount(g.base),
                amount(g.amount),
                amount(g.base + g.amount),
                s.account_sales.clone(),
                s.account_vat.clone(),
                s.account_clients.clone(),
            ];
            w.write_record(&row).map_err(csv_err)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// What `mesure check --invoices` found in one workspace.
#[derive(Clone, Debug, Default)]
pub struct ChainReport {
    pub workspace: Uuid,
    pub documents: usize,
    /// The numbers of the documents whose content or link no longer matches, in chain order.
    pub broken: Vec<String>,
    /// Gaps or duplicates in a sequence: (kind, year, message).
    pub numbering: Vec<String>,
}

/// Verifies a workspace's chain of issued documents and its numbering.
pub async fn check_chain(app: &App, ws: WorkspaceId) -> Result<ChainReport> {
    let mut c = app.db.read().await?;
    let c = &mut c.conn();
    let docs = store::issued(c, ws).await?;
    let mut report = ChainReport {
        workspace: ws.uuid(),
        documents: docs.len(),
        ..Default::default()
    };
    let mut previous = chain::GENESIS.to_string();
    let mut seqs: std::collections::BTreeMap<(&'static str, i32), Vec<u32>> = Default::default();
    for d in &docs {
        let lines = store::lines(c, ws, d.id).await?;
        let content = document::canonical(d, &lines);
        let expected = chain::link(&previous, &content);
        let stored = d.content_hash.clone().unwrap_or_default();
        if expected != stored || d.previous_hash.as_deref() != Some(previous.as_str()) {
            report
                .broken
                .push(d.number.clone().unwrap_or_else(|| d.id.to_string()));
        }
        previous = stored;
        if let (Some(y), Some(s)) = (d.year, d.seq) {
            seqs.entry((d.kind.as_str(), y))
                .or_default()
                .push(u32::try_from(s).unwrap_or(0));
        }
    }
    if let Some((head, length)) = store::chain(c, ws).await? {
        let n = i64::try_from(docs.len()).unwrap_or(i64::MAX);
        if head != previous || length != n {
            report
                .broken
                .push(format!("head ({length} documents recorded, {n} found)"));
        }
    }
    for ((kind, year), mut s) in seqs {
        s.sort_unstable();
        if !numbering::gapless(&s) {
            report.numbering.push(format!("{kind} {year}: {s:?}"));
        }
    }
    Ok(report)
}
