//! Issue 8, "keep it from coming back": every JSON write operation of the OpenAPI document and
//! every query parameter, fed NUL, control characters, 100 k strings, ±2⁶³, bad dates and bad
//! decimals, on both engines: no answer may be a 5xx.
use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::{Value, json};
use std::collections::HashMap;

fn hostile_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "\u{0}",
        "a\u{0}b",
        "\u{1}\u{1f}\u{7f}\u{85}",
        "\u{1b}[2J",
        "\u{202e}evil\u{200b}",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "1e400",
        "NaN",
        "-0",
        "0000-01-01",
        "9999-12-31",
        "2026-02-30",
        "12/13/2026",
        "1,5",
        "1.123456789",
        "99999999999999999999999999999.99",
        "",
        " ",
        "<script>alert(1)</script>",
        "🦀",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(100_000));
    v
}

fn hostile_values() -> Vec<Value> {
    let mut v: Vec<Value> = hostile_strings().into_iter().map(Value::String).collect();
    v.extend([
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e308),
        json!(-1),
        json!(0.5),
        json!(true),
        Value::Null,
        json!([]),
        json!({}),
    ]);
    v
}

/// The ids the paths and bodies refer to.
struct Fixture {
    ids: HashMap<&'static str, String>,
}

impl Fixture {
    fn id(&self, k: &str) -> String {
        self.ids.get(k).cloned().unwrap_or_default()
    }
    /// A valid body for each request schema, so a hostile value in one field reaches as deep
    /// as it can.
    fn base(&self, schema: &str) -> Value {
        let (cl, p, u) = (self.id("client"), self.id("project"), self.id("user"));
        match schema {
            "CapacityBody" => json!({"weekly_hours": "35"}),
            "ChangeBody" => json!({"title": "Extra", "extra_hours": "2", "price": "100"}),
            "ClientBody" => json!({"name": "Client fuzz", "notes": "n"}),
            "ContactBody" => {
                json!({"first_name": "Anne", "last_name": "Fuzz", "email": "anne@fuzz.example.org"})
            }
            "DecisionBody" => json!({"status": "accepted"}),
            "DeliverableBody" => json!({"name": "Livrable", "estimate_hours": "3"}),
            "EntryBody" => {
                json!({"project_id": p, "date": "2026-03-02", "duration": "1:00", "note": "n"})
            }
            "LeaveBody" => json!({"day": "2026-03-05", "hours": "7"}),
            "MilestoneBody" => json!({"name": "Jalon", "amount": "100", "due_on": "2026-04-01"}),
            "ProjectBody" => {
                json!({"client_id": cl, "name": "Projet fuzz", "billing_model": "time_materials", "hourly_rate": "90"})
            }
            "RateBody" => json!({"user_id": u, "rate": "80", "valid_from": "2026-01-01"}),
            "ReachedBody" => json!({"reached": true}),
            "ReasonBody" => json!({"reason": "goodwill", "note": "n"}),
            "TimerBody" => json!({"project_id": p}),
            "UserBody" => json!({"role": "staff"}),
            "InviteBody" => json!({"email": "invitation@fuzz.example.org"}),
            "WeekBody" => {
                json!({"cells": [{"project_id": p, "date": "2026-03-03", "duration": "2:00"}]})
            }
            "WorkspaceBody" => json!({"name": "Agence Fuzz"}),
            "DraftBody" => json!({"client_id": cl, "from": "2026-03-01", "to": "2026-03-31"}),
            "DraftEditBody" => json!({"note": "n"}),
            "MonthEndBody" => json!({"from": "2020-01-01", "to": "2020-01-31"}),
            "LineBody" => {
                json!({"description": "Conseil", "quantity": "1", "unit_price_minor": 100})
            }
            "PaymentBody" => json!({"amount_minor": 1, "paid_on": "2026-03-02"}),
            "CreditBody" => {
                json!({"invoice_id": self.id("invoice"), "reason": "commercial", "net_minor": 1})
            }
            "BillingBody" => json!({"postcode": "75001", "city": "Paris", "country": "FR"}),
            "SettingsBody" => json!({"payment_days": 30}),
            "TicketIn" => {
                json!({"client_id": cl, "subject": "Panne", "body": "Le site est en panne.", "channel": "phone"})
            }
            "MessageIn" => json!({"body": "Bonjour", "public": true}),
            "MoveIn" => json!({"priority": "high"}),
            "AbandonedIn" => json!({"channel": "phone", "client_id": cl, "waited_seconds": 30}),
            other => panic!("no base body for {other}: add one"),
        }
    }
    fn path(&self, template: &str) -> String {
        let key = if template.starts_with("/api/v1/clients/") {
            "client"
        } else if template.starts_with("/api/v1/projects/") {
            "project"
        } else if template.starts_with("/api/v1/time-entries/") {
            "entry"
        } else if template.starts_with("/api/v1/deliverables/") {
            "deliverable"
        } else if template.starts_with("/api/v1/milestones/") {
            "milestone"
        } else if template.starts_with("/api/v1/change-requests/") {
            "change"
        } else if template.starts_with("/api/v1/contacts/") {
            "contact"
        } else if template.starts_with("/api/v1/invoices/") {
            "invoice"
        } else if template.contains("/tickets/") {
            "ticket"
        } else {
            "user"
        };
        template
            .replace("{id}", &self.id(key))
            .replace("{week}", "2026-03-02")
            .replace("{line}", &self.id("line"))
    }
}

async fn fixture(
    t: &TestApp,
    token: &str,
    user: uuid::Uuid,
    ws: mesure_domain::WorkspaceId,
) -> Fixture {
    let c = t.client();
    let post = |path: String, body: Value| {
        let c = c.clone();
        let url = t.api(&path);
        async move {
            let r = c
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            let v: Value = r.json().await.unwrap();
            v["id"].as_str().unwrap().to_string()
        }
    };
    let mut ids = HashMap::new();
    ids.insert("user", user.to_string());
    let cl = post("/clients".into(), json!({"name": "Client Fixe"})).await;
    let p = post(
        "/projects".into(),
        json!({"client_id": cl, "name": "Projet Fixe", "billing_model": "time_materials", "hourly_rate": "90"}),
    )
    .await;
    ids.insert(
        "contact",
        post(
            format!("/clients/{cl}/contacts"),
            json!({"first_name": "Jean", "last_name": "Fixe"}),
        )
        .await,
    );
    ids.insert(
        "deliverable",
        post(
            format!("/projects/{p}/deliverables"),
            json!({"name": "L", "estimate_hours": "4"}),
        )
        .await,
    );
    ids.insert(
        "milestone",
        post(
            format!("/projects/{p}/milestones"),
            json!({"name": "J", "amount": "10", "due_on": "2026-05-01"}),
        )
        .await,
    );
    ids.insert(
        "change",
        post(
            format!("/projects/{p}/change-requests"),
            json!({"title": "C", "extra_hours": "1", "price": "10", "status": "sent"}),
        )
        .await,
    );
    ids.insert(
        "entry",
        post(
            "/time-entries".into(),
            json!({"project_id": p, "date": "2026-03-02", "duration": "0:30"}),
        )
        .await,
    );
    let (invoice, line) = crate::invoicing::manual_draft(t, ws, cl.parse().unwrap()).await;
    ids.insert("invoice", invoice.to_string());
    ids.insert("line", line.to_string());
    ids.insert(
        "ticket",
        post(
            "/desk/tickets".into(),
            json!({"client_id": cl, "subject": "Panne", "body": "Le site est en panne."}),
        )
        .await,
    );
    ids.insert("client", cl);
    ids.insert("project", p);
    Fixture { ids }
}

#[tokio::test]
async fn no_hostile_input_gets_a_5xx() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Fuzz").await;
        let token = a.owner.token.clone();
        let fx = fixture(&t, &token, a.staff.id, a.ws).await;
        let doc: Value = t
            .client()
            .get(t.api("/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap().clone();
        let c = t.client();
        let mut failures: Vec<String> = vec![];
        let mut sent = 0usize;
        let mut check = |what: String, status: Option<u16>| {
            sent += 1;
            match status {
                Some(s) if s < 500 => {}
                Some(s) => failures.push(format!("{s} {what}")),
                None => failures.push(format!("no answer: {what}")),
            }
        };
        for (template, ops) in doc["paths"].as_object().unwrap() {
            if template.contains("time-imports") {
                continue; // a CSV body; its cells are covered by the import tests
            }
            let path = fx.path(template);
            for (method, op) in ops.as_object().unwrap() {
                let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                // Query parameters, one at a time.
                for p in op["parameters"].as_array().into_iter().flatten() {
                    if p["in"] != "query" {
                        continue;
                    }
                    let name = p["name"].as_str().unwrap();
                    for mut v in hostile_strings() {
                        // A URI holds at most 65,534 bytes (the `http` crate's limit, client
                        // side): the longest query value is cut below it.
                        v.truncate(60_000);
                        let r = c
                            .request(m.clone(), t.url.clone() + &path)
                            .bearer_auth(&token)
                            .query(&[(name, v.as_str())])
                            .send()
                            .await;
                        let short: String = v.chars().take(20).collect();
                        check(
                            format!("{method} {template} ?{name}={short:?}"),
                            r.ok().map(|r| r.status().as_u16()),
                        );
                    }
                }
                // Path ids that are not ids.
                if template.contains("{id}") && method == "get" {
                    for v in [
                        "%00",
                        "x",
                        "00000000-0000-0000-0000-000000000000",
                        "%E2%80%AE",
                        &"9".repeat(5000),
                    ] {
                        let r = c
                            .get(
                                t.url.clone()
                                    + &template.replace("{id}", v).replace("{week}", "2026-03-02"),
                            )
                            .bearer_auth(&token)
                            .send()
                            .await;
                        check(
                            format!("GET {template} id={}", &v[..v.len().min(20)]),
                            r.ok().map(|r| r.status().as_u16()),
                        );
                    }
                }
                // JSON bodies, one hostile field at a time.
                let Some(sref) =
                    op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
                else {
                    continue;
                };
                let name = sref.rsplit('/').next().unwrap();
                let base = fx.base(name);
                let props: Vec<String> = schemas[name]["properties"]
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                let mut variants: Vec<(String, Value)> = vec![];
                for prop in &props {
                    for v in hostile_values() {
                        let mut b = base.clone();
                        if name == "WeekBody" {
                            // Fuzz the cells' fields too.
                            for cell in ["project_id", "date", "duration", "deliverable_id"] {
                                let mut wb = base.clone();
                                wb["cells"][0][cell] = v.clone();
                                variants.push((format!("cells[0].{cell}"), wb));
                            }
                        }
                        b[prop.as_str()] = v.clone();
                        variants.push((prop.clone(), b));
                    }
                }
                // An unknown field and a body that is not an object.
                let mut extra = base.clone();
                extra["zz\u{0}"] = json!(1);
                variants.push(("unknown".into(), extra));
                variants.push(("array".into(), json!([base])));
                for (field, body) in variants {
                    let r = c
                        .request(m.clone(), t.url.clone() + &path)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    let v: String = body
                        .get(&field)
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                        .chars()
                        .take(24)
                        .collect();
                    check(
                        format!("{method} {template} {field}={v}"),
                        r.ok().map(|r| r.status().as_u16()),
                    );
                }
            }
        }
        assert!(sent > 3000, "only {sent} requests were sent");
        assert!(
            failures.is_empty(),
            "{} of {sent} requests got a 5xx or no answer on {backend:?}:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// NUL and other controls in forms, query strings and imported cells: the same 422 on both
/// engines, naming the field, and nothing stored.
#[tokio::test]
async fn control_characters_are_refused_the_same_on_both_engines() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Controle").await;
        let tok = a.owner.token.as_str();
        // API query parameters.
        for q in ["q=%00", "segment=%00", "cursor=abc%00", "status=%1B"] {
            let r = t
                .client()
                .get(format!("{}?{q}", t.api("/clients")))
                .bearer_auth(tok)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{q}");
            let b: Value = r.json().await.unwrap();
            let field = q.split('=').next().unwrap();
            assert_eq!(b["errors"][0]["field"], field, "{b}");
        }
        // A JSON field, nested.
        let r = t
            .client()
            .put(t.api("/timesheets/me/2026-03-02"))
            .bearer_auth(tok)
            .json(&json!({"cells": [{"project_id": "x", "date": "2026-03-02", "duration": "1\u{0}"}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["errors"][0]["field"], "cells[0].duration", "{b}");
        // An HTML form: a page that says which field, nothing saved.
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let csrf = t.csrf(&c, "/clients/new").await;
        let r = c
            .post(format!("{}/clients", t.url))
            .form(&[("_csrf", csrf.as_str()), ("name", "Boulangerie\u{0}Dupain")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("« name »"), "{page}");
        // The file name of an import and a NUL in a cell.
        let csv = "date,person,client,project,minutes,note\n2026-03-02,Léa Petit,Client,Projet,60,a\u{0}b\n";
        for query in ["file_name=x%00", "create_missing=true"] {
            let r = t
                .client()
                .post(format!("{}?{query}", t.api("/time-imports")))
                .bearer_auth(tok)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{query}");
            let b = r.text().await.unwrap();
            assert!(!b.contains('\u{0}'), "{b}");
        }
        let r = t
            .client()
            .get(t.api("/clients"))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap();
        let list: Value = r.json().await.unwrap();
        assert_eq!(list["total"], 0, "{list}");
    }
}
