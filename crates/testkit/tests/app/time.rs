//! Engagements, time and the radar over HTTP: the bad-input rules (each refused with nothing
//! written), alerts once per crossing, known-answer KPIs, imports of real-format files, the timer
//! and week locking.
use mesure_domain::{DashboardAction, ProjectsAction, RadarAction, TimeAction};
use mesure_services::Ctx;
use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::{Value, json};

/// A project of `client` created through the service (`fixed_fee`, `time_materials`, `retainer`).
pub async fn project(
    t: &TestApp,
    ctx: &Ctx,
    client: uuid::Uuid,
    name: &str,
    model: &str,
) -> uuid::Uuid {
    let form = mesure_domain::projects::forms::ProjectForm {
        client_id: client.to_string(),
        name: name.into(),
        billing_model: model.into(),
        hourly_rate: Some("100".into()),
        fixed_price: Some("10000".into()),
        retainer_fee: Some("2000".into()),
        retainer_hours: Some("10".into()),
        ..Default::default()
    };
    mesure_services::projects::create(&t.app, ctx, &form)
        .await
        .unwrap()
        .id
}

/// Logs `minutes` on `date` as the context's person.
pub async fn log(
    t: &TestApp,
    ctx: &Ctx,
    project: uuid::Uuid,
    date: &str,
    minutes: i64,
) -> uuid::Uuid {
    let form = mesure_domain::time::forms::EntryForm {
        project_id: project.to_string(),
        date: date.into(),
        duration: format!("{minutes}m"),
        ..Default::default()
    };
    mesure_services::time::log(&t.app, ctx, &form)
        .await
        .unwrap()
        .id
}

async fn client(t: &TestApp, ctx: &Ctx, name: &str) -> uuid::Uuid {
    mesure_services::clients::create(
        &t.app,
        ctx,
        &mesure_domain::clients::ClientForm {
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn count(t: &TestApp, table: &str) -> i64 {
    let mut c = t.app.db.read().await.unwrap();
    let r: Vec<(i64,)> = mesure_store::testing::fetch(
        &mut c.conn(),
        &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"),
        &[],
    )
    .await
    .unwrap();
    r[0].0
}

async fn post(t: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = t
        .client()
        .post(t.api(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn put(t: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = t
        .client()
        .put(t.api(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(t: &TestApp, token: &str, path: &str) -> Value {
    let r = t
        .client()
        .get(t.api(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

fn field(v: &Value) -> String {
    v["errors"][0]["field"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_written() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Règles").await;
        let tok = a.owner.token.clone();
        let cl = client(&t, &a.owner.ctx, "Client Règles").await;
        let p = project(&t, &a.owner.ctx, cl, "Site", "time_materials").await;
        let entry = |date: &str, minutes: i64| json!({"project_id": p.to_string(), "date": date, "minutes": minutes});
        let before = count(&t, "time_entries").await;
        // Zero and negative durations.
        for m in [0, -30] {
            let (s, b) = post(&t, &tok, "/time-entries", entry("2026-03-02", m)).await;
            assert_eq!((s, field(&b).as_str()), (422, "duration"), "{m} min");
        }
        // More than 24 hours in one entry, then over two entries of one day.
        let (s, _) = post(&t, &tok, "/time-entries", entry("2026-03-02", 24 * 60 + 1)).await;
        assert_eq!(s, 422);
        let (s, _) = post(&t, &tok, "/time-entries", entry("2026-03-02", 20 * 60)).await;
        assert_eq!(s, 201);
        let (s, b) = post(&t, &tok, "/time-entries", entry("2026-03-02", 5 * 60)).await;
        assert_eq!(s, 422);
        assert!(b["errors"][0]["message"].as_str().unwrap().contains("24"));
        assert_eq!(count(&t, "time_entries").await, before + 1);
        // The duration given twice (as minutes and as text) is refused, not one of them chosen.
        let (s, b) = post(&t, &tok, "/time-entries", json!({"project_id": p.to_string(), "date": "2026-03-03", "minutes": 30, "duration": "2:00"})).await;
        assert_eq!((s, field(&b).as_str()), (422, "duration"), "{b}");
        assert!(
            b["errors"][0]["message"].as_str().unwrap().contains("deux"),
            "{b}"
        );
        assert_eq!(count(&t, "time_entries").await, before + 1);
        // A project's numbers and booleans arrive typed too.
        let retainer = |months: i64| json!({"client_id": cl.to_string(), "name": format!("Forfait {months}"), "billing_model": "retainer", "retainer_fee": "1000", "retainer_hours": "10", "rollover": "carry", "rollover_months": months, "budget_monthly": true});
        let (s, b) = post(&t, &tok, "/projects", retainer(25)).await;
        assert_eq!((s, field(&b).as_str()), (422, "rollover_months"), "{b}");
        let (s, b) = post(&t, &tok, "/projects", retainer(3)).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(
            (b["rollover_months"].as_i64(), b["budget_monthly"].as_bool()),
            (Some(3), Some(true))
        );
        // Typed JSON stays typed: 95 minutes, not billable.
        let (s, b) = post(&t, &tok, "/time-entries", json!({"project_id": p.to_string(), "date": "2026-03-04", "minutes": 95, "billable": false})).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(
            (b["minutes"].as_i64(), b["billable"].as_bool()),
            (Some(95), Some(false))
        );
        let before = before + 1;
        // Free work without a reason.
        let (s, b) = post(&t, &tok, "/time-entries", json!({"project_id": p.to_string(), "date": "2026-03-03", "minutes": 30, "scope": "free"})).await;
        assert_eq!((s, field(&b).as_str()), (422, "free_reason"));
        // A change request approved twice.
        let (s, cr) = post(
            &t,
            &tok,
            &format!("/projects/{p}/change-requests"),
            json!({"title": "Page en plus", "extra_hours": "4", "price": "400"}),
        )
        .await;
        assert_eq!(s, 201);
        let path = format!("/change-requests/{}/decision", cr["id"].as_str().unwrap());
        assert_eq!(
            post(&t, &tok, &path, json!({"status": "approved"})).await.0,
            200
        );
        let (s, b) = post(&t, &tok, &path, json!({"status": "approved"})).await;
        assert_eq!(s, 409, "{b}");
        assert_eq!(
            post(&t, &tok, &path, json!({"status": "rejected"})).await.0,
            409
        );
        // A locked week: approving locks it; new entries and changes are refused.
        let e = log(&t, &a.staff.ctx, p, "2026-03-10", 60).await;
        let staff = a.staff.id.to_string();
        assert_eq!(
            post(
                &t,
                &tok,
                &format!("/timesheets/{staff}/2026-03-12/approve"),
                json!({})
            )
            .await
            .0,
            200
        );
        assert_eq!(
            post(
                &t,
                &tok,
                &format!("/timesheets/{staff}/2026-03-12/approve"),
                json!({})
            )
            .await
            .0,
            409
        );
        let (s, b) = post(&t, &a.staff.token, "/time-entries", entry("2026-03-11", 30)).await;
        assert_eq!((s, field(&b).as_str()), (422, "date"));
        let r = t
            .client()
            .put(t.api(&format!("/time-entries/{e}")))
            .bearer_auth(&a.staff.token)
            .json(&entry("2026-03-10", 90))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let r = t
            .client()
            .delete(t.api(&format!("/time-entries/{e}")))
            .bearer_auth(&a.staff.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        assert_eq!(
            post(
                &t,
                &tok,
                &format!("/timesheets/{staff}/2026-03-12/reopen"),
                json!({})
            )
            .await
            .0,
            200
        );
        let r = t
            .client()
            .put(t.api(&format!("/time-entries/{e}")))
            .bearer_auth(&a.staff.token)
            .json(&entry("2026-03-10", 90))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        // An invoiced entry never changes.
        {
            let mut tx = t.app.db.begin().await.unwrap();
            mesure_store::testing::exec(
                &mut tx.conn(),
                "UPDATE time_entries SET invoiced_at = 1 WHERE id = $1",
                &[mesure_store::Bind::Uuid(e)],
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let r = t
            .client()
            .put(t.api(&format!("/time-entries/{e}")))
            .bearer_auth(&tok)
            .json(&entry("2026-03-10", 30))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let (s, _) = post(
            &t,
            &tok,
            &format!("/time-entries/{e}/write-off"),
            json!({"reason": "goodwill"}),
        )
        .await;
        assert_eq!(s, 409);
        // An archived project takes no more time.
        assert_eq!(
            post(&t, &tok, &format!("/projects/{p}/archive"), json!({}))
                .await
                .0,
            200
        );
        let (s, b) = post(&t, &tok, "/time-entries", entry("2026-03-20", 30)).await;
        assert_eq!((s, field(&b).as_str()), (422, "project_id"));
        // Staff cannot log for someone else.
        let p2 = project(&t, &a.owner.ctx, cl, "Autre", "time_materials").await;
        let (s, _) = post(&t, &a.staff.token, "/time-entries", json!({"project_id": p2.to_string(), "date": "2026-03-21", "minutes": 30, "user_id": a.manager.id.to_string()})).await;
        assert_eq!(s, 403);
        assert_eq!(count(&t, "time_entries").await, before + 2);
    }
}

#[tokio::test]
async fn budget_alerts_fire_once_per_crossing_in_app_and_by_mail() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Alertes").await;
        let tok = a.owner.token.clone();
        let cl = client(&t, &a.owner.ctx, "Client Alertes").await;
        let (s, p) = post(&t, &tok, "/projects", json!({"client_id": cl.to_string(), "name": "Refonte", "billing_model": "time_materials", "hourly_rate": "100", "budget_hours": "10", "manager_id": a.manager.id.to_string()})).await;
        assert_eq!(s, 201, "{p}");
        let pid: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
        let alerts = |who: &str| {
            let who = who.to_string();
            let t = &t;
            async move {
                get(t, &who, "/notifications").await["items"]
                    .as_array()
                    .unwrap()
                    .len()
            }
        };
        let mails = || async { count(&t, "jobs WHERE kind = 'mail'").await };
        let mails0 = mails().await;
        log(&t, &a.staff.ctx, pid, "2026-03-02", 7 * 60).await;
        assert_eq!(alerts(&tok).await, 0);
        let e = log(&t, &a.staff.ctx, pid, "2026-03-03", 60).await;
        // 8 h of 10 h: the 80 % alert, once, to the owner and the project's manager (not to staff).
        assert_eq!(alerts(&tok).await, 1);
        assert_eq!(alerts(&a.manager.token).await, 1);
        assert_eq!(alerts(&a.staff.token).await, 0);
        assert_eq!(mails().await, mails0 + 2);
        let n = get(&t, &tok, "/notifications").await;
        assert_eq!(n["items"][0]["kind"], "budget_hours");
        assert_eq!(n["items"][0]["figure"], 80);
        assert!(
            n["items"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Refonte")
        );
        // More time under 100 %: no new alert.
        log(&t, &a.staff.ctx, pid, "2026-03-04", 30).await;
        assert_eq!(alerts(&tok).await, 1);
        // Back below 80 % re-arms; crossing again fires again.
        let r = t
            .client()
            .delete(t.api(&format!("/time-entries/{e}")))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        log(&t, &a.staff.ctx, pid, "2026-03-05", 60).await;
        assert_eq!(alerts(&tok).await, 2);
        // 100 %.
        log(&t, &a.staff.ctx, pid, "2026-03-06", 90).await;
        let n = get(&t, &tok, "/notifications").await;
        assert_eq!(n["items"].as_array().unwrap().len(), 3);
        assert_eq!(n["items"][0]["figure"], 100);
        assert_eq!(n["unread"], 3);
        assert_eq!(
            post(&t, &tok, "/notifications/read", json!({})).await.0,
            204
        );
        assert_eq!(get(&t, &tok, "/notifications").await["unread"], 0);
        // The mails go out through the job queue.
        t.run_jobs().await;
        assert_eq!(
            count(&t, "jobs WHERE kind = 'mail' AND status = 'done'").await,
            mails().await
        );
    }
}

#[tokio::test]
async fn project_figures_match_hand_computed_answers() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Calculs").await;
        let tok = a.owner.token.clone();
        let cl = client(&t, &a.owner.ctx, "Client Calculs").await;
        // T&M at 100.00/h, rounded up to 15 min, cap 500.00.
        let (s, p) = post(&t, &tok, "/projects", json!({"client_id": cl.to_string(), "name": "Régie", "billing_model": "time_materials", "hourly_rate": "100", "cap": "500", "rounding": "up15"})).await;
        assert_eq!(s, 201, "{p}");
        let pid = p["id"].as_str().unwrap().to_string();
        let staff = a.staff.id.to_string();
        // Cost 40.00/h until 15 March, 60.00/h from 16 March (a change in the middle of the month).
        assert_eq!(post(&t, &tok, "/cost-rates", json!({"user_id": staff, "rate": "40", "valid_from": "2026-01-01", "valid_to": "2026-03-15"})).await.0, 201);
        assert_eq!(
            post(
                &t,
                &tok,
                "/cost-rates",
                json!({"user_id": staff, "rate": "60", "valid_from": "2026-03-16"})
            )
            .await
            .0,
            201
        );
        let (s, d) = post(
            &t,
            &tok,
            &format!("/projects/{pid}/deliverables"),
            json!({"name": "Maquettes", "estimate_hours": "4"}),
        )
        .await;
        assert_eq!(s, 201);
        let did = d["id"].as_str().unwrap();
        let st = a.staff.token.clone();
        // 50 min on the deliverable (billed 60), 10 March: cost 50/60 × 40 = 33.33.
        let (s, e1) = post(
            &t,
            &st,
            "/time-entries",
            json!({"project_id": pid, "deliverable_id": did, "date": "2026-03-10", "minutes": 50}),
        )
        .await;
        assert_eq!(s, 201, "{e1}");
        assert_eq!(e1["billed_minutes"], 60);
        // 120 min unplanned, 20 March: billed 120 (200.00), cost 120.00.
        let (s, _) = post(
            &t,
            &st,
            "/time-entries",
            json!({"project_id": pid, "date": "2026-03-20", "minutes": 120}),
        )
        .await;
        assert_eq!(s, 201);
        // 30 min free (goodwill), 20 March: value 50.00, billed 0, cost 30.00.
        let (s, f) = post(&t, &st, "/time-entries", json!({"project_id": pid, "date": "2026-03-20", "minutes": 30, "scope": "free", "free_reason": "goodwill"})).await;
        assert_eq!(s, 201);
        assert_eq!(
            f["free_approved_by"],
            Value::Null,
            "staff free work waits for a manager"
        );
        assert_eq!(
            post(
                &t,
                &a.manager.token,
                &format!("/time-entries/{}/approve-free", f["id"].as_str().unwrap()),
                json!({})
            )
            .await
            .0,
            200
        );
        // 240 min in April, then 60 min of it written off... a separate 60 min entry written off.
        let (s, _) = post(
            &t,
            &st,
            "/time-entries",
            json!({"project_id": pid, "deliverable_id": did, "date": "2026-04-02", "minutes": 240}),
        )
        .await;
        assert_eq!(s, 201);
        let (s, w) = post(
            &t,
            &st,
            "/time-entries",
            json!({"project_id": pid, "deliverable_id": did, "date": "2026-04-03", "minutes": 60}),
        )
        .await;
        assert_eq!(s, 201);
        let (s, w) = post(
            &t,
            &tok,
            &format!("/time-entries/{}/write-off", w["id"].as_str().unwrap()),
            json!({"reason": "our_error", "note": "bug de notre fait"}),
        )
        .await;
        assert_eq!(s, 200, "{w}");
        assert_eq!(w["write_off_by"], a.owner.id.to_string());
        let r = get(&t, &tok, &format!("/projects/{pid}/radar")).await;
        let tot = &r["totals"];
        // Minutes: 50 + 120 + 30 + 240 + 60 = 500.
        assert_eq!(tot["minutes"], 500);
        // Billable value: 100 + 200 (March) + 400 (April) = 700.00, capped at 500.00.
        assert_eq!(tot["billable_value"], 70000);
        assert_eq!(tot["revenue"], 50000);
        assert_eq!(tot["free_value"], 5000);
        assert_eq!(tot["written_off_value"], 10000);
        // Over-servicing: 200.00 beyond the cap + 50.00 free + 100.00 written off.
        assert_eq!(tot["over_servicing"], 35000);
        // Cost: March 33.33 + 120.00 + 30.00 ; April 240 + 60 min at 60.00 = 300.00.
        assert_eq!(tot["cost"], 3333 + 12000 + 3000 + 30000);
        assert_eq!(tot["margin"], 50000 - 48333);
        // Effective rate: 500.00 over 500 min = 60.00/h.
        assert_eq!(tot["effective_rate"], 6000);
        // Nothing invoiced: realisation 0, and all earned revenue is unbilled work in progress.
        assert_eq!(tot["realisation"], "0");
        assert_eq!(tot["billed_value"], 0);
        assert_eq!(tot["unbilled_wip"], 50000);
        // Scope creep: 120 unplanned min + 30 free min outside any deliverable / 240 estimated.
        assert_eq!(r["outside_scope_minutes"], 150);
        assert_eq!(r["baseline_minutes"], 240);
        assert_eq!(r["scope_creep"], "0.625");
        // March revenue 300.00, April 200.00 (cap reached).
        let months = r["months"].as_array().unwrap();
        assert_eq!(months[0]["month"], "2026-03");
        assert_eq!(months[0]["figures"]["revenue"], 30000);
        assert_eq!(months[1]["figures"]["revenue"], 20000);
        // The figure links to its entries: the free entries are listed by kind.
        let free = get(
            &t,
            &tok,
            &format!("/time-entries?project_id={pid}&kind=free"),
        )
        .await;
        assert_eq!(free.as_array().unwrap().len(), 1);
        let wo = get(
            &t,
            &tok,
            &format!("/time-entries?project_id={pid}&kind=written_off"),
        )
        .await;
        assert_eq!(wo[0]["write_off_reason"], "our_error");
        // A new billing rate for the person on this project from 1 April reprices April's entries.
        // A billing rate has no end date: one given is refused, not silently dropped.
        let (st, body) = post(&t, &tok, "/rates", json!({"user_id": staff, "project_id": pid, "rate": "150", "valid_from": "2026-04-01", "valid_to": "2026-05-01"})).await;
        assert_eq!(st, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "valid_to", "{body}");
        assert_eq!(post(&t, &tok, "/rates", json!({"user_id": staff, "project_id": pid, "rate": "150", "valid_from": "2026-04-01"})).await.0, 201);
        let r = get(&t, &tok, &format!("/projects/{pid}/radar")).await;
        assert_eq!(r["totals"]["billable_value"], 30000 + 60000);
        assert_eq!(r["totals"]["written_off_value"], 15000);
        // Client roll-up equals the project (one project).
        let c = get(&t, &tok, &format!("/clients/{cl}/radar")).await;
        assert_eq!(c["totals"]["revenue"], 50000);
        assert_eq!(c["totals"]["minutes"], 500);
        // No data is never zero.
        let (s, p2) = post(
            &t,
            &tok,
            "/projects",
            json!({"client_id": cl.to_string(), "name": "Vide", "billing_model": "time_materials"}),
        )
        .await;
        assert_eq!(s, 201);
        let r = get(
            &t,
            &tok,
            &format!("/projects/{}/radar", p2["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(r["scope_creep"], Value::Null);
        assert_eq!(r["totals"]["effective_rate"], Value::Null);
        assert_eq!(r["burn_hours"], Value::Null);
    }
}

#[tokio::test]
async fn a_retainer_rolls_over_across_a_year_end() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Forfait").await;
        let tok = a.owner.token.clone();
        let cl = client(&t, &a.owner.ctx, "Client Abonné").await;
        // 2,000.00 a month for 10 h, overrun carried as debt, from November 2025 to February 2026.
        let (s, p) = post(&t, &tok, "/projects", json!({"client_id": cl.to_string(), "name": "Maintenance", "billing_model": "retainer", "hourly_rate": "100", "retainer_fee": "2000", "retainer_hours": "10", "rollover": "debt", "starts_on": "2025-11-01", "ends_on": "2026-02-28"})).await;
        assert_eq!(s, 201, "{p}");
        let pid: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
        log(&t, &a.staff.ctx, pid, "2025-11-10", 9 * 60).await;
        log(&t, &a.staff.ctx, pid, "2025-12-10", 13 * 60).await;
        log(&t, &a.staff.ctx, pid, "2026-01-12", 5 * 60).await;
        let r = get(&t, &tok, &format!("/projects/{pid}/radar")).await;
        let ret = r["retainer"].as_array().unwrap();
        assert_eq!(ret[0]["month"], "2025-11");
        // December: 3 h over, owed to January; January: 10 − 3 available, 5 used.
        assert_eq!(ret[1]["overrun"], 180);
        assert_eq!(ret[1]["debt_out"], 180);
        assert_eq!(ret[2]["month"], "2026-01");
        assert_eq!(ret[2]["debt_in"], 180);
        assert_eq!(ret[2]["debt_out"], 0);
        let months = r["months"].as_array().unwrap();
        let dec = months.iter().find(|m| m["month"] == "2025-12").unwrap();
        assert_eq!(dec["figures"]["revenue"], 200000);
        assert_eq!(dec["figures"]["over_servicing"], 30000);
        let jan = months.iter().find(|m| m["month"] == "2026-01").unwrap();
        assert_eq!(jan["figures"]["over_servicing"], -30000);
    }
}

#[tokio::test]
async fn imports_take_real_exports_or_nothing() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/tests/fixtures/import");
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Import").await;
        let tok = a.owner.token.clone();
        let send = |file: &str, query: &str| {
            let body = std::fs::read(dir.join(file)).unwrap();
            let url = format!("{}?{query}", t.api("/time-imports"));
            let tok = tok.clone();
            let c = t.client();
            async move {
                let r = c
                    .post(url)
                    .bearer_auth(tok)
                    .header("content-type", "text/csv")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let s = r.status().as_u16();
                (s, r.json::<Value>().await.unwrap())
            }
        };
        // Unknown names without `create_missing`: every row listed, nothing written.
        let (s, r) = send("harvest.csv", "").await;
        assert_eq!(s, 422);
        assert!(r["errors"].as_array().unwrap().len() >= 4, "{r}");
        assert_eq!(count(&t, "time_entries").await, 0);
        assert_eq!(count(&t, "clients").await, 0);
        // A dry run reports and writes nothing.
        let (s, r) = send("harvest.csv", "create_missing=true&dry_run=true").await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (
                r["format"].as_str(),
                r["rows"].as_u64(),
                r["imported"].as_bool()
            ),
            (Some("harvest"), Some(6), Some(false))
        );
        assert_eq!(r["new_clients"].as_array().unwrap().len(), 3);
        assert_eq!(r["skipped_zero"], 1);
        assert_eq!(count(&t, "time_entries").await, 0);
        assert_eq!(count(&t, "clients").await, 0);
        // The real import: Harvest (1.5 h + 2 h + 0:45 + 7,25 h + 0.025 h + 0:30 = 722 min; 0.0083 h
        // is 30 s, zero minutes half up: skipped).
        let (s, r) = send("harvest.csv", "create_missing=true").await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (
                r["rows"].as_u64(),
                r["minutes"].as_i64(),
                r["imported"].as_bool()
            ),
            (Some(6), Some(722), Some(true))
        );
        assert_eq!(count(&t, "time_entries").await, 6);
        // Toggl's first row is Harvest's first row (Ana Silva, 2 March, Website Redesign,
        // 90 min, "[Design] Homepage mockups"): a duplicate, refused unless allowed.
        let (s, r) = send("toggl.csv", "create_missing=true").await;
        assert_eq!(s, 422, "{r}");
        assert_eq!(
            (r["duplicates"].as_u64(), r["error_count"].as_u64()),
            (Some(1), Some(1)),
            "{r}"
        );
        assert_eq!(r["duplicate_lines"], json!([2]));
        assert_eq!(r["errors"][0]["line"], 2);
        assert_eq!(count(&t, "time_entries").await, 6);
        // Toggl (English and French), Kimai, generic: zero-minute rows are skipped and counted.
        for (file, format, rows) in [
            ("toggl.csv", "toggl", 5),
            ("toggl_fr.csv", "toggl", 4),
            ("kimai.csv", "kimai", 5),
            ("generic.csv", "generic", 5),
            ("harvest_report.csv", "harvest", 5),
        ] {
            let (s, r) = send(file, "create_missing=true&allow_duplicates=true").await;
            assert_eq!(s, 200, "{file}: {r}");
            assert_eq!(r["format"], format, "{file}");
            assert_eq!(r["rows"], rows, "{file}");
            assert_eq!(r["skipped_zero"], 1, "{file}");
        }
        // Toggl's 00:11:29 is 11 min and 02:15:30 is 136 min (seconds rounded half up).
        let all = get(&t, &tok, "/time-entries?limit=5000").await;
        let minutes: Vec<i64> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["minutes"].as_i64().unwrap())
            .collect();
        assert!(
            minutes.contains(&11) && minutes.contains(&136),
            "{minutes:?}"
        );
        let n = count(&t, "time_entries").await;
        // One bad file: every bad row listed with line and column, nothing written.
        let (s, r) = send("bad.csv", "create_missing=true").await;
        assert_eq!(s, 422);
        let errs = r["errors"].as_array().unwrap();
        assert!(errs.len() >= 8, "{r}");
        assert!(
            errs.iter().any(|e| e["line"] == 3 && e["column"] == "date"),
            "{r}"
        );
        assert!(
            errs.iter()
                .all(|e| !e["message"].as_str().unwrap().is_empty())
        );
        assert_eq!(count(&t, "time_entries").await, n);
        // The aggregates agree with the entries, over the radar's trailing twelve months.
        let radar = get(&t, &tok, "/radar").await;
        let month = |m: &Value| format!("{}-01", m.as_str().unwrap());
        let (from, to) = (month(&radar["from_month"]), month(&radar["to_month"]));
        let in_range: i64 = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                let d = e["date"].as_str().unwrap();
                d >= from.as_str() && d < to.as_str()
            })
            .map(|e| e["minutes"].as_i64().unwrap())
            .sum();
        assert_eq!(radar["total"]["minutes"].as_i64(), Some(in_range));
        // Export as CSV and import it back into another workspace: the same minutes.
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let csv = c
            .get(format!("{}/time.csv", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // A French reader gets what French Excel opens: BOM, `;`, French headers, decimal commas.
        assert!(
            csv.starts_with("\u{feff}date;personne;client;projet;livrable;minutes;note;facturable"),
            "{csv}"
        );
        assert_eq!(csv.lines().count() as i64, n + 1);
        let french_minutes: i64 = csv
            .lines()
            .skip(1)
            .map(|l| l.split(';').nth(5).unwrap().parse::<i64>().unwrap())
            .sum();
        // An English reader gets `,`, English ids and decimal points.
        mesure_services::people::users::set_language(
            &t.app,
            &a.owner.ctx,
            mesure_domain::Language::En,
        )
        .await
        .unwrap();
        let en = c
            .get(format!("{}/time.csv", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            en.starts_with("date,person,client,project,deliverable,minutes"),
            "{en}"
        );
        assert_eq!(en.lines().count() as i64, n + 1);
        // Both import back into another workspace with the same minutes (the people under
        // other addresses: an e-mail belongs to one workspace).
        for (file, lang) in [(&csv, "fr"), (&en, "en")] {
            let b = t.tenant(&format!("Agence Retour {lang}")).await;
            let file = file.replace('@', &format!("@{lang}."));
            let report = mesure_services::time::import::import(
                &t.app,
                &b.owner.ctx,
                file.as_bytes(),
                &mesure_services::time::import::Options {
                    create_missing: true,
                    // The workspace holds entries imported twice on purpose above.
                    allow_duplicates: true,
                    file_name: "time.csv".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert!(report.errors.is_empty(), "{lang}: {:?}", report.errors);
            assert_eq!(report.minutes, french_minutes, "{lang}");
        }
    }
}

#[tokio::test]
async fn the_timer_logs_rounded_minutes_and_switches() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Chrono").await;
        let st = a.staff.token.clone();
        let cl = client(&t, &a.owner.ctx, "Client Chrono").await;
        let p1 = project(&t, &a.owner.ctx, cl, "Un", "time_materials").await;
        let p2 = project(&t, &a.owner.ctx, cl, "Deux", "time_materials").await;
        let (s, r) = post(
            &t,
            &st,
            "/timer/start",
            json!({"project_id": p1.to_string(), "note": "atelier"}),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(r["timer"]["running"], true);
        t.clock.advance_secs(25 * 60 + 30);
        // Switching stops the first timer: 25 min 30 s → 26 min, half up.
        let (s, r) = post(
            &t,
            &st,
            "/timer/start",
            json!({"project_id": p2.to_string()}),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(r["entry"]["minutes"], 26);
        assert_eq!(r["entry"]["source"], "timer");
        assert_eq!(r["entry"]["note"], "atelier");
        t.clock.advance_secs(29);
        let (s, r) = post(&t, &st, "/timer/stop", json!({})).await;
        assert_eq!(s, 200);
        assert_eq!(r["entry"], Value::Null, "under 30 s logs nothing");
        assert_eq!(get(&t, &st, "/timer").await["running"], false);
        // `billable: false` in JSON stays a boolean down to the entry.
        let body = json!({"project_id": p1.to_string(), "billable": false});
        assert_eq!(post(&t, &st, "/timer/start", body).await.0, 200);
        t.clock.advance_secs(10 * 60);
        let (s, r) = post(&t, &st, "/timer/stop", json!({})).await;
        assert_eq!(s, 200);
        assert_eq!(
            (
                r["entry"]["minutes"].as_i64(),
                r["entry"]["billable"].as_bool()
            ),
            (Some(10), Some(false)),
            "{r}"
        );
    }
}

#[tokio::test]
async fn concentration_alerts_fire_once() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Concentration").await;
        let big = client(&t, &a.owner.ctx, "Gros Client").await;
        let small = client(&t, &a.owner.ctx, "Petit Client").await;
        let pb = project(&t, &a.owner.ctx, big, "Gros", "time_materials").await;
        let ps = project(&t, &a.owner.ctx, small, "Petit", "time_materials").await;
        let today = mesure_services::projects::today(&t.app, &a.owner.ctx);
        let month = today / 100;
        let last = if month % 100 == 1 {
            month - 100 + 11
        } else {
            month - 1
        };
        let date = format!("{}-{:02}-10", last / 100, last % 100);
        log(&t, &a.staff.ctx, pb, &date, 8 * 60).await;
        log(&t, &a.staff.ctx, ps, &date, 60).await;
        assert_eq!(
            mesure_services::radar::check_concentration(&t.app, a.ws, month)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            mesure_services::radar::check_concentration(&t.app, a.ws, month)
                .await
                .unwrap(),
            0
        );
        let n = get(&t, &a.owner.token, "/notifications").await;
        assert_eq!(n["items"][0]["kind"], "concentration");
        assert_eq!(n["items"][0]["figure"], 88);
        let d = get(&t, &a.owner.token, "/radar").await;
        assert_eq!(d["clients_over_limit"], 1);
        assert_eq!(d["clients"][0]["client_name"], "Gros Client");
    }
}

#[tokio::test]
async fn pages_answer_as_the_permission_table_says() {
    use mesure_domain::{Action, Principal, Role};
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Pages Temps").await;
        let b = t.tenant("Agence Voisine").await;
        let cl = client(&t, &a.owner.ctx, "Client Pages").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Pages", "fixed_fee").await;
        log(&t, &a.staff.ctx, p, "2026-03-02", 60).await;
        let pages = [
            ("/projects", Action::Projects(ProjectsAction::Read), false),
            (
                "/projects/new",
                Action::Projects(ProjectsAction::Write),
                false,
            ),
            ("/time", Action::Time(TimeAction::Log), false),
            ("/time/entries", Action::Time(TimeAction::Log), false),
            ("/time/approvals", Action::Time(TimeAction::Manage), false),
            ("/time/import", Action::Time(TimeAction::Manage), false),
            ("/radar", Action::Radar(RadarAction::View), false),
            (
                "/notifications",
                Action::Dashboard(DashboardAction::View),
                false,
            ),
            (
                "/settings/rates",
                Action::Projects(ProjectsAction::Write),
                false,
            ),
            (
                "/projects/{p}",
                Action::Projects(ProjectsAction::Read),
                true,
            ),
            (
                "/projects/{p}/edit",
                Action::Projects(ProjectsAction::Write),
                true,
            ),
            ("/radar/clients/{c}", Action::Radar(RadarAction::View), true),
            (
                "/radar/clients/{c}/months.csv",
                Action::Radar(RadarAction::View),
                true,
            ),
            (
                "/projects/{p}/months.csv",
                Action::Radar(RadarAction::View),
                true,
            ),
            ("/radar.csv", Action::Radar(RadarAction::View), false),
            (
                "/radar/utilisation.csv",
                Action::Radar(RadarAction::View),
                false,
            ),
            ("/time.csv", Action::Time(TimeAction::Log), false),
        ];
        let url = |path: &str, p: uuid::Uuid, c: uuid::Uuid| {
            format!(
                "{}{}",
                t.url,
                path.replace("{p}", &p.to_string())
                    .replace("{c}", &c.to_string())
            )
        };
        for (who, person) in [
            (Role::Owner, &a.owner),
            (Role::Manager, &a.manager),
            (Role::Staff, &a.staff),
        ] {
            let c = t.client();
            assert_eq!(
                t.login(&c, &person.email, mesure_testkit::PASSWORD)
                    .await
                    .status(),
                303
            );
            for (path, action, _) in pages {
                let r = c.get(url(path, p, cl)).send().await.unwrap();
                let status = r.status().as_u16();
                let expected = if Principal::Staff(who).may(action) {
                    200
                } else {
                    403
                };
                assert_eq!(status, expected, "{backend:?} {who:?} {path}");
                if status == 200 && !path.ends_with(".csv") {
                    let html = r.text().await.unwrap();
                    assert!(html.contains("<main"), "{path}");
                }
            }
        }
        // Another workspace's owner: every page naming an entity of A is 404.
        let c = t.client();
        t.login(&c, &b.owner.email, mesure_testkit::PASSWORD).await;
        for (path, _, names_entity) in pages {
            if names_entity {
                let status = c.get(url(path, p, cl)).send().await.unwrap().status();
                assert_eq!(status, 404, "{path}");
            }
        }
        // The other owner's entry list and radar do not show A's figures.
        let html = c
            .get(format!("{}/time/entries", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Projet Pages"));
        let html = c
            .get(format!("{}/radar", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Client Pages"));
        // Staff cannot write off or approve weeks through the forms either.
        let s = t.client();
        t.login(&s, &a.staff.email, mesure_testkit::PASSWORD).await;
        let csrf = t.csrf(&s, "/time").await;
        let week = format!("{}/time/approvals/{}/2026-03-02/approve", t.url, a.staff.id);
        let r = s
            .post(week)
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(count(&t, "timesheet_approvals").await, 0);
    }
}

#[tokio::test]
async fn the_week_grid_and_forms_log_time() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Grille").await;
        let cl = client(&t, &a.owner.ctx, "Client Grille").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Grille", "time_materials").await;
        let c = t.client();
        t.login(&c, &a.staff.email, mesure_testkit::PASSWORD).await;
        let csrf = t.csrf(&c, "/time?week=2026-03-02").await;
        let pid = p.to_string();
        // Two cells of a new row (Monday 1:30, Wednesday 2), a Saturday 0:45 and a bad cell
        // (Friday "deux"): the whole save is refused, nothing is written, every typed value
        // comes back, and the bad cell is marked and named by its day and project.
        let r = c
            .post(format!("{}/time/grid", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("week", "2026-03-02"),
                ("r0_project", pid.as_str()),
                ("r0_deliverable", ""),
                ("r0_d0", "1:30"),
                ("r0_d2", "2"),
                ("r0_d4", "deux"),
                ("r0_d5", "0:45"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "the bad cell is reported");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("ven. 6 · Client Grille — Projet Grille : Durée illisible"),
            "{html}"
        );
        assert!(html.contains("value=\"deux\"") && html.contains("value=\"0:45\""));
        assert!(html.contains("value=\"1:30\"") && html.contains("aria-invalid=\"true\""));
        assert_eq!(count(&t, "time_entries").await, 0, "nothing saved");
        // A value over 24 hours is refused the same way.
        let r = c
            .post(format!("{}/time/grid", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("week", "2026-03-02"),
                ("r0_project", pid.as_str()),
                ("r0_d0", "1:30"),
                ("r0_d1", "25:00"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(count(&t, "time_entries").await, 0, "nothing saved");
        // Corrected, the week saves whole.
        let r = c
            .post(format!("{}/time/grid", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("week", "2026-03-02"),
                ("r0_project", pid.as_str()),
                ("r0_deliverable", ""),
                ("r0_d0", "1:30"),
                ("r0_d2", "2"),
                ("r0_d4", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // The good cells were saved; the grid shows them back, each cell named by its day.
        let html = c
            .get(format!("{}/time?week=2026-03-02", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("value=\"1:30\"") && html.contains("value=\"2:00\""));
        assert!(
            html.contains("aria-label=\"Client Grille — Projet Grille, lun. 2\""),
            "{html}"
        );
        // Emptying a cell deletes its entry; changing one updates it.
        let r = c
            .post(format!("{}/time/grid", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("week", "2026-03-02"),
                ("r0_project", pid.as_str()),
                ("r0_deliverable", ""),
                ("r0_d0", ""),
                ("r0_d2", "2:15"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let entries = get(&t, &a.staff.token, "/time-entries").await;
        let minutes: Vec<i64> = entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["minutes"].as_i64().unwrap())
            .collect();
        assert_eq!(minutes, vec![135]);
        // Duplicate last week into the next one.
        let r = c
            .post(format!("{}/time/duplicate", t.url))
            .form(&[("_csrf", csrf.as_str()), ("week", "2026-03-09")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let notice = c
            .get(format!("{}{to}", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            notice.contains("Une saisie reprise de la semaine dernière."),
            "{notice}"
        );
        let next = get(
            &t,
            &a.staff.token,
            "/time-entries?from=2026-03-09&to=2026-03-16",
        )
        .await;
        assert_eq!(next[0]["date"], "2026-03-11");
        assert_eq!(next[0]["minutes"], 135);
        // The week API saves all or nothing too: one bad cell, nothing written.
        let (st, body) = put(
            &t,
            &a.staff.token,
            "/timesheets/me/2026-03-16",
            json!({"cells": [
                {"project_id": pid, "date": "2026-03-16", "duration": "1:00"},
                {"project_id": pid, "date": "2026-03-17", "duration": "deux"},
                {"project_id": pid, "date": "2026-03-30", "duration": "1"},
            ]}),
        )
        .await;
        assert_eq!(st, 422, "{body}");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["cells[2]"], "{body}");
        let (st, body) = put(
            &t,
            &a.staff.token,
            "/timesheets/me/2026-03-16",
            json!({"cells": [
                {"project_id": pid, "date": "2026-03-16", "duration": "1:00"},
                {"project_id": pid, "date": "2026-03-17", "duration": "deux"},
            ]}),
        )
        .await;
        assert_eq!(st, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "cells[1]", "{body}");
        let week = get(
            &t,
            &a.staff.token,
            "/time-entries?from=2026-03-16&to=2026-03-23",
        )
        .await;
        assert_eq!(week.as_array().unwrap().len(), 0, "nothing written");
        let (st, body) = put(
            &t,
            &a.staff.token,
            "/timesheets/me/2026-03-18",
            json!({"cells": [
                {"project_id": pid, "date": "2026-03-16", "duration": "1:00"},
                {"project_id": pid, "date": "2026-03-17", "duration": "0:30"},
            ]}),
        )
        .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["created"], 2);
        assert_eq!(body["week_start"], "2026-03-16");
        // Staff cannot save another person's week.
        let (st, _) = put(
            &t,
            &a.staff.token,
            &format!("/timesheets/{}/2026-03-16", a.manager.id),
            json!({"cells": []}),
        )
        .await;
        assert_eq!(st, 403);
        // An approved week renders read-only with the reason; the grid has no save button.
        mesure_services::time::set_week_approved(
            &t.app,
            &a.owner.ctx,
            mesure_domain::UserId::from_uuid(a.staff.id),
            "2026-03-16",
            true,
        )
        .await
        .unwrap();
        let html = c
            .get(format!("{}/time?week=2026-03-16", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("elle est verrouillée"), "{html}");
        assert!(!html.contains("data-testid=\"grid-save\""));
        assert!(html.contains("value=\"1:00\" inputmode=\"decimal\" aria-label=\"Client Grille — Projet Grille, lun. 16\" data-testid=\"grid-cell-0-0\" readonly"), "{html}");
        // Duplicating into the current week never creates entries after today.
        let today = jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
            .date();
        let monday = mesure_domain::projects::engagement::week_start(today);
        let last = monday.checked_sub(jiff::Span::new().days(7)).unwrap();
        for d in 0..7 {
            let day = last.checked_add(jiff::Span::new().days(d)).unwrap();
            log(&t, &a.staff.ctx, p, &day.to_string(), 30).await;
        }
        let r = c
            .post(format!("{}/time/duplicate", t.url))
            .form(&[("_csrf", csrf.as_str()), ("week", &monday.to_string())])
            .send()
            .await
            .unwrap();
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let after_today = i64::from(6 - today.weekday().to_monday_zero_offset());
        assert!(to.contains(&format!("&future={after_today}&")), "{to}");
        let this_week = get(
            &t,
            &a.staff.token,
            &format!(
                "/time-entries?from={monday}&to={}",
                monday.checked_add(jiff::Span::new().days(7)).unwrap()
            ),
        )
        .await;
        assert_eq!(this_week.as_array().unwrap().len() as i64, 7 - after_today);
        assert!(
            this_week
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["date"].as_str().unwrap() <= today.to_string().as_str())
        );
        // The quick-entry form refuses free work without a reason, next to the field.
        let r = c
            .post(format!("{}/time/entries", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("project_id", pid.as_str()),
                ("date", "2026-03-03"),
                ("duration", "1"),
                ("scope", "free"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("raison"));
        // CSV export of the week honours the filters.
        let csv = c
            .get(format!("{}/time.csv?from=2026-03-02&to=2026-03-09", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        assert!(csv.contains("Projet Grille") && csv.contains(";135;"));
        // Staff see no money: the export has no value column for them.
        let header = csv.lines().next().unwrap();
        assert!(!header.contains("valeur"), "{header}");
        // Nor in the API: rates are absent for staff, present for the owner.
        let mine = get(&t, &a.staff.token, "/time-entries").await;
        assert!(
            mine[0]["rate"].is_null() && mine[0]["cost_rate"].is_null(),
            "{mine}"
        );
        let all = get(&t, &a.owner.token, "/time-entries").await;
        assert_eq!(all[0]["rate"], "100.00", "{all}");
    }
}

#[tokio::test]
async fn utilisation_counts_capacity_holidays_and_leave() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Capacité").await;
        let tok = a.owner.token.clone();
        let staff = a.staff.id.to_string();
        let cl = client(&t, &a.owner.ctx, "Client Capacité").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Capacité", "time_materials").await;
        let put = |path: String, body: Value| {
            let c = t.client();
            let tok = tok.clone();
            let url = t.api(&path);
            async move {
                c.put(url)
                    .bearer_auth(tok)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        // 28 h a week = 5 h 36 a day; one day of leave on 12 May.
        assert_eq!(
            put(
                format!("/people/{staff}/capacity"),
                json!({"weekly_hours": "28"})
            )
            .await,
            204
        );
        assert_eq!(
            put(
                format!("/people/{staff}/leave"),
                json!({"day": "2026-05-12", "hours": "8"})
            )
            .await,
            204
        );
        assert_eq!(
            put(
                format!("/people/{staff}/capacity"),
                json!({"weekly_hours": "-3"})
            )
            .await,
            422
        );
        // 2,688 billable minutes in May, and 60 non-billable.
        for (d, m) in [
            ("2026-05-04", 480),
            ("2026-05-05", 480),
            ("2026-05-06", 480),
            ("2026-05-07", 480),
            ("2026-05-11", 480),
            ("2026-05-13", 288),
        ] {
            log(&t, &a.staff.ctx, p, d, m).await;
        }
        let (s, _) = post(&t, &a.staff.token, "/time-entries", json!({"project_id": p.to_string(), "date": "2026-05-15", "minutes": 60, "billable": false})).await;
        assert_eq!(s, 201);
        let u = get(&t, &tok, "/radar/utilisation?from=2026-05&to=2026-06").await;
        let me = u["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["user_id"] == staff.as_str())
            .unwrap()
            .clone();
        // May 2026: 21 weekdays − 1, 8, 14 and 25 May (holidays) = 17 days × 336 min, minus the
        // day of leave (capped at the day's capacity) = 16 × 336 = 5,376 min.
        assert_eq!(me["available_minutes"], 5376);
        assert_eq!(me["billable_minutes"], 2688);
        assert_eq!(me["minutes"], 2748);
        assert_eq!(me["utilisation"], "0.5");
        // Someone with nothing logged: 0 %, not "no data" (there is capacity); bad months: 422.
        let owner = u["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["user_id"] == a.owner.id.to_string().as_str())
            .unwrap()
            .clone();
        assert_eq!(owner["utilisation"], "0");
        let r = t
            .client()
            .get(t.api("/radar/utilisation?from=2026-13"))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
}

/// The rates page's four forms share no id (each label names and focuses its own field); a
/// cost is added through its own `cost_…` fields, and a refused one marks only the cost form.
#[tokio::test]
async fn rates_page_forms_have_their_own_fields() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Taux").await;
        let staff = a.staff.id.to_string();
        let m = t.client();
        t.login(&m, &a.manager.email, mesure_testkit::PASSWORD)
            .await;
        let page = t.text(&m, "/settings/rates").await;
        let mut ids: Vec<&str> = page
            .split(" id=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "an id used twice on the rates page");
        for field in [
            "f-user_id",
            "f-rate",
            "f-cost_user_id",
            "f-cost_rate",
            "f-cost_valid_from",
        ] {
            assert!(page.contains(&format!("<label for=\"{field}\"")), "{field}");
        }
        let csrf = mesure_testkit::hidden(&page, "_csrf").unwrap();
        let r = m
            .post(format!("{}/settings/costs", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("cost_user_id", staff.as_str()),
                ("cost_rate", "cher"),
                ("cost_valid_from", "2026-01-01"),
                ("cost_valid_to", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{backend:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"f-cost_rate-error\""));
        assert!(
            !body.contains("id=\"f-rate-error\""),
            "the billing form is untouched"
        );
        assert!(body.contains("name=\"cost_rate\" type=\"text\" value=\"cher\""));
        let r = m
            .post(format!("{}/settings/costs", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("cost_user_id", staff.as_str()),
                ("cost_rate", "42"),
                ("cost_valid_from", "2026-01-01"),
                ("cost_valid_to", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = t.text(&m, "/settings/rates").await;
        assert!(page.contains("42,00"), "the cost is listed");
    }
}

#[tokio::test]
async fn capacity_and_leave_forms() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Congés").await;
        let staff = a.staff.id.to_string();
        let m = t.client();
        t.login(&m, &a.manager.email, mesure_testkit::PASSWORD)
            .await;
        let csrf = t.csrf(&m, "/settings/rates").await;
        let r = m
            .post(format!("{}/settings/capacity", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("capacity_user_id", staff.as_str()),
                ("weekly_hours", "30"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = m
            .post(format!("{}/settings/leave", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("leave_user_id", staff.as_str()),
                ("day", "2026-13-01"),
                ("hours", "7"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("field-error"));
        let s = t.client();
        t.login(&s, &a.staff.email, mesure_testkit::PASSWORD).await;
        let csrf = t.csrf(&s, "/time").await;
        let r = s
            .post(format!("{}/settings/capacity", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("capacity_user_id", staff.as_str()),
                ("weekly_hours", "60"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let mut c = t.app.db.read().await.unwrap();
        let weekly = mesure_store::people::availability::capacity(&mut c.conn(), a.ws, a.staff.id)
            .await
            .unwrap();
        assert_eq!(weekly, Some(30 * 60));
    }
}

#[tokio::test]
async fn project_page_forms_change_scope() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Périmètre").await;
        let cl = client(&t, &a.owner.ctx, "Client Périmètre").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Périmètre", "fixed_fee").await;
        let c = t.client();
        t.login(&c, &a.manager.email, mesure_testkit::PASSWORD)
            .await;
        let page = format!("/projects/{p}");
        let csrf = t.csrf(&c, &page).await;
        let post = |path: String, form: Vec<(&'static str, String)>| {
            let c = c.clone();
            let url = format!("{}{path}", t.url);
            let mut f = form;
            f.push(("_csrf", csrf.clone()));
            async move { c.post(url).form(&f).send().await.unwrap() }
        };
        let r = post(
            format!("/projects/{p}/deliverables"),
            vec![("name", "Maquettes".into()), ("estimate_hours", "8".into())],
        )
        .await;
        assert_eq!(r.status(), 303);
        let r = post(
            format!("/projects/{p}/deliverables"),
            vec![("name", "maquettes".into()), ("estimate_hours", "2".into())],
        )
        .await;
        assert_eq!(
            r.status(),
            422,
            "a deliverable name is unique in its project"
        );
        let d = get(&t, &a.owner.token, &format!("/projects/{p}/deliverables")).await;
        let did = d[0]["id"].as_str().unwrap().to_string();
        // The row form changes the estimate and the status; accepted records the day.
        let r = post(
            format!("/projects/{p}/deliverables/{did}"),
            vec![
                ("name", "Maquettes".into()),
                ("estimate_hours", "12,5".into()),
                ("status", "accepted".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let d = get(&t, &a.owner.token, &format!("/projects/{p}/deliverables")).await;
        assert_eq!(
            (d[0]["estimate_hours"].as_str(), d[0]["status"].as_str()),
            (Some("12.50"), Some("accepted"))
        );
        assert!(d[0]["accepted_on"].is_string());
        // A change request: add, approve, and a second decision is refused.
        let r = post(
            format!("/projects/{p}/changes"),
            vec![
                ("title", "Blog".into()),
                ("extra_hours", "6".into()),
                ("price", "900".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let cr = get(
            &t,
            &a.owner.token,
            &format!("/projects/{p}/change-requests"),
        )
        .await;
        let cid = cr[0]["id"].as_str().unwrap().to_string();
        let r = post(
            format!("/projects/{p}/changes/{cid}"),
            vec![("status", "approved".into())],
        )
        .await;
        assert_eq!(r.status(), 303);
        let r = post(
            format!("/projects/{p}/changes/{cid}"),
            vec![("status", "rejected".into())],
        )
        .await;
        assert_eq!(r.status(), 409);
        // The approved request extends the budget: 12.5 h + 6 h, 10,000 + 900.
        let radar = get(&t, &a.owner.token, &format!("/projects/{p}/radar")).await;
        assert_eq!(radar["budget"]["minutes"], 750 + 360);
        assert_eq!(radar["budget"]["money"], 1_000_000 + 90_000);
        // A milestone reached earns its amount this month.
        let r = post(
            format!("/projects/{p}/milestones"),
            vec![
                ("name", "Lancement".into()),
                ("amount", "4000".into()),
                ("due_on", "2026-12-31".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let ms = get(&t, &a.owner.token, &format!("/projects/{p}/milestones")).await;
        let mid = ms[0]["id"].as_str().unwrap().to_string();
        let r = post(
            format!("/projects/{p}/milestones/{mid}"),
            vec![("reached", "1".into())],
        )
        .await;
        assert_eq!(r.status(), 303);
        let radar = get(&t, &a.owner.token, &format!("/projects/{p}/radar")).await;
        assert_eq!(radar["totals"]["revenue"], 400_000);
        // The page shows it all.
        let html = c
            .get(format!("{}{page}", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Maquettes") && html.contains("Blog") && html.contains("Lancement"));
    }
}

#[tokio::test]
async fn one_entry_is_edited_through_its_form() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Édition").await;
        let cl = client(&t, &a.owner.ctx, "Client Édition").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Édition", "time_materials").await;
        let e = log(&t, &a.staff.ctx, p, "2026-03-04", 90).await;
        let c = t.client();
        t.login(&c, &a.staff.email, mesure_testkit::PASSWORD).await;
        let html = c
            .get(format!("{}/time/entries/{e}/edit", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("value=\"1:30\"") && html.contains("value=\"2026-03-04\""));
        let csrf = mesure_testkit::hidden(&html, "_csrf").unwrap();
        let version = mesure_testkit::hidden(&html, "version").unwrap();
        let pid = p.to_string();
        let form = |duration: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("version", version.clone()),
                ("project_id", pid.clone()),
                ("date", "2026-03-04".to_string()),
                ("duration", duration.to_string()),
                ("note", "corrigé".to_string()),
                ("scope", "in_scope".to_string()),
                ("billable", "true".to_string()),
            ]
        };
        let r = c
            .post(format!("{}/time/entries/{e}", t.url))
            .form(&form("25:00"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = c
            .post(format!("{}/time/entries/{e}", t.url))
            .form(&form("2:15"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let got = get(&t, &a.staff.token, &format!("/time-entries/{e}")).await;
        assert_eq!(
            (got["minutes"].as_i64(), got["note"].as_str()),
            (Some(135), Some("corrigé"))
        );
        // The same form again carries a stale version: refused, nothing changed.
        let r = c
            .post(format!("{}/time/entries/{e}", t.url))
            .form(&form("3:00"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(
            get(&t, &a.staff.token, &format!("/time-entries/{e}")).await["minutes"],
            135
        );
        // An approved week's entry has no edit form.
        mesure_services::time::set_week_approved(
            &t.app,
            &a.owner.ctx,
            mesure_domain::UserId::from_uuid(a.staff.id),
            "2026-03-04",
            true,
        )
        .await
        .unwrap();
        let r = c
            .get(format!("{}/time/entries/{e}/edit", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
    }
}

/// The page frame (issue 7): the running timer in the header of every page with a stop button
/// that works, the unread alerts counted in the navigation for those who see alerts, and an
/// unknown address answered inside the frame for a signed-in person.
#[tokio::test]
async fn the_frame_shows_the_timer_the_unread_alerts_and_404s() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Cadre").await;
        let cl = client(&t, &a.owner.ctx, "Client Cadre").await;
        let (s, p) = post(&t, &a.owner.token, "/projects", json!({"client_id": cl.to_string(), "name": "Refonte cadre", "billing_model": "time_materials", "budget_hours": "1"})).await;
        assert_eq!(s, 201, "{p}");
        let pid = p["id"].as_str().unwrap().to_string();
        let owner = t.client();
        t.login(&owner, &a.owner.email, mesure_testkit::PASSWORD)
            .await;
        let page = |c: &reqwest::Client, path: &str| {
            let r = c.get(format!("{}{path}", t.url)).send();
            async move {
                let r = r.await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (_, html) = page(&owner, "/clients").await;
        assert!(
            !html.contains("data-testid=\"header-timer\""),
            "no timer yet"
        );
        assert!(!html.contains("data-testid=\"nav-count\""), "no alert yet");

        // A running timer shows on every page, with its project, a link to /time and a stop
        // button carrying the CSRF token.
        let (s, _) = post(
            &t,
            &a.owner.token,
            "/timer/start",
            json!({"project_id": pid}),
        )
        .await;
        assert_eq!(s, 200);
        t.clock.advance_secs(3600 + 5 * 60);
        for path in ["/clients", "/projects", "/dashboard", "/settings/profile"] {
            let (status, html) = page(&owner, path).await;
            assert_eq!(status, 200, "{path}");
            assert!(
                html.contains("<span class=\"timer-project\">Refonte cadre</span>"),
                "{path}: {html}"
            );
            assert!(html.contains("data-elapsed-seconds=\"3900\""), "{path}");
            assert!(html.contains(">1:05</time>"), "{path}");
            assert!(html.contains("<form method=\"post\" action=\"/time/timer/stop\""));
        }
        // Somebody else's timer is not shown to another person.
        let staff = t.client();
        t.login(&staff, &a.staff.email, mesure_testkit::PASSWORD)
            .await;
        let (_, html) = page(&staff, "/projects").await;
        assert!(!html.contains("data-testid=\"header-timer\""));

        // Alerts: an hour logged by the staff member crosses 80 % and 100 % of the budget; the
        // owner (a recipient) sees two unread in the navigation, the staff member none.
        log(&t, &a.staff.ctx, pid.parse().unwrap(), "2026-03-02", 60).await;
        let (_, html) = page(&owner, "/projects").await;
        assert!(
            html.contains("data-testid=\"nav-count\">2</span><span class=\"visually-hidden\">, 2 non lues</span>"),
            "{html}"
        );
        let (_, html) = page(&staff, "/projects").await;
        assert!(!html.contains("data-testid=\"nav-count\""));

        // The header's stop button logs the time (1 h 05 → an entry) and the timer is gone.
        let csrf = t.csrf(&owner, "/clients").await;
        let r = owner
            .post(format!("{}/time/timer/stop", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/time?notice=timer-stopped");
        let (_, html) = page(&owner, "/clients").await;
        assert!(!html.contains("data-testid=\"header-timer\""));
        // Reading the alerts clears the count.
        let r = owner
            .post(format!("{}/notifications/read", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, html) = page(&owner, "/projects").await;
        assert!(!html.contains("data-testid=\"nav-count\""));

        // 404 inside the frame for a signed-in person (unknown address, missing record), the
        // standalone page for a visitor.
        for path in [
            "/nowhere",
            "/projects/00000000-0000-7000-8000-000000000000",
            "/clients/not-an-id",
        ] {
            let (status, html) = page(&owner, path).await;
            assert_eq!(status, 404, "{path}");
            assert!(html.contains("id=\"main-nav\""), "{path}: {html}");
            assert!(html.contains("<h1>Introuvable</h1>"), "{path}");
        }
        let (_, html) = page(&owner, "/nowhere?x=1").await;
        assert!(
            html.contains("name=\"back\" value=\"/nowhere?x=1\""),
            "the language switch comes back to the same address"
        );
        let (status, html) = page(&t.client(), "/nowhere").await;
        assert_eq!(status, 404);
        assert!(!html.contains("id=\"main-nav\"") && html.contains("Introuvable"));
        // The JSON API keeps answering without an HTML frame.
        let (status, html) = page(&owner, "/api/v1/nowhere").await;
        assert_eq!(status, 404);
        assert!(!html.contains("id=\"main-nav\""));
    }
}

async fn send_csv(t: &TestApp, token: &str, query: &str, body: Vec<u8>) -> (u16, Value, usize) {
    let r = t
        .client()
        .post(format!("{}?{query}", t.api("/time-imports")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let text = r.text().await.unwrap();
    let len = text.len();
    (s, serde_json::from_str(&text).unwrap_or(Value::Null), len)
}

const GENERIC: &str = "date,person,client,project,deliverable,minutes,note,billable\n";

/// The same file imported again is refused, rows repeated within one file too, unless the
/// caller says to import them anyway; the dry run reports them.
#[tokio::test]
async fn imports_refuse_duplicates_unless_allowed() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Doublons").await;
        let tok = a.owner.token.clone();
        let file = format!(
            "{GENERIC}\
             2026-03-02,Ana Silva,Acme,Web,,90,Maquettes,yes\n\
             2026-03-02,Ana Silva,Acme,Web,,30,Maquettes,yes\n\
             2026-03-03,Bruno Lefèvre,Acme,Web,,45,,no\n\
             2026-03-04,Bruno Lefèvre,Globex,App,,60,Réunion,yes\n"
        );
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", file.clone().into_bytes()).await;
        assert_eq!(
            (s, r["rows"].as_u64(), r["duplicates"].as_u64()),
            (200, Some(4), Some(0)),
            "{r}"
        );
        assert_eq!(count(&t, "time_entries").await, 4);
        // A dry run of the same file: every row is already there, by line.
        let (s, r, _) = send_csv(
            &t,
            &tok,
            "create_missing=true&dry_run=true",
            file.clone().into_bytes(),
        )
        .await;
        assert_eq!(s, 422, "{r}");
        assert_eq!(r["duplicates"], 4);
        assert_eq!(r["duplicate_lines"], json!([2, 3, 4, 5]));
        assert_eq!(r["error_count"], 4);
        assert!(
            r["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("existe déjà"),
            "{r}"
        );
        // The real run refuses the file and writes nothing.
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", file.clone().into_bytes()).await;
        assert_eq!((s, r["imported"].as_bool()), (422, Some(false)), "{r}");
        assert_eq!(count(&t, "time_entries").await, 4);
        // A changed note or duration is another entry; a repeated row within the file is a
        // duplicate of its earlier line.
        let other = format!(
            "{GENERIC}\
             2026-03-02,Ana Silva,Acme,Web,,90,Maquettes v2,yes\n\
             2026-03-05,Ana Silva,Acme,Web,,15,Appel,yes\n\
             2026-03-05,ana silva,ACME,web,,15,Appel ,yes\n"
        );
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", other.clone().into_bytes()).await;
        assert_eq!(s, 422, "{r}");
        assert_eq!(
            (r["duplicates"].as_u64(), r["duplicate_lines"].clone()),
            (Some(1), json!([4]))
        );
        assert!(
            r["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("ligne 3"),
            "{r}"
        );
        // Asked to, they are imported, and still counted.
        let (s, r, _) = send_csv(
            &t,
            &tok,
            "create_missing=true&allow_duplicates=true",
            file.clone().into_bytes(),
        )
        .await;
        assert_eq!(
            (s, r["rows"].as_u64(), r["duplicates"].as_u64()),
            (200, Some(4), Some(4)),
            "{r}"
        );
        assert_eq!(count(&t, "time_entries").await, 8);
        let (s, r, _) = send_csv(
            &t,
            &tok,
            "create_missing=true&allow_duplicates=true",
            other.into_bytes(),
        )
        .await;
        assert_eq!(
            (s, r["rows"].as_u64(), r["duplicates"].as_u64()),
            (200, Some(3), Some(1)),
            "{r}"
        );
        assert_eq!(count(&t, "time_entries").await, 11);
        // An entry typed by hand counts too.
        let p: Vec<(uuid::Uuid,)> = {
            let mut c = t.app.db.read().await.unwrap();
            mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT id FROM projects WHERE name = 'App'",
                &[],
            )
            .await
            .unwrap()
        };
        let me = &a.owner;
        log(&t, &me.ctx, p[0].0, "2026-03-10", 50).await;
        let name: Vec<(String,)> = {
            let mut c = t.app.db.read().await.unwrap();
            mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT name FROM users WHERE id = $1",
                &[mesure_store::Bind::Uuid(me.id)],
            )
            .await
            .unwrap()
        };
        let typed = format!("{GENERIC}2026-03-10,{},Globex,App,,50,,yes\n", name[0].0);
        let (s, r, _) = send_csv(&t, &tok, "dry_run=true", typed.into_bytes()).await;
        assert_eq!((s, r["duplicates"].as_u64()), (422, Some(1)), "{r}");
    }
}

/// A Mac export (NFD) and different case match the names already there.
#[tokio::test]
async fn imports_match_names_after_nfc_and_case_folding() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Unicode").await;
        let tok = a.owner.token.clone();
        let nfc =
            format!("{GENERIC}2026-03-02,Léa Étienne,Société Générale,Refonte été,,60,,yes\n");
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", nfc.into_bytes()).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["new_people"], json!(["Léa Étienne"]));
        let (users, clients, projects) = (
            count(&t, "users").await,
            count(&t, "clients").await,
            count(&t, "projects").await,
        );
        let nfd = format!(
            "{GENERIC}2026-03-03,Le\u{301}a  E\u{301}TIENNE,SOCIE\u{301}TE\u{301} GE\u{301}NE\u{301}RALE,refonte e\u{301}te\u{301},,30,,yes\n"
        );
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", nfd.into_bytes()).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (
                r["new_people"].clone(),
                r["new_clients"].clone(),
                r["new_projects"].clone()
            ),
            (json!([]), json!([]), json!([])),
            "{r}"
        );
        assert_eq!(
            (
                count(&t, "users").await,
                count(&t, "clients").await,
                count(&t, "projects").await
            ),
            (users, clients, projects)
        );
        // Names made by an import are stored composed (NFC).
        let fresh = format!(
            "{GENERIC}2026-03-04,Zoe\u{308} Ma\u{308}rtin,Cafe\u{301} Noir,Carte,,30,,yes\n"
        );
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", fresh.into_bytes()).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["new_people"], json!(["Zoë Märtin"]));
        assert_eq!(r["new_clients"], json!(["Café Noir"]));
    }
}

/// An e-mail of another workspace is refused like a malformed one, row by row, dry run too.
#[tokio::test]
async fn imports_do_not_reveal_other_workspaces_addresses() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Une").await;
        let b = t.tenant("Agence Deux").await;
        let tok = a.owner.token.clone();
        let file = format!(
            "date,person,email,client,project,minutes\n\
             2026-03-02,Quelqu'un,{},Acme,Web,60\n\
             2026-03-02,Personne,pas-une-adresse@,Acme,Web,60\n\
             2026-03-02,Nouvelle,nouvelle@exemple.fr,Acme,Web,60\n\
             2026-03-03,Quelqu'un,{},Acme,Web,30\n",
            b.staff.email.to_uppercase(),
            b.staff.email
        );
        for query in ["create_missing=true&dry_run=true", "create_missing=true"] {
            let (s, r, _) = send_csv(&t, &tok, query, file.clone().into_bytes()).await;
            assert_eq!(s, 422, "{query}: {r}");
            let errs = r["errors"].as_array().unwrap();
            assert_eq!(errs.len(), 3, "{r}");
            assert_eq!(errs[0]["line"], 2);
            assert_eq!(errs[1]["line"], 3);
            assert_eq!(errs[2]["line"], 5);
            assert_eq!(errs[2]["message"], errs[0]["message"]);
            assert_eq!(errs[0]["column"], "email");
            assert_eq!(
                errs[0]["message"], errs[1]["message"],
                "same words for both"
            );
            assert_eq!(
                errs[0]["message"],
                "Cette adresse e-mail ne peut pas être utilisée."
            );
        }
        assert_eq!(count(&t, "time_entries").await, 0);
    }
}

/// Errors are counted, listed up to a cap, and quote values cut short; a huge single line or
/// cell never comes back whole.
#[tokio::test]
async fn import_errors_are_counted_capped_and_short() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Erreurs").await;
        let tok = a.owner.token.clone();
        let mut bad = GENERIC.to_string();
        for i in 0..500 {
            bad.push_str(&format!("2026-03-02,Ana,Acme,Web,,{i}x,,yes\n"));
        }
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", bad.into_bytes()).await;
        assert_eq!(s, 422);
        assert_eq!(r["error_count"], 500, "{}", r["error_count"]);
        assert_eq!(r["errors"].as_array().unwrap().len(), 200);
        assert_eq!(r["errors_truncated"], true);
        assert_eq!(r["errors"][0]["value"], "0x");
        // Wrong field counts name the line and both counts.
        let short = format!(
            "{GENERIC}2026-03-02,Ana,Acme,Web,,30\n2026-03-02,Ana,Acme,Web,,30,,yes,extra\n"
        );
        let (s, r, _) = send_csv(&t, &tok, "create_missing=true", short.into_bytes()).await;
        assert_eq!(s, 422);
        assert_eq!(
            r["errors"][0]["message"],
            "6 champs, alors que l'en-tête en a 8."
        );
        assert_eq!(
            r["errors"][1]["message"],
            "9 champs, alors que l'en-tête en a 8."
        );
        // A few megabytes on one line, no line break: a short answer.
        let line = ",y".repeat(2_000_000).into_bytes();
        let (s, r, len) = send_csv(&t, &tok, "", line).await;
        assert_eq!(s, 422);
        assert!(len < 4_000, "{len} bytes: {r}");
        // Most of a megabyte in one cell: quoted by its first 40 characters.
        let cell = format!(
            "{GENERIC}2026-03-02,{},Acme,Web,,30,,yes\n",
            "A".repeat(900_000)
        );
        let (s, r, len) = send_csv(&t, &tok, "", cell.into_bytes()).await;
        assert_eq!(s, 422);
        assert!(len < 4_000, "{len} bytes");
        assert_eq!(r["errors"][0]["value"], format!("{}…", "A".repeat(40)));
        // A few megabytes in one cell: the record is refused whole, by its line, unread.
        let cell = format!(
            "{GENERIC}2026-03-02,{},Acme,Web,,30,,yes\n",
            "A".repeat(3_000_000)
        );
        let (s, r, len) = send_csv(&t, &tok, "", cell.into_bytes()).await;
        assert_eq!(s, 422);
        assert!(len < 4_000, "{len} bytes");
        assert_eq!(r["errors"][0]["line"], 2, "{r}");
        assert!(
            r["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("plus de 1 Mio"),
            "{r}"
        );
        assert_eq!(count(&t, "time_entries").await, 0);
    }
}

/// Dates before 2000 or more than a year ahead are refused, naming the window: in imports and
/// in the time-entry API.
#[tokio::test]
async fn dates_outside_the_window_are_refused_everywhere() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Calendrier").await;
        let tok = a.owner.token.clone();
        let cl = client(&t, &a.owner.ctx, "Client Calendrier").await;
        let p = project(&t, &a.owner.ctx, cl, "Site", "time_materials").await;
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
            .date();
        let limit = today.checked_add(jiff::Span::new().years(1)).unwrap();
        let too_late = limit.tomorrow().unwrap();
        for date in [
            "0001-03-02".to_string(),
            "1999-12-31".to_string(),
            too_late.to_string(),
        ] {
            let (s, b) = post(
                &t,
                &tok,
                "/time-entries",
                json!({"project_id": p.to_string(), "date": date, "minutes": 30}),
            )
            .await;
            assert_eq!((s, field(&b).as_str()), (422, "date"), "{date}: {b}");
            let msg = b["errors"][0]["message"].as_str().unwrap();
            assert!(msg.contains("01/01/2000"), "{msg}");
        }
        let (s, _) = post(
            &t,
            &tok,
            "/time-entries",
            json!({"project_id": p.to_string(), "date": "2000-01-01", "minutes": 30}),
        )
        .await;
        assert_eq!(s, 201);
        let file =
            format!("{GENERIC}0001-03-02,Ana,Acme,Web,,30,,yes\n{limit},Ana,Acme,Web,,30,,yes\n");
        let (s, r, _) = send_csv(
            &t,
            &tok,
            "create_missing=true&dry_run=true",
            file.into_bytes(),
        )
        .await;
        assert_eq!(s, 422, "{r}");
        assert_eq!(r["error_count"], 1);
        assert_eq!(
            (
                r["errors"][0]["line"].as_u64(),
                r["errors"][0]["column"].as_str()
            ),
            (Some(2), Some("date"))
        );
        assert!(
            r["errors"][0]["message"].as_str().unwrap().contains("2000"),
            "{r}"
        );
        assert_eq!(r["errors"][0]["value"], "0001-03-02");
    }
}

/// The import page: duplicates are named with the "import them anyway" box to tick, refused
/// values shown cut short, and the box lets the same file in.
#[tokio::test]
async fn the_import_form_reports_duplicates_and_imports_them_when_asked() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Formulaire").await;
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let page = c
            .get(format!("{}/time/import", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("name=\"allow_duplicates\""), "{page}");
        let csrf = mesure_testkit::hidden(&page, "_csrf").unwrap();
        assert!(
            page.contains(&format!("action=\"/time/import?_csrf={csrf}\"")),
            "{page}"
        );
        let submit = |csv: String, boxes: &'static [&'static str]| {
            // The token travels in the form's address, checked before the body is read.
            let (c, url) = (c.clone(), format!("{}/time/import?_csrf={csrf}", t.url));
            async move {
                let b = "mesureboundary7d3f";
                let mut body = String::new();
                let mut field = |name: &str, value: &str| {
                    body.push_str(&format!(
                        "--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                    ));
                };
                field("format", "");
                for name in boxes {
                    field(name, "1");
                }
                body.push_str(&format!(
                    "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{b}--\r\n"
                ));
                let r = c
                    .post(url)
                    .header("content-type", format!("multipart/form-data; boundary={b}"))
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let csv = format!("{GENERIC}2026-03-02,Ana Silva,Acme,Web,,90,Maquettes,yes\n");
        let (s, html) = submit(csv.clone(), &["create_missing"]).await;
        assert_eq!(s, 200, "{html}");
        assert_eq!(count(&t, "time_entries").await, 1);
        // Again, with a bad value: both listed, the value cut short, nothing written.
        let again = format!(
            "{csv}2026-03-03,Ana Silva,Acme,Web,,{}x,,yes\n",
            "9".repeat(500)
        );
        let (s, html) = submit(again.clone(), &["create_missing"]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains("data-testid=\"import-duplicates\""), "{html}");
        assert!(html.contains("Une ligne existe déjà"), "{html}");
        assert!(html.contains("Cochez « importer quand même »"), "{html}");
        assert!(
            html.contains(&format!("<td>{}…</td>", "9".repeat(40))),
            "{html}"
        );
        assert!(!html.contains(&"9".repeat(41)));
        assert_eq!(count(&t, "time_entries").await, 1);
        // Ticked, the duplicate goes in.
        let (s, html) = submit(csv, &["create_missing", "allow_duplicates"]).await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains("acceptée (importer quand même)"), "{html}");
        assert_eq!(count(&t, "time_entries").await, 2);
    }
}

/// The import tells its progress by phase (what the CLI shows on a terminal).
#[tokio::test]
async fn the_import_tells_its_progress() {
    use mesure_services::time::import::{Options, Phase, Progress, import};
    use std::sync::{Arc, Mutex};
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Progrès").await;
        let mut csv = GENERIC.to_string();
        // 50 people over 28 days: about 18 rows and at most 15 hours a person a day.
        for i in 0..25_000 {
            csv.push_str(&format!(
                "2026-03-{:02},P{},Acme,Web,,{},Travail {i},yes\n",
                1 + (i / 50) % 28,
                i % 50,
                1 + i % 50
            ));
        }
        let told: Arc<Mutex<Vec<(Phase, u64)>>> = Arc::default();
        let sink = told.clone();
        let opts = Options {
            create_missing: true,
            progress: Progress::new(move |phase, rows| sink.lock().unwrap().push((phase, rows))),
            ..Options::default()
        };
        let r = import(&t.app, &a.owner.ctx, csv.as_bytes(), &opts)
            .await
            .unwrap();
        assert_eq!(
            (r.rows, r.error_count),
            (25_000, 0),
            "{:?}",
            r.errors.first()
        );
        assert_eq!(
            *told.lock().unwrap(),
            [
                (Phase::Checking, 10_000),
                (Phase::Checking, 20_000),
                (Phase::Checking, 25_000),
                (Phase::Writing, 25_000),
                (Phase::Done, 25_000),
            ]
        );
    }
}
