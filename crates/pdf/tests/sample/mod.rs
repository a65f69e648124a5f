//! Sample documents for the tests and the timing example: French text with accents, "€",
//! no-break spaces (U+00A0) and narrow no-break spaces (U+202F) as French number formatting
//! uses them.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use mesure_pdf::{Document, Row, Timestamp};

/// A small but real-looking Factur-X XML (not a complete invoice), with non-ASCII text.
pub const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>F2026-0001</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">20261128</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <!-- Boulangerie Dupain &amp; Fils, 4 place de l’Église — 5 544,00 € -->
</rsm:CrossIndustryInvoice>
"#;

/// The long description that has to wrap within its column.
pub const LONG: &str = "Développement de la fonctionnalité d’export comptable (FEC), reprise des écritures \
de l’exercice précédent, contrôle de cohérence des journaux et accompagnement de l’équipe \
financière lors de la mise en production";

/// A PNG logo of `w` × `h` pixels: a navy tile with a lighter band, on transparency.
pub fn logo_png(w: u32, h: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let in_tile = x < h;
            let band = (x + y) % 40 < 14;
            let px = if in_tile && band {
                [0x5B, 0x8D, 0xC9, 0xFF]
            } else if in_tile {
                [0x1F, 0x4E, 0x79, 0xFF]
            } else if y > h / 3 && y < 2 * h / 3 && x > h + 10 {
                [0x1F, 0x29, 0x33, 0xFF]
            } else {
                [0, 0, 0, 0]
            };
            pixels.extend_from_slice(&px);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    out
}

fn amount(cents: u64) -> String {
    let units = cents / 100;
    let mut digits = units.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!("\u{202f}{tail}{grouped}");
    }
    format!("{digits}{grouped},{:02}\u{a0}€", cents % 100)
}

/// A French invoice with `lines` lines (one long, one free and muted, the others varied).
pub fn french(lines: usize, with_logo: bool) -> Document {
    let people = [
        "Camille Léger",
        "Hélène Moreau",
        "Noël Garçon",
        "Zoé Bérard",
    ];
    let tasks = [
        "Maintenance applicative",
        "Support utilisateurs niveau 2",
        "Réunion de pilotage mensuelle",
        "Évolution du portail client",
    ];
    let mut rows = Vec::with_capacity(lines);
    let mut net_total = 0;
    for i in 0..lines {
        let (description, detail, minutes, rate, muted) = match i {
            1 => (
                LONG.to_owned(),
                Some("14 saisies, 3–28 nov. 2026".to_owned()),
                1530,
                12_000,
                false,
            ),
            3 => (
                "Travail offert : correction du module d’export".to_owned(),
                Some("2 saisies, 12–13 nov. 2026".to_owned()),
                120,
                0,
                true,
            ),
            _ => (
                format!("{} — {}", tasks[i % 4], people[i % 3]),
                Some(format!(
                    "{} saisies, {}–{} nov. 2026",
                    2 + i % 9,
                    1 + i % 10,
                    12 + i % 15
                )),
                60 * (1 + i as u64 % 7) + 30 * (i as u64 % 2),
                if i % 2 == 0 { 9_500 } else { 12_000 },
                false,
            ),
        };
        let net = minutes * rate / 60;
        net_total += net;
        rows.push(Row {
            description,
            detail,
            quantity: format!("{},{:02}\u{a0}h", minutes / 60, minutes % 60 * 100 / 60),
            unit_price: amount(rate),
            vat: "20\u{a0}%".to_owned(),
            net: amount(net),
            muted,
        });
    }
    let vat = net_total / 5;
    Document {
        lang: "fr".to_owned(),
        title: "Facture F2026-0001".to_owned(),
        logo: with_logo.then(|| logo_png(240, 80)),
        seller: vec![
            "Atelier Numérique Dupré SAS".to_owned(),
            "12 rue des Lilas".to_owned(),
            "69003 Lyon".to_owned(),
            "SAS au capital de 10\u{a0}000\u{a0}€ — RCS Lyon 123\u{a0}456\u{a0}789".to_owned(),
            "TVA intracommunautaire FR32\u{a0}123456789".to_owned(),
        ],
        buyer_heading: "Facturé à".to_owned(),
        buyer: vec![
            "Boulangerie Dupain & Fils".to_owned(),
            "4 place de l’Église".to_owned(),
            "38000 Grenoble".to_owned(),
            "SIREN 987\u{a0}654\u{a0}321".to_owned(),
        ],
        meta: vec![
            ("Numéro".to_owned(), "F2026-0001".to_owned()),
            ("Date d’émission".to_owned(), "28 nov. 2026".to_owned()),
            ("Échéance".to_owned(), "28 déc. 2026".to_owned()),
            ("Période".to_owned(), "1er–30 nov. 2026".to_owned()),
            ("Bon de commande".to_owned(), "BC-2026-117".to_owned()),
        ],
        columns: [
            "Description".to_owned(),
            "Quantité".to_owned(),
            "Prix unitaire HT".to_owned(),
            "TVA".to_owned(),
            "Montant HT".to_owned(),
        ],
        lines: rows,
        totals: vec![
            ("Total HT".to_owned(), amount(net_total)),
            ("TVA 20\u{a0}%".to_owned(), amount(vat)),
            ("Total TTC".to_owned(), amount(net_total + vat)),
        ],
        notes: vec![
            "Travail offert ce mois-ci : 2\u{a0}h de correction du module d’export (valeur 240,00\u{a0}€)."
                .to_owned(),
            "Règlement par virement à 30 jours — IBAN FR76\u{a0}3000\u{a0}6000\u{a0}0112\u{a0}3456\u{a0}7890\u{a0}189, BIC AGRIFRPP."
                .to_owned(),
        ],
        mentions: vec![
            "En cas de retard de paiement, des pénalités au taux de trois fois le taux d’intérêt légal sont exigibles, ainsi qu’une indemnité forfaitaire pour frais de recouvrement de 40\u{a0}€ (articles L441-10 et D441-5 du Code de commerce). Pas d’escompte pour paiement anticipé."
                .to_owned(),
            "Atelier Numérique Dupré SAS — SAS au capital de 10\u{a0}000\u{a0}€ — SIREN 123\u{a0}456\u{a0}789 — RCS Lyon — TVA FR32\u{a0}123456789"
                .to_owned(),
        ],
        page_label: "Page {page} / {pages}".to_owned(),
        facturx_xml: XML.as_bytes().to_vec(),
        document_number: "F2026-0001".to_owned(),
        created: Timestamp {
            year: 2026,
            month: 11,
            day: 28,
            hour: 9,
            minute: 30,
            second: 0,
        },
    }
}

/// The grand total of [`french`] with `lines` lines, as shown.
pub fn grand_total(lines: usize) -> String {
    french(lines, false).totals.last().unwrap().1.clone()
}
