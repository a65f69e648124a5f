//! People: one's profile, the workspace's users, and each person's rates, costs, capacity and leave.
use mesure_domain::{Action, PeopleAction, ProjectsAction, TimeAction};
pub mod api;
pub mod pages;
pub mod profile;
pub mod rates;

use crate::AppState;
use crate::modules::{ApiRule, Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "people",
    pages,
    upload_pages: no_pages,
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/me",
            action: Action::People(PeopleAction::ManageOwnAccount),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/users",
            action: Action::People(PeopleAction::ReadUsers),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/cost-rates",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/people/{id}/capacity",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/people/{id}/leave",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/users/{id}",
            action: Action::People(PeopleAction::ManageUsers),
        },
    ],
    nav: &[
        NavEntry {
            href: "/settings/profile",
            key: "nav-profile",
            action: Action::People(PeopleAction::ManageOwnAccount),
            menu: Menu::Settings,
            order: 10,
        },
        NavEntry {
            href: "/settings/users",
            key: "nav-users",
            action: Action::People(PeopleAction::ReadUsers),
            menu: Menu::Settings,
            order: 30,
        },
        NavEntry {
            href: "/settings/rates",
            key: "nav-rates",
            action: Action::Projects(ProjectsAction::Write),
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
