//! Property test of invoice totals over HTTP on both engines: random manual lines (count,
//! quantities with up to four decimals, unit prices up to the API's bound and the bound itself,
//! every VAT rate and zero rate with its legal reason, negative lines) on drafts of French,
//! German, American and franchise-seller clients; once issued, the API's totals, the Factur-X
//! XML's and the PDF text's (in the client's language) are equal, and each rate's VAT is its
//! base × rate rounded half away from zero (EN 16931: VAT on the sum of the rate's line nets),
//! computed here by a reference written apart from the domain's code.
//!
//! Seeded: `MESURE_TEST_SEED=<n>` replays a run; a failing case prints its seed.
use crate::invoicing::{check_facturx, check_pdf_bytes, post, put, seller};
use crate::time::{log, project};
use mesure_testkit::{Tenant, TestApp, backends, spawn_app};
use serde_json::{Value, json};

/// The API's bound on a unit price and on a line's net (minor units): 10 billion euros.
const BOUND: i64 = 1_000_000_000_000;
/// The API's bound on a quantity's magnitude.
const MAX_QUANTITY: i64 = 1_000_000;
const CASES: u64 = 25;

/// SplitMix64: small, seeded, good enough to draw test cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo).unwrap() + 1;
        lo + i64::try_from(self.next() % span).unwrap()
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }
}

/// Prints the case's seed if the test fails while it is alive.
struct SeedGuard(String);

impl Drop for SeedGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("failing case: {} (replay with MESURE_TEST_SEED)", self.0);
        }
    }
}

/// A VAT as the API takes it, its rate per mille (20 % = 200 ‰), its EN 16931 category and
/// percentage as the XML writes them, and its rate as the PDF prints it in French and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rate {
    api: &'static str,
    permille: i64,
    category: &'static str,
    xml: &'static str,
    fr: &'static str,
    en: &'static str,
}

const fn rate(api: &'static str, permille: i64, category: &'static str, xml: &'static str) -> Rate {
    let (fr, en) = match permille {
        200 => ("20 %", "20 %"),
        100 => ("10 %", "10 %"),
        55 => ("5,5 %", "5.5 %"),
        21 => ("2,1 %", "2.1 %"),
        _ => ("0 %", "0 %"),
    };
    Rate {
        api,
        permille,
        category,
        xml,
        fr,
        en,
    }
}

const STANDARD: [Rate; 4] = [
    rate("20", 200, "S", "20"),
    rate("10", 100, "S", "10"),
    rate("5.5", 55, "S", "5.5"),
    rate("2.1", 21, "S", "2.1"),
];
const REVERSE_CHARGE: Rate = rate("reverse_charge", 0, "AE", "0");
const OUTSIDE_EU: Rate = rate("outside_eu", 0, "G", "0");
const FRANCHISE: Rate = rate("franchise", 0, "E", "0");

/// A buyer and the rates its invoices may carry.
struct Buyer {
    tok: String,
    client: uuid::Uuid,
    project: uuid::Uuid,
    owner: uuid::Uuid,
    ctx: mesure_services::Ctx,
    french: bool,
    rates: Vec<Rate>,
}

/// A random manual line and its net by the reference.
#[derive(Debug)]
struct Line {
    quantity: String,
    price: i64,
    rate: Rate,
    unit: &'static str,
    net: i64,
}

/// `n / d` rounded half away from zero (d > 0).
fn div_round(n: i128, d: i128) -> i128 {
    let q = (n.abs() + d / 2) / d;
    if n < 0 { -q } else { q }
}

/// A line whose net stays within the API's bound: everyday amounts (up to 2,000.00 and 50
/// units, a quarter of them negative) or, for a `large` case, any price up to the bound and the
/// bound itself with any quantity the bound allows.
fn draw_line(rng: &mut Rng, rates: &[Rate], french: bool, large: bool) -> Line {
    let places = u32::try_from(rng.range(0, 4)).unwrap();
    let scale = 10i64.pow(places);
    let price = match (large, rng.range(0, 9)) {
        (_, 0) => rng.range(0, 99),
        (false, _) => rng.range(0, 200_000),
        (true, 1) => BOUND,
        (true, 2) => 0,
        (true, 3..=5) => rng.range(1, 10_000_000),
        (true, _) => rng.range(1, BOUND),
    };
    // |quantity × price| ≤ BOUND and |quantity| ≤ MAX_QUANTITY, in units of 10^-places.
    let by_price = if price == 0 {
        i128::MAX
    } else {
        i128::from(BOUND) * i128::from(scale) / i128::from(price)
    };
    let max = i64::try_from(by_price.min(i128::from(MAX_QUANTITY * scale))).unwrap();
    let mut q = if !large || rng.chance(30) {
        rng.range(1, max.min(50 * scale))
    } else {
        rng.range(1, max)
    };
    if q % 10 == 0 && places > 0 {
        q += 1; // keep the drawn number of places (and stay nonzero)
        q = q.min(max);
    }
    if rng.chance(if large { 15 } else { 25 }) {
        q = -q;
    }
    let int = q.abs() / scale;
    let frac = q.abs() % scale;
    let sep = if french && rng.chance(30) { "," } else { "." };
    let quantity = format!(
        "{}{int}{}",
        if q < 0 { "-" } else { "" },
        if places == 0 {
            String::new()
        } else {
            format!("{sep}{frac:0width$}", width = places as usize)
        }
    );
    let net = div_round(i128::from(q) * i128::from(price), i128::from(scale));
    Line {
        quantity,
        price,
        rate: rng.pick(rates),
        unit: rng.pick(&["C62", "HUR", "DAY", "MON"]),
        net: i64::try_from(net).unwrap(),
    }
}

/// The reference totals: per rate (in the API's order of rates) base and VAT, then net, VAT,
/// gross.
struct Reference {
    groups: Vec<(Rate, i64, i64)>,
    net: i64,
    vat: i64,
    gross: i64,
}

fn reference(lines: &[Line]) -> Reference {
    let mut bases: std::collections::BTreeMap<&str, (Rate, i128)> = Default::default();
    for l in lines {
        bases.entry(l.rate.api).or_insert((l.rate, 0)).1 += i128::from(l.net);
    }
    let groups: Vec<(Rate, i64, i64)> = bases
        .into_values()
        .map(|(r, base)| {
            let vat = div_round(base * i128::from(r.permille), 1000);
            (r, i64::try_from(base).unwrap(), i64::try_from(vat).unwrap())
        })
        .collect();
    let net = lines.iter().map(|l| l.net).sum::<i64>();
    let vat = groups.iter().map(|g| g.2).sum::<i64>();
    Reference {
        groups,
        net,
        vat,
        gross: net + vat,
    }
}

/// Minor units as the XML writes them: `-1234.56`.
fn xml_amount(minor: i64) -> String {
    format!(
        "{}{}.{:02}",
        if minor < 0 { "-" } else { "" },
        minor.unsigned_abs() / 100,
        minor.unsigned_abs() % 100
    )
}

/// Minor units in euros as the PDF prints them: `1 234,56 €` / `€1,234.56`.
fn pdf_amount(minor: i64, french: bool) -> String {
    let units = (minor.unsigned_abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push_str(if french { " " } else { "," });
        }
        grouped.push(c);
    }
    let cents = minor.unsigned_abs() % 100;
    let sign = if minor < 0 { "-" } else { "" };
    if french {
        format!("{sign}{grouped},{cents:02} €")
    } else {
        format!("{sign}€{grouped}.{cents:02}")
    }
}

/// The text of every `<ram:{name}>` element of `xml`, in order (attributes skipped).
fn elements(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<ram:{name}");
    let close = format!("</ram:{name}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with('>') && !after.starts_with(' ') {
            rest = after;
            continue;
        }
        let body = &after[after.find('>').unwrap() + 1..];
        let end = body.find(&close).unwrap();
        out.push(body[..end].to_string());
        rest = &body[end + close.len()..];
    }
    out
}

/// The one element `name` of `xml`.
fn element(xml: &str, name: &str) -> String {
    let all = elements(xml, name);
    assert_eq!(all.len(), 1, "one {name} in {xml}");
    all[0].clone()
}

async fn bytes(t: &TestApp, tok: &str, path: &str) -> Vec<u8> {
    let r = t
        .client()
        .get(t.api(path))
        .bearer_auth(tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.unwrap().to_vec()
}

/// A client of `a` with its billing details and a T&M project, and the rates it may be billed.
async fn buyer(t: &TestApp, a: &Tenant, client: Value, billing: Value, rates: Vec<Rate>) -> Buyer {
    let tok = a.owner.token.clone();
    let french = client["language"] == "fr";
    let name = client["name"].as_str().unwrap().to_string();
    let (s, c) = post(t, &tok, "/clients", client).await;
    assert_eq!(s, 201, "{c}");
    let id: uuid::Uuid = c["id"].as_str().unwrap().parse().unwrap();
    let (s, b) = put(t, &tok, &format!("/clients/{id}/billing"), billing).await;
    assert_eq!(s, 200, "{b}");
    let p = project(
        t,
        &a.owner.ctx,
        id,
        &format!("Site {name}"),
        "time_materials",
    )
    .await;
    Buyer {
        tok,
        client: id,
        project: p,
        owner: a.owner.id,
        ctx: a.owner.ctx.clone(),
        french,
        rates,
    }
}

/// The buyers of one engine's run: a French business client (French), a German business
/// client with a VAT number (English, autoliquidation), an American one (English, outside the
/// EU), and a French client of a seller in franchise en base (French, no VAT).
async fn buyers(t: &TestApp) -> Vec<Buyer> {
    let a = t.tenant("Agence Propriétés").await;
    let (s, b) = put(t, &a.owner.token, "/invoicing/settings", seller()).await;
    assert_eq!(s, 200, "{b}");
    let fr = buyer(
        t,
        &a,
        json!({"name": "Client Lyon", "legal_name": "Client Lyon SA", "siren": "552100554", "billing_address": "1 avenue de la Gare", "language": "fr"}),
        json!({"postcode": "75008", "city": "Paris", "country": "FR", "business": true}),
        STANDARD.to_vec(),
    )
    .await;
    let mut de_rates = STANDARD.to_vec();
    de_rates.push(REVERSE_CHARGE);
    let de = buyer(
        t,
        &a,
        json!({"name": "Kunde Berlin", "legal_name": "Kunde Berlin GmbH", "vat_number": "DE129273398", "billing_address": "Unter den Linden 1", "language": "en"}),
        json!({"postcode": "10117", "city": "Berlin", "country": "DE", "business": true}),
        de_rates,
    )
    .await;
    let mut us_rates = STANDARD.to_vec();
    us_rates.push(OUTSIDE_EU);
    let us = buyer(
        t,
        &a,
        json!({"name": "Client Boston", "legal_name": "Client Boston Inc.", "billing_address": "1 Main Street", "language": "en"}),
        json!({"postcode": "02108", "city": "Boston", "country": "US", "business": true}),
        us_rates,
    )
    .await;
    let f = t.tenant("Atelier Franchise").await;
    let mut settings = seller();
    settings["legal_name"] = json!("Atelier Franchise EI");
    settings["legal_form"] = json!("EI");
    settings["franchise"] = json!(true);
    settings["vat_number"] = json!("");
    settings["share_capital_minor"] = Value::Null;
    let (s, b) = put(t, &f.owner.token, "/invoicing/settings", settings).await;
    assert_eq!(s, 200, "{b}");
    let franchise = buyer(
        t,
        &f,
        json!({"name": "Client Nantes", "legal_name": "Client Nantes SARL", "siren": "552100554", "billing_address": "3 quai de la Fosse", "language": "fr"}),
        json!({"postcode": "44000", "city": "Nantes", "country": "FR", "business": true}),
        vec![FRANCHISE],
    )
    .await;
    vec![fr, de, us, franchise]
}

#[tokio::test]
async fn issued_totals_agree_in_the_api_the_xml_and_the_pdf_and_follow_en16931() {
    let base: u64 = std::env::var("MESURE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_1016);
    for backend in backends() {
        let t = spawn_app(backend).await;
        let buyers = buyers(&t).await;
        // One approved entry per case, each on its own day: a draft needs work to start from.
        let start = jiff::civil::date(2026, 3, 2);
        let mut cases = Vec::new();
        for i in 0..CASES {
            let mut rng = Rng(base.wrapping_add(i));
            let b = usize::try_from(rng.next() % buyers.len() as u64).unwrap();
            let day = (start + jiff::Span::new().days(i64::try_from(i).unwrap())).to_string();
            log(&t, &buyers[b].ctx, buyers[b].project, &day, 60).await;
            cases.push((rng, b, day));
        }
        for (_, b, day) in &cases {
            let b = &buyers[*b];
            let (s, r) = post(
                &t,
                &b.tok,
                &format!("/timesheets/{}/{day}/approve", b.owner),
                json!({}),
            )
            .await;
            assert!(s == 200 || s == 409, "{r}");
        }
        let mut checked = 0;
        for (i, (mut rng, b, day)) in cases.into_iter().enumerate() {
            let _guard = SeedGuard(format!("{backend:?} seed {}", base.wrapping_add(i as u64)));
            let b = &buyers[b];
            let tok = &b.tok;
            // A draft of the day's entry, emptied: its manual lines are the case.
            let (s, d) = post(
                &t,
                tok,
                "/invoices",
                json!({"client_id": b.client.to_string(), "from": day, "to": day}),
            )
            .await;
            assert_eq!(s, 201, "{d}");
            let id = d["id"].as_str().unwrap().to_string();
            let line = d["lines"][0]["id"].as_str().unwrap();
            let (s, d) = crate::invoicing::call(
                &t,
                reqwest::Method::DELETE,
                t.api(&format!("/invoices/{id}/lines/{line}")),
                tok,
                None,
            )
            .await;
            assert_eq!(s, 200, "{d}");
            let n = rng.range(1, 30);
            let large = i != 1 && rng.chance(40);
            let mut lines: Vec<Line> = (0..n)
                .map(|_| draw_line(&mut rng, &b.rates, b.french, large))
                .collect();
            // Some cases credit more than they bill (the second always): issuing is refused.
            if !large && (i == 1 || rng.chance(10)) {
                for l in lines.iter_mut().filter(|l| l.net > 0) {
                    l.quantity = format!("-{}", l.quantity);
                    l.net = -l.net;
                }
            }
            for (k, l) in lines.iter().enumerate() {
                let (s, d) = post(&t, tok, &format!("/invoices/{id}/lines"), json!({"description": format!("Ligne {k}"), "quantity": l.quantity, "unit_price_minor": l.price, "vat": l.rate.api, "unit": l.unit})).await;
                assert_eq!(s, 201, "{l:?}: {d}");
            }
            let mut r = reference(&lines);
            if r.gross <= 0 {
                // Nothing to bill: refused, naming the lines; a large line makes it billable.
                let (s, e) = post(&t, tok, &format!("/invoices/{id}/issue"), json!({})).await;
                assert_eq!(
                    (s, e["errors"][0]["field"].as_str()),
                    (422, Some("lines")),
                    "{e}"
                );
                let fix = Line {
                    quantity: "1".into(),
                    price: BOUND,
                    rate: b.rates[0],
                    unit: "C62",
                    net: BOUND,
                };
                let (s, d) = post(&t, tok, &format!("/invoices/{id}/lines"), json!({"description": "Correction", "quantity": "1", "unit_price_minor": BOUND, "vat": fix.rate.api})).await;
                assert_eq!(s, 201, "{d}");
                lines.push(fix);
                r = reference(&lines);
            }
            let (s, inv) = post(&t, tok, &format!("/invoices/{id}/issue"), json!({})).await;
            assert_eq!(s, 200, "{lines:?}: {inv}");

            // The API.
            let api_nets: Vec<i64> = inv["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["net_minor"].as_i64().unwrap())
                .collect();
            let ref_nets: Vec<i64> = lines.iter().map(|l| l.net).collect();
            assert_eq!(api_nets, ref_nets, "line nets, {lines:?}");
            assert_eq!(
                (
                    inv["net_minor"].as_i64(),
                    inv["vat_minor"].as_i64(),
                    inv["gross_minor"].as_i64()
                ),
                (Some(r.net), Some(r.vat), Some(r.gross)),
                "{lines:?}"
            );
            let mut api_groups: Vec<(String, i64, i64)> = inv["vat_groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    (
                        g["vat"].as_str().unwrap().to_string(),
                        g["base_minor"].as_i64().unwrap(),
                        g["amount_minor"].as_i64().unwrap(),
                    )
                })
                .collect();
            api_groups.sort();
            let mut ref_groups: Vec<(String, i64, i64)> = r
                .groups
                .iter()
                .map(|(rt, b, v)| (rt.api.to_string(), *b, *v))
                .collect();
            ref_groups.sort();
            assert_eq!(api_groups, ref_groups, "VAT per rate, {lines:?}");

            // The Factur-X XML.
            let xml =
                String::from_utf8(bytes(&t, tok, &format!("/invoices/{id}/facturx.xml")).await)
                    .unwrap();
            let totals = element(&xml, "SpecifiedTradeSettlementHeaderMonetarySummation");
            let line_totals = elements(&xml, "LineTotalAmount");
            assert_eq!(
                line_totals.last(),
                Some(&xml_amount(r.net)),
                "header LineTotalAmount"
            );
            assert_eq!(
                line_totals[..line_totals.len() - 1].to_vec(),
                ref_nets.iter().map(|n| xml_amount(*n)).collect::<Vec<_>>(),
                "each line's LineTotalAmount"
            );
            assert_eq!(element(&totals, "TaxBasisTotalAmount"), xml_amount(r.net));
            assert_eq!(element(&totals, "TaxTotalAmount"), xml_amount(r.vat));
            assert_eq!(element(&totals, "GrandTotalAmount"), xml_amount(r.gross));
            assert_eq!(element(&totals, "DuePayableAmount"), xml_amount(r.gross));
            let settlement = element(&xml, "ApplicableHeaderTradeSettlement");
            let mut xml_groups: Vec<[String; 4]> = elements(&settlement, "ApplicableTradeTax")
                .iter()
                .map(|g| {
                    [
                        "CategoryCode",
                        "RateApplicablePercent",
                        "BasisAmount",
                        "CalculatedAmount",
                    ]
                    .map(|e| element(g, e))
                })
                .collect();
            xml_groups.sort();
            let mut want: Vec<[String; 4]> = r
                .groups
                .iter()
                .map(|(rt, b, v)| {
                    [
                        rt.category.into(),
                        rt.xml.into(),
                        xml_amount(*b),
                        xml_amount(*v),
                    ]
                })
                .collect();
            want.sort();
            assert_eq!(xml_groups, want, "ApplicableTradeTax per rate:\n{xml}");

            // The PDF, in the client's language; its embedded XML is the API's.
            let pdf = bytes(&t, tok, &format!("/invoices/{id}/pdf")).await;
            let fr = b.french;
            let mut texts = vec![
                format!(
                    "{} {}",
                    if fr { "Total HT" } else { "Total excl. VAT" },
                    pdf_amount(r.net, fr)
                ),
                format!(
                    "{} {}",
                    if fr { "Total TTC" } else { "Total incl. VAT" },
                    pdf_amount(r.gross, fr)
                ),
            ];
            for (rt, base, vat) in &r.groups {
                texts.push(if fr {
                    format!(
                        "TVA {} sur {} {}",
                        rt.fr,
                        pdf_amount(*base, fr),
                        pdf_amount(*vat, fr)
                    )
                } else {
                    format!(
                        "VAT {} on {} {}",
                        rt.en,
                        pdf_amount(*base, fr),
                        pdf_amount(*vat, fr)
                    )
                });
            }
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            check_pdf_bytes(&t, &pdf, &xml, &texts);

            // The official checks on a few of them (the rules take seconds to load).
            if i % 8 == 0 {
                check_facturx(&t, &xml);
                checked += 1;
            }
        }
        assert!(checked >= 3);
    }
}
