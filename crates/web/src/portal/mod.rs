//! The client portal: a contact's own organisation.
use mesure_domain::{Action, PortalAction};
pub mod pages;

use crate::AppState;
use crate::modules::{Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::get;

pub const MODULE: Module = Module {
    name: "portal",
    pages,
    upload_pages: no_pages,
    api: no_api,
    upload_api: no_api,
    api_rules: &[],
    nav: &[NavEntry {
        href: "/portal",
        key: "nav-portal",
        action: Action::Portal(PortalAction::View),
        menu: Menu::Main,
        order: 130,
    }],
};

fn pages() -> Router<AppState> {
    Router::new().route("/portal", get(pages::home))
}
