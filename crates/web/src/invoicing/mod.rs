//! Invoicing: invoices and credit notes built from the work, issued, paid and credited; the
//! seller's settings; pages, API and the accountant's export.
use mesure_domain::{Action, InvoicingAction};
pub mod api;
pub mod pages;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Invoicing(InvoicingAction::Read);
const WRITE: Action = Action::Invoicing(InvoicingAction::Write);
const SETTINGS: Action = Action::Invoicing(InvoicingAction::Settings);

pub const MODULE: Module = Module {
    name: "invoicing",
    page_rules: &[
        PageRule::new("GET", "/invoices", Access::May(READ), || get(pages::list)),
        PageRule::new("POST", "/invoices", Access::May(WRITE), || {
            post(pages::create)
        }),
        PageRule::new("POST", "/invoices/month-end", Access::May(WRITE), || {
            post(pages::month_end)
        }),
        PageRule::new("GET", "/invoices.csv", Access::May(READ), || {
            get(pages::export)
        }),
        PageRule::new("GET", "/invoices/{id}", Access::May(READ), || {
            get(pages::show)
        }),
        PageRule::new("POST", "/invoices/{id}/issue", Access::May(WRITE), || {
            post(pages::issue)
        }),
        PageRule::new("POST", "/invoices/{id}/cancel", Access::May(WRITE), || {
            post(pages::cancel)
        }),
        PageRule::new("POST", "/invoices/{id}/edit", Access::May(WRITE), || {
            post(pages::edit_draft)
        }),
        PageRule::new("POST", "/invoices/{id}/lines", Access::May(WRITE), || {
            post(pages::add_line)
        }),
        PageRule::new(
            "POST",
            "/invoices/{id}/lines/{line}/delete",
            Access::May(WRITE),
            || post(pages::delete_line),
        ),
        PageRule::new(
            "POST",
            "/invoices/{id}/payments",
            Access::May(WRITE),
            || post(pages::add_payment),
        ),
        PageRule::new("POST", "/invoices/{id}/credit", Access::May(WRITE), || {
            post(pages::credit)
        }),
        PageRule::new("GET", "/invoices/{id}/pdf", Access::May(READ), || {
            get(pages::pdf)
        }),
        PageRule::new(
            "GET",
            "/invoices/{id}/facturx.xml",
            Access::May(READ),
            || get(pages::xml),
        ),
        PageRule::new("GET", "/settings/invoicing", Access::May(SETTINGS), || {
            get(pages::settings)
        }),
        PageRule::new("POST", "/settings/invoicing", Access::May(SETTINGS), || {
            post(pages::save_settings)
        }),
    ],
    api: api_routes,
    upload_api: no_api,
    api_rules: &[
        ApiRule {
            method: "GET",
            path: "/api/v1/invoices",
            action: READ,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/invoices",
            action: WRITE,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/invoices/month-end",
            action: WRITE,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/invoices/{id}",
            action: READ,
        },
        ApiRule {
            method: "PATCH",
            path: "/api/v1/invoices/{id}",
            action: WRITE,
        },
        ApiRule {
            method: "DELETE",
            path: "/api/v1/invoices/{id}",
            action: WRITE,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/invoices/{id}/lines",
            action: WRITE,
        },
        ApiRule {
            method: "DELETE",
            path: "/api/v1/invoices/{id}/lines/{line}",
            action: WRITE,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/invoices/{id}/issue",
            action: WRITE,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/invoices/{id}/payments",
            action: WRITE,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/invoices/{id}/facturx.xml",
            action: READ,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/invoices/{id}/pdf",
            action: READ,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/credit-notes",
            action: READ,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/credit-notes",
            action: WRITE,
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/clients/{id}/billing",
            action: WRITE,
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/invoicing/settings",
            action: READ,
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/invoicing/settings",
            action: SETTINGS,
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/invoices/{id}/send",
            action: WRITE,
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/invoicing/logo",
            action: SETTINGS,
        },
        ApiRule {
            method: "DELETE",
            path: "/api/v1/invoicing/logo",
            action: SETTINGS,
        },
    ],
    nav: &[
        NavEntry {
            href: "/invoices",
            key: "nav-invoices",
            action: READ,
            menu: Menu::Main,
            order: 65,
        },
        NavEntry {
            href: "/settings/invoicing",
            key: "nav-invoicing-settings",
            action: SETTINGS,
            menu: Menu::Settings,
            order: 25,
        },
    ],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::month_end))
        .routes(routes!(api::get, api::update, api::delete))
        .routes(routes!(api::add_line))
        .routes(routes!(api::delete_line))
        .routes(routes!(api::issue))
        .routes(routes!(api::add_payment))
        .routes(routes!(api::send))
        .routes(routes!(api::facturx))
        .routes(routes!(api::pdf))
        .routes(routes!(api::list_credit_notes, api::create_credit_note))
        .routes(routes!(api::put_billing))
        .routes(routes!(api::get_settings, api::put_settings))
        .routes(routes!(api::put_logo, api::delete_logo))
}
