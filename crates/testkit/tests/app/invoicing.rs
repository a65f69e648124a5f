//! Invoicing over HTTP on both engines: a draft from approved work whose lines list what they
//! bill, reservations, issuing under a gapless number with its legal checks, Factur-X, payments,
//! credit notes, the hash chain, and concurrent issuers in two servers.
use crate::time::{log, project};
use mesure_testkit::{Tenant, TestApp, backends, spawn_app};
use serde_json::{Value, json};

pub async fn call(
    t: &TestApp,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = t.client().request(method, url).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

pub async fn post(t: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(t, reqwest::Method::POST, t.api(path), token, Some(body)).await
}

pub async fn put(t: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(t, reqwest::Method::PUT, t.api(path), token, Some(body)).await
}

pub async fn get(t: &TestApp, token: &str, path: &str) -> (u16, Value) {
    call(t, reqwest::Method::GET, t.api(path), token, None).await
}

fn fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The seller's settings, complete for French law.
pub fn seller() -> Value {
    json!({
        "legal_name": "Atelier Test SAS", "address_line": "12 rue des Lilas", "postcode": "69001",
        "city": "Lyon", "country": "FR", "siren": "732829320", "registry_city": "Lyon",
        "legal_form": "SAS", "share_capital_minor": 1_000_000, "vat_number": "FR44732829320",
        "penalty_rate": "3 fois le taux d'intérêt légal", "payment_days": 30
    })
}

/// A client ready to invoice (SIREN, address, billing details), its T&M project with `hours`
/// approved hours logged by staff on 2026-03-10, and the seller's settings saved.
pub async fn billable_client(
    t: &TestApp,
    a: &Tenant,
    name: &str,
    minutes: &[i64],
) -> (uuid::Uuid, uuid::Uuid, Vec<uuid::Uuid>) {
    let tok = &a.owner.token;
    let (s, b) = put(t, tok, "/invoicing/settings", seller()).await;
    assert_eq!(s, 200, "{b}");
    let (s, c) = post(
        t,
        tok,
        "/clients",
        json!({"name": name, "legal_name": format!("{name} SA"), "siren": "552100554", "billing_address": "1 avenue de la Gare"}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let client: uuid::Uuid = c["id"].as_str().unwrap().parse().unwrap();
    let (s, b) = post(
        t,
        tok,
        &format!("/clients/{client}/contacts"),
        json!({"first_name": "Béa", "last_name": "Compta", "email": format!("compta@{}.example.org", name.to_lowercase().replace(' ', "-").replace(['é', 'è'], "e")), "contact_role": "billing"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = put(
        t,
        tok,
        &format!("/clients/{client}/billing"),
        json!({"postcode": "75008", "city": "Paris", "country": "FR"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let p = project(
        t,
        &a.owner.ctx,
        client,
        &format!("Site {name}"),
        "time_materials",
    )
    .await;
    let mut entries = Vec::new();
    for (i, m) in minutes.iter().enumerate() {
        entries.push(log(t, &a.staff.ctx, p, &format!("2026-03-{:02}", 9 + i % 5), *m).await);
    }
    let (s, b) = post(
        t,
        tok,
        &format!("/timesheets/{}/2026-03-10/approve", a.staff.id),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    (client, p, entries)
}

pub fn draft_body(client: uuid::Uuid) -> Value {
    json!({"client_id": client.to_string(), "from": "2026-03-01", "to": "2026-03-31"})
}

fn year(t: &TestApp) -> i64 {
    mesure_store::ts(t.clock_now())
        .to_zoned(jiff::tz::TimeZone::UTC)
        .year()
        .into()
}

#[tokio::test]
async fn a_draft_from_approved_work_issues_once_with_a_gapless_number_and_every_check() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Factures").await;
        let tok = a.owner.token.clone();
        let (client, _p, entries) = billable_client(&t, &a, "Client Facturé", &[90, 30, 45]).await;

        // The draft bills the three approved entries at 100/h: 165 min = 275.00, VAT 20 %.
        let (s, d) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["status"], "draft");
        assert_eq!(d["net_minor"], 27_500);
        assert_eq!(d["vat_minor"], 5_500);
        assert_eq!(d["gross_minor"], 33_000);
        let billed: Vec<String> = d["lines"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| {
                l["bills"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b["id"].as_str().unwrap().to_string())
            })
            .collect();
        let mut want: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        want.sort();
        let mut got = billed.clone();
        got.sort();
        assert_eq!(got, want, "every line lists the entries it bills");
        let id = d["id"].as_str().unwrap().to_string();

        // A second draft finds nothing: the first reserved the work.
        let (s, b) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 422, "{b}");
        // Staff may not see or make invoices.
        assert_eq!(
            get(&t, &a.staff.token, &format!("/invoices/{id}")).await.0,
            403
        );
        // A manual line at a VAT rate outside the list is refused, naming the field.
        let (s, b) = post(&t, &tok, &format!("/invoices/{id}/lines"), json!({"description": "Hébergement", "quantity": "1", "unit_price_minor": 5000, "vat": "19.6"})).await;
        assert_eq!((s, fields(&b)), (422, vec!["vat".to_string()]));
        let (s, d) = post(&t, &tok, &format!("/invoices/{id}/lines"), json!({"description": "Hébergement", "quantity": "1", "unit_price_minor": 5000, "vat": "10"})).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["net_minor"], 32_500);
        assert_eq!(d["vat_minor"], 5_500 + 500);

        // A client without SIREN cannot be invoiced, and the error says which field.
        let mut c = t.app.db.read().await.unwrap();
        mesure_store::testing::exec(
            &mut c.conn(),
            "UPDATE clients SET siren = NULL WHERE id = $1",
            &[mesure_store::Bind::Uuid(client)],
        )
        .await
        .unwrap();
        let (s, b) = post(&t, &tok, &format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!(
            (s, fields(&b)),
            (422, vec!["buyer_siren".to_string()]),
            "{b}"
        );
        mesure_store::testing::exec(
            &mut c.conn(),
            "UPDATE clients SET siren = '552100554' WHERE id = $1",
            &[mesure_store::Bind::Uuid(client)],
        )
        .await
        .unwrap();
        drop(c);

        let (s, inv) = post(&t, &tok, &format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!(s, 200, "{inv}");
        let y = year(&t);
        assert_eq!(inv["number"], format!("F{y}-0001"));
        assert_eq!(inv["status"], "issued");
        assert_eq!(inv["gross_minor"], 32_500 + 6_000);
        // Issued once: again is a conflict, and nothing of it changes any more.
        assert_eq!(
            post(&t, &tok, &format!("/invoices/{id}/issue"), json!({}))
                .await
                .0,
            409
        );
        assert_eq!(
            post(
                &t,
                &tok,
                &format!("/invoices/{id}/lines"),
                json!({"description": "x", "quantity": "1", "unit_price_minor": 1})
            )
            .await
            .0,
            409
        );
        assert_eq!(
            call(
                &t,
                reqwest::Method::DELETE,
                t.api(&format!("/invoices/{id}")),
                &tok,
                None
            )
            .await
            .0,
            409
        );
        // Its entries are locked for good.
        let (s, _) = put(
            &t,
            &a.staff.token,
            &format!("/time-entries/{}", entries[0]),
            json!({"minutes": 10}),
        )
        .await;
        assert!(s == 409 || s == 422, "an invoiced entry cannot change: {s}");

        // Factur-X: the number and the totals, and the official checks when Python is here.
        let r = t
            .client()
            .get(t.api(&format!("/invoices/{id}/facturx.xml")))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let xml = r.text().await.unwrap();
        assert!(
            xml.contains(&format!("<ram:ID>F{y}-0001</ram:ID>")),
            "{xml}"
        );
        assert!(
            xml.contains("<ram:GrandTotalAmount>385.00</ram:GrandTotalAmount>"),
            "{xml}"
        );
        check_facturx(&t, &xml);
        check_pdf(
            &t,
            &tok,
            &id,
            &xml,
            &[
                &format!("F{y}-0001"),
                "Total TTC",
                "385,00",
                "Atelier Test SAS",
                "Pas d'escompte",
                "40 €",
                "prestation de services",
            ],
        )
        .await;

        // Payments: above the balance, before the invoice, in another currency: refused.
        let today = inv["issued_on"].as_str().unwrap().to_string();
        let pay = |amount: i64, date: &str, cur: &str| json!({"amount_minor": amount, "paid_on": date, "currency": cur});
        let (s, b) = post(
            &t,
            &tok,
            &format!("/invoices/{id}/payments"),
            pay(38_501, &today, "EUR"),
        )
        .await;
        assert_eq!((s, fields(&b)), (422, vec!["amount_minor".to_string()]));
        let (s, b) = post(
            &t,
            &tok,
            &format!("/invoices/{id}/payments"),
            pay(100, "2020-01-01", "EUR"),
        )
        .await;
        assert_eq!((s, fields(&b)), (422, vec!["paid_on".to_string()]));
        let (s, b) = post(
            &t,
            &tok,
            &format!("/invoices/{id}/payments"),
            pay(100, &today, "USD"),
        )
        .await;
        assert_eq!((s, fields(&b)), (422, vec!["currency".to_string()]));
        let (s, b) = post(
            &t,
            &tok,
            &format!("/invoices/{id}/payments"),
            pay(10_000, &today, "EUR"),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["status"], "partially_paid");
        assert_eq!(b["balance_minor"], 28_500);

        // Credit notes: larger than what remains is refused; a partial one for a billing error
        // has its own sequence.
        let (s, b) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": id, "reason": "wrong_rate", "net_minor": 40_000, "vat": "20"}),
        )
        .await;
        assert_eq!((s, fields(&b)), (422, vec!["net_minor".to_string()]), "{b}");
        let (s, cn) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": id, "reason": "wrong_rate", "net_minor": 5_000, "vat": "20"}),
        )
        .await;
        assert_eq!(s, 201, "{cn}");
        assert_eq!(cn["number"], format!("AV{y}-0001"));
        assert_eq!(cn["gross_minor"], 6_000);
        assert_eq!(cn["corrects"]["number"], format!("F{y}-0001"));
        let (_, after) = get(&t, &tok, &format!("/invoices/{id}")).await;
        assert_eq!(after["credited_minor"], 6_000);
        assert_eq!(after["balance_minor"], 38_500 - 10_000 - 6_000);
        let cn_id = cn["id"].as_str().unwrap();
        let r = t
            .client()
            .get(t.api(&format!("/invoices/{cn_id}/facturx.xml")))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap();
        let cn_xml = r.text().await.unwrap();
        assert!(cn_xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
        check_facturx(&t, &cn_xml);
        check_pdf(
            &t,
            &tok,
            cn_id,
            &cn_xml,
            &[&format!("Avoir AV{y}-0001"), &format!("F{y}-0001"), "60,00"],
        )
        .await;

        // The chain holds; altering an issued line breaks it from there.
        let ws = a.ws;
        let report = mesure_services::invoicing::check_chain(&t.app, ws)
            .await
            .unwrap();
        assert_eq!(
            (
                report.documents,
                report.broken.len(),
                report.numbering.len()
            ),
            (2, 0, 0),
            "{report:?}"
        );
        let mut c = t.app.db.read().await.unwrap();
        mesure_store::testing::exec(&mut c.conn(), "UPDATE invoice_lines SET net_minor = net_minor + 1 WHERE invoice_id = $1 AND position = 1", &[mesure_store::Bind::Uuid(id.parse().unwrap())]).await.unwrap();
        drop(c);
        let report = mesure_services::invoicing::check_chain(&t.app, ws)
            .await
            .unwrap();
        assert_eq!(report.broken, vec![format!("F{y}-0001")], "{report:?}");

        // Pages: the owner sees the invoice, its lines' entries and the credit note; staff are
        // refused; the accountant's CSV has one row per document and rate, the credit negative.
        let owner = t.client();
        t.login(&owner, &a.owner.email, &a.owner.password).await;
        let html = t.text(&owner, &format!("/invoices/{id}")).await;
        assert!(
            html.contains(&format!("F{y}-0001")) && html.contains(&format!("AV{y}-0001")),
            "{html}"
        );
        assert!(
            html.contains("Voir les 3 temps facturés") || html.contains("See the 3 entries billed"),
            "{html}"
        );
        let list = t.text(&owner, "/invoices").await;
        assert!(list.contains(&format!("F{y}-0001")));
        let csv = t
            .text(
                &owner,
                &format!("/invoices.csv?from={y}-01-01&to={y}-12-31"),
            )
            .await;
        let rows: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(rows.len(), 3, "{csv}");
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!("AV{y}-0001")) && r.contains("-50,00")),
            "{csv}"
        );
        let client_page = t.text(&owner, &format!("/clients/{client}")).await;
        assert!(
            client_page.contains("data-testid=\"client-billing\""),
            "the client page shows billing"
        );
        let staff = t.client();
        t.login(&staff, &a.staff.email, &a.staff.password).await;
        let r = staff
            .get(format!("{}/invoices", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let client_page = t.text(&staff, &format!("/clients/{client}")).await;
        assert!(
            !client_page.contains("data-testid=\"client-billing\""),
            "staff see no billing figures"
        );

        // Lists: the invoice and the credit note, each in its own list.
        let (_, l) = get(&t, &tok, "/invoices").await;
        assert_eq!(l["items"].as_array().unwrap().len(), 1);
        let (_, l) = get(&t, &tok, "/credit-notes").await;
        assert_eq!(l["items"].as_array().unwrap().len(), 1);
    }
}

/// The PDF of `id` read back by poppler: `pdftotext` shows every one of `texts` (spaces
/// normalised), `pdfdetach` gives back exactly the API's XML, and `pdfinfo` reads it.
pub fn check_pdf_bytes(t: &TestApp, pdf: &[u8], xml: &str, texts: &[&str]) {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let dir = t.dir.join(format!("pdf-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let run = |cmd: &str, args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} (apt-get install poppler-utils): {e}"));
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let info = run("pdfinfo", &[file.as_os_str()]);
    assert!(info.contains("PDF version"), "{info}");
    let text = run(
        "pdftotext",
        &[
            std::ffi::OsStr::new("-layout"),
            file.as_os_str(),
            std::ffi::OsStr::new("-"),
        ],
    );
    let flat: String = text.replace(['\u{a0}', '\u{202f}'], " ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in texts {
        let want = want.replace(['\u{a0}', '\u{202f}'], " ");
        assert!(
            flat.contains(&want),
            "{want:?} not in the PDF text:\n{text}"
        );
    }
    let list = run(
        "pdfdetach",
        &[std::ffi::OsStr::new("-list"), file.as_os_str()],
    );
    assert!(list.contains("factur-x.xml"), "{list}");
    let out = dir.join("factur-x.xml");
    run(
        "pdfdetach",
        &[
            std::ffi::OsStr::new("-save"),
            std::ffi::OsStr::new("1"),
            std::ffi::OsStr::new("-o"),
            out.as_os_str(),
            file.as_os_str(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        xml,
        "the embedded XML is the API's"
    );
}

async fn check_pdf(t: &TestApp, tok: &str, id: &str, xml: &str, texts: &[&str]) {
    let r = t
        .client()
        .get(t.api(&format!("/invoices/{id}/pdf")))
        .bearer_auth(tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap().to_vec();
    check_pdf_bytes(t, &pdf, xml, texts);
}

/// Runs the official Factur-X XSD and the EN 16931 rules on `xml` when `MESURE_TEST_PYTHON` is
/// set (scripts/test.sh sets it).
pub fn check_facturx(t: &TestApp, xml: &str) {
    let Ok(python) = std::env::var("MESURE_TEST_PYTHON") else {
        eprintln!("MESURE_TEST_PYTHON unset: Factur-X not checked");
        return;
    };
    let path = t.dir.join(format!("fx-{}.xml", uuid::Uuid::now_v7()));
    std::fs::write(&path, xml).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg("import sys, facturx; facturx.xml_check_xsd(open(sys.argv[1], 'rb').read(), flavor='factur-x', level='en16931'); print('valid')")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "XSD: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new(&python)
        .arg(root.join("scripts/en16931_check.py"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "EN 16931: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn drafts_reserve_release_and_refuse_what_is_taken_or_empty() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Brouillons").await;
        let tok = a.owner.token.clone();
        let (client, _p, _entries) = billable_client(&t, &a, "Client Brouillon", &[60, 60]).await;
        let (s, d) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        // Removing its only line releases the entries: a new draft may take them.
        let line = d["lines"][0]["id"].as_str().unwrap().to_string();
        let (s, d2) = call(
            &t,
            reqwest::Method::DELETE,
            t.api(&format!("/invoices/{id}/lines/{line}")),
            &tok,
            None,
        )
        .await;
        assert_eq!(s, 200, "{d2}");
        assert_eq!(d2["lines"].as_array().unwrap().len(), 0);
        // Issuing an empty invoice is refused and takes no number.
        let (s, b) = post(&t, &tok, &format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!((s, fields(&b)), (422, vec!["lines".to_string()]));
        let (s, other) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{other}");
        // Cancelling it releases them again; the cancelled draft keeps no number.
        let other_id = other["id"].as_str().unwrap();
        assert_eq!(
            call(
                &t,
                reqwest::Method::DELETE,
                t.api(&format!("/invoices/{other_id}")),
                &tok,
                None
            )
            .await
            .0,
            204
        );
        let (_, c) = get(&t, &tok, &format!("/invoices/{other_id}")).await;
        assert_eq!(
            (c["status"].as_str(), c["number"].as_str()),
            (Some("cancelled"), None)
        );
        let (s, third) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{third}");
        let (s, inv) = post(
            &t,
            &tok,
            &format!("/invoices/{}/issue", third["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
        assert_eq!(s, 200, "{inv}");
        assert_eq!(
            inv["number"],
            format!("F{}-0001", year(&t)),
            "cancelled drafts consume no number"
        );
        // A full credit note that releases the work lets it be billed again.
        let (s, cn) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": inv["id"], "reason": "wrong_client", "release_work": true}),
        )
        .await;
        assert_eq!(s, 201, "{cn}");
        let (_, credited) = get(
            &t,
            &tok,
            &format!("/invoices/{}", inv["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(credited["status"], "credited");
        assert_eq!(credited["work_released"], true);
        let (s, again) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{again}");
        assert_eq!(again["net_minor"], 20_000);
        // An entry of a draft changed meanwhile: issuing refuses (409).
        let entry = again["lines"][0]["bills"][0]["id"].as_str().unwrap();
        let mut c = t.app.db.read().await.unwrap();
        mesure_store::testing::exec(
            &mut c.conn(),
            "UPDATE time_entries SET billed_minutes = billed_minutes + 15 WHERE id = $1",
            &[mesure_store::Bind::Uuid(entry.parse().unwrap())],
        )
        .await
        .unwrap();
        drop(c);
        let (s, b) = post(
            &t,
            &tok,
            &format!("/invoices/{}/issue", again["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
        assert_eq!(s, 409, "{b}");
    }
}

/// 100 drafts issued at once from 16 connections in two servers: numbers 1…100, no gap, no
/// duplicate; one draft issued by 16 callers at once: exactly one wins, the others get 409.
#[tokio::test]
async fn concurrent_issuers_in_two_servers_keep_numbers_gapless() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Concurrente").await;
        let tok = a.owner.token.clone();
        let (client, p, _) = billable_client(&t, &a, "Client Concurrent", &[60]).await;
        let urls = [t.url.clone(), t.second_server().await];
        // 101 drafts, each billing one approved entry of its own day.
        let start = jiff::civil::date(2026, 4, 1);
        let days: Vec<String> = (0..100)
            .map(|i| (start + jiff::Span::new().days(i)).to_string())
            .collect();
        for day in &days {
            log(&t, &a.owner.ctx, p, day, 30).await;
        }
        for day in days.iter().step_by(7) {
            let (s, b) = post(
                &t,
                &tok,
                &format!("/timesheets/{}/{day}/approve", a.owner.id),
                json!({}),
            )
            .await;
            assert_eq!(s, 200, "{b}");
        }
        let (s, b) = post(
            &t,
            &tok,
            &format!("/timesheets/{}/{}/approve", a.owner.id, days[99]),
            json!({}),
        )
        .await;
        assert!(s == 200 || s == 409, "{b}");
        let mut drafts = Vec::new();
        let (s, d) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{d}");
        drafts.push(d["id"].as_str().unwrap().to_string());
        for day in &days {
            let (s, d) = post(
                &t,
                &tok,
                "/invoices",
                json!({"client_id": client.to_string(), "from": day, "to": day}),
            )
            .await;
            assert_eq!(s, 201, "draft of {day}: {d}");
            drafts.push(d["id"].as_str().unwrap().to_string());
        }
        let contested = drafts.pop().unwrap();
        let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(16));
        let mut tasks = Vec::new();
        for (i, id) in drafts.iter().enumerate() {
            let url = format!("{}/api/v1/invoices/{id}/issue", urls[i % 2]);
            let (tok, sem) = (tok.clone(), sem.clone());
            let client = t.client();
            tasks.push(tokio::spawn(async move {
                let _p = sem.acquire().await.unwrap();
                let r = client
                    .post(url)
                    .bearer_auth(tok)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                let s = r.status().as_u16();
                (s, r.json::<Value>().await.unwrap_or(Value::Null))
            }));
        }
        let mut seqs = Vec::new();
        for task in tasks {
            let (s, b) = task.await.unwrap();
            assert_eq!(s, 200, "{b}");
            seqs.push(
                b["number"]
                    .as_str()
                    .unwrap()
                    .rsplit('-')
                    .next()
                    .unwrap()
                    .parse::<u32>()
                    .unwrap(),
            );
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=100).collect::<Vec<u32>>());
        let mut tasks = Vec::new();
        for i in 0..16 {
            let url = format!("{}/api/v1/invoices/{contested}/issue", urls[i % 2]);
            let tok = tok.clone();
            let client = t.client();
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(tok)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut codes = Vec::new();
        for task in tasks {
            codes.push(task.await.unwrap());
        }
        codes.sort_unstable();
        assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
        assert!(codes.iter().all(|c| *c == 200 || *c == 409), "{codes:?}");
        let report = mesure_services::invoicing::check_chain(&t.app, a.ws)
            .await
            .unwrap();
        assert_eq!(
            (
                report.documents,
                report.broken.len(),
                report.numbering.len()
            ),
            (101, 0, 0),
            "{report:?}"
        );
    }
}

/// A draft of `client` with one manual line (100.00 at 20 %), written straight through the store
/// (the route walks need many fresh drafts): its id and its line's id.
pub async fn manual_draft(
    t: &TestApp,
    ws: mesure_domain::WorkspaceId,
    client: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid) {
    use mesure_domain::invoicing::draft::Grouping;
    use mesure_domain::invoicing::states::{DocKind, DocStatus, LineKind};
    use mesure_domain::invoicing::totals::Vat;
    use mesure_store::invoicing::{InvoiceRow, LineRow};
    let (id, line) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let now = t.clock_now();
    let mut tx = t.app.db.begin().await.unwrap();
    let row = InvoiceRow {
        workspace_id: ws.uuid(),
        id,
        kind: DocKind::Invoice,
        client_id: client,
        currency: mesure_domain::Currency::EUR,
        language: mesure_domain::Language::Fr,
        status: DocStatus::Draft,
        number: None,
        year: None,
        seq: None,
        issued_on: None,
        due_on: None,
        period_from: 20260301,
        period_to: 20260331,
        grouping: Grouping::Deliverable,
        credited_invoice_id: None,
        credit_reason: None,
        releases_work: false,
        note: String::new(),
        net_minor: 10_000,
        vat_minor: 2_000,
        gross_minor: 12_000,
        paid_minor: 0,
        credited_minor: 0,
        sent_at: None,
        issued_data: None,
        content_hash: None,
        previous_hash: None,
        chain_index: None,
        created_by: uuid::Uuid::nil(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    mesure_store::invoicing::insert_invoice(&mut tx.conn(), &row)
        .await
        .unwrap();
    let l = LineRow {
        workspace_id: ws.uuid(),
        id: line,
        invoice_id: id,
        position: 1,
        kind: LineKind::Manual,
        project_id: None,
        description: "Conseil".into(),
        detail: String::new(),
        quantity: "1".into(),
        unit: "C62".into(),
        unit_price_minor: 10_000,
        vat: Vat::Standard,
        net_minor: 10_000,
        minutes: 0,
        free_value_minor: 0,
        period_from: None,
        period_to: None,
    };
    mesure_store::invoicing::insert_lines(&mut tx.conn(), &[l], &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (id, line)
}

/// A client with billing details and nothing else can still be deleted (its details go with
/// it); one with projects is refused with 409, never a foreign-key 500.
#[tokio::test]
async fn a_client_with_billing_details_is_deleted_with_them() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Suppression").await;
        let tok = a.owner.token.clone();
        let (s, c) = post(&t, &tok, "/clients", json!({"name": "Client Éphémère"})).await;
        assert_eq!(s, 201, "{c}");
        let id = c["id"].as_str().unwrap().to_string();
        let (s, b) = put(
            &t,
            &tok,
            &format!("/clients/{id}/billing"),
            json!({"postcode": "75001", "city": "Paris", "country": "FR"}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let (s, b) = call(
            &t,
            reqwest::Method::DELETE,
            t.api(&format!("/clients/{id}")),
            &tok,
            None,
        )
        .await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(get(&t, &tok, &format!("/clients/{id}")).await.0, 404);
    }
}

#[tokio::test]
async fn month_end_invoices_every_client_and_names_the_one_it_cannot() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Fin De Mois").await;
        let tok = a.owner.token.clone();
        let y = year(&t);
        // Two clients ready to invoice and one without a SIREN, each with approved time in March.
        let (first, _, _) = billable_client(&t, &a, "Alpha Conseil", &[60, 30]).await;
        let mut more = Vec::new();
        for (name, siren) in [
            ("Bêta Industrie", Some("552100554")),
            ("Gamma Sans Siren", None),
        ] {
            let mut body = json!({"name": name, "legal_name": format!("{name} SA"), "billing_address": "3 rue du Port"});
            if let Some(s) = siren {
                body["siren"] = json!(s);
            }
            let (s, c) = post(&t, &tok, "/clients", body).await;
            assert_eq!(s, 201, "{c}");
            let client: uuid::Uuid = c["id"].as_str().unwrap().parse().unwrap();
            let (s, b) = put(
                &t,
                &tok,
                &format!("/clients/{client}/billing"),
                json!({"postcode": "13002", "city": "Marseille", "country": "FR"}),
            )
            .await;
            assert_eq!(s, 200, "{b}");
            let p = project(
                &t,
                &a.owner.ctx,
                client,
                &format!("Site {name}"),
                "time_materials",
            )
            .await;
            log(&t, &a.staff.ctx, p, "2026-03-17", 120).await;
            more.push(client);
        }
        let (s, b) = post(
            &t,
            &tok,
            &format!("/timesheets/{}/2026-03-17/approve", a.staff.id),
            json!({}),
        )
        .await;
        assert_eq!(s, 200, "{b}");

        // Bad input: a wrong date and a period that ends before it starts, each named.
        let (s, b) = post(
            &t,
            &tok,
            "/invoices/month-end",
            json!({"from": "mars", "to": "2026-03-31"}),
        )
        .await;
        assert_eq!((s, fields(&b)), (422, vec!["from".to_string()]), "{b}");
        let (s, b) = post(
            &t,
            &tok,
            "/invoices/month-end",
            json!({"from": "2026-03-31", "to": "2026-03-01"}),
        )
        .await;
        assert_eq!((s, fields(&b)), (422, vec!["to".to_string()]), "{b}");
        // Staff may not invoice.
        let (s, _) = post(
            &t,
            &a.staff.token,
            "/invoices/month-end",
            json!({"from": "2026-03-01", "to": "2026-03-31"}),
        )
        .await;
        assert_eq!(s, 403);

        let (s, r) = post(
            &t,
            &tok,
            "/invoices/month-end",
            json!({"from": "2026-03-01", "to": "2026-03-31", "issue": true}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (
                r["clients"].as_i64(),
                r["drafts"].as_i64(),
                r["issued"].as_i64()
            ),
            (Some(2), Some(2), Some(2)),
            "{r}"
        );
        // Numbers follow client names, gapless.
        let docs = r["documents"].as_array().unwrap();
        assert_eq!(docs[0]["client_id"], first.to_string());
        assert_eq!(docs[0]["number"], format!("F{y}-0001"));
        assert_eq!(docs[0]["items"], 2);
        assert_eq!(docs[1]["client_id"], more[0].to_string());
        assert_eq!(docs[1]["number"], format!("F{y}-0002"));
        assert_eq!(docs[1]["gross_minor"], 24_000, "2 h at 100/h, VAT 20 %");
        // The client without a SIREN is named, with the legal check's error; nothing is drafted.
        let skipped = r["skipped"].as_array().unwrap();
        assert_eq!(skipped.len(), 1, "{r}");
        assert_eq!(skipped[0]["client_id"], more[1].to_string());
        assert_eq!(skipped[0]["client_name"], "Gamma Sans Siren");
        assert_eq!(skipped[0]["errors"][0]["field"], "buyer_siren", "{r}");
        assert!(skipped[0]["draft_id"].is_null());
        let (_, l) = get(&t, &tok, &format!("/invoices?client_id={}", more[1])).await;
        assert_eq!(l["items"].as_array().map(Vec::len), Some(0), "{l}");

        // Once the SIREN is given, a second run invoices it alone with the next number; the
        // others have nothing left to bill.
        let (s, c) = put(&t, &tok, &format!("/clients/{}", more[1]), json!({"name": "Gamma Sans Siren", "legal_name": "Gamma SA", "siren": "552100554", "billing_address": "3 rue du Port"})).await;
        assert_eq!(s, 200, "{c}");
        let (s, r) = post(
            &t,
            &tok,
            "/invoices/month-end",
            json!({"from": "2026-03-01", "to": "2026-03-31", "issue": true}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["drafts"].as_i64(), r["skipped"].as_array().map(Vec::len)),
            (Some(1), Some(0)),
            "{r}"
        );
        assert_eq!(r["documents"][0]["number"], format!("F{y}-0003"));

        // The page: the form, and the summary after a run (nothing left to bill now); the
        // batch is in the audit log.
        let owner = t.client();
        t.login(&owner, &a.owner.email, &a.owner.password).await;
        let csrf = t.csrf(&owner, "/invoices").await;
        let html = owner
            .post(format!("{}/invoices/month-end", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("from", "2026-03-01"),
                ("to", "2026-03-31"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-testid=\"month-end-summary\""), "{html}");
        assert!(
            html.contains("Rien à facturer") || html.contains("Nothing to bill"),
            "{html}"
        );
        let audit = t.text(&owner, "/audit").await;
        assert!(
            audit.contains("fin de mois") || audit.contains("month-end"),
            "{audit}"
        );
    }
}
