//! Client organisations and their contacts (with their portal access): pages, API and CSV.
use mesure_domain::{Action, ClientsAction};
pub mod api;
pub mod contacts_api;
pub mod contacts_pages;
pub mod pages;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "clients",
    page_rules: &[
        PageRule::new(
            "GET",
            "/clients",
            Access::May(Action::Clients(ClientsAction::Read)),
            || get(pages::list),
        ),
        PageRule::new(
            "POST",
            "/clients",
            Access::May(Action::Clients(ClientsAction::Write)),
            || post(pages::create),
        ),
        PageRule::new(
            "GET",
            "/clients.csv",
            Access::May(Action::Clients(ClientsAction::Read)),
            || get(pages::export),
        ),
        PageRule::new(
            "GET",
            "/clients/new",
            Access::May(Action::Clients(ClientsAction::Write)),
            || get(pages::new_form),
        ),
        PageRule::new(
            "GET",
            "/clients/{id}",
            Access::May(Action::Clients(ClientsAction::Read)),
            || get(pages::show),
        ),
        PageRule::new(
            "POST",
            "/clients/{id}",
            Access::May(Action::Clients(ClientsAction::Write)),
            || post(pages::update),
        ),
        PageRule::new(
            "GET",
            "/clients/{id}/edit",
            Access::May(Action::Clients(ClientsAction::Write)),
            || get(pages::edit_form),
        ),
        PageRule::new(
            "POST",
            "/clients/{id}/archive",
            Access::May(Action::Clients(ClientsAction::Write)),
            || post(pages::archive),
        ),
        PageRule::new(
            "POST",
            "/clients/{id}/unarchive",
            Access::May(Action::Clients(ClientsAction::Write)),
            || post(pages::unarchive),
        ),
        PageRule::new(
            "POST",
            "/clients/{id}/delete",
            Access::May(Action::Clients(ClientsAction::Write)),
            || post(pages::delete),
        ),
        PageRule::new(
            "GET",
            "/clients/{id}/contacts/new",
            Access::May(Action::Clients(ClientsAction::WriteContacts)),
            || get(contacts_pages::new_form),
        ),
        PageRule::new(
            "POST",
            "/clients/{id}/contacts",
            Access::May(Action::Clients(ClientsAction::WriteContacts)),
            || post(contacts_pages::create),
        ),
        PageRule::new(
            "GET",
            "/contacts",
            Access::May(Action::Clients(ClientsAction::ReadContacts)),
            || get(contacts_pages::list),
        ),
        PageRule::new(
            "GET",
            "/contacts.csv",
            Access::May(Action::Clients(ClientsAction::ReadContacts)),
            || get(contacts_pages::export),
        ),
        PageRule::new(
            "GET",
            "/contacts/{id}",
            Access::May(Action::Clients(ClientsAction::ReadContacts)),
            || get(contacts_pages::show),
        ),
        PageRule::new(
            "POST",
            "/contacts/{id}",
            Access::May(Action::Clients(ClientsAction::WriteContacts)),
            || post(contacts_pages::update),
        ),
        PageRule::new(
            "GET",
            "/contacts/{id}/edit",
            Access::May(Action::Clients(ClientsAction::WriteContacts)),
            || get(contacts_pages::edit_form),
        ),
        PageRule::new(
            "POST",
            "/contacts/{id}/archive",
            Access::May(Action::Clients(ClientsAction::WriteContacts)),
            || post(contacts_pages::archive),
        ),
        PageRule::new(
            "POST",
            "/contacts/{id}/unarchive",
            Access::May(Action::Clients(ClientsAction::WriteContacts)),
            || post(contacts_pages::unarchive),
        ),
        PageRule::new(
            "POST",
            "/contacts/{id}/portal",
            Access::May(Action::Clients(ClientsAction::ManagePortalAccess)),
            || post(contacts_pages::grant_portal),
        ),
        PageRule::new(
            "POST",
            "/contacts/{id}/portal/revoke",
            Access::May(Action::Clients(ClientsAction::ManagePortalAccess)),
            || post(contacts_pages::revoke_portal),
        ),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "DELETE",
            path: "/api/v1/clients/{id}",
            action: Action::Clients(ClientsAction::Write),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/clients",
            action: Action::Clients(ClientsAction::Read),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/clients/{id}",
            action: Action::Clients(ClientsAction::Read),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/clients",
            action: Action::Clients(ClientsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/clients/{id}/archive",
            action: Action::Clients(ClientsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/clients/{id}/unarchive",
            action: Action::Clients(ClientsAction::Write),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/clients/{id}",
            action: Action::Clients(ClientsAction::Write),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/clients/{id}/contacts",
            action: Action::Clients(ClientsAction::ReadContacts),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/contacts",
            action: Action::Clients(ClientsAction::ReadContacts),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/contacts/{id}",
            action: Action::Clients(ClientsAction::ReadContacts),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/clients/{id}/contacts",
            action: Action::Clients(ClientsAction::WriteContacts),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/contacts/{id}/archive",
            action: Action::Clients(ClientsAction::WriteContacts),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/contacts/{id}/unarchive",
            action: Action::Clients(ClientsAction::WriteContacts),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/contacts/{id}",
            action: Action::Clients(ClientsAction::WriteContacts),
        },
    ],
    nav: &[
        NavEntry {
            href: "/clients",
            key: "nav-clients",
            action: Action::Clients(ClientsAction::Read),
            menu: Menu::Main,
            order: 70,
        },
        NavEntry {
            href: "/contacts",
            key: "nav-contacts",
            action: Action::Clients(ClientsAction::ReadContacts),
            menu: Menu::Main,
            order: 80,
        },
    ],
};

fn api_routes() -> OpenApiRouter<AppState> {
    use contacts_api as contacts;
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::get, api::update, api::delete))
        .routes(routes!(api::archive))
        .routes(routes!(api::unarchive))
        .routes(routes!(contacts::list_for_client, contacts::create))
        .routes(routes!(contacts::list))
        .routes(routes!(contacts::get, contacts::update))
        .routes(routes!(contacts::archive))
        .routes(routes!(contacts::unarchive))
}
