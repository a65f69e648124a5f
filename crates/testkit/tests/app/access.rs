//! Tenant and role matrix: for every route of the OpenAPI document, each role, a client contact,
//! a user of another workspace and an anonymous caller get exactly what the permission table says.
use mesure_domain::{
    Action, AuditAction, ClientsAction, DashboardAction, DeskAction, InvoicingAction, NpsAction,
    PeopleAction, PortalAction, ProjectsAction, RadarAction, SettingsAction, TimeAction,
};
use mesure_domain::{ClientId, ContactId, ContactRole, Principal, ProjectId, Role, UserId};
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

/// What another workspace's caller gets on a route: what anyone allowed gets, 404 when the path
/// names an entity of workspace A, 422 when the body refers to one (a field naming a missing id).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Other {
    Same,
    NotFound,
    Invalid,
}

/// What a route needs: the action, what another workspace gets, the success status.
fn rule(method: &str, path: &str) -> Option<(Option<Action>, Other, u16)> {
    use Other::*;
    let r = match (method, path) {
        ("get", "/api/v1/openapi.json") => (None, Same, 200),
        ("get", "/api/v1/me") => (Some(PeopleAction::ManageOwnAccount.into()), Same, 200),
        ("get", "/api/v1/workspace") => (Some(DashboardAction::View.into()), Same, 200),
        ("put", "/api/v1/workspace") => (Some(SettingsAction::ManageWorkspace.into()), Same, 200),
        ("get", "/api/v1/users") => (Some(PeopleAction::ReadUsers.into()), Same, 200),
        ("put", "/api/v1/users/{id}") => (Some(PeopleAction::ManageUsers.into()), NotFound, 200),
        // The target has an e-mail already: past the gate, the invitation is refused (409).
        ("post", "/api/v1/users/{id}/invite") => {
            (Some(PeopleAction::ManageUsers.into()), NotFound, 409)
        }
        ("get", "/api/v1/audit") => (Some(AuditAction::Read.into()), Same, 200),
        ("get", "/api/v1/jobs") => (Some(SettingsAction::ReadJobs.into()), Same, 200),
        ("get", "/api/v1/clients") => (Some(ClientsAction::Read.into()), Same, 200),
        ("post", "/api/v1/clients") => (Some(ClientsAction::Write.into()), Same, 201),
        ("get", "/api/v1/clients/{id}") => (Some(ClientsAction::Read.into()), NotFound, 200),
        ("put", "/api/v1/clients/{id}") => (Some(ClientsAction::Write.into()), NotFound, 200),
        ("delete", "/api/v1/clients/{id}") => (Some(ClientsAction::Write.into()), NotFound, 204),
        ("post", "/api/v1/clients/{id}/archive") => {
            (Some(ClientsAction::Write.into()), NotFound, 200)
        }
        ("post", "/api/v1/clients/{id}/unarchive") => {
            (Some(ClientsAction::Write.into()), NotFound, 200)
        }
        ("get", "/api/v1/clients/{id}/contacts") => {
            (Some(ClientsAction::ReadContacts.into()), NotFound, 200)
        }
        ("post", "/api/v1/clients/{id}/contacts") => {
            (Some(ClientsAction::WriteContacts.into()), NotFound, 201)
        }
        ("get", "/api/v1/contacts") => (Some(ClientsAction::ReadContacts.into()), Same, 200),
        ("get", "/api/v1/contacts/{id}") => {
            (Some(ClientsAction::ReadContacts.into()), NotFound, 200)
        }
        ("put", "/api/v1/contacts/{id}") => {
            (Some(ClientsAction::WriteContacts.into()), NotFound, 200)
        }
        ("post", "/api/v1/contacts/{id}/archive") => {
            (Some(ClientsAction::WriteContacts.into()), NotFound, 200)
        }
        ("post", "/api/v1/contacts/{id}/unarchive") => {
            (Some(ClientsAction::WriteContacts.into()), NotFound, 200)
        }
        ("get", "/api/v1/clients/{id}/radar") => (Some(RadarAction::View.into()), NotFound, 200),
        ("get", "/api/v1/projects") => (Some(ProjectsAction::Read.into()), Same, 200),
        ("post", "/api/v1/projects") => (Some(ProjectsAction::Write.into()), Invalid, 201),
        ("get", "/api/v1/projects/{id}") => (Some(ProjectsAction::Read.into()), NotFound, 200),
        ("put", "/api/v1/projects/{id}") => (Some(ProjectsAction::Write.into()), NotFound, 200),
        ("post", "/api/v1/projects/{id}/archive") => {
            (Some(ProjectsAction::Write.into()), NotFound, 200)
        }
        ("post", "/api/v1/projects/{id}/unarchive") => {
            (Some(ProjectsAction::Write.into()), NotFound, 200)
        }
        ("get", "/api/v1/projects/{id}/deliverables") => {
            (Some(ProjectsAction::Read.into()), NotFound, 200)
        }
        ("post", "/api/v1/projects/{id}/deliverables") => {
            (Some(ProjectsAction::Write.into()), NotFound, 201)
        }
        ("put", "/api/v1/deliverables/{id}") => (Some(ProjectsAction::Write.into()), NotFound, 200),
        ("get", "/api/v1/projects/{id}/milestones") => {
            (Some(ProjectsAction::Read.into()), NotFound, 200)
        }
        ("post", "/api/v1/projects/{id}/milestones") => {
            (Some(ProjectsAction::Write.into()), NotFound, 201)
        }
        ("put", "/api/v1/milestones/{id}/reached") => {
            (Some(ProjectsAction::Write.into()), NotFound, 204)
        }
        ("get", "/api/v1/projects/{id}/change-requests") => {
            (Some(ProjectsAction::Read.into()), NotFound, 200)
        }
        ("post", "/api/v1/projects/{id}/change-requests") => {
            (Some(ProjectsAction::Write.into()), NotFound, 201)
        }
        ("post", "/api/v1/change-requests/{id}/decision") => {
            (Some(ProjectsAction::Write.into()), NotFound, 200)
        }
        ("get", "/api/v1/projects/{id}/radar") => (Some(RadarAction::View.into()), NotFound, 200),
        ("get", "/api/v1/rates") => (Some(ProjectsAction::Write.into()), Same, 200),
        ("post", "/api/v1/rates") => (Some(ProjectsAction::Write.into()), Invalid, 201),
        ("post", "/api/v1/cost-rates") => (Some(ProjectsAction::Write.into()), Invalid, 201),
        ("get", "/api/v1/time-entries") => (Some(TimeAction::Log.into()), Same, 200),
        ("post", "/api/v1/time-entries") => (Some(TimeAction::Log.into()), Invalid, 201),
        ("get", "/api/v1/time-entries/{id}") => (Some(TimeAction::Log.into()), NotFound, 200),
        ("put", "/api/v1/time-entries/{id}") => (Some(TimeAction::Log.into()), NotFound, 200),
        ("delete", "/api/v1/time-entries/{id}") => (Some(TimeAction::Log.into()), NotFound, 204),
        ("post", "/api/v1/time-entries/{id}/write-off") => {
            (Some(TimeAction::Manage.into()), NotFound, 200)
        }
        ("post", "/api/v1/time-entries/{id}/approve-free") => {
            (Some(TimeAction::Manage.into()), NotFound, 200)
        }
        ("get", "/api/v1/timer") => (Some(TimeAction::Log.into()), Same, 200),
        ("post", "/api/v1/timer/start") => (Some(TimeAction::Log.into()), Invalid, 200),
        ("post", "/api/v1/timer/stop") => (Some(TimeAction::Log.into()), Same, 200),
        ("put", "/api/v1/timesheets/{id}/{week}") => (Some(TimeAction::Log.into()), NotFound, 200),
        ("post", "/api/v1/timesheets/{id}/{week}/approve") => {
            (Some(TimeAction::Manage.into()), NotFound, 200)
        }
        ("post", "/api/v1/timesheets/{id}/{week}/reopen") => {
            (Some(TimeAction::Manage.into()), NotFound, 200)
        }
        ("post", "/api/v1/time-imports") => (Some(TimeAction::Manage.into()), Same, 200),
        ("put", "/api/v1/people/{id}/capacity") => (Some(TimeAction::Manage.into()), NotFound, 204),
        ("put", "/api/v1/people/{id}/leave") => (Some(TimeAction::Manage.into()), NotFound, 204),
        ("get", "/api/v1/radar") => (Some(RadarAction::View.into()), Same, 200),
        ("get", "/api/v1/radar/utilisation") => (Some(RadarAction::View.into()), Same, 200),
        ("get", "/api/v1/notifications") => (Some(DashboardAction::View.into()), Same, 200),
        ("post", "/api/v1/notifications/read") => (Some(DashboardAction::View.into()), Same, 204),
        ("get", "/api/v1/invoices") => (Some(InvoicingAction::Read.into()), Same, 200),
        // Client A has no approved time-and-materials work: past the gate, nothing to bill.
        ("post", "/api/v1/invoices") => (Some(InvoicingAction::Write.into()), NotFound, 422),
        ("get", "/api/v1/invoices/{id}") => (Some(InvoicingAction::Read.into()), NotFound, 200),
        ("patch", "/api/v1/invoices/{id}") => (Some(InvoicingAction::Write.into()), NotFound, 200),
        // A period without work: past the gate, a batch that makes nothing.
        ("post", "/api/v1/invoices/month-end") => (Some(InvoicingAction::Write.into()), Same, 200),
        ("delete", "/api/v1/invoices/{id}") => (Some(InvoicingAction::Write.into()), NotFound, 204),
        ("post", "/api/v1/invoices/{id}/lines") => {
            (Some(InvoicingAction::Write.into()), NotFound, 201)
        }
        ("delete", "/api/v1/invoices/{id}/lines/{line}") => {
            (Some(InvoicingAction::Write.into()), NotFound, 200)
        }
        ("post", "/api/v1/invoices/{id}/issue") => {
            (Some(InvoicingAction::Write.into()), NotFound, 200)
        }
        ("post", "/api/v1/invoices/{id}/payments") => {
            (Some(InvoicingAction::Write.into()), NotFound, 201)
        }
        ("post", "/api/v1/invoices/{id}/send") => {
            (Some(InvoicingAction::Write.into()), NotFound, 200)
        }
        ("get", "/api/v1/invoices/{id}/pdf") => (Some(InvoicingAction::Read.into()), NotFound, 200),
        ("get", "/api/v1/invoices/{id}/facturx.xml") => {
            (Some(InvoicingAction::Read.into()), NotFound, 200)
        }
        ("get", "/api/v1/credit-notes") => (Some(InvoicingAction::Read.into()), Same, 200),
        ("post", "/api/v1/credit-notes") => (Some(InvoicingAction::Write.into()), NotFound, 201),
        ("put", "/api/v1/clients/{id}/billing") => {
            (Some(InvoicingAction::Write.into()), NotFound, 200)
        }
        // The matrix sends no image: past the gate, the logo is refused on its field.
        ("put", "/api/v1/invoicing/logo") => (Some(InvoicingAction::Settings.into()), Same, 422),
        ("delete", "/api/v1/invoicing/logo") => (Some(InvoicingAction::Settings.into()), Same, 204),
        ("get", "/api/v1/invoicing/settings") => (Some(InvoicingAction::Read.into()), Same, 200),
        ("put", "/api/v1/invoicing/settings") => {
            (Some(InvoicingAction::Settings.into()), Same, 200)
        }
        ("get", "/api/v1/portal/projects") => (Some(PortalAction::Projects.into()), Same, 200),
        ("get", "/api/v1/portal/invoices") => (Some(PortalAction::Invoices.into()), Same, 200),
        // The matrix's contact belongs to another organisation than the issued invoice: past
        // the gate, 404, exactly like a missing id.
        ("get", "/api/v1/portal/invoices/{id}") => (Some(PortalAction::Invoices.into()), Same, 404),
        ("get", "/api/v1/portal/invoices/{id}/lines/{line}/entries") => {
            (Some(PortalAction::Invoices.into()), Same, 404)
        }
        ("get", "/api/v1/desk/tickets") => (Some(DeskAction::Read.into()), Same, 200),
        // The body names workspace A's client: another workspace's caller is refused on it.
        ("post", "/api/v1/desk/tickets") => (Some(DeskAction::Work.into()), Invalid, 201),
        ("get", "/api/v1/desk/tickets/{id}") => (Some(DeskAction::Read.into()), NotFound, 200),
        ("post", "/api/v1/desk/tickets/{id}/messages") => {
            (Some(DeskAction::Work.into()), NotFound, 200)
        }
        ("post", "/api/v1/desk/tickets/{id}/move") => {
            (Some(DeskAction::Work.into()), NotFound, 200)
        }
        ("get", "/api/v1/desk/kpis") => (Some(DeskAction::Read.into()), Same, 200),
        ("post", "/api/v1/desk/abandoned") => (Some(DeskAction::Work.into()), Same, 201),
        // A raw e-mail (a new Message-ID each time, from an unknown sender: held).
        ("post", "/api/v1/desk/inbound") => (Some(DeskAction::Work.into()), Same, 201),
        ("get", "/api/v1/desk/inbound") => (Some(DeskAction::Read.into()), Same, 200),
        ("get", "/api/v1/portal/tickets") => (Some(DeskAction::Request.into()), Same, 200),
        ("post", "/api/v1/portal/tickets") => (Some(DeskAction::Request.into()), Same, 201),
        // The ticket is Client A's; the matrix's contact belongs to another organisation: past
        // the gate, 404, exactly like a missing id.
        ("get", "/api/v1/portal/tickets/{id}") => (Some(DeskAction::Request.into()), Same, 404),
        ("post", "/api/v1/portal/tickets/{id}/messages") => {
            (Some(DeskAction::Request.into()), Same, 404)
        }
        ("get", "/api/v1/nps") => (Some(NpsAction::Read.into()), Same, 200),
        ("get", "/api/v1/nps/satisfaction") => (Some(RadarAction::View.into()), Same, 200),
        _ => return None,
    };
    Some(r)
}

struct Fixture {
    user_a: String,
    client_a: String,
    contact_a: String,
    project_a: String,
    deliverable_a: String,
    milestone_a: String,
    entry_a: String,
    tokens: Vec<(Who, Option<String>)>,
    owner_ctx: mesure_services::Ctx,
    staff_ctx: mesure_services::Ctx,
    ws: mesure_domain::WorkspaceId,
    /// A client ready to invoice, a draft and an issued invoice of it (and its date).
    invoice_client: uuid::Uuid,
    draft: String,
    issued: String,
    issued_on: String,
    /// A ticket of Client A.
    ticket_a: String,
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
    // The portal contact belongs to an organisation the route walk never archives (archiving
    // an organisation closes its contacts' portal).
    let portal_client = t.client_named(&a.owner.ctx, "Client Portail A").await;
    let contact = mesure_services::clients::contacts::create(
        &t.app,
        &a.owner.ctx,
        ClientId::from_uuid(portal_client),
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
    let target = mesure_services::clients::contacts::create(
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
    let (login, _password) = mesure_services::clients::contacts::grant_portal(
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
    let project = crate::time::project(t, &a.owner.ctx, client.id, "Projet A", "fixed_fee").await;
    let pid = ProjectId::from_uuid(project);
    let deliverable = mesure_services::projects::add_deliverable(
        &t.app,
        &a.owner.ctx,
        pid,
        &mesure_domain::projects::forms::DeliverableForm {
            name: "Design".into(),
            estimate_hours: "10".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let milestone = mesure_services::projects::add_milestone(
        &t.app,
        &a.owner.ctx,
        pid,
        &mesure_services::projects::MilestoneForm {
            name: "Kick-off".into(),
            amount: "1000".into(),
            due_on: "2026-01-31".into(),
        },
    )
    .await
    .unwrap();
    let entry = crate::time::log(t, &a.staff.ctx, project, "2025-01-06", 60).await;
    let (invoice_client, _, _) =
        crate::invoicing::billable_client(t, &a, "Client Facturable A", &[60]).await;
    let (draft, _) = crate::invoicing::manual_draft(t, a.ws, invoice_client).await;
    let (to_issue, _) = crate::invoicing::manual_draft(t, a.ws, invoice_client).await;
    let issued = mesure_services::invoicing::issue(&t.app, &a.owner.ctx, to_issue)
        .await
        .unwrap();
    let issued_on = issued.issued_on.unwrap();
    let ticket = mesure_services::desk::tickets::open(
        &t.app,
        &a.owner.ctx,
        &mesure_domain::desk::forms::TicketForm {
            subject: "Accès bloqué".into(),
            body: "Je ne peux plus me connecter.".into(),
            client_id: Some(client.id.to_string()),
            ..Default::default()
        },
        false,
    )
    .await
    .unwrap();
    Fixture {
        ticket_a: ticket.id.to_string(),
        ws: a.ws,
        invoice_client,
        draft: draft.to_string(),
        issued: to_issue.to_string(),
        issued_on: format!(
            "{:04}-{:02}-{:02}",
            issued_on / 10_000,
            issued_on / 100 % 100,
            issued_on % 100
        ),
        user_a: a.staff.id.to_string(),
        client_a: client.id.to_string(),
        contact_a: target.id.to_string(),
        project_a: project.to_string(),
        deliverable_a: deliverable.id.to_string(),
        milestone_a: milestone.id.to_string(),
        entry_a: entry.to_string(),
        tokens: vec![
            (Who::Owner, Some(a.owner.token.clone())),
            (Who::Manager, Some(a.manager.token.clone())),
            (Who::Staff, Some(a.staff.token.clone())),
            (Who::Contact, Some(contact_token.secret)),
            (Who::OtherWorkspace, Some(b.owner.token.clone())),
            (Who::Anonymous, None),
        ],
        owner_ctx: a.owner.ctx.clone(),
        staff_ctx: a.staff.ctx.clone(),
    }
}

/// A day far from the others so that entries of the matrix never pass 24 hours a day.
fn nth_day(n: usize) -> String {
    let d = jiff::civil::date(2024, 1, 1)
        .checked_add(jiff::Span::new().days(i64::try_from(n).unwrap()))
        .unwrap();
    d.to_string()
}

/// A valid body for each writing route.
fn body(f: &Fixture, method: &str, path: &str, n: usize) -> Option<Value> {
    match (method, path) {
        ("post", "/api/v1/clients") => Some(json!({"name": format!("Nouveau {n}")})),
        ("post", "/api/v1/desk/tickets") => Some(
            json!({"client_id": f.client_a, "subject": format!("Appel {n}"), "body": "Le client appelle.", "channel": "phone"}),
        ),
        ("post", "/api/v1/portal/tickets") => {
            Some(json!({"subject": format!("Demande {n}"), "body": "Bonjour"}))
        }
        ("post", "/api/v1/desk/tickets/{id}/messages")
        | ("post", "/api/v1/portal/tickets/{id}/messages") => {
            Some(json!({"body": format!("Message {n}")}))
        }
        ("post", "/api/v1/desk/tickets/{id}/move") => Some(json!({"priority": "high"})),
        ("post", "/api/v1/desk/abandoned") => {
            Some(json!({"channel": "phone", "waited_seconds": 30}))
        }
        ("put", "/api/v1/clients/{id}") => Some(json!({"name": "Client A"})),
        ("post", "/api/v1/clients/{id}/contacts") => {
            Some(json!({"first_name": "Zoé", "last_name": format!("Z{n}")}))
        }
        ("put", "/api/v1/contacts/{id}") => {
            Some(json!({"first_name": "Cible", "last_name": "Contact"}))
        }
        ("put", "/api/v1/workspace") => Some(json!({"name": "Renamed"})),
        ("put", "/api/v1/timesheets/{id}/{week}") => Some(json!({"cells": []})),
        ("put", "/api/v1/users/{id}") => Some(json!({"role": "staff", "active": true})),
        ("post", "/api/v1/users/{id}/invite") => {
            Some(json!({"email": format!("invite{n}@matrix.example.org")}))
        }
        ("post", "/api/v1/projects") => Some(
            json!({"client_id": f.client_a, "name": format!("P{n}"), "billing_model": "time_materials", "hourly_rate": "90"}),
        ),
        ("put", "/api/v1/projects/{id}") => Some(
            json!({"client_id": f.client_a, "name": "Projet A", "billing_model": "fixed_fee", "fixed_price": "10000"}),
        ),
        ("post", "/api/v1/projects/{id}/deliverables") => {
            Some(json!({"name": format!("D{n}"), "estimate_hours": "4"}))
        }
        ("put", "/api/v1/deliverables/{id}") => {
            Some(json!({"name": "Design", "estimate_hours": "10", "status": "in_progress"}))
        }
        ("post", "/api/v1/projects/{id}/milestones") => {
            Some(json!({"name": format!("M{n}"), "amount": "500", "due_on": "2026-06-30"}))
        }
        ("put", "/api/v1/milestones/{id}/reached") => Some(json!({"reached": true})),
        ("post", "/api/v1/projects/{id}/change-requests") => {
            Some(json!({"title": format!("CR{n}"), "extra_hours": "5", "price": "600"}))
        }
        ("post", "/api/v1/change-requests/{id}/decision") => Some(json!({"status": "approved"})),
        ("post", "/api/v1/rates") | ("post", "/api/v1/cost-rates") => {
            Some(json!({"user_id": f.user_a, "rate": "80", "valid_from": "2024-01-01"}))
        }
        ("post", "/api/v1/time-entries") => Some(
            json!({"project_id": f.project_a, "date": nth_day(n), "minutes": 30, "note": "matrix"}),
        ),
        ("put", "/api/v1/time-entries/{id}") => {
            Some(json!({"project_id": f.project_a, "date": "2025-01-06", "minutes": 45}))
        }
        ("post", "/api/v1/time-entries/{id}/write-off") => Some(json!({"reason": "goodwill"})),
        ("post", "/api/v1/timer/start") => Some(json!({"project_id": f.project_a})),
        ("put", "/api/v1/people/{id}/capacity") => Some(json!({"weekly_hours": "32"})),
        ("put", "/api/v1/people/{id}/leave") => Some(json!({"day": "2026-05-12", "hours": "7"})),
        ("post", "/api/v1/invoices") => {
            Some(json!({"client_id": f.client_a, "from": "2026-03-01", "to": "2026-03-31"}))
        }
        ("post", "/api/v1/invoices/{id}/lines") => Some(
            json!({"description": format!("Ligne {n}"), "quantity": "1", "unit_price_minor": 100}),
        ),
        ("patch", "/api/v1/invoices/{id}") => Some(json!({"note": format!("Note {n}")})),
        ("post", "/api/v1/invoices/month-end") => {
            Some(json!({"from": "2020-01-01", "to": "2020-01-31", "issue": false}))
        }
        ("post", "/api/v1/invoices/{id}/payments") => {
            Some(json!({"amount_minor": 1, "paid_on": f.issued_on}))
        }
        ("post", "/api/v1/credit-notes") => Some(
            json!({"invoice_id": f.issued, "reason": "commercial", "net_minor": 1, "vat": "20"}),
        ),
        ("put", "/api/v1/clients/{id}/billing") => {
            Some(json!({"postcode": "75001", "city": "Paris", "country": "FR"}))
        }
        ("put", "/api/v1/invoicing/settings") => Some(json!({"payment_days": 30})),
        ("post", "/api/v1/invoices/{id}/issue") => Some(json!({})),
        _ => None,
    }
}

/// The id standing for `{id}` in a path: fixtures, or a fresh entity for routes that consume it.
async fn target(t: &TestApp, f: &Fixture, method: &str, path: &str, n: usize) -> String {
    let fresh_entry = |free: bool| async move {
        let form = mesure_domain::time::forms::EntryForm {
            project_id: f.project_a.clone(),
            // A day of its own, before the days `nth_day` gives the other bodies (and after
            // 2000: earlier dates are refused).
            date: jiff::civil::date(2005, 1, 1)
                .checked_add(jiff::Span::new().days(i64::try_from(n).unwrap()))
                .unwrap()
                .to_string(),
            duration: "30".into(),
            scope: free.then(|| "free".into()),
            free_reason: free.then(|| "goodwill".into()),
            ..Default::default()
        };
        mesure_services::time::log(&t.app, &f.staff_ctx, &form)
            .await
            .unwrap()
            .id
            .to_string()
    };
    match (method, path) {
        ("delete", "/api/v1/clients/{id}") => {
            let c = mesure_services::clients::create(
                &t.app,
                &f.owner_ctx,
                &mesure_domain::clients::ClientForm {
                    name: format!("Jetable {n}"),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            c.id.to_string()
        }
        ("post", "/api/v1/projects/{id}/archive") | ("post", "/api/v1/projects/{id}/unarchive") => {
            crate::time::project(
                t,
                &f.owner_ctx,
                f.client_a.parse().unwrap(),
                &format!("Archivable {n}"),
                "time_materials",
            )
            .await
            .to_string()
        }
        ("post", "/api/v1/change-requests/{id}/decision") => {
            let cr = mesure_services::projects::add_change(
                &t.app,
                &f.owner_ctx,
                ProjectId::parse(&f.project_a).unwrap(),
                &mesure_domain::projects::forms::ChangeForm {
                    title: format!("CR fresh {n}"),
                    extra_hours: "1".into(),
                    price: "100".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            cr.id.to_string()
        }
        ("delete", "/api/v1/time-entries/{id}")
        | ("post", "/api/v1/time-entries/{id}/write-off") => fresh_entry(false).await,
        ("delete", "/api/v1/invoices/{id}") | ("post", "/api/v1/invoices/{id}/issue") => {
            crate::invoicing::manual_draft(t, f.ws, f.invoice_client)
                .await
                .0
                .to_string()
        }
        ("delete", "/api/v1/invoices/{id}/lines/{line}") => {
            let (id, line) = crate::invoicing::manual_draft(t, f.ws, f.invoice_client).await;
            format!("{id}/lines/{line}")
        }
        _ if path.starts_with("/api/v1/invoices/{id}/payments")
            || path.starts_with("/api/v1/invoices/{id}/facturx")
            || path.starts_with("/api/v1/invoices/{id}/pdf")
            || path.starts_with("/api/v1/invoices/{id}/send") =>
        {
            f.issued.clone()
        }
        _ if path.starts_with("/api/v1/invoices/{id}") => f.draft.clone(),
        ("get", "/api/v1/portal/invoices/{id}/lines/{line}/entries") => {
            format!("{}/lines/{}", f.issued, uuid::Uuid::now_v7())
        }
        ("get", "/api/v1/portal/invoices/{id}") => f.issued.clone(),
        _ if path.starts_with("/api/v1/desk/tickets/{id}")
            || path.starts_with("/api/v1/portal/tickets/{id}") =>
        {
            f.ticket_a.clone()
        }
        ("post", "/api/v1/time-entries/{id}/approve-free") => fresh_entry(true).await,
        _ if path.starts_with("/api/v1/users/{id}")
            || path.starts_with("/api/v1/timesheets/")
            || path.starts_with("/api/v1/people/") =>
        {
            f.user_a.clone()
        }
        _ if path.starts_with("/api/v1/contacts/{id}") => f.contact_a.clone(),
        _ if path.starts_with("/api/v1/projects/{id}") => f.project_a.clone(),
        _ if path.starts_with("/api/v1/deliverables/{id}") => f.deliverable_a.clone(),
        _ if path.starts_with("/api/v1/milestones/{id}") => f.milestone_a.clone(),
        _ if path.starts_with("/api/v1/time-entries/{id}") => f.entry_a.clone(),
        _ => f.client_a.clone(),
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
                let (action, other, ok) = rule(method, path)
                    .unwrap_or_else(|| panic!("no rule for {method} {path}: add it to the matrix"));
                for who in EVERYONE {
                    n += 1;
                    let id = target(&t, &f, method, path, n).await;
                    // Each week is approved (then reopened) once: a fresh week per call.
                    let week = jiff::civil::date(2027, 1, 4)
                        .checked_add(jiff::Span::new().weeks(i64::try_from(n).unwrap()))
                        .unwrap()
                        .to_string();
                    if path.ends_with("/reopen") {
                        mesure_services::time::set_week_approved(
                            &t.app,
                            &f.owner_ctx,
                            UserId::parse(&f.user_a).unwrap(),
                            &week,
                            true,
                        )
                        .await
                        .unwrap();
                    }
                    let url = t.api(
                        &path
                            .replace("{id}/lines/{line}", &id)
                            .replace("{id}", &id)
                            .replace("{week}", &week)
                            .replacen("/api/v1", "", 1),
                    );
                    let mut req = t
                        .client()
                        .request(method.to_uppercase().parse().unwrap(), &url);
                    if let Some(b) = body(&f, method, path, n) {
                        req = req.json(&b);
                    }
                    if path == "/api/v1/desk/inbound" && method == "post" {
                        req = req
                            .header("content-type", "message/rfc822")
                            .body(format!(
                                "From: someone@unknown.example.org\r\nSubject: Matrix {n}\r\nMessage-ID: <matrix-{n}-{who:?}@x>\r\n\r\nHello\r\n"
                            ));
                    }
                    if path == "/api/v1/time-imports" {
                        req = req
                            .header("content-type", "text/csv")
                            .query(&[("create_missing", "true")])
                            .body(format!(
                                "date,person,client,project,minutes\n{},Personne Importée,Client Importé,Projet Importé,30\n",
                                nth_day(n)
                            ));
                    }
                    let token = f.tokens.iter().find(|(w, _)| *w == who).unwrap().1.clone();
                    if let Some(tok) = &token {
                        req = req.bearer_auth(tok);
                    }
                    let resp = req.send().await.unwrap();
                    let status = resp.status().as_u16();
                    let expected = match (action, principal(who)) {
                        (None, _) => ok,
                        (Some(_), None) => 401,
                        (Some(a), Some(p)) if !p.may(a) => 403,
                        (Some(_), Some(_)) if who == Who::OtherWorkspace => match other {
                            Other::Same => ok,
                            Other::NotFound => 404,
                            Other::Invalid => 422,
                        },
                        _ => ok,
                    };
                    let text = if status != expected {
                        resp.text().await.unwrap_or_default()
                    } else {
                        String::new()
                    };
                    assert_eq!(
                        status,
                        expected,
                        "{backend:?} {who:?} {} {path}: {text}",
                        method.to_uppercase()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 61 * 6, "checked {checked}");
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
            (
                "/dashboard",
                Action::Dashboard(DashboardAction::View),
                false,
            ),
            ("/clients", Action::Clients(ClientsAction::Read), false),
            ("/clients/new", Action::Clients(ClientsAction::Write), false),
            (
                "/contacts",
                Action::Clients(ClientsAction::ReadContacts),
                false,
            ),
            ("/audit", Action::Audit(AuditAction::Read), false),
            (
                "/settings/workspace",
                Action::Settings(SettingsAction::ManageWorkspace),
                false,
            ),
            (
                "/settings/users",
                Action::People(PeopleAction::ReadUsers),
                false,
            ),
            (
                "/settings/jobs",
                Action::Settings(SettingsAction::ReadJobs),
                false,
            ),
            (
                "/settings/tokens",
                Action::People(PeopleAction::ManageOwnAccount),
                false,
            ),
            ("/clients/{id}", Action::Clients(ClientsAction::Read), true),
            (
                "/clients/{id}/edit",
                Action::Clients(ClientsAction::Write),
                true,
            ),
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
        let contact = mesure_services::clients::contacts::create(
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
        let (_, password) = mesure_services::clients::contacts::grant_portal(
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
        mesure_services::clients::contacts::set_archived(
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

/// Every page route the modules declare (the page router is made from these rules, so the list
/// is complete by construction), for every role, a client contact and an anonymous visitor:
/// anonymous visitors are sent to the login, those the permission table refuses get 403 before
/// any body is read, and those it allows get past the gate (never 403, never a server error).
#[tokio::test]
async fn every_page_route_answers_as_its_rule_says() {
    use mesure_web::modules::{Access, MODULES};
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Routes").await;
        let client = t.client_named(&a.owner.ctx, "Client R").await;
        let contact = mesure_services::clients::contacts::create(
            &t.app,
            &a.owner.ctx,
            ClientId::from_uuid(client),
            &mesure_domain::clients::ContactForm {
                first_name: "Rémi".into(),
                last_name: "Contact".into(),
                email: Some("remi@client-r.example.org".into()),
                contact_role: Some("viewer".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (_, contact_password) = mesure_services::clients::contacts::grant_portal(
            &t.app,
            &a.owner.ctx,
            ContactId::from_uuid(contact.id),
        )
        .await
        .unwrap();
        let mut sessions = Vec::new();
        for (who, email, password) in [
            (
                Some(Principal::Staff(Role::Owner)),
                a.owner.email.clone(),
                PASSWORD.to_string(),
            ),
            (
                Some(Principal::Staff(Role::Manager)),
                a.manager.email.clone(),
                PASSWORD.to_string(),
            ),
            (
                Some(Principal::Staff(Role::Staff)),
                a.staff.email.clone(),
                PASSWORD.to_string(),
            ),
            (
                Some(Principal::Contact(ContactRole::Viewer)),
                "remi@client-r.example.org".to_string(),
                contact_password,
            ),
        ] {
            let c = t.client();
            assert_eq!(t.login(&c, &email, &password).await.status(), 303);
            let csrf = t.csrf(&c, "/settings/profile").await;
            sessions.push((who, c, csrf));
        }
        sessions.push((None, t.client(), String::new()));
        let mut checked = 0;
        for rule in MODULES.iter().flat_map(|m| m.page_rules.iter()) {
            let action = match rule.access {
                Access::Public => continue,
                Access::SignedIn => None,
                Access::May(action) => Some(action),
            };
            // Made-up ids: the gate answers from the route, before any entity is looked up.
            let path = rule
                .path
                .replace("{week}", "2026-11-23")
                .replace("{token}", "x");
            let path = path
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        uuid::Uuid::now_v7().to_string()
                    } else {
                        s.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            for (who, c, csrf) in &sessions {
                let url = format!("{}{path}", t.url);
                let r = match (rule.method, rule.upload) {
                    ("GET", _) => c.get(&url).send().await.unwrap(),
                    // An upload is checked before its body: the token comes in a header.
                    (_, true) => c
                        .post(&url)
                        .header("x-csrf-token", csrf.as_str())
                        .header("content-type", "multipart/form-data; boundary=XyZ")
                        .body(format!(
                            "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--XyZ--\r\n"
                        ))
                        .send()
                        .await
                        .unwrap(),
                    _ => c
                        .post(&url)
                        .form(&[("_csrf", csrf.as_str())])
                        .send()
                        .await
                        .unwrap(),
                };
                let status = r.status().as_u16();
                let place = format!("{backend:?} {who:?} {} {}", rule.method, rule.path);
                match who {
                    None => {
                        assert_eq!(status, 303, "{place}");
                        let to = r.headers()["location"].to_str().unwrap();
                        assert!(to.starts_with("/login"), "{place}: {to}");
                    }
                    Some(p) if action.is_some_and(|a| !p.may(a)) => {
                        assert_eq!(status, 403, "{place}");
                    }
                    Some(_) => {
                        assert!(status != 403 && status < 500, "{place}: {status}");
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 400, "{checked} answers checked");
    }
}
