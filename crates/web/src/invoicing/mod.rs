//! Invoicing: invoices and credit notes built from the work, issued, paid and credited; the
//! seller's settings; pages, API and the accountant's export.
use mesure_domain::{Action, InvoicingAction};
pub mod api;

use crate::AppState;
use crate::modules::{ApiRule, Module, no_api};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Invoicing(InvoicingAction::Read);
const WRITE: Action = Action::Invoicing(InvoicingAction::Write);
const SETTINGS: Action = Action::Invoicing(InvoicingAction::Settings);

pub const MODULE: Module = Module {
    name: "invoicing",
    page_rules: &[],
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
            method: "GET",
            path: "/api/v1/invoices/{id}",
            action: READ,
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
    ],
    nav: &[],
};

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::get, api::delete))
        .routes(routes!(api::add_line))
        .routes(routes!(api::delete_line))
        .routes(routes!(api::issue))
        .routes(routes!(api::add_payment))
        .routes(routes!(api::facturx))
        .routes(routes!(api::pdf))
        .routes(routes!(api::list_credit_notes, api::create_credit_note))
        .routes(routes!(api::put_billing))
        .routes(routes!(api::get_settings, api::put_settings))
}
