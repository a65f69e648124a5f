//! The client portal over HTTP on both engines: what each contact role sees of its own
//! organisation (projects, hours, money, time reports, invoices and what their lines bill), the
//! change requests a project contact decides, and that nothing of another client or workspace
//! is reachable (404) while no cost, rate card or internal figure ever reaches a contact.
use crate::invoicing::{billable_client, draft_body, post, put};
use mesure_domain::ProjectId;
use mesure_testkit::{Tenant, TestApp, backends, spawn_app};
use serde_json::json;

/// A contact of `client` with a portal login in `role`; a signed-in web client.
async fn contact(
    t: &TestApp,
    a: &Tenant,
    client: uuid::Uuid,
    role: &str,
    email: &str,
) -> reqwest::Client {
    crate::portal_walk::contact(t, a, client, role, email)
        .await
        .1
}

async fn status(t: &TestApp, web: &reqwest::Client, path: &str) -> u16 {
    web.get(format!("{}{path}", t.url))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Another organisation of the same workspace with an issued invoice and a project.
pub(crate) async fn other_client(
    t: &TestApp,
    a: &Tenant,
    name: &str,
) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    let tok = &a.owner.token;
    let (s, b) = put(t, tok, "/invoicing/settings", crate::invoicing::seller()).await;
    assert_eq!(s, 200, "{b}");
    let (s, c) = post(
        t,
        tok,
        "/clients",
        json!({"name": name, "legal_name": format!("{name} SA"), "siren": "552100554", "billing_address": "2 rue Neuve"}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let id: uuid::Uuid = c["id"].as_str().unwrap().parse().unwrap();
    let (s, b) = put(
        t,
        tok,
        &format!("/clients/{id}/billing"),
        json!({"postcode": "69002", "city": "Lyon", "country": "FR"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (doc, _) = crate::invoicing::manual_draft(t, a.ws, id).await;
    let (s, b) = post(t, tok, &format!("/invoices/{doc}/issue"), json!({})).await;
    assert_eq!(s, 200, "{b}");
    let p = crate::time::project(
        t,
        &a.owner.ctx,
        id,
        &format!("Projet {name}"),
        "time_materials",
    )
    .await;
    (id, doc, p)
}

#[tokio::test]
async fn each_contact_sees_its_own_organisation_as_its_role_allows() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Portail").await;
        let tok = a.owner.token.clone();
        // Client X: 165 approved minutes at 100/h on its project, invoiced.
        let (x, p, _) = billable_client(&t, &a, "Client Portail", &[90, 30, 45]).await;
        let (s, d) = post(&t, &tok, "/invoices", draft_body(x)).await;
        assert_eq!(s, 201, "{d}");
        let doc = d["id"].as_str().unwrap().to_string();
        let (s, _) = post(&t, &tok, &format!("/invoices/{doc}/issue"), json!({})).await;
        assert_eq!(s, 200);
        // A deliverable kept off the portal, a sent change request and a draft one.
        let hidden = mesure_services::projects::add_deliverable(
            &t.app,
            &a.owner.ctx,
            ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::DeliverableForm {
                name: "Refonte interne secrète".into(),
                estimate_hours: "4".into(),
                owner_id: None,
                status: None,
            },
        )
        .await
        .unwrap()
        .id;
        mesure_services::projects::add_deliverable(
            &t.app,
            &a.owner.ctx,
            ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::DeliverableForm {
                name: "Maquettes".into(),
                estimate_hours: "6".into(),
                owner_id: None,
                status: None,
            },
        )
        .await
        .unwrap();
        mesure_services::portal::settings::set_deliverable_visible(
            &t.app,
            &a.owner.ctx,
            hidden,
            false,
        )
        .await
        .unwrap();
        let sent = mesure_services::projects::add_change(
            &t.app,
            &a.owner.ctx,
            ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::ChangeForm {
                title: "Module de réservation".into(),
                description: Some("Ajout d'un module".into()),
                extra_hours: "10".into(),
                price: "1200".into(),
                status: Some("sent".into()),
            },
        )
        .await
        .unwrap()
        .id;
        mesure_services::projects::add_change(
            &t.app,
            &a.owner.ctx,
            ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::ChangeForm {
                title: "Idée interne".into(),
                description: None,
                extra_hours: "3".into(),
                price: "300".into(),
                status: None,
            },
        )
        .await
        .unwrap();
        let (y, ydoc, yp) = other_client(&t, &a, "Voisin").await;
        let b = t.tenant("Autre Agence").await;
        let (z, zdoc, zp) = other_client(&t, &b, "Lointain").await;
        let _ = (y, z);

        let billing = contact(&t, &a, x, "billing", "compta@portail.example.org").await;
        let project = contact(&t, &a, x, "project", "chef@portail.example.org").await;
        let viewer = contact(&t, &a, x, "viewer", "lecteur@portail.example.org").await;
        let neighbour = contact(&t, &a, y, "project", "chef@voisin.example.org").await;

        // What each role may open of its own organisation.
        let own = [
            format!("/portal/projects/{p}"),
            format!("/portal/projects/{p}/time?from=2026-03-01&to=2026-03-31"),
            "/portal/invoices".to_string(),
            format!("/portal/invoices/{doc}"),
            format!("/portal/invoices/{doc}/pdf"),
        ];
        let allowed = [
            (&billing, [403, 403, 200, 200, 200]),
            (&project, [200, 200, 403, 403, 403]),
            (&viewer, [200, 403, 403, 403, 403]),
        ];
        for (web, want) in allowed {
            for (path, code) in own.iter().zip(want) {
                assert_eq!(status(&t, web, path).await, code, "{backend:?} {path}");
            }
        }
        let made_up = format!("/portal/projects/{}", uuid::Uuid::now_v7());
        let r = billing
            .get(format!("{}{made_up}", t.url))
            .send()
            .await
            .unwrap();
        let code = r.status().as_u16();
        assert_eq!(code, 403, "{}", r.text().await.unwrap());
        // Another client's or workspace's records are 404 to every role that may see such
        // records at all, exactly like a missing id.
        for web in [&billing, &project, &viewer] {
            for path in [
                format!("/portal/projects/{yp}"),
                format!("/portal/projects/{zp}"),
                format!("/portal/invoices/{ydoc}"),
                format!("/portal/invoices/{zdoc}"),
                format!("/portal/invoices/{zdoc}/pdf"),
                format!("/portal/projects/{}", uuid::Uuid::now_v7()),
            ] {
                let s = status(&t, web, &path).await;
                assert!(s == 404 || s == 403, "{backend:?} {path}: {s}");
                if std::ptr::eq(web, &billing) && path.starts_with("/portal/invoices") {
                    assert_eq!(s, 404, "{path}");
                }
                if std::ptr::eq(web, &project) && path.starts_with("/portal/projects") {
                    assert_eq!(s, 404, "{path}");
                }
            }
        }
        assert_eq!(
            status(&t, &neighbour, &format!("/portal/projects/{p}")).await,
            404
        );

        // The project contact: hours and money, the visible deliverable only, the sent change
        // request (never the draft), the time report with notes; never a rate or a cost.
        let page = t.text(&project, &format!("/portal/projects/{p}")).await;
        assert!(
            page.contains("Maquettes") && !page.contains("Refonte interne secrète"),
            "{page}"
        );
        assert!(page.contains("Module de réservation") && !page.contains("Idée interne"));
        let price = page
            .split("portal-changes")
            .nth(1)
            .unwrap_or("")
            .to_string();
        assert!(
            price.contains("200,00"),
            "the price, for a project contact: {price}"
        );
        let viewer_page = t.text(&viewer, &format!("/portal/projects/{p}")).await;
        assert!(
            viewer_page.contains("Module de réservation") && !viewer_page.contains("200,00"),
            "no money for a viewer"
        );
        assert!(
            !viewer_page.contains("portal/change-requests"),
            "a viewer cannot decide"
        );
        let report = t
            .text(
                &project,
                &format!("/portal/projects/{p}/time?from=2026-03-01&to=2026-03-31"),
            )
            .await;
        assert!(
            report.contains("2:45") || report.contains("2 h 45"),
            "{report}"
        );
        for secret in ["100,00", "coût", "Coût", "marge", "Marge"] {
            assert!(!report.contains(secret), "{secret} in the time report");
        }
        // The billing contact: the invoice and the entries its lines bill.
        let inv = t.text(&billing, &format!("/portal/invoices/{doc}")).await;
        assert!(
            inv.contains("F20") && inv.contains("invoice-lines"),
            "{inv}"
        );
        assert!(
            inv.contains("1:30") || inv.contains("1 h 30"),
            "the 90-minute entry: {inv}"
        );

        // The project contact approves the sent change request: recorded with who, the budget
        // grows; deciding twice is refused; a viewer cannot decide.
        let csrf = t.csrf(&project, &format!("/portal/projects/{p}")).await;
        let r = project
            .post(format!("{}/portal/change-requests/{sent}/decision", t.url))
            .form(&[("_csrf", csrf.as_str()), ("decision", "approve")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let page = t.text(&project, &format!("/portal/projects/{p}")).await;
        assert!(page.contains("Contact project"), "who decided: {page}");
        let r = project
            .post(format!("{}/portal/change-requests/{sent}/decision", t.url))
            .form(&[("_csrf", csrf.as_str()), ("decision", "reject")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let vcsrf = t.csrf(&viewer, "/portal").await;
        let r = viewer
            .post(format!("{}/portal/change-requests/{sent}/decision", t.url))
            .form(&[("_csrf", vcsrf.as_str()), ("decision", "approve")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let ch = mesure_services::projects::changes(&t.app, &a.owner.ctx, ProjectId::from_uuid(p))
            .await
            .unwrap();
        let approved = ch.iter().find(|c| c.id == sent).unwrap();
        assert_eq!(approved.status.as_str(), "approved");
        assert!(approved.decided_by.is_some() && approved.decided_on.is_some());
        // The manager and owners are told.
        let (s, n) = crate::invoicing::get(&t, &tok, "/notifications").await;
        assert_eq!(s, 200, "{n}");
        assert!(n.to_string().contains("change_approved"), "{n}");
    }
}

/// Posts a form with the session's CSRF token taken from `from`.
pub(crate) async fn form(
    t: &TestApp,
    web: &reqwest::Client,
    from: &str,
    to: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = t.csrf(web, from).await;
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    web.post(format!("{}{to}", t.url))
        .form(&all)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_question_on_an_invoice_line_is_answered_timed_and_resolved_by_a_credit_note() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Questions").await;
        let tok = a.owner.token.clone();
        let (x, p, _) = billable_client(&t, &a, "Client Questions", &[90, 30]).await;
        let (s, d) = post(&t, &tok, "/invoices", draft_body(x)).await;
        assert_eq!(s, 201, "{d}");
        let doc = d["id"].as_str().unwrap().to_string();
        let line = d["lines"][0]["id"].as_str().unwrap().to_string();
        let (s, _) = post(&t, &tok, &format!("/invoices/{doc}/issue"), json!({})).await;
        assert_eq!(s, 200);
        let (y, ydoc, _) = other_client(&t, &a, "Voisin Questions").await;
        let billing = contact(&t, &a, x, "billing", "compta@questions.example.org").await;
        let project = contact(&t, &a, x, "project", "chef@questions.example.org").await;
        let neighbour = contact(&t, &a, y, "billing", "compta@voisin-q.example.org").await;
        let page = format!("/portal/invoices/{doc}");

        // Bad input: an empty question, an unknown subject, another client's invoice.
        let r = form(
            &t,
            &billing,
            &page,
            "/portal/questions",
            &[("subject", &format!("invoice:{doc}")), ("body", "  ")],
        )
        .await;
        assert_eq!(r.status(), 422);
        let r = form(
            &t,
            &billing,
            &page,
            "/portal/questions",
            &[("subject", "colour:1"), ("body", "?")],
        )
        .await;
        assert_eq!(r.status(), 422);
        let r = form(
            &t,
            &billing,
            &page,
            "/portal/questions",
            &[
                ("subject", &format!("invoice:{ydoc}")),
                ("body", "Et celle-ci ?"),
            ],
        )
        .await;
        assert_eq!(r.status(), 404);
        let long = "x".repeat(5_001);
        let r = form(
            &t,
            &billing,
            &page,
            "/portal/questions",
            &[("subject", &format!("invoice:{doc}")), ("body", &long)],
        )
        .await;
        assert_eq!(r.status(), 422);
        let none = mesure_services::portal::questions::latest(&t.app, &a.owner.ctx, 10)
            .await
            .unwrap();
        assert!(none.is_empty(), "refused questions leave nothing");

        // The billing contact asks about a line.
        let r = form(
            &t,
            &billing,
            &page,
            "/portal/questions",
            &[
                ("subject", &format!("invoice_line:{doc}:{line}")),
                ("body", "Pourquoi 1 h 30 le 9 mars ?"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let qid: uuid::Uuid = to
            .trim_start_matches("/portal/questions/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let thread = t.text(&billing, &format!("/portal/questions/{qid}")).await;
        assert!(thread.contains("Pourquoi 1 h 30 le 9 mars ?"), "{thread}");
        // Nobody else of the portal reaches it: a project contact (not a billing question) and
        // another client's contact alike.
        assert_eq!(
            status(&t, &project, &format!("/portal/questions/{qid}")).await,
            404
        );
        assert_eq!(
            status(&t, &neighbour, &format!("/portal/questions/{qid}")).await,
            404
        );
        let r = form(
            &t,
            &neighbour,
            "/portal",
            &format!("/portal/questions/{qid}/reply"),
            &[("body", "Intrus")],
        )
        .await;
        assert_eq!(r.status(), 404);
        let b = t.tenant("Autre Agence Q").await;
        let other = t.client();
        t.login(&other, &b.owner.email, mesure_testkit::PASSWORD)
            .await;
        assert_eq!(status(&t, &other, &format!("/questions/{qid}")).await, 404);

        // Staff see it on the list and on the invoice, and answer: the first response is timed
        // in business minutes and the question is answered.
        let staff = t.client();
        t.login(&staff, &a.manager.email, mesure_testkit::PASSWORD)
            .await;
        assert!(
            t.text(&staff, "/questions")
                .await
                .contains(&format!("/questions/{qid}"))
        );
        assert!(
            t.text(&staff, &format!("/invoices/{doc}"))
                .await
                .contains(&format!("/questions/{qid}"))
        );
        // On the client's page and its radar: open, with the client's question KPIs (one
        // question on its one invoice: 1.00 per invoice, 100 % questioned); not on the
        // neighbour's.
        for path in [format!("/clients/{x}"), format!("/radar/clients/{x}")] {
            let html = t.text(&staff, &path).await;
            let part = html
                .split("data-testid=\"client-questions\"")
                .nth(1)
                .unwrap_or_default();
            assert!(
                part.contains(&format!("/questions/{qid}"))
                    && part.contains("1,00")
                    && part.contains("100 %"),
                "{backend:?} {path}: {part}"
            );
        }
        let html = t.text(&staff, &format!("/clients/{y}")).await;
        assert!(!html.contains(&format!("/questions/{qid}")));
        // The workspace's KPIs over any period: two invoices issued this week (one questioned),
        // none in January 2025; a period ending before it starts is refused with its reason.
        let kpis = |html: String| {
            html.split("class=\"cards\"")
                .nth(1)
                .unwrap_or_default()
                .split("</div></div></div>")
                .next()
                .unwrap_or_default()
                .to_string()
        };
        let today = mesure_store::ts(t.clock_now())
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let week = kpis(
            t.text(
                &staff,
                &format!(
                    "/questions?period=custom&from={}&to={}",
                    today.checked_sub(jiff::Span::new().days(7)).unwrap(),
                    today.tomorrow().unwrap()
                ),
            )
            .await,
        );
        assert!(week.contains("50 %"), "{backend:?} {week}");
        let empty = kpis(
            t.text(
                &staff,
                "/questions?period=custom&from=2025-01-01&to=2025-01-31",
            )
            .await,
        );
        assert!(!empty.contains('%'), "{backend:?} no data: {empty}");
        let bad = t
            .text(
                &staff,
                "/questions?period=custom&from=2026-03-31&to=2026-03-01",
            )
            .await;
        assert!(bad.contains("error-summary"), "{backend:?}");
        let r = form(
            &t,
            &staff,
            &format!("/questions/{qid}"),
            &format!("/questions/{qid}/reply"),
            &[("body", "Réunion de cadrage du 9 mars.")],
        )
        .await;
        assert_eq!(r.status(), 303);
        let q = mesure_store::portal::questions::get(
            &mut t.app.db.read().await.unwrap().conn(),
            a.ws,
            qid,
        )
        .await
        .unwrap();
        assert_eq!(q.status.as_str(), "answered");
        assert!(q.first_response_minutes.is_some() && q.first_response_at.is_some());
        // The contact's reply reopens it.
        let r = form(
            &t,
            &billing,
            &format!("/portal/questions/{qid}"),
            &format!("/portal/questions/{qid}/reply"),
            &[("body", "Merci, mais le tarif ?")],
        )
        .await;
        assert_eq!(r.status(), 303);
        let q = mesure_store::portal::questions::get(
            &mut t.app.db.read().await.unwrap().conn(),
            a.ws,
            qid,
        )
        .await
        .unwrap();
        assert_eq!(q.status.as_str(), "open");

        // Resolved by a credit note of this invoice; a credit note of another invoice is refused.
        let (s, cn) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": doc, "reason": "wrong_rate", "net_minor": 1000}),
        )
        .await;
        assert_eq!(s, 201, "{cn}");
        let cn = cn["id"].as_str().unwrap().to_string();
        let (s, ycn) = post(
            &t,
            &tok,
            "/credit-notes",
            json!({"invoice_id": ydoc.to_string(), "reason": "commercial", "net_minor": 100}),
        )
        .await;
        assert_eq!(s, 201, "{ycn}");
        let ycn = ycn["id"].as_str().unwrap().to_string();
        let r = form(
            &t,
            &staff,
            &format!("/questions/{qid}"),
            &format!("/questions/{qid}/resolve"),
            &[("credit_note_id", &ycn)],
        )
        .await;
        assert_eq!(r.status(), 422);
        let r = form(
            &t,
            &staff,
            &format!("/questions/{qid}"),
            &format!("/questions/{qid}/resolve"),
            &[("credit_note_id", &cn)],
        )
        .await;
        assert_eq!(r.status(), 303);
        let q = mesure_store::portal::questions::get(
            &mut t.app.db.read().await.unwrap().conn(),
            a.ws,
            qid,
        )
        .await
        .unwrap();
        assert_eq!(q.status.as_str(), "resolved");
        assert_eq!(q.credit_note_id.map(|c| c.to_string()), Some(cn));

        // KPIs: two invoices issued (X's and the neighbour's), one question, one questioned.
        let today = mesure_services::portal::today(&t.app, &a.owner.ctx);
        let k = mesure_services::portal::questions::kpis(
            &t.app,
            &a.owner.ctx,
            None,
            today - 10_000,
            today,
        )
        .await
        .unwrap();
        assert_eq!(
            (k.invoices, k.questions, k.invoices_questioned),
            (2, 1, 1),
            "{k:?}"
        );
        assert!(k.median_first_response.is_some());
        let k = mesure_services::portal::questions::kpis(
            &t.app,
            &a.owner.ctx,
            Some(x),
            today - 10_000,
            today,
        )
        .await
        .unwrap();
        assert_eq!(k.share_questioned_pct(), Some(100));
        let _ = p;
    }
}

#[tokio::test]
async fn the_business_calendar_is_set_in_settings_and_counts_first_responses() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Calendrier").await;
        let owner = t.client();
        t.login(&owner, &a.owner.email, mesure_testkit::PASSWORD)
            .await;
        let page = t.text(&owner, "/settings/calendar").await;
        assert!(
            page.contains("calendar-default") && page.contains("09:00-12:30, 14:00-18:00"),
            "{backend:?}: the French office week until one is saved"
        );
        // Every bad field named, nothing saved.
        let r = form(
            &t,
            &owner,
            "/settings/calendar",
            "/settings/calendar",
            &[
                ("time_zone", "Mars/Olympus"),
                ("week_mon", "08:00-12:00"),
                ("week_tue", "12:00-08:00"),
                ("week_wed", "9h-17h"),
                ("week_thu", "09:00-12:00, 11:00-13:00"),
                ("days_off", "2026-03-10\n10/03/2026"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for field in ["time_zone", "week_tue", "week_wed", "week_thu", "days_off"] {
            assert!(
                html.contains(&format!("f-{field}-error")),
                "{backend:?} {field}"
            );
        }
        assert!(html.contains("9h-17h"), "what was typed stays");
        assert!(
            t.text(&owner, "/settings/calendar")
                .await
                .contains("calendar-default")
        );
        // Monday to Friday 08:00–12:00 in Paris, holidays worked, 10 March off.
        let mut fields = vec![("time_zone", "Europe/Paris"), ("days_off", "2026-03-10")];
        for d in ["week_mon", "week_tue", "week_wed", "week_thu", "week_fri"] {
            fields.push((d, "08:00-12:00"));
        }
        let r = form(
            &t,
            &owner,
            "/settings/calendar",
            "/settings/calendar",
            &fields,
        )
        .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let page = t.text(&owner, "/settings/calendar").await;
        assert!(page.contains("08:00-12:00") && !page.contains("calendar-default"));
        assert!(!page.contains("name=\"french_holidays\" checked"));
        let cal = {
            let mut c = t.app.db.read().await.unwrap();
            mesure_services::portal::questions::calendar(&mut c.conn(), a.ws, "UTC")
                .await
                .unwrap()
        };
        // Monday 9 March 10:00 to Wednesday 11 March 10:00 (Paris): 2 h on Monday, Tuesday
        // off, 2 h on Wednesday.
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(
            cal.business_minutes(at("2026-03-09T09:00:00Z"), at("2026-03-11T09:00:00Z")),
            240
        );
        // Audited, readable in both languages; staff may not open it.
        let audit = t.text(&owner, "/audit").await;
        assert!(
            audit.contains("calendrier ouvré") || audit.contains("business calendar"),
            "{backend:?}: {audit}"
        );
        let staff = t.client();
        t.login(&staff, &a.staff.email, mesure_testkit::PASSWORD)
            .await;
        let r = staff
            .get(format!("{}/settings/calendar", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}
