//! Tenant and role matrix: for every route of the OpenAPI document, each role, a client contact,
//! a user of another workspace and an anonymous caller get exactly what the permission table says.
use mesure_domain::{Action, ClientId, ContactId, ContactRole, Principal, Role};
use mesure_services::audit::Actor;
use mesure_testkit::{PASSWORD, TestApp, backends, spawn_app};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Owner,
    Manager,
    Staff,
    Contact,
    OtherWorkspace,
    Anonymous,
}

const EVERYONE: [Who; 6] = [
    Who::Owner,
    Who::Manager,
    Who::Staff,
    Who::Contact,
    Who::OtherWorkspace,
    Who::Anonymous,
];

fn principal(w: Who) -> Option<Principal> {
    match w {
        Who::Owner | Who::OtherWorkspace => Some(Principal::Staff(Role::Owner)),
        Who::Manager => Some(Principal::Staff(Role::Manager)),
        Who::Staff => Some(Principal::Staff(Role::Staff)),
        Who::Contact => Some(Principal::Contact(ContactRole::Billing)),
        Who::Anonymous => None,
    }
}

/// What a route needs: the action, whether it names an entity of workspace A, the success status.
fn rule(method: &str, path: &str) -> Option<(Option<Action>, bool, u16)> {
    use Action::*;
    let r = match (method, path) {
        ("get", "/api/v1/openapi.json") => (None, false, 200),
        ("get", "/api/v1/me") => (Some(ManageOwnAccount), false, 200),
        ("get", "/api/v1/workspace") => (Some(ViewDashboard), false, 200),
        ("put", "/api/v1/workspace") => (Some(ManageWorkspace), false, 200),
        ("get", "/api/v1/users") => (Some(ReadUsers), false, 200),
        ("put", "/api/v1/users/{id}") => (Some(ManageUsers), true, 200),
        ("get", "/api/v1/audit") => (Some(ReadAudit), false, 200),
        ("get", "/api/v1/jobs") => (Some(ReadJobs), false, 200),
        ("get", "/api/v1/clients") => (Some(ReadClients), false, 200),
        ("post", "/api/v1/clients") => (Some(WriteClients), false, 201),
        ("get", "/api/v1/clients/{id}") => (Some(ReadClients), true, 200),
        ("put", "/api/v1/clients/{id}") => (Some(WriteClients), true, 200),
        ("delete", "/api/v1/clients/{id}") => (Some(WriteClients), true, 204),
        ("post", "/api/v1/clients/{id}/archive") => (Some(WriteClients), true, 200),
        ("post", "/api/v1/clients/{id}/unarchive") => (Some(WriteClients), true, 200),
        ("get", "/api/v1/clients/{id}/contacts") => (Some(ReadContacts), true, 200),
        ("post", "/api/v1/clients/{id}/contacts") => (Some(WriteContacts), true, 201),
        ("get", "/api/v1/contacts") => (Some(ReadContacts), false, 200),
        ("get", "/api/v1/contacts/{id}") => (Some(ReadContacts), true, 200),
        ("put", "/api/v1/contacts/{id}") => (Some(WriteContacts), true, 200),
        ("post", "/api/v1/contacts/{id}/archive") => (Some(WriteContacts), true, 200),
        ("post", "/api/v1/contacts/{id}/unarchive") => (Some(WriteContacts), true, 200),
        _ => return None,
    };
    Some(r)
}

struct Fixture {
    user_a: String,
    client_a: String,
    contact_a: String,
    tokens: Vec<(Who, Option<String>)>,
}

async fn fixture(t: &TestApp) -> Fixture {
    let a = t.tenant("Agence Alpha").await;
    let b = t.tenant("Agence Beta").await;
    let client = mesure_services::clients::create(
        &t.app,
        &a.owner.ctx,
        &mesure_domain::clients::ClientForm {
            name: "Client A".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let contact = mesure_services::contacts::create(
        &t.app,
        &a.owner.ctx,
        ClientId::from_uuid(client.id),
        &mesure_domain::clients::ContactForm {
            first_name: "Paul".into(),
            last_name: "Portail".into(),
            email: Some("paul@client-a.example.org".into()),
            contact_role: Some("billing".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let target = mesure_services::contacts::create(
        &t.app,
        &a.owner.ctx,
        ClientId::from_uuid(client.id),
        &mesure_domain::clients::ContactForm {
            first_name: "Cible".into(),
            last_name: "Contact".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (login, _password) = mesure_services::contacts::grant_portal(
        &t.app,
        &a.owner.ctx,
        ContactId::from_uuid(contact.id),
    )
    .await
    .unwrap();
    let contact_token = mesure_services::auth::create_token(
        &t.app,
        a.ws,
        login.id,
        "portal",
        &Actor::system("test"),
    )
    .await
    .unwrap();
    Fixture {
        user_a: a.staff.id.to_string(),
        client_a: client.id.to_string(),
        contact_a: target.id.to_string(),
        tokens: vec![
            (Who::Owner, Some(a.owner.token.clone())),
            (Who::Manager, Some(a.manager.token.clone())),
            (Who::Staff, Some(a.staff.token.clone())),
            (Who::Contact, Some(contact_token.secret)),
            (Who::OtherWorkspace, Some(b.owner.token.clone())),
            (Who::Anonymous, None),
        ],
    }
}

/// A valid body for each writing route.
fn body(method: &str, path: &str, n: usize) -> Option<Value> {
    match (method, path) {
        ("post", "/api/v1/clients") => Some(json!({"name": format!("Nouveau {n}")})),
        ("put", "/api/v1/clients/{id}") => Some(json!({"name": "Client A"})),
        ("post", "/api/v1/clients/{id}/contacts") => {
            Some(json!({"first_name": "Zoé", "last_name": format!("Z{n}")}))
        }
        ("put", "/api/v1/contacts/{id}") => {
            Some(json!({"first_name": "Cible", "last_name": "Contact"}))
        }
        ("put", "/api/v1/workspace") => Some(json!({"name": "Renamed"})),
        ("put", "/api/v1/users/{id}") => Some(json!({"role": "staff", "active": true})),
        _ => None,
    }
}

#[tokio::test]
async fn every_api_route_answers_as_the_permission_table_says() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let f = fixture(&t).await;
        let doc: Value = t
            .client()
            .get(t.api("/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "OpenAPI 3.1"
        );
        let mut checked = 0;
        let mut n = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in ["get", "post", "put", "delete", "patch"] {
                if item.get(method).is_none() {
                    continue;
                }
                let (action, names_entity, ok) = rule(method, path)
                    .unwrap_or_else(|| panic!("no rule for {method} {path}: add it to the matrix"));
                for who in EVERYONE {
                    n += 1;
                    // DELETE works on a fresh, unreferenced client of workspace A each time.
                    let target = if method == "delete" {
                        let owner = &f.tokens[0].1;
                        let r: Value = t
                            .client()
                            .post(t.api("/clients"))
                            .bearer_auth(owner.as_ref().unwrap())
                            .json(&json!({"name": format!("Jetable {n}")}))
                            .send()
                            .await
                            .unwrap()
                            .json()
                            .await
                            .unwrap();
                        r["id"].as_str().unwrap().to_string()
                    } else if path.starts_with("/api/v1/users/{id}") {
                        f.user_a.clone()
                    } else if path.starts_with("/api/v1/contacts/{id}") {
                        f.contact_a.clone()
                    } else {
                        f.client_a.clone()
                    };
                    let url = t.api(&path.replace("{id}", &target).replacen("/api/v1", "", 1));
                    let mut req = t
                        .client()
                        .request(method.to_uppercase().parse().unwrap(), &url);
                    if let Some(b) = body(method, path, n) {
                        req = req.json(&b);
                    }
                    let token = f.tokens.iter().find(|(w, _)| *w == who).unwrap().1.clone();
                    if let Some(tok) = &token {
                        req = req.bearer_auth(tok);
                    }
                    let status = req.send().await.unwrap().status().as_u16();
                    let expected = match (action, principal(who)) {
                        (None, _) => ok,
                        (Some(_), None) => 401,
                        // A contact sees their own organisation's client record (the portal's basis).
                        (Some(Action::ReadClients), Some(Principal::Contact(_)))
                            if path == "/api/v1/clients/{id}" =>
                        {
                            ok
                        }
                        (Some(a), Some(p)) if !p.may(a) => 403,
                        (Some(_), Some(_)) if who == Who::OtherWorkspace && names_entity => 404,
                        _ => ok,
                    };
                    assert_eq!(
                        status,
                        expected,
                        "{backend:?} {who:?} {} {path}",
                        method.to_uppercase()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 22 * 6, "checked {checked}");
        // Lists never leak another workspace's rows.
        let other = &f.tokens[4].1.clone().unwrap();
        let page: Value = t
            .client()
            .get(t.api("/clients?status=all"))
            .bearer_auth(other)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| !c["name"].as_str().unwrap().starts_with("Client A"))
        );
        let log: Value = t
            .client()
            .get(t.api("/audit?limit=200"))
            .bearer_auth(other)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            log["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["entity_id"] != f.client_a.as_str())
        );
        // Revoked tokens stop working at once.
        let owner = &f.tokens[0].1.clone().unwrap();
        assert_eq!(
            t.client()
                .get(t.api("/me"))
                .bearer_auth("mes_forged")
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        let me: Value = t
            .client()
            .get(t.api("/me"))
            .bearer_auth(owner)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "owner");
    }
}

#[tokio::test]
async fn pages_answer_as_the_permission_table_says() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Pages").await;
        let b = t.tenant("Agence Autre").await;
        let client = mesure_services::clients::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::clients::ClientForm {
                name: "Client P".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let id = client.id;
        let pages = [
            ("/dashboard", Action::ViewDashboard, false),
            ("/clients", Action::ReadClients, false),
            ("/clients/new", Action::WriteClients, false),
            ("/contacts", Action::ReadContacts, false),
            ("/audit", Action::ReadAudit, false),
            ("/settings/workspace", Action::ManageWorkspace, false),
            ("/settings/users", Action::ReadUsers, false),
            ("/settings/jobs", Action::ReadJobs, false),
            ("/settings/tokens", Action::ManageOwnAccount, false),
            ("/clients/{id}", Action::ReadClients, true),
            ("/clients/{id}/edit", Action::WriteClients, true),
        ];
        for (who, person) in [
            (Role::Owner, &a.owner),
            (Role::Manager, &a.manager),
            (Role::Staff, &a.staff),
        ] {
            let c = t.client();
            assert_eq!(t.login(&c, &person.email, PASSWORD).await.status(), 303);
            for (path, action, _) in pages {
                let url = format!("{}{}", t.url, path.replace("{id}", &id.to_string()));
                let status = c.get(&url).send().await.unwrap().status().as_u16();
                let allowed = Principal::Staff(who).may(action);
                let expected = if path == "/dashboard" || allowed {
                    200
                } else {
                    403
                };
                assert_eq!(status, expected, "{backend:?} {who:?} {path}");
            }
        }
        // Another workspace's owner: the entity pages are 404, exactly like a missing id.
        let c = t.client();
        t.login(&c, &b.owner.email, PASSWORD).await;
        for (path, _, names_entity) in pages {
            if names_entity {
                let url = format!("{}{}", t.url, path.replace("{id}", &id.to_string()));
                assert_eq!(c.get(&url).send().await.unwrap().status(), 404, "{path}");
                let missing = format!(
                    "{}{}",
                    t.url,
                    path.replace("{id}", &uuid::Uuid::now_v7().to_string())
                );
                assert_eq!(
                    c.get(&missing).send().await.unwrap().status(),
                    404,
                    "{path}"
                );
            }
        }
        // Writes by a forbidden role change nothing.
        let c = t.client();
        t.login(&c, &a.staff.email, PASSWORD).await;
        let csrf = t.csrf(&c, "/clients").await;
        let r = c
            .post(format!("{}/clients", t.url))
            .form(&[("_csrf", csrf.as_str()), ("name", "Intrus")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .post(format!("{}/clients/{id}/archive", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (_, _, total) = mesure_services::clients::list(
            &t.app,
            &a.owner.ctx,
            &mesure_store::clients::ListQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(total, 1);
    }
}

#[tokio::test]
async fn a_contact_sees_only_their_portal() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Portail").await;
        let mine = mesure_services::clients::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::clients::ClientForm {
                name: "Ma Société".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let theirs = mesure_services::clients::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::clients::ClientForm {
                name: "Autre Société".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let contact = mesure_services::contacts::create(
            &t.app,
            &a.owner.ctx,
            ClientId::from_uuid(mine.id),
            &mesure_domain::clients::ContactForm {
                first_name: "Léa".into(),
                last_name: "Client".into(),
                email: Some("lea@ma-societe.example.org".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (_, password) = mesure_services::contacts::grant_portal(
            &t.app,
            &a.owner.ctx,
            ContactId::from_uuid(contact.id),
        )
        .await
        .unwrap();
        let c = t.client();
        let r = t.login(&c, "lea@ma-societe.example.org", &password).await;
        assert_eq!(r.headers()["location"], "/portal");
        let portal = c
            .get(format!("{}/portal", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(portal.contains("Ma Société") && !portal.contains("Autre Société"));
        assert!(
            !portal.contains("href=\"/clients\""),
            "no staff navigation in the portal"
        );
        for path in [
            "/clients".to_string(),
            "/contacts".into(),
            "/audit".into(),
            format!("/clients/{}", mine.id),
            format!("/clients/{}", theirs.id),
        ] {
            assert_eq!(
                c.get(format!("{}{path}", t.url))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                403,
                "{path}"
            );
        }
        // Archiving the contact closes the portal at once.
        mesure_services::contacts::set_archived(
            &t.app,
            &a.owner.ctx,
            ContactId::from_uuid(contact.id),
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            c.get(format!("{}/portal", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            303
        );
    }
}
