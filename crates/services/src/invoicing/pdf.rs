//! The PDF of an issued document: its frozen content laid out in the client's language, with its
//! Factur-X XML embedded (PDF/A-3b, crate `mesure-pdf`).
use crate::invoicing::document::{IssuedData, PartySnap};
use mesure_domain::invoicing::states::DocKind;
use mesure_domain::invoicing::totals::Vat;
use mesure_domain::projects::engagement::day_from_key;
use mesure_domain::{Currency, Language, Money};
use mesure_i18n::{Arg, t, t_args};
use mesure_store::invoicing::{InvoiceRow, LineRow};
use rust_decimal::Decimal;

fn money(lang: Language, minor: i64, c: Currency) -> String {
    mesure_i18n::money(lang, Money::from_minor(minor, c))
}

fn day(lang: Language, k: i32) -> String {
    day_from_key(k)
        .map(|d| mesure_i18n::date(lang, d))
        .unwrap_or_default()
}

/// `20 %`, `5,5 %`, `0 %`.
pub fn vat_text(lang: Language, v: Vat) -> String {
    let p = v.percent().normalize();
    format!("{}\u{a0}%", mesure_i18n::number(lang, p, p.scale()))
}

/// A quantity with its unit: `3,5 h`, `1`, `2 mois`.
pub fn quantity_text(lang: Language, q: &str, unit: &str) -> String {
    let d: Decimal = q.parse().unwrap_or(Decimal::ZERO);
    let n = mesure_i18n::number(lang, d, d.normalize().scale());
    match unit {
        "HUR" => format!("{n}\u{a0}h"),
        "DAY" => format!("{n}\u{a0}{}", t(lang, "invoice-unit-day")),
        "MON" => format!("{n}\u{a0}{}", t(lang, "invoice-unit-month")),
        _ => n,
    }
}

fn party(p: &PartySnap) -> Vec<String> {
    let mut out = vec![p.name.clone()];
    if !p.address_line.is_empty() {
        out.extend(p.address_line.lines().map(str::to_string));
    }
    out.push(format!("{} {}", p.postcode, p.city).trim().to_string());
    if p.country != "FR" {
        out.push(p.country.clone());
    }
    out.extend(p.lines.iter().cloned());
    out
}

/// The document to render; `None` for a draft (only issued documents have a PDF).
pub fn document(
    r: &InvoiceRow,
    lines: &[LineRow],
    xml: String,
    logo: Option<Vec<u8>>,
) -> Option<mesure_pdf::Document> {
    let data: IssuedData = serde_json::from_str(r.issued_data.as_deref()?).ok()?;
    let number = r.number.clone()?;
    let issued = day_from_key(r.issued_on?)?;
    let lang = r.language;
    let c = r.currency;
    let title_key = match r.kind {
        DocKind::Invoice => "invoice-pdf-title-invoice",
        DocKind::CreditNote => "invoice-pdf-title-credit",
    };
    let mut meta = vec![
        (t(lang, "invoice-pdf-number"), number.clone()),
        (t(lang, "invoice-pdf-date"), mesure_i18n::date(lang, issued)),
    ];
    if let Some(d) = r.due_on {
        meta.push((t(lang, "invoice-pdf-due"), day(lang, d)));
    }
    meta.push((
        t(lang, "invoice-pdf-period"),
        format!("{} – {}", day(lang, r.period_from), day(lang, r.period_to)),
    ));
    if let Some(of) = &data.corrects {
        meta.push((t(lang, "invoice-pdf-corrects"), of.clone()));
    }
    let mut buyer = party(&data.buyer);
    if let Some(d) = &data.delivery_address {
        buyer.push(t_args(
            lang,
            "invoice-pdf-delivery",
            &[("address", Arg::Str(d))],
        ));
    }
    let rows = lines
        .iter()
        .map(|l| mesure_pdf::Row {
            description: l.description.clone(),
            detail: (!l.detail.is_empty()).then(|| l.detail.clone()),
            quantity: quantity_text(lang, &l.quantity, &l.unit),
            unit_price: money(lang, l.unit_price_minor, c),
            vat: vat_text(lang, l.vat),
            net: money(lang, l.net_minor, c),
            muted: l.net_minor == 0,
        })
        .collect();
    let nets: Vec<(Vat, i64)> = lines.iter().map(|l| (l.vat, l.net_minor)).collect();
    let totals = mesure_domain::invoicing::totals::totals_of(&nets)?;
    let mut sums = vec![(t(lang, "invoice-pdf-total-net"), money(lang, totals.net, c))];
    for g in &totals.groups {
        sums.push((
            t_args(
                lang,
                "invoice-pdf-vat-of",
                &[
                    ("rate", Arg::Str(&vat_text(lang, g.vat))),
                    ("base", Arg::Str(&money(lang, g.base, c))),
                ],
            ),
            money(lang, g.amount, c),
        ));
    }
    sums.push((
        t(lang, "invoice-pdf-total-gross"),
        money(lang, totals.gross, c),
    ));
    let mut notes = Vec::new();
    if !r.note.trim().is_empty() {
        notes.push(r.note.clone());
    }
    if let Some(iban) = &data.iban
        && r.kind == DocKind::Invoice
    {
        notes.push(t_args(
            lang,
            "invoice-pdf-iban",
            &[("iban", Arg::Str(iban))],
        ));
    }
    Some(mesure_pdf::Document {
        lang: lang.as_str().to_string(),
        title: t_args(lang, title_key, &[("number", Arg::Str(&number))]),
        logo,
        seller: party(&data.seller),
        buyer_heading: t(lang, "invoice-pdf-bill-to"),
        buyer,
        meta,
        columns: [
            t(lang, "invoice-pdf-col-description"),
            t(lang, "invoice-pdf-col-quantity"),
            t(lang, "invoice-pdf-col-unit-price"),
            t(lang, "invoice-pdf-col-vat"),
            t(lang, "invoice-pdf-col-net"),
        ],
        lines: rows,
        totals: sums,
        notes,
        mentions: data.mentions.clone(),
        page_label: t_args(
            lang,
            "invoice-pdf-page",
            &[("page", Arg::Str("{page}")), ("pages", Arg::Str("{pages}"))],
        ),
        facturx_xml: xml.into_bytes(),
        document_number: number,
        created: mesure_pdf::Timestamp {
            year: u16::try_from(issued.year()).unwrap_or(2000),
            month: u8::try_from(issued.month()).unwrap_or(1),
            day: u8::try_from(issued.day()).unwrap_or(1),
            hour: 0,
            minute: 0,
            second: 0,
        },
    })
}
