//! Client organisations and their contacts (with their portal access): pages, API and CSV.
use mesure_domain::{Action, ClientsAction};
pub mod api;
pub mod contacts_api;
pub mod contacts_pages;
pub mod pages;

use crate::AppState;
use crate::modules::{ApiRule, Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "clients",
    pages,
    upload_pages: no_pages,
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

fn pages() -> Router<AppState> {
    use contacts_pages as contacts;
    Router::new()
        .route("/clients", get(pages::list).post(pages::create))
        .route("/clients.csv", get(pages::export))
        .route("/clients/new", get(pages::new_form))
        .route("/clients/{id}", get(pages::show).post(pages::update))
        .route("/clients/{id}/edit", get(pages::edit_form))
        .route("/clients/{id}/archive", post(pages::archive))
        .route("/clients/{id}/unarchive", post(pages::unarchive))
        .route("/clients/{id}/delete", post(pages::delete))
        .route("/clients/{id}/contacts/new", get(contacts::new_form))
        .route("/clients/{id}/contacts", post(contacts::create))
        .route("/contacts", get(contacts::list))
        .route("/contacts.csv", get(contacts::export))
        .route("/contacts/{id}", get(contacts::show).post(contacts::update))
        .route("/contacts/{id}/edit", get(contacts::edit_form))
        .route("/contacts/{id}/archive", post(contacts::archive))
        .route("/contacts/{id}/unarchive", post(contacts::unarchive))
        .route("/contacts/{id}/portal", post(contacts::grant_portal))
        .route(
            "/contacts/{id}/portal/revoke",
            post(contacts::revoke_portal),
        )
}

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
