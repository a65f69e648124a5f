//! Projects and their scope: billing models, deliverables, milestones, change requests, rate
//! cards; pages, API and CSV.
use mesure_domain::{Action, ProjectsAction};
pub mod api;
pub mod pages;

use crate::AppState;
use crate::modules::{ApiRule, Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "projects",
    pages,
    upload_pages: no_pages,
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/projects",
            action: Action::Projects(ProjectsAction::Read),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/projects/{id}",
            action: Action::Projects(ProjectsAction::Read),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/projects/{id}/change-requests",
            action: Action::Projects(ProjectsAction::Read),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/projects/{id}/deliverables",
            action: Action::Projects(ProjectsAction::Read),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/projects/{id}/milestones",
            action: Action::Projects(ProjectsAction::Read),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/rates",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/change-requests/{id}/decision",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/projects",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/projects/{id}/archive",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/projects/{id}/change-requests",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/projects/{id}/deliverables",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/projects/{id}/milestones",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/projects/{id}/unarchive",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/rates",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/deliverables/{id}",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/milestones/{id}/reached",
            action: Action::Projects(ProjectsAction::Write),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/projects/{id}",
            action: Action::Projects(ProjectsAction::Write),
        },
    ],
    nav: &[NavEntry {
        href: "/projects",
        key: "nav-projects",
        action: Action::Projects(ProjectsAction::Read),
        menu: Menu::Main,
        order: 60,
    }],
};

fn pages() -> Router<AppState> {
    Router::new()
        .route("/projects", get(pages::list).post(pages::create))
        .route("/projects/new", get(pages::new_form))
        .route("/projects/{id}", get(pages::show).post(pages::update))
        .route("/projects/{id}/edit", get(pages::edit_form))
        .route("/projects/{id}/archive", post(pages::archive))
        .route("/projects/{id}/unarchive", post(pages::unarchive))
        .route("/projects/{id}/months.csv", get(pages::months_csv))
        .route("/projects/{id}/deliverables", post(pages::add_deliverable))
        .route(
            "/projects/{id}/deliverables/{did}",
            post(pages::update_deliverable),
        )
        .route("/projects/{id}/changes", post(pages::add_change))
        .route("/projects/{id}/changes/{cid}", post(pages::decide_change))
        .route("/projects/{id}/milestones", post(pages::add_milestone))
        .route(
            "/projects/{id}/milestones/{mid}",
            post(pages::milestone_reached),
        )
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::get, api::update))
        .routes(routes!(api::archive))
        .routes(routes!(api::unarchive))
        .routes(routes!(api::list_deliverables, api::add_deliverable))
        .routes(routes!(api::update_deliverable))
        .routes(routes!(api::list_milestones, api::add_milestone))
        .routes(routes!(api::set_reached))
        .routes(routes!(api::list_changes, api::add_change))
        .routes(routes!(api::decide))
        .routes(routes!(api::list_rates, api::add_rate))
}
