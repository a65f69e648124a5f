//! The service desk (issue 12): the ticket lists with saved views, filters and full-text
//! search; a ticket's page with its thread, moves and SLA explanation; opening a ticket for a
//! client; the desk's setup (SLA policies, categories, canned replies); the portal's tickets for
//! contacts; the tickets API.
use mesure_domain::{Action, DeskAction};
pub mod api;
pub mod csat;
pub mod form;
pub mod inbound;
pub mod kpis;
pub mod pages;
pub mod portal;
pub mod setup;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Desk(DeskAction::Read);
const WORK: Action = Action::Desk(DeskAction::Work);
const MANAGE: Action = Action::Desk(DeskAction::Manage);
const REQUEST: Action = Action::Desk(DeskAction::Request);

pub const MODULE: Module = Module {
    name: "desk",
    page_rules: &[
        PageRule::new("GET", "/desk", Access::May(READ), || get(pages::list)),
        PageRule::new("GET", "/desk.csv", Access::May(READ), || get(pages::export)),
        PageRule::new("POST", "/desk/views", Access::May(READ), || {
            post(pages::save_view)
        }),
        PageRule::new("POST", "/desk/views/{id}/delete", Access::May(READ), || {
            post(pages::delete_view)
        }),
        PageRule::new("GET", "/desk/new", Access::May(WORK), || {
            get(pages::new_form)
        }),
        PageRule::new("POST", "/desk/new", Access::May(WORK), || {
            post(pages::create)
        }),
        PageRule::new("GET", "/desk/tickets/{id}", Access::May(READ), || {
            get(pages::show)
        }),
        PageRule::new(
            "POST",
            "/desk/tickets/{id}/reply",
            Access::May(WORK),
            || post(pages::reply),
        ),
        PageRule::new("POST", "/desk/tickets/{id}/time", Access::May(WORK), || {
            post(pages::log_time)
        }),
        PageRule::new("POST", "/desk/tickets/{id}/move", Access::May(WORK), || {
            post(pages::apply)
        }),
        PageRule::new(
            "POST",
            "/desk/tickets/{id}/merge",
            Access::May(WORK),
            || post(pages::merge),
        ),
        PageRule::new("GET", "/desk/kpis", Access::May(READ), || get(kpis::page)),
        PageRule::new("GET", "/desk/kpis.csv", Access::May(READ), || {
            get(kpis::export)
        }),
        PageRule::new("POST", "/desk/abandoned", Access::May(WORK), || {
            post(kpis::abandoned)
        }),
        PageRule::new("GET", "/csat/{token}", Access::Public, || {
            get(csat::by_link)
        }),
        PageRule::new("POST", "/csat/{token}", Access::Public, || {
            post(csat::answer_by_link)
        }),
        PageRule::new(
            "POST",
            "/portal/tickets/{id}/rate",
            Access::May(REQUEST),
            || post(csat::portal_rate),
        ),
        PageRule::new("GET", "/desk/setup", Access::May(MANAGE), || {
            get(setup::show)
        }),
        PageRule::new("POST", "/desk/setup/policy", Access::May(MANAGE), || {
            post(setup::save_policy)
        }),
        PageRule::new("POST", "/desk/setup/clients", Access::May(MANAGE), || {
            post(setup::save_client_policy)
        }),
        PageRule::new("GET", "/desk/setup/calendar", Access::May(MANAGE), || {
            get(setup::client_calendar)
        }),
        PageRule::new("POST", "/desk/setup/calendar", Access::May(MANAGE), || {
            post(setup::save_client_calendar)
        }),
        PageRule::new(
            "POST",
            "/desk/setup/categories",
            Access::May(MANAGE),
            || post(setup::save_category),
        ),
        PageRule::new("POST", "/desk/setup/canned", Access::May(MANAGE), || {
            post(setup::save_canned)
        }),
        PageRule::new("POST", "/desk/setup/mail", Access::May(MANAGE), || {
            post(setup::save_mail)
        }),
        PageRule::new("POST", "/desk/setup/form", Access::May(MANAGE), || {
            post(setup::save_form)
        }),
        PageRule::new("GET", "/help/{key}", Access::Public, || get(form::show)),
        PageRule::new("POST", "/help/{key}", Access::Public, || post(form::submit)),
        PageRule::new("GET", "/desk/inbound", Access::May(READ), || {
            get(inbound::page)
        }),
        PageRule::new(
            "POST",
            "/desk/inbound/{id}/accept",
            Access::May(WORK),
            || post(inbound::accept),
        ),
        PageRule::new(
            "POST",
            "/desk/inbound/{id}/discard",
            Access::May(WORK),
            || post(inbound::discard),
        ),
        PageRule::new("GET", "/desk/inbound/{id}/raw", Access::May(WORK), || {
            get(inbound::raw)
        }),
        PageRule::new(
            "GET",
            "/desk/tickets/{id}/files/{file}",
            Access::May(READ),
            || get(inbound::file),
        ),
        PageRule::new(
            "GET",
            "/portal/tickets/{id}/files/{file}",
            Access::May(REQUEST),
            || get(inbound::file),
        ),
        PageRule::new("GET", "/portal/tickets", Access::May(REQUEST), || {
            get(portal::list)
        }),
        PageRule::new("GET", "/portal/tickets/new", Access::May(REQUEST), || {
            get(portal::new_form)
        }),
        PageRule::new("POST", "/portal/tickets/new", Access::May(REQUEST), || {
            post(portal::create)
        }),
        PageRule::new("GET", "/portal/tickets/{id}", Access::May(REQUEST), || {
            get(portal::show)
        }),
        PageRule::new(
            "POST",
            "/portal/tickets/{id}/reply",
            Access::May(REQUEST),
            || post(portal::reply),
        ),
    ],
    api: api_routes,
    upload_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/desk/tickets",
            action: READ,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/desk/tickets",
            action: WORK,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/desk/tickets/{id}",
            action: READ,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/desk/tickets/{id}/messages",
            action: WORK,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/desk/tickets/{id}/move",
            action: WORK,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/desk/kpis",
            action: READ,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/desk/abandoned",
            action: WORK,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/desk/inbound",
            action: WORK,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/desk/inbound",
            action: READ,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/portal/tickets",
            action: REQUEST,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/portal/tickets",
            action: REQUEST,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/portal/tickets/{id}",
            action: REQUEST,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/portal/tickets/{id}/messages",
            action: REQUEST,
        },
    ],
    nav: &[
        NavEntry {
            href: "/desk",
            key: "nav-desk",
            action: READ,
            menu: Menu::Main,
            order: 74,
        },
        NavEntry {
            href: "/desk/setup",
            key: "nav-desk-setup",
            action: MANAGE,
            menu: Menu::Settings,
            order: 65,
        },
        NavEntry {
            href: "/portal/tickets",
            key: "nav-portal-tickets",
            action: REQUEST,
            menu: Menu::Main,
            order: 135,
        },
    ],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::open))
        .routes(routes!(api::show))
        .routes(routes!(api::reply))
        .routes(routes!(api::apply))
        .routes(routes!(api::kpis))
        .routes(routes!(api::abandoned))
        .routes(routes!(api::portal_list, api::portal_open))
        .routes(routes!(api::portal_show))
        .routes(routes!(api::portal_reply))
        .routes(routes!(inbound::log_api))
}

/// Raw e-mail messages are larger than the regular body limit.
fn upload_api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound::receive))
}
