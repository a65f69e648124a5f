//! The clients and contacts API: CRUD, validation, conflicts, pagination, audit.
use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::{Value, json};

async fn post(t: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = t
        .app_client()
        .post(t.api(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn get(t: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let r = t
        .app_client()
        .get(t.api(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

trait Client {
    fn app_client(&self) -> reqwest::Client;
}
impl Client for TestApp {
    fn app_client(&self) -> reqwest::Client {
        self.client()
    }
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn client_crud_validation_and_conflicts() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Crud").await;
        let tok = &ten.manager.token;
        let (s, c) = post(&t, tok, "/clients", json!({"name": "Boulangerie Martin", "siren": "732 829 320", "vat_number": "FR44732829320", "segment": "Commerce"})).await;
        assert_eq!(s, 201, "{c}");
        assert_eq!(c["siren"], "732829320");
        assert_eq!(c["currency"], "EUR");
        assert_eq!(c["time_zone"], "Europe/Paris");
        assert_eq!(c["version"], 1);
        assert!(c["created_at"].as_str().unwrap().ends_with('Z'));
        let id = c["id"].as_str().unwrap().to_string();

        // Every bad field is named, with a message in the caller's language.
        let r = t.client().post(t.api("/clients")).bearer_auth(tok).header("accept-language", "en")
            .json(&json!({"name": "", "siren": "123456789", "currency": "EURO", "time_zone": "Mars/Olympus", "vat_number": "FR00"}))
            .send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(
            fields(&p),
            vec!["name", "siren", "vat_number", "currency", "time_zone"]
        );
        // The problem speaks the user's language (French for this user), whatever the header.
        assert_eq!(p["errors"][0]["message"], "Ce champ est obligatoire.");
        assert_eq!(p["status"], 422);

        // Unknown fields are refused, naming the field.
        let (s, p) = post(&t, tok, "/clients", json!({"name": "X", "colour": "blue"})).await;
        assert_eq!(s, 422);
        assert_eq!(fields(&p), vec!["colour"]);
        // Wrong types and missing fields name the field too.
        let (s, p) = post(&t, tok, "/clients", json!({"legal_name": "X"})).await;
        assert_eq!((s, fields(&p)), (422, vec!["name".to_string()]));
        // A body must be an object; a wrong type names its field.
        let (s, _) = post(&t, tok, "/clients", json!(["Boulangerie"])).await;
        assert_eq!(s, 422);
        let (s, p) = post(&t, tok, "/clients", json!({"name": 42})).await;
        assert_eq!((s, fields(&p)), (422, vec!["name".to_string()]));
        // Not JSON, malformed JSON, too large.
        let r = t
            .client()
            .post(t.api("/clients"))
            .bearer_auth(tok)
            .body("name=x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415);
        let r = t
            .client()
            .post(t.api("/clients"))
            .bearer_auth(tok)
            .header("content-type", "application/json")
            .body("{\"name\":")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let big = json!({"name": "Big", "notes": "x".repeat(2 * 1024 * 1024)});
        let r = t
            .client()
            .post(t.api("/clients"))
            .bearer_auth(tok)
            .json(&big)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413);

        // Duplicate names conflict, case-insensitively.
        let (s, p) = post(&t, tok, "/clients", json!({"name": "boulangerie MARTIN"})).await;
        assert_eq!(s, 409);
        assert_eq!(p["detail"], "Un client porte déjà ce nom.");

        // Replace with a stale version: 409 and nothing changed.
        let r = t
            .client()
            .put(t.api(&format!("/clients/{id}")))
            .bearer_auth(tok)
            .json(&json!({"name": "Boulangerie Martin & Fils", "version": 7}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let (_, c) = get(&t, tok, &format!("/clients/{id}")).await;
        assert_eq!(c["name"], "Boulangerie Martin");
        let r = t
            .client()
            .put(t.api(&format!("/clients/{id}")))
            .bearer_auth(tok)
            .json(
                &json!({"name": "Boulangerie Martin & Fils", "version": 1, "segment": "Artisanat"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let c: Value = r.json().await.unwrap();
        assert_eq!(
            (
                c["name"].as_str(),
                c["version"].as_i64(),
                c["siren"].is_null()
            ),
            (Some("Boulangerie Martin & Fils"), Some(2), true)
        );

        // A failed request changed nothing: still one client.
        let (_, page) = get(&t, tok, "/clients").await;
        assert_eq!(page["total"], 1);

        // Contacts: a client with contacts cannot be deleted, only archived.
        let (s, ct) = post(&t, tok, &format!("/clients/{id}/contacts"), json!({"first_name": "Anne", "last_name": "Dupont", "email": "Anne@Exemple.FR", "contact_role": "billing"})).await;
        assert_eq!(s, 201, "{ct}");
        assert_eq!(ct["email"], "anne@exemple.fr");
        let (s, p) = post(
            &t,
            tok,
            &format!("/clients/{id}/contacts"),
            json!({"first_name": "", "last_name": "B", "phone": "abc", "contact_role": "boss"}),
        )
        .await;
        assert_eq!(
            (s, fields(&p)),
            (
                422,
                vec![
                    "first_name".to_string(),
                    "phone".into(),
                    "contact_role".into()
                ]
            )
        );
        let r = t
            .client()
            .delete(t.api(&format!("/clients/{id}")))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let (s, c) = post(&t, tok, &format!("/clients/{id}/archive"), json!({})).await;
        assert_eq!((s, c["archived"].as_bool()), (200, Some(true)));
        let (_, page) = get(&t, tok, "/clients").await;
        assert_eq!(page["total"], 0, "archived clients are hidden by default");
        let (_, page) = get(&t, tok, "/clients?status=archived").await;
        assert_eq!(page["total"], 1);
        let (s, _) = post(&t, tok, &format!("/clients/{id}/unarchive"), json!({})).await;
        assert_eq!(s, 200);

        // A client without contacts can be deleted.
        let (_, other) = post(&t, tok, "/clients", json!({"name": "Éphémère"})).await;
        let oid = other["id"].as_str().unwrap();
        let r = t
            .client()
            .delete(t.api(&format!("/clients/{oid}")))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let (s, _) = get(&t, tok, &format!("/clients/{oid}")).await;
        assert_eq!(s, 404);
        let (s, _) = get(&t, tok, "/clients/not-a-uuid").await;
        assert_eq!(s, 404);

        // Every write is in the audit log with before and after.
        let (_, log) = get(
            &t,
            &ten.owner.token,
            &format!("/audit?entity_type=client&entity_id={id}"),
        )
        .await;
        let actions: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["unarchive", "archive", "update", "create"]);
        let update = &log["items"][2];
        assert_eq!(update["before"]["name"], "Boulangerie Martin");
        assert_eq!(update["after"]["name"], "Boulangerie Martin & Fils");
        assert_eq!(update["actor_id"], ten.manager.id.to_string());
        let (_, deleted) = get(
            &t,
            &ten.owner.token,
            &format!("/audit?entity_id={oid}&action=delete"),
        )
        .await;
        assert_eq!(deleted["items"][0]["before"]["name"], "Éphémère");
        assert!(deleted["items"][0]["after"].is_null());
    }
}

#[tokio::test]
async fn list_search_sort_and_cursor_pages() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Liste").await;
        mesure_services::demo::seed_bulk(&t.app, ten.ws, 130, 10)
            .await
            .unwrap();
        let tok = &ten.staff.token;
        let mut seen = vec![];
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/clients?limit=50&cursor={c}"),
                None => "/clients?limit=50".to_string(),
            };
            let (s, page) = get(&t, tok, &path).await;
            assert_eq!(s, 200);
            assert_eq!(page["total"], 130);
            for item in page["items"].as_array().unwrap() {
                seen.push(item["name"].as_str().unwrap().to_lowercase());
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 130);
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(
            seen, sorted,
            "pages follow the name order without gaps or repeats"
        );
        // Descending by creation.
        let (_, page) = get(&t, tok, "/clients?sort=-created&limit=2").await;
        let names: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert!(
            names[0].ends_with(" 129") && names[1].ends_with(" 128"),
            "{names:?}"
        );
        // Search is case-insensitive and treats % and _ literally.
        let (_, page) = get(&t, tok, "/clients?q=STUDIO").await;
        assert!(page["total"].as_i64().unwrap() > 0);
        assert!(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["name"].as_str().unwrap().contains("Studio"))
        );
        let (_, page) = get(&t, tok, "/clients?q=%25").await;
        assert_eq!(page["total"], 0);
        // Bad parameters are named.
        let (s, p) = get(&t, tok, "/clients?limit=0&cursor=zzz").await;
        assert_eq!(
            (s, fields(&p)),
            (422, vec!["limit".to_string(), "cursor".into()])
        );
        let (s, p) = get(&t, tok, "/clients?sort=colour").await;
        assert_eq!((s, fields(&p)), (422, vec!["sort".to_string()]));
        // Contacts search.
        let (_, page) = get(&t, tok, "/contacts?q=7@example.fr").await;
        assert_eq!(page["total"], 1);
    }
}

#[tokio::test]
async fn csv_exports_follow_the_filters() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Csv").await;
        let c = t.client();
        mesure_testkit::TestApp::login(&t, &c, &ten.staff.email, mesure_testkit::PASSWORD).await;
        for (name, seg) in [("Alpha \"quoted\", Inc", "Santé"), ("Beta", "Commerce")] {
            post(
                &t,
                &ten.owner.token,
                "/clients",
                json!({"name": name, "segment": seg}),
            )
            .await;
        }
        let r = c
            .get(format!("{}/clients.csv?segment=Sant%C3%A9", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("clients.csv")
        );
        let body = r.text().await.unwrap();
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines.len(), 2, "{body}");
        // The French dialect (the reader is French): BOM, `;`, French column names.
        assert!(
            lines[0].starts_with("\u{feff}id;nom;raison sociale"),
            "{body}"
        );
        assert!(lines[1].contains("Alpha \"\"quoted\"\", Inc"), "{body}");
    }
}

#[tokio::test]
async fn new_clients_take_the_workspace_defaults() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let ten = t.tenant("Agence Genève").await;
        let r = t.client().put(t.api("/workspace")).bearer_auth(&ten.owner.token)
            .json(&json!({"name": "Agence Genève", "currency": "chf", "time_zone": "Europe/Zurich", "language": "en"}))
            .send().await.unwrap();
        let w: Value = r.json().await.unwrap();
        assert_eq!(
            (
                w["currency"].as_str(),
                w["time_zone"].as_str(),
                w["language"].as_str()
            ),
            (Some("CHF"), Some("Europe/Zurich"), Some("en"))
        );
        let (s, c) = post(
            &t,
            &ten.manager.token,
            "/clients",
            json!({"name": "Horlogerie"}),
        )
        .await;
        assert_eq!(s, 201);
        assert_eq!(
            (
                c["currency"].as_str(),
                c["time_zone"].as_str(),
                c["language"].as_str()
            ),
            (Some("CHF"), Some("Europe/Zurich"), Some("en"))
        );
        // An explicit value wins; a bad one is named.
        let (_, c) = post(
            &t,
            &ten.manager.token,
            "/clients",
            json!({"name": "Export", "currency": "USD"}),
        )
        .await;
        assert_eq!(c["currency"], "USD");
        let r = t
            .client()
            .put(t.api("/workspace"))
            .bearer_auth(&ten.owner.token)
            .json(&json!({"name": "", "time_zone": "Europe/Atlantis"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(fields(&p), vec!["name", "time_zone"]);
        // The manager may not change the workspace.
        let r = t
            .client()
            .put(t.api("/workspace"))
            .bearer_auth(&ten.manager.token)
            .json(&json!({"name": "X"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}
