//! Login, cookies, throttling, CSRF, logout, language negotiation.
use mesure_testkit::{PASSWORD, backends, hidden, spawn_app};

#[tokio::test]
async fn login_sets_a_safe_cookie_and_logout_ends_the_session() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Nord").await;
        let c = t.client();
        // Not signed in: pages redirect to the login with the way back.
        let r = c
            .get(format!("{}/clients?q=x", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?next=/clients%3Fq%3Dx");
        let r = t.login(&c, &ten.owner.email, PASSWORD).await;
        assert_eq!(r.status(), 303, "{backend:?}");
        assert_eq!(r.headers()["location"], "/dashboard");
        let cookie = mesure_testkit::session_set_cookie(&r);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"));
        let dash = c.get(format!("{}/dashboard", t.url)).send().await.unwrap();
        assert_eq!(dash.status(), 200);
        let html = dash.text().await.unwrap();
        assert!(html.contains("Tableau de bord"));
        // Logout needs the CSRF token.
        let r = c
            .post(format!("{}/logout", t.url))
            .form(&[("_csrf", "nope")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let csrf = hidden(&html, "_csrf").unwrap();
        let r = c
            .post(format!("{}/logout", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = c.get(format!("{}/dashboard", t.url)).send().await.unwrap();
        assert_eq!(r.status(), 303);
    }
}

#[tokio::test]
async fn secure_cookie_behind_https() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Sud").await;
        let c = t.client();
        let page = c
            .get(format!("{}/login", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/login", t.url))
            .header("x-forwarded-proto", "https")
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", ten.staff.email.as_str()),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        let cookie = mesure_testkit::session_set_cookie(&r);
        assert!(cookie.contains("; Secure"), "{cookie}");
    }
}

#[tokio::test]
async fn wrong_passwords_are_throttled_with_a_growing_delay() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Est").await;
        let c = t.client();
        for i in 0..5 {
            let r = t.login(&c, &ten.manager.email, "wrong-password").await;
            assert_eq!(r.status(), 401, "attempt {i}");
            let body = r.text().await.unwrap();
            assert!(body.contains("E-mail ou mot de passe incorrect."));
        }
        // Sixth try, even with the right password: refused with a delay.
        let r = t.login(&c, &ten.manager.email, PASSWORD).await;
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "2");
        // Unknown e-mails fail the same way as wrong passwords (no account enumeration).
        let c2 = t.client();
        let r = t
            .login(&c2, "nobody@nowhere.example.org", "whatever-password")
            .await;
        assert_eq!(r.status(), 429, "the address is throttled too");
        // After the delay the right password works.
        t.clock.advance_secs(3);
        let r = t.login(&c, &ten.manager.email, PASSWORD).await;
        assert_eq!(r.status(), 303);
        // The address counter was not reset by the success: one more failure and the delay doubles.
        let r = t
            .login(&t.client(), &ten.owner.email, "wrong-password")
            .await;
        assert_eq!(r.status(), 401);
        let r = t.login(&t.client(), &ten.owner.email, PASSWORD).await;
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "4");
    }
}

#[tokio::test]
async fn login_form_needs_its_csrf_cookie_and_names_empty_fields() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let c = t.client();
        let r = c
            .post(format!("{}/login", t.url))
            .form(&[("_csrf", "forged"), ("email", "a@b.fr"), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let page = c
            .get(format!("{}/login", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/login", t.url))
            .form(&[("_csrf", csrf.as_str()), ("email", ""), ("password", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"email-error\"") && body.contains("id=\"password-error\""));
    }
}

#[tokio::test]
async fn language_follows_user_setting_then_browser() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let c = t.client();
        let en = c
            .get(format!("{}/login", t.url))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(en.contains("<html lang=\"en\">") && en.contains("Sign in"));
        let fr = c
            .get(format!("{}/login", t.url))
            .header("accept-language", "fr-FR")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Connexion"));
        let other = c
            .get(format!("{}/login", t.url))
            .header("accept-language", "de")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            other.contains("<html lang=\"fr\">"),
            "French is the default"
        );
        // A signed-in user's own setting wins over the browser.
        let ten = t.tenant("Agence Ouest").await;
        let p = t
            .person(
                ten.ws,
                "anglo@ouest.example.org",
                mesure_domain::Role::Staff,
                Some("en"),
            )
            .await;
        let c = t.client();
        t.login(&c, &p.email, PASSWORD).await;
        let page = c
            .get(format!("{}/dashboard", t.url))
            .header("accept-language", "fr")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("<html lang=\"en\">") && page.contains("Dashboard"));
        // Switching the language is saved on the user.
        let csrf = hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/lang", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("lang", "fr"),
                ("back", "/clients"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/clients");
        let page = c
            .get(format!("{}/dashboard", t.url))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Tableau de bord"));
        // An open redirect through `back` is refused.
        let csrf = hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/lang", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("lang", "en"),
                ("back", "//evil.example"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/");
    }
}

/// A person who never chose a language follows the browser (cookie, then Accept-Language),
/// then the workspace's; a language picked on the login page is kept after signing in, saved
/// on the user, and only that browser session's pick counts.
#[tokio::test]
async fn a_language_chosen_before_signing_in_is_kept() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Langues").await;
        // No language of their own: the browser's.
        let c = t.client();
        t.login(&c, &ten.staff.email, PASSWORD).await;
        let en = c
            .get(format!("{}/dashboard", t.url))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(en.contains("<html lang=\"en\">"), "{backend:?}");
        let ws = t.text(&c, "/dashboard").await;
        assert!(ws.contains("<html lang=\"fr\">"), "else the workspace's");

        // The owner saved French; on the login page they pick English and sign in.
        let p = t
            .person(
                ten.ws,
                "bilingue@langues.example.org",
                mesure_domain::Role::Manager,
                Some("fr"),
            )
            .await;
        let c = t.client();
        let page = t.text(&c, "/login").await;
        let csrf = hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/lang", t.url))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("back", "/login")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let chosen = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("mesure_lang_chosen=en"))
            .expect("the pick is remembered for the browser session");
        assert!(!chosen.contains("Max-Age"), "{chosen}");
        let r = t.login(&c, &p.email, PASSWORD).await;
        assert_eq!(r.status(), 303);
        assert!(
            r.headers()
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("mesure_lang_chosen=;")),
            "the pick is used once"
        );
        let page = c
            .get(format!("{}/dashboard", t.url))
            .header("accept-language", "fr")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("<html lang=\"en\">") && page.contains("Dashboard"));
        // Saved on the user: another browser, French everywhere, still English.
        let other = t.client();
        t.login(&other, &p.email, PASSWORD).await;
        let page = other
            .get(format!("{}/dashboard", t.url))
            .header("accept-language", "fr")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("<html lang=\"en\">"));
        // Signing in without a pick keeps the saved language: the English language cookie the
        // first browser keeps after signing out is not a pick for the next person.
        let dash = t.text(&c, "/dashboard").await;
        let csrf = hidden(&dash, "_csrf").unwrap();
        let r = c
            .post(format!("{}/logout", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(t.text(&c, "/login").await.contains("<html lang=\"en\">"));
        t.login(&c, &ten.owner.email, PASSWORD).await;
        let mut conn = t.app.db.read().await.unwrap();
        let owner = mesure_store::people::users::get(
            &mut conn.conn(),
            ten.ws,
            mesure_domain::UserId::from_uuid(ten.owner.id),
        )
        .await
        .unwrap();
        assert_eq!(owner.language, None, "nothing saved on the next person");
    }
}

/// A refused login lists its errors in a summary (an alert) that links to each field.
#[tokio::test]
async fn a_refused_login_has_an_error_summary() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Résumé").await;
        let r = t
            .login(&t.client(), &ten.owner.email, "wrong-password")
            .await;
        assert_eq!(r.status(), 401);
        let body = r.text().await.unwrap();
        let summary = body
            .split("class=\"error-summary\" role=\"alert\"")
            .nth(1)
            .expect("an error summary");
        let summary = summary.split("</div>").next().unwrap();
        assert!(
            summary.contains("Certains champs sont à corriger."),
            "{summary}"
        );
        assert!(
            summary.contains("<a href=\"#password\">E-mail ou mot de passe incorrect.</a>"),
            "{summary}"
        );
    }
}

/// The reset link in the newest message of the development outbox.
pub(crate) fn reset_link(outbox: &std::path::Path) -> Option<String> {
    let mut files: Vec<_> = std::fs::read_dir(outbox)
        .ok()?
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|f| std::fs::metadata(f).unwrap().modified().unwrap());
    let text = std::fs::read_to_string(files.last()?)
        .ok()?
        .replace("=\r\n", "")
        .replace("=\n", "");
    let start = text.find("/password/reset/")?;
    Some(
        text[start..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
            .next()?
            .to_string(),
    )
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_emailed_link() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Oubli").await;
        t.run_jobs().await;
        let outbox = t.dir.join("outbox");
        let before = std::fs::read_dir(&outbox).unwrap().count();
        let c = t.client();
        let page = c
            .get(format!("{}/password/forgot", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf").unwrap();
        // Unknown and known addresses get the same answer; only the known one gets a mail.
        for email in ["personne@oubli.example.org", ten.staff.email.as_str()] {
            let r = c
                .post(format!("{}/password/forgot", t.url))
                .form(&[("_csrf", csrf.as_str()), ("email", email)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert!(
                r.text()
                    .await
                    .unwrap()
                    .contains("Si un compte existe pour cette adresse")
            );
        }
        assert_eq!(t.run_jobs().await, 1);
        assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), before + 1);
        let link = reset_link(&outbox).expect("a reset link in the mail");
        // Bad input on the reset form is named; nothing changes.
        let r = c
            .post(format!("{}{link}", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("new_password", "short"),
                ("confirm_password", "other"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("f-new_password-error") && html.contains("f-confirm_password-error"));
        assert_eq!(
            t.login(&t.client(), &ten.staff.email, PASSWORD)
                .await
                .status(),
            303,
            "old password still works"
        );
        let r = c
            .post(format!("{}{link}", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("new_password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/login?notice=password-changed");
        assert_eq!(
            t.login(&t.client(), &ten.staff.email, PASSWORD)
                .await
                .status(),
            401
        );
        assert_eq!(
            t.login(&t.client(), &ten.staff.email, "a-brand-new-password")
                .await
                .status(),
            303
        );
        // The link works once.
        assert_eq!(
            c.get(format!("{}{link}", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // Links expire after an hour.
        c.post(format!("{}/password/forgot", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", ten.owner.email.as_str()),
            ])
            .send()
            .await
            .unwrap();
        t.run_jobs().await;
        let link = reset_link(&outbox).unwrap();
        assert_eq!(
            c.get(format!("{}{link}", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        t.clock.advance_secs(3601);
        assert_eq!(
            c.get(format!("{}{link}", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // Without the CSRF cookie's twin, nothing happens.
        let r = t
            .client()
            .post(format!("{}/password/forgot", t.url))
            .form(&[("_csrf", "forged"), ("email", ten.owner.email.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}

#[tokio::test]
async fn expired_sessions_and_idle_counters_are_purged() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Ménage").await;
        let c = t.client();
        t.login(&c, &ten.staff.email, PASSWORD).await;
        t.login(&t.client(), &ten.owner.email, "wrong-password")
            .await;
        assert_eq!(
            mesure_services::jobs::cleanup(&t.app).await.unwrap(),
            0,
            "nothing is stale yet"
        );
        assert_eq!(
            c.get(format!("{}/dashboard", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        t.clock.advance_secs(15 * 24 * 3600);
        // One session and two counters (account and address) are gone.
        assert_eq!(mesure_services::jobs::cleanup(&t.app).await.unwrap(), 3);
        assert_eq!(
            c.get(format!("{}/dashboard", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            303
        );
    }
}
