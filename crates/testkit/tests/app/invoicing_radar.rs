//! Billed value on the radar, on both engines: issuing an invoice moves realisation and unbilled
//! work in progress on the client's and project's months, a partial credit note takes back its
//! fraction, a full credit note that releases the work takes back everything, and billing
//! errors show on the radar pages of readers of invoices; `check --totals` agrees throughout.
use crate::invoicing::{billable_client, draft_body, get, post};
use mesure_testkit::{PASSWORD, backends, spawn_app};
use serde_json::{Value, json};

/// The client's all-time radar figures and those of March 2026 (where the test's work lies).
async fn figures(t: &mesure_testkit::TestApp, tok: &str, client: uuid::Uuid) -> (Value, Value) {
    let (s, r) = get(t, tok, &format!("/clients/{client}/radar")).await;
    assert_eq!(s, 200, "{r}");
    let march = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-03")
        .map(|m| m["figures"].clone())
        .unwrap_or(Value::Null);
    (r["totals"].clone(), march)
}

#[tokio::test]
async fn issuing_and_crediting_move_realisation_and_unbilled_work_in_progress() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Réalisation").await;
        let tok = a.owner.token.clone();
        // 165 minutes at 100/h: 275.00 earned, nothing billed yet.
        let (client, _p, _) = billable_client(&t, &a, "Client Radar", &[90, 30, 45]).await;
        let (tot, march) = figures(&t, &tok, client).await;
        assert_eq!(tot["billable_value"], 27_500, "{tot}");
        assert_eq!(tot["revenue"], 27_500, "{tot}");
        assert_eq!(tot["billed_value"], 0);
        assert_eq!(tot["unbilled_wip"], 27_500);
        assert_eq!(tot["realisation"], "0");
        assert_eq!(march["unbilled_wip"], 27_500);

        // The invoice bills the work and a manual line of no project (not work: no share).
        let (s, d) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        let (s, d) = post(&t, &tok, &format!("/invoices/{id}/lines"), json!({"description": "Hébergement", "quantity": "1", "unit_price_minor": 5000, "vat": "20"})).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["net_minor"], 32_500);
        // A draft bills nothing yet.
        assert_eq!(figures(&t, &tok, client).await.0["billed_value"], 0);
        let (s, d) = post(&t, &tok, &format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!(s, 200, "{d}");
        let (tot, march) = figures(&t, &tok, client).await;
        assert_eq!(tot["billed_value"], 27_500, "{tot}");
        assert_eq!(tot["unbilled_wip"], 0);
        assert_eq!(tot["realisation"], "1");
        assert_eq!(march["billed_value"], 27_500, "the work's month");
        assert_eq!(t.check_totals().await, Vec::<String>::new(), "{backend:?}");

        // A partial credit note for wrong hours of 65.00 takes back 65/325 of the work's share.
        let (s, c) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": id, "reason": "wrong_hours", "net_minor": 6_500}),
        )
        .await;
        assert_eq!(s, 201, "{c}");
        let (tot, _) = figures(&t, &tok, client).await;
        assert_eq!(tot["billed_value"], 22_000, "{tot}");
        assert_eq!(tot["unbilled_wip"], 5_500);
        assert_eq!(tot["realisation"], "0.8");
        // The workspace radar sums the same.
        let (s, w) = get(&t, &tok, "/radar?from=2026-03&to=2026-04").await;
        assert_eq!(s, 200, "{w}");
        assert_eq!(w["total"]["billed_value"], 22_000, "{w}");

        // A client of another workspace (its week is its own): a full credit note that releases
        // the work takes back everything, and the work can be billed again.
        let b = t.tenant("Agence Avoir").await;
        let tok = b.owner.token.clone();
        let (c2, p2, _) = billable_client(&t, &b, "Client Avoir", &[60]).await;
        let (s, d) = post(&t, &tok, "/invoices", draft_body(c2)).await;
        assert_eq!(s, 201, "{d}");
        let id2 = d["id"].as_str().unwrap().to_string();
        let (s, _) = post(&t, &tok, &format!("/invoices/{id2}/issue"), json!({})).await;
        assert_eq!(s, 200);
        assert_eq!(figures(&t, &tok, c2).await.0["billed_value"], 10_000);
        let (s, c) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": id2, "reason": "wrong_client", "release_work": true}),
        )
        .await;
        assert_eq!(s, 201, "{c}");
        let (tot, _) = figures(&t, &tok, c2).await;
        assert_eq!(tot["billed_value"], 0, "{tot}");
        assert_eq!(tot["unbilled_wip"], 10_000);
        let (s, pr) = get(&t, &tok, &format!("/projects/{p2}/radar")).await;
        assert_eq!(s, 200, "{pr}");
        let (s, d) = post(&t, &tok, "/invoices", draft_body(c2)).await;
        assert_eq!(s, 201, "the released work is billable again: {d}");
        let id3 = d["id"].as_str().unwrap().to_string();
        let (s, _) = post(&t, &tok, &format!("/invoices/{id3}/issue"), json!({})).await;
        assert_eq!(s, 200);
        assert_eq!(figures(&t, &tok, c2).await.0["billed_value"], 10_000);
        assert_eq!(t.check_totals().await, Vec::<String>::new(), "{backend:?}");
        let tok = a.owner.token.clone();
        assert_eq!(figures(&t, &tok, client).await.0["billed_value"], 22_000);

        // Documents issued before billed value existed: the worker's backfill gives them their
        // shares, in chain order, once.
        let mut c = t.app.db.read().await.unwrap();
        for sql in [
            "DELETE FROM billed_shares",
            "UPDATE project_months SET billed_value = 0",
            "UPDATE client_months SET billed_value = 0",
        ] {
            mesure_store::testing::exec(&mut c.conn(), sql, &[])
                .await
                .unwrap();
        }
        drop(c);
        assert_eq!(figures(&t, &tok, client).await.0["billed_value"], 0);
        let n = mesure_services::invoicing::billed::backfill_all(&t.app)
            .await
            .unwrap();
        assert_eq!(
            n, 5,
            "an invoice and its partial credit; two invoices and a full credit"
        );
        assert_eq!(
            mesure_services::invoicing::billed::backfill_all(&t.app)
                .await
                .unwrap(),
            0
        );
        assert_eq!(figures(&t, &tok, client).await.0["billed_value"], 22_000);
        assert_eq!(
            figures(&t, &b.owner.token, c2).await.0["billed_value"],
            10_000
        );
        assert_eq!(t.check_totals().await, Vec::<String>::new(), "{backend:?}");

        // Billing errors on the radar pages of a reader of invoices (the manager).
        let web = t.client();
        assert_eq!(
            t.login(&web, &a.manager.email, PASSWORD).await.status(),
            303
        );
        let page = t.text(&web, &format!("/radar/clients/{client}")).await;
        assert!(
            page.contains("data-testid=\"radar-billing-errors\""),
            "{page}"
        );
        assert!(page.contains("data-testid=\"radar-realisation\""));
        let dash = t.text(&web, "/radar").await;
        assert!(dash.contains("data-testid=\"radar-billing-errors\""));
        assert!(dash.contains("data-testid=\"radar-wip\""));
    }
}

/// Adds a deliverable of `hours` estimated hours to a project; its id.
async fn deliverable(
    t: &mesure_testkit::TestApp,
    ctx: &mesure_services::Ctx,
    project: uuid::Uuid,
    name: &str,
    hours: &str,
) -> uuid::Uuid {
    let form = mesure_domain::projects::forms::DeliverableForm {
        name: name.into(),
        estimate_hours: hours.into(),
        owner_id: None,
        status: None,
    };
    mesure_services::projects::add_deliverable(
        &t.app,
        ctx,
        mesure_domain::ProjectId::from_uuid(project),
        &form,
    )
    .await
    .unwrap()
    .id
}

async fn accept(
    t: &mesure_testkit::TestApp,
    ctx: &mesure_services::Ctx,
    id: uuid::Uuid,
    name: &str,
    hours: &str,
) {
    let form = mesure_domain::projects::forms::DeliverableForm {
        name: name.into(),
        estimate_hours: hours.into(),
        owner_id: None,
        status: Some("accepted".into()),
    };
    mesure_services::projects::update_deliverable(
        &t.app,
        ctx,
        mesure_domain::DeliverableId::from_uuid(id),
        &form,
    )
    .await
    .unwrap();
}

/// The net of a document's lines billing accepted deliverables.
fn deliverable_lines(d: &Value) -> Vec<i64> {
    d["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["bills"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["kind"] == "deliverable")
        })
        .map(|l| l["net_minor"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_fixed_price_earned_by_deliverables_is_billed_by_accepted_share_to_the_cent() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Forfait").await;
        let tok = a.owner.token.clone();
        let (client, _, _) = billable_client(&t, &a, "Client Forfait", &[30]).await;
        // 10,000.00 for three deliverables of 10, 20 and 30 estimated hours.
        let form = mesure_domain::projects::forms::ProjectForm {
            client_id: client.to_string(),
            name: "Forfait site".into(),
            billing_model: "fixed_fee".into(),
            fixed_price: Some("10000".into()),
            fixed_revenue: Some("deliverables".into()),
            ..Default::default()
        };
        let p = mesure_services::projects::create(&t.app, &a.owner.ctx, &form)
            .await
            .unwrap()
            .id;
        let da = deliverable(&t, &a.owner.ctx, p, "Maquettes", "10").await;
        let db = deliverable(&t, &a.owner.ctx, p, "Intégration", "20").await;
        let dc = deliverable(&t, &a.owner.ctx, p, "Recette", "30").await;
        accept(&t, &a.owner.ctx, da, "Maquettes", "10").await;
        accept(&t, &a.owner.ctx, db, "Intégration", "20").await;
        let today = mesure_store::ts(t.clock_now())
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string();
        let body = json!({"client_id": client.to_string(), "from": "2026-01-01", "to": today});

        // Half the estimate accepted: half the price, split 1 : 2 between the two.
        let (s, d) = post(&t, &tok, "/invoices", body.clone()).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(deliverable_lines(&d), vec![166_667, 333_333], "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        let (s, d) = post(&t, &tok, &format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!(s, 200, "{d}");

        // Nothing new accepted: nothing more to bill for the project.
        let (s, d) = post(&t, &tok, "/invoices", body.clone()).await;
        assert_eq!(s, 422, "{d}");

        // The last deliverable accepted: the rest of the price, to the cent.
        accept(&t, &a.owner.ctx, dc, "Recette", "30").await;
        let (s, d) = post(&t, &tok, "/invoices", body).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(deliverable_lines(&d), vec![500_000], "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        let (s, _) = post(&t, &tok, &format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!(s, 200);
        let (s, r) = get(&t, &tok, &format!("/projects/{p}/radar")).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["totals"]["billed_value"], 1_000_000, "{r}");
        assert_eq!(t.check_totals().await, Vec::<String>::new(), "{backend:?}");
    }
}
