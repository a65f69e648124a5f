//! The over-servicing radar: the dashboard of offenders, client roll-ups, utilisation, CSVs.
use mesure_domain::{Action, RadarAction};
pub mod api;
pub mod pages;

use crate::AppState;
use crate::modules::{ApiRule, Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "radar",
    pages,
    upload_pages: no_pages,
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

fn pages() -> Router<AppState> {
    Router::new()
        .route("/radar", get(pages::dashboard))
        .route("/radar.csv", get(pages::dashboard_csv))
        .route("/radar/utilisation.csv", get(pages::utilisation_csv))
        .route("/radar/clients/{id}", get(pages::client))
        .route("/radar/clients/{id}/months.csv", get(pages::client_csv))
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::project_radar))
        .routes(routes!(api::dashboard))
        .routes(routes!(api::client_radar))
        .routes(routes!(api::utilisation))
}
