//! The client portal: a contact's own organisation.
use mesure_domain::{Action, PortalAction};
pub mod pages;

use crate::modules::{Access, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::get;

pub const MODULE: Module = Module {
    name: "portal",
    page_rules: &[PageRule::new(
        "GET",
        "/portal",
        Access::May(Action::Portal(PortalAction::View)),
        || get(pages::home),
    )],
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
