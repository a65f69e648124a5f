//! The reader's alerts: the page, the API, and their sentences.
use mesure_domain::{Action, DashboardAction};
pub mod api;
pub mod pages;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "notifications",
    page_rules: &[
        PageRule::new(
            "GET",
            "/notifications",
            Access::May(Action::Dashboard(DashboardAction::View)),
            || get(pages::notifications),
        ),
        PageRule::new(
            "POST",
            "/notifications/read",
            Access::May(Action::Dashboard(DashboardAction::View)),
            || post(pages::notifications_read),
        ),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/notifications",
            action: Action::Dashboard(DashboardAction::View),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/notifications/read",
            action: Action::Dashboard(DashboardAction::View),
        },
    ],
    nav: &[NavEntry {
        href: "/notifications",
        key: "nav-notifications",
        action: Action::Dashboard(DashboardAction::View),
        menu: Menu::Main,
        order: 110,
    }],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::notifications))
        .routes(routes!(api::mark_read))
}
