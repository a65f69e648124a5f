//! People: one's profile, the workspace's users, and each person's rates, costs, capacity and leave.
use mesure_domain::{Action, PeopleAction, ProjectsAction, TimeAction};
pub mod api;
pub mod pages;
pub mod profile;
pub mod rates;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "people",
    page_rules: &[
        PageRule::new(
            "GET",
            "/settings/profile",
            Access::May(Action::People(PeopleAction::ManageOwnAccount)),
            || get(profile::profile),
        ),
        PageRule::new(
            "POST",
            "/settings/profile",
            Access::May(Action::People(PeopleAction::ManageOwnAccount)),
            || post(profile::profile_save),
        ),
        PageRule::new(
            "POST",
            "/settings/password",
            Access::May(Action::People(PeopleAction::ManageOwnAccount)),
            || post(profile::password_save),
        ),
        PageRule::new(
            "GET",
            "/settings/users",
            Access::May(Action::People(PeopleAction::ReadUsers)),
            || get(pages::users),
        ),
        PageRule::new(
            "POST",
            "/settings/users",
            Access::May(Action::People(PeopleAction::ManageUsers)),
            || post(pages::user_add),
        ),
        PageRule::new(
            "POST",
            "/settings/users/{id}",
            Access::May(Action::People(PeopleAction::ManageUsers)),
            || post(pages::user_update),
        ),
        PageRule::new(
            "POST",
            "/settings/users/{id}/invite",
            Access::May(Action::People(PeopleAction::ManageUsers)),
            || post(pages::user_invite),
        ),
        PageRule::new(
            "GET",
            "/settings/rates",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || get(rates::rates),
        ),
        PageRule::new(
            "POST",
            "/settings/rates",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(rates::add_rate),
        ),
        PageRule::new(
            "POST",
            "/settings/costs",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(rates::add_cost),
        ),
        PageRule::new(
            "POST",
            "/settings/capacity",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(rates::set_capacity),
        ),
        PageRule::new(
            "POST",
            "/settings/leave",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(rates::set_leave),
        ),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "POST",
            path: "/api/v1/users/{id}/invite",
            action: Action::People(PeopleAction::ManageUsers),
        },
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

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::me))
        .routes(routes!(api::list_users))
        .routes(routes!(api::update_user))
        .routes(routes!(api::invite_user))
        .routes(routes!(api::add_cost))
        .routes(routes!(api::set_capacity))
        .routes(routes!(api::set_leave))
}
