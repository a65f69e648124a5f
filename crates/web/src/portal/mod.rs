//! The client portal: a contact's own organisation — its projects, time reports, change
//! requests to decide and invoices, each as the contact's role allows (issue 11).
use mesure_domain::{Action, PortalAction};
pub mod api;
pub mod pages;
pub mod questions;
pub mod report;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const VIEW: Action = Action::Portal(PortalAction::View);
const PROJECTS: Action = Action::Portal(PortalAction::Projects);
const TIME: Action = Action::Portal(PortalAction::TimeReport);
const DECIDE: Action = Action::Portal(PortalAction::DecideChange);
const INVOICES: Action = Action::Portal(PortalAction::Invoices);
const CLIENTS_READ: Action = Action::Clients(mesure_domain::ClientsAction::Read);
const CLIENTS_WRITE: Action = Action::Clients(mesure_domain::ClientsAction::Write);

pub const MODULE: Module = Module {
    name: "portal",
    page_rules: &[
        PageRule::new("GET", "/portal", Access::May(VIEW), || get(pages::home)),
        PageRule::new(
            "GET",
            "/portal/projects/{id}",
            Access::May(PROJECTS),
            || get(pages::project),
        ),
        PageRule::new(
            "GET",
            "/portal/projects/{id}/time",
            Access::May(TIME),
            || get(pages::time),
        ),
        PageRule::new(
            "POST",
            "/portal/change-requests/{id}/decision",
            Access::May(DECIDE),
            || post(pages::decide),
        ),
        PageRule::new(
            "POST",
            "/projects/{id}/portal",
            Access::May(Action::Projects(mesure_domain::ProjectsAction::Write)),
            || post(pages::save_project_settings),
        ),
        PageRule::new("POST", "/portal/questions", Access::May(VIEW), || {
            post(questions::ask)
        }),
        PageRule::new("GET", "/portal/questions", Access::May(VIEW), || {
            get(questions::own)
        }),
        PageRule::new("GET", "/portal/questions/{id}", Access::May(VIEW), || {
            get(questions::thread)
        }),
        PageRule::new(
            "POST",
            "/portal/questions/{id}/reply",
            Access::May(VIEW),
            || post(questions::reply),
        ),
        PageRule::new("GET", "/questions", Access::May(CLIENTS_READ), || {
            get(questions::staff_list)
        }),
        PageRule::new("GET", "/questions/{id}", Access::May(CLIENTS_READ), || {
            get(questions::thread)
        }),
        PageRule::new(
            "POST",
            "/questions/{id}/reply",
            Access::May(CLIENTS_WRITE),
            || post(questions::reply),
        ),
        PageRule::new(
            "POST",
            "/questions/{id}/resolve",
            Access::May(CLIENTS_WRITE),
            || post(questions::resolve),
        ),
        PageRule::new("GET", "/portal/invoices", Access::May(INVOICES), || {
            get(pages::invoices)
        }),
        PageRule::new(
            "GET",
            "/portal/invoices/{id}",
            Access::May(INVOICES),
            || get(pages::invoice),
        ),
        PageRule::new(
            "GET",
            "/portal/invoices/{id}/lines/{line}",
            Access::May(INVOICES),
            || get(pages::invoice_line),
        ),
        PageRule::new("GET", "/portal/report", Access::May(VIEW), || {
            get(report::portal)
        }),
        PageRule::new("GET", "/portal/report.pdf", Access::May(VIEW), || {
            get(report::portal_pdf)
        }),
        PageRule::new(
            "GET",
            "/clients/{id}/value-report",
            Access::May(CLIENTS_READ),
            || get(report::client),
        ),
        PageRule::new(
            "GET",
            "/clients/{id}/value-report.pdf",
            Access::May(CLIENTS_READ),
            || get(report::client_pdf),
        ),
        PageRule::new(
            "GET",
            "/portal/invoices/{id}/pdf",
            Access::May(INVOICES),
            || get(pages::invoice_pdf),
        ),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/portal/projects",
            action: PROJECTS,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/portal/invoices",
            action: INVOICES,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/portal/invoices/{id}",
            action: INVOICES,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/portal/invoices/{id}/lines/{line}/entries",
            action: INVOICES,
        },
    ],
    nav: &[
        NavEntry {
            href: "/portal",
            key: "nav-portal",
            action: VIEW,
            menu: Menu::Main,
            order: 130,
        },
        NavEntry {
            href: "/portal/questions",
            key: "nav-portal-questions",
            action: VIEW,
            menu: Menu::Main,
            order: 132,
        },
        NavEntry {
            href: "/portal/report",
            key: "nav-value-report",
            action: VIEW,
            menu: Menu::Main,
            order: 134,
        },
        NavEntry {
            href: "/questions",
            key: "nav-questions",
            action: CLIENTS_READ,
            menu: Menu::Main,
            order: 75,
        },
        NavEntry {
            href: "/portal/invoices",
            key: "nav-portal-invoices",
            action: INVOICES,
            menu: Menu::Main,
            order: 131,
        },
    ],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::projects))
        .routes(routes!(api::invoices))
        .routes(routes!(api::invoice))
        .routes(routes!(api::line_entries))
}
