//! Relationship NPS (issue 11): results per client, segment and overall; the
//! satisfaction-vs-margin view with the workspace's optimal band; each client's survey schedule
//! and recipients; the survey itself, by e-mailed link (no login) or in the portal.
use mesure_domain::{Action, NpsAction};
pub mod api;
pub mod pages;
pub mod survey;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Nps(NpsAction::Read);
const MANAGE: Action = Action::Nps(NpsAction::Manage);
const ANSWER: Action = Action::Nps(NpsAction::Answer);

pub const MODULE: Module = Module {
    name: "nps",
    page_rules: &[
        PageRule::new("GET", "/nps", Access::May(READ), || get(pages::overview)),
        PageRule::new("GET", "/nps.csv", Access::May(READ), || get(pages::export)),
        PageRule::new(
            "GET",
            "/nps/satisfaction",
            Access::May(Action::Radar(mesure_domain::RadarAction::View)),
            || get(pages::satisfaction),
        ),
        PageRule::new("POST", "/nps/band", Access::May(MANAGE), || {
            post(pages::save_band)
        }),
        PageRule::new("GET", "/nps/clients/{id}", Access::May(MANAGE), || {
            get(pages::client)
        }),
        PageRule::new("POST", "/nps/clients/{id}", Access::May(MANAGE), || {
            post(pages::save_client)
        }),
        PageRule::new(
            "POST",
            "/nps/clients/{id}/send",
            Access::May(MANAGE),
            || post(pages::send_now),
        ),
        PageRule::new("GET", "/survey/{token}", Access::Public, || {
            get(survey::by_link)
        }),
        PageRule::new("POST", "/survey/{token}", Access::Public, || {
            post(survey::answer_by_link)
        }),
        PageRule::new("GET", "/portal/surveys", Access::May(ANSWER), || {
            get(survey::portal_list)
        }),
        PageRule::new("GET", "/portal/surveys/{id}", Access::May(ANSWER), || {
            get(survey::portal_show)
        }),
        PageRule::new("POST", "/portal/surveys/{id}", Access::May(ANSWER), || {
            post(survey::portal_answer)
        }),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/nps",
            action: READ,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/nps/satisfaction",
            action: Action::Radar(mesure_domain::RadarAction::View),
        },
    ],
    nav: &[
        NavEntry {
            href: "/nps",
            key: "nav-nps",
            action: READ,
            menu: Menu::Main,
            order: 72,
        },
        NavEntry {
            href: "/portal/surveys",
            key: "nav-portal-surveys",
            action: ANSWER,
            menu: Menu::Main,
            order: 133,
        },
    ],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::report))
        .routes(routes!(api::satisfaction))
}
