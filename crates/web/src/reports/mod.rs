//! Time reports by period and grouping, on screen and as CSV.
use mesure_domain::{Action, RadarAction};
pub mod pages;

use crate::modules::{Access, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::get;

pub const MODULE: Module = Module {
    name: "reports",
    page_rules: &[
        PageRule::new(
            "GET",
            "/reports",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::page),
        ),
        PageRule::new(
            "GET",
            "/reports.csv",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::csv),
        ),
    ],
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
