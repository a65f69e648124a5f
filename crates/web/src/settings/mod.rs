//! The workspace's settings and its background jobs.
use mesure_domain::{Action, DashboardAction, SettingsAction};
pub mod api;
pub mod pages;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "settings",
    page_rules: &[
        PageRule::new(
            "GET",
            "/settings/workspace",
            Access::May(Action::Settings(SettingsAction::ManageWorkspace)),
            || get(pages::workspace),
        ),
        PageRule::new(
            "POST",
            "/settings/workspace",
            Access::May(Action::Settings(SettingsAction::ManageWorkspace)),
            || post(pages::workspace_save),
        ),
        PageRule::new(
            "GET",
            "/settings/calendar",
            Access::May(Action::Settings(SettingsAction::ManageWorkspace)),
            || get(pages::calendar),
        ),
        PageRule::new(
            "POST",
            "/settings/calendar",
            Access::May(Action::Settings(SettingsAction::ManageWorkspace)),
            || post(pages::calendar_save),
        ),
        PageRule::new(
            "GET",
            "/settings/jobs",
            Access::May(Action::Settings(SettingsAction::ReadJobs)),
            || get(pages::jobs),
        ),
        PageRule::new(
            "POST",
            "/settings/jobs/{id}/retry",
            Access::May(Action::Settings(SettingsAction::ManageWorkspace)),
            || post(pages::job_retry),
        ),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/jobs",
            action: Action::Settings(SettingsAction::ReadJobs),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/workspace",
            action: Action::Dashboard(DashboardAction::View),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/workspace",
            action: Action::Settings(SettingsAction::ManageWorkspace),
        },
    ],
    nav: &[
        NavEntry {
            href: "/settings/workspace",
            key: "nav-workspace",
            action: Action::Settings(SettingsAction::ManageWorkspace),
            menu: Menu::Settings,
            order: 20,
        },
        NavEntry {
            href: "/settings/calendar",
            key: "nav-calendar",
            action: Action::Settings(SettingsAction::ManageWorkspace),
            menu: Menu::Settings,
            order: 27,
        },
        NavEntry {
            href: "/settings/jobs",
            key: "nav-jobs",
            action: Action::Settings(SettingsAction::ReadJobs),
            menu: Menu::Settings,
            order: 60,
        },
    ],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::get_workspace, api::update_workspace))
        .routes(routes!(api::list_jobs))
}
