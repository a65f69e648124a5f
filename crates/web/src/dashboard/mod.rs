//! The home dashboard: the week's figures, the reader's projects and recent activity.
use mesure_domain::{Action, DashboardAction};
pub mod pages;

use crate::AppState;
use crate::modules::{Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::get;

pub const MODULE: Module = Module {
    name: "dashboard",
    pages,
    upload_pages: no_pages,
    api: no_api,
    upload_api: no_api,
    api_rules: &[],
    nav: &[NavEntry {
        href: "/dashboard",
        key: "nav-dashboard",
        action: Action::Dashboard(DashboardAction::View),
        menu: Menu::Main,
        order: 10,
    }],
};

fn pages() -> Router<AppState> {
    Router::new().route("/dashboard", get(pages::page))
}
