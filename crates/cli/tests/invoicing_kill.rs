//! Kill -9 during a batch of issues (issue 10), on SQLite and on PostgreSQL
//! (`MESURE_TEST_DATABASE_URL`): 40 drafts issued from 8 connections against a real
//! `mesure serve`, killed with SIGKILL in the middle and restarted on the same database. Every
//! invoice is then a draft without a number or issued with one (every answered issue among
//! them); the numbers are 1…n without gap or duplicate; the entries of issued invoices are
//! invoiced and those of drafts are not; `mesure check --invoices` reports ok; the remaining
//! drafts then take n+1…40.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::zombie_processes
)]

use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DRAFTS: usize = 40;

/// The `mesure` binary: cargo's, or `MESURE_TEST_BIN` (a copy kept apart from a target
/// directory other builds share).
fn bin() -> String {
    std::env::var("MESURE_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_mesure").to_string())
}

/// `mesure serve` on the test's database, without the job worker; the child and its URL.
fn serve(t: &TestApp) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin())
        .args([
            "serve",
            "--no-worker",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--database-url", &t.db_url])
        .env("MESURE_DATA_DIR", &t.dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), format!("listening on http://127.0.0.1:{port}"));
    // Keep reading: a closed pipe would make the server's next print fail.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, format!("http://127.0.0.1:{port}"))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn send(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    tok: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = c.request(method, url).bearer_auth(tok);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// The sequence of a number (`F2026-0012` → 12).
fn seq(number: &str) -> u32 {
    number.rsplit('-').next().unwrap().parse().unwrap()
}

/// `mesure check --invoices` on the test's database: it succeeds and reports `documents`.
fn check_invoices(t: &TestApp, documents: usize) {
    let o = Command::new(bin())
        .args(["check", "--invoices", "--database-url", &t.db_url])
        .env("MESURE_DATA_DIR", &t.dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains(&format!("ok ({documents} documents)")),
        "{out}"
    );
}

/// The state of every draft through the server at `url`: id → (status, number), and checks
/// each invoice's entries are invoiced exactly when it is issued.
async fn states(
    url: &str,
    tok: &str,
    ids: &[String],
) -> BTreeMap<String, (String, Option<String>)> {
    let c = http();
    let mut out = BTreeMap::new();
    for id in ids {
        let (s, inv) = send(
            &c,
            reqwest::Method::GET,
            format!("{url}/api/v1/invoices/{id}"),
            tok,
            None,
        )
        .await;
        assert_eq!(s, 200, "{inv}");
        let status = inv["status"].as_str().unwrap().to_string();
        let number = inv["number"].as_str().map(str::to_string);
        match status.as_str() {
            "draft" => assert_eq!(number, None, "a draft has no number: {inv}"),
            "issued" => assert!(number.is_some(), "an issued invoice has a number: {inv}"),
            other => panic!("half-issued or unexpected: {other} {inv}"),
        }
        let entries: Vec<&str> = inv["lines"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["bills"].as_array().unwrap().iter())
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        assert!(!entries.is_empty(), "{inv}");
        for e in entries {
            let (s, entry) = send(
                &c,
                reqwest::Method::GET,
                format!("{url}/api/v1/time-entries/{e}"),
                tok,
                None,
            )
            .await;
            assert_eq!(s, 200, "{entry}");
            assert_eq!(
                entry["invoiced"].as_bool(),
                Some(status == "issued"),
                "entry {e} of a {status} invoice: {entry}"
            );
        }
        out.insert(id.clone(), (status, number));
    }
    out
}

#[tokio::test]
async fn kill_9_during_a_batch_of_issues_leaves_no_gap_and_no_half_issued_invoice() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Coupure").await;
        let tok = a.owner.token.clone();
        let c = http();
        let api = |p: &str| t.api(p);

        // A client ready to invoice, its T&M project, one approved entry a day for 40 days, and
        // a draft per day (each billing its entry).
        let seller = json!({
            "legal_name": "Atelier Coupure SAS", "address_line": "12 rue des Lilas", "postcode": "69001",
            "city": "Lyon", "country": "FR", "siren": "732829320", "registry_city": "Lyon",
            "legal_form": "SAS", "share_capital_minor": 1_000_000, "vat_number": "FR44732829320",
            "penalty_rate": "3 fois le taux d'intérêt légal", "payment_days": 30
        });
        let (s, b) = send(
            &c,
            reqwest::Method::PUT,
            api("/invoicing/settings"),
            &tok,
            Some(seller),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let (s, cl) = send(&c, reqwest::Method::POST, api("/clients"), &tok, Some(json!({"name": "Client Coupure", "legal_name": "Client Coupure SA", "siren": "552100554", "billing_address": "1 avenue de la Gare"}))).await;
        assert_eq!(s, 201, "{cl}");
        let client = cl["id"].as_str().unwrap().to_string();
        let (s, b) = send(
            &c,
            reqwest::Method::PUT,
            api(&format!("/clients/{client}/billing")),
            &tok,
            Some(json!({"postcode": "75008", "city": "Paris", "country": "FR"})),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let project = mesure_services::projects::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::projects::forms::ProjectForm {
                client_id: client.clone(),
                name: "Site Coupure".into(),
                billing_model: "time_materials".into(),
                hourly_rate: Some("100".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        let start = jiff::civil::date(2026, 4, 1);
        let days: Vec<String> = (0..DRAFTS)
            .map(|i| (start + jiff::Span::new().days(i64::try_from(i).unwrap())).to_string())
            .collect();
        for (i, day) in days.iter().enumerate() {
            mesure_services::time::log(
                &t.app,
                &a.owner.ctx,
                &mesure_domain::time::forms::EntryForm {
                    project_id: project.to_string(),
                    date: day.clone(),
                    duration: format!("{}m", 30 + i),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        for day in &days {
            let (s, b) = send(
                &c,
                reqwest::Method::POST,
                api(&format!("/timesheets/{}/{day}/approve", a.owner.id)),
                &tok,
                Some(json!({})),
            )
            .await;
            assert!(s == 200 || s == 409, "{b}");
        }
        let mut ids = Vec::new();
        for day in &days {
            let (s, d) = send(
                &c,
                reqwest::Method::POST,
                api("/invoices"),
                &tok,
                Some(json!({"client_id": client, "from": day, "to": day})),
            )
            .await;
            assert_eq!(s, 201, "draft of {day}: {d}");
            ids.push(d["id"].as_str().unwrap().to_string());
        }

        // Issue them from 8 connections against a real server; SIGKILL it after 12 answers.
        let (mut server, url) = serve(&t);
        let queue = Arc::new(Mutex::new(ids.iter().cloned().collect::<VecDeque<_>>()));
        let done = Arc::new(AtomicUsize::new(0));
        let answered = Arc::new(Mutex::new(BTreeMap::<String, String>::new()));
        let mut workers = Vec::new();
        for _ in 0..8 {
            let (queue, done, answered) = (queue.clone(), done.clone(), answered.clone());
            let (url, tok) = (url.clone(), tok.clone());
            workers.push(tokio::spawn(async move {
                let c = http();
                loop {
                    let Some(id) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let r = c
                        .post(format!("{url}/api/v1/invoices/{id}/issue"))
                        .bearer_auth(&tok)
                        .json(&json!({}))
                        .send()
                        .await;
                    let Ok(r) = r else { break };
                    assert_eq!(r.status(), 200, "issuing {id}");
                    let Ok(b) = r.json::<Value>().await else {
                        break;
                    };
                    answered
                        .lock()
                        .unwrap()
                        .insert(id, b["number"].as_str().unwrap().to_string());
                    done.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while done.load(Ordering::SeqCst) < 12 {
            assert!(Instant::now() < deadline, "issuing stalled");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        for w in workers {
            w.await.unwrap();
        }
        let answered = answered.lock().unwrap().clone();
        assert!(
            answered.len() < DRAFTS,
            "killed in the middle: {} issued",
            answered.len()
        );

        // Restarted on the same database: issued with a number or a draft without one.
        let (mut server, url) = serve(&t);
        let before = states(&url, &tok, &ids).await;
        for (id, number) in &answered {
            assert_eq!(
                before[id],
                ("issued".to_string(), Some(number.clone())),
                "an answered issue survived the kill"
            );
        }
        let mut seqs: Vec<u32> = before
            .values()
            .filter_map(|(_, n)| n.as_deref().map(seq))
            .collect();
        seqs.sort_unstable();
        let n = u32::try_from(seqs.len()).unwrap();
        assert_eq!(
            seqs,
            (1..=n).collect::<Vec<_>>(),
            "{backend:?}: no gap, no duplicate"
        );
        assert!(usize::try_from(n).unwrap() < DRAFTS, "some drafts remain");
        eprintln!(
            "{backend:?}: {} answered before the kill, {n} issued after",
            answered.len()
        );
        check_invoices(&t, seqs.len());

        // The remaining drafts take the next numbers.
        let c = http();
        let mut next = Vec::new();
        for (id, (status, _)) in &before {
            if status == "draft" {
                let (s, b) = send(
                    &c,
                    reqwest::Method::POST,
                    format!("{url}/api/v1/invoices/{id}/issue"),
                    &tok,
                    Some(json!({})),
                )
                .await;
                assert_eq!(s, 200, "{b}");
                next.push(seq(b["number"].as_str().unwrap()));
            }
        }
        next.sort_unstable();
        assert_eq!(
            next,
            (n + 1..=u32::try_from(DRAFTS).unwrap()).collect::<Vec<_>>()
        );
        let after = states(&url, &tok, &ids).await;
        assert!(after.values().all(|(s, _)| s == "issued"));
        check_invoices(&t, DRAFTS);
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
