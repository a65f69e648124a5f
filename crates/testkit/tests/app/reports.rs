//! Reports over any period, recomputed by hand: hours, billable and non-billable, amounts, free
//! and written-off work per client, split by week with empty weeks as gaps, the CSV alike.
use crate::time::project;
use mesure_testkit::{backends, spawn_app};

#[tokio::test]
async fn a_report_over_a_custom_period_matches_hand_computed_figures() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Rapport").await;
        let mk = |name: &'static str| mesure_domain::clients::ClientForm {
            name: name.into(),
            ..Default::default()
        };
        let ca = mesure_services::clients::create(&t.app, &a.owner.ctx, &mk("Client A"))
            .await
            .unwrap()
            .id;
        let cb = mesure_services::clients::create(&t.app, &a.owner.ctx, &mk("Client B"))
            .await
            .unwrap()
            .id;
        let pa = project(&t, &a.owner.ctx, ca, "Projet A", "time_materials").await;
        let pb = project(&t, &a.owner.ctx, cb, "Projet B", "time_materials").await;
        let entry = |p: uuid::Uuid, date: &str, minutes: i64, billable: bool, free: bool| {
            mesure_domain::time::forms::EntryForm {
                project_id: p.to_string(),
                date: date.into(),
                duration: format!("{minutes}m"),
                billable: Some(billable.to_string()),
                scope: free.then(|| "free".to_string()),
                free_reason: free.then(|| "goodwill".to_string()),
                ..Default::default()
            }
        };
        let log = |f: mesure_domain::time::forms::EntryForm| {
            let (app, ctx) = (t.app.clone(), a.owner.ctx.clone());
            async move { mesure_services::time::log(&app, &ctx, &f).await.unwrap().id }
        };
        log(entry(pa, "2026-03-02", 90, true, false)).await; // billable 150.00
        log(entry(pa, "2026-03-03", 60, false, false)).await; // non-billable
        log(entry(pb, "2026-03-10", 30, true, true)).await; // free, worth 50.00
        let off = log(entry(pb, "2026-03-18", 45, true, false)).await; // written off, 75.00
        log(entry(pa, "2026-04-01", 600, true, false)).await; // outside the period
        mesure_services::time::write_off(
            &t.app,
            &a.owner.ctx,
            mesure_domain::EntryId::from_uuid(off),
            &mesure_services::time::ReasonForm {
                reason: "our_error".into(),
                note: None,
            },
        )
        .await
        .unwrap();
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let q = "period=custom&from=2026-03-01&to=2026-03-31&group=client&split=week";
        let r = c
            .get(format!("{}/reports?{q}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        for expected in [
            "01/03/2026 – 31/03/2026",
            ">3:45</a>",           // every hour worked in March
            ">1:30</a> <span",     // billable
            ">1:00</a>",           // non-billable
            "150,00\u{a0}€",       // billable amount
            "0:30 · 50,00\u{a0}€", // free
            "0:45 · 75,00\u{a0}€", // written off
            "Client A",
            "Client B",
            "<svg class=\"bars\"",
            "<title>semaine du 02/03/2026 : 1:30 facturables, 1:00 autres</title>",
        ] {
            assert!(html.contains(expected), "{expected:?} in {html}");
        }
        // Every figure opens its entries; a week without time is a gap, not a zero.
        let html = html.replace("&#38;", "&").replace("&amp;", "&");
        assert!(
            html.contains(&format!(
                "/time/entries?from=2026-03-01&to=2026-04-01&client_id={ca}"
            )),
            "{html}"
        );
        assert!(
            html.contains("pas de données") || html.contains("aucune donnée"),
            "{html}"
        );
        // The CSV: French dialect, one line per client, the same figures.
        let csv = t.text(&c, &format!("/reports.csv?{q}")).await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert!(
            lines[0].starts_with("\u{feff}groupe;période;heures"),
            "{csv}"
        );
        assert!(
            lines.contains(
                &"Client A;01/03/2026 – 31/03/2026;2,5;1,5;1;150,00;0,00;0,00;0,00;150,00"
            ),
            "{csv}"
        );
        assert!(
            lines.contains(&"Client B;01/03/2026 – 31/03/2026;1,25;0;0;0,00;50,00;75,00;0,00;0,00"),
            "{csv}"
        );
        // By person and by month over the quarter: April's 10 hours join in.
        let html = t
            .text(
                &c,
                "/reports?period=custom&from=2026-03-01&to=2026-04-30&group=person&split=month",
            )
            .await;
        assert!(html.contains(">13:45</a>"), "{html}");
        // A reversed range is refused with its reason; staff may not see money.
        let r = c
            .get(format!("{}/reports?from=2026-03-31&to=2026-03-01", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("La fin doit suivre le début.")
        );
        let s = t.client();
        t.login(&s, &a.staff.email, mesure_testkit::PASSWORD).await;
        let r = s.get(format!("{}/reports", t.url)).send().await.unwrap();
        assert_eq!(r.status(), 403);
        // The radar takes the same period picker.
        let html = t.text(&c, &format!("/radar?{q}")).await;
        assert!(html.contains("01/03/2026 – 31/03/2026"), "{html}");
        assert!(html.contains(">3:45</a>"), "{html}");
        // A period that is not whole months says which months the radar's figures cover.
        let html = t
            .text(&c, "/radar?period=custom&from=2026-03-02&to=2026-03-08")
            .await;
        assert!(
            html.contains("02/03/2026 – 08/03/2026 — chiffres des mois entiers 03/2026 à 03/2026"),
            "{html}"
        );
    }
}

#[tokio::test]
async fn a_project_without_end_date_says_when_its_budget_runs_out() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Rythme").await;
        let cl = t.client_named(&a.owner.ctx, "Client Rythme").await;
        let p = mesure_services::projects::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::projects::forms::ProjectForm {
                client_id: cl.to_string(),
                name: "Sans fin".into(),
                billing_model: "time_materials".into(),
                hourly_rate: Some("100".into()),
                budget_hours: Some("100".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        // 7 hours logged today: the pace is 7 h over the days since the first of the month
        // two months back; the page names the date, the window and the weekly pace.
        let today = mesure_domain::projects::engagement::day_from_key(
            mesure_services::projects::today(&t.app, &a.owner.ctx),
        )
        .unwrap();
        crate::time::log(&t, &a.owner.ctx, p, &today.to_string(), 420).await;
        let since = today
            .first_of_month()
            .checked_sub(jiff::Span::new().months(2))
            .unwrap();
        let days = i64::from((today - since).get_days()) + 1;
        let left = (93 * 60 * days + 419) / 420;
        let expected = today.checked_add(jiff::Span::new().days(left)).unwrap();
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let html = t.text(&c, &format!("/projects/{p}")).await;
        let want = format!(
            "Épuisement prévu vers le {} au rythme depuis le {}",
            mesure_i18n::date(mesure_domain::Language::Fr, expected),
            mesure_i18n::date(mesure_domain::Language::Fr, since)
        );
        assert!(html.contains(&want), "{want:?} in {html}");
    }
}

#[tokio::test]
async fn the_client_page_is_the_clients_hub() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Moyeu").await;
        let cl = t.client_named(&a.owner.ctx, "Client Moyeu").await;
        let p = mesure_services::projects::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::projects::forms::ProjectForm {
                client_id: cl.to_string(),
                name: "Refonte".into(),
                billing_model: "time_materials".into(),
                hourly_rate: Some("100".into()),
                budget_hours: Some("10".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        crate::time::log(&t, &a.owner.ctx, p, "2026-03-02", 450).await; // 7:30 of 10 h
        crate::time::log(&t, &a.owner.ctx, p, "2025-12-02", 60).await; // another year
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let html = t
            .text(
                &c,
                &format!("/clients/{cl}?period=custom&from=2026-01-01&to=2026-12-31"),
            )
            .await;
        assert!(html.contains("data-testid=\"client-hub\""), "{html}");
        assert!(
            html.contains(">Refonte</a>") && html.contains(">7:30</a>"),
            "{html}"
        );
        assert!(
            html.contains("85\u{a0}% · 10:00"),
            "8:30 of 10 h consumed: {html}"
        );
        assert!(
            html.contains("750,00\u{a0}€"),
            "revenue of the period: {html}"
        );
        assert!(html.contains(&format!("/radar/clients/{cl}")));
        // Staff see the hours and the budget, not the money.
        let s = t.client();
        t.login(&s, &a.staff.email, mesure_testkit::PASSWORD).await;
        let html = t
            .text(
                &s,
                &format!("/clients/{cl}?period=custom&from=2026-01-01&to=2026-12-31"),
            )
            .await;
        assert!(html.contains("data-testid=\"client-hub\""), "{html}");
        assert!(html.contains(">7:30</a>"), "{html}");
        assert!(!html.contains("750,00"), "staff see no money: {html}");
    }
}

#[tokio::test]
async fn staff_see_their_own_week_on_the_dashboard() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Semaine").await;
        let cl = t.client_named(&a.owner.ctx, "Client Semaine").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Semaine", "time_materials").await;
        let today = mesure_domain::projects::engagement::day_from_key(
            mesure_services::projects::today(&t.app, &a.staff.ctx),
        )
        .unwrap();
        crate::time::log(&t, &a.staff.ctx, p, &today.to_string(), 90).await;
        mesure_services::time::start_timer(
            &t.app,
            &a.staff.ctx,
            &mesure_services::time::TimerForm {
                project_id: p.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let c = t.client();
        t.login(&c, &a.staff.email, mesure_testkit::PASSWORD).await;
        let html = t.text(&c, "/dashboard").await;
        assert!(html.contains("data-testid=\"my-week\""), "{html}");
        assert!(
            html.contains("1:30 saisies sur 35:00 disponibles"),
            "{html}"
        );
        assert!(
            html.contains("sur Projet Semaine"),
            "the running timer: {html}"
        );
        assert!(
            html.contains(&format!("href=\"/projects/{p}\">Projet Semaine</a>")),
            "{html}"
        );
    }
}

#[tokio::test]
async fn over_servicing_shows_each_component_and_no_baseline_says_so() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Composantes").await;
        let cl = t.client_named(&a.owner.ctx, "Client Composantes").await;
        let p = project(&t, &a.owner.ctx, cl, "Régie", "time_materials").await;
        let bare = project(&t, &a.owner.ctx, cl, "Sans livrable", "time_materials").await;
        let d = mesure_services::projects::add_deliverable(
            &t.app,
            &a.owner.ctx,
            mesure_domain::ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::DeliverableForm {
                name: "Maquettes".into(),
                estimate_hours: "10".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        let log = |project: uuid::Uuid,
                   deliverable: Option<uuid::Uuid>,
                   minutes: i64,
                   billable: bool,
                   free: bool| {
            let (app, ctx) = (t.app.clone(), a.owner.ctx.clone());
            async move {
                mesure_services::time::log(
                    &app,
                    &ctx,
                    &mesure_domain::time::forms::EntryForm {
                        project_id: project.to_string(),
                        deliverable_id: deliverable.map(|d| d.to_string()),
                        date: "2026-03-02".into(),
                        duration: format!("{minutes}m"),
                        billable: Some(billable.to_string()),
                        scope: free.then(|| "free".into()),
                        free_reason: free.then(|| "strategic".into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        log(p, Some(d), 120, true, false).await; // in scope, billed
        log(p, None, 60, false, false).await; // outside the scope, never billed: 100.00
        log(p, None, 30, true, true).await; // free: 50.00
        log(bare, None, 90, true, false).await;
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let html = t.text(&c, &format!("/projects/{p}")).await;
        let text = html.replace("&#38;", "&");
        for expected in [
            "50,00\u{a0}€",
            "dont hors périmètre non facturé",
            "100,00\u{a0}€",
            "150,00\u{a0}€", // over-servicing: 50 free + 100 unbilled outside the scope
            "kind=unbilled_scope",
        ] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
        // The deliverable's logged time is its running total.
        assert!(text.contains("2:00"), "{text}");
        // Without deliverables there is no baseline to be outside of.
        let html = t.text(&c, &format!("/projects/{bare}")).await;
        assert!(
            html.contains("pas de périmètre de référence (aucun livrable)"),
            "{html}"
        );
        // The client's radar lists the components too.
        let html = t.text(&c, &format!("/radar/clients/{cl}")).await;
        assert!(html.contains("data-testid=\"over-components\""), "{html}");
        assert!(html.contains("dont hors périmètre non facturé"), "{html}");
        // The entries behind the component.
        let entries = t
            .text(
                &c,
                &format!("/time/entries?project_id={p}&kind=unbilled_scope"),
            )
            .await;
        assert!(entries.contains("1 saisie ·"), "{entries}");
    }
}

#[tokio::test]
async fn imported_time_counts_in_deliverable_totals_and_the_connection_is_given_back() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Livrables").await;
        let cl = t.client_named(&a.owner.ctx, "Client Livrables").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Livrables", "time_materials").await;
        let d = mesure_services::projects::add_deliverable(
            &t.app,
            &a.owner.ctx,
            mesure_domain::ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::DeliverableForm {
                name: "Maquettes".into(),
                estimate_hours: "10".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        crate::time::log(&t, &a.owner.ctx, p, "2026-03-01", 15).await; // no deliverable
        let csv = format!(
            "date,person,client,project,deliverable,minutes,note,billable\n\
             2026-03-02,{e},Client Livrables,Projet Livrables,Maquettes,90,Pages,yes\n\
             2026-03-03,{e},Client Livrables,Projet Livrables,Maquettes,30,Retouches,yes\n",
            e = a.owner.email
        );
        let report = mesure_services::time::import::import(
            &t.app,
            &a.owner.ctx,
            csv.as_bytes(),
            &mesure_services::time::import::Options {
                file_name: "t.csv".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            report.errors.is_empty() && report.imported,
            "{:?}",
            report.errors
        );
        let mut c = t.app.db.read().await.unwrap();
        let minutes = mesure_store::projects::deliverable_minutes(&mut c.conn(), a.ws, p)
            .await
            .unwrap();
        assert_eq!(minutes, vec![(d, 120)]);
        drop(c);
        // The database still answers reads and writes after the bulk connection was closed.
        crate::time::log(&t, &a.owner.ctx, p, "2026-03-04", 10).await;
    }
}
