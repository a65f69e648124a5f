//! Web forms: create and edit through the UI with validation messages next to the field, CSRF,
//! search, audit history on the entity page, tokens shown once.
use mesure_testkit::{PASSWORD, backends, hidden, spawn_app};

#[tokio::test]
async fn create_edit_and_find_a_client_through_the_forms() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Web").await;
        let c = t.client();
        t.login(&c, &ten.manager.email, PASSWORD).await;
        let csrf = t.csrf(&c, "/clients/new").await;
        // Without the CSRF field nothing is created.
        let r = c
            .post(format!("{}/clients", t.url))
            .form(&[("name", "Sans jeton")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Bad fields come back with their message next to them, the typed values kept.
        let r = c
            .post(format!("{}/clients", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Garage Lemoine"),
                ("siren", "123"),
                ("time_zone", "Lune/Base"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"f-siren-error\">SIREN invalide"),
            "{html}"
        );
        assert!(html.contains("id=\"f-time_zone-error\">Fuseau horaire IANA inconnu"));
        assert!(html.contains("value=\"Garage Lemoine\""));
        let r = c
            .post(format!("{}/clients", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Garage Lemoine"),
                ("siren", "732829320"),
                ("segment", "Automobile"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        assert!(location.ends_with("?notice=client-created"));
        let page = c
            .get(format!("{}{location}", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Client créé.") && page.contains("732829320"));
        let id = location
            .trim_start_matches("/clients/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        // Edit with the version read; a second edit with the same, now stale, version is refused.
        let edit = c
            .get(format!("{}/clients/{id}/edit", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let version = hidden(&edit, "version").unwrap();
        let r = c
            .post(format!("{}/clients/{id}", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("name", "Garage Lemoine & Fils"),
                ("segment", "Automobile"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = c
            .post(format!("{}/clients/{id}", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("name", "Écrasé"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("a modifié cet objet entre-temps")
        );
        // The detail page shows the history with the changed field.
        let page = c
            .get(format!("{}/clients/{id}", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Garage Lemoine &amp; Fils")
                || page.contains("Garage Lemoine &#38; Fils")
        );
        assert!(
            page.contains("a modifié le client") && page.contains("<td>Garage Lemoine</td>"),
            "{page}"
        );
        // Search, through the page and the htmx partial alike.
        let list = c
            .get(format!("{}/clients?q=lemoine", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("1 client") && list.contains("Garage Lemoine"));
        let none = c
            .get(format!("{}/clients?q=zzz", t.url))
            .header("hx-request", "true")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(none.contains("0 client") && none.contains("Aucun client ne correspond."));
        // A contact through the form, then portal access with a password shown once.
        let r = c
            .post(format!("{}/clients/{id}/contacts", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("first_name", "Marc"),
                ("last_name", "Lemoine"),
                ("email", "marc@lemoine.example.org"),
                ("contact_role", "billing"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let contact = r.headers()["location"]
            .to_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let r = c
            .post(format!("{}{contact}/portal", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        let html = r.text().await.unwrap();
        let start = html.find("data-testid=\"portal-password\">").unwrap() + 30;
        let password = &html[start..start + 16];
        let portal = t.client();
        assert_eq!(
            t.login(&portal, "marc@lemoine.example.org", password)
                .await
                .headers()["location"],
            "/portal"
        );
    }
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_revocable() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Jetons").await;
        let c = t.client();
        t.login(&c, &ten.staff.email, PASSWORD).await;
        let csrf = t.csrf(&c, "/settings/tokens").await;
        let r = c
            .post(format!("{}/settings/tokens", t.url))
            .form(&[("_csrf", csrf.as_str()), ("name", "")])
            .send()
            .await
            .unwrap();
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Ce champ est obligatoire.")
        );
        let html = c
            .post(format!("{}/settings/tokens", t.url))
            .form(&[("_csrf", csrf.as_str()), ("name", "Zapier")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = html.find("data-testid=\"token-secret\">").unwrap() + 27;
        let secret = html[start..].split('<').next().unwrap().to_string();
        assert!(secret.starts_with("mes_"));
        let me = t
            .client()
            .get(t.api("/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        let list = c
            .get(format!("{}/settings/tokens", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!list.contains(&secret), "the secret is never shown again");
        let row = mesure_services::auth::list_own_tokens(&t.app, &ten.staff.ctx)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Zapier")
            .unwrap();
        let r = c
            .post(format!("{}/settings/tokens/{}/revoke", t.url, row.id))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            t.client()
                .get(t.api("/me"))
                .bearer_auth(&secret)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
    }
}

#[tokio::test]
async fn session_api_calls_need_the_csrf_header_for_writes() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Session").await;
        let c = t.client();
        t.login(&c, &ten.manager.email, PASSWORD).await;
        assert_eq!(c.get(t.api("/clients")).send().await.unwrap().status(), 200);
        let r = c
            .post(t.api("/clients"))
            .json(&serde_json::json!({"name": "Par cookie"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let csrf = t.csrf(&c, "/clients").await;
        let r = c
            .post(t.api("/clients"))
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({"name": "Par cookie"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
}

#[tokio::test]
async fn owners_change_roles_and_deactivate_users() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Équipe").await;
        let put = |token: String, id: uuid::Uuid, body: serde_json::Value| {
            let c = t.client();
            let url = t.api(&format!("/users/{id}"));
            async move {
                c.put(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        // The manager becomes staff: the permission table follows at once.
        let r = put(
            ten.owner.token.clone(),
            ten.manager.id,
            serde_json::json!({"role": "staff"}),
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            t.client()
                .post(t.api("/clients"))
                .bearer_auth(&ten.manager.token)
                .json(&serde_json::json!({"name": "X"}))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        // Nobody demotes or deactivates themself.
        let r = put(
            ten.owner.token.clone(),
            ten.owner.id,
            serde_json::json!({"active": false}),
        )
        .await;
        assert_eq!(r.status(), 409);
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            p["detail"],
            "Vous ne pouvez pas changer votre propre rôle ni vous désactiver."
        );
        assert_eq!(
            put(
                ten.owner.token.clone(),
                ten.staff.id,
                serde_json::json!({"role": "admin"})
            )
            .await
            .status(),
            422
        );
        // Deactivation ends the session and the tokens of the person at once.
        let c = t.client();
        t.login(&c, &ten.staff.email, PASSWORD).await;
        assert_eq!(
            c.get(format!("{}/dashboard", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        // Through the owner's page this time.
        let o = t.client();
        let r = t.login(&o, &ten.owner.email, PASSWORD).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let csrf = t.csrf(&o, "/settings/users").await;
        let r = o
            .post(format!("{}/settings/users/{}", t.url, ten.staff.id))
            .form(&[("_csrf", csrf.as_str()), ("role", "staff")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/settings/users?notice=user-saved");
        assert_eq!(
            c.get(format!("{}/dashboard", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            303
        );
        assert_eq!(
            t.client()
                .get(t.api("/me"))
                .bearer_auth(&ten.staff.token)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        assert_eq!(
            t.login(&t.client(), &ten.staff.email, PASSWORD)
                .await
                .status(),
            401
        );
        let page = o
            .get(format!("{}/settings/users?notice=user-saved", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Utilisateur enregistré.") && page.contains("class=\"archived\""));
        // The audit log has the before and after.
        let log: serde_json::Value = t
            .client()
            .get(t.api(&format!("/audit?entity_id={}", ten.staff.id)))
            .bearer_auth(&ten.owner.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(log["items"][0]["before"]["active"], true);
        assert_eq!(log["items"][0]["after"]["active"], false);
    }
}
