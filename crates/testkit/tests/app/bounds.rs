//! Issue 8, point 4: money has bounds. Rates above 100,000 per hour and amounts above ten
//! billion are refused with a field error; at the bounds, day-long entries sum without
//! overflow and every reader keeps working; an overflowing total fails on both engines instead
//! of wrapping or (on SQLite) turning into a floating-point value.
use crate::time::log;
use mesure_store::Db;
use mesure_testkit::{backends, spawn_app};
use serde_json::{Value, json};

async fn post(t: &mesure_testkit::TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = t
        .client()
        .post(t.api(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn field_message(body: &Value, field: &str) -> String {
    body["errors"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["field"] == field))
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("no error on {field}: {body}"))
}

#[tokio::test]
async fn amounts_and_rates_are_bounded_and_totals_never_wrap() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Bornes").await;
        let cl = t.client_named(&a.owner.ctx, "Client Borné").await;
        let tok = a.owner.token.as_str();
        let body = |rate: &str| {
            json!({"client_id": cl.to_string(), "name": format!("Projet {rate}"),
                   "billing_model": "time_materials", "hourly_rate": rate})
        };
        // The rate the attacker used, one cent over the bound, and the bound itself.
        for rate in ["92233720368547758.07", "100000.01", "1e30"] {
            let (s, b) = post(&t, tok, "/projects", body(rate)).await;
            assert_eq!(s, 422, "{rate}: {b}");
            let m = field_message(&b, "hourly_rate");
            assert!(m.contains("100") || m.contains("nvalid"), "{rate}: {m}");
        }
        let (s, b) = post(&t, tok, "/projects", body("100000.00")).await;
        assert_eq!(s, 201, "{b}");
        let p = uuid::Uuid::parse_str(b["id"].as_str().unwrap()).unwrap();
        // Amounts: a cap and a fixed price above ten billion are refused.
        let (s, b) = post(
            &t,
            tok,
            "/projects",
            json!({"client_id": cl.to_string(), "name": "Forfait", "billing_model": "fixed_fee",
                   "fixed_price": "10000000000.01", "cap": "99999999999999999"}),
        )
        .await;
        assert_eq!(s, 422, "{b}");
        field_message(&b, "fixed_price");
        field_message(&b, "cap");
        let (s, b) = post(
            &t,
            tok,
            &format!("/projects/{p}/milestones"),
            json!({"name": "Jalon", "amount": "10000000000.01", "due_on": "2026-06-30"}),
        )
        .await;
        assert_eq!(s, 422, "{b}");
        field_message(&b, "amount");
        let (s, b) = post(
            &t,
            tok,
            &format!("/projects/{p}/milestones"),
            json!({"name": "Jalon", "amount": "10000000000.00", "due_on": "2026-06-30"}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        // Person rates (billing and cost) are bounded the same way.
        for path in ["/rates", "/cost-rates"] {
            let (s, b) = post(
                &t,
                tok,
                path,
                json!({"user_id": a.staff.id.to_string(), "rate": "100000.01", "valid_from": "2026-01-01"}),
            )
            .await;
            assert_eq!(s, 422, "{path}: {b}");
            field_message(&b, "rate");
        }
        let (s, b) = post(
            &t,
            tok,
            "/cost-rates",
            json!({"user_id": a.owner.id.to_string(), "rate": "100000.00", "valid_from": "2026-01-01"}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        // At the bounds: three day-long entries at 100,000 an hour (value and cost).
        for day in ["2026-03-02", "2026-03-03", "2026-03-04"] {
            log(&t, &a.owner.ctx, p, day, 1440).await;
        }
        let r = t
            .client()
            .get(t.api(&format!("/projects/{p}/radar")))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let radar = r.text().await.unwrap();
        // 3 × 24 h × 100,000.00 = 7,200,000.00
        assert!(
            radar.contains("720000000") || radar.contains("7200000.00"),
            "{radar}"
        );
        for path in ["/radar", "/radar/utilisation"] {
            let r = t
                .client()
                .get(t.api(path))
                .bearer_auth(tok)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path}");
        }
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        for path in [
            "/dashboard".to_string(),
            "/radar".to_string(),
            format!("/projects/{p}"),
        ] {
            let r = c.get(format!("{}{path}", t.url)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
        }
        // Below the application: a running total pushed past 2^63 fails on both engines and
        // leaves the stored value an integer.
        let overflow = "UPDATE project_months SET value = value + 9223372036854775000";
        let kind = match &t.app.db {
            Db::Sqlite(pool, _) => {
                let e = sqlx::query(overflow).execute(pool).await;
                assert!(e.is_err(), "SQLite accepted an overflowing total");
                sqlx::query_scalar::<_, String>("SELECT DISTINCT typeof(value) FROM project_months")
                    .fetch_all(pool)
                    .await
                    .unwrap()
            }
            Db::Pg(pool) => {
                let e = sqlx::query(overflow).execute(pool).await;
                assert!(e.is_err(), "PostgreSQL accepted an overflowing total");
                vec!["integer".to_string()]
            }
        };
        assert_eq!(kind, vec!["integer".to_string()]);
    }
}
