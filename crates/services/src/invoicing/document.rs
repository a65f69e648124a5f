//! An issued document's frozen content: the seller and buyer as they were, the legal mentions in
//! the client's language; its canonical text for the hash chain; its Factur-X XML.
use mesure_domain::invoicing::chain;
use mesure_domain::invoicing::facturx::{self, Address, DocLine, Kind, Party};
use mesure_domain::invoicing::mentions::{Buyer, Seller};
use mesure_domain::invoicing::states::DocKind;
use mesure_domain::invoicing::totals::{Line, Vat};
use mesure_domain::{Language, Money};
use mesure_i18n::{Arg, t, t_args};
use mesure_store::clients::ClientRow;
use mesure_store::invoicing::{BillingRow, InvoiceRow, LineRow, SettingsRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A party as printed and as the XML says it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartySnap {
    pub name: String,
    pub address_line: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub siren: Option<String>,
    pub vat_number: Option<String>,
    /// Printed lines below the name (legal form and capital, registry, VAT number…).
    pub lines: Vec<String>,
}

/// What issuing freezes besides the lines.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct IssuedData {
    pub seller: PartySnap,
    pub buyer: PartySnap,
    pub delivery_address: Option<String>,
    /// The legal mentions, in the document's language.
    pub mentions: Vec<String>,
    /// The XML's notes: (subject code, text).
    pub notes: Vec<(String, String)>,
    /// For a credit note: the number of the invoice it corrects.
    pub corrects: Option<String>,
    pub iban: Option<String>,
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The seller as the legal checks see it.
pub fn seller(s: &SettingsRow) -> Seller<'_> {
    Seller {
        name: &s.legal_name,
        address: Address {
            line: &s.address_line,
            postcode: &s.postcode,
            city: &s.city,
            country: &s.country,
        },
        siren: &s.siren,
        registry_city: &s.registry_city,
        legal_form: &s.legal_form,
        share_capital: s.share_capital_minor,
        vat_number: opt(&s.vat_number),
        franchise: s.franchise,
    }
}

/// The street part of a client's billing address: without a last line that holds the postcode
/// (addresses are often typed whole, "12 rue des Martyrs\n75009 Paris").
pub fn street<'a>(address: &'a str, postcode: &str) -> &'a str {
    let a = address.trim();
    match a.rsplit_once('\n') {
        Some((head, last)) if !postcode.trim().is_empty() && last.contains(postcode.trim()) => {
            head.trim()
        }
        _ => a,
    }
}

/// The buyer as the legal checks see it (an absent billing record leaves the fields empty, so
/// the checks name them).
pub fn buyer<'a>(c: &'a ClientRow, b: Option<&'a BillingRow>) -> Buyer<'a> {
    Buyer {
        name: c
            .legal_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&c.name),
        address: Address {
            line: street(
                c.billing_address.as_deref().unwrap_or(""),
                b.map_or("", |b| b.postcode.as_str()),
            ),
            postcode: b.map_or("", |b| b.postcode.as_str()),
            city: b.map_or("", |b| b.city.as_str()),
            country: b.map_or("", |b| b.country.as_str()),
        },
        siren: opt(&c.siren),
        vat_number: opt(&c.vat_number),
        business: b.is_none_or(|b| b.business),
    }
}

/// The frozen content of a document issued today.
pub fn issued_data(
    lang: Language,
    s: &SettingsRow,
    c: &ClientRow,
    b: Option<&BillingRow>,
    lines: &[LineRow],
    due_on: Option<i32>,
    corrects: Option<String>,
) -> IssuedData {
    let currency = mesure_domain::Currency::EUR;
    let mut seller_lines = Vec::new();
    let capital = s
        .share_capital_minor
        .map(|m| mesure_i18n::money(lang, Money::from_minor(m, currency)));
    seller_lines.push(match capital {
        Some(cap) => t_args(
            lang,
            "invoice-seller-form-capital",
            &[
                ("form", Arg::Str(&s.legal_form)),
                ("capital", Arg::Str(&cap)),
            ],
        ),
        None => s.legal_form.clone(),
    });
    seller_lines.push(t_args(
        lang,
        "invoice-seller-registry",
        &[
            ("siren", Arg::Str(&s.siren)),
            ("city", Arg::Str(&s.registry_city)),
        ],
    ));
    if let Some(v) = opt(&s.vat_number) {
        seller_lines.push(t_args(
            lang,
            "invoice-vat-number",
            &[("number", Arg::Str(v))],
        ));
    }
    let by = buyer(c, b);
    let mut buyer_lines = Vec::new();
    if let Some(siren) = by.siren {
        buyer_lines.push(t_args(lang, "invoice-siren", &[("siren", Arg::Str(siren))]));
    }
    if let Some(v) = by.vat_number {
        buyer_lines.push(t_args(
            lang,
            "invoice-vat-number",
            &[("number", Arg::Str(v))],
        ));
    }
    let mut mentions = Vec::new();
    let mut notes = Vec::new();
    let mut vats: Vec<Vat> = lines.iter().map(|l| l.vat).collect();
    vats.sort();
    vats.dedup();
    for v in &vats {
        if let Some(m) = v.mention() {
            mentions.push(m.to_string());
        }
    }
    if let Some(d) = due_on.and_then(mesure_domain::projects::engagement::day_from_key) {
        let text = t_args(
            lang,
            "invoice-mention-due",
            &[("date", Arg::Str(&mesure_i18n::date(lang, d)))],
        );
        notes.push(("PMT".to_string(), text.clone()));
        mentions.push(text);
    }
    let penalties = if by.business {
        t_args(
            lang,
            "invoice-mention-penalties-business",
            &[("rate", Arg::Str(&s.penalty_rate))],
        )
    } else {
        t_args(
            lang,
            "invoice-mention-penalties",
            &[("rate", Arg::Str(&s.penalty_rate))],
        )
    };
    notes.push(("PMD".to_string(), penalties.clone()));
    mentions.push(penalties);
    let discount = t(lang, "invoice-mention-discount");
    notes.push(("AAB".to_string(), discount.clone()));
    mentions.push(discount);
    mentions.push(t(lang, "invoice-mention-category"));
    if s.vat_on_debits {
        mentions.push(t(lang, "invoice-mention-debits"));
    }
    let reg = format!(
        "{} — {}",
        seller_lines.join(" — "),
        t(lang, "invoice-mention-category")
    );
    notes.push(("REG".to_string(), reg));
    IssuedData {
        seller: PartySnap {
            name: s.legal_name.trim().to_string(),
            address_line: s.address_line.trim().to_string(),
            postcode: s.postcode.trim().to_string(),
            city: s.city.trim().to_string(),
            country: s.country.trim().to_ascii_uppercase(),
            siren: Some(s.siren.trim().to_string()),
            vat_number: opt(&s.vat_number).map(str::to_string),
            lines: seller_lines,
        },
        buyer: PartySnap {
            name: by.name.trim().to_string(),
            address_line: by.address.line.trim().to_string(),
            postcode: by.address.postcode.trim().to_string(),
            city: by.address.city.trim().to_string(),
            country: by.address.country.trim().to_ascii_uppercase(),
            siren: by.siren.map(str::to_string),
            vat_number: by.vat_number.map(str::to_string),
            lines: buyer_lines,
        },
        delivery_address: b.and_then(|b| opt(&b.delivery_address)).map(str::to_string),
        mentions,
        notes,
        corrects,
        iban: opt(&s.iban).map(str::to_string),
    }
}

/// A document's canonical content: every field that makes it, in a fixed order.
pub fn canonical(r: &InvoiceRow, lines: &[LineRow]) -> String {
    let num = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut fields: Vec<(String, String)> = vec![
        ("kind".into(), r.kind.as_str().into()),
        ("number".into(), r.number.clone().unwrap_or_default()),
        ("client".into(), r.client_id.to_string()),
        ("currency".into(), r.currency.to_string()),
        ("issued_on".into(), num(r.issued_on)),
        ("due_on".into(), num(r.due_on)),
        (
            "period".into(),
            format!("{}-{}", r.period_from, r.period_to),
        ),
        (
            "corrects".into(),
            r.credited_invoice_id
                .map(|u| u.to_string())
                .unwrap_or_default(),
        ),
        (
            "reason".into(),
            r.credit_reason
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("net".into(), r.net_minor.to_string()),
        ("vat".into(), r.vat_minor.to_string()),
        ("gross".into(), r.gross_minor.to_string()),
        ("data".into(), r.issued_data.clone().unwrap_or_default()),
    ];
    for l in lines {
        fields.push((
            "line".into(),
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}",
                l.position,
                l.kind.as_str(),
                l.description,
                l.detail,
                l.quantity,
                l.unit,
                l.unit_price_minor,
                l.vat.as_str(),
                l.net_minor
            ),
        ));
    }
    chain::canonical(fields.iter().map(|(a, b)| (a.as_str(), b.as_str())))
}

/// The Factur-X XML of an issued document; `None` for a draft or past 64 bits.
pub fn facturx_xml(r: &InvoiceRow, lines: &[LineRow]) -> Option<String> {
    let data: IssuedData = serde_json::from_str(r.issued_data.as_deref()?).ok()?;
    let number = r.number.as_deref()?;
    let party = |p: &PartySnap| -> (String, Option<String>, Option<String>, [String; 4]) {
        (
            p.name.clone(),
            p.siren.clone(),
            p.vat_number.clone(),
            [
                p.address_line.clone(),
                p.postcode.clone(),
                p.city.clone(),
                p.country.clone(),
            ],
        )
    };
    let (sn, ss, sv, sa) = party(&data.seller);
    let (bn, bs, bv, ba) = party(&data.buyer);
    let corrects = data.corrects.clone().unwrap_or_default();
    let quantities: Vec<Decimal> = lines
        .iter()
        .map(|l| l.quantity.parse::<Decimal>().unwrap_or(Decimal::ONE))
        .collect();
    let doc = facturx::Document {
        kind: match r.kind {
            DocKind::Invoice => Kind::Invoice,
            DocKind::CreditNote => Kind::CreditNote { of: &corrects },
        },
        number,
        issued_on: r.issued_on?,
        due_on: r.due_on,
        period: Some((r.period_from, r.period_to)),
        currency: r.currency,
        seller: Party {
            name: &sn,
            siren: ss.as_deref(),
            vat_number: sv.as_deref(),
            address: Address {
                line: &sa[0],
                postcode: &sa[1],
                city: &sa[2],
                country: &sa[3],
            },
        },
        buyer: Party {
            name: &bn,
            siren: bs.as_deref(),
            vat_number: bv.as_deref(),
            address: Address {
                line: &ba[0],
                postcode: &ba[1],
                city: &ba[2],
                country: &ba[3],
            },
        },
        lines: lines
            .iter()
            .zip(&quantities)
            .map(|(l, q)| DocLine {
                description: &l.description,
                unit: &l.unit,
                line: Line {
                    quantity: *q,
                    unit_price: l.unit_price_minor,
                    vat: l.vat,
                },
                net: Some(l.net_minor),
            })
            .collect(),
        notes: data
            .notes
            .iter()
            .map(|(s, t)| (s.as_str(), t.clone()))
            .collect(),
    };
    facturx::cii_xml(&doc)
}

#[cfg(test)]
mod tests {
    use super::street;

    #[test]
    fn the_street_drops_a_last_line_holding_the_postcode() {
        assert_eq!(
            street("12 rue des Martyrs\n75009 Paris", "75009"),
            "12 rue des Martyrs"
        );
        assert_eq!(street("12 rue des Martyrs", "75009"), "12 rue des Martyrs");
        assert_eq!(
            street("Bât. B\n3 quai Est\n69002 Lyon", "69002"),
            "Bât. B\n3 quai Est"
        );
        assert_eq!(
            street("Château Lacoste\n33250 Pauillac", ""),
            "Château Lacoste\n33250 Pauillac"
        );
    }
}
