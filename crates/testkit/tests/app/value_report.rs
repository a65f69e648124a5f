//! The monthly value report (issue 11) on both engines: known figures of a hand-made month
//! (hours by deliverable, a deliverable accepted, a change request decided, an open question),
//! the page for staff and for each contact role (money for project contacts only), the PDF read
//! back by poppler, bad months refused by name, isolation, and the e-mail sent once on the first
//! working day of the next month with the PDF attached.
use crate::invoicing::billable_client;
use crate::portal_walk::contact;
use mesure_domain::ProjectId;
use mesure_services::portal::value_report;
use mesure_testkit::{TestApp, backends, spawn_app};

fn pdf_text(t: &TestApp, bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let file = t.dir.join(format!("report-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([
            std::ffi::OsStr::new("-layout"),
            file.as_os_str(),
            std::ffi::OsStr::new("-"),
        ])
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn get(web: &reqwest::Client, url: String) -> (u16, Vec<u8>) {
    let r = web.get(url).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_month_reported_to_the_client_on_the_page_in_the_pdf_and_by_mail_once() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Rapport").await;
        t.clock.set("2026-03-20T10:00:00Z".parse().unwrap());
        // March: 90 + 30 minutes on the project (outside any deliverable).
        let (x, p, _) = billable_client(&t, &a, "Client Rapport", &[90, 30]).await;
        let pid = ProjectId::from_uuid(p);
        let d = mesure_services::projects::add_deliverable(
            &t.app,
            &a.owner.ctx,
            pid,
            &mesure_domain::projects::forms::DeliverableForm {
                name: "Maquettes validées".into(),
                estimate_hours: "6".into(),
                owner_id: None,
                status: Some("accepted".into()),
            },
        )
        .await
        .unwrap();
        assert_eq!(d.accepted_on, Some(20_260_320));
        let change = mesure_services::projects::add_change(
            &t.app,
            &a.owner.ctx,
            pid,
            &mesure_domain::projects::forms::ChangeForm {
                title: "Module de réservation".into(),
                description: None,
                extra_hours: "10".into(),
                price: "1200".into(),
                status: Some("sent".into()),
            },
        )
        .await
        .unwrap()
        .id;
        let (_, project) = contact(&t, &a, x, "project", "chef@rapport.example.org").await;
        let (_, viewer) = contact(&t, &a, x, "viewer", "lecteur@rapport.example.org").await;
        let (_, billing) = contact(&t, &a, x, "billing", "compta@rapport.example.org").await;
        t.clock.set("2026-03-25T10:00:00Z".parse().unwrap());
        let r = crate::portal::form(
            &t,
            &project,
            &format!("/portal/projects/{p}"),
            &format!("/portal/change-requests/{change}/decision"),
            &[("decision", "approve")],
        )
        .await;
        assert_eq!(r.status(), 303);
        let r = crate::portal::form(
            &t,
            &project,
            &format!("/portal/projects/{p}"),
            "/portal/questions",
            &[
                ("subject", &format!("project:{p}")),
                ("body", "Où en est la recette ?"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        // (Sessions would expire across weeks of test clock: the pages are read on 25 March.)

        // The service: known figures.
        let rep = value_report::report(&t.app, &a.owner.ctx, Some(x), 202_603)
            .await
            .unwrap();
        assert_eq!(rep.total_minutes, 120, "{backend:?}");
        assert_eq!(rep.hours.len(), 1);
        assert_eq!(rep.hours[0].deliverable, None);
        assert_eq!(rep.completed.len(), 1);
        assert_eq!(rep.completed[0].1, "Maquettes validées");
        assert_eq!(rep.changes.len(), 1);
        assert!(rep.changes[0].approved && rep.changes[0].decided_on == 20_260_325);
        assert_eq!(
            rep.changes[0].decided_by.as_deref(),
            Some("Contact project")
        );
        assert_eq!(rep.open_questions.len(), 1);
        let april = value_report::report(&t.app, &a.owner.ctx, Some(x), 202_604)
            .await
            .unwrap();
        assert!(april.total_minutes == 0 && april.completed.is_empty() && april.changes.is_empty());
        assert_eq!(april.open_questions.len(), 1, "still open at April's end");

        // Staff page and PDF.
        let staff = t.client();
        t.login(&staff, &a.owner.email, mesure_testkit::PASSWORD)
            .await;
        let page = t
            .text(&staff, &format!("/clients/{x}/value-report?month=2026-03"))
            .await;
        let question = format!("/questions/{}", rep.open_questions[0].id);
        for want in [
            "2:00",
            "Maquettes validées",
            "Module de réservation",
            question.as_str(),
        ] {
            assert!(page.contains(want), "{backend:?} {want}");
        }
        let (s, pdf) = get(
            &staff,
            format!("{}/clients/{x}/value-report.pdf?month=2026-03", t.url),
        )
        .await;
        assert_eq!(s, 200);
        let text = pdf_text(&t, &pdf);
        for want in [
            "Rapport mensuel — mars 2026",
            "Client Rapport",
            "Livré : Maquettes validées",
            "Demande acceptée : Module de réservation",
            "Autres travaux 2",
        ] {
            assert!(text.contains(want), "{backend:?} {want:?} not in {text}");
        }
        // Bad months, by name; nothing else.
        for bad in ["2026-13", "abc", "1999-12", "2026-3x"] {
            let (s, body) = get(
                &staff,
                format!("{}/clients/{x}/value-report?month={bad}", t.url),
            )
            .await;
            assert_eq!(
                s,
                422,
                "{backend:?} {bad}: {}",
                String::from_utf8_lossy(&body)
            );
        }

        // Contacts: their own organisation; money for the project role only.
        let mine = t.text(&project, "/portal/report?month=2026-03").await;
        assert!(mine.contains("Module de réservation"), "{mine}");
        let seen = t.text(&viewer, "/portal/report?month=2026-03").await;
        assert!(
            seen.contains("Maquettes validées") && !seen.contains("€"),
            "{backend:?}"
        );
        let (s, _) = get(
            &billing,
            format!("{}/portal/report.pdf?month=2026-03", t.url),
        )
        .await;
        assert_eq!(s, 200);
        for web in [&project, &viewer, &billing] {
            let (s, _) = get(web, format!("{}/clients/{x}/value-report", t.url)).await;
            assert_eq!(s, 403, "staff route, contact");
        }
        let b = t.tenant("Autre Agence Rapport").await;
        let other = t.client();
        t.login(&other, &b.owner.email, mesure_testkit::PASSWORD)
            .await;
        let (s, _) = get(&other, format!("{}/clients/{x}/value-report", t.url)).await;
        assert_eq!(s, 404, "another workspace");

        // The e-mail: not on 31 March, once on Wednesday 1 April (the first working day).
        t.clock.set("2026-03-31T08:00:00Z".parse().unwrap());
        assert_eq!(value_report::sweep_all(&t.app).await.unwrap(), 0);
        t.clock.set("2026-04-01T07:30:00Z".parse().unwrap());
        assert_eq!(
            value_report::sweep_all(&t.app).await.unwrap(),
            1,
            "{backend:?}"
        );
        assert_eq!(value_report::sweep_all(&t.app).await.unwrap(), 0, "once");
        t.clock.set("2026-04-02T07:30:00Z".parse().unwrap());
        assert_eq!(
            value_report::sweep_all(&t.app).await.unwrap(),
            0,
            "once, days later too"
        );
        t.run_jobs().await;
        let mails: Vec<String> = std::fs::read_dir(t.dir.join("outbox"))
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .filter(|m| m.contains("report-2026-03-client-rapport.pdf"))
            .collect();
        assert_eq!(
            mails.len(),
            2,
            "the billing and project contacts, not the viewer"
        );
        assert!(mails.iter().all(|m| m.contains("application/pdf")));
    }
}

#[test]
fn the_first_working_day_skips_weekends_and_holidays() {
    let cal = mesure_domain::calendar::Calendar::french_office(
        jiff::tz::TimeZone::get("Europe/Paris").unwrap(),
    );
    let d = |y, m, d| jiff::civil::date(y, m, d);
    // 1 May 2026 is a Friday and Labour Day: Monday 4 May.
    assert_eq!(
        value_report::first_working_day(&cal, d(2026, 5, 20)),
        Some(d(2026, 5, 4))
    );
    // 1 November 2026 is a Sunday (and All Saints' Day): Monday 2 November.
    assert_eq!(
        value_report::first_working_day(&cal, d(2026, 11, 2)),
        Some(d(2026, 11, 2))
    );
    assert_eq!(
        value_report::first_working_day(&cal, d(2026, 4, 30)),
        Some(d(2026, 4, 1))
    );
}
