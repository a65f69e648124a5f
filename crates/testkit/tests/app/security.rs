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
