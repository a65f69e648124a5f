//! People: one's profile, the workspace's users, and each person's rates, costs, capacity and leave.
pub mod api;
pub mod pages;
pub mod profile;
pub mod rates;

use crate::AppState;
use crate::modules::{Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::{get, post};
use mesure_domain::Action;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "people",
    pages,
    upload_pages: no_pages,
    api: api_routes,
    upload_api: no_api,
    nav: &[
        NavEntry {
            href: "/settings/profile",
            key: "nav-profile",
            action: Action::ManageOwnAccount,
            menu: Menu::Settings,
            order: 10,
        },
        NavEntry {
            href: "/settings/users",
            key: "nav-users",
            action: Action::ReadUsers,
            menu: Menu::Settings,
            order: 30,
        },
        NavEntry {
            href: "/settings/rates",
            key: "nav-rates",
            action: Action::WriteProjects,
            menu: Menu::Settings,
            order: 50,
        },
    ],
};

fn pages() -> Router<AppState> {
    Router::new()
        .route(
            "/settings/profile",
            get(profile::profile).post(profile::profile_save),
        )
        .route("/settings/password", post(profile::password_save))
        .route("/settings/users", get(pages::users).post(pages::user_add))
        .route("/settings/users/{id}", post(pages::user_update))
        .route("/settings/rates", get(rates::rates).post(rates::add_rate))
        .route("/settings/costs", post(rates::add_cost))
        .route("/settings/capacity", post(rates::set_capacity))
        .route("/settings/leave", post(rates::set_leave))
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::me))
        .routes(routes!(api::list_users))
        .routes(routes!(api::update_user))
        .routes(routes!(api::add_cost))
        .routes(routes!(api::set_capacity))
        .routes(routes!(api::set_leave))
}
