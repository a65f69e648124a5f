//! Issue 8, first points: redirects only to this site's own paths (never another origin, never a
//! 500 on control characters), and a client referred to by projects cannot be deleted (409).
use crate::time::{log, project};
use mesure_testkit::{backends, spawn_app};

#[tokio::test]
async fn redirects_stay_on_this_site_and_never_fail() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Redirections").await;
        let bad = [
            "/\t/evil.test",
            "//evil.test",
            "/\\evil.test",
            "\\\\evil.test",
            "https://evil.test/",
            "/x\r\nSet-Cookie: a=1",
            "/x\0",
        ];
        // After sign-in: a bad `next` lands on the dashboard.
        for next in bad {
            let c = t.client();
            let page = t.text(&c, "/login").await;
            let csrf = mesure_testkit::hidden(&page, "_csrf").unwrap();
            let r = c
                .post(format!("{}/login", t.url))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("email", a.owner.email.as_str()),
                    ("password", mesure_testkit::PASSWORD),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap();
            if next.chars().any(mesure_domain::text::is_forbidden_control) {
                // Control characters are refused before the form is read (input guard): 422,
                // and no session was opened.
                assert_eq!(r.status(), 422, "{next:?}");
                let r = c.get(format!("{}/dashboard", t.url)).send().await.unwrap();
                assert_eq!(r.status(), 303, "{next:?}");
                continue;
            }
            assert_eq!(r.status(), 303, "{next:?}");
            assert_eq!(r.headers()["location"], "/dashboard", "{next:?}");
        }
        // A good one is kept, percent-encoded where it is not plain ASCII.
        let c = t.client();
        let page = t.text(&c, "/login").await;
        let csrf = mesure_testkit::hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/login", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", a.owner.email.as_str()),
                ("password", mesure_testkit::PASSWORD),
                ("next", "/clients?q=é"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/clients?q=%C3%A9");
        // The language switch, signed in.
        let csrf = t.csrf(&c, "/dashboard").await;
        for back in bad {
            let r = c
                .post(format!("{}/lang", t.url))
                .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("back", back)])
                .send()
                .await
                .unwrap();
            let expected = if back.chars().any(mesure_domain::text::is_forbidden_control) {
                422
            } else {
                303
            };
            assert_eq!(r.status(), expected, "{back:?}");
            if expected == 303 {
                assert_eq!(r.headers()["location"], "/", "{back:?}");
            }
        }
        // A write-off's way back, and a deleted entry's week.
        let cl = t.client_named(&a.owner.ctx, "Client Retour").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Retour", "time_materials").await;
        let e = log(&t, &a.owner.ctx, p, "2026-03-02", 60).await;
        let r = c
            .post(format!("{}/time/entries/{e}/write-off", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("reason", "goodwill"),
                ("back", "/\\evil.test"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/time/entries"),
            "{:?}",
            r.headers()["location"]
        );
        let e2 = log(&t, &a.owner.ctx, p, "2026-03-03", 30).await;
        let r = c
            .post(format!("{}/time/entries/{e2}/delete", t.url))
            .form(&[("_csrf", csrf.as_str()), ("week", "2026-03-02\r\nX: y")])
            .send()
            .await
            .unwrap();
        // CR and LF are allowed in text (notes), so this one reaches the handler.
        assert_eq!(r.status(), 303);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/time"),
            "{:?}",
            r.headers()["location"]
        );
    }
}

#[tokio::test]
async fn a_client_with_projects_is_not_deleted() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Suppression").await;
        let cl = t.client_named(&a.owner.ctx, "Client Gardé").await;
        project(&t, &a.owner.ctx, cl, "Projet", "fixed_fee").await;
        let r = t
            .client()
            .delete(t.api(&format!("/clients/{cl}")))
            .bearer_auth(&a.owner.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("projects") || body.contains("projets"),
            "{body}"
        );
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        let csrf = t.csrf(&c, "/dashboard").await;
        let r = c
            .post(format!("{}/clients/{cl}/delete", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("Ce client a des projets"));
        // Still there, and its page offers no delete button.
        let page = t.text(&c, &format!("/clients/{cl}")).await;
        assert!(page.contains("Client Gardé"));
        assert!(!page.contains(&format!("/clients/{cl}/delete")));
    }
}

/// Point 9: staff see hours, never amounts, in the API as on their pages: project rates, prices,
/// fees, budgets, milestone amounts, change-request prices, entry rates and their own cost.
#[tokio::test]
async fn staff_see_no_money_through_the_api() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Montants").await;
        let cl = t.client_named(&a.owner.ctx, "Client Montants").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Montants", "retainer").await;
        let get = |path: String, token: String| {
            let c = t.client();
            let url = t.api(&path);
            async move {
                let r = c.get(url).bearer_auth(token).send().await.unwrap();
                assert_eq!(r.status(), 200, "{path}");
                r.json::<serde_json::Value>().await.unwrap()
            }
        };
        let owner = a.owner.token.clone();
        let r = t
            .client()
            .post(t.api(&format!("/projects/{p}/milestones")))
            .bearer_auth(&owner)
            .json(&serde_json::json!({"name": "J", "amount": "1500", "due_on": "2026-05-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let r = t
            .client()
            .post(t.api(&format!("/projects/{p}/change-requests")))
            .bearer_auth(&owner)
            .json(&serde_json::json!({"title": "C", "extra_hours": "2", "price": "300", "status": "sent"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        log(&t, &a.staff.ctx, p, "2026-03-02", 60).await;
        let path = format!("/projects/{p}");
        let o = get(path.clone(), owner.clone()).await;
        let s = get(path.clone(), a.staff.token.clone()).await;
        for f in ["hourly_rate", "retainer_fee", "fixed_price"] {
            assert!(!o[f].is_null(), "owner {path} {f}: {o}");
            assert!(s[f].is_null(), "staff {path} {f}: {s}");
        }
        let list = get("/projects".into(), a.staff.token.clone()).await;
        assert!(list["items"][0]["hourly_rate"].is_null(), "{list}");
        let m = get(format!("/projects/{p}/milestones"), a.staff.token.clone()).await;
        assert!(m[0]["amount"].is_null(), "{m}");
        assert!(
            !get(format!("/projects/{p}/milestones"), owner.clone()).await[0]["amount"].is_null()
        );
        let c = get(
            format!("/projects/{p}/change-requests"),
            a.staff.token.clone(),
        )
        .await;
        assert!(c[0]["price"].is_null(), "{c}");
        assert_eq!(c[0]["extra_hours"], "2.00");
        let e = get("/time-entries".into(), a.staff.token.clone()).await;
        assert!(
            e["items"][0]["rate"].is_null() && e["items"][0]["cost_rate"].is_null(),
            "{e}"
        );
        let body = serde_json::to_string(&list).unwrap();
        assert!(!body.contains("100.00"), "{body}");
    }
}

/// Issue 9 §5: money is absent from the views services return to readers who may not see it
/// (`ProjectsAction::ReadMoney`), so no page can show it by mistake: the project page a staff
/// member reads has no change-request price, milestone amount or money budget (the page showed
/// them before), and the service views carry none.
#[tokio::test]
async fn money_is_absent_from_views_for_readers_without_it() {
    use mesure_domain::{ClientId, ProjectId};
    use mesure_services::{projects as svc, radar};
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Vues").await;
        let cl = t.client_named(&a.owner.ctx, "Client Vues").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Vues", "fixed_fee").await;
        let pid = ProjectId::from_uuid(p);
        let ms = svc::MilestoneForm {
            name: "Jalon".into(),
            amount: "1234.56".into(),
            due_on: "2026-05-01".into(),
        };
        svc::add_milestone(&t.app, &a.owner.ctx, pid, &ms)
            .await
            .unwrap();
        let change = mesure_domain::projects::forms::ChangeForm {
            title: "Ajout".into(),
            extra_hours: "2".into(),
            price: "987.65".into(),
            status: Some("sent".into()),
            ..Default::default()
        };
        svc::add_change(&t.app, &a.owner.ctx, pid, &change)
            .await
            .unwrap();
        log(&t, &a.staff.ctx, p, "2026-03-02", 90).await;
        let (owner, staff) = (&a.owner.ctx, &a.staff.ctx);
        // The services' views.
        assert!(svc::get(&t.app, owner, pid).await.unwrap().money.is_some());
        assert!(svc::get(&t.app, staff, pid).await.unwrap().money.is_none());
        assert_eq!(
            svc::milestones(&t.app, owner, pid).await.unwrap()[0].amount,
            Some(123_456)
        );
        assert_eq!(
            svc::milestones(&t.app, staff, pid).await.unwrap()[0].amount,
            None
        );
        assert_eq!(
            svc::changes(&t.app, owner, pid).await.unwrap()[0].price,
            Some(98_765)
        );
        assert_eq!(
            svc::changes(&t.app, staff, pid).await.unwrap()[0].price,
            None
        );
        let r = radar::project(&t.app, staff, pid).await.unwrap();
        assert!(r.money.is_none() && r.budget.money.is_none(), "{r:?}");
        assert_eq!(r.hours.minutes, 90);
        assert!(r.changes.iter().all(|c| c.price.is_none()));
        let r = radar::project(&t.app, owner, pid).await.unwrap();
        assert_eq!(r.money.as_ref().map(|m| m.totals.minutes), Some(90));
        assert!(r.budget.money.is_some());
        let hub = radar::client_hub(&t.app, staff, ClientId::from_uuid(cl), 202601, 202701)
            .await
            .unwrap();
        assert!(
            hub.iter()
                .all(|h| h.money.is_none() && h.budget.money.is_none())
        );
        assert_eq!(hub[0].minutes, 90);
        let q = mesure_store::time::EntryQuery {
            limit: 10,
            ..Default::default()
        };
        let (mine, _, _) = mesure_services::time::page(&t.app, staff, q.clone())
            .await
            .unwrap();
        assert!(mine.iter().all(|e| e.money.is_none()));
        let (all, _, _) = mesure_services::time::page(&t.app, owner, q).await.unwrap();
        assert!(all.iter().all(|e| e.money.is_some()));
        // The page, as each reads it.
        let page = |email: String| {
            let t = &t;
            async move {
                let c = t.client();
                t.login(&c, &email, mesure_testkit::PASSWORD).await;
                t.text(&c, &format!("/projects/{p}")).await
            }
        };
        let html = page(a.owner.email.clone()).await;
        for amount in ["1\u{202f}234,56", "987,65", "10\u{202f}000,00"] {
            assert!(html.contains(amount), "owner sees {amount}: {html}");
        }
        let html = page(a.staff.email.clone()).await;
        assert!(html.contains("Jalon") && html.contains("Ajout"), "{html}");
        for amount in ["234,56", "987,65", "10\u{202f}000", "000,00"] {
            assert!(!html.contains(amount), "staff see no {amount}: {html}");
        }
    }
}

/// Low: who may call a route is answered before the body is read — 401 without credentials,
/// 403 without the right, never a 422 listing the body's fields.
#[tokio::test]
async fn authorization_is_answered_before_validation() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Ordre").await;
        for (path, token, expected) in [
            ("/projects", Some(a.staff.token.clone()), 403),
            ("/clients", None, 401),
            ("/rates", Some(a.staff.token.clone()), 403),
            ("/projects", Some(a.manager.token.clone()), 422),
        ] {
            let mut r = t.client().post(t.api(path)).json(&serde_json::json!({}));
            if let Some(tok) = &token {
                r = r.bearer_auth(tok);
            }
            let r = r.send().await.unwrap();
            assert_eq!(r.status(), expected, "{path}");
            let body = r.text().await.unwrap();
            if expected != 422 {
                assert!(!body.contains("\"field\""), "{path}: {body}");
            }
        }
    }
}

/// Low: another person's entry does not exist for staff — 404 on reading, changing and deleting
/// alike (no existence oracle).
#[tokio::test]
async fn another_persons_entry_is_not_found_whatever_the_method() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Oracle").await;
        let cl = t.client_named(&a.owner.ctx, "Client Oracle").await;
        let p = project(&t, &a.owner.ctx, cl, "Projet Oracle", "time_materials").await;
        let e = log(&t, &a.manager.ctx, p, "2026-03-02", 60).await;
        let url = t.api(&format!("/time-entries/{e}"));
        let c = t.client();
        let body =
            serde_json::json!({"project_id": p.to_string(), "date": "2026-03-02", "minutes": 30});
        for r in [
            c.get(&url)
                .bearer_auth(&a.staff.token)
                .send()
                .await
                .unwrap(),
            c.put(&url)
                .bearer_auth(&a.staff.token)
                .json(&body)
                .send()
                .await
                .unwrap(),
            c.delete(&url)
                .bearer_auth(&a.staff.token)
                .send()
                .await
                .unwrap(),
        ] {
            assert_eq!(r.status(), 404);
        }
        let r = c
            .get(&url)
            .bearer_auth(&a.manager.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

/// Low: nothing personal is cached (`no-store` on pages, CSV and API), assets are; a signed-out
/// language switch needs the login pages' CSRF token.
#[tokio::test]
async fn no_store_and_a_protected_signed_out_language_switch() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Cache").await;
        let c = t.client();
        t.login(&c, &a.owner.email, mesure_testkit::PASSWORD).await;
        for path in ["/dashboard", "/clients.csv", "/time.csv", "/login"] {
            let r = c.get(format!("{}{path}", t.url)).send().await.unwrap();
            assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        }
        let r = t
            .client()
            .get(t.api("/clients"))
            .bearer_auth(&a.owner.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store");
        let r = c
            .get(format!("{}/assets/mesure.css", t.url))
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age")
        );
        // Signed out: without the token, refused; with the login page's, switched.
        let anon = t.client();
        let r = anon
            .post(format!("{}/lang", t.url))
            .form(&[("lang", "en"), ("back", "/login")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let page = t.text(&anon, "/login").await;
        let csrf = mesure_testkit::hidden(&page, "_csrf").unwrap();
        let r = anon
            .post(format!("{}/lang", t.url))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("back", "/login")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(t.text(&anon, "/login").await.contains("<html lang=\"en\""));
    }
}

/// Low: staff-only records refuse a portal login's id; dates outside 2000–2099 are refused;
/// invisible characters are dropped from names and look-alike words refused.
#[tokio::test]
async fn contacts_dates_and_look_alikes_are_refused() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Sosies").await;
        let tok = a.owner.token.as_str();
        let cl = t.client_named(&a.owner.ctx, "Boulangerie Dupain").await;
        let contact = mesure_services::clients::contacts::create(
            &t.app,
            &a.owner.ctx,
            mesure_domain::ClientId::from_uuid(cl),
            &mesure_domain::clients::ContactForm {
                first_name: "Anne".into(),
                last_name: "Dupont".into(),
                email: Some("anne@dupain.example.org".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (login, _) = mesure_services::clients::contacts::grant_portal(
            &t.app,
            &a.owner.ctx,
            mesure_domain::ContactId::from_uuid(contact.id),
        )
        .await
        .unwrap();
        let send = |m: reqwest::Method, path: String, body: serde_json::Value| {
            let r = t
                .client()
                .request(m, t.api(&path))
                .bearer_auth(tok)
                .json(&body);
            async move {
                let r = r.send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, b) = send(
            reqwest::Method::POST,
            "/rates".into(),
            serde_json::json!({"user_id": login.id.to_string(), "rate": "90", "valid_from": "2026-01-01"}),
        )
        .await;
        assert_eq!(s, 422, "{b}");
        let (s, _) = send(
            reqwest::Method::PUT,
            format!("/people/{}/capacity", login.id),
            serde_json::json!({"weekly_hours": "35"}),
        )
        .await;
        assert_eq!(s, 404);
        let p = project(&t, &a.owner.ctx, cl, "Projet Dates", "fixed_fee").await;
        for day in ["0000-01-01", "9999-12-31", "1999-12-31"] {
            let (s, b) = send(
                reqwest::Method::POST,
                format!("/projects/{p}/milestones"),
                serde_json::json!({"name": "J", "amount": "10", "due_on": day}),
            )
            .await;
            assert_eq!(s, 422, "{day}: {b}");
            let (s, _) = send(
                reqwest::Method::PUT,
                format!("/people/{}/leave", a.staff.id),
                serde_json::json!({"day": day, "hours": "7"}),
            )
            .await;
            assert_eq!(s, 422, "{day}");
        }
        // A Cyrillic а in the real name's place is refused; invisible characters are dropped,
        // so a zero-width twin is the same name (409 as any duplicate).
        let (s, b) = send(
            reqwest::Method::POST,
            "/clients".into(),
            serde_json::json!({"name": "Boulangerie Dup\u{0430}in"}),
        )
        .await;
        assert_eq!(s, 422, "{b}");
        let (s, b) = send(
            reqwest::Method::POST,
            "/clients".into(),
            serde_json::json!({"name": "Boulangerie\u{00A0}Dupain\u{200B}"}),
        )
        .await;
        assert_eq!(s, 409, "{b}");
        let (s, b) = send(
            reqwest::Method::POST,
            "/clients".into(),
            serde_json::json!({"name": "\u{202E}Boulangerie Dupain"}),
        )
        .await;
        assert_eq!(s, 409, "{b}");
    }
}

/// The clock-moving route of the browser journeys exists only on a server started with
/// `MESURE_TEST_CLOCK`: a server as run in production answers 404 and its clock stays put.
#[tokio::test]
async fn the_test_clock_route_is_absent_from_a_normal_server() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let before = t.app.now();
        for q in ["advance=86400", "at=2030-01-01T00:00:00Z"] {
            let r = t
                .client()
                .post(format!("{}/test/clock?{q}", t.url))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{q}");
        }
        assert!(
            t.app.now() - before < 60 * 1_000_000,
            "the clock did not move"
        );
    }
}
