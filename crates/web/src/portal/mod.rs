//! The client portal: a contact's own organisation.
pub mod pages;

use crate::AppState;
use crate::modules::{Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::get;
use mesure_domain::Action;

pub const MODULE: Module = Module {
    name: "portal",
    pages,
    upload_pages: no_pages,
    api: no_api,
    upload_api: no_api,
    nav: &[NavEntry {
        href: "/portal",
        key: "nav-portal",
        action: Action::ViewPortal,
        menu: Menu::Main,
        order: 130,
    }],
};

fn pages() -> Router<AppState> {
    Router::new().route("/portal", get(pages::home))
}
