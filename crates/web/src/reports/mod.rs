//! Time reports by period and grouping, on screen and as CSV.
use mesure_domain::{Action, RadarAction};
pub mod pages;

use crate::AppState;
use crate::modules::{Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::get;

pub const MODULE: Module = Module {
    name: "reports",
    pages,
    upload_pages: no_pages,
    api: no_api,
    upload_api: no_api,
    api_rules: &[],
    nav: &[NavEntry {
        href: "/reports",
        key: "nav-reports",
        action: Action::Radar(RadarAction::View),
        menu: Menu::Main,
        order: 50,
    }],
};

fn pages() -> Router<AppState> {
    Router::new()
        .route("/reports", get(pages::page))
        .route("/reports.csv", get(pages::csv))
}
