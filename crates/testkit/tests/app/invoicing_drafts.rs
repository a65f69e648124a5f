//! Editing a draft over HTTP on both engines: its period, grouping and note; the lines are
//! gathered again from the work, manual lines kept, what it no longer bills released; bad input
//! names its field and changes nothing; issued documents and other workspaces are out of reach.
use crate::invoicing::{billable_client, call, draft_body, get, post};
use mesure_testkit::{backends, spawn_app};
use serde_json::{Value, json};

async fn patch(t: &mesure_testkit::TestApp, tok: &str, path: &str, body: Value) -> (u16, Value) {
    call(t, reqwest::Method::PATCH, t.api(path), tok, Some(body)).await
}

fn field(v: &Value) -> String {
    v["errors"][0]["field"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_draft_edited_gathers_its_lines_again_and_releases_what_it_drops() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Brouillon").await;
        let tok = a.owner.token.clone();
        // 90, 30 and 45 minutes on 9, 10 and 11 March at 100/h.
        let (client, _, _) = billable_client(&t, &a, "Client Brouillon", &[90, 30, 45]).await;
        let (s, d) = post(&t, &tok, "/invoices", draft_body(client)).await;
        assert_eq!(s, 201, "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        let path = format!("/invoices/{id}");
        let (s, d) = post(&t, &tok, &format!("{path}/lines"), json!({"description": "Hébergement", "quantity": "1", "unit_price_minor": 5000, "vat": "20"})).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["net_minor"], 27_500 + 5_000);

        // Bad input names its field and changes nothing.
        for (body, f) in [
            (json!({"from": "2026-03-20", "to": "2026-03-10"}), "to"),
            (json!({"from": "2026-13-45"}), "from"),
            (json!({"grouping": "colour"}), "grouping"),
            (json!({"note": "x".repeat(100_001)}), "note"),
        ] {
            let (s, b) = patch(&t, &tok, &path, body.clone()).await;
            assert_eq!((s, field(&b)), (422, f.to_string()), "{body} {b}");
        }
        let (_, d) = get(&t, &tok, &path).await;
        assert_eq!(d["net_minor"], 32_500, "unchanged after refusals");

        // From 10 March: the 9 March entry leaves the draft, the manual line stays last.
        let (s, d) = patch(
            &t,
            &tok,
            &path,
            json!({"from": "2026-03-10", "grouping": "person", "note": "Mars, deuxième partie"}),
        )
        .await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["net_minor"], 12_500 + 5_000, "{d}");
        assert_eq!(d["period_from"], "2026-03-10", "{d}");
        assert_eq!(d["grouping"], "person");
        assert_eq!(d["note"], "Mars, deuxième partie");
        let lines = d["lines"].as_array().unwrap();
        assert_eq!(lines.last().unwrap()["description"], "Hébergement");
        // The note alone keeps the lines as they are.
        let (s, d2) = patch(&t, &tok, &path, json!({"note": "Mars"})).await;
        assert_eq!(s, 200, "{d2}");
        assert_eq!(d2["lines"], d["lines"]);
        // The released entry is free for another draft.
        let (s, other) = post(
            &t,
            &tok,
            "/invoices",
            json!({"client_id": client.to_string(), "from": "2026-03-01", "to": "2026-03-09"}),
        )
        .await;
        assert_eq!(s, 201, "{other}");
        assert_eq!(other["net_minor"], 15_000);
        // It is now taken: widening the first draft again bills nothing twice.
        let (s, d) = patch(&t, &tok, &path, json!({"from": "2026-03-01"})).await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["net_minor"], 17_500, "{d}");

        // Staff may not; another workspace's owner finds nothing; an issued invoice is frozen.
        assert_eq!(
            patch(&t, &a.staff.token, &path, json!({"note": "x"}))
                .await
                .0,
            403
        );
        let b = t.tenant("Autre Agence").await;
        assert_eq!(
            patch(&t, &b.owner.token, &path, json!({"note": "x"}))
                .await
                .0,
            404
        );
        let (s, _) = post(&t, &tok, &format!("{path}/issue"), json!({})).await;
        assert_eq!(s, 200);
        let (s, b) = patch(&t, &tok, &path, json!({"note": "après"})).await;
        assert_eq!(s, 409, "{b}");
        let (_, d) = get(&t, &tok, &path).await;
        assert_eq!(d["note"], "Mars");
    }
}
