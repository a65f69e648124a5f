//! Every CSV export neutralises cells a spreadsheet would run as formulas (OWASP CSV injection).
use crate::time::{log, project};
use mesure_testkit::{backends, spawn_app};

const EVIL: &str = "=HYPERLINK(\"http://evil.test\",\"x\")";

fn assert_safe(csv: &str, what: &str) {
    assert!(
        csv.contains("'=HYPERLINK"),
        "{what}: the formula is kept, neutralised: {csv}"
    );
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !(cell.starts_with('=') || cell.starts_with('@')),
                "{what}: raw formula cell {cell:?} in {csv}"
            );
        }
    }
}

#[tokio::test]
async fn every_export_neutralises_formulas() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Formules").await;
        let cl = mesure_services::clients::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::clients::ClientForm {
                name: EVIL.into(),
                segment: Some("@SUM(A1)".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        mesure_services::clients::contacts::create(
            &t.app,
            &a.owner.ctx,
            mesure_domain::ClientId::from_uuid(cl),
            &mesure_domain::clients::ContactForm {
                first_name: EVIL.into(),
                last_name: "+Cmd".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let p = project(&t, &a.owner.ctx, cl, EVIL, "time_materials").await;
        let form = mesure_domain::time::forms::EntryForm {
            project_id: p.to_string(),
            date: "2026-03-02".into(),
            duration: "90m".into(),
            note: Some("=cmd|' /C calc'!A0".into()),
            ..Default::default()
        };
        mesure_services::time::log(&t.app, &a.owner.ctx, &form)
            .await
            .unwrap();
        log(&t, &a.owner.ctx, p, "2026-03-03", 30).await;
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        for path in [
            "/clients.csv".to_string(),
            "/contacts.csv".to_string(),
            "/time.csv?from=2026-03-01&to=2026-03-31".to_string(),
            "/radar.csv".to_string(),
            format!("/projects/{p}/months.csv"),
            format!("/radar/clients/{cl}/months.csv"),
        ] {
            let r = c.get(format!("{}{path}", t.url)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let body = r.text().await.unwrap();
            if path.starts_with("/time") {
                assert!(body.contains("'=cmd|"), "{path}: {body}");
            }
            if path.contains("months.csv") {
                // Month tables hold figures, not names: nothing to neutralise, nothing raw.
                assert!(!body.contains("=HYPERLINK"), "{path}: {body}");
                continue;
            }
            assert_safe(&body, &path);
        }
        // The audit-log export (a background job) too.
        mesure_services::audit::request_export(&t.app, &a.owner.ctx, Default::default())
            .await
            .unwrap();
        t.run_jobs().await;
        let exports = mesure_services::audit::list_exports(&t.app, &a.owner.ctx)
            .await
            .unwrap();
        let file = mesure_services::audit::get_export(&t.app, &a.owner.ctx, exports[0].id)
            .await
            .unwrap();
        assert!(!file.content.lines().any(|l| l.starts_with('=')));
        assert!(
            !file.content.contains(",=") && !file.content.contains(",\"="),
            "{}",
            file.content
        );
    }
}
