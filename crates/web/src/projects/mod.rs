//! Projects and their scope: billing models, deliverables, milestones, change requests, rate
//! cards; pages, API and CSV.
use mesure_domain::{Action, ProjectsAction, RadarAction};
pub mod api;
pub mod pages;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "projects",
    page_rules: &[
        PageRule::new(
            "GET",
            "/projects",
            Access::May(Action::Projects(ProjectsAction::Read)),
            || get(pages::list),
        ),
        PageRule::new(
            "POST",
            "/projects",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::create),
        ),
        PageRule::new(
            "GET",
            "/projects/new",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || get(pages::new_form),
        ),
        PageRule::new(
            "GET",
            "/projects/{id}",
            Access::May(Action::Projects(ProjectsAction::Read)),
            || get(pages::show),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::update),
        ),
        PageRule::new(
            "GET",
            "/projects/{id}/edit",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || get(pages::edit_form),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/archive",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::archive),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/unarchive",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::unarchive),
        ),
        PageRule::new(
            "GET",
            "/projects/{id}/months.csv",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::months_csv),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/deliverables",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::add_deliverable),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/deliverables/{did}",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::update_deliverable),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/changes",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::add_change),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/changes/{cid}",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::decide_change),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/milestones",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::add_milestone),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/milestones/{mid}",
            Access::May(Action::Projects(ProjectsAction::Write)),
            || post(pages::milestone_reached),
        ),
    ],
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
