//! The home dashboard: the week's figures, the reader's projects and recent activity.
use mesure_domain::{Action, DashboardAction};
pub mod pages;

use crate::modules::{Access, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::get;

pub const MODULE: Module = Module {
    name: "dashboard",
    page_rules: &[PageRule::new("GET", "/dashboard", Access::SignedIn, || {
        get(pages::page)
    })],
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
