//! The Factur-X XML of a document (profile EN 16931, UN/CEFACT Cross Industry Invoice D16B): the
//! structured invoice a French buyer's software reads. Amounts come from [`totals`], the same rule
//! as the page, the API and the PDF, so all agree to the cent. Written by hand (no XML library):
//! every text is escaped, element order follows the XSD, which the tests check.
use crate::invoicing::totals::{self, Line, Vat};
use crate::{Currency, Money};
use rust_decimal::Decimal;
use std::fmt::Write;

/// A party's postal address (BG-5 / BG-8); `country` is ISO 3166-1 alpha-2.
#[derive(Clone, Copy, Debug, Default)]
pub struct Address<'a> {
    pub line: &'a str,
    pub postcode: &'a str,
    pub city: &'a str,
    pub country: &'a str,
}

/// The seller or the buyer.
#[derive(Clone, Copy, Debug)]
pub struct Party<'a> {
    pub name: &'a str,
    /// SIREN (scheme 0002).
    pub siren: Option<&'a str>,
    /// Intra-community VAT number.
    pub vat_number: Option<&'a str>,
    pub address: Address<'a>,
}

/// What kind of document, with its UNTDID 1001 type code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// 380.
    Invoice,
    /// 381, with the number of the invoice it corrects.
    CreditNote { of: &'a str },
}

/// A line: its description, a quantity in a UN/ECE unit (`HUR` hours, `C62` units) at a unit
/// price excluding VAT.
#[derive(Clone, Copy, Debug)]
pub struct DocLine<'a> {
    pub description: &'a str,
    pub unit: &'a str,
    pub line: Line,
}

/// Everything the XML says.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    pub kind: Kind<'a>,
    pub number: &'a str,
    /// `YYYYMMDD`.
    pub issued_on: i32,
    pub due_on: Option<i32>,
    /// The service period (BG-14), `YYYYMMDD` both included.
    pub period: Option<(i32, i32)>,
    pub currency: Currency,
    pub seller: Party<'a>,
    pub buyer: Party<'a>,
    pub lines: Vec<DocLine<'a>>,
    /// Notes (BG-1) with their subject code (`PMT` payment terms, `PMD` penalties, `AAB`
    /// discount terms, `REG` regulatory).
    pub notes: Vec<(&'a str, String)>,
}

/// `&`, `<`, `>`, `"` and `'` escaped; control characters other than tab and line breaks are not
/// XML and are dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn amount(minor: i64, c: Currency) -> String {
    Money::from_minor(minor, c).to_decimal_string()
}

fn date(d: i32) -> String {
    format!("<udt:DateTimeString format=\"102\">{d:08}</udt:DateTimeString>")
}

fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

fn party(out: &mut String, tag: &str, p: &Party<'_>) {
    let _ = write!(out, "<ram:{tag}><ram:Name>{}</ram:Name>", esc(p.name));
    if let Some(s) = p.siren {
        let _ = write!(
            out,
            "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">{}</ram:ID></ram:SpecifiedLegalOrganization>",
            esc(s)
        );
    }
    let a = &p.address;
    let _ = write!(
        out,
        "<ram:PostalTradeAddress><ram:PostcodeCode>{}</ram:PostcodeCode><ram:LineOne>{}</ram:LineOne><ram:CityName>{}</ram:CityName><ram:CountryID>{}</ram:CountryID></ram:PostalTradeAddress>",
        esc(a.postcode),
        esc(a.line),
        esc(a.city),
        esc(a.country)
    );
    if let Some(v) = p.vat_number {
        let _ = write!(
            out,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            esc(v)
        );
    }
    let _ = write!(out, "</ram:{tag}>");
}

fn tax(out: &mut String, vat: Vat, calculated: Option<&str>, basis: Option<&str>) {
    out.push_str("<ram:ApplicableTradeTax>");
    if let Some(c) = calculated {
        let _ = write!(out, "<ram:CalculatedAmount>{c}</ram:CalculatedAmount>");
    }
    out.push_str("<ram:TypeCode>VAT</ram:TypeCode>");
    if let (Some(m), Some(_)) = (vat.mention(), basis) {
        let _ = write!(out, "<ram:ExemptionReason>{}</ram:ExemptionReason>", esc(m));
    }
    if let Some(b) = basis {
        let _ = write!(out, "<ram:BasisAmount>{b}</ram:BasisAmount>");
    }
    let _ = write!(
        out,
        "<ram:CategoryCode>{}</ram:CategoryCode>",
        vat.category()
    );
    if let (Some(code), Some(_)) = (vat.exemption_code(), basis) {
        let _ = write!(
            out,
            "<ram:ExemptionReasonCode>{code}</ram:ExemptionReasonCode>"
        );
    }
    let _ = write!(
        out,
        "<ram:RateApplicablePercent>{}</ram:RateApplicablePercent></ram:ApplicableTradeTax>",
        decimal(vat.percent())
    );
}

/// The document's Factur-X XML; `None` when its totals pass 64 bits.
pub fn cii_xml(doc: &Document<'_>) -> Option<String> {
    let lines: Vec<Line> = doc.lines.iter().map(|l| l.line).collect();
    let t = totals::totals(&lines)?;
    let c = doc.currency;
    let mut out = String::with_capacity(4096 + 1024 * doc.lines.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\" xmlns:qdt=\"urn:un:unece:uncefact:data:standard:QualifiedDataType:100\" xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\" xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">");
    out.push_str("<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>");
    let type_code = match doc.kind {
        Kind::Invoice => "380",
        Kind::CreditNote { .. } => "381",
    };
    let _ = write!(
        out,
        "<rsm:ExchangedDocument><ram:ID>{}</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode><ram:IssueDateTime>{}</ram:IssueDateTime>",
        esc(doc.number),
        date(doc.issued_on)
    );
    for (subject, text) in &doc.notes {
        let _ = write!(
            out,
            "<ram:IncludedNote><ram:Content>{}</ram:Content><ram:SubjectCode>{}</ram:SubjectCode></ram:IncludedNote>",
            esc(text),
            esc(subject)
        );
    }
    out.push_str("</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>");
    for (i, (l, net)) in doc.lines.iter().zip(&t.line_nets).enumerate() {
        let _ = write!(
            out,
            "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument><ram:SpecifiedTradeProduct><ram:Name>{}</ram:Name></ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"{}\">{}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement>",
            i + 1,
            esc(l.description),
            amount(l.line.unit_price, c),
            esc(l.unit),
            decimal(l.line.quantity)
        );
        tax(&mut out, l.line.vat, None, None);
        let _ = write!(
            out,
            "<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>",
            amount(*net, c)
        );
    }
    out.push_str("<ram:ApplicableHeaderTradeAgreement>");
    party(&mut out, "SellerTradeParty", &doc.seller);
    party(&mut out, "BuyerTradeParty", &doc.buyer);
    out.push_str("</ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeDelivery/>");
    let _ = write!(
        out,
        "<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>{}</ram:InvoiceCurrencyCode>",
        c.code()
    );
    for g in &t.groups {
        tax(
            &mut out,
            g.vat,
            Some(&amount(g.amount, c)),
            Some(&amount(g.base, c)),
        );
    }
    if let Some((from, to)) = doc.period {
        let _ = write!(
            out,
            "<ram:BillingSpecifiedPeriod><ram:StartDateTime>{}</ram:StartDateTime><ram:EndDateTime>{}</ram:EndDateTime></ram:BillingSpecifiedPeriod>",
            date(from),
            date(to)
        );
    }
    if let Some(d) = doc.due_on {
        let _ = write!(
            out,
            "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>{}</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>",
            date(d)
        );
    }
    let _ = write!(
        out,
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>{net}</ram:LineTotalAmount><ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"{code}\">{vat}</ram:TaxTotalAmount><ram:GrandTotalAmount>{gross}</ram:GrandTotalAmount><ram:DuePayableAmount>{gross}</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        net = amount(t.net, c),
        vat = amount(t.vat, c),
        gross = amount(t.gross, c),
        code = c.code()
    );
    if let Kind::CreditNote { of } = doc.kind {
        let _ = write!(
            out,
            "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>",
            esc(of)
        );
    }
    out.push_str("</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>\n");
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A complete sample (the tests validate it against the official XSD).
    fn sample(kind: Kind<'static>) -> Document<'static> {
        let line = |q: &str, price: i64, vat: Vat| Line {
            quantity: q.parse().unwrap_or_default(),
            unit_price: price,
            vat,
        };
        Document {
        kind,
        number: "F2026-0001",
        issued_on: 20260331,
        due_on: Some(20260430),
        period: Some((20260301, 20260331)),
        currency: Currency::EUR,
        seller: Party {
            name: "Atelier Lumière SARL",
            siren: Some("812345678"),
            vat_number: Some("FR40812345678"),
            address: Address {
                line: "12 rue des Arts",
                postcode: "69002",
                city: "Lyon",
                country: "FR",
            },
        },
        buyer: Party {
            name: "Boulangerie Dupain & Fils <SAS>",
            siren: Some("423456789"),
            vat_number: Some("FR12423456789"),
            address: Address {
                line: "3 place du Marché",
                postcode: "75011",
                city: "Paris",
                country: "FR",
            },
        },
        lines: vec![
            DocLine {
                description: "Maquettes — 3 h 30",
                unit: "HUR",
                line: line("3.5", 12_000, Vat::Standard),
            },
            DocLine {
                description: "Hébergement",
                unit: "C62",
                line: line("1", 9_999, Vat::Intermediate),
            },
        ],
        notes: vec![
            ("PMT", "Paiement à 30 jours. Pas d'escompte pour paiement anticipé.".into()),
            (
                "PMD",
                "Pénalités de retard : 3 fois le taux d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 €.".into(),
            ),
        ],
    }
    }

    #[test]
    fn the_xml_carries_the_totals_of_the_rule_and_escapes_text() {
        let x = cii_xml(&sample(Kind::Invoice)).unwrap();
        // 3,5 h × 120,00 € = 420,00 € at 20 %; 99,99 € at 10 % → VAT 84,00 + 10,00 (9,999).
        assert!(x.contains("<ram:LineTotalAmount>420.00</ram:LineTotalAmount>"));
        assert!(x.contains("<ram:CalculatedAmount>84.00</ram:CalculatedAmount>"));
        assert!(x.contains("<ram:CalculatedAmount>10.00</ram:CalculatedAmount>"));
        assert!(x.contains("<ram:TaxTotalAmount currencyID=\"EUR\">94.00</ram:TaxTotalAmount>"));
        assert!(x.contains("<ram:GrandTotalAmount>613.99</ram:GrandTotalAmount>"));
        assert!(x.contains("Dupain &amp; Fils &lt;SAS&gt;"));
        assert!(x.contains("<ram:TypeCode>380</ram:TypeCode>"));
        let credit = cii_xml(&sample(Kind::CreditNote { of: "F2026-0001" })).unwrap();
        assert!(credit.contains("<ram:TypeCode>381</ram:TypeCode>"));
        assert!(credit.contains("<ram:IssuerAssignedID>F2026-0001</ram:IssuerAssignedID>"));
        assert_eq!(esc("a\u{0}b\u{1b}c\td"), "abc\td");
    }

    /// The official Factur-X XSD (EN 16931 profile) accepts the invoice and the credit note.
    /// Python with the `factur-x` package: `MESURE_TEST_PYTHON` (scripts/test.sh sets it).
    #[test]
    fn the_official_xsd_accepts_invoices_and_credit_notes() {
        let Ok(python) = std::env::var("MESURE_TEST_PYTHON") else {
            eprintln!("MESURE_TEST_PYTHON unset: run through scripts/test.sh");
            return;
        };
        let dir = std::env::temp_dir().join(format!("mesure-facturx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, kind) in [
            ("invoice.xml", Kind::Invoice),
            ("credit.xml", Kind::CreditNote { of: "F2026-0001" }),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, cii_xml(&sample(kind)).unwrap()).unwrap();
            let out = std::process::Command::new(&python)
                .arg("-c")
                .arg("import sys, facturx; facturx.xml_check_xsd(open(sys.argv[1], 'rb').read(), flavor='factur-x', level='en16931'); print('valid')")
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success() && String::from_utf8_lossy(&out.stdout).contains("valid"),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
