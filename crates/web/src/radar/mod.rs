//! The over-servicing radar: the dashboard of offenders, client roll-ups, utilisation, CSVs.
use mesure_domain::{Action, RadarAction};
pub mod api;
pub mod pages;
pub mod views;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "radar",
    page_rules: &[
        PageRule::new(
            "GET",
            "/radar",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::dashboard),
        ),
        PageRule::new(
            "GET",
            "/radar.csv",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::dashboard_csv),
        ),
        PageRule::new(
            "GET",
            "/radar/utilisation.csv",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::utilisation_csv),
        ),
        PageRule::new(
            "GET",
            "/radar/clients/{id}",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::client),
        ),
        PageRule::new(
            "GET",
            "/radar/clients/{id}/months.csv",
            Access::May(Action::Radar(RadarAction::View)),
            || get(pages::client_csv),
        ),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/clients/{id}/radar",
            action: Action::Radar(RadarAction::View),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/projects/{id}/radar",
            action: Action::Radar(RadarAction::View),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/radar",
            action: Action::Radar(RadarAction::View),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/radar/utilisation",
            action: Action::Radar(RadarAction::View),
        },
    ],
    nav: &[NavEntry {
        href: "/radar",
        key: "nav-radar",
        action: Action::Radar(RadarAction::View),
        menu: Menu::Main,
        order: 20,
    }],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::project_radar))
        .routes(routes!(api::dashboard))
        .routes(routes!(api::client_radar))
        .routes(routes!(api::utilisation))
}
