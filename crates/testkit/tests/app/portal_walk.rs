//! Isolation proven by a walk (issue 11): three organisations — two clients of one workspace and
//! one of another — each with a project and a sent change request, an issued invoice billing
//! entries, a question and a survey, and a contact in each role. Every portal page route and
//! every portal API route is called by every contact with every other organisation's ids: each
//! answers 404 (403 where the role may not do it at all), never a page, and nothing changes. The
//! contact's own pages and API never show a cost, a rate card or an internal note. Also: a
//! line's entries are paged.
use crate::invoicing::{billable_client, draft_body, post};
use mesure_domain::{ClientId, ContactId, ContactRole, Principal, ProjectId};
use mesure_testkit::{Tenant, TestApp, backends, spawn_app};
use mesure_web::modules::{Access, MODULES};
use serde_json::json;
use uuid::Uuid;

const ROLES: [&str; 3] = ["billing", "project", "viewer"];
const COST: &str = "87,65";
const INTERNAL: &str = "NOTE-INTERNE-CONFIDENTIELLE";

/// What an organisation holds, and its contacts (role, signed-in client).
struct Org {
    client: Uuid,
    project: Uuid,
    change: Uuid,
    invoice: Uuid,
    line: Uuid,
    question: Uuid,
    survey: Uuid,
    /// A ticket the organisation's project contact opened.
    ticket: Uuid,
    contacts: Vec<(&'static str, reqwest::Client)>,
}

/// A contact of `client` with a portal login in `role`: its id and a signed-in web client.
pub(crate) async fn contact(
    t: &TestApp,
    a: &Tenant,
    client: Uuid,
    role: &str,
    email: &str,
) -> (Uuid, reqwest::Client) {
    let c = mesure_services::clients::contacts::create(
        &t.app,
        &a.owner.ctx,
        ClientId::from_uuid(client),
        &mesure_domain::clients::ContactForm {
            first_name: "Contact".into(),
            last_name: role.into(),
            email: Some(email.into()),
            contact_role: Some(role.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (_, password) = mesure_services::clients::contacts::grant_portal(
        &t.app,
        &a.owner.ctx,
        ContactId::from_uuid(c.id),
    )
    .await
    .unwrap();
    let web = t.client();
    assert_eq!(t.login(&web, email, &password).await.status(), 303);
    (c.id, web)
}

/// An organisation named `name` in `a`'s workspace with everything a portal shows.
async fn org(t: &TestApp, a: &Tenant, name: &str, entries: &[i64]) -> Org {
    let tok = &a.owner.token;
    let slug = name.to_lowercase().replace(' ', "-");
    // The first organisation of a workspace bills entries; another one (the entries' week is
    // then approved and locked) bills a manual line.
    let (client, project, invoice, line) = if entries.is_empty() {
        let (client, invoice, project) = crate::portal::other_client(t, a, name).await;
        let v = mesure_services::invoicing::get(&t.app, &a.owner.ctx, invoice)
            .await
            .unwrap();
        (client, project, invoice, v.lines[0].id)
    } else {
        let (client, project, _) = billable_client(t, a, name, entries).await;
        let mut body = draft_body(client);
        body["grouping"] = json!("together");
        let (s, d) = post(t, tok, "/invoices", body).await;
        assert_eq!(s, 201, "{d}");
        let invoice: Uuid = d["id"].as_str().unwrap().parse().unwrap();
        let line: Uuid = d["lines"][0]["id"].as_str().unwrap().parse().unwrap();
        let (s, b) = post(t, tok, &format!("/invoices/{invoice}/issue"), json!({})).await;
        assert_eq!(s, 200, "{b}");
        (client, project, invoice, line)
    };
    // An internal note on the client: it may never reach a contact.
    let cur = mesure_services::clients::get(&t.app, &a.owner.ctx, ClientId::from_uuid(client))
        .await
        .unwrap();
    mesure_services::clients::update(
        &t.app,
        &a.owner.ctx,
        ClientId::from_uuid(client),
        &mesure_domain::clients::ClientForm {
            name: name.into(),
            legal_name: cur.legal_name.clone(),
            siren: cur.siren.clone(),
            billing_address: cur.billing_address.clone(),
            notes: Some(INTERNAL.into()),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let change = mesure_services::projects::add_change(
        &t.app,
        &a.owner.ctx,
        ProjectId::from_uuid(project),
        &mesure_domain::projects::forms::ChangeForm {
            title: format!("Avenant {name}"),
            description: None,
            extra_hours: "4".into(),
            price: "480".into(),
            status: Some("sent".into()),
        },
    )
    .await
    .unwrap()
    .id;
    let mut contacts = Vec::new();
    let mut ids = Vec::new();
    for role in ROLES {
        let (id, web) = contact(t, a, client, role, &format!("{role}@{slug}.example.org")).await;
        ids.push(id);
        contacts.push((role, web));
    }
    // The billing contact asks; every contact is surveyed.
    let billing = &contacts[0].1;
    let r = crate::portal::form(
        t,
        billing,
        &format!("/portal/invoices/{invoice}"),
        "/portal/questions",
        &[
            ("subject", &format!("invoice:{invoice}")),
            ("body", "Une question ?"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let question: Uuid = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/portal/questions/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    mesure_services::nps::save_client(
        &t.app,
        &a.owner.ctx,
        client,
        &mesure_services::nps::ScheduleInput {
            every_months: Some("3".into()),
            next_on: Some("2026-06-01".into()),
            contacts: ids.clone(),
        },
    )
    .await
    .unwrap();
    mesure_services::nps::send_now(&t.app, &a.owner.ctx, client)
        .await
        .unwrap();
    let survey = {
        let mut c = t.app.db.read().await.unwrap();
        mesure_store::nps::of_client(&mut c.conn(), a.ws, client, 10)
            .await
            .unwrap()
            .iter()
            .find(|r| r.contact_id == ids[0])
            .unwrap()
            .id
    };
    let ticket = {
        let r = crate::portal::form(
            t,
            &contacts[1].1,
            "/portal/tickets/new",
            "/portal/tickets/new",
            &[
                ("subject", "Une demande"),
                ("body", "Pouvez-vous m'aider ?"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        r.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/portal/tickets/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    Org {
        ticket,
        client,
        project,
        change,
        invoice,
        line,
        question,
        survey,
        contacts,
    }
}

/// `path` with `{…}` filled with `o`'s ids.
fn fill(path: &str, o: &Org) -> String {
    let id = if path.contains("/projects/") {
        o.project
    } else if path.contains("/change-requests/") {
        o.change
    } else if path.contains("/invoices/") {
        o.invoice
    } else if path.contains("/questions/") {
        o.question
    } else if path.contains("/surveys/") {
        o.survey
    } else if path.contains("/tickets/") {
        o.ticket
    } else {
        Uuid::now_v7()
    };
    path.replace("{id}", &id.to_string())
        .replace("{line}", &o.line.to_string())
}

fn role_of(role: &str) -> Principal {
    Principal::Contact(ContactRole::parse(role).unwrap())
}

#[tokio::test]
async fn no_contact_reaches_another_organisation_by_any_portal_route() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Muraille").await;
        let b = t.tenant("Agence Lointaine").await;
        t.clock.set("2026-04-02T09:00:00Z".parse().unwrap());
        for tenant in [&a, &b] {
            mesure_services::people::costs::add_cost(
                &t.app,
                &tenant.owner.ctx,
                &mesure_services::projects::RateForm {
                    user_id: tenant.staff.id.to_string(),
                    rate: "87.65".into(),
                    valid_from: "2020-01-01".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        let orgs = [
            org(&t, &a, "Client Muraille", &[60, 45]).await,
            org(&t, &a, "Client Voisin", &[]).await,
            org(&t, &b, "Client Lointain", &[90]).await,
        ];
        let api_rules: Vec<(&str, &str, mesure_domain::Action)> = MODULES
            .iter()
            .flat_map(|m| m.api_rules.iter())
            .filter(|r| r.path.starts_with("/api/v1/portal"))
            .map(|r| (r.method, r.path, r.action))
            .collect();
        assert!(api_rules.len() >= 4, "the portal API");
        let page_rules: Vec<(&str, &str, Option<mesure_domain::Action>)> = MODULES
            .iter()
            .flat_map(|m| m.page_rules.iter())
            .filter(|r| r.path.starts_with("/portal"))
            .map(|r| {
                let action = match r.access {
                    Access::May(a) => Some(a),
                    _ => None,
                };
                (r.method, r.path, action)
            })
            .collect();
        assert!(page_rules.len() >= 12, "{} portal pages", page_rules.len());
        let mut walked = 0;
        for (i, me) in orgs.iter().enumerate() {
            for (role, web) in &me.contacts {
                let p = role_of(role);
                let csrf = t.csrf(web, "/portal").await;
                for (j, other) in orgs.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    let routes = page_rules
                        .iter()
                        .copied()
                        .chain(api_rules.iter().map(|(m, path, a)| (*m, *path, Some(*a))));
                    for (method, path, action) in routes {
                        if !path.contains('{') {
                            continue;
                        }
                        let url = format!("{}{}", t.url, fill(path, other));
                        let r = if method == "GET" {
                            web.get(&url).send().await.unwrap()
                        } else if path.starts_with("/api/") {
                            web.post(&url)
                                .header("x-csrf-token", csrf.as_str())
                                .json(&json!({"body": "Intrusion ?"}))
                                .send()
                                .await
                                .unwrap()
                        } else {
                            web.post(&url)
                                .header("x-csrf-token", csrf.as_str())
                                .form(&[
                                    ("_csrf", csrf.as_str()),
                                    ("decision", "approve"),
                                    ("body", "Intrusion ?"),
                                    ("score", "10"),
                                ])
                                .send()
                                .await
                                .unwrap()
                        };
                        let status = r.status().as_u16();
                        let may = action.is_none_or(|a| p.may(a));
                        let want = if may { 404 } else { 403 };
                        assert_eq!(
                            status, want,
                            "{backend:?} {role} of org {i} {method} {path} with org {j}'s ids"
                        );
                        walked += 1;
                    }
                    // Asking about another organisation's invoice, line, project or change
                    // request: 404 (403 for what the role never sees: invoices for project
                    // and viewer contacts, projects for billing contacts).
                    for subject in [
                        format!("invoice:{}", other.invoice),
                        format!("invoice_line:{}:{}", other.invoice, other.line),
                        format!("project:{}", other.project),
                        format!("change_request:{}", other.change),
                    ] {
                        let r = web
                            .post(format!("{}/portal/questions", t.url))
                            .form(&[
                                ("_csrf", csrf.as_str()),
                                ("subject", subject.as_str()),
                                ("body", "Intrusion ?"),
                            ])
                            .send()
                            .await
                            .unwrap();
                        let sees = if subject.starts_with("invoice") {
                            *role == "billing"
                        } else {
                            *role != "billing"
                        };
                        let want = if sees { 404 } else { 403 };
                        assert_eq!(r.status(), want, "{backend:?} {role} asks about {subject}");
                    }
                }
            }
        }
        assert!(walked > 150, "{walked} answers");
        // Nothing changed: every change request still waits, every survey is unanswered, each
        // organisation has its one question.
        for (tenant, o) in [(&a, &orgs[0]), (&a, &orgs[1]), (&b, &orgs[2])] {
            let ch = mesure_services::projects::changes(
                &t.app,
                &tenant.owner.ctx,
                ProjectId::from_uuid(o.project),
            )
            .await
            .unwrap();
            assert!(
                ch.iter().all(|c| c.status.as_str() == "sent"),
                "{backend:?}"
            );
        }
        for (tenant, n) in [(&a, 2), (&b, 1)] {
            let qs = mesure_services::portal::questions::latest(&t.app, &tenant.owner.ctx, 50)
                .await
                .unwrap();
            assert_eq!(qs.len(), n, "{backend:?} questions");
        }
        for (tenant, o) in [(&a, &orgs[0]), (&a, &orgs[1]), (&b, &orgs[2])] {
            let mut c = t.app.db.read().await.unwrap();
            let rows = mesure_store::nps::of_client(&mut c.conn(), tenant.ws, o.client, 10)
                .await
                .unwrap();
            assert!(
                rows.iter().all(|r| r.answered_at.is_none()),
                "{backend:?} surveys"
            );
        }
        // Each contact's own pages and API: what their role allows, and never a cost or an
        // internal note.
        let me = &orgs[0];
        for (role, web) in &me.contacts {
            let p = role_of(role);
            for (method, path, action) in page_rules
                .iter()
                .copied()
                .chain(api_rules.iter().map(|(m, path, a)| (*m, *path, Some(*a))))
            {
                if method != "GET" || path.ends_with("/pdf") || path.ends_with(".pdf") {
                    continue;
                }
                let path = fill(path, me).replace("/time", "/time?from=2026-03-01&to=2026-03-31");
                let r = web.get(format!("{}{path}", t.url)).send().await.unwrap();
                let status = r.status().as_u16();
                let text = r.text().await.unwrap();
                if action.is_some_and(|a| !p.may(a)) {
                    assert_eq!(status, 403, "{backend:?} {role} {path}");
                    continue;
                }
                assert!(
                    status == 200 || status == 404,
                    "{backend:?} {role} {path}: {status}"
                );
                for secret in [COST, "87.65", "8765", INTERNAL] {
                    assert!(
                        !text.contains(secret),
                        "{backend:?} {role} {path} shows {secret}"
                    );
                }
            }
        }
    }
}

async fn json(web: &reqwest::Client, url: String) -> serde_json::Value {
    web.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_line_of_many_entries_opens_on_its_first_twenty_then_pages() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Pages").await;
        let minutes: Vec<i64> = (0..205).map(|k| 5 + k % 3).collect();
        let o = org(&t, &a, "Client Paginé", &minutes).await;
        let billing = &o.contacts[0].1;
        let page = t
            .text(billing, &format!("/portal/invoices/{}", o.invoice))
            .await;
        let more = format!("/portal/invoices/{}/lines/{}", o.invoice, o.line);
        assert!(page.contains(&more) && page.contains("205"), "{backend:?}");
        let shown = page.matches("<tr><td>").count();
        assert!(shown <= 25, "{backend:?}: {shown} rows on the invoice page");
        let first = t.text(billing, &more).await;
        assert_eq!(first.matches("<tr><td>").count(), 200, "{backend:?}");
        let next = first
            .split("href=\"")
            .find_map(|s| {
                s.split_once("\" rel=\"next\"")
                    .map(|(h, _)| h.replace("&amp;", "&"))
            })
            .expect("a next page");
        let second = t.text(billing, &next).await;
        assert_eq!(second.matches("<tr><td>").count(), 5, "{backend:?}");
        assert!(!second.contains("rel=\"next\""));
        // The API pages the same way and agrees on the total.
        let api = format!(
            "/api/v1/portal/invoices/{}/lines/{}/entries",
            o.invoice, o.line
        );
        let r = json(billing, format!("{}{api}", t.url)).await;
        assert_eq!(r["total"], 205);
        assert_eq!(r["items"].as_array().unwrap().len(), 200);
        let cursor = r["next_cursor"].as_str().unwrap().to_string();
        let r = json(billing, format!("{}{api}?cursor={cursor}", t.url)).await;
        assert_eq!(r["items"].as_array().unwrap().len(), 5);
        assert!(r["next_cursor"].is_null());
        let doc = json(
            billing,
            format!("{}/api/v1/portal/invoices/{}", t.url, o.invoice),
        )
        .await;
        assert_eq!(doc["billed_entries"][0]["entries"], 205, "{doc}");
        assert!(
            doc["document"]["lines"][0]["bills"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        // A bad cursor is a named error, a line of nothing 404.
        for (path, want) in [
            (format!("{more}?after=nonsense"), 422),
            (format!("{api}?cursor=nonsense"), 422),
            (
                format!("/portal/invoices/{}/lines/{}", o.invoice, Uuid::now_v7()),
                404,
            ),
        ] {
            let s = billing
                .get(format!("{}{path}", t.url))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(s.as_u16(), want, "{backend:?} {path}");
        }
    }
}
